// Command harcors finds out why a browser blocked a cross-origin request,
// from the HAR file exported in the browser's DevTools.
//
//	harcors capture.har
//	harcors --format markdown capture.har > report.md
//	harcors --fail-on warning --format sarif hars/ > harcors.sarif
//
// Run `harcors --help` for everything else.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/internal/batch"
	"github.com/harcors/harcors/internal/buildinfo"
	"github.com/harcors/harcors/internal/redact"
	"github.com/harcors/harcors/report"
)

// Exit codes, documented in --help and the README.
const (
	exitOK       = 0 // nothing at or above --fail-on
	exitFindings = 1 // findings at or above --fail-on
	exitTrouble  = 2 // usage error, or an input that could not be read (whole or in part)
)

var version = "" // set with -ldflags "-X main.version=..."; else from the module build info

func main() {
	if os.Getenv("GOGC") == "" {
		// A streamed scan keeps a live heap of a few MiB, so at the
		// default GOGC of 100 the collector ran every 4 MiB allocated:
		// 37 times on a 100 MiB capture, a sixth of the reading's CPU.
		// At 200 the 100 MiB metadata-dense capture takes 0.45 s instead
		// of 0.48 s and peaks at 81-90 MiB instead of 66-70 (bench/).
		debug.SetGCPercent(200)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if sub := subcommand(args); sub != nil {
		return sub(args[1:], stdin, stdout, stderr)
	}
	var o options
	fset := o.flagSet()

	paths, err := parseInterleaved(fset, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			printFlags(stdout, fset)
			fmt.Fprint(stdout, usageTail)
			return exitOK
		}
		complain(stderr, "harcors: %s", err)
		if name := suggestFlag(fset, err); name != "" {
			complain(stderr, "harcors: did you mean --%s?", name)
		}
		fmt.Fprintln(stderr, "harcors: harcors --help lists the flags")
		return exitTrouble
	}
	switch {
	case o.showVersion:
		fmt.Fprintln(stdout, "harcors", versionString())
		return exitOK
	case o.rules:
		// On a terminal, titles wrap under themselves to its width;
		// elsewhere a rule is one line, for scripts.
		w := math.MaxInt
		if isTerminal(stdout) {
			w = max(terminalWidth(stdout), 40)
		}
		line := func(id, severity, title string) {
			fmt.Fprintln(stdout, wrap(fmt.Sprintf("%-10s %-8s %s", id, severity, title), w, strings.Repeat(" ", 20)))
		}
		for _, r := range analyze.Rules() {
			line(r.ID, r.Severity.String(), r.Title)
		}
		for _, r := range analyze.RetiredRules() {
			line(r.ID, "retired", r.Title)
		}
		return exitOK
	case o.explain != "":
		if !explainRules(stdout, o.explain) {
			complain(stderr, "harcors: no rule or browser error named %q; harcors --rules lists the rules", o.explain)
			return exitTrouble
		}
		return exitOK
	}

	toFile := o.output != "" && o.output != "-"
	var term io.Writer = stdout // what colour and width are decided for
	if toFile {
		term = io.Discard
	}
	ropt, aopt, sopt, failOn, err := o.settings(term)
	if err != nil {
		complain(stderr, "harcors: %s", err)
		return exitTrouble
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "harcors: no input: name a HAR file, a directory or - for standard input (harcors --help)")
		return exitTrouble
	}
	out := stdout
	var outFile *outputFile
	if toFile {
		for _, p := range paths {
			if sameFile(o.output, p) {
				complain(stderr, "harcors: -o %s is also an input: the report would replace the capture; name another file", o.output)
				return exitTrouble
			}
		}
		if outFile, err = createOutput(o.output); err != nil {
			complain(stderr, "harcors: -o: %s", err)
			return exitTrouble
		}
		// Until committed, the file written is not yet at o.output.
		defer func() {
			if outFile != nil {
				outFile.discard()
			}
		}()
		out = outFile
	}

	// The one place that decides how many goroutines work at once: the
	// files read at once share the cores (batch gives each its part, for
	// its reading and analysis), the report's encoders get them all.
	workers := runtime.GOMAXPROCS(0)
	sopt.Workers = workers
	rw, err := report.NewWriter(out, sopt)
	if err != nil {
		complain(stderr, "harcors: %v", err)
		return exitTrouble
	}
	// Messages on stderr quote file names and the HAR: secrets are hidden
	// as in the report, and control characters escaped.
	red := redact.Redactor{Show: o.showSecrets}
	say := func(format string, args ...any) {
		complain(stderr, "harcors: %s", red.Text(fmt.Sprintf(format, args...)))
	}
	// Documents for people leave out a file that could not be read at
	// all: its error goes to stderr alone, so that a report on stdout
	// holds reports only. JSON and SARIF keep it, in fields of their own.
	structured := sopt.Format == report.JSON || sopt.Format == report.SARIF
	var console *consoleLog
	if o.console != "" {
		long := func(n int) {
			complain(stderr, "harcors: --console: %s:%d: a line of over 1 MiB, too long for a CORS message; skipped", o.console, n)
		}
		if console, err = readConsole(o.console, long); err != nil {
			complain(stderr, "harcors: --console: %s: %v", o.console, err)
			return exitTrouble
		}
	}
	code := exitOK
	var hidden []string                                 // problems at or above --fail-on, below --severity
	hiddenCount, hiddenProblems, hiddenNamed := 0, 0, 0 // findings; problems; problems named
	var werr error
	var clobber string // an input that is the file -o names
	onlyGroups := keepFor(sopt.Format, o.each) == analyze.KeepNone
	batch.Run(batch.Discover(paths), batch.Options{Jobs: o.jobs, Workers: workers, Stdin: stdin, Progress: stderr, Analyze: aopt, Read: ropt}, func(r *analyze.Result) {
		if r.Err != nil {
			code = exitTrouble
			say("%s", r.Err)
		}
		for _, w := range r.ReadWarnings {
			say("warning: %s", w)
		}
		if failOn != nil && r.Count(*failOn) > 0 {
			if code == exitOK {
				code = exitFindings
			}
			var names []string
			for _, g := range r.Groups {
				if g.Severity >= *failOn && g.Severity < sopt.MinSeverity {
					hiddenCount += g.Findings
					hiddenProblems++
					if hiddenNamed < maxHiddenNamed {
						hiddenNamed++
						names = append(names, fmt.Sprintf("%s %s on %s", g.Severity, g.Rule.ID, entryList(g.Entries, g.Requests)))
					}
				}
			}
			if len(names) > 0 {
				hidden = append(hidden, r.File+": "+strings.Join(names, ", "))
			}
		}
		if toFile && sameFile(o.output, r.File) {
			clobber = r.File
		}
		console.annotate(r)
		if onlyGroups {
			r.Findings = nil // kept for the console log alone
		}
		if werr == nil && (structured || r.Err == nil || r.Entries > 0) {
			werr = rw.Add(r)
		}
	})
	if werr == nil {
		werr = rw.Close()
	}
	if clobber != "" {
		// Found only as the files of a folder or a pattern were read.
		complain(stderr, "harcors: -o %s is also an input (%s): the report was not written; name another file", o.output, clobber)
		return exitTrouble
	}
	if werr == nil && outFile != nil {
		werr, outFile = outFile.commit(), nil
	}
	if werr != nil {
		complain(stderr, "harcors: %s", werr)
		return exitTrouble
	}
	if code == exitFindings && hiddenCount > 0 {
		// The exit status must not contradict what was shown: name what
		// --fail-on counted that --severity hid.
		say("exit status 1 for %d finding(s) at or above --fail-on %s that --severity %s does not show: %s%s",
			hiddenCount, *failOn, sopt.MinSeverity, strings.Join(hidden, "; "), more(hiddenProblems-hiddenNamed))
	}
	console.summary(stderr)
	return o.filter.finish(&o, code, stderr)
}

// maxHiddenNamed bounds the problems named on stderr when --severity hides
// what made the exit status 1.
const maxHiddenNamed = 10

func more(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf("; %d more problems", n)
}

// entryList names a group's first entries: "#0, #2", "#0, #2 and 5 more".
func entryList(entries []int, requests int) string {
	parts := make([]string, len(entries))
	for i, e := range entries {
		parts[i] = "#" + strconv.Itoa(e)
	}
	s := "entry " + strings.Join(parts, ", ")
	if len(entries) > 1 {
		s = "entries " + strings.Join(parts, ", ")
	}
	if n := requests - len(entries); n > 0 {
		s += fmt.Sprintf(" and %d more", n)
	}
	return s
}

// explainRules prints the documentation of the rules that name points at
// (analyze.RulesNamed), or reports that there are none.
func explainRules(stdout io.Writer, name string) bool {
	rules := analyze.RulesNamed(name)
	if len(rules) == 0 {
		return false
	}
	w := terminalWidth(stdout)
	if len(rules) > 1 {
		fmt.Fprintf(stdout, "%s is reported by %d rules:\n\n", name, len(rules))
	}
	for i, r := range rules {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprint(stdout, report.Explain(r, w))
	}
	return true
}

func versionString() string { return buildinfo.Version(version) }
