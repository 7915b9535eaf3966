package hargen

import (
	"strconv"
	"time"
)

// The builders below write one group each. Header lists follow what Chrome
// 143 records: HTTP/2 lists start with the pseudo-headers and are sorted;
// a request blocked before it was sent keeps only "provisional" headers, in
// Chrome's unsorted order and mixed case, with no HTTP version.

const (
	acceptEncoding = "gzip, deflate, br, zstd"
	acceptLanguage = "en-US,en;q=0.9"
	lastModified   = "Tue, 09 Dec 2025 14:02:11 GMT"
	sessionCookie  = "s%3AQk2vR8mX1nT4pL7cY0aZ3eW6uI9oB5dF.h7Jk2mN4pQ6rS8tU0vW2xY4zA6bC8dE0fG2hI4jK6l"
	gaCookie       = "GA1.1.1840272183.1734571408"
	cookieHeader   = "session=" + sessionCookie + "; _ga=" + gaCookie + "; theme=dark"
)

// hints appends the client hints Chrome sends on every request but
// preflights.
func (e *entry) hints() {
	e.req("sec-ch-ua", secCHUA, "sec-ch-ua-mobile", "?0", "sec-ch-ua-platform", `"macOS"`)
}

// sendCookies adds the Cookie header and Chrome's parsed request.cookies.
func (e *entry) sendCookies() {
	e.req("cookie", cookieHeader)
	e.reqCookies = append(e.reqCookies,
		cookie{"session", sessionCookie, "/", ".example.com", "2026-01-18T01:23:28.378Z", true, true, "Lax"},
		cookie{"_ga", gaCookie, "/", ".example.com", "2027-01-23T01:23:28.112Z", false, false, ""},
		cookie{"theme", "dark", "/", "app.example.com", "1969-12-31T23:59:59.000Z", false, false, ""})
}

// finish fills the sizes Chrome derives for a completed HTTP/2 exchange.
func (e *entry) finish(g *gen, transferred int64) {
	e.reqHeadersSize = -1
	e.respHeadersSize = -1
	e.respBodySize = transferred
	e.transfer = transferred + headersSize(e.respHeaders)
	e.serverIP = g.ip()
	e.connID = g.connID()
	e.connection = "443"
}

// blockedResponse is what Chrome writes for a request it never sent.
func (e *entry) blockedResponse(time float64) {
	e.status, e.statusText, e.respHTTP = 0, "", ""
	e.size, e.mime = 0, "x-unknown"
	e.reqHeadersSize, e.respHeadersSize, e.respBodySize, e.transfer = -1, -1, -1, 0
	e.errText = "net::ERR_FAILED"
	e.time, e.blocked = time, true
}

// static is a same-origin script, stylesheet or image: no CORS, but most of
// a real session's entries.
func (g *gen) static() {
	e := g.reset()
	body := g.wantBody()
	var dest, accept, path, mime, prio string
	switch r := g.rng.IntN(3); {
	case body || r == 0:
		e.resourceType, dest, prio = "image", "image", "i"
		accept = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
		path, mime = "/assets/img/"+images[g.rng.IntN(len(images))]+"-"+g.hex(8)+".webp", "image/webp"
		e.priority = "Low"
	case r == 1:
		e.resourceType, dest, prio, accept = "script", "script", "u=1", "*/*"
		path, mime = "/assets/chunk-"+g.hex(8)+".js", "application/javascript"
	default:
		e.resourceType, dest, prio, accept = "stylesheet", "style", "u=0", "text/css,*/*;q=0.1"
		path, mime = "/assets/"+projects[g.rng.IntN(len(projects))]+"-"+g.hex(8)+".css", "text/css"
		e.priority = "VeryHigh"
	}
	e.h2Request("GET", "https://"+appHost+path)
	e.initType, e.initURL, e.initLine = "parser", pageURL, 20+g.rng.IntN(200)
	e.req("accept", accept, "accept-encoding", acceptEncoding, "accept-language", acceptLanguage, "cache-control", "no-cache")
	e.sendCookies()
	e.req("pragma", "no-cache", "priority", prio, "referer", pageURL)
	e.hints()
	e.req("sec-fetch-dest", dest, "sec-fetch-mode", "no-cors", "sec-fetch-site", "same-origin", "user-agent", chromeUA)

	size := int64(2000 + g.rng.IntN(60000))
	if body {
		e.text, size = g.body()
	}
	e.status, e.respHTTP = 200, "http/2.0"
	e.resp("accept-ranges", "bytes", "age", strconv.Itoa(g.rng.IntN(80000)),
		"alt-svc", `h3=":443"; ma=86400`, "cache-control", "public, max-age=31536000, immutable",
		"cf-cache-status", "HIT", "cf-ray", g.hex(16)+"-FRA", "content-length", strconv.FormatInt(size, 10),
		"content-type", mime, "date", g.httpDate(), "etag", `"`+g.hex(32)+`"`, "last-modified", lastModified,
		"server", "cloudflare", "strict-transport-security", "max-age=31536000; includeSubDomains", "vary", "Accept-Encoding")
	e.size, e.mime = size, mime
	e.time = g.ms(5, 120)
	e.finish(g, size)
	g.write(e)
}

// font is a cross-site web font: a CORS request without credentials,
// allowed with "Access-Control-Allow-Origin: *".
func (g *gen) font() {
	e := g.reset()
	g.st.CrossOrigin++
	e.resourceType, e.priority = "font", "VeryHigh"
	e.h2Request("GET", "https://"+cdnHost+"/fonts/inter-"+[]string{"regular", "medium", "semibold", "bold"}[g.rng.IntN(4)]+"-"+g.hex(6)+".woff2")
	e.initType, e.initURL, e.initLine = "parser", "https://app.example.com/assets/index-B3k9x1Qa.css", 1
	e.req("accept", "*/*", "accept-encoding", acceptEncoding, "accept-language", acceptLanguage, "cache-control", "no-cache",
		"origin", appOrigin, "pragma", "no-cache", "priority", "u=0", "referer", appOrigin+"/")
	e.hints()
	e.req("sec-fetch-dest", "font", "sec-fetch-mode", "cors", "sec-fetch-site", "cross-site", "user-agent", chromeUA)
	size := int64(20000 + g.rng.IntN(60000))
	if g.wantBody() {
		e.text, size = g.body()
	}
	e.status, e.respHTTP = 200, "http/2.0"
	e.resp("access-control-allow-origin", "*", "accept-ranges", "bytes", "age", strconv.Itoa(g.rng.IntN(900000)),
		"cache-control", "public, max-age=31536000, immutable", "content-length", strconv.FormatInt(size, 10),
		"content-type", "font/woff2", "date", g.httpDate(), "etag", `"`+g.hex(32)+`"`, "last-modified", lastModified,
		"server", "AmazonS3", "timing-allow-origin", "*", "via", "1.1 "+g.hex(16)+".cloudfront.net (CloudFront)",
		"x-amz-cf-pop", "FRA56-P3", "x-cache", "Hit from cloudfront")
	e.size, e.mime = size, "font/woff2"
	e.time = g.ms(10, 200)
	e.finish(g, size)
	g.write(e)
}

// apiResponse writes the headers of a CORS-enabled API response.
func (g *gen) apiResponse(e *entry, mime string, setCookie bool) {
	e.resp("access-control-allow-credentials", "true", "access-control-allow-origin", appOrigin,
		"access-control-expose-headers", "x-request-id, x-ratelimit-remaining", "alt-svc", `h3=":443"; ma=2592000`,
		"cache-control", "private, no-store")
	if mime != "" {
		e.resp("content-type", mime)
	}
	e.resp("date", g.httpDate(), "server", "envoy")
	if setCookie {
		v := g.hex(32)
		e.resp("set-cookie", "csrf="+v+"; Path=/; Domain=.example.com; Secure; SameSite=None")
		e.respCookies = append(e.respCookies, cookie{"csrf", v, "/", ".example.com", "", false, true, "None"})
	}
	e.resp("strict-transport-security", "max-age=63072000", "vary", "Origin, Accept-Encoding",
		"x-envoy-upstream-service-time", strconv.Itoa(3+g.rng.IntN(300)),
		"x-ratelimit-remaining", strconv.Itoa(g.rng.IntN(1000)), "x-request-id", g.uuid())
}

// simpleGet is a credentialed GET to the API: no preflight needed, allowed
// with the exact origin and Access-Control-Allow-Credentials.
func (g *gen) simpleGet() {
	e := g.reset()
	g.st.CrossOrigin++
	e.resourceType = "fetch"
	e.h2Request("GET", "https://"+apiHost+"/v2/projects/"+projects[g.rng.IntN(len(projects))]+"/tasks?status=open&page="+
		strconv.Itoa(1+g.rng.IntN(40))+"&limit=50")
	e.initType, e.frames = "script", 3+g.rng.IntN(10)
	e.req("accept", "application/json", "accept-encoding", acceptEncoding, "accept-language", acceptLanguage, "cache-control", "no-cache")
	e.sendCookies()
	e.req("origin", appOrigin, "pragma", "no-cache", "priority", "u=1, i", "referer", pageURL)
	e.hints()
	e.req("sec-fetch-dest", "empty", "sec-fetch-mode", "cors", "sec-fetch-site", "same-site", "user-agent", chromeUA)
	mime := "application/json"
	size := int64(200 + g.rng.IntN(6000))
	if g.wantBody() {
		mime = "application/x-protobuf"
		e.text, size = g.body()
	}
	e.status, e.statusText, e.respHTTP = 200, "", "http/2.0"
	g.apiResponse(e, mime, g.rng.IntN(10) == 0)
	e.size, e.mime, e.compression = size, mime, size*2/3
	e.time = g.ms(30, 400)
	e.finish(g, size-e.compression)
	g.write(e)
}

// postJSON returns a JSON request body of about n bytes.
func (g *gen) postJSON(n int) string {
	b := []byte(`{"clientMutationId":"` + g.uuid() + `","ops":[`)
	for i := 0; len(b) < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"op":"replace","path":"/fields/`...)
		b = strconv.AppendInt(b, int64(g.rng.IntN(64)), 10)
		b = append(b, `","value":"`...)
		b = append(b, g.hex(8+g.rng.IntN(56))...)
		b = append(b, `"}`...)
	}
	return string(append(b, "]}"...))
}

// post returns a body for a write, sized for the mix.
func (g *gen) post() string {
	if g.cfg.Mix == BodyHeavy {
		return g.postJSON(512 + g.rng.IntN(16<<10))
	}
	return g.postJSON(60 + g.rng.IntN(190))
}

// preflighted is an API write with Authorization and a JSON body: Chrome
// sends a preflight, and writes the follow-up first.
func (g *gen) preflighted() {
	g.st.CrossOrigin++
	method := []string{"POST", "PUT", "PATCH", "DELETE"}[g.rng.IntN(4)]
	u := "https://" + apiHost + "/v2/projects/" + projects[g.rng.IntN(len(projects))] + "/tasks"
	if method != "POST" {
		u += "/" + strconv.Itoa(10000+g.rng.IntN(90000))
	}
	reqID := g.requestID()
	preTime := g.ms(20, 120)
	started := g.now

	e := g.reset()
	e.resourceType = "fetch"
	e.h2Request(method, u)
	e.initType, e.frames = "script", 3+g.rng.IntN(10)
	e.req("accept", "application/json", "accept-encoding", acceptEncoding, "accept-language", acceptLanguage,
		"authorization", "Bearer "+jwt+g.hex(43), "cache-control", "no-cache")
	if method != "DELETE" {
		e.req("content-type", "application/json")
		e.postMime, e.postText = "application/json", g.post()
		e.reqBodySize = int64(len(e.postText))
	}
	e.req("origin", appOrigin, "pragma", "no-cache", "priority", "u=1, i", "referer", pageURL)
	e.hints()
	e.req("sec-fetch-dest", "empty", "sec-fetch-mode", "cors", "sec-fetch-site", "same-site", "user-agent", chromeUA,
		"x-client-version", "web/4.12.0", "x-request-id", g.uuid())
	e.status, e.respHTTP = 200, "http/2.0"
	mime, size := "application/json", int64(80+g.rng.IntN(2000))
	switch {
	case method == "DELETE":
		e.status, mime, size = 204, "", 0
	case method == "POST":
		e.status = 201
	}
	if mime != "" && g.wantBody() {
		mime = "application/x-protobuf"
		e.text, size = g.body()
	}
	g.apiResponse(e, mime, false)
	e.size, e.mime = size, mime
	if mime == "" {
		e.mime = "x-unknown"
	}
	e.time = preTime + g.ms(20, 300)
	e.finish(g, size)
	g.write(e)

	g.preflight(u, method, "authorization,content-type,x-client-version,x-request-id", reqID, started, preTime, func(p *entry) {
		p.status, p.statusText = 204, ""
		p.resp("access-control-allow-credentials", "true",
			"access-control-allow-headers", "authorization,content-type,x-client-version,x-request-id",
			"access-control-allow-methods", "GET,POST,PUT,PATCH,DELETE", "access-control-allow-origin", appOrigin,
			"access-control-max-age", "600", "alt-svc", `h3=":443"; ma=2592000`, "date", g.httpDate(), "server", "envoy",
			"strict-transport-security", "max-age=63072000",
			"vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
	})
}

// preflight writes the OPTIONS entry Chrome records for a request made at
// started; respond sets its response.
func (g *gen) preflight(u, method, acrh, reqID string, started time.Time, t float64, respond func(*entry)) {
	p := g.reset()
	p.started = started.Add(time.Duration(300+g.rng.IntN(2000)) * time.Microsecond)
	p.resourceType = "preflight"
	p.initType, p.initURL, p.initReqID = "preflight", u, reqID
	p.h2Request("OPTIONS", u)
	p.req("accept", "*/*", "accept-encoding", acceptEncoding, "accept-language", acceptLanguage)
	if acrh != "" {
		p.req("access-control-request-headers", acrh)
	}
	site := "cross-site"
	if hostOf(u) == apiHost {
		site = "same-site"
	}
	p.req("access-control-request-method", method, "cache-control", "no-cache", "origin", appOrigin, "pragma", "no-cache",
		"priority", "u=1, i", "referer", pageURL, "sec-fetch-dest", "empty", "sec-fetch-mode", "cors",
		"sec-fetch-site", site, "user-agent", chromeUA)
	p.respHTTP = "http/2.0"
	respond(p)
	p.size, p.mime = 0, "x-unknown"
	p.time = t
	p.finish(g, 0)
	g.write(p)
}

func hostOf(u string) string {
	rest := u[len("https://"):]
	for i := 0; i < len(rest); i++ {
		if rest[i] == '/' || rest[i] == '?' {
			return rest[:i]
		}
	}
	return rest
}

// blockedSimple is a simple GET to a server that sends no
// Access-Control-Allow-Origin: the response arrived, Chrome failed it.
func (g *gen) blockedSimple() {
	g.st.CrossOrigin++
	g.st.Planted[PlantMissingAllowOrigin]++
	e := g.reset()
	e.resourceType = "fetch"
	e.h2Request("GET", "https://"+legacyHost+"/api/v1/status/"+strconv.Itoa(g.rng.IntN(5000))+"?ts="+strconv.FormatInt(g.now.UnixMilli(), 10))
	e.initType, e.frames = "script", 2+g.rng.IntN(6)
	e.req("accept", "*/*", "accept-encoding", acceptEncoding, "accept-language", acceptLanguage, "cache-control", "no-cache",
		"origin", appOrigin, "pragma", "no-cache", "priority", "u=1, i", "referer", pageURL)
	e.hints()
	e.req("sec-fetch-dest", "empty", "sec-fetch-mode", "cors", "sec-fetch-site", "cross-site", "user-agent", chromeUA)
	e.respHTTP = "http/2.0"
	e.resp("cache-control", "no-cache", "content-length", strconv.Itoa(40+g.rng.IntN(400)), "content-type", "application/json",
		"date", g.httpDate(), "server", "nginx/1.24.0", "x-powered-by", "PHP/8.2.12")
	e.blockedResponse(g.ms(20, 300))
	e.status, e.reqHTTP = 200, "http/2.0"
	e.respHeadersSize = headersSize(e.respHeaders)
	g.write(e)
}

// provisional writes the follow-up of a preflight that failed: Chrome never
// sent it, and kept only the headers the page set plus a few of its own.
func (g *gen) provisional(method, u string, kv ...string) {
	e := g.reset()
	e.resourceType = "fetch"
	e.method, e.url = method, u
	e.initType, e.frames = "script", 2+g.rng.IntN(8)
	e.req("sec-ch-ua-platform", `"macOS"`, "Referer", appOrigin+"/", "User-Agent", chromeUA)
	e.req(kv...)
	e.req("sec-ch-ua", secCHUA, "sec-ch-ua-mobile", "?0")
	if method == "POST" {
		e.postMime, e.postText = "application/json", g.post()
		e.reqBodySize = int64(len(e.postText))
	}
	e.blockedResponse(g.ms(40, 400))
	g.write(e)
}

// preflight404 is a POST to a server with no OPTIONS route: the preflight
// gets a 404 without CORS headers.
func (g *gen) preflight404() {
	g.st.CrossOrigin++
	g.st.Planted[PlantPreflight404]++
	u := "https://" + reportHost + "/v1/events"
	reqID, started, t := g.requestID(), g.now, g.ms(20, 250)
	g.provisional("POST", u, "Accept", "application/json", "Content-Type", "application/json")
	g.preflight(u, "POST", "content-type", reqID, started, t, func(p *entry) {
		p.status, p.statusText = 404, ""
		p.resp("alt-svc", `h3=":443"; ma=2592000`, "cache-control", "no-cache", "content-type", "text/html",
			"date", g.httpDate(), "server", "nginx", "strict-transport-security", "max-age=31536000;includeSubDomains;preload",
			"x-frame-options", "SAMEORIGIN")
	})
}

// headerNotAllowed sends a custom header that the preflight's
// Access-Control-Allow-Headers does not list.
func (g *gen) headerNotAllowed() {
	g.st.CrossOrigin++
	g.st.Planted[PlantHeaderNotAllowed]++
	u := "https://" + traceHost + "/v1/config/" + projects[g.rng.IntN(len(projects))]
	reqID, started, t := g.requestID(), g.now, g.ms(20, 250)
	g.provisional("GET", u, "Accept", "application/json", "X-Trace-Id", g.uuid())
	g.preflight(u, "GET", "x-trace-id", reqID, started, t, func(p *entry) {
		p.status, p.statusText = 204, ""
		p.resp("access-control-allow-headers", "content-type, authorization", "access-control-allow-methods", "GET, POST",
			"access-control-allow-origin", appOrigin, "access-control-max-age", "86400", "date", g.httpDate(),
			"server", "gunicorn", "vary", "Origin")
	})
}
