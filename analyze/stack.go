package analyze

import (
	"fmt"
	"strings"

	"github.com/harcors/harcors/har"
)

// Stack identifies the server software that answered, as far as its
// responses give it away. Fixes are given per stack.
type Stack string

// The stacks harcors knows a fix for.
const (
	Generic Stack = ""
	Express Stack = "express" // Node.js Express with the cors package
	Django  Stack = "django"  // django-cors-headers
	Flask   Stack = "flask"   // flask-cors
	GoHTTP  Stack = "go"      // Go net/http by hand
	RsCors  Stack = "rs/cors" // Go with github.com/rs/cors
	Gin     Stack = "gin"     // Go gin with gin-contrib/cors
	Nginx   Stack = "nginx"
	Apache  Stack = "apache"
	Vite    Stack = "vite"    // Vite dev server (server.proxy / server.cors)
	Webpack Stack = "webpack" // webpack-dev-server (devServer.proxy / headers)
	NextJS  Stack = "next"    // Next.js route handlers and next.config.js headers
	Laravel Stack = "laravel" // PHP: Laravel's HandleCors (fruitcake/php-cors, config/cors.php)
	PHP     Stack = "php"     // plain PHP scripts that send CORS headers with header()
	FastAPI Stack = "fastapi" // FastAPI / Starlette CORSMiddleware
	Caddy   Stack = "caddy"   // Caddy 2 (Caddyfile header / reverse_proxy)
	Rack    Stack = "rack"    // Ruby: Rails or plain Rack with rack-cors
)

var stackNames = map[Stack]string{
	Generic: "any server", Express: "Express (cors)", Django: "Django (django-cors-headers)",
	Flask: "Flask (flask-cors)", GoHTTP: "Go net/http", RsCors: "Go rs/cors", Gin: "Go gin (gin-contrib/cors)",
	Nginx: "nginx", Apache: "Apache httpd", Vite: "Vite dev server", Webpack: "webpack-dev-server",
	NextJS: "Next.js", Laravel: "PHP / Laravel (config/cors.php)", PHP: "PHP (header() calls)", FastAPI: "FastAPI / Starlette (CORSMiddleware)",
	Caddy: "Caddy", Rack: "Rails / Rack (rack-cors)",
}

// Name returns a human name for the stack.
func (s Stack) Name() string {
	if n, ok := stackNames[s]; ok {
		return n
	}
	return string(s)
}

// DevServer reports whether the stack is a development server that serves
// the page and can proxy the API to the page's origin.
func (s Stack) DevServer() bool { return s == Vite || s == Webpack || s == NextJS }

// Stacks lists the known stacks, generic last.
func Stacks() []Stack {
	return []Stack{Express, Django, Flask, GoHTTP, RsCors, Gin, Nginx, Apache, Vite, Webpack, NextJS, Laravel, PHP, FastAPI, Caddy, Rack, Generic}
}

// ParseStack returns the stack named by its ID ("express", "rs/cors",
// "laravel"; "generic" or "any" for Generic), for --stack.
func ParseStack(name string) (Stack, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "generic" || n == "any" {
		return Generic, nil
	}
	for _, s := range Stacks() {
		if s != Generic && string(s) == n {
			return s, nil
		}
	}
	ids := make([]string, 0, len(stackNames))
	for _, s := range Stacks() {
		if s != Generic {
			ids = append(ids, string(s))
		}
	}
	return Generic, fmt.Errorf("unknown stack %q (want one of %s, or generic)", name, strings.Join(ids, ", "))
}

// fingerprint guesses the stack from one response's headers. The signals are
// the ones each stack's defaults leave (checked against the recorded
// fixtures): Express's and PHP's X-Powered-By, Werkzeug's Server header,
// Django's security-middleware headers, rs/cors's long Vary on preflights
// and gin-contrib/cors's three Vary lines, Go's and gin's plain-text error
// pages, gin-contrib/cors's bare 403, nginx's and Apache's Server header. A reverse
// proxy in front of an app shows its own Server header, so app signals are
// checked first: the app is usually the one to fix, and the proxy case is
// told apart by the cause (duplicate headers, error pages).
func fingerprint(h *headerIndex, size int64, status int) Stack {
	if !maySign(h, size, status) {
		return Generic
	}
	return signature(h, size, status)
}

// signHeaders are the headers of which every signature in signature needs
// one, but for gin's plain-text error pages (their body sizes) and
// gin-contrib/cors's bare 403 (its status).
const signHeaders = 1<<hServer | 1<<hXPoweredBy | 1<<hVary | 1<<hSetCookie | 1<<hACMaxAge | 1<<hCOOP | 1<<hXContentTypeOptions

// maySign reports whether a response could show a stack's signature. Many
// carry none of those headers (a page's scripts, styles and images from a
// server that names no software), and the analysis asks for each response
// from a host until one shows a stack: in a capture of 143,000 entries it
// asked 140,000 times, and the page's WebAssembly spent 4% of its analysis
// on the full list of signatures.
func maySign(h *headerIndex, size int64, status int) bool {
	return h.has&signHeaders != 0 || size == 18 || size == 22 || status == 403
}

// signature is fingerprint without maySign's shortcut.
func signature(h *headerIndex, size int64, status int) Stack {
	contentType, _ := h.get(hContentType)
	server, _ := h.get(hServer)
	powered, _ := h.get(hXPoweredBy)
	sl, pl := strings.ToLower(server), strings.ToLower(powered)
	varyHas := func(s string) bool { return h.containsLower(hVary, s) }
	switch {
	case strings.Contains(pl, "next.js") || varyHas("next-router-state-tree"):
		// Next.js's X-Powered-By (next start), or the Vary its app router
		// sends on every route handler's response and on the OPTIONS it
		// answers itself (rsc, next-router-state-tree, ...; next dev sends
		// no X-Powered-By).
		return NextJS
	case strings.Contains(pl, "express") && h.hasValue(hCORP, "same-origin"):
		// webpack-dev-server 5.2.1 and later runs on Express and adds
		// Cross-Origin-Resource-Policy: same-origin to every response,
		// proxied ones included, unless its headers allow any origin.
		return Webpack
	case strings.Contains(pl, "express"):
		return Express
	case laravelSigns(h):
		// Checked before the Server header: a Laravel app behind nginx
		// or Apache is the one to fix, with config/cors.php.
		return Laravel
	case strings.HasPrefix(pl, "php"):
		// PHP's expose_php header without a framework's signs: a script
		// that writes its CORS headers with header(), the most common
		// PHP setup (recorded: stacks/php).
		return PHP
	case strings.Contains(sl, "werkzeug"):
		return Flask
	case h.present(hACMaxAge) && h.present(hACExposeHeaders) && strings.TrimSpace(h.joinedLower(hACExposeHeaders)) == "" ||
		strings.HasPrefix(sl, "webrick") || strings.HasPrefix(sl, "puma"):
		// rack-cors sends Max-Age and an empty Access-Control-Expose-Headers
		// on every response it decorates, actual requests included.
		return Rack
	case sl == "uvicorn":
		// uvicorn's default Server header; FastAPI and Starlette apps are
		// what it mostly serves.
		return FastAPI
	case strings.Contains(sl, "wsgiserver") || strings.Contains(sl, "gunicorn") && h.present(hCOOP) ||
		h.present(hCOOP) && h.present(hReferrerPolicy) && h.hasValue(hXFrameOptions, "DENY"):
		return Django
	case server == "" && ginVary(h):
		return Gin
	case server == "" && varyHas("access-control-request-method") && varyHas("access-control-request-headers") && varyHas("origin"):
		return RsCors
	case strings.HasPrefix(sl, "nginx") || strings.HasPrefix(sl, "openresty"):
		return Nginx
	case strings.HasPrefix(sl, "apache"):
		return Apache
	case sl == "caddy":
		return Caddy
	case server == "" && powered == "" && varyHas("origin") && h.hasValue(hCacheControl, "no-cache") && etagWeak(h):
		// Vite's dev server: its cors middleware's Vary: Origin on every
		// response, and Cache-Control: no-cache with a weak ETag on the
		// files it serves (sirv's W/"size-mtime", its transforms' W/"len-hash"),
		// with no Server or X-Powered-By header.
		return Vite
	case server == "" && powered == "" && contentType == "text/plain; charset=utf-8" && h.hasValue(hXContentTypeOptions, "nosniff"):
		// net/http's http.Error, which NotFound, the mux's 404 ("404 page
		// not found") and 405 ("Method Not Allowed") and handlers' own
		// error paths all go through: exactly this Content-Type, nosniff,
		// no Server header. The body size is not part of the signal: a
		// browser leaves the body of a failed preflight out of the HAR
		// (size 0), and handlers pass their own messages.
		return GoHTTP
	case server == "" && powered == "" && contentType == "text/plain" && (size == 18 || size == 22):
		// gin's own 404 and 405 bodies ("404 page not found", "405 method
		// not allowed"): bare text/plain, no charset, no nosniff.
		return Gin
	case status == 403 && size <= 0 && server == "" && powered == "" && contentType == "" && !h.present(hACAllowOrigin):
		// gin-contrib/cors rejects an origin it does not allow with
		// AbortWithStatus(403): no body, no Content-Type, no header
		// besides Date and Content-Length. Recorded on gin; a bare Go
		// handler answering 403 the same way is taken for it too.
		return Gin
	}
	return Generic
}

// etagWeak: the response has a weak ETag (W/"...").
func etagWeak(h *headerIndex) bool {
	v, ok := h.get(hETag)
	return ok && strings.HasPrefix(strings.TrimSpace(v), `W/"`)
}

// laravelSigns: what a Laravel app's responses show (from Laravel's and
// fruitcake/php-cors' documentation and source, not recorded: Debian ships
// Laravel 8, without HandleCors, and Packagist is out of reach). With
// PHP's X-Powered-By: Symfony HttpFoundation's default Cache-Control
// "no-cache, private", or php-cors' Vary on Access-Control-Request-Method.
// With or without it (expose_php off): Laravel's session and CSRF cookies.
func laravelSigns(h *headerIndex) bool {
	for _, v := range h.values(hSetCookie) {
		// Some HAR writers join several Set-Cookie lines with newlines.
		for _, c := range strings.Split(v, "\n") {
			c = strings.TrimSpace(c)
			if strings.HasPrefix(c, "laravel_session=") || strings.HasPrefix(c, "XSRF-TOKEN=") {
				return true
			}
		}
	}
	powered, _ := h.get(hXPoweredBy)
	if !strings.HasPrefix(strings.ToLower(powered), "php") {
		return false
	}
	cc, _ := h.get(hCacheControl)
	return strings.EqualFold(strings.TrimSpace(cc), "no-cache, private") || h.containsLower(hVary, "access-control-request-method")
}

// ginVary: gin-contrib/cors answers a preflight with three Vary lines
// (Origin, Access-Control-Request-Method, Access-Control-Request-Headers),
// where rs/cors writes one line listing all three.
func ginVary(h *headerIndex) bool {
	if h.multi&(1<<hVary) == 0 {
		return false
	}
	for _, v := range h.values(hVary) {
		if strings.EqualFold(strings.TrimSpace(v), "Access-Control-Request-Method") {
			return true
		}
	}
	return false
}

func hasValue(h har.Headers, name, want string) bool {
	for _, v := range h.Values(name) {
		if strings.EqualFold(strings.TrimSpace(v), want) {
			return true
		}
	}
	return false
}
