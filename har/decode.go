package har

import (
	"encoding/json"
	"github.com/harcors/harcors/har/internal/jsonscan"
	"math"
	"strconv"
	"strings"
	"time"
)

// This file maps HAR objects onto the model. Every reader here is lenient
// in the same way: a value of the wrong type is converted when the meaning
// is plain ("200" for 200, 200 for "200", null for "absent") and otherwise
// skipped with a warning that names its path; the entry is kept. Only
// broken JSON and the limits in errors.go stop the read.
//
// Every object is read by members, one loop for all: a reader here is a
// switch on the member's key, and a key it does not know is skipped.

// readEntry reads one element of log.entries; its '{' is next.
func (r *Reader) readEntry(e *Entry) error {
	s := &r.s
	s.Pos++
	s.Depth++
	r.pushIdx(e.Index)
	e.Time = -1
	e.Request.BodySize = -1
	e.Response.Content.Size = -1
	e.Response.TransferSize = -1
	// chrome-har writes the initiator's type and details apart from
	// _initiator (a string there); they fill in what _initiator lacks.
	var initType, initDetail string
	err := r.members(func(key []byte) (err error) {
		switch string(key) {
		case "startedDateTime":
			e.Started, err = r.timeField("startedDateTime")
		case "time":
			e.Time, err = r.floatField("time", -1)
		case "pageref":
			e.PageRef, err = r.strField("pageref")
		case "request":
			err = r.readRequest(&e.Request)
		case "response":
			err = r.readResponse(e)
		case "_resourceType":
			// Chrome writes "xhr", "preflight"...; chrome-har copies
			// CDP's "XHR", "Preflight", so lower-case it.
			var v string
			v, err = r.strField("_resourceType")
			e.ResourceType = strings.ToLower(v)
		case "_initiator":
			err = r.readInitiator(&e.Initiator)
		case "_initiator_type":
			initType, err = r.strField("_initiator_type")
		case "_initiator_detail":
			initDetail, err = r.strField("_initiator_detail")
		case "_fromCache":
			e.FromCache, err = r.strField("_fromCache")
		case "_error":
			// mitmproxy writes it on the response; accept it here too.
			err = r.errorField("_error", &e.Error)
		case "_failureText":
			// Playwright: on the entry or on its response depending on
			// the version.
			err = r.errorField("_failureText", &e.Error)
		default:
			err = r.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	if e.Initiator.Type == "" {
		e.Initiator.Type = initType
	}
	if initDetail != "" {
		r.initiatorDetail(initDetail, &e.Initiator)
	}
	r.pop()
	s.Depth--
	return nil
}

// initiatorDetail fills in from chrome-har's _initiator_detail, a JSON text
// holding CDP's Initiator ({"type":"preflight","url":...,"requestId":...}).
// It is small and rare, so encoding/json is fine here.
func (r *Reader) initiatorDetail(text string, in *Initiator) {
	var d struct {
		Type      string `json:"type"`
		URL       string `json:"url"`
		RequestID string `json:"requestId"`
	}
	if err := json.Unmarshal([]byte(text), &d); err != nil {
		// No position: the value has been read; name the entry.
		r.warn(jsonscan.Mark{Off: -1}, "_initiator_detail", "not a JSON initiator ("+err.Error()+"); ignored")
		return
	}
	if in.Type == "" {
		in.Type = d.Type
	}
	if in.URL == "" {
		in.URL = d.URL
	}
	if in.RequestID == "" {
		in.RequestID = d.RequestID
	}
}

// readInitiator reads _initiator: Chrome DevTools' object {type, url,
// requestId, stack...}, or a plain URL string (chrome-har, WebPageTest), or
// null.
func (r *Reader) readInitiator(in *Initiator) error {
	s := &r.s
	c, ok := s.Peek()
	if !ok {
		return r.fail(s.EOFErr(), "_initiator")
	}
	if c == '"' {
		v, err := r.strField("_initiator")
		in.URL = v
		return err
	}
	return r.object("_initiator", "an object or a string", func(key []byte) (err error) {
		switch string(key) {
		case "type":
			in.Type, err = r.strField("type")
		case "url":
			in.URL, err = r.strField("url")
		case "requestId":
			in.RequestID, err = r.strField("requestId")
		default:
			err = r.skip()
		}
		return err
	})
}

// errorField reads a failure text (_error, _failureText) into *dst unless
// *dst already holds one: Chrome writes "_error": null on success, which
// must not erase a failure text found elsewhere in the entry.
func (r *Reader) errorField(field string, dst *string) error {
	v, err := r.strField(field)
	if v != "" && *dst == "" {
		*dst = v
	}
	return err
}

func (r *Reader) readRequest(q *Request) error {
	// A missing or null request leaves the zero Request (Playwright's
	// failed entries are close to that already).
	return r.object("request", "an object", func(key []byte) (err error) {
		switch string(key) {
		case "method":
			q.Method, err = r.strField("method")
		case "url":
			q.URL, err = r.strField("url")
		case "httpVersion":
			// Kept as written: "", "unknown", "h3", "me:"
			// (WebPageTest)... it is noise, not validated.
			q.HTTPVersion, err = r.strField("httpVersion")
		case "headers":
			q.Headers, err = r.readHeaders(0)
		case "cookies":
			q.Cookies, err = r.readCookies()
		case "bodySize":
			q.BodySize, err = r.intField("bodySize", -1)
		case "postData":
			err = r.readPostData(q)
		default:
			err = r.skip()
		}
		return err
	})
}

func (r *Reader) readPostData(q *Request) error {
	return r.object("postData", "an object", func(key []byte) (err error) {
		switch string(key) {
		case "mimeType":
			// Charles writes null.
			q.PostMimeType, err = r.strField("mimeType")
		case "text":
			// The body: never held (harcors reads no body), but a
			// problem in it is placed at its name.
			err = r.fail(r.s.SkipValue(), "text")
		default:
			err = r.skip()
		}
		return err
	})
}

// readResponse reads entry.response. Proxyman leaves it out or writes null
// for requests that got no answer; the Response then stays zero (status 0,
// "no response"), with the -1 defaults readEntry set.
func (r *Reader) readResponse(e *Entry) error {
	p := &e.Response
	return r.object("response", "an object", func(key []byte) (err error) {
		switch string(key) {
		case "status":
			// 0: blocked or failed (Chrome, Firefox, Safari, mitmproxy);
			// -1: Playwright; -999: BrowserMob. Kept as they are.
			var v int64
			m := r.s.Mark()
			v, err = r.integer("status", 0, true)
			p.Status = int(v)
			if err == nil && (v >= 1000 || v < 0 && v != -1 && v != -999) {
				// Read as it is (a negative one as no response), but
				// a verdict resting on it should say so.
				r.warn(m, "status", strconv.FormatInt(v, 10)+" is not an HTTP status (100 to 999; 0, -1 or -999 for no response)")
			}
		case "statusText":
			// chrome-har writes "200"; Charles leaves it out.
			p.StatusText, err = r.strField("statusText")
		case "httpVersion":
			p.HTTPVersion, err = r.strField("httpVersion")
		case "headers":
			p.Headers, err = r.readHeaders(1)
		case "cookies":
			p.Cookies, err = r.readCookies()
		case "redirectURL":
			// Charles writes null, Logger++ the string "null".
			p.RedirectURL, err = r.strField("redirectURL")
			if p.RedirectURL == "null" {
				p.RedirectURL = ""
			}
		case "content":
			err = r.readContent(&p.Content)
		case "_transferSize":
			p.TransferSize, err = r.intField("_transferSize", -1)
		case "_error":
			// Chrome and Safari: "net::ERR_FAILED"...; null on success.
			// mitmproxy: the proxy's error text.
			err = r.errorField("_error", &e.Error)
		case "_failureText":
			err = r.errorField("_failureText", &e.Error)
		case "fromDiskCache":
			// chrome-har's spelling of Chrome's _fromCache: "disk".
			var v bool
			v, err = r.boolField("fromDiskCache")
			if v && e.FromCache == "" {
				e.FromCache = "disk"
			}
		default:
			err = r.skip()
		}
		return err
	})
}

// readContent reads response.content. mitmproxy writes {} when there was
// no response; Firefox leaves out size when bodies were not saved.
func (r *Reader) readContent(c *Content) error {
	return r.object("content", "an object", func(key []byte) (err error) {
		switch string(key) {
		case "size":
			c.Size, err = r.intField("size", -1)
		case "mimeType":
			c.MimeType, err = r.strField("mimeType")
		case "encoding":
			c.Encoding, err = r.strField("encoding")
		case "text":
			err = r.fail(r.s.SkipValue(), "text") // as postData.text
		default:
			err = r.skip()
		}
		return err
	})
}

// readHeaders reads a headers list. Elements are {name, value} objects or,
// in Slack's exports, [name, value] arrays. Names keep their case and
// repeated names stay separate, in order. kind is 0 for request headers, 1
// for response headers: each has its own quickHeader cache.
func (r *Reader) readHeaders(kind int) (Headers, error) {
	if ok, err := r.enter("headers", '[', "an array"); !ok {
		return nil, err
	}
	s := &r.s
	hs := r.hdrs[:0]
	for i := 0; ; i++ {
		ok, err := s.NextElem(i == 0)
		if err != nil {
			return nil, r.fail(err, "")
		}
		if !ok {
			break
		}
		if i >= MaxListLen {
			return nil, r.fail(s.ErrHere("more than 10000 elements in one headers list (MaxListLen)"), "")
		}
		c, _ := s.Peek()
		var h Header
		if c == '{' && r.quickHeader(&h, kind) {
			hs = append(hs, h)
			continue
		}
		r.pushIdx(i)
		switch c {
		case '{':
			s.Pos++
			s.Depth++
			err = r.readNameValue(&h.Name, &h.Value)
			s.Depth--
		case '[':
			s.Pos++
			s.Depth++
			err = r.readPair(&h.Name, &h.Value)
			s.Depth--
		case 'n':
			// A null element carries nothing; drop it quietly.
			_, err = s.Word(nil, "null")
			err = r.fail(err, "")
			r.pop()
			if err != nil {
				return nil, err
			}
			continue
		default:
			err = r.skipWarn("", "expected a header object or a [name, value] pair, found "+jsonscan.KindName(c)+"; skipped")
			r.pop()
			if err != nil {
				return nil, err
			}
			continue
		}
		r.pop()
		if err != nil {
			return nil, err
		}
		hs = append(hs, h)
	}
	r.hdrs = hs[:0]
	r.leave()
	if len(hs) == 0 {
		return nil, nil
	}
	out := make(Headers, len(hs))
	copy(out, hs)
	return out, nil
}

// readNameValue reads the members of a {name, value} object whose '{' has
// been consumed.
func (r *Reader) readNameValue(name, value *string) error {
	return r.members(func(key []byte) (err error) {
		switch string(key) {
		case "name":
			*name, err = r.strField("name")
		case "value":
			*value, err = r.strField("value")
		default:
			err = r.skip()
		}
		return err
	})
}

// readPair reads a [name, value] array whose '[' has been consumed
// (Slack's header lists, per mitmproxy's importer). Extra elements are
// ignored.
func (r *Reader) readPair(name, value *string) error {
	s := &r.s
	for i := 0; ; i++ {
		ok, err := s.NextElem(i == 0)
		if err != nil {
			return r.fail(err, "")
		}
		if !ok {
			return nil
		}
		switch i {
		case 0:
			r.pushIdx(0)
			*name, err = r.strField("")
			r.pop()
		case 1:
			r.pushIdx(1)
			*value, err = r.strField("")
			r.pop()
		default:
			err = r.fail(s.SkipValue(), "")
		}
		if err != nil {
			return err
		}
	}
}

// readCookies reads a cookies list. IE11's Network Inspector writes a
// single cookie object instead of an array; it is read as a list of one.
func (r *Reader) readCookies() ([]Cookie, error) {
	s := &r.s
	c, ok := s.Peek()
	if !ok {
		return nil, r.fail(s.EOFErr(), "cookies")
	}
	if c == '{' {
		s.Pos++
		s.Depth++
		r.push("cookies")
		var ck Cookie
		err := r.readCookie(&ck)
		r.leave()
		if err != nil {
			return nil, err
		}
		return []Cookie{ck}, nil
	}
	if ok, err := r.enter("cookies", '[', "an array"); !ok {
		return nil, err
	}
	cs := r.cookies[:0]
	for i := 0; ; i++ {
		ok, err := s.NextElem(i == 0)
		if err != nil {
			return nil, r.fail(err, "")
		}
		if !ok {
			break
		}
		if i >= MaxListLen {
			return nil, r.fail(s.ErrHere("more than 10000 elements in one cookies list (MaxListLen)"), "")
		}
		c, _ := s.Peek()
		r.pushIdx(i)
		switch c {
		case '{':
			var ck Cookie
			if r.knownCookie(&ck) {
				cs = append(cs, ck)
				break
			}
			s.Pos++
			s.Depth++
			// The text is remembered when it is still in the
			// buffer, where it was, and read without a warning.
			buf, base, start, warns, dropped := s.Buf, s.Base, s.Pos, len(r.warns), r.dropped
			err = r.readCookie(&ck)
			s.Depth--
			if err == nil {
				cs = append(cs, ck)
				if s.Base == base && &s.Buf[0] == &buf[0] && len(r.warns) == warns && r.dropped == dropped {
					r.rememberCookie(&ck, s.Buf[start:s.Pos])
				}
			}
		case 'n':
			// Charles writes stray null pairs.
			_, err = s.Word(nil, "null")
			err = r.fail(err, "")
		default:
			err = r.skipWarn("", "expected a cookie object, found "+jsonscan.KindName(c)+"; skipped")
		}
		r.pop()
		if err != nil {
			return nil, err
		}
	}
	r.cookies = cs[:0]
	r.leave()
	if len(cs) == 0 {
		return nil, nil
	}
	out := make([]Cookie, len(cs))
	copy(out, cs)
	return out, nil
}

// readCookie reads the members of a cookie object whose '{' has been
// consumed.
func (r *Reader) readCookie(ck *Cookie) error {
	return r.members(func(key []byte) (err error) {
		switch string(key) {
		case "name":
			ck.Name, err = r.strField("name")
		case "value":
			ck.Value, err = r.strField("value")
		default:
			err = r.skip()
		}
		return err
	})
}

// readCreator reads log.creator or log.browser.
func (r *Reader) readCreator(field string, c *Creator) error {
	return r.object(field, "an object", func(key []byte) (err error) {
		switch string(key) {
		case "name":
			c.Name, err = r.strField("name")
		case "version":
			c.Version, err = r.strField("version")
		default:
			err = r.skip()
		}
		return err
	})
}

// readPages reads log.pages, absent in Charles, Proxyman and Insomnia
// exports and empty in many others.
func (r *Reader) readPages() error {
	if ok, err := r.enter("pages", '[', "an array"); !ok {
		return err
	}
	s := &r.s
	for i := 0; ; i++ {
		ok, err := s.NextElem(i == 0)
		if err != nil {
			return r.fail(err, "")
		}
		if !ok {
			break
		}
		c, _ := s.Peek()
		r.pushIdx(i)
		if c == '{' {
			s.Pos++
			s.Depth++
			var p Page
			err = r.readPage(&p)
			s.Depth--
			r.log.Pages = append(r.log.Pages, p)
		} else {
			err = r.skipWarn("", "expected a page object, found "+jsonscan.KindName(c)+"; skipped")
		}
		r.pop()
		if err != nil {
			return err
		}
	}
	r.leave()
	return nil
}

func (r *Reader) readPage(p *Page) error {
	return r.members(func(key []byte) (err error) {
		switch string(key) {
		case "id":
			p.ID, err = r.strField("id")
		case "title":
			// Firefox 67-74 leave it out.
			p.Title, err = r.strField("title")
		case "startedDateTime":
			p.Started, err = r.timeField("startedDateTime")
		default:
			err = r.skip()
		}
		return err
	})
}

// members reads the members of an object whose '{' has been consumed,
// through its '}', calling member with each key (valid only during the
// call). member reads the value, or skips it (skip) when it does not know
// the key; an error from member ends the object.
func (r *Reader) members(member func(key []byte) error) error {
	s := &r.s
	for first := true; ; first = false {
		key, ok, err := s.NextKey(first)
		if err != nil {
			return r.fail(err, "")
		}
		if !ok {
			return nil
		}
		if err := member(key); err != nil {
			return err
		}
	}
}

// object reads the object that is the value of field with members. A
// value of another type is taken as enter says (want names the types
// expected, for the warning).
func (r *Reader) object(field, want string, member func(key []byte) error) error {
	if ok, err := r.enter(field, '{', want); !ok {
		return err
	}
	if err := r.members(member); err != nil {
		return err
	}
	r.leave()
	return nil
}

// skip skips the value of a member that the reader does not read.
func (r *Reader) skip() error { return r.fail(r.s.SkipValue(), "") }

// enter starts reading the object or array (want is '{' or '[') that is
// the value of field, pushing field on the path; leave ends it. When the
// value is something else, enter consumes it and returns false: null
// quietly (exporters write null for "absent"), any other type with a
// warning.
func (r *Reader) enter(field string, want byte, wantName string) (bool, error) {
	s := &r.s
	c, ok := s.Peek()
	if !ok {
		return false, r.fail(s.EOFErr(), field)
	}
	if c == want {
		s.Pos++
		s.Depth++
		r.push(field)
		return true, nil
	}
	return false, r.wrongType(field, c, wantName)
}

func (r *Reader) leave() {
	r.pop()
	r.s.Depth--
}

// wrongType consumes a value of an unexpected type: null quietly, anything
// else with a warning.
func (r *Reader) wrongType(field string, c byte, want string) error {
	if c == 'n' {
		_, err := r.s.Word(nil, "null")
		return r.fail(err, field)
	}
	return r.skipWarn(field, "expected "+want+", found "+jsonscan.KindName(c)+"; skipped")
}

// skipWarn skips the value of field and records msg as a warning about it.
func (r *Reader) skipWarn(field, msg string) error {
	m := r.s.Mark()
	if err := r.s.SkipValue(); err != nil {
		return r.fail(err, field)
	}
	r.warn(m, field, msg)
	return nil
}

// scalar reads a string, number, boolean or null leniently and returns its
// text: a string decoded, a number or boolean as written, null as nil. For
// objects and arrays it returns isScalar false without consuming them.
func (r *Reader) scalar(field string, limit int) (text []byte, isString, isScalar bool, err error) {
	s := &r.s
	c, ok := s.Peek()
	if !ok {
		return nil, false, false, r.fail(s.EOFErr(), field)
	}
	switch {
	case c == '"':
		m := s.Mark()
		s.Pos++
		b, over, err := s.ReadString(limit)
		if err != nil {
			return nil, true, true, r.fail(err, field)
		}
		if over {
			// Skipped as it was read, never held: the entry is read
			// on without it, and so is the rest of the file (a data:
			// URL of megabytes lost every entry after it).
			r.warn(m, field, "string longer than the "+sizeString(int64(limit))+" limit (MaxStringLen); left out")
			return nil, true, true, nil
		}
		return b, true, true, nil
	case c == 'n':
		_, err := s.Word(nil, "null")
		return nil, false, true, r.fail(err, field)
	case c == 't':
		b, err := s.Word(nil, "true")
		return b, false, true, r.fail(err, field)
	case c == 'f':
		b, err := s.Word(nil, "false")
		return b, false, true, r.fail(err, field)
	case c == '-' || c == 'N' || c == 'I' || c >= '0' && c <= '9':
		b, err := s.ReadNumber()
		return b, false, true, r.fail(err, field)
	case c == '{' || c == '[':
		return nil, false, false, nil
	}
	return nil, false, false, r.fail(s.ErrFound("a value", c), field)
}

// strField reads a string. A number or boolean where a string belongs
// (statusText 200, a numeric pageref or requestId) keeps its text; null
// gives "".
func (r *Reader) strField(field string) (string, error) {
	if b, ok := r.s.QuickString(); ok {
		return r.intern.get(b), nil
	}
	b, _, isScalar, err := r.scalar(field, MaxStringLen)
	if err != nil {
		return "", err
	}
	if !isScalar {
		c, _ := r.s.Peek()
		return "", r.skipWarn(field, "expected a string, found "+jsonscan.KindName(c)+"; skipped")
	}
	return r.intern.get(b), nil
}

// intField reads an integer: a JSON number (a fraction is dropped), or a
// string holding one (Logger++ and WebPageTest write numbers as strings).
// null, "", "null", NaN and Infinity mean unknown and give def.
func (r *Reader) intField(field string, def int64) (int64, error) {
	return r.integer(field, def, false)
}

// integer reads an integer field; with finite set, NaN and the infinities
// are warned about. Python's json module writes them for sizes it could
// not measure, which then stay unknown without a word; a status of NaN or
// 1e400 taken as 0 would read as a request the browser blocked.
func (r *Reader) integer(field string, def int64, finite bool) (int64, error) {
	m := r.s.Mark()
	f, ok, err := r.numeric(field, "an integer")
	if err != nil || !ok {
		return def, err
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		if finite {
			r.warn(m, field, "not a finite number; ignored")
		}
		return def, nil
	}
	if f < math.MinInt64 || f >= math.MaxInt64 {
		r.warn(m, field, "number out of range; ignored")
		return def, nil
	}
	if f != math.Trunc(f) {
		r.warn(m, field, strconv.FormatFloat(f, 'g', -1, 64)+" is not an integer; read as "+strconv.FormatInt(int64(f), 10))
	}
	return int64(f), nil
}

// floatField is intField for fractional numbers (times in milliseconds).
func (r *Reader) floatField(field string, def float64) (float64, error) {
	f, ok, err := r.numeric(field, "a number")
	if err != nil || !ok {
		return def, err
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return def, nil
	}
	return f, nil
}

// numeric reads a number leniently for intField and floatField; ok is false
// for "unknown" (null, "", "null") and for values it warned about.
func (r *Reader) numeric(field, want string) (f float64, ok bool, err error) {
	if f, ok := r.s.QuickNumber(); ok {
		return f, true, nil
	}
	m := r.s.Mark()
	b, isString, isScalar, err := r.scalar(field, MaxStringLen)
	if err != nil {
		return 0, false, err
	}
	if !isScalar {
		c, _ := r.s.Peek()
		return 0, false, r.skipWarn(field, "expected "+want+", found "+jsonscan.KindName(c)+"; skipped")
	}
	if b == nil {
		return 0, false, nil // null
	}
	if isString {
		b = trimSpace(b)
		if len(b) == 0 || string(b) == "null" {
			return 0, false, nil
		}
	}
	if n, ok := parseSmallInt(b); ok {
		return float64(n), true, nil
	}
	if !isString && (b[0] == 't' || b[0] == 'f') {
		r.warn(m, field, "expected "+want+", found a boolean; ignored")
		return 0, false, nil
	}
	f, perr := strconv.ParseFloat(string(b), 64)
	if perr != nil && !isRangeErr(perr) {
		r.warn(m, field, "expected "+want+", found "+quoteShort(b)+"; ignored")
		return 0, false, nil
	}
	return f, true, nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// parseSmallInt parses an optionally signed run of at most 18 digits, the
// common case, without strconv.
func parseSmallInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg = true
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// boolField reads a boolean: true/false, or the strings "true", "false",
// "1", "0" and the numbers 1 and 0 that some exporters write; null is false.
func (r *Reader) boolField(field string) (bool, error) {
	m := r.s.Mark()
	b, isString, isScalar, err := r.scalar(field, MaxStringLen)
	if err != nil {
		return false, err
	}
	if !isScalar {
		c, _ := r.s.Peek()
		return false, r.skipWarn(field, "expected a boolean, found "+jsonscan.KindName(c)+"; skipped")
	}
	if isString {
		b = trimSpace(b)
	}
	switch {
	case b == nil, len(b) == 0:
		return false, nil
	case string(b) == "true", string(b) == "1", strings.EqualFold(string(b), "true"):
		return true, nil
	case string(b) == "false", string(b) == "0", strings.EqualFold(string(b), "false"):
		return false, nil
	}
	if !isString {
		if f, err := strconv.ParseFloat(string(b), 64); err == nil {
			return f != 0, nil
		}
	}
	r.warn(m, field, "expected a boolean, found "+quoteShort(b)+"; ignored")
	return false, nil
}

// timeField reads startedDateTime. "" (Safari, when it does not know) and
// null give the zero time quietly; anything unparsable gives the zero time
// and a warning.
func (r *Reader) timeField(field string) (time.Time, error) {
	m := r.s.Mark()
	b, isString, isScalar, err := r.scalar(field, MaxStringLen)
	if err != nil {
		return time.Time{}, err
	}
	if !isScalar {
		c, _ := r.s.Peek()
		return time.Time{}, r.skipWarn(field, "expected a date string, found "+jsonscan.KindName(c)+"; skipped")
	}
	if len(b) == 0 {
		return time.Time{}, nil
	}
	if !isString {
		r.warn(m, field, "expected a date string, found "+quoteShort(b)+"; ignored")
		return time.Time{}, nil
	}
	t, zoned, ok := r.parseTime(b)
	if !ok {
		r.warn(m, field, "not a date: "+quoteShort(b)+"; ignored")
		return time.Time{}, nil
	}
	if !zoned {
		r.warn(m, field, "date without a time zone: "+quoteShort(b)+"; read as UTC")
	}
	return t, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// quoteShort quotes a value for a warning, cut to 40 bytes: warnings must
// not echo a long header value (it may be a token).
func quoteShort(b []byte) string {
	if len(b) > 40 {
		return strconv.Quote(string(b[:40])) + "..."
	}
	return strconv.Quote(string(b))
}
