package main

import (
	"net/http"
	"time"
)

// Scenarios of the "go" stack: an API written with net/http by hand on
// http://127.0.0.1:8801, each handler setting its CORS headers itself, the
// way small Go services usually do it, mistakes included. The same stack
// also holds the scenarios that need no particular server framework:
// same-origin requests (served by the page's own server), redirects to the
// second API origin, and requests the renderer refuses before they reach
// the network.

const (
	acaoHdr = "Access-Control-Allow-Origin"
	acacHdr = "Access-Control-Allow-Credentials"
	acamHdr = "Access-Control-Allow-Methods"
	acahHdr = "Access-Control-Allow-Headers"
	acmaHdr = "Access-Control-Max-Age"
	acehHdr = "Access-Control-Expose-Headers"
)

// goodPreflight answers a preflight the way a correct hand-written handler
// does: echoes the origin, lists methods and headers, and sends Vary.
func goodPreflight(methods, headers string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		add(w, acaoHdr, origin(r), acamHdr, methods, "Vary", "Origin")
		if headers != "" {
			add(w, acahHdr, headers)
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// echoOK answers the actual request with the echoed origin.
func echoOK(w http.ResponseWriter, r *http.Request) {
	add(w, acaoHdr, origin(r), "Vary", "Origin")
	okJSON(w)
}

func starOK(w http.ResponseWriter, r *http.Request) {
	add(w, acaoHdr, "*")
	okJSON(w)
}

// fixed answers every method with the same headers and status.
// preflightWith answers a preflight 204 with the headers kv (name, value
// pairs); an Access-Control-Allow-Origin given as "" echoes the request's
// Origin.
func preflightWith(kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		addEchoing(w, r, kv)
		w.WriteHeader(http.StatusNoContent)
	}
}

// addEchoing adds the headers kv (name, value pairs); an
// Access-Control-Allow-Origin given as "" echoes the request's Origin.
func addEchoing(w http.ResponseWriter, r *http.Request, kv []string) {
	for i := 0; i+1 < len(kv); i += 2 {
		v := kv[i+1]
		if kv[i] == acaoHdr && v == "" {
			v = origin(r)
		}
		add(w, kv[i], v)
	}
}

// maxAgePreflight answers a good preflight for PUT with
// Access-Control-Max-Age: v.
func maxAgePreflight(v string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		add(w, acmaHdr, v)
		goodPreflight("PUT", "")(w, r)
	}
}

// put307 answers a good preflight for PUT, and the PUT with its Origin
// echoed and a 307 to target.
func put307(target string) http.HandlerFunc {
	return split(goodPreflight("PUT", ""), func(w http.ResponseWriter, r *http.Request) {
		add(w, acaoHdr, origin(r), "Vary", "Origin")
		http.Redirect(w, r, target, http.StatusTemporaryRedirect)
	})
}

// redirectTo answers Access-Control-Allow-Origin: * and status with
// Location: target as written (http.Redirect would resolve it as a path).
func redirectTo(status int, target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		add(w, acaoHdr, "*")
		w.Header().Set("Location", target)
		w.WriteHeader(status)
	}
}

// redirectWithStar answers Access-Control-Allow-Origin: * and a 302 to
// target.
func redirectWithStar(target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		add(w, acaoHdr, "*")
		http.Redirect(w, r, target, http.StatusFound)
	}
}

func fixed(status int, kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		add(w, kv...)
		if r.Method == http.MethodOptions && status == http.StatusOK {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		reply(w, status, `{"ok":true}`)
	}
}

func init() {
	register("go",
		// ---- simple requests: Access-Control-Allow-Origin on the response ----
		&Scenario{Name: "simple-get-acao-star", Description: "Simple GET answered with Access-Control-Allow-Origin: * (passes)",
			JS: `await f(URL)`, Mount: at(starOK)},
		&Scenario{Name: "simple-get-echo-origin", Description: "Simple GET answered with the request's Origin echoed and Vary: Origin (passes)",
			JS: `await f(URL)`, Mount: at(echoOK)},
		&Scenario{Name: "simple-get-no-acao", Description: "Simple GET; the handler sets no CORS header at all",
			JS: `await f(URL)`, Mount: at(func(w http.ResponseWriter, r *http.Request) { okJSON(w) })},
		&Scenario{Name: "simple-post-form-no-acao", Description: "Form POST (a simple request: no preflight) reaches the server, whose response has no Access-Control-Allow-Origin",
			JS:    `await f(URL, {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'name=harcors&n=1'})`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) { reply(w, http.StatusCreated, `{"id":1}`) })},
		&Scenario{Name: "acao-other-origin", Description: "Access-Control-Allow-Origin names another origin (a hard-coded dev-server origin)",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "http://localhost:3000"))},
		&Scenario{Name: "acao-trailing-slash", Description: "Access-Control-Allow-Origin has a trailing slash: http://localhost:8800/",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "http://localhost:8800/"))},
		&Scenario{Name: "acao-uppercase", Description: "Access-Control-Allow-Origin in upper case: http://LOCALHOST:8800",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "http://LOCALHOST:8800"))},
		&Scenario{Name: "acao-https", Description: "Access-Control-Allow-Origin with the wrong scheme: https://localhost:8800",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "https://localhost:8800"))},
		&Scenario{Name: "acao-with-path", Description: "Access-Control-Allow-Origin is a page URL with a path, not an origin",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "http://localhost:8800/app/index.html"))},
		&Scenario{Name: "acao-null", Description: "Access-Control-Allow-Origin: null sent to a page whose origin is not opaque",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "null"))},
		&Scenario{Name: "acao-two-lines", Description: "Two Access-Control-Allow-Origin header lines (the origin and *), as when two layers both add it",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "http://localhost:8800", acaoHdr, "*"))},
		&Scenario{Name: "acao-star-and-origin-one-line", Description: "One Access-Control-Allow-Origin line holding a list: *, http://localhost:8800",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "*, http://localhost:8800"))},
		&Scenario{Name: "acao-wildcard-subdomain", Description: "Access-Control-Allow-Origin: *.example.com (wildcards inside a value are not a thing)",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "*.example.com"))},
		&Scenario{Name: "acao-wildcard-subdomain-with-scheme", Description: "Access-Control-Allow-Origin: https://*.example.com (a wildcard pattern pasted from a config file)",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "https://*.example.com"))},
		&Scenario{Name: "acao-no-scheme", Description: "Access-Control-Allow-Origin without a scheme: localhost:8800",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "localhost:8800"))},
		&Scenario{Name: "acao-empty", Description: "Access-Control-Allow-Origin present but empty (an unset config variable)",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, ""))},

		// ---- credentials ----
		&Scenario{Name: "acao-star-credentials", Description: "Credentialed GET (credentials: 'include') answered with Access-Control-Allow-Origin: * and Allow-Credentials: true",
			JS: `await f(URL, {credentials: 'include'})`, Mount: at(fixed(200, acaoHdr, "*", acacHdr, "true"))},
		&Scenario{Name: "acac-missing-credentials", Description: "Credentialed GET; origin echoed but no Access-Control-Allow-Credentials",
			JS:    `await f(URL, {credentials: 'include'})`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) { add(w, acaoHdr, origin(r), "Vary", "Origin"); okJSON(w) })},
		&Scenario{Name: "acac-True", Description: "Credentialed GET; Access-Control-Allow-Credentials: True (capital T, as a Python bool prints)",
			JS: `await f(URL, {credentials: 'include'})`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acacHdr, "True", "Vary", "Origin")
				okJSON(w)
			})},
		&Scenario{Name: "credentials-exact-origin", Description: "Credentialed GET with the exact origin and Access-Control-Allow-Credentials: true (passes)",
			JS: `await f(URL, {credentials: 'include'})`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, "http://localhost:8800", acacHdr, "true", "Vary", "Origin")
				okJSON(w)
			})},
		&Scenario{Name: "preflight-acao-star-credentials", Description: "Credentialed PUT; the preflight answers Access-Control-Allow-Origin: *",
			JS:    `await f(URL, {method: 'PUT', credentials: 'include'})`,
			Mount: at(fixed(200, acaoHdr, "*", acacHdr, "true", acamHdr, "GET, PUT, POST, DELETE"))},
		&Scenario{Name: "preflight-acac-missing", Description: "Credentialed PUT; the preflight echoes the origin but has no Access-Control-Allow-Credentials",
			JS: `await f(URL, {method: 'PUT', credentials: 'include'})`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acamHdr, "GET, PUT", "Vary", "Origin")
				if r.Method == http.MethodOptions {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				add(w, acacHdr, "true")
				okJSON(w)
			})},
		&Scenario{Name: "preflight-acac-True", Description: "Credentialed PUT; the preflight echoes the origin with Access-Control-Allow-Credentials: True (capital T)",
			JS: `await f(URL, {method: 'PUT', credentials: 'include'})`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acacHdr, "True", acamHdr, "GET, PUT", "Vary", "Origin")
				if r.Method == http.MethodOptions {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				okJSON(w)
			})},
		&Scenario{Name: "actual-acac-missing", Description: "Credentialed PUT; the preflight has Allow-Credentials: true but the actual response does not (credentials only set in the OPTIONS handler)",
			JS: `await f(URL, {method: 'PUT', credentials: 'include'})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acacHdr, "true", acamHdr, "GET, PUT", "Vary", "Origin")
				w.WriteHeader(http.StatusNoContent)
			}, echoOK))},
		&Scenario{Name: "cookie-samesite-none-insecure", Description: "Credentialed GET that passes CORS; the response sets a cookie with SameSite=None but without Secure",
			JS: `await f(URL, {credentials: 'include'})`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acacHdr, "true", "Vary", "Origin", "Set-Cookie", "session=abc123; Path=/; HttpOnly; SameSite=None")
				okJSON(w)
			})},

		// ---- preflight status and redirects ----
		&Scenario{Name: "preflight-404", Description: "OPTIONS route missing: the preflight is answered 404 without CORS headers",
			JS: `await f(URL, {method: 'PUT'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					if r.Method != http.MethodPut {
						http.NotFound(w, r)
						return
					}
					echoOK(w, r)
				})
			}},
		&Scenario{Name: "preflight-405", Description: "Go 1.22 method pattern \"PUT /path\": the mux answers the preflight 405 Method Not Allowed without CORS headers",
			JS:    `await f(URL, {method: 'PUT'})`,
			Mount: func(m Muxes, p string) { m.API.HandleFunc("PUT "+p, echoOK) }},
		&Scenario{Name: "preflight-404-with-acao", Description: "A middleware adds Access-Control-Allow-Origin to every response, but nothing routes OPTIONS: the preflight is a 404 that carries the header",
			JS: `await f(URL, {method: 'DELETE'})`,
			Mount: func(m Muxes, p string) {
				inner := http.NewServeMux()
				inner.HandleFunc("DELETE "+p, func(w http.ResponseWriter, r *http.Request) { okJSON(w) })
				m.API.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, "*")
					if r.Method == http.MethodOptions {
						http.NotFound(w, r) // what inner would do for an unrouted method in older muxes
						return
					}
					inner.ServeHTTP(w, r)
				})
			}},
		&Scenario{Name: "preflight-500", Description: "The OPTIONS handler fails: the preflight is a 500 without CORS headers",
			JS: `await f(URL, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{}'})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "internal server error", http.StatusInternalServerError)
			}, echoOK))},
		&Scenario{Name: "preflight-500-with-acao", Description: "The preflight is a 500 that does carry Access-Control-Allow-Origin",
			JS: `await f(URL, {method: 'PUT'})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acamHdr, "PUT")
				http.Error(w, "internal server error", http.StatusInternalServerError)
			}, echoOK))},
		&Scenario{Name: "preflight-401", Description: "Auth middleware runs before CORS and rejects the preflight (which never carries the token) with 401",
			JS:    `await f(URL, {headers: {'Authorization': 'Bearer token-123'}})`,
			Mount: at(authFirst(http.StatusUnauthorized))},
		&Scenario{Name: "preflight-403", Description: "A permission check runs before CORS and answers the preflight 403",
			JS:    `await f(URL, {method: 'DELETE', headers: {'X-Api-Key': 'key-123'}})`,
			Mount: at(authFirst(http.StatusForbidden))},
		&Scenario{Name: "preflight-redirect-mux-slash", Description: "The route is registered as \"/path/\"; net/http's ServeMux redirects the preflight for \"/path\" to add the slash (307 for methods other than GET and HEAD)",
			JS: `await f(URL, {method: 'PUT'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p+"/", split(goodPreflight("GET, PUT", ""), echoOK))
			}},
		&Scenario{Name: "preflight-redirect-308", Description: "A trailing-slash middleware answers every method, the preflight included, with 308 to \"/path/\"",
			JS: `await f(URL, {method: 'PATCH', headers: {'Content-Type': 'application/json'}, body: '{"a":1}'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, origin(r))
					http.Redirect(w, r, p+"/", http.StatusPermanentRedirect)
				})
				m.API.HandleFunc(p+"/", split(goodPreflight("GET, PATCH", "Content-Type"), echoOK))
			}},
		&Scenario{Name: "preflight-redirect-307-other-port", Description: "An http-to-https style redirect: the preflight is answered 307 to another origin (port 8808)",
			JS: `await f(URL, {method: 'DELETE'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, secondOrigin+p, http.StatusTemporaryRedirect)
				})
				m.Second.HandleFunc(p, split(goodPreflight("DELETE", ""), echoOK))
			}},

		// ---- preflight content: methods and headers ----
		&Scenario{Name: "preflight-put-ok", Description: "PUT with a correct preflight (204, origin echoed, PUT listed) (passes)",
			JS: `await f(URL, {method: 'PUT', body: 'x'})`, Mount: at(split(goodPreflight("GET, POST, PUT, DELETE", ""), echoOK))},
		&Scenario{Name: "preflight-delete-ok", Description: "DELETE with a correct preflight answered 200 (passes)",
			JS: `await f(URL, {method: 'DELETE'})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acamHdr, "GET, DELETE", "Vary", "Origin")
				okJSON(w)
			}, echoOK))},
		&Scenario{Name: "preflight-json-ok", Description: "POST with Content-Type: application/json; the preflight allows Content-Type (passes)",
			JS:    `await f(URL, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({name: 'harcors'})})`,
			Mount: at(split(goodPreflight("GET, POST", "Content-Type"), echoOK))},
		&Scenario{Name: "preflight-custom-header-ok", Description: "GET with X-Custom-Header and X-Request-Id, both listed in Access-Control-Allow-Headers (passes)",
			JS:    `await f(URL, {headers: {'X-Custom-Header': 'yes', 'X-Request-Id': 'r-1'}})`,
			Mount: at(split(goodPreflight("GET", "X-Custom-Header, X-Request-Id"), echoOK))},
		&Scenario{Name: "json-preflight-refused", Description: "POST with Content-Type: application/json: the JSON content type makes it preflighted, and the preflight allows no headers",
			JS:    `await f(URL, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({name: 'harcors'})})`,
			Mount: at(split(goodPreflight("GET, POST", ""), echoOK))},
		&Scenario{Name: "method-not-in-acam", Description: "PUT, but Access-Control-Allow-Methods lists only GET, POST",
			JS: `await f(URL, {method: 'PUT'})`, Mount: at(split(goodPreflight("GET, POST", ""), echoOK))},
		&Scenario{Name: "method-lowercase-patch-client", Description: "fetch() with method 'patch' (lower case; fetch only upper-cases the six standard methods) against Access-Control-Allow-Methods: GET, POST, PUT, PATCH, DELETE",
			JS: `await f(URL, {method: 'patch'})`, Mount: at(split(goodPreflight("GET, POST, PUT, PATCH, DELETE", ""), echoOK))},
		&Scenario{Name: "method-lowercase-patch-server", Description: "fetch() with method 'PATCH' against Access-Control-Allow-Methods written in lower case: get, post, patch",
			JS: `await f(URL, {method: 'PATCH'})`, Mount: at(split(goodPreflight("get, post, patch", ""), echoOK))},
		&Scenario{Name: "acam-space-separated", Description: "Access-Control-Allow-Methods separated by spaces: GET POST PUT",
			JS: `await f(URL, {method: 'PUT'})`, Mount: at(split(goodPreflight("GET POST PUT", ""), echoOK))},
		&Scenario{Name: "acam-quoted", Description: "Access-Control-Allow-Methods with quoted values: \"GET\", \"PUT\"",
			JS: `await f(URL, {method: 'PUT'})`, Mount: at(split(goodPreflight(`"GET", "PUT"`, ""), echoOK))},
		&Scenario{Name: "acam-star-ok", Description: "PUT without credentials against Access-Control-Allow-Methods: * (passes)",
			JS: `await f(URL, {method: 'PUT'})`, Mount: at(split(goodPreflight("*", ""), echoOK))},
		&Scenario{Name: "acah-unparsable", Description: "Access-Control-Allow-Headers separated by semicolons: Content-Type; X-Custom-Header",
			JS: `await f(URL, {headers: {'X-Custom-Header': 'yes'}})`, Mount: at(split(goodPreflight("GET", "Content-Type; X-Custom-Header"), echoOK))},
		&Scenario{Name: "header-authorization-not-allowed", Description: "GET with an Authorization header; Access-Control-Allow-Headers lists only Content-Type",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer token-123'}})`, Mount: at(split(goodPreflight("GET", "Content-Type"), echoOK))},
		&Scenario{Name: "header-custom-not-allowed", Description: "GET with X-Custom-Header; Access-Control-Allow-Headers lists Content-Type, Authorization",
			JS: `await f(URL, {headers: {'X-Custom-Header': 'yes'}})`, Mount: at(split(goodPreflight("GET", "Content-Type, Authorization"), echoOK))},
		&Scenario{Name: "acah-star-authorization", Description: "GET with Authorization, no credentials, Access-Control-Allow-Headers: * (the spec says * does not cover Authorization)",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer token-123'}})`, Mount: at(split(goodPreflight("GET", "*"), echoOK))},
		&Scenario{Name: "acah-star-custom-ok", Description: "GET with X-Custom-Header, no credentials, Access-Control-Allow-Headers: * (passes)",
			JS: `await f(URL, {headers: {'X-Custom-Header': 'yes'}})`, Mount: at(split(goodPreflight("GET", "*"), echoOK))},
		&Scenario{Name: "acah-acam-star-credentials", Description: "Credentialed PUT with X-Custom-Header; the preflight echoes the origin with Allow-Credentials: true but answers * for methods and headers",
			JS: `await f(URL, {method: 'PUT', credentials: 'include', headers: {'X-Custom-Header': 'yes'}})`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acacHdr, "true", acamHdr, "*", acahHdr, "*", "Vary", "Origin")
				if r.Method == http.MethodOptions {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				okJSON(w)
			})},
		&Scenario{Name: "acah-star-credentials-json", Description: "Credentialed JSON POST; the preflight allows headers with * only",
			JS: `await f(URL, {method: 'POST', credentials: 'include', headers: {'Content-Type': 'application/json'}, body: '{}'})`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acacHdr, "true", acamHdr, "GET, POST", acahHdr, "*", "Vary", "Origin")
				if r.Method == http.MethodOptions {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				okJSON(w)
			})},
		&Scenario{Name: "authorization-credentials-ok", Description: "Credentialed GET with Authorization listed explicitly in Access-Control-Allow-Headers (passes)",
			JS: `await f(URL, {credentials: 'include', headers: {'Authorization': 'Bearer token-123'}})`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acacHdr, "true", "Vary", "Origin")
				if r.Method == http.MethodOptions {
					add(w, acamHdr, "GET", acahHdr, "Authorization, Content-Type")
					w.WriteHeader(http.StatusNoContent)
					return
				}
				okJSON(w)
			})},
		&Scenario{Name: "preflight-acao-mismatch", Description: "PUT; the preflight names another origin in Access-Control-Allow-Origin",
			JS: `await f(URL, {method: 'PUT'})`, Mount: at(fixed(200, acaoHdr, "http://localhost:3000", acamHdr, "PUT"))},
		&Scenario{Name: "preflight-acao-two-lines", Description: "PUT; the preflight carries two Access-Control-Allow-Origin lines",
			JS: `await f(URL, {method: 'PUT'})`, Mount: at(fixed(200, acaoHdr, "*", acaoHdr, "http://localhost:8800", acamHdr, "PUT"))},
		&Scenario{Name: "preflight-acao-invalid", Description: "PUT; the preflight's Access-Control-Allow-Origin is *.localhost",
			JS: `await f(URL, {method: 'PUT'})`, Mount: at(fixed(200, acaoHdr, "*.localhost", acamHdr, "PUT"))},

		// ---- actual response after a good preflight ----
		&Scenario{Name: "actual-500-no-acao", Description: "The preflight passes; the PUT handler then fails and its 500 has no CORS headers (the error path skips them)",
			JS: `await f(URL, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{"a":1}'})`,
			Mount: at(split(goodPreflight("PUT", "Content-Type"), func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "panic: runtime error: invalid memory address", http.StatusInternalServerError)
			}))},
		&Scenario{Name: "actual-401-no-acao", Description: "The preflight passes; the auth check then answers the GET 401 without CORS headers",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer expired'}})`,
			Mount: at(split(goodPreflight("GET", "Authorization"), func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				reply(w, http.StatusUnauthorized, `{"error":"token expired"}`)
			}))},
		&Scenario{Name: "actual-404-with-acao", Description: "GET of a missing item; the 404 carries CORS headers, so the page can read it (passes CORS)",
			JS: `await f(URL)`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, "*")
				reply(w, http.StatusNotFound, `{"error":"not found"}`)
			})},

		// ---- redirects of the actual request ----
		&Scenario{Name: "redirect-cross-origin-no-acao", Description: "GET redirected (302) to another origin; the redirect response has no Access-Control-Allow-Origin",
			JS: `await f(URL)`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, secondOrigin+p, http.StatusFound) })
				m.Second.HandleFunc(p, starOK)
			}},
		&Scenario{Name: "redirect-tainted-origin-allowlist", Description: "GET redirected (302, with CORS headers) to another origin; the hop after the cross-origin redirect sends Origin: null, but that server allows only http://localhost:8800",
			JS: `await f(URL)`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, origin(r), "Vary", "Origin")
					http.Redirect(w, r, secondOrigin+p, http.StatusFound)
				})
				m.Second.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, "http://localhost:8800", "X-Seen-Origin", origin(r))
					okJSON(w)
				})
			}},
		&Scenario{Name: "redirect-tainted-origin-star", Description: "The same cross-origin redirect, but the final server answers Access-Control-Allow-Origin: * (passes)",
			JS: `await f(URL)`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, redirectWithStar(secondOrigin+p))
				m.Second.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, "*", "X-Seen-Origin", origin(r))
					okJSON(w)
				})
			}},
		&Scenario{Name: "redirect-back-to-page-no-acao", Description: "GET redirected (302, with CORS headers) back to the page's own origin, as an API sends a logged-out user to the app's /login; the page's server answers without CORS headers",
			JS: `await f(URL)`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, redirectWithStar(pageOrigin+p))
				m.Page.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					add(w, "X-Seen-Origin", origin(r))
					okJSON(w)
				})
			}},
		&Scenario{Name: "redirect-same-origin-ok", Description: "GET redirected (307) within the API origin; both responses carry Access-Control-Allow-Origin (passes)",
			JS: `await f(URL)`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, origin(r))
					http.Redirect(w, r, p+"-v2", http.StatusTemporaryRedirect)
				})
				m.API.HandleFunc(p+"-v2", echoOK)
			}},
		&Scenario{Name: "redirect-to-ftp", Description: "GET answered 307 (with Access-Control-Allow-Origin: *) to an ftp: URL",
			JS: `await f(URL)`, Mount: at(redirectTo(http.StatusTemporaryRedirect, "ftp://127.0.0.1/x"))},
		&Scenario{Name: "redirect-to-data-url", Description: "GET answered 307 (with Access-Control-Allow-Origin: *) to a data: URL",
			JS: `await f(URL)`, Mount: at(redirectTo(http.StatusTemporaryRedirect, "data:text/plain,hello"))},
		&Scenario{Name: "redirect-to-about-blank", Description: "GET answered 302 (with Access-Control-Allow-Origin: *) to about:blank",
			JS: `await f(URL)`, Mount: at(redirectTo(http.StatusFound, "about:blank"))},
		&Scenario{Name: "redirect-userinfo", Description: "GET redirected to a Location with user:pass@ in it",
			JS: `await f(URL)`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, origin(r))
					w.Header().Set("Location", "http://user:secret@127.0.0.1:8808"+p)
					w.WriteHeader(http.StatusFound)
				})
				m.Second.HandleFunc(p, starOK)
			}},

		// ---- preflight cache ----
		&Scenario{Name: "max-age-cached", Description: "Two identical PUTs; the preflight has Access-Control-Max-Age: 600, so the second PUT goes without a preflight (passes)",
			JS: `await f(URL, {method: 'PUT', body: '1'})
				await f(URL, {method: 'PUT', body: '2'})`,
			Mount: at(split(maxAgePreflight("600"), echoOK))},
		&Scenario{Name: "max-age-zero", Description: "Two identical PUTs; Access-Control-Max-Age: 0 disables the preflight cache, so each PUT is preflighted (passes)",
			JS: `await f(URL, {method: 'PUT', body: '1'})
				await f(URL, {method: 'PUT', body: '2'})`,
			Mount: at(split(maxAgePreflight("0"), echoOK))},
		&Scenario{Name: "max-age-acah-star-authorization", Description: "Two GETs with Authorization; the preflight allows headers with * and Max-Age 600 (Chromium never serves Authorization from a cached *)",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer token-1'}})
				await f(URL, {headers: {'Authorization': 'Bearer token-1'}})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				add(w, acmaHdr, "600")
				goodPreflight("GET", "*")(w, r)
			}, echoOK))},

		// ---- reading the response ----
		&Scenario{Name: "expose-headers-missing", Description: "GET passes, but the page reads X-Total-Count, which Access-Control-Expose-Headers does not list (JS gets null)",
			JS: `await f(URL, {}, r => 'X-Total-Count=' + r.headers.get('X-Total-Count'))`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), "X-Total-Count", "42", "Vary", "Origin")
				okJSON(w)
			})},
		&Scenario{Name: "expose-headers-listed", Description: "GET passes and the page reads X-Total-Count, listed in Access-Control-Expose-Headers (passes)",
			JS: `await f(URL, {}, r => 'X-Total-Count=' + r.headers.get('X-Total-Count'))`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acehHdr, "X-Total-Count", "X-Total-Count", "42", "Vary", "Origin")
				okJSON(w)
			})},

		// ---- XMLHttpRequest ----
		&Scenario{Name: "xhr-get-ok", Description: "XMLHttpRequest GET answered with Access-Control-Allow-Origin: * (passes)",
			JS: `await x('GET', URL)`, Mount: at(starOK)},
		&Scenario{Name: "xhr-with-credentials-star", Description: "XMLHttpRequest with withCredentials = true answered with Access-Control-Allow-Origin: *",
			JS: `await x('GET', URL, {withCredentials: true})`, Mount: at(fixed(200, acaoHdr, "*"))},
		&Scenario{Name: "xhr-put-json-ok", Description: "XMLHttpRequest PUT with JSON and a good preflight (passes)",
			JS:    `await x('PUT', URL, {headers: {'Content-Type': 'application/json'}, body: '{"a":1}'})`,
			Mount: at(split(goodPreflight("GET, PUT", "Content-Type"), echoOK))},
		&Scenario{Name: "xhr-upload-forced-preflight", Description: "XMLHttpRequest text/plain POST with an upload progress listener: a preflight is forced although the request is simple, and the server has no OPTIONS route",
			JS:    `await x('POST', URL, {headers: {'Content-Type': 'text/plain'}, body: 'hello', upload: true})`,
			Mount: func(m Muxes, p string) { m.API.HandleFunc("POST "+p, echoOK) }},
		&Scenario{Name: "xhr-header-not-allowed", Description: "XMLHttpRequest with X-Requested-With (as jQuery adds it); Access-Control-Allow-Headers does not list it",
			JS: `await x('GET', URL, {headers: {'X-Requested-With': 'XMLHttpRequest'}})`, Mount: at(split(goodPreflight("GET, POST", "Content-Type"), echoOK))},

		// ---- same origin, no-cors, renderer-side refusals ----
		&Scenario{Name: "same-origin-get", Description: "Same-origin GET to the page's own server: no CORS involved (passes)",
			JS: `await f(PAGE + '/same-origin-get')`,
			Mount: func(m Muxes, p string) {
				m.Page.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) { okJSON(w) })
			}},
		&Scenario{Name: "same-origin-put-json", Description: "Same-origin PUT with JSON and a custom header: no preflight, no CORS headers needed (passes)",
			JS: `await f(PAGE + '/same-origin-put-json', {method: 'PUT', headers: {'Content-Type': 'application/json', 'X-Custom-Header': 'yes'}, body: '{}'})`,
			Mount: func(m Muxes, p string) {
				m.Page.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) { okJSON(w) })
			}},
		&Scenario{Name: "no-cors-opaque", Description: "fetch() with mode 'no-cors' to a JSON API without CORS headers: the page gets an opaque response with status 0 and no error, while the network service's ORB blocks the JSON body",
			JS:    `await f(URL, {mode: 'no-cors'})`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) { okJSON(w) })},
		&Scenario{Name: "mode-same-origin", Description: "fetch() with mode 'same-origin' to another origin",
			JS: `await f(URL, {mode: 'same-origin'})`, Mount: at(starOK)},
		&Scenario{Name: "no-cors-redirect-manual", Description: "fetch() with mode 'no-cors' and redirect 'manual'",
			JS: `await f(URL, {mode: 'no-cors', redirect: 'manual'})`, Mount: at(starOK)},
		&Scenario{Name: "scheme-not-supported", Description: "fetch() of an ftp: URL",
			JS: `await f('ftp://127.0.0.1:8801/scheme-not-supported')`, Mount: at(starOK)},
		&Scenario{Name: "slow-preflight-ok", Description: "A preflight that takes 300 ms to answer: the actual request waits for it (passes)",
			JS: `await f(URL, {method: 'PUT'})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(300 * time.Millisecond)
				goodPreflight("PUT", "")(w, r)
			}, echoOK))},
	)
}

// authFirst is an auth middleware placed before the CORS code: it rejects
// any request without a token, and the preflight never has one.
func authFirst(status int) http.HandlerFunc {
	cors := split(goodPreflight("GET, PUT, DELETE", "Authorization, X-Api-Key"), echoOK)
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" && r.Header.Get("X-Api-Key") == "" {
			reply(w, status, `{"error":"`+http.StatusText(status)+`"}`)
			return
		}
		cors(w, r)
	}
}

// lnaChromiumOnly is why the Local Network Access scenarios are not
// recorded in Firefox.
const lnaChromiumOnly = "Local Network Access needs a page Chromium is told is public (--ip-address-space-overrides) and Chromium's loopback-network permission; Firefox has neither"

func init() {
	register("go",
		// ---- two failing checks, one of them only with credentials ----
		// Chromium checks the origin and Access-Control-Allow-Credentials
		// before methods and headers, so the error it names depends on
		// the credentials mode, which a request blocked at its preflight
		// does not show.
		&Scenario{Name: "cred-preflight-star-method-missing", Description: "Credentialed PUT; the preflight answers Access-Control-Allow-Origin: *, Allow-Credentials: true and Allow-Methods: GET (two problems: the wildcard and the method)",
			JS: `await f(URL, {method: 'PUT', credentials: 'include'})`, Mount: at(split(preflightWith(acaoHdr, "*", acacHdr, "true", acamHdr, "GET"), echoOK))},
		&Scenario{Name: "xhr-cred-preflight-star-method", Description: "The same with XMLHttpRequest and withCredentials",
			JS: `await x('PUT', URL, {withCredentials: true, body: 'x'})`, Mount: at(split(preflightWith(acaoHdr, "*", acacHdr, "true", acamHdr, "GET"), echoOK))},
		&Scenario{Name: "cred-preflight-no-acac-method-missing", Description: "Credentialed PUT; the preflight echoes the origin, has no Allow-Credentials and Allow-Methods: GET (nothing in the capture shows the credentials)",
			JS: `await f(URL, {method: 'PUT', credentials: 'include'})`, Mount: at(split(preflightWith(acaoHdr, "", acamHdr, "GET", "Vary", "Origin"), echoOK))},
		&Scenario{Name: "cred-preflight-no-acac-header-missing", Description: "Credentialed GET with X-Custom-Header; the preflight echoes the origin and has neither Allow-Credentials nor Allow-Headers",
			JS: `await f(URL, {credentials: 'include', headers: {'X-Custom-Header': 'y'}})`, Mount: at(split(preflightWith(acaoHdr, "", acamHdr, "GET", "Vary", "Origin"), echoOK))},
		&Scenario{Name: "cache-no-cache", Description: "fetch() with cache: 'no-cache': the browser adds Cache-Control: max-age=0 itself, which calls for no preflight; a GET-only route answering * (passes)",
			JS: `await f(URL, {cache: 'no-cache'})`, Mount: func(m Muxes, p string) { m.API.HandleFunc("GET "+p, starOK) }},

		// ---- a preflighted request redirected to another origin ----
		// Its second preflight, like the request after it, carries
		// Origin: null.
		&Scenario{Name: "redirect-put-307-cross-echo", Description: "PUT with a good preflight, answered 307 (with CORS headers) to the second origin, which echoes the origin (null) on its preflight and its response (passes)",
			JS: `await f(URL, {method: 'PUT', body: 'x'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, put307(secondOrigin+p))
				m.Second.HandleFunc(p, split(goodPreflight("PUT", ""), echoOK))
			}},
		&Scenario{Name: "redirect-put-307-cross-actual-no-acao", Description: "The same redirect; the second origin's preflight echoes the origin (null) and allows PUT, but its PUT response has no CORS headers",
			JS: `await f(URL, {method: 'PUT', body: 'x'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, put307(secondOrigin+p))
				m.Second.HandleFunc(p, split(goodPreflight("PUT", ""), func(w http.ResponseWriter, r *http.Request) { okJSON(w) }))
			}},
		&Scenario{Name: "redirect-put-307-cross-allowlist", Description: "The same redirect; the second origin's preflight allows only http://localhost:8800, but the redirected preflight sends Origin: null",
			JS: `await f(URL, {method: 'PUT', body: 'x'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, put307(secondOrigin+p))
				m.Second.HandleFunc(p, fixed(200, acaoHdr, "http://localhost:8800", acamHdr, "PUT"))
			}},

		// ---- mixed content ----
		&Scenario{Name: "mixed-content", PageOrigin: securePageOrigin, ChromiumOnly: "the https page's certificate is made for the run, and Firefox would refuse it",
			Description: "An https page fetches an http:// URL on a host that is not loopback (a hard-coded http API base URL): mixed content, blocked before any request is sent",
			JS:          "await f('http://" + mixedHost + ":8801/mixed-content')", Mount: at(starOK)},
		&Scenario{Name: "lna-public-page-get", PublicPage: true, ChromiumOnly: lnaChromiumOnly,
			Description: "A page in the public address space (Chromium told so by --ip-address-space-overrides) fetches the loopback API, which allows its origin: Local Network Access applies",
			JS:          `await f(URL)`, Mount: at(echoOK)},
		&Scenario{Name: "lna-public-page-granted", PublicPage: true, Grant: []string{"loopback-network"}, ChromiumOnly: lnaChromiumOnly,
			Description: "The same public page with the loopback-network permission granted: the request goes out and CORS passes",
			JS:          `await f(URL)`, Mount: at(echoOK)},
	)
}
