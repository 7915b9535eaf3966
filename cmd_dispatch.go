package main

import "io"

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
