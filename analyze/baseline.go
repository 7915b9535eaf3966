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
	server, path := serverAndPath(f.URL)
	return strings.ToLower(strings.TrimSpace(f.Origin)), strings.ToUpper(strings.TrimSpace(f.Method)), server + PathPattern(path)
}
