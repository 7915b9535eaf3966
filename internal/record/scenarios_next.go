package main

import (
	"os/exec"
	"path/filepath"

	"github.com/harcors/harcors/analyze"
)

// Scenarios of the "next" stack: a Next.js app (stacks/next, npm) under
// `next dev` on http://127.0.0.1:8826: route handlers in app/, CORS
// headers from next.config.js headers(), and rewrites(). It also serves the
// page of the scenarios that run in the app (PageOrigin, app/route.js).

// nextOrigin is the Next.js app; the page of PageOrigin scenarios.
const nextOrigin = "http://127.0.0.1:8826"

func startNext(env *stackEnv) (func(), error) {
	node, _ := exec.LookPath("node")
	dir := env.Dir("next")
	// Telemetry off: the recorder's machine has no network, and a run
	// must not phone home anyway.
	return startChild(env, "next", 8826, dir, []string{"NEXT_TELEMETRY_DISABLED=1"},
		node, filepath.Join(dir, "node_modules", "next", "dist", "bin", "next"), "dev", "-H", "127.0.0.1", "-p", "8826")
}

func init() {
	register("next",
		&Scenario{Name: "headers-ok", Description: "next.config.js headers() with source '/api/:path' adds Access-Control-Allow-Origin to a one-segment route handler (passes)",
			JS: `await f('http://127.0.0.1:8826/api/session')`},
		&Scenario{Name: "headers-pattern", Description: "headers() with source '/api/:path', which matches one path segment: the route handler at /api/v1/items gets no Access-Control-Allow-Origin",
			JS: `await f('http://127.0.0.1:8826/api/v1/items')`},
		&Scenario{Name: "no-options", Description: "A route handler exports PUT (which sets Access-Control-Allow-Origin itself) and no OPTIONS: Next.js answers the preflight itself, 204 with Allow and no CORS headers",
			JS: `await f('http://127.0.0.1:8826/api/orders/42', {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{"a":1}'})`},
		&Scenario{Name: "star-credentials", Description: "headers() sends Access-Control-Allow-Origin: * for /public-api/:path*; the page fetches with credentials: 'include'",
			JS: `await f('http://127.0.0.1:8826/public-api/feed', {credentials: 'include'})`},
		&Scenario{Name: "api-direct", PageOrigin: nextOrigin, Description: "The app served by `next dev` reads /api/session from its own routes, then calls the API at its own origin (http://127.0.0.1:8801) instead of through rewrites(); the API sends no CORS headers",
			JS: `await f('/api/session'); await f('http://127.0.0.1:8801/upstream/api-direct')`, Mount: upstream(plainJSON)},
	)
}

// Proofs of harcors' Next.js fixes: the entries of next.config.js beside
// the proofs comments, and app/api/orders-fixed/[id]/route.js.
func init() {
	n := analyze.NextJS
	register("next",
		&Scenario{Name: "headers-pattern-fixed", JS: `await f('http://127.0.0.1:8826/api/v2/items')`,
			Proves: proof("next--headers-pattern", "CORS-A01", n, "22128c09f8dc", "async headers()", "headers: [{ key: 'Access-Control-Allow-Origin', value: 'http://localhost:8800' }]")},
		&Scenario{Name: "no-options-fixed", JS: `await f('http://127.0.0.1:8826/api/orders-fixed/42', {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{"a":1}'})`,
			Proves: proof("next--no-options", "CORS-P05", n, "4ff5b2a9ba0f", "export async function OPTIONS()", "'Access-Control-Allow-Methods': 'PUT'", "'Access-Control-Allow-Headers': 'Content-Type'")},
		&Scenario{Name: "star-credentials-fixed", JS: `await f('http://127.0.0.1:8826/partner-api/feed', {credentials: 'include'})`,
			Proves: proof("next--star-credentials", "CORS-A07", n, "f7adb5b90761", "{ key: 'Access-Control-Allow-Credentials', value: 'true' }")},
		&Scenario{Name: "api-through-rewrites", PageOrigin: nextOrigin,
			Description: "next--api-direct with harcors' CORS-A01 fix applied (next): the page fetches the same API as /backend/... through rewrites(), at its own origin",
			JS:          `await f('/api/session'); await f('/backend/api-direct')`,
			Proves:      proof("next--api-direct", "CORS-A01", n, "22128c09f8dc", "async rewrites()", "{ source: '/backend/:path*', destination: 'http://")},
	)
}
