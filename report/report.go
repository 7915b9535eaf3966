// Package report renders analysis results for people and for programs: a
// terminal table (the default), Markdown for bug reports, JSON (the
// harcors/v1 contract) and SARIF 2.1.0 for code-scanning UIs.
//
// Every format is safe to share: secrets from the HAR (cookies,
// Authorization, API keys, tokens in URLs, JWTs) are redacted unless
// Options.ShowSecrets is set, and control characters, terminal escape
// sequences and bidi overrides from the HAR are never written raw. Both rules
// live in one place each (redact.go, sanitize.go) and every string that came
// from the HAR passes through them before a format sees it.
package report

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/textsafe"
)

// Format names an output format.
type Format string

// The formats.
const (
	Table    Format = "table"
	Markdown Format = "markdown"
	JSON     Format = "json"
	SARIF    Format = "sarif"
	HTML     Format = "html"
)

// Formats lists the formats, the default first.
func Formats() []Format { return []Format{Table, Markdown, JSON, SARIF, HTML} }

// ParseFormat parses a --format value, case-insensitively; "md" is
// Markdown and "text" the table. The empty string is the table.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "table", "text":
		return Table, nil
	case "markdown", "md":
		return Markdown, nil
	case "json":
		return JSON, nil
	case "sarif":
		return SARIF, nil
	case "html":
		return HTML, nil
	}
	return "", fmt.Errorf("unknown format %q (want table, markdown, json, sarif or html)", s)
}

// Options control rendering.
type Options struct {
	// Format is the output format; "" is Table.
	Format Format
	// All lists every cross-origin request with its verdict (pass
	// included) and the time its preflight took, after the findings. JSON
	// always includes them.
	All bool
	// MinSeverity hides findings below it, in every format. It is taken
	// as given: its zero value, analyze.Info, shows everything, so that
	// "--severity info" means what it says. DefaultMinSeverity gives the
	// usual choice per format.
	MinSeverity analyze.Severity
	// ShowSecrets turns redaction off. Without it, cookie values,
	// credentials, API keys, tokens in URLs and JWTs never reach the
	// output.
	ShowSecrets bool
	// Color adds ANSI colour to the table's severity and verdict words.
	// The caller decides (a terminal, NO_COLOR); other formats ignore it.
	Color bool
	// Width is the terminal width the table must fit; 0 means 100. Values
	// below 60 are taken as 60: narrower tables cannot hold a cause.
	Width int
	// Version is harcors' version, for the JSON and SARIF tool information.
	Version string
	// ShowHidden is what shows the problems below MinSeverity, named in
	// the note that counts them; "" is the command's flag, "--severity
	// info". The web page names its checkbox.
	ShowHidden string
	// Workers is how many goroutines may draw a long table or encode a
	// long JSON list at once, the caller's included; 1 keeps all on the
	// caller's goroutine. 0 means runtime.GOMAXPROCS(0).
	Workers int

	// known holds the cookie values (analyze.Result.CookieValues) of the
	// results added so far, redacted wherever they reappear. Writer fills
	// it; it is shared by every copy of the Options.
	known map[string]bool
	// spill writes out what a table drawn so far holds (Writer sets it):
	// see drawing.
	spill func(*bytes.Buffer) error
	// Each lists every finding, one row each, instead of one row per
	// group of findings that need the same fix (the table and Markdown).
	Each bool
}

// defaultWidth is the table width when Options.Width is 0: wide enough for
// the six-column layout's narrow form, narrow enough for a split terminal.
const defaultWidth = 100

// minWidth is the narrowest table we lay out.
const minWidth = 60

// Render writes results, in the order given, in opt.Format. A result whose
// Err is set is shown with its error and with the findings of what was read
// before it. The output is built in memory and written at once, so a format
// error leaves w untouched; Writer writes a table file by file instead.
func Render(w io.Writer, results []*analyze.Result, opt Options) error {
	var buf bytes.Buffer
	rw, err := NewWriter(&buf, opt)
	if err != nil {
		return err
	}
	for _, r := range results {
		if err := rw.Add(r); err != nil {
			return err
		}
	}
	if err := rw.Close(); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// DefaultMinSeverity is the minimum severity to show in format f when the
// user chose none: analyze.Warning for the table, Markdown and SARIF, whose
// readers are people (info findings, such as a preflight cache that could
// be longer, are noise there, and in code scanning alerts to dismiss), and
// analyze.Info for JSON, whose readers are programs that filter for
// themselves.
func DefaultMinSeverity(f Format) analyze.Severity {
	if f == JSON {
		return analyze.Info
	}
	return analyze.Warning
}

// fileView is one result with its groups and findings filtered for
// display.
type fileView struct {
	res *analyze.Result
	// groups are the groups at or above the minimum severity; hiddenGroups
	// counts the others, and hiddenFindings the findings in them.
	groups         []*analyze.Group
	hiddenGroups   int
	hiddenFindings int
	// shown are the findings at or above the minimum severity, one by one,
	// for the reports that list every finding (JSON, --each); hidden counts
	// the others. Empty when the analysis kept no findings.
	shown  []*analyze.Finding
	hidden int
	min    analyze.Severity
	// showHidden is Options.ShowHidden.
	showHidden string
}

func views(results []*analyze.Result, opt Options) []fileView {
	vs := make([]fileView, 0, len(results))
	for _, r := range results {
		if r != nil {
			vs = append(vs, view(r, opt))
		}
	}
	return vs
}

// captureFacts is what every format says of what a capture holds:
// "recorded by" creator (already cleaned for the format; none when empty),
// its entries, its cross-origin requests and its preflights paired.
func captureFacts(r *analyze.Result, creator string) []string {
	var facts []string
	if creator != "" {
		facts = append(facts, "recorded by "+creator)
	}
	return append(facts, plural(r.Entries, "entry", "entries"),
		plural(r.CrossOrigin, "cross-origin request", "cross-origin requests"),
		fmt.Sprintf("%d/%d preflights paired", r.Paired, r.Preflights))
}

// clean reports whether v has nothing to show beyond its counts: no
// problem at the shown severities, no reading error, no read warning. A
// batch's Markdown and HTML list such files in one line each, after the
// files with problems, instead of a section each: 31 clean captures of 39
// took room that the problems' details needed.
func (v fileView) clean() bool {
	return len(v.groups) == 0 && v.res.Err == nil && len(v.res.ReadWarnings) == 0
}

// problemsFirst orders vs for a batch's Markdown and HTML: the files with
// something to show first, the clean ones after them, each in their own
// order. It returns how many are clean.
func problemsFirst(vs []fileView) ([]fileView, int) {
	out := make([]fileView, 0, len(vs))
	for _, v := range vs {
		if !v.clean() {
			out = append(out, v)
		}
	}
	clean := len(vs) - len(out)
	for _, v := range vs {
		if v.clean() {
			out = append(out, v)
		}
	}
	return out, clean
}

// view filters r's groups and findings for display.
func view(r *analyze.Result, opt Options) fileView {
	v := fileView{res: r, min: opt.MinSeverity, showHidden: opt.ShowHidden}
	for _, g := range r.Groups {
		if g.Severity >= v.min {
			v.groups = append(v.groups, g)
		} else {
			v.hiddenGroups++
			v.hiddenFindings += g.Findings
		}
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Severity >= v.min {
			v.shown = append(v.shown, f)
		} else {
			v.hidden++
		}
	}
	return v
}

// problems counts the shown groups by severity.
func (v fileView) problems() severityCounts {
	var c severityCounts
	for _, g := range v.groups {
		c = addCount(c, g.Severity)
	}
	return c
}

// requests counts the requests with a shown finding.
func (v fileView) requests() int {
	return v.res.Affected(v.min)
}

// problemLine is "3 problems (1 error, 2 warnings) in 58 requests", or
// "no findings".
func (v fileView) problemLine() string {
	c := v.problems()
	n := c.total()
	if n == 0 {
		return "no findings"
	}
	return fmt.Sprintf("%s (%s) in %s", plural(n, "problem", "problems"), c, plural(v.requests(), "request", "requests"))
}

// hiddenNote is "(2 problems below warning not shown: --severity info shows
// them)", or "".
func (v fileView) hiddenNote() string {
	if v.hiddenGroups == 0 {
		return ""
	}
	how := v.showHidden
	if how == "" {
		how = "--severity info"
	}
	return fmt.Sprintf("(%s below %s not shown: %s shows %s)",
		plural(v.hiddenGroups, "problem", "problems"), v.min, how, itThem(v.hiddenGroups))
}

func itThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// severityCounts counts findings by severity.
type severityCounts struct{ errors, warnings, infos int }

func countSeverities(fs []*analyze.Finding) severityCounts {
	var c severityCounts
	for _, f := range fs {
		c = addCount(c, f.Severity)
	}
	return c
}

func (c severityCounts) total() int { return c.errors + c.warnings + c.infos }

// String is "2 errors, 1 warning" (zero counts left out, "no findings" when
// all are zero).
func (c severityCounts) String() string {
	var parts []string
	if c.errors > 0 {
		parts = append(parts, plural(c.errors, "error", "errors"))
	}
	if c.warnings > 0 {
		parts = append(parts, plural(c.warnings, "warning", "warnings"))
	}
	if c.infos > 0 {
		parts = append(parts, plural(c.infos, "info", "info"))
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// cleaner makes strings from the HAR safe for one output: redacted, and for
// the formats that people read raw, sanitized.
type cleaner struct {
	red     redactor
	visible bool // sanitize (table, Markdown, SARIF); JSON escapes at the byte level instead
	// exchanges holds the Markdown tables of exchanges already rendered:
	// every finding on an entry repeats its exchange, and a crafted entry
	// can carry thousands of findings. nil outside Markdown.
	exchanges map[exchangeKey]string
}

func newCleaner(opt Options, visible bool) cleaner {
	return cleaner{red: redactor{show: opt.ShowSecrets, known: opt.known}, visible: visible}
}

// text cleans free text: a cause, a message, a fix, a value, an origin.
func (c cleaner) text(s string) string {
	s = c.red.text(s)
	if c.visible {
		s = textsafe.Escape(s)
	}
	return s
}

// status cleans the status line of e's response. Its status text is the
// server's free text, where an error can name its token ("401 token=…
// expired"): assignments are hidden before the free-text rules.
func (c cleaner) status(e *har.Entry) string {
	red := c.red.core()
	return c.text(red.Assignments(statusLine(e)))
}

// url cleans a URL.
func (c cleaner) url(s string) string {
	s = c.red.url(s)
	if c.visible {
		s = textsafe.Escape(s)
	}
	return s
}

// header cleans the value of header name.
func (c cleaner) header(name, value string) string {
	v := c.red.header(name, value)
	if c.visible {
		v = textsafe.Escape(v)
	}
	return v
}

// plain sanitizes a string that holds no secret but may come from the HAR
// or the file system (a file name, a creator, a header name).
func (c cleaner) plain(s string) string {
	if c.visible {
		return textsafe.Escape(s)
	}
	return s
}

// errText is the cleaned text of a reading error, whose message may quote
// the HAR.
func (c cleaner) errText(err error) string {
	if err == nil {
		return ""
	}
	return c.text(err.Error())
}

// stackName is the name of the stack a fix was written for, "" for the
// generic fix.
func stackName(s analyze.Stack) string {
	if s == analyze.Generic {
		return ""
	}
	return s.Name()
}

// workers is Options.Workers, 0 resolved.
// drawing is how a table is drawn with these options.
func (o *Options) drawing() drawing {
	return drawing{workers: o.workers(), spill: o.spill}
}

func (o *Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// statusText is a response's status as the reports write it: "(none)"
// when there was no response (0, or Playwright's -1).
func statusText(n int) string {
	if n <= 0 {
		return "(none)"
	}
	return strconv.Itoa(n)
}

// affectedStatus is the status shown beside an affected request: that of
// the response that failed the check, named the preflight's when it is
// (the request itself was then never sent, and its own status would read
// as a response it never got).
func affectedStatus(a analyze.Affected) string {
	if a.AtPreflight && a.Status > 0 {
		return "preflight " + strconv.Itoa(a.Status)
	}
	return statusText(a.Status)
}
