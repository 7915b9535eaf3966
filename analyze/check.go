package analyze

import (
	"net/url"
	"slices"
	"strings"

	"github.com/harcors/harcors/har"
)

// authorizationCoveredByWildcard mirrors Chromium's feature
// CorsNonWildcardRequestHeadersSupport being off (its default in every
// Chromium release harcors has been checked against, including the one the
// fixtures in testdata/hars/chromium were recorded with): with it off,
// "Access-Control-Allow-Headers: *" lets an Authorization header through
// for a request without credentials, and Chromium only logs a deprecation
// warning. The Fetch Standard says it must not; rule CORS-P18 warns.
const authorizationCoveredByWildcard = true

// exchange is one cross-origin request as the browser handled it: the
// follow-up (nil when only the preflight was recorded) and its preflight (nil
// when none was recorded).
type exchange struct {
	req, pre *node
	origin   string // the request's origin ("null" for an opaque or tainted one)
	method   string // the method as sent
	unsafe   []string
	// needsPreflight: the method or headers call for a preflight.
	needsPreflight bool
	observed       outcome
	observedErr    string
}

// failure is the first check that failed.
type failure struct {
	corsError CorsError // "" for a network error or an unexplained block
	param     string
	at        *node // the entry whose response failed
	stage     stage
	netErr    string // the network error, for corsError == ""
	// badScheme: a redirect to a URL that is not http(s) (param), which
	// a CORS request does not follow (CORS-R04).
	badScheme bool
	// ffParam is the header Firefox names where it names another than
	// Chromium ("" when the same): of several headers a preflight did not
	// allow, Chromium names the first the request set, Firefox the first
	// in the sorted order the Fetch Standard checks them in
	// (go--rv4-two-unsafe-order).
	ffParam string
	// tooMany: the response is a redirect past the 20 that fetch follows
	// (net::ERR_TOO_MANY_REDIRECTS; Firefox keeps no error for it).
	tooMany bool
}

// maxRedirects is how many redirects fetch follows (Fetch Standard,
// HTTP-redirect fetch: "If request's redirect count is 20, then return a
// network error"; Chromium and Firefox alike).
const maxRedirects = 20

// hopsBefore counts the hops of r's redirect chain before r.
func hopsBefore(r *node) int {
	n := 0
	for p := r.prev; p != nil; p = p.prev {
		n++
	}
	return n
}

// unfollowedRedirect reports whether the last hop of x is a redirect the
// browser did not follow: with redirect: 'error' or 'manual', or past the
// redirect limit.
func (x *exchange) unfollowedRedirect() bool {
	return x.req != nil && responded(x.req.e) && isRedirectStatus(x.req.e.Response.Status) && redirectTarget(x.req.e) != ""
}

// unsafeRedirectSchemes are the schemes Chromium's network stack refuses to
// redirect to (net::ERR_UNSAFE_REDIRECT, before any CORS check; recorded
// in go--redirect-to-data-url and go--redirect-to-about-blank). Other
// schemes than http(s) pass it and then fail the CORS check of the new URL
// (CorsDisabledScheme, go--redirect-to-ftp).
var unsafeRedirectSchemes = map[string]bool{"data": true, "about": true, "file": true, "javascript": true, "blob": true, "filesystem": true}

type stage int

const (
	stagePreflight stage = iota
	stageRedirect
	stageActual
	stageUnexplained
)

// same reports whether two evaluations ended the same way.
func (f *failure) same(g *failure) bool {
	if f == nil || g == nil {
		return f == g
	}
	return f.corsError == g.corsError && f.param == g.param && f.at == g.at && f.netErr == g.netErr
}

// responded reports whether an entry holds a response from the server: a
// status and headers. Chrome writes status 0 and no headers for a request it
// never sent; Playwright writes -1.
func responded(e *har.Entry) bool {
	return e.Response.Status > 0 && len(e.Response.Headers) > 0
}

// evaluate runs the browser's checks on x, with or without credentials, and
// returns the first failure, or nil.
func evaluate(x *exchange, include bool) *failure {
	if p := x.pre; p != nil {
		if f := checkPreflight(x, p, include); f != nil {
			return f
		}
	}
	r := x.req
	if r == nil || !responded(r.e) {
		return nil
	}
	st := r.e.Response.Status
	// The CORS check is skipped for a 304 answering the browser's own
	// revalidation (CorsURLLoader::OnReceiveResponse).
	if st == 304 {
		return nil
	}
	origin := x.origin
	if r.origin != "" {
		// A hop after a cross-origin redirect carries "Origin: null" (a
		// tainted origin); the HAR has the header as sent.
		origin = r.origin
	}
	if isRedirectStatus(st) {
		loc := redirectTarget(r.e)
		scheme := ""
		if loc != "" {
			u, err := url.Parse(loc)
			if err == nil && u.User != nil {
				return &failure{corsError: RedirectContainsCredentials, at: r, stage: stageRedirect}
			}
			if err == nil {
				scheme = strings.ToLower(u.Scheme)
			}
		}
		if unsafeRedirectSchemes[scheme] {
			return &failure{param: loc, at: r, stage: stageRedirect, badScheme: true, netErr: "net::ERR_UNSAFE_REDIRECT"}
		}
		if ce, param := checkAccess(&r.rs, origin, include); ce != "" {
			return &failure{corsError: ce, param: param, at: r, stage: stageRedirect}
		}
		if scheme != "" && scheme != "http" && scheme != "https" {
			return &failure{corsError: CorsDisabledScheme, param: loc, at: r, stage: stageRedirect, badScheme: true}
		}
		if loc != "" && hopsBefore(r) >= maxRedirects {
			return &failure{at: r, stage: stageRedirect, netErr: "net::ERR_TOO_MANY_REDIRECTS", tooMany: true}
		}
		return nil
	}
	if ce, param := checkAccess(&r.rs, origin, include); ce != "" {
		return &failure{corsError: ce, param: param, at: r, stage: stageActual}
	}
	return nil
}

// checkAccess is Chromium's cors::CheckAccess on one response: the
// Access-Control-Allow-Origin check, then Access-Control-Allow-Credentials.
// It returns the CorsError and its parameter, or "".
func checkAccess(h *headerIndex, origin string, include bool) (CorsError, string) {
	acao, ok := h.normalized(hACAllowOrigin)
	if ok && acao == "*" {
		if include {
			return WildcardOriginNotAllowed, ""
		}
		return "", ""
	}
	if !ok {
		return MissingAllowOriginHeader, ""
	}
	if acao != origin {
		switch {
		case strings.ContainsAny(acao, " ,"):
			return MultipleAllowOriginValues, acao
		case acao == "null":
			return AllowOriginMismatch, acao
		case !parsesAsURL(acao):
			return InvalidAllowOriginValue, acao
		}
		return AllowOriginMismatch, acao
	}
	if include {
		acac, _ := h.normalized(hACAllowCredentials)
		if acac != "true" {
			return InvalidAllowCredentials, acac
		}
	}
	return "", ""
}

// checkPreflight is Chromium's handling of a preflight response
// (PreflightController, PreflightResult), in its order: redirect, network
// failure, the access check (before the status, so a 404 without CORS
// headers reports the missing header), the status, the syntax of the allow
// lists, the method, the headers. Private Network Access's preflight check
// is gone from Chromium (Local Network Access replaced it), so it is not
// run.
func checkPreflight(x *exchange, p *node, include bool) *failure {
	e := p.e
	st := e.Response.Status
	if isRedirectStatus(st) && redirectTarget(e) != "" {
		return &failure{corsError: PreflightDisallowedRedirect, param: redirectTarget(e), at: p, stage: stagePreflight}
	}
	if !responded(e) {
		if st <= 0 {
			// No response: the preflight's network error is passed on to
			// the follow-up as is, with no CORS error.
			return &failure{at: p, stage: stagePreflight, netErr: netError(e)}
		}
	}
	h := &p.rs
	origin := x.origin
	if p.origin != "" {
		// The preflight of a hop after a cross-origin redirect carries
		// Origin: null (tainted), as the hop itself does.
		origin = p.origin
	}
	if ce, param := checkAccess(h, origin, include); ce != "" {
		return &failure{corsError: "Preflight" + ce, param: param, at: p, stage: stagePreflight}
	}
	if st < 200 || st > 299 {
		return &failure{corsError: PreflightInvalidStatus, at: p, stage: stagePreflight}
	}
	al := p.allowLists()
	if !al.methodsOK {
		return &failure{corsError: InvalidAllowMethodsPreflightResponse, param: al.badMethod, at: p, stage: stagePreflight}
	}
	if !al.headersOK {
		return &failure{corsError: InvalidAllowHeadersPreflightResponse, param: al.badHeader, at: p, stage: stagePreflight}
	}
	methods, headers := al.methods, al.headers
	// Methods compare case-sensitively (Chromium 109 and later).
	if !isSafelistedMethod(x.method) && !slices.Contains(methods, x.method) &&
		(include || !slices.Contains(methods, "*")) {
		return &failure{corsError: MethodDisallowedByPreflightResponse, param: x.method, at: p, stage: stagePreflight}
	}
	allowed := allowList(headers, len(x.unsafe))
	star := allowed.has("*")
	if !include && star && authorizationCoveredByWildcard {
		return nil
	}
	var fail *failure
	for _, n := range x.unsafe {
		if !allowed.has(n) && !(!include && star && n != "authorization") {
			if fail == nil {
				fail = &failure{corsError: HeaderDisallowedByPreflightResponse, param: n, at: p, stage: stagePreflight}
			} else if n < fail.param && (fail.ffParam == "" || n < fail.ffParam) {
				fail.ffParam = n
			}
		}
	}
	return fail
}

// allowLists are a preflight response's Access-Control-Allow-Methods and
// -Headers, parsed by parseTokenList.
type allowLists struct {
	methods, headers     []string
	badMethod, badHeader string
	methodsOK, headersOK bool
}

// allowLists parses the allow lists of n's response once: both
// evaluations of an exchange and its warnings read them.
func (n *node) allowLists() *allowLists {
	if n.allow == nil {
		al := &allowLists{}
		al.methods, al.badMethod, al.methodsOK = parseTokenList(n.rs.values(hACAllowMethods))
		al.headers, al.badHeader, al.headersOK = parseTokenList(n.rs.values(hACAllowHeaders))
		n.allow = al
	}
	return n.allow
}

// allowedHeaders is a parsed Access-Control-Allow-Headers, searched for
// lower-case names. Its items are tokens, which are ASCII, so a name is
// allowed when an item is it in ASCII lower case.
type allowedHeaders struct {
	items []string
	// lower holds the items lower-cased, when a map is quicker than
	// comparing each name with each item.
	lower map[string]bool
}

// allowList returns the allow list of items, to be searched about lookups
// times.
func allowList(items []string, lookups int) allowedHeaders {
	a := allowedHeaders{items: items}
	if (lookups+1)*len(items) > 256 {
		a.lower = make(map[string]bool, len(items))
		for _, it := range items {
			a.lower[strings.ToLower(it)] = true
		}
	}
	return a
}

// has reports whether the lower-case name is allowed.
func (a allowedHeaders) has(name string) bool {
	if a.lower != nil {
		return a.lower[name]
	}
	for _, it := range a.items {
		if equalLower(it, name) {
			return true
		}
	}
	return false
}

// netError names a request's network error for messages.
func netError(e *har.Entry) string {
	if e.Error != "" {
		return e.Error
	}
	return "no response"
}
