package report

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
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
