package har

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// genHAR builds a Chrome-shaped HAR of n entries, pretty-printed the way
// DevTools writes it. Every bodyEvery-th entry (0: none) carries a
// base64 response body of bodyLen bytes of random data.
func genHAR(n, bodyEvery, bodyLen int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	raw := make([]byte, bodyLen*3/4)
	for i := range raw {
		raw[i] = byte(rng.Uint32())
	}
	body := base64.StdEncoding.EncodeToString(raw)
	var b bytes.Buffer
	b.WriteString(`{
  "log": {
    "version": "1.2",
    "creator": {
      "name": "WebInspector",
      "version": "537.36"
    },
    "pages": [],
    "entries": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		method, rtype := "GET", "fetch"
		if i%7 == 3 {
			method, rtype = "OPTIONS", "preflight"
		}
		fmt.Fprintf(&b, `
      {
        "_connectionId": "%d",
        "_initiator": {
          "type": "script",
          "stack": {
            "callFrames": [
              {
                "functionName": "load",
                "scriptId": "27",
                "url": "https://app.example.com/static/js/main.%08x.js",
                "lineNumber": 1,
                "columnNumber": 123456
              }
            ]
          }
        },
        "_priority": "High",
        "_resourceType": "%s",
        "cache": {},
        "connection": "443",
        "pageref": "page_1",
        "request": {
          "method": "%s",
          "url": "https://api.example.com/v1/items/%d?include=owner&page=%d",
          "httpVersion": "http/2.0",
          "headers": [
            {"name": ":authority", "value": "api.example.com"},
            {"name": ":method", "value": "%s"},
            {"name": ":path", "value": "/v1/items/%d?include=owner&page=%d"},
            {"name": ":scheme", "value": "https"},
            {"name": "accept", "value": "application/json, text/plain, */*"},
            {"name": "accept-encoding", "value": "gzip, deflate, br, zstd"},
            {"name": "accept-language", "value": "en-US,en;q=0.9"},
            {"name": "authorization", "value": "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNTE2MjM5MDIyfQ.%d"},
            {"name": "origin", "value": "https://app.example.com"},
            {"name": "referer", "value": "https://app.example.com/"},
            {"name": "sec-ch-ua", "value": "\"Chromium\";v=\"142\", \"Google Chrome\";v=\"142\", \"Not_A Brand\";v=\"99\""},
            {"name": "sec-ch-ua-mobile", "value": "?0"},
            {"name": "sec-ch-ua-platform", "value": "\"macOS\""},
            {"name": "sec-fetch-dest", "value": "empty"},
            {"name": "sec-fetch-mode", "value": "cors"},
            {"name": "sec-fetch-site", "value": "same-site"},
            {"name": "user-agent", "value": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"}
          ],
          "queryString": [
            {"name": "include", "value": "owner"},
            {"name": "page", "value": "%d"}
          ],
          "cookies": [],
          "headersSize": -1,
          "bodySize": 0
        },
        "response": {
          "status": 200,
          "statusText": "",
          "httpVersion": "http/2.0",
          "headers": [
            {"name": "access-control-allow-credentials", "value": "true"},
            {"name": "access-control-allow-origin", "value": "https://app.example.com"},
            {"name": "cache-control", "value": "no-store"},
            {"name": "content-encoding", "value": "br"},
            {"name": "content-type", "value": "application/json; charset=utf-8"},
            {"name": "date", "value": "Tue, 18 Nov 2025 10:%02d:%02d GMT"},
            {"name": "etag", "value": "W/\"%x\""},
            {"name": "server", "value": "cloudflare"},
            {"name": "vary", "value": "Origin"},
            {"name": "vary", "value": "Accept-Encoding"}
          ],
          "cookies": [],
          "content": {
            "size": %d,
            "mimeType": "application/json"`,
			i, i, rtype, method, i, i%10, method, i, i%10, i, i%10, i%60, i%60, i*7919, bodyLen)
		if bodyEvery > 0 && i%bodyEvery == 0 {
			fmt.Fprintf(&b, `,
            "text": "%s",
            "encoding": "base64"`, body)
		}
		fmt.Fprintf(&b, `
          },
          "redirectURL": "",
          "headersSize": -1,
          "bodySize": -1,
          "_transferSize": %d,
          "_error": null,
          "_fetchedViaServiceWorker": false
        },
        "serverIPAddress": "104.18.32.%d",
        "startedDateTime": "2025-11-18T10:%02d:%02d.%03dZ",
        "time": %d.%03d,
        "timings": {
          "blocked": 1.234,
          "dns": -1,
          "ssl": -1,
          "connect": -1,
          "send": 0.123,
          "wait": 45.678,
          "receive": 2.345,
          "_blocked_queueing": 0.876,
          "_workerStart": -1,
          "_workerReady": -1,
          "_workerFetchStart": -1,
          "_workerRespondWithSettled": -1
        }
      }`, 300+bodyLen/3, i%256, i/60%60, i%60, i%1000, 20+i%300, i%1000)
	}
	b.WriteString("\n    ]\n  }\n}\n")
	return b.Bytes()
}

var benchInputs = map[string]func() []byte{
	// 2,000 entries, a third with a 64 KiB base64 body: mostly body bytes.
	"bodies": func() []byte { return genHAR(2000, 3, 64<<10) },
	// 20,000 entries without bodies: all metadata, 30 headers each.
	"metadata": func() []byte { return genHAR(20000, 0, 0) },
	// 4,000 entries laid out as DevTools saves them (see genChromeHAR),
	// a third with a 4 KiB base64 body: the metadata of a real capture.
	"chrome": func() []byte { return genChromeHAR(4000, 3, 4<<10) },
}

func BenchmarkRead(b *testing.B) {
	for _, name := range []string{"bodies", "metadata", "chrome"} {
		data := benchInputs[name]()
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				r, err := NewReader(bytes.NewReader(data), Options{})
				if err != nil {
					b.Fatal(err)
				}
				n = 0
				for {
					_, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
			}
			b.ReportMetric(float64(n), "entries")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/entry")
		})
	}
}

// TestGenHAR keeps the benchmark's generator honest: its output is JSON
// that encoding/json counts the same way.
func TestGenHAR(t *testing.T) {
	data := genHAR(50, 3, 1024)
	want, err := jsonEntryCount(data)
	if err != nil || want != 50 {
		t.Fatalf("generated HAR: %d entries, %v", want, err)
	}
	log, es, err := ReadAll(bytes.NewReader(data), Options{Bodies: true})
	if err != nil || len(es) != 50 {
		t.Fatalf("ReadAll: %d entries, %v", len(es), err)
	}
	if log.Creator.Name != "WebInspector" || es[3].ResourceType != "preflight" || es[3].Request.Method != "OPTIONS" {
		t.Errorf("unexpected decode: %+v %+v", log.Creator, es[3])
	}
	if len(es[0].Response.Content.Text) != 1024 || !strings.HasPrefix(es[1].Request.Headers[7].Value, "Bearer ") {
		t.Errorf("bodies or headers not read")
	}

	data = genChromeHAR(50, 3, 1024)
	if want, err := jsonEntryCount(data); err != nil || want != 50 {
		t.Fatalf("generated Chrome HAR: %d entries, %v", want, err)
	}
	_, es, err = ReadAll(bytes.NewReader(data), Options{Bodies: true})
	if err != nil || len(es) != 50 {
		t.Fatalf("ReadAll, Chrome HAR: %d entries, %v", len(es), err)
	}
	e := es[3]
	if e.Request.Method != "OPTIONS" || e.Initiator.Type != "script" || len(e.Request.Headers) != 20 ||
		len(e.Request.Cookies) != 3 || len(e.Response.Headers) != 13 || len(es[0].Response.Content.Text) != 1024 {
		t.Errorf("unexpected decode of the Chrome HAR: %+v", e)
	}
}

// obj is a JSON object whose members keep their order, for genChromeHAR.
type obj []member

type member struct {
	key string
	val any
}

// genChromeHAR builds a HAR of n entries shaped and laid out as Chrome
// DevTools saves them: every member on its own line, two spaces of
// indentation a level (eight to fourteen before a header's name), 18-20
// request headers and 12-14 response headers as {name, value} objects over
// four lines, an _initiator with a call stack and its async parent,
// request cookies with every attribute, a query string and timings. Every
// bodyEvery-th entry (0: none) carries a base64 response body of bodyLen
// bytes; every fifth a JSON postData. genHAR, whose header objects stand
// on one line, is the older and denser shape.
func genChromeHAR(n, bodyEvery, bodyLen int) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	raw := make([]byte, bodyLen*3/4)
	for i := range raw {
		raw[i] = byte(rng.Uint32())
	}
	body := base64.StdEncoding.EncodeToString(raw)
	frame := func(fn string, line, col int) obj {
		return obj{{"functionName", fn}, {"scriptId", "7"},
			{"url", "https://app.example.com/assets/index-Dw52pmVD.js"},
			{"lineNumber", line}, {"columnNumber", col}}
	}
	hs := func(kv ...string) []any {
		var l []any
		for i := 0; i+1 < len(kv); i += 2 {
			l = append(l, obj{{"name", kv[i]}, {"value", kv[i+1]}})
		}
		return l
	}
	cookie := func(name, value, expires string, secure bool) obj {
		return obj{{"name", name}, {"value", value}, {"path", "/"},
			{"domain", ".example.com"}, {"expires", expires},
			{"httpOnly", secure}, {"secure", secure}}
	}
	var entries []any
	for i := range n {
		method, rtype := "GET", "fetch"
		if i%7 == 3 {
			method, rtype = "OPTIONS", "preflight"
		} else if i%5 == 1 {
			method = "POST"
		}
		path := fmt.Sprintf("/v2/projects/delta/tasks?status=open&page=%d&limit=50", i%40)
		reqHeaders := hs(":authority", "api.example.com", ":method", method,
			":path", path, ":scheme", "https",
			"accept", "application/json", "accept-encoding", "gzip, deflate, br, zstd",
			"accept-language", "en-US,en;q=0.9", "cache-control", "no-cache",
			"cookie", "session=s%3AQk2vR8mX1nT4pL7cY0aZ3eW6uI9oB5dF.h7Jk2mN4pQ6rS8tU0vW2xY4zA6bC8dE0fG2hI4jK6l; _ga=GA1.1.1840272183.1734571408; theme=dark",
			"origin", "https://app.example.com", "pragma", "no-cache",
			"priority", "u=1, i", "referer", "https://app.example.com/dashboard",
			"sec-ch-ua", `"Google Chrome";v="143", "Chromium";v="143", "Not A(Brand";v="24"`,
			"sec-ch-ua-mobile", "?0", "sec-ch-ua-platform", `"macOS"`,
			"sec-fetch-dest", "empty", "sec-fetch-mode", "cors", "sec-fetch-site", "same-site",
			"user-agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36")
		request := obj{{"method", method},
			{"url", "https://api.example.com" + path},
			{"httpVersion", "http/2.0"},
			{"headers", reqHeaders},
			{"queryString", hs("status", "open", "page", strconv.Itoa(i%40), "limit", "50")},
			{"cookies", []any{
				cookie("session", "s%3AQk2vR8mX1nT4pL7cY0aZ3eW6uI9oB5dF.h7Jk2mN4pQ6rS8tU0vW2xY4zA6bC8dE0fG2hI4jK6l", "2026-01-18T01:23:28.378Z", true),
				cookie("_ga", "GA1.1.1840272183.1734571408", "2027-01-23T01:23:28.112Z", false),
				cookie("theme", "dark", "1969-12-31T23:59:59.000Z", false)}},
			{"headersSize", -1},
			{"bodySize", 0}}
		if method == "POST" {
			request = append(request, member{"postData", obj{{"mimeType", "application/json"},
				{"text", fmt.Sprintf(`{"clientMutationId":"%08x-38f2-4886-a085-72ff84d321cc","ops":[{"op":"replace","path":"/fields/%d","value":"x"}]}`, i, i%50)}}})
		}
		content := obj{{"size", 3613}, {"mimeType", "application/json"}, {"compression", 2408}}
		if bodyEvery > 0 && i%bodyEvery == 0 {
			content = append(content, member{"text", body}, member{"encoding", "base64"})
		}
		response := obj{{"status", 200}, {"statusText", ""}, {"httpVersion", "http/2.0"},
			{"headers", hs("access-control-allow-credentials", "true",
				"access-control-allow-origin", "https://app.example.com",
				"access-control-expose-headers", "x-request-id, x-ratelimit-remaining",
				"alt-svc", `h3=":443"; ma=2592000`,
				"cache-control", "private, no-store", "content-type", "application/json",
				"date", fmt.Sprintf("Fri, 19 Dec 2025 01:%02d:%02d GMT", i/60%60, i%60),
				"server", "envoy", "strict-transport-security", "max-age=63072000",
				"vary", "Origin, Accept-Encoding",
				"x-envoy-upstream-service-time", strconv.Itoa(100+i%200),
				"x-ratelimit-remaining", strconv.Itoa(i%30),
				"x-request-id", fmt.Sprintf("%08x-7f3b-4df2-a99e-6cb6ba8302e1", i*7919))},
			{"cookies", []any{}},
			{"content", content},
			{"redirectURL", ""}, {"headersSize", -1}, {"bodySize", 1205},
			{"_transferSize", 1710}, {"_error", nil}, {"_fetchedViaServiceWorker", false}}
		entries = append(entries, obj{
			{"_connectionId", strconv.Itoa(858131 + i%16)},
			{"_initiator", obj{{"type", "script"}, {"stack", obj{
				{"callFrames", []any{frame("apiCall", 10600, 34), frame("fetchJSON", 17483, 77), frame("loadTasks", 26839, 19)}},
				{"parent", obj{{"description", "await"}, {"callFrames", []any{frame("Ub", 1768, 71), frame("Ub", 44960, 41)}}}}}}}},
			{"_priority", "High"},
			{"_resourceType", rtype},
			{"cache", obj{}},
			{"connection", "443"},
			{"pageref", "page_1"},
			{"request", request},
			{"response", response},
			{"serverIPAddress", "104.18.1.184"},
			{"startedDateTime", fmt.Sprintf("2025-12-19T01:%02d:%02d.%03dZ", i/60%60, i%60, i%1000)},
			{"time", 394.09688476648387 + float64(i%100)},
			{"timings", obj{{"blocked", 9.354468904665058}, {"dns", -1}, {"ssl", -1},
				{"connect", -1}, {"send", 0.6540748489846742}, {"wait", 381.66179072710344},
				{"receive", 2.4265502857307064}, {"_blocked_queueing", 5.833464571584088},
				{"_workerStart", -1}, {"_workerReady", -1}, {"_workerFetchStart", -1},
				{"_workerRespondWithSettled", -1}}},
		})
	}
	doc := obj{{"log", obj{{"version", "1.2"},
		{"creator", obj{{"name", "WebInspector"}, {"version", "537.36"}}},
		{"pages", []any{}},
		{"entries", entries}}}}
	var b bytes.Buffer
	writeIndented(&b, doc, 0)
	b.WriteByte('\n')
	return b.Bytes()
}

// writeIndented writes v as DevTools does: two spaces a level, "key": value,
// empty objects and arrays as {} and [], strings escaped only where JSON
// requires it.
func writeIndented(b *bytes.Buffer, v any, depth int) {
	nl := func(d int) {
		b.WriteByte('\n')
		for range d {
			b.WriteString("  ")
		}
	}
	switch v := v.(type) {
	case obj:
		if len(v) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		for i, m := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			nl(depth + 1)
			writeIndented(b, m.key, depth+1)
			b.WriteString(": ")
			writeIndented(b, m.val, depth+1)
		}
		nl(depth)
		b.WriteByte('}')
	case []any:
		if len(v) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			nl(depth + 1)
			writeIndented(b, e, depth+1)
		}
		nl(depth)
		b.WriteByte(']')
	case string:
		b.WriteByte('"')
		for _, c := range []byte(v) {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c < ' ':
				fmt.Fprintf(b, "\\u%04x", c)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('"')
	case int:
		b.WriteString(strconv.Itoa(v))
	case float64:
		b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case nil:
		b.WriteString("null")
	default:
		panic(fmt.Sprintf("writeIndented: %T", v))
	}
}

// BenchmarkSkipString skips a JSON request body as DevTools writes it in
// postData.text: JSON inside a JSON string, an escaped quote every dozen
// bytes, 10 KiB (the median in a Chrome capture of a JSON API).
func BenchmarkSkipString(b *testing.B) {
	var body strings.Builder
	body.WriteString(`{\"clientMutationId\":\"be38cd3b-3dd9-4ff0-a8d5-f4e93e69e8a8\",\"ops\":[`)
	for i := 0; body.Len() < 10<<10; i++ {
		fmt.Fprintf(&body, `{\"op\":\"replace\",\"path\":\"/fields/%d\",\"value\":\"%x\"},`, i%64, uint64(i)*0x9e3779b97f4a7c15)
	}
	data := []byte(body.String() + `{}]}"`)
	b.SetBytes(int64(len(data)))
	var s scanner
	for b.Loop() {
		s.buf, s.pos, s.end = data, 0, len(data)
		if err := s.skipString(); err != nil || s.pos != len(data) {
			b.Fatal(err, s.pos)
		}
	}
}
