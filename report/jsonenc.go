package report

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/internal/textsafe"
)

// A capture with one misconfigured server gives tens of thousands of
// findings that repeat a handful of texts. Encoding each with encoding/json
// (reflection, an indent pass, jsonSafe over the bytes) and redacting each
// text again took a quarter of a JSON run's CPU; the lists' elements are
// written here by hand instead, in the layout writeJSON gives them, and a
// text is cleaned and escaped once for all its repeats.
// TestElemEncoderMatches checks the bytes against encoding/json.

// elemEncoder appends the elements of a file's findings and requests lists.
// One per goroutine: its memos are not shared.
type elemEncoder struct {
	c cleaner
	// cleaned maps a text from the HAR to its cleaned, encoded form; plain
	// a text written as it is (file, method, rule) to its encoded form.
	cleaned, plain map[string]string
}

// memoMax bounds each memo of an elemEncoder; memoLen is the longest text
// it keeps (a URL of kilobytes is seldom repeated).
const (
	memoMax = 4096
	memoLen = 2048
)

func newElemEncoder(c cleaner) *elemEncoder {
	return &elemEncoder{c: c, cleaned: map[string]string{}, plain: map[string]string{}}
}

// text appends s cleaned (see cleaner.text; urls are cleaned the same way)
// as a JSON string.
func (e *elemEncoder) text(b []byte, s string) []byte {
	return e.memo(b, s, true)
}

// str appends s as a JSON string.
func (e *elemEncoder) str(b []byte, s string) []byte {
	return e.memo(b, s, false)
}

// memo appends s, cleaned when clean is set, as a JSON string,
// remembering the encoding of short texts: causes, fixes and messages
// repeat across thousands of findings.
func (e *elemEncoder) memo(b []byte, s string, clean bool) []byte {
	if s == "" {
		return append(b, `""`...)
	}
	m, v := e.plain, s
	if clean {
		m = e.cleaned
	}
	if enc, ok := m[s]; ok {
		return append(b, enc...)
	}
	if clean {
		v = e.c.text(s)
	}
	start := len(b)
	b = appendJSONString(b, v)
	if len(s) <= memoLen {
		if len(m) >= memoMax {
			clear(m)
		}
		m[s] = string(b[start:])
	}
	return b
}

// The layout of an element of a file's list: members one a line, indented
// as writeJSON indents them at that depth.
const (
	elemMember = "\n          \""
	elemClose  = "\n        }"
)

func member(b []byte, key string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, elemMember...)
	b = append(b, key...)
	return append(b, `": `...)
}

func appendIndex(b []byte, i int) []byte {
	if i < 0 {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(i), 10)
}

// finding appends f as jsonFinding and writeJSON would write it.
func (e *elemEncoder) finding(b []byte, f *analyze.Finding) []byte {
	b = append(b, '{')
	b = e.str(member(b, "file", true), f.File)
	b = strconv.AppendInt(member(b, "entry", false), int64(f.Entry), 10)
	b = appendIndex(member(b, "preflight", false), f.Preflight)
	b = strconv.AppendInt(member(b, "line", false), int64(f.Line), 10)
	b = e.text(member(b, "url", false), f.URL)
	b = e.str(member(b, "method", false), f.Method)
	b = e.text(member(b, "origin", false), f.Origin)
	b = e.str(member(b, "rule", false), f.Rule.ID)
	b = e.str(member(b, "title", false), f.Rule.Title)
	b = e.str(member(b, "severity", false), f.Severity.String())
	b = e.str(member(b, "chromium", false), string(f.Chromium))
	b = e.str(member(b, "firefox", false), f.Firefox)
	b = e.text(member(b, "message", false), f.Message)
	b = e.text(member(b, "firefoxMessage", false), f.FirefoxMessage)
	b = e.text(member(b, "value", false), f.Value)
	b = strconv.AppendInt(member(b, "status", false), int64(f.Status), 10)
	b = e.text(member(b, "cause", false), f.Cause)
	b = e.text(member(b, "fix", false), f.Fix)
	b = e.str(member(b, "stack", false), string(f.Stack))
	b = e.str(member(b, "credentials", false), string(f.Credentials))
	b = e.text(member(b, "credentialsBasis", false), f.CredentialsBasis)
	b = strconv.AppendBool(member(b, "preflightCaptured", false), f.PreflightCaptured)
	b = strconv.AppendInt(member(b, "count", false), int64(max(f.Count, 1)), 10)
	b = e.str(member(b, "group", false), f.Group)
	b = appendJSONString(member(b, "replay", false), replayCommand(f, e.c))
	b = e.text(member(b, "console", false), f.Console)
	return append(b, elemClose...)
}

// request appends q as jsonRequest and writeJSON would write it.
func (e *elemEncoder) request(b []byte, q *analyze.Request) ([]byte, error) {
	b = append(b, '{')
	b = strconv.AppendInt(member(b, "entry", true), int64(q.Entry), 10)
	b = appendIndex(member(b, "preflight", false), q.Preflight)
	b = strconv.AppendInt(member(b, "line", false), int64(q.Line), 10)
	b = e.text(member(b, "url", false), q.URL)
	b = e.str(member(b, "method", false), q.Method)
	b = e.text(member(b, "origin", false), q.Origin)
	b = strconv.AppendInt(member(b, "status", false), int64(q.Status), 10)
	b = e.str(member(b, "verdict", false), string(q.Verdict))
	b = e.str(member(b, "rule", false), q.Rule)
	b, err := appendJSONFloat(member(b, "preflightMs", false), q.PreflightTime)
	return append(b, elemClose...), err
}

// appendJSONFloat appends f as encoding/json writes a float64.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		_, err := json.Marshal(f) // encoding/json's own error
		return b, err
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 is written e-9.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json quotes it without HTML
// escaping (invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped), with what
// jsonSafe escapes besides: DEL and the dangerous characters from U+0080.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029' || textsafe.Dangerous(r):
			b = append(b, s[start:i]...)
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				b = appendU(appendU(b, r1), r2)
			} else {
				b = appendU(b, r)
			}
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendU appends \uXXXX for r, in lower-case hex.
func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}
