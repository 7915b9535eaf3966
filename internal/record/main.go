// Command record re-records the browser HAR fixtures of harcors.
//
// It starts the scenario servers on fixed loopback ports, drives Debian's
// headless Chromium through the DevTools protocol (or Debian's Firefox ESR
// through WebDriver BiDi), and writes for every scenario the HAR as the
// browser's DevTools export it and, beside it, the browser's own verdict.
// The browser is the judge: no expected result in the fixtures is written
// by hand.
//
//	cd internal/record && go run . -out ../../testdata/hars/chromium
//	cd internal/record && go run . -browser firefox -out ../../testdata/hars/firefox
//
// See README.md in this directory.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"time"
)

func main() {
	out := flag.String("out", "", "directory for <stack>--<scenario>.har and .verdict.json (default ../../testdata/hars/<browser>)")
	browserName := flag.String("browser", "chromium", "chromium (Debian's /usr/bin/chromium, DevTools protocol) or firefox (Debian's firefox-esr, WebDriver BiDi)")
	run := flag.String("run", "", "record only the scenarios whose <stack>--<name> matches this regexp")
	parallel := flag.Int("parallel", 4, "scenarios recorded at the same time (one tab each)")
	list := flag.Bool("list", false, "list the scenarios and exit")
	shapes := flag.Bool("shapes", false, "convert the recorded Chromium HARs (-out) into other exporters' shapes under -shapes-out")
	shapesOut := flag.String("shapes-out", "../../testdata/hars/shapes", "directory for -shapes")
	table := flag.Bool("table", false, "print the Markdown table of the recorded verdicts in -out (for README.md) and exit")
	flag.Parse()
	if *out == "" {
		*out = "../../testdata/hars/" + *browserName
	}

	if err := checkScenarios(); err != nil {
		fmt.Fprintln(os.Stderr, "record:", err)
		os.Exit(2)
	}
	if *list {
		for _, s := range allScenarios {
			fmt.Printf("%-45s %s\n", s.ID(), s.Description)
		}
		return
	}
	if *table {
		if err := printTable(os.Stdout, *out); err != nil {
			fmt.Fprintln(os.Stderr, "record -table:", err)
			os.Exit(1)
		}
		return
	}
	if *shapes {
		n, err := convertShapes(*out, *shapesOut)
		if err != nil {
			fmt.Fprintln(os.Stderr, "record -shapes:", err)
			os.Exit(1)
		}
		fmt.Printf("wrote %d converted HARs under %s\n", n, *shapesOut)
		return
	}
	var re *regexp.Regexp
	if *run != "" {
		var err error
		if re, err = regexp.Compile(*run); err != nil {
			fmt.Fprintln(os.Stderr, "record: -run:", err)
			os.Exit(2)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	sum, err := Record(ctx, Options{Out: *out, Match: re, Parallel: *parallel, Log: os.Stdout, Browser: *browserName})
	if err != nil {
		fmt.Fprintln(os.Stderr, "record:", err)
		os.Exit(1)
	}
	fmt.Printf("recorded %d scenarios (%d skipped) with %s in %s\n", sum.Recorded, sum.Skipped, sum.Browser, time.Since(start).Round(time.Second))
}
