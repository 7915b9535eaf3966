package main

import (
	"fmt"
	"net/http"
	"strings"
)

// Scenarios that pass in Chromium 156 and Firefox 153, from a review that
// recorded 59 cases likely to be modelled wrong (whitespace and case in
// the CORS headers, safelisted request headers, preflight statuses and
// bodies, redirects of preflighted requests): kept so that harcors keeps
// reporting no error on them.

// rawHeaders answers with the header lines exactly as written (net/http
// trims values' whitespace): status, then the lines, "$ORIGIN" replaced
// by the request's Origin, and a small JSON body (none for OPTIONS).
func rawHeaders(status int, lines ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hj, ok := w.(http.Hijacker)
		if !ok {
			http.Error(w, "no hijack", http.StatusInternalServerError)
			return
		}
		c, buf, err := hj.Hijack()
		if err != nil {
			return
		}
		defer c.Close()
		body := `{"ok":true}`
		if r.Method == http.MethodOptions {
			body = ""
		}
		fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
		for _, l := range lines {
			buf.WriteString(strings.ReplaceAll(l, "$ORIGIN", origin(r)) + "\r\n")
		}
		fmt.Fprintf(buf, "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
		buf.Flush()
	}
}

// echoRedirect echoes the request's Origin (with Vary: Origin) and answers
// 302 to target.
func echoRedirect(target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		add(w, acaoHdr, origin(r), "Vary", "Origin")
		http.Redirect(w, r, target, http.StatusFound)
	}
}

// answerWith sends the headers kv (see addEchoing) and answers a
// preflight 204, anything else 200 with a small JSON body.
func answerWith(kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		addEchoing(w, r, kv)
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		okJSON(w)
	}
}

func init() {
	register("go",
		&Scenario{Name: "acac-leading-space", Description: "Credentialed GET; Access-Control-Allow-Credentials: ' true' (raw, leading extra space)",
			JS:    `await f(URL, {credentials: 'include'})`,
			Mount: at(rawHeaders(200, "Access-Control-Allow-Origin: $ORIGIN", "Access-Control-Allow-Credentials:  true "))},
		&Scenario{Name: "acah-empty-items", Description: "GET with X-A; Access-Control-Allow-Headers: ,x-a,, (empty list items)",
			JS: `await f(URL, {headers: {'X-A': '1'}})`, Mount: at(split(goodPreflight("GET", ",x-a,,"), echoOK))},
		&Scenario{Name: "acah-star-and-authorization", Description: "GET with Authorization; Access-Control-Allow-Headers: *, Authorization (passes per spec)",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer t'}})`, Mount: at(split(goodPreflight("GET", "*, Authorization"), echoOK))},
		&Scenario{Name: "acam-star-credentials-post-json", Description: "Credentialed JSON POST; the preflight allows methods with * and lists Content-Type (POST is safelisted, so * does not matter)",
			JS:    `await f(URL, {method: 'POST', credentials: 'include', headers: {'Content-Type': 'application/json'}, body: '{}'})`,
			Mount: at(answerWith(acaoHdr, "", acacHdr, "true", acamHdr, "*", acahHdr, "Content-Type", "Vary", "Origin"))},
		&Scenario{Name: "acam-tab-separated", Description: "PUT against Access-Control-Allow-Methods: GET,<tab>PUT",
			JS: `await f(URL, {method: 'PUT'})`, Mount: at(split(goodPreflight("GET,\tPUT", ""), echoOK))},
		&Scenario{Name: "acao-trailing-space", Description: "Access-Control-Allow-Origin with a trailing space (raw): 'http://localhost:8800 '",
			JS: `await f(URL)`, Mount: at(rawHeaders(200, "Access-Control-Allow-Origin: http://localhost:8800 "))},
		&Scenario{Name: "acao-trailing-tab", Description: "Access-Control-Allow-Origin with a trailing tab (raw)",
			JS: `await f(URL)`, Mount: at(rawHeaders(200, "Access-Control-Allow-Origin: http://localhost:8800\t"))},
		&Scenario{Name: "authorization-omit-star", Description: "GET with Authorization and credentials: 'omit'; the preflight answers ACAO * and lists Authorization; the GET answers ACAO *",
			JS: `await f(URL, {credentials: 'omit', headers: {'Authorization': 'Bearer t'}})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, "*", acamHdr, "GET", acahHdr, "Authorization")
				w.WriteHeader(http.StatusNoContent)
			}, starOK))},
		&Scenario{Name: "cache-no-store", Description: "fetch() with cache: 'no-store' (the browser adds Pragma and Cache-Control itself); GET-only route answering ACAO *",
			JS:    `await f(URL, {cache: 'no-store'})`,
			Mount: func(m Muxes, p string) { m.API.HandleFunc("GET "+p, starOK) }},
		&Scenario{Name: "ct-multipart-no-boundary", Description: "POST with Content-Type: multipart/form-data (no boundary) and a string body; POST-only route answering ACAO",
			JS:    `await f(URL, {method: 'POST', headers: {'Content-Type': 'multipart/form-data'}, body: 'x'})`,
			Mount: func(m Muxes, p string) { m.API.HandleFunc("POST "+p, echoOK) }},
		&Scenario{Name: "ct-text-plain-charset", Description: "POST with Content-Type: text/plain; charset=utf-8 (safelisted); the server has no OPTIONS route, answers with ACAO",
			JS:    `await f(URL, {method: 'POST', headers: {'Content-Type': 'text/plain; charset=utf-8'}, body: 'x'})`,
			Mount: func(m Muxes, p string) { m.API.HandleFunc("POST "+p, echoOK) }},
		&Scenario{Name: "ct-uppercase-textplain", Description: "POST with Content-Type: Text/Plain (MIME type in mixed case, still safelisted); POST-only route answering ACAO",
			JS:    `await f(URL, {method: 'POST', headers: {'Content-Type': 'Text/Plain'}, body: 'x'})`,
			Mount: func(m Muxes, p string) { m.API.HandleFunc("POST "+p, echoOK) }},
		&Scenario{Name: "fetch-options-ok", Description: "fetch() with method OPTIONS: preflighted itself; the server answers every OPTIONS with the origin and Allow-Methods: OPTIONS",
			JS: `await f(URL, {method: 'OPTIONS'})`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acamHdr, "OPTIONS, GET", "Vary", "Origin")
				okJSON(w)
			})},
		&Scenario{Name: "keepalive-put", Description: "fetch keepalive PUT with a good preflight",
			JS: `await f(URL, {method: 'PUT', keepalive: true, body: 'x'})`, Mount: at(split(goodPreflight("PUT", ""), echoOK))},
		&Scenario{Name: "max-age-huge", Description: "Two PUTs; Access-Control-Max-Age: 999999999 (Chromium caps at 2 hours)",
			JS: `await f(URL, {method: 'PUT', body: '1'})
				await f(URL, {method: 'PUT', body: '2'})`,
			Mount: at(split(maxAgePreflight("999999999"), echoOK))},
		&Scenario{Name: "max-age-negative", Description: "Two PUTs; Access-Control-Max-Age: -1",
			JS: `await f(URL, {method: 'PUT', body: '1'})
				await f(URL, {method: 'PUT', body: '2'})`,
			Mount: at(split(maxAgePreflight("-1"), echoOK))},
		&Scenario{Name: "multipart-formdata", Description: "POST of a FormData body (multipart/form-data, safelisted); the server has no OPTIONS route and answers with ACAO",
			JS:    `const fd = new FormData(); fd.append('a', '1'); await f(URL, {method: 'POST', body: fd})`,
			Mount: func(m Muxes, p string) { m.API.HandleFunc("POST "+p, echoOK) }},
		&Scenario{Name: "preflight-200-body", Description: "The preflight is answered 200 with a JSON body and good CORS headers",
			JS: `await f(URL, {method: 'PUT'})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acamHdr, "PUT")
				reply(w, 200, `{"preflight":"yes, with a body"}`)
			}, echoOK))},
		&Scenario{Name: "preflight-299", Description: "The preflight is answered 299 with good CORS headers",
			JS: `await f(URL, {method: 'PUT'})`,
			Mount: at(split(func(w http.ResponseWriter, r *http.Request) {
				add(w, acaoHdr, origin(r), acamHdr, "PUT")
				w.WriteHeader(299)
			}, echoOK))},
		&Scenario{Name: "range-simple", Description: "GET with Range: bytes=0- ; the server has no OPTIONS route and answers with ACAO",
			JS:    `await f(URL, {headers: {'Range': 'bytes=0-'}})`,
			Mount: func(m Muxes, p string) { m.API.HandleFunc("GET "+p, echoOK) }},
		&Scenario{Name: "redirect-303-preflighted-post", Description: "JSON POST with a good preflight; the POST is answered 303 (with ACAO) to another path of the API, which echoes the origin",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, split(goodPreflight("POST", "Content-Type"), func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, origin(r), "Vary", "Origin")
					http.Redirect(w, r, p+"-done", http.StatusSeeOther)
				}))
				m.API.HandleFunc(p+"-done", echoOK)
			}},
		&Scenario{Name: "redirect-a-b-a-credentials", Description: "Credentialed GET API -> second -> API (302s echoing the Origin with Allow-Credentials: true); the last hop echoes Origin: null",
			JS: `await f(URL, {credentials: 'include'})`,
			Mount: func(m Muxes, p string) {
				h := func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, origin(r), acacHdr, "true", "Vary", "Origin")
				}
				m.API.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					h(w, r)
					http.Redirect(w, r, secondOrigin+p, http.StatusFound)
				})
				m.Second.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
					h(w, r)
					http.Redirect(w, r, "http://127.0.0.1:8801"+p+"-back", http.StatusFound)
				})
				m.API.HandleFunc(p+"-back", func(w http.ResponseWriter, r *http.Request) { h(w, r); okJSON(w) })
			}},
		&Scenario{Name: "redirect-a-b-a", Description: "GET API -> second origin -> API again (302s echoing the Origin); the last hop echoes Origin: null",
			JS: `await f(URL)`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, echoRedirect(secondOrigin+p))
				m.Second.HandleFunc(p, echoRedirect("http://127.0.0.1:8801"+p+"-back"))
				m.API.HandleFunc(p+"-back", echoOK)
			}},
		&Scenario{Name: "redirect-put-307-same-api", Description: "PUT with a good preflight; the PUT is answered 307 (with ACAO) to another path of the same API, which answers preflights well",
			JS: `await f(URL, {method: 'PUT', body: 'x'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, split(goodPreflight("PUT", ""), func(w http.ResponseWriter, r *http.Request) {
					add(w, acaoHdr, origin(r), "Vary", "Origin")
					http.Redirect(w, r, p+"-v2", http.StatusTemporaryRedirect)
				}))
				m.API.HandleFunc(p+"-v2", split(goodPreflight("PUT", ""), echoOK))
			}},
		&Scenario{Name: "star-acac-no-credentials", Description: "GET without credentials answered with ACAO * and Allow-Credentials: true (the flag is ignored)",
			JS: `await f(URL)`, Mount: at(fixed(200, acaoHdr, "*", acacHdr, "true"))},
	)
}
