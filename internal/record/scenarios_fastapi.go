package main

import "github.com/harcors/harcors/analyze"

// Scenarios of the "fastapi" stack: FastAPI with Starlette's CORSMiddleware
// under uvicorn (Debian's packages) on http://127.0.0.1:8811, apps in
// stacks/fastapi/app.py. The mistakes are the ones of Starlette's and
// FastAPI's trackers: an allowlist entry written as a URL, "*" with
// allow_credentials, allow_headers left empty, no middleware (so no OPTIONS
// route), an auth middleware added after CORSMiddleware (and so outside
// it), and the 500 of an unhandled exception, which ServerErrorMiddleware
// sends from outside CORSMiddleware.

func startFastAPI(env *stackEnv) (func(), error) {
	return startChild(env, "fastapi", 8811, env.Dir("fastapi"), []string{"PORT=8811", "PYTHONDONTWRITEBYTECODE=1"},
		debianPython, "app.py")
}

func init() {
	register("fastapi",
		&Scenario{Name: "cors-ok", Description: "CORSMiddleware with allow_origins=[page]: simple GET passes",
			JS: `await f(URL)`},
		&Scenario{Name: "origin-trailing-slash", Description: "allow_origins=['http://localhost:8800/'] (a URL, not an origin): Starlette answers the JSON PUT's preflight 400 Disallowed CORS origin",
			JS: `await f(URL, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{}'})`},
		&Scenario{Name: "star-credentials", Description: "allow_origins=['*'] with allow_credentials=True; a credentialed GET without cookies gets * and Allow-Credentials: true",
			JS: `await f(URL, {credentials: 'include'})`},
		&Scenario{Name: "headers-default", Description: "allow_headers left at its default: the preflight for Authorization gets 400 Disallowed CORS headers",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer token-123'}})`},
		&Scenario{Name: "no-middleware-405", Description: "No CORSMiddleware, the route sets Access-Control-Allow-Origin itself: the preflight gets FastAPI's 405",
			JS: `await f(URL, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{}'})`},
		&Scenario{Name: "auth-outside-cors", Description: "@app.middleware('http') auth added after add_middleware(CORSMiddleware), so outside it: the preflight gets 401",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer token-123'}})`},
		&Scenario{Name: "exception-500", Description: "The route raises: ServerErrorMiddleware's 500 comes from outside CORSMiddleware, without CORS headers",
			JS: `await f(URL)`},
	)
}

// Proofs of harcors' FastAPI fixes: stacks/fastapi/app.py has each
// <name>-fixed app beside the proofs comment.
func init() {
	fixed := func(name, rule, hash string, keys ...string) *Scenario {
		return &Scenario{Name: name + "-fixed", Proves: proof("fastapi--"+name, rule, analyze.FastAPI, hash, keys...)}
	}
	register("fastapi",
		fixed("origin-trailing-slash", "CORS-P03", "522bad4f182d", "allow_origins=['http://localhost:8800'], allow_methods=['PUT'], allow_headers=['content-type']"),
		fixed("headers-default", "CORS-P03", "522bad4f182d", "allow_origins=['http://localhost:8800'], allow_methods=['GET'], allow_headers=['authorization']"),
		fixed("star-credentials", "CORS-A07", "20b9c5b9eb20", "allow_origins=['http://localhost:8800'], allow_credentials=True"),
		fixed("no-middleware-405", "CORS-P01", "d3f75a547cf5", "add_middleware(CORSMiddleware, allow_origins=['http://localhost:8800'], allow_methods=['PUT'])"),
		fixed("auth-outside-cors", "CORS-P02", "e9d56d809da1"),
		fixed("exception-500", "CORS-A02", "1f500840be7b", "app = CORSMiddleware(app, allow_origins=['http://localhost:8800'])"),
	)
}
