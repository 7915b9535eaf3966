package har

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the .want files of testdata/hars/broken")

// brokenDir holds damaged and odd HAR files, each with a .want file that
// records what the reader makes of it: entries, warnings, error.
var brokenDir = filepath.Join("..", "testdata", "hars", "broken")

// TestBrokenFixtures reads each file of testdata/hars/broken and compares a
// summary with its .want file; go test -run TestBrokenFixtures -update
// rewrites them.
func TestBrokenFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(brokenDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".want") || strings.HasSuffix(path, ".md") {
			continue
		}
		n++
		t.Run(filepath.Base(path), func(t *testing.T) {
			got := summarize(path)
			wantPath := path + ".want"
			if *update {
				if err := os.WriteFile(wantPath, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	if n == 0 {
		t.Fatalf("no fixtures in %s", brokenDir)
	}
}

// summarize reads a file with Open and describes the outcome, one fact a
// line, with the file's base name so that .want files do not depend on
// where the test runs.
func summarize(path string) string {
	var b strings.Builder
	r, err := Open(path, Options{Name: filepath.Base(path)})
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
		return b.String()
	}
	defer r.Close()
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(&b, "error: %v\n", err)
			break
		}
		fmt.Fprintf(&b, "entry %d line %d: %s %s -> %d\n", e.Index, e.Line, e.Request.Method, e.Request.URL, e.Response.Status)
	}
	if c := r.Log().Creator; c.Name != "" {
		fmt.Fprintf(&b, "creator: %s\n", c)
	}
	for _, w := range r.Warnings() {
		fmt.Fprintf(&b, "warning: %v\n", w)
	}
	return b.String()
}
