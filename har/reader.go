package har

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"github.com/harcors/harcors/har/internal/jsonscan"
	"io"
	"math/bits"
	"os"
	"strconv"
	"time"

	kflate "github.com/klauspost/compress/flate"
	kgzip "github.com/klauspost/compress/gzip"
)

// Reader reads a HAR file one entry at a time. It holds one read buffer
// (16 KiB growing to at most 256 KiB; four when Open reads ahead), the
// metadata of log and the entry being read; bodies and unknown fields are
// skipped without being held, so memory does not grow with the file. A
// large file that Open reads in pieces on several cores also holds the
// entries of the few pieces read ahead (see split.go). Entries returned by
// Next belong to the caller. A Reader is not safe for concurrent use.
//
// Leading and trailing NUL bytes are ignored (Firebug pads files with
// them); so is whitespace. Line and column numbers count lines in the
// whitespace between tokens.
type Reader struct {
	s      jsonscan.Scanner
	opt    Options
	log    Log
	closer io.Closer
	// format is "gzip" or "zlib" when the input was compressed.
	format string
	// readAhead says to read the input in a goroutine (Open does).
	readAhead bool
	// tmp is the temporary copy of a zip archive read from a stream.
	tmp *os.File
	// mayMap says a gzip file may be mapped into memory: the Reader
	// unmaps it when it is done (Unwrap, which has no Close, does not).
	mayMap bool
	// mapped is the gzip file mapped into memory, if any.
	mapped *mapping

	state     readState
	jsonp     bool // the HAR is wrapped in onInputData(...) (harviewer .harp)
	firstElem bool // the next element of log.entries is the first
	index     int  // position in log.entries of the next element
	logSeen   bool
	entSeen   bool
	err       error // sticky: returned by every Next after the first error

	warns   []*Error
	dropped int

	// path is the JSON path of the value being read, for messages; it is
	// built into a string only when a message needs it.
	path []seg

	hdrs []Header // scratch for a header list being read
	// hl and hc are quickHeader's layout and cache (made with the
	// first header list); qname and qvalue its scratch for decoding.
	hl            hdrLayout
	hc            *hdrCache
	qname, qvalue []byte
	cookies       []Cookie // scratch for a cookie list being read
	ckc           *cookieCache
	ckHits        int // cookies taken from ckc (for tests)
	intern        interner
	zones         map[int]*time.Location

	// Reading in pieces (split.go): splitAt is the file while it may
	// still be split, sp the splitter once it is.
	bom        bool // the file starts with a UTF-8 BOM
	splitAt    io.ReaderAt
	splitGrow  Growing // splitAt, when it is a Growing input
	splitSize  int64   // -1 while splitGrow grows
	splitTries int
	prevEnd    int64 // offset just past the last entry read
	gate       demand
	sp         *splitter
}

type readState uint8

const (
	stateEntries readState = iota // inside log.entries
	stateDone                     // Next returns r.err (io.EOF or an error)
)

// seg is one step of a JSON path: a member name, or an array index when
// idx >= 0.
type seg struct {
	name string
	idx  int
}

// NewReader sniffs the input and reads up to the first entry. The input may
// be gzip-compressed (recognised by its magic bytes 1f 8b, whatever the file
// is called), zlib-compressed (mitmproxy's .zhar), start with a UTF-8 BOM
// (Fiddler, Windows editors), or be wrapped in a JSONP call such as
// onInputData({...}); (harviewer's .harp files): all of these are accepted.
//
// Problems with the whole file (empty, not JSON, JSON that is not a HAR, a
// zip archive, a damaged gzip header) are returned here as *Error, as is
// damage in log's metadata before the entries.
//
// An input that is not in memory already (one without a ReadAt method,
// such as a pipe, or an *os.File that is not a small regular file) is read
// ahead as Open does, unless Options.Workers is 1. A Growing input is read
// ahead, and in pieces as Open reads a large file.
func NewReader(rd io.Reader, opt Options) (*Reader, error) {
	ahead := false
	g, growing := rd.(Growing)
	if opt.workers() > 1 {
		if growing {
			n, all := g.Arrived()
			ahead = !all || n >= opt.tuning().aheadMinSize
		} else if f, ok := rd.(*os.File); ok {
			ahead = readAheadFile(f, opt.tuning().aheadMinSize)
		} else {
			_, inMemory := rd.(io.ReaderAt)
			ahead = !inMemory
		}
	}
	r, err := newReader(rd, opt, ahead)
	if err != nil {
		return nil, err
	}
	if growing {
		r.splitGrowing(g)
	}
	return r, nil
}

// newReader is NewReader, reading ahead in a goroutine if ahead is set. On
// an error it returns the Reader too, its goroutine told to stop, so that
// Open can wait for it after closing the file.
func newReader(rd io.Reader, opt Options, ahead bool) (*Reader, error) {
	r := &Reader{opt: opt, readAhead: ahead, mayMap: true}
	if err := r.start(rd); err != nil {
		r.stopAhead()
		r.unmap()
		if r.tmp != nil {
			r.tmp.Close()
			r.tmp = nil
		}
		return r, err
	}
	return r, nil
}

// Open opens the file at path ("-" for standard input) and returns a Reader
// whose Close closes it. Options.Name defaults to path.
//
// A file of 4 MiB or more, or standard input, is read ahead in a
// goroutine, up to 1 MiB past the entry being decoded, so that reading (and
// decompressing) runs on another core while the entries are parsed. The
// goroutine ends at the end of the input, at the first error, or at Close.
//
// An uncompressed file of 64 MiB or more is read in pieces of 2 MiB by one
// goroutine per worker (Options.Workers), their entries handed out in order; what
// Next returns, warnings and errors included, is what reading it from
// start to end gives (see split.go for how).
func Open(path string, opt Options) (*Reader, error) {
	if opt.Name == "" {
		opt.Name = path
	}
	var f *os.File
	var closer io.Closer
	if path == "-" {
		f = os.Stdin // not closed: the process owns it
	} else {
		var err error
		if f, err = os.Open(path); err != nil {
			return nil, err
		}
		closer = f
	}
	r, err := newReader(f, opt, opt.workers() > 1 && readAheadFile(f, opt.tuning().aheadMinSize))
	if err != nil {
		if closer != nil {
			closer.Close()
			r.waitAhead()
		}
		return nil, err
	}
	r.closer = closer
	if closer != nil {
		r.splitFile(f)
	}
	return r, nil
}

// utf16Start reports whether b starts as JSON written in UTF-16 without a
// byte-order mark: two ASCII characters of JSON, each with a NUL byte
// after it (little-endian) or before it (big-endian). Firebug's NUL padding
// comes in runs, never in such alternation with JSON's first characters.
func utf16Start(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	jsonByte := func(c byte) bool {
		return c == '{' || c == '[' || c == '"' || c == ' ' || c == '\n' || c == '\r' || c == '\t'
	}
	return jsonByte(b[0]) && b[1] == 0 && jsonByte(b[2]) && b[3] == 0 ||
		b[0] == 0 && jsonByte(b[1]) && b[2] == 0 && jsonByte(b[3])
}

// readAheadFile says whether Open reads f ahead: when it is a large
// regular file (min bytes or more), or a pipe or terminal, whose size is
// unknown.
func readAheadFile(f *os.File, min int64) bool {
	fi, err := f.Stat()
	return err != nil || !fi.Mode().IsRegular() || fi.Size() >= min
}

// stopAhead tells the read-ahead goroutine, if any, to end.
func (r *Reader) stopAhead() { r.s.StopAhead() }

// waitAhead waits for the read-ahead goroutine, if any, to end once told
// to. Only for a file that has been closed: its Read in progress then
// returns soon, and nothing reads the file after Close.
func (r *Reader) waitAhead() { r.s.WaitAhead() }

// Close closes the file opened by Open, and the temporary copy of a zip
// archive read from a stream, and releases the buffer. Next returns an
// error afterwards.
func (r *Reader) Close() error {
	if r.err == nil {
		r.err = &Error{File: r.opt.Name, Offset: -1, Msg: "read after Close", err: os.ErrClosed}
		r.state = stateDone
	}
	r.s.Release()
	r.qname, r.qvalue = nil, nil
	r.stopAhead()
	if r.sp != nil {
		r.sp.wait()
		r.sp = nil
	}
	r.unmap()
	if t := r.tmp; t != nil {
		r.tmp = nil
		t.Close()
		if r.closer == nil {
			r.waitAhead() // it reads the closed copy, so it ends soon
		}
	}
	c := r.closer
	r.closer = nil
	if c == nil {
		// Standard input stays open, so a Read in progress may not
		// return for a while: the goroutine ends after it.
		return nil
	}
	err := c.Close()
	r.waitAhead()
	return err
}

// ReadAll reads every entry. On an error it returns the metadata and the
// entries read before it with the error (Log is nil when the file could not
// be read at all). It is meant for tests and small files: Reader keeps
// memory flat, ReadAll holds every entry.
func ReadAll(rd io.Reader, opt Options) (*Log, []*Entry, error) {
	r, err := NewReader(rd, opt)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	var es []*Entry
	for {
		e, err := r.Next()
		if err == io.EOF {
			return r.Log(), es, nil
		}
		if err != nil {
			return r.Log(), es, err
		}
		es = append(es, e)
	}
}

// Log returns the metadata read so far. It is complete only after Next has
// returned io.EOF: Fiddler writes "creator" after "entries", and pages may
// come after the entries too. The Reader keeps updating the Log it returns.
func (r *Reader) Log() *Log { return &r.log }

// Warnings returns non-fatal problems met so far: a field of the wrong type
// that was skipped, an unparsable startedDateTime, a second "log"... At most
// MaxWarnings are kept; DroppedWarnings counts the rest.
func (r *Reader) Warnings() []*Error { return r.warns }

// DroppedWarnings is the number of warnings not kept because MaxWarnings
// had been reached.
func (r *Reader) DroppedWarnings() int { return r.dropped }

// Next returns the next entry of log.entries, or io.EOF after the last one.
// After an error Next keeps returning the same error; the entries returned
// before it are complete and valid. An element of log.entries that is not
// an object (null, a string...) is skipped with a warning, so Entry.Index
// can then jump by more than one.
func (r *Reader) Next() (*Entry, error) {
	if r.gate.on {
		t := r.gate.now()
		e, err := r.next()
		r.gate.busy += r.gate.now().Sub(t)
		r.gate.calls++
		return e, err
	}
	return r.next()
}

// next is Next but for the timing of calls that demand measures.
func (r *Reader) next() (*Entry, error) {
	if r.state == stateDone {
		return nil, r.err
	}
	if r.sp != nil && r.sp.phase == splitPieces {
		if e := r.fromPieces(); e != nil {
			return e, nil
		}
	}
	s := &r.s
	for {
		ok, err := s.NextElem(r.firstElem)
		r.firstElem = false
		if err != nil {
			return nil, r.stop(r.fail(err, ""))
		}
		if !ok {
			return nil, r.stop(r.finish())
		}
		c, _ := s.Peek() // nextElem has seen a byte
		switch {
		case c == '{' && r.sp != nil && r.sp.phase == splitHead && s.Offset() >= r.sp.start+r.sp.chunk:
			// Only at an entry: resuming there reads it as the first
			// element, which is what follows a ',' only for an object
			// (a ']' or the end of the file after a ',' is an error).
			r.handOver()
			if e := r.fromPieces(); e != nil {
				return e, nil
			}
			continue
		case r.splitAt != nil && c == '{' && r.index > 0 && r.splitWanted():
			r.learnSplit()
		}
		i := r.index
		r.index++
		if c != '{' {
			r.pushIdx(i)
			err := r.skipWarn("", "expected an entry object, found "+jsonscan.KindName(c)+"; skipped")
			r.pop()
			if err != nil {
				return nil, r.stop(err)
			}
			continue
		}
		e := &Entry{Index: i, Line: s.Line, Offset: s.Offset()}
		if err := r.readEntry(e); err != nil {
			return nil, r.stop(err)
		}
		r.prevEnd = s.Offset()
		return e, nil
	}
}

// stop ends reading: every later Next returns err (io.EOF when err is nil).
func (r *Reader) stop(err error) error {
	if err == nil {
		err = io.EOF
	}
	r.err = err
	r.state = stateDone
	r.stopAhead()
	if r.sp != nil {
		r.sp.stop()
	}
	return err
}

// Magic numbers of the containers NewReader recognises.
var (
	gzipMagic = []byte{0x1f, 0x8b}
	zipMagic  = []byte("PK\x03\x04")
	// zipEmpty starts a zip archive with no member: its end record alone.
	zipEmpty = []byte("PK\x05\x06")
	utf8BOM  = []byte{0xef, 0xbb, 0xbf}
)

// Unwrap returns the JSON text of the HAR that src holds, as the Reader
// reads it: unwrapped from gzip, zlib or a Playwright .zip, within
// opt.MaxDecompressed, with the same errors (*Error) for a compression or
// archive harcors does not read. Close the Closer once done: it removes
// the temporary copy that a .zip read from a stream needs.
func Unwrap(src io.Reader, opt Options) (io.Reader, io.Closer, error) {
	r := &Reader{opt: opt}
	in, err := r.unwrap(src)
	if r.tmp != nil {
		return in, r.tmp, err // unnamed: closing it removes it
	}
	return in, io.NopCloser(nil), err
}

// unwrap returns the JSON text src holds: src itself, or what its gzip,
// zlib or zip wraps (a zip read from a stream is copied to r.tmp first).
// A compression or archive harcors does not read is named in the error.
func (r *Reader) unwrap(src io.Reader) (io.Reader, error) {
	var head [headSize]byte
	n, err := io.ReadFull(src, head[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, &Error{File: r.opt.Name, Offset: -1, Msg: "read error: " + err.Error(), err: err}
	}
	h := head[:n]
	in := io.MultiReader(bytes.NewReader(h), src)
	max := r.maxDecompressed()
	if name, undo := refusedFormat(h); name != "" {
		return nil, r.wholeFile("not a HAR file: " + name + "-compressed data, which harcors does not read; unpack it first: " + undo)
	}
	switch {
	case n == 0:
		return nil, r.wholeFile("empty file")
	case bytes.HasPrefix(h, gzipMagic):
		zr, err := newGunzip(in, r.mapGzip(src, n))
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return nil, r.wholeFileErr("gzip data ends early, in its header (the file looks truncated)", err)
		case err != nil:
			return nil, r.wholeFileErr("not valid gzip data: "+trimPkg(err), err)
		}
		r.format = "gzip"
		in = &limitReader{r: zr, left: max, limit: max}
		// What the gzip holds is sniffed too: a HAR compressed twice,
		// or a zstd file renamed .gz, is named rather than reported as
		// JSON that does not start with '{'.
		var inner [headSize]byte
		m, err := io.ReadFull(in, inner[:])
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return nil, &Error{File: r.opt.Name, Offset: -1, Msg: r.readErrMsg(err), err: err}
		}
		ih := inner[:m]
		switch name, _ := refusedFormat(ih); {
		case bytes.HasPrefix(ih, gzipMagic):
			return nil, r.wholeFile("not a HAR file: gzip-compressed twice (the data inside the gzip is gzip again); decompress it once first: gzip -dc FILE | harcors -")
		case name != "":
			return nil, r.wholeFile("not a HAR file: the gzip holds " + name + "-compressed data, which harcors does not read; unpack both first")
		case bytes.HasPrefix(ih, zipMagic), bytes.HasPrefix(ih, zipEmpty):
			return nil, r.wholeFile("not a HAR file: a zip archive inside gzip; decompress it first (gzip -d FILE) and read the .zip")
		}
		in = io.MultiReader(bytes.NewReader(ih), in)
	case n >= 2 && h[0] == 0x78 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0:
		// A zlib header with a 32 KiB window: mitmproxy's .zhar. No
		// JSON text starts with 'x'.
		zr, err := zlib.NewReader(in)
		if err != nil {
			return nil, r.wholeFileErr("not valid zlib data: "+trimPkg(err), err)
		}
		r.format = "zlib"
		in = &limitReader{r: zr, left: max, limit: max}
	case bytes.HasPrefix(h, zipMagic), bytes.HasPrefix(h, zipEmpty):
		// Playwright can save a .zip holding the HAR and the bodies as
		// separate members.
		if in, err = r.openZip(src, in); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// mapGzip maps src into memory when it is a regular file that unwrap has
// read the first read bytes of, from its start, so that gunzip inflates it
// from memory. It returns nil otherwise: src is read as a stream.
func (r *Reader) mapGzip(src io.Reader, read int) *mapping {
	f, ok := src.(*os.File)
	if !ok || !r.mayMap {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	if pos, err := f.Seek(0, io.SeekCurrent); err != nil || pos != int64(read) {
		return nil
	}
	r.mapped = mapFile(f, fi.Size())
	return r.mapped
}

// unmap unmaps the gzip file, if mapped, once the read-ahead goroutine,
// told to stop, has ended: it may be inflating from the mapping.
func (r *Reader) unmap() {
	if m := r.mapped; m != nil {
		r.mapped = nil
		r.waitAhead()
		m.unmap()
	}
}

func (r *Reader) start(src io.Reader) error {
	in, err := r.unwrap(src)
	if err != nil {
		return err
	}
	s := &r.s
	s.Init(in, r.readAhead)
	s.ReadErr = r.readErrMsg
	r.firstElem = true

	s.Ensure(4)
	b := s.Buf[s.Pos:s.End]
	switch {
	case bytes.HasPrefix(b, utf8BOM):
		// Fiddler 4 and files re-saved by Windows editors start with a
		// BOM. Offsets are counted after it, as Entry.Offset says.
		s.Pos += 3
		s.Base -= 3 // offset 0 is the byte after the BOM
		r.bom = true
		s.LineStart = 0
	case bytes.HasPrefix(b, []byte{0xff, 0xfe, 0, 0}), bytes.HasPrefix(b, []byte{0, 0, 0xfe, 0xff}):
		// UTF-32's marks, the first of which starts as UTF-16's.
		return r.wholeFile("not JSON: the file is UTF-32 text (it starts with a UTF-32 byte-order mark); save it as UTF-8")
	case bytes.HasPrefix(b, []byte{0xfe, 0xff}), bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		return r.wholeFile("not JSON: the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8")
	case utf16Start(b):
		return r.wholeFile("not JSON: the file looks like UTF-16 text without a byte-order mark (every other byte is NUL); save it as UTF-8")
	}

	c, ok := s.Peek()
	nuls := 0
	for ; ok && c == 0; nuls++ {
		if nuls == maxZeroPad {
			return r.wholeFile("not a HAR file: it starts with more than 1 MiB of NUL bytes (Firebug pads files with a few; this is a disk image, a sparse file or /dev/zero)")
		}
		s.Pos++
		c, ok = s.Peek()
	}
	if !ok {
		if s.Rerr != nil && s.Rerr != io.EOF {
			return r.fail(s.EOFErr(), "")
		}
		if nuls > 0 {
			return r.wholeFile("not a HAR file: nothing but " + strconv.Itoa(nuls) + " NUL bytes")
		}
		return r.wholeFile("empty file")
	}
	at := s.Mark()
	switch {
	case c == '{':
	case c == '[':
		return r.fail(at.Err("not a HAR file: no log.entries (the top level is an array, not an object)"), "")
	case c == '"' || c == '-' || (c >= '0' && c <= '9'):
		return r.fail(at.Err("not a HAR file: the top level is "+jsonscan.KindName(c)+", not an object"), "")
	default:
		if !r.jsonpStart() {
			return r.fail(at.Err("not JSON: expected '{' at the start, found "+jsonscan.Describe(c)), "")
		}
		if c, ok = s.Peek(); !ok {
			return r.fail(s.EOFErr(), "")
		}
		if c != '{' {
			return r.fail(s.ErrFound("'{' after the JSONP call's '('", c), "")
		}
	}
	s.Pos++
	s.Depth = 1
	found, err := r.walkTop(true)
	if err != nil {
		return err
	}
	if !found {
		msg := "not a HAR file: no log.entries"
		if !r.logSeen {
			msg += " (no \"log\" object at the top level)"
		}
		return r.wholeFile(msg)
	}
	return nil
}

// jsonpStart consumes a JSONP prefix such as `onInputData(` and reports
// whether there was one. harviewer's .harp files wrap the HAR this way so
// that a <script> tag can load them; accepting the wrapper costs nothing
// and spares the user an edit.
func (r *Reader) jsonpStart() bool {
	s := &r.s
	n := 0
	for {
		if s.Pos >= s.End && !s.Fill() {
			return false
		}
		c := s.Buf[s.Pos]
		if c == '_' || c == '$' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || n > 0 && c >= '0' && c <= '9' {
			s.Pos++
			n++
			if n > 256 {
				return false
			}
			continue
		}
		break
	}
	if c, ok := s.Peek(); !ok || c != '(' || n == 0 {
		return false
	}
	s.Pos++
	r.jsonp = true
	return true
}

// wholeFile reports a problem with the file as a whole, without a position.
func (r *Reader) wholeFile(msg string) error {
	return &Error{File: r.opt.Name, Offset: -1, Msg: msg, placed: true}
}

func (r *Reader) wholeFileErr(msg string, err error) error {
	e := r.wholeFile(msg).(*Error)
	e.err = err
	return e
}

// walkTop reads members of the top-level object until it finds log.entries
// (found is true, the reader is then inside the array) or reaches the
// object's end.
func (r *Reader) walkTop(first bool) (found bool, err error) {
	s := &r.s
	for {
		key, ok, err := s.NextKey(first)
		if err != nil {
			return false, r.fail(err, "")
		}
		if !ok {
			return false, nil
		}
		first = false
		if string(key) != "log" {
			// httpolice's test files put "_expected" here.
			if err := s.SkipValue(); err != nil {
				return false, r.fail(err, "")
			}
			continue
		}
		if r.logSeen {
			if err := r.skipWarn("log", "a second \"log\" member; ignored"); err != nil {
				return false, err
			}
			continue
		}
		if err := r.openRequired("log", `"log"`, '{', "an object"); err != nil {
			return false, err
		}
		r.logSeen = true
		if found, err := r.walkLog(true); found || err != nil {
			return found, err
		}
		s.Depth--
		r.pop()
	}
}

// walkLog reads members of log until it finds entries or reaches the end of
// log. Members may come in any order: Fiddler writes creator after entries,
// and pages come before or after them.
func (r *Reader) walkLog(first bool) (found bool, err error) {
	s := &r.s
	for {
		key, ok, err := s.NextKey(first)
		if err != nil {
			return false, r.fail(err, "")
		}
		if !ok {
			return false, nil
		}
		first = false
		switch string(key) {
		case "version":
			r.log.Version, err = r.strField("version")
		case "creator":
			err = r.readCreator("creator", &r.log.Creator)
		case "browser":
			err = r.readCreator("browser", &r.log.Browser)
		case "pages":
			err = r.readPages()
		case "entries":
			if r.entSeen {
				// JSON readers keep either the first or the last of
				// two members with one name, so which requests the
				// capture holds is ambiguous: an error, not a guess.
				return false, r.fail(s.Mark().Err("a second \"entries\" member in log: JSON readers disagree on which one counts; keep one"), "entries")
			}
			if err := r.openRequired("entries", "log.entries", '[', "an array"); err != nil {
				return false, err
			}
			r.entSeen = true
			return true, nil
		default:
			err = r.fail(s.SkipValue(), "")
		}
		if err != nil {
			return false, err
		}
	}
}

// finish reads what follows log.entries: the rest of log (Fiddler's
// creator), the rest of the top-level object, and what comes after it.
func (r *Reader) finish() error {
	s := &r.s
	s.Depth--
	r.pop() // entries
	if _, err := r.walkLog(false); err != nil {
		return err
	}
	s.Depth--
	r.pop() // log
	if _, err := r.walkTop(false); err != nil {
		return err
	}
	s.Depth--
	if r.jsonp {
		c, ok := s.Peek()
		if !ok {
			return r.fail(s.ErrHere("unexpected end of file: the JSONP call's ')' is missing (the file looks truncated)"), "")
		}
		if c != ')' {
			return r.fail(s.ErrFound("')' closing the JSONP call", c), "")
		}
		s.Pos++
		if c, ok = s.Peek(); ok && c == ';' {
			s.Pos++
		}
	}
	// Whitespace and NUL bytes may follow: Firebug's NetExport pads files
	// with NULs. Anything else means a damaged or concatenated file. The
	// entries have all been returned by now.
	for nuls := 0; ; nuls++ {
		c, ok := s.Peek()
		if !ok {
			if s.Rerr != nil && s.Rerr != io.EOF {
				return r.fail(s.EOFErr(), "")
			}
			return nil
		}
		if c != 0 {
			return r.fail(s.ErrHere("unexpected data after the end of the HAR, found "+jsonscan.Describe(c)), "")
		}
		if nuls == maxZeroPad {
			return r.fail(s.ErrHere("more than 1 MiB of NUL bytes after the end of the HAR (Firebug pads files with a few)"), "")
		}
		s.Pos++
	}
}

// limitReader stops a decompressor at limit bytes, so that a gzip bomb
// ends with an error instead of filling memory or the disk... or running
// for an hour.
//
// Its Read also fills p unless the data ends or fails first. An inflater
// returns at most 32 KiB a call, and the read-ahead hands the parser each
// Read's bytes as a buffer of its own: 8,000 of them for 250 MB, the parser
// waiting and woken for each. Filled, they grow to the scanner's 256 KiB:
// 9-16% less CPU on a 250 MiB gzip -1 capture (half the system time; medians
// of three paired series), for 2 MiB more memory. The wall time is the
// inflater's and does not move. A stalled pipe under the compression holds
// back at most one buffer of what was inflated before it.
type limitReader struct {
	r     io.Reader
	left  int64
	limit int64
}

// errTooBig is returned by limitReader past its limit.
type errTooBig struct{ limit int64 }

func (e *errTooBig) Error() string {
	return "decompressed data larger than " + sizeString(e.limit)
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// At the limit: fine if the data ends here.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			return 0, &errTooBig{l.limit}
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n := 0
	var err error
	for n < len(p) && err == nil {
		var m int
		m, err = l.r.Read(p[n:])
		n += m
		if m == 0 {
			break
		}
	}
	l.left -= int64(n)
	return n, err
}

// readErrMsg words a read error for the user; decompression errors say
// which format failed and what to do.
func (r *Reader) readErrMsg(err error) string {
	var big *errTooBig
	var corrupt flate.CorruptInputError
	var kcorrupt kflate.CorruptInputError
	switch {
	case errors.As(err, &big):
		return r.format + " data expands past the " + sizeString(big.limit) + " limit (set a higher limit with --max-decompressed)"
	case r.format != "" && err == io.ErrUnexpectedEOF:
		return r.format + " data ends early (the file looks truncated)"
	case err == kgzip.ErrChecksum || err == zlib.ErrChecksum:
		return r.format + " data is damaged (checksum mismatch)"
	case err == kgzip.ErrHeader || err == zlib.ErrHeader:
		return r.format + " data is damaged (invalid header after the first member)"
	case err == errZeroPad:
		return r.format + " data is followed by " + err.Error()[:len("more than 1 MiB of zero bytes")]
	case errors.As(err, &corrupt) || errors.As(err, &kcorrupt):
		return r.format + " data is damaged: " + trimPkg(err)
	}
	return "read error: " + err.Error()
}

// trimPkg drops the "gzip: " or "flate: " prefix of compress errors, which
// means nothing to a user.
func trimPkg(err error) string {
	msg := err.Error()
	for _, p := range []string{"gzip: ", "zlib: ", "flate: "} {
		if len(msg) > len(p) && msg[:len(p)] == p {
			return msg[len(p):]
		}
	}
	return msg
}

// fail completes an error from the scanner with the file name and the path
// of the value being read (the current path plus field, if not ""). An
// error already completed is returned as is.
func (r *Reader) fail(err error, field string) error {
	if err == nil {
		return nil
	}
	var e *Error
	eof := false
	switch x := err.(type) {
	case *Error:
		if x.placed {
			return x
		}
		e = x
	case *jsonscan.Error:
		e = &Error{Offset: x.Offset, Line: x.Line, Column: x.Column, Msg: x.Msg, err: x.Err}
		eof = x.EOF
	default:
		e = &Error{Offset: -1, Msg: err.Error(), err: err}
	}
	e.placed = true
	e.File = r.opt.Name
	e.Path = r.pathString(field)
	if eof {
		if where := r.outerPath(field); where != "" {
			e.Msg = "unexpected end of file inside " + where + " (the file looks truncated)"
		} else {
			e.Msg = "unexpected end of file (the file looks truncated)"
		}
	}
	return e
}

// warn records a warning about the value at m in field.
func (r *Reader) warn(m jsonscan.Mark, field, msg string) {
	if len(r.warns) >= MaxWarnings {
		r.dropped++
		return
	}
	r.warns = append(r.warns, &Error{File: r.opt.Name, Offset: m.Off, Line: m.Line, Column: m.Col,
		Path: r.pathString(field), Msg: msg, placed: true})
}

func (r *Reader) push(name string) { r.path = append(r.path, seg{name, -1}) }
func (r *Reader) pushIdx(i int)    { r.path = append(r.path, seg{"", i}) }
func (r *Reader) pop()             { r.path = r.path[:len(r.path)-1] }

// pathString renders the current path plus field as log.entries[3].response.
func (r *Reader) pathString(field string) string {
	return renderPath(r.path, field)
}

// outerPath names the element being read for a truncation message: the
// path up to its first array index (log.entries[7]), or the whole path.
func (r *Reader) outerPath(field string) string {
	for i, sg := range r.path {
		if sg.idx >= 0 {
			return renderPath(r.path[:i+1], "")
		}
	}
	return renderPath(r.path, field)
}

func renderPath(path []seg, field string) string {
	var b []byte
	for _, sg := range path {
		if sg.idx >= 0 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(sg.idx), 10)
			b = append(b, ']')
			continue
		}
		if len(b) > 0 {
			b = append(b, '.')
		}
		b = append(b, sg.name...)
	}
	if field != "" {
		if len(b) > 0 {
			b = append(b, '.')
		}
		b = append(b, field...)
	}
	return string(b)
}

// interner shares the strings that repeat from entry to entry (header
// names, "GET", "h2", the User-Agent...). It is a direct-mapped cache, not a
// map: lookups cost one hash, memory is fixed, and a slot taken by a
// one-off value is simply overwritten by the next one.
type interner struct {
	slots [internSlots]string
}

const (
	internBits   = 12
	internSlots  = 1 << internBits
	maxInternLen = 128
)

func (in *interner) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > maxInternLen {
		return string(b)
	}
	slot := &in.slots[internHash(b)]
	if *slot == string(b) {
		return *slot
	}
	str := string(b)
	*slot = str
	return str
}

// internHash picks the slot of b, which is not empty, from its length and
// its first, middle and last eight bytes: a few instructions, where
// hash/maphash cost a call and a pass over every byte. Strings alike in
// those bytes share a slot, which costs an allocation when both repeat,
// never a wrong string, since get compares the whole text. Nor can a
// crafted file make it cost more than an allocation per string, which
// one-off values cost anyway, so it needs no random seed.
func internHash(b []byte) uint64 {
	n := len(b)
	var h uint64
	switch {
	case n >= 8:
		h = binary.LittleEndian.Uint64(b) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(b[n-8:]), 29)
		if n > 16 {
			h ^= bits.RotateLeft64(binary.LittleEndian.Uint64(b[n/2-4:]), 47)
		}
	case n >= 4:
		h = uint64(binary.LittleEndian.Uint32(b)) | uint64(binary.LittleEndian.Uint32(b[n-4:]))<<32
	default:
		h = uint64(b[0]) | uint64(b[n/2])<<8 | uint64(b[n-1])<<16
	}
	h = (h ^ uint64(n)) * 0x9e3779b97f4a7c15
	return h >> (64 - internBits)
}

// openRequired steps into the object or array that a HAR must have at this
// point (log, log.entries): anything else means the file is not a HAR.
func (r *Reader) openRequired(name, label string, open byte, want string) error {
	s := &r.s
	c, ok := s.Peek()
	if !ok {
		return r.fail(s.EOFErr(), name)
	}
	if c != open {
		return r.fail(s.ErrHere("not a HAR file: "+label+" is "+jsonscan.KindName(c)+", not "+want), name)
	}
	s.Pos++
	s.Depth++
	r.push(name)
	return nil
}
