package analyze

import (
	"strconv"
	"strings"

	"github.com/harcors/harcors/internal/placeholder"
)

// CorsError is a Chromium CORS error, spelled as the DevTools protocol
// spells it (Network.CorsError, the mojom's kName without the k).
type CorsError string

// The Chromium CORS errors harcors names. The DevTools protocol dropped
// the Private Network Access ones (2026-01-22) and renamed
// InsecurePrivateNetwork and InvalidPrivateNetworkAccess (2026-02-07) when
// Local Network Access replaced PNA.
const (
	DisallowedByMode                     CorsError = "DisallowedByMode"
	WildcardOriginNotAllowed             CorsError = "WildcardOriginNotAllowed"
	MissingAllowOriginHeader             CorsError = "MissingAllowOriginHeader"
	MultipleAllowOriginValues            CorsError = "MultipleAllowOriginValues"
	InvalidAllowOriginValue              CorsError = "InvalidAllowOriginValue"
	AllowOriginMismatch                  CorsError = "AllowOriginMismatch"
	InvalidAllowCredentials              CorsError = "InvalidAllowCredentials"
	CorsDisabledScheme                   CorsError = "CorsDisabledScheme"
	PreflightInvalidStatus               CorsError = "PreflightInvalidStatus"
	PreflightDisallowedRedirect          CorsError = "PreflightDisallowedRedirect"
	PreflightWildcardOriginNotAllowed    CorsError = "PreflightWildcardOriginNotAllowed"
	PreflightMissingAllowOriginHeader    CorsError = "PreflightMissingAllowOriginHeader"
	PreflightMultipleAllowOriginValues   CorsError = "PreflightMultipleAllowOriginValues"
	PreflightInvalidAllowOriginValue     CorsError = "PreflightInvalidAllowOriginValue"
	PreflightAllowOriginMismatch         CorsError = "PreflightAllowOriginMismatch"
	PreflightInvalidAllowCredentials     CorsError = "PreflightInvalidAllowCredentials"
	InvalidAllowMethodsPreflightResponse CorsError = "InvalidAllowMethodsPreflightResponse"
	InvalidAllowHeadersPreflightResponse CorsError = "InvalidAllowHeadersPreflightResponse"
	MethodDisallowedByPreflightResponse  CorsError = "MethodDisallowedByPreflightResponse"
	HeaderDisallowedByPreflightResponse  CorsError = "HeaderDisallowedByPreflightResponse"
	RedirectContainsCredentials          CorsError = "RedirectContainsCredentials"
	InsecureLocalNetwork                 CorsError = "InsecureLocalNetwork"
	InvalidLocalNetworkAccess            CorsError = "InvalidLocalNetworkAccess"
	LocalNetworkAccessPermissionDenied   CorsError = "LocalNetworkAccessPermissionDenied"
)

// CorsErrorInfo is everything harcors knows of one Chromium CORS error, for
// the analysis (console line, Firefox key) and the reports (short form)
// alike.
//
// Chromium's console line for a CORS failure is
//
//	Access to {kind} at '{url}' [(redirected from '{first url}') ]from origin '{origin}' has been blocked by CORS policy: [prefix]{detail}
//
// (third_party/blink/renderer/platform/loader/cors/cors_error_string.cc).
// The prefix "Response to preflight request doesn't pass access control
// check: " is added for the preflight kinds whose own text does not already
// say "preflight".
type CorsErrorInfo struct {
	Error CorsError
	// Detail is the console text after "blocked by CORS policy: ", with
	// {v} where Chromium inserts the failed parameter.
	Detail string
	// Preflight: Chromium puts the preflight prefix before Detail.
	Preflight bool
	// FetchHint and XHRHint are appended when fetch() or XMLHttpRequest
	// made the request.
	FetchHint, XHRHint string
	// Check is the short human form for a report's CHECK column, with {v}
	// for the finding's value and {s} for its status. Chromium's name
	// stays beside it: DevTools shows that name and people search for it.
	Check string
	// Firefox is Firefox's console key for the same failure ("" when
	// Firefox has none); firefoxKeyFor knows where Firefox tells apart
	// what Chromium does not.
	Firefox string
}

const preflightPrefix = "Response to preflight request doesn't pass access control check: "

// Chromium 156 (the version the fixtures were recorded with) no longer
// appends "If an opaque response serves your needs..." to the missing-header
// message, and shortens the value hint to one sentence; older releases
// printed both. The recorded console lines decide.
const (
	fetchValueHint     = " Have the server send the header with a valid value."
	xhrCredentialsHint = " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute."
)

var corsErrorTable = []CorsErrorInfo{
	{Error: DisallowedByMode, Detail: "Cross origin requests are not allowed by request mode.",
		Check: "cross-origin request in same-origin mode"},
	{Error: WildcardOriginNotAllowed, Detail: "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.", XHRHint: xhrCredentialsHint,
		Check: "Access-Control-Allow-Origin * with credentials", Firefox: "CORSNotSupportingCredentials"},
	{Error: MissingAllowOriginHeader, Detail: "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
		Check: "no Access-Control-Allow-Origin on the response", Firefox: "CORSMissingAllowOrigin2"},
	{Error: MultipleAllowOriginValues, Detail: "The 'Access-Control-Allow-Origin' header contains multiple values '{v}', but only one is allowed.", FetchHint: fetchValueHint,
		Check: "several Access-Control-Allow-Origin values: {v}", Firefox: "CORSMultipleAllowOriginNotAllowed"},
	{Error: InvalidAllowOriginValue, Detail: "The 'Access-Control-Allow-Origin' header contains the invalid value '{v}'.", FetchHint: fetchValueHint,
		Check: "Access-Control-Allow-Origin {v} is not an origin", Firefox: "CORSAllowOriginNotMatchingOrigin"},
	{Error: AllowOriginMismatch, Detail: "The 'Access-Control-Allow-Origin' header has a value '{v}' that is not equal to the supplied origin.", FetchHint: fetchValueHint,
		Check: "Access-Control-Allow-Origin {v} is not the origin", Firefox: "CORSAllowOriginNotMatchingOrigin"},
	{Error: InvalidAllowCredentials, Detail: "The value of the 'Access-Control-Allow-Credentials' header in the response is '{v}' which must be 'true' when the request's credentials mode is 'include'.", XHRHint: xhrCredentialsHint,
		Check: "Access-Control-Allow-Credentials is '{v}', not 'true'", Firefox: "CORSMissingAllowCredentials"},
	{Error: CorsDisabledScheme, Detail: "Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app.",
		Check: "scheme does not support CORS", Firefox: "CORSRequestNotHttp"},
	{Error: PreflightInvalidStatus, Detail: "It does not have HTTP ok status.", Preflight: true,
		Check: "preflight status {s} is not 2xx", Firefox: "CORSPreflightDidNotSucceed3"},
	{Error: PreflightDisallowedRedirect, Detail: "Redirect is not allowed for a preflight request.", Preflight: true,
		Check: "preflight redirected", Firefox: "CORSExternalRedirectNotAllowed"},
	{Error: PreflightWildcardOriginNotAllowed, Detail: "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.", Preflight: true, XHRHint: xhrCredentialsHint,
		Check: "preflight answers Access-Control-Allow-Origin * with credentials", Firefox: "CORSNotSupportingCredentials"},
	{Error: PreflightMissingAllowOriginHeader, Detail: "No 'Access-Control-Allow-Origin' header is present on the requested resource.", Preflight: true,
		Check: "no Access-Control-Allow-Origin on the preflight", Firefox: "CORSMissingAllowOrigin2"},
	{Error: PreflightMultipleAllowOriginValues, Detail: "The 'Access-Control-Allow-Origin' header contains multiple values '{v}', but only one is allowed.", Preflight: true, FetchHint: fetchValueHint,
		Check: "several Access-Control-Allow-Origin values on the preflight: {v}", Firefox: "CORSMultipleAllowOriginNotAllowed"},
	{Error: PreflightInvalidAllowOriginValue, Detail: "The 'Access-Control-Allow-Origin' header contains the invalid value '{v}'.", Preflight: true, FetchHint: fetchValueHint,
		Check: "preflight's Access-Control-Allow-Origin {v} is not an origin", Firefox: "CORSAllowOriginNotMatchingOrigin"},
	{Error: PreflightAllowOriginMismatch, Detail: "The 'Access-Control-Allow-Origin' header has a value '{v}' that is not equal to the supplied origin.", Preflight: true, FetchHint: fetchValueHint,
		Check: "preflight's Access-Control-Allow-Origin {v} is not the origin", Firefox: "CORSAllowOriginNotMatchingOrigin"},
	{Error: PreflightInvalidAllowCredentials, Detail: "The value of the 'Access-Control-Allow-Credentials' header in the response is '{v}' which must be 'true' when the request's credentials mode is 'include'.", Preflight: true, XHRHint: xhrCredentialsHint,
		Check: "preflight's Access-Control-Allow-Credentials is '{v}', not 'true'", Firefox: "CORSMissingAllowCredentials"},
	{Error: InvalidAllowMethodsPreflightResponse, Detail: "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
		Check: "Access-Control-Allow-Methods does not parse", Firefox: "CORSInvalidAllowMethod"},
	{Error: InvalidAllowHeadersPreflightResponse, Detail: "Cannot parse Access-Control-Allow-Headers response header field in preflight response.",
		Check: "Access-Control-Allow-Headers does not parse", Firefox: "CORSInvalidAllowHeader"},
	{Error: MethodDisallowedByPreflightResponse, Detail: "Method {v} is not allowed by Access-Control-Allow-Methods in preflight response.",
		Check: "method {v} not in Access-Control-Allow-Methods", Firefox: "CORSMethodNotFound"},
	{Error: HeaderDisallowedByPreflightResponse, Detail: "Request header field {v} is not allowed by Access-Control-Allow-Headers in preflight response.",
		Check: "header {v} not in Access-Control-Allow-Headers", Firefox: "CORSMissingAllowHeaderFromPreflight2"},
	{Error: RedirectContainsCredentials, Detail: "Redirect location '{v}' contains a username and password, which is disallowed for cross-origin requests.",
		Check: "redirect to a URL with user:password", Firefox: "CORSDidNotSucceed2"},
	// Local Network Access: {v} is the address space as Chromium names it
	// now (loopback, local, public, unknown).
	{Error: InsecureLocalNetwork, Detail: "The request client is not a secure context and the resource is in more-private address space `{v}`.",
		Check: "insecure page asked for the more private `{v}` address space"},
	{Error: InvalidLocalNetworkAccess, Detail: "Request had a target IP address space of `{v}` yet the resource is in address space `{v}`.",
		Check: "address space differs from the one the request declared"},
	{Error: LocalNetworkAccessPermissionDenied, Detail: "Permission was denied for this request to access the `{v}` address space.",
		Check: "Local Network Access to the `{v}` address space denied"},
}

var corsErrorIndex = func() map[CorsError]*CorsErrorInfo {
	m := make(map[CorsError]*CorsErrorInfo, len(corsErrorTable))
	for i := range corsErrorTable {
		m[corsErrorTable[i].Error] = &corsErrorTable[i]
	}
	return m
}()

// Info returns what harcors knows of the error, or nil for a name it does
// not know.
func (c CorsError) Info() *CorsErrorInfo { return corsErrorIndex[c] }

// CorsErrors returns the table of every Chromium CORS error harcors knows,
// in the DevTools protocol's order.
func CorsErrors() []CorsErrorInfo { return corsErrorTable }

// IsPreflight reports whether the error is about the preflight response.
func (c CorsError) IsPreflight() bool {
	if i := c.Info(); i != nil && i.Preflight {
		return true
	}
	switch c {
	case InvalidAllowMethodsPreflightResponse, InvalidAllowHeadersPreflightResponse,
		MethodDisallowedByPreflightResponse, HeaderDisallowedByPreflightResponse:
		return true
	}
	return false
}

// base is the error without its "Preflight" prefix: the access check's
// kinds come in pairs.
func (c CorsError) base() CorsError { return CorsError(strings.TrimPrefix(string(c), "Preflight")) }

// CheckText is the error's short form with the value and the status filled
// in: value "" is shown as ”, status 0 as "(none)". It is "" for an error
// harcors does not know.
func (c CorsError) CheckText(value string, status int) string {
	i := c.Info()
	if i == nil {
		return ""
	}
	if value == "" {
		value = "''"
	}
	s := "(none)"
	if status != 0 {
		s = strconv.Itoa(status)
	}
	return placeholder.Fill(i.Check, "{v}", value, "{s}", s)
}

// Message is the console line Chromium prints for the error; see
// chromiumMessage.
func (c CorsError) Message(kind, url, firstURL, origin, param string) string {
	return chromiumMessage(c, kind, url, firstURL, origin, param)
}

// FirefoxMessage is Firefox's console line for key, with the URL, the
// value and the status filled in; "" for a key harcors does not know.
func FirefoxMessage(key, url, param, status string) string {
	return firefoxMessage(key, url, param, status)
}

// chromiumMessage reconstructs the console line Chromium printed. kind is
// "fetch", "XMLHttpRequest" or "" (then "fetch" is assumed: it is by far the
// most common initiator of CORS requests and the HAR rarely says).
func chromiumMessage(corsError CorsError, kind, url, firstURL, origin, param string) string {
	t := corsError.Info()
	if t == nil {
		return ""
	}
	if kind == "" {
		kind = "fetch"
	}
	var b strings.Builder
	b.WriteString("Access to ")
	b.WriteString(kind)
	b.WriteString(" at '")
	b.WriteString(url)
	b.WriteString("' ")
	if firstURL != "" && firstURL != url {
		b.WriteString("(redirected from '")
		b.WriteString(firstURL)
		b.WriteString("') ")
	}
	b.WriteString("from origin '")
	b.WriteString(origin)
	b.WriteString("' has been blocked by CORS policy: ")
	if t.Preflight {
		b.WriteString(preflightPrefix)
	}
	b.WriteString(strings.ReplaceAll(t.Detail, "{v}", param))
	switch kind {
	case "fetch":
		b.WriteString(t.FetchHint)
	case "XMLHttpRequest":
		b.WriteString(t.XHRHint)
	}
	return b.String()
}

// Firefox's CORS console messages, verbatim from Firefox 153's
// dom/locales/en-US/chrome/security/security.properties (as shipped in
// omni.ja) with %1$S written {url} and %2$S written {v} (a value) or {s}
// (a status code). The reason's closing parenthesis comes before
// "Status code" in the messages that have one: "(Reason: CORS header
// ‘Access-Control-Allow-Origin’ missing). Status code: 404." is what
// Firefox prints (recorded in testdata/hars/firefox).
var firefoxTemplates = map[string]string{
	"CORSDisabled":                         "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: CORS disabled).",
	"CORSDidNotSucceed2":                   "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: CORS request did not succeed). Status code: {s}.",
	"CORSOriginHeaderNotAdded":             "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: CORS header ‘Origin’ cannot be added).",
	"CORSExternalRedirectNotAllowed":       "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: CORS request external redirect not allowed).",
	"CORSRequestNotHttp":                   "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: CORS request not http).",
	"CORSMissingAllowOrigin2":              "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: {s}.",
	"CORSMultipleAllowOriginNotAllowed":    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).",
	"CORSAllowOriginNotMatchingOrigin":     "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘{v}’).",
	"CORSNotSupportingCredentials":         "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{url}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
	"CORSMethodNotFound":                   "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’).",
	"CORSMissingAllowCredentials":          "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).",
	"CORSPreflightDidNotSucceed3":          "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: CORS preflight response did not succeed). Status code: {s}.",
	"CORSInvalidAllowMethod":               "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: invalid token ‘{v}’ in CORS header ‘Access-Control-Allow-Methods’).",
	"CORSInvalidAllowHeader":               "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: invalid token ‘{v}’ in CORS header ‘Access-Control-Allow-Headers’).",
	"CORSMissingAllowHeaderFromPreflight2": "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: header ‘{v}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).",
}

// firefoxMessage reconstructs Firefox's console line for key.
//
// CORSDidNotSucceed2 names the status of the channel that failed, which in
// every case harcors reports has no response (a preflight that got none;
// the hop after a redirect to a URL with credentials, which Firefox never
// opens), so Firefox prints "(null)" there, as recorded.
func firefoxMessage(key, url, param, status string) string {
	t, ok := firefoxTemplates[key]
	if !ok {
		return ""
	}
	if key == "CORSDidNotSucceed2" {
		status = "(null)"
	}
	return placeholder.Fill(t, "{url}", url, "{v}", param, "{s}", status)
}

// firefoxKeyFor returns the Firefox key for a Chromium CorsError: the
// table's, except where Firefox tells apart what Chromium does not. lines
// is the number of Access-Control-Allow-Origin header lines of the
// response that failed.
//
// Firefox tells a single comma-joined ACAO line (a mismatch to it) from
// several ACAO lines (multiple). A redirected preflight: Firefox runs its
// ACAO check on the 3xx response before it refuses the redirect (recorded:
// a 307 without ACAO gives CORSMissingAllowOrigin2 "Status code: 307", a
// 308 with ACAO CORSExternalRedirectNotAllowed), where Chromium always says
// PreflightDisallowedRedirect. A redirect to a URL with credentials is
// CORSDidNotSucceed2: the new channel is refused before it is opened.
func firefoxKeyFor(corsError CorsError, acaoLines int) string {
	switch corsError.base() {
	case MultipleAllowOriginValues:
		if acaoLines <= 1 {
			return "CORSAllowOriginNotMatchingOrigin"
		}
	case "DisallowedRedirect":
		switch {
		case acaoLines == 0:
			return "CORSMissingAllowOrigin2"
		case acaoLines > 1:
			return "CORSMultipleAllowOriginNotAllowed"
		}
	}
	if i := corsError.Info(); i != nil {
		return i.Firefox
	}
	return ""
}
