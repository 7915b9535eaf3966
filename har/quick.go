package har

import (
	"bytes"
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
// in the buffer and holds only "name" and "value" members whose values are
// strings that need no decoding. Otherwise it consumes nothing and
// reports false.
func (r *Reader) quickHeader(h *Header) bool {
	s := &r.s
	b := s.buf[:s.end]
	var l lines
	i := s.pos + 1
	var name, value []byte
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
			continue
		}
		*dst = b[i : i+q]
		i += q + 1
	}
	h.Name = r.intern.get(name)
	h.Value = r.intern.get(value)
	s.commit(i, &l)
	return true
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
