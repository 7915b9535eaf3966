package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/harcors/harcors/internal/textsafe"
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
		printFlags(stdout, fset)
		fmt.Fprint(stdout, tail)
		return nil, exitOK, true
	}
	complain(stderr, "%s: %s (%s --help)", fset.Name(), err, fset.Name())
	return nil, exitTrouble, true
}

// complain writes one line to w, standard error: the message, with what
// it quotes escaped (a file name reached by a glob, an error that quotes a
// HAR or a console log), so that no escape sequence or bidi control in
// them reaches the terminal. Every command's messages go through it.
func complain(w io.Writer, format string, args ...any) {
	fmt.Fprintln(w, textsafe.Escape(fmt.Sprintf(format, args...)))
}
