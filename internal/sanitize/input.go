package sanitize

import (
	"bufio"
	"io"
)

// cleanJSON passes JSON text through, repairing what DevTools and older
// exporters write and harcors' reader tolerates, but encoding/json does
// not: raw control characters inside strings (escaped as \u00XX) and NUL
// bytes between tokens or after the end (Firebug pads files with them,
// dropped), and NaN or Infinity for a number (null). A JSONP wrapper
// (harviewer's .harp: "onInputData({...});") is removed, so the output is
// a plain HAR.
type cleanJSON struct {
	r        *bufio.Reader
	inString bool
	escaped  bool
	started  bool
	depth    int
	done     bool
	pending  []byte
}

func newCleanJSON(r *bufio.Reader) *cleanJSON { return &cleanJSON{r: r} }

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
			case b < 0x20:
				const hex = "0123456789abcdef"
				c.pending = []byte{'u', '0', '0', hex[b>>4], hex[b&15]}
				p[n] = '\\'
				n++
				continue
			}
			p[n] = b
			n++
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
