package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// TestWriterTableFileByFile: the table of each file is written by the Add
// that brings it, so a batch scan shows results as they come; what Close
// adds is only the summary, and the whole is what Render writes.
func TestWriterTableFileByFile(t *testing.T) {
	files := chromiumFixtures(t)[:6]
	var rs []*analyze.Result
	for _, f := range files {
		rs = append(rs, analyze.File(f, analyze.Options{}, har.Options{}))
	}
	opt := Options{Format: Table, Width: 120}
	var out bytes.Buffer
	w, err := NewWriter(&out, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		if err := w.Add(r); err != nil {
			t.Fatal(err)
		}
		// Rendered alone, the first i+1 files are this output followed by
		// the summary (for two files or more).
		want := mustRender(t, rs[:i+1], opt)
		if j := strings.Index(want, "\n\nSummary: "); j >= 0 {
			want = want[:j+1]
		}
		if out.String() != want {
			t.Fatalf("after %d files the writer wrote\n%s\nwant\n%s", i+1, out.String(), want)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), mustRender(t, rs, opt); got != want {
		t.Errorf("after Close:\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(out.String(), "\nSummary: ") {
		t.Error("no summary across files")
	}
}

// TestWriterDocumentsAtClose: Markdown, JSON and SARIF open with something
// about every file, so nothing is written before Close.
func TestWriterDocumentsAtClose(t *testing.T) {
	r := analyze.File(chromiumFixtures(t)[0], analyze.Options{}, har.Options{})
	for _, f := range []Format{Markdown, JSON, SARIF} {
		var out bytes.Buffer
		w, err := NewWriter(&out, Options{Format: f})
		if err != nil {
			t.Fatal(err)
		}
		w.Add(r)
		w.Add(r)
		if out.Len() != 0 {
			t.Errorf("%s: %d bytes written before Close", f, out.Len())
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if want := mustRender(t, []*analyze.Result{r, r}, Options{Format: f}); out.String() != want {
			t.Errorf("%s: Close wrote\n%s\nwant\n%s", f, out.String(), want)
		}
	}
	if _, err := NewWriter(&bytes.Buffer{}, Options{Format: "yaml"}); err == nil {
		t.Error("NewWriter accepted format yaml")
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	f.n++
	return 0, errors.New("disk full")
}

// TestWriterStopsAtWriteError: after a failed write the Writer writes
// nothing more and keeps returning the error, so the command can say so.
func TestWriterStopsAtWriteError(t *testing.T) {
	r := analyze.File(chromiumFixtures(t)[0], analyze.Options{}, har.Options{})
	fw := &failWriter{}
	w, _ := NewWriter(fw, Options{Format: Table})
	if err := w.Add(r); err == nil {
		t.Fatal("Add: no error from a failing writer")
	}
	if err := w.Add(r); err == nil || fw.n != 1 {
		t.Errorf("second Add: err %v after %d writes, want the first error and 1 write", err, fw.n)
	}
	if err := w.Close(); err == nil || fw.n != 1 {
		t.Errorf("Close: err %v after %d writes, want the first error and 1 write", err, fw.n)
	}
}
