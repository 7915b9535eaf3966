package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/report"
)

// Broken and hostile input, end to end: every case goes through the command
// (run) and the pipeline checks of fuzz_test.go, and must give its documented
// error, keep what was read before it, and stay within bounded memory.

var (
	hostileDir = filepath.Join("testdata", "hars", "hostile")
	brokenDir  = filepath.Join("testdata", "hars", "broken")
)

// cliJSON is the part of the harcors/v1 JSON output these tests read.
type cliJSON struct {
	Files []struct {
		File     string
		Entries  int
		Error    *string
		Warnings []string
		Findings []struct {
			Rule      string
			Entry     int
			Preflight *int
		}
		Requests []struct{ Entry int }
	}
}

// runJSON runs the command with --format json and decodes its output.
func runJSON(t *testing.T, stdin io.Reader, args ...string) (int, cliJSON, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"--format", "json", "--fail-on", "never"}, args...), stdin, &out, &errb)
	var doc cliJSON
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("exit %d, output does not parse: %v\n%.2000s\nstderr: %s", code, err, out.Bytes(), errb.Bytes())
	}
	if bytes.Contains(out.Bytes(), []byte("internal error")) {
		t.Fatalf("a panic was caught by the command:\n%.2000s", out.Bytes())
	}
	return code, doc, errb.String()
}

// hostileSummary describes what the analysis makes of a file: entries,
// error, warnings, with the file's base name, one fact a line. It is what
// the .want files of testdata/hars/hostile record.
func hostileSummary(name string, data []byte) string {
	res := analyze.Reader(name, bytes.NewReader(data), analyze.Options{}, har.Options{})
	var b strings.Builder
	fmt.Fprintf(&b, "entries: %d\n", res.Entries)
	if res.Err != nil {
		fmt.Fprintf(&b, "error: %v\n", res.Err)
	}
	for _, w := range res.ReadWarnings {
		fmt.Fprintf(&b, "warning: %v\n", w)
	}
	return b.String()
}

// TestHostileFixtures checks each file of testdata/hars/hostile against its
// .want file (go test -run TestHostileFixtures -update rewrites them), and
// runs each, and each damaged file of testdata/hars/broken, through the
// command in every format and through the pipeline checks.
func TestHostileFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(hostileDir, "*.har"))
	if len(files) < 7 {
		t.Fatalf("only %d fixtures in %s", len(files), hostileDir)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := hostileSummary(filepath.Base(path), data)
			if *update {
				if err := os.WriteFile(path+".want", []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, err := os.ReadFile(path + ".want"); err != nil {
				t.Errorf("%v (go test -run TestHostileFixtures -update creates it)", err)
			} else if got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			checkCLI(t, path, strings.Contains(got, "\nerror: "))
			checkPipeline(t, data, true)
		})
	}
	// The reader's damaged fixtures: the command reports the error the
	// reader's .want file names, after the entries it lists.
	wants, _ := filepath.Glob(filepath.Join(brokenDir, "*.want"))
	for _, wantPath := range wants {
		path := strings.TrimSuffix(wantPath, ".want")
		t.Run("broken/"+filepath.Base(path), func(t *testing.T) {
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var wantErr string
			wantEntries := 0
			for _, line := range strings.Split(string(want), "\n") {
				if strings.HasPrefix(line, "entry ") {
					wantEntries++
				}
				if s, ok := strings.CutPrefix(line, "error: "); ok {
					wantErr = s
				}
			}
			got := hostileSummary(filepath.Base(path), data)
			if !strings.HasPrefix(got, fmt.Sprintf("entries: %d\n", wantEntries)) {
				t.Errorf("analysed:\n%s\nthe reader's .want lists %d entries", got, wantEntries)
			}
			if wantErr != "" && !strings.Contains(got, "\nerror: "+wantErr+"\n") {
				t.Errorf("analysed:\n%s\nwant the error %s", got, wantErr)
			}
			checkCLI(t, path, wantErr != "")
			checkPipeline(t, data, true)
		})
	}
}

// checkCLI runs the command on path in every format: exit 2 when the file
// has an error (the error then names the path), 0 otherwise (--fail-on
// never), and never a caught panic.
func checkCLI(t *testing.T, path string, broken bool) {
	t.Helper()
	wantCode := exitOK
	if broken {
		wantCode = exitTrouble
	}
	code, doc, stderr := runJSON(t, nil, path)
	if code != wantCode {
		t.Errorf("exit %d, want %d; stderr %s", code, wantCode, stderr)
	}
	if len(doc.Files) != 1 || doc.Files[0].File != path || (doc.Files[0].Error != nil) != broken {
		t.Fatalf("JSON does not account for %s: %+v", path, doc)
	}
	if broken && !strings.HasPrefix(*doc.Files[0].Error, path) {
		t.Errorf("error does not name the file: %s", *doc.Files[0].Error)
	}
	for _, format := range []string{"table", "markdown", "sarif"} {
		for _, all := range []string{"--all=false", "--all"} {
			var out, errb bytes.Buffer
			code := run([]string{"--format", format, all, "--fail-on", "never", "--color", "never", path}, nil, &out, &errb)
			if code != wantCode {
				t.Errorf("%s %s: exit %d, want %d; stderr %s", format, all, code, wantCode, errb.Bytes())
			}
			if bytes.Contains(out.Bytes(), []byte("internal error")) {
				t.Fatalf("%s %s: a panic was caught:\n%s", format, all, out.Bytes())
			}
		}
	}
}

// errRe matches an error's position: file:line:col (byte N).
var errRe = regexp.MustCompile(`^(.*):(\d+):(\d+) \(byte (\d+)\): `)

// parseErrPos splits an error's text into file, line, column and offset.
func parseErrPos(t *testing.T, msg string) (file string, line, col int, off int64) {
	t.Helper()
	m := errRe.FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("error without a position: %s", msg)
	}
	line, _ = strconv.Atoi(m[2])
	col, _ = strconv.Atoi(m[3])
	o, _ := strconv.ParseInt(m[4], 10, 64)
	return m[1], line, col, o
}

// entryEnds returns the byte offset just past each element of log.entries,
// found with encoding/json: an oracle independent of the reader.
func entryEnds(t *testing.T, data []byte) []int64 {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	var ends []int64
	var walk func(path string) // reads one value
	walk = func(path string) {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		if tok != json.Delim('{') {
			if d, ok := tok.(json.Delim); ok && d == '[' {
				for dec.More() {
					var raw json.RawMessage
					if err := dec.Decode(&raw); err != nil {
						t.Fatal(err)
					}
					if path == "log.entries" {
						ends = append(ends, dec.InputOffset())
					}
				}
				dec.Token()
			}
			return
		}
		for dec.More() {
			k, _ := dec.Token()
			key := k.(string)
			if (path == "" && key == "log") || (path == "log" && key == "entries") {
				walk(strings.TrimPrefix(path+"."+key, "."))
				continue
			}
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				t.Fatal(err)
			}
		}
		dec.Token()
	}
	walk("")
	return ends
}

// TestTruncatedAtTenPoints cuts a recorded capture at ten points spread over
// the file. Each time the command exits 2, names the file, the line, the
// column and the byte offset of the end, says the file looks truncated, and
// still analyses and reports the entries that were whole before the cut.
func TestTruncatedAtTenPoints(t *testing.T) {
	full, err := os.ReadFile(filepath.Join("testdata", "hars", "chromium", "go--max-age-zero.har"))
	if err != nil {
		t.Fatal(err)
	}
	ends := entryEnds(t, full)
	if len(ends) < 4 {
		t.Fatalf("fixture has %d entries", len(ends))
	}
	_, fullDoc, _ := runJSON(t, bytes.NewReader(full), "--all", "-")
	dir := t.TempDir()
	for i := 1; i <= 10; i++ {
		cut := len(full) * i / 11
		data := full[:cut]
		path := filepath.Join(dir, fmt.Sprintf("cut-%d.har", cut))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprint(cut), func(t *testing.T) {
			want := 0
			for _, end := range ends {
				if end <= int64(cut) {
					want++
				}
			}
			code, doc, _ := runJSON(t, nil, "--all", path)
			if code != exitTrouble {
				t.Errorf("exit %d, want %d", code, exitTrouble)
			}
			f := doc.Files[0]
			if f.Error == nil {
				t.Fatalf("no error for a file cut at byte %d", cut)
			}
			file, line, col, off := parseErrPos(t, *f.Error)
			wantLine := bytes.Count(data, []byte("\n")) + 1
			wantCol := cut - (bytes.LastIndexByte(data, '\n') + 1) + 1
			if file != path || off != int64(cut) || line != wantLine || col != wantCol {
				t.Errorf("error at %s:%d:%d byte %d, want %s:%d:%d byte %d: %s", file, line, col, off, path, wantLine, wantCol, cut, *f.Error)
			}
			if !strings.Contains(*f.Error, "looks truncated") {
				t.Errorf("error does not say the file looks truncated: %s", *f.Error)
			}
			if f.Entries != want {
				t.Errorf("%d entries analysed, %d were whole before the cut", f.Entries, want)
			}
			// What was read is reported: each finding and request of
			// the whole file about entries before the cut (with its
			// preflight, if paired) is still there.
			for _, r := range f.Requests {
				if r.Entry >= want {
					t.Errorf("request for entry %d, past the %d read", r.Entry, want)
				}
			}
			got := map[string]bool{}
			for _, x := range f.Findings {
				got[fmt.Sprint(x.Entry, x.Rule)] = true
			}
			for _, x := range fullDoc.Files[0].Findings {
				whole := x.Entry < want && (x.Preflight == nil || *x.Preflight < want)
				if whole && !got[fmt.Sprint(x.Entry, x.Rule)] {
					t.Errorf("finding %s on entry %d lost by the cut", x.Rule, x.Entry)
				}
			}
			checkPipeline(t, data, true)
		})
	}
}

// repeatReader yields n copies of b.
type repeatReader struct {
	b byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), r.n))
	for i := range p[:k] {
		p[i] = r.b
	}
	r.n -= int64(k)
	return k, nil
}

// heapUse is what measureHeap reports: the peak growth of HeapInuse over
// the baseline, sampled every few milliseconds, and the bytes allocated in
// all (TotalAlloc), which catches even short-lived allocations a sample
// misses.
type heapUse struct {
	peak, total uint64
}

func (h heapUse) String() string {
	return fmt.Sprintf("peak heap +%.1f MiB, %.1f MiB allocated", float64(h.peak)/(1<<20), float64(h.total)/(1<<20))
}

// measureHeap runs f and measures its heap use.
func measureHeap(f func()) heapUse {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, alloc0 := ms.HeapInuse, ms.TotalAlloc
	stop := make(chan struct{})
	peakC := make(chan uint64)
	go func() {
		var peak uint64
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				peakC <- peak
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}
	}()
	f()
	close(stop)
	peak := <-peakC
	runtime.ReadMemStats(&ms)
	peak = max(peak, ms.HeapInuse)
	h := heapUse{total: ms.TotalAlloc - alloc0}
	if peak > base {
		h.peak = peak - base
	}
	return h
}

// okPair is a preflight that got 404 and its blocked follow-up: two
// entries that give a finding, to show that what precedes a hostile entry
// is still analysed.
const okPair = `{"_resourceType":"fetch","request":{"method":"PUT","url":"http://127.0.0.1:8801/x","headers":[{"name":"Origin","value":"http://localhost:8800"},{"name":"Content-Type","value":"application/json"}]},"response":{"status":0,"headers":[],"_error":"net::ERR_FAILED"},"startedDateTime":"2026-11-22T02:29:43.879Z","time":2},
{"_resourceType":"preflight","_initiator":{"type":"preflight","url":"http://127.0.0.1:8801/x"},"request":{"method":"OPTIONS","url":"http://127.0.0.1:8801/x","headers":[{"name":"Origin","value":"http://localhost:8800"},{"name":"Access-Control-Request-Method","value":"PUT"},{"name":"Access-Control-Request-Headers","value":"content-type"}]},"response":{"status":404,"headers":[]},"startedDateTime":"2026-11-22T02:29:43.880Z","time":1},
`

const harHead = `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[
`

// hugeCase is a HAR streamed from a generator: head, then the body (n
// bytes of fill, or a repeated unit), then tail; wantOff is where the
// error must point (-1: anywhere).
type hugeCase struct {
	name     string
	r        func() io.Reader
	wantErr  string
	wantWarn string // instead of wantErr: the file is read to its end
	wantOff  int64
	wantEnts int
	maxHeap  uint64
}

// TestHugeInputs streams inputs of tens of megabytes through the command
// (standard input, so the test never holds them) and checks the error, its
// place, the entries kept before it, and the memory used.
func TestHugeInputs(t *testing.T) {
	const mb = 1 << 20
	bigHead := harHead + okPair + `{"request":{"method":"GET","url":"http://127.0.0.1:8801/big","headers":[{"name":"Origin","value":"http://localhost:8800"},{"name":"X-Big","value":"`
	listHead := harHead + okPair + `{"request":{"method":"GET","url":"http://127.0.0.1:8801/many","headers":[`
	const header = `{"name":"X-Many","value":"v"},`
	deepHead := harHead + okPair + `{"request":{"method":"GET","url":"http://127.0.0.1:8801/deep","headers":[{"name":"Origin","value":`
	fieldHead := harHead + okPair + `{"_custom":`
	cases := []hugeCase{
		{
			name: "50MB header value",
			r: func() io.Reader {
				return io.MultiReader(strings.NewReader(bigHead), &repeatReader{'a', 50_000_000}, strings.NewReader(`"}]}}]}}`))
			},
			wantWarn: "log.entries[2].request.headers[1].value: string longer than the 1 MiB limit (MaxStringLen); left out",
			wantOff:  int64(len(bigHead) - 1),
			wantEnts: 3,
			maxHeap:  64 * mb,
		},
		{
			name: "a million headers in one entry",
			r: func() io.Reader {
				return io.MultiReader(strings.NewReader(listHead), &cycleReader{unit: []byte(header), n: 1_000_000}, strings.NewReader(`{}]}}]}}`))
			},
			wantErr:  "log.entries[2].request.headers: more than 10000 elements in one headers list (MaxListLen)",
			wantOff:  int64(len(listHead) + har.MaxListLen*len(header)),
			wantEnts: 2,
			maxHeap:  64 * mb,
		},
		{
			name: "arrays nested 100,000 deep in a header value",
			r: func() io.Reader {
				return io.MultiReader(strings.NewReader(deepHead), &repeatReader{'[', 100_000}, &repeatReader{']', 100_000}, strings.NewReader(`}]}}]}}`))
			},
			wantErr:  "log.entries[2].request.headers[0].value: JSON nested deeper than 512 levels (MaxDepth)",
			wantOff:  -1,
			wantEnts: 2,
			maxHeap:  16 * mb,
		},
		{
			name: "objects nested 100,000 deep in an unknown field",
			r: func() io.Reader {
				return io.MultiReader(strings.NewReader(fieldHead), &cycleReader{unit: []byte(`{"a":`), n: 100_000}, strings.NewReader(`1`), &repeatReader{'}', 100_000}, strings.NewReader(`}]}}`))
			},
			wantErr:  "log.entries[2]: JSON nested deeper than 512 levels (MaxDepth)",
			wantOff:  -1,
			wantEnts: 2,
			maxHeap:  16 * mb,
		},
		{
			name: "objects nested 100,000 deep at the top level",
			r: func() io.Reader {
				return io.MultiReader(&cycleReader{unit: []byte(`{"a":`), n: 100_000}, strings.NewReader(`1`), &repeatReader{'}', 100_000})
			},
			wantErr:  ": JSON nested deeper than 512 levels (MaxDepth)",
			wantOff:  512 * 5,
			wantEnts: 0,
			maxHeap:  16 * mb,
		},
		{
			name: "arrays nested 100,000 deep as the whole file",
			r: func() io.Reader {
				return io.MultiReader(&repeatReader{'[', 100_000}, &repeatReader{']', 100_000})
			},
			wantErr:  ": not a HAR file: no log.entries (the top level is an array, not an object)",
			wantOff:  0,
			wantEnts: 0,
			maxHeap:  16 * mb,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var code int
			var doc cliJSON
			start := time.Now()
			use := measureHeap(func() { code, doc, _ = runJSON(t, c.r(), "-") })
			t.Logf("%s in %v", use, time.Since(start).Round(time.Millisecond))
			f := doc.Files[0]
			problem := ""
			switch {
			case c.wantWarn != "":
				if f.Error != nil || len(f.Warnings) != 1 || code == exitTrouble {
					t.Fatalf("exit %d, error %v, warnings %q: want one warning and the file read to its end", code, f.Error, f.Warnings)
				}
				problem = f.Warnings[0]
				if !strings.HasSuffix(problem, c.wantWarn) {
					t.Errorf("warning %s\nwant one ending %s", problem, c.wantWarn)
				}
			default:
				if code != exitTrouble {
					t.Errorf("exit %d, want %d", code, exitTrouble)
				}
				if f.Error == nil {
					t.Fatal("no error")
				}
				problem = *f.Error
				if !strings.HasSuffix(problem, c.wantErr) {
					t.Errorf("error %s\nwant one ending %s", problem, c.wantErr)
				}
			}
			if file, _, _, off := parseErrPos(t, problem); file != "<stdin>" || c.wantOff >= 0 && off != c.wantOff {
				t.Errorf("at %s byte %d, want <stdin> byte %d", file, off, c.wantOff)
			}
			if f.Entries != c.wantEnts {
				t.Errorf("%d entries analysed, want the %d before the damage", f.Entries, c.wantEnts)
			}
			if c.wantEnts > 0 && len(f.Findings) == 0 {
				t.Errorf("no findings for the entries before the damage")
			}
			if use.peak > c.maxHeap || use.total > 4*c.maxHeap {
				t.Errorf("%s; want a peak under %d MiB", use, c.maxHeap>>20)
			}
		})
	}
}

// cycleReader yields n copies of unit.
type cycleReader struct {
	unit []byte
	n    int
	part []byte
}

func (c *cycleReader) Read(p []byte) (int, error) {
	w := 0
	for w < len(p) {
		if len(c.part) == 0 {
			if c.n == 0 {
				break
			}
			c.part = c.unit
			c.n--
		}
		k := copy(p[w:], c.part)
		c.part = c.part[k:]
		w += k
	}
	if w == 0 {
		return 0, io.EOF
	}
	return w, nil
}

// gzipBomb returns a gzip stream of members that expands to a HAR with the
// okPair entries followed by about size bytes of spaces: each member holds
// 1 MiB of spaces and compresses to about 1 KiB, so the stream is a
// thousandth of size.
func gzipBomb(t testing.TB, size int64) []byte {
	t.Helper()
	member := func(data []byte) []byte {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		w.Write(data)
		w.Close()
		return b.Bytes()
	}
	spaces := member(bytes.Repeat([]byte(" "), 1<<20))
	var out bytes.Buffer
	out.Write(member([]byte(harHead + okPair + `{}`)))
	for n := int64(0); n < size; n += 1 << 20 {
		out.Write(spaces)
	}
	out.Write(member([]byte("]}}\n")))
	return out.Bytes()
}

// TestGzipBomb checks that gzip input is refused past --max-decompressed
// (and past its 4 GiB default), after analysing the entries before the
// limit, without holding what it expanded.
func TestGzipBomb(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "bomb.har.gz")
	if err := os.WriteFile(small, gzipBomb(t, 64<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("--max-decompressed 1MiB", func(t *testing.T) {
		var code int
		var doc cliJSON
		use := measureHeap(func() { code, doc, _ = runJSON(t, nil, "--max-decompressed", "1MiB", small) })
		t.Log(use)
		f := doc.Files[0]
		want := " (byte 1048576): log.entries: gzip data expands past the 1 MiB limit (set a higher limit with --max-decompressed)"
		if code != exitTrouble || f.Error == nil || !strings.HasPrefix(*f.Error, small+":") || !strings.HasSuffix(*f.Error, want) {
			t.Errorf("exit %d, error %s; want exit 2 and %s", code, deref(f.Error), want)
		}
		if f.Entries != 3 || len(f.Findings) == 0 {
			t.Errorf("%d entries and %d findings before the limit; want 3 entries and findings", f.Entries, len(f.Findings))
		}
		if use.peak > 16<<20 {
			t.Errorf("%s", use)
		}
	})
	t.Run("under the limit", func(t *testing.T) {
		code, doc, _ := runJSON(t, nil, "--max-decompressed", "65MiB", small)
		if code != exitOK || doc.Files[0].Error != nil || doc.Files[0].Entries != 3 {
			t.Errorf("exit %d, %+v", code, doc.Files[0])
		}
	})
	t.Run("default limit", func(t *testing.T) {
		if testing.Short() {
			t.Skip("expands 4 GiB")
		}
		big := filepath.Join(dir, "bomb4g.har.gz")
		if err := os.WriteFile(big, gzipBomb(t, har.DefaultMaxDecompressed+1<<20), 0o644); err != nil {
			t.Fatal(err)
		}
		var code int
		var doc cliJSON
		start := time.Now()
		use := measureHeap(func() { code, doc, _ = runJSON(t, nil, big) })
		t.Logf("%s in %v", use, time.Since(start).Round(time.Millisecond))
		f := doc.Files[0]
		if code != exitTrouble || f.Error == nil || !strings.HasSuffix(*f.Error, fmt.Sprintf(" (byte %d): log.entries: gzip data expands past the 4 GiB limit (set a higher limit with --max-decompressed)", har.DefaultMaxDecompressed)) {
			t.Errorf("exit %d, error %s", code, deref(f.Error))
		}
		if use.peak > 16<<20 {
			t.Errorf("%s", use)
		}
	})
}

// TestBatchOddFiles adds to TestBatchAccountsForEveryInput (a FIFO, a link
// to a directory that loops, a chmod 0 file) the odd files it does not
// have: a link to itself named .har (ELOOP), a dangling link, a directory
// whose name ends in .har, and a file that cannot be read even by root
// (a link to /proc/self/mem, whose first page is unmapped: EIO). Each is
// named with its error; the good file is analysed; exit 2.
func TestBatchOddFiles(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(blockedHAR)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "good.har"), good, 0o644)
	os.Symlink("self.har", filepath.Join(dir, "self.har"))
	os.Symlink("nowhere.har", filepath.Join(dir, "dangling.har"))
	os.Mkdir(filepath.Join(dir, "folder.har"), 0o755)
	os.WriteFile(filepath.Join(dir, "folder.har", "inner.har"), good, 0o644)
	procMem := false
	if f, err := os.Open("/proc/self/mem"); err == nil {
		_, rerr := f.Read(make([]byte, 1))
		f.Close()
		procMem = rerr != nil && os.Symlink("/proc/self/mem", filepath.Join(dir, "eio.har")) == nil
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.har"), 0o644); err != nil {
		t.Fatal(err)
	}

	code, doc, stderr := runJSON(t, nil, "--jobs", "2", dir)
	if code != exitTrouble {
		t.Errorf("exit %d, want %d; stderr %s", code, exitTrouble, stderr)
	}
	errs := map[string]string{}
	var order []string
	for _, f := range doc.Files {
		rel, _ := filepath.Rel(dir, f.File)
		order = append(order, rel)
		if f.Error != nil {
			errs[rel] = *f.Error
		} else if f.Entries == 0 {
			t.Errorf("%s: no error and no entries", rel)
		}
	}
	want := []string{"dangling.har", "folder.har/inner.har", "good.har", "pipe.har", "self.har"}
	wantErr := map[string]string{
		"dangling.har": "no such file or directory",
		"self.har":     "too many levels of symbolic links",
		"pipe.har":     "not a regular file",
	}
	if procMem {
		want = append(want[:1], append([]string{"eio.har"}, want[1:]...)...)
		wantErr["eio.har"] = "read error"
	}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("inputs reported %q, want %q", order, want)
	}
	for name, frag := range wantErr {
		if !strings.Contains(errs[name], frag) {
			t.Errorf("%s: error %q, want one saying %q", name, errs[name], frag)
		}
	}
	for _, name := range []string{"good.har", "folder.har/inner.har"} {
		if e, ok := errs[name]; ok {
			t.Errorf("%s: %s", name, e)
		}
	}
}

// TestBatchThousand scans 1,000 HARs, 990 copies of recorded captures and
// 10 damaged files: every file is in the output, in path order, the 990
// analysed and the 10 named with their errors, and the exit status is 2.
func TestBatchThousand(t *testing.T) {
	goodSrc := []string{
		"testdata/hars/chromium/go--preflight-404.har",
		"testdata/hars/chromium/go--simple-get-acao-star.har",
		"testdata/hars/chromium/django--cors-ok.har",
		"testdata/hars/chromium/apache--header-set-404.har",
		"testdata/hars/chromium/go--max-age-zero.har",
	}
	badSrc := []string{
		"broken/empty.har", "broken/html-error-page.har", "broken/not-a-har.har", "broken/top-level-array.har",
		"broken/truncated.har", "broken/missing-comma.har", "broken/invalid-escape.har", "broken/trailing-garbage.har",
		"broken/deep-nesting.har", "hostile/nul-between-tokens.har",
	}
	read := func(p string) []byte {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	dir := t.TempDir()
	broken := map[string]bool{}
	var names []string
	for i := range 1000 {
		name := fmt.Sprintf("%02d/capture-%04d.har", i%7, i)
		var data []byte
		if i%100 == 37 {
			data = read(filepath.Join("testdata", "hars", badSrc[i/100]))
			broken[name] = true
		} else {
			data = read(goodSrc[i%len(goodSrc)])
		}
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	sort.Strings(names)

	code, doc, stderr := runJSON(t, nil, "--jobs", "2", dir)
	if code != exitTrouble {
		t.Errorf("exit %d, want %d; stderr %s", code, exitTrouble, stderr)
	}
	if len(doc.Files) != len(names) {
		t.Fatalf("%d files in the output, want %d", len(doc.Files), len(names))
	}
	analysed, failed := 0, 0
	for i, f := range doc.Files {
		p := filepath.Join(dir, names[i])
		if f.File != p {
			t.Fatalf("file %d is %s, want %s (stable path order)", i, f.File, p)
		}
		switch {
		case broken[names[i]] && f.Error == nil:
			t.Errorf("%s: broken, but no error", names[i])
		case broken[names[i]] && !strings.HasPrefix(*f.Error, p+":"):
			t.Errorf("%s: error does not name the file: %s", names[i], *f.Error)
		case broken[names[i]]:
			failed++
		case f.Error != nil:
			t.Errorf("%s: %s", names[i], *f.Error)
		case f.Entries == 0:
			t.Errorf("%s: no entries analysed", names[i])
		default:
			analysed++
		}
	}
	if analysed != 990 || failed != 10 {
		t.Errorf("%d analysed, %d named with errors; want 990 and 10", analysed, failed)
	}

	// The table run says so too, on stderr: each broken file with its
	// error.
	var out, errb bytes.Buffer
	run([]string{"--color", "never", "--jobs", "2", dir}, nil, &out, &errb)
	for name := range broken {
		if !strings.Contains(errb.String(), "harcors: "+filepath.Join(dir, name)+":") {
			t.Errorf("stderr does not name %s:\n%s", name, lastLines(errb.String(), 15))
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// sameURLHAR writes a HAR of n preflight/follow-up pairs, or n redirects,
// to one URL, in one of these shapes:
//
//	pairs:       preflight, follow-up, preflight, follow-up... 1 ms apart
//	follow-ups-first: n follow-ups, then n preflights, none with a time
//	redirects:   n cross-origin GETs answered 307 to the same URL, each
//	             followed by the redirected request
func sameURLHAR(w io.Writer, shape string, n int) {
	const api, origin = "http://127.0.0.1:8801/same", "http://localhost:8800"
	io.WriteString(w, harHead)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sep := ""
	emit := func(format string, args ...any) {
		io.WriteString(w, sep)
		fmt.Fprintf(w, format, args...)
		sep = ",\n"
	}
	pre := func(at string) {
		emit(`{"_resourceType":"preflight","request":{"method":"OPTIONS","url":%q,"headers":[{"name":"Origin","value":%q},{"name":"Access-Control-Request-Method","value":"PUT"}]},"response":{"status":204,"headers":[{"name":"Access-Control-Allow-Origin","value":%q},{"name":"Access-Control-Allow-Methods","value":"PUT"}]}%s}`, api, origin, origin, at)
	}
	req := func(at string) {
		emit(`{"_resourceType":"fetch","request":{"method":"PUT","url":%q,"headers":[{"name":"Origin","value":%q}]},"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":%q}]}%s}`, api, origin, origin, at)
	}
	stamp := func(i int) string {
		return fmt.Sprintf(`,"startedDateTime":%q,"time":1`, t0.Add(time.Duration(i)*time.Millisecond).Format(time.RFC3339Nano))
	}
	switch shape {
	case "pairs":
		for i := range n {
			pre(stamp(i))
			req(stamp(i))
		}
	case "follow-ups-first":
		for range n {
			req("")
		}
		for range n {
			pre("")
		}
	case "redirects":
		for i := range n {
			emit(`{"_resourceType":"fetch","request":{"method":"GET","url":"http://127.0.0.1:8802/start","headers":[{"name":"Origin","value":%q}]},"response":{"status":307,"redirectURL":%q,"headers":[{"name":"Access-Control-Allow-Origin","value":%q}]}%s}`, origin, api, origin, stamp(i))
			emit(`{"_resourceType":"fetch","request":{"method":"GET","url":%q,"headers":[{"name":"Origin","value":"null"}]},"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"*"}]}%s}`, api, stamp(i))
		}
	}
	io.WriteString(w, "\n]}}\n")
}

// TestSameURLCounts checks what BenchmarkSameURL measures: with 10,000
// pairs or redirects to one URL, every preflight is paired and every
// request accounted for.
func TestSameURLCounts(t *testing.T) {
	const n = 10000
	for _, shape := range []string{"pairs", "follow-ups-first", "redirects"} {
		t.Run(shape, func(t *testing.T) {
			var b bytes.Buffer
			sameURLHAR(&b, shape, n)
			res := analyze.Reader("same.har", &b, analyze.Options{}, har.Options{})
			if res.Err != nil || res.Entries != 2*n {
				t.Fatalf("%d entries, error %v", res.Entries, res.Err)
			}
			switch shape {
			case "redirects":
				if res.CrossOrigin != 2*n {
					t.Errorf("%d cross-origin requests, want %d", res.CrossOrigin, 2*n)
				}
			default:
				if res.Preflights != n || res.Paired != n || res.CrossOrigin != n {
					t.Errorf("%d preflights, %d paired, %d cross-origin; want %d each", res.Preflights, res.Paired, res.CrossOrigin, n)
				}
			}
			var out bytes.Buffer
			if err := report.Render(&out, []*analyze.Result{res}, report.Options{Format: report.JSON, All: true}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// BenchmarkSameURL reads and analyses a HAR of 10,000 and of 100,000
// preflight/follow-up pairs (or redirects) to one URL: the ns/entry of the
// two sizes must stay within a small factor (linear-ish), where a
// quadratic step would make the larger one ten times slower per entry.
//
//	go test -run '^$' -bench BenchmarkSameURL -benchtime 3x
func BenchmarkSameURL(b *testing.B) {
	for _, shape := range []string{"pairs", "follow-ups-first", "redirects"} {
		for _, n := range []int{10000, 100000} {
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				var buf bytes.Buffer
				sameURLHAR(&buf, shape, n)
				data := buf.Bytes()
				b.SetBytes(int64(len(data)))
				b.ResetTimer()
				for b.Loop() {
					res := analyze.Reader("same.har", bytes.NewReader(data), analyze.Options{}, har.Options{})
					if res.Err != nil || res.Entries != 2*n {
						b.Fatalf("%d entries, error %v", res.Entries, res.Err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*2*n), "ns/entry")
			})
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// TestMemoryPerEntry measures what the analysis of one file holds: the
// reader keeps every entry's headers (never bodies) until the analysis is
// done, so memory grows with the number of entries and their headers. It
// streams N copies of the entries of a recorded Chrome capture, and of
// header-dense crafted entries, and logs the heap retained per entry and
// the peak; the README's "Limits and guarantees" quotes these numbers.
func TestMemoryPerEntry(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses 100,000 entries")
	}
	full, err := os.ReadFile(filepath.Join("testdata", "hars", "chromium", "go--max-age-zero.har"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Log struct{ Entries []json.RawMessage }
	}
	if err := json.Unmarshal(full, &doc); err != nil {
		t.Fatal(err)
	}
	var chrome []byte
	for _, e := range doc.Log.Entries {
		var b bytes.Buffer
		json.Compact(&b, e)
		chrome = append(append(chrome, b.Bytes()...), ',')
	}
	// A crafted entry: 1,000 request and 1,000 response headers, every
	// name and value distinct so that nothing is shared.
	dense := func(i int) []byte {
		var b bytes.Buffer
		fmt.Fprintf(&b, `{"request":{"method":"PUT","url":"http://127.0.0.1:8801/d%d","headers":[`, i)
		for j := range 1000 {
			fmt.Fprintf(&b, `{"name":"x-h%d-%d","value":"value-%08d-%08d"},`, i, j, i, j)
		}
		b.WriteString(`{"name":"Origin","value":"http://localhost:8800"}]},"response":{"status":200,"headers":[`)
		for j := range 1000 {
			fmt.Fprintf(&b, `{"name":"x-r%d-%d","value":"value-%08d-%08d"},`, i, j, i, j)
		}
		b.WriteString(`{"name":"Access-Control-Allow-Origin","value":"*"}]}},`)
		return b.Bytes()
	}
	cases := []struct {
		name    string
		entries int
		body    func() io.Reader
		perMax  uint64 // peak heap per entry
	}{
		{"recorded Chrome entries", 100_000, func() io.Reader {
			return &cycleReader{unit: chrome, n: 100_000 / len(doc.Log.Entries)}
		}, 12 << 10},
		{"empty entries", 1_000_000, func() io.Reader {
			return &cycleReader{unit: []byte("{},"), n: 1_000_000}
		}, 3 << 10},
		{"2,000 distinct headers per entry", 1_000, func() io.Reader {
			rs := make([]io.Reader, 1000)
			for i := range rs {
				rs[i] = bytes.NewReader(dense(i))
			}
			return io.MultiReader(rs...)
		}, 1 << 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			input := func() *countReader {
				return &countReader{r: io.MultiReader(strings.NewReader(harHead), c.body(), strings.NewReader(`{}]}}`))}
			}
			// What the reader's entries hold: read them all, as the
			// analysis does, and measure the live heap.
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base := ms.HeapAlloc
			in := input()
			_, entries, err := har.ReadAll(in, har.Options{})
			if err != nil || len(entries) < c.entries {
				t.Fatalf("%d entries, error %v", len(entries), err)
			}
			runtime.GC()
			runtime.ReadMemStats(&ms)
			held := (ms.HeapAlloc - min(base, ms.HeapAlloc)) / uint64(len(entries))
			runtime.KeepAlive(entries)
			entries = nil

			// The whole analysis: the peak of the heap in use.
			var res *analyze.Result
			use := measureHeap(func() { res = analyze.Reader("mem.har", input(), analyze.Options{}, har.Options{}) })
			if res.Err != nil || res.Entries < c.entries {
				t.Fatalf("%d entries, error %v", res.Entries, res.Err)
			}
			per := use.peak / uint64(res.Entries)
			t.Logf("%d entries, %.1f MiB of HAR: entries hold %d bytes each; analysis %s (%d bytes per entry, %.2f per HAR byte)",
				res.Entries, float64(in.n)/(1<<20), held, use, per, float64(use.peak)/float64(in.n))
			if per > c.perMax {
				t.Errorf("peak heap %d bytes per entry, want at most %d", per, c.perMax)
			}
		})
	}
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
