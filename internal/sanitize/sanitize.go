// Package sanitize rewrites a HAR so that it is safe to attach to a bug
// report or a support ticket and still gives the same CORS verdict.
//
// Secrets (cookie values, Authorization and other credential headers,
// tokens in URLs, URL userinfo, JWTs anywhere, secrets in JSON and form
// bodies) become placeholders "REDACTED-n"; the same secret gets the same
// placeholder throughout the file, so that a reader can still see that the
// preflight and the request carried the same token, and the analysis still
// pairs a request with its preflight by URL. Everything a verdict rests on
// is kept: Origin, every Access-Control-* and Sec-Fetch-* header, statuses,
// redirects, _initiator, _resourceType, _error, cookie names and counts.
// Response bodies are dropped unless they are short error bodies, or
// Options.KeepBodies is set.
//
// The HAR is rewritten entry by entry, so memory stays bounded by the
// largest entry, not the file.
package sanitize

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/redact"
)

// Options control a rewrite.
type Options struct {
	// KeepBodies keeps every response body (redacted) and WebSocket
	// message; by default only short error bodies are kept.
	KeepBodies bool
	// Known are values (cookie values, credentials) learnt from the whole
	// file before the rewrite, hidden wherever they reappear as URL
	// parameters. See Learn.
	Known map[string]bool
}

// maxErrorBody is the longest response body of an error status kept by
// default: a short error body ("invalid origin", a JSON error) often says
// why the server refused, a long one is a page.
const maxErrorBody = 2048

// Sanitizer rewrites one HAR.
type Sanitizer struct {
	opt   Options
	red   redact.Redactor
	marks map[string]string
	sc    *scrubber
	// Redacted counts the secrets replaced, for the command's summary.
	Redacted int
	// Bodies counts the response bodies dropped.
	Bodies int
	// scanMax, when set, is how much of each body is read for secrets:
	// Learn's pass, whose output is thrown away, reads only the start of
	// a long body (see learnScan).
	scanMax int
}

// New returns a Sanitizer.
func New(opt Options) *Sanitizer {
	s := &Sanitizer{opt: opt, marks: map[string]string{}}
	s.red = redact.Redactor{Mark: s.mark, Known: opt.Known}
	s.sc = newScrubber(opt.Known)
	return s
}

// mark is the placeholder for secret: the same for the same secret.
func (s *Sanitizer) mark(secret string) string {
	if redact.Placeholder(secret) {
		return secret
	}
	p, ok := s.marks[secret]
	if !ok {
		p = "REDACTED-" + strconv.Itoa(len(s.marks)+1)
		s.marks[secret] = p
	}
	s.Redacted++
	return p
}

// Secrets returns the number of distinct secrets replaced.
func (s *Sanitizer) Secrets() int { return len(s.marks) }

// Error is a failure to read the input, with the byte offset where it
// happened.
type Error struct {
	Offset int64
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("byte %d: %s", e.Offset, e.Msg) }

// Input returns the JSON text of a HAR read from r, unwrapped as harcors'
// reader does (gzip, zlib, a Playwright .zip; up to opt.MaxDecompressed
// bytes), with a UTF-8 byte order mark skipped. Close the Closer once
// done.
func Input(r io.Reader, opt har.Options) (io.Reader, io.Closer, error) {
	in, c, err := har.Unwrap(r, opt)
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	br := bufio.NewReaderSize(in, 64<<10)
	if head, _ := br.Peek(3); bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	return newCleanJSON(br), c, nil
}

// Rewrite reads a HAR's JSON text from r and writes the sanitized HAR to w.
func (s *Sanitizer) Rewrite(w io.Writer, r io.Reader) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	bw := bufio.NewWriterSize(w, 64<<10)
	out := &writer{w: bw}
	if err := s.top(dec, out); err != nil {
		return err
	}
	bw.WriteByte('\n')
	return bw.Flush()
}

// top rewrites the outer object, streaming log.entries.
func (s *Sanitizer) top(dec *json.Decoder, out *writer) error {
	return s.object(dec, out, 1, "a HAR must be a JSON object", "log", func() error {
		return s.object(dec, out, 2, "log must be an object", "entries", func() error {
			return s.entries(dec, out)
		})
	})
}

// object rewrites the object that comes next, its members at level: the
// member named special through f, which streams it, every other one
// decoded, sanitized and written whole.
func (s *Sanitizer) object(dec *json.Decoder, out *writer, level int, what, special string, f func() error) error {
	if err := expectDelim(dec, '{', what); err != nil {
		return err
	}
	out.raw("{")
	first := true
	for dec.More() {
		key, err := keyToken(dec)
		if err != nil {
			return err
		}
		out.key(key, level, first)
		first = false
		if key == special {
			if err := f(); err != nil {
				return err
			}
			continue
		}
		n, err := decodeValue(dec, 0)
		if err != nil {
			return err
		}
		s.generic(n)
		out.value(n, level)
	}
	if _, err := dec.Token(); err != nil {
		return readErr(dec, err)
	}
	out.raw("\n" + indent(level-1) + "}")
	return out.err
}

// entries rewrites log.entries one entry at a time.
func (s *Sanitizer) entries(dec *json.Decoder, out *writer) error {
	if err := expectDelim(dec, '[', "log.entries must be an array"); err != nil {
		return err
	}
	out.raw("[")
	for i := 0; dec.More(); i++ {
		n, err := decodeValue(dec, 0)
		if err != nil {
			return err
		}
		s.entry(n)
		if i > 0 {
			out.raw(",")
		}
		out.raw("\n" + indent(3))
		out.value(n, 3)
	}
	if _, err := dec.Token(); err != nil {
		return readErr(dec, err)
	}
	out.raw("\n" + indent(2) + "]")
	return nil
}

// entry sanitizes one log entry in place.
func (s *Sanitizer) entry(e *node) {
	if e.kind != '{' {
		s.generic(e)
		return
	}
	status := 0
	if resp := e.get("response"); resp != nil && resp.kind == '{' {
		if st := resp.get("status"); st != nil && st.kind == 'n' {
			status, _ = strconv.Atoi(st.s)
		}
	}
	normalizeIP(e)
	for i, k := range e.keys {
		v := e.vals[i]
		switch k {
		case "request":
			s.message(v, true, status)
		case "response":
			s.message(v, false, status)
		case "_webSocketMessages":
			s.webSocket(v)
		default:
			s.generic(v)
		}
	}
}

// normalizeIP makes serverIPAddress valid HAR 1.2 for schema validators:
// Chromium writes "" for a request that got no response and "[::1]" for
// IPv6; the schema wants an IPv4 or IPv6 address, or no member. Nothing is
// lost: the empty member goes, the brackets go.
func normalizeIP(e *node) {
	for i, k := range e.keys {
		if k != "serverIPAddress" || e.vals[i].kind != 's' {
			continue
		}
		v := e.vals[i]
		if v.s == "" {
			e.keys = append(e.keys[:i:i], e.keys[i+1:]...)
			e.vals = append(e.vals[:i:i], e.vals[i+1:]...)
			return
		}
		if strings.HasPrefix(v.s, "[") && strings.HasSuffix(v.s, "]") {
			v.s = v.s[1 : len(v.s)-1]
		}
		return
	}
}

// message sanitizes a request or a response.
func (s *Sanitizer) message(m *node, request bool, status int) {
	if m.kind != '{' {
		s.generic(m)
		return
	}
	for i, k := range m.keys {
		v := m.vals[i]
		switch k {
		case "url", "redirectURL":
			if v.kind == 's' {
				v.s = s.url(v.s)
			}
		case "headers":
			s.headers(v)
		case "cookies":
			s.cookies(v)
		case "queryString":
			s.params(v)
		case "postData":
			s.postData(v)
		case "content":
			if !request {
				s.content(v, status)
			} else {
				s.generic(v)
			}
		case "statusText":
			// The server's free text: an error can name its token.
			if v.kind == 's' {
				v.s = s.text(s.red.Assignments(v.s))
			}
		default:
			s.generic(v)
		}
	}
}

// members calls take on every member of every object in items; elements
// that are not objects, and members take leaves, are sanitized as generic
// values.
func (s *Sanitizer) members(items []*node, take func(obj *node, key string, x *node) bool) {
	for _, o := range items {
		if o.kind != '{' {
			s.generic(o)
			continue
		}
		for i, k := range o.keys {
			if x := o.vals[i]; !take(o, k, x) {
				s.generic(x)
			}
		}
	}
}

func (s *Sanitizer) headers(v *node) {
	if v.kind != '[' {
		s.generic(v)
		return
	}
	var objects []*node
	for _, h := range v.items {
		// Slack's exporter writes a header as ["name", "value"], which
		// the reader takes as the object.
		if h.kind == '[' && len(h.items) == 2 && h.items[0].kind == 's' && h.items[1].kind == 's' {
			name := h.items[0].s
			h.items[0].s = s.sc.scrub(name, s.mark)
			h.items[1].s = s.header(name, h.items[1].s)
			continue
		}
		objects = append(objects, h)
	}
	s.members(objects, func(h *node, k string, x *node) bool {
		switch {
		case k == "value" && x.kind == 's':
			x.s = s.header(h.str("name"), x.s)
		case k == "name" && x.kind == 's':
			// IE's exporter has written whole Set-Cookie lines as names.
			x.s = s.sc.scrub(x.s, s.mark)
		default:
			return false
		}
		return true
	})
}

// header returns the value of header name, redacted.
func (s *Sanitizer) header(name, value string) string {
	if !protected(name) {
		return s.sc.scrub(s.red.Header(name, value), s.mark)
	}
	// The verdict compares these as they are; free-text rules change no
	// origin or header list, but hide a password or token written into
	// one (https://user:pw@app.test).
	return s.red.Text(value)
}

func (s *Sanitizer) cookies(v *node) {
	items := v.items
	switch v.kind {
	case '[':
	case '{':
		// IE11 wrote a lone cookie as an object.
		items = []*node{v}
	default:
		s.generic(v)
		return
	}
	s.members(items, func(_ *node, k string, x *node) bool {
		switch {
		case k == "value" && x.kind == 's':
			if x.s != "" {
				x.s = s.mark(x.s)
			}
		case k == "name" || k == "path" || k == "domain" || k == "expires" || k == "sameSite" || k == "samesite":
		default:
			return false
		}
		return true
	})
}

// params sanitizes a queryString or postData.params list.
func (s *Sanitizer) params(v *node) {
	if v.kind != '[' {
		s.generic(v)
		return
	}
	s.members(v.items, func(p *node, k string, x *node) bool {
		switch {
		case k == "value" && x.kind == 's':
			x.s = s.param(p.str("name"), x.s)
		case k == "name":
		default:
			return false
		}
		return true
	})
}

// param redacts the value of a decoded parameter: as it would be redacted
// in a URL.
func (s *Sanitizer) param(name, value string) string {
	if value == "" || redact.Placeholder(value) {
		return value
	}
	if redact.SensitiveParam(name) || s.opt.Known[strings.TrimSpace(value)] {
		return s.mark(value)
	}
	return s.text(value)
}

func (s *Sanitizer) postData(v *node) {
	if v.kind != '{' {
		s.generic(v)
		return
	}
	mime := v.str("mimeType")
	for i, k := range v.keys {
		x := v.vals[i]
		switch {
		case k == "text" && x.kind == 's':
			x.s = s.body(mime, x.s)
		case k == "params":
			s.params(x)
		case k == "mimeType":
		default:
			s.generic(x)
		}
	}
}

// content drops or redacts a response body.
func (s *Sanitizer) content(v *node, status int) {
	if v.kind != '{' {
		s.generic(v)
		return
	}
	text := v.get("text")
	if text == nil || text.kind != 's' || text.s == "" {
		s.generic(v)
		return
	}
	mime, enc := v.str("mimeType"), v.str("encoding")
	keep := s.opt.KeepBodies || status >= 400 && len(text.s) <= maxErrorBody && enc == ""
	comment := bodyComment
	if n, long := strings.CutPrefix(text.s, longString); long {
		// Left out as it was read (cleanJSON): too long to keep.
		keep, comment = false, "body of "+n+" bytes removed by harcors sanitize: too long to keep"
	}
	if keep {
		if redacted, ok := s.keptBody(mime, enc, text.s); ok {
			for i, k := range v.keys {
				if k != "text" && k != "mimeType" && k != "encoding" {
					s.generic(v.vals[i])
				}
			}
			text.s = redacted
			return
		}
		comment = binaryBodyComment
	}
	s.Bodies++
	keys, vals := v.keys[:0], v.vals[:0]
	hasComment := false
	for i, k := range v.keys {
		switch k {
		case "text", "encoding":
			continue
		case "comment":
			hasComment = true
			v.vals[i] = &node{kind: 's', s: comment}
		default:
			s.generic(v.vals[i])
		}
		keys, vals = append(keys, k), append(vals, v.vals[i])
	}
	if !hasComment {
		keys, vals = append(keys, "comment"), append(vals, &node{kind: 's', s: comment})
	}
	v.keys, v.vals = keys, vals
}

// keptBody redacts a body that is kept: as it is, or, base64-encoded, as
// the text it encodes (some exporters encode every body), encoded again.
// A binary body cannot be redacted: ok is false, and it goes.
func (s *Sanitizer) keptBody(mime, enc, text string) (string, bool) {
	if enc == "" {
		return s.body(mime, text), true
	}
	if !strings.EqualFold(enc, "base64") {
		return "", false
	}
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil || !utf8.Valid(b) {
		return "", false
	}
	return base64.StdEncoding.EncodeToString([]byte(s.body(mime, string(b)))), true
}

// The comments a removed body leaves in its place.
const (
	bodyComment       = "body removed by harcors sanitize (--keep-bodies keeps it)"
	binaryBodyComment = "binary body removed by harcors sanitize: it cannot be redacted"
)

// webSocket drops or redacts the messages of a WebSocket entry.
func (s *Sanitizer) webSocket(v *node) {
	if v.kind != '[' {
		s.generic(v)
		return
	}
	for _, m := range v.items {
		if m.kind != '{' {
			s.generic(m)
			continue
		}
		for i, k := range m.keys {
			x := m.vals[i]
			if k == "data" && x.kind == 's' {
				if s.opt.KeepBodies {
					x.s = s.body("", x.s)
				} else if x.s != "" {
					x.s = ""
					s.Bodies++
				}
				continue
			}
			s.generic(x)
		}
	}
}

var (
	// jsonSecretRE matches a JSON member whose value is a string or a
	// number, for the name to be judged by redact.SensitiveParam.
	jsonSecretRE = regexp.MustCompile(`"((?:[^"\\]|\\.){1,80})"(\s*:\s*)("(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*)`)
	// inputRE matches an HTML <input> tag, whose name says whether its
	// value is a secret (a CSRF token in a framework's error page).
	inputRE = regexp.MustCompile(`(?i)<input\b[^>]*>`)
	// attrRE matches an attribute of a tag, its value quoted or not.
	attrRE = regexp.MustCompile(`(?i)\b(name|value)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)`)
)

// body redacts a request or response body: the values of sensitive members
// of JSON, sensitive form fields, and whatever Text finds (JWTs, URLs with
// tokens, credentials after a scheme).
func (s *Sanitizer) body(mime, text string) string {
	if s.scanMax > 0 && len(text) > s.scanMax {
		text = text[:s.scanMax]
	}
	m := strings.ToLower(mime)
	switch {
	case strings.Contains(m, "x-www-form-urlencoded"):
		return s.sc.scrub(strings.TrimPrefix(s.red.Text("?"+text), "?"), s.mark)
	case strings.Contains(text, `"`) && (strings.Contains(m, "json") || strings.HasPrefix(strings.TrimSpace(text), "{") || strings.HasPrefix(strings.TrimSpace(text), "[")):
		text = redact.ReplaceSubmatch(jsonSecretRE, text, func(sub []string) string {
			if !redact.SensitiveParam(sub[1]) {
				return sub[0]
			}
			v := sub[3]
			if strings.HasPrefix(v, `"`) {
				inner := v[1 : len(v)-1]
				if inner == "" || redact.Placeholder(inner) {
					return sub[0]
				}
				return `"` + sub[1] + `"` + sub[2] + `"` + s.mark(inner) + `"`
			}
			return `"` + sub[1] + `"` + sub[2] + `"` + s.mark(v) + `"`
		})
	}
	text = s.red.Assignments(text)
	if strings.Contains(text, "<input") || strings.Contains(text, "<INPUT") {
		text = inputRE.ReplaceAllStringFunc(text, s.input)
	}
	return s.text(text)
}

// input hides the value of an HTML <input> tag whose name is a secret's.
func (s *Sanitizer) input(tag string) string {
	attrs := attrRE.FindAllStringSubmatchIndex(tag, -1)
	secret := false
	for _, a := range attrs {
		if strings.EqualFold(tag[a[2]:a[3]], "name") && redact.SensitiveParam(strings.Trim(tag[a[4]:a[5]], `"'`)) {
			secret = true
		}
	}
	if !secret {
		return tag
	}
	for i := len(attrs) - 1; i >= 0; i-- {
		a := attrs[i]
		if !strings.EqualFold(tag[a[2]:a[3]], "value") {
			continue
		}
		v, q := redact.Unquote(tag[a[4]:a[5]])
		if v != "" && !redact.Placeholder(v) {
			tag = tag[:a[4]] + q + s.mark(v) + q + tag[a[5]:]
		}
	}
	return tag
}

// text redacts free text: redact's rules, then every learnt secret.
func (s *Sanitizer) text(v string) string {
	if n, long := strings.CutPrefix(v, longString); long {
		return "(a string of " + n + " bytes, left out by harcors sanitize)"
	}
	return s.sc.scrub(s.red.Text(v), s.mark)
}

// url redacts a URL; learnt secrets are hidden after the authority only, so
// that the URL's origin, which the verdict compares, stays.
func (s *Sanitizer) url(u string) string {
	u = s.red.URL(u)
	start := 0
	if i := strings.Index(u, "://"); i >= 0 {
		start = i + 3
		if j := strings.IndexAny(u[start:], "/?#"); j >= 0 {
			start += j
		} else {
			return u
		}
	}
	return u[:start] + s.sc.scrub(u[start:], s.mark)
}

// protected reports whether a header's value is what the verdict rests on
// and holds no secret: it is kept as it is.
func protected(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	return n == "origin" || n == "host" || n == ":authority" || n == ":scheme" || n == ":method" ||
		strings.HasPrefix(n, "access-control-") || strings.HasPrefix(n, "sec-fetch-")
}

// generic redacts every string inside n with redact's free-text rules.
func (s *Sanitizer) generic(n *node) {
	switch n.kind {
	case 's':
		n.s = s.text(n.s)
	case '{':
		for _, v := range n.vals {
			s.generic(v)
		}
	case '[':
		for _, v := range n.items {
			s.generic(v)
		}
	}
}
