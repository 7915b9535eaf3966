package analyze

import "fmt"

// A capture analysed whole (entries without a start time or far out of
// time order; pages, or a creator that judges otherwise, after the
// entries) keeps every node that may matter until the end, when it is
// paired and judged. Kept as read, an entry and what the analysis derives
// from it took about 2.3 KiB: 200,000 entries of a capture whose creator
// came last held 540 MB, against 130 MB streamed. So the whole analysis packs entries as the
// streaming one packs those that wait (packStore): past the streaming
// limits on entries kept as read, the oldest are packed, and each is
// unpacked when it is judged. Pairing needs of a packed node only its
// pairing key, kept beside it as a pairID, its start and its origin.

// wholeStore holds what the whole analysis keeps beside its nodes.
type wholeStore struct {
	tune  *tuning
	packs *packStore
	// keys[i] is the pairID of a.nodes[i], noKey when it pairs with
	// nothing.
	keys []pairID
	// a.nodes[head:] keep their entry as read; live is how many there
	// are and bytes what their entries hold (entryWeight).
	head  int
	live  int
	bytes int
	// full: packing failed (no room for the temporary file); the rest is
	// kept as read.
	full bool
	// lost is the first error reading a packed entry back.
	lost error
	// aheadWorkers is how many goroutines may unpack ahead of the
	// judging (see unpackAhead), ahead that unpacking while it runs.
	aheadWorkers int
	ahead        *unpackAhead
}

// newWholeStore makes the store of a whole analysis that packs past t's
// limits, or never when t is nil, and unpacks ahead on aheadWorkers
// goroutines.
func newWholeStore(t *tuning, aheadWorkers int) *wholeStore {
	w := &wholeStore{tune: t, aheadWorkers: aheadWorkers}
	if t != nil {
		w.packs = newPackStore(t.packMemory)
	}
	return w
}

// close lets go of the temporary file of packed entries, if any.
func (w *wholeStore) close() {
	w.stopAhead()
	if w.packs != nil {
		w.packs.close()
	}
}

// keep adds n, next in file order, to the nodes of a whole analysis, and
// packs the entries of the oldest nodes kept as read past the limits.
func (a *analysis) keep(n *node) {
	w := a.whole
	if w == nil {
		w = newWholeStore(nil, 0)
		a.whole = w
	}
	a.nodes = append(a.nodes, n)
	w.keys = append(w.keys, keyOf(n))
	w.live++
	w.bytes += entryWeight(n.e)
	for w.packs != nil && !w.full && (w.live > w.tune.unpacked || w.bytes > w.tune.unpackedBytes) {
		x := a.nodes[w.head]
		w.head++
		w.live--
		w.bytes -= entryWeight(x.e)
		if err := w.packs.pack(x); err != nil {
			w.full = true
		}
	}
}

// unpack gives n back its entry, if it was packed. An entry that cannot
// be read back (the temporary file failed) is judged empty, and the error
// is reported with the result.
func (w *wholeStore) unpack(n *node) {
	if err := unpackNode(n, w.packs, w.ahead); err != nil && w.lost == nil {
		w.lost = fmt.Errorf("reading back an entry set aside in a temporary file: %w", err)
	}
}

// pairWhole pairs the nodes of a whole analysis from the keys kept beside
// them.
func (a *analysis) pairWhole() {
	if w := a.whole; w != nil {
		keys := w.keys
		w.keys = nil
		pair(a.nodes, keys)
	}
}

// startAhead starts unpacking ahead the packed entries of nodes, in the
// order the judging takes them, when there are enough to be worth it.
func (w *wholeStore) startAhead(nodes []*node) {
	if w.aheadWorkers == 0 || w.head < aheadBatch {
		return
	}
	refs := make([]packRef, 0, w.head)
	for _, n := range nodes[:w.head] {
		if n != nil && n.e == nil {
			refs = append(refs, packRef{n, n.packChunk, n.packOff})
		}
	}
	w.ahead, _ = w.packs.ahead(refs, w.aheadWorkers) // failing, the nodes unpack where judged
}

// stopAhead ends the unpacking ahead, if it runs.
func (w *wholeStore) stopAhead() {
	if w.ahead != nil {
		w.ahead.close()
		w.ahead = nil
	}
}
