package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite README.md's table of verdicts from the recordings")

// TestREADMETable: the table of Chromium's verdicts in README.md is what
// -table prints from the committed recordings, so that it cannot fall
// behind them (it listed 158 of the 512 recorded requests when this test came).
func TestREADMETable(t *testing.T) {
	const heading = "## Scenarios and Chromium's verdicts\n"
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(readme, []byte(heading))
	if i < 0 {
		t.Fatalf("README.md has no %q section", strings.TrimSpace(heading))
	}
	start := bytes.Index(readme[i:], []byte("\n| "))
	if start < 0 {
		t.Fatal("README.md: the section has no table")
	}
	start += i + 1
	end := bytes.Index(readme[start:], []byte("\n\n"))
	if end < 0 {
		end = len(readme)
	} else {
		end += start + 1
	}
	var want bytes.Buffer
	if err := printTable(&want, filepath.Join("..", "..", "testdata", "hars", "chromium")); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(readme[start:end], want.Bytes()) {
		return
	}
	if *updateREADME {
		out := append(append(append([]byte{}, readme[:start]...), want.Bytes()...), readme[end:]...)
		if err := os.WriteFile("README.md", out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's table of verdicts differs from the recordings: run go test -run TestREADMETable -update-readme . and review the diff")
}
