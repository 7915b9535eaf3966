package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The -shapes converter rewrites each recorded Chromium HAR into the shape
// another exporter would have written for the same traffic, so the analyzer
// can be tested on every exporter's quirks with ground truth attached (the
// verdict is copied beside each file, with harEntries set to the new count).
//
// It only reshapes: it never invents traffic. A proxy is given the requests
// that reached the network; a browser exporter keeps what its own tool
// shows. What each shape does, and where each detail comes from
// (/work/shared/HAR-NOTES.md §2 and the exporters' source it cites):
//
//   - firefox: Firefox DevTools' har-builder.js. creator and browser
//     "Firefox"; no _initiator/_resourceType/_priority/_error/_transferSize
//     (Firefox has no blocked-reason field); header names in Title-Case,
//     also for h2 (§2.2, corpus Firefox 111/140); preflights stay as plain
//     OPTIONS rows (firefox-devtools/ux#138); a request that was never sent
//     has status 0, statusText/httpVersion "", headers [] and zeroed
//     timings (§2.2, Firefox 47 corpus file); a response that arrived but
//     failed CORS keeps its status and headers with nothing marking it;
//     startedDateTime in local time with a numeric offset (dateToHarString),
//     here a fixed +01:00 so re-conversion is stable.
//   - safari: WebKit's HARBuilder.js. creator "WebKit Web Inspector" 1.0;
//     headers come from a dictionary, so repeated names are merged into one
//     ", "-joined header (two Access-Control-Allow-Origin lines become one
//     "a, b"); _fetchType, _priority, _transferSize; failed loads keep
//     status 0 and an _error (WebKit's failureReasonText: its CORS wording
//     was not observed, so Chromium's text is kept); toISOString() times;
//     one page "page_0" with empty pageTimings. Whether Safari lists
//     preflights is unverified: they are kept as plain OPTIONS entries.
//   - charles: a proxy. Only requests that reached the network (a request
//     blocked at its preflight never leaves the browser, so it is dropped);
//     no pages; local time with offset (-07:00 as in the corpus file);
//     _charlesStatus "COMPLETE"; no browser fields and no error marker: a
//     response the browser rejected looks normal. content.size comes from
//     Content-Length because Chrome did not keep the body of a rejected
//     response.
//   - fiddler: a proxy like charles. UTF-8 BOM; startedDateTime with 7
//     fractional digits and an offset (Fiddler 4.6 corpus file);
//     creator.comment "https://fiddler2.com"; log.comment "exported @ ...".
//   - mitmproxy: a proxy (savehar.py). pages []; isoformat() times with
//     microseconds and "+00:00"; timings only connect, ssl, send, wait,
//     receive; _error only for flows the proxy itself saw fail (none here:
//     every request that reached the network got an answer).
//   - playwright: harTracer.ts. creator "Playwright", browser "chromium";
//     preflights are never recorded; a failed request keeps status -1,
//     headers [] (request and response), content size -1, time -1, timings
//     send/wait/receive -1 and gets _failureText (net::ERR_FAILED); pages
//     "page@<hash>"; cache {beforeRequest: null, afterRequest: null}.
//
// Because the source is Chrome's sanitized export, no shape has Cookie,
// Authorization or Set-Cookie headers, although a proxy's real export would.

var shapeNames = []string{"firefox", "safari", "charles", "fiddler", "mitmproxy", "playwright"}

// ordered is a JSON object that keeps its key order.
type ordered []kv

type kv struct {
	K string
	V any
}

func (o ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p.K)
		b.Write(k)
		b.WriteByte(':')
		v, err := marshalCompact(p.V)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshalCompact(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func convertShapes(in, out string) (int, error) {
	files, err := filepath.Glob(filepath.Join(in, "*.har"))
	if err != nil {
		return 0, err
	}
	if len(files) == 0 {
		return 0, fmt.Errorf("no HAR files in %s", in)
	}
	sort.Strings(files)
	n := 0
	for _, shape := range shapeNames {
		dir := filepath.Join(out, shape)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return n, err
		}
		// Start clean, so removed scenarios do not linger.
		old, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, f := range old {
			os.Remove(f)
		}
		for _, f := range files {
			id := strings.TrimSuffix(filepath.Base(f), ".har")
			var src harFile
			if err := readJSON(f, &src); err != nil {
				return n, err
			}
			var v Verdict
			if err := readJSON(filepath.Join(in, id+".verdict.json"), &v); err != nil {
				return n, err
			}
			doc, entries := convert(shape, &src, &v)
			var data []byte
			switch shape {
			case "fiddler":
				// Fiddler writes one line, after a BOM.
				data, err = marshalCompact(doc)
				data = append([]byte("\xef\xbb\xbf"), data...)
			default:
				data, err = marshalIndent(doc)
			}
			if err != nil {
				return n, err
			}
			if err := os.WriteFile(filepath.Join(dir, id+".har"), data, 0o644); err != nil {
				return n, err
			}
			v.HAREntries = entries
			vb, err := marshalJS(v)
			if err != nil {
				return n, err
			}
			if err := os.WriteFile(filepath.Join(dir, id+".verdict.json"), append(vb, '\n'), 0o644); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

func marshalIndent(v any) ([]byte, error) {
	b, err := marshalCompact(v)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// sent reports whether the request reached the network: Chrome exports a
// request blocked before sending (at its preflight) with status 0 and no
// response headers.
func sent(e *harEntry) bool { return e.Response.Status != 0 || len(e.Response.Headers) > 0 }

func failed(e *harEntry) bool { return e.Response.Error != nil && *e.Response.Error != "" }

func startedAt(e *harEntry) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, e.StartedDateTime)
	return t
}

func titleCase(name string) string {
	if strings.HasPrefix(name, ":") {
		return name
	}
	parts := strings.Split(strings.ToLower(name), "-")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "-")
}

func nameValues(hs []Header, rename func(string) string) []ordered {
	out := []ordered{}
	for _, h := range hs {
		n := h.Name
		if rename != nil {
			n = rename(n)
		}
		out = append(out, ordered{{"name", n}, {"value", h.Value}})
	}
	return out
}

// mergedHeaders is WebKit's dictionary: one header per name (first
// spelling wins), repeated values joined with ", ".
func mergedHeaders(hs []Header) []ordered {
	var order []string
	vals := map[string][]string{}
	spelling := map[string]string{}
	for _, h := range hs {
		k := strings.ToLower(h.Name)
		if _, ok := vals[k]; !ok {
			order = append(order, k)
			spelling[k] = h.Name
		}
		vals[k] = append(vals[k], h.Value)
	}
	out := []ordered{}
	for _, k := range order {
		out = append(out, ordered{{"name", spelling[k]}, {"value", strings.Join(vals[k], ", ")}})
	}
	return out
}

func contentLength(hs []Header) float64 {
	v, ok := headerValue(hs, "Content-Length")
	if !ok {
		return 0
	}
	n, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
	return n
}

func contentType(hs []Header) string {
	v, _ := headerValue(hs, "Content-Type")
	return v
}

func chromeVersion(v *Verdict) string {
	return strings.TrimPrefix(v.Browser, "Chromium ")
}

// convert builds one exporter's document and returns it with its entry
// count.
func convert(shape string, src *harFile, v *Verdict) (any, int) {
	var entries []ordered
	var pages []ordered
	page := ordered(nil)
	if len(src.Log.Pages) > 0 {
		p := src.Log.Pages[0]
		page = ordered{{"startedDateTime", p.StartedDateTime}, {"id", p.ID}, {"title", p.Title},
			{"pageTimings", ordered{{"onContentLoad", p.PageTimings.OnContentLoad}, {"onLoad", p.PageTimings.OnLoad}}}}
	}
	cet := time.FixedZone("", 3600)
	pdt := time.FixedZone("", -7*3600)
	for i := range src.Log.Entries {
		e := &src.Log.Entries[i]
		isPreflight := e.ResourceType == "preflight"
		switch shape {
		case "firefox":
			fe := firefoxEntry(e, cet)
			if page != nil {
				fe = append(ordered{{"pageref", src.Log.Pages[0].ID}}, fe...)
			}
			entries = append(entries, fe)
		case "safari":
			entries = append(entries, safariEntry(e))
		case "charles", "fiddler", "mitmproxy":
			if !sent(e) {
				continue
			}
			entries = append(entries, proxyEntry(shape, e, pdt))
		case "playwright":
			if isPreflight {
				continue
			}
			pe := playwrightEntry(e)
			for j := range pe {
				if pe[j].K == "pageref" {
					pe[j].V = "page@" + pageHash(v)
				}
			}
			entries = append(entries, pe)
		}
	}
	if entries == nil {
		entries = []ordered{}
	}
	var log ordered
	switch shape {
	case "firefox":
		ver := "147.0"
		log = ordered{{"version", "1.2"}, {"creator", ordered{{"name", "Firefox"}, {"version", ver}}},
			{"browser", ordered{{"name", "Firefox"}, {"version", ver}}}}
		if page != nil {
			p := src.Log.Pages[0]
			t, _ := time.Parse(time.RFC3339Nano, p.StartedDateTime)
			pages = append(pages, ordered{{"startedDateTime", t.In(cet).Format("2006-01-02T15:04:05.000-07:00")}, {"id", p.ID}, {"title", p.Title}, {"pageTimings", page[3].V}})
		}
		log = append(log, kv{"pages", nonNil(pages)}, kv{"entries", entries})
	case "safari":
		log = ordered{{"version", "1.2"}, {"creator", ordered{{"name", "WebKit Web Inspector"}, {"version", "1.0"}}}}
		if page != nil {
			p := src.Log.Pages[0]
			pages = append(pages, ordered{{"startedDateTime", p.StartedDateTime}, {"id", "page_0"}, {"title", p.Title}, {"pageTimings", ordered{}}})
		}
		log = append(log, kv{"pages", nonNil(pages)}, kv{"entries", entries})
	case "charles":
		log = ordered{{"version", "1.2"}, {"creator", ordered{{"name", "Charles Proxy"}, {"version", "4.6.4"}}}, {"entries", entries}}
	case "fiddler":
		log = ordered{{"version", "1.2"}, {"creator", ordered{{"name", "Fiddler"}, {"version", "4.6.2.0"}, {"comment", "https://fiddler2.com"}}},
			{"entries", entries}, {"comment", "exported @ " + firstTime(src).In(cet).Format("1/2/2006 3:04:05 PM")}}
	case "mitmproxy":
		log = ordered{{"version", "1.2"}, {"creator", ordered{{"name", "mitmproxy"}, {"version", "11.1.3"}, {"comment", ""}}},
			{"pages", []ordered{}}, {"entries", entries}}
	case "playwright":
		log = ordered{{"version", "1.2"}, {"creator", ordered{{"name", "Playwright"}, {"version", "1.55.0"}}},
			{"browser", ordered{{"name", "chromium"}, {"version", chromeVersion(v)}}}}
		if page != nil {
			p := src.Log.Pages[0]
			pages = append(pages, ordered{{"startedDateTime", p.StartedDateTime}, {"id", "page@" + pageHash(v)}, {"title", p.Title},
				{"pageTimings", ordered{{"onContentLoad", p.PageTimings.OnContentLoad}, {"onLoad", p.PageTimings.OnLoad}}}})
		}
		log = append(log, kv{"pages", nonNil(pages)}, kv{"entries", entries})
	}
	return ordered{{"log", log}}, len(entries)
}

func nonNil(p []ordered) []ordered {
	if p == nil {
		return []ordered{}
	}
	return p
}

func firstTime(src *harFile) time.Time {
	if len(src.Log.Entries) > 0 {
		return startedAt(&src.Log.Entries[0])
	}
	return time.Unix(0, 0)
}

// pageHash is a stable stand-in for Playwright's page guid.
func pageHash(v *Verdict) string {
	h := uint32(2166136261)
	for _, c := range []byte(v.Stack + "--" + v.Scenario) {
		h = (h ^ uint32(c)) * 16777619
	}
	return fmt.Sprintf("%08x", h)
}

func queryOf(e *harEntry) []ordered { return nameValues(e.Request.QueryString, nil) }

func postDataOf(e *harEntry) any {
	if e.Request.PostData == nil {
		return nil
	}
	return ordered{{"mimeType", e.Request.PostData.MimeType}, {"params", []ordered{}}, {"text", e.Request.PostData.Text}}
}

func firefoxEntry(e *harEntry, zone *time.Location) ordered {
	started := startedAt(e).In(zone).Format("2006-01-02T15:04:05.000-07:00")
	req := ordered{{"bodySize", e.Request.BodySize}, {"method", e.Request.Method}, {"url", e.Request.URL},
		{"httpVersion", e.Request.HTTPVersion}, {"headers", nameValues(e.Request.Headers, titleCase)},
		{"cookies", []ordered{}}, {"queryString", queryOf(e)}, {"headersSize", e.Request.HeadersSize}}
	if pd := postDataOf(e); pd != nil {
		req = append(req, kv{"postData", pd})
	}
	if !sent(e) {
		// Firefox: a request that never got a response is all zeros.
		req[3].V = "HTTP/1.1"
		return ordered{{"startedDateTime", started}, {"request", req},
			{"response", ordered{{"status", 0}, {"statusText", ""}, {"httpVersion", ""}, {"headers", []ordered{}},
				{"cookies", []ordered{}}, {"content", ordered{{"mimeType", ""}, {"size", 0}, {"encoding", "base64"}, {"text", ""}}},
				{"redirectURL", ""}, {"headersSize", 0}, {"bodySize", 0}}},
			{"cache", ordered{}}, {"timings", ordered{{"blocked", 0}, {"dns", 0}, {"connect", 0}, {"ssl", 0}, {"send", 0}, {"wait", 0}, {"receive", 0}}},
			{"time", 0}, {"_securityState", "insecure"}}
	}
	size := e.Response.Content.Size
	if failed(e) {
		size = jsNum(contentLength(e.Response.Headers))
	}
	mime := contentType(e.Response.Headers)
	t := e.Timings
	pos := func(n jsNum) jsNum {
		if n < 0 {
			return 0
		}
		return n
	}
	out := ordered{{"startedDateTime", started}, {"request", req},
		{"response", ordered{{"status", e.Response.Status}, {"statusText", e.Response.StatusText}, {"httpVersion", "HTTP/1.1"},
			{"headers", nameValues(e.Response.Headers, titleCase)}, {"cookies", []ordered{}},
			{"content", ordered{{"mimeType", mime}, {"size", size}}},
			{"redirectURL", e.Response.RedirectURL}, {"headersSize", e.Response.HeadersSize}, {"bodySize", size}}},
		{"cache", ordered{}},
		{"timings", ordered{{"blocked", pos(t.Blocked)}, {"dns", pos(t.DNS)}, {"connect", pos(t.Connect)}, {"ssl", pos(t.SSL)},
			{"send", t.Send}, {"wait", t.Wait}, {"receive", t.Receive}}},
		{"time", e.Time}, {"_securityState", "insecure"}}
	if e.ServerIPAddress != "" {
		out = append(out, kv{"serverIPAddress", e.ServerIPAddress})
	}
	if e.Connection != nil {
		out = append(out, kv{"connection", *e.Connection})
	}
	return out
}

func safariEntry(e *harEntry) ordered {
	req := ordered{{"method", e.Request.Method}, {"url", e.Request.URL}, {"httpVersion", e.Request.HTTPVersion},
		{"cookies", []ordered{}}, {"headers", mergedHeaders(e.Request.Headers)}, {"queryString", queryOf(e)},
		{"headersSize", e.Request.HeadersSize}, {"bodySize", e.Request.BodySize}}
	if pd := postDataOf(e); pd != nil {
		req = append(req, kv{"postData", pd})
	}
	resp := ordered{{"status", e.Response.Status}, {"statusText", e.Response.StatusText}, {"httpVersion", e.Response.HTTPVersion},
		{"cookies", []ordered{}}, {"headers", mergedHeaders(e.Response.Headers)},
		{"content", ordered{{"size", e.Response.Content.Size}, {"mimeType", e.Response.Content.MimeType}}},
		{"redirectURL", e.Response.RedirectURL}, {"headersSize", e.Response.HeadersSize}, {"bodySize", e.Response.BodySize},
		{"_transferSize", e.Response.TransferSize}}
	if failed(e) {
		resp = append(resp, kv{"_error", *e.Response.Error})
	}
	prio := "medium"
	if e.Priority != nil {
		prio = strings.ToLower(*e.Priority)
	}
	t := e.Timings
	out := ordered{{"pageref", "page_0"}, {"startedDateTime", e.StartedDateTime}, {"time", e.Time}, {"request", req}, {"response", resp},
		{"cache", ordered{}},
		{"timings", ordered{{"blocked", t.Blocked}, {"dns", t.DNS}, {"connect", t.Connect}, {"ssl", t.SSL}, {"send", t.Send}, {"wait", t.Wait}, {"receive", t.Receive}}},
		{"serverIPAddress", e.ServerIPAddress}, {"_fetchType", "Network Load"}, {"_priority", prio}}
	if e.Connection != nil {
		if p, err := strconv.Atoi(*e.Connection); err == nil {
			out = append(out, kv{"_serverPort", p})
		}
	}
	return out
}

func proxyEntry(shape string, e *harEntry, zone *time.Location) ordered {
	st := startedAt(e)
	var started string
	switch shape {
	case "charles":
		started = st.In(zone).Format("2006-01-02T15:04:05.000-07:00")
	case "fiddler":
		started = st.In(time.FixedZone("", 3600)).Format("2006-01-02T15:04:05.0000000-07:00")
	case "mitmproxy":
		started = st.UTC().Format("2006-01-02T15:04:05.000000-07:00")
	}
	// The proxy saw the body the browser may have thrown away.
	size := e.Response.Content.Size
	mime := e.Response.Content.MimeType
	if failed(e) || mime == "x-unknown" {
		size = jsNum(contentLength(e.Response.Headers))
		mime = contentType(e.Response.Headers)
	}
	req := ordered{{"method", e.Request.Method}, {"url", e.Request.URL}, {"httpVersion", "HTTP/1.1"},
		{"cookies", []ordered{}}, {"headers", nameValues(e.Request.Headers, nil)}, {"queryString", queryOf(e)},
		{"headersSize", e.Request.HeadersSize}, {"bodySize", e.Request.BodySize}}
	if pd := postDataOf(e); pd != nil {
		req = append(req, kv{"postData", pd})
	}
	resp := ordered{{"status", e.Response.Status}, {"statusText", e.Response.StatusText}, {"httpVersion", "HTTP/1.1"},
		{"cookies", []ordered{}}, {"headers", nameValues(e.Response.Headers, nil)},
		{"content", ordered{{"size", size}, {"mimeType", mime}}},
		{"redirectURL", e.Response.RedirectURL}, {"headersSize", e.Response.HeadersSize}, {"bodySize", size}}
	t := e.Timings
	pos := func(n jsNum) jsNum {
		if n < 0 {
			return -1
		}
		return n
	}
	var timings ordered
	switch shape {
	case "mitmproxy":
		timings = ordered{{"connect", pos(t.Connect)}, {"ssl", -1}, {"send", t.Send}, {"wait", t.Wait}, {"receive", t.Receive}}
	default:
		timings = ordered{{"blocked", pos(t.Blocked)}, {"dns", pos(t.DNS)}, {"connect", pos(t.Connect)}, {"ssl", -1},
			{"send", t.Send}, {"wait", t.Wait}, {"receive", t.Receive}}
	}
	out := ordered{{"startedDateTime", started}, {"time", e.Time}, {"request", req}, {"response", resp}, {"cache", ordered{}}, {"timings", timings}}
	if e.ServerIPAddress != "" {
		out = append(out, kv{"serverIPAddress", e.ServerIPAddress})
	}
	switch shape {
	case "charles":
		resp = append(resp, kv{"_charlesStatus", "COMPLETE"})
		out[3].V = resp
	case "fiddler":
		if e.Connection != nil {
			out = append(out, kv{"connection", "ClientPort:" + *e.Connection})
		}
	}
	return out
}

func playwrightEntry(e *harEntry) ordered {
	reqHeaders := nameValues(e.Request.Headers, nil)
	req := ordered{{"method", e.Request.Method}, {"url", e.Request.URL}, {"httpVersion", e.Request.HTTPVersion},
		{"cookies", []ordered{}}, {"headers", reqHeaders}, {"queryString", queryOf(e)},
		{"headersSize", e.Request.HeadersSize}, {"bodySize", e.Request.BodySize}}
	if pd := postDataOf(e); pd != nil {
		req = append(req, kv{"postData", pd})
	}
	cache := ordered{{"beforeRequest", nil}, {"afterRequest", nil}}
	if failed(e) {
		// The tracer never got a response: its placeholder stays.
		req[4].V = []ordered{}
		req[2].V = "HTTP/1.1"
		return ordered{{"startedDateTime", e.StartedDateTime}, {"time", -1}, {"request", req},
			{"response", ordered{{"status", -1}, {"statusText", ""}, {"httpVersion", "HTTP/1.1"}, {"cookies", []ordered{}},
				{"headers", []ordered{}}, {"content", ordered{{"size", -1}, {"mimeType", "x-unknown"}}},
				{"headersSize", -1}, {"bodySize", -1}, {"redirectURL", ""}, {"_transferSize", -1}, {"_failureText", *e.Response.Error}}},
			{"cache", cache}, {"timings", ordered{{"dns", -1}, {"connect", -1}, {"ssl", -1}, {"send", -1}, {"wait", -1}, {"receive", -1}}},
			{"pageref", "page@"}, {"serverIPAddress", e.ServerIPAddress}}
	}
	t := e.Timings
	return ordered{{"startedDateTime", e.StartedDateTime}, {"time", e.Time}, {"request", req},
		{"response", ordered{{"status", e.Response.Status}, {"statusText", e.Response.StatusText}, {"httpVersion", e.Response.HTTPVersion},
			{"cookies", []ordered{}}, {"headers", nameValues(e.Response.Headers, nil)},
			{"content", ordered{{"size", e.Response.Content.Size}, {"mimeType", e.Response.Content.MimeType}}},
			{"headersSize", e.Response.HeadersSize}, {"bodySize", e.Response.BodySize}, {"redirectURL", e.Response.RedirectURL},
			{"_transferSize", e.Response.TransferSize}}},
		{"cache", cache},
		{"timings", ordered{{"dns", t.DNS}, {"connect", t.Connect}, {"ssl", t.SSL}, {"send", t.Send}, {"wait", t.Wait}, {"receive", t.Receive}}},
		{"pageref", "page@"}, {"serverIPAddress", e.ServerIPAddress}}
}
