package batch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGlobStar checks ** against filepath.Match semantics element by element.
func TestGlobStar(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"a.har", "x/b.har", "x/y/c.har", "x/y/c.txt", "z/d.har.gz"} {
		p = filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, nil, 0o644)
	}
	for _, c := range []struct{ pattern, want string }{
		{"**/*.har", "a.har x/b.har x/y/c.har"},
		{"x/**/*.har", "x/b.har x/y/c.har"},
		{"**/y/*", "x/y/c.har x/y/c.txt"},
		{"**/*.gz", "z/d.har.gz"},
		{"x/**", "x/b.har x/y x/y/c.har x/y/c.txt"},
		{"*/*.har", "x/b.har"},
	} {
		got, err := glob(filepath.Join(dir, c.pattern))
		if err != nil {
			t.Fatalf("%s: %v", c.pattern, err)
		}
		for i := range got {
			got[i], _ = filepath.Rel(dir, got[i])
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: %q, want %q", c.pattern, got, c.want)
		}
	}
}

// TestGlobNoMatch: a pattern that matches nothing, or cannot be read, says
// so with the pattern, instead of "stat ...: no such file or directory".
func TestGlobNoMatch(t *testing.T) {
	dir := t.TempDir()
	for pattern, want := range map[string]string{
		filepath.Join(dir, "**", "*.xyz"): "no file matches this pattern",
		filepath.Join(dir, "[.har"):       "bad pattern",
	} {
		ins := Discover([]string{pattern})
		if len(ins) != 1 || ins[0].Err == nil || !strings.Contains(ins[0].Err.Error(), want) || !strings.Contains(ins[0].Err.Error(), pattern) {
			t.Errorf("%s: %+v, want an error saying %q", pattern, ins, want)
		}
	}
}
