package analyze

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// finding turns a failed browser check into a finding: the rule that names
// its cause, the browsers' names and messages, and the fix.
func (a *analysis) finding(x *exchange, f *failure, cred Credentials, basis string) *Finding {
	if f.tooMany {
		// A network error, as Chromium records it (Firefox records
		// nothing): the finding is the one for its error.
		return a.netFinding(x, cmp.Or(x.observedErr, f.netErr), cred, basis)
	}
	fd := a.base(x, cred, basis)
	fd.Severity = Error
	at := f.at
	if f.badScheme {
		// Firefox fails the request at the redirecting URL, status
		// unknown; Chromium names the new URL (CorsDisabledScheme) or
		// prints only net::ERR_UNSAFE_REDIRECT.
		fd.Rule, fd.Chromium, fd.Value, fd.Status = ruleR04, f.corsError, f.param, at.e.Response.Status
		fd.Firefox = "CORSDidNotSucceed2"
		fd.FirefoxMessage = firefoxMessage(fd.Firefox, at.url, "", "(null)")
		if f.corsError != "" {
			fd.Message = chromiumMessage(f.corsError, kindOf(x), f.param, at.url, x.origin, "")
		}
		fd.Cause = fmt.Sprintf("The %s redirect (%s) goes to %s, which is not an http or https URL; a CORS request follows redirects only to http and https.", statusText(fd.Status), at.url, f.param)
		if f.netErr != "" {
			fd.Cause += " Chromium refuses it before any check (" + f.netErr + ")."
		}
		fd.Stack = a.stackFor(x, at)
		fd.Fix = fill(fd.Rule.FixFor(fd.Stack), x, fd.Value)
		return fd
	}
	if f.corsError == "" {
		fd.Rule = ruleP19
		fd.Value = f.netErr
		fd.Firefox = "CORSDidNotSucceed2"
		fd.FirefoxMessage = firefoxMessage(fd.Firefox, x.entry().url, "", "(null)")
		fd.Cause = fmt.Sprintf("The preflight OPTIONS %s got no response (%s), so the browser never sent the %s request.", at.url, f.netErr, x.method)
		fd.Stack = a.stackFor(x, at)
		fd.Fix = fill(fd.Rule.FixFor(fd.Stack), x, fd.Value)
		return fd
	}
	fd.Chromium = f.corsError
	fd.Status, fd.AtPreflight = at.e.Response.Status, f.stage == stagePreflight
	fd.Value = f.param
	fd.Firefox = firefoxKeyFor(f.corsError, len(at.e.Response.Headers.Values("Access-Control-Allow-Origin")))

	msgURL, firstURL := x.entry().url, ""
	if f.stage == stagePreflight {
		if x.req != nil && x.req.prev != nil {
			firstURL = chainRoot(x.req).url
		}
	} else {
		msgURL = at.url
		if at.prev != nil {
			firstURL = chainRoot(at).url
		}
	}
	// The message names the page's origin even when a redirect tainted the
	// Origin header to "null" (as recorded from Chromium).
	fd.Message = chromiumMessage(f.corsError, kindOf(x), msgURL, firstURL, x.origin, f.param)
	ffParam := f.param
	if f.ffParam != "" {
		ffParam = f.ffParam
	}
	if fd.Firefox == "CORSAllowOriginNotMatchingOrigin" && ffParam == "" {
		ffParam, _ = normalizedHeader(at.e.Response.Headers.Values("Access-Control-Allow-Origin"))
	}
	fd.FirefoxMessage = firefoxMessage(fd.Firefox, msgURL, ffParam, strconv.Itoa(fd.Status))

	fd.Stack = a.stackFor(x, at)
	fd.Rule, fd.Cause = a.cause(x, f, fd.Stack)
	if fd.Rule == ruleP04 || fd.Rule == ruleR03 {
		fd.Value = redirectTarget(at.e)
	}
	if fd.Value == "" && (fd.Rule == ruleP01 || fd.Rule == ruleP02 || fd.Rule == ruleP03 || fd.Rule == ruleA02) {
		fd.Value = strconv.Itoa(fd.Status)
	}
	fd.Fix = fill(fd.Rule.FixFor(fd.Stack), x, fd.Value)
	if !fd.PreflightCaptured {
		fd.Cause += " (The preflight this request needed is not in the capture; the verdict rests on the actual response.)"
	}
	return fd
}

func chainRoot(n *node) *node {
	for i := 0; n.prev != nil && i < 50; i++ {
		n = n.prev
	}
	return n
}

// afterRedirect says, of a preflight that failed on its status after a
// redirect that tainted the request's origin (crossedOrigins), what
// answering it will not be enough for: the request carries Origin: null
// there (Chromium sends it on the preflight too, Firefox 153 on the
// request only), which an allowlist of the page's origin does not match
// (go--put-custom-303-cross). "" otherwise, and for a page whose origin is
// null already (a sandboxed frame), which calling directly would not change.
func afterRedirect(x *exchange, pre *node) string {
	if x.req == nil || x.req.prev == nil || x.origin == "null" || !crossedOrigins(x.req, x.origin) {
		return ""
	}
	return " It followed the cross-origin redirect from " + chainRoot(x.req).url + ", so the browser sends Origin: null: once the preflight gets a 2xx, " + originOf(pre.url) + " must also allow that origin (Access-Control-Allow-Origin: *, when no credentials are sent), unless the page calls it directly."
}

// kindOf is the word Chromium's message uses for the initiator.
func kindOf(x *exchange) string {
	if x.req != nil && x.req.e.ResourceType == "xhr" {
		return "XMLHttpRequest"
	}
	return "fetch"
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return strconv.Itoa(code) + " " + t
	}
	return strconv.Itoa(code)
}

// cause picks the rule and writes the cause, from the evidence.
func (a *analysis) cause(x *exchange, f *failure, stack Stack) (*Rule, string) {
	at := f.at
	st := at.e.Response.Status
	acao, hasACAO := normalizedHeader(at.e.Response.Headers.Values("Access-Control-Allow-Origin"))
	base := f.corsError.base()
	switch f.corsError {
	case "PreflightDisallowedRedirect":
		loc := redirectTarget(at.e)
		return ruleP04, fmt.Sprintf("The preflight OPTIONS %s was answered %s to %s (%s); browsers do not follow redirects for preflights.", at.url, statusText(st), loc, describeRedirect(at.url, loc))
	case "PreflightMissingAllowOriginHeader", "PreflightInvalidStatus":
		switch {
		case st == 404 || st == 405 || st == 501:
			what := "no route answers OPTIONS for this path"
			if st == 405 {
				what = "the route exists but does not accept OPTIONS"
				if allow, ok := at.e.Response.Headers.Get("Allow"); ok {
					what += " (Allow: " + allow + ")"
				}
			}
			if hasACAO {
				return ruleP01, fmt.Sprintf("The preflight got %s with CORS headers: the CORS layer added its headers but passed the preflight on to the router, where %s. The CORS layer must answer the preflight itself with a 2xx (rs/cors OptionsPassthrough and hand-written middleware that does not return on OPTIONS do this).", statusText(st), what) + afterRedirect(x, at)
			}
			return ruleP01, "The preflight got " + statusText(st) + " without CORS headers: " + what + ", so the CORS layer never ran for it." + afterRedirect(x, at)
		case st == 401 || st == 403 || st == 407:
			return ruleP02, fmt.Sprintf("The preflight got %s%s: authentication runs before CORS and rejects the preflight, which never carries cookies or an Authorization header.", statusText(st), withOrWithoutCORS(hasACAO)) + afterRedirect(x, at)
		case st >= 200 && st <= 299:
			return ruleP05, a.maskedCause(x, at, stack)
		}
		return ruleP03, fmt.Sprintf("The preflight got %s%s; the request was never sent. The OPTIONS request reached code that failed or rejected it.", statusText(st), withOrWithoutCORS(hasACAO)) + afterRedirect(x, at)
	case "InvalidAllowMethodsPreflightResponse":
		v, _ := normalizedHeader(at.e.Response.Headers.Values("Access-Control-Allow-Methods"))
		return ruleP11, fmt.Sprintf("Access-Control-Allow-Methods is %q; the item %q is not a method name.", v, f.param)
	case "InvalidAllowHeadersPreflightResponse":
		v, _ := normalizedHeader(at.e.Response.Headers.Values("Access-Control-Allow-Headers"))
		return ruleP12, fmt.Sprintf("Access-Control-Allow-Headers is %q; the item %q is not a header name.", v, f.param)
	case "MethodDisallowedByPreflightResponse":
		methods, _, _ := parseTokenList(at.e.Response.Headers.Values("Access-Control-Allow-Methods"))
		list := strings.Join(methods, ", ")
		if list == "" {
			return ruleP13, fmt.Sprintf("The preflight response has no Access-Control-Allow-Methods, so only GET, HEAD and POST are allowed; %s is not.", x.method)
		}
		for _, m := range methods {
			if strings.EqualFold(m, x.method) {
				return ruleP14, fmt.Sprintf("The page sent the method as %q and the preflight allows %s: methods compare case-sensitively, and fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT.", x.method, list)
			}
		}
		if slices.Contains(methods, "*") {
			return ruleP15, fmt.Sprintf("The preflight allows methods with '*', which does not apply to requests with credentials; %s is not listed.", x.method)
		}
		return ruleP13, fmt.Sprintf("The preflight allows %s; %s is not among them.", list, x.method)
	case "HeaderDisallowedByPreflightResponse":
		hs, _, _ := parseTokenList(at.e.Response.Headers.Values("Access-Control-Allow-Headers"))
		if slices.Contains(hs, "*") {
			return ruleP17, fmt.Sprintf("The preflight allows headers with '*', which does not apply to requests with credentials; %s is not listed by name.", f.param)
		}
		list := strings.Join(hs, ", ")
		if list == "" {
			list = "no headers (no Access-Control-Allow-Headers)"
		}
		why := ""
		if f.param == "content-type" {
			why = " Content-Type needs a preflight unless it is application/x-www-form-urlencoded, multipart/form-data or text/plain; JSON bodies trigger it."
			if v, ok := x.entry().e.Request.Headers.Get("Content-Type"); ok && x.req != nil {
				switch e := mimeEssence(v); {
				case e != "text/plain" && e != "multipart/form-data" && e != "application/x-www-form-urlencoded":
				case len(v) > 128:
					why = fmt.Sprintf(" Its value is %s, a type that needs no preflight, but it is %d bytes long, and a value over 128 bytes needs one.", e, len(v))
				case hasUnsafeByte(v):
					why = fmt.Sprintf(" Its value is %s, a type that needs no preflight, but it holds a byte that makes any value need one (a quote, parentheses, ':', '<', '>', '?', '@', brackets, braces, a backslash or a control character), as in a quoted charset.", e)
				}
			}
		}
		return ruleP16, "The page sends " + f.param + "; the preflight allows " + list + "." + why
	case "RedirectContainsCredentials":
		return ruleR03, fmt.Sprintf("%s redirected to a URL with a user name and password.", at.url)
	}

	// The access check on the actual response, a redirect hop, or the
	// preflight (ACAO/ACAC kinds).
	preflight := f.stage == stagePreflight
	where := "The response"
	if preflight {
		where = "The preflight response"
	} else if f.stage == stageRedirect {
		where = fmt.Sprintf("The %s redirect to %s", statusText(st), redirectTarget(at.e))
	}
	origin := x.origin
	if at.origin != "" {
		origin = at.origin
	}
	// A hop after a cross-origin redirect, or its preflight, carries
	// Origin: null (tainted). Only the request hop is linked to the hop
	// before it.
	hop := at
	if preflight && x.req != nil {
		hop = x.req
	}
	tainted := origin == "null" && hop.prev != nil
	switch base {
	case "MissingAllowOriginHeader":
		if f.stage == stageRedirect {
			return ruleR01, fmt.Sprintf("%s (%s) carries no Access-Control-Allow-Origin; every hop of a cross-origin redirect must pass the CORS check.", where, describeRedirect(at.url, redirectTarget(at.e)))
		}
		if tainted {
			return ruleR02, fmt.Sprintf("After the cross-origin redirect from %s the browser sent Origin: null, and %s answered without Access-Control-Allow-Origin.", chainRoot(at).url, originOf(at.url))
		}
		pre := ""
		if x.pre != nil {
			if pv, ok := normalizedHeader(x.pre.e.Response.Headers.Values("Access-Control-Allow-Origin")); ok {
				pre = fmt.Sprintf(" The preflight did carry Access-Control-Allow-Origin: %s, so the actual request goes through a different path (another handler, middleware or layer) than OPTIONS.", pv)
			}
		}
		if st < 400 && varyHas(at, "origin") && !hasAnyCORS(at) {
			return ruleA01, fmt.Sprintf("%s (%s) has Vary: Origin but no Access-Control-Allow-Origin: the CORS layer ran and did not allow %s; the origin is missing from its allowlist (or the allowlist entry is written differently).%s", where, statusText(st), origin, pre)
		}
		if st >= 400 {
			return ruleA02, fmt.Sprintf("The request reached the server and failed with %s; that error response carries no CORS headers, so the browser hides the real error behind a CORS message.%s", statusText(st), pre)
		}
		hint := ""
		if stack == Express {
			hint = " (Express cors with an origin function or list that rejects the origin sends no CORS header at all)"
		}
		// Concatenated, not formatted: this cause is written for every
		// finding of the commonest rule, and fmt's printer showed in
		// profiles of dense captures.
		return ruleA01, where + " (" + statusText(st) + ") carries no Access-Control-Allow-Origin: either no CORS layer runs for " + x.method + " " + at.url + ", or it runs and does not allow " + origin + hint + "." + pre
	case "WildcardOriginNotAllowed":
		if preflight {
			return ruleP09, "The preflight allows any origin (*), but the request is made with credentials, and then * is not allowed."
		}
		return ruleA07, "The response allows any origin (*), but the request is made with credentials (" + credWord(x) + "), and then * is not allowed."
	case "InvalidAllowCredentials":
		v := f.param
		if v == "" {
			v = "absent"
		} else {
			v = fmt.Sprintf("%q", v)
		}
		layer := ""
		if !preflight && x.pre != nil {
			if pv, ok := normalizedHeader(x.pre.e.Response.Headers.Values("Access-Control-Allow-Credentials")); ok && pv == "true" {
				layer = " The preflight did say true: credentials are enabled for OPTIONS only."
			}
		}
		return ruleA08, fmt.Sprintf("%s allows the origin but Access-Control-Allow-Credentials is %s, and the request is made with credentials (%s); only the exact value 'true' allows them.%s", where, v, credWord(x), layer)
	case "MultipleAllowOriginValues":
		lines := at.e.Response.Headers.Values("Access-Control-Allow-Origin")
		if len(lines) > 1 {
			return ruleA05, fmt.Sprintf("%s carries %d Access-Control-Allow-Origin headers (%s): two layers, such as a proxy and the application, each add one.", where, len(lines), quoteAll(lines))
		}
		return ruleA05, fmt.Sprintf("%s's Access-Control-Allow-Origin lists several origins (%q); the server sends its allowlist instead of the one origin that matches.", where, acao)
	case "InvalidAllowOriginValue":
		return ruleA06, fmt.Sprintf("%s's Access-Control-Allow-Origin is %q, which is not an origin; browsers do not expand patterns or accept bare host names.", where, acao)
	case "AllowOriginMismatch":
		if tainted {
			return ruleR02, fmt.Sprintf("After the cross-origin redirect from %s the browser sent Origin: null; %s allows %q.", chainRoot(hop).url, strings.ToLower(where[:1])+where[1:], acao)
		}
		if acao == "null" || origin == "null" {
			return ruleA09, fmt.Sprintf("The page's origin is %s and %s allows %q.", origin, strings.ToLower(where[:1])+where[1:], acao)
		}
		if how, ok := nearMiss(acao, origin); ok {
			return ruleA04, fmt.Sprintf("%s allows %q but the page's origin is %q: %s. The allowlist entry is written wrong.", where, acao, origin, how)
		}
		if preflight {
			return ruleP06, fmt.Sprintf("The preflight allows %q, not the page's origin %q.", acao, origin)
		}
		cache := ""
		if hasCacheSignal(at) {
			cache = " The response came from a cache, and it has no Vary: Origin: a copy made for another origin may have been served."
		}
		return ruleA03, fmt.Sprintf("%s allows %q, not the page's origin %q: the origin is missing from the allowlist, or the server hard-codes one origin.%s", where, acao, origin, cache)
	}
	return ruleU01, "The browser reported " + string(f.corsError) + "."
}

func withOrWithoutCORS(hasACAO bool) string {
	if hasACAO {
		return " (with CORS headers)"
	}
	return " without CORS headers"
}

func credWord(x *exchange) string {
	if x.req != nil && (x.req.e.Request.Headers.Has("Cookie") || len(x.req.e.Request.Cookies) > 0) {
		return "it sent cookies"
	}
	return "credentials: 'include' or withCredentials"
}

func quoteAll(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// maskedCause explains a preflight answered 2xx without any CORS header.
// CORS libraries that reject a preflight (a header or method not in their
// allowlist) drop every CORS header instead of saying why, so the browser
// blames the origin; name the requested header or method most likely to be
// the one.
//
// fruitcake/php-cors (Laravel's HandleCors) and others also drop every
// header when the origin is not allowed, and the origin is then the
// likelier cause: the page's headers are usually allowed with ['*'].
func (a *analysis) maskedCause(x *exchange, p *node, stack Stack) string {
	h := p.e.Response.Headers
	anyCORS := false
	for _, hh := range h {
		if strings.HasPrefix(strings.ToLower(hh.Name), "access-control-") {
			anyCORS = true
		}
	}
	vary := strings.ToLower(strings.Join(h.Values("Vary"), ","))
	corsRan := strings.Contains(vary, "access-control-request")
	var asked []string
	if !isSafelistedMethod(x.method) {
		asked = append(asked, "the method "+x.method)
	}
	asked = append(asked, x.unsafe...)
	likely := ""
	if len(x.unsafe) > 0 {
		likely = x.unsafe[0]
		for _, n := range x.unsafe {
			if n != "content-type" && n != "authorization" {
				likely = n // a custom header is the least likely to be allowlisted
				break
			}
		}
		if slices.Contains(x.unsafe, "authorization") && likely == "content-type" {
			likely = "authorization"
		}
	} else if !isSafelistedMethod(x.method) {
		likely = "the method " + x.method
	}
	if allow, ok := h.Get("Allow"); ok && !anyCORS {
		return fmt.Sprintf("The preflight got %s with Allow: %s and no Access-Control-* headers: the framework answered OPTIONS by itself, so the CORS middleware is applied to the route's methods but not to OPTIONS.", statusText(p.e.Response.Status), allow)
	}
	origin := x.origin
	if origin == "" {
		origin = "the page's origin"
	}
	switch {
	case stack == Laravel && !anyCORS:
		what := ""
		if len(asked) > 0 {
			what = fmt.Sprintf(" It also does so for a requested header or method it does not allow (the preflight asked for %s).", strings.Join(asked, ", "))
		}
		return fmt.Sprintf("The preflight got %s with no Access-Control-* headers from the PHP application itself: Laravel's CORS layer (HandleCors, fruitcake/php-cors) answers OPTIONS without any CORS header when the origin %s is not in allowed_origins, so the origin is the likelier cause.%s", statusText(p.e.Response.Status), origin, what)
	case corsRan && !anyCORS && likely != "":
		return fmt.Sprintf("The preflight got %s with Vary: %s but no Access-Control-* headers: the CORS middleware ran and rejected the preflight, dropping every CORS header. It asked for %s; most likely %s is not in the allowlist, or the origin %s is not.", statusText(p.e.Response.Status), strings.Join(h.Values("Vary"), ", "), strings.Join(asked, ", "), likely, origin)
	case !anyCORS && likely != "":
		return fmt.Sprintf("The preflight got %s with no Access-Control-* headers at all. Either something other than the CORS layer answered OPTIONS, or the CORS layer rejected the preflight and dropped every header: it asked for %s; check that %s and the origin %s are allowed.", statusText(p.e.Response.Status), strings.Join(asked, ", "), likely, origin)
	}
	return fmt.Sprintf("The preflight got %s without Access-Control-Allow-Origin: the component that answers OPTIONS does not add CORS headers.", statusText(p.e.Response.Status))
}

// nearMiss reports whether an allowed origin differs from origin only in
// form, and how.
func nearMiss(acao, origin string) (string, bool) {
	switch {
	case strings.TrimRight(acao, "/") == origin:
		return "it has a trailing slash", true
	case strings.EqualFold(acao, origin):
		return "it differs in letter case (origins are lower-case)", true
	}
	if _, rest, ok := strings.Cut(origin, "://"); ok && strings.EqualFold(acao, rest) {
		return "it lacks the scheme (" + origin[:len(origin)-len(rest)] + ")", true
	}
	u, err := url.Parse(acao)
	if err != nil || u.Host == "" {
		return "", false
	}
	if o := originOf(acao); o == origin {
		switch {
		case u.Path != "" && u.Path != "/":
			return "it has a path (" + u.Path + ")", true
		case u.Port() != "":
			return "it names the default port, which the browser leaves out", true
		}
		return "it is written as a URL, not an origin", true
	}
	ou, err := url.Parse(origin)
	if err != nil {
		return "", false
	}
	switch {
	case strings.EqualFold(u.Hostname(), ou.Hostname()) && u.Port() == ou.Port() && !strings.EqualFold(u.Scheme, ou.Scheme):
		return "the scheme differs (" + u.Scheme + " instead of " + ou.Scheme + ")", true
	case strings.EqualFold(u.Hostname(), ou.Hostname()) && u.Scheme == ou.Scheme:
		return "the port differs", true
	case strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.") == strings.TrimPrefix(strings.ToLower(ou.Hostname()), "www."):
		return "one has www. and the other does not", true
	}
	return "", false
}

func describeRedirect(from, to string) string {
	fu, err1 := url.Parse(from)
	tu, err2 := url.Parse(to)
	if err1 != nil || err2 != nil {
		return "a redirect"
	}
	switch {
	case fu.Scheme == "http" && tu.Scheme == "https" && strings.EqualFold(fu.Hostname(), tu.Hostname()):
		return "http to https: call https directly"
	case !strings.EqualFold(fu.Host, tu.Host):
		if strings.TrimPrefix(fu.Hostname(), "www.") == strings.TrimPrefix(tu.Hostname(), "www.") {
			return "a www redirect"
		}
		return "to another host"
	case fu.Path+"/" == tu.Path:
		return "the server adds a trailing slash"
	case tu.Path+"/" == fu.Path:
		return "the server removes the trailing slash"
	}
	lp := strings.ToLower(tu.Path)
	for _, w := range []string{"login", "signin", "sign_in", "auth", "sso", "oauth"} {
		if strings.Contains(lp, w) {
			return "to a login page: authentication catches OPTIONS"
		}
	}
	return "to another path"
}

func hasCacheSignal(n *node) bool {
	h := n.e.Response.Headers
	if n.e.FromCache != "" {
		return true
	}
	if age, ok := h.Get("Age"); ok && strings.TrimSpace(age) != "0" {
		return true
	}
	for _, name := range []string{"X-Cache", "CF-Cache-Status", "X-Cache-Status"} {
		if v, ok := h.Get(name); ok && strings.Contains(strings.ToUpper(v), "HIT") {
			return true
		}
	}
	return false
}

func varyHas(n *node, name string) bool {
	for _, v := range n.e.Response.Headers.Values("Vary") {
		for _, x := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(x), name) {
				return true
			}
		}
	}
	return false
}

func hasAnyCORS(n *node) bool {
	for _, h := range n.e.Response.Headers {
		if strings.HasPrefix(strings.ToLower(h.Name), "access-control-") {
			return true
		}
	}
	return false
}
