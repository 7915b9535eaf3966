package har

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// har wraps entries (JSON text) in a minimal log.
func har(entries ...string) string {
	return `{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[` +
		strings.Join(entries, ",") + `]}}`
}

// result is what reading a test input produced.
type result struct {
	log   *Log
	es    []*Entry
	warns []*Error
	err   error
}

func read(t *testing.T, src string, opt Options) result {
	t.Helper()
	if opt.Name == "" {
		opt.Name = "test.har"
	}
	r, err := NewReader(strings.NewReader(src), opt)
	if err != nil {
		return result{err: err}
	}
	var res result
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			res.err = err
			break
		}
		res.es = append(res.es, e)
	}
	res.log, res.warns = r.Log(), r.Warnings()
	return res
}

// ok fails the test unless reading went without error and gave n entries.
func (res result) ok(t *testing.T, n int) result {
	t.Helper()
	if res.err != nil {
		t.Fatalf("unexpected error: %v", res.err)
	}
	if len(res.es) != n {
		t.Fatalf("got %d entries, want %d", len(res.es), n)
	}
	return res
}

func (res result) noWarnings(t *testing.T) {
	t.Helper()
	for _, w := range res.warns {
		t.Errorf("unexpected warning: %v", w)
	}
}

// warned fails the test unless exactly one warning was recorded, at path,
// with a message containing msg.
func (res result) warned(t *testing.T, path, msg string) {
	t.Helper()
	if len(res.warns) != 1 {
		t.Fatalf("got %d warnings %v, want 1 at %s", len(res.warns), res.warns, path)
	}
	w := res.warns[0]
	if w.Path != path || !strings.Contains(w.Msg, msg) {
		t.Errorf("warning %v, want path %q and a message containing %q", w, path, msg)
	}
	if w.File != "test.har" || w.Line < 1 || w.Offset < 0 {
		t.Errorf("warning without a proper position: %#v", w)
	}
}

// A Chrome DevTools preflight entry, as Chrome 143 writes it (trimmed).
const chromePreflight = `{
  "_initiator": {"type": "preflight", "url": "https://api.example.com/v1/x", "requestId": "1234.56"},
  "_priority": "High",
  "_resourceType": "preflight",
  "cache": {},
  "connection": "443",
  "request": {
    "method": "OPTIONS",
    "url": "https://api.example.com/v1/x",
    "httpVersion": "HTTP/1.1",
    "headers": [
      {"name": "Accept", "value": "*/*"},
      {"name": "Access-Control-Request-Method", "value": "GET"},
      {"name": "Access-Control-Request-Headers", "value": "mcp-protocol-version"},
      {"name": "Origin", "value": "http://localhost:3000"}
    ],
    "queryString": [],
    "cookies": [],
    "headersSize": -1,
    "bodySize": 0
  },
  "response": {
    "status": 204,
    "statusText": "No Content",
    "httpVersion": "HTTP/1.1",
    "headers": [
      {"name": "Access-Control-Allow-Origin", "value": "http://localhost:3000"},
      {"name": "Access-Control-Allow-Headers", "value": "Content-Type, Authorization"}
    ],
    "cookies": [],
    "content": {"size": 0, "mimeType": "x-unknown"},
    "redirectURL": "",
    "headersSize": -1,
    "bodySize": -1,
    "_transferSize": 312,
    "_error": null
  },
  "serverIPAddress": "10.0.0.1",
  "startedDateTime": "2025-11-18T10:00:00.123Z",
  "time": 12.5,
  "timings": {"blocked": 1, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 10, "receive": 0.4}
}`

func TestChromeEntry(t *testing.T) {
	res := read(t, har(chromePreflight), Options{}).ok(t, 1)
	res.noWarnings(t)
	e := res.es[0]
	want := Entry{
		Index: 0, Line: 1, Offset: int64(len(har(""))) - 3,
		Started: time.Date(2025, 11, 18, 10, 0, 0, 123e6, time.UTC),
		Time:    12.5,
		Request: Request{
			Method: "OPTIONS", URL: "https://api.example.com/v1/x", HTTPVersion: "HTTP/1.1",
			Headers: Headers{
				{"Accept", "*/*"},
				{"Access-Control-Request-Method", "GET"},
				{"Access-Control-Request-Headers", "mcp-protocol-version"},
				{"Origin", "http://localhost:3000"},
			},
			BodySize: 0,
		},
		Response: Response{
			Status: 204, StatusText: "No Content", HTTPVersion: "HTTP/1.1",
			Headers: Headers{
				{"Access-Control-Allow-Origin", "http://localhost:3000"},
				{"Access-Control-Allow-Headers", "Content-Type, Authorization"},
			},
			Content:      Content{Size: 0, MimeType: "x-unknown"},
			TransferSize: 312,
		},
		ResourceType: "preflight",
		Initiator:    Initiator{Type: "preflight", URL: "https://api.example.com/v1/x", RequestID: "1234.56"},
	}
	if got := fmt.Sprintf("%#v", *e); got != fmt.Sprintf("%#v", want) {
		t.Errorf("entry:\n got %s\nwant %#v", got, want)
	}
	if res.log.Version != "1.2" || res.log.Creator != (Creator{"test", "1"}) {
		t.Errorf("log: %+v", res.log)
	}
}

func TestQuirks(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		opt   Options
		check func(t *testing.T, res result)
	}{
		{
			// Fiddler 4 and files re-saved on Windows.
			name: "BOM",
			in:   "\xef\xbb\xbf" + har(`{"request":{"method":"GET","url":"http://a/"}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 1).noWarnings(t)
				if e := res.es[0]; e.Request.URL != "http://a/" || e.Offset != int64(len(har(""))-3) || e.Line != 1 {
					t.Errorf("entry %+v (offsets count after the BOM)", e)
				}
			},
		},
		{
			// httpolice _expected, HTTP Toolkit log._tlsErrors,
			// chrome-har fromDiskCache, Insomnia settingEncodeUrl,
			// Logger++ request.origin, WebPageTest's dozens of _ fields.
			name: "unknown fields everywhere",
			in: `{"_expected":[1,2,{"a":[null]}],"log":{"_tlsErrors":[],"comment":"x","version":"1.2","creator":{"name":"c","version":"1","comment":"y","_x":{}},
				"entries":[{"_ip_addr":"1.2.3.4","_load_ms":"45","_index":1,"cache":{"beforeRequest":null,"afterRequest":{"lastFetched":1,"_dataSize":2}},
				"request":{"method":"GET","url":"http://a/","origin":"http://b","settingEncodeUrl":true,"queryString":[{"name":"q","value":"1","comment":""}],
				"headers":[{"name":"A","value":"1","comment":"c","_x":[1,[2,{"y":3}]]}]},
				"response":{"status":200,"fromDiskCache":false,"fromServiceWorker":false,"_charlesStatus":"COMPLETE","content":{"size":1,"compression":0,"comment":"c"}},
				"timings":{"send":1,"_blocked_queueing":0.5},"comment":"named request"}],"_extra":{"deep":[[[[]]]]}},"__page_count__":1}`,
			check: func(t *testing.T, res result) {
				res.ok(t, 1).noWarnings(t)
				e := res.es[0]
				if e.Request.URL != "http://a/" || len(e.Request.Headers) != 1 || e.Response.Status != 200 || e.Response.Content.Size != 1 || e.FromCache != "" {
					t.Errorf("entry %+v", e)
				}
			},
		},
		{
			// Charles, Proxyman, Insomnia: no pages; Safari: {}
			// pageTimings; Firefox 67-74: no title; everyone: nulls.
			name: "missing and null optional objects",
			in: `{"log":{"version":"1.2","creator":null,"pages":null,"entries":[
				{"request":{"method":"GET","url":"http://a/","cookies":null,"headers":null,"postData":null},
				 "response":{"status":200,"content":null,"cookies":null,"headers":null},"cache":null,"timings":null,"time":null,"pageref":null},
				{"request":{"method":"GET","url":"http://b/"}},
				{"request":{"method":"GET","url":"http://c/"},"response":null},
				{"request":null,"response":{"status":0,"content":{}}},
				{}
			]}}`,
			check: func(t *testing.T, res result) {
				res.ok(t, 5).noWarnings(t)
				for i, e := range res.es {
					if e.Time != -1 || e.Response.Content.Size != -1 || e.Response.TransferSize != -1 || e.Request.BodySize != -1 {
						t.Errorf("entry %d: defaults not applied: %+v", i, e)
					}
					if e.Index != i {
						t.Errorf("entry %d has Index %d", i, e.Index)
					}
				}
				if e := res.es[0]; e.Response.Status != 200 || e.Request.Headers != nil || e.Request.Cookies != nil {
					t.Errorf("entry 0: %+v", e)
				}
				// Proxyman: response missing or null means no response.
				if e := res.es[2]; e.Response.Status != 0 || e.Request.URL != "http://c/" {
					t.Errorf("entry 2: %+v", e)
				}
				if res.log.Creator != (Creator{}) || res.log.Pages != nil {
					t.Errorf("log %+v", res.log)
				}
			},
		},
		{
			name: "pages",
			in: `{"log":{"pages":[{"startedDateTime":"2025-06-30T11:04:36.802+05:30","id":"page_1","title":"http://a/","pageTimings":{}},
				{"id":"page_2","pageTimings":{"onLoad":-38477}},{"id":3,"title":null,"startedDateTime":""}],"entries":[]}}`,
			check: func(t *testing.T, res result) {
				res.ok(t, 0).noWarnings(t)
				p := res.log.Pages
				if len(p) != 3 || p[0].ID != "page_1" || p[0].Title != "http://a/" || p[1].Title != "" || p[2].ID != "3" || !p[2].Started.IsZero() {
					t.Fatalf("pages %+v", p)
				}
				if want := time.Date(2025, 6, 30, 5, 34, 36, 802e6, time.UTC); !p[0].Started.Equal(want) {
					t.Errorf("page 0 started %v, want %v", p[0].Started, want)
				}
			},
		},
		{
			// Logger++ and WebPageTest write numbers as strings; null
			// and "null" mean unknown.
			name: "numbers as strings or null",
			in: har(`{"time":"12.5","request":{"bodySize":"-1"},"response":{"status":"200","_transferSize":" 42 ","content":{"size":"null"}}}`,
				`{"time":null,"request":{"bodySize":null},"response":{"status":null,"_transferSize":"","content":{"size":null}}}`,
				`{"time":1e3,"request":{"bodySize":12.0},"response":{"status":404.0,"content":{"size":-1}}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 3).noWarnings(t)
				e := res.es[0]
				if e.Time != 12.5 || e.Request.BodySize != -1 || e.Response.Status != 200 || e.Response.TransferSize != 42 || e.Response.Content.Size != -1 {
					t.Errorf("entry 0 %+v", e)
				}
				e = res.es[1]
				if e.Time != -1 || e.Request.BodySize != -1 || e.Response.Status != 0 || e.Response.TransferSize != -1 || e.Response.Content.Size != -1 {
					t.Errorf("entry 1 %+v", e)
				}
				e = res.es[2]
				if e.Time != 1000 || e.Request.BodySize != 12 || e.Response.Status != 404 {
					t.Errorf("entry 2 %+v", e)
				}
			},
		},
		{
			// Python's json module writes NaN and Infinity for floats.
			name: "NaN and Infinity",
			in:   har(`{"time":NaN,"response":{"status":200,"_transferSize":Infinity,"content":{"size":-Infinity}},"timings":{"wait":NaN}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 1).noWarnings(t)
				if e := res.es[0]; e.Time != -1 || e.Response.TransferSize != -1 || e.Response.Content.Size != -1 || e.Response.Status != 200 {
					t.Errorf("entry %+v", e)
				}
			},
		},
		{
			// A status NaN or out of range is said, not silently taken
			// as 0 (blocked).
			name: "status not finite",
			in:   har(`{"response":{"status":NaN}}`, `{"response":{"status":1e400}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 2)
				if len(res.warns) != 2 || !strings.Contains(res.warns[0].Error(), "response.status: not a finite number") {
					t.Errorf("warnings %v", res.warns)
				}
			},
		},
		{
			// A status that is no HTTP status, or not an integer, is
			// read as before (a negative one as no response), and
			// said: the verdict rests on it.
			name: "status not a status",
			in:   har(`{"response":{"status":-401}}`, `{"response":{"status":200.5}}`, `{"response":{"status":1200}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 3)
				want := []string{"-401 is not an HTTP status", "200.5 is not an integer; read as 200", "1200 is not an HTTP status"}
				if len(res.warns) != len(want) {
					t.Fatalf("warnings %v", res.warns)
				}
				for i, w := range want {
					if !strings.Contains(res.warns[i].Error(), "response.status: "+w) {
						t.Errorf("warning %d: %v, want %q", i, res.warns[i], w)
					}
				}
				if res.es[0].Response.Status != -401 || res.es[1].Response.Status != 200 {
					t.Errorf("statuses %d, %d", res.es[0].Response.Status, res.es[1].Response.Status)
				}
			},
		},
		{
			// 0: blocked (Chrome, Firefox, Safari); -1: Playwright;
			// -999: BrowserMob.
			name: "status sentinels",
			in:   har(`{"response":{"status":0}}`, `{"response":{"status":-1}}`, `{"response":{"status":-999}}`, `{"response":{"status":"-1"}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 4).noWarnings(t)
				for i, want := range []int{0, -1, -999, -1} {
					if got := res.es[i].Response.Status; got != want {
						t.Errorf("entry %d status %d, want %d", i, got, want)
					}
				}
			},
		},
		{
			name: "booleans as strings and numbers",
			// chrome-har's response.fromDiskCache is the boolean the
			// reader keeps.
			in: har(`{"response":{"fromDiskCache":"true"}}`, `{"response":{"fromDiskCache":1}}`, `{"response":{"fromDiskCache":"TRUE"}}`,
				`{"response":{"fromDiskCache":" 1 "}}`, `{"response":{"fromDiskCache":null}}`, `{"response":{"fromDiskCache":0}}`,
				`{"response":{"fromDiskCache":"false"}}`, `{"response":{"fromDiskCache":""}}`, `{"response":{"fromDiskCache":0.0}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 9).noWarnings(t)
				for i, e := range res.es {
					want := ""
					if i < 4 {
						want = "disk"
					}
					if e.FromCache != want {
						t.Errorf("entry %d: FromCache %q, want %q", i, e.FromCache, want)
					}
				}
			},
		},
		{
			// IE11's Network Inspector: request.cookies is one object.
			name: "cookies as an object",
			in:   har(`{"pageref":"0","request":{"method":"GET","url":"http://a/","cookies":{"name":"previewCols","value":"url%20status"}},"response":{"status":200,"cookies":[]}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 1).noWarnings(t)
				e := res.es[0]
				if len(e.Request.Cookies) != 1 || e.Request.Cookies[0] != (Cookie{Name: "previewCols", Value: "url%20status"}) || e.PageRef != "0" {
					t.Errorf("entry %+v", e)
				}
			},
		},
		{
			// Charles writes stray null cookies; null headers carry
			// nothing either.
			name: "null list elements",
			in:   har(`{"request":{"cookies":[null,{"name":"a","value":""},null],"headers":[null,{"name":"X","value":"1"}]}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 1).noWarnings(t)
				e := res.es[0]
				if len(e.Request.Cookies) != 1 || len(e.Request.Headers) != 1 || e.Request.Headers[0] != (Header{"X", "1"}) {
					t.Errorf("entry %+v", e)
				}
			},
		},
		{
			// Slack's export, per mitmproxy's importer.
			name: "headers as [name, value] pairs",
			in:   har(`{"request":{"headers":[["Origin","https://app.slack.com"],["X-Extra","a","ignored"],{"name":"Accept","value":"*/*"},["Lone"]]}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 1).noWarnings(t)
				want := Headers{{"Origin", "https://app.slack.com"}, {"X-Extra", "a"}, {"Accept", "*/*"}, {"Lone", ""}}
				if got := res.es[0].Request.Headers; fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("headers %q, want %q", got, want)
				}
			},
		},
		{
			// Header names keep their case (wire case, h2 lower case,
			// Firefox Title-Case); repeats stay separate, in order.
			name: "header case and duplicates",
			in: har(`{"response":{"headers":[{"name":"vary","value":"Origin"},{"name":"Access-Control-Allow-Origin","value":"*"},
				{"name":"Vary","value":"Accept-Encoding"},{"name":"access-control-allow-origin","value":"https://a"},{"name":":status","value":"200"}]}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 1).noWarnings(t)
				h := res.es[0].Response.Headers
				if len(h) != 5 || h[0].Name != "vary" || h[2].Name != "Vary" || h[1].Name != "Access-Control-Allow-Origin" || h[4].Name != ":status" {
					t.Fatalf("headers %q", h)
				}
				if got := h.Values("VARY"); fmt.Sprint(got) != "[Origin Accept-Encoding]" {
					t.Errorf("Values(VARY) = %q", got)
				}
				if got := h.Values("Access-Control-Allow-Origin"); len(got) != 2 {
					t.Errorf("ACAO values %q", got)
				}
			},
		},
		{
			// DevTools: object; chrome-har and WebPageTest: a URL
			// string, with _initiator_type and _initiator_detail
			// beside it.
			name: "_initiator forms",
			in: har(`{"_initiator":{"type":"script","url":"https://a/app.js","lineNumber":3,"stack":{"callFrames":[]},"requestId":17}}`,
				`{"_initiator":"http://www.nytimes.com/","_initiator_line":"44"}`,
				`{"_initiator":"https://a/app.js","_initiator_type":"script"}`,
				`{"_initiator_type":"preflight","_initiator_detail":"{\"type\":\"preflight\",\"url\":\"https://api/x\",\"requestId\":\"99.1\"}","_initiator":"https://a/"}`,
				`{"_initiator":null}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 5).noWarnings(t)
				want := []Initiator{
					{Type: "script", URL: "https://a/app.js", RequestID: "17"},
					{URL: "http://www.nytimes.com/"},
					{Type: "script", URL: "https://a/app.js"},
					{Type: "preflight", URL: "https://a/", RequestID: "99.1"},
					{},
				}
				for i, w := range want {
					if got := res.es[i].Initiator; got != w {
						t.Errorf("entry %d initiator %+v, want %+v", i, got, w)
					}
				}
			},
		},
		{
			// chrome-har copies CDP's "Preflight", "XHR".
			name: "_resourceType lower-cased and _fromCache",
			in:   har(`{"_resourceType":"Preflight","_fromCache":"disk"}`, `{"_resourceType":"xhr","_fromCache":"memory"}`, `{"response":{"fromDiskCache":true}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 3).noWarnings(t)
				if e := res.es[0]; e.ResourceType != "preflight" || e.FromCache != "disk" {
					t.Errorf("entry 0 %+v", e)
				}
				if e := res.es[1]; e.ResourceType != "xhr" || e.FromCache != "memory" {
					t.Errorf("entry 1 %+v", e)
				}
				if e := res.es[2]; e.FromCache != "disk" {
					t.Errorf("entry 2 (chrome-har fromDiskCache) %+v", e)
				}
			},
		},
		{
			name: "failure texts",
			in: har(
				// Chrome / Safari
				`{"response":{"status":0,"_error":"net::ERR_FAILED"}}`,
				// Playwright, entry level and response level
				`{"_failureText":"net::ERR_FAILED","response":{"status":-1,"_error":null}}`,
				`{"response":{"status":-1,"_failureText":"NS_ERROR_FAILURE"}}`,
				// mitmproxy
				`{"response":{"status":0,"content":{},"_error":"Multiple exceptions: [Errno 60] Connect call failed"}}`,
				`{"_error":"proxy error"}`,
				// success
				`{"response":{"status":200,"_error":null}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 6).noWarnings(t)
				for i, want := range []string{"net::ERR_FAILED", "net::ERR_FAILED", "NS_ERROR_FAILURE", "Multiple exceptions: [Errno 60] Connect call failed", "proxy error", ""} {
					if got := res.es[i].Error; got != want {
						t.Errorf("entry %d error %q, want %q", i, got, want)
					}
				}
			},
		},
		{
			// Charles: null; Logger++: "null"; BrowserUp: missing.
			name: "redirectURL",
			in:   har(`{"response":{"redirectURL":null}}`, `{"response":{"redirectURL":"null"}}`, `{"response":{}}`, `{"response":{"redirectURL":"HTTPS://www.a.com/"}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 4).noWarnings(t)
				for i, want := range []string{"", "", "", "HTTPS://www.a.com/"} {
					if got := res.es[i].Response.RedirectURL; got != want {
						t.Errorf("entry %d redirectURL %q, want %q", i, got, want)
					}
				}
			},
		},
		{
			name: "startedDateTime formats",
			in: har(
				`{"startedDateTime":"2025-11-18T10:00:00.123Z"}`,           // Chrome, Safari, Playwright
				`{"startedDateTime":"2016-07-20T12:52:05.9153325+03:00"}`,  // Fiddler: 7 digits
				`{"startedDateTime":"2024-11-14T14:59:42.210687+00:00"}`,   // mitmproxy: µs, +00:00
				`{"startedDateTime":"2025-11-27T11:56:26+01:00"}`,          // Proxyman: no fraction
				`{"startedDateTime":"2024-05-01T10:00:00.000+0200"}`,       // Logger++: no colon
				`{"startedDateTime":""}`,                                   // Safari: unknown
				`{"startedDateTime":"2023-03-29T17:37:42.482-07:00"}`,      // Charles, Firefox
				`{"startedDateTime":"2025-06-30T11:04:36.802+05:30"}`,      // Firefox, India
				`{"startedDateTime":"2025-01-02 03:04:05.5z"}`,             // lenient separators
				`{"startedDateTime":"2025-01-02T03:04:05.123456789123Z"}`), // extra digits
			check: func(t *testing.T, res result) {
				res.ok(t, 10).noWarnings(t)
				want := []struct {
					utc string
					off int
				}{
					{"2025-11-18T10:00:00.123Z", 0},
					{"2016-07-20T09:52:05.9153325Z", 3 * 3600},
					{"2024-11-14T14:59:42.210687Z", 0},
					{"2025-11-27T10:56:26Z", 3600},
					{"2024-05-01T08:00:00Z", 2 * 3600},
					{"", 0},
					{"2023-03-30T00:37:42.482Z", -7 * 3600},
					{"2025-06-30T05:34:36.802Z", 5*3600 + 1800},
					{"2025-01-02T03:04:05.5Z", 0},
					{"2025-01-02T03:04:05.123456789Z", 0},
				}
				for i, w := range want {
					got := res.es[i].Started
					if w.utc == "" {
						if !got.IsZero() {
							t.Errorf("entry %d: %v, want the zero time", i, got)
						}
						continue
					}
					if s := got.UTC().Format(time.RFC3339Nano); s != w.utc {
						t.Errorf("entry %d: %s, want %s", i, s, w.utc)
					}
					if _, off := got.Zone(); off != w.off {
						t.Errorf("entry %d: offset %d, want %d", i, off, w.off)
					}
				}
			},
		},
		{
			name: "unparsable startedDateTime",
			in:   har(`{"startedDateTime":"yesterday"}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 1).warned(t, "log.entries[0].startedDateTime", `not a date: "yesterday"`)
				if !res.es[0].Started.IsZero() {
					t.Errorf("Started %v", res.es[0].Started)
				}
			},
		},
		{
			name: "invalid calendar date",
			in:   har(`{"startedDateTime":"2025-02-30T10:00:00Z"}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 1).warned(t, "log.entries[0].startedDateTime", "not a date")
			},
		},
		{
			name: "startedDateTime without a zone",
			in:   har(`{"startedDateTime":"2025-01-02T03:04:05.600"}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 1).warned(t, "log.entries[0].startedDateTime", "read as UTC")
				if want := time.Date(2025, 1, 2, 3, 4, 5, 6e8, time.UTC); !res.es[0].Started.Equal(want) {
					t.Errorf("Started %v, want %v", res.es[0].Started, want)
				}
			},
		},
		{
			// Chrome 51 "unknown", WebPageTest "me:" and "2 2",
			// blocked requests "".
			name: "httpVersion kept as written",
			in:   har(`{"request":{"httpVersion":"me:"},"response":{"httpVersion":"2 2"}}`, `{"request":{"httpVersion":"unknown"},"response":{"httpVersion":""}}`, `{"request":{"httpVersion":"h3"},"response":{"httpVersion":1.1}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 3).noWarnings(t)
				got := []string{res.es[0].Request.HTTPVersion, res.es[0].Response.HTTPVersion, res.es[1].Request.HTTPVersion, res.es[1].Response.HTTPVersion, res.es[2].Request.HTTPVersion, res.es[2].Response.HTTPVersion}
				if fmt.Sprintf("%q", got) != `["me:" "2 2" "unknown" "" "h3" "1.1"]` {
					t.Errorf("httpVersions %q", got)
				}
			},
		},
		{
			// chrome-har writes statusText "200"; a number is kept as
			// its text too.
			name: "strings written as numbers or booleans",
			in:   har(`{"pageref":1,"response":{"statusText":200,"headers":[{"name":"X-N","value":42},{"name":"X-B","value":true}]}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 1).noWarnings(t)
				e := res.es[0]
				if e.PageRef != "1" || e.Response.StatusText != "200" || e.Response.Headers[0].Value != "42" || e.Response.Headers[1].Value != "true" {
					t.Errorf("entry %+v", e)
				}
			},
		},
		{
			// Fiddler 4.6 writes creator after entries; pages may follow
			// entries too.
			name: "log members in any order",
			in:   `{"log":{"entries":[{"request":{"url":"http://a/"}}],"pages":[{"id":"p"}],"creator":{"name":"Fiddler","version":"4.6.2.30081"},"version":"1.2","browser":{"name":"IE","version":"11"}}}`,
			check: func(t *testing.T, res result) {
				res.ok(t, 1).noWarnings(t)
				l := res.log
				if l.Creator.String() != "Fiddler 4.6.2.30081" || l.Browser.String() != "IE 11" || l.Version != "1.2" || len(l.Pages) != 1 {
					t.Errorf("log %+v", l)
				}
			},
		},
		{
			name: "escapes and invalid UTF-8",
			in: har(`{"request":{"url":"http://a/\u00e9\/x\"y\\z","headers":[
				{"name":"A","value":"\ud83d\ude00 smile"},
				{"name":"B","value":"lone \ud800 high, lone \udc00 low, \ud800\u0041 then A"},
				{"name":"C","value":"bad ` + "\xff\xfe bytes \xe2\x82" + `"},
				{"name":"D","value":"\b\f\n\r\t"},
				{"name":"\u0045","value":"e"}]}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 1).noWarnings(t)
				e := res.es[0]
				if e.Request.URL != `http://a/é/x"y\z` {
					t.Errorf("url %q", e.Request.URL)
				}
				want := Headers{
					{"A", "😀 smile"},
					{"B", "lone \uFFFD high, lone \uFFFD low, \uFFFDA then A"},
					{"C", "bad \uFFFD\uFFFD bytes \uFFFD\uFFFD"},
					{"D", "\b\f\n\r\t"},
					{"E", "e"},
				}
				for i, h := range want {
					if e.Request.Headers[i] != h {
						t.Errorf("header %d = %q, want %q", i, e.Request.Headers[i], h)
					}
				}
			},
		},
		{
			name: "bodies skipped by default",
			in:   har(`{"request":{"postData":{"mimeType":"application/json","text":"{\"a\":\"\\\"}\"}","params":[]}},"response":{"content":{"size":3,"mimeType":"text/plain","text":"abc","encoding":"base64"}}}`),
			check: func(t *testing.T, res result) {
				res.ok(t, 1).noWarnings(t)
				e := res.es[0]
				if e.Request.PostMimeType != "application/json" || e.Response.Content.Encoding != "base64" || e.Response.Content.Size != 3 {
					t.Errorf("entry %+v", e)
				}
			},
		},
		{
			// harviewer's .harp files.
			name: "JSONP wrapper",
			in:   "onInputData(" + har(`{"request":{"url":"http://a/"}}`) + ");\n",
			check: func(t *testing.T, res result) {
				res.ok(t, 1).noWarnings(t)
			},
		},
		{
			// Firebug's NetExport pads with NULs.
			name: "trailing NULs and whitespace",
			in:   har(`{}`, `{}`) + "\n\x00\x00\x00 \r\n\x00",
			check: func(t *testing.T, res result) {
				res.ok(t, 2).noWarnings(t)
			},
		},
		{
			name: "empty entries",
			in:   `{"log":{"entries":[]}}`,
			check: func(t *testing.T, res result) {
				res.ok(t, 0).noWarnings(t)
			},
		},
		{
			// Entry positions: Line and Offset of each entry's '{'.
			name: "entry positions",
			in:   "{\"log\": {\"entries\": [\n  {},\n  {\"request\": {}},\n\n    {}\n]}}",
			check: func(t *testing.T, res result) {
				res.ok(t, 3).noWarnings(t)
				for i, w := range []struct {
					line int
					off  int64
				}{{2, 24}, {3, 30}, {5, 52}} {
					if e := res.es[i]; e.Line != w.line || e.Offset != w.off {
						t.Errorf("entry %d at line %d offset %d, want %d %d", i, e.Line, e.Offset, w.line, w.off)
					}
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, read(t, tt.in, tt.opt))
		})
	}
}

// TestWrongTypes checks that a field of a type no lenient reading fixes is
// skipped with a warning naming its path, and the entry is kept.
func TestWrongTypes(t *testing.T) {
	tests := []struct {
		entry, path, msg string
	}{
		{`{"request":{"headers":5,"url":"http://a/"}}`, "log.entries[0].request.headers", "expected an array, found a number"},
		{`{"request":{"url":"http://a/"},"response":{"status":{}}}`, "log.entries[0].response.status", "expected an integer, found an object"},
		{`{"request":{"url":"http://a/"},"response":{"status":true}}`, "log.entries[0].response.status", "expected an integer, found a boolean"},
		{`{"request":{"url":"http://a/"},"response":{"status":"OK"}}`, "log.entries[0].response.status", `expected an integer, found "OK"`},
		{`{"request":{"url":"http://a/","method":["GET"]}}`, "log.entries[0].request.method", "expected a string, found an array"},
		{`{"request":{"url":"http://a/","cookies":"a=b"}}`, "log.entries[0].request.cookies", "expected an array, found a string"},
		{`{"request":{"url":"http://a/","headers":[{"name":"A","value":"1"},"B: 2"]}}`, "log.entries[0].request.headers[1]", "expected a header object or a [name, value] pair, found a string"},
		{`{"request":{"url":"http://a/","headers":[{"name":{"x":1},"value":"1"}]}}`, "log.entries[0].request.headers[0].name", "expected a string, found an object"},
		{`{"request":{"url":"http://a/","cookies":[{"name":"a","value":{}}]}}`, "log.entries[0].request.cookies[0].value", "expected a string, found an object"},
		{`{"request":{"url":"http://a/"},"response":{"fromDiskCache":"maybe"}}`, "log.entries[0].response.fromDiskCache", `expected a boolean, found "maybe"`},
		{`{"request":{"url":"http://a/"},"response":[]}`, "log.entries[0].response", "expected an object, found an array"},
		{`{"request":{"url":"http://a/"},"response":{"content":"abc"}}`, "log.entries[0].response.content", "expected an object, found a string"},
		{`{"request":{"url":"http://a/"},"_initiator":5}`, "log.entries[0]._initiator", "expected an object or a string, found a number"},
		{`{"request":{"url":"http://a/"},"startedDateTime":1700000000000}`, "log.entries[0].startedDateTime", "expected a date string, found \"1700000000000\""},
		{`{"request":{"url":"http://a/"},"time":"fast"}`, "log.entries[0].time", `expected a number, found "fast"`},
		{`{"request":{"url":"http://a/"},"response":{"status":1e300}}`, "log.entries[0].response.status", "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := read(t, har(`{}`, tt.entry), Options{}).ok(t, 2)
			res.warned(t, strings.Replace(tt.path, "[0]", "[1]", 1), tt.msg)
			if res.es[1].Request.URL != "http://a/" || res.es[1].Index != 1 {
				t.Errorf("entry not kept: %+v", res.es[1])
			}
		})
	}
}

func TestWarningsElsewhere(t *testing.T) {
	tests := []struct {
		name, in, path, msg string
		n                   int
	}{
		{"entry not an object", har(`{}`, `null`, `"x"`, `{}`), "log.entries[1]", "expected an entry object, found null", 2},
		{"page not an object", `{"log":{"pages":[1],"entries":[]}}`, "log.pages[0]", "expected a page object, found a number", 0},
		{"creator a string", `{"log":{"creator":"me","entries":[]}}`, "log.creator", "expected an object, found a string", 0},
		{"second log", `{"log":{"entries":[{}]},"log":{"entries":[{},{}]}}`, "log", `a second "log"`, 1},
		{"bad _initiator_detail", har(`{"_initiator_detail":"{oops"}`), "log.entries[0]._initiator_detail", "not a JSON initiator", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := read(t, tt.in, Options{}).ok(t, tt.n)
			if tt.name == "entry not an object" {
				// Index stays the position in log.entries.
				if res.es[0].Index != 0 || res.es[1].Index != 3 {
					t.Errorf("indexes %d %d, want 0 3", res.es[0].Index, res.es[1].Index)
				}
				if len(res.warns) != 2 {
					t.Fatalf("warnings %v", res.warns)
				}
				res.warns = res.warns[:1]
			}
			if tt.name == "bad _initiator_detail" {
				// A warning about a value already read has no position.
				if w := res.warns; len(w) != 1 || w[0].Path != tt.path || !strings.Contains(w[0].Msg, tt.msg) {
					t.Errorf("warnings %v", w)
				}
				return
			}
			res.warned(t, tt.path, tt.msg)
		})
	}
}

func TestWarningsCapped(t *testing.T) {
	var es []string
	for range 250 {
		es = append(es, `{"response":{"status":"x"}}`)
	}
	r, err := NewReader(strings.NewReader(har(es...)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		if _, err := r.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 250 || len(r.Warnings()) != MaxWarnings || r.DroppedWarnings() != 150 {
		t.Errorf("%d entries, %d warnings, %d dropped", n, len(r.Warnings()), r.DroppedWarnings())
	}
}

func TestCompressedInput(t *testing.T) {
	src := har(chromePreflight, `{"request":{"url":"http://b/"}}`)
	var gz, zl bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("\xef\xbb\xbf" + src)) // a BOM inside the gzip data too
	w.Close()
	z := zlib.NewWriter(&zl)
	z.Write([]byte(src))
	z.Close()
	for name, data := range map[string][]byte{"gzip": gz.Bytes(), "zlib": zl.Bytes()} {
		t.Run(name, func(t *testing.T) {
			// The name says .har: sniffing goes by content.
			res := read(t, string(data), Options{Name: "capture.har"}).ok(t, 2)
			if res.es[0].Request.Method != "OPTIONS" || res.es[1].Request.URL != "http://b/" {
				t.Errorf("entries %+v", res.es)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/a.har"
	if err := writeFile(path, har(`{}`, `{`)); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err1 := r.Next()
	_, err2 := r.Next()
	e, ok := err1.(*Error)
	if !ok || e.File != path || err1 != err2 {
		t.Errorf("errors %v / %v, want the same *Error naming %s", err1, err2, path)
	}
	if err := r.Close(); err != nil {
		t.Error(err)
	}
	if _, err := Open(dir+"/missing.har", Options{}); err == nil {
		t.Error("no error for a missing file")
	}
}

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }
