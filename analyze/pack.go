package analyze

import (
	"encoding/binary"
	"io"
	"os"

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

	// The file, once needed: end is where the next entry goes, live
	// counts the entries in it not unpacked. Writes gather in wbuf (from
	// file offset end-len(wbuf)); rbuf holds the file from roff.
	f       *os.File
	noFile  bool // the file could not be made: memory is not capped
	end     int64
	live    int
	wbuf    []byte
	rbuf    []byte
	roff    int64
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

func (p *packStore) flush() error {
	if len(p.wbuf) == 0 {
		return nil
	}
	_, err := p.f.WriteAt(p.wbuf, p.end-int64(len(p.wbuf)))
	p.wbuf = p.wbuf[:0]
	return err
}

// unpack gives a packed node back its entry and details.
func (p *packStore) unpack(n *node) error {
	c := int(n.packChunk)
	var b []byte
	if c >= 0 {
		ch := p.chunks[c]
		b = ch.buf[n.packOff:]
		size, k := binary.Uvarint(b)
		if k <= 0 || size > uint64(len(b)-k) {
			return har.ErrPacked
		}
		b = b[k : k+int(size)]
		defer func() {
			if ch.live--; ch.live == 0 && c != p.cur {
				p.drop(c)
			}
		}()
	} else {
		var err error
		if b, err = p.read(n.packOff); err != nil {
			return err
		}
		defer func() {
			if p.live--; p.live == 0 {
				// Nothing in the file is needed any more: start it
				// again from the beginning.
				p.end, p.wbuf, p.rbuf = 0, p.wbuf[:0], p.rbuf[:0]
			}
		}()
	}
	e, err := p.dec.Decode(b)
	if err != nil {
		return err
	}
	n.packOff = 0
	var hx entryHeaders
	hx.index(e)
	n.fill(e, &hx)
	p.packed--
	p.bytes -= int64(len(b))
	return nil
}

// read returns the encoding of the entry packed at off in the file.
func (p *packStore) read(off int64) ([]byte, error) {
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
func (p *packStore) fileBytes(lo, hi int64) ([]byte, error) {
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
