package main

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The Firefox HAR is written in the shape of Firefox DevTools' "Save All As
// HAR" (devtools/client/netmonitor/src/har/har-builder.js, read from the
// installed Firefox 153's browser/omni.ja), built from the BiDi network
// events and DevTools' own view of each channel (channelObserverJS):
//
//   - log: version "1.2", creator and browser {name "Firefox", version
//     Services.appinfo.version}, pages, entries; JSON.stringify(har, null,
//     "  ").
//   - one page "page_1" whose title is the page URL, startedDateTime the
//     first entry's, and pageTimings DOMContentLoaded and load relative to
//     the document request (getDisplayedTimingMarker).
//   - one entry per channel: every redirect hop and every preflight is its
//     own row, as in the Network panel. A preflight row comes before the
//     request it was for: DevTools creates the request's event when it is
//     sent (or, when its preflight failed, when it stops), after the
//     preflight.
//   - entry keys in har-builder.js' order: startedDateTime, request,
//     response, cache, timings, time, _securityState, _priority,
//     serverIPAddress, connection, pageref. startedDateTime is local time
//     with its offset (dateToHarString).
//   - request and response headers and cookies are what DevTools reads
//     (fetchRequestHeadersAndCookies, fetchResponseHeadersAndCookies: each
//     response header line as received, repeated lines kept apart); no
//     sanitizing, as Firefox has none.
//   - a request that never got a response (blocked at its preflight) has
//     status 0, statusText and httpVersion "", no response headers and
//     zero timings; a response that arrived but failed the CORS check keeps
//     its status and headers with nothing marking the failure: Firefox's
//     HAR has no error field.
//   - response bodies are left out as with the pref
//     devtools.netmonitor.har.includeResponseBodies off: content has
//     mimeType, size and the comment "Response bodies are not included.".
//
// What BiDi does not give is approximated and said so: timings come from
// BiDi's request timings (DevTools measures them with the HTTP activity
// observer), content.mimeType is the Content-Type header value and
// content.size BiDi's body size.

// ffItem is one HAR row: a hop of a request.
type ffItem struct {
	req     *ffRequest
	hop     *ffHop
	started float64 // ms since the epoch, as DevTools would stamp it
	order   float64 // where DevTools would list it
}

func (f *Firefox) assemble(s *Scenario, t *ffTab, skip map[string]bool, docStart float64, notes []note, recs []*channelRecord, msgs []parentMessage) (*tabResult, error) {
	// Attach DevTools' view of each channel to its hop: by the
	// ChannelWrapper id BiDi's request ids start with, else by URL and
	// method in order (a redirect hop is a new channel under the same BiDi
	// id).
	used := map[*channelRecord]bool{}
	var reqs []*ffRequest
	for _, id := range t.order {
		r := t.reqs[id]
		if skip[id] || len(r.hops) == 0 || !strings.HasPrefix(r.hops[0].req.URL, "http") {
			continue
		}
		reqs = append(reqs, r)
	}
	for _, r := range reqs {
		prefix, _, _ := strings.Cut(r.id, "-")
		for _, h := range r.hops {
			for _, rc := range recs {
				if !used[rc] && strconv.Itoa(rc.ID) == prefix && rc.URL == h.req.URL && rc.Method == h.req.Method {
					h.rec, used[rc] = rc, true
					break
				}
			}
		}
	}
	for _, r := range reqs {
		for _, h := range r.hops {
			if h.rec != nil {
				continue
			}
			for _, rc := range recs {
				if !used[rc] && rc.URL == h.req.URL && rc.Method == h.req.Method {
					h.rec, used[rc] = rc, true
					break
				}
			}
		}
	}

	// A redirect hop that the CORS check refused before its channel was
	// opened has a BiDi beforeRequestSent but never reached DevTools' network
	// observer (no channel notification at all): Firefox's Network panel,
	// and so its HAR, does not list it, and Firefox judged the hop before.
	for _, r := range reqs {
		kept := r.hops[:1]
		for _, h := range r.hops[1:] {
			if h.rec != nil || h.resp != nil {
				kept = append(kept, h)
			}
		}
		r.hops = kept
	}

	// Page requests and the preflights sent for them.
	var page, preflights []*ffRequest
	for _, r := range reqs {
		switch {
		case r.isPreflight():
			preflights = append(preflights, r)
		case r.initiatorType == "fetch" || r.initiatorType == "xmlhttprequest":
			page = append(page, r)
		}
	}
	preflightsOf := map[*ffRequest][]*ffRequest{}
	for _, p := range preflights {
		acrm, _ := headerValue(bidiHeaders(p.hops[0].req.Headers), "Access-Control-Request-Method")
		var best *ffRequest
		for _, r := range page {
			for _, h := range r.hops {
				if h.req.URL == p.hops[0].req.URL && strings.EqualFold(h.req.Method, acrm) &&
					(best == nil || r.hops[0].start <= p.hops[0].start && r.hops[0].start >= best.hops[0].start) {
					best = r
				}
			}
		}
		if best != nil {
			preflightsOf[best] = append(preflightsOf[best], p)
		}
	}

	// HAR rows, in the order and with the times DevTools would give them.
	var items []ffItem
	for _, r := range append(append([]*ffRequest{}, preflights...), page...) {
		for _, h := range r.hops {
			it := ffItem{req: r, hop: h, started: h.req.Timings.RequestTime, order: h.start}
			if it.started == 0 {
				it.started = h.start
			}
			// Each hop comes after its own preflight: a request
			// redirected to another origin has one per origin, and
			// its first hop must not be put after the second's.
			if pre := hopPreflight(preflightsOf[r], h); pre != nil {
				switch {
				case h.req.Timings.RequestStart > 0:
					it.started = h.req.Timings.RequestStart
				case pre.req.Timings.ResponseEnd > 0:
					it.started = pre.req.Timings.ResponseEnd
				}
				it.order = math.Max(it.order, pre.start) + 0.001
			}
			items = append(items, it)
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].order < items[j].order })

	entries := []ordered{}
	for _, it := range items {
		entries = append(entries, firefoxHAREntry(it))
	}
	pages := []ordered{}
	if len(items) > 0 {
		rel := func(ts float64) any {
			if ts == 0 || docStart == 0 {
				return -1
			}
			return int(math.Round(ts - docStart))
		}
		pages = append(pages, ordered{{"id", "page_1"},
			{"pageTimings", ordered{{"onContentLoad", rel(t.dcl)}, {"onLoad", rel(t.load)}}},
			{"startedDateTime", harDate(items[0].started)}, {"title", s.Page() + "/"}})
	}
	browser := ordered{{"name", "Firefox"}, {"version", f.Version}}
	har := ordered{{"log", ordered{{"version", "1.2"}, {"creator", browser}, {"browser", browser},
		{"pages", pages}, {"entries", entries}}}}

	v, err := f.buildVerdict(s, t, page, preflightsOf, notes, msgs)
	if err != nil {
		return nil, err
	}
	v.HAREntries = len(entries)
	return &tabResult{HAR: har, Verdict: v}, nil
}

// harDate is har-builder.js' dateToHarString: local time, milliseconds,
// and the offset.
func harDate(ms float64) string {
	return time.UnixMilli(int64(ms)).Local().Format("2006-01-02T15:04:05.000-07:00")
}

func firefoxHAREntry(it ffItem) ordered {
	h, rec := it.hop, it.hop.rec
	sent := h.resp != nil
	reqHeaders := bidiHeaders(h.req.Headers)
	cookies := []ordered{}
	if rec != nil {
		if rec.RequestHeaders != nil {
			reqHeaders = rec.RequestHeaders
		}
		for _, c := range rec.RequestCookies {
			cookies = append(cookies, ordered{{"name", c.Name}, {"value", c.Value}})
		}
	}
	httpVersion := ""
	if sent {
		httpVersion = strings.ToUpper(h.resp.Protocol)
		if rec != nil && rec.HTTPVersion != "" {
			httpVersion = rec.HTTPVersion
		}
	}
	request := ordered{{"bodySize", 0}, {"method", h.req.Method}, {"url", h.req.URL}, {"httpVersion", httpVersion},
		{"headers", headerPairs(reqHeaders)}, {"cookies", cookies}, {"queryString", queryPairs(h.req.URL)},
		{"headersSize", int(h.req.HeadersSize)}}
	if rec != nil && rec.PostData != nil && *rec.PostData != "" {
		text := *rec.PostData
		request[0].V = utf16Len(text) // postData.text.length
		mime, _ := headerValue(reqHeaders, "Content-Type")
		params := []ordered{}
		if strings.Contains(strings.ToLower(mime), "application/x-www-form-urlencoded") {
			mime = "application/x-www-form-urlencoded"
			params = formPairs(text)
		}
		request = append(request, kv{"postData", ordered{{"mimeType", mime}, {"params", params}, {"text", text}}})
	}

	const noBodies = "Response bodies are not included."
	var response ordered
	timings := ordered{{"blocked", 0}, {"dns", 0}, {"connect", 0}, {"ssl", 0}, {"send", 0}, {"wait", 0}, {"receive", 0}}
	total := 0
	if sent {
		respHeaders := bidiHeaders(h.resp.Headers)
		respCookies := []any{}
		statusText := h.resp.StatusText
		if rec != nil && rec.ResponseHeaders != nil {
			respHeaders = rec.ResponseHeaders
			for _, c := range rec.ResponseCookies {
				respCookies = append(respCookies, c)
			}
			statusText = rec.StatusText
		}
		mime, _ := headerValue(respHeaders, "Content-Type")
		location, _ := headerValue(respHeaders, "Location")
		response = ordered{{"status", h.resp.Status}, {"statusText", statusText}, {"httpVersion", httpVersion},
			{"headers", headerPairs(respHeaders)}, {"cookies", respCookies},
			{"content", ordered{{"mimeType", mime}, {"size", int(h.resp.BodySize)}, {"comment", noBodies}}},
			{"redirectURL", location}, {"headersSize", int(h.resp.HeadersSize)}, {"bodySize", int(h.resp.BytesReceived)}}
		timings, total = firefoxTimings(h.req.Timings, it.started)
	} else {
		response = ordered{{"status", 0}, {"statusText", ""}, {"httpVersion", ""}, {"headers", []ordered{}},
			{"cookies", []ordered{}}, {"content", ordered{{"mimeType", ""}, {"size", 0}, {"comment", noBodies}}},
			{"redirectURL", ""}, {"headersSize", 0}, {"bodySize", -1}}
	}
	security := "insecure"
	if strings.HasPrefix(h.req.URL, "https:") {
		security = "secure"
	}
	e := ordered{{"startedDateTime", harDate(it.started)}, {"request", request}, {"response", response},
		{"cache", ordered{}}, {"timings", timings}, {"time", total}, {"_securityState", security}}
	if rec != nil && rec.Priority != nil {
		e = append(e, kv{"_priority", priorityText(*rec.Priority)})
	}
	if sent && rec != nil && rec.RemoteAddress != "" {
		e = append(e, kv{"serverIPAddress", rec.RemoteAddress})
	}
	if sent && rec != nil && rec.RemotePort != 0 {
		e = append(e, kv{"connection", strconv.Itoa(rec.RemotePort)})
	}
	return append(e, kv{"pageref", "page_1"})
}

// firefoxTimings turns BiDi's request timings (ms since the epoch, 0 when
// a phase did not happen) into HAR timings from start, in whole
// milliseconds as Firefox writes them.
func firefoxTimings(t bidiTimings, start float64) (ordered, int) {
	span := func(a, b float64) float64 {
		if a <= 0 || b < a {
			return 0
		}
		return b - a
	}
	dns := span(t.DNSStart, t.DNSEnd)
	connect := span(t.ConnectStart, t.ConnectEnd)
	ssl := span(t.TLSStart, t.TLSEnd)
	wait := span(t.RequestStart, t.ResponseStart)
	receive := span(t.ResponseStart, t.ResponseEnd)
	blocked := 0.0
	if t.RequestStart > 0 {
		blocked = math.Max(0, t.RequestStart-start-dns-connect-ssl)
	}
	vals := []float64{blocked, dns, connect, ssl, 0, wait, receive}
	names := []string{"blocked", "dns", "connect", "ssl", "send", "wait", "receive"}
	out := ordered{}
	total := 0
	for i, v := range vals {
		n := int(math.Round(v))
		total += n
		out = append(out, kv{names[i], n})
	}
	return out, total
}

// priorityText is format-utils.js' getRequestPriorityAsText for
// nsISupportsPriority values.
func priorityText(p int) string {
	switch {
	case p < -10:
		return "Highest"
	case p < 0:
		return "High"
	case p == 0:
		return "Normal"
	case p <= 10:
		return "Low"
	}
	return "Lowest"
}

func headerPairs(hs []Header) []ordered {
	out := []ordered{}
	for _, h := range hs {
		out = append(out, ordered{{"name", h.Name}, {"value", h.Value}})
	}
	return out
}

// queryPairs is request-utils.js' parseQueryString over the URL's query.
func queryPairs(raw string) []ordered {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return []ordered{}
	}
	return formPairs(u.RawQuery)
}

func formPairs(q string) []ordered {
	out := []ordered{}
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			dk = k
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			dv = v
		}
		out = append(out, ordered{{"name", dk}, {"value", dv}})
	}
	return out
}

// buildVerdict is the verdict of one scenario, from what the page saw,
// the BiDi network events and Firefox's console lines: the page's console
// (BiDi's log.entryAdded) and the console service's copy in the parent
// process, whose category is the message's key.
func (f *Firefox) buildVerdict(s *Scenario, t *ffTab, page []*ffRequest, preflightsOf map[*ffRequest][]*ffRequest, notes []note, msgs []parentMessage) (Verdict, error) {
	v := Verdict{
		Scenario: s.Name, Stack: s.Stack, Description: s.Description,
		Browser: "Firefox " + f.Version, Page: s.Page() + "/", Requests: []VerdictRequest{},
	}
	sort.SliceStable(page, func(i, j int) bool { return page[i].hops[0].start < page[j].hops[0].start })
	type match struct {
		req  *ffRequest
		urls []string
	}
	matches := make([]match, len(notes))
	taken := map[*ffRequest]bool{}
	for i, n := range notes {
		matches[i].urls = []string{n.URL}
		for _, r := range page {
			if !taken[r] && r.hops[0].req.URL == n.URL && strings.EqualFold(r.hops[0].req.Method, n.Method) {
				taken[r] = true
				matches[i].req = r
				for _, h := range r.hops[1:] {
					matches[i].urls = append(matches[i].urls, h.req.URL)
				}
				break
			}
		}
	}
	// Firefox names the URL in its CORS messages; a line goes to the
	// request that has that URL and started last before it.
	owner := func(text string, ts float64) int {
		_, u, _ := classifyFirefox(f.msgs, text)
		best, bestStart := -1, -1.0
		for i, m := range matches {
			hit := false
			for _, mu := range m.urls {
				if mu == u || (u == "" && strings.Contains(text, mu)) {
					hit = true
				}
			}
			if !hit {
				continue
			}
			start := 0.0
			if m.req != nil {
				start = m.req.hops[0].start
			}
			if best < 0 || (start <= ts+1 && start > bestStart) {
				best, bestStart = i, start
			}
		}
		return best
	}
	console := make([][]string, len(notes))
	var loose []string
	for _, l := range t.logs[t.skipLog:] {
		if i := owner(l.Text, l.Timestamp); i >= 0 {
			console[i] = append(console[i], l.Text)
		} else {
			loose = append(loose, l.Text)
		}
	}
	if len(notes) == 1 {
		console[0] = append(console[0], loose...)
	}
	parent := make([][]parentMessage, len(notes))
	for _, m := range msgs {
		if i := owner(m.Text, m.TimeStamp); i >= 0 {
			parent[i] = append(parent[i], m)
		}
	}

	for i, n := range notes {
		vr := VerdictRequest{URL: n.URL, Method: n.Method, Mode: n.Mode, Credentials: n.Credentials,
			JS: n.JS, API: "fetch", Console: console[i], Issues: []string{}}
		if vr.Console == nil {
			vr.Console = []string{}
		}
		if n.API == "xhr" {
			vr.API = "xhr"
		}
		vr.Blocked = !strings.HasPrefix(n.JS, "ok ")
		if r := matches[i].req; r != nil {
			// The request ended at the last hop that got a response: a
			// hop refused before it went out (its row has status 0) was
			// never reached, Firefox judged the response before it, and
			// its console line names that response's status.
			// A hop that was not sent because its own preflight failed
			// is another case: the request ended there, at that hop's
			// preflight, and Firefox's line names that hop's URL (a
			// preflighted PUT answered 303 to another origin, whose GET
			// keeps a custom header and is preflighted again:
			// go--put-custom-303-cross). Chromium's verdict has that hop
			// as its final URL and status 0; so does this one.
			n := len(r.hops)
			for n > 1 && r.hops[n-1].resp == nil {
				if pre := hopPreflight(preflightsOf[r], r.hops[n-1]); pre != nil && pre.resp != nil {
					break
				}
				n--
			}
			last := r.hops[n-1]
			if last.resp != nil {
				vr.Status = last.resp.Status
			}
			if n > 1 {
				vr.FinalURL = last.req.URL
			}
			vr.Preflights = len(preflightsOf[r])
			if r.failed {
				vr.Blocked = true
				vr.ErrorText = r.errorText
			}
		}
		// The key: the category of the first CORS error the console
		// service got about the request; the page's console line must
		// say the same by Firefox's own message table.
		for _, m := range parent[i] {
			if !m.Warning {
				vr.FirefoxError = m.Category
				break
			}
		}
		pageKey := ""
		for _, line := range vr.Console {
			if key, _, _ := classifyFirefox(f.msgs, line); key != "" && strings.HasPrefix(line, "Cross-Origin Request Blocked:") {
				pageKey = key
				break
			}
		}
		switch {
		case vr.FirefoxError == "":
			// Logged in the content process only (a fetch() the DOM
			// refused before any channel existed): the message table names it.
			vr.FirefoxError = pageKey
		case pageKey != "" && pageKey != vr.FirefoxError:
			return v, fmt.Errorf("%s request %d: the page's console says %q, the console service %q", s.ID(), i+1, pageKey, vr.FirefoxError)
		}
		for _, m := range parent[i] {
			if !slices.Contains(vr.Console, m.Text) {
				vr.BrowserConsole = append(vr.BrowserConsole, m.Text)
			}
		}
		v.Requests = append(v.Requests, vr)
	}
	return v, nil
}

// hopPreflight returns the last of a request's preflights that went to the
// URL of hop h, or nil.
func hopPreflight(pf []*ffRequest, h *ffHop) *ffHop {
	var out *ffHop
	for _, p := range pf {
		if p.hops[0].req.URL == h.req.URL {
			out = p.hops[0]
		}
	}
	return out
}
