package analyze

import (
	"strings"

	"github.com/harcors/harcors/har"
)

// ReplayHeaders returns the header names a preflight for the finding's
// request lists in Access-Control-Request-Headers: the preflight's own
// list when the capture holds it, else the request's headers that a page
// set and that are not CORS-safelisted for the browser that wrote the
// capture (what it would list).
// Cache-Control and Pragma are left out: DevTools' "Disable cache" adds
// them to the request without the page asking, and they are not in the
// preflight the page's own request caused.
func ReplayHeaders(f *Finding) []string {
	if f.Asked != nil {
		return f.Asked.Headers
	}
	if f.PreflightEntry != nil {
		return f.PreflightEntry.Request.Headers.Values("Access-Control-Request-Headers")
	}
	if f.Request == nil {
		return nil
	}
	var names []string
	for _, h := range f.Request.Request.Headers {
		n := strings.ToLower(strings.TrimSpace(h.Name))
		if n == "" || har.IsPseudo(h.Name) || isForbiddenRequestHeader(n) || isSafelistedHeaderIn(n, h.Value, f.FirefoxCapture) ||
			n == "cache-control" || n == "pragma" {
			continue
		}
		names = append(names, n)
	}
	return names
}

// ReplayMethod is the method the preflight asks for: the preflight's
// Access-Control-Request-Method when captured, else the request's method.
func ReplayMethod(f *Finding) string {
	if f.Asked != nil {
		return f.Asked.Method
	}
	if f.PreflightEntry != nil {
		if m, ok := f.PreflightEntry.Request.Headers.Get("Access-Control-Request-Method"); ok && strings.TrimSpace(m) != "" {
			return strings.TrimSpace(m)
		}
	}
	return f.Method
}

// ReplayOrigin is the Origin the preflight sends: the one the browser sent
// (the preflight's, else the request's), which after a cross-origin
// redirect is "null", not the page's origin; the page's origin when the
// capture holds neither header.
func ReplayOrigin(f *Finding) string {
	if f.Asked != nil {
		return f.Asked.Origin
	}
	for _, e := range []*har.Entry{f.PreflightEntry, f.Request} {
		if e == nil {
			continue
		}
		if o, ok := e.Request.Headers.Get("Origin"); ok && strings.TrimSpace(o) != "" {
			return strings.TrimSpace(o)
		}
	}
	return f.Origin
}

// Asked is what a finding's preflight asked for (or would have asked, when
// the capture lacks it), kept when the finding's entries are not
// (Options.Keep), so that its preflight can still be replayed.
type Asked struct {
	Origin  string
	Method  string
	Headers []string
}

// asked fills f.Asked from f's entries, for a finding whose preflight can
// be replayed, before the entries are dropped.
func asked(f *Finding) {
	if f.Asked == nil && f.URL != "" && (f.PreflightEntry != nil || !f.PreflightCaptured) {
		f.Asked = &Asked{Origin: ReplayOrigin(f), Method: ReplayMethod(f), Headers: ReplayHeaders(f)}
	}
}
