package analyze

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/hargen"
)

// benchEntries reads a generated Chrome HAR of n entries of the
// metadata-dense mix once, so that the benchmarks below time the analysis
// alone.
func benchEntries(b *testing.B, n int) (*har.Log, []*har.Entry, int64) {
	return benchMix(b, n, hargen.MetadataDense)
}

// benchMix reads a generated Chrome HAR of n entries of mix once. Bodies
// are never held (har.Options.Bodies is off), but the mixes differ in
// what the analysis sees: metadata-dense entries carry one to five headers
// a side, body-heavy ones the 18 to 25 of a real Chrome capture (client
// hints, Sec-Fetch-*, caching and security headers).
func benchMix(b *testing.B, n int, mix hargen.Mix) (*har.Log, []*har.Entry, int64) {
	b.Helper()
	var buf bytes.Buffer
	cfg := hargen.Config{Entries: n, Mix: mix, Seed: 1}
	if mix == hargen.BodyHeavy {
		cfg.BodySize = 64 // the analysis never reads them
	}
	st, err := hargen.Write(&buf, cfg)
	if err != nil {
		b.Fatal(err)
	}
	log, entries, err := har.ReadAll(&buf, har.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return log, entries, st.Bytes
}

// perEntry reports time, allocations and bytes per entry: the figures that
// tell whether a 150k-entry HAR stays cheap.
func perEntry(b *testing.B, entries int, m0 *runtime.MemStats) {
	var m1 runtime.MemStats
	runtime.ReadMemStats(&m1)
	n := float64(b.N) * float64(entries)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/entry")
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/n, "allocs/entry")
	b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/n, "B/entry")
}

// BenchmarkAnalyze is the whole analysis (pairing, redirects, the checks,
// causes, fixes, warnings) over entries already read. SetBytes is the size
// of the HAR they came from, so MB/s compares with the reader's.
func BenchmarkAnalyze(b *testing.B) {
	for _, n := range []int{1000, 20000} {
		log, entries, size := benchEntries(b, n)
		b.Run(itoa(n), func(b *testing.B) { benchAnalyze(b, log, entries, size) })
	}
}

// BenchmarkAnalyzeChrome is BenchmarkAnalyze over body-heavy entries,
// whose header lists are those of a real Chrome capture: what the command
// spends analysing a file exported from DevTools.
func BenchmarkAnalyzeChrome(b *testing.B) {
	log, entries, size := benchMix(b, 20000, hargen.BodyHeavy)
	benchAnalyze(b, log, entries, size)
}

// benchAnalyze times Analyze over entries read from a HAR of size bytes.
func benchAnalyze(b *testing.B, log *har.Log, entries []*har.Entry, size int64) {
	b.SetBytes(size)
	b.ReportAllocs()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for b.Loop() {
		Analyze("gen.har", log, entries, Options{})
	}
	perEntry(b, len(entries), &m0)
}

// BenchmarkPairChrome pairs the preflights of a realistic capture (a fifth
// of the entries are preflights, each written after its follow-up);
// BenchmarkPairSameURL in pair_test.go is the worst case. The checks cost
// BenchmarkAnalyze's ns/entry minus this one's.
func BenchmarkPairChrome(b *testing.B) {
	_, entries, size := benchEntries(b, 20000)
	b.SetBytes(size)
	b.ReportAllocs()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for b.Loop() {
		nodes := make([]*node, len(entries))
		for i, e := range entries {
			nodes[i] = newNode(e)
		}
		pairNodes(nodes)
	}
	perEntry(b, len(entries), &m0)
}

// BenchmarkStream is what the command runs on a file: read and analyse
// it streamed (entries judged as their pairing settles), reading and
// analysing on two goroutines. Its ns/entry minus har's BenchmarkRead is
// what the analysis adds; allocs/entry include the reader's.
func BenchmarkStream(b *testing.B) {
	path := filepath.Join(b.TempDir(), "gen.har")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	st, err := hargen.Write(f, hargen.Config{Entries: 20000, Mix: hargen.MetadataDense, Seed: 1})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Bytes)
	b.ReportAllocs()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for b.Loop() {
		res := File(path, Options{NoRequests: true}, har.Options{})
		if res.Err != nil || res.Entries != 20000 {
			b.Fatalf("%d entries, error %v", res.Entries, res.Err)
		}
	}
	perEntry(b, 20000, &m0)
}

// BenchmarkManyHeaders is one cross-origin response with 10,000 Set-Cookie
// headers, each a warning: the cost must grow with the headers, not with
// headers times findings (the server fingerprint used to be recomputed,
// by scanning every header, for each finding: 5.7 s).
func BenchmarkManyHeaders(b *testing.B) {
	e := &har.Entry{Started: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Time: 1}
	e.Request.Method, e.Request.URL = "GET", "https://api.example.com/x"
	e.Request.Headers = har.Headers{{Name: "Origin", Value: "https://app.example.com"}, {Name: "Sec-Fetch-Mode", Value: "cors"}}
	e.Response.Status = 200
	for i := range 10000 {
		e.Response.Headers = append(e.Response.Headers, har.Header{Name: "Set-Cookie", Value: "c" + itoa(i) + "=v; SameSite=None"})
	}
	log := &har.Log{Creator: har.Creator{Name: "WebInspector"}}
	b.ReportAllocs()
	for b.Loop() {
		res := Analyze("cookies.har", log, []*har.Entry{e}, Options{})
		if len(res.Findings) < 10000 {
			b.Fatalf("%d findings, want a warning per cookie", len(res.Findings))
		}
	}
}
