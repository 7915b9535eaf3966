package batch

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// TestRunEmitsInInputOrder: results reach emit in input order, one each,
// whatever order the jobs finish in (inputs of very different sizes, and
// errors that finish at once), and emit runs on the caller's goroutine
// while the next files are read.
func TestRunEmitsInInputOrder(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/hars/chromium/*.har")
	if len(files) < 40 {
		t.Fatalf("%d fixtures in testdata/hars/chromium; the test needs 40", len(files))
	}
	var inputs []Input
	for i, f := range files[:40] {
		inputs = append(inputs, Input{Path: f})
		if i%7 == 3 {
			inputs = append(inputs, Input{Path: fmt.Sprintf("missing-%d.har", i), Err: errors.New("gone")})
		}
	}
	for _, jobs := range []int{1, 3, 8} {
		var got []string
		Run(inputs, Options{Jobs: jobs}, func(r *analyze.Result) {
			got = append(got, r.File)
		})
		if len(got) != len(inputs) {
			t.Fatalf("jobs %d: %d results for %d inputs", jobs, len(got), len(inputs))
		}
		for i, in := range inputs {
			if got[i] != in.Path {
				t.Fatalf("jobs %d: result %d is %s, want %s", jobs, i, got[i], in.Path)
			}
		}
	}
}

// TestRunHoldsAFewResults: while the first result is slow to be emitted
// (a long table being drawn), the jobs run at most 4 x jobs inputs ahead
// of it, so a folder's results are not all held at once.
func TestRunHoldsAFewResults(t *testing.T) {
	var started, emitted, ahead atomic.Int64
	analyzeOne := func(in Input, _ io.Reader, _ analyze.Options, _ har.Options) *analyze.Result {
		n := started.Add(1) - emitted.Load()
		for {
			m := ahead.Load()
			if n <= m || ahead.CompareAndSwap(m, n) {
				break
			}
		}
		return &analyze.Result{File: in.Path}
	}
	inputs := make([]Input, 200)
	for i := range inputs {
		inputs[i] = Input{Path: fmt.Sprintf("%d.har", i)}
	}
	const jobs = 3
	Run(inputs, Options{Jobs: jobs, analyze: analyzeOne}, func(r *analyze.Result) {
		if r.File == "0.har" {
			time.Sleep(50 * time.Millisecond) // every other input could finish meanwhile
		}
		emitted.Add(1)
	})
	if got := ahead.Load(); got > 4*jobs {
		t.Errorf("%d inputs analysed ahead of the results emitted, want at most %d", got, 4*jobs)
	}
	if emitted.Load() != int64(len(inputs)) {
		t.Errorf("%d results emitted for %d inputs", emitted.Load(), len(inputs))
	}
}

// TestRunSharesWorkers: the run's workers are shared among the inputs
// read at once, at least one each, through the options every analysis
// gets.
func TestRunSharesWorkers(t *testing.T) {
	for _, c := range []struct{ inputs, jobs, workers, want int }{
		{8, 4, 4, 1}, // --jobs 4 on four cores: one each, no parser per core per file
		{8, 2, 8, 4}, // two at a time share eight
		{2, 4, 8, 4}, // two inputs, however many jobs: four each
		{1, 4, 2, 2}, // one large file gets every core
		{8, 8, 2, 1}, // never less than one
	} {
		var mu sync.Mutex
		seen := map[[2]int]int{}
		analyzeOne := func(in Input, _ io.Reader, aopt analyze.Options, ropt har.Options) *analyze.Result {
			mu.Lock()
			seen[[2]int{aopt.Workers, ropt.Workers}]++
			mu.Unlock()
			return &analyze.Result{File: in.Path}
		}
		inputs := make([]Input, c.inputs)
		for i := range inputs {
			inputs[i] = Input{Path: fmt.Sprintf("%d.har", i)}
		}
		Run(inputs, Options{Jobs: c.jobs, Workers: c.workers, analyze: analyzeOne}, func(*analyze.Result) {})
		if want := map[[2]int]int{{c.want, c.want}: c.inputs}; !reflect.DeepEqual(seen, want) {
			t.Errorf("%d inputs, %d jobs, %d workers: (analysis, reading) workers %v, want %v", c.inputs, c.jobs, c.workers, seen, want)
		}
	}
}
