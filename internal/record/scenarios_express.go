package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/harcors/harcors/analyze"
)

// Scenarios of the "express" stack: Express 5 with the cors package on
// http://127.0.0.1:8803, routes in stacks/express/server.js (one Router per
// scenario, so that each has its own middleware order).

func needExpress() error {
	if _, err := exec.LookPath("node"); err != nil {
		return fmt.Errorf("node missing (apt-get install nodejs)")
	}
	dir := filepath.Join(mustRecordDir(), "stacks", "express")
	for _, m := range []string{"express", "cors"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", m, "package.json")); err != nil {
			return fmt.Errorf("node_modules/%s missing (run npm ci in %s)", m, dir)
		}
	}
	return nil
}

func startExpress(env *stackEnv) (func(), error) {
	node, _ := exec.LookPath("node")
	return startChild(env, "express", 8803, env.Dir("express"), []string{"PORT=8803", "NODE_ENV=production"}, node, "server.js")
}

func mustRecordDir() string {
	d, err := recordDir()
	if err != nil {
		return "."
	}
	return d
}

func init() {
	register("express",
		&Scenario{Name: "default-get-ok", Description: "app.use(cors()) with no options: simple GET gets Access-Control-Allow-Origin: * (passes)",
			JS: `await f(URL)`},
		&Scenario{Name: "default-credentials", Description: "cors() defaults (origin *) used by a page that fetches with credentials: 'include'",
			JS: `await f(URL, {credentials: 'include'})`},
		&Scenario{Name: "credentials-true-default-origin", Description: "cors({credentials: true}) with the default origin: the preflight answers * together with Allow-Credentials: true",
			JS: `await f(URL, {method: 'PUT', credentials: 'include', headers: {'Content-Type': 'application/json'}, body: '{"a":1}'})`},
		&Scenario{Name: "origin-list-credentials-ok", Description: "cors({origin: [page, ...], credentials: true}): a credentialed JSON PUT passes",
			JS: `await f(URL, {method: 'PUT', credentials: 'include', headers: {'Content-Type': 'application/json'}, body: '{"a":1}'})`},
		&Scenario{Name: "auth-before-cors-401", Description: "An auth middleware registered before cors() answers the preflight 401 without CORS headers",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer token-123'}})`},
		&Scenario{Name: "route-cors-no-options", Description: "cors() only on app.put(); nothing handles OPTIONS, so Express answers the preflight itself: 200 with Allow: PUT and no CORS headers",
			JS: `await f(URL, {method: 'PUT', body: 'x'})`},
		&Scenario{Name: "route-cors-with-options-ok", Description: "cors() on app.put() plus app.options(path, cors()), as the cors README says (passes)",
			JS: `await f(URL, {method: 'PUT', body: 'x'})`},
		&Scenario{Name: "allowed-headers-restricted", Description: "cors({allowedHeaders: ['Content-Type']}); the page sends Authorization",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer token-123'}})`},
		&Scenario{Name: "methods-restricted", Description: "cors({methods: ['GET', 'POST']}); the page sends DELETE",
			JS: `await f(URL, {method: 'DELETE'})`},
		&Scenario{Name: "json-parse-error-before-cors", Description: "express.json() runs before cors(): the preflight passes, but a malformed JSON body fails in the parser and the 400 has no CORS headers",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{"a":'})`},
		&Scenario{Name: "error-500-after-cors", Description: "cors() runs first and the handler throws: Express's 500 keeps the CORS headers, so the page can read it (passes CORS)",
			JS: `await f(URL)`},
		&Scenario{Name: "origin-function-rejects", Description: "cors({origin: fn}) where fn allows only https://app.example.com: no CORS header for the page",
			JS: `await f(URL)`},
		&Scenario{Name: "origin-regexp-ok", Description: "cors({origin: /^http:\\/\\/localhost:\\d+$/, exposedHeaders}) echoes the origin and the page reads X-Request-Id (passes)",
			JS: `await f(URL, {}, r => 'X-Request-Id=' + r.headers.get('X-Request-Id'))`},
		&Scenario{Name: "manual-header-after-cors", Description: "cors({origin: page}) and then a middleware that appends Access-Control-Allow-Origin: * by hand: two values",
			JS: `await f(URL)`},
	)
}

// Proofs of harcors' Express fixes: stacks/express/server.js has each
// <name>-fixed router beside the proofs comment. route-cors-with-options-ok
// is already the fix for route-cors-no-options.
func init() {
	const ex = analyze.Express
	fixed := func(name, rule, hash string, keys ...string) *Scenario {
		return &Scenario{Name: name + "-fixed", Proves: proof("express--"+name, rule, ex, hash, keys...)}
	}
	register("express",
		fixed("allowed-headers-restricted", "CORS-P16", "7570073afd75", "allowedHeaders: ['Content-Type', "),
		fixed("auth-before-cors-401", "CORS-P02", "1c5799055ca3"),
		fixed("credentials-true-default-origin", "CORS-P09", "66b194b086dd", "credentials: true"),
		fixed("default-credentials", "CORS-A07", "08953eaf1ae3", "credentials: true"),
		fixed("json-parse-error-before-cors", "CORS-A02", "54763cc04e0b"),
		fixed("manual-header-after-cors", "CORS-A05", "d9aa6a98012b"),
		fixed("methods-restricted", "CORS-P13", "925706bce2a8", "methods: ['GET', 'POST', "),
		fixed("origin-function-rejects", "CORS-A01", "4c225548ab78"),
	)
	for _, s := range allScenarios {
		if s.ID() == "express--route-cors-with-options-ok" {
			s.Proves = proof("express--route-cors-no-options", "CORS-P05", ex, "e02afd115b60")
		}
	}
}
