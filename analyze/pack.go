package analyze

import (
	"encoding/binary"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/harcors/harcors/har"
)

// A node waiting for its partner needs only its start, its limit and its
// origin until its pairing is decided; its entry and what the analysis
// derives from it are needed when it is judged. In a capture of distinct
// URLs that all start at one instant nothing expires before the end, so
// every entry waits; as parsed objects they took about 1.2 KB each. The
// streaming analysis packs the entry of a waiting node into a compact
// encoding (a third of that, or less) and unpacks it when the node is
// settled. Packed entries live in memory chunks up to packTuning.memory,
// and past that in an unlinked temporary file, so that what waiting
// entries hold in memory is the node alone.

// A packed entry is its length (a uvarint) and its encoding (har.AppendEntry),
// at node.packOff in memory chunk node.packChunk, or in the temporary file
// when packChunk is -1: nodes are many, and a length in the node would
// make it a size class larger.

// packChunk is a run of packed entries in memory; live counts those not
// unpacked yet, and the chunk is dropped when it reaches zero.
type packChunk struct {
	buf  []byte
	live int
}

const (
	packChunkSize = 256 << 10
	// packReadAhead is how much of the file one read brings in: nodes
	// are mostly unpacked in about the order they were packed.
	packReadAhead = 16 << 10
	packWriteBuf  = 64 << 10
)

// packStore holds the packed entries of the waiting nodes.
type packStore struct {
	// memory is how many bytes of chunks may be held before entries go
	// to the file.
	memory int
	chunks []*packChunk // by number; nil once dropped
	cur    int          // the chunk appended to; -1 when none
	inMem  int          // bytes of chunks held

	// The file, once needed; live counts the entries in it not
	// unpacked.
	packFile
	noFile  bool // the file could not be made: memory is not capped
	live    int
	scratch []byte
	dec     har.EntryDecoder

	// packed counts the entries packed and not unpacked; bytes their
	// encoded size.
	packed int
	bytes  int64
}

func newPackStore(memory int) *packStore { return &packStore{memory: memory, cur: -1} }

// pack encodes n's entry and drops it and its details from n.
func (p *packStore) pack(n *node) error {
	// The encoding goes after room for its length, which is then moved
	// up against it.
	const room = binary.MaxVarintLen64
	b := har.AppendEntry(append(p.scratch[:0], make([]byte, room)...), n.e)
	p.scratch = b
	size := len(b) - room
	k := binary.PutUvarint(b[room-binary.MaxVarintLen64:room], uint64(size))
	copy(b[room-k:], b[:k])
	b = b[room-k:]
	chunk, off := -1, int64(0)
	c := p.chunkFor(len(b))
	if c < 0 {
		err := p.write(b)
		if err == nil {
			off = p.end - int64(len(b))
			p.live++
		} else if p.f != nil {
			return err
		} else {
			// No temporary file: memory is not capped after all.
			p.noFile = true
			c = p.chunkFor(len(b))
		}
	}
	if c >= 0 {
		ch := p.chunks[c]
		chunk, off = c, int64(len(ch.buf))
		ch.buf = append(ch.buf, b...)
		ch.live++
	}
	n.packChunk, n.packOff, n.e, n.nodeDetail = int32(chunk), off, nil, nil
	p.packed++
	p.bytes += int64(size)
	return nil
}

// chunkFor returns the chunk that takes size more bytes, starting one when
// memory allows, or -1: the entry goes to the file.
func (p *packStore) chunkFor(size int) int {
	if p.cur >= 0 {
		if ch := p.chunks[p.cur]; len(ch.buf)+size <= cap(ch.buf) {
			return p.cur
		}
		if ch := p.chunks[p.cur]; ch.live == 0 {
			p.drop(p.cur)
		}
		p.cur = -1
	}
	c := max(size, packChunkSize)
	if p.inMem+c > p.memory && !p.noFile {
		return -1
	}
	p.chunks = append(p.chunks, &packChunk{buf: make([]byte, 0, c)})
	p.inMem += c
	p.cur = len(p.chunks) - 1
	return p.cur
}

func (p *packStore) drop(c int) {
	p.inMem -= cap(p.chunks[c].buf)
	p.chunks[c] = nil
}

// write appends b to the file.
func (p *packStore) write(b []byte) error {
	if p.f == nil {
		f, err := os.CreateTemp("", "harcors-pending-*")
		if err != nil {
			return err
		}
		// Unlinked at once: the file goes when it is closed, or when the
		// process ends, however it ends.
		os.Remove(f.Name())
		p.f = f
	}
	if len(p.wbuf)+len(b) > packWriteBuf {
		if err := p.flush(); err != nil {
			return err
		}
	}
	p.wbuf = append(p.wbuf, b...)
	p.end += int64(len(b))
	return nil
}

func (p *packFile) flush() error {
	if len(p.wbuf) == 0 {
		return nil
	}
	_, err := p.f.WriteAt(p.wbuf, p.end-int64(len(p.wbuf)))
	p.wbuf = p.wbuf[:0]
	return err
}

// packFile is the temporary file of packed entries: end is where the
// next entry goes; writes gather in wbuf (from file offset end-len(wbuf));
// rbuf holds the file from roff.
type packFile struct {
	f    *os.File
	end  int64
	wbuf []byte
	rbuf []byte
	roff int64
}

// unpack gives a packed node back its entry and details.
func (p *packStore) unpack(n *node) error {
	b, err := p.encoded(p.chunks, n.packChunk, n.packOff)
	if err != nil {
		return err
	}
	u, err := decodePacked(&p.dec, n, b)
	p.release(n.packChunk)
	if err != nil {
		return err
	}
	p.restore(u)
	return nil
}

// unpackNode gives n back its entry if it was packed in p, taking it from
// ahead when that decoded it already. Should the packed entry be lost (the
// temporary file failed), n gets an empty entry, and the error is
// returned: the streaming analysis then reads the file again, the whole
// one reports it.
func unpackNode(n *node, p *packStore, ahead *unpackAhead) error {
	if n.e != nil {
		return nil
	}
	if ahead != nil {
		if u, ok := ahead.take(n); ok {
			p.release(n.packChunk)
			p.restore(u)
			return nil
		}
	}
	err := p.unpack(n)
	if err != nil {
		e := &har.Entry{Started: n.start}
		var hx entryHeaders
		hx.index(e)
		n.fill(e, &hx)
	}
	return err
}

// decodePacked decodes b, the encoding of n's entry, with dec, and
// derives the node's details from it; it touches no node, so that it can
// run ahead on another goroutine.
func decodePacked(dec *har.EntryDecoder, n *node, b []byte) (unpackedEntry, error) {
	e, err := dec.Decode(b)
	if err != nil {
		return unpackedEntry{}, err
	}
	var hx entryHeaders
	hx.index(e)
	d, pre := detailOf(e, &hx)
	return unpackedEntry{n, e, d, pre, len(b)}, nil
}

// encoded returns the encoding of the entry packed at off in chunk c of
// chunks, or in the file when c is -1.
func (p *packFile) encoded(chunks []*packChunk, c int32, off int64) ([]byte, error) {
	if c < 0 {
		return p.read(off)
	}
	b := chunks[c].buf[off:]
	size, k := binary.Uvarint(b)
	if k <= 0 || size > uint64(len(b)-k) {
		return nil, har.ErrPacked
	}
	return b[k : k+int(size)], nil
}

// release notes that an entry packed in chunk c (or in the file, when c
// is -1) was taken out, and lets go of what no packed entry needs any
// more.
func (p *packStore) release(c int32) {
	if c < 0 {
		if p.live--; p.live == 0 {
			// Nothing in the file is needed any more: start it
			// again from the beginning.
			p.end, p.wbuf, p.rbuf = 0, p.wbuf[:0], p.rbuf[:0]
		}
		return
	}
	ch := p.chunks[c]
	if ch.live--; ch.live == 0 && int(c) != p.cur {
		p.drop(int(c))
	}
}

// restore gives u's node its entry and details back, and counts it as
// unpacked.
func (p *packStore) restore(u unpackedEntry) {
	n := u.n
	n.e, n.nodeDetail, n.preflight = u.e, u.d, u.pre
	n.packOff = 0
	p.packed--
	p.bytes -= int64(u.size)
}

// read returns the encoding of the entry packed at off in the file.
func (p *packFile) read(off int64) ([]byte, error) {
	b, err := p.fileBytes(off, min(off+binary.MaxVarintLen64, p.end))
	if err != nil {
		return nil, err
	}
	size, k := binary.Uvarint(b)
	if k <= 0 || size > uint64(p.end-off-int64(k)) {
		return nil, har.ErrPacked
	}
	lo := off + int64(k)
	return p.fileBytes(lo, lo+int64(size))
}

// fileBytes returns the bytes of the file from lo to hi, from the write
// buffer or the read buffer, which it fills from lo when they are not in it.
func (p *packFile) fileBytes(lo, hi int64) ([]byte, error) {
	if w := p.end - int64(len(p.wbuf)); lo >= w {
		return p.wbuf[lo-w : hi-w], nil
	}
	if lo < p.roff || hi > p.roff+int64(len(p.rbuf)) {
		if hi > p.end-int64(len(p.wbuf)) {
			// Straddles the write buffer: write it out first.
			if err := p.flush(); err != nil {
				return nil, err
			}
		}
		size := max(int(hi-lo), packReadAhead)
		if cap(p.rbuf) < size {
			p.rbuf = make([]byte, size)
		}
		p.rbuf = p.rbuf[:size]
		k, err := p.f.ReadAt(p.rbuf, lo)
		if k < int(hi-lo) {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			p.rbuf = p.rbuf[:0]
			return nil, err
		}
		p.rbuf, p.roff = p.rbuf[:k], lo
	}
	return p.rbuf[lo-p.roff : hi-p.roff], nil
}

func (p *packStore) close() {
	if p.f != nil {
		p.f.Close()
		p.f = nil
	}
}

// At the end of a capture whose entries all wait (one timestamp, long
// polls), finish settles every waiting node, and unpacking them took most
// of the end (0.95 of 1.11 s of CPU over three runs of 400,000 GETs,
// profiled) while the other core, done reading, stayed idle. With more
// than one worker, unpackAhead decodes them on goroutines of their own, a
// batch each in turn, in the order finish settles them and a few batches
// ahead; the node takes its entry on the streamer's goroutine, which alone
// touches nodes. A node settled out of that order (a redirect hop) or
// whose entry could not be decoded there is unpacked where it is settled,
// as without it. On two cores, two such goroutines took the end of the
// 400,000 GETs from 360 to 260 ms; one, to 305 ms, as it then decoded
// while finish waited for it.
type unpackAhead struct {
	// outs carry the batches of entries decoded: batch i of refs from
	// outs[i%len(outs)], each filled by a goroutine of its own.
	outs []chan []unpackedEntry
	next int
	stop chan struct{}
	done sync.WaitGroup
	cur  []unpackedEntry
	open bool
	// taken counts the nodes that took an entry decoded ahead.
	taken int
}

// unpackedEntry is the entry of n decoded ahead, its details, and the
// size of its encoding.
type unpackedEntry struct {
	n    *node
	e    *har.Entry
	d    *nodeDetail
	pre  bool
	size int
}

// packRef is where n's entry is packed, noted before unpacking starts (the
// goroutine decoding ahead reads no node).
type packRef struct {
	n     *node
	chunk int32
	off   int64
}

// aheadBatch is how many entries go from a decoding goroutine at once;
// two of its batches may wait beside the one it fills, so that memory
// holds some 768 decoded entries ahead for each goroutine at most.
const aheadBatch = 256

// ahead starts decoding the entries of refs, in order, on k goroutines;
// nothing may be packed until it is closed. Each takes the refs it decodes
// out of refs, so that nodes settled and judged can be let go.
func (p *packStore) ahead(refs []packRef, k int) (*unpackAhead, error) {
	if err := p.flush(); err != nil {
		return nil, err
	}
	u := &unpackAhead{outs: make([]chan []unpackedEntry, k), stop: make(chan struct{}), open: true}
	f, end := p.f, p.end
	for j := range u.outs {
		out := make(chan []unpackedEntry, 2)
		u.outs[j] = out
		// Each its own view of the chunks (release drops them from
		// p.chunks), and its own reading of the file, whose write buffer
		// is now empty. Entries are packed, and mostly unpacked, in
		// chunk order: a chunk before the one last read is let go, so
		// that chunks do not outlive their entries here either (an
		// entry met in one after all is unpacked where it is settled).
		chunks := slices.Clone(p.chunks)
		u.done.Go(func() {
			defer close(out)
			file := packFile{f: f, end: end}
			var dec har.EntryDecoder
			last := int32(-1)
			for lo := j * aheadBatch; lo < len(refs); lo += k * aheadBatch {
				batch := make([]unpackedEntry, 0, aheadBatch)
				for i := lo; i < min(lo+aheadBatch, len(refs)); i++ {
					r := refs[i]
					refs[i] = packRef{}
					if r.chunk > last {
						for c := max(last, 0); c < r.chunk; c++ {
							chunks[c] = nil
						}
						last = r.chunk
					}
					if r.chunk >= 0 && chunks[r.chunk] == nil {
						continue
					}
					b, err := file.encoded(chunks, r.chunk, r.off)
					if err != nil {
						continue
					}
					ue, err := decodePacked(&dec, r.n, b)
					if err != nil {
						continue
					}
					batch = append(batch, ue)
				}
				select {
				case out <- batch:
				case <-u.stop:
					return
				}
			}
		})
	}
	return u, nil
}

// take returns n's entry decoded ahead, when it is the next one; entries
// of nodes unpacked since, out of turn, are dropped on the way.
func (u *unpackAhead) take(n *node) (unpackedEntry, bool) {
	for {
		if len(u.cur) == 0 {
			if !u.open {
				return unpackedEntry{}, false
			}
			b, ok := <-u.outs[u.next%len(u.outs)]
			if !ok {
				u.open = false
				return unpackedEntry{}, false
			}
			// A batch may come empty: each goroutine sends one for
			// each of its turns, so that the batches come in order.
			u.next++
			u.cur = b
			continue
		}
		h := &u.cur[0]
		if h.n.e != nil {
			*h = unpackedEntry{}
			u.cur = u.cur[1:]
			continue
		}
		if h.n != n {
			return unpackedEntry{}, false
		}
		x := *h
		*h = unpackedEntry{}
		u.cur = u.cur[1:]
		u.taken++
		return x, true
	}
}

// close stops the decoding and waits for its goroutine to end.
func (u *unpackAhead) close() {
	close(u.stop)
	u.done.Wait()
	u.cur = nil
}
