package analyze_test

import (
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
)

// TestCorsErrorTable: every Chromium error a rule names is in the table
// with a console text and a short form, and every Firefox key the table
// gives has Firefox's console text; the Private Network Access names the
// DevTools protocol dropped are gone.
func TestCorsErrorTable(t *testing.T) {
	for _, r := range analyze.Rules() {
		for _, c := range r.Chromium {
			i := c.Info()
			if i == nil {
				t.Errorf("%s names %s, which the CorsError table lacks", r.ID, c)
				continue
			}
			if i.Detail == "" || i.Check == "" {
				t.Errorf("%s: no console text or short form", c)
			}
		}
	}
	seen := map[analyze.CorsError]bool{}
	for _, i := range analyze.CorsErrors() {
		if seen[i.Error] {
			t.Errorf("%s listed twice", i.Error)
		}
		seen[i.Error] = true
		if i.Firefox != "" && analyze.FirefoxMessage(i.Firefox, "URL", "V", "404") == "" {
			t.Errorf("%s: Firefox key %s has no console text", i.Error, i.Firefox)
		}
		if strings.Contains(string(i.Error), "PrivateNetwork") {
			t.Errorf("%s: Chromium dropped the Private Network Access errors", i.Error)
		}
	}
	if got := analyze.PreflightInvalidStatus.CheckText("", 404); got != "preflight status 404 is not 2xx" {
		t.Errorf("CheckText: %q", got)
	}
	if got := analyze.CorsError("NoSuchError").CheckText("x", 0); got != "" {
		t.Errorf("CheckText of an unknown error: %q", got)
	}
}
