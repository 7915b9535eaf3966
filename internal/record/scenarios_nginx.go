package main

import (
	"net/http"
	"os"
	"path/filepath"

	"github.com/harcors/harcors/analyze"
)

// Scenarios of the "nginx" stack: nginx on http://127.0.0.1:8804 with the
// CORS snippets people copy (stacks/nginx/nginx.conf, one location per
// scenario), some in front of the Go app on 8801 as a reverse proxy.

// startNginx copies stacks/nginx into the run's temp dir and starts nginx
// with that dir as its prefix, so the pid file, temp dirs and logs stay
// there and the system's nginx configuration is never read or touched.
func startNginx(env *stackEnv) (func(), error) {
	prefix := filepath.Join(env.Tmp, "nginx")
	if err := os.CopyFS(prefix, os.DirFS(env.Dir("nginx"))); err != nil {
		return nil, err
	}
	for _, d := range []string{"tmp"} {
		if err := os.MkdirAll(filepath.Join(prefix, d), 0o755); err != nil {
			return nil, err
		}
	}
	// nginx's workers must be able to read the copied files.
	_ = os.Chmod(env.Tmp, 0o755)
	return startChild(env, "nginx", 8804, prefix, nil,
		"/usr/sbin/nginx", "-p", prefix+"/", "-c", "nginx.conf", "-e", "stderr", "-g", "daemon off;")
}

// upstream registers the Go app route behind a proxy location.
func upstream(h http.HandlerFunc) func(Muxes, string) {
	return func(m Muxes, p string) { m.Upstream.HandleFunc("/upstream"+p, h) }
}

func init() {
	register("nginx",
		&Scenario{Name: "add-header-ok", Description: "add_header Access-Control-Allow-Origin \"*\" on a location that answers 200 (passes)",
			JS: `await f(URL)`},
		&Scenario{Name: "add-header-404-no-always", Description: "add_header without \"always\": the 404 for a missing file goes out without Access-Control-Allow-Origin",
			JS: `await f(URL)`},
		&Scenario{Name: "add-header-always-404", Description: "add_header ... always: the 404 carries Access-Control-Allow-Origin and the page can read it (passes CORS)",
			JS: `await f(URL)`},
		&Scenario{Name: "proxy-500-no-always", Description: "nginx in front of a Go app that fails with 500; add_header without \"always\" adds nothing to the 500",
			JS: `await f(URL)`,
			Mount: upstream(func(w http.ResponseWriter, r *http.Request) {
				reply(w, http.StatusInternalServerError, `{"error":"upstream failed"}`)
			})},
		&Scenario{Name: "proxy-duplicate-acao", Description: "nginx adds Access-Control-Allow-Origin: * and the Go app behind it echoes the origin: two header lines",
			JS: `await f(URL)`, Mount: upstream(echoOK)},
		&Scenario{Name: "proxy-duplicate-acao-preflight", Description: "The same duplicate on a preflight: the Go app answers OPTIONS with the echoed origin and nginx adds * as well",
			JS:    `await f(URL, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{}'})`,
			Mount: upstream(split(goodPreflight("GET, PUT", "Content-Type"), echoOK))},
		&Scenario{Name: "proxy-hide-header-ok", Description: "proxy_hide_header drops the app's Access-Control-Allow-Origin and nginx adds one (passes)",
			JS: `await f(URL)`, Mount: upstream(echoOK)},
		&Scenario{Name: "if-options-204-ok", Description: "The common recipe: if ($request_method = 'OPTIONS') { add_header ...; return 204; } in front of the app (passes)",
			JS:    `await f(URL, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{"a":1}'})`,
			Mount: upstream(func(w http.ResponseWriter, r *http.Request) { okJSON(w) })},
		&Scenario{Name: "static-custom-header-405", Description: "A static JSON file fetched with a custom header: nginx's static module answers the preflight 405, and without \"always\" with no CORS header",
			JS: `await f(URL + '/data.json', {headers: {'X-Requested-With': 'fetch'}})`},
		&Scenario{Name: "add-header-inheritance", Description: "Access-Control-Allow-Origin is set at server level, but the location has its own add_header (X-Frame-Options), which replaces all inherited ones",
			JS: `await f(URL)`},
		&Scenario{Name: "server-level-header-ok", Description: "A location without add_header inherits the server-level Access-Control-Allow-Origin: * (passes)",
			JS: `await f(URL)`},
		&Scenario{Name: "map-origin-credentials-ok", Description: "A map allow-list echoes the origin, with Allow-Credentials: true and Vary: Origin; credentialed GET (passes)",
			JS: `await f(URL, {credentials: 'include'})`},
		&Scenario{Name: "acac-capitalized", Description: "A copied snippet sends Access-Control-Allow-Credentials: True; credentialed GET",
			JS: `await f(URL, {credentials: 'include'})`},
	)
}

// Proofs of harcors' nginx fixes: stacks/nginx/nginx.conf has each
// /<name>-fixed location beside the proofs comment. Two scenarios above are
// already the fix for another: add-header-always-404 and
// proxy-hide-header-ok.
func init() {
	fixed := func(name, rule, hash string, keys ...string) *Scenario {
		return &Scenario{Name: name + "-fixed", Proves: proof("nginx--"+name, rule, analyze.Nginx, hash, keys...)}
	}
	register("nginx",
		fixed("acac-capitalized", "CORS-A08", "1d0dc45e4acd", "add_header Access-Control-Allow-Credentials true always;"),
		fixed("add-header-inheritance", "CORS-A01", "8ba78b44824e", "add_header Access-Control-Allow-Origin \"http://localhost:8800\" always;"),
		withMount(fixed("proxy-500-no-always", "CORS-A02", "ac09ca5cc54f", "always;"), upstream(func(w http.ResponseWriter, r *http.Request) {
			reply(w, http.StatusInternalServerError, `{"error":"upstream failed"}`)
		})),
		withMount(fixed("proxy-duplicate-acao-preflight", "CORS-A05", "2ebe63724ac4", "proxy_hide_header Access-Control-Allow-Origin;"),
			upstream(split(goodPreflight("GET, PUT", "Content-Type"), echoOK))),
		fixed("static-custom-header-405", "CORS-P01", "de2de450ca72", "if ($request_method = OPTIONS) { add_header Access-Control-Allow-Origin ", `add_header Access-Control-Allow-Headers "Content-Type, x-requested-with" always;`),
	)
	for _, s := range allScenarios {
		switch s.ID() {
		case "nginx--add-header-always-404":
			s.Proves = proof("nginx--add-header-404-no-always", "CORS-A02", analyze.Nginx, "ac09ca5cc54f", "always;")
		case "nginx--proxy-hide-header-ok":
			s.Proves = proof("nginx--proxy-duplicate-acao", "CORS-A05", analyze.Nginx, "2ebe63724ac4", "proxy_hide_header Access-Control-Allow-Origin;")
		}
	}
}

func withMount(s *Scenario, m func(Muxes, string)) *Scenario {
	s.Mount = m
	return s
}
