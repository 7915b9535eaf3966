package main

import (
	"net/http"
	"strconv"
)

// From the fourth review (Chromium 156, Firefox ESR 153): the three
// scenarios, of 54 recorded in both browsers, on which harcors disagreed
// with a browser. Each is now a rule case under testdata/rules.

func init() {
	register("go",
		&Scenario{Name: "two-unsafe-headers-order", Description: "GET with X-Zeta then X-Alpha, neither allowed by the preflight: Chromium names the first the page set (x-zeta), Firefox the first in sorted order (x-alpha)",
			JS:    `await f(URL, {headers: {'X-Zeta': '1', 'X-Alpha': '1'}})`,
			Mount: at(split(preflightWith(acaoHdr, "http://localhost:8800", acamHdr, "GET, POST, PUT, DELETE", "Vary", "Origin"), echoOK))},
		&Scenario{Name: "redirect-loop", Description: "GET answered 302 (ACAO *) to itself with a counter, 25 times: past the 20 redirects fetch follows",
			JS: `await f(URL + '?n=0')`,
			Mount: at(func(w http.ResponseWriter, r *http.Request) {
				n, _ := strconv.Atoi(r.URL.Query().Get("n"))
				if n >= 25 {
					starOK(w, r)
					return
				}
				add(w, acaoHdr, "*")
				w.Header().Set("Location", r.URL.Path+"?n="+strconv.Itoa(n+1))
				w.WriteHeader(http.StatusFound)
			})},
		&Scenario{Name: "redirect-mode-error", Description: "fetch() with redirect 'error' answered 302 with ACAO *: the page's fetch fails at the redirect, without a CORS error",
			JS: `await f(URL, {redirect: 'error'})`,
			Mount: func(m Muxes, p string) {
				m.API.HandleFunc(p, redirectTo(http.StatusFound, p+"-next"))
				m.API.HandleFunc(p+"-next", starOK)
			}},
	)
}
