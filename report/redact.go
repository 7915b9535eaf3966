package report

import (
	"regexp"
	"strings"
)

// People paste harcors' output into bug trackers and CI logs, and a HAR holds
// the session of whoever recorded it. So every string that came from the HAR
// goes through a redactor before any format writes it, unless the user asked
// for secrets with Options.ShowSecrets. Redaction keeps the shape of what it
// hides (the cookie's name, the Authorization scheme, the query parameter's
// name), because the shape is often what explains a CORS failure: "the page
// sends Authorization: Bearer ..." matters, the token does not.

// redacted is the marker that stands for a hidden value.
const redacted = "<redacted>"

// redactor hides secrets in strings from the HAR. The zero value redacts;
// show turns it into the identity.
type redactor struct {
	show bool
}

// sensitiveParam reports whether a query (or fragment, or matrix) parameter
// named name carries a secret: OAuth tokens and codes, API keys, signatures
// of signed URLs (AWS, GCS, Azure SAS), passwords, session ids, JWTs.
func sensitiveParam(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.TrimSuffix(n, "[]")
	switch n {
	case "access_token", "id_token", "refresh_token", "code", "code_verifier", "api_key", "apikey", "api-key",
		"key", "sig", "signature", "token", "auth", "authorization", "password", "passwd", "pwd", "pass",
		"secret", "client_secret", "session", "sessionid", "session_id", "sid", "jsessionid", "phpsessid",
		"jwt", "__clerk_db_jwt", "x-amz-signature", "x-amz-credential", "x-amz-security-token",
		"x-goog-signature", "x-goog-credential", "otp", "ticket", "assertion", "samlresponse":
		return true
	}
	return strings.HasSuffix(n, "token") || strings.HasSuffix(n, "_key") || strings.HasSuffix(n, "-key") ||
		strings.HasSuffix(n, "apikey") || strings.Contains(n, "secret") || strings.Contains(n, "password") ||
		strings.Contains(n, "jwt") || strings.HasSuffix(n, "signature") || strings.HasSuffix(n, "session")
}

// headerKind says how a header's value is redacted.
type headerKind int

const (
	headerPlain      headerKind = iota // only the free-text rules (JWTs, URLs)
	headerSecret                       // the whole value
	headerLongSecret                   // the whole value when it is long enough to be a key
	headerAuth                         // keep the scheme: "Bearer <redacted>"
	headerCookie                       // keep cookie names: "sid=<redacted>; theme=<redacted>"
	headerSetCookie                    // keep the name and attributes: "sid=<redacted>; Path=/; HttpOnly"
)

func classifyHeader(name string) headerKind {
	n := strings.ToLower(strings.TrimSpace(name))
	switch n {
	case "authorization", "proxy-authorization":
		return headerAuth
	case "cookie":
		return headerCookie
	case "set-cookie", "set-cookie2":
		return headerSetCookie
	case "x-api-key", "apikey", "api-key", "api_key", "x-auth-token", "x-csrf-token", "x-xsrf-token",
		"csrf-token", "xsrf-token", "x-access-token", "token", "x-amz-security-token", "x-goog-api-key",
		"ocp-apim-subscription-key", "x-functions-key", "x-auth", "x-session-token", "x-refresh-token",
		"x-id-token", "x-client-secret", "x-vault-token", "private-token", "x-gitlab-token", "x-github-token":
		return headerSecret
	}
	// The CORS headers themselves name headers and credentials modes
	// ("Access-Control-Allow-Credentials", "...-Headers: x-api-key"); they
	// are what harcors is about and never hold a secret.
	if strings.HasPrefix(n, "access-control-") || strings.HasPrefix(n, "sec-fetch-") {
		return headerPlain
	}
	switch {
	case strings.HasSuffix(n, "-token") || strings.HasSuffix(n, "_token") || strings.HasSuffix(n, "-secret") ||
		strings.HasSuffix(n, "_secret") || strings.Contains(n, "password") || strings.Contains(n, "passwd") ||
		strings.Contains(n, "apikey") || strings.Contains(n, "api-key") || strings.Contains(n, "api_key") ||
		strings.HasSuffix(n, "-jwt") || strings.HasSuffix(n, "-session") || strings.HasSuffix(n, "-session-id") ||
		strings.HasSuffix(n, "-signature") || strings.HasSuffix(n, "-credential") || strings.HasSuffix(n, "-credentials"):
		return headerSecret
	case strings.HasSuffix(n, "-key") || strings.HasSuffix(n, "_key"):
		// Sec-WebSocket-Key, Idempotency-Key: short or harmless values
		// stay readable; a long one may be a key.
		return headerLongSecret
	}
	return headerPlain
}

// longSecret is the length from which a *-key header's value is taken for a
// key: shorter ones are ids and flags, and API keys are rarely below it.
const longSecret = 16

// header returns the value of header name, redacted.
func (r redactor) header(name, value string) string {
	if r.show || value == "" {
		return value
	}
	switch classifyHeader(name) {
	case headerSecret:
		return redacted
	case headerLongSecret:
		if len(strings.TrimSpace(value)) >= longSecret {
			return redacted
		}
	case headerAuth:
		return redactAuth(value)
	case headerCookie:
		return redactCookies(value, "; ", false)
	case headerSetCookie:
		// Firefox joins several Set-Cookie lines with "\n" in one value.
		lines := strings.Split(value, "\n")
		for i, l := range lines {
			lines[i] = redactCookies(l, "; ", true)
		}
		return strings.Join(lines, "\n")
	}
	return r.text(value)
}

// redactAuth keeps the authentication scheme of an Authorization value and
// hides its credentials: "Bearer <redacted>", "Basic <redacted>".
func redactAuth(v string) string {
	v = strings.TrimSpace(v)
	scheme, rest, ok := strings.Cut(v, " ")
	if !ok || strings.TrimSpace(rest) == "" || strings.ContainsAny(scheme, "=.") {
		// A bare token (some APIs skip the scheme), or something else.
		return redacted
	}
	return scheme + " " + redacted
}

// redactCookies hides the value of every name=value pair of a Cookie header
// (setCookie false) or of the first pair of a Set-Cookie line, keeping its
// attributes (setCookie true).
func redactCookies(v, sep string, setCookie bool) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		if setCookie && i > 0 {
			// Path, Domain, Expires, SameSite, Secure, HttpOnly, Partitioned.
			parts[i] = strings.TrimSpace(p)
			continue
		}
		name, _, ok := strings.Cut(p, "=")
		name = strings.TrimSpace(name)
		if !ok {
			if strings.TrimSpace(p) != "" {
				parts[i] = redacted
			} else {
				parts[i] = ""
			}
			continue
		}
		parts[i] = name + "=" + redacted
	}
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

var (
	// jwtRE matches a JSON Web Token (or JWS/JWE compact form): base64url
	// segments separated by dots, the first one encoding '{"' (eyJ).
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]*)+`)
	// paramRE matches name=value after a URL's '?', '&', '#' or ';'
	// (matrix parameters such as ;jsessionid=).
	paramRE = regexp.MustCompile(`([?&#;])([A-Za-z0-9_.\-\[\]%$]+)=([^&#;?\s'"<>]*)`)
	// userinfoRE matches the password of a URL's userinfo.
	userinfoRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^/@\s:'"]*):([^/@\s'"]*)@`)
	// schemeTokenRE matches credentials written after an HTTP
	// authentication scheme inside free text. Case matters: "a basic
	// preflight" is prose, "Basic dXNlcjpwYXNz" is a credential.
	schemeTokenRE = regexp.MustCompile(`\b(Bearer|bearer|BEARER|Basic|BASIC)(\s+)([A-Za-z0-9._~+/=-]{8,})`)
)

// text redacts a free-text string from the HAR or built from it: a URL, a
// console message, a cause, a fix, a header value. It hides the values of
// sensitive URL parameters, URL passwords, credentials after Bearer/Basic,
// and anything JWT-shaped.
func (r redactor) text(s string) string {
	if r.show || s == "" {
		return s
	}
	if strings.ContainsAny(s, "=") {
		s = replaceSubmatch(paramRE, s, func(m []string) string {
			if !sensitiveParam(m[2]) || m[3] == "" || m[3] == redacted {
				return m[0]
			}
			return m[1] + m[2] + "=" + redacted
		})
	}
	if strings.Contains(s, "@") {
		s = userinfoRE.ReplaceAllString(s, "${1}:"+redacted+"@")
	}
	if strings.Contains(s, "eyJ") {
		s = jwtRE.ReplaceAllString(s, redacted)
	}
	if strings.Contains(s, "earer") || strings.Contains(s, "EARER") || strings.Contains(s, "Basic") || strings.Contains(s, "BASIC") {
		s = replaceSubmatch(schemeTokenRE, s, func(m []string) string {
			if !looksLikeToken(m[3]) {
				return m[0]
			}
			return m[1] + m[2] + redacted
		})
	}
	return s
}

// looksLikeToken tells a credential from a word: tokens mix in digits or
// base64 punctuation, or are longer than words get.
func looksLikeToken(s string) bool {
	if len(s) >= 20 {
		return true
	}
	return strings.ContainsAny(s, "0123456789+/=_-.~")
}

// url redacts a URL; it is text under another name, so that call sites say
// what they hold.
func (r redactor) url(s string) string { return r.text(s) }

// replaceSubmatch is regexp.ReplaceAllStringFunc with the submatches at hand.
func replaceSubmatch(re *regexp.Regexp, s string, f func([]string) string) string {
	idx := re.FindAllStringSubmatchIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		b.WriteString(s[last:m[0]])
		subs := make([]string, len(m)/2)
		for i := range subs {
			if m[2*i] >= 0 {
				subs[i] = s[m[2*i]:m[2*i+1]]
			}
		}
		b.WriteString(f(subs))
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}
