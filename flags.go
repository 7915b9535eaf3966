package main

// The flags of the default command (harcors [flags] PATH...), its help,
// and the settings they become for the reader, the analysis and the report.

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/memlimit"
	"github.com/harcors/harcors/report"
	"golang.org/x/term"
)

const usage = `harcors finds out why a browser blocked a cross-origin request, from a HAR file.

Usage:
  harcors [flags] PATH...
  harcors sanitize IN [-o OUT]     a copy of a HAR that is safe to attach
  harcors explain [MESSAGE...|-]   a pasted console CORS message explained
  harcors diff BEFORE AFTER        two captures compared, before and after a fix

PATH is a HAR file (.har, or gzip-compressed .har.gz; compression is detected
from the content), a Playwright .zip (its .har member), a directory (searched
recursively for *.har and *.har.gz), a glob such as 'captures/**/*.har', or -
for standard input.

For every cross-origin request harcors pairs the OPTIONS preflight with the
request it was made for, runs the checks the browser runs, in Chromium's
order, and reports each failure with the check that failed in the browser's
own words, the cause on the server side, and the fix for the server stack it
recognises.

Examples:
  # Why was my request blocked? (export the HAR from DevTools: Network panel,
  # right-click, "Save all as HAR"; tick "Disable cache" before recording)
  harcors capture.har

  # Every cross-origin request with its verdict and preflight cost
  harcors --all capture.har

  # A report to paste into a bug tracker (secrets are redacted)
  harcors --format markdown capture.har > cors-report.md

  # CI: scan a folder of saved HARs, fail the build on any warning
  harcors --fail-on warning --format sarif captures/ > harcors.sarif

  # What does a rule mean? Which rules exist?
  harcors --explain CORS-P02
  harcors --rules

Flags:
`

const usageTail = `
Exit status:
  0  nothing at or above --fail-on was found
  1  findings at or above --fail-on (default: error, i.e. a request the browser blocked)
  2  usage error, or an input that could not be read (whole or in part); every
     other input is still analysed and reported

Environment:
  NO_COLOR  when set, output is never coloured

Secrets (Cookie, Set-Cookie, Authorization, API keys, tokens in URLs, JWTs)
are redacted in every format unless --show-secrets is given.
`

// options holds the flags as given; settings turns them into the
// reader's, the analysis's and the report's options.
type options struct {
	format          string
	all             bool
	failOn          string
	severity        string
	ignore          multi
	showSecrets     bool
	explain         string
	rules           bool
	showVersion     bool
	color           string
	stack           string
	jobs            int
	maxDecompressed string
	each            bool
	width           int
	baseline        string
	writeBaseline   string
	filter          *filterSettings // --ignore by host or URL, --baseline (cmd_baseline.go)
	output          string
	console         string
}

// flagSet defines the command's flags on o. The flag package would echo a
// bad flag raw, and print the whole help after it: run says what is wrong
// itself, so the set writes nothing.
func (o *options) flagSet() *flag.FlagSet {
	fset := flag.NewFlagSet("harcors", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	fset.Usage = func() {}
	fset.StringVar(&o.format, "format", "table", "output `format`: table, markdown, json, sarif or html")
	fset.BoolVar(&o.each, "each", false, "list every finding on a row of its own, instead of one row per problem (table and markdown)")
	fset.IntVar(&o.width, "width", 0, "fit the table in `N` columns, at least 60 (default: the terminal's width, else $COLUMNS, else 80)")
	fset.BoolVar(&o.all, "all", false, "also list every cross-origin request with its verdict, passes included")
	fset.StringVar(&o.failOn, "fail-on", "error", "exit 1 when a finding of this `severity` or higher is found: error, warning, info or never")
	fset.StringVar(&o.severity, "severity", "", "show findings of this `severity` or higher: error, warning or info (default warning; json: info)")
	fset.StringVar(&o.stack, "stack", "", "write causes and fixes for server stack `NAME` (express, django, flask, go, rs/cors, gin, nginx, apache, vite, webpack, next, laravel, php, fastapi, caddy, rack) when harcors does not recognise it")
	fset.Var(&o.ignore, "ignore", "drop findings of `RULE`, or of a host (api.example.com, *.example.com) or URL pattern (https://api.example.com/v1/*) (repeatable, or comma-separated)")
	fset.StringVar(&o.baseline, "baseline", "", "accept the findings listed in `FILE` (written by --write-baseline): only new ones are shown and fail")
	fset.StringVar(&o.console, "console", "", "match the browser console log saved in `FILE` to the findings: which it confirms or contradicts")
	fset.StringVar(&o.writeBaseline, "write-baseline", "", "write the findings' fingerprints to `FILE`, for --baseline; the exit status then ignores findings")
	fset.BoolVar(&o.showSecrets, "show-secrets", false, "do not redact cookies, Authorization, API keys and tokens")
	fset.StringVar(&o.explain, "explain", "", "print the documentation of rule `ID` (or of the rules of a browser error name, such as PreflightMissingAllowOriginHeader or CORSMissingAllowOrigin) and exit")
	fset.BoolVar(&o.rules, "rules", false, "list the rules and exit")
	fset.BoolVar(&o.showVersion, "version", false, "print the version and exit")
	fset.StringVar(&o.color, "color", "auto", "colour the table: auto (on a terminal, unless NO_COLOR is set), always or never")
	fset.IntVar(&o.jobs, "jobs", runtime.GOMAXPROCS(0), "read this many files at once")
	fset.StringVar(&o.maxDecompressed, "max-decompressed", "4GiB", "refuse gzip input that expands past this `size` (e.g. 512MiB, 8GiB)")
	fset.StringVar(&o.output, "o", "", "write the report to `FILE` instead of standard output")
	return fset
}

// multi is a flag that may be given more than once, each value a
// comma-separated list.
type multi []string

func (m *multi) String() string { return strings.Join(*m, ",") }

func (m *multi) Set(s string) error { *m = append(*m, strings.Split(s, ",")...); return nil }

// printFlags writes fset's flags as the flag package does, but with two
// dashes before every name longer than one letter (--format, -o), as the
// examples, the README and the did-you-mean spell them: both forms work,
// and a help that shows one while teaching the other reads as a mistake.
func printFlags(w io.Writer, fset *flag.FlagSet) {
	var b strings.Builder
	fset.SetOutput(&b)
	fset.PrintDefaults()
	fset.SetOutput(io.Discard)
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if name, ok := strings.CutPrefix(line, "  -"); ok {
			if n, _, _ := strings.Cut(strings.TrimRight(name, "\n"), " "); len(n) > 1 {
				line = "  --" + name
			}
		}
		io.WriteString(w, line)
	}
}

// suggestFlag returns the defined flag nearest to the unknown one err
// names, when it is near enough to be a slip: "did you mean --format?".
func suggestFlag(fset *flag.FlagSet, err error) string {
	const prefix = "flag provided but not defined: -"
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		return ""
	}
	name := strings.TrimLeft(strings.TrimPrefix(msg, prefix), "-")
	best, bestD := "", 3
	fset.VisitAll(func(f *flag.Flag) {
		if len(f.Name) < 2 {
			return
		}
		d := editDistance(strings.ToLower(name), f.Name)
		if strings.HasPrefix(f.Name, name) && len(name) >= 3 {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}

// editDistance is the Damerau-Levenshtein distance (adjacent
// transpositions count one), on bytes.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// parseInterleaved lets flags come after paths too (harcors x.har --all),
// which the flag package alone does not.
func parseInterleaved(fset *flag.FlagSet, args []string) ([]string, error) {
	var paths []string
	for {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		rest := fset.Args()
		if len(rest) == 0 {
			return paths, nil
		}
		// Everything after a literal "--" is a path.
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(paths, rest...), nil
		}
		paths = append(paths, rest[0])
		args = rest[1:]
	}
}

func (o *options) settings(stdout io.Writer) (har.Options, analyze.Options, report.Options, *analyze.Severity, error) {
	var ropt har.Options
	var aopt analyze.Options
	var sopt report.Options
	f, err := report.ParseFormat(o.format)
	if err != nil {
		return ropt, aopt, sopt, nil, err
	}
	sopt.Format = f
	sopt.All = o.all
	// Only JSON and --all list every request; the others need findings only.
	aopt.NoRequests = !o.all && f != report.JSON
	aopt.Keep = keepFor(f, o.each)
	if o.console != "" && aopt.Keep == analyze.KeepNone {
		// The console log is matched finding by finding, then said
		// on each group's sample (consoleLog.annotate).
		aopt.Keep = analyze.KeepLight
	}
	if aopt.Keep != analyze.KeepNone && os.Getenv("GOGC") == "" {
		// Kept findings are live until the report is written: at GOGC 200
		// alone the heap would grow to three times them (a JSON report of
		// a 1 GiB capture with 30,170 findings peaked at 192 MiB, 108 at
		// GOGC 100). A soft limit bounds it instead: the report with
		// 44,951 findings peaks at 111 MiB under it. GOGC stays at 200
		// below the limit, as in every run: at 100 the collector ran 25
		// times instead of 13 on that report, which took 3% longer
		// (median of 15 pairs), for the same peak. A run whose live heap nears the limit
		// (a JSON report listing 400,000 requests) would collect back to
		// back: the limit lifts itself then, and GOGC becomes 100, which
		// then bounds the heap alone (memlimit).
		if os.Getenv("GOMEMLIMIT") == "" {
			memlimit.Soft(keepMemoryLimit, 100)
		} else {
			debug.SetGCPercent(100)
		}
	}
	sopt.ShowSecrets = o.showSecrets
	// Cookie values are hidden wherever they reappear (a tracker echoing
	// one in a query string), so the analysis collects them.
	aopt.CookieValues = !o.showSecrets
	sopt.Version = versionString()
	sopt.MinSeverity = report.DefaultMinSeverity(f)
	if o.severity != "" {
		s, err := analyze.ParseSeverity(o.severity)
		if err != nil {
			return ropt, aopt, sopt, nil, fmt.Errorf("--severity: %v", err)
		}
		sopt.MinSeverity = s
	}
	failOn, err := parseFailOn(o.failOn)
	if err != nil {
		return ropt, aopt, sopt, nil, err
	}
	rules, urls, err := parseIgnore(o.ignore)
	if err != nil {
		return ropt, aopt, sopt, nil, fmt.Errorf("--ignore: %v", err)
	}
	aopt.Ignore = rules
	o.filter = &filterSettings{urls: urls}
	if o.baseline != "" {
		if o.filter.baseline, err = readBaseline(o.baseline); err != nil {
			return ropt, aopt, sopt, nil, fmt.Errorf("--baseline: %v", err)
		}
	}
	if o.writeBaseline != "" {
		o.filter.bw = &baselineWriter{}
	}
	if o.filter.active() {
		aopt.Drop = o.filter.drop
	}
	if o.stack != "" {
		s, err := analyze.ParseStack(o.stack)
		if err != nil {
			return ropt, aopt, sopt, nil, fmt.Errorf("--stack: %v", err)
		}
		aopt.Stack = s
	}
	switch o.color {
	case "always":
		sopt.Color = true
	case "never":
	case "auto":
		sopt.Color = os.Getenv("NO_COLOR") == "" && isTerminal(stdout)
	default:
		return ropt, aopt, sopt, nil, fmt.Errorf("--color: want auto, always or never, not %q", o.color)
	}
	if sopt.Color && os.Getenv("NO_COLOR") != "" {
		sopt.Color = false
	}
	if o.width < 0 {
		return ropt, aopt, sopt, nil, fmt.Errorf("--width: want a number of columns, not %d", o.width)
	}
	sopt.Width = o.width
	if sopt.Width == 0 {
		sopt.Width = terminalWidth(stdout)
	}
	sopt.Each = o.each
	n, err := parseSize(o.maxDecompressed)
	if err != nil {
		return ropt, aopt, sopt, nil, fmt.Errorf("--max-decompressed: %v", err)
	}
	ropt.MaxDecompressed = n
	if o.jobs < 1 {
		o.jobs = 1
	}
	return ropt, aopt, sopt, failOn, nil
}

// parseSize reads 512MiB, 4GiB, 100MB, 1048576.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}} {
		if strings.HasSuffix(strings.ToUpper(t), strings.ToUpper(u.suffix)) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a size (examples: 512MiB, 4GiB)", s)
	}
	return n * mult, nil
}

// keepMemoryLimit is the soft memory limit of a run that keeps findings.
const keepMemoryLimit = 110 << 20

// keepFor is the findings a report in format f needs one by one: the
// reports of groups need none (memory then does not grow with the number
// of findings), JSON and the table's --each need each finding but not its
// entries, and Markdown's --each shows every finding's headers.
func keepFor(f report.Format, each bool) analyze.Keep {
	switch {
	case f == report.JSON, f == report.Table && each:
		return analyze.KeepLight
	case f == report.Markdown && each:
		return analyze.KeepAll
	case f == report.Table, f == report.Markdown, f == report.SARIF, f == report.HTML:
		return analyze.KeepNone
	}
	return analyze.KeepAll
}

// isTerminal reports whether w is a terminal. It asks the terminal (isatty),
// not the file's mode: /dev/null is a character device too.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// defaultTableWidth is the table width when neither the terminal nor
// $COLUMNS says: what every terminal shows without wrapping.
const defaultTableWidth = 80

// terminalWidth is the width the table must fit, as the gh CLI finds it:
// the terminal's own size when w is one, else $COLUMNS (shells export it
// on request), else 80.
func terminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if c, _, err := term.GetSize(int(f.Fd())); err == nil && c >= 40 {
			return c
		}
	}
	if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && c >= 40 {
		return c
	}
	return defaultTableWidth
}

// parseFailOn reads --fail-on: the least severity that makes the exit
// status 1, or nil for never.
func parseFailOn(v string) (*analyze.Severity, error) {
	if v == "never" {
		return nil, nil
	}
	s, err := analyze.ParseSeverity(v)
	if err != nil {
		return nil, fmt.Errorf("--fail-on: unknown severity %q (want error, warning, info or never)", v)
	}
	return &s, nil
}
