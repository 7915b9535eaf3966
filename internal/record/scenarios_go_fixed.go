package main

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/harcors/harcors/analyze"
)

// Proofs of harcors' fixes on the "go" stack: each failing net/http
// scenario again, with the fix harcors prints for it applied in net/http's
// idiom. Most of these recordings give net/http away only on http.Error
// responses (see analyze's fingerprint: Chromium's HAR sorts the headers
// and a handler's JSON response looks like any other server's), so most of
// the fixes applied here are the generic texts; the net/http ones (P01,
// P03, A02 on http.Error) are applied where harcors prints them.
//
// Where the original scenario is a hand-written handler with a wrong
// header, the fix is the one middleware below, which is what the fix
// texts describe: it wraps the whole mux, echoes an origin from an exact
// allowlist with Vary: Origin, sends Access-Control-Allow-Credentials only
// with an echoed origin, and answers preflights before routing and auth.

// goCORS is one CORS middleware for a whole net/http mux.
type goCORS struct {
	Origins     []string // exact origins, as the browser sends them
	Star        bool     // answer * (only for requests without credentials)
	Credentials bool
	Methods     string // Access-Control-Allow-Methods, comma-separated
	Headers     string // Access-Control-Allow-Headers, comma-separated
	MaxAge      string
}

// wrap puts the middleware in front of next.
func (c goCORS) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		switch o := r.Header.Get("Origin"); {
		case c.Star:
			h.Set("Access-Control-Allow-Origin", "*")
		case slices.Contains(c.Origins, o):
			h.Set("Access-Control-Allow-Origin", o)
			if c.Credentials {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
		}
		// A preflight never carries the page's cookies or tokens: it is
		// answered here, before the mux and any auth inside it.
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if c.Methods != "" {
				h.Set("Access-Control-Allow-Methods", c.Methods)
			}
			if c.Headers != "" {
				h.Set("Access-Control-Allow-Headers", c.Headers)
			}
			if c.MaxAge != "" {
				h.Set("Access-Control-Max-Age", c.MaxAge)
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// pageOnly allows the page's origin and nothing else.
var pageOnly = []string{pageOrigin}

// goFixedAt mounts handler h, wrapped in c, at the scenario's path.
func goFixedAt(c goCORS, h http.HandlerFunc) func(Muxes, string) {
	return func(m Muxes, p string) { m.API.Handle(p, c.wrap(h)) }
}

// goFixedMux mounts a mux built by build (its routes on the scenario's
// path), wrapped in c, as the API serves it.
func goFixedMux(c goCORS, build func(mux *http.ServeMux, p string)) func(Muxes, string) {
	return func(m Muxes, p string) {
		mux := http.NewServeMux()
		build(mux, p)
		h := c.wrap(mux)
		m.API.Handle(p, h)
		m.API.Handle(p+"/", h)
	}
}

// tokenCheck is authFirst's check without its CORS code: it answers
// status to a request without a token.
func tokenCheck(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" && r.Header.Get("X-Api-Key") == "" {
			reply(w, status, `{"error":"`+http.StatusText(status)+`"}`)
			return
		}
		okJSON(w)
	}
}

func init() {
	fixed := func(name, rule string, stack analyze.Stack, hash string, m func(Muxes, string), keys ...string) *Scenario {
		return &Scenario{Name: name + "-fixed", Mount: m, Proves: proof("go--"+name, rule, stack, hash, keys...)}
	}
	const (
		a01 = "a2a7929bec2c"
		a02 = "6bb3f08ff4a2"
		a03 = "096e19f06cd6"
		a04 = "9aabb37fc615"
		a05 = "c3913e847143"
		a06 = "fe0f324ec5ba"
		a07 = "f57a92a92767"
		a08 = "faf152808937"
		a09 = "46f54e38dc84"
		p02 = "c0343b743931"
		p04 = "ec1e5e784f63"
		p06 = "582c9ae336d0"
		p09 = "c7920c09f88e"
		p11 = "0058fb18f442"
		p12 = "1c889b429fa4"
		p13 = "e0ebc6322f22"
		p14 = "ad6cb7ab5f84"
		p15 = "49a72e8175b0"
		p16 = "6a5962bf159b"
		p17 = "6971d97f7834"
		p19 = "5d735b1c859f"
		r01 = "bcdc2ea1747e"
		r02 = "013d6620eedb"
		r03 = "f2201f3227be"
		r04 = "c610ccf027ec"
		r05 = "c9114c259e5d"
		// The net/http texts, printed where an http.Error response
		// names the stack.
		goP01 = "8d7aa5d19180"
		goP03 = "5868c134161b"
		goA02 = "633d62a50ebf"
		p03   = "ad1c9b39cbd8"
	)
	const preflightKey = `if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""`
	get := goCORS{Origins: pageOnly, Methods: "GET"}
	put := goCORS{Origins: pageOnly, Methods: "GET, PUT"}
	creds := goCORS{Origins: pageOnly, Credentials: true, Methods: "GET, PUT"}
	// toHTTP redirects to the second origin, which answers *.
	toHTTP := func(m Muxes, p string) {
		m.API.HandleFunc(p, redirectWithStar(secondOrigin+p))
		m.Second.HandleFunc(p, starOK)
	}

	register("go",
		// ---- no header, or an error path without it ----
		fixed("simple-get-no-acao", "CORS-A01", analyze.Generic, a01, goFixedAt(get, plainJSON), "Access-Control-Allow-Origin"),
		fixed("simple-post-form-no-acao", "CORS-A01", analyze.Generic, a01, goFixedAt(get, func(w http.ResponseWriter, r *http.Request) {
			reply(w, http.StatusCreated, `{"id":1}`)
		}), "Access-Control-Allow-Origin"),
		// The 401 stays (the token is expired); the page can now read it.
		fixed("actual-401-no-acao", "CORS-A02", analyze.Generic, a02, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "Authorization"},
			func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				reply(w, http.StatusUnauthorized, `{"error":"token expired"}`)
			})),
		fixed("actual-500-no-acao", "CORS-A02", analyze.GoHTTP, goA02, goFixedAt(goCORS{Origins: pageOnly, Methods: "PUT", Headers: "Content-Type"},
			func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "panic: runtime error: invalid memory address", http.StatusInternalServerError)
			}), "next.ServeHTTP(w, r)", "http.Error"),

		// ---- the origin written wrong ----
		fixed("acao-other-origin", "CORS-A04", analyze.Generic, a04, goFixedAt(get, plainJSON), "http://localhost:8800"),
		fixed("acao-trailing-slash", "CORS-A04", analyze.Generic, a04, goFixedAt(get, plainJSON), "http://localhost:8800"),
		fixed("acao-uppercase", "CORS-A04", analyze.Generic, a04, goFixedAt(get, plainJSON), "http://localhost:8800"),
		fixed("acao-https", "CORS-A04", analyze.Generic, a04, goFixedAt(get, plainJSON), "http://localhost:8800"),
		fixed("acao-with-path", "CORS-A04", analyze.Generic, a04, goFixedAt(get, plainJSON), "http://localhost:8800"),
		fixed("acao-no-scheme", "CORS-A04", analyze.Generic, a04, goFixedAt(get, plainJSON), "http://localhost:8800"),
		fixed("preflight-acao-mismatch", "CORS-A04", analyze.Generic, a04, goFixedAt(put, plainJSON), "http://localhost:8800"),
		// acao-null: the page has a real origin; allow it instead of null.
		fixed("acao-null", "CORS-A09", analyze.Generic, a09, goFixedAt(get, plainJSON)),
		fixed("acao-wildcard-subdomain-with-scheme", "CORS-A03", analyze.Generic, a03, goFixedAt(get, plainJSON), "Vary", "Origin"),
		// A pattern or an empty value: the server matches and sends the
		// concrete origin.
		fixed("acao-empty", "CORS-A06", analyze.Generic, a06, goFixedAt(get, plainJSON), "Access-Control-Allow-Origin", "Vary"),
		fixed("acao-wildcard-subdomain", "CORS-A06", analyze.Generic, a06, goFixedAt(get, plainJSON), "Access-Control-Allow-Origin", "Vary"),
		fixed("preflight-acao-invalid", "CORS-A06", analyze.Generic, a06, goFixedAt(put, plainJSON), "Access-Control-Allow-Origin", "Vary"),
		fixed("preflight-acao-other-origin", "CORS-P06", analyze.Generic, p06, goFixedAt(put, plainJSON), "Vary", "Origin"),
		// Two values: one layer, one origin.
		fixed("acao-two-lines", "CORS-A05", analyze.Generic, a05, goFixedAt(get, plainJSON), "Access-Control-Allow-Origin"),
		fixed("acao-star-and-origin-one-line", "CORS-A05", analyze.Generic, a05, goFixedAt(get, plainJSON), "Access-Control-Allow-Origin"),
		fixed("preflight-acao-two-lines", "CORS-A05", analyze.Generic, a05, goFixedAt(put, plainJSON), "Access-Control-Allow-Origin"),

		// ---- credentials ----
		fixed("acao-star-credentials", "CORS-A07", analyze.Generic, a07, goFixedAt(creds, plainJSON), "Access-Control-Allow-Credentials", "true"),
		fixed("xhr-with-credentials-star", "CORS-A07", analyze.Generic, a07, goFixedAt(creds, plainJSON), "Access-Control-Allow-Credentials", "true"),
		fixed("acac-missing-credentials", "CORS-A08", analyze.Generic, a08, goFixedAt(creds, plainJSON), "Access-Control-Allow-Credentials", "true"),
		fixed("acac-True", "CORS-A08", analyze.Generic, a08, goFixedAt(creds, plainJSON), "Access-Control-Allow-Credentials", "true"),
		fixed("preflight-acac-missing", "CORS-A08", analyze.Generic, a08, goFixedAt(creds, plainJSON), "Access-Control-Allow-Credentials", "true"),
		fixed("preflight-acac-True", "CORS-A08", analyze.Generic, a08, goFixedAt(creds, plainJSON), "Access-Control-Allow-Credentials", "true"),
		fixed("actual-acac-missing", "CORS-A08", analyze.Generic, a08, goFixedAt(creds, plainJSON), "Access-Control-Allow-Credentials", "true"),
		fixed("preflight-acao-star-credentials", "CORS-P09", analyze.Generic, p09, goFixedAt(creds, plainJSON), "Access-Control-Allow-Credentials", "true"),
		// The methods listed instead of *; the headers too, since * is
		// no wildcard with credentials for them either (CORS-P17).
		fixed("acah-acam-star-credentials", "CORS-P15", analyze.Generic, p15, goFixedAt(goCORS{Origins: pageOnly, Credentials: true, Methods: "GET, POST, PUT", Headers: "X-Custom-Header"}, plainJSON), "GET, POST, PUT"),
		fixed("acah-star-credentials-json", "CORS-P17", analyze.Generic, p17, goFixedAt(goCORS{Origins: pageOnly, Credentials: true, Methods: "GET, POST", Headers: "Content-Type"}, plainJSON), "Content-Type"),

		// ---- preflight content ----
		fixed("acam-space-separated", "CORS-P11", analyze.Generic, p11, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, POST, PUT"}, plainJSON), "GET, POST, PUT"),
		fixed("acam-quoted", "CORS-P11", analyze.Generic, p11, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, POST, PUT"}, plainJSON), "GET, POST, PUT"),
		fixed("acah-unparsable", "CORS-P12", analyze.Generic, p12, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "Content-Type, X-Custom-Header"}, plainJSON), "Content-Type, "),
		fixed("method-not-in-acam", "CORS-P13", analyze.Generic, p13, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, POST, PUT"}, plainJSON), "PUT"),
		fixed("preflight-no-acam-put", "CORS-P13", analyze.Generic, p13, goFixedAt(goCORS{Origins: pageOnly, Methods: "PUT"}, plainJSON), "PUT"),
		// The text's server-side option: list the spelling the page sends.
		fixed("method-lowercase-patch-client", "CORS-P14", analyze.Generic, p14, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, POST, PUT, PATCH, DELETE, patch"}, plainJSON), "patch"),
		fixed("method-lowercase-patch-server", "CORS-P14", analyze.Generic, p14, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, POST, PATCH"}, plainJSON), "PATCH"),
		fixed("header-authorization-not-allowed", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "Content-Type, authorization"}, plainJSON), "authorization"),
		fixed("header-custom-not-allowed", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "Content-Type, Authorization, x-custom-header"}, plainJSON), "x-custom-header"),
		fixed("json-preflight-refused", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, POST", Headers: "content-type"}, plainJSON), "content-type"),
		fixed("xhr-header-not-allowed", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, POST", Headers: "Content-Type, x-requested-with"}, plainJSON), "x-requested-with"),
		// Both headers: the fix names the first (x-zeta), and a second
		// recording would name the next.
		fixed("two-unsafe-headers-order", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "x-zeta, x-alpha"}, plainJSON), "x-zeta"),
		// The loop made to end: two redirects, then the answer.
		fixed("redirect-loop", "CORS-R05", analyze.Generic, r05, goFixedAt(goCORS{Star: true, Methods: "GET"}, func(w http.ResponseWriter, r *http.Request) {
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			if n >= 2 {
				plainJSON(w, r)
				return
			}
			w.Header().Set("Location", r.URL.Path+"?n="+strconv.Itoa(n+1))
			w.WriteHeader(http.StatusFound)
		}), "Location"),

		// ---- preflight status: the middleware in front of the mux ----
		fixed("preflight-404", "CORS-P01", analyze.GoHTTP, goP01, goFixedMux(put, func(mux *http.ServeMux, p string) {
			mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPut {
					http.NotFound(w, r)
					return
				}
				okJSON(w)
			})
		}), preflightKey, "w.WriteHeader(http.StatusNoContent)"),
		fixed("preflight-405", "CORS-P01", analyze.GoHTTP, goP01, goFixedMux(put, func(mux *http.ServeMux, p string) {
			mux.HandleFunc("PUT "+p, plainJSON)
		}), preflightKey, "w.WriteHeader(http.StatusNoContent)"),
		fixed("preflight-404-with-acao", "CORS-P01", analyze.GoHTTP, goP01, goFixedMux(goCORS{Star: true, Methods: "DELETE"}, func(mux *http.ServeMux, p string) {
			mux.HandleFunc("DELETE "+p, plainJSON)
		}), preflightKey, "w.WriteHeader(http.StatusNoContent)"),
		fixed("xhr-upload-forced-preflight", "CORS-P01", analyze.GoHTTP, goP01, goFixedMux(goCORS{Origins: pageOnly, Methods: "POST", Headers: "Content-Type"}, func(mux *http.ServeMux, p string) {
			mux.HandleFunc("POST "+p, plainJSON)
		}), preflightKey, "w.WriteHeader(http.StatusNoContent)"),
		fixed("preflight-500", "CORS-P03", analyze.GoHTTP, goP03, goFixedMux(goCORS{Origins: pageOnly, Methods: "PUT", Headers: "Content-Type"}, func(mux *http.ServeMux, p string) {
			mux.HandleFunc(p, split(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "internal server error", http.StatusInternalServerError)
			}, plainJSON))
		}), preflightKey, "w.WriteHeader(http.StatusNoContent)"),
		fixed("preflight-500-with-acao", "CORS-P03", analyze.GoHTTP, goP03, goFixedMux(put, func(mux *http.ServeMux, p string) {
			mux.HandleFunc(p, split(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "internal server error", http.StatusInternalServerError)
			}, plainJSON))
		}), preflightKey, "w.WriteHeader(http.StatusNoContent)"),
		// The auth check stays; it now runs inside the CORS middleware,
		// which is the only CORS code left.
		fixed("preflight-401", "CORS-P02", analyze.Generic, p02, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, PUT, DELETE", Headers: "Authorization, X-Api-Key"}, tokenCheck(http.StatusUnauthorized)), "Access-Control-Request-Method"),
		fixed("preflight-403", "CORS-P02", analyze.Generic, p02, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, PUT, DELETE", Headers: "Authorization, X-Api-Key"}, tokenCheck(http.StatusForbidden)), "Access-Control-Request-Method"),
		// The OPTIONS handler that drops the connection stays; the
		// middleware answers OPTIONS before it is reached.
		fixed("preflight-connection-closed", "CORS-P19", analyze.Generic, p19, goFixedAt(put, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodOptions {
				if hj, ok := w.(http.Hijacker); ok {
					if c, _, err := hj.Hijack(); err == nil {
						c.Close()
						return
					}
				}
			}
			okJSON(w)
		}), "OPTIONS"),

		// ---- redirects: OPTIONS kept out of them ----
		// The same mux with the route on "/path/": the middleware answers
		// the preflight before the mux's slash redirect, which the PUT
		// still gets (same origin, with the headers).
		fixed("preflight-redirect-mux-slash", "CORS-P04", analyze.Generic, p04, goFixedMux(put, func(mux *http.ServeMux, p string) {
			mux.HandleFunc(p+"/", plainJSON)
		}), "OPTIONS"),
		fixed("preflight-redirect-308", "CORS-P04", analyze.Generic, p04, func(m Muxes, p string) {
			c := goCORS{Origins: pageOnly, Methods: "GET, PATCH", Headers: "Content-Type"}
			m.API.Handle(p, c.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, p+"/", http.StatusPermanentRedirect)
			})))
			m.API.Handle(p+"/", c.wrap(http.HandlerFunc(plainJSON)))
		}, "OPTIONS"),
		// A redirect to another origin: keeping OPTIONS out of it gets the
		// preflight through, but the DELETE is still redirected and
		// arrives with Origin: null, which only a server that allows null
		// accepts. So this proof applies the text's first half, a change
		// of the page: it calls the final URL directly.
		&Scenario{Name: "preflight-redirect-307-other-port-fixed",
			Description: "go--preflight-redirect-307-other-port with harcors' CORS-P04 fix applied (generic), in the page: it calls the final URL (" + secondOrigin + ") directly",
			JS:          `await f(SECOND + '/preflight-redirect-307-other-port-fixed', {method: 'DELETE'})`,
			Mount: func(m Muxes, p string) {
				m.Second.HandleFunc(p, split(goodPreflight("DELETE", ""), echoOK))
			},
			Proves: proof("go--preflight-redirect-307-other-port", "CORS-P04", analyze.Generic, p04, "the final URL")},
		// The redirect response carries the headers.
		fixed("redirect-cross-origin-no-acao", "CORS-R01", analyze.Generic, r01, func(m Muxes, p string) {
			m.API.Handle(p, get.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, secondOrigin+p, http.StatusFound)
			})))
			m.Second.HandleFunc(p, starOK)
		}, "redirect"),
		// The final server answers *: no credentials here.
		fixed("redirect-tainted-origin-allowlist", "CORS-R02", analyze.Generic, r02, func(m Muxes, p string) {
			m.API.Handle(p, get.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, secondOrigin+p, http.StatusFound)
			})))
			m.Second.Handle(p, goCORS{Star: true}.wrap(http.HandlerFunc(plainJSON)))
		}, "Access-Control-Allow-Origin"),
		fixed("redirect-tainted-origin-no-acao", "CORS-R02", analyze.Generic, r02, func(m Muxes, p string) {
			m.API.Handle(p, get.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, secondOrigin+p, http.StatusFound)
			})))
			m.Second.Handle(p, goCORS{Star: true}.wrap(http.HandlerFunc(plainJSON)))
		}, "Access-Control-Allow-Origin"),
		// Two problems, one shown only with credentials: the fixed
		// configuration has both fixes.
		fixed("cred-preflight-star-method-missing", "CORS-P09", analyze.Generic, p09, goFixedAt(creds, plainJSON), "Access-Control-Allow-Credentials", "true"),
		fixed("xhr-cred-preflight-star-method", "CORS-P09", analyze.Generic, p09, goFixedAt(creds, plainJSON), "Access-Control-Allow-Credentials", "true"),
		fixed("cred-preflight-no-acac-method-missing", "CORS-P13", analyze.Generic, p13, goFixedAt(creds, plainJSON), "PUT"),
		fixed("cred-preflight-no-acac-header-missing", "CORS-P16", analyze.Generic, p16,
			goFixedAt(goCORS{Origins: pageOnly, Credentials: true, Methods: "GET", Headers: "x-custom-header"}, plainJSON), "x-custom-header"),
		// The second origin answers * to the redirected preflight and
		// request, whose Origin is null.
		fixed("redirect-put-307-cross-actual-no-acao", "CORS-R02", analyze.Generic, r02, func(m Muxes, p string) {
			m.API.HandleFunc(p, put307(secondOrigin+p))
			m.Second.Handle(p, goCORS{Star: true, Methods: "PUT"}.wrap(http.HandlerFunc(plainJSON)))
		}, "Access-Control-Allow-Origin"),
		fixed("redirect-put-307-cross-allowlist", "CORS-R02", analyze.Generic, r02, func(m Muxes, p string) {
			m.API.HandleFunc(p, put307(secondOrigin+p))
			m.Second.Handle(p, goCORS{Star: true, Methods: "PUT"}.wrap(http.HandlerFunc(plainJSON)))
		}, "Access-Control-Allow-Origin"),
		// The redirect goes to an http(s) URL that answers *.
		fixed("redirect-to-ftp", "CORS-R04", analyze.Generic, r04, toHTTP, "Redirect"),
		fixed("redirect-to-data-url", "CORS-R04", analyze.Generic, r04, toHTTP, "Redirect"),
		fixed("redirect-to-about-blank", "CORS-R04", analyze.Generic, r04, toHTTP, "Redirect"),
		// The page's own server, reached again through the API's
		// redirect, answers * to the tainted Origin: null.
		fixed("redirect-back-to-page-no-acao", "CORS-R02", analyze.Generic, r02, func(m Muxes, p string) {
			m.API.HandleFunc(p, redirectWithStar(pageOrigin+p))
			m.Page.Handle(p, goCORS{Star: true}.wrap(http.HandlerFunc(plainJSON)))
		}, "Access-Control-Allow-Origin"),
		fixed("redirect-userinfo", "CORS-R03", analyze.Generic, r03, func(m Muxes, p string) {
			m.API.Handle(p, get.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", secondOrigin+p)
				w.WriteHeader(http.StatusFound)
			})))
			m.Second.HandleFunc(p, starOK)
		}, "redirect"),

		// ---- the fourth review's failures (scenarios_go_review4b.go,
		// scenarios_go_hints.go) ----
		fixed("acac-false", "CORS-A08", analyze.Generic, a08, goFixedAt(creds, plainJSON), "Access-Control-Allow-Credentials", "true"),
		fixed("acac-two-lines", "CORS-A08", analyze.Generic, a08, goFixedAt(creds, plainJSON), "Access-Control-Allow-Credentials", "true"),
		fixed("acah-star-authorization-credentials", "CORS-P17", analyze.Generic, p17, goFixedAt(goCORS{Origins: pageOnly, Credentials: true, Methods: "GET", Headers: "Content-Type, authorization"}, plainJSON), "Content-Type, authorization"),
		fixed("acao-duplicate-same", "CORS-A05", analyze.Generic, a05, goFixedAt(get, plainJSON), "Access-Control-Allow-Origin"),
		fixed("acao-port-leading-zero", "CORS-A04", analyze.Generic, a04, goFixedAt(get, plainJSON), "http://localhost:8800"),
		fixed("acao-uppercase-scheme", "CORS-A04", analyze.Generic, a04, goFixedAt(get, plainJSON), "http://localhost:8800"),
		fixed("method-propfind-lower", "CORS-P14", analyze.Generic, p14, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, PROPFIND, propfind"}, plainJSON), "propfind"),
		// A header the page sets that is not safelisted (too long, an
		// unsafe byte, a value the safelist refuses): the server allows
		// it by name, whatever its value.
		fixed("accept-129", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "accept"}, plainJSON), "accept"),
		fixed("accept-appended", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "accept"}, plainJSON), "accept"),
		fixed("accept-unsafe-byte", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "accept"}, plainJSON), "accept"),
		fixed("accept-language-underscore", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "accept-language"}, plainJSON), "accept-language"),
		fixed("content-language-129", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "content-language"}, plainJSON), "content-language"),
		fixed("blob-json-body", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, POST", Headers: "content-type"}, plainJSON), "content-type"),
		fixed("xhr-blob-json-body", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, POST", Headers: "content-type"}, plainJSON), "content-type"),
		fixed("ct-129", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, POST", Headers: "content-type"}, plainJSON), "content-type"),
		fixed("ct-charset-quoted", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, POST", Headers: "content-type"}, plainJSON), "content-type"),
		fixed("ct-comma-list", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, POST", Headers: "content-type"}, plainJSON), "content-type"),
		fixed("ct-no-subtype", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET, POST", Headers: "content-type"}, plainJSON), "content-type"),
		fixed("range-multi", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "range"}, plainJSON), "range"),
		fixed("range-suffix", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "range"}, plainJSON), "range"),
		fixed("range-reversed", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "range"}, plainJSON), "range"),
		fixed("range-huge", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "range"}, plainJSON), "range"),
		fixed("range-unit-case", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "range"}, plainJSON), "range"),
		// dpr-numeric fails in Firefox only, which safelists no client
		// hint; the proof is judged on Firefox's recording.
		fixed("dpr-numeric", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "dpr"}, plainJSON), "dpr"),
		fixed("dpr-invalid", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "dpr"}, plainJSON), "dpr"),
		fixed("save-data-off", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "save-data"}, plainJSON), "save-data"),
		// Several headers refused: the fix names the first (in Chromium's
		// request order), and each next recording would name the next, so
		// the proof allows them all; Firefox needs every one of them.
		fixed("client-hints-decimal", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "dpr, device-memory, downlink"}, plainJSON), "dpr"),
		fixed("client-hints-integer", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "viewport-width, width, rtt"}, plainJSON), "viewport-width"),
		fixed("client-hints-keyword", "CORS-P16", analyze.Generic, p16, goFixedAt(goCORS{Origins: pageOnly, Methods: "GET", Headers: "ect, save-data"}, plainJSON), "ect"),
		// The odd OPTIONS handlers stay; the middleware answers the
		// preflight 204 before they are reached.
		fixed("preflight-300-no-location", "CORS-P03", analyze.Generic, p03, goFixedAt(put, split(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(300)
		}, plainJSON)), "OPTIONS"),
		fixed("preflight-304", "CORS-P03", analyze.Generic, p03, goFixedAt(put, split(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(304)
		}, plainJSON)), "OPTIONS"),
		// The 303 makes the PUT a GET to the second origin, which is
		// preflighted again: the second origin gets the middleware. It
		// answers *, because that hop follows a cross-origin redirect:
		// Chromium sends its preflight and the GET with Origin: null
		// (Firefox only the GET), which an allowlist of the page's origin
		// would refuse.
		fixed("put-custom-303-cross", "CORS-P01", analyze.GoHTTP, goP01, func(m Muxes, p string) {
			m.API.HandleFunc(p, split(goodPreflight("PUT", "X-Custom-Header"), func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), "Vary", "Origin")
				http.Redirect(w, r, secondOrigin+p, http.StatusSeeOther)
			}))
			m.Second.Handle(p, goCORS{Star: true, Methods: "GET", Headers: "X-Custom-Header"}.wrap(http.HandlerFunc(plainJSON)))
		}, preflightKey, "w.WriteHeader(http.StatusNoContent)"),
		// Fails in Firefox only, which preflights the GET after the 303.
		fixed("put-json-303-cross", "CORS-P01", analyze.GoHTTP, goP01, func(m Muxes, p string) {
			m.API.HandleFunc(p, split(goodPreflight("PUT", "Content-Type"), func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), "Vary", "Origin")
				http.Redirect(w, r, secondOrigin+p, http.StatusSeeOther)
			}))
			m.Second.Handle(p, goCORS{Star: true, Methods: "GET"}.wrap(http.HandlerFunc(plainJSON)))
		}, preflightKey, "w.WriteHeader(http.StatusNoContent)"),
		// The second origin answers * to the redirected POST.
		fixed("post-form-307-cross-no-acao", "CORS-R02", analyze.Generic, r02, func(m Muxes, p string) {
			m.API.HandleFunc(p, redirectTo(http.StatusTemporaryRedirect, secondOrigin+p))
			m.Second.Handle(p, goCORS{Star: true}.wrap(http.HandlerFunc(plainJSON)))
		}, "Access-Control-Allow-Origin"),
		// The redirect response carries the headers; with redirect:
		// 'manual' the page then gets its opaque-redirect response.
		fixed("redirect-manual-no-acao", "CORS-R01", analyze.Generic, r01, func(m Muxes, p string) {
			m.API.Handle(p, get.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", p+"-next")
				w.WriteHeader(http.StatusFound)
			})))
			m.API.HandleFunc(p+"-next", starOK)
		}, "redirect"),
		// The redirect target without the user-info.
		fixed("redirect-userinfo-to-page", "CORS-R03", analyze.Generic, r03, func(m Muxes, p string) {
			m.API.HandleFunc(p, redirectTo(http.StatusFound, pageOrigin+p))
			m.Page.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, "*")
				okJSON(w)
			})
		}, "redirect"),
	)
}
