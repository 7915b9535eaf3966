package analyze

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/harcors/harcors/har"
)

// TestPackRoundTrip: a packed entry comes back equal, field for field,
// from memory and from the temporary file, with nil lists nil and empty
// ones empty.
func TestPackRoundTrip(t *testing.T) {
	// har's TestEntryRoundTrip checks that the encoding keeps every
	// field; here, that the store gives each entry back, whole.
	full := har.Entry{Line: 7, Offset: 1234, Time: 12.5, PageRef: "page_1", ResourceType: "fetch",
		Request: har.Request{Method: "PUT", URL: "https://api.example.test/v1/items?id=1#x", HTTPVersion: "h2",
			Headers: har.Headers{{Name: "Origin", Value: "https://app.example.test"}, {Name: "Authorization", Value: "Bearer " + strings.Repeat("t", 90)}},
			Cookies: []har.Cookie{{Name: "sid", Value: "abc"}}, BodySize: 17, PostMimeType: "application/json"},
		Response: har.Response{Status: 403, StatusText: "Forbidden", HTTPVersion: "h2",
			Headers: har.Headers{{Name: "Access-Control-Allow-Origin", Value: "*"}}, RedirectURL: "https://elsewhere.example.test/",
			Content: har.Content{Size: 42, MimeType: "text/plain", Encoding: "base64"}, TransferSize: 300},
		Initiator: har.Initiator{Type: "script", URL: "https://app.example.test/app.js", RequestID: "9.1"},
		FromCache: "disk", Error: "net::ERR_FAILED"}
	empty := har.Entry{Request: har.Request{Headers: har.Headers{}}, Response: har.Response{Cookies: []har.Cookie{}}}
	at := time.Date(2025, 1, 1, 10, 0, 0, 0, time.FixedZone("", 3600))
	for _, memory := range []int{1 << 20, 0} {
		p := newPackStore(memory)
		var nodes []*node
		var want []har.Entry
		for i := range 500 {
			e := full
			if i%3 == 1 {
				e = empty
			}
			e.Index, e.Started = i, at.Add(time.Duration(i))
			want = append(want, e)
			n := newNode(&e)
			if err := p.pack(n); err != nil {
				t.Fatal(err)
			}
			if n.e != nil || n.nodeDetail != nil {
				t.Fatal("a packed node keeps its entry")
			}
			nodes = append(nodes, n)
		}
		if memory == 0 && p.f == nil {
			t.Fatal("nothing went to the temporary file")
		}
		// Unpack every other one first, then the rest: the file is read
		// out of order too.
		for _, i := range append(evens(len(nodes)), odds(len(nodes))...) {
			if err := p.unpack(nodes[i]); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*nodes[i].e, want[i]) {
				t.Fatalf("memory %d: entry %d came back as\n%+v\nwant\n%+v", memory, i, *nodes[i].e, want[i])
			}
			if nodes[i].url != stripFragment(want[i].Request.URL) {
				t.Fatalf("entry %d: details not derived again", i)
			}
		}
		if p.packed != 0 || p.bytes != 0 || p.inMem > packChunkSize || p.live != 0 || p.end != 0 {
			t.Errorf("memory %d: after unpacking everything, %d entries (%d bytes) still counted, %d bytes of chunks held, %d in the file", memory, p.packed, p.bytes, p.inMem, p.end)
		}
		p.close()
	}
}

// TestUnpackAhead: entries decoded ahead, on one goroutine or three,
// from memory and from the temporary file, come back to their nodes as
// unpack gives them, whether the nodes are unpacked in the order given or
// some out of turn (their entries decoded ahead are then dropped); the
// store's counts end at zero, and the goroutines end when closed, even
// half way.
//
// Given in the reverse of the order they were packed in, the entries of
// all but the last chunk are not decoded ahead (a goroutine lets a chunk
// go once past it), and whole batches come empty: they must be unpacked
// where they are settled all the same.
func TestUnpackAhead(t *testing.T) {
	at := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	for _, memory := range []int{1 << 20, 64 << 10, 0} {
		for _, k := range []int{1, 3} {
			for _, stopAt := range []int{-1, 700, -2} {
				reversed := stopAt == -2
				name := fmt.Sprintf("memory %d, %d goroutines, stop at %d", memory, k, stopAt)
				s := &streamer{packs: newPackStore(memory)}
				var nodes []*node
				var refs []packRef
				for i := range 2000 {
					e := &har.Entry{Index: i, Started: at, Request: har.Request{Method: "GET",
						URL:     fmt.Sprintf("https://api.example.test/item/%d", i),
						Headers: har.Headers{{Name: "Origin", Value: "https://app.example.test"}, {Name: "User-Agent", Value: strings.Repeat("u", 300)}}}}
					if i%5 == 0 {
						e.Request.Method = "OPTIONS"
						e.Request.Headers = append(e.Request.Headers, har.Header{Name: "Access-Control-Request-Method", Value: "PUT"})
					}
					n := newNode(e)
					if err := s.packs.pack(n); err != nil {
						t.Fatal(err)
					}
					nodes = append(nodes, n)
					refs = append(refs, packRef{n, n.packChunk, n.packOff})
				}
				if reversed {
					slices.Reverse(nodes)
					slices.Reverse(refs)
				}
				if memory == 1<<20 && len(s.packs.chunks) < 3 {
					t.Fatalf("%s: %d chunks, want 3 or more", name, len(s.packs.chunks))
				}
				before := runtime.NumGoroutine()
				var err error
				if s.ahead, err = s.packs.ahead(refs, k); err != nil {
					t.Fatal(err)
				}
				// Every seventh node is unpacked early, as a redirect
				// hop is, out of the order given.
				for i, n := range nodes {
					if i == stopAt {
						s.stopAhead()
					}
					if j := i + 40; j < len(nodes) && j%7 == 0 {
						s.unpack(nodes[j])
					}
					s.unpack(n)
					want := i
					if reversed {
						want = len(nodes) - 1 - i
					}
					if n.e == nil || n.e.Index != want || n.url != stripFragment(n.e.Request.URL) || n.preflight != (want%5 == 0) ||
						(n.preflight && n.acrm != "PUT") {
						t.Fatalf("%s: node %d came back with %+v", name, i, n.e)
					}
				}
				taken := s.unpackedAhead
				if s.ahead != nil {
					taken += s.ahead.taken
				}
				s.stopAhead()
				// All but those unpacked out of turn, a seventh, take
				// theirs (up to where the decoding stopped).
				want := len(nodes) * 5 / 6
				switch {
				case reversed && memory > 0:
					want = 1 // the last chunk's
				case reversed:
					want = len(nodes) * 5 / 6 // the file has no chunks
				case stopAt >= 0:
					want = stopAt * 5 / 6
				}
				if taken < want || taken > len(nodes) {
					t.Errorf("%s: %d of %d nodes took an entry decoded ahead", name, taken, len(nodes))
				}
				if p := s.packs; p.packed != 0 || p.bytes != 0 || p.inMem > packChunkSize || p.live != 0 || p.end != 0 {
					t.Errorf("%s: after unpacking everything, %d entries (%d bytes) still counted, %d bytes of chunks held, %d in the file", name, p.packed, p.bytes, p.inMem, p.end)
				}
				for wait := time.Now(); runtime.NumGoroutine() > before && time.Since(wait) < 5*time.Second; {
					time.Sleep(time.Millisecond)
				}
				if g := runtime.NumGoroutine(); g > before {
					t.Errorf("%s: %d goroutines after closing, %d before starting", name, g, before)
				}
				s.packs.close()
			}
		}
	}
}

// TestFinishUnpacksAhead: a one-timestamp capture, all of whose entries
// wait packed until the end, gives the whole-file analysis' result with
// one worker and with two, and only with two are entries decoded ahead.
func TestFinishUnpacksAhead(t *testing.T) {
	path, _ := oneStampCapture(t, 3000)
	want := whole(t, path)
	for _, workers := range []int{1, 2} {
		tune := defaultTuning
		tune.unpacked, tune.packMemory = 100, 64<<10
		var last *analysis
		tune.afterEntry = func(a *analysis, _ int) { last = a }
		got := File(path, Options{tune: &tune, Workers: workers}, har.Options{})
		if d := cmp.Diff(want, got, errText); d != "" {
			t.Errorf("%d workers: the result differs from the whole-file analysis (-whole +stream):\n%s", workers, d)
		}
		if last == nil || last.stream == nil {
			t.Fatalf("%d workers: not streamed", workers)
		}
		if n := last.stream.unpackedAhead; workers == 1 && n != 0 || workers > 1 && n < 2000 {
			t.Errorf("%d workers: %d of 3,000 entries decoded ahead", workers, n)
		}
	}
}

func evens(n int) (s []int) {
	for i := 0; i < n; i += 2 {
		s = append(s, i)
	}
	return s
}

func odds(n int) (s []int) {
	for i := 1; i < n; i += 2 {
		s = append(s, i)
	}
	return s
}

// TestWaitingEntriesPacked: in a capture of distinct URLs that all start at
// one instant nothing expires before the end, so every entry waits for a
// preflight. Each waiting node must hold its entry packed, the packed
// entries must stay in memory only up to packMemory, and what stays per
// waiting entry (the node, its group, its packed bytes) must stay small:
// as parsed objects they held about 1.2 KB each.
func TestWaitingEntriesPacked(t *testing.T) {
	const n = 6000
	path, size := oneStampCapture(t, n)
	tune := defaultTuning
	tune.packMemory = 512 << 10
	tune.pending = 256
	tune.unpacked = 100
	var waiting, unpacked, packed, groups int
	var inMem int
	var packedBytes int64
	tune.afterEntry = func(a *analysis, i int) {
		if i != n || a.stream == nil {
			return
		}
		s := a.stream
		groups = len(s.groups)
		for _, x := range waitingNodes(s) {
			waiting++
			if x.e != nil || x.nodeDetail != nil {
				unpacked++
			}
		}
		packed, packedBytes, inMem = s.packs.packed, s.packs.bytes, s.packs.inMem
	}
	res := File(path, Options{tune: &tune}, har.Options{})
	if res.Err != nil || res.Entries != n {
		t.Fatalf("%d entries, error %v", res.Entries, res.Err)
	}
	if waiting < n-tune.pending || unpacked > tune.unpacked || packed != waiting-unpacked {
		t.Fatalf("%d entries waiting at the end of the file, %d of them not packed, %d packed: want every entry but the reorder buffer's waiting, all but %d of them packed", waiting, unpacked, packed, tune.unpacked)
	}
	if inMem > tune.packMemory+packChunkSize {
		t.Errorf("%d bytes of packed entries in memory, limit %d", inMem, tune.packMemory)
	}
	perPacked := packedBytes / int64(packed)
	// Each node waits alone under its URL: no group object.
	perNode := unsafe.Sizeof(node{}) + unsafe.Sizeof(expiry{}) + unsafe.Sizeof(pairKey{}) + unsafe.Sizeof(&node{})
	if unsafe.Sizeof(node{}) > 96 {
		t.Errorf("a node takes %d bytes", unsafe.Sizeof(node{}))
	}
	t.Logf("%d waiting, %d groups of more than one; packed %d bytes each, %d bytes of chunks; node, expiry, key and map value: %d bytes", waiting, groups, perPacked, inMem, perNode)
	// Parsed, with its node and group, an entry took three times its
	// JSON. Packed it is its strings and a few bytes more.
	if raw := int64(size / n); perPacked > raw*2/3 {
		t.Errorf("a packed entry takes %d bytes; its JSON %d", perPacked, raw)
	}
	if inMem == 0 {
		t.Error("no packed entry in memory")
	}
	if groups != 0 {
		t.Errorf("%d group objects for nodes waiting alone", groups)
	}
	if perNode > 200 {
		t.Errorf("a waiting node takes %d bytes with its expiry and key, before its strings", perNode)
	}
}

// oneStampCapture writes a capture of n cross-origin GETs of distinct URLs
// that all start at one instant, and returns its path and size.
func oneStampCapture(t testing.TB, n int) (string, int) {
	at := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)
	data := chromiumCapture(n, func(b *strings.Builder, i int) {
		fmt.Fprintf(b, `{"startedDateTime":%q,"time":12.5,"request":{"method":"GET","url":"https://api.example.test/v1/items/%d","headers":[{"name":"Origin","value":"https://app.example.test"},{"name":"Accept","value":"application/json"}]},"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"*"},{"name":"Content-Type","value":"application/json"}]},"_resourceType":"fetch"}`, at, i)
	})
	path := filepath.Join(t.TempDir(), "onestamp.har")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, len(data)
}

// BenchmarkOneStampPacking measures what packing the waiting entries costs
// (issue 17): a one-timestamp capture analysed with every waiting entry but
// tuning.unpacked packed, against none packed. Compare the two with
// -count 6 and their medians; bytes and allocations per op, which are the
// packing's cost in garbage, do not vary with the machine's load.
func BenchmarkOneStampPacking(b *testing.B) {
	const n = 50000
	path, _ := oneStampCapture(b, n)
	for _, c := range []struct {
		name     string
		unpacked int
	}{{"packed", defaultTuning.unpacked}, {"unpacked", n}} {
		b.Run(c.name, func(b *testing.B) {
			tune := defaultTuning
			tune.unpacked = c.unpacked
			var packed int
			tune.afterEntry = func(a *analysis, i int) {
				if i == n && a.stream != nil {
					packed = a.stream.packs.packed
				}
			}
			for b.Loop() {
				res := File(path, Options{tune: &tune}, har.Options{})
				if res.Err != nil || res.Entries != n {
					b.Fatalf("%d entries, error %v", res.Entries, res.Err)
				}
			}
			if c.unpacked < n && packed == 0 || c.unpacked >= n && packed != 0 {
				b.Fatalf("%d entries packed at the end of the file", packed)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/entry")
		})
	}
}

// TestWaitingBytesBounded: entries with many headers are packed once what
// the unpacked ones hold passes tuning.unpackedBytes, however few they
// are, and the analysis is the one with nothing packed.
func TestWaitingBytesBounded(t *testing.T) {
	const n = 300
	at := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)
	data := chromiumCapture(n, func(b *strings.Builder, i int) {
		fmt.Fprintf(b, `{"startedDateTime":%q,"time":12.5,"request":{"method":"GET","url":"https://api.example.test/v1/items/%d","headers":[{"name":"Origin","value":"https://app.example.test"}`, at, i)
		for k := range 100 {
			fmt.Fprintf(b, `,{"name":"X-Custom-%d","value":"%s-%d"}`, k, strings.Repeat("v", 80), i)
		}
		b.WriteString(`]},"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"*"}]},"_resourceType":"fetch"}`)
	})
	path := filepath.Join(t.TempDir(), "headers.har")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	tune := defaultTuning
	tune.pending = 16
	tune.unpackedBytes = 256 << 10 // about 20 of these entries
	var held, most, packed int
	tune.afterEntry = func(a *analysis, i int) {
		if i != n || a.stream == nil {
			return
		}
		for _, x := range waitingNodes(a.stream) {
			if x.e != nil {
				held += entryWeight(x.e)
				most = max(most, entryWeight(x.e))
			}
		}
		packed = a.stream.packs.packed
	}
	res := File(path, Options{tune: &tune}, har.Options{})
	if res.Err != nil || res.Entries != n {
		t.Fatalf("%d entries, error %v", res.Entries, res.Err)
	}
	if packed < n/2 || held > tune.unpackedBytes+most {
		t.Errorf("%d entries packed, %d bytes held unpacked (budget %d): want most packed, the rest within the budget", packed, held, tune.unpackedBytes)
	}
	whole := File(path, Options{}, har.Options{})
	t.Logf("groups: %v", groupSummary(whole))
	if res.CrossOrigin != n || !reflect.DeepEqual(groupSummary(res), groupSummary(whole)) || res.CrossOrigin != whole.CrossOrigin {
		t.Errorf("packed by bytes: %v; with the default tuning: %v", groupSummary(res), groupSummary(whole))
	}
}

// groupSummary is each group's rule, server and requests, in order.
func groupSummary(r *Result) []string {
	var out []string
	for _, g := range r.Groups {
		out = append(out, fmt.Sprintf("%s %s %d", g.Rule.ID, g.Server, g.Requests))
	}
	return out
}
