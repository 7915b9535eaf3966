package jsonscan

import "unicode/utf8"

// This file holds the quick paths: a key, a string, a number, a whole
// container skipped, for when the token lies whole in the buffer. Each works
// on a local copy of the position, so that the compiler keeps it in a
// register instead of storing and reloading s.Pos for every byte, and it
// either reads its whole shape from the buffer or consumes nothing and
// reports false. The general path then reads the same bytes and finds
// whatever needs a message or a warning, so behaviour cannot differ.

// Lines counts the newlines that a quick path skips, to be committed to
// the scanner only on success.
type Lines struct {
	// N is the number of newlines skipped; End the index in s.Buf just
	// past the last of them.
	N, End int
}

// WS skips whitespace in b from i, as Peek does, and returns the index of
// the next other byte (len(b) if none).
func (l *Lines) WS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r':
			i++
		case '\n':
			i++
			l.N++
			l.End = i
			i = skipSpaces(b, i)
		default:
			return i
		}
	}
	return i
}

// Commit moves the scanner to Buf[i], past the newlines in l.
func (s *Scanner) Commit(i int, l *Lines) {
	s.Pos = i
	if l.N > 0 {
		s.Line += l.N
		s.LineStart = s.Base + int64(l.End)
	}
}

// Results of quickKey.
const (
	quickNone = iota // not read: take the general path
	quickKey         // a key and its ':' were read
	quickEnd         // the object's '}' was read
)

// quickKey is NextKey for a member whose key is plain (no escape, not
// longer than MaxKeyLen) and whose ':' is in the buffer, or for the '}'
// ending the object. The key is valid until the next call on s.
func (s *Scanner) quickKey(first bool) ([]byte, int) {
	b := s.Buf[:s.End]
	var l Lines
	i := s.Pos
	if i < len(b) && b[i] <= ' ' {
		i = l.WS(b, i)
	}
	if i >= len(b) {
		return nil, quickNone
	}
	switch b[i] {
	case '}':
		i++
		s.Commit(i, &l)
		return nil, quickEnd
	case ',':
		if first {
			return nil, quickNone
		}
		i++
		if i < len(b) && b[i] <= ' ' {
			i = l.WS(b, i)
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
	q := PlainString(b[start:])
	if q < 0 || q > MaxKeyLen {
		return nil, quickNone
	}
	i += q + 1
	if i < len(b) && b[i] <= ' ' {
		i = l.WS(b, i)
	}
	if i >= len(b) || b[i] != ':' {
		return nil, quickNone
	}
	i++
	s.Commit(i, &l)
	return b[start : start+q], quickKey
}

// QuickString reads a string value that needs no decoding and is no longer
// than MaxStringLen, from the buffer; ok is false, and nothing consumed,
// for anything else. The text is valid until the next call on s.
func (s *Scanner) QuickString() (text []byte, ok bool) {
	b := s.Buf[:s.End]
	var l Lines
	i := s.Pos
	if i < len(b) && b[i] <= ' ' {
		i = l.WS(b, i)
	}
	if i >= len(b) || b[i] != '"' {
		return nil, false
	}
	i++
	start := i
	q := PlainString(b[start:])
	if q < 0 || q > MaxStringLen {
		return nil, false
	}
	i += q + 1
	s.Commit(i, &l)
	return b[start : start+q], true
}

// pow10 holds the powers of ten that a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// QuickNumber reads a plain JSON number (-?int(.frac)?, no exponent, at
// most 15 digits) followed in the buffer by a byte that cannot continue
// it: skipNumber checks the grammar, and the digits are added up here.
// Such a number is a float64 mantissa below 2^53 divided by an exact
// power of ten, which strconv.ParseFloat computes the same way (its
// "exact" path), so the result is bit for bit the same. ok is false, and
// nothing consumed, for anything else.
func (s *Scanner) QuickNumber() (f float64, ok bool) {
	b := s.Buf[:s.End]
	var l Lines
	i := s.Pos
	if i < len(b) && b[i] <= ' ' {
		i = l.WS(b, i)
	}
	end, ok := skipNumber(b, i)
	if !ok || end-i > 17 { // more than 15 digits, a sign and a point
		return 0, false
	}
	neg := b[i] == '-'
	if neg {
		i++
	}
	var m uint64
	digits, frac := 0, -1 // frac: digits after the point, -1 before it
	for ; i < end; i++ {
		switch c := b[i]; {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if frac >= 0 {
				frac++
			}
		case c == '.':
			frac = 0
		default:
			return 0, false // an exponent
		}
	}
	if digits > 15 {
		return 0, false
	}
	if frac < 0 {
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
	s.Commit(end, &l)
	return f, true
}

// quickSkip skips the object or array whose '{' or '[' is at s.Pos, when
// all of it lies in the buffer, it nests at most 64 levels (and not past
// MaxDepth counting the open levels outside it) and it holds only what
// SkipValue accepts without a message: no NaN or Infinity, no damage. It
// keeps its stack of levels in the bits of a word and goes through the
// bytes with a local index, where SkipValue calls Peek and SkipString for
// every token. It reports false, having consumed nothing, otherwise; it
// then does not try again before the end of the current buffer, so that a
// container that does not fit is not scanned once for each of its levels.
func (s *Scanner) quickSkip(open int) bool {
	b := s.Buf[:s.End]
	if s.Base+int64(s.Pos) < s.quickFrom {
		return false
	}
	var l Lines
	i := s.Pos
	var stack uint64 // bit 0 is the innermost level: 1 for an object
	n := 0           // levels open
value:
	for {
		// A value starts at b[i], after whitespace.
		if i < len(b) && b[i] <= ' ' {
			i = l.WS(b, i)
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
				i = l.WS(b, i)
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
			i, ok = skipIn(b, i+1)
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
				s.Commit(i, &l)
				return true
			}
			if i < len(b) && b[i] <= ' ' {
				i = l.WS(b, i)
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
	s.quickFrom = s.Base + int64(len(b))
	return false
}

// skipMember skips an object key (its opening quote at b[i], after
// whitespace) and the ':' after it, for quickSkip; ok is false when they
// are not whole in b or not well-formed.
func skipMember(b []byte, i int, l *Lines) (int, bool) {
	if i < len(b) && b[i] <= ' ' {
		i = l.WS(b, i)
	}
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	i, ok := skipIn(b, i+1)
	if !ok {
		return i, false
	}
	if i < len(b) && b[i] <= ' ' {
		i = l.WS(b, i)
	}
	if i >= len(b) || b[i] != ':' {
		return i, false
	}
	return i + 1, true
}

// skipWord skips the literal w at b[i] for quickSkip.
func skipWord(b []byte, i int, w string) (int, bool) {
	if len(b)-i >= len(w) && string(b[i:i+len(w)]) == w {
		return i + len(w), true
	}
	return i, false
}

// skipNumber skips a number at b[i] for quickSkip, by the JSON grammar
// that ReadNumber follows (without NaN and Infinity); ok is false unless
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

// Unescape decodes the string whose opening quote came before b[i] into
// dst, for the quick paths, when it is whole in b, holds only the
// one-character escapes (\" \\ \/ \b \f \n \r \t), is valid UTF-8 and is
// no longer than MaxStringLen: ReadString would decode it to the same
// text. It returns the text and the index past the closing quote; ok is
// false otherwise.
func Unescape(b []byte, i int, dst []byte) (text []byte, end int, ok bool) {
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
		c := escapeByte[b[j+1]]
		if c == 0 {
			return nil, 0, false
		}
		dst = append(dst, c)
		i = j + 2
	}
}
