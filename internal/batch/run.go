package batch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"golang.org/x/term"
)

// Options control Run.
type Options struct {
	// Jobs is how many inputs are read at once (at least one).
	Jobs int
	// Stdin is what the input "-" reads.
	Stdin io.Reader
	// Progress, when a terminal, shows "scanned k/n files" during a long
	// run; nil for none.
	Progress io.Writer
	// Workers is the goroutines the whole run may keep busy at once: each
	// of the Jobs inputs read at once gets Workers/Jobs of them (at least
	// one) for its reading and analysis, set in its Analyze.Workers and
	// Read.Workers, so that four large files read at once on four cores do
	// not each run four parsers. 0 means runtime.GOMAXPROCS(0).
	Workers int
	// Analyze and Read are passed to every analysis.
	Analyze analyze.Options
	Read    har.Options

	// analyze replaces analyzeInput in tests that watch the scheduling.
	analyze func(Input, io.Reader, analyze.Options, har.Options) *analyze.Result
}

// Run reads and analyses the inputs on opt.Jobs goroutines and hands each
// result to emit, on the calling goroutine, in input order, whatever
// finishes first. Emitting (drawing a table) thus overlaps the reading of
// the next files, and a result is dropped once emitted. At most window
// results wait to be emitted, so that a slow file early in a folder does
// not make the scan hold the results of every file after it.
func Run(inputs []Input, opt Options, emit func(*analyze.Result)) {
	var done atomic.Int64
	stop := progress(opt.Progress, len(inputs), &done)
	defer stop()
	analyzeOne := opt.analyze
	if analyzeOne == nil {
		analyzeOne = analyzeInput
	}
	jobs := max(min(opt.Jobs, len(inputs)), 1)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	opt.Analyze.Workers = max(1, workers/jobs)
	opt.Read.Workers = opt.Analyze.Workers
	window := 4 * jobs
	ready := make([]chan *analyze.Result, len(inputs))
	for i := range ready {
		ready[i] = make(chan *analyze.Result, 1)
	}
	work := make(chan int)
	slots := make(chan struct{}, window)
	go func() {
		for i := range inputs {
			slots <- struct{}{}
			work <- i
		}
		close(work)
	}()
	var wg sync.WaitGroup
	for range jobs {
		wg.Go(func() {
			for i := range work {
				ready[i] <- analyzeOne(inputs[i], opt.Stdin, opt.Analyze, opt.Read)
				done.Add(1)
			}
		})
	}
	for i := range inputs {
		r := <-ready[i]
		ready[i] = nil
		emit(r)
		<-slots
	}
	wg.Wait()
}

func analyzeInput(in Input, stdin io.Reader, aopt analyze.Options, ropt har.Options) (res *analyze.Result) {
	defer func() {
		// One bad file must never take the batch down with it.
		if p := recover(); p != nil {
			res = &analyze.Result{File: in.Path, Err: fmt.Errorf("%s: internal error: %v (please report this with the file)", in.Path, p)}
		}
	}()
	switch {
	case in.Err != nil:
		return &analyze.Result{File: in.Path, Err: in.Err}
	case in.Path == "-":
		if isDevNull(stdin) {
			// The Go runtime gives a process started with standard
			// input closed /dev/null in its place.
			return &analyze.Result{File: in.Path, Err: errors.New("standard input is closed or /dev/null: nothing to read (pipe a HAR into harcors, or name the file)")}
		}
		return analyze.Reader("-", stdin, aopt, ropt)
	}
	return analyze.File(in.Path, aopt, ropt)
}

// progress prints "scanned k/n files" on stderr while a long scan runs, when
// stderr is a terminal; the returned func clears the line.
func progress(stderr io.Writer, n int, done *atomic.Int64) func() {
	if n < 2 || !isTerminal(stderr) {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		shown := false
		for {
			select {
			case <-quit:
				if shown {
					fmt.Fprint(stderr, "\r\x1b[K")
				}
				return
			case <-t.C:
				if time.Since(start) < time.Second {
					continue
				}
				shown = true
				fmt.Fprintf(stderr, "\rharcors: scanned %d/%d files", done.Load(), n)
			}
		}
	}()
	return func() { close(quit); <-finished }
}

// isDevNull says whether r is the null device.
func isDevNull(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err == nil && os.SameFile(fi, null)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
