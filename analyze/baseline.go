package analyze

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Fingerprint identifies a finding across captures, for a CI baseline
// (--baseline): the rule, the page's origin, the method, and the URL's
// server and path pattern (identifiers folded to :id, query and fragment
// left out). The same problem recorded again, with other ids, timings,
// entry numbers or query strings, has the same fingerprint; another rule,
// origin, method, server or route does not. It is 16 hex digits.
func Fingerprint(f *Finding) string {
	o, m, p := FingerprintParts(f)
	sum := sha256.Sum256([]byte(f.Rule.ID + "\x00" + o + "\x00" + m + "\x00" + p))
	return hex.EncodeToString(sum[:8])
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
