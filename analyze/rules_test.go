package analyze_test

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

var updateRules = flag.Bool("update-rules", false, "rewrite the findings lines of testdata/rules/*/*.want from harcors' output (review the diff: the source lines stay)")

// ruleCase is one HAR of testdata/rules/<ID>/ and its expectation.
type ruleCase struct {
	har, want string
	// source is the expectation's "source:" line: "recorded <browser>
	// <scenario>" or "hand-made: <why no browser run can give it>".
	source string
	// findings maps an entry index to the rule IDs expected on it, sorted,
	// repeated when a rule is expected more than once.
	findings map[int][]string
	comments []string
}

// loadRuleCase reads an expectation file:
//
//	# comment lines
//	source: recorded chromium go--preflight-404
//	entry 0: CORS-P01
//	entry 3: CORS-W03 CORS-W03
//
// An entry that is not listed must have no finding.
func loadRuleCase(harPath, wantPath string) (*ruleCase, error) {
	f, err := os.Open(wantPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c := &ruleCase{har: harPath, want: wantPath, findings: map[int][]string{}}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		switch {
		case s == "":
		case strings.HasPrefix(s, "#"):
			c.comments = append(c.comments, sc.Text())
		case strings.HasPrefix(s, "source:"):
			c.source = strings.TrimSpace(strings.TrimPrefix(s, "source:"))
		case strings.HasPrefix(s, "entry "):
			idx, ids, ok := strings.Cut(strings.TrimPrefix(s, "entry "), ":")
			n, err := strconv.Atoi(strings.TrimSpace(idx))
			if !ok || err != nil {
				return nil, fmt.Errorf("%s:%d: want \"entry N: RULE...\", got %q", wantPath, line, s)
			}
			c.findings[n] = append(c.findings[n], strings.Fields(ids)...)
			sort.Strings(c.findings[n])
		default:
			return nil, fmt.Errorf("%s:%d: cannot read %q", wantPath, line, s)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(c.source, "recorded ") && !strings.HasPrefix(c.source, "hand-made: ") {
		return nil, fmt.Errorf("%s: the source line must say \"recorded <browser> <scenario>\" or \"hand-made: <why>\", got %q", wantPath, c.source)
	}
	return c, nil
}

func (c *ruleCase) write(got map[int][]string) error {
	var b strings.Builder
	for _, l := range c.comments {
		b.WriteString(l + "\n")
	}
	b.WriteString("source: " + c.source + "\n")
	var idx []int
	for i := range got {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for _, i := range idx {
		fmt.Fprintf(&b, "entry %d: %s\n", i, strings.Join(got[i], " "))
	}
	return os.WriteFile(c.want, []byte(b.String()), 0o644)
}

// ruleCases reads every case under testdata/rules.
func ruleCases(t *testing.T) map[string][]*ruleCase {
	t.Helper()
	root := filepath.Join("..", "testdata", "rules")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatalf("the per-rule cases are missing: %v", err)
	}
	cases := map[string][]*ruleCase{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		hars, _ := filepath.Glob(filepath.Join(root, d.Name(), "*.har"))
		wants, _ := filepath.Glob(filepath.Join(root, d.Name(), "*.want"))
		if len(wants) != len(hars) {
			t.Errorf("%s: %d HARs and %d expectation files; each HAR needs its .want and each .want its HAR", d.Name(), len(hars), len(wants))
		}
		for _, h := range hars {
			c, err := loadRuleCase(h, strings.TrimSuffix(h, ".har")+".want")
			if err != nil {
				t.Error(err)
				continue
			}
			cases[d.Name()] = append(cases[d.Name()], c)
		}
	}
	return cases
}

// TestRuleCases is the per-rule expectation suite, in the manner of
// x/tools' analysistest: testdata/rules/<ID>/ holds HARs, recorded from a
// real browser wherever one can produce the case, each with a .want file
// naming the rules expected on each entry. It fails when a rule of the
// catalogue has no positive case in its directory, when an expected finding
// is missing, when an unexpected one appears, when a finding names a
// Chromium error or Firefox key its rule does not list, or when its
// severity is not its rule's (outside the documented downgrade).
func TestRuleCases(t *testing.T) {
	cases := ruleCases(t)
	for dir := range cases {
		if r := analyze.LookupRule(dir); r == nil || r.ID != dir {
			t.Errorf("testdata/rules/%s: not a rule ID of the catalogue", dir)
		}
	}
	for _, r := range analyze.Rules() {
		positive := false
		for _, c := range cases[r.ID] {
			for _, ids := range c.findings {
				positive = positive || slices.Contains(ids, r.ID)
			}
		}
		if !positive {
			t.Errorf("%s has no positive case: add a HAR to testdata/rules/%s whose expectation names it", r.ID, r.ID)
		}
	}
	for dir, cs := range cases {
		for _, c := range cs {
			t.Run(dir+"/"+filepath.Base(c.har), func(t *testing.T) {
				res := analyze.File(c.har, analyze.Options{}, har.Options{})
				if res.Err != nil {
					t.Fatalf("reading: %v", res.Err)
				}
				got := map[int][]string{}
				for i := range res.Findings {
					f := &res.Findings[i]
					got[f.Entry] = append(got[f.Entry], f.Rule.ID)
					checkFindingNames(t, f)
				}
				for _, ids := range got {
					sort.Strings(ids)
				}
				if *updateRules {
					if err := c.write(got); err != nil {
						t.Fatal(err)
					}
					return
				}
				for _, e := range entriesOf(c.findings, got) {
					if w, g := c.findings[e], got[e]; !slices.Equal(w, g) {
						t.Errorf("entry %d: want %v, got %v", e, w, g)
					}
				}
			})
		}
	}
}

// checkFindingNames checks a finding against its rule: the browser names
// it carries are among the rule's, and its severity is the rule's, except
// for the downgrades Finding.Downgraded documents.
func checkFindingNames(t *testing.T, f *analyze.Finding) {
	t.Helper()
	r := f.Rule
	if f.Chromium != "" && !slices.Contains(r.Chromium, f.Chromium) {
		t.Errorf("entry %d: %s carries Chromium's %s, which the rule does not list (%v)", f.Entry, r.ID, f.Chromium, r.Chromium)
	}
	if f.Firefox != "" && !slices.Contains(r.Firefox, f.Firefox) {
		t.Errorf("entry %d: %s carries Firefox's %s, which the rule does not list (%v)", f.Entry, r.ID, f.Firefox, r.Firefox)
	}
	switch {
	case f.Severity == r.Severity && f.Downgraded == "":
	case f.Downgraded != "" && r.Severity == analyze.Error && f.Severity == analyze.Warning:
	default:
		t.Errorf("entry %d: %s has severity %s (downgraded: %q); the rule says %s", f.Entry, r.ID, f.Severity, f.Downgraded, r.Severity)
	}
}

func entriesOf(a, b map[int][]string) []int {
	var out []int
	for e := range a {
		out = append(out, e)
	}
	for e := range b {
		if _, ok := a[e]; !ok {
			out = append(out, e)
		}
	}
	sort.Ints(out)
	return out
}

// TestLookupRuleShortIDs: every place that takes a rule ID takes it short
// and in any case, and finds retired rules too.
func TestLookupRuleShortIDs(t *testing.T) {
	for in, want := range map[string]string{"W01": "CORS-W01", "p02": "CORS-P02", "cors-a07": "CORS-A07", " CORS-L02 ": "CORS-L02", "L02": "CORS-L02"} {
		if r := analyze.LookupRule(in); r == nil || r.ID != want {
			t.Errorf("LookupRule(%q) = %v, want %s", in, r, want)
		}
	}
	for _, in := range []string{"", "CORS-", "X99", "W1", "CORS-CORS-W01"} {
		if r := analyze.LookupRule(in); r != nil {
			t.Errorf("LookupRule(%q) = %s, want none", in, r.ID)
		}
	}
}

// TestRulesNamed: every browser error name a rule lists leads back to it,
// Firefox's keys with and without their number, in any case; a rule ID
// leads to that rule alone; other names to none.
func TestRulesNamed(t *testing.T) {
	has := func(rs []*analyze.Rule, r *analyze.Rule) bool {
		for _, x := range rs {
			if x == r {
				return true
			}
		}
		return false
	}
	for _, r := range analyze.Rules() {
		var names []string
		for _, c := range r.Chromium {
			names = append(names, string(c), strings.ToLower(string(c)))
		}
		for _, k := range r.Firefox {
			names = append(names, k, strings.TrimRight(k, "0123456789"))
		}
		for _, n := range names {
			if rs := analyze.RulesNamed(n); !has(rs, r) {
				t.Errorf("RulesNamed(%q) does not include %s, which lists it", n, r.ID)
			}
		}
		if rs := analyze.RulesNamed(strings.ToLower(r.ID)); len(rs) != 1 || rs[0] != r {
			t.Errorf("RulesNamed(%q) = %d rules, want %s alone", strings.ToLower(r.ID), len(rs), r.ID)
		}
	}
	if rs := analyze.RulesNamed("PreflightMissingAllowOriginHeader"); len(rs) < 2 {
		t.Errorf("PreflightMissingAllowOriginHeader: %d rules, want the several a preflight without CORS headers can be", len(rs))
	}
	for _, n := range []string{"", " ", "Nope", "CORS", "Preflight", "2"} {
		if rs := analyze.RulesNamed(n); len(rs) != 0 {
			t.Errorf("RulesNamed(%q) = %d rules, want none", n, len(rs))
		}
	}
}
