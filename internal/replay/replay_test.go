package replay

import (
	"os/exec"
	"strings"
	"testing"
)

func TestPreflight(t *testing.T) {
	for _, c := range []struct {
		url, origin, method string
		headers             []string
		want                string
	}{
		{"https://api.test/v1/items?page=2#top", "https://app.test", "PUT", []string{"Content-Type", "X-Api-Key, authorization", "x-api-key"},
			`curl -i -X OPTIONS 'https://api.test/v1/items?page=2' -H 'Origin: https://app.test' -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: authorization,content-type,x-api-key'`},
		{"http://127.0.0.1:8801/x", "http://localhost:8800", "", nil,
			`curl -i -X OPTIONS 'http://127.0.0.1:8801/x' -H 'Origin: http://localhost:8800' -H 'Access-Control-Request-Method: GET'`},
		{"https://a.test/it's", "null", "DELETE", []string{"bad name", "x-ok"},
			`curl -i -X OPTIONS 'https://a.test/it'\''s' -H 'Origin: null' -H 'Access-Control-Request-Method: DELETE' -H 'Access-Control-Request-Headers: x-ok'`},
	} {
		if got := Preflight(c.url, c.origin, c.method, c.headers); got != c.want {
			t.Errorf("Preflight(%q...)\n got %s\nwant %s", c.url, got, c.want)
		}
	}
}

// TestQuoteShell: a POSIX shell reads each quoted string back exactly, and
// nothing in it runs.
func TestQuoteShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, s := range []string{"plain", "it's", "$(touch /tmp/x)", "`id`", "a\\b", "'; rm -rf /; '", "ü ✓", `"$HOME"`} {
		out, err := exec.Command(sh, "-c", "printf %s "+Quote(s)).Output()
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != s {
			t.Errorf("Quote(%q): the shell read %q", s, out)
		}
	}
	if q := Quote("a\nb\x1b[2J"); strings.ContainsAny(q, "\n\x1b") {
		t.Errorf("Quote keeps control characters: %q", q)
	}
}
