package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// recordedStack is the analyzer's name for each recorder stack.
var recordedStack = map[string]analyze.Stack{
	"express": analyze.Express, "flask": analyze.Flask, "django": analyze.Django, "django-fixed": analyze.Django,
	"nginx": analyze.Nginx, "apache": analyze.Apache, "go": analyze.GoHTTP, "rscors": analyze.RsCors,
	"gin": analyze.Gin, "fastapi": analyze.FastAPI, "caddy": analyze.Caddy, "rack": analyze.Rack,
	"vite": analyze.Vite, "webpack": analyze.Webpack, "next": analyze.NextJS,
	"php": analyze.PHP,
}

// alsoRecorded is a second stack that may rightly be named on a recorder
// stack's responses: rs/cors is a net/http middleware, and a preflight
// that the mux answers outside it (a method pattern's 405) is net/http's,
// whose fix (answer OPTIONS in a middleware in front of the mux) is the one
// that applies.
var alsoRecorded = map[string]analyze.Stack{"rscors": analyze.GoHTTP}

// TestFingerprintOnRecordings runs harcors over every committed recording
// and checks the stack it names in its findings: never another stack than
// the one that answered (its fix would be wrong), and per stack how often
// the right one, logged so that the README's table can quote it.
func TestFingerprintOnRecordings(t *testing.T) {
	type count struct{ findings, hits int }
	counts := map[string]*count{}
	for _, dir := range []string{committedDir, committedFirefoxDir} {
		hars, _ := filepath.Glob(filepath.Join(dir, "*.har"))
		for _, h := range hars {
			id := strings.TrimSuffix(filepath.Base(h), ".har")
			stack, _, _ := strings.Cut(id, "--")
			want, ok := recordedStack[stack]
			if !ok {
				continue
			}
			res := analyze.File(h, analyze.Options{}, har.Options{})
			c := counts[stack]
			if c == nil {
				c = &count{}
				counts[stack] = c
			}
			for _, f := range res.Findings {
				if f.Severity < analyze.Error {
					continue
				}
				c.findings++
				switch f.Stack {
				case want:
					c.hits++
				case alsoRecorded[stack]:
					// Named right too: see alsoRecorded.
				case analyze.Generic:
				default:
					t.Errorf("%s (%s): %s names stack %s, but %s answered", id, filepath.Base(dir), f.Rule.ID, f.Stack, want)
				}
			}
		}
	}
	var lines []string
	for s, c := range counts {
		lines = append(lines, fmt.Sprintf("%-13s %3d error findings, stack named on %3d", s, c.findings, c.hits))
	}
	sort.Strings(lines)
	t.Log("fingerprint hits on the committed recordings (Chromium and Firefox):\n" + strings.Join(lines, "\n"))
}
