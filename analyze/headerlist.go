package analyze

import "strings"

// Header lists in fix texts.
//
// A fix that is code lists header names in its language's own syntax, so
// the template says which: {headers:IDIOM} or {headers:IDIOM:ITEMS} is
// replaced by the whole list, brackets included, of ITEMS followed by the
// headers of the finding. Joining the names into one string and pasting
// it into a quoted item gave ['Content-Type', 'authorization, x-trace']
// (one item holding two names) and ['Content-Type', 'content-type'].
//
// IDIOM is one of
//
//	js       JavaScript array          ['a', 'b']
//	py       Python list               ['a', 'b']
//	pytuple  Python tuple              ('a', 'b'), ('a',), ()
//	go       Go []string literal       []string{"a", "b"}
//	php      PHP array                 ['a', 'b']
//	value    a header value's list     a, b  (no brackets: the template
//	                                   quotes it as its language needs)
//
// ITEMS, separated by commas, come first, as the template writes them: a
// header name is quoted like the others and keeps a requested header of
// the same name (in any case) out of the list; "..." (more of the same)
// and an item starting with "*" (a splat: *default_headers) are written
// as they are. The prose placeholder {header} stays a plain "a, b".

// headerIdioms maps an idiom to its brackets and quote.
var headerIdioms = map[string]struct{ open, close, quote string }{
	"js":      {"[", "]", "'"},
	"py":      {"[", "]", "'"},
	"pytuple": {"(", ")", "'"},
	"go":      {"[]string{", "}", `"`},
	"php":     {"[", "]", "'"},
	"value":   {"", "", ""},
}

const headersOpen = "{headers:"

// FillHeaders replaces each {headers:IDIOM[:ITEMS]} placeholder of s with
// the list of its items and names, written in IDIOM. Only names of
// letters, digits, '-', '_' and '.' are listed: an HTTP token may also
// hold a quote, '$' or '%', which would end a list's quoted item or be
// expanded by nginx and Apache, and real header names never do (a
// doctored capture may). A placeholder with an unknown idiom, or
// unclosed, is kept as it is.
func FillHeaders(s string, names []string) string {
	i := strings.Index(s, headersOpen)
	if i < 0 {
		return s
	}
	var b strings.Builder
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i:]
		end := strings.IndexByte(s, '}')
		if end < 0 {
			break
		}
		spec := s[len(headersOpen):end]
		idiom, items, _ := strings.Cut(spec, ":")
		form, ok := headerIdioms[idiom]
		if !ok {
			b.WriteString(s[:end+1])
		} else {
			writeHeaderList(&b, form.open, form.close, form.quote, idiom == "pytuple", items, names)
		}
		s = s[end+1:]
		i = strings.Index(s, headersOpen)
	}
	b.WriteString(s)
	return b.String()
}

func writeHeaderList(b *strings.Builder, open, close, quote string, tuple bool, items string, names []string) {
	var out []string
	var seen []string
	add := func(n string) {
		for _, s := range seen {
			if strings.EqualFold(s, n) {
				return
			}
		}
		seen = append(seen, n)
		out = append(out, quote+n+quote)
	}
	if items != "" {
		for _, it := range strings.Split(items, ",") {
			it = strings.TrimSpace(it)
			if it == "..." || strings.HasPrefix(it, "*") {
				out = append(out, it)
				continue
			}
			add(it)
		}
	}
	// The template's elision stays last, after the requested names.
	var tail string
	if n := len(out); n > 0 && out[n-1] == "..." {
		out, tail = out[:n-1], "..."
	}
	for _, n := range names {
		if plainName(n) {
			add(n)
		}
	}
	if tail != "" {
		out = append(out, tail)
	}
	b.WriteString(open)
	b.WriteString(strings.Join(out, ", "))
	if tuple && len(out) == 1 {
		b.WriteByte(',')
	}
	b.WriteString(close)
}

func plainName(n string) bool {
	if n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
