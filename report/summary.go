package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/harcors/harcors/analyze"
)

// A batch scan of a folder of HARs answers "what is broken, where, and for
// whom": the summary merges the files' groups (analyze.Group) by key, so a
// server misconfigured once is one line however many files and requests
// show it, then counts the problems by server and by page origin.

// summaryLimit is how many groups of each kind the summary lists.
const summaryLimit = 10

// group is one line of the summary.
type group struct {
	label    string // cleaned; for problems the whole description
	requests int    // requests (problems), or problems (servers, origins)
	files    map[string]bool
	rules    map[string]int // rule ID -> problems, for server and origin lines
	first    int            // order of appearance, to break ties stably
	// keys are the problems counted on a server or origin line: one
	// problem seen in many files counts once, as in "By problem".
	keys map[string]bool
}

func (g *group) add(n int, rule, file string) {
	g.requests += n
	g.rules[rule]++
	g.files[file] = true
}

// addProblem counts the problem key on a server or origin line, once
// however many files show it.
func (g *group) addProblem(key, rule, file string) {
	g.files[file] = true
	if g.keys == nil {
		g.keys = map[string]bool{}
	}
	if !g.keys[key] {
		g.keys[key] = true
		g.requests++
		g.rules[rule]++
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
		g = &group{label: label, files: map[string]bool{}, rules: map[string]int{}, first: gs.n}
		gs.n++
		gs.byKey[key] = g
	}
	return g
}

// sorted returns the groups by count, then files, then appearance.
func (gs *grouping) sorted() []*group {
	out := make([]*group, 0, len(gs.byKey))
	for _, g := range gs.byKey {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.requests != b.requests {
			return a.requests > b.requests
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
	counts                                 severityCounts // problems, by severity
	requests                               int
	byCause, byServer, byOrigin            []*group
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
	s                        summary
	causes, servers, origins grouping
	// problems holds each problem key's severity: the headline counts
	// problems merged across files.
	problems map[string]analyze.Severity
}

func (b *summaryBuilder) add(v fileView, c cleaner) {
	s := &b.s
	s.files++
	switch {
	case v.res.Err != nil:
		s.unreadable++
	case len(v.groups) > 0:
		s.withFindings++
	default:
		s.clean++
	}
	s.requests += v.requests()
	file := c.plain(v.res.File)
	if b.problems == nil {
		b.problems = map[string]analyze.Severity{}
	}
	for _, g := range v.groups {
		if sev, ok := b.problems[g.Key]; !ok || g.Severity > sev {
			b.problems[g.Key] = g.Severity
		}
		server := c.url(g.Server)
		label := g.Rule.ID + " " + g.Rule.Title
		if val := c.text(g.Sample.Value); val != "" && g.Rule.ID != "CORS-W01" {
			// W01's value is the origin, which its own grouping shows.
			label += " (" + truncate(val, 60) + ")"
		}
		label += " on " + server
		b.causes.get(g.Key, label).add(g.Requests, g.Rule.ID, file)
		b.servers.get(server, server).addProblem(g.Key, g.Rule.ID, file)
		for _, o := range g.Origins {
			o = c.text(o)
			b.origins.get(o, o).addProblem(g.Key, g.Rule.ID, file)
		}
		if len(g.Origins) == 0 {
			b.origins.get("(no origin)", "(no origin)").addProblem(g.Key, g.Rule.ID, file)
		}
	}
}

func (b *summaryBuilder) done() summary {
	s := b.s
	for _, sev := range b.problems {
		s.counts = addCount(s.counts, sev)
	}
	s.byCause, s.byServer, s.byOrigin = b.causes.sorted(), b.servers.sorted(), b.origins.sorted()
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
	return fmt.Sprintf("%s; %s (%s) in %s", line, plural(s.counts.total(), "problem", "problems"), s.counts, plural(s.requests, "request", "requests"))
}
