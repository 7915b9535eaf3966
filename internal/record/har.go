package main

import (
	"bytes"
	"encoding/json"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file turns the recorded DevTools protocol events into a HAR the way
// Chrome DevTools does when a user picks "Export HAR (sanitized)". It follows
// devtools-frontend field by field:
//
//   - front_end/core/sdk/NetworkManager.ts (NetworkDispatcher): how each event
//     updates a NetworkRequest, how redirects split one protocol request id
//     into several requests, and ExtraInfoBuilder, which pairs the n-th
//     *ExtraInfo event with the n-th hop of a redirect chain;
//   - front_end/core/sdk/NetworkRequest.ts: the getters the writer calls
//     (requestHttpVersion, responseHttpVersion, timing, endTime, cached...);
//   - front_end/models/har/Log.ts (Entry.build, buildTimings, sanitize) and
//     Writer.ts (entries sorted by issueTime, JSON indented by 2).
//
// The code is written from reading those files, not copied. Where DevTools has
// a quirk (serverIPAddress keeps IPv6 brackets because its regexp only strips
// a literal "[]"; request headers text is invented as "HTTP/1.1" from the raw
// headers) the quirk is kept, because the point is to produce the file a user
// would attach to a bug report.

// netRequest mirrors the parts of SDK.NetworkRequest that Log.ts reads.
type netRequest struct {
	requestID string // protocol request id; redirect hops share it
	seq       int    // creation order, the tie-break of the stable sort

	url             string
	method          string
	reqHeaders      []Header
	reqHeadersText  *string // nil = undefined (provisional headers)
	body            *string
	initialPriority string
	resourceType    string // protocol ResourceType, e.g. "Fetch"
	initiator       *Initiator

	issueTime, wallIssueTime float64
	startTime                float64
	responseReceivedTime     float64 // 0 = undefined
	endTime                  float64 // 0 = undefined
	timing                   *ResourceTiming

	statusCode      int
	statusText      string
	respHeaders     []Header
	respHeadersText string
	hasExtraResp    bool
	mimeType        string
	protocol        string
	remoteAddress   string
	connectionID    string
	transferSize    float64
	transferSet     bool
	resourceSize    float64
	fromDiskCache   bool
	fromMemoryCache bool
	fromSW          bool

	failed      bool
	failDesc    *string
	canceled    bool
	corsStatus  *CorsErrorStatus
	isRedirect  bool
	redirectSrc *netRequest
}

func (r *netRequest) getStartTime() float64 {
	if r.startTime == 0 {
		return -1
	}
	return r.startTime
}

func (r *netRequest) getResponseReceivedTime() float64 {
	if r.responseReceivedTime == 0 {
		return -1
	}
	return r.responseReceivedTime
}

func (r *netRequest) getEndTime() float64 {
	if r.endTime == 0 {
		return -1
	}
	return r.endTime
}

func (r *netRequest) setEndTime(x float64) {
	if r.timing != nil && r.timing.RequestTime != 0 {
		r.endTime = math.Max(x, r.getResponseReceivedTime())
		return
	}
	r.endTime = x
	if r.responseReceivedTime > x {
		r.responseReceivedTime = x
	}
}

func (r *netRequest) setTiming(t *ResourceTiming) {
	if t == nil || r.fromMemoryCache {
		return
	}
	r.startTime = t.RequestTime
	headersReceived := t.RequestTime + t.ReceiveHeadersEnd/1000.0
	if r.getResponseReceivedTime() < 0 || r.responseReceivedTime > headersReceived {
		r.responseReceivedTime = headersReceived
	}
	if r.startTime > r.getResponseReceivedTime() {
		r.responseReceivedTime = r.startTime
	}
	r.timing = t
}

func (r *netRequest) cached() bool {
	return (r.fromMemoryCache || r.fromDiskCache) && r.transferSize == 0
}

func (r *netRequest) pseudoWallTime(monotonic float64) float64 {
	if r.wallIssueTime != 0 {
		return r.wallIssueTime - r.issueTime + monotonic
	}
	return monotonic
}

func (r *netRequest) filteredProtocolName() string {
	p := strings.ToLower(r.protocol)
	if p == "h2" {
		return "http/2.0"
	}
	if strings.HasPrefix(p, "http/2+") || strings.HasPrefix(p, "http/2.0+") {
		return "http/2.0+" + p[strings.Index(p, "+")+1:]
	}
	return p
}

func headerValue(hs []Header, name string) (string, bool) {
	var vals []string
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			vals = append(vals, h.Value)
		}
	}
	if vals == nil {
		return "", false
	}
	if strings.EqualFold(name, "set-cookie") {
		return strings.Join(vals, "\n"), true
	}
	return strings.Join(vals, ", "), true
}

var httpVersionAtEnd = func(line string) string {
	// /(HTTP\/\d+\.\d+)$/
	i := strings.LastIndex(line, "HTTP/")
	if i < 0 || !isVersion(line[i+5:]) {
		return "HTTP/0.9"
	}
	return line[i:]
}

var httpVersionAtStart = func(line string) string {
	// /^(HTTP\/\d+\.\d+)/
	if !strings.HasPrefix(line, "HTTP/") {
		return "HTTP/0.9"
	}
	rest := line[5:]
	end := strings.IndexByte(rest, ' ')
	if end < 0 {
		end = len(rest)
	}
	if !isVersion(rest[:end]) {
		return "HTTP/0.9"
	}
	return line[:5+end]
}

func isVersion(s string) bool {
	a, b, ok := strings.Cut(s, ".")
	return ok && isDigits(a) && isDigits(b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (r *netRequest) requestHTTPVersion() string {
	if r.reqHeadersText == nil || *r.reqHeadersText == "" {
		if v, ok := headerValue(r.reqHeaders, "version"); ok {
			return v
		}
		if v, ok := headerValue(r.reqHeaders, ":version"); ok {
			return v
		}
		return r.filteredProtocolName()
	}
	first, _, _ := strings.Cut(*r.reqHeadersText, "\r\n")
	return httpVersionAtEnd(first)
}

func (r *netRequest) responseHTTPVersion() string {
	if r.respHeadersText == "" {
		if v, ok := headerValue(r.respHeaders, "version"); ok {
			return v
		}
		if v, ok := headerValue(r.respHeaders, ":version"); ok {
			return v
		}
		return r.filteredProtocolName()
	}
	first, _, _ := strings.Cut(r.respHeadersText, "\r\n")
	return httpVersionAtStart(first)
}

// applyResponse is NetworkDispatcher.updateNetworkRequestWithResponse.
func (r *netRequest) applyResponse(resp *Response) {
	if resp.URL != "" && r.url != resp.URL {
		r.url = resp.URL
	}
	r.mimeType = resp.MimeType
	if r.statusCode == 0 {
		r.statusCode = resp.Status
	}
	if r.statusText == "" {
		r.statusText = resp.StatusText
	}
	if !r.hasExtraResp {
		r.respHeaders = resp.Headers.Array()
	}
	if resp.EncodedDataLength >= 0 {
		r.transferSize, r.transferSet = resp.EncodedDataLength, true
	}
	r.connectionID = strconv.FormatFloat(resp.ConnectionID, 'f', -1, 64)
	if resp.RemoteIPAddress != "" {
		port := resp.RemotePort
		if port == 0 {
			port = -1
		}
		r.remoteAddress = resp.RemoteIPAddress + ":" + strconv.Itoa(port)
	}
	if resp.FromServiceWorker {
		r.fromSW = true
	}
	if resp.FromDiskCache {
		r.fromDiskCache = true
	}
	r.setTiming(resp.Timing)
	r.protocol = resp.Protocol
}

// applyExtraRequest is NetworkRequest.addExtraRequestInfo.
func (r *netRequest) applyExtraRequest(e *evRequestWillBeSentExtraInfo) {
	r.reqHeaders = e.Headers.Array()
	empty := ""
	r.reqHeadersText = &empty // marks the headers as non-provisional
	if e.ConnectTiming != nil {
		r.startTime = e.ConnectTiming.RequestTime
	}
}

// applyExtraResponse is NetworkRequest.addExtraResponseInfo.
func (r *netRequest) applyExtraResponse(e *evResponseReceivedExtraInfo) {
	r.respHeaders = e.Headers.Array()
	if e.HeadersText != "" {
		r.respHeadersText = e.HeadersText
		if r.reqHeadersText == nil || *r.reqHeadersText == "" {
			// DevTools invents the request line, always as HTTP/1.1, because
			// requestWillBeSentExtraInfo carries no headers text.
			u, _ := url.Parse(r.url)
			var b strings.Builder
			b.WriteString(r.method + " ")
			if u != nil {
				p := u.EscapedPath()
				if p == "" {
					p = "/"
				}
				b.WriteString(p)
				if u.RawQuery != "" {
					b.WriteString("?" + u.RawQuery)
				}
			}
			b.WriteString(" HTTP/1.1\r\n")
			for _, h := range r.reqHeaders {
				b.WriteString(h.Name + ": " + h.Value + "\r\n")
			}
			s := b.String()
			r.reqHeadersText = &s
		}
		first, _, _ := strings.Cut(e.HeadersText, "\r")
		parts := strings.Split(first, " ")
		if len(parts) > 2 {
			r.statusText = strings.Join(parts[2:], " ")
		} else {
			r.statusText = ""
		}
	}
	if e.StatusCode != 0 {
		r.statusCode = e.StatusCode
	}
	r.hasExtraResp = true
}

// requestLog holds every event of one tab, grouped by protocol request id.
type requestLog struct {
	willBeSent map[string][]*evRequestWillBeSent
	reqExtra   map[string][]*evRequestWillBeSentExtraInfo
	respExtra  map[string][]*evResponseReceivedExtraInfo
	response   map[string]*evResponseReceived
	data       map[string][]*evDataReceived
	fromCache  map[string]bool
	finished   map[string]*evLoadingFinished
	failed     map[string]*evLoadingFailed
	order      []string // request ids in order of their first requestWillBeSent
	domContent float64
	load       float64
	documentID string
}

func newRequestLog() *requestLog {
	return &requestLog{
		willBeSent: map[string][]*evRequestWillBeSent{},
		reqExtra:   map[string][]*evRequestWillBeSentExtraInfo{},
		respExtra:  map[string][]*evResponseReceivedExtraInfo{},
		response:   map[string]*evResponseReceived{},
		data:       map[string][]*evDataReceived{},
		fromCache:  map[string]bool{},
		finished:   map[string]*evLoadingFinished{},
		failed:     map[string]*evLoadingFailed{},
	}
}

// kind is how the recorder classifies a protocol request: "Preflight" for
// a CORS preflight (Chrome reports it with type Other in requestWillBeSent
// and Preflight only in responseReceived, so the initiator decides),
// otherwise its requestWillBeSent type ("Fetch", "XHR", "Document"...).
func (l *requestLog) kind(id string) string {
	first := l.willBeSent[id][0]
	if first.Initiator != nil && first.Initiator.Type == "preflight" {
		return "Preflight"
	}
	return first.Type
}

// build replays the events of one protocol request id the way
// NetworkDispatcher receives them and returns the NetworkRequest of every hop.
func (l *requestLog) build(id string, seq *int) []*netRequest {
	sends := l.willBeSent[id]
	if len(sends) == 0 {
		return nil
	}
	var hops []*netRequest
	// hasExtra[i] says whether hop i gets ExtraInfo events (ExtraInfoBuilder).
	var hasExtra []bool
	for i, ev := range sends {
		if i > 0 && ev.RedirectResponse != nil {
			prev := hops[len(hops)-1]
			prev.responseReceivedTime = ev.Timestamp
			prev.applyResponse(ev.RedirectResponse)
			hasExtra = append(hasExtra, true) // redirectHasExtraInfo; see below
			prev.isRedirect = true
			prev.setEndTime(ev.Timestamp)
		}
		r := &netRequest{requestID: id, seq: *seq, connectionID: "0"}
		*seq++
		r.url = ev.Request.URL
		r.initiator = ev.Initiator
		if i > 0 {
			r.initiator = hops[0].initiator
			r.redirectSrc = hops[len(hops)-1]
		}
		r.method = ev.Request.Method
		r.reqHeaders = ev.Request.Headers.Array()
		if b, ok := ev.Request.Body(); ok {
			r.body = &b
		}
		r.initialPriority = ev.Request.InitialPriority
		r.issueTime, r.wallIssueTime, r.startTime = ev.Timestamp, ev.WallTime, ev.Timestamp
		r.resourceType = ev.Type
		if r.resourceType == "" {
			r.resourceType = "Other"
		}
		hops = append(hops, r)
	}
	last := hops[len(hops)-1]
	if rr := l.response[id]; rr != nil {
		last.responseReceivedTime = rr.Timestamp
		last.resourceType = rr.Type
		last.applyResponse(&rr.Response)
		hasExtra = append(hasExtra, rr.HasExtraInfo)
	}
	if l.fromCache[id] {
		last.fromMemoryCache = true
		last.timing = nil
	}
	for _, d := range l.data[id] {
		last.resourceSize += d.DataLength
		if d.EncodedDataLength != -1 {
			last.transferSize += d.EncodedDataLength
			last.transferSet = true
		}
		last.setEndTime(d.Timestamp)
	}
	// ExtraInfoBuilder: a hop whose response said hasExtraInfo=false has no
	// ExtraInfo events, so the lists shift by one at that hop. A hop that
	// failed before any response counts as having them (finished()).
	for len(hasExtra) < len(hops) {
		hasExtra = append(hasExtra, true)
	}
	reqExtra := append([]*evRequestWillBeSentExtraInfo(nil), l.reqExtra[id]...)
	respExtra := append([]*evResponseReceivedExtraInfo(nil), l.respExtra[id]...)
	for i, ok := range hasExtra {
		if !ok {
			reqExtra = insertNil(reqExtra, i)
			respExtra = insertNil(respExtra, i)
		}
	}
	for i, r := range hops {
		if !hasExtra[i] {
			continue
		}
		if i < len(reqExtra) && reqExtra[i] != nil {
			r.applyExtraRequest(reqExtra[i])
		}
		if i < len(respExtra) && respExtra[i] != nil {
			r.applyExtraResponse(respExtra[i])
		}
	}
	if f := l.finished[id]; f != nil {
		last.setEndTime(f.Timestamp)
		if f.EncodedDataLength >= 0 {
			last.transferSize, last.transferSet = f.EncodedDataLength, true
		}
	}
	if f := l.failed[id]; f != nil {
		last.failed = true
		if f.Type != "" {
			last.resourceType = f.Type
		}
		last.canceled = f.Canceled
		last.corsStatus = f.CorsErrorStatus
		desc := f.ErrorText
		last.failDesc = &desc
		last.setEndTime(f.Timestamp)
	}
	return hops
}

func insertNil[T any](s []*T, i int) []*T {
	if i > len(s) {
		return s
	}
	s = append(s, nil)
	copy(s[i+1:], s[i:])
	s[i] = nil
	return s
}

// resourceTypeName is Common.ResourceType's name() for a protocol type.
func resourceTypeName(t string) string {
	switch t {
	case "XHR":
		return "xhr"
	case "SignedExchange":
		return "signed-exchange"
	case "CSPViolationReport":
		return "csp-violation-report"
	case "":
		return "other"
	}
	return strings.ToLower(t)
}

// The HAR types. Field order is the order in which Log.ts creates the keys,
// which is the order JSON.stringify writes them.

type harFile struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string      `json:"version"`
	Creator harCreator  `json:"creator"`
	Browser *harCreator `json:"browser,omitempty"`
	Pages   []harPage   `json:"pages"`
	Entries []harEntry  `json:"entries"`
	Comment string      `json:"comment,omitempty"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harPage struct {
	StartedDateTime string         `json:"startedDateTime"`
	ID              string         `json:"id"`
	Title           string         `json:"title"`
	PageTimings     harPageTimings `json:"pageTimings"`
}

type harPageTimings struct {
	OnContentLoad jsNum `json:"onContentLoad"`
	OnLoad        jsNum `json:"onLoad"`
}

type harInitiator struct {
	Type       string          `json:"type"`
	URL        *string         `json:"url,omitempty"`
	RequestID  *string         `json:"requestId,omitempty"`
	LineNumber *float64        `json:"lineNumber,omitempty"`
	Stack      json.RawMessage `json:"stack,omitempty"`
}

type harEntry struct {
	ConnectionID    *string       `json:"_connectionId,omitempty"`
	FromCache       *string       `json:"_fromCache,omitempty"`
	Initiator       *harInitiator `json:"_initiator"`
	Priority        *string       `json:"_priority"`
	ResourceType    string        `json:"_resourceType"`
	Cache           struct{}      `json:"cache"`
	Connection      *string       `json:"connection,omitempty"`
	Pageref         *string       `json:"pageref,omitempty"`
	Request         harRequest    `json:"request"`
	Response        harResponse   `json:"response"`
	ServerIPAddress string        `json:"serverIPAddress"`
	StartedDateTime string        `json:"startedDateTime"`
	Time            jsNum         `json:"time"`
	Timings         harTimings    `json:"timings"`

	req *netRequest // not written
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Headers     []Header     `json:"headers"`
	QueryString []Header     `json:"queryString"`
	Cookies     []any        `json:"cookies"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
	PostData    *harPostData `json:"postData,omitempty"`
}

type harPostData struct {
	MimeType string   `json:"mimeType"`
	Text     string   `json:"text"`
	Params   []Header `json:"params,omitempty"`
}

type harResponse struct {
	Status       int        `json:"status"`
	StatusText   string     `json:"statusText"`
	HTTPVersion  string     `json:"httpVersion"`
	Headers      []Header   `json:"headers"`
	Cookies      []any      `json:"cookies"`
	Content      harContent `json:"content"`
	RedirectURL  string     `json:"redirectURL"`
	HeadersSize  int        `json:"headersSize"`
	BodySize     jsNum      `json:"bodySize"`
	TransferSize jsNum      `json:"_transferSize"`
	Error        *string    `json:"_error"`
	FetchedViaSW bool       `json:"_fetchedViaServiceWorker"`
}

type harContent struct {
	Size        jsNum  `json:"size"`
	MimeType    string `json:"mimeType"`
	Compression *jsNum `json:"compression,omitempty"`
}

type harTimings struct {
	Blocked                  jsNum  `json:"blocked"`
	DNS                      jsNum  `json:"dns"`
	SSL                      jsNum  `json:"ssl"`
	Connect                  jsNum  `json:"connect"`
	Send                     jsNum  `json:"send"`
	Wait                     jsNum  `json:"wait"`
	Receive                  jsNum  `json:"receive"`
	BlockedQueueing          jsNum  `json:"_blocked_queueing"`
	BlockedProxy             *jsNum `json:"_blocked_proxy,omitempty"`
	WorkerStart              *jsNum `json:"_workerStart,omitempty"`
	WorkerReady              *jsNum `json:"_workerReady,omitempty"`
	WorkerFetchStart         *jsNum `json:"_workerFetchStart,omitempty"`
	WorkerRespondWithSettled *jsNum `json:"_workerRespondWithSettled,omitempty"`
}

// jsNum is a number written the way JSON.stringify writes a JS number:
// shortest round-trip digits, no "-0".
type jsNum float64

func (n jsNum) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		if f == 0 {
			return []byte("0"), nil
		}
		return []byte("null"), nil
	}
	abs := math.Abs(f)
	if abs >= 1e21 || abs < 1e-6 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		s = strings.Replace(s, "e-0", "e-", 1)
		s = strings.Replace(s, "e+0", "e+", 1)
		return []byte(s), nil
	}
	return []byte(strconv.FormatFloat(f, 'f', -1, 64)), nil
}

func ptrNum(f float64) *jsNum { n := jsNum(f); return &n }

func toMS(t float64) float64 {
	if t == -1 {
		return -1
	}
	return t * 1000
}

// jsDateJSON is new Date(ms).toJSON(): UTC, milliseconds, "Z".
func jsDateJSON(seconds float64) string {
	ms := math.Trunc(seconds * 1000)
	t := time.UnixMilli(int64(ms)).UTC()
	return t.Format("2006-01-02T15:04:05.000Z")
}

func leastNonNegative(vals ...float64) float64 {
	best := math.Inf(1)
	for _, v := range vals {
		if v >= 0 && v < best {
			best = v
		}
	}
	return best
}

// timings is Entry.buildTimings.
func (r *netRequest) timings() harTimings {
	t := r.timing
	issue := r.issueTime
	start := r.getStartTime()
	res := harTimings{Blocked: -1, DNS: -1, SSL: -1, Connect: -1}
	queued := -1.0
	if issue < start {
		queued = start - issue
	}
	blocked := toMS(queued)
	res.BlockedQueueing = jsNum(toMS(queued))
	highest := 0.0
	if t != nil {
		blockedStart := leastNonNegative(t.DNSStart, t.ConnectStart, t.SendStart)
		if !math.IsInf(blockedStart, 1) {
			blocked += blockedStart
		}
		if t.ProxyEnd != -1 {
			res.BlockedProxy = ptrNum(t.ProxyEnd - t.ProxyStart)
		}
		if res.BlockedProxy != nil && *res.BlockedProxy != 0 && float64(*res.BlockedProxy) > blocked {
			blocked = float64(*res.BlockedProxy)
		}
		dnsStart, dnsEnd := 0.0, -1.0
		if t.DNSEnd >= 0 {
			dnsStart, dnsEnd = blockedStart, t.DNSEnd
		}
		res.DNS = jsNum(dnsEnd - dnsStart)
		sslStart, sslEnd := 0.0, -1.0
		if t.SslEnd > 0 {
			sslStart, sslEnd = t.SslStart, t.SslEnd
		}
		res.SSL = jsNum(sslEnd - sslStart)
		connectStart, connectEnd := 0.0, -1.0
		if t.ConnectEnd >= 0 {
			connectStart, connectEnd = leastNonNegative(dnsEnd, blockedStart), t.ConnectEnd
		}
		res.Connect = jsNum(connectEnd - connectStart)
		sendStart, sendEnd := 0.0, 0.0
		if t.SendEnd >= 0 {
			sendStart, sendEnd = math.Max(math.Max(connectEnd, dnsEnd), blockedStart), t.SendEnd
		}
		send := sendEnd - sendStart
		if send < 0 {
			send = 0
		}
		res.Send = jsNum(send)
		highest = math.Max(math.Max(math.Max(sendEnd, connectEnd), math.Max(sslEnd, dnsEnd)), math.Max(blockedStart, 0))
		res.WorkerStart = ptrNum(t.WorkerStart)
		res.WorkerReady = ptrNum(t.WorkerReady)
		res.WorkerFetchStart = ptrNum(t.WorkerFetchStart)
		res.WorkerRespondWithSettled = ptrNum(t.WorkerRespondWithSettled)
	} else if r.getResponseReceivedTime() == -1 {
		res.Blocked = jsNum(toMS(r.getEndTime() - issue))
		return res
	}
	res.Blocked = jsNum(blocked)
	requestTime := start
	if t != nil {
		requestTime = t.RequestTime
	}
	waitEnd := toMS(r.getResponseReceivedTime() - requestTime)
	res.Wait = jsNum(waitEnd - highest)
	receiveEnd := toMS(r.getEndTime() - requestTime)
	res.Receive = jsNum(math.Max(receiveEnd-waitEnd, 0))
	return res
}

// entry is Entry.build with sanitize on.
func (r *netRequest) entry(pageref string) harEntry {
	e := harEntry{req: r, ResourceType: resourceTypeName(r.resourceType)}
	ip := r.remoteAddress
	if i := strings.LastIndex(ip, ":"); i >= 0 {
		conn := ip[i+1:]
		e.Connection = &conn
		ip = ip[:i]
	}
	e.ServerIPAddress = strings.ReplaceAll(ip, "[]", "")
	tm := r.timings()
	total := 0.0
	for _, v := range []jsNum{tm.Blocked, tm.DNS, tm.Connect, tm.Send, tm.Wait, tm.Receive} {
		total += math.Max(float64(v), 0)
	}
	e.Time = jsNum(total)
	e.Timings = tm
	if in := r.initiator; in != nil {
		e.Initiator = &harInitiator{Type: in.Type, URL: in.URL, RequestID: in.RequestID, LineNumber: in.LineNumber}
		if len(in.Stack) > 0 && !bytes.Equal(in.Stack, []byte("null")) {
			e.Initiator.Stack = in.Stack
		}
	}
	if r.initialPriority != "" {
		p := r.initialPriority
		e.Priority = &p
	}
	if r.cached() {
		c := "disk"
		if r.fromMemoryCache && r.transferSize == 0 {
			c = "memory"
		}
		e.FromCache = &c
	}
	if r.connectionID != "0" && r.connectionID != "" {
		id := r.connectionID
		e.ConnectionID = &id
	}
	if pageref != "" {
		e.Pageref = &pageref
	}
	e.StartedDateTime = jsDateJSON(r.pseudoWallTime(r.issueTime))

	// Request.
	req := harRequest{
		Method:      r.method,
		URL:         strings.SplitN(r.url, "#", 2)[0],
		HTTPVersion: r.requestHTTPVersion(),
		QueryString: queryParameters(r.url),
		Cookies:     []any{},
		HeadersSize: -1,
	}
	if r.reqHeadersText != nil && *r.reqHeadersText != "" {
		req.HeadersSize = utf16Len(*r.reqHeadersText)
	}
	// Sanitized export: no Authorization or Cookie request headers.
	req.Headers = []Header{}
	for _, h := range r.reqHeaders {
		switch strings.ToLower(h.Name) {
		case "authorization", "cookie":
			continue
		}
		req.Headers = append(req.Headers, h)
	}
	if r.body != nil && *r.body != "" {
		req.BodySize = len(*r.body)
		ct, _ := headerValue(r.reqHeaders, "Content-Type")
		pd := &harPostData{MimeType: ct, Text: *r.body}
		if strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
			pd.Params = parseParams(*r.body)
		}
		req.PostData = pd
	}
	e.Request = req

	// Response.
	resp := harResponse{
		Status:       r.statusCode,
		StatusText:   r.statusText,
		HTTPVersion:  r.responseHTTPVersion(),
		Cookies:      []any{},
		HeadersSize:  -1,
		TransferSize: jsNum(r.transferSize),
		Error:        r.failDesc,
		FetchedViaSW: r.fromSW,
	}
	resp.Headers = []Header{}
	for _, h := range r.respHeaders {
		if strings.EqualFold(h.Name, "set-cookie") {
			continue
		}
		resp.Headers = append(resp.Headers, h)
	}
	if loc, ok := headerValue(r.respHeaders, "Location"); ok {
		resp.RedirectURL = loc
	}
	bodySize := -1.0
	switch {
	case r.cached() || r.statusCode == 304:
		bodySize = 0
	case r.respHeadersText != "":
		resp.HeadersSize = utf16Len(r.respHeadersText)
		bodySize = r.transferSize - float64(utf16Len(r.respHeadersText))
	}
	if r.respHeadersText != "" {
		resp.HeadersSize = utf16Len(r.respHeadersText)
	}
	resp.BodySize = jsNum(bodySize)
	mime := r.mimeType
	if mime == "" {
		mime = "x-unknown"
	}
	resp.Content = harContent{Size: jsNum(r.resourceSize), MimeType: mime}
	if !(r.cached() || r.statusCode == 304 || r.statusCode == 206) && r.respHeadersText != "" {
		resp.Content.Compression = ptrNum(r.resourceSize - bodySize)
	}
	e.Response = resp
	return e
}

func utf16Len(s string) int {
	n := 0
	for _, c := range s {
		if c >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	if !utf8.ValidString(s) {
		return len(s)
	}
	return n
}

func queryParameters(u string) []Header {
	q := strings.IndexByte(u, '?')
	if q < 0 {
		return []Header{}
	}
	qs := u[q+1:]
	if h := strings.IndexByte(qs, '#'); h >= 0 {
		qs = qs[:h]
	}
	if qs == "" {
		return []Header{}
	}
	return parseParams(qs)
}

func parseParams(s string) []Header {
	out := []Header{}
	for _, pair := range strings.Split(s, "&") {
		name, value, _ := strings.Cut(pair, "=")
		out = append(out, Header{name, value})
	}
	return out
}

// harOf builds the sanitized HAR of the chosen requests of one tab, sorted by
// issue time like Writer.ts does.
func harOf(reqs []*netRequest, page *harPage, webkit string) harFile {
	sort.SliceStable(reqs, func(i, j int) bool {
		if reqs[i].issueTime != reqs[j].issueTime {
			return reqs[i].issueTime < reqs[j].issueTime
		}
		return reqs[i].seq < reqs[j].seq
	})
	f := harFile{Log: harLog{
		Version: "1.2",
		Creator: harCreator{Name: "WebInspector", Version: webkit},
		Pages:   []harPage{},
		Entries: []harEntry{},
	}}
	pageref := ""
	if page != nil {
		f.Log.Pages = append(f.Log.Pages, *page)
		pageref = page.ID
	}
	for _, r := range reqs {
		f.Log.Entries = append(f.Log.Entries, r.entry(pageref))
	}
	return f
}

// marshalJS writes JSON like JSON.stringify(value, null, 2): two-space
// indent, no HTML escaping.
func marshalJS(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
