package har

import (
	"bytes"
	"encoding/binary"
	"math/bits"

	"github.com/harcors/harcors/har/internal/jsonscan"
)

// This file holds the caches for the objects that repeat through a HAR:
// header objects (quickHeader) and cookie objects (knownCookie). They read
// from the scanner's buffer with the tokenizer's in-buffer primitives, and
// leave anything they cannot take whole to the general path in decode.go.

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
	b := s.Buf[:s.End]
	start := s.Pos + 1
	if hl := &r.hl; hl.ok && len(b)-start >= len(hl.open)+hdrKeyLen && bytes.HasPrefix(b[start:], hl.open) {
		if r.hc == nil {
			r.hc = new(hdrCache)
		}
		bk := &r.hc[hdrBucket(b[start+len(hl.open):], kind)]
		for w := range bk.ways {
			sl := &bk.ways[w]
			if sl.nameEnd == 0 || !bytes.HasPrefix(b[start:], sl.text[:sl.nameEnd]) {
				continue
			}
			bk.victim = 1 - w
			if sl.full && bytes.HasPrefix(b[start+sl.nameEnd:], sl.text[sl.nameEnd:]) {
				h.Name, h.Value = sl.name, sl.value
				s.Commit(start+len(sl.text), &jsonscan.Lines{N: sl.nText.n, End: start + sl.nText.last})
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

// addLines counts x, found at b[at:], into l.
func addLines(l *jsonscan.Lines, x nls, at int) {
	if x.n > 0 {
		l.N += x.n
		l.End = at + x.last
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

// layoutHeader is quickHeader for a header laid out as r.hl says, whose
// open text is known to follow the '{'; its name is sl's when known. It
// leaves the header in sl.
func (r *Reader) layoutHeader(h *Header, sl *hdrSlot, known bool) bool {
	s := &r.s
	b := s.Buf[:s.End]
	hl := &r.hl
	start := s.Pos + 1
	var l jsonscan.Lines
	var nameB []byte
	var nName nls
	j := start
	if known {
		j += sl.nameEnd
		addLines(&l, sl.nName, start)
	} else {
		j += len(hl.open)
		q := jsonscan.PlainString(b[j:])
		if q < 0 || q > MaxStringLen {
			return false
		}
		nameB = b[j : j+q]
		j += q
		if !bytes.HasPrefix(b[j:], hl.mid) {
			return false
		}
		addLines(&l, hl.nOpen, start)
		addLines(&l, hl.nMid, j)
		j += len(hl.mid)
		nName = since(&l, start)
	}
	valueAt := j
	var valueB []byte
	if q := jsonscan.PlainString(b[j:]); q >= 0 && q <= MaxStringLen {
		valueB = b[j : j+q]
		j += q
	} else {
		text, end, ok := jsonscan.Unescape(b, j, r.qvalue[:0])
		if !ok {
			return false
		}
		if cap(text) <= 64<<10 {
			r.qvalue = text
		}
		valueB = text
		j = end - 1
	}
	if !bytes.HasPrefix(b[j:], hl.close) {
		return false
	}
	addLines(&l, hl.nClose, j)
	j += len(hl.close)
	h.Value = r.intern.get(valueB)
	if known {
		h.Name = sl.name
		sl.fill(b[start:j], h, -1, nls{}, since(&l, start))
	} else {
		h.Name = r.intern.get(nameB)
		sl.fill(b[start:j], h, valueAt-start, nName, since(&l, start))
	}
	s.Commit(j, &l)
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
func since(l *jsonscan.Lines, from int) nls {
	return nls{l.N, l.End - from}
}

// anyHeader is quickHeader for a header whose layout is not r.hl's: it
// reads the members in either order, whatever the whitespace, and learns
// the layout when the name comes first.
func (r *Reader) anyHeader(h *Header) bool {
	s := &r.s
	b := s.Buf[:s.End]
	var l jsonscan.Lines
	i := s.Pos + 1
	var name, value []byte
	// The strings' bounds: from after the opening quote to the closing
	// quote, for learning the layout; nameFirst says name came first.
	var nameAt, nameEnd, valueAt, valueEnd int
	nameFirst := false
	for n := 0; ; n++ {
		if i < len(b) && b[i] <= ' ' {
			i = l.WS(b, i)
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
				i = l.WS(b, i)
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
			i = l.WS(b, i)
		}
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i++
		if i < len(b) && b[i] <= ' ' {
			i = l.WS(b, i)
		}
		if i >= len(b) || b[i] != '"' {
			return false
		}
		i++
		at := i
		q := jsonscan.PlainString(b[i:])
		if q < 0 || q > MaxStringLen {
			// Chrome escapes the quotes in sec-ch-ua and etag
			// values: decode simple escapes into scratch.
			var text []byte
			var ok bool
			scratch := &r.qname
			if dst == &value {
				scratch = &r.qvalue
			}
			if text, i, ok = jsonscan.Unescape(b, i, (*scratch)[:0]); !ok {
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
	start := s.Pos + 1
	if nameFirst && valueAt > nameEnd {
		r.hl.learn(b[start:nameAt], b[nameEnd:valueAt], b[valueEnd:i])
	}
	s.Commit(i, &l)
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
	start := s.Pos + 1
	if r.ckc == nil || s.End-start < cookieKeyLen {
		return false
	}
	sl := &r.ckc[cookieSlot(s.Buf[start:s.End])]
	if len(sl.text) == 0 || !bytes.HasPrefix(s.Buf[start:s.End], sl.text) {
		return false
	}
	*ck = sl.ck
	r.ckHits++
	s.Commit(start+len(sl.text), &jsonscan.Lines{N: sl.nText.n, End: start + sl.nText.last})
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
