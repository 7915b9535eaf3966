package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/internal/batch"
	"github.com/harcors/harcors/internal/diff"
	"github.com/harcors/harcors/internal/redact"
	"github.com/harcors/harcors/internal/textsafe"
	"github.com/harcors/harcors/report"
)

const diffUsage = `harcors diff compares two captures of the same flow, before and after a change,
problem by problem: fixed, still failing (and how it fails now), new, and
not in the other capture.

Usage:
  harcors diff [flags] BEFORE AFTER

BEFORE and AFTER are HAR files (or directories, globs, - for one of them).
Requests are matched by page origin, method, server and path pattern (ids in
the path folded to :id), as the grouped report and the baseline match them.

Flags:
`

func runDiff(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("harcors diff", flag.ContinueOnError)
	format := fset.String("format", "table", "output `format`: table, markdown or json")
	failOn := fset.String("fail-on", "error", "exit 1 when a problem still failing or new is of this `severity` or higher: error, warning, info or never")
	severity := fset.String("severity", "warning", "compare findings of this `severity` or higher")
	show := fset.Bool("show-secrets", false, "do not redact tokens in URLs")
	paths, code, done := parseSub(fset, args, diffUsage, "\nExit status: 0 nothing at or above --fail-on still fails or is new; 1 something does; 2 usage error or unreadable input.\n", stdout, stderr)
	if done {
		return code
	}
	if len(paths) != 2 {
		fmt.Fprintln(stderr, "harcors diff: name two captures, BEFORE and AFTER (harcors diff --help)")
		return exitTrouble
	}
	if paths[0] == "-" && paths[1] == "-" {
		// Both would read the same stream: the second would find it empty.
		fmt.Fprintln(stderr, "harcors diff: standard input named twice: at most one of BEFORE and AFTER can be -")
		return exitTrouble
	}
	switch *format {
	case "table", "markdown", "json":
	default:
		complain(stderr, "harcors diff: unknown format %q (table, markdown or json)", *format)
		return exitTrouble
	}
	min, err := analyze.ParseSeverity(*severity)
	if err != nil {
		complain(stderr, "harcors diff: --severity: %v", err)
		return exitTrouble
	}
	fail, err := parseFailOn(*failOn)
	if err != nil {
		complain(stderr, "harcors diff: %v", err)
		return exitTrouble
	}
	trouble := false
	read := func(path string) []*analyze.Result {
		var rs []*analyze.Result
		batch.Run(batch.Discover([]string{path}), batch.Options{Jobs: runtime.GOMAXPROCS(0), Stdin: stdin, Progress: stderr}, func(r *analyze.Result) {
			if r.Err != nil {
				complain(stderr, "harcors diff: %v", r.Err)
				trouble = true
			}
			rs = append(rs, r)
		})
		return rs
	}
	// A file that cannot be read, or only in part, is named on stderr
	// and the comparison is made of what was read, as a batch goes on
	// past a bad file; the exit status is 2 all the same.
	before, after := read(paths[0]), read(paths[1])
	d := diff.Compare(before, after, min)
	red := redact.Redactor{Show: *show}
	for i := range d.Unread {
		d.Unread[i] = red.Text(d.Unread[i])
	}
	for _, ps := range [][]diff.Problem{d.Fixed, d.StillFailing, d.New, d.Missing} {
		for i := range ps {
			ps[i].URL = red.URL(ps[i].URL)
			ps[i].Origin = red.Text(ps[i].Origin)
			ps[i].Fix = red.Text(ps[i].Fix)
			ps[i].Changed = red.Text(ps[i].Changed)
		}
	}
	var buf bytes.Buffer
	switch *format {
	case "json":
		if err := textsafe.WriteJSON(&buf, d); err != nil {
			complain(stderr, "harcors diff: %v", err)
			return exitTrouble
		}
	case "markdown":
		writeDiffMarkdown(&buf, d, paths)
	default:
		writeDiffText(&buf, d, paths)
	}
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		complain(stderr, "harcors diff: %v", err)
		return exitTrouble
	}
	if trouble {
		return exitTrouble
	}
	if w, ok := d.Worst(); ok && fail != nil && w >= *fail {
		return exitFindings
	}
	return exitOK
}

var diffSections = []struct {
	title string
	pick  func(*diff.Result) []diff.Problem
}{
	{"Still failing", func(d *diff.Result) []diff.Problem { return d.StillFailing }},
	{"New", func(d *diff.Result) []diff.Problem { return d.New }},
	{"Fixed", func(d *diff.Result) []diff.Problem { return d.Fixed }},
	{"Not in the after capture", func(d *diff.Result) []diff.Problem { return d.Missing }},
}

func writeDiffText(b *bytes.Buffer, d *diff.Result, paths []string) {
	fmt.Fprintf(b, "before: %s\nafter:  %s\n", textsafe.Escape(paths[0]), textsafe.Escape(paths[1]))
	fmt.Fprintf(b, "%d fixed, %d still failing, %d new, %d not in the after capture\n",
		len(d.Fixed), len(d.StillFailing), len(d.New), len(d.Missing))
	for _, u := range d.Unread {
		fmt.Fprintf(b, "not read in full (the comparison is of what was read): %s\n", textsafe.Escape(u))
	}
	for _, s := range diffSections {
		ps := s.pick(d)
		if len(ps) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n%s:\n", s.title)
		for _, p := range ps {
			fmt.Fprintf(b, "  %-7s %s %s from %s\n", p.Severity, textsafe.Escape(p.Method), textsafe.Escape(p.URL), textsafe.Escape(p.Origin))
			fmt.Fprintf(b, "          %s: %s\n", p.Rule, textsafe.Escape(p.Title))
			if p.Changed != "" {
				fmt.Fprintf(b, "          changed: %s\n", p.Changed)
			}
		}
	}
}

func writeDiffMarkdown(b *bytes.Buffer, d *diff.Result, paths []string) {
	fmt.Fprintf(b, "## CORS diff (harcors %s)\n\n", versionString())
	fmt.Fprintf(b, "Before: `%s` · after: `%s` · **%d fixed, %d still failing, %d new**, %d not in the after capture\n",
		strings.ReplaceAll(textsafe.Escape(paths[0]), "`", "'"), strings.ReplaceAll(textsafe.Escape(paths[1]), "`", "'"),
		len(d.Fixed), len(d.StillFailing), len(d.New), len(d.Missing))
	for _, u := range d.Unread {
		fmt.Fprintf(b, "\n> Not read in full (the comparison is of what was read): %s\n", mdText(u))
	}
	// One row per problem and server, its paths listed, as the report
	// groups them: a fix to one server's CORS layer changes every route
	// (400 routes made a 67,000-character diff, more than an issue
	// takes). Past the report's budget the rows are only counted.
	left := 0
	for _, s := range diffSections {
		rows := diffRows(s.pick(d))
		if len(rows) == 0 {
			continue
		}
		if left > 0 || b.Len() > report.MarkdownBudget-1000 {
			left += len(rows)
			continue
		}
		fmt.Fprintf(b, "\n### %s\n\n| Severity | Rule | Request | Origin | Before | After |\n| --- | --- | --- | --- | --- | --- |\n", s.title)
		for i, r := range rows {
			p := r.first
			rule := fmt.Sprintf("`%s` %s", p.Rule, mdText(p.Title))
			if p.Changed != "" {
				rule += " (now: " + mdText(p.Changed) + ")"
			}
			line := fmt.Sprintf("| %s | %s | %s %s | %s | %s | %s |\n", p.Severity, rule, mdText(p.Method), mdText(r.where()), mdText(p.Origin),
				strings.Join(p.Before, ", "), strings.Join(p.After, ", "))
			if b.Len()+len(line) > report.MarkdownBudget-1000 {
				left += len(rows) - i
				break
			}
			b.WriteString(line)
		}
	}
	if left > 0 {
		fmt.Fprintf(b, "\n%d more rows not shown here, to fit in an issue: `harcors diff --format json` lists every one.\n", left)
	}
}

// diffRow is the problems of a section that differ only by their path: one
// rule, severity, method, page origin and change on one server.
type diffRow struct {
	first  diff.Problem
	server string
	paths  []string
}

// where is the row's server and its paths, the first three named.
func (r diffRow) where() string {
	const named = 3
	s := r.server + strings.Join(r.paths[:min(named, len(r.paths))], ", ")
	if n := len(r.paths) - named; n > 0 {
		s += fmt.Sprintf(" and %d more", n)
	}
	return s
}

// diffRows folds ps into rows, in the order of their first problem.
func diffRows(ps []diff.Problem) []diffRow {
	var rows []diffRow
	at := map[string]int{}
	for _, p := range ps {
		path := diff.PathOf(p.URL)
		server := strings.TrimSuffix(p.URL, path)
		k := strings.Join([]string{p.Severity, p.Rule, p.Method, server, p.Origin, p.Changed, strings.Join(p.Before, ","), strings.Join(p.After, ",")}, "\x00")
		if i, ok := at[k]; ok {
			rows[i].paths = append(rows[i].paths, path)
			continue
		}
		at[k] = len(rows)
		rows = append(rows, diffRow{first: p, server: server, paths: []string{path}})
	}
	return rows
}
