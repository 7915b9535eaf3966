package sanitize

import (
	"bufio"
	"io"
	"strconv"
)

// cleanJSON passes JSON text through, repairing what DevTools and older
// exporters write and harcors' reader tolerates, but encoding/json does
// not: raw control characters inside strings (escaped as \u00XX) and NUL
// bytes between tokens or after the end (Firebug pads files with them,
// dropped), and NaN or Infinity for a number (null). A JSONP wrapper
// (harviewer's .harp: "onInputData({...});") is removed, so the output is
// a plain HAR.
//
// A string longer than maxString is not passed on: encoding/json holds a
// string whole, several times over, and a body of 64 MiB took 1.8 GB. Its
// bytes are skipped as they come and it becomes longString's marker with
// its length, which the rewrite replaces (a body is removed, with a
// comment saying why). So a string is passed on once it has ended, and
// memory is bounded by maxString whatever the file holds.
type cleanJSON struct {
	r        *bufio.Reader
	inString bool
	escaped  bool
	started  bool
	depth    int
	done     bool
	pending  []byte
	str      []byte // the string being read, as it will be passed on
	strLen   int64  // its length in the input, once past maxString
}

// maxString is the longest string passed on; a longer one becomes the
// marker longString (see cleanJSON).
const maxString = 8 << 20

// longString starts the marker that stands for a string of more than
// maxString bytes, its length after it: a NUL, which a HAR's strings do
// not hold, and words that say what happened should one reach a file.
const longString = "\x00harcors sanitize: a string too long to keep, of bytes: "

func newCleanJSON(r *bufio.Reader) *cleanJSON { return &cleanJSON{r: r} }

// keep adds bs to the string being read, or counts them once it is past
// maxString.
func (c *cleanJSON) keep(bs ...byte) {
	if c.strLen > 0 {
		c.strLen += int64(len(bs))
		return
	}
	c.str = append(c.str, bs...)
	if len(c.str) > maxString {
		c.strLen = int64(len(c.str))
		c.str = nil
	}
}

func (c *cleanJSON) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(c.pending) > 0 {
			k := copy(p[n:], c.pending)
			c.pending = c.pending[k:]
			n += k
			continue
		}
		if c.done {
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		}
		if c.inString && !c.escaped {
			// The plain run of a string, at once.
			if buf, _ := c.r.Peek(c.r.Buffered()); len(buf) > 0 {
				i := 0
				for i < len(buf) && buf[i] >= 0x20 && buf[i] != '"' && buf[i] != '\\' {
					i++
				}
				if i > 0 {
					c.keep(buf[:i]...)
					c.r.Discard(i)
					continue
				}
			}
		}
		b, err := c.r.ReadByte()
		if err != nil {
			if n == 0 {
				return 0, err
			}
			return n, nil
		}
		if !c.started {
			switch {
			case b == '{' || b == '[':
				c.started = true
			case b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0:
				continue
			case b == '(' || b == '_' || b == '$' || b == '.' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9':
				// A JSONP function name and its parenthesis.
				continue
			default:
				c.started = true
			}
		}
		if c.inString {
			switch {
			case c.escaped:
				c.escaped = false
			case b == '\\':
				c.escaped = true
			case b == '"':
				c.inString = false
				if c.strLen > 0 {
					// The NUL as JSON writes it; the rest is plain
					// ASCII.
					c.pending = []byte(`\u0000` + longString[1:] + strconv.FormatInt(c.strLen, 10) + `"`)
				} else {
					c.pending = append(c.str, '"')
				}
				// The bytes of c.str are passed on (pending) before
				// another is read, so the next string can reuse them.
				c.strLen = 0
				continue
			case b < 0x20:
				const hex = "0123456789abcdef"
				c.keep('\\', 'u', '0', '0', hex[b>>4], hex[b&15])
				continue
			}
			c.keep(b)
			continue
		}
		switch b {
		case 0:
			continue
		case 'N', 'I', '-':
			// NaN, Infinity and -Infinity, which some exporters write
			// for a time they could not measure and harcors' reader
			// takes, are not JSON: they become null.
			for _, word := range [...]string{"NaN", "Infinity", "-Infinity"} {
				if word[0] != b {
					continue
				}
				if next, _ := c.r.Peek(len(word) - 1); string(next) == word[1:] {
					c.r.Discard(len(word) - 1)
					c.pending = []byte("ull")
					b = 'n'
					break
				}
			}
		case '"':
			c.inString = true
			c.str = c.str[:0]
		case '{', '[':
			c.depth++
		case '}', ']':
			c.depth--
			if c.depth == 0 {
				// The HAR is complete; what follows (a JSONP ");",
				// NUL padding) is not part of it.
				c.done = true
			}
		}
		p[n] = b
		n++
	}
	return n, nil
}
