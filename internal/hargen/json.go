package hargen

import "strconv"

// jw appends JSON laid out the way Chrome DevTools writes a HAR, which is
// JSON.stringify(har, null, 2): two-space indentation, `"key": value`, one
// member or element per line, and "[]" / "{}" for empty containers. Layout
// matters for a benchmark: whitespace is a fifth of a real export's
// metadata bytes, and the reader has to skip it.
//
// With compact set it writes the same members with no whitespace at all,
// as JSON.stringify(har) does: the layout of the metadata-dense mix.
//
// jw never fails and never allocates beyond growing b, so the generator's
// memory stays flat whatever size it writes.
type jw struct {
	b       []byte
	depth   int
	compact bool
	// empty is true right after a container was opened, before its first
	// member: the next member needs no comma, and closing writes "[]".
	empty bool
}

func (w *jw) newline() {
	if w.compact {
		return
	}
	w.b = append(w.b, '\n')
	for range w.depth {
		w.b = append(w.b, ' ', ' ')
	}
}

// next starts a member or element: a comma after the previous one, then a
// new line at the current depth.
func (w *jw) next() {
	if !w.empty {
		w.b = append(w.b, ',')
	}
	w.empty = false
	w.newline()
}

func (w *jw) key(k string) {
	w.next()
	w.b = appendString(w.b, k)
	if w.compact {
		w.b = append(w.b, ':')
		return
	}
	w.b = append(w.b, ':', ' ')
}

func (w *jw) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.empty = true
}

func (w *jw) close(c byte) {
	w.depth--
	if !w.empty {
		w.newline()
	}
	w.b = append(w.b, c)
	w.empty = false
}

// obj and arr open a member holding an object or an array; elem opens an
// object as an array element.
func (w *jw) obj(k string) { w.key(k); w.open('{') }
func (w *jw) arr(k string) { w.key(k); w.open('[') }
func (w *jw) elem()        { w.next(); w.open('{') }
func (w *jw) end()         { w.close('}') }
func (w *jw) endArr()      { w.close(']') }

func (w *jw) str(k, v string) {
	w.key(k)
	w.b = appendString(w.b, v)
}

func (w *jw) int(k string, v int64) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, v, 10)
}

// float writes v the way JavaScript prints a double: shortest round-trip
// digits, no exponent for the magnitudes of HAR timings.
func (w *jw) float(k string, v float64) {
	w.key(k)
	w.b = strconv.AppendFloat(w.b, v, 'f', -1, 64)
}

func (w *jw) bool(k string, v bool) {
	w.key(k)
	w.b = strconv.AppendBool(w.b, v)
}

func (w *jw) null(k string) {
	w.key(k)
	w.b = append(w.b, "null"...)
}

// rawString writes a member whose value is already JSON text (a base64 body: no
// character needs escaping, so copying it is what keeps 1 GiB fast).
func (w *jw) rawString(k, v string) {
	w.key(k)
	w.b = append(w.b, '"')
	w.b = append(w.b, v...)
	w.b = append(w.b, '"')
}

// appendString appends s as a JSON string, escaped as JSON.stringify does
// ('"', '\\' and control characters; '/' and non-ASCII are left alone).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigit(c>>4), hexDigit(c&0xf))
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func hexDigit(c byte) byte { return "0123456789abcdef"[c] }
