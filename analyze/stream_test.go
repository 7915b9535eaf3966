package analyze

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/hargen"
	"github.com/harcors/harcors/internal/testcorpus"
)

// whole analyses a file holding every entry until the end: the reference
// the streaming analysis must agree with.
// streamedAsWhole analyses path as File does, fails the test unless the
// analysis streamed and gave what the whole-file analysis gives, and
// returns the streamed result.
func streamedAsWhole(t *testing.T, path string) *Result {
	t.Helper()
	var last *analysis
	tune := defaultTuning
	tune.afterEntry = func(a *analysis, _ int) { last = a }
	got := File(path, Options{tune: &tune}, har.Options{})
	if last == nil || last.stream == nil {
		t.Fatal("the file was not streamed")
	}
	if d := cmp.Diff(whole(t, path), got, errText); d != "" {
		t.Errorf("streaming differs from the whole-file analysis (-whole +stream):\n%s", d)
	}
	return got
}

// holdAll is the default tuning with no entry packed: the whole analysis
// as it was before it packed, every entry kept as read.
var holdAll = func() tuning {
	t := defaultTuning
	t.unpacked, t.unpackedBytes = math.MaxInt, math.MaxInt
	return t
}()

// openRead opens path and reads it with opt, streamed when stream is set;
// the error is Open's.
func openRead(path string, opt Options, stream bool) (*Result, bool, error) {
	r, err := har.Open(path, har.Options{Name: path})
	if err != nil {
		return nil, false, err
	}
	defer r.Close()
	res, again := read(path, r, opt, stream)
	return res, again, nil
}

func whole(t *testing.T, path string) *Result {
	t.Helper()
	res, again, err := openRead(path, Options{tune: &holdAll}, false)
	if err != nil {
		return &Result{File: path, Err: err}
	}
	if again {
		t.Fatalf("%s: the whole-file analysis asked to read again", path)
	}
	return res
}

// streamFiles lists every HAR in testdata/hars and the public corpus, and a
// generated capture of each mix.
func streamFiles(t *testing.T) []string {
	var files []string
	filepath.WalkDir(filepath.Join("..", "testdata", "hars"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".har") || strings.HasSuffix(p, ".har.gz")) {
			files = append(files, p)
		}
		return nil
	})
	files = append(files, testcorpus.Files(t, "..")...)
	if len(files) < 1000 {
		t.Fatalf("only %d HARs found under testdata/hars and the corpus", len(files))
	}
	for _, mix := range hargen.Mixes {
		files = append(files, genHAR(t, hargen.Config{Entries: 3000, Mix: mix, Seed: 7, BodySize: 256}))
	}
	return files
}

func genHAR(t testing.TB, cfg hargen.Config) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), string(cfg.Mix)+".har")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hargen.Write(f, cfg); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// errText compares errors by their text: *har.Error values from two reads
// of one file are equal but distinct.
var errText = cmp.Comparer(func(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Error() == b.Error()
})

// TestStreamSameAsWhole: the streaming analysis gives exactly the result of
// the whole-file analysis on every HAR we have, with the default reorder
// buffer and with none at all (every entry released at once, which makes
// most files with out-of-order entries restart), and with every waiting
// entry packed (most of them to the temporary file).
func TestStreamSameAsWhole(t *testing.T) {
	files := streamFiles(t)
	for _, tc := range []struct {
		name     string
		slack    time.Duration
		pending  int
		unpacked int
		memory   int
	}{
		{"default", defaultTuning.slack, defaultTuning.pending, defaultTuning.unpacked, defaultTuning.packMemory},
		{"unbuffered", 0, 0, defaultTuning.unpacked, defaultTuning.packMemory},
		{"packed", defaultTuning.slack, defaultTuning.pending, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tune := defaultTuning
			tune.slack, tune.pending = tc.slack, tc.pending
			tune.unpacked, tune.packMemory = tc.unpacked, tc.memory
			var streamed, restarted int
			var last *analysis
			tune.afterEntry = func(a *analysis, _ int) { last = a }
			for _, path := range files {
				want := whole(t, path)
				last = nil
				got := File(path, Options{tune: &tune}, har.Options{})
				if last != nil && last.stream != nil {
					streamed++
				}
				if d := cmp.Diff(want, got, errText); d != "" {
					t.Errorf("%s: streaming differs from the whole-file analysis (-whole +stream):\n%s", path, d)
				}
			}
			// A file that restarted was read twice: the second analysis
			// holds every entry and has no streamer.
			restarted = len(files) - streamed
			t.Logf("%d files: %d streamed to the end, %d held whole (no creator first, out of order, or restarted)", len(files), streamed, restarted)
			if streamed < len(files)/2 {
				t.Errorf("only %d of %d files streamed", streamed, len(files))
			}
		})
	}
}

// TestStreamGivesUp covers the cases the streamer cannot handle: the file
// is analysed whole (or read again) and the result is unchanged.
func TestStreamGivesUp(t *testing.T) {
	entry := func(i int, start string) string {
		return `{"startedDateTime":"` + start + `","time":10,"request":{"method":"OPTIONS","url":"https://api.example.com/x","headers":[{"name":"Origin","value":"https://app.example.com"},{"name":"Access-Control-Request-Method","value":"PUT"}]},"response":{"status":204,"headers":[{"name":"Access-Control-Allow-Origin","value":"https://app.example.com"},{"name":"Access-Control-Allow-Methods","value":"GET"}]}}`
	}
	var late []string
	for i := range 20 {
		late = append(late, entry(i, time.Date(2026, 1, 1, 0, 0, 20-i, 0, time.UTC).Format(time.RFC3339)))
	}
	cases := map[string]string{
		"creator after entries": `{"log":{"entries":[` + entry(0, "2026-01-01T00:00:00Z") + `],"creator":{"name":"WebInspector"}}}`,
		"pages after entries":   `{"log":{"creator":{"name":"WebInspector"},"entries":[` + entry(0, "2026-01-01T00:00:00Z") + `],"pages":[{"id":"p","title":"https://app.example.com/"}]}}`,
		"no start time":         `{"log":{"creator":{"name":"WebInspector"},"entries":[` + entry(0, "2026-01-01T00:00:00Z") + `,` + entry(1, "") + `]}}`,
		"out of order":          `{"log":{"creator":{"name":"WebInspector"},"entries":[` + strings.Join(late, ",") + `]}}`,
	}
	tune := defaultTuning
	tune.slack, tune.pending = 0, 0
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.har")
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			want := whole(t, path)
			got := File(path, Options{tune: &tune}, har.Options{})
			if d := cmp.Diff(want, got, errText); d != "" {
				t.Errorf("differs (-whole +stream):\n%s", d)
			}
			if len(got.Findings) == 0 {
				t.Errorf("no finding: the case tests nothing")
			}
		})
	}
}

// TestWholePacked: a whole analysis that packs every entry it holds, most
// of them to the temporary file, gives exactly the result of one that
// keeps them as read, on every HAR we have, unpacking where it judges (one
// worker) and ahead on other goroutines.
func TestWholePacked(t *testing.T) {
	files := streamFiles(t)
	tune := defaultTuning
	tune.unpacked, tune.packMemory = 0, 1
	for _, workers := range []int{1, 0} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			packed := 0
			for _, path := range files {
				want := whole(t, path)
				var a *analysis
				tu := tune
				tu.afterEntry = func(x *analysis, _ int) { a = x }
				got, again, err := openRead(path, Options{tune: &tu, Workers: workers}, false)
				if err != nil {
					continue
				}
				if again {
					t.Fatalf("%s: the whole analysis asked to read again", path)
				}
				if a != nil && a.whole != nil && a.whole.head > 0 {
					packed++
				}
				if d := cmp.Diff(want, got, errText); d != "" {
					t.Errorf("%s: packing changed the result (-as read +packed):\n%s", path, d)
				}
			}
			if packed < len(files)/2 {
				t.Errorf("only %d of %d files had entries packed", packed, len(files))
			}
		})
	}
}

// TestStreamCreatorLast: a capture whose creator comes after its entries
// (Fiddler writes it so) streams when that creator judges as no creator
// does, and is read again whole when it does not (Chrome's marks blocked
// requests); either way the result is the whole analysis'.
func TestStreamCreatorLast(t *testing.T) {
	var entries []string
	// More than a batch (batchSize): the creator is read after the first
	// entries are judged.
	for i := range 3 * batchSize {
		start := time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC).Format(time.RFC3339)
		entries = append(entries, fmt.Sprintf(`{"startedDateTime":%q,"time":10,"request":{"method":"OPTIONS","url":"https://api.example.com/x%d","headers":[{"name":"Origin","value":"https://app.example.com"},{"name":"Access-Control-Request-Method","value":"PUT"}]},"response":{"status":204,"headers":[{"name":"Access-Control-Allow-Origin","value":"https://app.example.com"},{"name":"Access-Control-Allow-Methods","value":"GET"}]}}`, start, i))
	}
	tune := defaultTuning
	tune.slack, tune.pending = 0, 0 // release at once, so that a late creator must restart
	for _, tc := range []struct {
		creator string
		streams bool
	}{
		{"Fiddler", true},
		{"", true},
		{"WebInspector", false},
		{"Firefox", false},
	} {
		name, wantCreator := "none", ""
		if tc.creator != "" {
			name, wantCreator = tc.creator, tc.creator+" 1"
		}
		t.Run(name, func(t *testing.T) {
			text := `{"log":{"version":"1.2","pages":[],"entries":[` + strings.Join(entries, ",") + `]`
			if tc.creator != "" {
				text += `,"creator":{"name":"` + tc.creator + `","version":"1"}`
			}
			path := filepath.Join(t.TempDir(), "x.har")
			if err := os.WriteFile(path, []byte(text+`}}`), 0o644); err != nil {
				t.Fatal(err)
			}
			var last *analysis
			tu := tune
			tu.afterEntry = func(a *analysis, _ int) { last = a }
			got := File(path, Options{tune: &tu}, har.Options{})
			if streamed := last != nil && last.stream != nil; streamed != tc.streams {
				t.Errorf("streamed to the end: %v, want %v", streamed, tc.streams)
			}
			if d := cmp.Diff(whole(t, path), got, errText); d != "" {
				t.Errorf("differs (-whole +stream):\n%s", d)
			}
			if len(got.Findings) == 0 || got.Creator != wantCreator {
				t.Errorf("creator %q, %d findings: the case tests nothing", got.Creator, len(got.Findings))
			}
		})
	}
}

// TestStreamMemoryFlat: the live heap while a capture is analysed hardly
// grows with its number of entries. It is sampled after a forced collection
// every 2,000 entries, on generated captures of 8,000 and 32,000 entries,
// streamed and held whole. What still grows when streamed is a few dozen
// bytes per distinct preflighted URL (for CORS-P21) and the entries of the
// findings (about 2% of the requests are planted failures); held whole,
// every entry that may matter stays, unless packed, when its node (about
// 100 bytes) stays.
func TestStreamMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 60 MB")
	}
	small := genHAR(t, hargen.Config{Entries: 8000, Mix: hargen.BodyHeavy, BodySize: 64, Seed: 3})
	large := genHAR(t, hargen.Config{Entries: 32000, Mix: hargen.BodyHeavy, BodySize: 64, Seed: 3})
	peak := func(path string, stream bool, tune tuning) uint64 {
		var max uint64
		tune.afterEntry = func(_ *analysis, i int) {
			if i%2000 == 0 {
				max = maxOf(max, liveHeap())
			}
		}
		_, again, err := openRead(path, Options{NoRequests: true, tune: &tune}, stream)
		if err != nil {
			t.Fatal(err)
		}
		if again {
			t.Fatalf("%s did not stream", path)
		}
		return max
	}
	mib := func(n uint64) float64 { return float64(n) / (1 << 20) }
	// Analysed whole, entries are packed past tuning.unpacked, and held in
	// memory up to packMemory: 1,000 and none here, so that these captures
	// are packed as much larger ones are.
	packing := defaultTuning
	packing.unpacked, packing.packMemory = 1000, 1
	s0, s1 := peak(small, true, defaultTuning), peak(large, true, defaultTuning)
	w0, w1 := peak(small, false, holdAll), peak(large, false, holdAll)
	p0, p1 := peak(small, false, packing), peak(large, false, packing)
	t.Logf("live heap, 8,000 -> 32,000 entries: streamed %.1f -> %.1f MiB, held whole %.1f -> %.1f MiB, whole and packed %.1f -> %.1f MiB", mib(s0), mib(s1), mib(w0), mib(w1), mib(p0), mib(p1))
	if s1 < s0 || w1 < w0 || 4*(s1-s0) > w1-w0 {
		t.Errorf("streaming grew the live heap by %.1f MiB for 24,000 more entries, more than a quarter of holding them (%.1f MiB)", mib(s1-s0), mib(w1-w0))
	}
	if p1 < p0 || 4*(p1-p0) > w1-w0 {
		t.Errorf("the whole analysis, packing, grew the live heap by %.1f MiB for 24,000 more entries, more than a quarter of holding them (%.1f MiB)", mib(p1-p0), mib(w1-w0))
	}
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func maxOf(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// TestEmptyEntriesNotHeld: entries with neither a URL nor an Origin header
// (a crafted file of "{}" entries, 3 bytes each) cannot take part in any
// exchange and are not held, although such a file, without start times,
// is analysed whole.
func TestEmptyEntriesNotHeld(t *testing.T) {
	heap := func(n int) uint64 {
		var b strings.Builder
		b.WriteString(`{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("{}")
		}
		b.WriteString("]}}")
		var max uint64
		tune := defaultTuning
		tune.afterEntry = func(_ *analysis, i int) {
			if i%(n/4) == 0 {
				max = maxOf(max, liveHeap())
			}
		}
		res := Reader("empty.har", strings.NewReader(b.String()), Options{NoRequests: true, tune: &tune}, har.Options{})
		if res.Err != nil || res.Entries != n {
			t.Fatalf("%d entries, error %v", res.Entries, res.Err)
		}
		return max
	}
	small, large := heap(20000), heap(200000)
	// Held, 180,000 more entries would take over 100 MiB.
	if large > small+8<<20 {
		t.Errorf("live heap grew from %.1f to %.1f MiB for 180,000 more empty entries", float64(small)/(1<<20), float64(large)/(1<<20))
	}
}

// TestStreamStackLearnedLate: a finding judged while its server's stack is
// not yet known is judged again at the end, once a later response gave the
// stack away; one judged after that keeps its first judgment. Both name
// the stack, as the whole-file analysis does.
// lateStackHAR writes a capture of three failing requests to one server
// whose stack only the second shows, with passing requests between them;
// it returns the path and the number of entries.
func lateStackHAR(t *testing.T) (string, int) {
	at := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	var entries []string
	entry := func(url, server, acao string) {
		at = at.Add(time.Second)
		entries = append(entries, fmt.Sprintf(`{"startedDateTime":%q,"time":5,
 "request":{"method":"GET","url":%q,"httpVersion":"HTTP/1.1","headers":[{"name":"Origin","value":"http://app.test"}]},
 "response":{"status":200,"statusText":"OK","headers":[{"name":"Server","value":%q},{"name":"Access-Control-Allow-Origin","value":%q}],"content":{"size":2,"mimeType":"application/json"}},
 "_resourceType":"fetch"}`, at.Format(time.RFC3339Nano), url, server, acao))
	}
	// Passing requests to another server between the three, enough for
	// the first to be judged before the second shows the stack.
	fill := func() {
		for i := range 512 {
			entry(fmt.Sprintf("http://cdn.test/i%d.png", i), "", "*")
		}
	}
	entry("http://api.test:8080/a", "", "")
	fill()
	entry("http://api.test:8080/b", "nginx/1.25.3", "")
	fill()
	entry("http://api.test:8080/c", "", "")
	text := `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[` + strings.Join(entries, ",") + `]}}`
	path := filepath.Join(t.TempDir(), "late.har")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, len(entries)
}
func TestStreamStackLearnedLate(t *testing.T) {
	path, n := lateStackHAR(t)
	got := streamedAsWhole(t, path)
	stacks := map[int]Stack{}
	for _, f := range got.Findings {
		stacks[f.Entry] = f.Stack
	}
	last3 := n - 1
	if len(got.Findings) < 3 || stacks[0] != Nginx || stacks[last3] != Nginx {
		t.Errorf("stacks of the findings by entry: %v (%d findings), want nginx for entries 0 and %d", stacks, len(got.Findings), last3)
	}
}

// TestPairingWorkLinear: the work of pairing (groups fed or expired) grows
// as the entries do, by path, for captures whose groups all stay inside
// the pairing window: one timestamp for every entry, and long polls 10 ms
// apart that each stay open an hour. Sweeping every group every 256
// releases made both quadratic.
func TestPairingWorkLinear(t *testing.T) {
	capture := func(n int, step time.Duration, dur int) string {
		at := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
		data := chromiumCapture(n, func(b *strings.Builder, i int) {
			fmt.Fprintf(b, `{"startedDateTime":%q,"time":%d,"request":{"method":"GET","url":"https://api.test/item/%d","headers":[{"name":"Origin","value":"https://app.test"}]},"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"*"}]},"_resourceType":"fetch"}`,
				at.Add(time.Duration(i)*step).Format(time.RFC3339Nano), dur, i)
		})
		path := filepath.Join(t.TempDir(), "c.har")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	work := func(path string) int {
		var last *analysis
		tune := defaultTuning
		tune.afterEntry = func(a *analysis, _ int) { last = a }
		res := File(path, Options{tune: &tune}, har.Options{})
		if res.Err != nil || last == nil || last.stream == nil {
			t.Fatalf("%s: not streamed (error %v)", path, res.Err)
		}
		return last.stream.visits
	}
	for _, c := range []struct {
		name string
		step time.Duration
		dur  int
		// doubles: nothing expires before the end, so twice the
		// entries must be exactly twice the work.
		doubles bool
	}{
		{"one timestamp", 0, 5, true},
		{"hour-long polls 10 ms apart", 10 * time.Millisecond, 3600000, true},
		{"20 ms apart", 20 * time.Millisecond, 5, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			const n = 3000
			w1, w2 := work(capture(n, c.step, c.dur)), work(capture(2*n, c.step, c.dur))
			t.Logf("%d entries: %d group visits; %d entries: %d", n, w1, 2*n, w2)
			// Each node is fed once, and expired at most once.
			if w1 < n || w1 > 2*n || w2 > 4*n {
				t.Errorf("%d entries cost %d group visits, %d entries %d: want one or two a node", n, w1, 2*n, w2)
			}
			if c.doubles && w2 != 2*w1 {
				t.Errorf("%d entries cost %d group visits, %d entries %d: twice the entries, not twice the work", n, w1, 2*n, w2)
			}
		})
	}
}

// TestStreamFarTimes: captures dated where nanoseconds since 1970 no
// longer fit an int64 (timeKey stops at the bound, so their deadlines
// tie) stream, and pair as the whole file does. The generated capture's
// entries start 5-400 ms apart, so that in 2025 its groups expire as the
// capture goes; in those years they wait for the end.
func TestStreamFarTimes(t *testing.T) {
	src, err := os.ReadFile(genHAR(t, hargen.Config{Entries: 3000, Mix: hargen.Mixes[0], Seed: 3, BodySize: 64}))
	if err != nil {
		t.Fatal(err)
	}
	for _, year := range []string{"1600", "2262", "2263", "9999"} {
		t.Run(year, func(t *testing.T) {
			data := bytes.ReplaceAll(src, []byte(`"2025-12-`), []byte(`"`+year+`-12-`))
			if bytes.Equal(data, src) {
				t.Fatal("the generated capture has no date of 2025-12 to move")
			}
			path := filepath.Join(t.TempDir(), year+".har")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			res := streamedAsWhole(t, path)
			if res.Paired == 0 {
				t.Errorf("no preflight paired in %s", path)
			}
		})
	}
	// Keys keep the order of times inside the range, and stop at its ends.
	for _, c := range []struct {
		a, b time.Time
		less bool
	}{
		{time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 1, 0, 0, 0, 1, time.UTC), true},
		{time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		if got := timeKey(c.a) < timeKey(c.b); got != c.less {
			t.Errorf("timeKey(%v) < timeKey(%v) = %v, want %v", c.a, c.b, got, c.less)
		}
		if timeKey(c.a) > timeKey(c.b) {
			t.Errorf("timeKey(%v) > timeKey(%v): the order of times is lost", c.a, c.b)
		}
	}
}

// TestStreamHoldOverflow holds no exchange whose target's stack is unknown
// (holdLimit 0): the capture whose stack turns up late must then be read
// again whole, and give the same result; every other file streams as
// before, with the same result.
func TestStreamHoldOverflow(t *testing.T) {
	tune := defaultTuning
	tune.holdLimit = 0
	files := streamFiles(t)
	files = append(files, genHAR(t, hargen.Config{Entries: 3000, Mix: hargen.BodyHeavy, Seed: 9, BodySize: 256, Systemic: true}))
	var last *analysis
	tune.afterEntry = func(a *analysis, _ int) { last = a }
	late, _ := lateStackHAR(t)
	files = append(files, late)
	for _, path := range files {
		last = nil
		got := File(path, Options{tune: &tune}, har.Options{})
		if d := cmp.Diff(whole(t, path), got, errText); d != "" {
			t.Errorf("%s: differs from the whole-file analysis (-whole +stream):\n%s", path, d)
		}
		if path == late && (last == nil || last.stream != nil) {
			t.Errorf("%s: the server's stack turned up after more exchanges than were held, but the file was not read again whole", path)
		}
	}
}

// TestKeep checks that what Options.Keep leaves out of Result.Findings
// changes nothing else: the groups, the counts and the requests are those
// of KeepAll, and KeepLight's findings are KeepAll's without their entries.
func TestKeep(t *testing.T) {
	files := streamFiles(t)
	files = append(files, genHAR(t, hargen.Config{Entries: 3000, Mix: hargen.MetadataDense, Seed: 9, Systemic: true}))
	groups := 0
	for _, path := range files {
		all := File(path, Options{}, har.Options{})
		light := File(path, Options{Keep: KeepLight}, har.Options{})
		none := File(path, Options{Keep: KeepNone}, har.Options{})
		groups += len(all.Groups)
		var want []Finding
		for _, f := range all.Findings {
			asked(&f)
			f.Request, f.PreflightEntry = nil, nil
			want = append(want, f)
		}
		if d := cmp.Diff(want, light.Findings); d != "" {
			t.Errorf("%s: KeepLight findings (-want +got):\n%s", path, d)
		}
		if len(none.Findings) != 0 {
			t.Errorf("%s: KeepNone kept %d findings", path, len(none.Findings))
		}
		for _, r := range []*Result{light, none} {
			r.Findings = all.Findings
			if d := cmp.Diff(all, r, errText); d != "" {
				t.Errorf("%s: results differ beyond their findings (-all +other):\n%s", path, d)
			}
		}
	}
	if groups < 100 {
		t.Errorf("only %d groups in %d files: nothing was compared", groups, len(files))
	}
}

// TestDevServerPage: an API whose responses name no stack, called by a page
// that Vite's dev server serves (its own file answered with Vite's
// headers), gets Vite's fix, the dev server's proxy, whether the page's
// file comes before the failure or after it, streamed or not.
func TestDevServerPage(t *testing.T) {
	at := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	// entry is a fetch from the page; failed marks it blocked.
	entry := func(url string, failed bool, headers ...string) string {
		at = at.Add(time.Second)
		errField := ""
		if failed {
			errField = `,"_error":"net::ERR_FAILED"`
		}
		var hs []string
		for i := 0; i+1 < len(headers); i += 2 {
			hs = append(hs, fmt.Sprintf(`{"name":%q,"value":%q}`, headers[i], headers[i+1]))
		}
		return fmt.Sprintf(`{"startedDateTime":%q,"time":5,
 "request":{"method":"GET","url":%q,"httpVersion":"HTTP/1.1","headers":[{"name":"Origin","value":"http://localhost:5173"}]},
 "response":{"status":200,"statusText":"OK","headers":[%s],"content":{"size":2,"mimeType":"application/json"}},
 "_resourceType":"fetch"%s}`, at.Format(time.RFC3339Nano), url, strings.Join(hs, ","), errField)
	}
	vite := func() string {
		return entry("http://localhost:5173/config.json", false, "Vary", "Origin", "Cache-Control", "no-cache", "ETag", `W/"19-1796434472790"`, "Content-Type", "application/json")
	}
	api := func() string { return entry("http://localhost:3000/users", true, "Content-Type", "application/json") }
	// Same-origin requests of the page, enough for the API's failure to be
	// judged before the page's file shows the dev server.
	fill := func() []string {
		var es []string
		for i := range 600 {
			es = append(es, entry(fmt.Sprintf("http://localhost:5173/assets/i%d.png", i), false, "Content-Type", "image/png"))
		}
		return es
	}
	for _, c := range []struct {
		name    string
		entries []string
		want    Stack
	}{
		{"page file first", []string{vite(), api()}, Vite},
		{"page file last", append(append([]string{api()}, fill()...), vite()), Vite},
		{"no dev server", append([]string{api()}, fill()...), Generic},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[` + strings.Join(c.entries, ",") + `]}}`
			path := filepath.Join(t.TempDir(), "dev.har")
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			got := streamedAsWhole(t, path)
			var stacks []string
			for _, f := range got.Findings {
				if f.Rule.ID == "CORS-A01" {
					stacks = append(stacks, string(f.Stack))
				}
			}
			if len(stacks) != 1 || Stack(stacks[0]) != c.want {
				t.Errorf("CORS-A01 findings name stacks %q, want one naming %q", stacks, c.want)
			}
		})
	}
}

// TestReorderBuffer: the reorder buffer hands nodes out in pairing order
// (start time, then file position) whatever order they come in, with pops
// interleaved; nodes that come in order never go through its heap. The
// expiry heap gives its deadlines in order too.
func TestReorderBuffer(t *testing.T) {
	at := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	rnd := rand.New(rand.NewPCG(1, 2))
	mk := func(i int, ms int) *node {
		t := at.Add(time.Duration(ms) * time.Millisecond)
		return &node{e: &har.Entry{Index: i, Started: t}, start: t}
	}
	for _, c := range []struct {
		name   string
		jitter int // how far back in time a node may start, ms
		late   bool
	}{{"in order", 0, false}, {"some late", 50, true}} {
		t.Run(c.name, func(t *testing.T) {
			var r reorder
			var got []*node
			pushed := 0
			for i := range 5000 {
				ms := i / 3 // several nodes share a start
				if c.jitter > 0 && rnd.IntN(4) == 0 {
					ms -= rnd.IntN(c.jitter)
				}
				r.push(mk(i, ms))
				pushed++
				if len(r.late) > 0 && !c.late {
					t.Fatalf("node %d, in order, went to the heap", i)
				}
				// Keep about 60 waiting, as the streamer does.
				for r.len() > 60 || (rnd.IntN(3) == 0 && r.len() > 0) {
					want := r.first()
					if n := r.pop(); n != want {
						t.Fatalf("pop returned entry %d, first said %d", n.e.Index, want.e.Index)
					}
					got = append(got, want)
				}
			}
			for r.len() > 0 {
				got = append(got, r.pop())
			}
			if len(got) != pushed {
				t.Fatalf("%d nodes out, %d in", len(got), pushed)
			}
			// What left the buffer is in order as far as the buffer could
			// know: each node is not before the one popped just before
			// it unless it was pushed after that pop (late beyond the
			// buffer), which the streamer treats as giving up.
			if !c.late {
				for i := 1; i < len(got); i++ {
					if before(got[i], got[i-1]) {
						t.Fatalf("entry %d came out after entry %d", got[i].e.Index, got[i-1].e.Index)
					}
				}
			}
		})
	}
	t.Run("sorted when all are in", func(t *testing.T) {
		var r reorder
		var want []*node
		for i := range 3000 {
			n := mk(i, rnd.IntN(500))
			want = append(want, n)
			r.push(n)
		}
		slices.SortStableFunc(want, func(x, y *node) int {
			if before(x, y) {
				return -1
			}
			if before(y, x) {
				return 1
			}
			return 0
		})
		for i, w := range want {
			if n := r.pop(); n != w {
				t.Fatalf("pop %d: entry %d, want %d", i, n.e.Index, w.e.Index)
			}
		}
	})
	t.Run("expiries", func(t *testing.T) {
		var h expiryHeap
		var ats []time.Time
		for range 2000 {
			x := at.Add(time.Duration(rnd.IntN(100000)) * time.Millisecond)
			ats = append(ats, x)
			h.push(expiry{at: timeKey(x)})
		}
		slices.SortFunc(ats, func(a, b time.Time) int { return a.Compare(b) })
		for i, w := range ats {
			if x := h.pop(); x.at != timeKey(w) {
				t.Fatalf("pop %d: %v, want %v", i, x.at, timeKey(w))
			}
		}
	})
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// fetchCapture is a Chromium capture of n fetches, one in ten without
// Access-Control-Allow-Origin; with lateLast the last entry starts first,
// which a streamed analysis cannot take and starts again for.
func fetchCapture(n int, lateLast bool) []byte {
	at := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	return chromiumCapture(n, func(b *strings.Builder, i int) {
		t := at.Add(time.Duration(i) * 100 * time.Millisecond)
		if lateLast && i == n-1 {
			t = at
		}
		// Every tenth response lacks Access-Control-Allow-Origin: a
		// finding, so that the results compared are not empty.
		acao := `{"name":"Access-Control-Allow-Origin","value":"*"}`
		if i%10 == 0 {
			acao = `{"name":"X-Other","value":"1"}`
		}
		fmt.Fprintf(b, `{"startedDateTime":%q,"time":5,"request":{"method":"GET","url":"https://api.test/item/%d","headers":[{"name":"Origin","value":"https://app.test"}]},"response":{"status":200,"headers":[%s]},"_resourceType":"fetch"}`,
			t.Format(time.RFC3339Nano), i, acao)
	})
}

// chromiumCapture is a capture as Chromium's DevTools names itself, of n
// entries, each written by entry.
func chromiumCapture(n int, entry func(b *strings.Builder, i int)) []byte {
	var b strings.Builder
	b.WriteString(`{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		entry(&b, i)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

// TestReaderStreams: an input that can be read only once (here a pipe) is
// analysed streamed, holding a bounded number of entries however many it
// has, and is read once, to the end, even when the analysis has to start
// again: then from the copy it kept. Either way the result is the
// whole-file analysis'.
func TestReaderStreams(t *testing.T) {
	held := func(a *analysis) int {
		n := len(a.nodes)
		if s := a.stream; s != nil {
			n += s.pending.len()
			n += len(waitingNodes(s))
		}
		return n
	}
	for _, c := range []struct {
		name     string
		entries  int
		lateLast bool
	}{{"in order", 20000, false}, {"last entry late", 3000, true}} {
		t.Run(c.name, func(t *testing.T) {
			data := fetchCapture(c.entries, c.lateLast)
			r, err := har.NewReader(bytes.NewReader(data), har.Options{Name: "c.har"})
			if err != nil {
				t.Fatal(err)
			}
			want, _ := read("c.har", r, Options{}, false)
			r.Close()
			if len(want.Findings) == 0 {
				t.Fatal("the capture has no findings")
			}

			pr, pw := io.Pipe()
			go func() { pw.Write(data); pw.Close() }()
			src := &countingReader{r: pr}
			most, streamed := 0, false
			passes := map[*analysis]bool{}
			tune := defaultTuning
			tune.afterEntry = func(a *analysis, i int) {
				passes[a] = true
				if i%500 == 0 {
					most = max(most, held(a))
					streamed = streamed || a.stream != nil
				}
			}
			got := Reader("c.har", src, Options{tune: &tune}, har.Options{})
			if d := cmp.Diff(want, got, errText); d != "" {
				t.Errorf("read once differs from the whole-file analysis (-whole +once):\n%s", d)
			}
			if src.n != int64(len(data)) {
				t.Errorf("%d bytes read from the input, which has %d", src.n, len(data))
			}
			if !streamed {
				t.Fatal("the analysis did not stream")
			}
			if want := map[bool]int{false: 1, true: 2}[c.lateLast]; len(passes) != want {
				t.Errorf("the input was analysed %d times, want %d", len(passes), want)
			}
			// 10 s of reorder buffer and 30 s of pairing window, at 10
			// entries a second: about 400 wait at any time.
			if !c.lateLast && most > 1000 {
				t.Errorf("the analysis held %d of %d entries at once; want at most 1,000", most, c.entries)
			}
		})
	}
}

// TestOneWorker: with Workers 1 in both options, the reading and the
// analysis run on the caller's goroutine alone, by path and from a pipe;
// by default they start goroutines of their own (reading ahead, reading
// beside the analysis), which the same count sees.
func TestOneWorker(t *testing.T) {
	path := genHAR(t, hargen.Config{Entries: 3000, Mix: hargen.BodyHeavy, Seed: 5, BodySize: 4096})
	if fi, err := os.Stat(path); err != nil || fi.Size() < 5<<20 {
		t.Fatalf("the capture must be more than 5 MiB, to be read ahead by default: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		workers int
	}{{"one worker", 1}, {"default", 0}} {
		for _, way := range []string{"path", "pipe"} {
			t.Run(c.name+" "+way, func(t *testing.T) {
				var pr *io.PipeReader
				if way == "pipe" {
					var pw *io.PipeWriter
					pr, pw = io.Pipe()
					go func() { pw.Write(data); pw.Close() }()
				}
				runtime.GC()
				base, most := runtime.NumGoroutine(), 0
				tune := defaultTuning
				tune.afterEntry = func(_ *analysis, i int) {
					if i%100 == 0 {
						most = max(most, runtime.NumGoroutine())
					}
				}
				opt, ropt := Options{Workers: c.workers, tune: &tune}, har.Options{Workers: c.workers}
				var res *Result
				if pr != nil {
					res = Reader(path, pr, opt, ropt)
				} else {
					res = File(path, opt, ropt)
				}
				if res.Err != nil || res.Entries != 3000 {
					t.Fatalf("%d entries, error %v", res.Entries, res.Err)
				}
				switch {
				case c.workers == 1 && most > base:
					t.Errorf("%d goroutines while reading, %d before: the reading started some", most, base)
				case c.workers != 1 && runtime.GOMAXPROCS(0) > 1 && most <= base:
					t.Errorf("%d goroutines while reading, %d before: by default the reading starts some", most, base)
				}
			})
		}
	}
}

// TestReopen: an input that is opened again instead of copied (the web
// page's File) is analysed streamed, opened once when the stream suffices
// and a second time when the analysis has to start again, with the
// whole-file analysis' result; an open that fails is the file's error.
func TestReopen(t *testing.T) {
	for _, lateLast := range []bool{false, true} {
		data := fetchCapture(3000, lateLast)
		r, err := har.NewReader(bytes.NewReader(data), har.Options{Name: "c.har"})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := read("c.har", r, Options{}, false)
		r.Close()
		opens, streamed := 0, false
		tune := defaultTuning
		tune.afterEntry = func(a *analysis, _ int) { streamed = streamed || a.stream != nil }
		got := Reopen("c.har", func() (io.Reader, error) {
			opens++
			return bytes.NewReader(data), nil
		}, Options{tune: &tune}, har.Options{})
		if d := cmp.Diff(want, got, errText); d != "" {
			t.Errorf("lateLast %v: differs from the whole-file analysis (-whole +reopened):\n%s", lateLast, d)
		}
		if wantOpens := map[bool]int{false: 1, true: 2}[lateLast]; opens != wantOpens || !streamed {
			t.Errorf("lateLast %v: opened %d times (want %d), streamed %v", lateLast, opens, wantOpens, streamed)
		}
	}
	got := Reopen("c.har", func() (io.Reader, error) { return nil, errors.New("the file was moved") }, Options{}, har.Options{})
	if got.Err == nil || got.Err.Error() != "c.har: the file was moved" {
		t.Errorf("failed open: error %v, want c.har: the file was moved", got.Err)
	}
}

// waitingNodes returns the nodes waiting for a partner in s's groups.
func waitingNodes(s *streamer) []*node {
	var w []*node
	for _, g := range s.groups {
		w = append(append(w, g.waitPre...), g.waitReq...)
	}
	for _, e := range s.single.ents {
		if e.n != nil {
			w = append(w, e.n)
		}
	}
	return w
}

// failAfter gives the first n bytes of data, then err.
type failAfter struct {
	data []byte
	err  error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestReaderFails: an input that fails part way (a pipe whose writer
// died, a network stream) gives its error, read through the spool as
// read on the caller's goroutine alone, not a truncated file's error nor
// a result as if it were complete.
func TestReaderFails(t *testing.T) {
	path := genHAR(t, hargen.Config{Entries: 20000, Mix: hargen.MetadataDense, Seed: 7})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	broken := errors.New("the writer went away")
	for _, workers := range []int{1, 0} {
		for _, at := range []int{100, 3 << 20, len(data) - 10} {
			src := &failAfter{data: data[:at], err: broken}
			res := Reader("in.har", src, Options{Workers: workers}, har.Options{Workers: workers})
			if res.Err == nil || !strings.Contains(res.Err.Error(), broken.Error()) {
				t.Errorf("workers %d, failing after %d bytes: error %v, want one saying %q", workers, at, res.Err, broken)
			}
		}
	}
}

// TestStreamPairsByURLAndMethod: the streamer's groups (keyed by a hash of
// URL and method, see pairID) pair a preflight only with a request of the
// method it asked for, as the whole-file pairing does: a GET and a PUT to
// the URL of one PUT preflight, from the same origin, leave the GET alone
// whichever comes first.
func TestStreamPairsByURLAndMethod(t *testing.T) {
	at := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	const allow = `{"name":"Access-Control-Allow-Origin","value":"https://app.test"}`
	data := chromiumCapture(60, func(b *strings.Builder, i int) {
		u := fmt.Sprintf("https://api.test/item/%d", i/3)
		when := at.Add(time.Duration(i) * time.Millisecond).Format(time.RFC3339Nano)
		origin := `{"name":"Origin","value":"https://app.test"}`
		switch method := []string{"OPTIONS", "GET", "PUT"}[(i+i/3)%3]; method {
		case "OPTIONS":
			fmt.Fprintf(b, `{"startedDateTime":%q,"time":5,"request":{"method":"OPTIONS","url":%q,"headers":[%s,{"name":"Access-Control-Request-Method","value":"PUT"}]},"response":{"status":204,"headers":[%s,{"name":"Access-Control-Allow-Methods","value":"PUT"}]},"_resourceType":"preflight"}`, when, u, origin, allow)
		default:
			fmt.Fprintf(b, `{"startedDateTime":%q,"time":5,"request":{"method":%q,"url":%q,"headers":[%s]},"response":{"status":200,"headers":[%s]},"_resourceType":"fetch"}`, when, method, u, origin, allow)
		}
	})
	path := filepath.Join(t.TempDir(), "methods.har")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var last *analysis
	tune := defaultTuning
	tune.afterEntry = func(a *analysis, _ int) { last = a }
	got := File(path, Options{tune: &tune}, har.Options{})
	if got.Err != nil || last == nil || last.stream == nil {
		t.Fatalf("not streamed (error %v)", got.Err)
	}
	var gets, puts int
	for _, r := range got.Requests {
		switch {
		case r.Method == "GET" && r.Preflight >= 0:
			t.Errorf("GET entry %d paired with the PUT preflight %d", r.Entry, r.Preflight)
		case r.Method == "PUT" && r.Preflight < 0:
			t.Errorf("PUT entry %d has no preflight", r.Entry)
		}
		if r.Method == "GET" {
			gets++
		} else if r.Method == "PUT" {
			puts++
		}
	}
	if gets != 20 || puts != 20 {
		t.Errorf("%d GETs and %d PUTs among the requests, want 20 of each", gets, puts)
	}
	if d := cmp.Diff(whole(t, path), got, errText); d != "" {
		t.Errorf("streaming differs from the whole-file analysis (-whole +stream):\n%s", d)
	}
}

// TestRedirectsOutsideCORS: a redirect whose next hop is no CORS request
// (an image behind a CDN redirect, a navigation) is linked to that hop,
// which the analysis otherwise skips: a later CORS request to the same URL
// is not taken for its next hop, and the redirects of a capture of images
// are not held until the end (each was, with its entry).
func TestRedirectsOutsideCORS(t *testing.T) {
	entry := func(start time.Time, url, mode, origin string, status int, location string) string {
		var hs []string
		hs = append(hs, fmt.Sprintf(`{"name":"Sec-Fetch-Mode","value":%q}`, mode))
		if origin != "" {
			hs = append(hs, fmt.Sprintf(`{"name":"Origin","value":%q}`, origin))
		}
		rs := `[{"name":"Content-Type","value":"application/json"}]`
		if location != "" {
			rs = fmt.Sprintf(`[{"name":"Location","value":%q},{"name":"Access-Control-Allow-Origin","value":"*"}]`, location)
		}
		return fmt.Sprintf(`{"startedDateTime":%q,"time":5,"request":{"method":"GET","url":%q,"headers":[%s]},"response":{"status":%d,"headers":%s,"redirectURL":%q}}`,
			start.Format(time.RFC3339Nano), url, strings.Join(hs, ","), status, rs, location)
	}
	write := func(t *testing.T, entries []string) string {
		path := filepath.Join(t.TempDir(), "x.har")
		// A proxy's capture: no failure marker, so the last request is
		// judged on its headers.
		text := `{"log":{"version":"1.2","creator":{"name":"Charles Proxy","version":"5"},"entries":[` + strings.Join(entries, ",") + `]}}`
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

	t.Run("linked to the hop outside CORS", func(t *testing.T) {
		path := write(t, []string{
			entry(t0, "https://api.example.com/x", "cors", "https://app.example.com", 302, "https://api.example.com/y"),
			entry(t0.Add(time.Millisecond), "https://api.example.com/y", "no-cors", "", 200, ""),
			entry(t0.Add(time.Second), "https://api.example.com/y", "cors", "https://app.example.com", 200, ""),
		})
		res := File(path, Options{}, har.Options{})
		if len(res.Findings) != 1 {
			t.Fatalf("findings: %+v", res.Findings)
		}
		if f := res.Findings[0]; f.Entry != 2 || strings.Contains(f.Message, "redirected from") {
			t.Errorf("entry %d: %s", f.Entry, f.Message)
		}
	})

	t.Run("not held", func(t *testing.T) {
		heap := func(n int) uint64 {
			var entries []string
			for i := range n {
				// 20 ms apart: past the pairing window (30 s),
				// nodes waiting for a partner are let go.
				at := t0.Add(time.Duration(i) * 20 * time.Millisecond)
				img := fmt.Sprintf("https://img.example.com/i/%d.png", i)
				entries = append(entries,
					entry(at, fmt.Sprintf("https://cdn.example.com/i/%d", i), "no-cors", "", 302, img),
					entry(at.Add(time.Microsecond), img, "no-cors", "", 200, ""))
			}
			path := write(t, entries)
			var peak uint64
			tune := defaultTuning
			tune.afterEntry = func(_ *analysis, i int) {
				if i%2000 == 0 {
					peak = max(peak, liveHeap())
				}
			}
			if res := File(path, Options{NoRequests: true, tune: &tune}, har.Options{}); res.Err != nil {
				t.Fatal(res.Err)
			}
			return peak
		}
		small, large := heap(4000), heap(16000)
		t.Logf("live heap, 4,000 -> 16,000 redirected images: %.1f -> %.1f MiB", float64(small)/(1<<20), float64(large)/(1<<20))
		if large > small+4<<20 {
			t.Errorf("the live heap grew by %.1f MiB for 12,000 more redirects outside CORS", float64(large-small)/(1<<20))
		}
	})
}

// TestWholePartnersApart: a whole analysis that packs lets go of each
// entry once its exchange is judged however far apart a preflight and its
// request are in the file. With every preflight written before every
// request, a preflight given back with its request stayed in its own
// place until its turn, so that half way through every entry was held
// again. The live heap is sampled every 1,000 nodes judged.
func TestWholePartnersApart(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses 32,000 pairs")
	}
	write := func(pairs int, requestsFirst bool) string {
		var pre, req []string
		for i := range pairs {
			url := fmt.Sprintf("https://api.example.com/v1/items/%d", i)
			pre = append(pre, fmt.Sprintf(`{"request":{"method":"OPTIONS","url":%q,"headers":[{"name":"Origin","value":"https://app.example.com"},{"name":"Access-Control-Request-Method","value":"PUT"},{"name":"Access-Control-Request-Headers","value":"content-type,x-request-id"}]},"response":{"status":204,"headers":[{"name":"Access-Control-Allow-Origin","value":"https://app.example.com"},{"name":"Access-Control-Allow-Methods","value":"PUT"},{"name":"Access-Control-Allow-Headers","value":"x-request-id, content-type"},{"name":"Vary","value":"Origin"}]}}`, url))
			req = append(req, fmt.Sprintf(`{"request":{"method":"PUT","url":%q,"headers":[{"name":"Origin","value":"https://app.example.com"},{"name":"X-Request-Id","value":"%032x"},{"name":"Content-Type","value":"application/json"}]},"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"https://app.example.com"},{"name":"Vary","value":"Origin"},{"name":"Content-Type","value":"application/json"}]}}`, url, i))
		}
		entries := append(pre, req...)
		if requestsFirst {
			entries = append(req, pre...)
		}
		path := filepath.Join(t.TempDir(), "apart.har")
		text := `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"1"},"entries":[` + strings.Join(entries, ",") + `]}}`
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	peak := func(path string, tune tuning) uint64 {
		var max uint64
		tune.afterJudged = func(i int) {
			if i%1000 == 0 {
				max = maxOf(max, liveHeap())
			}
		}
		res, again, err := openRead(path, Options{NoRequests: true, tune: &tune}, false)
		if err != nil {
			t.Fatal(err)
		}
		// Every pair passes: the findings a report keeps do not blur
		// what the entries hold.
		if again || res.Err != nil || res.CrossOrigin == 0 || len(res.Findings) > 0 {
			t.Fatalf("%s: read again %v, error %v, %d cross-origin, %d findings", path, again, res.Err, res.CrossOrigin, len(res.Findings))
		}
		return max
	}
	packing := defaultTuning
	packing.unpacked, packing.packMemory = 1000, 1
	mib := func(n uint64) float64 { return float64(n) / (1 << 20) }
	for _, requestsFirst := range []bool{false, true} {
		small, large := write(4000, requestsFirst), write(16000, requestsFirst)
		h0, h1 := peak(small, holdAll), peak(large, holdAll)
		p0, p1 := peak(small, packing), peak(large, packing)
		t.Logf("requests first %v, live heap while judging 4,000 -> 16,000 pairs: held %.1f -> %.1f MiB, packed %.1f -> %.1f MiB", requestsFirst, mib(h0), mib(h1), mib(p0), mib(p1))
		if h1 < h0 || p1 < p0 || 4*(p1-p0) > h1-h0 {
			t.Errorf("requests first %v: packing grew the live heap by %.1f MiB for 12,000 more pairs, more than a quarter of holding them (%.1f MiB)", requestsFirst, mib(p1-p0), mib(h1-h0))
		}
	}
}
