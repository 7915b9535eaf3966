package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStreamsKeptApart: reports on stdout; errors, warnings and what made
// the exit status on stderr.
func TestStreamsKeptApart(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "testdata/no-such.har")
	if code != exitTrouble || stdout != "" || !strings.Contains(stderr, "harcors: stat testdata/no-such.har: no such file") {
		t.Errorf("missing file: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// JSON and SARIF keep the error in the document too.
	_, stdout, _ = runCLI(t, "", "--format", "json", "testdata/no-such.har")
	if !strings.Contains(stdout, `"error": "stat testdata/no-such.har`) {
		t.Errorf("json lost the error:\n%s", stdout)
	}

	// A skipped entry and a field of the wrong type: warnings, in JSON
	// and SARIF as on stderr.
	data, err := os.ReadFile(blockedHAR)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), `"entries": [`, `"entries": [null, `, 1)
	if s == string(data) {
		t.Fatal("fixture layout changed")
	}
	path := filepath.Join(t.TempDir(), "skipped.har")
	os.WriteFile(path, []byte(s), 0o644)
	_, stdout, stderr = runCLI(t, "", "--format", "json", path)
	var doc struct{ Files []struct{ Warnings []string } }
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	const skipped = "expected an entry object, found null; skipped"
	if len(doc.Files) != 1 || len(doc.Files[0].Warnings) != 1 || !strings.Contains(doc.Files[0].Warnings[0], skipped) {
		t.Errorf("json warnings: %+v", doc.Files)
	}
	if !strings.Contains(stderr, "harcors: warning: "+path) || !strings.Contains(stderr, skipped) {
		t.Errorf("stderr does not carry the warning: %q", stderr)
	}
	_, stdout, _ = runCLI(t, "", "--format", "sarif", path)
	if !strings.Contains(stdout, `"level": "warning"`) || !strings.Contains(stdout, skipped) {
		t.Errorf("sarif lacks the warning notification:\n%.3000s", stdout)
	}

	// Two "entries" members: an error, exit 2.
	two := strings.Replace(string(data), `"entries": [`, `"entries": [], "entries": [`, 1)
	os.WriteFile(path, []byte(two), 0o644)
	code, _, stderr = runCLI(t, "", path)
	if code != exitTrouble || !strings.Contains(stderr, `a second "entries" member`) {
		t.Errorf("two entries members: exit %d, stderr %q", code, stderr)
	}
}

// TestExitNamesHiddenFindings: --fail-on info with --severity error exits 1
// for findings the report does not show; stderr names them.
func TestExitNamesHiddenFindings(t *testing.T) {
	const warnOnly = "testdata/hars/chromium/go--max-age-acah-star-authorization.har"
	code, stdout, stderr := runCLI(t, "", "--fail-on", "info", "--severity", "error", warnOnly)
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(stdout, "CORS-P18") {
		t.Fatalf("--severity error shows a warning:\n%s", stdout)
	}
	for _, want := range []string{"exit status 1 for 3 finding(s) at or above --fail-on info that --severity error does not show", warnOnly + ": warning CORS-P18 on entries #0, #2, info CORS-P21 on entry #2"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, stderr)
		}
	}
	// Nothing to say when the report shows them.
	if _, _, stderr := runCLI(t, "", "--fail-on", "warning", warnOnly); strings.Contains(stderr, "exit status") {
		t.Errorf("stderr: %s", stderr)
	}
}

// TestBadFlags: a slip gets a suggestion and no help dump; a flag name is
// echoed with its control characters escaped.
func TestBadFlags(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "--formt", "json", blockedHAR)
	if code != exitTrouble || stdout != "" || !strings.Contains(stderr, "did you mean --format?") || strings.Contains(stderr, "Examples:") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, c := range []struct{ flag, suggest string }{{"--fail-no", "fail-on"}, {"--severty", "severity"}, {"--jbos", "jobs"}, {"--show-secret", "show-secrets"}, {"--zzzzzz", ""}} {
		_, _, stderr := runCLI(t, "", c.flag, blockedHAR)
		if got := strings.Contains(stderr, "did you mean --"+c.suggest+"?"); c.suggest != "" && !got || c.suggest == "" && strings.Contains(stderr, "did you mean") {
			t.Errorf("%s: stderr %q, want a suggestion of %q", c.flag, stderr, c.suggest)
		}
	}
	// A file named like this, reached by `harcors *`, is taken for a
	// flag: OSC 52 would set the terminal's clipboard.
	// The Arabic letter mark and the line separator are escaped as the
	// report escapes them: stderr goes through the same escaper.
	_, _, stderr = runCLI(t, "", "-\x1b]52;c;aGVsbG8\x07\u202e\u061c\u2028", blockedHAR)
	if strings.ContainsAny(stderr, "\x1b\x07\u202e\u061c\u2028") || !strings.Contains(stderr, `\x1b]52;c;aGVsbG8\x07\u202e\u061c\u2028`) {
		t.Errorf("stderr %q", stderr)
	}
}

// TestMessagesEscaped: a file named with a terminal escape (OSC 52 writes
// the clipboard) and a bidi override, reached by a glob, is quoted on
// standard error by every command with them escaped, whatever the message.
func TestMessagesEscaped(t *testing.T) {
	dir := t.TempDir()
	const hostile = "x\x1b]52;c;aGk=\x07\u202e"
	bad := filepath.Join(dir, hostile+".har")
	if err := os.WriteFile(bad, []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	console := filepath.Join(dir, hostile+".log")
	if err := os.WriteFile(console, []byte("nothing about CORS\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{bad},
		{"sanitize", bad},
		{"diff", bad, bad},
		{"explain", "--format", "nosuch" + hostile},
		{"--console", console, blockedHAR},
		{"--baseline", filepath.Join(dir, hostile+".json"), blockedHAR},
		{"--write-baseline", filepath.Join(dir, hostile, "b.json"), blockedHAR},
	} {
		_, _, stderr := runCLI(t, "", args...)
		if stderr == "" || strings.ContainsAny(stderr, "\x1b\x07\u202e") {
			t.Errorf("%q: stderr %q", args, stderr)
		}
	}
}

func TestOutputFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	code, stdout, _ := runCLI(t, "", "-o", path, "--format", "json", blockedHAR)
	data, err := os.ReadFile(path)
	if code != exitFindings || stdout != "" || err != nil || !json.Valid(data) || !strings.Contains(string(data), "CORS-P01") {
		t.Errorf("exit %d, stdout %q, file: %v %.200s", code, stdout, err, data)
	}
	if code, _, stderr := runCLI(t, "", "-o", filepath.Join(path, "x"), blockedHAR); code != exitTrouble || !strings.Contains(stderr, "-o:") {
		t.Errorf("unwritable -o: exit %d, %s", code, stderr)
	}
}

// TestOutputIsInput: -o naming one of the inputs, given as a file or
// found in a folder, is refused and the capture is left as it was; an
// existing report is replaced whole, keeping its permissions; a device is
// written, not replaced.
func TestOutputIsInput(t *testing.T) {
	dir := t.TempDir()
	capture, err := os.ReadFile(blockedHAR)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "cap.har")
	if err := os.WriteFile(path, capture, 0o640); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{path}, {dir}, {filepath.Join(dir, "*.har")}, {blockedHAR, path}} {
		code, _, stderr := runCLI(t, "", append([]string{"-o", path}, args...)...)
		got, _ := os.ReadFile(path)
		if code != exitTrouble || !strings.Contains(stderr, "is also an input") || !bytes.Equal(got, capture) {
			t.Errorf("%q: exit %d, stderr %q, capture kept: %v", args, code, stderr, bytes.Equal(got, capture))
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left in the folder: %v", entries)
	}

	report := filepath.Join(t.TempDir(), "report.md")
	if err := os.WriteFile(report, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "", "-o", report, "--format", "markdown", path); code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(report)
	fi, err := os.Stat(report)
	if err != nil || fi.Mode().Perm() != 0o600 || !strings.Contains(string(got), "CORS-P01") {
		t.Errorf("replaced report: %v, mode %v, %.100q", err, fi.Mode(), got)
	}
	if code, _, stderr := runCLI(t, "", "-o", os.DevNull, path); code != exitFindings {
		t.Errorf("-o %s: exit %d: %s", os.DevNull, code, stderr)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode().IsRegular() {
		t.Errorf("%s is now %v (%v)", os.DevNull, fi.Mode(), err)
	}
}
