package analyze

import (
	"math/rand/v2"
	"testing"
)

// TestSinglesAgainstMap runs random puts, gets and deletes on singles and on
// a Go map, and fails where they differ. Keys are drawn from a small range
// so that deletes, reuse of freed places and tombs are frequent; two keys
// share each first slot (id[0]), and a seventh of them each tag (id[1]'s
// high bits), so that lookups must tell them apart by the whole key.
func TestSinglesAgainstMap(t *testing.T) {
	for _, keys := range []int{10, 3000, 100000} {
		rng := rand.New(rand.NewPCG(1, uint64(keys)))
		var tab singles
		model := map[pairID]*node{}
		key := func() pairID {
			k := uint64(rng.IntN(keys))
			return pairID{(k &^ 1) * 0x9e3779b97f4a7c15, k%7<<61 | k}
		}
		for op := 0; op < 20*keys+1000; op++ {
			id := key()
			want := model[id]
			if got := tab.get(id); got != want {
				t.Fatalf("%d keys, op %d: get(%x) = %p, want %p", keys, op, id, got, want)
			}
			switch r := rng.IntN(6); {
			case r < 4:
				// Put when absent, else the held node and its slot.
				n := new(node)
				got, at := tab.getOrPut(id, n)
				if got != want {
					t.Fatalf("%d keys, op %d: getOrPut(%x) = %p, want %p", keys, op, id, got, want)
				}
				if want == nil {
					model[id] = n
				} else if at != tab.find(id) {
					t.Fatalf("%d keys, op %d: getOrPut(%x) gave slot %d, find %d", keys, op, id, at, tab.find(id))
				} else if r == 0 {
					tab.deleteAt(at)
					delete(model, id)
				}
			case want != nil && r < 5:
				tab.delete(id)
				delete(model, id)
			}
			if tab.live != len(model) {
				t.Fatalf("%d keys, op %d: %d live, want %d", keys, op, tab.live, len(model))
			}
		}
		for id, n := range model {
			if got := tab.get(id); got != n {
				t.Fatalf("%d keys, at the end: get(%x) = %p, want %p", keys, id, got, n)
			}
		}
		// The table stays within its load: a lookup that misses ends.
		if tab.used*16 > len(tab.slots)*13 {
			t.Errorf("%d keys: %d of %d slots used", keys, tab.used, len(tab.slots))
		}
		// Freed places are reused, so ents does not grow with the
		// operations.
		if len(tab.ents) > keys {
			t.Errorf("%d keys: %d places in ents", keys, len(tab.ents))
		}
	}
}

// TestSinglesGrows: 300,000 distinct keys put one after another (a capture
// of distinct URLs with one timestamp; the table doubles nine times) are all
// found, in a table at most 13/16 full, and a key never put is not.
//
// The test is kept small for the WebAssembly run of these tests: with a
// million nodes the heap of that run passed 0x1a000000 (416 MiB), where
// WebAssembly code addresses (function index << 16) lie, and the next test
// failed with "found bad pointer in Go heap": the pointer, 0x1a080000, was
// the address of time.Time.Equal, which go-cmp calls through reflect: a code
// address recorded as a heap pointer, the kind of bug golang/go#80472 fixed
// in itabInit (Go 1.26.8 has that fix; this path is another). The analysis
// itself calls nothing through reflect (1,600,000 such entries analysed
// under Node without error).
func TestSinglesGrows(t *testing.T) {
	var tab singles
	nodes := make([]*node, 300_000)
	id := func(i int) pairID { return pairID{uint64(i) * 0x9e3779b97f4a7c15, uint64(i) * 0xbf58476d1ce4e5b9} }
	for i := range nodes {
		nodes[i] = new(node)
		if w, _ := tab.getOrPut(id(i), nodes[i]); w != nil {
			t.Fatalf("key %d: already held", i)
		}
	}
	for i := range nodes {
		if tab.get(id(i)) != nodes[i] {
			t.Fatalf("key %d not found", i)
		}
	}
	if tab.get(id(len(nodes))) != nil {
		t.Error("a key never put was found")
	}
	if tab.used*16 > len(tab.slots)*13 || len(tab.slots) > 1<<20 {
		t.Errorf("%d keys in %d slots", tab.used, len(tab.slots))
	}
}

// get returns the node waiting alone under id, or nil.
func (t *singles) get(id pairID) *node {
	if i := t.find(id); i >= 0 {
		return t.ents[t.ent(i)].n
	}
	return nil
}
