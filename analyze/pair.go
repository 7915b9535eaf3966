package analyze

import (
	"cmp"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/harcors/harcors/har"
)

// node is an entry with what the analysis derived from it.
//
// What pairing needs of a node waiting for its partner (its start, how
// long a partner may come after it, its origin, its links) is in the node
// itself; the rest (the entry and what is derived from it) is in detail,
// which the streaming analysis packs away while the node waits (see
// packStore): with one timestamp, every entry of a capture may wait.
type node struct {
	// e is nil while the node is packed.
	e *har.Entry
	// nodeDetail is nil while the node is packed.
	*nodeDetail
	start time.Time // e.Started
	limit time.Duration
	// origin is the Origin request header, trimmed; "" when absent.
	origin  string
	partner *node
	// prev is the redirect hop that led to this entry, when there was one.
	prev *node
	// packOff and packChunk locate the packed entry while e is nil (see
	// packStore). While e is set, packOff is 1 + the node's place in
	// the streamer's list of nodes waiting unpacked, or 0.
	packOff   int64
	packChunk int32
	// settled: its pairing is decided (the streaming analysis judges only
	// settled nodes).
	settled   bool
	preflight bool
	// alone: the node waits in the streamer's single map.
	alone bool
}

// nodeDetail is what the analysis derives from a node's entry beyond what
// pairing needs.
type nodeDetail struct {
	method string // upper-cased for pairing
	acrm   string // Access-Control-Request-Method, as sent
	acrh   []string
	// fp is the fingerprint of the response, once fpDone (see stack).
	fp     Stack
	fpDone bool
	// allow holds the parsed allow lists of a preflight's response, once
	// read (see allowLists).
	allow *allowLists
	// rq and rs index the request's and the response's headers; url is
	// the request URL without fragment, target its origin.
	entryHeaders
}

func (n *node) when() time.Time { return n.start }

// stack is the fingerprint of n's response, computed once: every finding
// on an exchange asks for it, and a response can carry thousands of
// headers (and so of cookie warnings), each lookup a scan of them all.
func (n *node) stack() Stack {
	if !n.fpDone {
		n.fp, n.fpDone = fingerprint(&n.rs, n.e.Response.Content.Size, n.e.Response.Status), true
	}
	return n.fp
}

// isPreflight: an OPTIONS request with Access-Control-Request-Method, or one
// that Chrome marked as a preflight. An OPTIONS without either is an API
// call of its own (API tests, generators), not a preflight.
func isPreflight(e *har.Entry, rq *headerIndex) bool {
	if !strings.EqualFold(e.Request.Method, "OPTIONS") {
		return false
	}
	return rq.present(hACRequestMethod) ||
		e.ResourceType == "preflight" || e.Initiator.Type == "preflight"
}

func stripFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}

// entryHeaders indexes an entry's request headers (rq) and response
// headers (rs), and holds its URL without the fragment and that URL's
// origin, which noteStack and newNode both need.
type entryHeaders struct {
	rq, rs      headerIndex
	url, target string
}

func (hx *entryHeaders) index(e *har.Entry) {
	hx.rq.index(e.Request.Headers)
	hx.rs.index(e.Response.Headers)
	hx.url = stripFragment(e.Request.URL)
	hx.target = originOf(hx.url)
}

func newNode(e *har.Entry) *node {
	var hx entryHeaders
	hx.index(e)
	return newIndexedNode(e, &hx)
}

// newIndexedNode is newNode for an entry whose headers hx indexes.
func newIndexedNode(e *har.Entry, hx *entryHeaders) *node {
	n := &node{start: e.Started, limit: pairWindow}
	if e.Time > 0 {
		n.limit += time.Duration(e.Time * float64(time.Millisecond))
	}
	n.fill(e, hx)
	if o, ok := n.rq.get(hOrigin); ok {
		n.origin = trimHTTPSpace(o)
	}
	return n
}

// fill sets what n derives from its entry e, whose headers hx indexes.
func (n *node) fill(e *har.Entry, hx *entryHeaders) {
	n.e = e
	n.nodeDetail, n.preflight = detailOf(e, hx)
}

// detailOf derives a node's details from its entry e, whose headers hx
// indexes, and says whether e is a preflight. It reads nothing else, so
// that entries can be unpacked on another goroutine (unpackAhead).
func detailOf(e *har.Entry, hx *entryHeaders) (*nodeDetail, bool) {
	d := &nodeDetail{entryHeaders: *hx, method: strings.ToUpper(e.Request.Method)}
	if !isPreflight(e, &hx.rq) {
		return d, false
	}
	if m, ok := d.rq.get(hACRequestMethod); ok {
		d.acrm = trimHTTPSpace(m)
	}
	if h, ok := d.rq.get(hACRequestHeaders); ok {
		for _, x := range strings.Split(h, ",") {
			if x = strings.ToLower(trimHTTPSpace(x)); x != "" {
				d.acrh = append(d.acrh, x)
			}
		}
	}
	return d, true
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
//
// pair works on a whole capture at once, nodes in file order and keys[i]
// the keyOf nodes[i] (taken before its entry was packed: a packed node has
// no details to take it from); the streaming analysis feeds the same groups
// one node at a time, in time order, which gives the same pairs.
func pair(nodes []*node, keys []pairID) {
	idx := make([]int32, 0, len(nodes))
	for i, k := range keys {
		if k != noKey {
			idx = append(idx, int32(i))
		}
	}
	// By key, then file position: a total order, within which each
	// group is then sorted by start time (before, with the file position
	// for the entry's index).
	slices.SortFunc(idx, func(x, y int32) int {
		kx, ky := keys[x], keys[y]
		return cmp.Or(cmp.Compare(kx[0], ky[0]), cmp.Compare(kx[1], ky[1]), cmp.Compare(x, y))
	})
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		for hi < len(idx) && keys[idx[hi]] == keys[idx[lo]] {
			hi++
		}
		run := idx[lo:hi]
		sort.SliceStable(run, func(i, j int) bool {
			return startsBefore(nodes[run[i]], nodes[run[j]], int(run[i]), int(run[j]))
		})
		var g group
		for _, i := range run {
			g.feed(nodes[i], nil)
		}
		lo = hi
	}
}

// noKey is the key of a node that pairs with nothing. A pairKey hashes to
// it with odds of 2^-128.
var noKey = pairID{}

// keyOf is n's pairing key as a pairID, or noKey.
func keyOf(n *node) pairID {
	if pk, ok := n.pairKey(); ok {
		return idOf(pk)
	}
	return noKey
}

// pairKey is what a preflight and its follow-up have in common: the URL and
// the method (the preflight's Access-Control-Request-Method).
type pairKey struct{ url, method string }

// pairKey returns the node's group; ok is false for a preflight without
// Access-Control-Request-Method, which pairs with nothing.
func (n *node) pairKey() (k pairKey, ok bool) {
	if !n.preflight {
		return pairKey{n.url, n.method}, true
	}
	if n.acrm == "" {
		return pairKey{}, false
	}
	return pairKey{n.url, strings.ToUpper(n.acrm)}, true
}

// before is the order in which a group's nodes are matched: by start time,
// then by file position. Entries without a time sort by file position;
// Chrome writes a blocked follow-up right before its preflight, so file
// order is a fair proxy.
func before(a, b *node) bool { return startsBefore(a, b, a.e.Index, b.e.Index) }

// startsBefore is before with the file positions given (ia of a, ib of b):
// pair's nodes may be packed, with no entry to read the index from.
func startsBefore(a, b *node, ia, ib int) bool {
	if !a.when().IsZero() && !b.when().IsZero() && !a.when().Equal(b.when()) {
		return a.when().Before(b.when())
	}
	return ia < ib
}

// pairWindow bounds how far apart in time a preflight and its follow-up may
// start. Chrome stamps the follow-up with its issue time, before the
// preflight; proxies see the follow-up after the preflight's response.
const pairWindow = 30 * time.Second

// maxPairScan bounds how many waiting candidates one entry is compared with.
const maxPairScan = 64

// group holds the nodes of one pairKey that wait for a partner, oldest
// first.
type group struct {
	waitPre, waitReq []*node
	// key and queued serve the streaming analysis: the group's key, and
	// the deadline it is queued for in streamer.expiries (zero: none).
	key    pairID
	queued time.Time
}

// feed matches x, the group's next node in time order, with the oldest
// compatible node of the other kind still waiting, or makes it wait. settle,
// when not nil, is told of every node whose pairing is decided: both nodes
// of a match, and the nodes dropped because they are too old to match x or
// anything after it.
func (g *group) feed(x *node, settle func(*node)) {
	wait, other := &g.waitReq, &g.waitPre
	if !x.preflight {
		wait, other = &g.waitPre, &g.waitReq
	}
	// Drop waiting nodes that are too old to be partners.
	for len(*wait) > 0 && tooFar((*wait)[0], x) {
		if settle != nil {
			settle((*wait)[0])
		}
		*wait = (*wait)[1:]
	}
	for i, c := range *wait {
		// Look at the oldest few only: a crafted capture with thousands
		// of incompatible waiting entries must not make this quadratic.
		if i == maxPairScan {
			break
		}
		if compatible(c, x) {
			c.partner, x.partner = x, c
			// Remove c by moving the i older ones up a slot: O(i), not a
			// copy of the whole queue, which made n follow-ups listed
			// before their n preflights quadratic.
			w := *wait
			copy(w[1:i+1], w[:i])
			w[0] = nil
			*wait = w[1:]
			if settle != nil {
				settle(c)
				settle(x)
			}
			return
		}
	}
	*other = append(*other, x)
}

// expire settles the waiting nodes that no node starting at t or later can
// match: those feed would drop first. Nodes are fed in time order, so the
// streaming analysis calls it with the time of the last node fed to free
// what it holds; the pairs are the same either way.
func (g *group) expire(t time.Time, settle func(*node)) {
	for _, q := range []*[]*node{&g.waitPre, &g.waitReq} {
		for len(*q) > 0 && tooFarAt((*q)[0], t) {
			settle((*q)[0])
			(*q)[0] = nil
			*q = (*q)[1:]
		}
	}
}

// deadline is the earliest time after which expire settles something: the
// first moment the oldest node of either queue is too far from (tooFarAt).
// ok is false when that node has no start time (it never expires).
func (g *group) deadline() (at time.Time, ok bool) {
	for _, q := range [][]*node{g.waitPre, g.waitReq} {
		if len(q) == 0 || q[0].when().IsZero() {
			continue
		}
		if d := q[0].when().Add(pairLimit(q[0])); !ok || d.Before(at) {
			at, ok = d, true
		}
	}
	return at, ok
}

// end settles every node still waiting: nothing more will come.
func (g *group) end(settle func(*node)) {
	for _, n := range g.waitPre {
		settle(n)
	}
	for _, n := range g.waitReq {
		settle(n)
	}
	g.waitPre, g.waitReq = nil, nil
}

func (g *group) empty() bool { return len(g.waitPre) == 0 && len(g.waitReq) == 0 }

func tooFar(a, b *node) bool {
	if b.when().IsZero() {
		return false
	}
	return tooFarAt(a, b.when())
}

// tooFarAt reports whether a started too long before or after t to be the
// partner of a node starting at t.
func tooFarAt(a *node, t time.Time) bool {
	if a.when().IsZero() || t.IsZero() {
		return false
	}
	d := t.Sub(a.when())
	if d < 0 {
		d = -d
	}
	return d > pairLimit(a)
}

// pairLimit is how far from a's start its partner may start: the pairing
// window, plus a's duration (a long poll's preflight can come late).
func pairLimit(a *node) time.Duration { return a.limit }

// compatible: same origin where both say (Chrome's blocked follow-up has no
// Origin header). A tainted "null" matches any origin: after a cross-origin
// redirect Firefox 153 sends the page's origin on the new preflight and
// null on the request (recorded in go--redirect-put-307-cross-*). Headers
// are not compared: the follow-up's recorded headers include ones the
// network layer added after the preflight decision, and requiring them to
// match would lose real pairs to guesswork.
func compatible(a, b *node) bool {
	return a.origin == "" || b.origin == "" || a.origin == b.origin || a.origin == "null" || b.origin == "null"
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

// isNoCache reports whether a header, its name in lower case, is the
// Cache-Control or Pragma "no-cache" DevTools adds when its cache is
// disabled (and fetch() for cache: 'no-store' or 'reload'), or the
// Cache-Control: max-age=0 fetch() adds for cache: 'no-cache'.
func isNoCache(lower, value string) bool {
	v := strings.TrimSpace(value)
	return (lower == "cache-control" || lower == "pragma") && strings.EqualFold(v, "no-cache") ||
		lower == "cache-control" && strings.EqualFold(v, "max-age=0")
}

// isRevalidationHeader reports whether a header, its name in lower case,
// is one the HTTP cache adds when it revalidates a stored response:
// Chromium leaves them out of the CORS-unsafe names then
// (CorsUnsafeNotForbiddenRequestHeaderNames), so they never call for a
// preflight. A 304 answer says the request was a revalidation.
func isRevalidationHeader(lower string) bool {
	return lower == "if-none-match" || lower == "if-modified-since" || lower == "cache-control"
}

// requestName is what pageUnsafeNames needs of a request header's name.
type requestName struct {
	lower string
	// skip: the name can never be CORS-unsafe: pseudo, added by the
	// browser, forbidden, or empty.
	skip bool
}

// maxNames bounds analysis.names: a crafted capture may hold any number
// of names.
const maxNames = 4096

// pageUnsafeNames returns the CORS-unsafe names (unsafeHeaderNames) among
// the request headers of e a page could have set: not pseudo-headers, not
// those the browser adds, not the no-cache DevTools adds. A capture repeats
// the same twenty-odd names in every entry, nearly all of them ones a page
// cannot set, so what a name says is worked out once per name, and only the
// rest go on.
func (a *analysis) pageUnsafeNames(e *har.Entry) []string {
	var buf [32]hdr // on the stack: the list is not kept
	hs := buf[:0]
	revalidating := e.Response.Status == 304
	for _, h := range e.Request.Headers {
		rn, ok := a.names[h.Name]
		if !ok {
			n := strings.ToLower(h.Name)
			rn = requestName{n, n == "" || har.IsPseudo(n) || browserAddedHeaders[n] || isForbiddenRequestHeader(n)}
			if a.names == nil {
				a.names = map[string]requestName{}
			}
			if len(a.names) < maxNames {
				a.names[h.Name] = rn
			}
		}
		if rn.skip || isNoCache(rn.lower, h.Value) || revalidating && isRevalidationHeader(rn.lower) {
			continue
		}
		hs = append(hs, hdr{rn.lower, h.Value})
	}
	return unsafeHeaderNames(hs, a.exporter.firefox)
}

// linker links each entry that a redirect led to with the hop before it:
// the nearest later entry whose URL is the hop's redirectURL (or Location).
// It takes entries in file order. A hop waits under
// its target URL until an entry with that URL comes; an entry takes the
// oldest hop waiting for it. That is the nearest later entry for every hop,
// one entry per hop, however many redirects point at one URL.
type linker struct {
	hops map[string][]*node
}

func (l *linker) add(n *node) {
	if n.preflight {
		return
	}
	n.prev = l.next(n.url)
	if !isRedirectStatus(n.e.Response.Status) {
		return
	}
	if loc := redirectTarget(n.e); loc != "" {
		if l.hops == nil {
			l.hops = map[string][]*node{}
		}
		k := stripFragment(loc)
		l.hops[k] = append(l.hops[k], n)
	}
}

// next takes the oldest hop waiting for an entry with url, if any.
func (l *linker) next(url string) *node {
	w := l.hops[url]
	if len(w) == 0 {
		return nil
	}
	hop := w[0]
	w[0] = nil
	if len(w) == 1 {
		delete(l.hops, url)
	} else {
		l.hops[url] = w[1:]
	}
	return hop
}

// pass takes an entry that cannot be part of a CORS exchange (mayMatter),
// with url: a hop waiting for it has its next entry, outside CORS (a
// redirected image, a navigation). Without this, every such redirect of a
// capture waited until the end, its entry held: a capture of images
// behind redirects grew with each.
func (l *linker) pass(url string) {
	if len(l.hops) > 0 {
		l.next(url)
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
