package report

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/hargen"
)

// BenchmarkRender renders every browser-recorded fixture in each format,
// as a batch scan of a folder would.
func BenchmarkRender(b *testing.B) {
	files, _ := filepath.Glob("../testdata/hars/chromium/*.har")
	if len(files) == 0 {
		b.Skip("no fixtures")
	}
	var rs []*analyze.Result
	for _, f := range files {
		rs = append(rs, analyze.File(f, analyze.Options{}, har.Options{}))
	}
	for _, f := range Formats() {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Render(io.Discard, rs, Options{Format: f, Width: 100, All: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFindingsTable draws one findings table of a few thousand rows,
// the shape of a dense capture (every fixture's findings, repeated), at the
// default width and with colour, and reports the cost per row. cpu-µs/row
// is the CPU the process used (every goroutine, the GC too): on a machine
// shared with other work it varies less than the wall-clock µs/row. Run it
// with -cpu 1 for the cost on one core, as the tables are drawn in chunks
// on several.
func BenchmarkFindingsTable(b *testing.B) {
	files, _ := filepath.Glob("../testdata/hars/chromium/*.har")
	var fs []*analyze.Finding
	for _, f := range files {
		r := analyze.File(f, analyze.Options{}, har.Options{})
		for i := range r.Findings {
			fs = append(fs, &r.Findings[i])
		}
	}
	if len(fs) == 0 {
		b.Skip("no fixtures")
	}
	const rows = 4000
	for len(fs) < rows {
		fs = append(fs, fs...)
	}
	fs = fs[:rows]
	for _, bc := range []struct {
		name string
		opt  Options
	}{
		{"plain", Options{Width: 100}},
		{"color-200", Options{Width: 200, Color: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			c := newCleaner(bc.opt, true)
			cpu0, cpuOK := cpuTime()
			for b.Loop() {
				buf.Reset()
				if err := findingsTable(&buf, fs, c, bc.opt, tableWidth(bc.opt)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows)/1e3, "µs/row")
			if cpu1, ok := cpuTime(); ok && cpuOK {
				b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(b.N*rows)/1e3, "cpu-µs/row")
			}
		})
	}
}

// BenchmarkJSONSystemic renders the JSON of a capture with a server
// misconfigured once (hargen -systemic): thousands of findings of a few
// problems, each with its replay line, and every request; cpu-ns/finding
// is the process's CPU (see BenchmarkFindingsTable) per finding. Run it
// with -cpu 1 for the cost on one core: the lists are encoded on every
// core.
func BenchmarkJSONSystemic(b *testing.B) {
	path := filepath.Join(b.TempDir(), "systemic.har")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := hargen.Write(f, hargen.Config{Entries: 20000, Mix: hargen.MetadataDense, Seed: 3, Systemic: true}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	res := analyze.File(path, analyze.Options{Keep: analyze.KeepLight, CookieValues: true}, har.Options{})
	rs := []*analyze.Result{res}
	b.ReportAllocs()
	cpu0, cpuOK := cpuTime()
	for b.Loop() {
		// As the command writes it, straight to its output: Render
		// would first gather the document in memory.
		w, err := NewWriter(io.Discard, Options{Format: JSON, MinSeverity: analyze.Info})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rs {
			if err := w.Add(r); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	if cpu1, ok := cpuTime(); ok && cpuOK {
		b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(b.N*len(res.Findings)), "cpu-ns/finding")
	}
}
