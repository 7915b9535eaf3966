package har

import "bytes"

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
			return false
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
