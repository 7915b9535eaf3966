package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/harcors/harcors/analyze"
)

// wideFrom is the width from which the findings table gives origin, cause
// and fix columns of their own; below it, origin goes under the URL and the
// fix under the cause, so that an 80-column table keeps readable columns.
const wideFrom = 140

// ANSI colours for the severity and verdict words. Only these words are
// coloured: the rest of a row is data that people copy.
const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiGreen  = "\x1b[32m"
	ansiBold   = "\x1b[1m"
)

// painter colours the first word of a line.
func painter(on bool, color string) func(string) string {
	if !on || color == "" {
		return nil
	}
	return func(line string) string {
		word, rest, _ := strings.Cut(line, " ")
		if rest != "" || strings.HasSuffix(line, " ") {
			rest = " " + rest
		}
		return color + word + ansiReset + rest
	}
}

func severityColor(s analyze.Severity) string {
	switch {
	case s >= analyze.Error:
		return ansiRed
	case s == analyze.Warning:
		return ansiYellow
	}
	return ansiCyan
}

func verdictColor(v analyze.Verdict) string {
	switch v {
	case analyze.Blocked:
		return ansiRed
	case analyze.Pass:
		return ansiGreen
	}
	return ansiYellow
}

func tableWidth(opt Options) int {
	w := opt.Width
	if w == 0 {
		w = defaultWidth
	}
	return max(w, minWidth)
}

// fileHeadline is the line above a file's table: what was read and what
// was found.
func fileHeadline(v fileView, c cleaner) string {
	r := v.res
	parts := []string{c.plain(r.File)}
	if r.Creator != "" {
		parts = append(parts, c.plain(r.Creator))
	}
	parts = append(append(parts, captureFacts(r, "")...), v.problemLine())
	line := strings.Join(parts, " · ")
	if n := v.hiddenNote(); n != "" {
		line += " " + n
	}
	return line
}

// nothingLine says, in one line, that a file has nothing to report and what
// was checked.
func nothingLine(v fileView) string {
	r := v.res
	var s string
	switch {
	case r.Entries == 0:
		s = "no entries to check"
	case r.CrossOrigin == 0:
		s = fmt.Sprintf("no cross-origin requests among %s", plural(r.Entries, "entry", "entries"))
	case r.Ignored > 0:
		s = fmt.Sprintf("no CORS failures left in %s (%s): %s ignored (--ignore, --baseline)",
			plural(r.CrossOrigin, "cross-origin request", "cross-origin requests"),
			plural(r.Preflights, "preflight", "preflights"), plural(r.Ignored, "finding", "findings"))
	default:
		s = fmt.Sprintf("no CORS failures in %s (%s)",
			plural(r.CrossOrigin, "cross-origin request", "cross-origin requests"),
			plural(r.Preflights, "preflight", "preflights"))
	}
	return s
}

// tableFile draws one file's part of a table report. drawn, unless nil,
// maps the key of each problem drawn for an earlier file of the batch to
// that file's name: such a problem is not drawn again, only named
// (seenLine); tableFile adds the problems it draws.
func tableFile(buf *bytes.Buffer, v fileView, c cleaner, opt Options, w int, drawn map[string]string) error {
	head := fileHeadline(v, c)
	if opt.Color {
		// Bold the file name only: the rest is counts.
		name := c.plain(v.res.File)
		lines := wrap(head, w)
		if len(lines) > 0 && strings.HasPrefix(lines[0], name) {
			lines[0] = ansiBold + name + ansiReset + lines[0][len(name):]
		}
		buf.WriteString(strings.Join(lines, "\n"))
		buf.WriteByte('\n')
	} else {
		wrapLine(buf, "", head, w, 0)
	}
	if err := v.res.Err; err != nil {
		msg := c.errText(err)
		if v.res.Entries > 0 {
			msg += fmt.Sprintf(" (what follows is from the %s read before it)", plural(v.res.Entries, "entry", "entries"))
		}
		lead := "error: "
		if opt.Color {
			lead = ansiRed + "error:" + ansiReset + " "
		}
		wrapLine(buf, lead, msg, w, 2)
	}
	for _, rw := range v.res.ReadWarnings {
		wrapLine(buf, "note: ", c.errText(rw), w, 2)
	}
	for _, n := range v.res.Notes {
		wrapLine(buf, "note: ", c.text(n), w, 2)
	}
	switch {
	case len(v.groups) == 0:
		wrapLine(buf, "", nothingLine(v), w, 0)
	case opt.Each:
		if err := findingsTable(buf, v.shown, c, opt, w); err != nil {
			return err
		}
	default:
		fresh, seen := splitSeen(v.groups, drawn)
		shown, left := tableGroups(fresh)
		if len(shown) > 0 {
			if err := groupsTable(buf, shown, c, opt, w); err != nil {
				return err
			}
		}
		if len(left) > 0 {
			wrapLine(buf, "", leftOutLine(left), w, 2)
		}
		if len(seen) > 0 {
			wrapLine(buf, "", seenLine(seen, drawn, c), w, 2)
		}
		if drawn != nil {
			name := c.plain(v.res.File)
			for _, g := range shown {
				drawn[g.Key] = name
			}
		}
	}
	if opt.All && len(v.res.Requests) > 0 {
		return requestsTable(buf, v.res.Requests, c, opt, w)
	}
	return nil
}

// tablePerRule and tableMaxGroups bound the problems a table shows. A
// capture where one misconfiguration fails on 20,000 servers has 20,000
// problems (each server needs its own fix), and its table was 600,000
// lines. As linters show a few issues of each kind, the table shows the
// first tablePerRule problems of each rule (groups come errors first, then
// by requests) and tableMaxGroups in all, and counts the rest by rule
// after it; JSON lists every one, and --each every finding.
const (
	tablePerRule   = 5
	tableMaxGroups = 40
)

// splitSeen splits gs, in order, into the problems not drawn for an
// earlier file of the batch and those that were.
func splitSeen(gs []*analyze.Group, earlier map[string]string) (fresh, seen []*analyze.Group) {
	if len(earlier) == 0 {
		return gs, nil
	}
	for _, g := range gs {
		if _, ok := earlier[g.Key]; ok {
			seen = append(seen, g)
		} else {
			fresh = append(fresh, g)
		}
	}
	return fresh, seen
}

// maxSeenNamed is how many problems seenLine names.
const maxSeenNamed = 5

// seenLine names the problems of a file that were drawn in full for an
// earlier file, with where they happened here: a batch of captures of one
// misconfigured server says its cause and fix once, not once per file.
func seenLine(seen []*analyze.Group, earlier map[string]string, c cleaner) string {
	var parts []string
	for i, g := range seen {
		if i == maxSeenNamed {
			parts = append(parts, fmt.Sprintf("and %d more", len(seen)-maxSeenNamed))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %s on %s, %s (%s), as for %s", g.Severity, g.Rule.ID, c.url(g.Server),
			plural(g.Requests, "request", "requests"), entryList(g), earlier[g.Key]))
	}
	return "Shown above: " + strings.Join(parts, "; ") + "."
}

// ruleCount is how many problems of a rule a table left out.
type ruleCount struct {
	id string
	n  int
}

// tableGroups returns the groups a table shows, in their order, and the
// number of the others by rule, in the order the rules first come.
func tableGroups(gs []*analyze.Group) (shown []*analyze.Group, left []ruleCount) {
	if len(gs) <= tablePerRule {
		return gs, nil
	}
	perRule := map[string]int{}
	at := map[string]int{} // rule ID -> index in left
	for _, g := range gs {
		id := g.Rule.ID
		if perRule[id] < tablePerRule && len(shown) < tableMaxGroups {
			perRule[id]++
			shown = append(shown, g)
			continue
		}
		i, ok := at[id]
		if !ok {
			i = len(left)
			at[id] = i
			left = append(left, ruleCount{id: id})
		}
		left[i].n++
	}
	return shown, left
}

// leftOutLine says which problems a table left out, and how to see them.
func leftOutLine(left []ruleCount) string {
	total := 0
	var parts []string
	for _, r := range left {
		total += r.n
		parts = append(parts, fmt.Sprintf("%s ×%d", r.id, r.n))
	}
	return fmt.Sprintf("%s left out (%s): the table shows %d of each rule and %d in all; --each draws every finding, --format json lists every problem.",
		plural(total, "more problem", "more problems"), strings.Join(parts, ", "), tablePerRule, tableMaxGroups)
}

// urlBudget is how many columns a shortened URL may take: two or three
// lines of its column, so the URL never dominates a row.
func urlBudget(w int) int {
	return min(max(w*3/5, 48), 80)
}

// entryCell locates a finding in the HAR: its entry index and line, and
// in a wide table the index of its preflight.
func entryCell(entry, line, preflight int, wide bool) cell {
	s := fmt.Sprintf("#%d", entry)
	switch {
	case line > 0 && wide:
		s += "\nline " + strconv.Itoa(line)
	case line > 0:
		s += "\nL" + strconv.Itoa(line)
	}
	if wide && preflight >= 0 && preflight != entry {
		s += fmt.Sprintf("\npre #%d", preflight)
	}
	return cell{text: s}
}

// checkColumns are the columns of a table of findings or of problems:
// what and where (first, second), then the check, the cause and the fix.
// From wideFrom columns the origin and the fix get columns of their own.
func checkColumns(wide bool, first, second column) []column {
	if wide {
		return []column{first, second,
			{header: "ORIGIN", min: 24, weight: 1},
			{header: "CHECK", min: 18, weight: 2},
			{header: "CAUSE", min: 20, weight: 4},
			{header: "FIX", min: 20, weight: 4},
		}
	}
	return []column{first, second,
		{header: "CHECK", min: 16, weight: 2},
		{header: "CAUSE AND FIX", min: 20, weight: 5},
	}
}

func findingsTable(buf *bytes.Buffer, fs []*analyze.Finding, c cleaner, opt Options, w int) error {
	wide := w >= wideFrom
	cols := checkColumns(wide, column{header: "ENTRY", min: 5}, column{header: "REQUEST", min: 16, weight: 2})
	if wide {
		cols[0].min, cols[1].min = 8, 20
	}
	// Rows are built in chunks side by side, as they are wrapped and
	// drawn: redacting and cleaning the text of a finding costs as much
	// as drawing it. Findings of a rule share their cause and fix, so
	// each chunk cleans a text once.
	rows := make([][]cell, len(fs))
	inChunks(chunks(opt.workers(), len(fs)), len(fs), func(_, lo, hi int) {
		seen := map[string]string{}
		text := func(s string) string {
			t, ok := seen[s]
			if !ok {
				t = truncate(c.text(s), textMax)
				seen[s] = t
			}
			return t
		}
		for i, f := range fs[lo:hi] {
			u := shortenURL(c.url(f.URL), urlBudget(w))
			req := c.plain(f.Method) + " " + u
			origin := text(f.Origin)
			if origin == "" {
				origin = "(no origin)"
			}
			check := f.Severity.String() + " " + f.Rule.ID
			if n := errorName(f); n != "" {
				check += "\n" + n
			}
			check += "\n" + checkText(f, text(f.Value))
			if !f.PreflightCaptured {
				check += "\n(preflight not captured)"
			}
			fix := text(f.Fix)
			if n := stackName(f.Stack); n != "" {
				fix = n + ": " + fix
			}
			checkCell := cell{text: check, paint: painter(opt.Color, severityColor(f.Severity))}
			cause := text(f.Cause) + consoleLine(f, c)
			if wide {
				rows[lo+i] = []cell{entryCell(f.Entry, f.Line, f.Preflight, wide), {text: req}, {text: origin}, checkCell, {text: cause}, {text: fix}}
			} else {
				rows[lo+i] = []cell{entryCell(f.Entry, f.Line, f.Preflight, wide), {text: req + "\nfrom " + origin}, checkCell, {text: cause + "\nFix: " + fix}}
			}
		}
	})
	return layout(buf, cols, rows, w, opt.drawing())
}

// groupsTable draws one row per group: the problem and how many requests
// it hit, where (methods, server, path patterns, first entries), the check
// that failed, and the cause and fix once.
func groupsTable(buf *bytes.Buffer, gs []*analyze.Group, c cleaner, opt Options, w int) error {
	wide := w >= wideFrom
	cols := checkColumns(wide, column{header: "PROBLEM", min: 14}, column{header: "WHERE", min: 18, weight: 2})
	if wide {
		cols[1].min = 24
	}
	rows := make([][]cell, 0, len(gs))
	for _, g := range gs {
		f := g.Sample
		problem := g.Severity.String() + " " + g.Rule.ID + "\n" + plural(g.Requests, "request", "requests")
		if g.Findings > g.Requests {
			problem += "\n" + plural(g.Findings, "finding", "findings")
		}
		where := whereText(g, c, w)
		origins := strings.Join(cleanAll(g.Origins, c), "\n")
		if origins == "" {
			origins = "(no origin)"
		}
		check := ""
		if n := errorName(f); n != "" {
			check = n + "\n"
		}
		check += checkText(f, c.text(f.Value))
		if !f.PreflightCaptured {
			check += "\n(preflight not captured)"
		}
		fix := truncate(c.text(g.Fix), textMax)
		if n := stackName(g.Stack); n != "" {
			fix = n + ": " + fix
		}
		problemCell := cell{text: problem, paint: painter(opt.Color, severityColor(g.Severity))}
		cause := truncate(c.text(g.Cause), textMax) + consoleLine(f, c)
		if wide {
			rows = append(rows, []cell{problemCell, {text: where}, {text: origins}, {text: check}, {text: cause}, {text: fix}})
		} else {
			rows = append(rows, []cell{problemCell, {text: where + "\nfrom " + origins}, {text: check}, {text: cause + "\nFix: " + fix}})
		}
	}
	return layout(buf, cols, rows, w, opt.drawing())
}

// cleanAll cleans each string.
func cleanAll(ss []string, c cleaner) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = c.text(s)
	}
	return out
}

// whereText is where a group's requests went: their methods, the server,
// the path patterns and the first entries ("#5 #9 #14 +58").
func whereText(g *analyze.Group, c cleaner, w int) string {
	var b strings.Builder
	b.WriteString(c.plain(strings.Join(g.Methods, ", ")))
	b.WriteString("\n")
	b.WriteString(c.url(g.Server))
	shown := g.Patterns[:min(len(g.Patterns), tablePatterns)]
	for _, p := range shown {
		b.WriteString("\n")
		b.WriteString(shortenURL(c.url(p), urlBudget(w)))
	}
	if more := g.MorePatterns + len(g.Patterns) - len(shown); more > 0 {
		fmt.Fprintf(&b, "\n+%d more %s", more, pluralWord(more, "path", "paths"))
	}
	b.WriteString("\n")
	b.WriteString(entryList(g))
	return b.String()
}

// tablePatterns is how many path patterns a table row shows (JSON and
// Markdown show more).
const tablePatterns = 3

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// entryListMax is how many entry numbers a table row shows.
const entryListMax = 3

// entryList is "#5 #9 #14 +58": the first entries and how many more.
func entryList(g *analyze.Group) string {
	parts := make([]string, 0, entryListMax+1)
	for i, e := range g.Entries {
		if i == entryListMax {
			break
		}
		parts = append(parts, "#"+strconv.Itoa(e))
	}
	if more := g.Requests - len(parts); more > 0 {
		parts = append(parts, "+"+strconv.Itoa(more))
	}
	return strings.Join(parts, " ")
}

func preflightTime(r *analyze.Request) string {
	if r.Preflight < 0 {
		return "-"
	}
	s := fmt.Sprintf("#%d", r.Preflight)
	switch {
	case r.PreflightTime <= 0:
	case r.PreflightTime < 10:
		s += fmt.Sprintf("\n%.1f ms", r.PreflightTime)
	default:
		s += fmt.Sprintf("\n%.0f ms", r.PreflightTime)
	}
	return s
}

func requestsTable(buf *bytes.Buffer, rs []analyze.Request, c cleaner, opt Options, w int) error {
	wide := w >= wideFrom
	cols := []column{
		{header: "ENTRY", min: 5},
		{header: "REQUEST", min: 20, weight: 4},
	}
	if wide {
		cols = append(cols, column{header: "ORIGIN", min: 12, weight: 1})
	}
	cols = append(cols,
		column{header: "STATUS", min: 6},
		column{header: "VERDICT", min: 7},
		column{header: "RULE", min: 8},
		column{header: "PREFLIGHT", min: 9},
	)
	rows := make([][]cell, 0, len(rs))
	for i := range rs {
		r := &rs[i]
		req := c.plain(r.Method) + " " + shortenURL(c.url(r.URL), urlBudget(w))
		origin := c.text(r.Origin)
		if !wide && origin != "" {
			req += "\nfrom " + origin
		}
		row := []cell{entryCell(r.Entry, r.Line, -1, wide), {text: req}}
		if wide {
			row = append(row, cell{text: origin})
		}
		rule := r.Rule
		if rule == "" {
			rule = "-"
		}
		row = append(row,
			cell{text: statusText(r.Status)},
			cell{text: string(r.Verdict), paint: painter(opt.Color, verdictColor(r.Verdict))},
			cell{text: rule},
			cell{text: preflightTime(r)},
		)
		rows = append(rows, row)
	}
	buf.WriteString("\nEvery cross-origin request:\n")
	return layout(buf, cols, rows, w, opt.drawing())
}

func tableSummary(buf *bytes.Buffer, s summary, opt Options, w int) {
	lead := "Summary: "
	if opt.Color {
		lead = ansiBold + "Summary:" + ansiReset + " "
	}
	wrapLine(buf, lead, s.headline(), w, 2)
	section := func(name string, gs []*group, line func(g *group) string) {
		if len(gs) == 0 {
			return
		}
		buf.WriteString(name + ":\n")
		for i, g := range gs {
			if i == summaryLimit {
				wrapLine(buf, "  ", fmt.Sprintf("… and %d more", len(gs)-summaryLimit), w, 4)
				break
			}
			wrapLine(buf, "  ", line(g), w, 4)
		}
	}
	section("By problem", s.byCause, func(g *group) string {
		return fmt.Sprintf("%s %s: %s", plural(g.requests, "request", "requests"), g.where(), g.label)
	})
	section("By server", s.byServer, func(g *group) string {
		return fmt.Sprintf("%s %s: %s (%s)", plural(g.requests, "problem", "problems"), g.where(), g.label, g.ruleList())
	})
	section("By origin", s.byOrigin, func(g *group) string {
		return fmt.Sprintf("%s %s: %s (%s)", plural(g.requests, "problem", "problems"), g.where(), g.label, g.ruleList())
	})
}

// consoleLine is what the console log given with --console says of f, as
// a line of its own after the cause; "" without one.
func consoleLine(f *analyze.Finding, c cleaner) string {
	if f == nil || f.Console == "" {
		return ""
	}
	return "\nConsole: " + truncate(c.text(f.Console), textMax)
}
