package har

import (
	"bytes"
	"io"
	"runtime"
	"testing"
	"time"
	"weak"
)

// cycleReader streams a HAR of about size bytes built from one block of
// entries repeated, so that a test can read a file of any size without
// holding it.
type cycleReader struct {
	head, block, tail []byte
	left              int64 // bytes of repeated blocks still to send
	part              []byte
	stage             int
}

func newCycleReader(block []byte, size int64) *cycleReader {
	return &cycleReader{
		head:  []byte(`{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[{}`),
		block: block,
		tail:  []byte("]}}\n"),
		left:  size,
	}
}

func (c *cycleReader) Read(p []byte) (int, error) {
	for len(c.part) == 0 {
		switch {
		case c.stage == 0:
			c.part, c.stage = c.head, 1
		case c.stage == 1 && c.left > 0:
			c.part = c.block
			c.left -= int64(len(c.block))
		case c.stage == 1:
			c.part, c.stage = c.tail, 2
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, c.part)
	c.part = c.part[n:]
	return n, nil
}

// TestMemoryFlat streams a 1 GiB body-heavy HAR (Chrome-shaped entries, a
// third with 64 KiB base64 bodies) and checks that the heap stays small:
// the reader holds one buffer and one entry, never a body.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 1 GiB")
	}
	gen := genHAR(30, 3, 64<<10)
	// The entries of genHAR, each preceded by a comma.
	start := bytes.Index(gen, []byte(`"entries": [`)) + len(`"entries": [`)
	end := bytes.LastIndexByte(gen, ']')
	block := append([]byte(","), bytes.TrimSpace(gen[start:end])...)

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak uint64

	const size = 1 << 30
	r, err := NewReader(newCycleReader(block, size), Options{})
	if err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n++; n%2000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	elapsed := time.Since(begin)
	grown := int64(peak) - int64(base)
	t.Logf("%d entries, %.0f MiB in %v (%.0f MB/s); heap in use grew by at most %.1f MiB",
		n, float64(size)/(1<<20), elapsed.Round(time.Millisecond), float64(size)/1e6/elapsed.Seconds(), float64(grown)/(1<<20))
	if n < 10000 {
		t.Errorf("only %d entries", n)
	}
	if grown > 32<<20 {
		t.Errorf("heap grew by %d MiB reading 1 GiB; want a few MiB", grown>>20)
	}
}

// TestTakenBackEntriesFreeAlone: an entry the Reader takes back from a
// piece read elsewhere (remote.go), and its header list, are allocations
// of their own. The analysis keeps a few entries long (those waiting for
// their partner): had the entries of a piece, or their header lists,
// shared an allocation, each kept entry would keep the rest of its piece,
// and the page's memory would grow with the capture (an Entry slab per
// piece took a 100 MiB dense capture from 52 to 134 MiB).
func TestTakenBackEntriesFreeAlone(t *testing.T) {
	pr, open := densePieces(t, 1<<20, 64<<10)
	c, _ := drainPieces(t, open(), nil)
	if c.Err != nil {
		t.Fatal(c.Err)
	}
	ents := c.Entries
	c.Entries = nil
	if len(pr.done) < 4 {
		t.Fatalf("%d pieces read elsewhere, want more", len(pr.done))
	}
	// Weak pointers to each entry and to its first request header, but
	// for the one kept, in the middle of the capture.
	keep := len(ents) / 2
	var wes []weak.Pointer[Entry]
	var whs []weak.Pointer[Header]
	for i, e := range ents {
		if i == keep {
			continue
		}
		wes = append(wes, weak.Make(e))
		if len(e.Request.Headers) > 0 {
			whs = append(whs, weak.Make(&e.Request.Headers[0]))
		}
	}
	kept := ents[keep]
	ents = nil
	runtime.GC()
	runtime.GC()
	if n := alive(wes); n > 0 {
		t.Errorf("%d of %d dropped entries still alive beside the one kept", n, len(wes))
	}
	if n := alive(whs); n > 0 {
		t.Errorf("%d of %d dropped entries' header lists still alive beside the one kept", n, len(whs))
	}
	runtime.KeepAlive(kept)
}

// alive counts the weak pointers whose object has not been collected.
func alive[T any](ps []weak.Pointer[T]) int {
	n := 0
	for _, p := range ps {
		if p.Value() != nil {
			n++
		}
	}
	return n
}
