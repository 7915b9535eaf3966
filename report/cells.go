package report

import (
	"strings"

	"github.com/harcors/harcors/analyze"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// This file holds the short texts that fill table cells and titles: the
// error a browser showed, the check that failed, URLs cut to a width.

// errorName is the name of the error the user's console showed: Firefox's
// key in a capture Firefox wrote, Chromium's CorsError otherwise; "" when
// the browser reports none.
func errorName(f *analyze.Finding) string {
	if f.FirefoxCapture && f.Firefox != "" {
		return f.Firefox
	}
	return string(f.Chromium)
}

// checkText is the short human form of the check a finding failed, with
// its value already cleaned, from analyze's table of Chromium errors; for
// findings that carry no Chromium error (warnings, network errors) it is
// the rule's title.
func checkText(f *analyze.Finding, value string) string {
	if t := f.Chromium.CheckText(truncate(value, valueMax), f.Status); t != "" {
		return t
	}
	return f.Rule.Title
}

// width is the display width of s as the table library measures it (East
// Asian wide characters count two, ANSI colour sequences none), so that our
// own wrapping and the library's layout agree.
func width(s string) int { return twwidth.Width(s) }

const ellipsis = "…"

// The longest texts that the formats for people show: a cause, a fix or a
// console message (textMax), and an offending value in a check's text
// (valueMax), and a header's name (nameMax). A server can send a header
// of a megabyte, and a cause quotes it; the JSON keeps every text whole.
const (
	textMax  = 1000
	valueMax = 200
	nameMax  = 80
)

// shortenURL makes a URL fit in max columns for a table cell. It keeps what
// tells requests apart when reading a CORS report: the host (the origin the
// request went to) and the end of the path (the route); it cuts the query
// (marked "?…") and elides the middle of the path ("/…/"). The scheme goes
// first when room runs out. u is already redacted and sanitized.
func shortenURL(u string, max int) string {
	if width(u) <= max {
		return u
	}
	p, ok := splitURL(u)
	if !ok {
		return truncate(u, max)
	}
	path := p.path
	if path == "" {
		path = "/"
	}
	tail := ""
	if p.query != "" || p.fragment != "" {
		tail = "?" + ellipsis
	}
	for _, prefix := range []string{p.scheme + "://", ""} {
		if s := prefix + p.host + path + tail; width(s) <= max {
			return s
		}
	}
	// Keep the host whole (it names the server to fix) and as many
	// trailing segments as fit after "/…/"; cut the last segment itself only
	// when nothing else fits.
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	best := ""
	for i := len(segs) - 1; i >= 1; i-- {
		s := p.host + "/" + ellipsis + "/" + strings.Join(segs[i:], "/") + tail
		if width(s) > max {
			break
		}
		best = s
	}
	if best != "" {
		return best
	}
	head := p.host + "/"
	if len(segs) > 1 {
		head += ellipsis + "/"
	}
	room := max - width(head)
	if room < 8 {
		room = 8
	}
	return head + truncateLeft(segs[len(segs)-1]+tail, room)
}

// truncateLeft cuts s to max columns keeping its end, after an ellipsis:
// the end of a route names it better than its start.
func truncateLeft(s string, max int) string {
	if width(s) <= max {
		return s
	}
	rs := []rune(s)
	w, i := 0, len(rs)
	for i > 0 {
		rw := width(string(rs[i-1]))
		if w+rw > max-1 {
			break
		}
		w += rw
		i--
	}
	return ellipsis + string(rs[i:])
}

// truncate cuts s to max columns, ending in an ellipsis.
func truncate(s string, max int) string {
	if width(s) <= max {
		return s
	}
	if max <= 1 {
		return ellipsis
	}
	var b strings.Builder
	w := 0
	for _, r := range s {
		rw := width(string(r))
		if w+rw > max-1 {
			break
		}
		b.WriteRune(r)
		w += rw
	}
	return b.String() + ellipsis
}

// urlParts is a URL split without decoding anything. net/url would do,
// but it decodes the path (bringing back "%1b" as a raw ESC after
// sanitization) and re-encodes it for display ("<redacted>" as
// "%3Credacted%3E"); reports show URLs as the HAR spelled them.
type urlParts struct {
	scheme, host, path, query, fragment string
}

// splitURL splits an absolute URL; ok is false when u has no
// "scheme://host".
func splitURL(u string) (urlParts, bool) {
	var p urlParts
	i := strings.Index(u, "://")
	if i <= 0 || strings.ContainsAny(u[:i], "/?#") {
		return p, false
	}
	p.scheme, u = u[:i], u[i+3:]
	if j := strings.IndexByte(u, '#'); j >= 0 {
		p.fragment, u = u[j+1:], u[:j]
	}
	if j := strings.IndexByte(u, '?'); j >= 0 {
		p.query, u = u[j+1:], u[:j]
	}
	if j := strings.IndexByte(u, '/'); j >= 0 {
		p.host, p.path = u[:j], u[j:]
	} else {
		p.host = u
	}
	return p, p.host != ""
}

// idSegment reports whether a path segment is an identifier rather than part
// of the route (analyze.IDSegment), or a redacted value.
func idSegment(s string) bool {
	return analyze.IDSegment(s) || strings.Contains(s, redacted)
}

// endpoint groups URLs by route: scheme://host plus the path with
// identifier segments replaced by ":id", without query or fragment. u is
// already redacted.
func endpoint(u string) string {
	p, ok := splitURL(u)
	if !ok {
		if i := strings.IndexAny(u, "?#"); i >= 0 {
			return u[:i]
		}
		return u
	}
	segs := strings.Split(p.path, "/")
	for i, s := range segs {
		if idSegment(s) {
			segs[i] = ":id"
		}
	}
	path := strings.Join(segs, "/")
	if path == "" {
		path = "/"
	}
	return p.scheme + "://" + p.host + path
}
