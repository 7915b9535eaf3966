package analyze

import "math/bits"

// singles maps the pairID of each pairing group in which one node waits to
// that node (streamer.single). In a capture of distinct URLs nearly every
// entry waits alone, every entry released looks its key up and misses, and
// the table holds every entry of the pairing window: with one timestamp,
// every entry of the file. As a Go map of pairID to *node (24 bytes a slot)
// it took 11 MB at 400,000 keys, past what the TLB covers, and its lookups
// took 2.5 times as long as at 200,000 (profiled). Here a lookup reads one
// 4-byte slot (and its neighbours): a tag from the key and the place of the
// key and node in ents, which is read only when the tag matches. At 400,000
// keys the slots take 2 MiB, a core's L2 cache here (8-byte slots took 4).
type singles struct {
	// slots is open-addressed with linear probing, its length a power of
	// two: 0 is empty, tomb a deleted slot, anything else tag<<bits | i+1
	// for ents[i]. The tag takes the bits the place leaves (never 0).
	slots []uint32
	// bits is how many low bits of a slot hold i+1: one more than
	// log2(len(slots)), as ents never holds more places than there are
	// slots (the table grows before it is 13/16 full, and never shrinks).
	bits uint
	ents []single
	free []uint32 // indexes of ents not in use
	live int      // keys held
	used int      // slots not empty (keys and tombs)
}

// single is one key of singles and its node; n is nil when unused.
type single struct {
	id pairID
	n  *node
}

const (
	tomb          = 1 // tag 0, place 0
	singlesMinLen = 1 << 10
)

// tag is id's tag for a table of t.bits: high bits of id[1], which the
// slot's place (from id[0]) does not depend on. A table would need 2^31
// slots, for some 1.7 billion waiting nodes, before the tag had no bit
// left but the 1 that keeps it from 0.
func (t *singles) tag(id pairID) uint32 {
	return uint32(id[1]>>(32+t.bits)) | 1
}

// find returns the slot holding id, or -1.
func (t *singles) find(id pairID) int {
	if t.live == 0 {
		return -1
	}
	at, _ := t.probe(id)
	return at
}

// probe returns the slot holding id, or -1, and the slot where id would
// go: the first tomb on its way, or the empty slot that ends it.
func (t *singles) probe(id pairID) (at, free int) {
	mask := uint64(len(t.slots) - 1)
	tag, low := t.tag(id), uint32(1)<<t.bits-1
	free = -1
	for i := id[0] & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		switch {
		case s == 0:
			if free < 0 {
				free = int(i)
			}
			return -1, free
		case s == tomb:
			if free < 0 {
				free = int(i)
			}
		case s>>t.bits == tag && t.ents[s&low-1].id == id:
			return int(i), free
		}
	}
}

// ent returns the place in ents that slot i refers to.
func (t *singles) ent(i int) uint32 { return t.slots[i]&(uint32(1)<<t.bits-1) - 1 }

// getOrPut returns the node waiting alone under id and its slot, or, when
// id is not held, records n under id and returns nil. One probe serves the
// lookup and the insertion: in a capture of distinct URLs nearly every
// entry released misses and is put, and past the L2 cache each probe's
// first slot is a cache miss. A lookup then a put took two.
func (t *singles) getOrPut(id pairID, n *node) (*node, int) {
	if (t.used+1)*16 > len(t.slots)*13 {
		t.rehash()
	}
	at, free := t.probe(id)
	if at >= 0 {
		return t.ents[t.ent(at)].n, at
	}
	if t.slots[free] == 0 {
		t.used++
	}
	var e uint32
	if k := len(t.free); k > 0 {
		e = t.free[k-1]
		t.free = t.free[:k-1]
	} else {
		e = uint32(len(t.ents))
		t.ents = append(t.ents, single{})
	}
	t.ents[e] = single{id, n}
	t.slots[free] = t.tag(id)<<t.bits | (e + 1)
	t.live++
	return nil, free
}

// delete forgets id, if held.
func (t *singles) delete(id pairID) {
	if i := t.find(id); i >= 0 {
		t.deleteAt(i)
	}
}

// deleteAt forgets the key in slot i, which must hold one.
func (t *singles) deleteAt(i int) {
	e := t.ent(i)
	t.ents[e] = single{}
	t.free = append(t.free, e)
	t.slots[i] = tomb
	t.live--
}

// rehash moves the keys to a new table: twice the size when they fill
// more than half of it, the same size when tombs fill the rest. Up to 13/16
// full, a lookup that misses reads about ten slots, one or two cache lines.
// Slots are made anew from ents, as their tags take fewer bits in a larger
// table.
func (t *singles) rehash() {
	n := max(len(t.slots), singlesMinLen)
	for t.live*2 > n {
		n *= 2
	}
	old, oldLow := t.slots, uint32(1)<<t.bits-1
	t.slots = make([]uint32, n)
	t.bits = uint(bits.Len(uint(n)))
	t.used = 0
	mask := uint64(n - 1)
	for _, s := range old {
		if s == 0 || s == tomb {
			continue
		}
		e := s&oldLow - 1
		id := t.ents[e].id
		i := id[0] & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = t.tag(id)<<t.bits | (e + 1)
		t.used++
	}
}
