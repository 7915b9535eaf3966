package main

import "github.com/harcors/harcors/analyze"

// Scenarios of the "rack" stack: plain Rack with rack-cors on WEBrick
// (Debian's ruby-rack, ruby-rack-cors, ruby-webrick) on
// http://127.0.0.1:8813, apps in stacks/rack/config.ru: the middleware
// Rails apps configure in config/initializers/cors.rb, without Rails
// (which Debian packages, but far too big to start for a few scenarios).

func needRack() error {
	if err := needBinary("/usr/bin/ruby", "apt-get install ruby")(); err != nil {
		return err
	}
	return needBinary("/usr/lib/ruby/vendor_ruby/rack/cors.rb", "apt-get install ruby-rack-cors ruby-rack ruby-webrick")()
}

func startRack(env *stackEnv) (func(), error) {
	return startChild(env, "rack", 8813, env.Dir("rack"), []string{"RACK_ENV=deployment"},
		"/usr/bin/rackup", "-s", "webrick", "-o", "127.0.0.1", "-p", "8813", "-q", "config.ru")
}

func init() {
	register("rack",
		&Scenario{Name: "cors-ok", Description: "rack-cors with origins the page and PUT in methods: a JSON PUT passes",
			JS: `await f(URL, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{}'})`},
		&Scenario{Name: "origin-trailing-slash", Description: "origins 'http://localhost:8800/' (a URL, not an origin): no CORS header on the GET",
			JS: `await f(URL)`},
		&Scenario{Name: "star-credentials", Description: "origins '*' (rack-cors refuses credentials: true with it); the page fetches with credentials: 'include'",
			JS: `await f(URL, {credentials: 'include'})`},
		&Scenario{Name: "method-not-listed", Description: "methods [:get, :post]; the page sends PUT and rack-cors answers the preflight 200 with no CORS header",
			JS: `await f(URL, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{}'})`},
		&Scenario{Name: "auth-before-cors", Description: "A token middleware used above Rack::Cors answers the preflight 401",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer token-123'}})`},
		&Scenario{Name: "exception-500", Description: "The app raises; the exception passes up through Rack::Cors and the server's 500 has no CORS headers",
			JS: `await f(URL)`},
	)
}

// Proofs of harcors' rack-cors fixes: stacks/rack/config.ru has each
// <name>-fixed app beside the proofs comment.
func init() {
	fixed := func(name, rule, hash string, keys ...string) *Scenario {
		return &Scenario{Name: name + "-fixed", Proves: proof("rack--"+name, rule, analyze.Rack, hash, keys...)}
	}
	register("rack",
		fixed("origin-trailing-slash", "CORS-A01", "0671ebda5762", "origins 'http://localhost:8800'"),
		fixed("star-credentials", "CORS-A07", "55f454598bb3", "credentials: true"),
		fixed("method-not-listed", "CORS-P05", "4c316c7f7262", "headers: :any, methods: [:get, :post, :put, :patch, :delete, :options]"),
		fixed("auth-before-cors", "CORS-P02", "65b3548f9df2"),
		fixed("exception-500", "CORS-A02", "fe230581fd7b", "Rack::ShowExceptions"),
	)
}
