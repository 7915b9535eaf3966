package analyze

import (
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
)

var stackNames = map[Stack]string{
	Generic: "any server", Express: "Express (cors)", Django: "Django (django-cors-headers)",
	Flask: "Flask (flask-cors)", GoHTTP: "Go net/http", RsCors: "Go rs/cors", Gin: "Go gin (gin-contrib/cors)",
	Nginx: "nginx", Apache: "Apache httpd", Vite: "Vite dev server", Webpack: "webpack-dev-server",
	NextJS: "Next.js",
}

// Name returns a human name for the stack.
func (s Stack) Name() string {
	if n, ok := stackNames[s]; ok {
		return n
	}
	return string(s)
}

// Stacks lists the known stacks, generic last.
func Stacks() []Stack {
	return []Stack{Express, Django, Flask, GoHTTP, RsCors, Gin, Nginx, Apache, Vite, Webpack, NextJS, Generic}
}

// fingerprint guesses the stack from one response's headers. The signals are
// the ones each stack's defaults leave (checked against the recorded
// fixtures): Express's X-Powered-By, Werkzeug's Server header, Django's
// security-middleware headers, rs/cors's long Vary on preflights, Go's
// plain-text error pages, nginx's and Apache's Server header. A reverse
// proxy in front of an app shows its own Server header, so app signals are
// checked first: the app is usually the one to fix, and the proxy case is
// told apart by the cause (duplicate headers, error pages).
func fingerprint(h *headerIndex, size int64) Stack {
	contentType, _ := h.get(hContentType)
	server, _ := h.get(hServer)
	powered, _ := h.get(hXPoweredBy)
	sl, pl := strings.ToLower(server), strings.ToLower(powered)
	varyHas := func(s string) bool { return h.containsLower(hVary, s) }
	switch {
	case strings.Contains(pl, "next.js"):
		return NextJS
	case strings.Contains(pl, "express"):
		return Express
	case strings.Contains(sl, "werkzeug"):
		return Flask
	case strings.Contains(sl, "wsgiserver") || strings.Contains(sl, "gunicorn") && h.present(hCOOP) ||
		h.present(hCOOP) && h.present(hReferrerPolicy) && h.hasValue(hXFrameOptions, "DENY"):
		return Django
	case server == "" && varyHas("access-control-request-method") && varyHas("access-control-request-headers") && varyHas("origin"):
		return RsCors
	case strings.HasPrefix(sl, "nginx") || strings.HasPrefix(sl, "openresty"):
		return Nginx
	case strings.HasPrefix(sl, "apache"):
		return Apache
	case server == "" && powered == "" && strings.HasPrefix(contentType, "text/plain; charset=utf-8") && h.hasValue(hXContentTypeOptions, "nosniff") && (size == 19 || size == 18 || size == -1):
		// net/http's NotFound ("404 page not found\n", 19 bytes) and 405
		// ("Method Not Allowed\n"): text/plain, nosniff, no Server header.
		return GoHTTP
	}
	return Generic
}

func hasValue(h har.Headers, name, want string) bool {
	for _, v := range h.Values(name) {
		if strings.EqualFold(strings.TrimSpace(v), want) {
			return true
		}
	}
	return false
}
