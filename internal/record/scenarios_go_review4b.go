package main

import (
	"fmt"
	"net/http"
	"strings"
)

// From the fourth review (Chromium 156, Firefox ESR 153): the scenarios,
// of 54 recorded in both browsers, on which harcors agreed with both (the
// three it did not are in scenarios_go_review4.go). They pin corners of the
// Fetch Standard's CORS checks: safelisted request headers, method
// normalisation, allow lists, Allow-Origin and Allow-Credentials
// spellings, preflight statuses, redirects of the actual request, redirect
// modes, opaque responses.

// noAllowHeaders answers a preflight with the echoed origin and the usual
// methods but no Access-Control-Allow-Headers, and the actual request with
// the echoed origin: a request whose headers are all CORS-safelisted passes
// without a preflight, any other is refused at the preflight, naming the
// first header that made it non-simple.
func noAllowHeaders() func(Muxes, string) {
	return at(split(preflightWith(acaoHdr, "", acamHdr, "GET, POST, PUT, DELETE", "Vary", "Origin"), echoOK))
}

func init() {
	long := func(n int) string { return strings.Repeat("a", n) }
	register("go",
		// ---- CORS-safelisted request headers ----
		&Scenario{Name: "accept-128", Description: "GET with an Accept value of exactly 128 bytes (still safelisted: no preflight); the preflight would allow no headers",
			JS: `await f(URL, {headers: {'Accept': 'text/` + long(123) + `'}})`, Mount: noAllowHeaders()},
		&Scenario{Name: "accept-129", Description: "GET with an Accept value of 129 bytes (over the 128-byte limit: preflighted); the preflight allows no headers",
			JS: `await f(URL, {headers: {'Accept': 'text/` + long(124) + `'}})`, Mount: noAllowHeaders()},
		&Scenario{Name: "accept-unsafe-byte", Description: "GET with Accept: application/json; q={1} (a CORS-unsafe byte '{': preflighted); the preflight allows no headers",
			JS: `await f(URL, {headers: {'Accept': 'application/json; q={1}'}})`, Mount: noAllowHeaders()},
		&Scenario{Name: "accept-appended", Description: "GET with Accept appended twice (70 bytes each): the combined value is over 128 bytes; the preflight allows no headers",
			JS: `const h = new Headers(); h.append('Accept', 'text/` + long(65) + `'); h.append('Accept', 'text/` + long(65) + `');
				await f(URL, {headers: h})`, Mount: noAllowHeaders()},
		&Scenario{Name: "accept-language-underscore", Description: "GET with Accept-Language: en_US (underscore is not a safelisted language byte); the preflight allows no headers",
			JS: `await f(URL, {headers: {'Accept-Language': 'en_US'}})`, Mount: noAllowHeaders()},
		&Scenario{Name: "content-language-129", Description: "GET with a Content-Language value of 129 bytes; the preflight allows no headers",
			JS: `await f(URL, {headers: {'Content-Language': '` + long(129) + `'}})`, Mount: noAllowHeaders()},
		&Scenario{Name: "ct-charset-quoted", Description: "POST with Content-Type: text/plain; charset=\"utf-8\" (the quote is a CORS-unsafe byte: preflighted); the preflight allows no headers",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'text/plain; charset="utf-8"'}, body: 'x'})`, Mount: noAllowHeaders()},
		&Scenario{Name: "ct-form-param", Description: "POST with Content-Type: application/x-www-form-urlencoded;x=1 (parameters ignored: safelisted, no preflight)",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded;x=1'}, body: 'a=1'})`, Mount: noAllowHeaders()},
		&Scenario{Name: "ct-multipart-boundary", Description: "POST with Content-Type: multipart/form-data; boundary=----harcors and a string body (safelisted, no preflight)",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'multipart/form-data; boundary=----harcors'}, body: 'x'})`, Mount: noAllowHeaders()},
		&Scenario{Name: "ct-comma-list", Description: "POST with Content-Type: text/plain, application/json (does not parse as one MIME type); the preflight allows no headers",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'text/plain, application/json'}, body: 'x'})`, Mount: noAllowHeaders()},
		&Scenario{Name: "ct-129", Description: "POST with Content-Type text/plain plus a parameter, 129 bytes in all; the preflight allows no headers",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'text/plain;x=` + long(129-len("text/plain;x=")) + `'}, body: 'x'})`, Mount: noAllowHeaders()},
		&Scenario{Name: "ct-no-subtype", Description: "POST with Content-Type: text/ (no subtype: not a MIME type); the preflight allows no headers",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'text/'}, body: 'x'})`, Mount: noAllowHeaders()},
		&Scenario{Name: "range-multi", Description: "GET with Range: bytes=0-1,2-3 (several ranges are not safelisted); the preflight allows no headers",
			JS: `await f(URL, {headers: {'Range': 'bytes=0-1,2-3'}})`, Mount: noAllowHeaders()},
		&Scenario{Name: "range-suffix", Description: "GET with Range: bytes=-5 (a suffix range is not safelisted); the preflight allows no headers",
			JS: `await f(URL, {headers: {'Range': 'bytes=-5'}})`, Mount: noAllowHeaders()},
		&Scenario{Name: "range-reversed", Description: "GET with Range: bytes=5-1 (start after end is not safelisted); the preflight allows no headers",
			JS: `await f(URL, {headers: {'Range': 'bytes=5-1'}})`, Mount: noAllowHeaders()},
		&Scenario{Name: "range-huge", Description: "GET with Range: bytes=0-99999999999999999999 (an end past 2^64); the preflight allows no headers",
			JS: `await f(URL, {headers: {'Range': 'bytes=0-99999999999999999999'}})`, Mount: noAllowHeaders()},
		&Scenario{Name: "range-unit-case", Description: "GET with Range: Bytes=0- (unit in mixed case); the preflight allows no headers",
			JS: `await f(URL, {headers: {'Range': 'Bytes=0-'}})`, Mount: noAllowHeaders()},
		&Scenario{Name: "dpr-numeric", Description: "GET with DPR: 2 (a legacy client hint that Chromium safelists with a numeric value, the spec and Firefox never); the preflight allows no headers",
			JS: `await f(URL, {headers: {'DPR': '2'}})`, Mount: noAllowHeaders()},
		&Scenario{Name: "dpr-invalid", Description: "GET with DPR: abc (a client hint whose value is not a number); the preflight allows no headers",
			JS: `await f(URL, {headers: {'DPR': 'abc'}})`, Mount: noAllowHeaders()},
		&Scenario{Name: "save-data-off", Description: "GET with Save-Data: off (a legacy client hint, which Chromium safelists only with the value 'on', in any case); the preflight allows no headers",
			JS: `await f(URL, {headers: {'Save-Data': 'off'}})`, Mount: noAllowHeaders()},
		&Scenario{Name: "blob-json-body", Description: "POST of a Blob of type application/json: fetch sets Content-Type: application/json itself, so it is preflighted; the preflight allows no headers",
			JS: `await f(URL, {method: 'POST', body: new Blob(['{}'], {type: 'application/json'})})`, Mount: noAllowHeaders()},
		&Scenario{Name: "xhr-blob-json-body", Description: "XMLHttpRequest POST of a Blob of type application/json (Content-Type set from the Blob); the preflight allows no headers",
			JS: `await x('POST', URL, {body: new Blob(['{}'], {type: 'application/json'})})`, Mount: noAllowHeaders()},

		// ---- methods ----
		&Scenario{Name: "method-propfind-lower", Description: "fetch() with method 'propfind' (not normalised) against Access-Control-Allow-Methods: PROPFIND",
			JS: `await f(URL, {method: 'propfind'})`, Mount: at(split(goodPreflight("GET, PROPFIND", ""), echoOK))},
		&Scenario{Name: "method-delete-mixed-case", Description: "fetch() with method 'Delete' (normalised to DELETE) against Access-Control-Allow-Methods: DELETE (passes)",
			JS: `await f(URL, {method: 'Delete'})`, Mount: at(split(goodPreflight("DELETE", ""), echoOK))},
		&Scenario{Name: "acam-put-and-star-credentials", Description: "Credentialed PUT; Access-Control-Allow-Methods: PUT, * (with credentials * is literal, but PUT is listed)",
			JS:    `await f(URL, {method: 'PUT', credentials: 'include'})`,
			Mount: at(answerWith(acaoHdr, "", acacHdr, "true", acamHdr, "PUT, *", "Vary", "Origin"))},
		&Scenario{Name: "acam-two-lines", Description: "PUT; Access-Control-Allow-Methods sent as two lines, GET and PUT (combined into one list)",
			JS: `await f(URL, {method: 'PUT'})`, Mount: at(split(preflightWith(acaoHdr, "", acamHdr, "GET", acamHdr, "PUT"), echoOK))},

		// ---- Access-Control-Allow-Headers ----
		&Scenario{Name: "acah-uppercase", Description: "GET with X-Custom-Header; Access-Control-Allow-Headers: X-CUSTOM-HEADER (names are case-insensitive)",
			JS: `await f(URL, {headers: {'X-Custom-Header': '1'}})`, Mount: at(split(goodPreflight("GET", "X-CUSTOM-HEADER"), echoOK))},
		&Scenario{Name: "acah-two-lines", Description: "GET with X-A and X-B; Access-Control-Allow-Headers sent as two lines, X-A and X-B",
			JS: `await f(URL, {headers: {'X-A': '1', 'X-B': '1'}})`, Mount: at(split(preflightWith(acaoHdr, "", acamHdr, "GET", acahHdr, "X-A", acahHdr, "X-B"), echoOK))},
		&Scenario{Name: "acah-star-and-name-credentials", Description: "Credentialed GET with X-Custom-Header; Access-Control-Allow-Headers: *, X-Custom-Header (the name is listed, * literal)",
			JS:    `await f(URL, {credentials: 'include', headers: {'X-Custom-Header': '1'}})`,
			Mount: at(answerWith(acaoHdr, "", acacHdr, "true", acamHdr, "GET", acahHdr, "*, X-Custom-Header", "Vary", "Origin"))},
		&Scenario{Name: "acah-star-authorization-credentials", Description: "Credentialed GET with Authorization; Access-Control-Allow-Headers: * (literal with credentials, and never covers Authorization)",
			JS:    `await f(URL, {credentials: 'include', headers: {'Authorization': 'Bearer t'}})`,
			Mount: at(answerWith(acaoHdr, "", acacHdr, "true", acamHdr, "GET", acahHdr, "*", "Vary", "Origin"))},

		// ---- Access-Control-Allow-Origin spellings ----
		&Scenario{Name: "acao-leading-space", Description: "Access-Control-Allow-Origin with a leading space (raw): '  http://localhost:8800'",
			JS: `await f(URL)`, Mount: at(rawHeaders(200, "Access-Control-Allow-Origin:   http://localhost:8800"))},
		&Scenario{Name: "acao-star-padded", Description: "Access-Control-Allow-Origin: '  *  ' (raw, padded)",
			JS: `await f(URL)`, Mount: at(rawHeaders(200, "Access-Control-Allow-Origin:   *  "))},
		&Scenario{Name: "acao-port-leading-zero", Description: "Access-Control-Allow-Origin: http://localhost:08800 (same port as a URL, not as a string)",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "http://localhost:08800"))},
		&Scenario{Name: "acao-duplicate-same", Description: "Two identical Access-Control-Allow-Origin lines, both the page's origin",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "http://localhost:8800", acaoHdr, "http://localhost:8800"))},
		&Scenario{Name: "acao-uppercase-scheme", Description: "Access-Control-Allow-Origin: HTTP://localhost:8800 (scheme in upper case)",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "HTTP://localhost:8800"))},

		// ---- Access-Control-Allow-Credentials ----
		&Scenario{Name: "acac-two-lines", Description: "Credentialed GET; origin echoed, Access-Control-Allow-Credentials sent twice (true, true)",
			JS:    `await f(URL, {credentials: 'include'})`,
			Mount: at(answerWith(acaoHdr, "", acacHdr, "true", acacHdr, "true", "Vary", "Origin"))},
		&Scenario{Name: "acac-false", Description: "Credentialed GET; origin echoed, Access-Control-Allow-Credentials: false",
			JS:    `await f(URL, {credentials: 'include'})`,
			Mount: at(answerWith(acaoHdr, "", acacHdr, "false", "Vary", "Origin"))},

		// ---- preflight status ----
		&Scenario{Name: "preflight-201", Description: "The preflight is answered 201 with good CORS headers (an ok status)",
			JS: `await f(URL, {method: 'PUT'})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acamHdr, "PUT")
				w.WriteHeader(201)
			}, echoOK))},
		&Scenario{Name: "preflight-300-no-location", Description: "The preflight is answered 300 without Location, with good CORS headers",
			JS: `await f(URL, {method: 'PUT'})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acamHdr, "PUT")
				w.WriteHeader(300)
			}, echoOK))},
		&Scenario{Name: "preflight-304", Description: "The preflight is answered 304 with good CORS headers",
			JS: `await f(URL, {method: 'PUT'})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acamHdr, "PUT")
				w.WriteHeader(304)
			}, echoOK))},

		// ---- redirects of the actual request ----
		&Scenario{Name: "post-form-301-cross", Description: "Form POST answered 301 (ACAO *) to the second origin: the POST becomes a GET there, which answers ACAO * (passes)",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'a=1'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, redirectTo(http.StatusMovedPermanently, secondOrigin+p))
				m.Second.HandleFunc("GET "+p, starOK)
			}},
		&Scenario{Name: "post-form-307-cross-no-acao", Description: "Form POST answered 307 (ACAO *) to the second origin, which keeps the POST and answers without CORS headers",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'a=1'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, redirectTo(http.StatusTemporaryRedirect, secondOrigin+p))
				m.Second.HandleFunc("POST "+p, func(w http.ResponseWriter, r *http.Request) { okJSON(w) })
			}},
		&Scenario{Name: "put-json-303-cross", Description: "Preflighted JSON PUT answered 303 (with CORS headers) to the second origin: it becomes a GET without Content-Type, which Chromium sends without a second preflight and Firefox preflights again; the second origin has only a GET route answering ACAO *, and answers that preflight 405",
			JS: `await f(URL, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{}'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, split(goodPreflight("PUT", "Content-Type"), func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, origin(r), "Vary", "Origin")
					http.Redirect(w, r, secondOrigin+p, http.StatusSeeOther)
				}))
				m.Second.HandleFunc("GET "+p, starOK)
			}},
		&Scenario{Name: "put-custom-303-cross", Description: "PUT with X-Custom-Header answered 303 to the second origin: the GET there keeps X-Custom-Header, so it needs a preflight, and the second origin has only a GET route",
			JS: `await f(URL, {method: 'PUT', headers: {'X-Custom-Header': '1'}, body: 'x'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, split(goodPreflight("PUT", "X-Custom-Header"), func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, origin(r), "Vary", "Origin")
					http.Redirect(w, r, secondOrigin+p, http.StatusSeeOther)
				}))
				m.Second.HandleFunc("GET "+p, starOK)
			}},
		&Scenario{Name: "redirect-userinfo-to-page", Description: "GET redirected (302, ACAO *) to http://user:pass@localhost:8800/...: userinfo, but the location is same-origin with the request's origin (the page); the page's server answers ACAO *",
			JS: `await f(URL)`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, redirectTo(http.StatusFound, "http://user:secret@localhost:8800"+p))
				m.Page.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, "*", "X-Seen-Origin", origin(r))
					okJSON(w)
				})
			}},
		&Scenario{Name: "redirect-manual-acao", Description: "fetch() with redirect 'manual' (mode cors) answered 302 with ACAO *: the page gets an opaque-redirect response (status 0), no error, though Chromium ends the load with net::ERR_ABORTED",
			JS: `await f(URL, {redirect: 'manual'}, r => 'type=' + r.type)`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, redirectTo(http.StatusFound, p+"-next"))
				m.API.HandleFunc(p+"-next", starOK)
			}},
		&Scenario{Name: "redirect-manual-no-acao", Description: "fetch() with redirect 'manual' (mode cors) answered 302 without CORS headers: the redirect response itself fails the CORS check",
			JS: `await f(URL, {redirect: 'manual'}, r => 'type=' + r.type)`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Location", p+"-next")
					w.WriteHeader(http.StatusFound)
				})
				m.API.HandleFunc(p+"-next", starOK)
			}},

		// ---- no-cors, response headers ----
		&Scenario{Name: "no-cors-custom-header", Description: "fetch() with mode 'no-cors' and X-Custom-Header (silently dropped by the no-cors guard): no preflight, an opaque text response, no error",
			JS: `await f(URL, {mode: 'no-cors', headers: {'X-Custom-Header': '1'}})`, Mount: at(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				w.Header().Set("X-Seen-Custom", r.Header.Get("X-Custom-Header"))
				fmt.Fprint(w, "hello")
			})},
		&Scenario{Name: "expose-star", Description: "GET without credentials; Access-Control-Expose-Headers: * exposes X-Total-Count (passes; page reads 42)",
			JS:    `await f(URL, {}, r => 'X-Total-Count=' + r.headers.get('X-Total-Count'))`,
			Mount: at(answerWith(acaoHdr, "*", acehHdr, "*", "X-Total-Count", "42"))},
		&Scenario{Name: "expose-star-credentials", Description: "Credentialed GET; Access-Control-Expose-Headers: * is literal with credentials, so X-Total-Count stays hidden (passes CORS; page reads null)",
			JS:    `await f(URL, {credentials: 'include'}, r => 'X-Total-Count=' + r.headers.get('X-Total-Count'))`,
			Mount: at(answerWith(acaoHdr, "", acacHdr, "true", acehHdr, "*", "X-Total-Count", "42", "Vary", "Origin"))},
		&Scenario{Name: "expose-space-separated", Description: "GET; Access-Control-Expose-Headers: X-Total-Count X-Page (space separated, does not parse) (passes CORS; page reads null)",
			JS:    `await f(URL, {}, r => 'X-Total-Count=' + r.headers.get('X-Total-Count'))`,
			Mount: at(answerWith(acaoHdr, "*", acehHdr, "X-Total-Count X-Page", "X-Total-Count", "42"))},
	)
}
