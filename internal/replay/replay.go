// Package replay writes the command that replays a CORS preflight without a
// browser, so that a backend developer can check a fix with curl alone.
package replay

import (
	"sort"
	"strings"
)

// Preflight returns the curl command that sends the preflight a browser
// sends before a method request with the given non-safelisted request
// headers from origin to url:
//
//	curl -i -X OPTIONS 'URL' -H 'Origin: ...' -H 'Access-Control-Request-Method: ...' [-H 'Access-Control-Request-Headers: ...']
//
// It never carries cookies or credentials: a browser sends none on a
// preflight, and a server that needs them there is the bug. The header
// names are lower-cased, deduplicated and sorted, as Chromium sends them.
// The caller redacts url (it may hold tokens); the fragment, which no
// browser sends, is dropped. Every argument is quoted for a POSIX shell.
func Preflight(url, origin, method string, headers []string) string {
	if i := strings.IndexByte(url, '#'); i >= 0 {
		url = url[:i]
	}
	if method == "" {
		method = "GET"
	}
	var b strings.Builder
	b.WriteString("curl -i -X OPTIONS ")
	b.WriteString(Quote(url))
	if origin != "" {
		b.WriteString(" -H " + Quote("Origin: "+origin))
	}
	b.WriteString(" -H " + Quote("Access-Control-Request-Method: "+method))
	if names := headerList(headers); names != "" {
		b.WriteString(" -H " + Quote("Access-Control-Request-Headers: "+names))
	}
	return b.String()
}

// headerList is the Access-Control-Request-Headers value for names.
func headerList(headers []string) string {
	seen := map[string]bool{}
	var names []string
	for _, h := range headers {
		for _, n := range strings.Split(h, ",") {
			n = strings.ToLower(strings.TrimSpace(n))
			if n == "" || seen[n] || !token(n) {
				continue
			}
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// token reports whether s is an HTTP token (a header name): anything else
// cannot be a header name and is dropped rather than quoted into the line.
func token(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

// Quote quotes s for a POSIX shell: in single quotes, each ' written '\”.
// Control characters cannot be pasted safely in a terminal, so they are
// dropped.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\'':
			b.WriteString(`'\''`)
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
