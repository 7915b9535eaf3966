package main

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/harcors/harcors/analyze"
)

// Scenarios of the "apache" stack: Apache httpd 2.4 on
// http://127.0.0.1:8805 with mod_headers snippets (stacks/apache/httpd.conf).

// startApache copies stacks/apache into the run's temp dir and starts
// httpd with it as ServerRoot; Debian's /etc/apache2 is never read.
func startApache(env *stackEnv) (func(), error) {
	root := filepath.Join(env.Tmp, "apache")
	if err := os.CopyFS(root, os.DirFS(env.Dir("apache"))); err != nil {
		return nil, err
	}
	// httpd's children run as www-data and must read the copy.
	_ = os.Chmod(env.Tmp, 0o755)
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			mode := os.FileMode(0o644)
			if d.IsDir() {
				mode = 0o755
			}
			os.Chmod(p, mode)
		}
		return nil
	})
	return startChild(env, "apache", 8805, root, nil,
		"/usr/sbin/apache2", "-d", root, "-f", filepath.Join(root, "httpd.conf"), "-DFOREGROUND")
}

func init() {
	register("apache",
		&Scenario{Name: "header-set-ok", Description: "Header set Access-Control-Allow-Origin \"*\" on a static JSON file (passes)",
			JS: `await f(URL)`},
		&Scenario{Name: "header-set-404", Description: "Header set (without always) on a URL with no file: Apache's 404 goes out without the header",
			JS: `await f(URL)`},
		&Scenario{Name: "header-always-set-404", Description: "Header always set: the 404 carries Access-Control-Allow-Origin and the page can read it (passes CORS)",
			JS: `await f(URL)`},
		&Scenario{Name: "header-add-duplicate", Description: "Two Header add lines (vhost and .htaccess style) give two Access-Control-Allow-Origin headers",
			JS: `await f(URL)`},
		&Scenario{Name: "options-static-put", Description: "Only Access-Control-Allow-Origin is configured; Apache answers the PUT's preflight itself (200, Allow) with no Access-Control-Allow-Methods",
			JS: `await f(URL, {method: 'PUT', body: '{}'})`},
		&Scenario{Name: "rewrite-options-ok", Description: "The full recipe: Header always set for origin, methods and headers, and a RewriteRule answering OPTIONS with 200 (passes)",
			JS: `await f(URL, {method: 'POST', headers: {'Content-Type': 'application/json', 'Authorization': 'Bearer t'}, body: '{}'})`},
		&Scenario{Name: "dir-slash", Description: "A directory URL without its trailing slash: mod_dir redirects the preflight with 301",
			JS: `await f(URL, {method: 'PUT', body: '{}'})`},
		&Scenario{Name: "setenvif-credentials-ok", Description: "SetEnvIf echoes an allow-listed origin with Allow-Credentials: true; credentialed GET (passes)",
			JS: `await f(URL, {credentials: 'include'})`},
	)
}

// Proofs of harcors' Apache fixes: stacks/apache/httpd.conf has each
// <name>-fixed location beside the proofs comment. header-always-set-404 is
// already the fix for header-set-404.
func init() {
	fixed := func(name, rule, hash string, keys ...string) *Scenario {
		return &Scenario{Name: name + "-fixed", Proves: proof("apache--"+name, rule, analyze.Apache, hash, keys...)}
	}
	dirSlash := fixed("dir-slash", "CORS-P04", "ec1e5e784f63")
	dirSlash.JS = `await f(URL + '/', {method: 'PUT', body: '{}'})`
	register("apache",
		dirSlash,
		fixed("header-add-duplicate", "CORS-A05", "44edf17a5de8", "Header always unset Access-Control-Allow-Origin"),
		fixed("options-static-put", "CORS-P13", "8a8ec9ad994b", "Header always set Access-Control-Allow-Methods \"GET, POST, "),
	)
	for _, s := range allScenarios {
		if s.ID() == "apache--header-always-set-404" {
			s.Proves = proof("apache--header-set-404", "CORS-A02", analyze.Apache, "0e35cc715355", "Header always set")
		}
	}
}
