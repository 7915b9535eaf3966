// Package textsafe keeps text from an untrusted input (a HAR, a pasted
// console line) from driving whatever shows it: every output of harcors,
// reports and subcommands alike, escapes through it.
package textsafe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// A HAR is untrusted input: a header value or a URL can hold terminal escape
// sequences (ESC [ 2 J clears the screen, OSC 8 forges a hyperlink, OSC 52
// writes the clipboard), bidi overrides that make a line read differently
// from what it holds ("Trojan Source", CVE-2021-42574), or raw newlines that
// forge extra table rows or Markdown lines. Nothing from the HAR reaches the
// output raw: every such character becomes a visible escape.

// Dangerous reports whether r must not be written raw: C0 and C1 controls
// and DEL (unicode.IsControl), format characters such as the bidi
// embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the
// marks U+200E/U+200F/U+061C, zero-width characters and the BOM (Cf), and
// the line and paragraph separators (Zl, Zp) that some renderers treat as
// newlines.
func Dangerous(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// Escape replaces every dangerous character of s with a visible escape:
// \n, \r, \t, \xHH for other bytes below 0x80 and for invalid UTF-8, and
// \uHHHH (\UHHHHHHHH beyond the BMP) for the rest, so "\x1b[2J" prints as the
// eight characters `\x1b[2J` and U+202E as `\u202e`. It is used for the
// table, Markdown and SARIF, whose readers are terminals, browsers and
// code-scanning UIs, and for the subcommands' text.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && Dangerous(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case r > 0xffff && Dangerous(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		case Dangerous(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// needsEscape reports whether Escape would change s.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			// Non-ASCII needs a closer look; ASCII controls always escape.
			if c >= 0x80 {
				for _, r := range s[i:] {
					if r == utf8.RuneError || Dangerous(r) {
						return true
					}
				}
				return false
			}
			return true
		}
	}
	return false
}

// JSON rewrites encoded JSON so that no dangerous character stands raw in
// it. encoding/json already escapes C0 controls and U+2028/U+2029 and
// replaces invalid UTF-8, but writes C1 controls and the bidi and other
// format characters as they are; a terminal that shows the JSON would obey
// them. They can only occur inside JSON strings, where \uXXXX is an exact
// equivalent, so a program decoding the output gets the HAR's value back
// unchanged while a person reading it sees the escape.
func JSON(data []byte) []byte {
	clean := true
	for _, r := range string(data) {
		// DEL can only stand inside a string in encoded JSON, where
		// encoding/json leaves it raw; escape it like the rest.
		if r == 0x7f || r >= 0x80 && Dangerous(r) {
			clean = false
			break
		}
	}
	if clean {
		return data
	}
	var b bytes.Buffer
	b.Grow(len(data) + 32)
	for _, r := range string(data) {
		if r < 0x7f || r >= 0x80 && !Dangerous(r) {
			b.WriteRune(r)
			continue
		}
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.Bytes()
}

// WriteJSON encodes v indented, without HTML escaping (the output is not
// embedded in HTML, and "\u003credacted\u003e" would hide the marker from
// people reading it), and with dangerous characters \u-escaped (JSON).
func WriteJSON(buf *bytes.Buffer, v any) error {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Write(JSON(raw.Bytes()))
	return nil
}
