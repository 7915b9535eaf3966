package report

import (
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
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
