// Package diff compares two captures of the same flow, before and after a
// change, problem by problem: what was fixed, what still fails (and how it
// fails now), what is new, and what the other capture does not show.
package diff

import (
	"net/url"
	"sort"
	"strings"

	"github.com/harcors/harcors/analyze"
)

// Schema names the JSON output's shape.
const Schema = "harcors/diff/v1"

// Problem is one group of the grouped report seen in two captures: a rule
// on the requests with the same origin, method, server and path pattern.
type Problem struct {
	// Rule is the rule of the problem: in the before capture for fixed,
	// missing and still failing problems, in the after capture for new
	// ones.
	Rule   string `json:"rule"`
	Title  string `json:"title"`
	Origin string `json:"origin"`
	Method string `json:"method"`
	// URL is the server and path pattern (identifiers folded to :id).
	URL string `json:"url"`
	// Severity is the rule's severity.
	Severity string `json:"severity"`
	// Before and After are every rule found on these requests in each
	// capture, most severe first.
	Before []string `json:"before"`
	After  []string `json:"after"`
	// Changed says, for a problem still failing, how it fails now: when
	// another rule took its place ("CORS-P01 -> CORS-P16"), or when the
	// same rule fails on another value (a half-done fix: "value
	// http://localhost:8800/ -> http://localhost:8801"); "" when it
	// fails as before.
	Changed string `json:"changed"`
	// Fix is the fix harcors gives (after's for problems still failing).
	Fix string `json:"fix"`
	// RequestsBefore and RequestsAfter count the endpoint's requests in
	// each capture.
	RequestsBefore int `json:"requestsBefore"`
	RequestsAfter  int `json:"requestsAfter"`

	worst analyze.Severity
}

// Result is the comparison.
type Result struct {
	Schema string `json:"schema"`
	// Fixed failed before, and the same requests pass after. StillFailing
	// fail in both. New fail only after. Missing failed before and are
	// not in the after capture at all, so nothing can be said.
	Fixed        []Problem `json:"fixed"`
	StillFailing []Problem `json:"stillFailing"`
	New          []Problem `json:"new"`
	Missing      []Problem `json:"missing"`
	// Unread names the files that could not be read, or only in part,
	// with why: the comparison is of what was read.
	Unread []string `json:"unread"`
}

// Worst returns the highest severity among the problems still failing or
// new, and whether there is any.
func (r *Result) Worst() (analyze.Severity, bool) {
	var w analyze.Severity
	any := false
	for _, ps := range [][]Problem{r.StillFailing, r.New} {
		for _, p := range ps {
			if !any || p.worst > w {
				w, any = p.worst, true
			}
		}
	}
	return w, any
}

type key struct{ origin, method, url string }

type side struct {
	requests map[key]int
	findings map[key][]*analyze.Finding
}

func collect(rs []*analyze.Result, min analyze.Severity) side {
	s := side{requests: map[key]int{}, findings: map[key][]*analyze.Finding{}}
	for _, r := range rs {
		for _, q := range r.Requests {
			s.requests[endpoint(q.Origin, q.Method, q.URL)]++
		}
		for i := range r.Findings {
			f := &r.Findings[i]
			if f.Severity < min {
				continue
			}
			k := endpoint(f.Origin, f.Method, f.URL)
			s.findings[k] = append(s.findings[k], f)
			if len(r.Requests) == 0 {
				// Results read without their request list: the
				// findings still show the endpoint was there.
				s.requests[k] = max(s.requests[k], 1)
			}
		}
	}
	return s
}

func endpoint(origin, method, raw string) key {
	o, m, p := analyze.Endpoint(origin, method, raw)
	return key{o, m, p}
}

// byRule keeps the most severe finding of each rule of fs, most severe
// first, then by rule ID.
func byRule(fs []*analyze.Finding) []*analyze.Finding {
	m := map[string]*analyze.Finding{}
	for _, f := range fs {
		if g, ok := m[f.Rule.ID]; !ok || f.Severity > g.Severity {
			m[f.Rule.ID] = f
		}
	}
	out := make([]*analyze.Finding, 0, len(m))
	for _, f := range m {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Severity != out[j].Severity {
			return out[i].Severity > out[j].Severity
		}
		return out[i].Rule.ID < out[j].Rule.ID
	})
	return out
}

func ids(fs []*analyze.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Rule.ID)
	}
	return out
}

// Compare compares the findings at or above min of the before and after
// captures (read with their request lists: analyze.Options.NoRequests
// false), group by group. A rule found on an endpoint in both is still
// failing. A rule found before only is fixed when the endpoint's requests
// are in the after capture, unless a new rule of the same severity now
// fails them (an error that became another error: still failing, changed);
// it is missing when the after capture has no such request. A rule found
// after only, not taking another's place, is new.
func Compare(before, after []*analyze.Result, min analyze.Severity) *Result {
	b, a := collect(before, min), collect(after, min)
	res := &Result{Schema: Schema, Fixed: []Problem{}, StillFailing: []Problem{}, New: []Problem{}, Missing: []Problem{}, Unread: []string{}}
	for _, rs := range [][]*analyze.Result{before, after} {
		for _, r := range rs {
			if r.Err != nil {
				res.Unread = append(res.Unread, r.Err.Error())
			}
		}
	}
	keys := map[key]bool{}
	for k := range b.findings {
		keys[k] = true
	}
	for k := range a.findings {
		keys[k] = true
	}
	for k := range keys {
		bf, af := byRule(b.findings[k]), byRule(a.findings[k])
		inAfter := map[string]*analyze.Finding{}
		for _, f := range af {
			inAfter[f.Rule.ID] = f
		}
		inBefore := map[string]bool{}
		for _, f := range bf {
			inBefore[f.Rule.ID] = true
		}
		used := map[string]bool{}
		mk := func(f *analyze.Finding) Problem {
			return Problem{Rule: f.Rule.ID, Title: f.Rule.Title, Origin: k.origin, Method: k.method, URL: k.url,
				Severity: f.Severity.String(), worst: f.Severity, Before: ids(bf), After: ids(af), Fix: f.Fix,
				RequestsBefore: b.requests[k], RequestsAfter: a.requests[k]}
		}
		for _, f := range bf {
			p := mk(f)
			if g, ok := inAfter[f.Rule.ID]; ok {
				used[f.Rule.ID] = true
				p.Fix = g.Fix
				if bv, av := sameValue(f.Value), sameValue(g.Value); bv != av && bv != "" && av != "" {
					p.Changed = "value " + short(bv) + " -> " + short(av)
				}
				res.StillFailing = append(res.StillFailing, p)
				continue
			}
			if a.requests[k] == 0 {
				res.Missing = append(res.Missing, p)
				continue
			}
			var now []string
			for _, g := range af {
				if !inBefore[g.Rule.ID] && !used[g.Rule.ID] && g.Severity == f.Severity {
					now = append(now, g.Rule.ID)
					used[g.Rule.ID] = true
					p.Fix = g.Fix
				}
			}
			if len(now) > 0 {
				p.Changed = f.Rule.ID + " -> " + strings.Join(now, ", ")
				res.StillFailing = append(res.StillFailing, p)
				continue
			}
			res.Fixed = append(res.Fixed, p)
		}
		for _, g := range af {
			if !inBefore[g.Rule.ID] && !used[g.Rule.ID] {
				res.New = append(res.New, mk(g))
			}
		}
	}
	for _, ps := range []*[]Problem{&res.Fixed, &res.StillFailing, &res.New, &res.Missing} {
		sort.Slice(*ps, func(i, j int) bool {
			x, y := (*ps)[i], (*ps)[j]
			if x.worst != y.worst {
				return x.worst > y.worst
			}
			if x.URL != y.URL {
				return x.URL < y.URL
			}
			if x.Method != y.Method {
				return x.Method < y.Method
			}
			if x.Origin != y.Origin {
				return x.Origin < y.Origin
			}
			return x.Rule < y.Rule
		})
	}
	return res
}

// sameValue is what of a finding's value tells whether a fix changed it: a
// URL (a redirect's target) without its query and fragment, which (a
// login's state, a token) change from one capture to the next. The rest
// is kept to the byte: "http://localhost:8800/" and
// "http://localhost:8800" are the typo CORS-A04 is about.
func sameValue(v string) string {
	if strings.Contains(v, "://") {
		if i := strings.IndexAny(v, "?#"); i >= 0 {
			return v[:i]
		}
	}
	return v
}

// short cuts a value for Changed: a header can be a megabyte long.
func short(v string) string {
	if r := []rune(v); len(r) > 100 {
		return string(r[:99]) + "…"
	}
	return v
}

// PathOf is the path of a pattern URL, for short displays.
func PathOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return u
	}
	return p.Path
}
