package analyze

import (
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/harcors/harcors/har"
)

// node is an entry with what the analysis derived from it.
type node struct {
	e         *har.Entry
	preflight bool
	method    string // upper-cased for pairing
	url       string // without fragment
	origin    string // the Origin request header, trimmed; "" when absent
	target    string // the origin of the request URL
	acrm      string // Access-Control-Request-Method, as sent
	acrh      []string
	partner   *node
	// prev is the redirect hop that led to this entry, when there was one.
	prev *node
}

func (n *node) when() time.Time { return n.e.Started }

// isPreflight: an OPTIONS request with Access-Control-Request-Method, or one
// that Chrome marked as a preflight. An OPTIONS without either is an API
// call of its own (API tests, generators), not a preflight.
func isPreflight(e *har.Entry) bool {
	if !strings.EqualFold(e.Request.Method, "OPTIONS") {
		return false
	}
	return e.Request.Headers.Has("Access-Control-Request-Method") ||
		e.ResourceType == "preflight" || e.Initiator.Type == "preflight"
}

func stripFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}

func newNode(e *har.Entry) *node {
	n := &node{e: e, preflight: isPreflight(e), method: strings.ToUpper(e.Request.Method), url: stripFragment(e.Request.URL)}
	if o, ok := e.Request.Headers.Get("Origin"); ok {
		n.origin = trimHTTPSpace(o)
	}
	n.target = originOf(n.url)
	if n.preflight {
		if m, ok := e.Request.Headers.Get("Access-Control-Request-Method"); ok {
			n.acrm = trimHTTPSpace(m)
		}
		if h, ok := e.Request.Headers.Get("Access-Control-Request-Headers"); ok {
			for _, x := range strings.Split(h, ",") {
				if x = strings.ToLower(trimHTTPSpace(x)); x != "" {
					n.acrh = append(n.acrh, x)
				}
			}
		}
	}
	return n
}

// pair matches every preflight with its follow-up, one to one.
//
// Chrome's _initiator on a preflight names the follow-up's URL but not an id
// the follow-up carries, so pairing is by URL, method (the preflight's
// Access-Control-Request-Method against the follow-up's method, compared
// case-insensitively: the browser upper-cases only some methods) and
// origin, then nearest in time. The preflight is not assumed to come first:
// Chrome issues the follow-up before its preflight and usually writes it
// first. Within one URL and method, preflights and candidates are sorted by
// time and matched first-come first-served inside a time window, which pairs
// parallel identical requests one to one and stays O(n log n) when a capture
// holds thousands of preflights to one URL.
func pair(nodes []*node) {
	type key struct{ url, method string }
	groups := map[key]*struct{ pre, req []*node }{}
	var order []key
	get := func(k key) *struct{ pre, req []*node } {
		g := groups[k]
		if g == nil {
			g = &struct{ pre, req []*node }{}
			groups[k] = g
			order = append(order, k)
		}
		return g
	}
	for _, n := range nodes {
		if n.preflight {
			if n.acrm == "" {
				continue
			}
			g := get(key{n.url, strings.ToUpper(n.acrm)})
			g.pre = append(g.pre, n)
		} else {
			g := get(key{n.url, n.method})
			g.req = append(g.req, n)
		}
	}
	for _, k := range order {
		g := groups[k]
		if len(g.pre) == 0 || len(g.req) == 0 {
			continue
		}
		matchGroup(g.pre, g.req)
	}
}

// pairWindow bounds how far apart in time a preflight and its follow-up may
// start. Chrome stamps the follow-up with its issue time, before the
// preflight; proxies see the follow-up after the preflight's response.
const pairWindow = 30 * time.Second

// maxPairScan bounds how many waiting candidates one entry is compared with.
const maxPairScan = 64

func matchGroup(pre, req []*node) {
	type ev struct {
		n   *node
		pre bool
	}
	evs := make([]ev, 0, len(pre)+len(req))
	for _, p := range pre {
		evs = append(evs, ev{p, true})
	}
	for _, r := range req {
		evs = append(evs, ev{r, false})
	}
	// Entries without a time sort by file position; Chrome writes a blocked
	// follow-up right before its preflight, so file order is a fair proxy.
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := evs[i].n, evs[j].n
		if !a.when().IsZero() && !b.when().IsZero() && !a.when().Equal(b.when()) {
			return a.when().Before(b.when())
		}
		return a.e.Index < b.e.Index
	})
	var waitPre, waitReq []*node
	for _, x := range evs {
		wait := &waitReq
		other := &waitPre
		if !x.pre {
			wait, other = &waitPre, &waitReq
		}
		// Drop waiting nodes that are too old to be partners.
		for len(*wait) > 0 && tooFar((*wait)[0], x.n) {
			*wait = (*wait)[1:]
		}
		matched := false
		for i, c := range *wait {
			// Look at the oldest few only: a crafted capture with thousands
			// of incompatible waiting entries must not make this quadratic.
			if i == maxPairScan {
				break
			}
			if compatible(c, x.n) {
				c.partner, x.n.partner = x.n, c
				// Remove c by moving the i older ones up a slot:
				// O(i), not a copy of the whole queue, which made
				// n follow-ups listed before their n preflights
				// quadratic.
				w := *wait
				copy(w[1:i+1], w[:i])
				*wait = w[1:]
				matched = true
				break
			}
		}
		if !matched {
			*other = append(*other, x.n)
		}
	}
}

func tooFar(a, b *node) bool {
	if a.when().IsZero() || b.when().IsZero() {
		return false
	}
	d := b.when().Sub(a.when())
	if d < 0 {
		d = -d
	}
	limit := pairWindow
	if a.e.Time > 0 {
		limit += time.Duration(a.e.Time * float64(time.Millisecond))
	}
	return d > limit
}

// compatible: same origin where both say (Chrome's blocked follow-up has no
// Origin header). Headers are not compared: the follow-up's recorded headers
// include ones the network layer added after the preflight decision, and
// requiring them to match would lose real pairs to guesswork.
func compatible(a, b *node) bool {
	return a.origin == "" || b.origin == "" || a.origin == b.origin
}

// browserAddedHeaders are request headers that are not forbidden but that the
// browser's network layer adds after the CORS decision, so they did not
// come from the page and never trigger a preflight: "Disable cache" adds
// Cache-Control and Pragma, HTTP/2 and HTTP/3 add Priority, Google hosts get
// X-Client-Data.
var browserAddedHeaders = map[string]bool{
	"priority": true, "x-client-data": true, "upgrade-insecure-requests": true, "purpose": true,
	// Chrome adds these to requests to Google hosts (fonts.gstatic.com...).
	"x-browser-channel": true, "x-browser-copyright": true, "x-browser-validation": true, "x-browser-year": true,
}

// pageHeaders returns the request headers a page could have set, in order.
func pageHeaders(e *har.Entry) []hdr {
	var hs []hdr
	for _, h := range e.Request.Headers {
		n := strings.ToLower(h.Name)
		if har.IsPseudo(n) || browserAddedHeaders[n] {
			continue
		}
		if (n == "cache-control" || n == "pragma") && strings.EqualFold(strings.TrimSpace(h.Value), "no-cache") {
			continue
		}
		hs = append(hs, hdr{h.Name, h.Value})
	}
	return hs
}

// linkRedirects links each entry that a redirect led to with the hop before
// it: the nearest later entry whose URL is the hop's redirectURL (or
// Location).
func linkRedirects(nodes []*node) {
	byURL := map[string][]*node{}
	for _, n := range nodes {
		if !n.preflight {
			byURL[n.url] = append(byURL[n.url], n)
		}
	}
	// Nodes are in file order, so each URL's candidates can be consumed
	// with a cursor that only moves forward: linear however many
	// redirects point at one URL.
	cursor := map[string]int{}
	for _, n := range nodes {
		if n.preflight || !isRedirectStatus(n.e.Response.Status) {
			continue
		}
		loc := redirectTarget(n.e)
		if loc == "" {
			continue
		}
		k := stripFragment(loc)
		list := byURL[k]
		i := cursor[k]
		for i < len(list) && (list[i].e.Index <= n.e.Index || list[i].prev != nil) {
			i++
		}
		if i < len(list) {
			list[i].prev = n
			i++
		}
		cursor[k] = i
	}
}

func isRedirectStatus(s int) bool {
	return s == 301 || s == 302 || s == 303 || s == 307 || s == 308
}

// redirectTarget resolves a redirect's target from redirectURL or the
// Location header against the request URL.
func redirectTarget(e *har.Entry) string {
	loc := e.Response.RedirectURL
	if loc == "" {
		loc, _ = e.Response.Headers.Get("Location")
	}
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return ""
	}
	base, err := url.Parse(e.Request.URL)
	if err != nil {
		return loc
	}
	ref, err := url.Parse(loc)
	if err != nil {
		return loc
	}
	return base.ResolveReference(ref).String()
}
