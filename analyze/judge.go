package analyze

import (
	"strings"

	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/placeholder"
)

// This file judges one capture: which requests are CORS, what the browser
// did with each, and each exchange against the rules (judge).

// outcome is what the capture says the browser did with a request.
type outcome int

const (
	outUnknown outcome = iota
	outPassed
	// outBlocked: the browser failed the request the way it fails CORS
	// (net::ERR_FAILED, status 0 or -1).
	outBlocked
	// outNetError: a failure that is not CORS (refused, DNS, TLS, ORB...).
	outNetError
)

// exportersThatRecordFailures write a failure marker for every request the
// browser failed, so an entry without one passed: Chrome and Edge DevTools
// (response._error), Safari's Web Inspector (_error), Playwright (status -1,
// _failureText) and chrome-har (drops failed requests altogether). Firefox
// and the proxies do not: there a clean-looking entry proves nothing.
var exportersThatRecordFailures = map[string]bool{
	"WebInspector": true, "WebKit Web Inspector": true, "Playwright": true, "chrome-har": true,
}

// exporter is what the judging takes from log.creator: all that differs
// between exporters in how a capture is read. The streaming analysis
// compares it, not the name, with what the log says at the end: Fiddler
// writes creator after the entries, and judging them before it is known
// gives the same verdicts as after.
type exporter struct {
	// recordsFailures: the exporter marks requests the browser blocked
	// (exportersThatRecordFailures).
	recordsFailures bool
	// dropsCookies: Chrome's default export removes cookies.
	dropsCookies bool
	// firefox: Firefox keeps the response of a request its CORS check
	// blocked.
	firefox bool
}

func exporterOf(creator string) exporter {
	return exporter{
		recordsFailures: exportersThatRecordFailures[creator],
		dropsCookies:    strings.HasPrefix(creator, "WebInspector"),
		firefox:         creator == "Firefox",
	}
}

type analysis struct {
	file string
	log  *har.Log
	// exporter is that of the log's creator when prepare ran.
	exporter    exporter
	pageOrigins map[string]string // page id -> origin of its title URL
	hostStack   map[string]Stack  // target origin -> stack seen on any of its responses

	crossOrigin, preflights, paired int
	// findings holds the findings of the exchange being judged; out takes
	// them once they are final (decide).
	findings     []Finding
	out          sink
	requests     chunks[Request]
	noRequests   bool               // Options.NoRequests
	keepsCookies bool               // a request so far carries cookies (noteCookies)
	forceStack   Stack              // Options.Stack
	maxAge       map[pairID]*ageKey // idOf(ageID{origin, URL}) -> its preflights

	links linker
	// nodes holds every node until the end, when the analysis is not
	// streamed, and whole what goes with them (whole.go); stream holds the
	// streaming state when it is (stream.go).
	nodes  []*node
	whole  *wholeStore
	stream *streamer

	// names holds what pageUnsafeNames learnt of each request header
	// name, by the name as written.
	names map[string]requestName
}

func newAnalysis(file string, log *har.Log, stacks map[string]Stack) *analysis {
	if log == nil {
		log = &har.Log{}
	}
	if stacks == nil {
		stacks = map[string]Stack{}
	}
	return &analysis{file: file, log: log, hostStack: stacks, maxAge: map[pairID]*ageKey{}}
}

// prepare takes from the log what judging depends on: whether the exporter
// records failures, and the origins of the pages.
func (a *analysis) prepare() {
	a.exporter = exporterOf(a.log.Creator.Name)
	a.pageOrigins = map[string]string{}
	for _, p := range a.log.Pages {
		if o := originOf(p.Title); o != "" {
			a.pageOrigins[p.ID] = o
		}
	}
}

// noteStack records the server stack an entry's response gives away, for
// its origin, unless one was seen first.
func noteStack(stacks map[string]Stack, e *har.Entry, hx *entryHeaders) {
	if !responded(e) {
		return
	}
	target, rs := hx.target, &hx.rs
	if stacks[target] != "" {
		return
	}
	if s := fingerprint(rs, e.Response.Content.Size, e.Response.Status); s != Generic {
		// target may be a piece of the URL (originOf): keep only the
		// origin.
		stacks[strings.Clone(target)] = s
	}
}

// take takes the next entry in file order; hx indexes its headers.
func (a *analysis) take(e *har.Entry, hx *entryHeaders) {
	n := newIndexedNode(e, hx)
	a.links.add(n)
	a.noteMaxAge(n)
	if a.stream != nil {
		a.stream.push(n)
		return
	}
	a.keep(n)
}

// finish analyses what take has not: everything, unless streamed.
func (a *analysis) finish() {
	if a.stream != nil {
		a.stream.finish()
		if a.stream != nil && a.stream.restart {
			return
		}
	}
	if a.stream == nil {
		// Every entry is in: the redirects still waiting for their next
		// hop will not get one, and holding them would keep each, and
		// the entry judging gives it back, to the end.
		a.links = linker{}
		a.prepare()
		a.pairWhole()
		for i, n := range a.nodes {
			a.countPreflight(n)
			// A paired preflight is judged with its request
			// (exchangeOf): its own turn would do nothing. Let go of it
			// now, so that it goes with its request however far apart
			// the two are in the file; held in its place, one unpacked
			// with a request written long before it stayed until then.
			if n.preflight && n.partner != nil {
				a.nodes[i] = nil
			}
		}
		if a.whole != nil {
			a.whole.startAhead(a.nodes)
		}
		for i, n := range a.nodes {
			if n == nil {
				continue
			}
			// Let go of each node once judged: the later nodes that need
			// it (its partner, the next hops of its redirect chain) hold
			// it, and the entry it was given back with it.
			a.nodes[i] = nil
			if w := a.whole; w != nil && w.head > 0 {
				w.unpack(n)
				if n.partner != nil {
					w.unpack(n.partner)
				}
				// The findings on n read the hops before it (chainRoot).
				for p, i := n.prev, 0; p != nil && i < 50; p, i = p.prev, i+1 {
					w.unpack(p)
				}
			}
			if x := a.exchangeOf(n); x != nil {
				a.crossOrigin++
				a.judge(x)
				a.decide(0)
			}
			if w := a.whole; w != nil && w.tune != nil && w.tune.afterJudged != nil {
				w.tune.afterJudged(i)
			}
		}
		a.nodes = nil
		if a.whole != nil {
			a.whole.stopAhead()
		}
	}
	a.maxAgeFindings()
	// Each of these findings is about another exchange.
	for i := range a.findings {
		a.out.add(a.findings[i : i+1])
	}
	clear(a.findings)
	a.findings = a.findings[:0]
}

// decide hands the findings from a.findings[from:] on, those of one
// exchange, to a.out: they are final.
func (a *analysis) decide(from int) {
	if len(a.findings) > from {
		a.out.add(a.findings[from:])
		clear(a.findings[from:])
		a.findings = a.findings[:from]
	}
}

func (a *analysis) countPreflight(n *node) {
	if n.preflight {
		a.preflights++
		if n.partner != nil {
			a.paired++
		}
	}
}

// exchangeOf returns the exchange a node stands for, once its pairing is
// decided: a request with its preflight, or a preflight whose request the
// capture lacks. It returns nil for a paired preflight (its request stands
// for the pair) and for a request that is not a cross-origin CORS request.
func (a *analysis) exchangeOf(n *node) *exchange {
	switch {
	case n.preflight && n.partner == nil:
		return a.exchangeFor(nil, n)
	case !n.preflight:
		return a.exchangeFor(n, n.partner)
	}
	return nil
}

// exchangeFor builds the exchange for a follow-up req (nil when only the
// preflight pre was recorded), or returns nil when req is not a cross-origin
// CORS request.
func (a *analysis) exchangeFor(req, pre *node) *exchange {
	x := &exchange{req: req, pre: pre}
	if req != nil {
		if !a.isCORS(req) {
			return nil
		}
		x.origin = a.originFor(req)
		if req.prev != nil {
			// A hop after a redirect: its Origin header may be "null"
			// (tainted), which evaluate uses for the check, but the
			// request's origin is still the page's.
			if o := a.originFor(chainRoot(req)); o != "" {
				x.origin = o
			}
		}
		x.method = req.e.Request.Method
		x.observed, x.observedErr = a.observe(req.e)
	} else {
		x.origin = pre.origin
		x.method = pre.acrm
		x.observed = outUnknown
	}
	if pre != nil {
		if pre.origin != "" && x.origin == "" {
			x.origin = pre.origin
		}
		x.method = pre.acrm
		x.unsafe = pre.acrh
		if req != nil {
			x.unsafe = inRequestOrder(pre.acrh, req.e)
		}
		x.needsPreflight = true
	} else {
		x.method = normalizeMethod(x.method)
		x.unsafe = a.pageUnsafeNames(req.e)
		x.needsPreflight = !isSafelistedMethod(x.method) || len(x.unsafe) > 0
	}
	if x.origin == "" {
		return nil
	}
	target := firstNonEmpty(req, pre).target
	// A hop that a cross-origin redirect brought back to the page's own
	// origin is still checked as CORS (the response tainting stays
	// "cors"), against its tainted Origin, null: an API that redirects
	// to the app's /login is blocked there unless the page's server
	// allows null or *. Chromium sends Origin: null on exactly such hops;
	// where the hop kept no headers (Playwright's failed requests), the
	// chain itself says whether it crossed origins.
	tainted := req != nil && req.prev != nil && (req.origin == "null" || req.origin == "" && crossedOrigins(req, x.origin))
	if x.origin != "null" && x.origin == target && !tainted {
		return nil // same-origin: never a CORS finding
	}
	return x
}

// crossedOrigins reports whether a redirect before hop left a URL of
// another origin than the request's for yet another origin: the Fetch
// Standard's condition for the tainted origin flag (HTTP-redirect fetch),
// after which the request's Origin is null.
func crossedOrigins(hop *node, origin string) bool {
	for i := 0; hop.prev != nil && i < 50; hop, i = hop.prev, i+1 {
		if from := hop.prev.target; from != hop.target && from != origin {
			return true
		}
	}
	return false
}

func firstNonEmpty(a, b *node) *node {
	if a != nil {
		return a
	}
	return b
}

// inRequestOrder orders the preflight's requested header names (sorted, as
// browsers send them) by their position in the follow-up's headers, because
// Chromium reports the first disallowed header in request order.
//
// A name's position is that of the first header whose name, lower-cased,
// is it. Nearly every preflight asks for one or two headers, so each is
// looked for in the list; a map of every name's position is built only
// when that would be slow.
func inRequestOrder(acrh []string, e *har.Entry) []string {
	if len(acrh) < 2 {
		return acrh // already in order; nobody writes to the list
	}
	hs := e.Request.Headers
	var buf [8]int
	ranks := buf[:0]
	if len(acrh)*len(hs) <= 256 {
		for _, n := range acrh {
			r := 1 << 30
			for i, h := range hs {
				if lowerIs(h.Name, n) {
					r = i
					break
				}
			}
			ranks = append(ranks, r)
		}
	} else {
		pos := map[string]int{}
		for i, h := range hs {
			n := strings.ToLower(h.Name)
			if _, ok := pos[n]; !ok {
				pos[n] = i
			}
		}
		for _, n := range acrh {
			r, ok := pos[n]
			if !ok {
				r = 1 << 30
			}
			ranks = append(ranks, r)
		}
	}
	out := append([]string(nil), acrh...)
	// Stable insertion sort: lists are short.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && ranks[j] < ranks[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
			ranks[j], ranks[j-1] = ranks[j-1], ranks[j]
		}
	}
	return out
}

// lowerIs reports whether strings.ToLower(name) == lower, without
// building the lower-case copy of an ASCII name.
func lowerIs(name, lower string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			return strings.ToLower(name) == lower
		}
	}
	return equalLower(name, lower)
}

// isHTTPURL reports whether strings.ToLower(u) starts with "http://" or
// "https://". No rune but an ASCII letter lower-cases to one of theirs, so
// the first bytes of u, in ASCII lower case, say it.
func isHTTPURL(u string) bool {
	return len(u) >= len("http://") && equalLower(u[:len("http://")], "http://") ||
		len(u) >= len("https://") && equalLower(u[:len("https://")], "https://")
}

// isCORS reports whether a request was made in CORS mode. Sec-Fetch-Mode says
// so directly where the exporter kept it; otherwise an Origin header on a
// request that is not a navigation or a WebSocket does.
func (a *analysis) isCORS(n *node) bool {
	e := n.e
	if !isHTTPURL(n.url) {
		return false
	}
	if mode, ok := n.rq.get(hSecFetchMode); ok {
		return strings.EqualFold(strings.TrimSpace(mode), "cors")
	}
	switch e.ResourceType {
	case "document", "websocket", "iframe", "image", "stylesheet", "script", "media", "font", "manifest", "ping", "csp_violation_report":
		// Chrome's resource types for navigations and no-cors loads. A
		// cross-origin <img crossorigin> would be CORS, but then Chrome
		// also wrote Sec-Fetch-Mode, handled above.
		if n.partner == nil {
			return false
		}
	}
	if n.rq.present(hUpgrade) {
		return false
	}
	if n.origin != "" || n.partner != nil {
		return true
	}
	// No Origin header. Chrome's requests blocked at the preflight keep
	// only provisional headers, but they have their preflight (above).
	// Playwright's failed requests keep no headers at all; a fetch or XHR
	// that failed without an Origin header is one too. Anything else
	// without Origin is a no-cors load (a stylesheet, an image), never a
	// CORS request.
	fetchLike := e.ResourceType == "fetch" || e.ResourceType == "xhr"
	if dest, ok := n.rq.get(hSecFetchDest); ok && strings.EqualFold(strings.TrimSpace(dest), "empty") {
		fetchLike = true // fetch() and XMLHttpRequest send Sec-Fetch-Dest: empty
	}
	if len(e.Request.Headers) > 0 && !fetchLike {
		return false
	}
	// A connection refused or reset is a network error, not a CORS
	// failure, but the request was still a cross-origin fetch: saying so
	// (CORS-N01) is the answer its "Failed to fetch" needs.
	out, _ := a.observe(e)
	if out == outBlocked || out == outNetError {
		return a.pageOrigin(n) != ""
	}
	// A fetch or XHR kept without its Origin header (some exporters and
	// proxies drop it): the page's origin, from the Referer or the page's
	// URL, says whether it went to another origin.
	if !fetchLike || e.Error != "" || !responded(e) {
		return false
	}
	if site, ok := n.rq.get(hSecFetchSite); ok && strings.EqualFold(strings.TrimSpace(site), "same-origin") {
		return false
	}
	po := a.pageOrigin(n)
	return po != "" && po != n.target
}

// originFor returns the request's origin: its Origin header, else its
// preflight's, else the page's.
func (a *analysis) originFor(n *node) string {
	if n.origin != "" {
		return n.origin
	}
	if n.partner != nil && n.partner.origin != "" {
		return n.partner.origin
	}
	return a.pageOrigin(n)
}

// pageOrigin is the origin of the page that made the request: from the
// Referer (a page's referrer is at least its origin under the default
// policy), else from the page's title, which Chrome and Firefox set to the
// page URL.
func (a *analysis) pageOrigin(n *node) string {
	if ref, ok := n.rq.get(hReferer); ok {
		if o := originOf(strings.TrimSpace(ref)); o != "" {
			return o
		}
	}
	return a.pageOrigins[n.e.PageRef]
}

// observe reads what the capture says the browser did with a request.
func (a *analysis) observe(e *har.Entry) (outcome, string) {
	err := e.Error
	switch {
	case err == "":
		if e.Response.Status <= 0 {
			return outBlocked, ""
		}
		if a.exporter.recordsFailures {
			return outPassed, ""
		}
		return outUnknown, ""
	case strings.Contains(err, "ERR_FAILED"):
		return outBlocked, err
	case strings.Contains(err, "ERR_ABORTED"):
		// Cancelled by the page (navigation, AbortController, a stream
		// closed early): not a CORS failure. With a response recorded, the
		// CORS check had already passed (a failed check is ERR_FAILED).
		if responded(e) && a.exporter.recordsFailures {
			return outPassed, ""
		}
		return outUnknown, err
	}
	return outNetError, err
}

// exporterNotes says what a capture cannot show because of the program
// that wrote it, once for the whole file.
func exporterNotes(creator string) []string {
	switch creator {
	case "chrome-har":
		return []string{"chrome-har leaves out the requests the browser failed (blocked by CORS or by a network error): a preflight whose request is missing may stand for a request the browser blocked, so such requests are listed as unknown, never as passed."}
	case "Playwright":
		return []string{"Playwright's recordHar keeps no preflights: verdicts rest on the actual responses alone, and a request blocked at its preflight shows only as failed."}
	}
	return nil
}

// noteCookies notes whether the capture keeps cookies: whether any request
// so far carries them. Chrome's default export removes every cookie, so
// only a capture that kept some says anything by a request without one.
func (a *analysis) noteCookies(e *har.Entry, hx *entryHeaders) {
	if !a.keepsCookies && (hx.rq.present(hCookie) || len(e.Request.Cookies) > 0) {
		a.keepsCookies = true
	}
}

// credentials decides the request's credentials mode from the evidence.
func (a *analysis) credentials(x *exchange) (Credentials, string) {
	if x.req == nil {
		return CredUnknown, "only the preflight was recorded, and preflights never carry credentials"
	}
	e := x.req.e
	if x.req.rq.present(hCookie) || len(e.Request.Cookies) > 0 {
		return CredInclude, "the request sent cookies"
	}
	// Storage Access Headers: Chromium 156 and Firefox 153 send
	// Sec-Fetch-Storage-Access on cross-site requests made with credentials
	// and on no others (48 of 48 credentialed requests with full headers in
	// testdata/hars/{chromium,firefox}, 0 of 249 others). Older browsers do
	// not send it, so only its presence counts as evidence.
	if x.req.rq.present(hSecFetchStorageAccess) {
		return CredInclude, "the request carried Sec-Fetch-Storage-Access, which browsers send only with credentials"
	}
	// A request that was sent (it has a response; Chrome's blocked ones
	// keep only provisional headers, never cookies) and carries no cookie,
	// in a capture that keeps them: a <script crossorigin> or fetch()
	// without credentials. A credentialed request to a host the browser
	// holds no cookie for looks the same, but then nothing needs them.
	if a.keepsCookies && responded(e) {
		return CredOmit, "the capture keeps cookies (other requests carry them) and this request carries none"
	}
	if !a.exporter.dropsCookies {
		// Firefox and most other exporters keep cookies: none went out.
		return CredUnknown, "the capture does not show cookies (no request in it carries any)"
	}
	return CredUnknown, "the capture does not show cookies (Chrome's default export removes them)"
}

// judge runs the checks on one exchange and records its findings.
func (a *analysis) judge(x *exchange) {
	cred, basis := a.credentials(x)
	// alt is the check that fails first with credentials when it is not
	// the one that fails without, and nothing says which mode the
	// request had: the finding names both.
	var f, conditional, alt *failure
	switch cred {
	case CredInclude:
		f = evaluate(x, true)
	default:
		fo, fi := evaluate(x, false), evaluate(x, true)
		switch {
		case fo.same(fi):
			f = fo
		case x.observed == outBlocked && fo == nil && x.unfollowedRedirect() && x.observedErr != "":
			// A redirect that passes without credentials and was not
			// followed: the page's redirect: 'error' (or 'manual')
			// stops there as surely as credentials with "*" do, and
			// the capture cannot tell them apart (go--rv4-redirect-error:
			// ERR_FAILED, no CORS error). Nothing is inferred.
			f = nil
		case x.observed == outBlocked && fo == nil:
			f, cred, basis = fi, CredInclude, "inferred: the browser blocked a response that passes without credentials"
		case x.observed == outPassed && fo == nil:
			f, cred, basis = nil, CredOmit, "inferred: the browser accepted a response that fails with credentials"
		case x.observed == outBlocked && fo != nil && fi != nil && cred != CredOmit && expectsCredentials(x):
			// Blocked either way, but the browser names another check
			// with credentials (Chromium checks the origin and
			// Access-Control-Allow-Credentials before methods and
			// headers). A server that sends Allow-Credentials expects
			// them, and a request blocked at its preflight keeps no
			// header that would show them.
			f, cred, basis = fi, CredInclude, "inferred: the server sends Access-Control-Allow-Credentials, so the page is taken to send credentials"
		default:
			f = fo
			// Only where the preflight decides both: a request that
			// got past its preflight may have shown its credentials.
			if fo != nil && fi != nil && cred == CredUnknown && fo.stage == stagePreflight && fi.stage == stagePreflight {
				alt = fi
			}
			// Only the credentials mode, which the capture does not show,
			// decides. Say so only when the server expects credentials
			// (it sends Access-Control-Allow-Credentials): otherwise every
			// font and script served with "*" would be flagged.
			if fo == nil && cred != CredOmit && expectsCredentials(x) {
				conditional = fi
			}
		}
	}

	req := Request{Entry: x.entry().e.Index, Preflight: -1, Line: x.entry().e.Line, URL: x.entry().url,
		Method: x.method, Origin: x.origin, Verdict: Pass}
	if x.req != nil {
		req.Status = x.req.e.Response.Status
	}
	if x.pre != nil {
		req.Preflight = x.pre.e.Index
		if x.pre.e.Time > 0 {
			req.PreflightTime = x.pre.e.Time
		}
	}

	var fd *Finding
	switch {
	case f != nil:
		fd = a.finding(x, f, cred, basis)
		// A redirect to a scheme other than http(s) is never followed,
		// whatever the redirect's own entry says (Chromium records the
		// 3xx as received, and the failure on an entry of the new URL).
		if x.observed == outPassed && fd.Severity == Error && !f.badScheme {
			// The browser let it through: harcors' model of this check is
			// wrong for this browser, or the capture is misleading. The
			// browser is the judge, so this is not an error.
			fd.Severity, fd.Downgraded = Warning, DowngradeBrowserPassed
			fd.Cause += " The browser let this request through nonetheless; treat this as a warning."
		}
		if alt != nil && alt.corsError != "" {
			rule, _ := a.cause(x, alt, fd.Stack)
			fd.Cause += " " + credentialsAlternative(alt.corsError, rule.ID)
			fd.IfCredentials = alt.corsError
		}
	case x.observed == outNetError:
		fd = a.netFinding(x, x.observedErr, cred, basis)
	case x.observed == outBlocked && x.pre == nil && x.req != nil && !responded(x.req.e) && mixedContent(x):
		// Blocked without a response or a preflight, from an https page
		// to an http URL: Chromium's mixed-content block, which it
		// records with no error text at all.
		fd = a.netFinding(x, x.observedErr, cred, basis)
	case x.observed == outBlocked:
		fd = a.unexplained(x, cred, basis)
	case conditional != nil:
		fd = a.finding(x, conditional, CredInclude, "assumed: the capture does not say whether the request had credentials")
		fd.Severity, fd.Downgraded = Warning, DowngradeCredentialsUnknown
		fd.Cause = "Blocked if the request is made with credentials (cookies, credentials: 'include', withCredentials), which the capture cannot show. " + fd.Cause
		req.Verdict = Unknown
	}
	if x.req == nil && req.Verdict == Pass {
		// Only the preflight is in the capture: what became of the
		// request it was sent for, the capture does not say.
		req.Verdict = Unknown
	}
	if fd != nil {
		if fd.Severity == Error {
			req.Verdict = Blocked
			req.Rule = fd.Rule.ID
		}
		a.findings = append(a.findings, *fd)
	}
	if x.needsPreflight && x.pre == nil && (fd == nil || fd.Severity < Error) && x.req != nil {
		a.add(x, ruleP22, "", "The request needed a preflight ("+preflightReason(x)+") but the capture has none: it was answered from the browser's preflight cache or the exporter left it out.", cred, basis)
	}
	if !a.noRequests {
		a.requests.add(&req)
	}
	a.warnings(x, cred, basis)
}

func (x *exchange) entry() *node {
	if x.req != nil {
		return x.req
	}
	return x.pre
}

func preflightReason(x *exchange) string {
	var why []string
	if !isSafelistedMethod(x.method) {
		why = append(why, "method "+x.method)
	}
	if len(x.unsafe) > 0 {
		why = append(why, "headers "+strings.Join(x.unsafe, ", "))
	}
	return strings.Join(why, "; ")
}

// add records a finding that is not a failed browser check (a warning or
// an info), with its rule's severity.
func (a *analysis) add(x *exchange, r *Rule, value, cause string, cred Credentials, basis string) *Finding {
	fd := a.base(x, cred, basis)
	fd.Rule, fd.Severity, fd.Value, fd.Cause = r, r.Severity, value, cause
	fd.Stack = a.stackFor(x, nil)
	fd.Fix = fill(r.FixFor(fd.Stack), x, value)
	a.findings = append(a.findings, *fd)
	return &a.findings[len(a.findings)-1]
}

func (a *analysis) base(x *exchange, cred Credentials, basis string) *Finding {
	e := x.entry().e
	fd := &Finding{
		File: a.file, Entry: e.Index, Preflight: -1, Line: e.Line, URL: x.entry().url,
		Method: x.method, Origin: x.origin, Credentials: cred, CredentialsBasis: basis,
		PreflightCaptured: x.pre != nil || !x.needsPreflight,
		FirefoxCapture:    a.exporter.firefox,
	}
	if x.req != nil {
		fd.Request = x.req.e
		fd.Method = x.req.e.Request.Method
		fd.Status = x.req.e.Response.Status
	}
	if x.pre != nil {
		fd.Preflight = x.pre.e.Index
		fd.PreflightEntry = x.pre.e
	}
	if fd.Method == "" {
		fd.Method = x.method
	}
	return fd
}

// stackFor names the stack behind the failing response, else behind any
// response of the exchange, else behind any response from the same origin.
func (a *analysis) stackFor(x *exchange, at *node) Stack {
	if a.forceStack != Generic {
		return a.forceStack
	}
	for _, n := range []*node{at, x.req, x.pre} {
		if n == nil || !responded(n.e) {
			continue
		}
		if s := n.stack(); s != Generic {
			return s
		}
	}
	if s := a.hostStack[x.entry().target]; s != Generic {
		return s
	}
	// Nothing names the API's stack, but the page comes from a dev server
	// (its own files answered by Vite, webpack-dev-server, Next.js): its
	// proxy, which puts the API at the page's origin, is the fix.
	if s := a.hostStack[a.originFor(x.entry())]; s.DevServer() {
		return s
	}
	return Generic
}

// fill puts the exchange's values into a fix or title template.
func fill(s string, x *exchange, value string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	s = FillHeaders(s, x.unsafe)
	header := "the requested headers"
	if len(x.unsafe) > 0 {
		header = strings.Join(x.unsafe, ", ")
	}
	path := "this path"
	if u := x.entry().url; u != "" {
		if i := strings.Index(u, "://"); i >= 0 {
			if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
				path = u[i+3+j:]
				if q := strings.IndexByte(path, '?'); q >= 0 {
					path = path[:q]
				}
			}
		}
	}
	status := ""
	if x.pre != nil && x.pre.e.Response.Status > 0 {
		status = itoa(x.pre.e.Response.Status)
	}
	if x.req != nil && x.req.e.Response.Status > 0 && (status == "" || x.pre.e.Response.Status/100 == 2) {
		status = itoa(x.req.e.Response.Status)
	}
	location := "the final URL"
	if x.pre != nil && redirectTarget(x.pre.e) != "" {
		location = redirectTarget(x.pre.e)
	} else if x.req != nil && redirectTarget(x.req.e) != "" {
		location = redirectTarget(x.req.e)
	}
	origin := x.origin
	if origin == "" || origin == "null" {
		origin = "the page's origin"
	}
	return placeholder.Fill(s, "{origin}", origin, "{method}", x.method, "{header}", header,
		"{path}", path, "{status}", status, "{location}", location, "{value}", value)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// expectsCredentials reports whether any response of the exchange carries
// Access-Control-Allow-Credentials, the server's sign that it is meant to be
// called with credentials.
func expectsCredentials(x *exchange) bool {
	for _, n := range []*node{x.pre, x.req} {
		if n != nil && n.rs.present(hACAllowCredentials) {
			return true
		}
	}
	return false
}

// credentialsAlternative is what a finding's cause adds when another check
// fails first if the request carries credentials, which a request blocked
// at its preflight does not show: the browser then names that one (its
// CorsError and rule).
func credentialsAlternative(ce CorsError, rule string) string {
	return "With credentials (not shown in the capture), Chromium reports " + string(ce) + " first (" + rule + ")."
}
