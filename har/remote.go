package har

import (
	"encoding/binary"
	"errors"
	"io"

	"github.com/harcors/harcors/har/internal/jsonscan"
)

// This file lets pieces of a large input (see split.go) be read by another
// program. In a browser, harcors runs as WebAssembly, whose goroutines
// share one thread: a second instance in a second worker is the only way
// to parse on a second core. The Reader describes a piece in a job; the
// other instance reads the same bytes (the same File), runs ReadPiece on
// the job, and hands back the piece's entries in the packed encoding
// (pack.go). The Reader takes them in order as it takes its own workers'.

// A PieceReader reads pieces of a large input elsewhere (Options.Pieces).
// ReadPiece is given a job the Reader made, and the offset at which the
// piece ends (to show progress by), and returns what the function
// ReadPiece returned for the job over the same bytes. It may block; the
// Reader calls it from goroutines of its own, up to remotePieces at once.
// An error is no harm: the Reader reads that piece, and the rest, itself.
type PieceReader interface {
	ReadPiece(job []byte, end int64) ([]byte, error)
}

// remotePieces is how many pieces may be at a PieceReader at once: more
// than one, so that it starts on the next one as soon as it hands back
// one, however late the Reader takes that.
const remotePieces = 4

// ReadPiece is the other end of a PieceReader: it reads the piece job
// describes from f, which must hold the bytes the Reader that made the job
// reads (the same file), and returns the piece's entries and where they
// end, to be handed back to that Reader.
func ReadPiece(f io.ReaderAt, job []byte) ([]byte, error) {
	sp := &splitter{f: f}
	p := &piece{}
	d := decoder{b: job}
	p.lo, p.hi = d.varint(), d.varint()
	sp.pat = d.bytes()
	sp.depth = int(d.varint())
	n := int(d.uvarint())
	if d.err != nil || n > len(d.b) {
		return nil, errors.New("damaged piece job")
	}
	for range n {
		name := string(d.bytes())
		sp.path = append(sp.path, seg{name: name, idx: int(d.varint())})
	}
	if d.err != nil || len(d.b) != 0 || len(sp.pat) < 2 || p.lo < 0 || p.hi < p.lo {
		return nil, errors.New("damaged piece job")
	}
	w := &Reader{}
	w.s.Buf = make([]byte, jsonscan.BufSize)
	sp.read(w, p)
	if !p.ok {
		return []byte{0}, nil
	}
	b := []byte{1}
	if p.closed {
		b[0] = 2
	}
	b = binary.AppendVarint(b, p.start)
	b = binary.AppendVarint(b, p.end)
	b = binary.AppendVarint(b, int64(p.lines))
	b = binary.AppendVarint(b, p.lineStart)
	b = binary.AppendUvarint(b, uint64(len(p.entries)))
	var scratch []byte
	refs := new(strRefs)
	for _, e := range p.entries {
		scratch = appendEntry(scratch[:0], e, refs)
		b = appendString(b, scratch)
	}
	return b, nil
}

// job describes p for ReadPiece.
func (sp *splitter) job(p *piece) []byte {
	b := binary.AppendVarint(nil, p.lo)
	b = binary.AppendVarint(b, p.hi)
	b = appendString(b, sp.pat)
	b = binary.AppendVarint(b, int64(sp.depth))
	b = binary.AppendUvarint(b, uint64(len(sp.path)))
	for _, s := range sp.path {
		b = appendString(b, s.name)
		b = binary.AppendVarint(b, int64(s.idx))
	}
	return b
}

// readRemote has p read by sp.remote, and fills p with what came back. A
// failure leaves p not ok: the Reader reads it itself.
func (sp *splitter) readRemote(p *piece, ed *EntryDecoder) {
	if sp.remoteFailed.Load() {
		return
	}
	res, err := sp.remote.ReadPiece(sp.job(p), p.hi)
	if err != nil {
		sp.remoteFailed.Store(true)
		return
	}
	d := decoder{b: res}
	if len(res) == 0 || res[0] == 0 {
		return
	}
	closed := res[0] == 2
	d.b = d.b[1:]
	start, end := d.varint(), d.varint()
	lines, lineStart := int(d.varint()), d.varint()
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		return
	}
	ents := make([]*Entry, 0, n)
	ed.numbered(true)
	defer ed.numbered(false)
	for range n {
		b := d.bytes()
		if d.err != nil {
			return
		}
		e, err := ed.Decode(b)
		if err != nil {
			return
		}
		ents = append(ents, e)
	}
	if len(d.b) != 0 {
		return
	}
	p.ok, p.closed, p.start, p.end, p.entries = true, closed, start, end, ents
	p.lines, p.lineStart = lines, lineStart
}
