package analyze

import (
	"slices"
	"strings"
	"testing"

	"github.com/harcors/harcors/har"
)

// slowHeaderID is headerID by a search with strings.EqualFold, as
// har.Headers compares names.
func slowHeaderID(name string) hid {
	for i, n := range headerNames {
		if strings.EqualFold(name, n) {
			return hid(i)
		}
	}
	return noHeader
}

// TestHeaderID: the one-pass lookup finds what a search with
// strings.EqualFold finds, for every case and for non-ASCII names that fold
// to ASCII ones (U+017F folds to "s", U+212A to "k").
func TestHeaderID(t *testing.T) {
	if headerTries > 1000 {
		t.Errorf("the perfect hash took %d tries to find: start-up pays for each", headerTries)
	}
	seen := map[string]bool{}
	for _, n := range headerNames {
		if n == "" || n != strings.ToLower(n) || seen[n] {
			t.Errorf("header name %q: empty, not lower case or listed twice", n)
		}
		seen[n] = true
	}
	names := []string{"", "Location", "LINK", "x-Total-Count", "X-TOTAL", "content-type", "x-cſrf-token",
		"x-auth-to\u212aen", "conten\u0442-disposition", "x-ratelimit-remaining-extra", strings.Repeat("x", 40),
		"acce\u017f\u017f-control-request-private-network", "ACCESS-CONTROL-REQUEST-PRIVATE-NETWOR\u212a", strings.Repeat("\u017f", 30)}
	for _, n := range headerNames {
		names = append(names, n, strings.ToUpper(n), n+" ", n[1:], strings.ReplaceAll(n, "s", "ſ"), strings.ReplaceAll(n, "k", "\u212a"))
	}
	for _, n := range names {
		if got, want := headerID(n), slowHeaderID(n); got != want {
			t.Errorf("headerID(%q) = %d, want %d", n, got, want)
		}
	}
}

func FuzzHeaderID(f *testing.F) {
	f.Add("X-Request-Id")
	f.Add("acce\u017f\u017f-control-allow-origin")
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := headerID(name), slowHeaderID(name); got != want {
			t.Errorf("headerID(%q) = %d, want %d", name, got, want)
		}
	})
}

// TestHeaderIndex: every lookup of the index gives what the header list's
// own gives, for headers sent once, twice, not at all, in any case, and
// beyond the positions the index records.
func TestHeaderIndex(t *testing.T) {
	var filler har.Headers
	for i := range 300 {
		filler = append(filler, har.Header{Name: "x-filler-" + itoa(i), Value: "v"})
	}
	lists := map[string]har.Headers{
		"none": nil,
		"chrome": {{Name: ":status", Value: "200"}, {Name: "access-control-allow-origin", Value: " https://a.example "},
			{Name: "vary", Value: "Accept-Encoding, ORIGIN"}, {Name: "x-powered-by", Value: "Kestrel, Origin"}, {Name: "Vary", Value: "Accept-Encoding"}, {Name: "server", Value: "nginx"},
			{Name: "set-cookie", Value: "a=1"}, {Name: "SET-COOKIE", Value: "b=2; SameSite=None"},
			{Name: "x-frame-options", Value: "deny"}, {Name: "X-Request-Id", Value: "1"}},
		"folded": {{Name: "acce\u017f\u017f-control-allow-origin", Value: "*"}, {Name: "x-content-type-options", Value: "x"},
			{Name: "X-Content-Type-Options", Value: " NOSNIFF "}, {Name: "\u212aeep", Value: "1"}},
		"far": append(append(har.Headers{{Name: "Vary", Value: "a"}}, filler...),
			har.Header{Name: "Access-Control-Allow-Origin", Value: "null"}, har.Header{Name: "vary", Value: "b"},
			har.Header{Name: "Access-Control-Allow-Origin", Value: "*"}, har.Header{Name: "Set-Cookie", Value: "c=3"}),
	}
	for name, h := range lists {
		var ix headerIndex
		ix.index(h)
		for id, n := range headerNames {
			id := hid(id)
			wv, wok := h.Get(n)
			if v, ok := ix.get(id); v != wv || ok != wok {
				t.Errorf("%s: get(%s) = %q, %v; want %q, %v", name, n, v, ok, wv, wok)
			}
			if got := ix.present(id); got != h.Has(n) {
				t.Errorf("%s: present(%s) = %v", name, n, got)
			}
			if got, want := ix.values(id), h.Values(n); !slices.Equal(got, want) {
				t.Errorf("%s: values(%s) = %q, want %q", name, n, got, want)
			}
			wn, wnok := normalizedHeader(h.Values(n))
			if v, ok := ix.normalized(id); v != wn || ok != wnok {
				t.Errorf("%s: normalized(%s) = %q, %v; want %q, %v", name, n, v, ok, wn, wnok)
			}
			if got, want := ix.joinedLower(id), strings.ToLower(strings.Join(h.Values(n), ",")); got != want {
				t.Errorf("%s: joinedLower(%s) = %q, want %q", name, n, got, want)
			}
			for _, s := range []string{"origin", "*", "accept-encoding", "access-control-request-method"} {
				if got, want := ix.containsLower(id, s), strings.Contains(ix.joinedLower(id), s); got != want {
					t.Errorf("%s: containsLower(%s, %s) = %v, want %v", name, n, s, got, want)
				}
			}
			for _, want := range []string{"nosniff", "DENY", "*"} {
				if got := ix.hasValue(id, want); got != hasValue(h, n, want) {
					t.Errorf("%s: hasValue(%s, %s) = %v", name, n, want, got)
				}
			}
		}
	}
}

// TestExposed: exposed finds a name where a set of the lines' items,
// trimmed and lower-cased, holds it.
func TestExposed(t *testing.T) {
	lists := [][]string{nil, {""}, {"*"}, {" X-Request-Id , Link"}, {"a,,b", " LOCATION\t"}, {"x-cſrf-token", "X-\u212aEY"}}
	for _, lines := range lists {
		set := map[string]bool{}
		for _, v := range lines {
			for _, n := range strings.Split(v, ",") {
				set[strings.ToLower(strings.TrimSpace(n))] = true
			}
		}
		for _, n := range append([]string{"*", "", "x-key", "a", "b"}, interestingResponseHeaders[:]...) {
			if got := exposed(lines, n); got != set[n] {
				t.Errorf("exposed(%q, %q) = %v", lines, n, got)
			}
		}
	}
}

// TestParseSetCookie compares parseSetCookie with reading every attribute
// into a map of lower-cased names, the plain way.
func TestParseSetCookie(t *testing.T) {
	plain := func(v string) (string, string, bool, bool) {
		parts := strings.Split(v, ";")
		name, _, _ := strings.Cut(parts[0], "=")
		attrs := map[string]string{}
		for _, p := range parts[1:] {
			k, val, _ := strings.Cut(p, "=")
			attrs[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(val)
		}
		ss, hasSS := attrs["samesite"]
		_, secure := attrs["secure"]
		return strings.TrimSpace(name), ss, hasSS, secure
	}
	for _, v := range []string{
		"", "a", "a=1", " a = 1 ; Path=/", "sid=x; SameSite=None", "sid=x; samesite=none; secure",
		"sid=x; SameSite=Lax; SameSite=None; Secure", "sid=x;SECURE;SAMESITE", "sid=x; Secure=yes;",
		"sid=x; ſecure; SameSite = Strict ", "sid=x; İsecure", "=v; SameSite", "a=b=c; x=y;;; secure ;",
	} {
		n1, s1, h1, c1 := parseSetCookie(v)
		n2, s2, h2, c2 := plain(v)
		if n1 != n2 || s1 != s2 || h1 != h2 || c1 != c2 {
			t.Errorf("%q: %q %q %v %v, want %q %q %v %v", v, n1, s1, h1, c1, n2, s2, h2, c2)
		}
	}
}
