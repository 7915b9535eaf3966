package analyze

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// netFinding reports a request that failed at the network level with err
// (as the browser recorded it, or as harcors found it), or was blocked for
// a reason other than CORS.
func (a *analysis) netFinding(x *exchange, err string, cred Credentials, basis string) *Finding {
	fd := a.base(x, cred, basis)
	fd.Severity = Error
	fd.Value = err
	// fix is the part of N02's fix for this cause: the rule's fix names
	// every cause's.
	fix := ""
	switch {
	case strings.Contains(err, "BLOCKED_BY_CLIENT"):
		fd.Rule = ruleN02
		fd.Cause = "A browser extension (ad blocker, privacy tool) blocked the request; the server never saw it."
		fix = "Test without extensions (a clean profile or a private window), or ask users to allow the site; rename paths that blocklists match (/ads/, /track/)."
	case strings.Contains(err, "BLOCKED_BY_ORB"):
		fd.Rule = ruleN02
		fd.Cause = "Opaque Response Blocking: a no-cors load (an <img>, <script> or fetch mode 'no-cors') got JSON, HTML or another type it may not read."
		fix = "Load data with fetch() in cors mode (and CORS headers on the server), and serve images and scripts with their real Content-Type."
	case strings.Contains(err, "BLOCKED_BY_RESPONSE"):
		fd.Rule = ruleN02
		fd.Cause = "The response's Cross-Origin-Resource-Policy (or the page's Cross-Origin-Embedder-Policy) forbids loading it from this origin."
		fix = "Send Cross-Origin-Resource-Policy: cross-origin on the response (or same-site when the page is on the same site)."
	case strings.Contains(err, "CONNECTION_ALLOWLIST"):
		// Chromium's Connection-Allowlist (on by default, reported as
		// Audits.ConnectionAllowlistIssue): the page's own
		// Connection-Allowlist header forbids the connection. Not CORS.
		fd.Rule = ruleN02
		fd.Cause = "The page's Connection-Allowlist header does not list this destination, so Chromium refused to connect (a ConnectionAllowlistIssue in DevTools). This is not CORS: no server setting fixes it; add the destination to the page's Connection-Allowlist."
		fix = "Add the destination to the page's Connection-Allowlist header."
	case strings.Contains(err, "PRIVATE_NETWORK") || strings.Contains(err, "LOCAL_NETWORK"):
		fd.Rule = ruleN02
		fd.Cause = "Local Network Access: a page on a more public network asked for a local or loopback address, and the browser refused (no permission, or an insecure page)."
	case strings.Contains(err, "mixed-content") || mixedContent(x) && !reachedNetwork(err):
		fd.Rule = ruleN02
		fd.Cause = "Mixed content: an https page called an http URL, which the browser blocks before sending."
		fix = "Call the API over https: an https:// base URL, or a URL relative to the page. Only localhost and 127.0.0.1 may be called over http from an https page."
	case strings.Contains(err, "TOO_MANY_REDIRECTS"):
		fd.Rule = ruleR05
		again := "redirects again"
		if r := x.req; r != nil && responded(r.e) {
			fd.Status, fd.Value = r.e.Response.Status, redirectTarget(r.e)
			again = fmt.Sprintf("(%s) redirects again, to %s", statusText(fd.Status), fd.Value)
		}
		fd.Cause = fmt.Sprintf("The request was redirected %d times and the last response %s: browsers follow at most %d redirects, then fail the request (net::ERR_TOO_MANY_REDIRECTS; Firefox prints \"CORS request did not succeed\"). A redirect loop is the usual cause. This is not a CORS problem.", maxRedirects, again, maxRedirects)
		fd.Firefox = "CORSDidNotSucceed2"
		fd.FirefoxMessage = firefoxMessage(fd.Firefox, x.entry().url, "", "(null)")
	default:
		fd.Rule = ruleN01
		fd.Cause = fmt.Sprintf("The request failed with %s, a network error: the server did not answer (down, wrong port or host, TLS problem, connection reset). This is not a CORS problem.", err)
		fd.Firefox = "CORSDidNotSucceed2"
		fd.FirefoxMessage = firefoxMessage(fd.Firefox, x.entry().url, "", "(null)")
	}
	fd.Stack = a.stackFor(x, nil)
	if fix == "" {
		fix = fd.Rule.FixFor(fd.Stack)
	}
	fd.Fix = fill(fix, x, fd.Value)
	return fd
}

// reachedNetwork reports whether a request's error comes from the network
// stack (a name not resolved, a connection refused or reset, a timeout, a
// TLS failure...): the request was sent, so it was not blocked as mixed
// content, which Chromium does before any network activity. Chromium
// records a mixed-content block with an empty error (recorded in
// go--mixed-content); renderer-side blocks give ERR_FAILED or ERR_ABORTED.
func reachedNetwork(err string) bool {
	return err != "" && !strings.Contains(err, "ERR_FAILED") && !strings.Contains(err, "ERR_ABORTED") && !strings.Contains(err, "BLOCKED")
}

// mixedContent reports whether x went from an https page to an http URL
// that is not potentially trustworthy (loopback): mixed content, which the
// browser refuses to send. Local Network Access exempts local targets
// (private IP literals, .local names) from the block, and asks for its
// permission instead, so those are not mixed content either.
func mixedContent(x *exchange) bool {
	if !strings.HasPrefix(x.origin, "https://") || !strings.HasPrefix(strings.ToLower(x.entry().url), "http://") {
		return false
	}
	target := originOf(x.entry().url)
	return !isLoopback(target) && !isLocalTarget(target)
}

// originHost is an origin's host, without scheme, port or IPv6 brackets.
func originHost(origin string) string {
	host := origin
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.Trim(host, "[]")
}

// isLocalTarget reports whether an origin's host is a private or link-local
// IP literal or a .local name: Local Network Access's local targets.
func isLocalTarget(origin string) bool {
	host := strings.ToLower(originHost(origin))
	if strings.HasSuffix(host, ".local") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsPrivate() || ip.IsLinkLocalUnicast())
}

func isLoopback(origin string) bool {
	host := originHost(origin)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// unexplained reports a request the browser blocked although every check
// harcors can run on the capture passes.
func (a *analysis) unexplained(x *exchange, cred Credentials, basis string) *Finding {
	fd := a.base(x, cred, basis)
	fd.Rule = ruleU01
	fd.Severity = Error
	fd.Value = x.observedErr
	target := x.entry().target
	switch {
	case x.pre == nil && x.req != nil && !responded(x.req.e) && !x.needsPreflight && x.observedErr == "" && a.exporter.firefox:
		// Firefox keeps the response of a request its CORS check
		// blocked, and a request that needed no preflight can be blocked
		// by nothing else: one without any response never got one.
		fd.Rule = ruleN01
		fd.Firefox = "CORSDidNotSucceed2"
		fd.FirefoxMessage = firefoxMessage(fd.Firefox, x.entry().url, "", "(null)")
		fd.Cause = "The request needed no preflight and got no response (Firefox records status 0 and no headers): it failed at the network level (connection refused or reset, name not resolved, TLS), and Firefox printed \"CORS request did not succeed\" for it. This is not a CORS problem."
	case x.pre == nil && x.req != nil && !responded(x.req.e) && addressSpace(x.origin) == spacePublic && addressSpace(target) < spacePublic:
		fd.Rule = ruleL04
		fd.Chromium = LocalNetworkAccessPermissionDenied
		fd.Message = fmt.Sprintf("Access to %s at '%s' from origin '%s' has been blocked by CORS policy: Permission was denied for this request to access the `%s` address space.", kindOf(x), x.entry().url, x.origin, addressSpace(target))
		fd.Cause = fmt.Sprintf("The page on %s (a public address) requested %s (%s address space), and the browser failed the request without a preflight or a response: Local Network Access refused it (permission denied or not granted, or an insecure page).", x.origin, target, addressSpace(target))
	case x.pre == nil && x.req != nil && !responded(x.req.e) && x.needsPreflight:
		fd.Cause = fmt.Sprintf("The browser blocked the request (%s) and the capture holds neither its preflight nor a response: the %s needed a preflight, so a failed preflight is the likely cause, but the capture does not show it.", orStatus(x), preflightReason(x))
	case x.pre == nil && x.req != nil && !responded(x.req.e):
		fd.Cause = fmt.Sprintf("The browser blocked the request (%s) and the capture holds no response for it (this exporter keeps no headers of failed requests).", orStatus(x))
	case x.pre != nil && (x.req == nil || !responded(x.req.e)):
		fd.Cause = "The preflight passes every check harcors can run on the capture, yet the browser did not send the request. Something the capture does not hold failed (a header the page set that the preflight did not list, Local Network Access), or the preflight was cancelled."
	case x.unfollowedRedirect():
		fd.Status = x.req.e.Response.Status
		fd.Cause = fmt.Sprintf("The browser stopped at this redirect (%s), which passes the CORS check as recorded, and failed the request (%s): the page's fetch() used redirect: 'error', which fails at any redirect without a CORS message, or the request had credentials, which the capture does not show, and the redirect's Access-Control-Allow-Origin is * (CORS-A07). The console tells them apart.", statusText(x.req.e.Response.Status), orStatus(x))
	default:
		fd.Status = x.req.e.Response.Status
		fd.Cause = fmt.Sprintf("The response (%s) passes the CORS check as recorded, yet the browser failed the request (%s): a reason outside CORS (Cross-Origin-Resource-Policy, a cancelled stream), or the request had credentials that the capture does not show.", statusText(x.req.e.Response.Status), orStatus(x))
	}
	fd.Stack = a.stackFor(x, nil)
	fd.Fix = fill(fd.Rule.FixFor(fd.Stack), x, fd.Value)
	return fd
}

func orStatus(x *exchange) string {
	if x.observedErr != "" {
		return x.observedErr
	}
	return "status " + strconv.Itoa(x.entry().e.Response.Status)
}

// interestingResponseHeaders are headers that scripts commonly read and that
// are not CORS-safelisted response headers, so they need
// Access-Control-Expose-Headers.
var interestingResponseHeaders = [...]string{
	"content-disposition", "location", "link", "x-total-count", "x-total", "x-request-id",
	"x-correlation-id", "x-next-cursor", "x-page", "x-per-page", "x-pagination", "x-ratelimit-remaining",
	"x-ratelimit-limit", "x-ratelimit-reset", "retry-after", "x-csrf-token", "x-auth-token",
}

// warnings records what bites without blocking.
func (a *analysis) warnings(x *exchange, cred Credentials, basis string) {
	// Redirect responses are read by the browser, not the page: no Vary or
	// expose advice for them.
	if x.req != nil && responded(x.req.e) && x.req.e.Response.Status != 304 && !isRedirectStatus(x.req.e.Response.Status) {
		h := &x.req.rs
		acao, ok := h.normalized(hACAllowOrigin)
		if ok && acao == x.origin && acao != "*" && acao != "null" {
			if !h.containsLower(hVary, "origin") && !h.containsLower(hVary, "*") {
				a.add(x, ruleW01, acao, fmt.Sprintf("Access-Control-Allow-Origin echoes %s, and Vary does not name Origin: a cache can hand this response to another origin.", acao), cred, basis)
			}
		}
		a.cookieWarnings(x, cred, basis)
		if x.req.e.Response.Status/100 == 2 && !h.present(hContentType) && bodyLength(x.req) > 0 {
			a.add(x, ruleW07, "", fmt.Sprintf("The %s response has a %d-byte body and no Content-Type header.", statusText(x.req.e.Response.Status), bodyLength(x.req)), cred, basis)
		}
		if ok && (acao == "*" || acao == x.origin) {
			a.exposeWarning(x, cred, basis)
		}
		if x.pre != nil && responded(x.pre.e) {
			pv, pok := x.pre.rs.normalized(hACAllowOrigin)
			if pok && ok && pv != acao {
				a.add(x, ruleW06, pv+" / "+acao, fmt.Sprintf("The preflight answered Access-Control-Allow-Origin: %s and the actual response %s: two CORS layers with different settings.", pv, acao), cred, basis)
			}
		}
	}
	for _, n := range []*node{x.pre, x.req} {
		if n == nil || !responded(n.e) {
			continue
		}
		if v, ok := n.rs.normalized(hACAllowOrigin); ok && v == "null" {
			a.add(x, ruleW05, v, "The server answers Access-Control-Allow-Origin: null; every sandboxed iframe and data: page sends Origin: null.", cred, basis)
			break
		}
	}
	if p := x.pre; p != nil && responded(p.e) && cred != CredInclude {
		al := p.allowLists()
		allowed := allowList(al.headers, 2)
		if al.headersOK && allowed.has("*") && !allowed.has("authorization") {
			for _, n := range x.unsafe {
				if n == "authorization" {
					a.add(x, ruleP18, "authorization", "The request sends Authorization and the preflight allows headers only with '*'. Chromium prints: \"Authorization will not be covered by the wildcard symbol (*) in CORS Access-Control-Allow-Headers handling.\"", cred, basis)
					break
				}
			}
		}
	}
}

func (a *analysis) cookieWarnings(x *exchange, cred Credentials, basis string) {
	cookies := x.req.rs.values(hSetCookie)
	if len(cookies) == 0 {
		return // most responses: spare the site comparison
	}
	crossSite := !sameSite(x.origin, x.req.target)
	// A response can set thousands of cookies the same wrong way: each
	// rule gives one finding per response, naming the first few cookies
	// and counting them all.
	var none, lax []string
	for _, sc := range cookies {
		name, ss, hasSS, secure := parseSetCookie(sc)
		switch {
		case hasSS && strings.EqualFold(ss, "none") && !secure:
			none = append(none, name)
		case !hasSS && crossSite:
			lax = append(lax, name)
		}
	}
	if len(none) > 0 {
		fd := a.add(x, ruleW02, cookieList(none), fmt.Sprintf("The response sets %s with SameSite=None but without Secure; browsers reject %s.", cookiesPhrase(none), itOrThem(none)), cred, basis)
		fd.Count = len(none)
	}
	if len(lax) > 0 {
		fd := a.add(x, ruleW03, cookieList(lax), fmt.Sprintf("The response sets %s without SameSite on a cross-site request; %s to Lax and will not be sent with later cross-site requests from %s.", cookiesPhrase(lax), defaultsPhrase(lax), x.origin), cred, basis)
		fd.Count = len(lax)
	}
}

// cookieListMax is how many cookie names a finding names.
const cookieListMax = 5

// cookieList is "a, b, c" for at most cookieListMax names, then "and N more".
func cookieList(names []string) string {
	if len(names) <= cookieListMax {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:cookieListMax], ", ") + fmt.Sprintf(" and %d more", len(names)-cookieListMax)
}

// cookiesPhrase is `cookie "a"` or `3 cookies ("a", "b", "c")`.
func cookiesPhrase(names []string) string {
	if len(names) == 1 {
		return fmt.Sprintf("cookie %q", names[0])
	}
	q := make([]string, 0, cookieListMax)
	for _, n := range names[:min(len(names), cookieListMax)] {
		q = append(q, fmt.Sprintf("%q", n))
	}
	more := ""
	if len(names) > cookieListMax {
		more = fmt.Sprintf(" and %d more", len(names)-cookieListMax)
	}
	return fmt.Sprintf("%d cookies (%s%s)", len(names), strings.Join(q, ", "), more)
}

func itOrThem(names []string) string {
	if len(names) == 1 {
		return "it"
	}
	return "them"
}

func defaultsPhrase(names []string) string {
	if len(names) == 1 {
		return "it defaults"
	}
	return "they default"
}

// parseSetCookie returns a cookie's name, its SameSite attribute (the last
// one, when repeated) and whether it has one, and whether it has Secure.
// Every cross-origin response that sets cookies goes through it, so it
// reads the attributes in place rather than into a map. Attribute names
// are compared in lower case.
func parseSetCookie(v string) (name, sameSite string, hasSameSite, secure bool) {
	first, rest, _ := strings.Cut(v, ";")
	name, _, _ = strings.Cut(first, "=")
	for rest != "" {
		var p string
		p, rest, _ = strings.Cut(rest, ";")
		k, val, _ := strings.Cut(p, "=")
		switch k = strings.TrimSpace(k); {
		case lowerIs(k, "samesite"):
			sameSite, hasSameSite = strings.TrimSpace(val), true
		case lowerIs(k, "secure"):
			secure = true
		}
	}
	return strings.TrimSpace(name), sameSite, hasSameSite, secure
}

// sameSite approximates "same site" as same scheme and same registrable
// domain, taken as the last two labels of the host (no public suffix list:
// harcors would rather miss a warning than ship a stale list). Loopback and
// IP hosts compare whole.
func sameSite(a, b string) bool {
	sa, ha := splitOrigin(a)
	sb, hb := splitOrigin(b)
	if sa != sb {
		return false
	}
	return registrable(ha) == registrable(hb)
}

func splitOrigin(o string) (scheme, host string) {
	s, rest, ok := strings.Cut(o, "://")
	if !ok {
		return "", o
	}
	if h, _, err := net.SplitHostPort(rest); err == nil {
		rest = h
	}
	return s, strings.Trim(rest, "[]")
}

func registrable(host string) string {
	if net.ParseIP(host) != nil {
		return host
	}
	labels := strings.Split(host, ".")
	if len(labels) <= 2 {
		return host
	}
	return strings.Join(labels[len(labels)-2:], ".")
}

func (a *analysis) exposeWarning(x *exchange, cred Credentials, basis string) {
	h := &x.req.rs
	// The index knows which interesting headers the response carries (most
	// carry none).
	if h.has>>hInteresting == 0 {
		return
	}
	exposes := h.values(hACExposeHeaders)
	if exposed(exposes, "*") && cred != CredInclude {
		return
	}
	var missing []string
	for i, n := range interestingResponseHeaders {
		if h.present(hInteresting+hid(i)) && !exposed(exposes, n) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		why := "Access-Control-Expose-Headers does not list it."
		if exposed(exposes, "*") {
			// Only here with credentials.
			why = "Access-Control-Expose-Headers lists '*', which for a request with credentials is a header named '*', not a wildcard: name each header."
		}
		fd := a.add(x, ruleW04, strings.Join(missing, ", "), fmt.Sprintf("The response carries %s, which the page cannot read: %s", strings.Join(missing, ", "), why), cred, basis)
		fd.Fix = strings.ReplaceAll(FillHeaders(fd.Rule.FixFor(fd.Stack), missing), "{header}", strings.Join(missing, ", "))
	}
}

// exposed reports whether the Access-Control-Expose-Headers lines list the
// lower-case name: whether an item of theirs, trimmed and lower-cased, is
// it. The lines are short and searched for a few names, so they are read
// in place rather than into a set.
func exposed(lines []string, name string) bool {
	for _, v := range lines {
		for {
			it, rest, more := strings.Cut(v, ",")
			if lowerIs(strings.TrimSpace(it), name) {
				return true
			}
			if !more {
				break
			}
			v = rest
		}
	}
	return false
}

// Browser caps on Access-Control-Max-Age, in seconds.
const (
	chromeMaxAgeCap  = 7200
	firefoxMaxAgeCap = 86400
	safariMaxAgeCap  = 600
)

// ageKey is what maxAgeFindings needs of the preflights to one URL from one
// origin: how many, their total time, and the last in file order (nil when
// it cannot lead to a finding, so that a capture of a million distinct URLs
// does not hold a million entries).
type ageKey struct {
	count int
	total float64
	last  *node
	// prev is when the previous preflight started; gap the longest time
	// between two consecutive starts, in seconds (-1 when a start time is
	// missing, so that nothing is ruled out).
	prev time.Time
	gap  float64
}

// ageID is what maxAge counts preflights by.
type ageID struct{ origin, url string }

// noteMaxAge counts a preflight, in file order, for maxAgeFindings.
func (a *analysis) noteMaxAge(n *node) {
	if !n.preflight {
		return
	}
	// By a hash of origin and URL, not the two joined: a capture of
	// distinct preflighted URLs has an ageKey for each, and the joined
	// string took as much memory as the ageKey and its slot.
	k := idOf(ageID{n.origin, n.url})
	ak := a.maxAge[k]
	if ak == nil {
		ak = &ageKey{}
		a.maxAge[k] = ak
	}
	ak.count++
	switch t := n.when(); {
	case t.IsZero() || ak.count > 1 && ak.prev.IsZero():
		ak.gap = -1
	case ak.count > 1 && ak.gap >= 0:
		ak.gap = max(ak.gap, t.Sub(ak.prev).Abs().Seconds())
	}
	ak.prev = n.when()
	if n.e.Time > 0 {
		ak.total += n.e.Time
	}
	ak.last = n
	if !responded(n.e) || n.e.Response.Status/100 != 2 || n.origin == "" {
		ak.last = nil
	} else if ak.count < 2 && !maxAgeOverCap(n) {
		ak.last = nil
	}
}

// maxAgeOverCap reports whether a preflight asked for a longer cache than
// browsers grant, which is worth a finding even for a single preflight.
func maxAgeOverCap(n *node) bool {
	raw, has := n.rs.get(hACMaxAge)
	age, err := strconv.Atoi(strings.TrimSpace(raw))
	return has && err == nil && age > chromeMaxAgeCap
}

// maxAgeFindings reports, once per origin and URL, preflights that a longer
// Access-Control-Max-Age would have saved, with what they cost here.
func (a *analysis) maxAgeFindings() {
	for _, ak := range a.maxAge {
		last := ak.last
		if last == nil {
			continue
		}
		x := &exchange{pre: last, req: last.partner, origin: last.origin, method: last.acrm, unsafe: last.acrh, needsPreflight: true}
		if last.partner != nil {
			x.method = last.partner.e.Request.Method
		}
		raw, has := last.e.Response.Headers.Get("Access-Control-Max-Age")
		age, err := strconv.Atoi(strings.TrimSpace(raw))
		if has && err == nil && age > chromeMaxAgeCap {
			a.add(x, ruleP21, raw, fmt.Sprintf("Access-Control-Max-Age is %d s; browsers cap it (Chrome %d s, Firefox %d s, Safari %d s), so preflights repeat sooner than the server intends.", age, chromeMaxAgeCap, firefoxMaxAgeCap, safariMaxAgeCap), CredUnknown, "")
			continue
		}
		if ak.count < 2 {
			continue
		}
		total := ak.total
		var why string
		switch {
		case !has:
			why = "no Access-Control-Max-Age, so browsers cache each preflight for 5 s only"
		case err != nil:
			why = fmt.Sprintf("Access-Control-Max-Age %q does not parse, so browsers use 5 s (Firefox does not cache at all)", raw)
		default:
			why = fmt.Sprintf("Access-Control-Max-Age is %d s", age)
		}
		auth := ""
		if hs, _, _ := parseTokenList(last.e.Response.Headers.Values("Access-Control-Allow-Headers")); containsFold(hs, "*") && containsFold(last.acrh, "authorization") && !containsFold(hs, "authorization") {
			auth = " Chrome also re-sends a preflight every time for requests with Authorization that only '*' allows."
		}
		if auth == "" && has && err == nil && age > 0 && ak.gap >= 0 && ak.gap <= float64(age) {
			// Every preflight came within Max-Age of the one before: the
			// cache did not serve them because they ran side by side (the
			// second started before the first was answered) or the cache
			// was off, not because Max-Age is short.
			continue
		}
		value := raw
		if !has {
			value = "absent"
		}
		a.add(x, ruleP21, value, fmt.Sprintf("%d preflights to %s from %s cost %.0f ms in this capture: %s.%s", ak.count, last.url, last.origin, total, why, auth), CredUnknown, "")
	}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// space is an address space as Chromium's Local Network Access names it
// (since 2025 'local' is what 'private' was, and 'loopback' what 'local'
// was), from most to least private.
type space int

const (
	spaceLoopback space = iota
	spaceLocal
	spacePublic
)

func (s space) String() string {
	return [...]string{"loopback", "local", "public"}[s]
}

// addressSpace classifies an origin's host by its name or IP literal; DNS is
// not consulted, so a public name that resolves to a private address counts
// as public.
func addressSpace(origin string) space {
	_, host := splitOrigin(origin)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return spaceLoopback
	}
	if strings.HasSuffix(host, ".local") || strings.HasSuffix(host, ".internal") || strings.HasSuffix(host, ".lan") {
		return spaceLocal
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return spacePublic
	case ip.IsLoopback():
		return spaceLoopback
	case ip.IsPrivate() || ip.IsLinkLocalUnicast():
		return spaceLocal
	}
	return spacePublic
}

// bodyLength is the response body's size as the exporter recorded it, else
// its Content-Length; 0 when neither says.
func bodyLength(n *node) int64 {
	if s := n.e.Response.Content.Size; s > 0 {
		return s
	}
	if v, ok := n.rs.get(hContentLength); ok {
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return 0
}
