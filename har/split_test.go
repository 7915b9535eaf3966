package har

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harcors/harcors/internal/hargen"
)

// splitRead reads the file at path with Open, in pieces of chunk bytes when
// chunk > 0 and sequentially otherwise, and returns what it read and how
// many pieces were used (0 when the file was not split).
func splitRead(t testing.TB, path string, chunk int64) (collected, int) {
	t.Helper()
	// Four workers whatever the machine (one core, js/wasm): with one,
	// nothing is split.
	return splitReadWith(t, path, chunk, Options{Workers: 4})
}

// splitReadWith is splitRead with opt's Workers and Pieces.
func splitReadWith(t testing.TB, path string, chunk int64, opt Options) (collected, int) {
	t.Helper()
	tune := defaultTuning
	tune.splitMinSize, tune.splitChunk, tune.gateBytes = 1<<62, 1, 0
	if chunk > 0 {
		tune.splitMinSize, tune.splitChunk = 0, chunk
	}
	opt.Name, opt.tune = "x.har", &tune
	r, err := Open(path, opt)
	return drainPieces(t, r, err)
}

// drainPieces reads what r gives (or the error opening it) and how many
// pieces the split reading used, and closes r.
func drainPieces(t testing.TB, r *Reader, err error) (collected, int) {
	t.Helper()
	if err != nil {
		return collected{Err: err}, 0
	}
	c := drain(r)
	used := 0
	if r.sp != nil {
		used = r.sp.used
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	return c, used
}

// checkSplit reads path sequentially and in pieces of each size, and fails
// unless every read gives the same entries, log, warnings and error. It
// returns the pieces used by each split read.
func checkSplit(t *testing.T, path string, chunks ...int64) []int {
	t.Helper()
	want, _ := splitRead(t, path, 0)
	var used []int
	for _, chunk := range chunks {
		got, n := splitRead(t, path, chunk)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s in pieces of %d bytes: %s", filepath.Base(path), chunk, diffCollected(got, want))
		}
		used = append(used, n)
		// The pieces read elsewhere (as a second WebAssembly instance
		// reads them): beside one goroutine, beside four, and by one
		// that fails after a few pieces.
		for _, pr := range []*pieceFile{{path: path}, {path: path, failAfter: 3}} {
			for _, workers := range []int{1, 4} {
				pr.calls.Store(0)
				got, _ := splitReadWith(t, path, chunk, Options{Workers: workers, Pieces: pr})
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s in pieces of %d bytes, %d workers and %+v: %s", filepath.Base(path), chunk, workers, pr, diffCollected(got, want))
				}
			}
		}
	}
	return used
}

// pieceFile is a PieceReader that reads the pieces from its own opening of
// the file, through the encoding a second instance would use; after
// failAfter pieces (if not 0) it fails.
type pieceFile struct {
	path      string
	failAfter int64
	calls     atomic.Int64
}

func (pf *pieceFile) ReadPiece(job []byte, _ int64) ([]byte, error) {
	if n := pf.calls.Add(1); pf.failAfter > 0 && n > pf.failAfter {
		return nil, errors.New("the second instance is gone")
	}
	f, err := os.Open(pf.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadPiece(f, job)
}

// TestPiecesReadElsewhere: pieces read through a PieceReader are used, not
// merely read and thrown away, and a damaged job is an error, not a panic.
func TestPiecesReadElsewhere(t *testing.T) {
	data := genBytes(t, hargen.Config{Entries: 3000, Mix: hargen.MetadataDense, Seed: 4})
	path := writeTemp(t, data)
	want, _ := splitRead(t, path, 0)
	pf := &pieceFile{path: path}
	got, used := splitReadWith(t, path, 16<<10, Options{Workers: 1, Pieces: pf})
	if !reflect.DeepEqual(got, want) {
		t.Fatal(diffCollected(got, want))
	}
	pieces := int64(len(data)) / (16 << 10)
	if int64(used) < pieces*3/4 || pf.calls.Load() < pieces/4 {
		t.Errorf("%d of ~%d pieces used, %d read elsewhere", used, pieces, pf.calls.Load())
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	job := (&splitter{pat: []byte("},{"), path: []seg{{"log", 0}, {"entries", 0}}}).job(&piece{lo: 100, hi: 5000})
	for n := range len(job) {
		if _, err := ReadPiece(f, job[:n]); err == nil {
			t.Errorf("a job cut at %d of %d bytes was read", n, len(job))
		}
	}
}

// diffCollected says where two reads first differ.
func diffCollected(got, want collected) string {
	if !reflect.DeepEqual(got.Err, want.Err) {
		return fmt.Sprintf("error %v, want %v", got.Err, want.Err)
	}
	if !reflect.DeepEqual(got.Warns, want.Warns) {
		return fmt.Sprintf("warnings %v, want %v", got.Warns, want.Warns)
	}
	if len(got.Entries) != len(want.Entries) {
		return fmt.Sprintf("%d entries, want %d", len(got.Entries), len(want.Entries))
	}
	for i := range got.Entries {
		if !reflect.DeepEqual(got.Entries[i], want.Entries[i]) {
			return fmt.Sprintf("entry %d:\n%+v\nwant\n%+v", i, got.Entries[i], want.Entries[i])
		}
	}
	return fmt.Sprintf("log %+v, want %+v", got.Log, want.Log)
}

func writeTemp(t testing.TB, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.har")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func genBytes(t testing.TB, cfg hargen.Config) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := hargen.Write(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSplitGenerated reads generated captures of both shapes (DevTools'
// pretty-printed one and a compact one) in pieces of several sizes, and
// checks that the pieces are used, not just read and thrown away.
func TestSplitGenerated(t *testing.T) {
	for _, cfg := range []hargen.Config{
		{Entries: 300, Mix: hargen.BodyHeavy, BodySize: 2048, Seed: 3},
		{Entries: 3000, Mix: hargen.MetadataDense, Seed: 4},
	} {
		data := genBytes(t, cfg)
		path := writeTemp(t, data)
		chunks := []int64{1 << 10, 7 << 10, 64 << 10}
		used := checkSplit(t, path, chunks...)
		for i, n := range used {
			// A piece inside a body holds no entry start: at most one
			// piece per entry can be used.
			pieces := min(int64(len(data))/chunks[i], int64(cfg.Entries))
			if int64(n) < pieces/2 {
				t.Errorf("%v, pieces of %d bytes: %d of ~%d pieces used", cfg.Mix, chunks[i], n, pieces)
			}
		}
	}
}

// TestSplitCorpus reads every public capture and fixture in small pieces.
func TestSplitCorpus(t *testing.T) {
	files := corpusFiles(t)
	fixtures, _ := filepath.Glob(filepath.Join("..", "testdata", "hars", "*", "*.har"))
	for _, path := range append(files, fixtures...) {
		checkSplit(t, path, 512, 4<<10)
	}
}

// TestSplitFalseStarts builds captures in which objects nested inside
// entries look like entries where a piece begins (a request with a method
// and a URL, after the separator), entries that are not objects, damaged
// values and truncations, and checks that reading in pieces of every size
// from 40 to 600 bytes gives what sequential reading gives.
func TestSplitFalseStarts(t *testing.T) {
	entry := func(i int) string {
		return fmt.Sprintf(`{"startedDateTime":"2025-01-01T00:00:%02d.000Z","request":{"method":"GET","url":"http://a.test/%d","headers":[{"name":"origin","value":"http://b.test"}]},`+
			`"response":{"status":200,"headers":[]},"_x":[{"a":1},{"request":{"method":"PUT","url":"http://fake.test/"}},{"_y":2}]}`, i%60, i)
	}
	var es []string
	for i := range 40 {
		es = append(es, entry(i))
	}
	compact := har(es...)
	pretty := strings.ReplaceAll(compact, "},{", "},\n      {")
	cases := map[string]string{
		"compact":   compact,
		"pretty":    pretty,
		"null":      strings.Replace(compact, entry(20), "null", 1),
		"warning":   strings.Replace(compact, `"status":200`, `"status":"x"`, 7),
		"damaged":   strings.Replace(compact, entry(25), entry(25)[:40]+"}", 1),
		"truncated": compact[:len(compact)*2/3],
		"mixed":     strings.Replace(pretty, "},\n      {", "},{", 5),
		"trailing":  strings.Replace(compact, "}]}", "},]}", 1),
		"comma end": compact[:strings.LastIndex(compact, "},{")+2],
		// Objects that an entry's first key opens but that hold no
		// request: every start a worker finds is false.
		"no request": har(slices.Repeat([]string{`{"_a":1}`}, 300)...),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			path := writeTemp(t, []byte(data))
			var chunks []int64
			for n := int64(40); n <= 600; n += 7 {
				chunks = append(chunks, n)
			}
			checkSplit(t, path, chunks...)
		})
	}
}

// FuzzSplit compares reading in pieces with sequential reading on
// arbitrary input.
func FuzzSplit(f *testing.F) {
	f.Add([]byte(har(`{"request":{"method":"GET","url":"http://a/"}}`, `{"request":{"method":"GET","url":"http://b/"}}`, `{"_a":[{"request":{"method":"X","url":"y"}}]}`)), uint16(30))
	f.Add(genBytes(f, hargen.Config{Entries: 4, Mix: hargen.MetadataDense, Seed: 1}), uint16(200))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint16) {
		if chunk < 16 || len(data) > 1<<20 {
			return
		}
		path := writeTemp(t, data)
		want, _ := splitRead(t, path, 0)
		got, _ := splitRead(t, path, int64(chunk))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("in pieces of %d bytes: %s", chunk, diffCollected(got, want))
		}
	})
}

// growing is a Growing input in memory whose bytes arrive step bytes at a
// time, from a goroutine, as a pipe copied to a file arrives; or, with
// step 0, only when a read asks for them.
type growing struct {
	data   []byte
	off    int64 // Read's
	demand bool

	mu   sync.Mutex
	cond sync.Cond
	n    int64
}

func newGrowing(data []byte, step int) *growing {
	g := &growing{data: data, demand: step == 0}
	g.cond.L = &g.mu
	if g.demand {
		return g
	}
	go func() {
		for g.arrive(step) {
			runtime.Gosched()
		}
	}()
	return g
}

// arrive makes step more bytes arrive, and reports whether some are left.
func (g *growing) arrive(step int) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n = min(g.n+int64(step), int64(len(g.data)))
	g.cond.Broadcast()
	return g.n < int64(len(g.data))
}

func (g *growing) wait(want int64) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.demand {
		g.n = max(g.n, min(want, int64(len(g.data))))
	}
	for g.n < min(want, int64(len(g.data))) {
		g.cond.Wait()
	}
	return g.n
}

func (g *growing) Read(p []byte) (int, error) {
	want := g.off + 1
	if g.demand {
		want = g.off + int64(len(p))
	}
	n := g.wait(want)
	if g.off >= n {
		return 0, io.EOF
	}
	m := copy(p, g.data[g.off:n])
	g.off += int64(m)
	return m, nil
}

func (g *growing) ReadAt(p []byte, off int64) (int, error) {
	n := g.wait(off + int64(len(p)))
	if off >= n {
		return 0, io.EOF
	}
	m := copy(p, g.data[off:n])
	if m < len(p) {
		return m, io.EOF
	}
	return m, nil
}

func (g *growing) Arrived() (int64, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n, g.n == int64(len(g.data))
}

// growRead reads data as a Growing input arriving step bytes at a time,
// in pieces of chunk bytes once minSize bytes have arrived, and returns
// what it read and how many pieces were used.
func growRead(t testing.TB, data []byte, step int, chunk, minSize int64) (collected, int) {
	t.Helper()
	tune := defaultTuning
	tune.splitMinSize, tune.splitChunk, tune.aheadMinSize, tune.gateBytes = minSize, chunk, 0, 0
	r, err := NewReader(newGrowing(data, step), Options{Name: "x.har", Workers: 4, tune: &tune})
	return drainPieces(t, r, err)
}

// TestSplitGrowing reads generated captures, and one with false starts
// and damage, as Growing inputs whose size is not known until their last
// byte arrives, in pieces: what is read is what sequential reading gives,
// and the pieces are used.
func TestSplitGrowing(t *testing.T) {
	for _, cfg := range []hargen.Config{
		{Entries: 300, Mix: hargen.BodyHeavy, BodySize: 2048, Seed: 3},
		{Entries: 3000, Mix: hargen.MetadataDense, Seed: 4},
	} {
		data := genBytes(t, cfg)
		want, _ := splitRead(t, writeTemp(t, data), 0)
		for _, chunk := range []int64{1 << 10, 64 << 10} {
			for _, step := range []int{1 << 10, 100 << 10, len(data)} {
				got, n := growRead(t, data, step, chunk, 0)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%v arriving %d bytes at a time, in pieces of %d bytes: %s", cfg.Mix, step, chunk, diffCollected(got, want))
				}
				if pieces := min(int64(len(data))/chunk, int64(cfg.Entries)); int64(n) < pieces/2 {
					t.Errorf("%v arriving %d bytes at a time, pieces of %d bytes: %d of ~%d pieces used", cfg.Mix, step, chunk, n, pieces)
				}
			}
		}
		// As a file is, an input smaller than splitMinSize is read
		// whole by one reader; a larger one is split once that many
		// bytes have arrived, from the entry then being read: here,
		// arriving as they are read, near the end.
		size := int64(len(data))
		if got, n := growRead(t, data, 64<<10, 4<<10, size+1); n != 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%v smaller than splitMinSize: %d pieces used (want none), or %s", cfg.Mix, n, diffCollected(got, want))
		}
		got, n := growRead(t, data, 0, 4<<10, size-1)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%v split once nearly all arrived: %s", cfg.Mix, diffCollected(got, want))
		}
		if all := size / (4 << 10); n == 0 || int64(n) > all*3/4 {
			t.Errorf("%v split once nearly all arrived: %d of %d pieces of 4 KiB used, want some, not most", cfg.Mix, n, all)
		}
	}
	data := []byte(har(`{"request":{"method":"GET","url":"http://a/"},"_x":{"request":{"method":"GET","url":"http://n/"}}}`,
		`null`, `{"request":{"method":"GET","url":"http://b/"}}`, `{"request":{"method":"GET","url":"http://c/"}}`, `{"request":{"method":7}}`))
	want, _ := splitRead(t, writeTemp(t, data), 0)
	for chunk := int64(20); chunk < 200; chunk += 9 {
		if got, _ := growRead(t, data, 17, chunk, 0); !reflect.DeepEqual(got, want) {
			t.Fatalf("in pieces of %d bytes: %s", chunk, diffCollected(got, want))
		}
	}
}

// TestSplitWhenWaitedFor: a file that may be read in pieces is, once its
// caller is seen waiting for Next, and not while the caller's own work is
// the bottleneck. The clock is the test's: each reading moves it by a
// tick, so that a call of Next, which reads it on entry and on return,
// takes two ticks of which one counts as inside; the caller spends
// `outside` more ticks between calls, from entry `from` on (before it,
// `before`). A caller that waits is then measured busy half the time, one
// that spends a tick outside a third of it: the threshold is set between.
func TestSplitWhenWaitedFor(t *testing.T) {
	data := genBytes(t, hargen.Config{Entries: 3000, Mix: hargen.MetadataDense, Seed: 4})
	path := writeTemp(t, data)
	want, _ := splitRead(t, path, 0)
	const chunk = 16 << 10
	for _, c := range []struct {
		name                  string
		before, outside, from int
		split                 bool
	}{
		{"caller waits", 0, 0, 0, true},
		{"caller busy", 10, 10, 0, false},
		{"caller slightly busy", 1, 1, 0, false},
		// The shape changes: the windows measured later find it.
		{"caller busy, then waits", 10, 0, 1500, true},
	} {
		var clock time.Time
		tick := func() time.Time { clock = clock.Add(time.Microsecond); return clock }
		tune := defaultTuning
		tune.splitMinSize, tune.splitChunk, tune.aheadMinSize = 0, chunk, 0
		tune.gateBytes, tune.gateEntries, tune.gateEvery, tune.now = chunk, 32, 4*chunk, tick
		tune.gateBusy = 0.45
		r, err := Open(path, Options{Name: "x.har", Workers: 4, tune: &tune})
		if err != nil {
			t.Fatal(err)
		}
		var got collected
		firstPiece := -1
		for i := 0; ; i++ {
			e, err := r.Next()
			if err != nil {
				if err != io.EOF {
					got.Err = err
				}
				break
			}
			got.Entries = append(got.Entries, e)
			if firstPiece < 0 && r.sp != nil {
				firstPiece = i
			}
			ticks := c.before
			if i >= c.from {
				ticks = c.outside
			}
			clock = clock.Add(time.Duration(ticks) * time.Microsecond)
		}
		got.Log, got.Warns = r.Log(), r.Warnings()
		used := 0
		if r.sp != nil {
			used = r.sp.used
		}
		r.Close()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %s", c.name, diffCollected(got, want))
		}
		if c.split != (used > 0) {
			t.Errorf("%s: %d pieces used (from entry %d), want split %v", c.name, used, firstPiece, c.split)
		}
		if c.from > 0 && c.split && firstPiece < c.from {
			t.Errorf("%s: pieces from entry %d, before the caller began to wait (%d)", c.name, firstPiece, c.from)
		}
		t.Logf("%s: %d pieces used from entry %d", c.name, used, firstPiece)
	}
}
