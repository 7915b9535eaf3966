package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// TestScanEmitsInInputOrder: results reach emit in input order, one each,
// whatever order the jobs finish in (inputs of very different sizes, and
// errors that finish at once), and emit runs on the caller's goroutine
// while the next files are read.
func TestScanEmitsInInputOrder(t *testing.T) {
	files, _ := filepath.Glob("testdata/hars/chromium/*.har")
	if len(files) < 20 {
		t.Skip("too few fixtures")
	}
	var inputs []input
	for i, f := range files[:40] {
		inputs = append(inputs, input{path: f})
		if i%7 == 3 {
			inputs = append(inputs, input{path: fmt.Sprintf("missing-%d.har", i), err: errors.New("gone")})
		}
	}
	for _, jobs := range []int{1, 3, 8} {
		var got []string
		scan(inputs, nil, io.Discard, analyze.Options{}, har.Options{}, jobs, func(r *analyze.Result) {
			got = append(got, r.File)
		})
		if len(got) != len(inputs) {
			t.Fatalf("jobs %d: %d results for %d inputs", jobs, len(got), len(inputs))
		}
		for i, in := range inputs {
			if got[i] != in.path {
				t.Fatalf("jobs %d: result %d is %s, want %s", jobs, i, got[i], in.path)
			}
		}
	}
}
