package main

import "github.com/harcors/harcors/analyze"

// Scenarios of the "flask" stack: Flask with flask-cors (Debian's packages)
// on http://127.0.0.1:8806, apps in stacks/flask/app.py.

func startFlask(env *stackEnv) (func(), error) {
	return startChild(env, "flask", 8806, env.Dir("flask"), []string{"PORT=8806", "PYTHONDONTWRITEBYTECODE=1"},
		debianPython, "app.py")
}

func init() {
	register("flask",
		&Scenario{Name: "cors-default-ok", Description: "CORS(app) with no options: simple GET gets Access-Control-Allow-Origin: * (passes)",
			JS: `await f(URL)`},
		&Scenario{Name: "before-request-auth-401", Description: "A before_request token check answers the preflight 401; flask-cors's after_request still adds its headers to the 401",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer token-123'}})`},
		&Scenario{Name: "debug-500-no-cors", Description: "PROPAGATE_EXCEPTIONS (as in debug mode): the view raises and the server's bare 500 has no CORS headers",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'})`},
		&Scenario{Name: "errorhandler-500-ok", Description: "An errorhandler(500) returns JSON and flask-cors decorates it: the page can read the 500 (passes CORS)",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'})`},
		&Scenario{Name: "supports-credentials-default-origins", Description: "CORS(app, supports_credentials=True) with the default origins '*'; credentialed GET",
			JS: `await f(URL, {credentials: 'include'})`},
		&Scenario{Name: "resources-regex-miss", Description: "CORS(app, resources={r'/api/*': ...}) while the route is not under /api: no CORS header",
			JS: `await f(URL)`},
		&Scenario{Name: "strict-slashes-308", Description: "The route is declared with a trailing slash; Werkzeug answers the preflight for the URL without it with 308",
			JS: `await f(URL, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{}'})`},
		&Scenario{Name: "origins-list-credentials-ok", Description: "CORS(app, origins=[page, ...], supports_credentials=True): credentialed JSON PUT passes",
			JS: `await f(URL, {method: 'PUT', credentials: 'include', headers: {'Content-Type': 'application/json'}, body: '{}'})`},
		&Scenario{Name: "allow-headers-restricted", Description: "CORS(app, allow_headers=['Content-Type']); the page sends X-Custom-Header",
			JS: `await f(URL, {headers: {'X-Custom-Header': 'yes'}})`},
		&Scenario{Name: "cross-origin-decorator-ok", Description: "@cross_origin(methods=['GET', 'DELETE'], max_age=600) on one view: DELETE passes",
			JS: `await f(URL, {method: 'DELETE'})`},
		&Scenario{Name: "expose-headers-missing", Description: "CORS(app) without expose_headers: the GET passes but the page reads X-Total-Count as null",
			JS: `await f(URL, {}, r => 'X-Total-Count=' + r.headers.get('X-Total-Count'))`},
	)
}

// Proofs of harcors' flask-cors fixes: stacks/flask/app.py has each
// <name>-fixed app beside the proofs comment. errorhandler-500-ok is not
// one: it leaves PROPAGATE_EXCEPTIONS off, which the fix does not say.
func init() {
	fixed := func(name, rule, hash string, keys ...string) *Scenario {
		return &Scenario{Name: name + "-fixed", Proves: proof("flask--"+name, rule, analyze.Flask, hash, keys...)}
	}
	register("flask",
		fixed("allow-headers-restricted", "CORS-P16", "de09745d8092", "allow_headers=['Content-Type', "),
		fixed("before-request-auth-401", "CORS-P02", "310ca0d0d69b", "request.method == 'OPTIONS'"),
		fixed("debug-500-no-cors", "CORS-A02", "b86108e4c8ff"),
		fixed("resources-regex-miss", "CORS-A01", "1da50867f5c9"),
		fixed("strict-slashes-308", "CORS-P04", "bca94b4d759d", "strict_slashes=False"),
	)
}
