package har

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// This file holds quick paths for the shapes that make up most of a HAR:
// a header object {"name": "...", "value": "..."}, a member key. Each works
// on a local copy of the position, so that the compiler keeps it in a
// register instead of storing and reloading s.pos for every byte, and it
// either reads its whole shape from the buffer or consumes nothing and
// reports false. The general path then reads the same bytes and finds
// whatever needs a message or a warning, so behaviour cannot differ.

// lines counts the newlines that a quick path skips, to be committed to
// the scanner only on success.
type lines struct {
	// n is the number of newlines skipped; end the index in s.buf just
	// past the last of them.
	n, end int
}

// ws skips whitespace in b from i, as peek does, and returns the index of
// the next other byte (len(b) if none).
func (l *lines) ws(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r':
			i++
		case '\n':
			i++
			l.n++
			l.end = i
			i = skipSpaces(b, i)
		default:
			return i
		}
	}
	return i
}

// commit moves the scanner to buf[i], past the newlines in l.
func (s *scanner) commit(i int, l *lines) {
	s.pos = i
	if l.n > 0 {
		s.line += l.n
		s.lineStart = s.base + int64(l.end)
	}
}

// quickHeader reads a header object whose '{' is next, when it lies whole
// in the buffer and holds only "name" and "value" members, in that order
// or not, whose values are strings that need no decoding or only
// one-character escapes. Otherwise it consumes nothing and reports false.
// kind is 0 for a request header, 1 for a response header.
//
// Chrome writes most headers alike in every entry, in every entry the same
// layout. So a header whose text after the '{' starts as the layout says
// (hdrLayout) is looked up in a cache of the headers read before (hdrCache):
// when the cached text is there byte for byte, the header is the cached
// one, with no string searched, checked or interned; when only its name
// is, the value alone is read. The text compared was read before by the
// paths below, so it reads the same again.
func (r *Reader) quickHeader(h *Header, kind int) bool {
	s := &r.s
	b := s.buf[:s.end]
	start := s.pos + 1
	if hl := &s.hl; hl.ok && len(b)-start >= len(hl.open)+hdrKeyLen && bytes.HasPrefix(b[start:], hl.open) {
		if s.hc == nil {
			s.hc = new(hdrCache)
		}
		bk := &s.hc[hdrBucket(b[start+len(hl.open):], kind)]
		for w := range bk.ways {
			sl := &bk.ways[w]
			if sl.nameEnd == 0 || !bytes.HasPrefix(b[start:], sl.text[:sl.nameEnd]) {
				continue
			}
			bk.victim = 1 - w
			if sl.full && bytes.HasPrefix(b[start+sl.nameEnd:], sl.text[sl.nameEnd:]) {
				h.Name, h.Value = sl.name, sl.value
				s.commit(start+len(sl.text), &lines{sl.nText.n, start + sl.nText.last})
				return true
			}
			return r.layoutHeader(h, sl, true) || r.anyHeader(h)
		}
		sl := &bk.ways[bk.victim]
		bk.victim = 1 - bk.victim
		return r.layoutHeader(h, sl, false) || r.anyHeader(h)
	}
	return r.anyHeader(h)
}

// hdrKeyLen is how many bytes of a header's name (and of what follows
// it, if it is shorter) pick its bucket in hdrCache: enough to tell the
// access-control-allow-* headers apart.
const hdrKeyLen = 24

// hdrBucket picks the bucket of a header of the given kind whose name
// starts b, from its first hdrKeyLen bytes.
func hdrBucket(b []byte, kind int) int {
	h := binary.LittleEndian.Uint64(b) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(b[8:]), 21) ^
		bits.RotateLeft64(binary.LittleEndian.Uint64(b[16:]), 42) ^ uint64(kind)
	return int((h * 0x9e3779b97f4a7c15) >> (64 - hdrBucketBits))
}

// maxSlotText is the longest header text (from after '{' through '}')
// that a hdrSlot keeps; longer values (cookies, tokens) vary anyway.
const maxSlotText = 256

const hdrBucketBits = 7

// hdrCache holds the headers quickHeader read last, two ways a bucket.
type hdrCache [1 << hdrBucketBits]struct {
	ways   [2]hdrSlot
	victim int // the way to fill next: not the last one used
}

// hdrSlot is a header read before, and its text.
type hdrSlot struct {
	// text is the header object's text after its '{': through its '}'
	// when full, else through the value's opening quote (nameEnd bytes).
	// nameEnd is 0 when the slot is empty.
	text        []byte
	nameEnd     int
	full        bool
	name, value string
	// nName and nText are the newlines in text[:nameEnd] and text.
	nName, nText nls
}

// nls is the number of newlines in a piece of text, and the index just
// past the last one (meaningful when n > 0).
type nls struct{ n, last int }

func nlsOf(b []byte) nls {
	var x nls
	for i, c := range b {
		if c == '\n' {
			x.n++
			x.last = i + 1
		}
	}
	return x
}

// add counts x, found at b[at:], into l.
func (l *lines) add(x nls, at int) {
	if x.n > 0 {
		l.n += x.n
		l.end = at + x.last
	}
}

// hdrLayout is the text around the strings of a header object whose name
// comes first, as the last header read by anyHeader had it: open from
// after '{' through the name's opening quote, mid from the name's closing
// quote through the value's opening one, close from the value's closing
// quote through '}'. In a file saved by DevTools they are
// `\n      "name": "`, `",\n      "value": "` and `"\n    }`.
type hdrLayout struct {
	ok               bool
	open, mid, close []byte
	nOpen, nMid      nls
	nClose           nls
}

// maxLayoutLen bounds each piece of a hdrLayout.
const maxLayoutLen = 64

// layoutHeader is quickHeader for a header laid out as s.hl says, whose
// open text is known to follow the '{'; its name is sl's when known. It
// leaves the header in sl.
func (r *Reader) layoutHeader(h *Header, sl *hdrSlot, known bool) bool {
	s := &r.s
	b := s.buf[:s.end]
	hl := &s.hl
	start := s.pos + 1
	var l lines
	var nameB []byte
	var nName nls
	j := start
	if known {
		j += sl.nameEnd
		l.add(sl.nName, start)
	} else {
		j += len(hl.open)
		q := plainString(b[j:])
		if q < 0 || q > MaxStringLen {
			return false
		}
		nameB = b[j : j+q]
		j += q
		if !bytes.HasPrefix(b[j:], hl.mid) {
			return false
		}
		l.add(hl.nOpen, start)
		l.add(hl.nMid, j)
		j += len(hl.mid)
		nName = l.since(start)
	}
	valueAt := j
	var valueB []byte
	if q := plainString(b[j:]); q >= 0 && q <= MaxStringLen {
		valueB = b[j : j+q]
		j += q
	} else {
		text, end, ok := unescape(b, j, s.qvalue[:0])
		if !ok {
			return false
		}
		if cap(text) <= 64<<10 {
			s.qvalue = text
		}
		valueB = text
		j = end - 1
	}
	if !bytes.HasPrefix(b[j:], hl.close) {
		return false
	}
	l.add(hl.nClose, j)
	j += len(hl.close)
	h.Value = r.intern.get(valueB)
	if known {
		h.Name = sl.name
		sl.fill(b[start:j], h, -1, nls{}, l.since(start))
	} else {
		h.Name = r.intern.get(nameB)
		sl.fill(b[start:j], h, valueAt-start, nName, l.since(start))
	}
	s.commit(j, &l)
	return true
}

// fill makes the slot, if not nil, hold h, whose text after '{' is text,
// with the newlines in nText. nameEnd is the length of its part through
// the value's opening quote, whose newlines are nName, or -1 to keep the
// slot's (its name matched).
func (sl *hdrSlot) fill(text []byte, h *Header, nameEnd int, nName, nText nls) {
	if nameEnd >= 0 {
		if nameEnd > maxSlotText {
			sl.nameEnd, sl.full = 0, false
			return
		}
		sl.nameEnd = nameEnd
		sl.name = h.Name
		sl.nName = nName
	}
	n := sl.nameEnd
	if len(text) <= maxSlotText {
		n = len(text)
	}
	sl.text = append(sl.text[:0], text[:n]...)
	sl.full = n == len(text)
	if sl.full {
		sl.value = h.Value
		sl.nText = nText
	}
}

// since returns the newlines that l counted from b[from:].
func (l *lines) since(from int) nls {
	return nls{l.n, l.end - from}
}

// anyHeader is quickHeader for a header whose layout is not s.hl's: it
// reads the members in either order, whatever the whitespace, and learns
// the layout when the name comes first.
func (r *Reader) anyHeader(h *Header) bool {
	s := &r.s
	b := s.buf[:s.end]
	var l lines
	i := s.pos + 1
	var name, value []byte
	// The strings' bounds: from after the opening quote to the closing
	// quote, for learning the layout; nameFirst says name came first.
	var nameAt, nameEnd, valueAt, valueEnd int
	nameFirst := false
	for n := 0; ; n++ {
		if i < len(b) && b[i] <= ' ' {
			i = l.ws(b, i)
		}
		if n > 0 {
			if i >= len(b) {
				return false
			}
			if b[i] == '}' {
				i++
				if n != 2 {
					nameFirst = false
				}
				break
			}
			if b[i] != ',' || n > 3 {
				return false
			}
			i++
			if i < len(b) && b[i] <= ' ' {
				i = l.ws(b, i)
			}
		}
		if i >= len(b) || b[i] != '"' {
			return false
		}
		k := b[i+1:]
		var dst *[]byte
		switch {
		case bytes.HasPrefix(k, []byte(`name"`)):
			dst = &name
			i += 6
			nameFirst = n == 0
		case bytes.HasPrefix(k, []byte(`value"`)):
			dst = &value
			i += 7
		default:
			return false
		}
		if i < len(b) && b[i] <= ' ' {
			i = l.ws(b, i)
		}
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i++
		if i < len(b) && b[i] <= ' ' {
			i = l.ws(b, i)
		}
		if i >= len(b) || b[i] != '"' {
			return false
		}
		i++
		at := i
		q := plainString(b[i:])
		if q < 0 || q > MaxStringLen {
			// Chrome escapes the quotes in sec-ch-ua and etag
			// values: decode simple escapes into scratch.
			var text []byte
			var ok bool
			scratch := &s.qname
			if dst == &value {
				scratch = &s.qvalue
			}
			if text, i, ok = unescape(b, i, (*scratch)[:0]); !ok {
				return false
			}
			*dst = text
			if cap(text) <= 64<<10 {
				*scratch = text // kept for the next one
			}
		} else {
			*dst = b[i : i+q]
			i += q + 1
		}
		if dst == &name {
			nameAt, nameEnd = at, i-1
		} else {
			valueAt, valueEnd = at, i-1
		}
	}
	h.Name = r.intern.get(name)
	h.Value = r.intern.get(value)
	start := s.pos + 1
	if nameFirst && valueAt > nameEnd {
		s.hl.learn(b[start:nameAt], b[nameEnd:valueAt], b[valueEnd:i])
	}
	s.commit(i, &l)
	return true
}

// learn makes open, mid and close the layout, unless one is too long.
func (hl *hdrLayout) learn(open, mid, close []byte) {
	if len(open) > maxLayoutLen || len(mid) > maxLayoutLen || len(close) > maxLayoutLen {
		return
	}
	if hl.ok && bytes.Equal(open, hl.open) && bytes.Equal(mid, hl.mid) && bytes.Equal(close, hl.close) {
		return
	}
	hl.ok = true
	hl.open = append(hl.open[:0], open...)
	hl.mid = append(hl.mid[:0], mid...)
	hl.close = append(hl.close[:0], close...)
	hl.nOpen, hl.nMid, hl.nClose = nlsOf(open), nlsOf(mid), nlsOf(close)
}

// Results of quickKey.
const (
	quickNone = iota // not read: take the general path
	quickKey         // a key and its ':' were read
	quickEnd         // the object's '}' was read
)

// quickKey is nextKey for a member whose key is plain (no escape, not
// longer than maxKeyLen) and whose ':' is in the buffer, or for the '}'
// ending the object. The key is valid until the next call on s.
func (s *scanner) quickKey(first bool) ([]byte, int) {
	b := s.buf[:s.end]
	var l lines
	i := s.pos
	if i < len(b) && b[i] <= ' ' {
		i = l.ws(b, i)
	}
	if i >= len(b) {
		return nil, quickNone
	}
	switch b[i] {
	case '}':
		i++
		s.commit(i, &l)
		return nil, quickEnd
	case ',':
		if first {
			return nil, quickNone
		}
		i++
		if i < len(b) && b[i] <= ' ' {
			i = l.ws(b, i)
		}
		if i >= len(b) || b[i] != '"' {
			return nil, quickNone
		}
	case '"':
		if !first {
			return nil, quickNone
		}
	default:
		return nil, quickNone
	}
	i++
	start := i
	q := plainString(b[start:])
	if q < 0 || q > maxKeyLen {
		return nil, quickNone
	}
	i += q + 1
	if i < len(b) && b[i] <= ' ' {
		i = l.ws(b, i)
	}
	if i >= len(b) || b[i] != ':' {
		return nil, quickNone
	}
	i++
	s.commit(i, &l)
	return b[start : start+q], quickKey
}

// quickString reads a string value that needs no decoding and is no longer
// than MaxStringLen, from the buffer; ok is false, and nothing consumed,
// for anything else. The text is valid until the next call on s.
func (s *scanner) quickString() (text []byte, ok bool) {
	b := s.buf[:s.end]
	var l lines
	i := s.pos
	if i < len(b) && b[i] <= ' ' {
		i = l.ws(b, i)
	}
	if i >= len(b) || b[i] != '"' {
		return nil, false
	}
	i++
	start := i
	q := plainString(b[start:])
	if q < 0 || q > MaxStringLen {
		return nil, false
	}
	i += q + 1
	s.commit(i, &l)
	return b[start : start+q], true
}

// pow10 holds the powers of ten that a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// quickNumber reads a plain JSON number (-?int(.frac)?, no exponent, at
// most 15 digits) followed in the buffer by a byte that cannot continue
// it. Such a number is a float64 mantissa below 2^53 divided by an exact
// power of ten, which strconv.ParseFloat computes the same way (its
// "exact" path), so the result is bit for bit the same. ok is false, and
// nothing consumed, for anything else.
func (s *scanner) quickNumber() (f float64, ok bool) {
	b := s.buf[:s.end]
	var l lines
	i := s.pos
	if i < len(b) && b[i] <= ' ' {
		i = l.ws(b, i)
	}
	if i >= len(b) {
		return 0, false
	}
	neg := b[i] == '-'
	if neg {
		i++
	}
	start := i
	var m uint64
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		m = m*10 + uint64(b[i]-'0')
		i++
	}
	nint := i - start
	if nint == 0 || nint > 1 && b[start] == '0' {
		return 0, false
	}
	frac := 0
	if i < len(b) && b[i] == '.' {
		i++
		fs := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			m = m*10 + uint64(b[i]-'0')
			i++
		}
		frac = i - fs
		if frac == 0 {
			return 0, false
		}
	}
	if nint+frac > 15 || i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case 'e', 'E', '.', '-', '+':
		return 0, false
	}
	if frac == 0 {
		// As parseSmallInt: an integer, so "-0" is +0.
		n := int64(m)
		if neg {
			n = -n
		}
		f = float64(n)
	} else {
		f = float64(m)
		if neg {
			f = -f
		}
		f /= pow10[frac]
	}
	s.commit(i, &l)
	return f, true
}

// quickSkip skips the object or array whose '{' or '[' is at s.pos, when
// all of it lies in the buffer, it nests at most 64 levels (and not past
// MaxDepth counting the open levels outside it) and it holds only what
// skipValue accepts without a message: no NaN or Infinity, no damage. It
// keeps its stack of levels in the bits of a word and goes through the
// bytes with a local index, where skipValue calls peek and skipString for
// every token. It reports false, having consumed nothing, otherwise; it
// then does not try again before the end of the current buffer, so that a
// container that does not fit is not scanned once for each of its levels.
func (s *scanner) quickSkip(open int) bool {
	b := s.buf[:s.end]
	if s.base+int64(s.pos) < s.quickFrom {
		return false
	}
	var l lines
	i := s.pos
	var stack uint64 // bit 0 is the innermost level: 1 for an object
	n := 0           // levels open
value:
	for {
		// A value starts at b[i], after whitespace.
		if i < len(b) && b[i] <= ' ' {
			i = l.ws(b, i)
		}
		if i >= len(b) {
			break
		}
		ok := false
		switch c := b[i]; c {
		case '{', '[':
			if n == 64 || open+n+1 > MaxDepth {
				break value
			}
			n++
			stack <<= 1
			if c == '{' {
				stack |= 1
			}
			i++
			if i < len(b) && b[i] <= ' ' {
				i = l.ws(b, i)
			}
			if i >= len(b) {
				break value
			}
			switch {
			case c == '{' && b[i] == '}', c == '[' && b[i] == ']':
				i++
				n--
				stack >>= 1
				ok = true
			case c == '{':
				if i, ok = skipMember(b, i, &l); !ok {
					break value
				}
				continue value
			default:
				continue value
			}
		case '"':
			i, ok = skipPlain(b, i+1)
		case 't':
			i, ok = skipWord(b, i, "true")
		case 'f':
			i, ok = skipWord(b, i, "false")
		case 'n':
			i, ok = skipWord(b, i, "null")
		default:
			i, ok = skipNumber(b, i)
		}
		if !ok {
			break
		}
		// A value is complete: close levels until one has another
		// element.
		for {
			if n == 0 {
				s.commit(i, &l)
				return true
			}
			if i < len(b) && b[i] <= ' ' {
				i = l.ws(b, i)
			}
			if i >= len(b) {
				break value
			}
			obj := stack&1 == 1
			switch c := b[i]; {
			case c == ',':
				i++
				if obj {
					if i, ok = skipMember(b, i, &l); !ok {
						break value
					}
				}
				continue value
			case obj && c == '}', !obj && c == ']':
				i++
				n--
				stack >>= 1
			default:
				break value
			}
		}
	}
	s.quickFrom = s.base + int64(len(b))
	return false
}

// skipMember skips an object key (its opening quote at b[i], after
// whitespace) and the ':' after it, for quickSkip; ok is false when they
// are not whole in b or not well-formed.
func skipMember(b []byte, i int, l *lines) (int, bool) {
	if i < len(b) && b[i] <= ' ' {
		i = l.ws(b, i)
	}
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	i, ok := skipPlain(b, i+1)
	if !ok {
		return i, false
	}
	if i < len(b) && b[i] <= ' ' {
		i = l.ws(b, i)
	}
	if i >= len(b) || b[i] != ':' {
		return i, false
	}
	return i + 1, true
}

// skipPlain skips the rest of a string whose opening quote came before
// b[i], checking its escapes as skipString does; ok is false when the
// string does not end in b or has a bad escape.
func skipPlain(b []byte, i int) (int, bool) {
	for {
		j := quoteOrEscape(b, i)
		if j < 0 {
			return len(b), false
		}
		if b[j] == '"' {
			return j + 1, true
		}
		if j+1 >= len(b) {
			return j, false
		}
		switch b[j+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i = j + 2
		case 'u':
			if j+6 > len(b) || hexRune(b[j+2:j+6]) < 0 {
				return j, false
			}
			i = j + 6
		default:
			return j, false
		}
	}
}

// skipWord skips the literal w at b[i] for quickSkip.
func skipWord(b []byte, i int, w string) (int, bool) {
	if len(b)-i >= len(w) && string(b[i:i+len(w)]) == w {
		return i + len(w), true
	}
	return i, false
}

// skipNumber skips a number at b[i] for quickSkip, by the JSON grammar
// that readNumber follows (without NaN and Infinity); ok is false unless
// a byte that cannot continue the number follows it in b.
func skipNumber(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return i, false
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		i = digitsEnd(b, i+1)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		j := digitsEnd(b, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digitsEnd(b, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, i < len(b)
}

// digitsEnd returns the index of the first byte at or after i in b that is
// not a digit.
func digitsEnd(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// unescape decodes the string whose opening quote came before b[i] into
// dst, for the quick paths, when it is whole in b, holds only the
// one-character escapes (\" \\ \/ \b \f \n \r \t), is valid UTF-8 and is
// no longer than MaxStringLen: readString would decode it to the same
// text. It returns the text and the index past the closing quote; ok is
// false otherwise.
func unescape(b []byte, i int, dst []byte) (text []byte, end int, ok bool) {
	for {
		j := quoteOrEscape(b, i)
		if j < 0 || j+1 >= len(b) {
			return nil, 0, false
		}
		dst = append(dst, b[i:j]...)
		if b[j] == '"' {
			if len(dst) > MaxStringLen || !utf8.Valid(dst) {
				return nil, 0, false
			}
			return dst, j + 1, true
		}
		var c byte
		switch e := b[j+1]; e {
		case '"', '\\', '/':
			c = e
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		default:
			return nil, 0, false
		}
		dst = append(dst, c)
		i = j + 2
	}
}

// A capture sends the same cookies with every request, so most cookie
// objects in a HAR are one of a few, byte for byte. cookieCache remembers
// the ones read, by their text after the '{': a cookie whose text is there
// is taken without being read again. Only text that read without an error
// or a warning is kept, so the result is the same.
type cookieCache [1 << cookieBits]struct {
	text  []byte // through the closing '}'
	nText nls
	ck    Cookie
}

const (
	cookieBits = 6
	// cookieKeyLen is how many bytes after the '{' pick a cookie's slot:
	// past the indentation and the "name" key, into the value.
	cookieKeyLen = 48
	// maxCookieText is the longest cookie text kept (longer ones are
	// mostly tokens that change).
	maxCookieText = 512
)

// cookieSlot picks the slot of the cookie whose text after the '{' starts
// b, which holds at least cookieKeyLen bytes.
func cookieSlot(b []byte) int {
	h := binary.LittleEndian.Uint64(b) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(b[20:]), 21) ^
		bits.RotateLeft64(binary.LittleEndian.Uint64(b[40:]), 42)
	return int((h * 0x9e3779b97f4a7c15) >> (64 - cookieBits))
}

// knownCookie reads the cookie object whose '{' is next into *ck when its
// text is the remembered text of its slot; otherwise it consumes nothing
// and reports false.
func (r *Reader) knownCookie(ck *Cookie) bool {
	s := &r.s
	start := s.pos + 1
	if r.ckc == nil || s.end-start < cookieKeyLen {
		return false
	}
	sl := &r.ckc[cookieSlot(s.buf[start:s.end])]
	if len(sl.text) == 0 || !bytes.HasPrefix(s.buf[start:s.end], sl.text) {
		return false
	}
	*ck = sl.ck
	r.ckHits++
	s.commit(start+len(sl.text), &lines{sl.nText.n, start + sl.nText.last})
	return true
}

// rememberCookie keeps ck, read from text (after its '{', through its
// '}'), in its slot.
func (r *Reader) rememberCookie(ck *Cookie, text []byte) {
	if len(text) < cookieKeyLen || len(text) > maxCookieText {
		return
	}
	if r.ckc == nil {
		r.ckc = new(cookieCache)
	}
	sl := &r.ckc[cookieSlot(text)]
	sl.text = append(sl.text[:0], text...)
	sl.nText = nlsOf(text)
	sl.ck = *ck
}
