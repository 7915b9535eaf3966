package analyze

import (
	"strings"

	"github.com/harcors/harcors/internal/placeholder"
)

// Chromium's console message for a CORS failure is
//
//	Access to {kind} at '{url}' [(redirected from '{first url}') ]from origin '{origin}' has been blocked by CORS policy: [prefix]{detail}
//
// (third_party/blink/renderer/platform/loader/cors/cors_error_string.cc).
// The prefix "Response to preflight request doesn't pass access control
// check: " is added for the preflight kinds whose own text does not already
// say "preflight". The tables below hold each kind's detail, with {v} where
// Chromium inserts the failed parameter, and the hint Chromium appends for
// fetch() callers.

const preflightPrefix = "Response to preflight request doesn't pass access control check: "

// Chromium 156 (the version the fixtures were recorded with) no longer
// appends "If an opaque response serves your needs..." to the missing-header
// message, and shortens the value hint to one sentence; older releases
// printed both. The recorded console lines decide.
const fetchOpaqueHint = ""
const fetchValueHint = " Have the server send the header with a valid value."

type chromiumText struct {
	detail    string
	preflight bool   // add preflightPrefix
	fetchHint string // appended when the initiator is fetch()
	xhrHint   string // appended when the initiator is XMLHttpRequest
}

const xhrCredentialsHint = " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute."

var chromiumTexts = map[string]chromiumText{
	"DisallowedByMode":                     {detail: "Cross origin requests are not allowed by request mode."},
	"WildcardOriginNotAllowed":             {detail: "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.", xhrHint: xhrCredentialsHint},
	"MissingAllowOriginHeader":             {detail: "No 'Access-Control-Allow-Origin' header is present on the requested resource.", fetchHint: fetchOpaqueHint},
	"MultipleAllowOriginValues":            {detail: "The 'Access-Control-Allow-Origin' header contains multiple values '{v}', but only one is allowed.", fetchHint: fetchValueHint},
	"InvalidAllowOriginValue":              {detail: "The 'Access-Control-Allow-Origin' header contains the invalid value '{v}'.", fetchHint: fetchValueHint},
	"AllowOriginMismatch":                  {detail: "The 'Access-Control-Allow-Origin' header has a value '{v}' that is not equal to the supplied origin.", fetchHint: fetchValueHint},
	"InvalidAllowCredentials":              {detail: "The value of the 'Access-Control-Allow-Credentials' header in the response is '{v}' which must be 'true' when the request's credentials mode is 'include'.", xhrHint: xhrCredentialsHint},
	"CorsDisabledScheme":                   {detail: "Cross origin requests are only supported for protocol schemes: http, data, isolated-app, chrome-extension, chrome, https, chrome-untrusted."},
	"PreflightInvalidStatus":               {detail: "It does not have HTTP ok status.", preflight: true},
	"PreflightDisallowedRedirect":          {detail: "Redirect is not allowed for a preflight request.", preflight: true},
	"PreflightWildcardOriginNotAllowed":    {detail: "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.", preflight: true, xhrHint: xhrCredentialsHint},
	"PreflightMissingAllowOriginHeader":    {detail: "No 'Access-Control-Allow-Origin' header is present on the requested resource.", preflight: true, fetchHint: fetchOpaqueHint},
	"PreflightMultipleAllowOriginValues":   {detail: "The 'Access-Control-Allow-Origin' header contains multiple values '{v}', but only one is allowed.", preflight: true, fetchHint: fetchValueHint},
	"PreflightInvalidAllowOriginValue":     {detail: "The 'Access-Control-Allow-Origin' header contains the invalid value '{v}'.", preflight: true, fetchHint: fetchValueHint},
	"PreflightAllowOriginMismatch":         {detail: "The 'Access-Control-Allow-Origin' header has a value '{v}' that is not equal to the supplied origin.", preflight: true, fetchHint: fetchValueHint},
	"PreflightInvalidAllowCredentials":     {detail: "The value of the 'Access-Control-Allow-Credentials' header in the response is '{v}' which must be 'true' when the request's credentials mode is 'include'.", preflight: true, xhrHint: xhrCredentialsHint},
	"InvalidAllowMethodsPreflightResponse": {detail: "Cannot parse Access-Control-Allow-Methods response header field in preflight response."},
	"InvalidAllowHeadersPreflightResponse": {detail: "Cannot parse Access-Control-Allow-Headers response header field in preflight response."},
	"MethodDisallowedByPreflightResponse":  {detail: "Method {v} is not allowed by Access-Control-Allow-Methods in preflight response."},
	"HeaderDisallowedByPreflightResponse":  {detail: "Request header field {v} is not allowed by Access-Control-Allow-Headers in preflight response."},
	"RedirectContainsCredentials":          {detail: "Redirect location '{v}' contains a username and password, which is disallowed for cross-origin requests."},
}

// chromiumMessage reconstructs the console line Chromium printed. kind is
// "fetch", "XMLHttpRequest" or "" (then "fetch" is assumed: it is by far the
// most common initiator of CORS requests and the HAR rarely says).
func chromiumMessage(corsError, kind, url, firstURL, origin, param string) string {
	t, ok := chromiumTexts[corsError]
	if !ok {
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
	if t.preflight {
		b.WriteString(preflightPrefix)
	}
	b.WriteString(strings.ReplaceAll(t.detail, "{v}", param))
	switch kind {
	case "fetch":
		b.WriteString(t.fetchHint)
	case "XMLHttpRequest":
		b.WriteString(t.xhrHint)
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

// firefoxKeyFor maps a Chromium CorsError to the Firefox key for the same
// failure. Firefox tells a single comma-joined ACAO line (a mismatch to it)
// from several ACAO lines (multiple), which Chromium does not; lines is the
// number of Access-Control-Allow-Origin header lines of the response that
// failed.
//
// A redirected preflight: Firefox runs its ACAO check on the 3xx response
// before it refuses the redirect (recorded: a 307 without ACAO gives
// CORSMissingAllowOrigin2 "Status code: 307", a 308 with ACAO
// CORSExternalRedirectNotAllowed), where Chromium always says
// PreflightDisallowedRedirect. A redirect to a URL with credentials is
// CORSDidNotSucceed2: the new channel is refused before it is opened.
func firefoxKeyFor(corsError string, acaoLines int) string {
	base := strings.TrimPrefix(corsError, "Preflight")
	switch base {
	case "MissingAllowOriginHeader":
		return "CORSMissingAllowOrigin2"
	case "MultipleAllowOriginValues":
		if acaoLines > 1 {
			return "CORSMultipleAllowOriginNotAllowed"
		}
		return "CORSAllowOriginNotMatchingOrigin"
	case "InvalidAllowOriginValue", "AllowOriginMismatch":
		return "CORSAllowOriginNotMatchingOrigin"
	case "WildcardOriginNotAllowed":
		return "CORSNotSupportingCredentials"
	case "InvalidAllowCredentials":
		return "CORSMissingAllowCredentials"
	case "InvalidStatus":
		return "CORSPreflightDidNotSucceed3"
	case "DisallowedRedirect":
		switch {
		case acaoLines == 0:
			return "CORSMissingAllowOrigin2"
		case acaoLines > 1:
			return "CORSMultipleAllowOriginNotAllowed"
		}
		return "CORSExternalRedirectNotAllowed"
	case "RedirectContainsCredentials":
		return "CORSDidNotSucceed2"
	case "InvalidAllowMethodsPreflightResponse":
		return "CORSInvalidAllowMethod"
	case "InvalidAllowHeadersPreflightResponse":
		return "CORSInvalidAllowHeader"
	case "MethodDisallowedByPreflightResponse":
		return "CORSMethodNotFound"
	case "HeaderDisallowedByPreflightResponse":
		return "CORSMissingAllowHeaderFromPreflight2"
	case "CorsDisabledScheme":
		return "CORSRequestNotHttp"
	}
	return ""
}
