package analyze

import (
	"testing"

	"github.com/harcors/harcors/har"
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
