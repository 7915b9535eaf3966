package sanitize

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// node is one JSON value of an entry, with object members in file order
// (a map would reorder them, and a HAR reader that reads "name" before
// "value" is not wrong to expect them as written).
type node struct {
	kind  byte // '{', '[', 's' string, 'n' number, 'b' true/false, 'z' null
	keys  []string
	vals  []*node
	items []*node
	s     string // a string's value, a number's or a literal's text
}

// get is the member key of an object; of a key given twice, the last, as
// harcors' reader and JSON readers take it: a header whose second "name"
// is Cookie is a Cookie header.
func (n *node) get(key string) *node {
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == key {
			return n.vals[i]
		}
	}
	return nil
}

// str is the string member key, "" when absent or not a string.
func (n *node) str(key string) string {
	if v := n.get(key); v != nil && v.kind == 's' {
		return v.s
	}
	return ""
}

// maxDepth bounds the nesting of a value: a crafted file of a million '['
// must not exhaust the stack.
const maxDepth = 200

func decodeValue(dec *json.Decoder, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, &Error{Offset: dec.InputOffset(), Msg: "values nested too deep"}
	}
	t, err := dec.Token()
	if err != nil {
		return nil, readErr(dec, err)
	}
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '{':
			n := &node{kind: '{'}
			for dec.More() {
				k, err := keyToken(dec)
				if err != nil {
					return nil, err
				}
				c, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k)
				n.vals = append(n.vals, c)
			}
			if _, err := dec.Token(); err != nil {
				return nil, readErr(dec, err)
			}
			return n, nil
		case '[':
			n := &node{kind: '['}
			for dec.More() {
				c, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, c)
			}
			if _, err := dec.Token(); err != nil {
				return nil, readErr(dec, err)
			}
			return n, nil
		}
		return nil, &Error{Offset: dec.InputOffset(), Msg: "unexpected " + v.String()}
	case string:
		return &node{kind: 's', s: v}, nil
	case json.Number:
		return &node{kind: 'n', s: v.String()}, nil
	case bool:
		if v {
			return &node{kind: 'b', s: "true"}, nil
		}
		return &node{kind: 'b', s: "false"}, nil
	case nil:
		return &node{kind: 'z', s: "null"}, nil
	}
	return nil, &Error{Offset: dec.InputOffset(), Msg: "unexpected token"}
}

func keyToken(dec *json.Decoder) (string, error) {
	t, err := dec.Token()
	if err != nil {
		return "", readErr(dec, err)
	}
	k, ok := t.(string)
	if !ok {
		return "", &Error{Offset: dec.InputOffset(), Msg: "object key expected"}
	}
	return k, nil
}

func expectDelim(dec *json.Decoder, d json.Delim, msg string) error {
	t, err := dec.Token()
	if err != nil {
		return readErr(dec, err)
	}
	if got, ok := t.(json.Delim); !ok || got != d {
		return &Error{Offset: dec.InputOffset(), Msg: msg}
	}
	return nil
}

func readErr(dec *json.Decoder, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	msg := err.Error()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &Error{Offset: se.Offset, Msg: "invalid JSON: " + msg}
	}
	return &Error{Offset: dec.InputOffset(), Msg: strings.TrimPrefix(msg, "json: ")}
}

// writer writes JSON indented by two spaces, as DevTools does.
type writer struct {
	w interface {
		io.Writer
		io.ByteWriter
		io.StringWriter
	}
	err error
	buf bytes.Buffer
}

func (o *writer) raw(s string) {
	if o.err == nil {
		_, o.err = o.w.WriteString(s)
	}
}

func indent(level int) string { return strings.Repeat("  ", level) }

// key writes a member's key at level, after a comma unless first.
func (o *writer) key(k string, level int, first bool) {
	if !first {
		o.raw(",")
	}
	o.raw("\n" + indent(level))
	o.str(k)
	o.raw(": ")
}

func (o *writer) str(s string) {
	o.buf.Reset()
	enc := json.NewEncoder(&o.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil && o.err == nil {
		o.err = err
		return
	}
	o.raw(strings.TrimSuffix(o.buf.String(), "\n"))
}

// value writes n, whose first line is already indented to level.
func (o *writer) value(n *node, level int) {
	switch n.kind {
	case '{':
		if len(n.keys) == 0 {
			o.raw("{}")
			return
		}
		o.raw("{")
		for i, k := range n.keys {
			o.key(k, level+1, i == 0)
			o.value(n.vals[i], level+1)
		}
		o.raw("\n" + indent(level) + "}")
	case '[':
		if len(n.items) == 0 {
			o.raw("[]")
			return
		}
		o.raw("[")
		for i, c := range n.items {
			if i > 0 {
				o.raw(",")
			}
			o.raw("\n" + indent(level+1))
			o.value(c, level+1)
		}
		o.raw("\n" + indent(level) + "]")
	case 's':
		o.str(n.s)
	default:
		o.raw(n.s)
	}
}
