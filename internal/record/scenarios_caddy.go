package main

import (
	"os"
	"path/filepath"

	"github.com/harcors/harcors/analyze"
)

// Scenarios of the "caddy" stack: Caddy 2 (Debian's package) on
// http://127.0.0.1:8812, one `handle` per scenario in stacks/caddy/Caddyfile,
// some in front of the Go app on 8801 with reverse_proxy.

// startCaddy copies stacks/caddy into the run's temp dir and runs Caddy
// there, with its data and config dirs inside it too.
func startCaddy(env *stackEnv) (func(), error) {
	dir := filepath.Join(env.Tmp, "caddy")
	if err := os.CopyFS(dir, os.DirFS(env.Dir("caddy"))); err != nil {
		return nil, err
	}
	return startChild(env, "caddy", 8812, dir,
		[]string{"XDG_DATA_HOME=" + filepath.Join(dir, "data"), "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "HOME=" + dir},
		"/usr/bin/caddy", "run", "--config", "Caddyfile", "--adapter", "caddyfile")
}

func init() {
	register("caddy",
		&Scenario{Name: "header-ok", Description: "header Access-Control-Allow-Origin \"*\" on a route that answers 200 (passes)",
			JS: `await f(URL)`},
		&Scenario{Name: "proxy-duplicate", Description: "Caddy's header directive adds Access-Control-Allow-Origin: * and the Go app behind reverse_proxy echoes the origin: two values",
			JS: `await f(URL)`, Mount: upstream(echoOK)},
		&Scenario{Name: "origin-trailing-slash", Description: "An allowlist matcher (@allowed header Origin \"http://localhost:8800/\") written as a URL: it never matches, no header",
			JS: `await f(URL)`},
		&Scenario{Name: "star-credentials", Description: "Access-Control-Allow-Origin * with Allow-Credentials true; credentialed GET",
			JS: `await f(URL, {credentials: 'include'})`},
		&Scenario{Name: "static-preflight-file", Description: "file_server behind a header directive; the custom request header makes a preflight, which file_server answers with the file itself (200) and no Access-Control-Allow-Headers",
			JS: `await f(URL + '/data.json', {headers: {'X-Requested-With': 'fetch'}})`},
		&Scenario{Name: "static-404", Description: "file_server behind a header directive; a missing file's 404",
			JS: `await f(URL + '/missing.json')`},
	)
}

// Proofs of harcors' Caddy fixes: stacks/caddy/Caddyfile has each
// <name>-fixed route beside the proofs comment.
func init() {
	fixed := func(name, rule, hash string, keys ...string) *Scenario {
		return &Scenario{Name: name + "-fixed", Proves: proof("caddy--"+name, rule, analyze.Caddy, hash, keys...)}
	}
	register("caddy",
		fixed("origin-trailing-slash", "CORS-A01", "970578f5d802", `@cors header Origin "http://localhost:8800"`, `header @cors Access-Control-Allow-Origin "http://localhost:8800"`),
		withMount(fixed("proxy-duplicate", "CORS-A05", "ad96ff1e5ede", "header_down -Access-Control-Allow-Origin"), upstream(echoOK)),
		fixed("star-credentials", "CORS-A07", "ae10391d6f6c", "header @cors Access-Control-Allow-Credentials true"),
		fixed("static-preflight-file", "CORS-P16", "89b6c2ca5f8c", "@preflight method OPTIONS", `header @preflight Access-Control-Allow-Headers "x-requested-with"`, "respond @preflight 204"),
	)
}
