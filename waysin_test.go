package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// lateLastPair builds a capture of n copies of the blocked fixture's
// preflight and request, a second apart, the last copy timestamped a minute
// before the first: streaming it by path must give up and read it again,
// and any input that can be read only once must be read whole at once.
func lateLastPair(t *testing.T, n int) []byte {
	t.Helper()
	data, err := os.ReadFile(blockedHAR)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	log := doc["log"].(map[string]any)
	pair := log["entries"].([]any)
	var entries []any
	for i := range n {
		shift := time.Duration(i) * time.Second
		if i == n-1 {
			shift = -time.Minute
		}
		for _, e := range pair {
			var c map[string]any
			b, _ := json.Marshal(e)
			json.Unmarshal(b, &c)
			at, err := time.Parse(time.RFC3339Nano, c["startedDateTime"].(string))
			if err != nil {
				t.Fatal(err)
			}
			c["startedDateTime"] = at.Add(shift).Format(time.RFC3339Nano)
			req := c["request"].(map[string]any)
			req["url"] = fmt.Sprintf("%s?copy=%d", req["url"], i)
			entries = append(entries, c)
		}
	}
	log["entries"] = entries
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// verdicts is what must not depend on the way in: the entry count, the
// error, and every finding.
func verdicts(t *testing.T, out string) string {
	t.Helper()
	var doc cliJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output does not parse: %v\n%.2000s", err, out)
	}
	if len(doc.Files) != 1 {
		t.Fatalf("%d files in the output, want 1", len(doc.Files))
	}
	f := doc.Files[0]
	var b strings.Builder
	fmt.Fprintf(&b, "%d entries, error %v\n", f.Entries, f.Error != nil && *f.Error != "")
	if f.Error != nil {
		fmt.Fprintf(&b, "  %s\n", *f.Error)
	}
	for _, x := range f.Findings {
		p := -1
		if x.Preflight != nil {
			p = *x.Preflight
		}
		fmt.Fprintf(&b, "%s #%d preflight #%d\n", x.Rule, x.Entry, p)
	}
	return b.String()
}

// TestEveryWayIn reads one capture whose pairing needs the whole file
// through every way in and checks that each gives what the path gives,
// which is the whole-file analysis.
func TestEveryWayIn(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses /dev/fd and mkfifo as Linux has them")
	}
	const pairs = 31
	data := lateLastPair(t, pairs)
	dir := t.TempDir()
	path := filepath.Join(dir, "late.har")
	write := func(p string, b []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(path, data)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	write(filepath.Join(dir, "late.har.gz"), gz.Bytes())
	var zb bytes.Buffer
	zipw := zip.NewWriter(&zb)
	for _, m := range []struct{ name, body string }{{"har.har", string(data)}, {"5d41402abc4b2a76b9719d911017c592.json", "{}"}} {
		w, err := zipw.Create(m.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, m.body)
	}
	zipw.Close()
	write(filepath.Join(dir, "late.zip"), zb.Bytes())
	write(filepath.Join(dir, "deep", "a", "b", "late.har"), data)
	if err := os.Symlink(filepath.Join(dir, "deep"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}

	// The reference: the whole-file analysis, which never streams.
	log, entries, err := har.ReadAll(bytes.NewReader(data), har.Options{Name: "late.har"})
	if err != nil {
		t.Fatal(err)
	}
	whole := analyze.Analyze("late.har", log, entries, analyze.Options{})
	if whole.Err != nil || len(whole.Findings) < pairs {
		t.Fatalf("whole-file analysis: %v, %d findings for %d blocked requests", whole.Err, len(whole.Findings), pairs)
	}
	_, out, _ := runCLI(t, "", "--format", "json", path)
	want := verdicts(t, out)
	if n := strings.Count(want, "\n") - 1; n != len(whole.Findings) {
		t.Fatalf("by path: %d findings, the whole-file analysis %d:\n%s", n, len(whole.Findings), want)
	}

	// pipe returns the path of the read end of a pipe, as <(cat f)
	// gives it, fed with b.
	pipe := func(t *testing.T, b []byte) string {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pr.Close() })
		go func() { pw.Write(b); pw.Close() }()
		return fmt.Sprintf("/dev/fd/%d", pr.Fd())
	}
	fifo := func(t *testing.T, b []byte) string {
		p := filepath.Join(t.TempDir(), "fifo")
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
		go func() {
			f, err := os.OpenFile(p, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			f.Write(b)
			f.Close()
		}()
		return p
	}
	for _, c := range []struct {
		name  string
		stdin func(t *testing.T) io.Reader
		arg   func(t *testing.T) string
	}{
		{name: "stdin", stdin: func(*testing.T) io.Reader { return bytes.NewReader(data) }, arg: func(*testing.T) string { return "-" }},
		{name: "stdin pipe", stdin: func(t *testing.T) io.Reader {
			f, _ := os.Open(pipe(t, data))
			t.Cleanup(func() { f.Close() })
			return f
		}, arg: func(*testing.T) string { return "-" }},
		{name: "<(cat f)", arg: func(t *testing.T) string { return pipe(t, data) }},
		{name: "FIFO", arg: func(t *testing.T) string { return fifo(t, data) }},
		{name: "gzip file", arg: func(*testing.T) string { return filepath.Join(dir, "late.har.gz") }},
		{name: "gzip on stdin", stdin: func(*testing.T) io.Reader { return bytes.NewReader(gz.Bytes()) }, arg: func(*testing.T) string { return "-" }},
		{name: "gzip through a FIFO", arg: func(t *testing.T) string { return fifo(t, gz.Bytes()) }},
		{name: "Playwright zip", arg: func(*testing.T) string { return filepath.Join(dir, "late.zip") }},
		{name: "zip on stdin", stdin: func(*testing.T) io.Reader { return bytes.NewReader(zb.Bytes()) }, arg: func(*testing.T) string { return "-" }},
		{name: "zip through a pipe", arg: func(t *testing.T) string { return pipe(t, zb.Bytes()) }},
		{name: "** glob", arg: func(*testing.T) string { return filepath.Join(dir, "deep", "**", "*.har") }},
		{name: "link to a directory", arg: func(*testing.T) string { return filepath.Join(dir, "link") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdin io.Reader = strings.NewReader("")
			if c.stdin != nil {
				stdin = c.stdin(t)
			}
			arg := c.arg(t)
			done := make(chan struct{})
			var out, errb bytes.Buffer
			go func() {
				defer close(done)
				run([]string{"--format", "json", arg}, stdin, &out, &errb)
			}()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				t.Fatalf("%s: no result after a minute", arg)
			}
			if got := verdicts(t, out.String()); got != want {
				t.Errorf("%s gives\n%s\nthe path gives\n%s\nstderr: %s", arg, got, want, errb.String())
			}
		})
	}
}

// TestClosedStdin: a process started with standard input closed gets
// /dev/null from the Go runtime; harcors says so instead of "empty file".
func TestClosedStdin(t *testing.T) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	var out, errb bytes.Buffer
	code := run([]string{"--format", "json", "-"}, null, &out, &errb)
	if code != exitTrouble || !strings.Contains(out.String()+errb.String(), "standard input is closed or /dev/null") {
		t.Errorf("exit %d; output %s; stderr %s", code, out.String(), errb.String())
	}
}
