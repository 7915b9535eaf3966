package analyze

import (
	"slices"
	"testing"

	"github.com/harcors/harcors/har"
)

// TestNoteCookies: the values kept for redaction come from the cookie
// lists, or, when an exporter left a list empty, from every Cookie or
// Set-Cookie header line whatever the case of its name; short values are
// not kept.
func TestNoteCookies(t *testing.T) {
	cases := []struct {
		name string
		e    har.Entry
		want []string
	}{
		{"lists", har.Entry{
			Request:  har.Request{Cookies: []har.Cookie{{Name: "sid", Value: " sessionvalue1 "}, {Name: "f", Value: "short"}}, Headers: har.Headers{{Name: "Cookie", Value: "x=headervalue1"}}},
			Response: har.Response{Cookies: []har.Cookie{{Name: "t", Value: "setvalue123"}}, Headers: har.Headers{{Name: "Set-Cookie", Value: "y=headervalue2"}}},
		}, []string{"sessionvalue1", "setvalue123"}},
		{"headers", har.Entry{
			Request: har.Request{Headers: har.Headers{
				{Name: "cookie", Value: "a=cookievalue1; b=2; c=cookievalue3"},
				{Name: "Accept", Value: "*/*"},
				{Name: "COOKIE", Value: "d=cookievalue4"},
			}},
			Response: har.Response{Headers: har.Headers{
				{Name: "set-cookie", Value: "e=setcookie01; Path=/; HttpOnly\nf=setcookie02; Secure"},
				{Name: "Set-Cookie", Value: "g=setcookie03"},
			}},
		}, []string{"cookievalue1", "cookievalue3", "cookievalue4", "setcookie01", "setcookie02", "setcookie03"}},
		{"none", har.Entry{Request: har.Request{Headers: har.Headers{{Name: "Cookies", Value: "a=notacookie1"}}}}, nil},
	}
	for _, c := range cases {
		var hx entryHeaders
		hx.index(&c.e)
		set := map[string]struct{}{}
		noteCookies(&c.e, &hx, set)
		got := cookieValueList(set)
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: kept %q, want %q", c.name, got, c.want)
		}
	}
}
