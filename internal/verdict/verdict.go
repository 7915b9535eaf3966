// Package verdict reads the browser's verdict files that internal/record
// writes beside each recorded HAR, and checks harcors' analysis against
// them. The analyzer's tests run the check over the committed fixtures; the
// recorder's live test runs it again over fresh recordings, so both judge by
// the same rules.
package verdict

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// Verdict is what the browser itself reported about a scenario. Every field
// comes from the DevTools protocol (loadingFailed, Log, Audits), from
// Firefox's WebDriver BiDi events and console service, or from what the
// page's JavaScript saw; nothing is inferred from headers. It is the
// ground truth the analyzer's tests compare against.
type Verdict struct {
	Scenario    string `json:"scenario"`
	Stack       string `json:"stack"`
	Description string `json:"description"`
	Browser     string `json:"browser"`
	Page        string `json:"page"`
	// HAREntries is the number of entries in the HAR beside this file:
	// the page's requests, their redirect hops and their preflights.
	HAREntries int       `json:"harEntries"`
	Requests   []Request `json:"requests"`
	// PageIssues holds DevTools issues that name no request (deprecation
	// issues, for one) when the scenario made more than one request, so they
	// cannot be pinned on one. With a single request they go on it.
	PageIssues []string `json:"pageIssues,omitempty"`
}

// Request is one page-initiated request (never a preflight).
type Request struct {
	URL         string `json:"url"`
	Method      string `json:"method"`
	API         string `json:"api"` // "fetch" or "xhr"
	Mode        string `json:"mode"`
	Credentials string `json:"credentials"` // fetch credentials mode; XHR: "include" when withCredentials
	// Blocked is true when the browser failed the request
	// (Network.loadingFailed), or, for a request the renderer refused before
	// it reached the network, when there was no network request at all.
	// Firefox reports network.responseCompleted for a response that then
	// fails the CORS check (the check sits above the channel BiDi watches),
	// so in a Firefox recording Blocked means the page's fetch() rejected or
	// its XHR fired error, or BiDi reported network.fetchError.
	Blocked   bool   `json:"blocked"`
	CorsError string `json:"corsError"` // loadingFailed.corsErrorStatus.corsError
	// FirefoxError is, in a Firefox recording, the security.properties key
	// of the first "Cross-Origin Request Blocked" console line Firefox
	// printed about the request (CORSMissingAllowOrigin2,
	// CORSPreflightDidNotSucceed3...), mapped by the installed Firefox's
	// own message table; the lines themselves are in Console. Empty for
	// Chromium recordings, which set CorsError instead.
	FirefoxError    string `json:"firefoxError,omitempty"`
	FailedParameter string `json:"failedParameter"` // loadingFailed.corsErrorStatus.failedParameter
	ErrorText       string `json:"errorText"`       // loadingFailed.errorText; Firefox: network.fetchError's errorText
	// Status is the last HTTP status the network service saw for the
	// request (0 when it was never sent), Preflights the number of
	// preflight requests the browser sent for it, and FinalURL the URL of
	// the last hop when the request was redirected.
	Status     int    `json:"status"`
	Preflights int    `json:"preflights"`
	FinalURL   string `json:"finalUrl,omitempty"`
	// BlockedSetCookies lists the Set-Cookie lines the browser refused,
	// with its reasons (responseReceivedExtraInfo.blockedCookies): the
	// sanitized HAR drops Set-Cookie, so this is the only trace of them.
	BlockedSetCookies []string `json:"blockedSetCookies,omitempty"`
	Console           []string `json:"console"`
	// BrowserConsole holds, in a Firefox recording, the CORS messages
	// Firefox logged about the request without the page's window, so that
	// only the Browser Console shows them and the page's console (Console)
	// does not: the Authorization/"*" deprecation warning, for one.
	BrowserConsole []string `json:"browserConsole,omitempty"`
	Issues         []string `json:"issues"`
	JS             string   `json:"js"` // what fetch/XHR gave the page
}

// Failed reports whether the browser failed the request: Blocked, but for
// one load Chromium marks failed that is no failure. A CORS request with
// redirect: 'manual' gets its opaque-redirect response (the page sees
// "ok 0", as the Fetch Standard says), and then Chromium's network service
// cancels the load, so loadingFailed reports net::ERR_ABORTED without a
// CORS error (go--redirect-manual-acao; Firefox passes it). A no-cors
// request that ends the same way is left blocked: there the abort is ORB
// withholding the body (go--no-cors-opaque), which the checks treat as
// outside CORS.
func (r *Request) Failed() bool {
	if r.Blocked && r.Mode == "cors" && r.CorsError == "" && r.ErrorText == "net::ERR_ABORTED" && strings.HasPrefix(r.JS, "ok ") {
		return false
	}
	return r.Blocked
}

// Load reads a verdict file.
func Load(path string) (*Verdict, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v Verdict
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &v, nil
}

// Check runs harcors on the HAR at harPath and compares its verdict on every
// request with the browser's. It returns the disagreements (empty when
// harcors agrees) and notes on requests the capture cannot show.
//
// For the browser's own HARs (shape false) the check is strict: every
// blocked request needs an error finding whose Chromium name, failed
// parameter and console message equal the browser's, and no allowed request
// may get an error finding. For the shapes of other exporters (shape true),
// what the exporter does not record (the credentials mode, whether fetch or
// XHR made the request, preflights and headers in Playwright's case) may
// leave a failure unobservable; harcors must then say "not observable" or
// stay silent, and never claim a different error.
func Check(harPath string, v *Verdict, shape bool) (problems, notes []string) {
	res := analyze.File(harPath, analyze.Options{}, har.Options{})
	if res.Err != nil {
		return []string{fmt.Sprintf("reading %s: %v", harPath, res.Err)}, nil
	}
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	note := func(format string, a ...any) { notes = append(notes, fmt.Sprintf(format, a...)) }
	eachRequest(res, v, func(want Request, url, where string, req *analyze.Request, errs []analyze.Finding) {
		switch {
		case !want.Failed():
			for _, f := range errs {
				bad("%s: the browser allowed it, harcors says %s (%s): %s", where, f.Rule.ID, f.Chromium, f.Cause)
			}
			if req != nil && req.Verdict == analyze.Blocked {
				bad("%s: the browser allowed it, harcors' verdict is blocked", where)
			}
		case req == nil && !inHAR(harPath, want.URL):
			// Blocked in the renderer before any network activity (an
			// unsupported scheme, mode "same-origin", a no-cors request
			// with redirect "manual"): no HAR entry exists to judge.
			note("%s: blocked before the network (%s); not in the HAR", where, want.CorsError)
		case req == nil && shape:
			// Firefox- and Safari-shaped captures of a request that failed
			// before it had an Origin header (no preflight, provisional
			// headers, no resource type) cannot be told from a no-cors load.
			note("%s: not identifiable as a CORS request in this shape (%s)", where, want.CorsError)
		case req == nil && want.Mode == "no-cors":
			// Not a CORS request: the page asked for an opaque response.
			note("%s: no-cors request (%s %s); outside CORS", where, want.CorsError, want.ErrorText)
		case req == nil:
			bad("%s: the browser blocked it (%s), harcors does not list it as a cross-origin request", where, want.CorsError)
		case len(errs) == 0 && shape && want.Credentials == "include" && credentialKinds[want.CorsError]:
			// Proxies and Firefox record no failure marker, and nothing in
			// the capture says the request had credentials (no cookie was
			// set for the API's host): the failure is not observable.
			note("%s: credential-dependent block (%s) not observable in this shape", where, want.CorsError)
		case len(errs) == 0 && shape && want.CorsError == "" && req.Status >= 300 && req.Status < 400:
			// Blocked at a redirect it did not follow, without a CORS
			// error: redirect: 'error', or past the redirect limit,
			// whose last hop Chromium records without a response, so
			// that the shape leaves it out. Without a failure marker,
			// redirect: 'manual' looks the same and passes
			// (go--redirect-mode-error, go--redirect-loop).
			note("%s: blocked at a redirect it did not follow, without a CORS error (%s); not observable in this shape", where, want.ErrorText)
		case len(errs) == 0:
			bad("%s: the browser blocked it (%s %s), harcors found no error", where, want.CorsError, want.ErrorText)
		case len(errs) == 1 && errs[0].Rule.ID == "CORS-U01" && (shape || unobservableKinds[want.CorsError]):
			// Playwright keeps neither preflights nor the headers of failed
			// requests: "blocked, cause not in the capture" is the honest
			// verdict.
			note("%s: blocked, cause not observable (%s)", where, want.CorsError)
		case want.CorsError != "":
			var match *analyze.Finding
			for i := range errs {
				if string(errs[i].Chromium) == want.CorsError {
					match = &errs[i]
				}
			}
			if match == nil && want.Credentials == "include" && errs[0].Credentials == analyze.CredUnknown &&
				string(errs[0].IfCredentials) == want.CorsError {
				// Two checks fail, and which one the browser names
				// depends on the credentials mode, which a request
				// blocked at its preflight does not show: harcors
				// names the one without and the one with.
				note("%s: %s with credentials, named as the alternative to %s (credentials not in the capture)", where, want.CorsError, errs[0].Chromium)
				return
			}
			if match == nil {
				bad("%s: the browser says %s (%q), harcors says %s (%s)", where, want.CorsError, want.FailedParameter, errs[0].Chromium, errs[0].Rule.ID)
				return
			}
			if want.FailedParameter != "" && match.Value != want.FailedParameter && shape && match.Request == nil && want.CorsError == "HeaderDisallowedByPreflightResponse" {
				// Of several headers the preflight did not allow,
				// Chromium names the first the page set; a shape
				// without the request (proxies record only what reached
				// the network) has only the preflight's sorted list
				// (go--two-unsafe-headers-order).
				note("%s: %s names %q, the first the page set; this shape has only the preflight's sorted list, harcors names %q", where, want.CorsError, want.FailedParameter, match.Value)
				return
			}
			if want.FailedParameter != "" && match.Value != want.FailedParameter && match.Rule.ID != "CORS-P04" {
				bad("%s: %s: failed parameter %q, harcors says %q", where, want.CorsError, want.FailedParameter, match.Value)
			}
			// Other exporters do not say whether fetch() or XHR made the
			// request, which the message names; Chromium's own HARs do.
			if !shape && len(want.Console) > 0 && !contains(want.Console, match.Message) {
				bad("%s: console message differs:\n browser: %s\n harcors: %s", where, strings.Join(want.Console, "\n          "), match.Message)
			}
		}
	})
	return problems, notes
}

// CheckFirefox runs harcors on a HAR that Firefox recorded (in the shape
// of its DevTools export) and compares it with Firefox's own verdict.
//
// Firefox's HAR has no failure marker, so harcors judges from the headers
// alone. Every request Firefox blocked needs an error finding whose Firefox
// key is the one Firefox printed (FirefoxError) and whose FirefoxMessage is
// the console line itself, URL, parameter and status code included; an
// allowed request must get no error. Where the capture cannot hold the
// cause, harcors must say so ("not observable", CORS-U01) or stay silent,
// and that is a note: a request refused before it reached the network has
// no HAR entry, and a failure that depends on the credentials mode cannot
// be seen when no cookie went out.
func CheckFirefox(harPath string, v *Verdict) (problems, notes []string) {
	res := analyze.File(harPath, analyze.Options{}, har.Options{})
	if res.Err != nil {
		return []string{fmt.Sprintf("reading %s: %v", harPath, res.Err)}, nil
	}
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	note := func(format string, a ...any) { notes = append(notes, fmt.Sprintf(format, a...)) }
	eachRequest(res, v, func(want Request, url, where string, req *analyze.Request, errs []analyze.Finding) {
		line := firefoxLine(want)
		switch {
		case !want.Blocked:
			for _, f := range errs {
				bad("%s: Firefox allowed it, harcors says %s (%s): %s", where, f.Rule.ID, f.Firefox, f.Cause)
			}
			if req != nil && req.Verdict == analyze.Blocked {
				bad("%s: Firefox allowed it, harcors' verdict is blocked", where)
			}
		case req == nil && !inHAR(harPath, want.URL):
			note("%s: blocked before the network (%s); not in the HAR", where, orNone(want.FirefoxError))
		case req == nil && want.Mode == "no-cors":
			note("%s: no-cors request (%s %s); outside CORS", where, orNone(want.FirefoxError), want.ErrorText)
		case req == nil:
			bad("%s: Firefox blocked it (%s), harcors does not list it as a cross-origin request", where, orNone(want.FirefoxError))
		case len(errs) == 0 && want.Credentials == "include" && firefoxCredentialKeys[want.FirefoxError] && !sentCookies(harPath, url):
			// Firefox's HAR keeps cookies, but none went out here (a
			// cross-site cookie refused, or none set): nothing in the
			// capture says the request had credentials.
			note("%s: credential-dependent block (%s) not observable without a cookie in the capture", where, want.FirefoxError)
		case len(errs) == 0 && want.FirefoxError == "" && req.Status >= 300 && req.Status < 400:
			// redirect: 'error' fails at a redirect without a word;
			// Firefox's HAR has no error field, and redirect: 'manual'
			// looks the same there and passes (go--redirect-mode-error).
			note("%s: blocked at a redirect it did not follow, without a CORS message (redirect: 'error'); not observable in Firefox's HAR", where)
		case len(errs) == 0:
			bad("%s: Firefox blocked it (%s), harcors found no error", where, orNone(want.FirefoxError))
		case len(errs) == 1 && errs[0].Rule.ID == "CORS-U01":
			note("%s: blocked, cause not observable (%s)", where, orNone(want.FirefoxError))
		case want.FirefoxError == "":
			// Blocked without a CORS console line (Firefox fails some
			// requests silently, such as a redirect to a URL with
			// credentials): harcors must not put words in Firefox's mouth.
			for _, f := range errs {
				if f.FirefoxMessage != "" {
					bad("%s: Firefox printed no CORS message, harcors says it prints %s: %s", where, f.Firefox, f.FirefoxMessage)
				}
			}
		default:
			var match *analyze.Finding
			for i := range errs {
				if errs[i].Firefox == want.FirefoxError {
					match = &errs[i]
				}
			}
			if match == nil {
				bad("%s: Firefox says %s (%q), harcors says %s (%s)", where, want.FirefoxError, line, orNone(errs[0].Firefox), errs[0].Rule.ID)
				return
			}
			if line != "" && match.FirefoxMessage != line {
				bad("%s: Firefox's console message differs:\n firefox: %s\n harcors: %s", where, line, match.FirefoxMessage)
			}
		}
	})
	return problems, notes
}

// firefoxLine is the console line that carries the request's FirefoxError:
// the first "Cross-Origin Request Blocked" line about it.
func firefoxLine(r Request) string {
	for _, l := range r.Console {
		if strings.HasPrefix(l, "Cross-Origin Request Blocked:") {
			return l
		}
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "no CORS message"
	}
	return s
}

// firefoxCredentialKeys are Firefox's failures that happen only because
// the request had credentials.
var firefoxCredentialKeys = map[string]bool{
	"CORSNotSupportingCredentials": true, "CORSMissingAllowCredentials": true,
	"CORSMethodNotFound": true, "CORSMissingAllowHeaderFromPreflight2": true,
}

// sentCookies reports whether the entry for url in the HAR sent a cookie.
func sentCookies(path, url string) bool {
	return anyEntry(path, func(e *har.Entry) bool {
		return e.Request.URL == url && (e.Request.Headers.Has("Cookie") || len(e.Request.Cookies) > 0)
	})
}

// credentialKinds are the failures that happen only because the request had
// credentials.
var credentialKinds = map[string]bool{
	"WildcardOriginNotAllowed": true, "PreflightWildcardOriginNotAllowed": true,
	"InvalidAllowCredentials": true, "PreflightInvalidAllowCredentials": true,
	"MethodDisallowedByPreflightResponse": true, "HeaderDisallowedByPreflightResponse": true,
}

// unobservableKinds are failures that leave nothing in a HAR to tell them by
// when the addresses do not give them away: Local Network Access sends no
// preflight, and the fixtures fake a public page on a loopback address with
// --ip-address-space-overrides, which a HAR does not record.
var unobservableKinds = map[string]bool{"LocalNetworkAccessPermissionDenied": true}

// nthRequest returns the nth request harcors lists with the URL and the
// method; any method when method is "".
func nthRequest(res *analyze.Result, url, method string, nth int) *analyze.Request {
	for i := range res.Requests {
		r := &res.Requests[i]
		if r.URL == url && (method == "" || strings.EqualFold(r.Method, method)) {
			if nth == 0 {
				return r
			}
			nth--
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// inHAR reports whether any entry of the HAR has the URL.
func inHAR(path, url string) bool {
	return anyEntry(path, func(e *har.Entry) bool { return e.Request.URL == url })
}

// anyEntry reports whether an entry of the HAR at path satisfies ok.
func anyEntry(path string, ok func(*har.Entry) bool) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	_, entries, err := har.ReadAll(f, har.Options{})
	if err != nil {
		return false
	}
	for _, e := range entries {
		if ok(e) {
			return true
		}
	}
	return false
}

// eachRequest calls judge for every request of the verdict, in order, with
// the URL harcors should list it under (the last hop of a redirect, which
// the browser judged), a name for messages, harcors' listing of it (nil when
// it lists none) and its error findings. Identical requests are matched one
// to one, in order.
func eachRequest(res *analyze.Result, v *Verdict, judge func(want Request, url, where string, req *analyze.Request, errs []analyze.Finding)) {
	seen := map[string]int{}
	for _, want := range v.Requests {
		key := want.URL + " " + strings.ToUpper(want.Method)
		nth := seen[key]
		seen[key]++
		url := want.URL
		if want.FinalURL != "" {
			url = want.FinalURL
		}
		req := nthRequest(res, url, want.Method, nth)
		if req == nil && url != want.URL {
			// The last hop has another method than the page asked for:
			// a 303 (or a 301 or 302 to a POST) makes it a GET, and the
			// browser judged that GET (go--put-custom-303-cross).
			req = nthRequest(res, url, "", nth)
		}
		if req == nil && url != want.URL {
			// The redirect target was never fetched (a scheme the
			// browser does not follow): the request is its first URL.
			url = want.URL
			req = nthRequest(res, url, want.Method, nth)
		}
		var errs []analyze.Finding
		if req != nil {
			for _, f := range res.Findings {
				if f.Entry == req.Entry && f.Severity == analyze.Error {
					errs = append(errs, f)
				}
			}
		}
		where := want.Method + " " + want.URL
		if nth > 0 {
			where += fmt.Sprintf(" (#%d)", nth+1)
		}
		judge(want, url, where, req, errs)
	}
}
