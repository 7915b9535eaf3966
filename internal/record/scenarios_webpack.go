package main

import (
	"os/exec"

	"github.com/harcors/harcors/analyze"
)

// Scenarios of the "webpack" stack: webpack-dev-server (stacks/webpack,
// npm), three servers in one process: the app on http://127.0.0.1:8823 with
// devServer.proxy (the http-proxy-middleware that Create React App's
// "proxy" and setupProxy.js use too), which also serves the page of the
// scenarios that run in the app (PageOrigin), and two servers whose files a
// page on another origin loads, one devServer.headers setting each (8824,
// 8825).

// webpackOrigin is the app's dev server; the page of PageOrigin scenarios.
const webpackOrigin = "http://127.0.0.1:8823"

func startWebpack(env *stackEnv) (func(), error) {
	node, _ := exec.LookPath("node")
	return startChild(env, "webpack", 8823, env.Dir("webpack"), nil, node, "serve.js")
}

func init() {
	register("webpack",
		&Scenario{Name: "asset-headers-ok", Description: "A page on another origin loads the bundle's JSON from a dev server whose devServer.headers allow its origin (passes)",
			JS: `await f('http://127.0.0.1:8825/config.json')`},
		&Scenario{Name: "api-cross-origin-no-cors", PageOrigin: webpackOrigin, Description: "The app served by `webpack serve` reads /config.json from the dev server, then calls the API at its own origin (http://127.0.0.1:8801) instead of through devServer.proxy; the API sends no CORS headers",
			JS: `await f('/config.json'); await f('http://127.0.0.1:8801/upstream/api-cross-origin-no-cors')`, Mount: upstream(plainJSON)},
		&Scenario{Name: "headers-origin-typo", Description: "devServer.headers: { 'Access-Control-Allow-Origin': 'http://localhost:8800/' } (the page's origin written as a URL) on the dev server whose file a page on another origin loads",
			JS: `await f('http://127.0.0.1:8824/config.json')`},
	)
}

// Proofs of harcors' webpack fixes: the /api entry of devServer.proxy in
// stacks/webpack/webpack.config.js and webpack.headers-fixed.config.js.
func init() {
	register("webpack",
		&Scenario{Name: "api-through-proxy", PageOrigin: webpackOrigin,
			Description: "webpack--api-cross-origin-no-cors with harcors' CORS-A01 fix applied (webpack): the page fetches the same API as /api/... through devServer.proxy, at its own origin",
			JS:          `await f('/config.json'); await f('/api/api-cross-origin-no-cors')`,
			Proves:      proof("webpack--api-cross-origin-no-cors", "CORS-A01", analyze.Webpack, "0ee5d3997fa9", "proxy: [", "context: ['/api']", "changeOrigin: true")},
		&Scenario{Name: "headers-origin-typo-fixed",
			JS:     `await f('http://127.0.0.1:8825/config.json')`,
			Proves: proof("webpack--headers-origin-typo", "CORS-A04", analyze.Webpack, "3e7013403ef1", "headers: { 'Access-Control-Allow-Origin': 'http://localhost:8800' }")},
	)
}
