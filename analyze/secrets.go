package analyze

import (
	"strings"

	"github.com/harcors/harcors/har"
)

// cookieMin is the length from which a cookie value is kept for
// redaction: shorter values ("1", "en", "true") are flags, not secrets, and
// hiding them wherever they reappear would blank out harmless parameters.
const cookieMin = 8

// noteCookies adds to set the values of the cookies e sends or sets, from
// the cookies lists or, when an exporter left those empty, the Cookie and
// Set-Cookie headers (hx indexes e's). Reports redact these values
// wherever they reappear: trackers echo cookie values in query strings
// under harmless names (?uid=..., ?mbox3rdPartyId=...).
func noteCookies(e *har.Entry, hx *entryHeaders, set map[string]struct{}) {
	add := func(v string) {
		v = strings.TrimSpace(v)
		if len(v) >= cookieMin {
			set[v] = struct{}{}
		}
	}
	for _, c := range e.Request.Cookies {
		add(c.Value)
	}
	for _, c := range e.Response.Cookies {
		add(c.Value)
	}
	// Through the index: most entries carry neither header, and a scan of
	// each list for each name cost as much as the rest of this function.
	if len(e.Request.Cookies) == 0 {
		for _, v := range hx.rq.values(hCookie) {
			for p := range strings.SplitSeq(v, ";") {
				if _, val, ok := strings.Cut(p, "="); ok {
					add(val)
				}
			}
		}
	}
	if len(e.Response.Cookies) == 0 {
		for _, v := range hx.rs.values(hSetCookie) {
			for line := range strings.SplitSeq(v, "\n") {
				first, _, _ := strings.Cut(line, ";")
				if _, val, ok := strings.Cut(first, "="); ok {
					add(val)
				}
			}
		}
	}
}

// cookieValueList returns the values of set, for Result.CookieValues.
func cookieValueList(set map[string]struct{}) []string {
	if len(set) == 0 {
		return nil
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	return out
}
