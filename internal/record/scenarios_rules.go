package main

import (
	"net/http"
)

// Scenarios recorded to give rules of harcors' catalogue a positive case
// from a real browser (testdata/rules/<ID>/ copies them): situations the
// other scenario files did not produce.

// refusedOrigin is a loopback port nothing listens on, kept apart from the
// stacks' ports (8800 and up): the connection is refused before any CORS
// check.
const refusedOrigin = "http://127.0.0.1:8899"

func init() {
	register("go",
		&Scenario{Name: "preflight-acao-other-origin", Description: "The preflight allows another origin (a hard-coded production origin) for a PUT; the PUT is never sent",
			JS: `await f(URL, {method: 'PUT'})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, "https://app.example.com", acamHdr, "GET, POST, PUT", "Vary", "Origin")
				w.WriteHeader(http.StatusNoContent)
			}, echoOK))},
		&Scenario{Name: "preflight-connection-closed", Description: "The server closes the connection on OPTIONS without answering, as an edge that drops OPTIONS does: the preflight gets no response",
			JS: `await f(URL, {method: 'PUT'})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				if hj, ok := w.(http.Hijacker); ok {
					if c, _, err := hj.Hijack(); err == nil {
						c.Close()
						return
					}
				}
				w.WriteHeader(http.StatusInternalServerError)
			}, echoOK))},
		&Scenario{Name: "connection-refused", Description: "A GET to a port nothing listens on (" + refusedOrigin + "): the connection is refused, no CORS check runs",
			JS: `await f('` + refusedOrigin + `/connection-refused')`},
		&Scenario{Name: "cookie-no-samesite", Description: "Credentialed GET that passes CORS; the response sets a cookie without a SameSite attribute on this cross-site request",
			JS: `await f(URL, {credentials: 'include'})`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acacHdr, "true", "Vary", "Origin", "Set-Cookie", "session=abc123; Path=/; HttpOnly")
				okJSON(w)
			})},
		&Scenario{Name: "preflight-acao-differs", Description: "The preflight echoes the origin and the PUT's response answers * (two CORS layers with different settings); both pass",
			JS:    `await f(URL, {method: 'PUT'})`,
			Mount: at(split(goodPreflight("GET, PUT", ""), starOK))},
		&Scenario{Name: "preflight-no-acam-put", Description: "The preflight for a PUT allows the origin but sends no Access-Control-Allow-Methods, so only GET, HEAD and POST are allowed",
			JS: `await f(URL, {method: 'PUT'})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), "Vary", "Origin")
				w.WriteHeader(http.StatusNoContent)
			}, echoOK))},
		&Scenario{Name: "redirect-tainted-origin-no-acao", Description: "GET redirected (302, with CORS headers) to another origin whose response has no Access-Control-Allow-Origin; the hop after the redirect sends Origin: null",
			JS: `await f(URL)`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, origin(r), "Vary", "Origin")
					http.Redirect(w, r, secondOrigin+p, http.StatusFound)
				})
				m.Second.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					add(w, "X-Seen-Origin", origin(r))
					okJSON(w)
				})
			}},
		&Scenario{Name: "body-without-content-type", Description: "GET passes CORS; the response has a JSON body and no Content-Type header",
			JS: `await f(URL)`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), "Vary", "Origin")
				// net/http sniffs a Content-Type unless the header is
				// present and empty.
				w.Header()["Content-Type"] = nil
				w.WriteHeader(http.StatusOK)
				w.Write([]byte(`{"ok":true}`))
			})},
	)
}
