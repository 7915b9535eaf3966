package report

import (
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// TestExplainWraps: --explain output fits the width it is given, for every
// rule, current and retired, and names every browser error the rule lists.
func TestExplainWraps(t *testing.T) {
	rules := append(append([]*analyze.Rule(nil), analyze.Rules()...), analyze.RetiredRules()...)
	for _, w := range []int{60, 100} {
		for _, r := range rules {
			out := Explain(r, w)
			for _, l := range strings.Split(out, "\n") {
				if twwidth.Width(l) > w {
					t.Errorf("%s at %d columns: line of %d: %q", r.ID, w, twwidth.Width(l), l)
				}
			}
			for _, c := range r.Chromium {
				if !strings.Contains(out, string(c)) {
					t.Errorf("%s: --explain lacks %s", r.ID, c)
				}
			}
			if r.Retired != "" && !strings.Contains(out, "(retired)") {
				t.Errorf("%s: not shown as retired", r.ID)
			}
		}
	}
}

// TestFirefoxKeyInCheck: a capture Firefox wrote shows Firefox's key in the
// CHECK column, where the user's console showed it; Chromium's capture of
// the same scenario shows Chromium's name.
func TestFirefoxKeyInCheck(t *testing.T) {
	names := map[string][2]string{"firefox": {"CORSMissingAllow", "PreflightMissing"}, "chromium": {"PreflightMissing", "CORSMissingAllow"}}
	for dir, n := range names {
		r := analyze.File("../testdata/hars/"+dir+"/go--preflight-404.har", analyze.Options{}, har.Options{})
		for _, f := range []Format{Table, Markdown} {
			out := mustRender(t, []*analyze.Result{r}, Options{Format: f, Width: 200})
			if !strings.Contains(out, n[0]) {
				t.Errorf("%s %s: no %s... in\n%s", dir, f, n[0], out)
			}
			// The table names one browser's error only.
			if f == Table && strings.Contains(out, n[1]) {
				t.Errorf("%s table: %s... shown in\n%s", dir, n[1], out)
			}
		}
	}
}
