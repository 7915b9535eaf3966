package analyze

// The Fetch Standard's definitions, as Chromium implements them
// (services/network/public/cpp/cors/cors.cc, net/http/http_util.cc).
// Where Chromium departs from the spec, Chromium wins and the comment says so.

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// isSafelistedMethod reports whether m is a CORS-safelisted method. Fetch
// upper-cases GET, HEAD and POST before this point, so the comparison is
// exact, as in the spec.
func isSafelistedMethod(m string) bool {
	return m == "GET" || m == "HEAD" || m == "POST"
}

// normalizeMethod is what fetch() and XMLHttpRequest do to the method the
// page passed: DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased when
// they match case-insensitively; every other method (PATCH included) keeps
// its case, which is why fetch(u, {method: "patch"}) fails against
// "Access-Control-Allow-Methods: PATCH".
func normalizeMethod(m string) string {
	switch u := strings.ToUpper(m); u {
	case "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT":
		return u
	}
	return m
}

// forbiddenRequestHeaders are the names a page cannot set; the browser (or
// the network stack) sets them. Chromium still forbids User-Agent
// (crbug.com/571722) although the spec dropped it.
var forbiddenRequestHeaders = map[string]bool{
	"accept-charset": true, "accept-encoding": true,
	"access-control-request-headers": true, "access-control-request-method": true,
	"access-control-request-private-network": true,
	"connection":                             true, "content-length": true, "cookie": true, "cookie2": true,
	"date": true, "dnt": true, "expect": true, "host": true, "keep-alive": true,
	"origin": true, "referer": true, "set-cookie": true, "te": true, "trailer": true,
	"transfer-encoding": true, "upgrade": true, "user-agent": true, "via": true,
}

// isForbiddenRequestHeader reports whether a page can never set the header
// name (lower case). Values of the X-HTTP-Method family are not checked:
// the browser drops those headers before the request is made, so they never
// reach a HAR with a forbidden method.
func isForbiddenRequestHeader(name string) bool {
	return forbiddenRequestHeaders[name] ||
		strings.HasPrefix(name, "proxy-") || strings.HasPrefix(name, "sec-")
}

// chromiumExtraSafelisted reports whether Chromium safelists the header
// name (lower case) with this value although the spec does not: the legacy
// client hints and "intervention" (cors.cc, IsCorsSafelistedHeader). ok is
// false for any other name. Chromium checks a hint's value: DPR, Device-Memory
// and Downlink must be digits with at most one '.' that digits follow, Width,
// Viewport-Width and RTT digits only, ECT one of its four words (case
// matters), Save-Data the word "on" in any case (recorded in
// go--client-hints-decimal, -integer and -keyword, go--dpr-invalid and
// go--save-data-off). Firefox safelists none of them.
func chromiumExtraSafelisted(name, value string) (safe, ok bool) {
	switch name {
	case "intervention":
		return true, true
	case "dpr", "device-memory", "downlink":
		whole, frac, dot := strings.Cut(value, ".")
		return allDigits(whole) && (!dot || allDigits(frac)), true
	case "width", "viewport-width", "rtt":
		return allDigits(value), true
	case "ect":
		return value == "slow-2g" || value == "2g" || value == "3g" || value == "4g", true
	case "save-data":
		return strings.EqualFold(value, "on"), true
	}
	return false, false
}

// isUnsafeByte is the spec's "CORS-unsafe request-header byte".
func isUnsafeByte(c byte) bool {
	if c < 0x20 && c != '\t' || c == 0x7f {
		return true
	}
	switch c {
	case '"', '(', ')', ':', '<', '>', '?', '@', '[', '\\', ']', '{', '}':
		return true
	}
	return false
}

func hasUnsafeByte(v string) bool {
	for i := 0; i < len(v); i++ {
		if isUnsafeByte(v[i]) {
			return true
		}
	}
	return false
}

// isSafelistedHeader is the spec's "CORS-safelisted request-header" for a
// lower-case name, plus Chromium's extras (chromiumExtraSafelisted).
func isSafelistedHeader(name, value string) bool {
	if len(value) > 128 {
		return false
	}
	switch name {
	case "accept":
		return !hasUnsafeByte(value)
	case "accept-language", "content-language":
		for i := 0; i < len(value); i++ {
			c := value[i]
			if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' ||
				c == ' ' || c == '*' || c == ',' || c == '-' || c == '.' || c == ';' || c == '=') {
				return false
			}
		}
		return true
	case "content-type":
		if hasUnsafeByte(value) {
			return false
		}
		switch mimeEssence(value) {
		case "application/x-www-form-urlencoded", "multipart/form-data", "text/plain":
			return true
		}
		return false
	case "range":
		return isSimpleRange(value)
	}
	safe, _ := chromiumExtraSafelisted(name, value)
	return safe
}

// isSafelistedHeaderIn is isSafelistedHeader as the browser that wrote the
// capture applies it: Firefox keeps to the spec and safelists none of
// Chromium's extras, whatever their value.
func isSafelistedHeaderIn(name, value string, firefox bool) bool {
	if firefox {
		if _, extra := chromiumExtraSafelisted(name, value); extra {
			return false
		}
	}
	return isSafelistedHeader(name, value)
}

// mimeEssence returns the lower-case type/subtype of a MIME type, or "" when
// it does not parse. Parameters are ignored, as the spec's "parse a MIME
// type" does; "text/plain,text/plain" does not parse (the subtype is not a
// token) and so needs a preflight.
func mimeEssence(v string) string {
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	v = strings.TrimSpace(v)
	slash := strings.IndexByte(v, '/')
	if slash <= 0 || slash == len(v)-1 || !isToken(v[:slash]) || !isToken(v[slash+1:]) {
		return ""
	}
	return strings.ToLower(v)
}

// isSimpleRange reports whether v is "bytes=start-[end]" with no whitespace,
// one range and start <= end: the only Range value the spec safelists.
func isSimpleRange(v string) bool {
	rest, ok := strings.CutPrefix(v, "bytes=")
	if !ok {
		return false
	}
	a, b, ok := strings.Cut(rest, "-")
	if !ok || a == "" || !allDigits(a) || b != "" && !allDigits(b) {
		return false
	}
	if b == "" {
		return true
	}
	x, err1 := strconv.ParseUint(a, 10, 64)
	y, err2 := strconv.ParseUint(b, 10, 64)
	return err1 == nil && err2 == nil && x <= y
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// unsafeHeaderNames is the spec's "CORS-unsafe request-header names" over
// the headers a page set, in request order (Chromium reports the first
// disallowed one in that order). Names are lower case and unique. firefox
// says the capture is Firefox's, which safelists fewer headers
// (isSafelistedHeaderIn).
//
// A request's names are compared with those already taken one by one while
// there are few of them (a request that sets more than a dozen is rare),
// then through a map.
func unsafeHeaderNames(hs []hdr, firefox bool) []string {
	var unsafe []string
	var buf [16]string
	safe := buf[:0]
	var seen map[string]bool
	total := 0
	for _, h := range hs {
		n := strings.ToLower(h.name)
		if n == "" || n[0] == ':' || isForbiddenRequestHeader(n) {
			continue
		}
		if seen == nil && len(safe)+len(unsafe) >= 16 {
			seen = make(map[string]bool, 2*len(hs))
			for _, s := range safe {
				seen[s] = true
			}
			for _, s := range unsafe {
				seen[s] = true
			}
		}
		if seen != nil {
			if seen[n] {
				continue
			}
			seen[n] = true
		} else if slices.Contains(safe, n) || slices.Contains(unsafe, n) {
			continue
		}
		if isSafelistedHeaderIn(n, h.value, firefox) {
			total += len(h.value)
			safe = append(safe, n)
		} else {
			unsafe = append(unsafe, n)
		}
	}
	// Safelisted values over 1024 bytes in total make every name unsafe.
	if total > 1024 {
		unsafe = append(unsafe, safe...)
	}
	return unsafe
}

type hdr struct{ name, value string }

// parseTokenList parses Access-Control-Allow-Methods or -Headers the way
// Chromium does (ParseAccessControlAllowList): split on commas, trim, drop
// empty items, and require every item to be an HTTP token ("*" is one).
// It returns the first bad item when the list does not parse.
func parseTokenList(values []string) (items []string, bad string, ok bool) {
	for _, v := range values {
		for {
			it, rest, more := strings.Cut(v, ",")
			if it = trimHTTPSpace(it); it != "" {
				if !isToken(it) {
					return nil, it, false
				}
				items = append(items, it)
			}
			if !more {
				break
			}
			v = rest
		}
	}
	return items, "", true
}

// isToken reports whether s is an RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f {
			return false
		}
		switch c {
		case '(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '/', '[', ']', '?', '=', '{', '}':
			return false
		}
	}
	return true
}

func trimHTTPSpace(s string) string { return strings.Trim(s, " \t\r\n") }

// normalizedHeader is Chromium's GetNormalizedHeader: the values of every
// line named name, each trimmed, joined with ", ". Several
// Access-Control-Allow-Origin lines therefore become one value that can
// never equal an origin.
func normalizedHeader(values []string) (string, bool) {
	if len(values) == 0 {
		return "", false
	}
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = trimHTTPSpace(v)
	}
	return strings.Join(parts, ", "), true
}

// defaultPorts are the URL Standard's special-scheme default ports.
var defaultPorts = map[string]string{"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}

// DefaultPort is the port a URL of scheme (in lower case) goes to when it
// names none: the URL Standard's default for the special schemes, else "".
func DefaultPort(scheme string) string { return defaultPorts[scheme] }

// origin is a serialised origin ("https://example.com:8443") or "null".
// originOf returns the origin of an absolute URL, or "" when the URL does
// not parse or has no host.
func originOf(raw string) string {
	if o, ok := fastOrigin(raw); ok {
		return o
	}
	return parsedOrigin(raw)
}

// parsedOrigin is originOf through url.Parse.
func parsedOrigin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	port := u.Port()
	if port == defaultPorts[scheme] {
		port = ""
	}
	if port != "" {
		return scheme + "://" + host + ":" + port
	}
	return scheme + "://" + host
}

// fastOrigin is originOf for the URLs nearly every entry has: http or https
// in lower case, a lower-case host name, perhaps a port, no userinfo, no
// percent sign, no control character. It gives what url.Parse would; ok is
// false for anything else, which then goes through url.Parse.
func fastOrigin(raw string) (origin string, ok bool) {
	var scheme, def string
	switch {
	case strings.HasPrefix(raw, "https://"):
		scheme, def = "https://", "443"
	case strings.HasPrefix(raw, "http://"):
		scheme, def = "http://", "80"
	default:
		return "", false
	}
	end, colon := len(raw), -1
	i := len(scheme)
host:
	for ; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '/' || c == '?' || c == '#':
			end = i
			break host
		case c == ':':
			if colon >= 0 {
				return "", false
			}
			colon = i
		case colon >= 0 && c >= '0' && c <= '9':
		case colon < 0 && (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-'):
		default:
			return "", false // control characters and '%' among them
		}
	}
	// Past the host, only what url.Parse may reject is looked for.
	for ; i < len(raw); i++ {
		if c := raw[i]; c < 0x20 || c == 0x7f || c == '%' {
			return "", false
		}
	}
	host, port := raw[len(scheme):end], ""
	if colon >= 0 {
		host, port = raw[len(scheme):colon], raw[colon+1:end]
		if port == "" {
			return "", false
		}
	}
	if host == "" {
		return "", false
	}
	if port == def {
		return scheme + host, true
	}
	return raw[:end], true // without a port, scheme + host is raw[:end]
}

// parsesAsURL approximates Chromium's GURL validity for an
// Access-Control-Allow-Origin value: a scheme, and for the special schemes a
// host without forbidden code points. "example.com" and "*.example.com" do
// not parse (kInvalidAllowOriginValue); "https://*.example.com" and
// "localhost:8080" (scheme "localhost") do, so Chromium reports a mismatch.
func parsesAsURL(v string) bool {
	colon := strings.IndexByte(v, ':')
	if colon <= 0 {
		return false
	}
	scheme := v[:colon]
	for i := 0; i < len(scheme); i++ {
		c := scheme[i]
		alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !alpha && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	s := strings.ToLower(scheme)
	if _, special := defaultPorts[s]; !special && s != "file" {
		return true
	}
	if s == "file" {
		return true
	}
	rest := strings.TrimLeft(v[colon+1:], "/\\")
	host := rest
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:]
	}
	if h, p, ok := strings.Cut(host, ":"); ok && !strings.HasPrefix(host, "[") {
		if p != "" && !allDigits(p) {
			return false
		}
		host = h
	}
	if host == "" {
		return false
	}
	return !strings.ContainsAny(host, " #%<>^|")
}
