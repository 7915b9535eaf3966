package hargen_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"testing"
	"unicode/utf8"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/hargen"
)

// write generates a HAR in memory.
func write(t testing.TB, cfg hargen.Config) ([]byte, hargen.Stats) {
	t.Helper()
	var b bytes.Buffer
	st, err := hargen.Write(&b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st.Bytes != int64(b.Len()) {
		t.Fatalf("Stats.Bytes = %d, wrote %d", st.Bytes, b.Len())
	}
	return b.Bytes(), st
}

// chromeHAR is the part of a HAR the tests look at through encoding/json,
// independently of the har package.
type chromeHAR struct {
	Log struct {
		Creator struct{ Name string }
		Entries []struct {
			ResourceType string `json:"_resourceType"`
			Initiator    struct {
				Type string
				URL  string
			} `json:"_initiator"`
			Request struct {
				Method   string
				URL      string
				Headers  []struct{ Name, Value string }
				PostData *struct{ Text string }
			}
			Response struct {
				Status  int
				Error   *string `json:"_error"`
				Headers []struct{ Name, Value string }
				Content struct {
					Text     string
					Encoding string
				}
			}
		}
	}
}

func TestParsesAndCounts(t *testing.T) {
	for _, mix := range hargen.Mixes {
		t.Run(string(mix), func(t *testing.T) {
			data, st := write(t, hargen.Config{Size: 4 << 20, Mix: mix, Seed: 3})
			if st.Bytes > 4<<20 || st.Bytes < 3<<20 {
				t.Errorf("size %d, want at most and near 4 MiB", st.Bytes)
			}
			if !utf8.Valid(data) {
				t.Fatal("not valid UTF-8")
			}
			var h chromeHAR
			if err := json.Unmarshal(data, &h); err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			es := h.Log.Entries
			if len(es) != st.Entries || h.Log.Creator.Name != "WebInspector" {
				t.Fatalf("encoding/json: %d entries by %q, Stats says %d", len(es), h.Log.Creator.Name, st.Entries)
			}
			options, bodies := 0, 0
			for i, e := range es {
				if e.Request.Method == "OPTIONS" {
					options++
					// Chrome writes a preflight after the request it was
					// made for, and names that request's URL.
					if e.ResourceType != "preflight" || e.Initiator.Type != "preflight" || e.Initiator.URL != e.Request.URL {
						t.Errorf("entry %d: preflight marked %q/%q for %q", i, e.ResourceType, e.Initiator.Type, e.Initiator.URL)
					}
					if i == 0 || es[i-1].Request.URL != e.Request.URL {
						t.Errorf("entry %d: preflight not written after its follow-up", i)
					}
				}
				if e.Response.Content.Text != "" {
					bodies++
					if e.Response.Content.Encoding != "base64" {
						t.Errorf("entry %d: body not base64", i)
					}
				}
				if e.Response.Status == 0 && (e.Response.Error == nil || *e.Response.Error != "net::ERR_FAILED") {
					t.Errorf("entry %d: status 0 without net::ERR_FAILED", i)
				}
				// Full Chrome header lists in the body-heavy mix, a minimal
				// fetch's in the metadata-dense one.
				lo, hi := 15, 25
				if mix == hargen.MetadataDense {
					lo, hi = 1, 5
					if n := len(e.Response.Headers); n > 6 {
						t.Errorf("entry %d: %d response headers, want at most 6", i, n)
					}
					if e.Request.PostData != nil && len(e.Request.PostData.Text) > 64 {
						t.Errorf("entry %d: %d bytes of postData, want at most 64", i, len(e.Request.PostData.Text))
					}
				}
				if n := len(e.Request.Headers); e.Response.Status != 0 && (n < lo || n > hi) {
					t.Errorf("entry %d: %d request headers, want %d to %d (provisional ones aside)", i, n, lo, hi)
				}
			}
			if options != st.Options || bodies != st.Bodies {
				t.Errorf("OPTIONS %d, bodies %d; Stats says %d, %d", options, bodies, st.Options, st.Bodies)
			}
			switch mix {
			case hargen.BodyHeavy:
				// A third of the entries carry a body, give or take.
				if bodies*3 < st.Entries*9/10 || bodies*3 > st.Entries*11/10 {
					t.Errorf("%d bodies in %d entries, want about a third", bodies, st.Entries)
				}
				if st.PostData == 0 {
					t.Error("no postData")
				}
			case hargen.MetadataDense:
				if bodies != 0 {
					t.Errorf("%d bodies in the metadata-dense mix", bodies)
				}
				// Compact: the whole file is one line.
				if bytes.IndexByte(data, '\n') >= 0 {
					t.Error("metadata-dense output is not compact JSON")
				}
				// The issue asks for ~150k entries per 100 MB: 655 to 749
				// bytes an entry is 140k to 160k per 100 MiB.
				if per := st.Bytes / int64(st.Entries); per < 655 || per > 749 {
					t.Errorf("%d bytes per entry (%d entries), want 655 to 749", per, st.Entries)
				}
			}

			log, entries, err := har.ReadAll(bytes.NewReader(data), har.Options{})
			if err != nil || len(entries) != st.Entries {
				t.Fatalf("har.ReadAll: %d entries, %v; want %d", len(entries), err, st.Entries)
			}
			if log.Creator.Name != "WebInspector" {
				t.Errorf("creator %q", log.Creator.Name)
			}
		})
	}
}

// TestPlantedFailures: the analysis finds every planted failure, with the
// planted rule, and no other error.
func TestPlantedFailures(t *testing.T) {
	for _, mix := range hargen.Mixes {
		t.Run(string(mix), func(t *testing.T) {
			data, st := write(t, hargen.Config{Entries: 3000, Mix: mix, Seed: 11})
			for _, id := range []string{hargen.PlantMissingAllowOrigin, hargen.PlantPreflight404, hargen.PlantHeaderNotAllowed} {
				if st.Planted[id] == 0 {
					t.Fatalf("nothing planted for %s in %d entries", id, st.Entries)
				}
			}
			res := analyze.Reader("gen.har", bytes.NewReader(data), analyze.Options{}, har.Options{})
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			got := map[string]int{}
			for _, f := range res.Findings {
				if f.Severity == analyze.Error {
					got[f.Rule.ID]++
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(st.Planted) {
				t.Errorf("errors found %v, planted %v", got, st.Planted)
				for _, f := range res.Findings {
					if f.Severity == analyze.Error && st.Planted[f.Rule.ID] == 0 {
						t.Logf("unplanted: entry %d %s %s: %s", f.Entry, f.Rule.ID, f.URL, f.Cause)
						break
					}
				}
			}
			if res.CrossOrigin != st.CrossOrigin || res.Preflights != st.Options || res.Paired != st.Options {
				t.Errorf("analysis counts %d cross-origin, %d preflights, %d paired; generated %d, %d, %d",
					res.CrossOrigin, res.Preflights, res.Paired, st.CrossOrigin, st.Options, st.Options)
			}
		})
	}
}

// TestDeterministic: the same Config writes the same bytes; another seed
// does not.
func TestDeterministic(t *testing.T) {
	for _, mix := range hargen.Mixes {
		cfg := hargen.Config{Size: 1 << 20, Mix: mix, Seed: 5}
		a, _ := write(t, cfg)
		b, _ := write(t, cfg)
		cfg.Seed++
		c, _ := write(t, cfg)
		if !bytes.Equal(a, b) || bytes.Equal(a, c) {
			t.Errorf("%s: output is not a function of Config", mix)
		}
	}
}

// TestBodyHeavyPinned: the body-heavy bytes are pinned, so that benchmark
// figures taken on them stay comparable; changes to the generator (such as
// the metadata-dense mix's) must leave them alone. Change the hash only on
// purpose, and say so where figures are kept (bench/README.md).
func TestBodyHeavyPinned(t *testing.T) {
	data, _ := write(t, hargen.Config{Size: 1 << 20, Mix: hargen.BodyHeavy, Seed: 7})
	const want = "af220cd07217bce27b2bcac1bf409f66e6b041056f1a16364244dcc2dab998c9"
	if got := fmt.Sprintf("%x", sha256.Sum256(data)); got != want {
		t.Errorf("body-heavy 1 MiB seed 7: sha256 %s, want %s", got, want)
	}
}

// TestBodySize: with Entries and Seed fixed, BodySize changes the bodies
// and nothing else.
func TestBodySize(t *testing.T) {
	cfg := hargen.Config{Entries: 300, Mix: hargen.BodyHeavy, Seed: 9}
	small, st1 := write(t, cfg)
	cfg.BodySize = 256 << 10
	large, st4 := write(t, cfg)
	if st1.Entries != st4.Entries || st1.Bodies != st4.Bodies || fmt.Sprint(st1.Planted) != fmt.Sprint(st4.Planted) {
		t.Fatalf("entries differ: %+v vs %+v", st1, st4)
	}
	if r := float64(st4.BodyBytes) / float64(st1.BodyBytes); r < 3.5 || r > 4.5 {
		t.Errorf("body bytes grew %.2fx for 4x BodySize", r)
	}
	var a, b chromeHAR
	if json.Unmarshal(small, &a) != nil || json.Unmarshal(large, &b) != nil {
		t.Fatal("not JSON")
	}
	for i := range a.Log.Entries {
		x, y := a.Log.Entries[i], b.Log.Entries[i]
		if x.Request.URL != y.Request.URL || len(x.Request.Headers) != len(y.Request.Headers) || x.Response.Status != y.Response.Status {
			t.Fatalf("entry %d differs beyond its body", i)
		}
	}
}

// TestEntriesBound: Entries stops at the first group that reaches it.
func TestEntriesBound(t *testing.T) {
	_, st := write(t, hargen.Config{Entries: 100, Mix: hargen.MetadataDense})
	if st.Entries < 100 || st.Entries > 101 {
		t.Errorf("%d entries, want 100 (101 when a pair ends it)", st.Entries)
	}
	if _, err := hargen.Write(io.Discard, hargen.Config{Size: 10, Mix: hargen.BodyHeavy}); err == nil {
		t.Error("a 10-byte HAR was accepted")
	}
}

// TestStreams: memory does not grow with the size written. The heap is
// sampled while writing, since after Write returns everything is garbage.
func TestStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 256 MiB")
	}
	peak := func(size int64) uint64 {
		runtime.GC() // start from the same heap: no garbage from other tests
		w := &heapSampler{}
		if _, err := hargen.Write(w, hargen.Config{Size: size, Mix: hargen.BodyHeavy}); err != nil {
			t.Fatal(err)
		}
		return w.peak
	}
	small, large := peak(16<<20), peak(256<<20)
	t.Logf("peak heap: %.1f MiB writing 16 MiB, %.1f MiB writing 256 MiB", float64(small)/(1<<20), float64(large)/(1<<20))
	if large > small+8<<20 {
		t.Errorf("peak heap grew from %d to %d bytes", small, large)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1GiB": 1 << 30, "100MiB": 100 << 20, "1.5KiB": 1536, "2MB": 2e6, "4096": 4096, "1M": 1 << 20} {
		if got, err := hargen.ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := hargen.ParseSize("lots"); err == nil {
		t.Error("ParseSize accepted lots")
	}
}
