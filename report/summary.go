package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/harcors/harcors/analyze"
)

// A batch scan of a folder of HARs answers "what is broken, where, and for
// whom": the summary groups the shown findings of all files by cause (rule,
// offending value and endpoint), by endpoint and by origin, counting
// requests (not findings: one request can fail one check and trip two
// warnings) and files.

// summaryLimit is how many groups of each kind the summary lists.
const summaryLimit = 10

type reqKey struct {
	file  string
	entry int
}

// group is one line of the summary.
type group struct {
	label    string // cleaned; for by-cause groups the whole description
	requests map[reqKey]bool
	files    map[string]bool
	rules    map[string]int // rule ID -> requests, for endpoint and origin groups
	first    int            // order of appearance, to break ties stably
}

func (g *group) add(f *analyze.Finding, file string) {
	k := reqKey{file, f.Entry}
	if !g.requests[k] {
		g.requests[k] = true
		g.rules[f.Rule.ID]++
	}
	if !g.files[file] {
		g.files[file] = true
	}
}

// ruleList is "CORS-P16 ×3, CORS-A01" by count.
func (g *group) ruleList() string {
	ids := make([]string, 0, len(g.rules))
	for id := range g.rules {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if g.rules[ids[i]] != g.rules[ids[j]] {
			return g.rules[ids[i]] > g.rules[ids[j]]
		}
		return ids[i] < ids[j]
	})
	for i, id := range ids {
		if n := g.rules[id]; n > 1 {
			ids[i] = fmt.Sprintf("%s ×%d", id, n)
		}
	}
	return strings.Join(ids, ", ")
}

// where is "in 12 files".
func (g *group) where() string {
	return "in " + plural(len(g.files), "file", "files")
}

type grouping struct {
	byKey map[string]*group
	n     int
}

func (gs *grouping) get(key, label string) *group {
	if gs.byKey == nil {
		gs.byKey = map[string]*group{}
	}
	g, ok := gs.byKey[key]
	if !ok {
		g = &group{label: label, requests: map[reqKey]bool{}, files: map[string]bool{}, rules: map[string]int{}, first: gs.n}
		gs.n++
		gs.byKey[key] = g
	}
	return g
}

// sorted returns the groups by requests, then files, then appearance.
func (gs *grouping) sorted() []*group {
	out := make([]*group, 0, len(gs.byKey))
	for _, g := range gs.byKey {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if len(a.requests) != len(b.requests) {
			return len(a.requests) > len(b.requests)
		}
		if len(a.files) != len(b.files) {
			return len(a.files) > len(b.files)
		}
		return a.first < b.first
	})
	return out
}

// summary is the cross-file summary.
type summary struct {
	files, withFindings, clean, unreadable int
	counts                                 severityCounts
	requests                               int
	byCause, byEndpoint, byOrigin          []*group
}

func summarize(vs []fileView, c cleaner) summary {
	var b summaryBuilder
	for _, v := range vs {
		b.add(v, c)
	}
	return b.done()
}

// summaryBuilder builds the summary one file at a time, so that a Writer
// need not hold the files' results.
type summaryBuilder struct {
	s                          summary
	causes, endpoints, origins grouping
	all                        map[reqKey]bool
}

func (b *summaryBuilder) add(v fileView, c cleaner) {
	s := &b.s
	s.files++
	switch {
	case v.res.Err != nil:
		s.unreadable++
	case len(v.shown) > 0:
		s.withFindings++
	default:
		s.clean++
	}
	if b.all == nil {
		b.all = map[reqKey]bool{}
	}
	file := c.plain(v.res.File)
	for _, f := range v.shown {
		s.counts = addCount(s.counts, f.Severity)
		b.all[reqKey{file, f.Entry}] = true
		ep := endpoint(c.url(f.URL))
		label := f.Rule.ID + " " + f.Rule.Title
		if val := c.text(f.Value); val != "" && f.Rule.ID != "CORS-W01" {
			// W01's value is the origin, which its own grouping shows.
			label += " (" + truncate(val, 60) + ")"
		}
		// Causes group by host, not path: one misconfigured server
		// shows as one line however many routes it serves ("37 requests
		// in 12 files: ... on https://api.example.com"); the endpoint
		// grouping below keeps the paths.
		label += " on " + hostOf(ep)
		b.causes.get(label, label).add(f, file)
		b.endpoints.get(ep, ep).add(f, file)
		o := c.text(f.Origin)
		if o == "" {
			o = "(no origin)"
		}
		b.origins.get(o, o).add(f, file)
	}
}

func (b *summaryBuilder) done() summary {
	s := b.s
	s.requests = len(b.all)
	s.byCause, s.byEndpoint, s.byOrigin = b.causes.sorted(), b.endpoints.sorted(), b.origins.sorted()
	return s
}

func addCount(c severityCounts, s analyze.Severity) severityCounts {
	switch {
	case s >= analyze.Error:
		c.errors++
	case s == analyze.Warning:
		c.warnings++
	default:
		c.infos++
	}
	return c
}

// headline is the summary's first line.
func (s summary) headline() string {
	parts := []string{plural(s.files, "file", "files")}
	if s.withFindings > 0 {
		parts = append(parts, fmt.Sprintf("%d with findings", s.withFindings))
	}
	if s.clean > 0 {
		parts = append(parts, fmt.Sprintf("%d clean", s.clean))
	}
	if s.unreadable > 0 {
		parts = append(parts, fmt.Sprintf("%d unreadable", s.unreadable))
	}
	line := strings.Join(parts, ", ")
	if s.counts.total() == 0 {
		return line + "; no findings"
	}
	return fmt.Sprintf("%s; %s in %s", line, s.counts, plural(s.requests, "request", "requests"))
}
