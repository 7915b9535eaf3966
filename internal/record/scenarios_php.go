package main

import "github.com/harcors/harcors/analyze"

// Scenarios of the "php" stack: plain PHP scripts that send their CORS
// headers with header(), the most common PHP setup without a framework, on
// PHP's built-in server (Debian's php-cli) at http://127.0.0.1:8814. The
// script bodies are in stacks/php/router.php, one per scenario. Laravel's
// CORS layer (HandleCors, fruitcake/php-cors) cannot be recorded here:
// Debian ships Laravel 8, which has no HandleCors, and Packagist is out of
// reach; harcors recognises it from its documentation only.

const phpPort = 8814

func startPHP(env *stackEnv) (func(), error) {
	// display_errors off, as in php.ini-production: a fatal error is then
	// a bare 500, as production servers answer it.
	return startChild(env, "php", phpPort, env.Dir("php"), []string{"PHP_CLI_SERVER_WORKERS=4"},
		"/usr/bin/php", "-n", "-d", "display_errors=0", "-d", "log_errors=0", "-d", "expose_php=1",
		"-S", "127.0.0.1:8814", "router.php")
}

func init() {
	register("php",
		&Scenario{Name: "cors-ok", Description: "An origin allowlist checked with in_array, OPTIONS answered 204 first, Vary: Origin: a JSON PUT passes",
			JS: `await f(URL, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: '{}'})`},
		&Scenario{Name: "origin-trailing-slash", Description: "The allowlist holds 'http://localhost:8800/' (a URL, not an origin): in_array never matches, no header",
			JS: `await f(URL)`},
		&Scenario{Name: "star-credentials", Description: "header('Access-Control-Allow-Origin: *') with Allow-Credentials: true; credentialed GET",
			JS: `await f(URL, {credentials: 'include'})`},
		&Scenario{Name: "method-check-first", Description: "The script rejects every method but PUT with 405 before it sends CORS headers: the preflight gets 405",
			JS: `await f(URL, {method: 'PUT'})`},
		&Scenario{Name: "auth-before-cors", Description: "The token check comes before the CORS headers: the preflight, which has no token, gets 401",
			JS: `await f(URL, {headers: {'Authorization': 'Bearer token-123'}})`},
		&Scenario{Name: "exception-500", Description: "The CORS header is sent after the work, which throws: PHP's 500 has no CORS header",
			JS: `await f(URL)`},
	)
}

// Proofs of harcors' PHP fixes: stacks/php/router.php has each
// <name>-fixed script body after the "harcors' fixes applied" comment.
func init() {
	fixed := func(name, rule, hash string, keys ...string) *Scenario {
		return &Scenario{Name: name + "-fixed", Proves: proof("php--"+name, rule, analyze.PHP, hash, keys...)}
	}
	register("php",
		fixed("origin-trailing-slash", "CORS-A01", "989ead9bbfee", "in_array($_SERVER['HTTP_ORIGIN'] ?? '', ['http://localhost:8800'], true)", "header('Vary: Origin');"),
		fixed("star-credentials", "CORS-A07", "9da911edd83e", "in_array($_SERVER['HTTP_ORIGIN'] ?? '', ['http://localhost:8800'], true)", "header('Access-Control-Allow-Credentials: true');"),
		fixed("method-check-first", "CORS-P01", "a7b29d64c891", "if ($_SERVER['REQUEST_METHOD'] === 'OPTIONS') {", "header('Access-Control-Allow-Methods: PUT');", "http_response_code(204);"),
		fixed("auth-before-cors", "CORS-P02", "6eda24c50c58", "if ($_SERVER['REQUEST_METHOD'] === 'OPTIONS') {", "header('Access-Control-Allow-Headers: Content-Type, authorization');", "http_response_code(204);"),
		fixed("exception-500", "CORS-A02", "e34777ed9850", "at the top of the script"),
	)
}
