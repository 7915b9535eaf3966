package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/harcors/harcors/analyze"
)

// Scenarios of the "vite" stack: Vite's dev server (stacks/vite, npm),
// three servers in one process: the app on http://127.0.0.1:8820 with
// server.proxy and the default server.cors, which also serves the page of
// the scenarios that run in the app (PageOrigin), and two servers whose
// files a page on another origin loads, one per server.cors setting
// (8821, 8822).

// viteOrigin is the app's dev server; the page of PageOrigin scenarios.
const viteOrigin = "http://127.0.0.1:8820"

func needNodeModules(stack string, modules ...string) func() error {
	return func() error {
		if _, err := exec.LookPath("node"); err != nil {
			return fmt.Errorf("node missing (apt-get install nodejs)")
		}
		dir := filepath.Join(mustRecordDir(), "stacks", stack)
		for _, m := range modules {
			if _, err := os.Stat(filepath.Join(dir, "node_modules", m, "package.json")); err != nil {
				return fmt.Errorf("node_modules/%s missing (run npm ci in %s)", m, dir)
			}
		}
		return nil
	}
}

func startVite(env *stackEnv) (func(), error) {
	node, _ := exec.LookPath("node")
	return startChild(env, "vite", 8820, env.Dir("vite"), nil, node, "serve.mjs")
}

// plainJSON answers with JSON and no CORS header: an API that leaves CORS
// to the dev server's proxy.
func plainJSON(w http.ResponseWriter, r *http.Request) { okJSON(w) }

func init() {
	register("vite",
		&Scenario{Name: "asset-cross-origin-ok", Description: "A page on another origin (a backend-rendered page) loads a module from the dev server; the default server.cors allows localhost origins (passes)",
			JS: `await f('http://127.0.0.1:8820/src/main.js')`},
		&Scenario{Name: "api-direct-no-cors", PageOrigin: viteOrigin, Description: "The app served by `vite` reads /config.json from the dev server, then calls the API at its own origin (http://127.0.0.1:8801) instead of through server.proxy; the API sends no CORS headers",
			JS: `await f('/config.json'); await f('http://127.0.0.1:8801/upstream/api-direct-no-cors')`, Mount: upstream(plainJSON)},
		&Scenario{Name: "cors-origin-typo", Description: "server.cors: { origin: 'http://localhost:8800/' } (the page's origin written as a URL) on the dev server whose module a page on another origin loads: the cors package sends the string as it is",
			JS: `await f('http://127.0.0.1:8821/src/main.js')`},
	)
}

// Proofs of harcors' Vite fixes: the proxy entry in stacks/vite/vite.config.js
// and stacks/vite/vite.cors-fixed.config.js.
func init() {
	register("vite",
		&Scenario{Name: "api-through-proxy", PageOrigin: viteOrigin,
			Description: "vite--api-direct-no-cors with harcors' CORS-A01 fix applied (vite): the page fetches the same API as /api/... through server.proxy, at its own origin",
			JS:          `await f('/config.json'); await f('/api/api-direct-no-cors')`,
			Proves:      proof("vite--api-direct-no-cors", "CORS-A01", analyze.Vite, "f1efe8b32498", "proxy: {", "'/api': {", "changeOrigin: true")},
		&Scenario{Name: "cors-origin-typo-fixed",
			JS:     `await f('http://127.0.0.1:8822/src/main.js')`,
			Proves: proof("vite--cors-origin-typo", "CORS-A04", analyze.Vite, "c9d54fb48fe5", "cors: { origin: 'http://localhost:8800' }")},
	)
}
