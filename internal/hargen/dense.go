package hargen

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The metadata-dense mix writes the same kinds of group as the body-heavy
// one, with the same planted failures at the same rates, but more of them
// same-origin loads, and each entry as small as a HAR entry gets: compact
// JSON, the short header lists of a minimal request, no call-frame stacks,
// HAR's required timings only. See MetadataDense.

// denseWeights are the metadata-dense mix's per mille weights: the same
// failures at the same rates, in a session where most requests are
// same-origin loads.
var denseWeights = []weight{
	{kStatic, 700}, {kFont, 20}, {kSimpleGet, 150}, {kPreflighted, 100},
	{kBlockedSimple, 12}, {kPreflight404, 9}, {kHeaderNotAllowed, 9},
}

// denseGroup writes the next group of the metadata-dense mix.
func (g *gen) denseGroup() {
	ws := denseWeights
	if g.cfg.Systemic {
		ws = systemicWeights(denseWeights)
	}
	switch g.pick(ws) {
	case kStatic:
		g.denseStatic()
	case kFont:
		g.denseFont()
	case kSimpleGet:
		g.denseGet()
	case kPreflighted:
		g.densePreflighted()
	case kBlockedSimple:
		g.denseBlockedSimple()
	case kPreflight404:
		g.densePreflight404()
	case kHeaderNotAllowed:
		g.denseHeaderNotAllowed()
	}
}

// round3 keeps a time to the microsecond, as compact exporters write it.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// target sets the request line; a query string is also written parsed, as
// HAR wants. httpVersion stays empty for a request never sent.
func (e *entry) target(method, rawURL, httpVersion string) {
	e.method, e.url, e.reqHTTP = method, rawURL, httpVersion
	if i := strings.IndexByte(rawURL, '?'); i >= 0 {
		for _, kv := range strings.Split(rawURL[i+1:], "&") {
			k, v, _ := strings.Cut(kv, "=")
			e.query = append(e.query, hdr{k, v})
		}
	}
}

// denseDone fills the sizes of a completed HTTP/2 exchange.
func (e *entry) denseDone(t float64, transferred int64) {
	e.reqHeadersSize, e.respHeadersSize = -1, -1
	e.respBodySize = transferred
	e.time = round3(t)
}

// denseStatic is a same-origin script, stylesheet or image: no CORS.
func (g *gen) denseStatic() {
	e := g.reset()
	var path, mime string
	switch g.rng.IntN(3) {
	case 0:
		e.resourceType = "image"
		path, mime = "/img/"+images[g.rng.IntN(len(images))]+"-"+g.hex(8)+".webp", "image/webp"
	case 1:
		e.resourceType = "script"
		path, mime = "/js/chunk-"+g.hex(8)+".js", "application/javascript"
	default:
		e.resourceType = "stylesheet"
		path, mime = "/css/"+projects[g.rng.IntN(len(projects))]+"-"+g.hex(8)+".css", "text/css"
	}
	e.target("GET", "https://"+appHost+path, "http/2.0")
	e.req("sec-fetch-mode", "no-cors")
	size := int64(2000 + g.rng.IntN(60000))
	e.status, e.respHTTP = 200, "http/2.0"
	e.resp("content-type", mime)
	e.size, e.mime = size, mime
	e.denseDone(g.ms(5, 120), size)
	g.writeDense(e)
}

// denseFont is a cross-site web font: CORS without credentials, allowed
// with "Access-Control-Allow-Origin: *".
func (g *gen) denseFont() {
	e := g.reset()
	g.st.CrossOrigin++
	e.resourceType = "font"
	e.target("GET", "https://"+cdnHost+"/fonts/inter-"+[]string{"regular", "medium", "semibold", "bold"}[g.rng.IntN(4)]+"-"+g.hex(6)+".woff2", "http/2.0")
	e.req("origin", appOrigin, "sec-fetch-mode", "cors")
	size := int64(20000 + g.rng.IntN(60000))
	e.status, e.respHTTP = 200, "http/2.0"
	e.resp("access-control-allow-origin", "*", "content-type", "font/woff2")
	e.size, e.mime = size, "font/woff2"
	e.denseDone(g.ms(10, 200), size)
	g.writeDense(e)
}

// denseGet is a credentialed GET to the API (it sends a cookie), allowed
// with the exact origin and Access-Control-Allow-Credentials.
func (g *gen) denseGet() {
	e := g.reset()
	g.st.CrossOrigin++
	e.resourceType = "fetch"
	e.target("GET", "https://"+apiHost+"/tasks?page="+strconv.Itoa(1+g.rng.IntN(40)), "http/2.0")
	e.req("cookie", "sid="+g.hex(16), "origin", appOrigin, "sec-fetch-mode", "cors")
	size := int64(200 + g.rng.IntN(6000))
	e.status, e.respHTTP = 200, "http/2.0"
	e.resp("access-control-allow-credentials", "true", "access-control-allow-origin", appOrigin,
		"content-type", "application/json", "vary", "Origin")
	e.size, e.mime, e.compression = size, "application/json", size*2/3
	e.denseDone(g.ms(30, 400), size-e.compression)
	g.writeDense(e)
}

// tinyJSON is the postData of a write in this mix: a few dozen bytes.
func (g *gen) tinyJSON() string {
	return `{"field":` + strconv.Itoa(g.rng.IntN(64)) + `,"value":"` + g.hex(4+g.rng.IntN(20)) + `"}`
}

// densePreflighted is an API write: a JSON body (Content-Type
// application/json) or the DELETE method needs a preflight, written after
// its follow-up.
func (g *gen) densePreflighted() {
	g.st.CrossOrigin++
	method := []string{"POST", "PUT", "PATCH", "DELETE"}[g.rng.IntN(4)]
	u := "https://" + apiHost + "/tasks"
	if method != "POST" {
		u += "/" + strconv.Itoa(10000+g.rng.IntN(90000))
	}
	reqID, started, preTime := g.requestID(), g.now, round3(g.ms(20, 120))

	e := g.reset()
	e.resourceType = "fetch"
	e.target(method, u, "http/2.0")
	acrh := ""
	if method != "DELETE" {
		acrh = "content-type"
		e.req("content-type", "application/json")
		e.postMime, e.postText = "application/json", g.tinyJSON()
		e.reqBodySize = int64(len(e.postText))
	}
	e.req("origin", appOrigin, "sec-fetch-mode", "cors")
	e.status, e.respHTTP = 200, "http/2.0"
	mime, size := "application/json", int64(80+g.rng.IntN(2000))
	switch method {
	case "DELETE":
		e.status, mime, size = 204, "", 0
	case "POST":
		e.status = 201
	}
	e.resp("access-control-allow-origin", appOrigin)
	if mime != "" {
		e.resp("content-type", mime)
	}
	e.resp("vary", "Origin")
	e.size, e.mime = size, mime
	if mime == "" {
		e.mime = "x-unknown"
	}
	e.denseDone(preTime+g.ms(20, 300), size)
	g.writeDense(e)

	g.densePreflight(u, method, acrh, reqID, started, preTime, func(p *entry) {
		p.status = 204
		p.resp("access-control-allow-headers", "content-type", "access-control-allow-methods", "PUT,PATCH,DELETE",
			"access-control-allow-origin", appOrigin, "access-control-max-age", "600", "vary", "Origin")
	})
}

// densePreflight writes the OPTIONS entry for a request made at started,
// with Chrome's preflight _initiator; respond sets its response.
func (g *gen) densePreflight(u, method, acrh, reqID string, started time.Time, t float64, respond func(*entry)) {
	p := g.reset()
	p.started = started.Add(time.Duration(300+g.rng.IntN(2000)) * time.Microsecond)
	p.resourceType = "preflight"
	p.initType, p.initURL, p.initReqID = "preflight", u, reqID
	p.target("OPTIONS", u, "http/2.0")
	if acrh != "" {
		p.req("access-control-request-headers", acrh)
	}
	p.req("access-control-request-method", method, "origin", appOrigin, "sec-fetch-mode", "cors")
	p.respHTTP = "http/2.0"
	respond(p)
	p.size, p.mime = 0, "x-unknown"
	p.denseDone(t, 0)
	g.writeDense(p)
}

// denseBlockedSimple is a simple GET to a server that sends no
// Access-Control-Allow-Origin: the response arrived, Chrome failed it.
func (g *gen) denseBlockedSimple() {
	g.st.CrossOrigin++
	g.st.Planted[PlantMissingAllowOrigin]++
	e := g.reset()
	e.resourceType = "fetch"
	e.target("GET", "https://"+legacyHost+"/api/status/"+strconv.Itoa(g.rng.IntN(5000)), "http/2.0")
	e.req("origin", appOrigin, "sec-fetch-mode", "cors")
	e.respHTTP = "http/2.0"
	e.resp("content-type", "application/json")
	e.blockedResponse(round3(g.ms(20, 300)))
	e.status = 200
	e.respHeadersSize = headersSize(e.respHeaders)
	g.writeDense(e)
}

// denseProvisional writes the follow-up of a preflight that failed: Chrome
// never sent it, and kept only provisional headers (mixed case, no
// httpVersion): the Referer and those the page set.
func (g *gen) denseProvisional(method, u string, kv ...string) {
	e := g.reset()
	e.resourceType = "fetch"
	e.target(method, u, "")
	e.req("Referer", appOrigin+"/")
	e.req(kv...)
	if method == "POST" {
		e.postMime, e.postText = "application/json", g.tinyJSON()
		e.reqBodySize = int64(len(e.postText))
	}
	e.blockedResponse(round3(g.ms(40, 400)))
	g.writeDense(e)
}

// densePreflight404 is a POST to a server with no OPTIONS route: the
// preflight gets a 404 without CORS headers.
func (g *gen) densePreflight404() {
	g.st.CrossOrigin++
	g.st.Planted[PlantPreflight404]++
	u := "https://" + reportHost + "/v1/events"
	reqID, started, t := g.requestID(), g.now, round3(g.ms(20, 250))
	g.denseProvisional("POST", u, "Content-Type", "application/json")
	g.densePreflight(u, "POST", "content-type", reqID, started, t, func(p *entry) {
		p.status = 404
		p.resp("content-type", "text/html")
	})
}

// denseHeaderNotAllowed sends a custom header that the preflight's
// Access-Control-Allow-Headers does not list.
func (g *gen) denseHeaderNotAllowed() {
	g.st.CrossOrigin++
	g.st.Planted[PlantHeaderNotAllowed]++
	u := "https://" + traceHost + "/v1/config/" + projects[g.rng.IntN(len(projects))]
	reqID, started, t := g.requestID(), g.now, round3(g.ms(20, 250))
	g.denseProvisional("GET", u, "X-Trace-Id", g.hex(16))
	g.densePreflight(u, "GET", "x-trace-id", reqID, started, t, func(p *entry) {
		p.status = 204
		p.resp("access-control-allow-headers", "content-type", "access-control-allow-origin", appOrigin, "vary", "Origin")
	})
}

// writeDense emits an entry of the metadata-dense mix: Chrome's members
// that HAR requires or that the analysis reads (_initiator, _resourceType,
// _error), in Chrome's order, and HAR's required timings.
func (g *gen) writeDense(e *entry) {
	if g.cfg.Systemic {
		e.dropVaryOrigin()
	}
	j := &g.j
	g.st.Entries++
	if e.method == "OPTIONS" {
		g.st.Options++
	}
	j.elem()
	if e.initType == "preflight" {
		j.obj("_initiator")
		j.str("type", e.initType)
		j.str("url", e.initURL)
		j.str("requestId", e.initReqID)
		j.end()
	}
	j.str("_resourceType", e.resourceType)
	j.obj("cache")
	j.end()

	g.request(j, e)
	g.responseHead(j, e)
	if e.errText != "" {
		j.str("_error", e.errText)
	}
	j.end()

	j.str("startedDateTime", g.stamp(e.started))
	j.float("time", e.time)
	j.obj("timings")
	if e.blocked {
		j.float("blocked", e.time)
		j.int("send", 0)
		j.int("wait", 0)
		j.int("receive", 0)
	} else {
		send, recv := round3(g.ms(0.05, 1.5)), round3(g.ms(0.2, 6))
		j.float("send", send)
		j.float("wait", round3(max(e.time-send-recv, 0.1)))
		j.float("receive", recv)
	}
	j.end()
	j.end()
}
