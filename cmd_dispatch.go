package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// subcommands run instead of the default scan when they are the first
// argument. A HAR file named like one is read as ./diff, or after --.
var subcommands = map[string]func(args []string, stdin io.Reader, stdout, stderr io.Writer) int{
	"sanitize": runSanitize,
	"explain":  runExplain,
	"diff":     runDiff,
}

// subcommand returns the subcommand args name, if any.
func subcommand(args []string) func([]string, io.Reader, io.Writer, io.Writer) int {
	if len(args) == 0 {
		return nil
	}
	return subcommands[args[0]]
}

// parseSub parses a subcommand's arguments as the main command does: --help
// prints the usage on standard output (exit 0, done true); a bad flag is
// named on standard error without the whole help (exit 2, done true).
func parseSub(fset *flag.FlagSet, args []string, usage, tail string, stdout, stderr io.Writer) (paths []string, code int, done bool) {
	fset.SetOutput(io.Discard)
	fset.Usage = func() {}
	paths, err := parseInterleaved(fset, args)
	if err == nil {
		return paths, 0, false
	}
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		fset.SetOutput(stdout)
		fset.PrintDefaults()
		fmt.Fprint(stdout, tail)
		return nil, exitOK, true
	}
	fmt.Fprintf(stderr, "%s: %s (%s --help)\n", fset.Name(), escapeControl(err.Error()), fset.Name())
	return nil, exitTrouble, true
}
