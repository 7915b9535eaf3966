package main

import (
	"net/http"

	"github.com/harcors/harcors/analyze"
	"github.com/rs/cors"
)

// Scenarios of the "rscors" stack: a Go API on http://127.0.0.1:8802 using
// github.com/rs/cors, configured the way its users do (cors.Default(),
// cors.AllowAll(), an Options literal), with the mistakes that show up in
// its issue tracker: a request header or method missing from the lists
// (rs/cors then answers the preflight with no CORS header at all, hiding the
// reason: issues #13 and #54), the middleware wrapped around single routes
// of a Go 1.22 method mux (#185), "*" with AllowCredentials (#80).

// withCors mounts h behind c at the scenario's path.
func withCors(c *cors.Cors, h http.HandlerFunc) func(Muxes, string) {
	return func(m Muxes, p string) { m.API.Handle(p, c.Handler(h)) }
}

func plainOK(w http.ResponseWriter, r *http.Request) { okJSON(w) }

func init() {
	register("rscors",
		&Scenario{Name: "default-get-ok", Description: "cors.Default() around the handler; simple GET gets Access-Control-Allow-Origin: * (passes)",
			JS: `await f(URL)`, Mount: withCors(cors.Default(), plainOK)},
		&Scenario{Name: "default-json-post-ok", Description: "cors.Default() allows Content-Type among its default headers, so a JSON POST passes",
			JS:    `await f(URL, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{"a":1}'})`,
			Mount: withCors(cors.Default(), plainOK)},
		&Scenario{Name: "default-put-masked", Description: "cors.Default() allows only GET, POST and HEAD; for a PUT rs/cors answers the preflight 204 with no CORS header at all",
			JS: `await f(URL, {method: 'PUT', body: 'x'})`, Mount: withCors(cors.Default(), plainOK)},
		&Scenario{Name: "unlisted-header-masked", Description: "AllowedHeaders lists Content-Type only; the page sends Authorization, and rs/cors rejects the preflight by dropping every CORS header",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer token-123'}})`,
			Mount: withCors(cors.New(cors.Options{
				AllowedOrigins: []string{"http://localhost:8800"},
				AllowedHeaders: []string{"Content-Type"},
			}), plainOK)},
		&Scenario{Name: "allowall-credentials", Description: "cors.AllowAll() (AllowedOrigins * without credentials) used by a page that fetches with credentials: 'include'",
			JS: `await f(URL, {credentials: 'include'})`, Mount: withCors(cors.AllowAll(), plainOK)},
		&Scenario{Name: "star-with-allowcredentials", Description: "AllowedOrigins [\"*\"] with AllowCredentials: true; rs/cors sends * and Allow-Credentials: true to a credentialed request",
			JS:    `await f(URL, {credentials: 'include'})`,
			Mount: withCors(cors.New(cors.Options{AllowedOrigins: []string{"*"}, AllowCredentials: true}), plainOK)},
		&Scenario{Name: "credentials-ok", Description: "AllowedOrigins the page, AllowCredentials true, PUT allowed: a credentialed JSON PUT passes",
			JS: `await f(URL, {method: 'PUT', credentials: 'include', headers: {'Content-Type': 'application/json'}, body: '{}'})`,
			Mount: withCors(cors.New(cors.Options{
				AllowedOrigins:   []string{"http://localhost:8800"},
				AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodPut},
				AllowedHeaders:   []string{"Content-Type"},
				AllowCredentials: true,
			}), plainOK)},
		&Scenario{Name: "origin-trailing-slash-config", Description: "AllowedOrigins holds \"http://localhost:8800/\" (with a slash): no origin matches, and the GET gets no CORS header",
			JS:    `await f(URL)`,
			Mount: withCors(cors.New(cors.Options{AllowedOrigins: []string{"http://localhost:8800/"}}), plainOK)},
		&Scenario{Name: "per-route-method-pattern-405", Description: "cors.Default().Handler wraps one route registered as \"PUT /path\": the Go 1.22 mux answers the preflight 405 before rs/cors runs",
			JS: `await f(URL, {method: 'PUT'})`,
			Mount: func(m Muxes, p string) {
				c := cors.New(cors.Options{AllowedMethods: []string{http.MethodPut}})
				m.API.Handle("PUT "+p, c.Handler(http.HandlerFunc(plainOK)))
			}},
		&Scenario{Name: "options-passthrough-405", Description: "OptionsPassthrough: true sets the CORS headers and passes the preflight on to a mux with no OPTIONS route, which answers 405",
			JS: `await f(URL, {method: 'DELETE'})`,
			Mount: func(m Muxes, p string) {
				inner := http.NewServeMux()
				inner.HandleFunc("DELETE "+p, plainOK)
				c := cors.New(cors.Options{AllowedMethods: []string{http.MethodGet, http.MethodDelete}, OptionsPassthrough: true})
				m.API.Handle(p, c.Handler(inner))
			}},
		&Scenario{Name: "handler-500-with-cors", Description: "rs/cors wraps the whole mux, so a handler's 500 still carries CORS headers: the page can read the error (passes CORS)",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{"bad":true}'})`,
			Mount: withCors(cors.Default(), func(w http.ResponseWriter, r *http.Request) {
				reply(w, http.StatusInternalServerError, `{"error":"database unavailable"}`)
			})},
		&Scenario{Name: "max-age-ok", Description: "MaxAge: 600 with PUT allowed: two PUTs, one preflight (passes)",
			JS: `await f(URL, {method: 'PUT', body: '1'})
				await f(URL, {method: 'PUT', body: '2'})`,
			Mount: withCors(cors.New(cors.Options{AllowedMethods: []string{http.MethodGet, http.MethodPut}, MaxAge: 600}), plainOK)},
		&Scenario{Name: "exposed-headers-ok", Description: "ExposedHeaders [\"X-Total-Count\"]: the page can read the header (passes)",
			JS: `await f(URL, {}, r => 'X-Total-Count=' + r.headers.get('X-Total-Count'))`,
			Mount: withCors(cors.New(cors.Options{ExposedHeaders: []string{"X-Total-Count"}}), func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Total-Count", "42")
				okJSON(w)
			})},
		&Scenario{Name: "xhr-requested-with-ok", Description: "XMLHttpRequest with X-Requested-With, one of cors.Default()'s allowed headers (passes)",
			JS: `await x('GET', URL, {headers: {'X-Requested-With': 'XMLHttpRequest'}})`, Mount: withCors(cors.Default(), plainOK)},
	)
}

// Proofs of harcors' fixes on the rs/cors stack: each failing scenario
// above with the fix harcors prints for it applied. Without a preflight
// rs/cors leaves no trace in a response, so some of those are the generic
// fixes.
func init() {
	fixed := func(name, rule string, stack analyze.Stack, hash string, m func(Muxes, string), keys ...string) *Scenario {
		return &Scenario{Name: name + "-fixed", Mount: m, Proves: proof("rscors--"+name, rule, stack, hash, keys...)}
	}
	credentialed := withCors(cors.New(cors.Options{AllowedOrigins: []string{"http://localhost:8800"}, AllowCredentials: true}), plainOK)
	register("rscors",
		// Echo the specific origin with Allow-Credentials: true (and Vary).
		fixed("allowall-credentials", "CORS-A07", analyze.Generic, "f57a92a92767", credentialed),
		fixed("star-with-allowcredentials", "CORS-A07", analyze.Generic, "f57a92a92767", credentialed),
		fixed("default-put-masked", "CORS-P05", analyze.RsCors, "12f471fa3c0c", withCors(cors.New(cors.Options{
			AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodHead, http.MethodPut},
		}), plainOK), "AllowedMethods"),
		fixed("unlisted-header-masked", "CORS-P05", analyze.RsCors, "12f471fa3c0c", withCors(cors.New(cors.Options{
			AllowedOrigins: []string{"http://localhost:8800"},
			AllowedHeaders: []string{"Content-Type", "Authorization"},
		}), plainOK), "AllowedHeaders"),
		// OptionsPassthrough left off: rs/cors answers OPTIONS itself.
		fixed("options-passthrough-405", "CORS-P01", analyze.RsCors, "ba13ecdd4101", func(m Muxes, p string) {
			mux := http.NewServeMux()
			mux.HandleFunc("DELETE "+p, plainOK)
			opts := cors.Options{AllowedMethods: []string{http.MethodGet, http.MethodDelete}}
			m.API.Handle(p, cors.New(opts).Handler(mux))
		}, "cors.New(opts).Handler(mux)"),
		// The origin as the browser sends it, without the slash.
		fixed("origin-trailing-slash-config", "CORS-A01", analyze.Generic, "a2a7929bec2c",
			withCors(cors.New(cors.Options{AllowedOrigins: []string{"http://localhost:8800"}}), plainOK)),
		// The CORS layer in front of the method-pattern mux.
		fixed("per-route-method-pattern-405", "CORS-P01", analyze.GoHTTP, "8d7aa5d19180", func(m Muxes, p string) {
			mux := http.NewServeMux()
			mux.HandleFunc("PUT "+p, plainOK)
			opts := cors.Options{AllowedMethods: []string{http.MethodPut}}
			m.API.Handle(p, cors.New(opts).Handler(mux))
		}),
	)
}
