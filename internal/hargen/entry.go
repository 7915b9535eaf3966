package hargen

import (
	"strings"
	"time"
)

type hdr struct{ name, value string }

type cookie struct {
	name, value, path, domain, expires string
	httpOnly, secure                   bool
	sameSite                           string
}

// entry holds one entry while it is written. Its slices are reused from one
// entry to the next.
type entry struct {
	connID       string // "" for a request Chrome never sent (blocked at its preflight)
	initType     string // "script", "parser", "preflight", "other"
	initURL      string
	initLine     int
	initReqID    string
	frames       int // call frames of a script initiator
	priority     string
	resourceType string

	method, url, reqHTTP string
	reqHeaders           []hdr
	query                []hdr
	reqCookies           []cookie
	reqHeadersSize       int64
	reqBodySize          int64
	postMime, postText   string

	status                 int
	statusText, respHTTP   string
	respHeaders            []hdr
	respCookies            []cookie
	size                   int64
	mime                   string
	compression            int64 // -1: not written
	text                   string
	respHeadersSize        int64
	respBodySize, transfer int64
	errText                string
	serverIP, connection   string

	started time.Time
	time    float64
	blocked bool // only the timings of a request that was never sent
}

func (g *gen) reset() *entry {
	e := &g.e
	*e = entry{
		reqHeaders:  e.reqHeaders[:0],
		respHeaders: e.respHeaders[:0],
		query:       e.query[:0],
		reqCookies:  e.reqCookies[:0],
		respCookies: e.respCookies[:0],
		compression: -1,
		priority:    "High",
		started:     g.now,
	}
	return e
}

func (e *entry) req(kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		e.reqHeaders = append(e.reqHeaders, hdr{kv[i], kv[i+1]})
	}
}

func (e *entry) resp(kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		e.respHeaders = append(e.respHeaders, hdr{kv[i], kv[i+1]})
	}
}

// headersSize approximates the wire size of a header list, as Chrome
// reports it for HTTP/1.1 (it writes -1 for HTTP/2, but the number still
// feeds _transferSize).
func headersSize(hs []hdr) int64 {
	n := int64(2)
	for _, h := range hs {
		n += int64(len(h.name) + len(h.value) + 4)
	}
	return n
}

// h2Request starts an HTTP/2 request header list the way Chrome writes it:
// pseudo-headers first, then the rest in alphabetical order (callers add
// them in order).
func (e *entry) h2Request(method, rawURL string) {
	e.method, e.url, e.reqHTTP = method, rawURL, "http/2.0"
	rest := strings.TrimPrefix(rawURL, "https://")
	host, path := rest, "/"
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host, path = rest[:i], rest[i:]
	}
	e.req(":authority", host, ":method", method, ":path", path, ":scheme", "https")
	if i := strings.IndexByte(rawURL, '?'); i >= 0 {
		for _, kv := range strings.Split(rawURL[i+1:], "&") {
			k, v, _ := strings.Cut(kv, "=")
			e.query = append(e.query, hdr{k, v})
		}
	}
}

// dropVaryOrigin takes Origin out of Vary when the response echoes an
// origin in Access-Control-Allow-Origin (Config.Systemic).
func (e *entry) dropVaryOrigin() {
	echoes := false
	for _, h := range e.respHeaders {
		if strings.EqualFold(h.name, "access-control-allow-origin") && h.value != "*" {
			echoes = true
		}
	}
	if !echoes {
		return
	}
	out := e.respHeaders[:0]
	for _, h := range e.respHeaders {
		if strings.EqualFold(h.name, "vary") {
			var keep []string
			for _, v := range strings.Split(h.value, ",") {
				if v = strings.TrimSpace(v); !strings.EqualFold(v, "origin") {
					keep = append(keep, v)
				}
			}
			if len(keep) == 0 {
				continue
			}
			h.value = strings.Join(keep, ", ")
		}
		out = append(out, h)
	}
	e.respHeaders = out
}

// write emits the entry as an element of log.entries.
func (g *gen) write(e *entry) {
	if g.cfg.Systemic {
		e.dropVaryOrigin()
	}
	j := &g.j
	g.st.Entries++
	if e.method == "OPTIONS" {
		g.st.Options++
	}
	j.elem()
	if e.connID != "" {
		j.str("_connectionId", e.connID)
	}
	g.initiator(e)
	j.str("_priority", e.priority)
	j.str("_resourceType", e.resourceType)
	j.obj("cache")
	j.end()
	if e.connection != "" {
		j.str("connection", e.connection)
	}
	j.str("pageref", "page_1")

	g.request(j, e)
	g.responseHead(j, e)
	j.int("_transferSize", e.transfer)
	if e.errText == "" {
		j.null("_error")
	} else {
		j.str("_error", e.errText)
	}
	j.bool("_fetchedViaServiceWorker", false)
	j.end()

	j.str("serverIPAddress", e.serverIP)
	j.str("startedDateTime", g.stamp(e.started))
	j.float("time", e.time)
	g.timings(e)
	j.end()
}

// request writes the request object: the same members in both mixes.
func (g *gen) request(j *jw, e *entry) {
	j.obj("request")
	j.str("method", e.method)
	j.str("url", e.url)
	j.str("httpVersion", e.reqHTTP)
	headers(j, "headers", e.reqHeaders)
	headers(j, "queryString", e.query)
	cookies(j, e.reqCookies)
	j.int("headersSize", e.reqHeadersSize)
	j.int("bodySize", e.reqBodySize)
	if e.postMime != "" {
		j.obj("postData")
		j.str("mimeType", e.postMime)
		j.str("text", e.postText)
		j.end()
		g.st.PostData++
		g.st.BodyBytes += int64(len(e.postText))
	}
	j.end()
}

// responseHead opens the response object and writes its members up to
// bodySize; the caller adds its mix's own members and closes it.
func (g *gen) responseHead(j *jw, e *entry) {
	j.obj("response")
	j.int("status", int64(e.status))
	j.str("statusText", e.statusText)
	j.str("httpVersion", e.respHTTP)
	headers(j, "headers", e.respHeaders)
	cookies(j, e.respCookies)
	j.obj("content")
	j.int("size", e.size)
	j.str("mimeType", e.mime)
	if e.compression >= 0 {
		j.int("compression", e.compression)
	}
	if e.text != "" {
		j.rawString("text", e.text)
		j.str("encoding", "base64")
		g.st.Bodies++
		g.st.BodyBytes += int64(len(e.text))
	}
	j.end()
	j.str("redirectURL", "")
	j.int("headersSize", e.respHeadersSize)
	j.int("bodySize", e.respBodySize)
}

func headers(j *jw, key string, hs []hdr) {
	j.arr(key)
	for _, h := range hs {
		j.elem()
		j.str("name", h.name)
		j.str("value", h.value)
		j.end()
	}
	j.endArr()
}

func cookies(j *jw, cs []cookie) {
	j.arr("cookies")
	for _, c := range cs {
		j.elem()
		j.str("name", c.name)
		j.str("value", c.value)
		j.str("path", c.path)
		j.str("domain", c.domain)
		j.str("expires", c.expires)
		j.bool("httpOnly", c.httpOnly)
		j.bool("secure", c.secure)
		if c.sameSite != "" {
			j.str("sameSite", c.sameSite)
		}
		j.end()
	}
	j.endArr()
}

func (g *gen) initiator(e *entry) {
	j := &g.j
	j.obj("_initiator")
	j.str("type", e.initType)
	switch e.initType {
	case "preflight":
		j.str("url", e.initURL)
		j.str("requestId", e.initReqID)
	case "parser":
		j.str("url", e.initURL)
		j.int("lineNumber", int64(e.initLine))
	case "script":
		// An async stack: a few frames, then "await" parents, as a
		// framework's fetch wrapper produces.
		j.obj("stack")
		rest, parents := e.frames, 0
		for depth := 0; rest > 0; depth++ {
			if depth > 0 {
				j.obj("parent")
				j.str("description", "await")
				parents++
			}
			n := min(rest, 1+g.rng.IntN(4))
			rest -= n
			j.arr("callFrames")
			for range n {
				j.elem()
				j.str("functionName", funcs[g.rng.IntN(len(funcs))])
				j.str("scriptId", "7")
				j.str("url", appScript)
				j.int("lineNumber", int64(1000+g.rng.IntN(44000)))
				j.int("columnNumber", int64(g.rng.IntN(120)))
				j.end()
			}
			j.endArr()
		}
		for range parents {
			j.end()
		}
		j.end() // stack
	}
	j.end()
}

func (g *gen) timings(e *entry) {
	j := &g.j
	j.obj("timings")
	if e.blocked {
		// Chrome's entry for a request it never sent: all the time was
		// "blocked", nothing else happened.
		j.float("blocked", e.time)
		j.int("dns", -1)
		j.int("ssl", -1)
		j.int("connect", -1)
		j.int("send", 0)
		j.int("wait", 0)
		j.int("receive", 0)
		j.int("_blocked_queueing", -1)
		j.end()
		return
	}
	send, recv := g.ms(0.05, 1.5), g.ms(0.2, 6)
	blocked := g.ms(0.3, 12)
	j.float("blocked", blocked)
	if g.rng.IntN(20) == 0 {
		j.float("dns", g.ms(1, 30))
		j.float("ssl", g.ms(10, 60))
		j.float("connect", g.ms(20, 90))
	} else {
		j.int("dns", -1)
		j.int("ssl", -1)
		j.int("connect", -1)
	}
	j.float("send", send)
	j.float("wait", max(e.time-blocked-send-recv, 0.1))
	j.float("receive", recv)
	j.float("_blocked_queueing", g.ms(0.01, blocked))
	j.int("_workerStart", -1)
	j.int("_workerReady", -1)
	j.int("_workerFetchStart", -1)
	j.int("_workerRespondWithSettled", -1)
	j.end()
}
