// Package redact hides secrets in strings taken from a HAR: header values,
// URLs, console messages and any text built from them.
//
// People paste harcors' output into bug trackers and CI logs, and attach
// sanitized HARs to support tickets, while a HAR holds the session of whoever
// recorded it. The reports and `harcors sanitize` share this one redactor, so
// that a leak fixed here is fixed everywhere. Redaction keeps the shape of
// what it hides (the cookie's name, the Authorization scheme, the query
// parameter's name), because the shape is often what explains a CORS
// failure: "the page sends Authorization: Bearer ..." matters, the token does
// not.
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// Marker is the placeholder the reports write for a hidden value.
const Marker = "<redacted>"

// Redactor hides secrets in strings. The zero value redacts every secret as
// Marker.
type Redactor struct {
	// Show turns the redactor into the identity (--show-secrets).
	Show bool
	// Mark, when set, gives the placeholder for one secret; sanitize uses
	// it to give the same secret the same placeholder throughout a file.
	// It must return a string that Placeholder recognises.
	Mark func(secret string) string
	// Known holds values (cookie values) that are redacted wherever they
	// reappear as a URL parameter, under whatever name.
	Known map[string]bool
}

// mark is the placeholder for secret s.
func (r *Redactor) mark(s string) string {
	if r.Mark == nil {
		return Marker
	}
	return r.Mark(s)
}

// Placeholder reports whether s is already a placeholder, so that text
// redacted twice is not redacted again.
func Placeholder(s string) bool {
	return s == Marker || strings.HasPrefix(s, "REDACTED-") || strings.HasPrefix(s, "<redacted")
}

// MinKnown is the length from which a cookie value is taken for a secret
// wherever it reappears: shorter values ("1", "en", "true") are flags that
// would blank out harmless parameters.
const MinKnown = 8

// Learn adds a cookie value to r.Known, when it is long enough to be a
// secret.
func (r *Redactor) Learn(v string) {
	v = strings.TrimSpace(v)
	if len(v) < MinKnown || Placeholder(v) {
		return
	}
	if r.Known == nil {
		r.Known = map[string]bool{}
	}
	r.Known[v] = true
}

// known reports whether v, as written or percent-decoded, is a learnt value.
func (r *Redactor) known(v string) bool {
	if len(r.Known) == 0 || len(v) < MinKnown {
		return false
	}
	if r.Known[v] {
		return true
	}
	if strings.ContainsAny(v, "%+") {
		if d, err := url.QueryUnescape(v); err == nil && r.Known[strings.TrimSpace(d)] {
			return true
		}
	}
	return false
}

// SensitiveParam reports whether a query (or fragment, form or matrix)
// parameter named name carries a secret: OAuth tokens, codes and state,
// API keys, signatures of signed URLs (AWS, GCS, Azure SAS), passwords,
// session ids, SAML artifacts, JWTs. The name may be percent-encoded
// ("%63ode") or bracketed ("data[access_token]": the innermost name counts).
func SensitiveParam(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	if strings.Contains(n, "%") {
		if d, err := url.QueryUnescape(n); err == nil {
			n = d
		}
	}
	n = strings.TrimSuffix(n, "[]")
	if i := strings.LastIndexByte(n, '['); i >= 0 {
		if in := strings.TrimSuffix(n[i+1:], "]"); in != "" {
			n = in
		}
	}
	switch n {
	case "access_token", "id_token", "refresh_token", "code", "code_verifier", "api_key", "apikey", "api-key",
		"key", "sig", "signature", "token", "auth", "authorization", "password", "passwd", "pwd", "pass",
		"secret", "client_secret", "session", "sessionid", "session_id", "sid", "jsessionid", "phpsessid",
		"jwt", "__clerk_db_jwt", "x-amz-signature", "x-amz-credential", "x-amz-security-token",
		"x-goog-signature", "x-goog-credential", "otp", "ticket", "assertion", "samlresponse",
		// Signatures under short names (Google's signed media and ad
		// URLs: esig, sigh), HMACs, and AWS's access key id of a
		// signed S3 URL (version 2), which secret scanners flag.
		"esig", "sigh", "hmac", "awsaccesskeyid",
		// OAuth and SAML values that replay a login: the CSRF state, the
		// session state, codes under other names, OAuth 1 verifiers,
		// SAML artifacts and requests.
		"state", "session_state", "auth_code", "authorization_code", "authcode", "device_code",
		"oauth_verifier", "samlart", "samlrequest", "relaystate", "nonce", "credential", "credentials":
		return true
	}
	return strings.HasSuffix(n, "token") || strings.HasSuffix(n, "_key") || strings.HasSuffix(n, "-key") ||
		strings.HasSuffix(n, "apikey") || strings.Contains(n, "secret") || strings.Contains(n, "password") ||
		strings.Contains(n, "jwt") || strings.HasSuffix(n, "signature") || strings.HasSuffix(n, "session") ||
		strings.HasSuffix(n, "sessionid") || strings.HasSuffix(n, "session_id")
}

// Kind says how a header's value is redacted.
type Kind int

// How header values are redacted.
const (
	Plain      Kind = iota // only the free-text rules (JWTs, URLs, schemes)
	Secret                 // the whole value
	LongSecret             // the whole value when it is long enough to be a key
	Auth                   // keep the scheme: "Bearer <redacted>"
	Cookie                 // keep cookie names: "sid=<redacted>; theme=<redacted>"
	SetCookie              // keep the name and attributes: "sid=<redacted>; Path=/; HttpOnly"
	Protocols              // Sec-WebSocket-Protocol: keep protocol names, hide tokens
)

// Classify says how the value of the header called name is redacted.
func Classify(name string) Kind {
	n := strings.ToLower(strings.TrimSpace(name))
	switch n {
	case "authorization", "proxy-authorization", "authentication", "www-authenticate-token":
		return Auth
	case "cookie":
		return Cookie
	case "set-cookie", "set-cookie2":
		return SetCookie
	case "sec-websocket-protocol":
		// Browsers cannot set headers on a WebSocket, so apps smuggle
		// the token in as a "protocol": "bearer, eyJ...".
		return Protocols
	case "x-api-key", "apikey", "api-key", "api_key", "x-auth-token", "x-csrf-token", "x-xsrf-token",
		"csrf-token", "xsrf-token", "x-access-token", "token", "x-amz-security-token", "x-goog-api-key",
		"ocp-apim-subscription-key", "x-functions-key", "x-auth", "x-session-token", "x-refresh-token",
		"x-id-token", "x-client-secret", "x-vault-token", "private-token", "x-gitlab-token", "x-github-token",
		"session", "session-id", "sessionid", "x-session", "x-session-id", "x-sessionid":
		return Secret
	}
	// The CORS headers themselves name headers and credentials modes
	// ("Access-Control-Allow-Credentials", "...-Headers: x-api-key"); they
	// are what harcors is about and never hold a secret.
	if strings.HasPrefix(n, "access-control-") || strings.HasPrefix(n, "sec-fetch-") {
		return Plain
	}
	switch {
	case strings.HasSuffix(n, "authorization") || strings.HasSuffix(n, "-authentication"):
		// X-Authorization, X-Forwarded-Authorization: written like
		// Authorization, scheme first.
		return Auth
	case strings.HasSuffix(n, "token") || strings.HasSuffix(n, "-secret") ||
		strings.HasSuffix(n, "_secret") || strings.Contains(n, "password") || strings.Contains(n, "passwd") ||
		strings.Contains(n, "apikey") || strings.Contains(n, "api-key") || strings.Contains(n, "api_key") ||
		strings.Contains(n, "csrf") || strings.Contains(n, "xsrf") || strings.Contains(n, "appcheck") ||
		strings.Contains(n, "access-key") || strings.Contains(n, "access_key") || strings.Contains(n, "accesskey") ||
		strings.Contains(n, "secret-key") || strings.Contains(n, "private-key") || strings.Contains(n, "auth-key") ||
		strings.HasSuffix(n, "-jwt") || strings.HasSuffix(n, "-session") || strings.HasSuffix(n, "-session-id") ||
		strings.HasSuffix(n, "-sessionid") || strings.HasSuffix(n, "_session_id") ||
		strings.HasSuffix(n, "-signature") || strings.HasSuffix(n, "-credential") || strings.HasSuffix(n, "-credentials"):
		return Secret
	case strings.HasSuffix(n, "-key") || strings.HasSuffix(n, "_key"):
		// Sec-WebSocket-Key, Idempotency-Key: short or harmless values
		// stay readable; a long one may be a key.
		return LongSecret
	}
	return Plain
}

// longSecret is the length from which a *-key header's value is taken for a
// key: shorter ones are ids and flags, and API keys are rarely below it.
const longSecret = 16

// Header returns the value of header name, redacted.
func (r *Redactor) Header(name, value string) string {
	if r.Show || value == "" {
		return value
	}
	switch Classify(name) {
	case Secret:
		return r.mark(value)
	case LongSecret:
		if len(strings.TrimSpace(value)) >= longSecret {
			return r.mark(value)
		}
	case Auth:
		return r.auth(value)
	case Cookie:
		return r.cookies(value, false)
	case SetCookie:
		// Firefox joins several Set-Cookie lines with "\n" in one value.
		lines := strings.Split(value, "\n")
		for i, l := range lines {
			lines[i] = r.cookies(l, true)
		}
		return strings.Join(lines, "\n")
	case Protocols:
		return r.protocols(value)
	}
	return r.Text(value)
}

// auth keeps the authentication scheme of an Authorization value and hides
// its credentials: "Bearer <redacted>", "Basic <redacted>".
func (r *Redactor) auth(v string) string {
	v = strings.TrimSpace(v)
	scheme, rest, ok := strings.Cut(v, " ")
	rest = strings.TrimSpace(rest)
	if !ok || rest == "" || strings.ContainsAny(scheme, "=.") {
		// A bare token (some APIs skip the scheme), or something else.
		return r.mark(v)
	}
	return scheme + " " + r.mark(rest)
}

// protocols hides the tokens among the subprotocols of a
// Sec-WebSocket-Protocol value: every item after a scheme-like item
// ("bearer", "access_token", "Authorization") and every item that looks
// like a token; protocol names ("graphql-ws", "v10.stomp") stay.
func (r *Redactor) protocols(v string) string {
	items := strings.Split(v, ",")
	after := false
	for i, it := range items {
		t := strings.TrimSpace(it)
		lead := it[:len(it)-len(strings.TrimLeft(it, " \t"))]
		l := strings.ToLower(t)
		switch {
		case t == "" || Placeholder(t):
		case after || len(t) >= 24 || strings.HasPrefix(t, "eyJ") || len(t) >= 12 && LooksLikeToken(t) && hasDigit(t):
			items[i] = lead + r.mark(t)
		case strings.Contains(l, "bearer") || strings.Contains(l, "token") || strings.Contains(l, "auth") ||
			strings.Contains(l, "jwt") || strings.Contains(l, "key"):
			after = true
		}
	}
	return strings.Join(items, ",")
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// cookies hides the value of every name=value pair of a Cookie header
// (setCookie false) or of the first pair of a Set-Cookie line, keeping its
// attributes (setCookie true).
func (r *Redactor) cookies(v string, setCookie bool) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		if setCookie && i > 0 {
			// Path, Domain, Expires, SameSite, Secure, HttpOnly, Partitioned.
			parts[i] = strings.TrimSpace(p)
			continue
		}
		name, val, ok := strings.Cut(p, "=")
		name = strings.TrimSpace(name)
		if !ok {
			if t := strings.TrimSpace(p); t != "" {
				parts[i] = r.mark(t)
			} else {
				parts[i] = ""
			}
			continue
		}
		parts[i] = name + "=" + r.mark(strings.TrimSpace(val))
	}
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

// CookieValues calls f with the value of every pair of a Cookie header, or
// of the first pair of each Set-Cookie line when setCookie is set.
func CookieValues(v string, setCookie bool, f func(name, value string)) {
	for _, line := range strings.Split(v, "\n") {
		for i, p := range strings.Split(line, ";") {
			if setCookie && i > 0 {
				break
			}
			if name, val, ok := strings.Cut(p, "="); ok {
				f(strings.TrimSpace(name), strings.TrimSpace(val))
			}
		}
	}
}

var (
	// jwtRE matches a JSON Web Token (or JWS/JWE compact form): base64url
	// segments separated by dots, the first one encoding '{"' (eyJ).
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]*)+`)
	// userinfoRE matches the userinfo of a URL: a user name, and a
	// password after ':' when there is one.
	userinfoRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@\s:'"<>]*)(?::([^/?#@\s'"<>]*))?@`)
	// schemeTokenRE matches credentials written after an HTTP
	// authentication scheme inside free text. The credential must look
	// like a token (see LooksLikeToken): "a basic preflight" is prose,
	// "basic dXNlcjpwYXNz" is a credential.
	schemeTokenRE = regexp.MustCompile(`\b(Bearer|bearer|BEARER|Basic|basic|BASIC|Token|token|TOKEN|SSWS|Bot|Digest|Negotiate|NTLM)(\s+)([A-Za-z0-9._~+/=-]{8,})`)
	// vendorTokenRE matches credentials whose shape their issuer fixed so
	// that secret scanners find them anywhere: Stripe keys, GitHub
	// tokens, Slack tokens, AWS access key ids, Google API keys, GitLab
	// tokens. An error page or a debug traceback may print one.
	vendorTokenRE = regexp.MustCompile(`\b(?:(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{10,}|gh[pousr]_[0-9A-Za-z]{20,}|github_pat_[0-9A-Za-z_]{20,}|xox[abposr]-[0-9A-Za-z-]{10,}|(?:AKIA|ASIA)[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|glpat-[0-9A-Za-z_-]{20,})`)
)

// vendorHints and schemeHints are cheap tests before vendorTokenRE and
// schemeTokenRE: a text that holds none of the vendors' prefixes, or none
// of the schemes' names, cannot match.
var (
	vendorHints = [...]string{"_live_", "_test_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "AKIA", "ASIA", "AIza", "glpat-"}
	schemeHints = [...]string{"earer", "EARER", "asic", "ASIC", "oken", "OKEN", "SSWS", "Bot", "Digest", "Negotiate", "NTLM"}
)

// hintsAt lists, by first byte, the hints that start with it, and whether
// each is a scheme's.
var hintsAt = func() (t [256][]hint) {
	for _, h := range vendorHints {
		t[h[0]] = append(t[h[0]], hint{h, false})
	}
	for _, h := range schemeHints {
		t[h[0]] = append(t[h[0]], hint{h, true})
	}
	return t
}()

type hint struct {
	s      string
	scheme bool
}

// hints reports whether s holds one of vendorHints (vendor) and one of
// schemeHints (scheme), in one pass over s. Every text a report shows is
// redacted, most of them URLs and messages that hold neither: a search for
// each of the 24 hints in turn took a quarter of the redaction.
func hints(s string) (vendor, scheme bool) {
	for i := 0; i < len(s); i++ {
		for _, h := range hintsAt[s[i]] {
			if h.scheme && !scheme && strings.HasPrefix(s[i:], h.s) {
				scheme = true
			} else if !h.scheme && !vendor && strings.HasPrefix(s[i:], h.s) {
				vendor = true
			}
		}
		if vendor && scheme {
			break
		}
	}
	return vendor, scheme
}

// Text redacts a free-text string from the HAR or built from it: a URL, a
// console message, a cause, a fix, a header value. It hides the values of
// sensitive URL parameters (also inside percent-encoded URLs given as
// parameter values), learnt cookie values reappearing as parameters, URL
// user names and passwords, credentials after an authentication scheme,
// anything JWT-shaped, and vendors' tokens of a fixed shape (sk_live_...,
// ghp_..., AKIA...).
func (r *Redactor) Text(s string) string {
	if r.Show || s == "" {
		return s
	}
	return r.text(s, 0)
}

// URL redacts a URL; it is Text under another name, so that call sites say
// what they hold.
func (r *Redactor) URL(s string) string { return r.Text(s) }

// maxDepth bounds the decoding of URLs nested in parameter values
// (redirect_uri=https%3A%2F%2F...%3Fcode%3D...).
const maxDepth = 3

func (r *Redactor) text(s string, depth int) string {
	if strings.IndexByte(s, '=') >= 0 {
		s = r.params(s, depth)
	}
	if strings.IndexByte(s, '@') >= 0 {
		s = ReplaceSubmatch(userinfoRE, s, func(m []string) string {
			user, pass := m[2], m[3]
			hasPass := len(m[0]) > len(m[1])+len(user)+1 // a ':' stands before '@'
			switch {
			case user == "" && !hasPass:
				return m[0]
			case !hasPass || pass == "" || LooksLikeToken(user) && len(user) >= 12:
				// "ghp_...@host", "sk_live_...:@host": the user
				// name is the credential.
				if Placeholder(user) {
					return m[0]
				}
				out := m[1] + r.mark(user)
				if hasPass {
					out += ":"
					if pass != "" {
						out += r.mark(pass)
					}
				}
				return out + "@"
			case Placeholder(pass):
				return m[0]
			}
			return m[1] + user + ":" + r.mark(pass) + "@"
		})
	}
	if strings.Contains(s, "eyJ") {
		s = ReplaceSubmatch(jwtRE, s, func(m []string) string { return r.mark(m[0]) })
	}
	if vendor, _ := hints(s); vendor {
		s = ReplaceSubmatch(vendorTokenRE, s, func(m []string) string { return r.mark(m[0]) })
	}
	if strings.IndexByte(s, '/') >= 0 {
		s = r.pathSecrets(s)
	}
	if _, scheme := hints(s); scheme {
		s = ReplaceSubmatch(schemeTokenRE, s, func(m []string) string {
			if !LooksLikeToken(m[3]) || Placeholder(m[3]) {
				return m[0]
			}
			return m[1] + m[2] + r.mark(m[3])
		})
	}
	return s
}

// pathSecrets hides the secrets that some URLs carry in their path rather
// than in a parameter: a Telegram bot's token (/bot<id>:<secret>/), the
// secret of a Slack or Discord webhook URL, and a token in the segment
// after one that names it (/password-reset/<token>, /verify-email/<token>,
// /api-keys/<key>). Whoever holds one of these URLs can act with it. It
// scans the text once, '/' by '/': a regular expression over every text
// of a report cost too much (see paramStarts).
func (r *Redactor) pathSecrets(s string) string {
	var b strings.Builder
	last := 0
	for i := strings.IndexByte(s, '/'); i >= 0; {
		from, to := pathSecret(s, i+1)
		if from < 0 {
			j := strings.IndexByte(s[i+1:], '/')
			if j < 0 {
				break
			}
			i += 1 + j
			continue
		}
		if tok := s[from:to]; !Placeholder(tok) {
			b.WriteString(s[last:from])
			b.WriteString(r.mark(tok))
			last = to
		}
		j := strings.IndexByte(s[to:], '/')
		if j < 0 {
			break
		}
		i = to + j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// secretAfter are path segments (in lower case) after which the next
// segment, when it looks like a token, is a secret: the links of password
// resets, e-mail confirmations, invitations and unsubscriptions, and
// paths that hold a key or token by name.
var secretAfter = map[string]bool{}

func init() {
	for _, w := range []string{
		"reset", "password-reset", "reset-password", "passwordreset", "resetpassword", "password",
		"verify", "verify-email", "verification", "email-verification", "confirm", "confirmation", "confirm-email",
		"activate", "activation", "magic", "magic-link", "magiclink", "login-link", "invite", "invites", "invitation", "invitations",
		"unsubscribe", "token", "tokens", "access-token", "auth-token", "api-key", "api-keys", "apikey", "apikeys",
		"secret", "secrets", "signed", "share", "shared",
	} {
		secretAfter[w] = true
		secretAfter[strings.ReplaceAll(w, "-", "_")] = true
	}
}

// pathSecret returns where the secret in the path segments that start at
// s[i] begins and ends, or -1, -1.
func pathSecret(s string, i int) (from, to int) {
	seg := segmentAt(s, i)
	// next is the segment after the one at at, of length n, and where it
	// starts; "" when no '/' follows.
	next := func(at, n int) (string, int) {
		if at+n >= len(s) || s[at+n] != '/' {
			return "", at + n
		}
		return segmentAt(s, at+n+1), at + n + 1
	}
	switch {
	case strings.HasPrefix(seg, "bot"):
		// Telegram: /bot<digits>:<35 characters>/method
		id, tok, ok := strings.Cut(seg[3:], ":")
		if ok && len(id) >= 5 && allDigits(id) && len(tok) >= 30 && tokenChars(tok) {
			return i + 3, i + len(seg)
		}
	case seg == "services":
		// Slack: /services/T<team>/B<hook>/<secret>
		t, at := next(i, len(seg))
		b, at := next(at, len(t))
		sec, at := next(at, len(b))
		if len(t) >= 8 && t[0] == 'T' && upperAlnum(t) && len(b) >= 8 && b[0] == 'B' && upperAlnum(b) && len(sec) >= 16 && tokenChars(sec) {
			return at, at + len(sec)
		}
	case seg == "webhooks":
		// Discord: /api/webhooks/<digits>/<secret>
		id, at := next(i, len(seg))
		sec, at := next(at, len(id))
		if len(id) >= 5 && allDigits(id) && len(sec) >= 30 && tokenChars(sec) {
			return at, at + len(sec)
		}
	case len(seg) <= 20 && secretAfter[strings.ToLower(seg)]:
		if sec, at := next(i, len(seg)); opaqueToken(sec) {
			return at, at + len(sec)
		}
	}
	return -1, -1
}

// segmentAt returns the path segment that starts at s[i]: up to the next
// '/', or the end of the path ('?', '#') or of the URL in free text.
func segmentAt(s string, i int) string {
	i = min(i, len(s))
	j := i
	for j < len(s) && !segmentEnd[s[j]] {
		j++
	}
	return s[i:j]
}

// segmentEnd is the bytes that end a path segment in free text.
var segmentEnd = func() (t [256]bool) {
	for _, c := range []byte("/?#&; \t\r\n\"'<>`()[]{},|\\") {
		t[c] = true
	}
	return t
}()

// opaqueToken says whether a path segment reads as a token, not as a
// word or a slug: 16 characters or more of a token's alphabet, with both
// digits and letters.
func opaqueToken(s string) bool {
	if len(s) < 16 || !tokenChars(s) {
		return false
	}
	digit, letter := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		digit = digit || c >= '0' && c <= '9'
		letter = letter || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	return digit && letter
}

// tokenChars says whether s holds only characters of base64url, hex and
// percent-encoded tokens.
func tokenChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == '.' || c == '~' || c == '%' || c == '=' || c == '+' || c == ':') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func upperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// pairRE matches an assignment in prose, a page or a traceback:
// "invalid token=abc", "<pre>password='x'", "SECRET_KEY = 'y'", "token:
// z", where URL-style parameters have no '?' or '&' before them. The
// value may be quoted.
var pairRE = regexp.MustCompile(`(^|[^A-Za-z0-9_.\-\[\]%])([A-Za-z0-9_.\-\[\]%]+)(\s*[:=]\s*)('[^'\n]*'|"[^"\n]*"|[^\s&,;'"<>()]+)`)

// Assignments hides the values assigned to sensitive names in text that a
// server wrote for people (a body, an error page, a status text): what
// Text does not take for a parameter, as no '?' or '&' comes before it.
// After a colon only a token-like value is hidden: "CSRF token: missing"
// says why a request failed, it hides nothing.
//
// After a name that is not a secret's, the search goes on from its value:
// in "error: password=x" and "Exception: SECRET_KEY = 'x'" what follows
// "error:" is an assignment of its own.
func (r *Redactor) Assignments(s string) string {
	if r.Show || strings.IndexByte(s, '=') < 0 && strings.IndexByte(s, ':') < 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for pos := 0; pos < len(s); {
		m := pairRE.FindStringSubmatchIndex(s[pos:])
		if m == nil {
			break
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += pos
			}
		}
		name, sep, val := s[m[4]:m[5]], s[m[6]:m[7]], s[m[8]:m[9]]
		v, q := Unquote(val)
		if !SensitiveParam(name) {
			pos = m[8]
			continue
		}
		pos = m[1]
		if v == "" || Placeholder(v) || strings.Contains(sep, ":") && !LooksLikeToken(v) {
			continue
		}
		b.WriteString(s[last:m[8]])
		b.WriteString(q + r.mark(v) + q)
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// Unquote takes the quotes, single or double, off v, and returns the
// quote too ("" when v was not quoted), to put back around a placeholder.
func Unquote(v string) (inner, quote string) {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1], v[:1]
	}
	return v, ""
}

// paramStarts returns where the name=value pairs of s start, as
// regexp.FindAllStringSubmatchIndex would for
// `([?&#;])([A-Za-z0-9_.\-\[\]%$]+)=`: after a URL's '?', '&', '#' or ';'
// (matrix parameters such as ;jsessionid=), a name, bracketed or
// percent-encoded, then '='. Each match is {start, end, separator start,
// separator end, name start, name end}; the value's end depends on the
// name (see params). The regexp ran at 40 MB/s: a JSON report redacting
// 5,000 URLs of 100 KB took 12 s, nine tenths of it here.
func paramStarts(s string) [][]int {
	var out [][]int
	for i := 0; i < len(s); {
		k := strings.IndexAny(s[i:], "?&#;")
		if k < 0 {
			break
		}
		sep := i + k
		j := sep + 1
		for j < len(s) && paramNameByte[s[j]] {
			j++
		}
		if j > sep+1 && j < len(s) && s[j] == '=' {
			out = append(out, []int{sep, j + 1, sep, sep + 1, sep + 1, j})
			i = j + 1
			continue
		}
		// No pair here; the name's bytes hold no separator, so the
		// next one is at j or later.
		i = max(j, sep+1)
	}
	return out
}

// paramNameByte is the bytes a parameter's name is made of.
var paramNameByte = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-[]%$") {
		t[c] = true
	}
	return t
}()

// params redacts the values of URL-style parameters in s.
func (r *Redactor) params(s string, depth int) string {
	idx := paramStarts(s)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		if m[0] < last {
			// Inside a value already consumed (a sensitive value
			// runs over ';').
			continue
		}
		sep, name := s[m[2]:m[3]], s[m[4]:m[5]]
		start := m[1]
		sensitive := SensitiveParam(name)
		end := valueEnd(s, start, sep, sensitive)
		v := s[start:end]
		nv := v
		switch {
		case v == "" || Placeholder(v):
		case sensitive || r.known(v):
			nv = r.mark(v)
		case depth < maxDepth && encodedPair(v):
			// A URL or form given as a value, percent-encoded:
			// redact it decoded, and encode it again if it changed.
			if rv, ok := r.nested(v, depth); ok {
				nv = rv
			}
		}
		if nv == v {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(nv)
		last = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// nested redacts a percent-encoded URL or form given as a parameter value,
// encoded once or more, and encodes the result as often again. It reports
// whether anything was redacted.
func (r *Redactor) nested(v string, depth int) (string, bool) {
	d, err := url.QueryUnescape(v)
	if err != nil {
		return v, false
	}
	var rd string
	if strings.IndexByte(d, '=') < 0 && encodedPair(d) {
		if depth+1 >= maxDepth {
			return v, false
		}
		inner, ok := r.nested(d, depth+1)
		if !ok {
			return v, false
		}
		rd = inner
	} else if rd = r.text(d, depth+1); rd == d {
		return v, false
	}
	return url.QueryEscape(rd), true
}

// encodedPair reports whether v holds a percent-encoded '=' (once or twice
// encoded): a URL or a form given as a parameter value.
func encodedPair(v string) bool {
	return strings.Contains(v, "%3D") || strings.Contains(v, "%3d") || strings.Contains(v, "%253D") || strings.Contains(v, "%253d")
}

// valueEnd is the end of the parameter value starting at s[i]. A value ends
// at the next '&' or '#', at white space, a quote or an angle bracket; a
// harmless value also at ';' and '?'. A sensitive value runs over ';'
// ("access_token=a;b" hides "a;b"), and over '?' unless it is a matrix
// parameter.
func valueEnd(s string, i int, sep string, sensitive bool) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '&', '#', ' ', '\t', '\n', '\r', '\'', '"', '<', '>':
			return i
		case ';':
			if !sensitive {
				return i
			}
		case '?':
			if !sensitive || sep == ";" {
				return i
			}
		}
	}
	return i
}

// LooksLikeToken tells a credential from a word: tokens mix in digits or
// base64 punctuation, or are longer than words get.
func LooksLikeToken(s string) bool {
	if len(s) >= 20 {
		return true
	}
	return strings.ContainsAny(s, "0123456789+/=_-.~")
}

// ReplaceSubmatch is regexp.ReplaceAllStringFunc with the submatches at
// hand (f gets the match and its groups); sanitize's body rules use it too.
func ReplaceSubmatch(re *regexp.Regexp, s string, f func([]string) string) string {
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
