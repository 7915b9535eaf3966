// Package jsonscan is the JSON tokenizer under harcors' HAR reader: a pull
// scanner over an io.Reader that hands out keys, strings and numbers one at
// a time, skips what its caller does not want, and knows the byte offset and
// line of every token for error messages. It exists instead of
// encoding/json because a HAR with bodies is mostly base64 text that
// harcors never looks at: the scanner skips such strings with
// bytes.IndexByte at memory speed and holds nothing of them.
//
// Each primitive has a general path, which refills the buffer as it goes
// (this file), and most have a quick path for a token that lies whole in
// the buffer (fastpath.go). A quick path reads what the general path would
// or consumes nothing; the tests compare the two by reading the same text
// whole and one byte per Read.
//
// The package knows nothing of HAR.
package jsonscan

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The read buffer starts at minBufSize and doubles, up to BufSize, each
// time a Read fills it: small files (and fuzzing) do not pay for a large
// buffer, large ones soon read 256 KiB at a time. Larger buffers gain
// nothing measurable; smaller ones cost a Read call per few KiB.
const (
	minBufSize = 16 << 10
	// BufSize is the largest read buffer.
	BufSize = 256 << 10
)

// MaxKeyLen is the longest object key decoded; no key a HAR reader knows
// is longer, so longer keys are skipped unread and match nothing.
const MaxKeyLen = 64

// MaxDepth bounds JSON nesting (see har.MaxDepth).
const MaxDepth = 512

// MaxStringLen is the longest string QuickString takes (see
// har.MaxStringLen); longer ones are left to the general path.
const MaxStringLen = 1 << 20

// longKey stands for a key longer than MaxKeyLen; it matches no known field.
var longKey = []byte{0}

// Scanner reads JSON tokens from an io.Reader. Its exported fields are the
// buffer and position, for the quick paths of its caller, which read from
// Buf[Pos:End] with a local index and move with Commit.
type Scanner struct {
	rd     io.Reader
	Buf    []byte // Buf[Pos:End] is unread input
	filled bool   // the last Read filled Buf: grow it next time
	// Pos is the next byte to read in Buf, End the end of what was read.
	Pos, End int
	// Base is the offset of Buf[0] in the JSON text.
	Base int64
	// Line is the 1-based line of Buf[Pos]; LineStart the offset of its
	// first byte. Newlines are counted only in whitespace between tokens:
	// JSON strings cannot hold a raw newline, so a skipped string need not
	// be searched for one.
	Line      int
	LineStart int64
	// Rerr is the error of the last Read (io.EOF at the end); data read
	// with it is consumed first.
	Rerr error
	// ReadErr turns a read error other than io.EOF into an *Error message
	// (decompression errors read better with their own wording).
	ReadErr func(error) string

	str   []byte // scratch for decoded strings
	key   []byte // the last key read by NextKey
	fix   []byte // scratch for repairing invalid UTF-8
	num   []byte // scratch for number text
	stack []byte // SkipValue's stack of open containers
	// Depth is the number of containers the caller has entered; SkipValue
	// adds its own to enforce MaxDepth.
	Depth int

	// quickFrom is the offset before which quickSkip does not try
	// again after failing.
	quickFrom int64

	// ahead, when set, reads the input in a goroutine (see readAhead);
	// Buf is then one of its buffers, or nil before the first fill.
	ahead *readAhead
}

// Error is a problem at a place in the JSON text.
type Error struct {
	Offset       int64
	Line, Column int
	Msg          string
	// EOF marks an unexpected end of input (Msg is then a placeholder the
	// caller rewrites once it knows what was being read).
	EOF bool
	// Err is the read error behind the problem, if any.
	Err error
}

// Error returns the message, without the position (the caller places it).
func (e *Error) Error() string { return e.Msg }

// Describe names the byte found where something else was expected.
func Describe(c byte) string {
	switch {
	case c == '\'':
		return `"'"`
	case c >= 0x20 && c < 0x7f:
		return "'" + string(rune(c)) + "'"
	case c == 0:
		return "a NUL byte"
	default:
		return "byte 0x" + strconv.FormatUint(uint64(c), 16)
	}
}

// KindName names the JSON type of a value from its first byte, for "found a
// string"-style messages.
func KindName(c byte) string {
	switch c {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case 'N', 'I':
		return "a number"
	}
	if c == '-' || (c >= '0' && c <= '9') {
		return "a number"
	}
	return Describe(c)
}

// Init makes the scanner read rd from its start, in a goroutine when
// ahead is set. A scanner used before must have ended its read-ahead
// (EndAhead).
func (s *Scanner) Init(rd io.Reader, ahead bool) {
	s.rd = rd
	s.Base, s.Pos, s.End, s.Rerr, s.filled, s.quickFrom = 0, 0, 0, nil, false, 0
	s.Line, s.LineStart = 1, 0
	if ahead {
		s.startAhead()
		return
	}
	s.Buf = make([]byte, minBufSize)
}

// Fill makes more input available, keeping buf[pos:end] (moved to the front
// of the buffer). It reports false when there is no more input.
func (s *Scanner) Fill() bool {
	if s.Rerr != nil {
		return false
	}
	if s.ahead != nil {
		return s.fillAhead()
	}
	if s.filled && len(s.Buf) < BufSize {
		nb := make([]byte, 2*len(s.Buf))
		n := copy(nb, s.Buf[s.Pos:s.End])
		s.Base += int64(s.Pos)
		s.Buf, s.Pos, s.End = nb, 0, n
	} else if s.Pos > 0 {
		n := copy(s.Buf, s.Buf[s.Pos:s.End])
		s.Base += int64(s.Pos)
		s.Pos, s.End = 0, n
	}
	for range 100 {
		n, err := s.rd.Read(s.Buf[s.End:])
		s.End += n
		if err != nil {
			s.Rerr = err
		}
		if n > 0 {
			s.filled = s.End == len(s.Buf)
			return true
		}
		if err != nil {
			return false
		}
	}
	s.Rerr = io.ErrNoProgress
	return false
}

// Ensure tries to make n bytes available at buf[pos:]; it reports whether
// it could (false near the end of input).
func (s *Scanner) Ensure(n int) bool {
	for s.End-s.Pos < n {
		if !s.Fill() {
			return false
		}
	}
	return true
}

// Offset is the offset of buf[pos] in the JSON text.
func (s *Scanner) Offset() int64 { return s.Base + int64(s.Pos) }

// Mark is a position in the input, taken before a value is read so that a
// message about the value can point at its start. Off is -1 for no
// position.
type Mark struct {
	Off  int64
	Line int
	Col  int
}

// Mark returns the current position.
func (s *Scanner) Mark() Mark {
	off := s.Offset()
	return Mark{off, s.Line, int(off-s.LineStart) + 1}
}

// Err is a problem at m.
func (m Mark) Err(msg string) *Error {
	return &Error{Offset: m.Off, Line: m.Line, Column: m.Col, Msg: msg}
}

// ErrHere reports a problem at the current position.
func (s *Scanner) ErrHere(msg string) *Error { return s.Mark().Err(msg) }

// ErrFound reports that want was expected at the current position and c
// was found.
func (s *Scanner) ErrFound(want string, c byte) *Error {
	return s.ErrHere("expected " + want + ", found " + Describe(c))
}

// EOFErr reports the end of input in the middle of the text: truncation
// when the input ended cleanly, the read error otherwise.
func (s *Scanner) EOFErr() *Error {
	e := s.ErrHere("")
	if s.Rerr == nil || s.Rerr == io.EOF {
		e.EOF = true
		e.Msg = "unexpected end of file"
		return e
	}
	e.Err = s.Rerr
	if s.ReadErr != nil {
		e.Msg = s.ReadErr(s.Rerr)
	} else {
		e.Msg = "read error: " + s.Rerr.Error()
	}
	return e
}

// Peek skips whitespace and returns the next byte without consuming it;
// ok is false at the end of input.
func (s *Scanner) Peek() (c byte, ok bool) {
	for {
		if s.Pos < s.End {
			if c = s.Buf[s.Pos]; c > ' ' {
				return c, true
			}
			var l Lines
			s.Commit(l.WS(s.Buf[:s.End], s.Pos), &l)
			if s.Pos < s.End {
				return s.Buf[s.Pos], true
			}
		}
		if !s.Fill() {
			return 0, false
		}
	}
}

// spaces8 is eight ' ' bytes read as one little-endian word.
const spaces8 = 0x2020202020202020

// skipSpaces returns the index of the first byte of b at or after i that
// is not ' ', looking at whole words only: it stops at most 7 bytes short
// of the end of b, and WS's byte loop does the rest.
func skipSpaces(b []byte, i int) int {
	for i+8 <= len(b) {
		if w := binary.LittleEndian.Uint64(b[i:]) ^ spaces8; w != 0 {
			return i + bits.TrailingZeros64(w)/8
		}
		i += 8
	}
	return i
}

// readByte consumes one byte, whitespace or not.
func (s *Scanner) readByte() (byte, bool) {
	if s.Pos >= s.End && !s.Fill() {
		return 0, false
	}
	c := s.Buf[s.Pos]
	s.Pos++
	return c, true
}

// SkipString consumes the rest of a string whose opening quote has been
// consumed, without keeping it. It finds the closing quote with
// bytes.IndexByte and looks for backslashes only before it, so a base64
// body (no backslash) costs two memchr passes. Escapes are checked, as
// ReadString does, so that a damaged string fails the same whether it is
// skipped or read; UTF-8 is not (invalid bytes are no error when read
// either).
func (s *Scanner) SkipString() error {
	for {
		if s.Pos >= s.End && !s.Fill() {
			return s.EOFErr()
		}
		b := s.Buf[s.Pos:s.End]
		j, done := skipIn(b, 0)
		if done {
			s.Pos += j
			return nil
		}
		if j == len(b) {
			s.Pos = s.End
			continue
		}
		// An escape cut by the end of the buffer, or a bad one:
		// skipEscape reads it, refilling, and says what is wrong.
		s.Pos += j + 1
		if err := s.skipEscape(); err != nil {
			return err
		}
	}
}

// skipIn skips string text in b from i, checking its escapes, and returns
// the index past the closing quote and true when the string ends in b.
// Otherwise it returns false and where it stopped: len(b) when the text
// runs to the end of b, or the index of a backslash whose escape is bad or
// cut by the end of b. It is SkipString's work on one buffer, and
// quickSkip's on a string.
func skipIn(b []byte, i int) (int, bool) {
	for {
		// Words are skipped whole while every escape in them is
		// \" or \\: JSON inside a string (a request body in
		// postData.text) has an escaped quote every dozen bytes,
		// and finding each one and checking it alone cost a
		// mispredicted branch a time. esc marks the bytes escaped
		// by the backslash before them (the high bit of each),
		// carried into the next word when a word ends in a
		// backslash. The word loop stops at the string's end, at
		// any other escape (checked below), and after 32 bytes
		// with neither quote nor backslash: IndexByte wins on long
		// runs (base64).
		j := -1
		var carry uint64
		for clean := 0; i+8 <= len(b); {
			w := binary.LittleEndian.Uint64(b[i:])
			q, e := zeroBytes(w^quotes8), zeroBytes(w^backslashes)
			// Each backslash escapes the byte after it, unless
			// it is escaped itself: then (\\, rare) they are
			// taken one by one.
			esc := e<<8 | carry
			if e&esc == 0 {
				carry = e >> 56
			} else {
				esc, carry = carry, 0
				for bs := e; bs != 0; bs &= bs - 1 {
					bit := bs & -bs
					if esc&bit != 0 {
						continue
					}
					if bit == 1<<63 {
						carry = 1 << 7
					} else {
						esc |= bit << 8
					}
				}
			}
			// The string ends at an unescaped quote; any escape
			// but \" and \\ is checked below, from its
			// backslash (the byte before; in the word before
			// when it is the first).
			end, other := q&^esc, esc&^(q|e)
			if stop := end | other; stop != 0 {
				j = i + bits.TrailingZeros64(stop)/8
				if stop&-stop&other != 0 {
					j--
				}
				break
			}
			i += 8
			c := clean + 1
			if q|e != 0 {
				c = 0
			}
			if clean = c; clean == 4 {
				break
			}
		}
		if j < 0 && carry != 0 {
			j = i - 1 // a backslash ends the last word
		}
		if j < 0 {
			j = indexQuoteOrEscape(b, i)
		}
		if j < 0 {
			return len(b), false
		}
		if b[j] == '"' {
			return j + 1, true
		}
		// An escape at b[j]: checked here when it is whole in b.
		if j+1 >= len(b) {
			return j, false
		}
		n := int(escapeLen[b[j+1]])
		if n == 0 || j+n > len(b) || n == 6 && hexRune(b[j+2:j+6]) < 0 {
			return j, false
		}
		i = j + n
	}
}

// zeroBytes returns the word with the high bit of each zero byte of x set,
// and no other bit: exact, unlike the borrow trick of PlainString, which
// marks only the first zero byte reliably.
func zeroBytes(x uint64) uint64 {
	const lows7 = 0x7f7f7f7f7f7f7f7f
	return ^((x&lows7 + lows7) | x | lows7)
}

// escapeLen is the length of an escape sequence by the byte after its
// backslash: 2 for \" \\ \/ \b \f \n \r \t, 6 for \u, 0 for none.
var escapeLen = [256]uint8{'"': 2, '\\': 2, '/': 2, 'b': 2, 'f': 2, 'n': 2, 'r': 2, 't': 2, 'u': 6}

// escapeByte is the byte a one-character escape stands for, by the byte
// after its backslash; 0 for \u and for what is no escape. With escapeLen
// it is the one definition of JSON's escapes that every path reads.
var escapeByte = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// quoteOrEscape returns the index of the first '"' or '\\' in b at or
// after i, or -1. It looks at the first 32 bytes a word at a time (see
// PlainString), because keys, short values and the stretches between
// escapes in JSON-in-JSON bodies end there, and a call to IndexByte costs
// more than that; past them IndexByte, which wins on long runs (base64).
func quoteOrEscape(b []byte, i int) int {
	for n := 0; n < 4 && i+8 <= len(b); n++ {
		w := binary.LittleEndian.Uint64(b[i:])
		q, e := w^quotes8, w^backslashes
		if t := ((q-ones8)&^q | (e-ones8)&^e) & highs8; t != 0 {
			return i + bits.TrailingZeros64(t)/8
		}
		i += 8
	}
	return indexQuoteOrEscape(b, i)
}

// skipEscape checks one escape sequence whose backslash has been consumed.
func (s *Scanner) skipEscape() error {
	c, ok := s.readByte()
	if !ok {
		return s.EOFErr()
	}
	switch escapeLen[c] {
	case 2:
		return nil
	case 6:
		_, err := s.hex4()
		return err
	}
	return s.escErr(2, "invalid escape in string: '\\' followed by "+Describe(c))
}

// ReadString decodes the rest of a string whose opening quote has been
// consumed. The result is valid until the next call on s. Every JSON escape
// is decoded, surrogate pairs included; invalid UTF-8 and lone surrogates
// become U+FFFD, as encoding/json does, and raw control characters are kept
// (some exporters write them; strict JSON forbids them). If the decoded text
// would be longer than limit, the rest of the string is skipped and over is
// true.
func (s *Scanner) ReadString(limit int) (text []byte, over bool, err error) {
	// Fast path: the whole string is in the buffer, with no escape and
	// valid UTF-8 (nearly every key, header name and value).
	b := s.Buf[s.Pos:s.End]
	if q := PlainString(b); q >= 0 {
		s.Pos += q + 1
		if q > limit {
			return nil, true, nil
		}
		return b[:q], false, nil
	}
	dst := s.str[:0]
	for {
		if s.Pos >= s.End && !s.Fill() {
			return nil, false, s.EOFErr()
		}
		b := s.Buf[s.Pos:s.End]
		q := bytes.IndexByte(b, '"')
		stop := len(b)
		if q >= 0 {
			stop = q
		}
		bs := bytes.IndexByte(b[:stop], '\\')
		if bs >= 0 {
			stop = bs
		}
		if len(dst)+stop > limit {
			s.str = dst[:0]
			s.Pos += stop
			return nil, true, s.SkipString()
		}
		dst = append(dst, b[:stop]...)
		s.Pos += stop
		switch {
		case bs >= 0:
			s.Pos++ // the backslash
			if dst, err = s.escape(dst); err != nil {
				s.str = dst[:0]
				return nil, false, err
			}
			if len(dst) > limit {
				s.str = dst[:0]
				return nil, true, s.SkipString()
			}
		case q >= 0:
			s.Pos++ // the closing quote
			s.str = dst[:0]
			if !utf8.Valid(dst) {
				dst = s.repair(dst)
			}
			return dst, false, nil
		}
	}
}

// Words of eight equal bytes, for PlainString.
const (
	ones8       = 0x0101010101010101
	highs8      = 0x8080808080808080
	quotes8     = 0x2222222222222222
	backslashes = 0x5c5c5c5c5c5c5c5c
)

// plainWords is how many bytes PlainString examines a word at a time
// before handing over to bytes.IndexByte: most keys and header values are
// shorter, and for them the call (and utf8.Valid's) costs more than the
// search; past it, IndexByte's vector loop wins.
const plainWords = 64

// PlainString returns the index in b of the quote that ends a string
// whose opening quote came just before b, when the string needs no
// decoding: no escape before that quote, and valid UTF-8. Otherwise, or if
// b holds no quote, it returns -1 and ReadString takes its slow path.
//
// It reads b eight bytes at a time, marks bytes equal to '"' or '\\' with
// the "has a zero byte" trick ((v-0x01..) &^ v & 0x80.., whose lowest set
// bit is exactly the first zero byte of v), and ORs the bytes before the
// end so that utf8.Valid runs only when one of them is not ASCII.
func PlainString(b []byte) int {
	var high uint64 // OR of the words before the end
	i := 0
	for ; i+8 <= len(b) && i < plainWords; i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		q, e := w^quotes8, w^backslashes
		t := ((q - ones8) &^ q) | ((e - ones8) &^ e)
		if t &= highs8; t != 0 {
			n := bits.TrailingZeros64(t) / 8
			end := i + n
			if b[end] != '"' {
				return -1 // an escape
			}
			high |= w & (1<<(8*n) - 1)
			if high&highs8 != 0 && !utf8.Valid(b[:end]) {
				return -1
			}
			return end
		}
		high |= w
	}
	// A long string, or the end of the buffer is near.
	q := bytes.IndexByte(b[i:], '"')
	if q < 0 {
		return -1
	}
	end := i + q
	if bytes.IndexByte(b[i:end], '\\') >= 0 {
		return -1
	}
	// b[:i] is ASCII unless high says otherwise, so only the rest needs
	// checking then.
	from := i
	if high&highs8 != 0 {
		from = 0
	}
	if !utf8.Valid(b[from:end]) {
		return -1
	}
	return end
}

// escape decodes one escape sequence whose backslash has been consumed and
// appends its text to dst.
func (s *Scanner) escape(dst []byte) ([]byte, error) {
	c, ok := s.readByte()
	if !ok {
		return dst, s.EOFErr()
	}
	if d := escapeByte[c]; d != 0 {
		return append(dst, d), nil
	}
	switch c {
	case 'u': // decoded here, with its surrogate pair if any
		r, err := s.hex4()
		if err != nil {
			return dst, err
		}
		if utf16.IsSurrogate(r) {
			// A high surrogate needs a "\uDC00".."\uDFFF" right after
			// it; anything else leaves it lone, and a lone surrogate
			// becomes U+FFFD (the next escape is then read on its own).
			r2 := rune(-1)
			if s.Ensure(6) && s.Buf[s.Pos] == '\\' && s.Buf[s.Pos+1] == 'u' {
				r2 = hexRune(s.Buf[s.Pos+2 : s.Pos+6])
			}
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				s.Pos += 6
				r = d
			} else {
				r = utf8.RuneError
			}
		}
		return utf8.AppendRune(dst, r), nil
	}
	return dst, s.escErr(2, "invalid escape in string: '\\' followed by "+Describe(c))
}

// escErr reports a bad escape at its backslash, back bytes before the
// current position (the backslash itself may have left the buffer, but an
// escape never spans a newline, so the column is simply shifted).
func (s *Scanner) escErr(back int, msg string) *Error {
	m := s.Mark()
	m.Off -= int64(back)
	m.Col -= back
	return m.Err(msg)
}

// hex4 reads the four hex digits of a \u escape.
func (s *Scanner) hex4() (rune, error) {
	if !s.Ensure(4) {
		s.Pos = s.End
		return 0, s.EOFErr()
	}
	r := hexRune(s.Buf[s.Pos : s.Pos+4])
	if r < 0 {
		return 0, s.escErr(2, "invalid \\u escape: expected 4 hex digits")
	}
	s.Pos += 4
	return r, nil
}

// hexRune decodes four hex digits, or returns -1.
func hexRune(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// repair replaces each invalid UTF-8 byte of b with U+FFFD (one per byte,
// as a range loop and encoding/json do).
func (s *Scanner) repair(b []byte) []byte {
	out := s.fix[:0]
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	s.fix = out[:0]
	return out
}

// maxNumLen is the longest number text kept for parsing; longer numbers
// (valid JSON, but nothing a HAR field holds) are read as unparsable.
const maxNumLen = 64

// ReadNumber consumes a number and returns its text (valid until the next
// call; truncated to maxNumLen bytes). It follows the JSON grammar, and
// also accepts NaN, Infinity and -Infinity, which Python's json module
// writes for float timings unless told not to (mitmproxy, HAR tools in
// Python).
func (s *Scanner) ReadNumber() ([]byte, error) {
	num := s.num[:0]
	state := 0
	for {
		if s.Pos >= s.End && !s.Fill() {
			break
		}
		c := s.Buf[s.Pos]
		next := -1
		switch state {
		case 0: // start
			switch {
			case c == '-':
				next = 1
			case c == '0':
				next = 2
			case c >= '1' && c <= '9':
				next = 3
			case c == 'N':
				return s.Word(num, "NaN")
			case c == 'I':
				return s.Word(num, "Infinity")
			}
		case 1: // after '-'
			switch {
			case c == '0':
				next = 2
			case c >= '1' && c <= '9':
				next = 3
			case c == 'I':
				return s.Word(num, "Infinity")
			}
		case 2, 3: // after the integer part (2: a lone 0)
			switch {
			case c >= '0' && c <= '9' && state == 3:
				next = 3
			case c == '.':
				next = 4
			case c == 'e' || c == 'E':
				next = 6
			}
		case 4, 5: // after '.', after fraction digits
			switch {
			case c >= '0' && c <= '9':
				next = 5
			case (c == 'e' || c == 'E') && state == 5:
				next = 6
			}
		case 6: // after 'e'
			switch {
			case c == '+' || c == '-':
				next = 7
			case c >= '0' && c <= '9':
				next = 8
			}
		case 7, 8: // after the exponent sign, after exponent digits
			if c >= '0' && c <= '9' {
				next = 8
			}
		}
		if next < 0 {
			break
		}
		state = next
		if len(num) < maxNumLen {
			num = append(num, c)
		}
		s.Pos++
	}
	s.num = num[:0]
	switch state {
	case 2, 3, 5, 8:
		return num, nil
	}
	if s.Pos >= s.End && !s.Fill() {
		return nil, s.EOFErr()
	}
	if state == 0 {
		return nil, s.ErrFound("a value", s.Buf[s.Pos])
	}
	return nil, s.ErrFound("a digit in number", s.Buf[s.Pos])
}

// Word consumes the literal w (true, false, null, NaN, Infinity) and
// returns prefix+w.
func (s *Scanner) Word(prefix []byte, w string) ([]byte, error) {
	if s.Ensure(len(w)) {
		if i, ok := skipWord(s.Buf[:s.End], s.Pos, w); ok {
			s.Pos = i
			return s.wordText(prefix, w), nil
		}
	}
	// Not w, or the input ends first: find where, for the message.
	for i := 0; i < len(w); i++ {
		c, ok := s.readByte()
		if !ok {
			return nil, s.EOFErr()
		}
		if c != w[i] {
			s.Pos--
			return nil, s.ErrFound(w, c)
		}
	}
	return s.wordText(prefix, w), nil
}

// wordText returns prefix+w for Word. It builds the text in the number
// scratch: appending to a nil prefix would allocate for every null, true
// and false, and leave s.num a 4-byte buffer for ReadNumber to outgrow (a
// third of a metadata-dense read's allocations).
func (s *Scanner) wordText(prefix []byte, w string) []byte {
	if prefix == nil {
		prefix = s.num[:0]
	}
	num := append(prefix, w...)
	s.num = num[:0]
	return num
}

// skipScalar consumes a number or literal starting with c.
func (s *Scanner) skipScalar(c byte) error {
	var err error
	switch c {
	case 't':
		_, err = s.Word(nil, "true")
	case 'f':
		_, err = s.Word(nil, "false")
	case 'n':
		_, err = s.Word(nil, "null")
	default:
		_, err = s.ReadNumber()
	}
	return err
}

// NextKey reads the next member key of an object whose '{' has been
// consumed, and the ':' after it. first says that no member has been read
// yet. ok is false, and the '}' consumed, at the end of the object. A key
// longer than MaxKeyLen comes back as longKey. The key is valid until the
// next call on s.
func (s *Scanner) NextKey(first bool) (key []byte, ok bool, err error) {
	switch key, st := s.quickKey(first); st {
	case quickKey:
		return key, true, nil
	case quickEnd:
		return nil, false, nil
	}
	c, got := s.Peek()
	if !got {
		return nil, false, s.EOFErr()
	}
	switch {
	case c == '}':
		s.Pos++
		return nil, false, nil
	case first:
		if c != '"' {
			return nil, false, s.ErrFound("a string (object key) or '}'", c)
		}
	case c != ',':
		return nil, false, s.ErrFound("',' or '}' after object member", c)
	default:
		s.Pos++
		if c, got = s.Peek(); !got {
			return nil, false, s.EOFErr()
		}
		if c != '"' {
			return nil, false, s.ErrFound("a string (object key) after ','", c)
		}
	}
	s.Pos++
	key, over, err := s.ReadString(MaxKeyLen)
	if err != nil {
		return nil, false, err
	}
	if over {
		key = longKey
	}
	// The ':' nearly always follows the key at once: then nothing can
	// move the buffer before the caller has looked at the key.
	if s.Pos < s.End && s.Buf[s.Pos] == ':' {
		s.Pos++
		return key, true, nil
	}
	// key may point into buf, which the Peek below can refill: copy it.
	s.key = append(s.key[:0], key...)
	key = s.key
	if c, got = s.Peek(); !got {
		return nil, false, s.EOFErr()
	}
	if c != ':' {
		return nil, false, s.ErrFound("':' after object key", c)
	}
	s.Pos++
	return key, true, nil
}

// NextElem moves to the next element of an array whose '[' has been
// consumed. ok is false, and the ']' consumed, at the end of the array.
func (s *Scanner) NextElem(first bool) (ok bool, err error) {
	c, got := s.Peek()
	if !got {
		return false, s.EOFErr()
	}
	switch {
	case c == ']':
		s.Pos++
		return false, nil
	case first:
		return true, nil
	case c != ',':
		return false, s.ErrFound("',' or ']' after array element", c)
	}
	s.Pos++
	return true, nil
}

// errDepth is the message for nesting past MaxDepth.
const errDepth = "JSON nested deeper than 512 levels (MaxDepth)"

// SkipValue consumes one JSON value of any kind. It walks containers with
// an explicit stack instead of recursion, so a file nested 100,000 deep
// cannot overflow the goroutine stack, and it checks the structure (commas,
// colons, brackets) so that damage inside a skipped value is still found.
func (s *Scanner) SkipValue() error {
	// Most skipped values are scalars or small containers whole in the
	// buffer: take them without setting up the stack.
	if c, ok := s.Peek(); ok {
		b := s.Buf[:s.End]
		switch {
		case c == '{' || c == '[':
			if s.quickSkip(s.Depth) {
				return nil
			}
		case c == '-' || c >= '0' && c <= '9':
			if i, ok := skipNumber(b, s.Pos); ok {
				s.Pos = i
				return nil
			}
		case c == '"':
			s.Pos++
			return s.SkipString()
		}
	}
	return s.skipSlow()
}

// skipSlow is SkipValue token by token.
func (s *Scanner) skipSlow() error {
	stack := s.stack[:0]
	defer func() { s.stack = stack[:0] }()
value:
	for {
		c, ok := s.Peek()
		if !ok {
			return s.EOFErr()
		}
		switch c {
		case '"':
			s.Pos++
			if err := s.SkipString(); err != nil {
				return err
			}
		case '{', '[':
			if s.quickSkip(s.Depth + len(stack)) {
				break
			}
			if s.Depth+len(stack)+1 > MaxDepth {
				return s.ErrHere(errDepth)
			}
			s.Pos++
			stack = append(stack, c)
			c2, ok := s.Peek()
			if !ok {
				return s.EOFErr()
			}
			if c == '[' {
				if c2 != ']' {
					continue value
				}
				s.Pos++
				stack = stack[:len(stack)-1]
				break
			}
			if c2 == '}' {
				s.Pos++
				stack = stack[:len(stack)-1]
				break
			}
			if c2 != '"' {
				return s.ErrFound("a string (object key) or '}'", c2)
			}
			if err := s.skipKey(); err != nil {
				return err
			}
			continue value
		default:
			if err := s.skipScalar(c); err != nil {
				return err
			}
		}
		// A value is complete: close containers until one has another
		// element.
		for len(stack) > 0 {
			c, ok := s.Peek()
			if !ok {
				return s.EOFErr()
			}
			top := stack[len(stack)-1]
			switch {
			case c == ',':
				s.Pos++
				if top == '{' {
					c2, ok := s.Peek()
					if !ok {
						return s.EOFErr()
					}
					if c2 != '"' {
						return s.ErrFound("a string (object key) after ','", c2)
					}
					if err := s.skipKey(); err != nil {
						return err
					}
				}
				continue value
			case top == '{' && c == '}', top == '[' && c == ']':
				s.Pos++
				stack = stack[:len(stack)-1]
			case top == '{':
				return s.ErrFound("',' or '}' after object member", c)
			default:
				return s.ErrFound("',' or ']' after array element", c)
			}
		}
		return nil
	}
}

// skipKey consumes a key (its opening quote is next) and the ':' after it.
func (s *Scanner) skipKey() error {
	s.Pos++
	if err := s.SkipString(); err != nil {
		return err
	}
	c, ok := s.Peek()
	if !ok {
		return s.EOFErr()
	}
	if c != ':' {
		return s.ErrFound("':' after object key", c)
	}
	s.Pos++
	return nil
}

// Reset makes the scanner read rd, whose first byte is at offset base in
// the JSON text, keeping its buffer: for reading one part of a file.
func (s *Scanner) Reset(rd io.Reader, base int64) {
	s.rd = rd
	s.Base, s.Pos, s.End, s.Rerr, s.filled = base, 0, 0, nil, false
	// quickFrom is an offset in the text: one left from a later part
	// would keep the quick skip off here.
	s.quickFrom = 0
}

// Release lets go of the buffer and the scratch buffers; the scanner
// reads nothing more until Init.
func (s *Scanner) Release() {
	s.Buf, s.str, s.fix = nil, nil, nil
}
