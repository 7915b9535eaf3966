package analyze

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/testcorpus"
)

// TestFingerprintPHP: PHP is told apart from Laravel by Laravel's own
// signs, and both win over the web server in front of them (a Laravel app
// behind nginx was given nginx's fix). The Laravel signs come from its
// documentation and source (no Laravel with HandleCors can be installed
// here); plain PHP is recorded (internal/record, stacks/php).
func TestFingerprintPHP(t *testing.T) {
	for _, c := range []struct {
		name    string
		headers []string
		want    Stack
	}{
		{"plain PHP", []string{"X-Powered-By", "PHP/8.2.36", "Content-Type", "application/json"}, PHP},
		{"PHP behind nginx", []string{"Server", "nginx/1.24.0", "X-Powered-By", "PHP/8.2.12"}, PHP},
		{"Laravel behind nginx, HttpFoundation's Cache-Control", []string{"Server", "nginx/1.24.0", "X-Powered-By", "PHP/8.2.12", "Cache-Control", "no-cache, private"}, Laravel},
		{"Laravel, php-cors' Vary", []string{"X-Powered-By", "PHP/8.3.1", "Vary", "Origin, Access-Control-Request-Method"}, Laravel},
		{"Laravel behind nginx, expose_php off, session cookie", []string{"Server", "nginx", "Set-Cookie", "XSRF-TOKEN=abc; path=/\nlaravel_session=def; path=/; httponly"}, Laravel},
		{"nginx alone", []string{"Server", "nginx", "Cache-Control", "no-cache, private"}, Nginx},
		{"HttpFoundation's Cache-Control without PHP", []string{"Cache-Control", "no-cache, private"}, Generic},
	} {
		var hs har.Headers
		for i := 0; i+1 < len(c.headers); i += 2 {
			hs = append(hs, har.Header{Name: c.headers[i], Value: c.headers[i+1]})
		}
		var ix headerIndex
		ix.index(hs)
		if got := fingerprint(&ix, 11, 200); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestMaySign: every response that maySign lets fingerprint skip has no
// signature, over every response of the fixtures (recorded from each
// stack) and the corpus, and over responses made of each signature's
// ingredients in many combinations; and the fixtures do show signatures,
// so that the check has something to catch. A signature added to
// signature on a header outside signHeaders fails it.
func TestMaySign(t *testing.T) {
	seen := map[Stack]bool{}
	check := func(where string, hs har.Headers, size int64, status int) {
		var ix headerIndex
		ix.index(hs)
		s := signature(&ix, size, status)
		seen[s] = true
		if s != Generic && !maySign(&ix, size, status) {
			t.Fatalf("%s: signature %q, but maySign says none could show", where, s)
		}
	}
	files, _ := filepath.Glob("../testdata/hars/*/*.har")
	more, _ := filepath.Glob("../testdata/hars/shapes/*/*.har")
	for _, f := range append(append(files, more...), testcorpus.Files(t, "..")...) {
		_, es, err := har.ReadAll(mustOpen(t, f), har.Options{})
		if err != nil {
			continue
		}
		for i, e := range es {
			check(fmt.Sprintf("%s entry %d", f, i), e.Response.Headers, e.Response.Content.Size, e.Response.Status)
		}
	}
	for _, s := range []Stack{Express, Flask, Django, Gin, RsCors, Nginx, GoHTTP} {
		if !seen[s] {
			t.Errorf("no fixture shows %s: the check above has nothing to catch", s)
		}
	}
	// Every header any signature reads, with values that show one, and
	// others: the combinations cover each case of signature.
	names := []string{"Server", "X-Powered-By", "Vary", "Set-Cookie", "Access-Control-Max-Age",
		"Access-Control-Expose-Headers", "Cross-Origin-Opener-Policy", "Referrer-Policy", "X-Frame-Options",
		"Cache-Control", "ETag", "Content-Type", "X-Content-Type-Options", "Cross-Origin-Resource-Policy",
		"Access-Control-Allow-Origin", "Date"}
	values := []string{"", "nginx", "uvicorn", "caddy", "Express", "PHP/8", "Next.js", "origin", "Access-Control-Request-Method",
		"laravel_session=x", "no-cache", `W/"1-2"`, "text/plain", "text/plain; charset=utf-8", "nosniff", "DENY",
		"same-origin", "600", "*"}
	rng := rand.New(rand.NewPCG(22, 16))
	for range 100000 {
		var hs har.Headers
		for range rng.IntN(6) {
			hs = append(hs, har.Header{Name: names[rng.IntN(len(names))], Value: values[rng.IntN(len(values))]})
		}
		size := []int64{-1, 0, 11, 18, 22}[rng.IntN(5)]
		status := []int{200, 204, 403, 404}[rng.IntN(4)]
		check("random", hs, size, status)
	}
}
