package report

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/textsafe"
)

// The Markdown report is pasted into GitHub and GitLab issues, so a value
// from the HAR meets three parsers there: Markdown (tables split on '|',
// backticks open code, '*' and '_' emphasis, '[' links, and '#', '>', '-'
// or "1." at the start of a line open a block), HTML (the <details>
// blocks; an unescaped "</details>" would close one early and spill the
// rest of the report) and Mermaid (';' and '#' end a message, "-->" is an
// arrow). Each has its own escaper below, and every HAR value goes through
// the one for where it lands, after redaction and sanitization.
//
// The tracker then acts on the rendered text: "@name" and "@org/team"
// notify people, "#12", "GH-12" and "owner/repo#12" link issues (and put a
// back-reference on them), GitLab's "!12" and "&12" link merge requests and
// epics. Both trackers find these in the text nodes of the rendered HTML,
// after entities and backslash escapes are decoded, so neither escape stops
// them; an empty <wbr> element between the sigil and the name splits the
// text node, renders as nothing, and copies as nothing. The escapers put
// one wherever a value would otherwise spell a reference.

// mdEscape escapes s for Markdown running text and GFM table cells: HTML's
// '<', '>' and '&' as entities (so no tag can open or close, "</details>"
// included), Markdown's punctuation with a backslash, the block syntax a
// line may start with, and mentions and issue references (see above).
func mdEscape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	lead := len(s) - len(strings.TrimLeft(s, " "))
	writeInert(&b, s, func(b *strings.Builder, i int, r rune) {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '[', ']', '|', '~', '$':
			// '$' opens math on GitHub; '~' strikethrough.
			b.WriteByte('\\')
			b.WriteRune(r)
		case '#', '-', '+', '=':
			// A heading, a list item or a setext underline when the value
			// starts a line ("# title.har" as a file name).
			if i == lead {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		case '.', ')':
			// An ordered list item: "1. " or "1) " at the start.
			if i > lead && allDigits(s[lead:i]) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	})
	return b.String()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// htmlEscape escapes s for raw HTML (the <summary> line, which Markdown
// does not process because it sits in an HTML block), mentions and issue
// references included. Quotes need no escape in text content.
func htmlEscape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	writeInert(&b, s, func(b *strings.Builder, _ int, r rune) {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
	})
	return b.String()
}

// refBreak is what splits a mention or a reference: an element renders
// nothing and ends the text node the tracker searches.
const refBreak = "<wbr>"

// writeInert writes s to b, each rune through esc (with its byte offset),
// and a refBreak after the sigil of anything a tracker would read as a
// mention or a reference: '@' before a name, where a mention may start
// (not inside a word, as in an e-mail address); '#', '!' and '&' before a
// digit; "GH-" before a digit.
func writeInert(b *strings.Builder, s string, esc func(b *strings.Builder, i int, r rune)) {
	prev := ' '
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		esc(b, i, r)
		next := rune(-1)
		if i+size < len(s) {
			next, _ = utf8.DecodeRuneInString(s[i+size:])
		}
		switch r {
		case '@':
			if !wordRune(prev) && (asciiAlnum(next) || next == '-' || next == '_') {
				b.WriteString(refBreak)
			}
		case '#', '!', '&':
			if next >= '0' && next <= '9' {
				b.WriteString(refBreak)
			}
		case '-':
			if next >= '0' && next <= '9' && i >= 2 && strings.EqualFold(s[i-2:i], "gh") {
				if before, _ := utf8.DecodeLastRuneInString(s[:i-2]); i == 2 || !wordRune(before) {
					b.WriteString(refBreak)
				}
			}
		}
		prev = r
		i += size
	}
}

func asciiAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// wordRune is a character after which '@' does not start a mention.
func wordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// mermaidEscape escapes s for a Mermaid sequence-diagram message or note.
// Mermaid ends a message at '#' (comment), ';' (statement separator) and a
// newline, and renders '<...>' as HTML; it decodes "#NN;" entity codes, so
// those characters become codes. Quotes and backticks are coded too
// (Mermaid's markdown strings), and so are '-' and '>' pairs that spell an
// arrow. A diagram sits in a code block, where trackers look for no
// mentions or references.
func mermaidEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '#', ';', '<', '>', '&', '"', '`', '%', '{', '}':
			fmt.Fprintf(&b, "#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var severityIcon = map[analyze.Severity]string{
	analyze.Error:   "❌",
	analyze.Warning: "⚠️",
	analyze.Info:    "ℹ️",
}

func icon(s analyze.Severity) string {
	if i, ok := severityIcon[s]; ok {
		return i
	}
	return "•"
}

// MarkdownBudget is the most bytes a grouped Markdown report holds. GitHub
// refuses an issue body or comment over 65,536 characters (a character is
// at least one byte of UTF-8, and at most as many UTF-16 units as bytes),
// and the reporter needs room for a few lines of their own.
const MarkdownBudget = 60000

// mdReserve is kept for the note that says what a shortened report leaves
// out, and the line of files left out.
const mdReserve = 1000

func renderMarkdown(buf *bytes.Buffer, results []*analyze.Result, opt Options) error {
	c := newCleaner(opt, true)
	c.exchanges = map[exchangeKey]string{}
	vs := views(results, opt)
	title := "## CORS report"
	if opt.Version != "" {
		title += " (harcors " + mdEscape(textsafe.Escape(opt.Version)) + ")"
	}
	buf.WriteString(title + "\n\n")
	several := len(vs) > 1
	var sum summary
	if several {
		sum = summarize(vs, c)
		buf.WriteString(mdEscape(sum.headline()) + ".\n\n")
	}
	if opt.Each {
		// Every finding, for a file to attach rather than a comment: no
		// budget (the shortened report points here).
		for _, v := range vs {
			mdFileEach(buf, v, c, opt, several)
		}
		if several {
			mdSummary(buf, sum)
		}
		return nil
	}
	var tail bytes.Buffer
	if several {
		mdSummary(&tail, sum)
	}
	clean := 0
	if several && !opt.All {
		vs, clean = problemsFirst(vs)
	}
	mdGrouped(buf, vs, c, opt, several, clean, tail.Bytes())
	return nil
}

// mdSection is one file's part of a grouped report, built piece by piece
// so that the budget leaves out the least useful pieces first.
type mdSection struct {
	head, table, details, requests bytes.Buffer
	// first is the number of the file's first problem; shown the groups
	// that have a row.
	first int
	shown []*analyze.Group
}

// mdCut counts what a report left out to stay within MarkdownBudget.
type mdCut struct {
	files    int // files not shown at all
	rows     int // problems without a row (nor details)
	details  int // problems with a row but no details
	requests int // rows of the request listings (--all)
}

func (k mdCut) any() bool { return k.files+k.rows+k.details+k.requests > 0 }

// note says what was left out and how to get it.
func (k mdCut) note() string {
	var parts []string
	if k.files > 0 {
		parts = append(parts, plural(k.files, "file", "files"))
	}
	if k.rows > 0 {
		parts = append(parts, plural(k.rows, "problem", "problems"))
	}
	if k.details > 0 {
		parts = append(parts, "the details of "+plural(k.details, "problem", "problems"))
	}
	if k.requests > 0 {
		parts = append(parts, plural(k.requests, "row", "rows")+" of the request listings")
	}
	list := strings.Join(parts, ", ")
	if i := strings.LastIndex(list, ", "); i >= 0 {
		list = list[:i] + " and " + list[i+2:]
	}
	return fmt.Sprintf("> **Shortened to fit in an issue** (%d,%03d characters at most): this report leaves out %s. "+
		"`harcors --format json` lists every finding and request; `harcors --format markdown --each > cors.md` "+
		"writes every finding to a file to attach.\n\n", MarkdownBudget/1000, MarkdownBudget%1000, list)
}

// mdGrouped writes one row per problem and one <details> per problem,
// within MarkdownBudget: each file's headline first (in at most a third of it),
// then the rows (in at most two thirds of what is left, so that details
// fit whatever the number of problems), then details, problem by problem,
// until one does not fit, then the request listings. tail, the summary
// across files, closes the report.
func mdGrouped(buf *bytes.Buffer, vs []fileView, c cleaner, opt Options, several bool, clean int, tail []byte) {
	left := MarkdownBudget - buf.Len() - len(tail) - mdReserve
	var cut mdCut
	secs := make([]*mdSection, 0, len(vs))
	headCap := left / 3
	firstClean := len(vs) - clean
	for i, v := range vs {
		s := &mdSection{}
		if i < firstClean {
			mdHead(&s.head, v, c, several)
		} else {
			// The clean files are one list, under one heading.
			if i == firstClean {
				fmt.Fprintf(&s.head, "### %s\n\n", plural(clean, "file without a CORS problem", "files without a CORS problem"))
			}
			s.head.WriteString(mdCleanLine(v, c))
			if i == len(vs)-1 {
				s.head.WriteString("\n")
			}
		}
		if s.head.Len() > headCap {
			cut.files = len(vs) - i
			break
		}
		headCap -= s.head.Len()
		left -= s.head.Len()
		secs = append(secs, s)
	}

	n := 0
	rowCap := left * 2 / 3
	full := false
	for i, s := range secs {
		v := vs[i]
		s.first = n + 1
		if len(v.groups) == 0 {
			continue
		}
		var t bytes.Buffer
		t.WriteString(mdTableHead)
		for j, g := range v.groups {
			row := mdRow(n+1, g, c)
			if full || t.Len()+len(row) > rowCap {
				full = true
				cut.rows += len(v.groups) - j
				break
			}
			t.WriteString(row)
			s.shown = append(s.shown, g)
			n++
		}
		if len(s.shown) > 0 {
			t.WriteString("\n")
			s.table.Write(t.Bytes())
		}
		if more := len(v.groups) - len(s.shown); more > 0 {
			fmt.Fprintf(&s.table, "%s left out to fit (see the note at the top).\n\n", plural(more, "more problem", "more problems"))
		}
		rowCap -= s.table.Len()
		left -= s.table.Len()
	}

	// A problem detailed for an earlier file of the batch (same key: rule,
	// server, cause) is not detailed again, only pointed to: 300 captures
	// of one misconfigured server gave 300 copies of the same details.
	type detailedAs struct {
		n    int
		file string
	}
	detailed := map[string]detailedAs{}
	full = false
	for i, s := range secs {
		for j, g := range s.shown {
			if full {
				cut.details++
				continue
			}
			var d bytes.Buffer
			as, seen := detailed[g.Key]
			if seen {
				fmt.Fprintf(&d, "**P%d** is the problem detailed as P%d (%s): the same cause and fix.\n\n", s.first+j, as.n, as.file)
			} else {
				mdGroupDetails(&d, s.first+j, g, c)
			}
			if d.Len() > left {
				full = true
				cut.details++
				continue
			}
			s.details.Write(d.Bytes())
			left -= d.Len()
			if !seen {
				detailed[g.Key] = detailedAs{s.first + j, mdEscape(c.plain(vs[i].res.File))}
			}
		}
	}

	if opt.All {
		for i, s := range secs {
			left -= mdRequests(&s.requests, vs[i].res.Requests, c, left, &cut)
		}
	}

	if cut.any() {
		buf.WriteString(cut.note())
	}
	for _, s := range secs {
		buf.Write(s.head.Bytes())
		buf.Write(s.table.Bytes())
		buf.Write(s.details.Bytes())
		buf.Write(s.requests.Bytes())
	}
	if cut.files > 0 {
		fmt.Fprintf(buf, "%s left out to fit (see the note at the top).\n\n", plural(cut.files, "more file", "more files"))
	}
	buf.Write(tail)
}

// mdHead writes a file's heading (in a batch), its counts, its reading
// error and notes, and its problem line.
func mdHead(buf *bytes.Buffer, v fileView, c cleaner, several bool) {
	r := v.res
	if several {
		fmt.Fprintf(buf, "### %s\n\n", mdEscape(c.plain(r.File)))
	}
	buf.WriteString(mdFileLine(v, c, several) + "\n\n")
	mdNotes(buf, v, c)
	line := "**" + mdEscape(v.problemLine()) + "**"
	if len(v.groups) == 0 {
		line = mdEscape(nothingLine(v))
	}
	if note := v.hiddenNote(); note != "" {
		line += " " + mdEscape(note)
	}
	buf.WriteString(line + "\n\n")
}

// mdCleanLine is a clean file's item in a batch's list of them: its name,
// counts and notes on one line.
func mdCleanLine(v fileView, c cleaner) string {
	line := "- **" + mdEscape(c.plain(v.res.File)) + "** · " + mdFileLine(v, c, true) + ": " + mdEscape(nothingLine(v))
	if note := v.hiddenNote(); note != "" {
		line += " " + mdEscape(note)
	}
	for _, n := range v.res.Notes {
		line += ". Note: " + mdEscape(c.text(n))
	}
	return line + "\n"
}

// mdFileLine is "file · recorded by … · 12 entries · 8 cross-origin
// requests · 3/3 preflights paired".
func mdFileLine(v fileView, c cleaner, several bool) string {
	r := v.res
	var parts []string
	if !several {
		parts = append(parts, mdEscape(c.plain(r.File)))
	}
	parts = append(parts, captureFacts(r, mdEscape(c.plain(r.Creator)))...)
	return strings.Join(parts, " · ")
}

// maxNotes bounds the reader's notes shown for one file.
const maxNotes = 5

func mdNotes(buf *bytes.Buffer, v fileView, c cleaner) {
	r := v.res
	if r.Err != nil {
		fmt.Fprintf(buf, "> **Error:** %s\n\n", mdEscape(truncate(c.errText(r.Err), 500)))
	}
	for i, w := range r.ReadWarnings {
		if i == maxNotes {
			fmt.Fprintf(buf, "> %s\n\n", plural(len(r.ReadWarnings)-maxNotes, "more note", "more notes"))
			break
		}
		fmt.Fprintf(buf, "> Note: %s\n\n", mdEscape(truncate(c.errText(w), 500)))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(buf, "> Note: %s\n\n", mdEscape(c.text(n)))
	}
}

const mdTableHead = "| Problem | Severity | Check | Requests | Where | Methods | Entries |\n" +
	"| --- | --- | --- | ---: | --- | --- | --- |\n"

// mdRowPatterns is how many path patterns and entries a row shows.
const mdRowPatterns = 3

// mdRow is a group's row of the problem table. The problem's number is
// "P1", not "#1", which trackers would link to an issue.
func mdRow(n int, g *analyze.Group, c cleaner) string {
	return fmt.Sprintf("| P%d | %s %s | %s | %d | %s | %s | %s |\n", n, icon(g.Severity), g.Severity,
		mdEscape(truncate(groupCheck(g, c), 200)), g.Requests, mdEscape(groupWhere(g, c, mdRowPatterns)),
		mdEscape(strings.Join(groupMethods(g, c), ", ")), groupEntries(g, mdRowPatterns))
}

// groupCheck is the rule and the check its first request failed.
func groupCheck(g *analyze.Group, c cleaner) string {
	s := g.Rule.ID
	if g.Chromium != "" {
		s += " " + g.Chromium
	}
	if g.Sample != nil {
		return s + ": " + checkText(g.Sample, c.text(g.Sample.Value))
	}
	return s + ": " + g.Rule.Title
}

// groupWhere is the server and up to max path patterns:
// "https://api.example.com/users/:id, /orders +3 more".
func groupWhere(g *analyze.Group, c cleaner, max int) string {
	var b strings.Builder
	b.WriteString(truncate(c.url(g.Server), 80))
	for i, p := range g.Patterns {
		if i == max {
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(truncate(c.url(p), 60))
	}
	if more := len(g.Patterns) - min(max, len(g.Patterns)) + g.MorePatterns; more > 0 {
		fmt.Fprintf(&b, " +%d more", more)
	}
	return b.String()
}

func groupMethods(g *analyze.Group, c cleaner) []string {
	ms := make([]string, 0, len(g.Methods))
	for _, m := range g.Methods {
		ms = append(ms, truncate(c.plain(m), 20))
	}
	return ms
}

// groupEntries is the first max entries and how many more: "5, 9, 14 +55".
func groupEntries(g *analyze.Group, max int) string {
	var parts []string
	for i, e := range g.Entries {
		if i == max {
			break
		}
		parts = append(parts, fmt.Sprint(e))
	}
	s := strings.Join(parts, ", ")
	if more := g.Requests - len(parts); more > 0 {
		s += fmt.Sprintf(" +%d", more)
	}
	return s
}

// mdGroupDetails writes the collapsible section of a problem: what the
// browsers said, the cause and fix once, where it happened, and the
// exchange of its first request with a diagram.
func mdGroupDetails(buf *bytes.Buffer, n int, g *analyze.Group, c cleaner) {
	f := g.Sample
	summary := fmt.Sprintf("%s P%d %s: %s — %s to %s", icon(g.Severity), n, g.Rule.ID, g.Rule.Title,
		plural(g.Requests, "request", "requests"), truncate(c.url(g.Server), 80))
	fmt.Fprintf(buf, "<details>\n<summary>%s</summary>\n\n", htmlEscape(summary))
	mdConsole(buf, f, c)
	fmt.Fprintf(buf, "**Cause:** %s\n\n", mdEscape(truncate(c.text(g.Cause), textMax)))
	fix := "**Fix"
	if n := stackName(g.Stack); n != "" {
		fix += " for " + mdEscape(n)
	}
	fmt.Fprintf(buf, "%s:** %s\n\n", fix, mdEscape(truncate(c.text(g.Fix), textMax)))
	if f != nil {
		mdReplay(buf, f, c)
	}

	var origins []string
	for _, o := range g.Origins {
		origins = append(origins, truncate(c.text(o), 80))
	}
	where := "**Where:** " + mdEscape(strings.Join(groupMethods(g, c), ", "))
	if len(origins) > 0 {
		where += " from " + mdEscape(strings.Join(origins, ", "))
	}
	where += " to " + mdEscape(groupWhere(g, c, analyze.GroupPatterns))
	buf.WriteString(where + "\n\n")

	// A problem of one request shows that request below; the list is for
	// problems of several.
	if g.Requests > 1 {
		fmt.Fprintf(buf, "**Requests** (%d):\n\n| Entry | Line | Request | Status |\n| ---: | ---: | --- | --- |\n", g.Requests)
		for _, a := range g.Affected {
			fmt.Fprintf(buf, "| %d | %d | %s %s | %s |\n", a.Entry, a.Line,
				mdEscape(truncate(c.plain(a.Method), 20)), mdEscape(shortenURL(c.url(a.URL), 100)), affectedStatus(a))
		}
		buf.WriteString("\n")
		if more := g.Requests - len(g.Affected); more > 0 {
			fmt.Fprintf(buf, "… and %d more (`harcors --format json` lists every one).\n\n", more)
		}
		if f != nil {
			fmt.Fprintf(buf, "**For example, entry %d:**\n\n", f.Entry)
		}
	}
	if f != nil {
		mdEvidence(buf, f, c, groupedExchange)
	}
	buf.WriteString("</details>\n\n")
}

// mdConsole writes the browsers' console lines for a finding.
func mdConsole(buf *bytes.Buffer, f *analyze.Finding, c cleaner) {
	if f == nil {
		return
	}
	if f.Console != "" {
		fmt.Fprintf(buf, "**Your console log:** %s\n\n", mdEscape(c.text(f.Console)))
	}
	if f.Message == "" && f.FirefoxMessage == "" {
		buf.WriteString("The browser logs no CORS error for this; it does not block the request.\n\n")
		return
	}
	if f.Message != "" {
		fmt.Fprintf(buf, "**Chromium console** (`%s`):\n\n> %s\n\n", f.Chromium, mdEscape(truncate(c.text(f.Message), textMax)))
	}
	if f.FirefoxMessage != "" {
		fmt.Fprintf(buf, "**Firefox console** (`%s`):\n\n> %s\n\n", f.Firefox, mdEscape(truncate(c.text(f.FirefoxMessage), textMax)))
	}
}

// mdEvidence writes a finding's preflight and request with their headers,
// its credentials mode and its sequence diagram.
func mdEvidence(buf *bytes.Buffer, f *analyze.Finding, c cleaner, lim exchangeLimits) {
	if p := f.PreflightEntry; p != nil {
		mdExchange(buf, "Preflight", p, nil, c, lim)
	} else if !f.PreflightCaptured {
		buf.WriteString("**Preflight:** needed but not in the capture (preflight cache, or an exporter that drops preflights).\n\n")
	}
	if q := f.Request; q != nil {
		mdExchange(buf, "Request", q, f.PreflightEntry, c, lim)
	} else if f.PreflightEntry != nil {
		fmt.Fprintf(buf, "**Request:** %s never sent: the browser stopped at the preflight.\n\n", mdEscape(c.plain(f.Method)))
	}
	cred := "**Credentials:** " + mdEscape(string(f.Credentials))
	if f.CredentialsBasis != "" {
		cred += " — " + mdEscape(c.text(f.CredentialsBasis))
	}
	buf.WriteString(cred + "\n\n")
	mermaid(buf, f, c)
}

// mdRequests writes the listing of every cross-origin request (--all) in
// at most room bytes, counts the rows it leaves out in cut, and returns
// the bytes it wrote.
func mdRequests(buf *bytes.Buffer, rs []analyze.Request, c cleaner, room int, cut *mdCut) int {
	if len(rs) == 0 {
		return 0
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<details>\n<summary>Every cross-origin request (%d)</summary>\n\n", len(rs))
	b.WriteString("| Entry | Request | Origin | Status | Verdict | Rule | Preflight |\n")
	b.WriteString("| ---: | --- | --- | --- | --- | --- | --- |\n")
	const end = "\n</details>\n\n"
	const moreLine = "\n… and 1234567890 more (`harcors --format json` lists every request).\n"
	if b.Len()+len(end)+len(moreLine) > room {
		cut.requests += len(rs)
		return 0
	}
	for i := range rs {
		q := &rs[i]
		rule := q.Rule
		if rule == "" {
			rule = "-"
		}
		pre := "-"
		if q.Preflight >= 0 {
			pre = fmt.Sprintf("entry %d", q.Preflight)
			if q.PreflightTime > 0 {
				pre += fmt.Sprintf(", %.1f ms", q.PreflightTime)
			}
		}
		row := fmt.Sprintf("| %d | %s %s | %s | %s | %s | %s | %s |\n",
			q.Entry, mdEscape(truncate(c.plain(q.Method), 20)), mdEscape(shortenURL(c.url(q.URL), 100)), mdEscape(truncate(c.text(q.Origin), 80)),
			statusText(q.Status), q.Verdict, rule, pre)
		if b.Len()+len(row)+len(end)+len(moreLine) > room {
			cut.requests += len(rs) - i
			fmt.Fprintf(&b, "\n… and %d more (`harcors --format json` lists every request).\n", len(rs)-i)
			break
		}
		b.WriteString(row)
	}
	b.WriteString(end)
	buf.Write(b.Bytes())
	return b.Len()
}

// mdFileEach writes a file's section with one row and one <details> per
// finding (Options.Each).
func mdFileEach(buf *bytes.Buffer, v fileView, c cleaner, opt Options, several bool) {
	r := v.res
	if several {
		fmt.Fprintf(buf, "### %s\n\n", mdEscape(c.plain(r.File)))
	}
	line := mdFileLine(v, c, several) + " · **" + countSeverities(v.shown).String() + "**"
	if v.hidden > 0 {
		line += fmt.Sprintf(" (%s not shown: --severity info shows %s)", plural(v.hidden, "finding", "findings"), itThem(v.hidden))
	}
	buf.WriteString(line + "\n\n")
	mdNotes(buf, v, c)
	if len(v.shown) == 0 {
		buf.WriteString(mdEscape(nothingLine(v)) + ".\n\n")
	} else {
		buf.WriteString("| Entry | Severity | Request | Origin | Check | Cause |\n")
		buf.WriteString("| ---: | --- | --- | --- | --- | --- |\n")
		for _, f := range v.shown {
			check := f.Rule.ID
			if n := errorName(f); n != "" {
				check += " " + n
			}
			check += ": " + checkText(f, c.text(f.Value))
			fmt.Fprintf(buf, "| %d | %s %s | %s %s | %s | %s | %s |\n",
				f.Entry, icon(f.Severity), f.Severity,
				mdEscape(c.plain(f.Method)), mdEscape(c.url(f.URL)),
				mdEscape(c.text(f.Origin)), mdEscape(check), mdEscape(c.text(f.Cause)))
		}
		buf.WriteString("\n")
		for _, f := range v.shown {
			mdDetails(buf, f, c)
		}
	}
	if opt.All {
		mdRequests(buf, r.Requests, c, math.MaxInt, &mdCut{})
	}
}

// mdDetails writes the collapsible section of one finding. It is titled
// "entry 5", not "#5", which trackers would link to an issue.
func mdDetails(buf *bytes.Buffer, f *analyze.Finding, c cleaner) {
	summary := fmt.Sprintf("%s entry %d %s: %s — %s %s", icon(f.Severity), f.Entry, f.Rule.ID, f.Rule.Title,
		c.plain(f.Method), shortenURL(c.url(f.URL), 80))
	fmt.Fprintf(buf, "<details>\n<summary>%s</summary>\n\n", htmlEscape(summary))
	mdConsole(buf, f, c)
	fmt.Fprintf(buf, "**Cause:** %s\n\n", mdEscape(c.text(f.Cause)))
	fix := "**Fix"
	if n := stackName(f.Stack); n != "" {
		fix += " for " + mdEscape(n)
	}
	fmt.Fprintf(buf, "%s:** %s\n\n", fix, mdEscape(c.text(f.Fix)))
	mdReplay(buf, f, c)
	mdEvidence(buf, f, c, eachExchange)
	buf.WriteString("</details>\n\n")
}

// relevantRequest and relevantResponse say which headers a CORS report
// shows: those the browser's checks read, those that explain the cause
// (Location, Allow, Server for the stack) and the credentials (redacted).
func relevantRequest(name string, requested map[string]bool) bool {
	n := strings.ToLower(name)
	switch n {
	case "origin", "content-type", "cookie", "authorization", "proxy-authorization", "sec-fetch-mode", "sec-fetch-site":
		return true
	}
	return strings.HasPrefix(n, "access-control-request-") || requested[n]
}

func relevantResponse(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "vary", "content-type", "location", "set-cookie", "allow", "server", "x-powered-by", "cross-origin-resource-policy":
		return true
	}
	return strings.HasPrefix(n, "access-control-")
}

// requestedHeaders is the set of header names a preflight asked for.
func requestedHeaders(pre *har.Entry) map[string]bool {
	m := map[string]bool{}
	if pre == nil {
		return m
	}
	for _, v := range pre.Request.Headers.Values("Access-Control-Request-Headers") {
		for _, h := range strings.Split(v, ",") {
			if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
				m[h] = true
			}
		}
	}
	return m
}

func statusLine(e *har.Entry) string {
	if e.Response.Status <= 0 {
		s := "no response"
		if e.Error != "" {
			s += " (" + e.Error + ")"
		}
		return s
	}
	s := fmt.Sprintf("%d", e.Response.Status)
	if e.Response.StatusText != "" {
		s += " " + e.Response.StatusText
	}
	return s
}

// exchangeKey identifies a rendered exchange table (label, e, pre) or a
// diagram line (label, and the header list by its first element and length).
type exchangeKey struct {
	label  string
	e, pre *har.Entry
	first  *har.Header
	n      int
}

// mdExchange writes one entry's request line, status and relevant headers.
// Every finding on an entry shows them, so a crafted entry with thousands
// of Set-Cookie headers (one finding each) would make the report quadratic
// in them: each table is rendered once, with at most maxExchangeRows rows
// of values cut to maxExchangeValue columns, and then reused.
func mdExchange(buf *bytes.Buffer, label string, e *har.Entry, pre *har.Entry, c cleaner, lim exchangeLimits) {
	key := exchangeKey{label: label, e: e, pre: pre}
	if s, ok := c.exchanges[key]; ok {
		buf.WriteString(s)
		return
	}
	var b bytes.Buffer
	writeExchange(&b, label, e, pre, c, lim)
	if c.exchanges != nil {
		c.exchanges[key] = b.String()
	}
	buf.Write(b.Bytes())
}

func writeExchange(buf *bytes.Buffer, label string, e *har.Entry, pre *har.Entry, c cleaner, lim exchangeLimits) {
	fmt.Fprintf(buf, "**%s** (entry %d, line %d): %s %s → **%s**\n\n", label, e.Index, e.Line,
		mdEscape(truncate(c.plain(e.Request.Method), 20)), mdEscape(shortenURL(c.url(e.Request.URL), 300)), mdEscape(truncate(c.status(e), 200)))
	requested := requestedHeaders(pre)
	var rows []string
	more := false
	cell := func(h har.Header) string {
		return mdEscape(truncate(c.header(h.Name, h.Value), lim.value))
	}
	for _, h := range e.Request.Headers {
		if !har.IsPseudo(h.Name) && relevantRequest(h.Name, requested) {
			if more = len(rows) == lim.rows; more {
				break
			}
			rows = append(rows, fmt.Sprintf("| → | %s | %s |", mdEscape(truncate(c.plain(h.Name), nameMax)), cell(h)))
		}
	}
	for _, h := range e.Response.Headers {
		if !more && !har.IsPseudo(h.Name) && relevantResponse(h.Name) {
			if more = len(rows) == lim.rows; more {
				break
			}
			rows = append(rows, fmt.Sprintf("| ← | %s | %s |", mdEscape(truncate(c.plain(h.Name), nameMax)), cell(h)))
		}
	}
	if more {
		rows = append(rows, "| | … | more headers not shown |")
	}
	if len(rows) == 0 {
		if e.Response.Status <= 0 {
			// Chrome DevTools keeps only the provisional headers of a
			// request it blocked, without Origin.
			buf.WriteString("No CORS-relevant headers recorded (browsers keep only provisional headers for a request they blocked).\n\n")
		} else {
			buf.WriteString("No CORS-relevant headers recorded.\n\n")
		}
		return
	}
	buf.WriteString("| | Header | Value |\n| --- | --- | --- |\n")
	buf.WriteString(strings.Join(rows, "\n"))
	buf.WriteString("\n\n")
}

// exchangeLimits bound the header rows shown for one entry and the columns
// of a value: real exchanges have a dozen relevant headers at most, with
// values of a line or two.
type exchangeLimits struct{ rows, value int }

var (
	// eachExchange is for the report of every finding.
	eachExchange = exchangeLimits{rows: 50, value: 300}
	// groupedExchange is for the shortened report, where a problem's
	// details must leave room for others'.
	groupedExchange = exchangeLimits{rows: 24, value: 200}
)

// preflightStage reports whether a finding's failing step is the
// preflight's response.
func preflightStage(f *analyze.Finding) bool {
	switch {
	case f.Chromium.IsPreflight():
		return true
	case f.Chromium == "" && f.Severity >= analyze.Error && f.PreflightEntry != nil && f.Request == nil:
		return true
	}
	return false
}

// pathOf is the path and a cut query of a URL, for diagram messages (the
// host is the Server participant).
func pathOf(u string) string {
	p, ok := splitURL(u)
	if !ok {
		return truncate(u, 60)
	}
	s := p.path
	if s == "" {
		s = "/"
	}
	if p.query != "" || p.fragment != "" {
		s += "?" + ellipsis
	}
	return truncate(s, 60)
}

// diagramHeaders are the headers a diagram message shows.
var diagramRequestHeaders = []string{"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers", "Authorization", "Cookie"}
var diagramResponseHeaders = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Location"}

func diagramMessage(first string, hs har.Headers, names []string, c cleaner) string {
	// Like the exchange tables, a diagram line is the same for every
	// finding on an entry: make it once (see mdExchange).
	var key exchangeKey
	if len(hs) > 0 && c.exchanges != nil {
		key = exchangeKey{label: "diagram\x00" + first + "\x00" + strings.Join(names, "\x00"), first: &hs[0], n: len(hs)}
		if s, ok := c.exchanges[key]; ok {
			return s
		}
	}
	s := makeDiagramMessage(first, hs, names, c)
	if key.first != nil {
		c.exchanges[key] = s
	}
	return s
}

func makeDiagramMessage(first string, hs har.Headers, names []string, c cleaner) string {
	parts := []string{mermaidEscape(first)}
	for _, n := range names {
		if v, ok := hs.Get(n); ok {
			parts = append(parts, mermaidEscape(n+": "+truncate(c.header(n, v), 60)))
		}
	}
	return strings.Join(parts, "<br/>")
}

func responseMessage(e *har.Entry, c cleaner) string {
	first := c.status(e)
	if e.Response.Status > 0 && !e.Response.Headers.Has("Access-Control-Allow-Origin") {
		first += " (no Access-Control-Allow-Origin)"
	}
	return diagramMessage(first, e.Response.Headers, diagramResponseHeaders, c)
}

// mermaid writes the sequence diagram of a finding: the preflight and its
// response, the follow-up and its response, and a note on the step that
// failed.
func mermaid(buf *bytes.Buffer, f *analyze.Finding, c cleaner) {
	var b strings.Builder
	b.WriteString("```mermaid\nsequenceDiagram\n    participant Browser\n    participant Server\n")
	fmt.Fprintf(&b, "    Note over Browser,Server: %s\n", mermaidEscape("from "+c.text(f.Origin)+" to "+hostOf(c.url(f.URL))))
	mark := icon(f.Severity) + " "
	if f.Severity >= analyze.Error {
		mark += "blocked: "
	} else {
		mark += f.Severity.String() + ": "
	}
	mark += checkText(f, c.text(f.Value))
	note := "    Note over Browser,Server: " + mermaidEscape(mark) + "\n"
	atPreflight := preflightStage(f)
	if p := f.PreflightEntry; p != nil {
		fmt.Fprintf(&b, "    Browser->>Server: %s\n", diagramMessage(c.plain(p.Request.Method)+" "+pathOf(c.url(p.Request.URL)), p.Request.Headers, diagramRequestHeaders[:3], c))
		if p.Response.Status > 0 {
			fmt.Fprintf(&b, "    Server-->>Browser: %s\n", responseMessage(p, c))
		} else {
			fmt.Fprintf(&b, "    Server--xBrowser: %s\n", mermaidEscape(c.status(p)))
		}
		if atPreflight {
			b.WriteString(note)
		}
	} else if !f.PreflightCaptured {
		b.WriteString("    Note over Browser,Server: preflight not in the capture\n")
	}
	method := c.plain(f.Method)
	switch q := f.Request; {
	case atPreflight && (q == nil || q.Response.Status <= 0):
		fmt.Fprintf(&b, "    Browser-xServer: %s\n", mermaidEscape(method+" "+pathOf(c.url(f.URL))+" (never sent)"))
	case q == nil:
		b.WriteString(note)
	default:
		fmt.Fprintf(&b, "    Browser->>Server: %s\n", diagramMessage(method+" "+pathOf(c.url(q.Request.URL)), q.Request.Headers, []string{"Origin", "Authorization", "Cookie"}, c))
		if q.Response.Status > 0 {
			fmt.Fprintf(&b, "    Server-->>Browser: %s\n", responseMessage(q, c))
		} else {
			fmt.Fprintf(&b, "    Server--xBrowser: %s\n", mermaidEscape(c.status(q)))
		}
		if !atPreflight {
			b.WriteString(note)
		}
	}
	b.WriteString("```\n\n")
	buf.WriteString(b.String())
}

func hostOf(u string) string {
	if p, ok := splitURL(u); ok {
		return p.scheme + "://" + p.host
	}
	return u
}

func mdSummary(buf *bytes.Buffer, s summary) {
	buf.WriteString("### Across files\n\n")
	table := func(title, count, head string, gs []*group, row func(g *group) string) {
		if len(gs) == 0 {
			return
		}
		fmt.Fprintf(buf, "**%s**\n\n| %s | Files | %s |\n| ---: | ---: | --- |\n", title, count, head)
		for i, g := range gs {
			if i == summaryLimit {
				fmt.Fprintf(buf, "| | | … and %d more |\n", len(gs)-summaryLimit)
				break
			}
			fmt.Fprintf(buf, "| %d | %d | %s |\n", g.requests, len(g.files), row(g))
		}
		buf.WriteString("\n")
	}
	// Labels quote the capture: cut them, so that the summary keeps to a
	// few kilobytes of the report's budget.
	table("By problem", "Requests", "Problem", s.byCause, func(g *group) string { return mdEscape(truncate(g.label, 200)) })
	table("By server", "Problems", "Server (rules)", s.byServer, func(g *group) string {
		return mdEscape(truncate(g.label, 200) + " (" + truncate(g.ruleList(), 100) + ")")
	})
	table("By origin", "Problems", "Origin (rules)", s.byOrigin, func(g *group) string {
		return mdEscape(truncate(g.label, 200) + " (" + truncate(g.ruleList(), 100) + ")")
	})
}
