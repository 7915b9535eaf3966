package analyze

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Fingerprint identifies a finding across captures, for a CI baseline
// (--baseline): the rule, the page's origin, the method, the URL's server
// and path pattern (identifiers folded to :id, query and fragment left
// out), and the offending value where it names what the server's
// configuration refused (FingerprintValue). The same problem recorded
// again, with other ids, timings, entry numbers or query strings, has the
// same fingerprint; another rule, origin, method, server, route, or header
// not allowed does not. It is 16 hex digits.
func Fingerprint(f *Finding) string {
	o, m, p := FingerprintParts(f)
	return hashParts(f.Rule.ID, o, m, p, FingerprintValue(f))
}

// FingerprintV1 is the fingerprint of the first baselines
// (harcors/baseline/v1), without the offending value: a v1 baseline that
// accepted a header not allowed on a route accepts any other there too.
func FingerprintV1(f *Finding) string {
	o, m, p := FingerprintParts(f)
	return hashParts(f.Rule.ID, o, m, p)
}

// hashParts is 16 hex digits of the SHA-256 of parts joined by NULs.
func hashParts(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:8])
}

// FingerprintValue is the part of a finding's offending value that a
// fingerprint holds: the header or method a preflight's response did not
// allow, the Access-Control-Allow-Origin or -Credentials value that did
// not match. Each needs a fix of its own, and comes out the same in every
// capture of the flow. It is "" for other findings, whose value (a
// status, a network error, a redirect's target with its query) changes
// between captures or says nothing the rule and route do not.
func FingerprintValue(f *Finding) string {
	switch f.Chromium {
	case HeaderDisallowedByPreflightResponse:
		return strings.ToLower(strings.TrimSpace(f.Value))
	case MethodDisallowedByPreflightResponse,
		AllowOriginMismatch, PreflightAllowOriginMismatch,
		MultipleAllowOriginValues, PreflightMultipleAllowOriginValues,
		InvalidAllowOriginValue, PreflightInvalidAllowOriginValue,
		InvalidAllowCredentials, PreflightInvalidAllowCredentials:
		return strings.TrimSpace(f.Value)
	}
	return ""
}

// FingerprintParts returns what a fingerprint is made of, for a baseline
// file that people can read: the origin, the upper-case method and the
// URL pattern (server and path pattern).
func FingerprintParts(f *Finding) (origin, method, pattern string) {
	return Endpoint(f.Origin, f.Method, f.URL)
}

// Endpoint is what a fingerprint says of where a request went: the page's
// origin in lower case, the upper-case method, and the URL's server and
// path pattern.
func Endpoint(origin, method, rawURL string) (o, m, pattern string) {
	server, path := serverAndPath(rawURL)
	return strings.ToLower(strings.TrimSpace(origin)), strings.ToUpper(strings.TrimSpace(method)), server + PathPattern(path)
}
