package har

import (
	"bytes"
	"github.com/harcors/harcors/har/internal/jsonscan"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// This file reads the entries of one large file on several cores.
//
// Entries are independent objects, one after another, so pieces of a file
// could be parsed at once if each piece knew where its first entry starts.
// It cannot know without reading everything before it, so it guesses and
// the guess is checked:
//
//   - The Reader reads the head of the file itself, and learns from its
//     first two entries the bytes that separate one entry from the next
//     (",\n      " in a file saved by DevTools, "," in a compact one).
//   - Past the head, the file is cut into pieces of readTuning.splitChunk bytes. A
//     worker takes a piece, looks for the first '{' in it that follows '}'
//     and that separator and opens an object whose first key an entry can
//     have, and reads entries from there as the Reader would, until one
//     starts in the next piece.
//   - The Reader takes the pieces in order. It knows, from the previous
//     piece, where the next entry really starts: a piece whose guess is
//     that offset is right (it was read exactly as the Reader would have
//     read it), and its entries are handed out. A piece whose guess is
//     wrong, or in which anything at all went wrong (an error, a warning,
//     an element that is not an object), ends the parallel reading: the
//     Reader goes back to that offset and reads the rest of the file
//     itself, so that every message is the one sequential reading gives.
//
// The output is therefore the same whatever the guesses; they only decide
// how much runs in parallel. Inside a JSON string a '"' is always escaped,
// so a body that holds JSON cannot contain the separator followed by an
// object key, and a guess is wrong only on files whose entries are not
// separated alike.

// splitAhead is how many pieces per worker may be read ahead of the one
// being handed out.
const splitAhead = 2

// A splitter's phases.
const (
	splitHead = iota
	splitPieces
	splitOver
)

// splitProbes is how many false starts a worker tries in a piece before it
// gives up on the piece (which the Reader then reads itself): each costs a
// read of the file, and a crafted file could hold one every few bytes.
const splitProbes = 8

// splitLearn is how many entries the Reader looks at to learn the
// separator before it gives up splitting.
const splitLearn = 16

// splitter reads the pieces of one file and hands their entries to the
// Reader that made it.
type splitter struct {
	f io.ReaderAt
	// size is the file's, or -1 while an input still growing (see
	// Growing) may grow: the pieces are then made as they are needed, each
	// of chunk bytes, and the first past the end holds no entry.
	size  int64
	grow  Growing
	start int64 // where the first piece starts
	chunk int64
	opt   Options
	// pat is '}', the separator and '{': what precedes an entry's '{'.
	pat   []byte
	depth int   // scanner depth inside log.entries
	path  []seg // path of log.entries
	// remote, when not nil, reads pieces too (Options.Pieces), until it
	// fails once.
	remote       PieceReader
	remoteFailed atomic.Bool

	mu sync.Mutex
	// pieces are the pieces made so far; those taken by the Reader are
	// set to nil. count is how many the file has, -1 while unknown.
	pieces []*piece
	count  int
	next   atomic.Int64  // the next piece for a worker
	tokens chan struct{} // one per piece being read or waiting to be taken
	quit   chan struct{}
	once   sync.Once
	wg     sync.WaitGroup

	// The Reader's side. phase is splitHead while the Reader reads the
	// first piece, splitPieces while it hands out the others' entries,
	// splitOver once it reads on by itself. x is the offset at which the
	// next element of log.entries starts, known for sure; line, lineStart
	// and index are the scanner's line, line start and entry index there.
	phase     int
	taken     int // pieces taken
	x         int64
	line      int
	lineStart int64
	index     int
	// ents are the entries of the piece being handed out; lineOff and
	// idxOff turn their piece-relative Line and Index into the file's.
	ents    []*Entry
	lineOff int
	idxOff  int
	last    bool // the piece being handed out ends log.entries
	// used counts the pieces whose entries were handed out (for tests).
	used int
}

// piece is one part of the file, [lo, hi), and what a worker found in it.
// done is closed when the worker is finished with it.
type piece struct {
	lo, hi int64
	done   chan struct{}

	ok bool // entries were read from start to end without any problem
	// start is the offset of the first entry's '{', -1 when no entry
	// seemed to start in [lo, hi); end the offset at which the element
	// after the last entry read starts, or of log.entries' ']' when
	// closed.
	start, end int64
	closed     bool
	entries    []*Entry
	// lines is the number of newlines between start and end; lineStart
	// the offset at which the last of them ends.
	lines     int
	lineStart int64
}

// splitFile marks r, just opened on f, as a candidate for reading in
// pieces: a regular file of readTuning.splitMinSize or more, not compressed, without
// a BOM (so that offsets in the text are offsets in the file), on a
// machine with more than one core.
func (r *Reader) splitFile(f *os.File) {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() < r.opt.tuning().splitMinSize || !r.canSplit() {
		return
	}
	r.splitAt, r.splitSize = f, fi.Size()
}

// canSplit: what any input read in pieces needs besides its size.
func (r *Reader) canSplit() bool {
	return r.format == "" && !r.bom && (r.opt.workers() >= 2 || r.opt.Pieces != nil)
}

// demand decides when a file that may be read in pieces is. Pieces speed
// the parse up, not always the program: they take cores that the caller's
// own work (the analysis, on another goroutine) may need. On a capture of
// large entries, whose bodies the parse must step over, the parse is the
// bottleneck and pieces took 20% off the time (1 GiB and 262 MB DevTools
// captures); on 400,000 small cross-origin GETs the analysis is, and pieces
// added 5%. So such a file is first read on: over a window (of
// gateBytes and gateEntries, or at most 8 × gateBytes, so that the
// caller's buffers have filled) the Reader measures the share of the time
// spent inside Next. At gateBusy or more its caller is waiting for entries
// and the pieces start there; below, another window is measured
// gateEvery bytes later, as a capture's shape can change. Measured over
// whole files read on: 0.97-0.99 for the captures that pieces speed up or
// leave alone, 0.81-0.86 for dense metadata (pieces neither help nor
// hurt), 0.29-0.53 for one-timestamp GETs.
//
// The share means "the caller waits for Next" only for a caller that hands
// the entries to work on another goroutine, as harcors does; a caller that
// works between calls on its own goroutine is seen as busy, and gets no
// pieces. With Options.Pieces (WebAssembly, whose caller does work inline)
// the file is split at once.
type demand struct {
	on    bool  // Next calls are being timed
	yes   bool  // decided: split (as soon as learnSplit can)
	from  int64 // the offset at which the window began
	next  int64 // the offset from which the next window starts
	t0    time.Time
	busy  time.Duration // inside Next since t0
	calls int           // calls of Next since t0
	// now is the tuning's clock, kept here so that Next, which reads it
	// twice a call while a window lasts, need not look the tuning up.
	now func() time.Time
}

// splitWanted is called by Next at an entry while r may still be split: it
// reports whether to split it from there.
func (r *Reader) splitWanted() bool {
	g := &r.gate
	t := r.opt.tuning()
	if g.yes || t.gateBytes == 0 || r.opt.Pieces != nil {
		return true
	}
	off := r.s.Offset()
	if !g.on {
		if off >= g.next {
			g.on, g.from, g.busy, g.calls, g.now = true, off, 0, 0, t.now
			g.t0 = g.now()
		}
		return false
	}
	if n := off - g.from; n < t.gateBytes || n < 8*t.gateBytes && g.calls < t.gateEntries {
		return false
	}
	g.on = false
	if wall := g.now().Sub(g.t0); float64(g.busy) >= t.gateBusy*float64(wall) {
		g.yes = true
		return true
	}
	g.next = off + t.gateEvery
	return false
}

// Growing is an input copied to a file as it arrives, such as standard
// input that a program keeps so as to read it a second time: Read reads it
// from the start, waiting for bytes that have not arrived yet, ReadAt
// waits until all the bytes asked for have arrived or the input has
// ended, and Arrived says how many bytes have arrived and whether that is
// all of them. NewReader reads a large uncompressed Growing input in
// pieces, as Open reads a large file, while the rest is still arriving, so
// that a pipe is parsed on as many cores as a file.
type Growing interface {
	io.Reader
	io.ReaderAt
	Arrived() (n int64, all bool)
}

// splitGrowing marks r, just made on g, as a candidate for reading in
// pieces, on the terms of splitFile. While g is still growing its size is
// not known: learnSplit waits until splitMinSize bytes have arrived, and
// the pieces are then made as they are needed.
func (r *Reader) splitGrowing(g Growing) {
	if !r.canSplit() {
		return
	}
	n, all := g.Arrived()
	if all && n < r.opt.tuning().splitMinSize {
		return
	}
	r.splitAt, r.splitGrow, r.splitSize = g, g, -1
	if all {
		r.splitSize = n
	}
}

// learnSplit is called by Next when the element at the scanner's position
// is an entry ('{') that follows another, which ended at r.prevEnd. The
// bytes between the two are the separator; when they are at hand and are
// a ',' in whitespace, the rest of the file is cut into pieces and workers
// start reading them.
func (r *Reader) learnSplit() {
	s := &r.s
	r.splitTries++
	if r.splitTries > splitLearn {
		r.splitAt = nil
		return
	}
	from := r.prevEnd - s.Base
	if from < 0 || from > int64(s.Pos) {
		return // the separator is not in the buffer any more; try the next
	}
	sep := s.Buf[from:s.Pos]
	if len(sep) > 64 || bytes.Count(sep, []byte{','}) != 1 || len(bytes.TrimLeft(sep, " \t\r\n,")) != 0 {
		r.splitAt = nil
		return
	}
	start := s.Offset()
	chunk := r.opt.tuning().splitChunk
	size := r.splitSize
	if r.splitGrow != nil {
		n, all := r.splitGrow.Arrived()
		switch {
		case all && n < r.opt.tuning().splitMinSize:
			r.splitAt = nil
			return
		case all:
			size = n
		case n < r.opt.tuning().splitMinSize:
			// Not yet known to be as large as a file that is split
			// (a smaller one's pieces would hold more entries than
			// its reading by path does): look again at the next
			// entry, the pieces then starting there.
			r.splitTries--
			return
		}
	}
	n := int64(-1)
	if size >= 0 {
		if n = (size - start) / chunk; n < 2 {
			r.splitAt = nil
			return
		}
	}
	workers := r.opt.workers()
	readers := workers
	if r.opt.Pieces != nil {
		// The goroutine calling Next counts as one of the Workers:
		// with Pieces and Workers 1 (WebAssembly, where goroutines share
		// one thread) no goroutine of this program reads pieces. One
		// would not run beside the analysis, only instead of it, and
		// the answers of the PieceReader would wait for it: in a
		// browser the worker's event loop, which brings them, runs
		// only when every goroutine waits.
		workers--
		readers = workers + remotePieces
	}
	sp := &splitter{
		f:      r.splitAt,
		size:   size,
		grow:   r.splitGrow,
		start:  start,
		chunk:  chunk,
		opt:    r.opt,
		pat:    append(append([]byte{'}'}, sep...), '{'),
		depth:  s.Depth,
		path:   append([]seg(nil), r.path...),
		count:  int(n),
		tokens: make(chan struct{}, readers*splitAhead),
		remote: r.opt.Pieces,
		quit:   make(chan struct{}),
	}
	// Piece 0 is the head, read by r; pieces 1..n-1 by the workers (the
	// last one to the end of the file).
	if n > 0 {
		sp.pieces = make([]*piece, 0, n)
		sp.piece(int(n - 1)).hi = size
	}
	sp.taken = 1
	sp.next.Store(1)
	sp.wg.Add(readers)
	for range workers {
		go sp.work(nil)
	}
	for range readers - workers {
		go sp.work(new(EntryDecoder))
	}
	r.sp = sp
	r.splitAt = nil
}

// piece returns piece k, making it (and those before it) if need be.
func (sp *splitter) piece(k int) *piece {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	for j := len(sp.pieces); j <= k; j++ {
		lo := sp.start + int64(j)*sp.chunk
		sp.pieces = append(sp.pieces, &piece{lo: lo, hi: lo + sp.chunk, done: make(chan struct{})})
	}
	return sp.pieces[k]
}

// handOver is called by Next when the element at the scanner's position
// starts in the second piece: r stops reading and hands out the pieces'
// entries from there.
func (r *Reader) handOver() {
	s := &r.s
	sp := r.sp
	sp.phase = splitPieces
	sp.x, sp.line, sp.lineStart, sp.index = s.Offset(), s.Line, s.LineStart, r.index
	s.EndAhead()
}

// fromPieces returns the next entry the pieces hold, or nil when they hold
// no more: the Reader has then been moved to where they end (or to where
// the first piece that could not be used begins) and reads on by itself.
func (r *Reader) fromPieces() *Entry {
	sp := r.sp
	for {
		if len(sp.ents) > 0 {
			e := sp.ents[0]
			sp.ents[0] = nil
			sp.ents = sp.ents[1:]
			e.Line += sp.lineOff
			e.Index += sp.idxOff
			return e
		}
		if sp.last || sp.taken == sp.count {
			break
		}
		p := sp.piece(sp.taken)
		<-p.done
		sp.mu.Lock()
		sp.pieces[sp.taken] = nil // its entries are handed out, or not used
		sp.mu.Unlock()
		sp.taken++
		<-sp.tokens
		if sp.x >= p.hi {
			// The entry that started before this piece runs past its
			// end: whatever the worker found is inside it.
			continue
		}
		if !p.ok || p.start != sp.x {
			break
		}
		sp.ents, p.entries = p.entries, nil
		sp.used++
		sp.lineOff, sp.idxOff = sp.line-1, sp.index
		sp.x, sp.index = p.end, sp.index+len(sp.ents)
		sp.line += p.lines
		if p.lines > 0 {
			sp.lineStart = p.lineStart
		}
		sp.last = p.closed
	}
	r.resume()
	return nil
}

// resume ends the parallel reading and moves the Reader to sp.x, which
// holds the next element of log.entries or its ']'.
func (r *Reader) resume() {
	sp := r.sp
	sp.phase = splitOver
	sp.stop()
	s := &r.s
	size := sp.size
	if sp.grow != nil {
		if n, all := sp.grow.Arrived(); all {
			size = n
		} else {
			size = -1
		}
	}
	// The rest of a file still growing is read ahead, as a pipe is.
	ahead := size < 0 || size-sp.x >= sp.opt.tuning().aheadMinSize
	s.Init(io.NewSectionReader(sp.f, sp.x, 1<<62), ahead && sp.opt.workers() > 1)
	s.Base = sp.x
	s.Line, s.LineStart = sp.line, sp.lineStart
	r.index = sp.index
	// The ',' before sp.x has been consumed: read the element there as
	// the first of the array. A ']' there ends the array either way.
	r.firstElem = true
}

// stop tells the workers to end.
func (sp *splitter) stop() {
	sp.once.Do(func() { close(sp.quit) })
}

// wait stops the workers and waits for them: they read the file, so the
// file must not be closed before.
func (sp *splitter) wait() {
	sp.stop()
	sp.wg.Wait()
}

// work reads pieces until there are none left or stop is called: itself,
// or, given a decoder, through sp.remote. A token is taken before the
// piece, so that the pieces read or being read are always the ones right
// after those the Reader has taken, the first of which it waits for.
func (sp *splitter) work(remote *EntryDecoder) {
	defer sp.wg.Done()
	var w *Reader
	if remote == nil {
		w = &Reader{opt: sp.opt}
		w.s.Buf = make([]byte, jsonscan.BufSize)
	}
	for {
		select {
		case sp.tokens <- struct{}{}:
		case <-sp.quit:
			return
		}
		k := int(sp.next.Add(1) - 1)
		if sp.count >= 0 && k >= sp.count {
			return // the token stays taken: nothing is left to read
		}
		p := sp.piece(k)
		if remote != nil {
			sp.readRemote(p, remote)
		} else {
			sp.read(w, p)
		}
		close(p.done)
	}
}

// read finds the first entry of p and reads entries from it until one
// starts at or past p.hi, the array ends, or something is amiss.
func (sp *splitter) read(w *Reader, p *piece) {
	p.start = -1
	from := p.lo - int64(len(sp.pat)-1)
	for range splitProbes {
		c := sp.find(w, from, p.hi)
		if c < 0 {
			return
		}
		if sp.readFrom(w, p, c) {
			return
		}
		// Not an entry after all: look further.
		from = c - int64(len(sp.pat)-2)
	}
}

// find positions w's scanner on the first '{' at or after from+len(pat)-1
// and before hi that ends an occurrence of sp.pat and opens an object
// whose first key an entry may have, and returns its offset; -1 if none.
func (sp *splitter) find(w *Reader, from, hi int64) int64 {
	s := &w.s
	s.Reset(io.NewSectionReader(sp.f, from, 1<<62), from)
	keep := len(sp.pat) - 1
	for {
		j := bytes.Index(s.Buf[s.Pos:s.End], sp.pat)
		if j < 0 {
			// A match whose '{' would be past what was read starts in
			// the last keep bytes: keep them.
			if s.Base+int64(s.End) >= hi {
				return -1
			}
			s.Pos = max(s.Pos, s.End-keep)
			if !s.Fill() {
				return -1
			}
			continue
		}
		at := s.Pos + j + keep // the '{'
		if s.Base+int64(at) >= hi {
			return -1
		}
		if s.End-at < jsonscan.MaxKeyLen+16 && s.Rerr == nil {
			// Too near the end of the buffer to read the key: read
			// more, keeping the match, and look at it again.
			s.Pos += j
			s.Fill()
			continue
		}
		if entryKey(s.Buf[at+1 : s.End]) {
			s.Pos = at
			return s.Base + int64(at)
		}
		s.Pos += j + 1
	}
}

// entryKey reports whether b, which follows a '{', starts with whitespace
// and a key that an entry may have: one of HAR's, or a custom one ('_').
// Header, cookie, timing and call frame objects begin with other keys, so
// few false starts reach readFrom.
func entryKey(b []byte) bool {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	if i >= len(b) || b[i] != '"' {
		return false
	}
	b = b[i+1:]
	q := bytes.IndexByte(b, '"')
	if q < 0 {
		return false
	}
	switch string(b[:q]) {
	case "startedDateTime", "time", "request", "response", "cache", "timings",
		"pageref", "serverIPAddress", "connection", "comment":
		return true
	}
	return q > 0 && b[0] == '_'
}

// readFrom reads p's entries from its first, at offset c where w's scanner
// is. It reports false when the first element turns out not to be an
// entry (p is then untouched), true when p is done with (p.ok says
// whether it can be used).
func (sp *splitter) readFrom(w *Reader, p *piece, c int64) bool {
	s := &w.s
	s.Line, s.LineStart = 1, c
	s.Depth = sp.depth
	w.path = append(w.path[:0], sp.path...)
	w.warns = nil
	var ents []*Entry
	for first := true; ; first = false {
		if !first && len(ents)%64 == 0 {
			select {
			case <-sp.quit:
				return true
			default:
			}
		}
		ok, err := s.NextElem(first)
		if err != nil {
			return !first
		}
		if !ok {
			if first {
				return false
			}
			p.closed = true
			p.end = s.Offset() - 1
			break
		}
		// The Reader resumes at p.end as at the first element, which
		// matches what follows a ',' only when that is an object.
		if ch, _ := s.Peek(); ch != '{' {
			return !first
		}
		if !first && s.Offset() >= p.hi {
			p.end = s.Offset()
			break
		}
		e := &Entry{Index: len(ents), Line: s.Line, Offset: s.Offset()}
		if err := w.readEntry(e); err != nil || len(w.warns) > 0 {
			return !first
		}
		if first && (e.Request.Method == "" || e.Request.URL == "") {
			return false
		}
		ents = append(ents, e)
	}
	p.ok, p.start, p.entries = true, c, ents
	p.lines, p.lineStart = s.Line-1, s.LineStart
	return true
}
