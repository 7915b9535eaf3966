package analyze

import (
	"slices"
	"testing"
)

// The cases below are the Fetch Standard's definitions and the
// web-platform-tests rows quoted in shared/CORS-NOTES.md §9.2; browser
// verdicts themselves are checked against recorded Chromium runs in
// agree_test.go.

func TestSafelistedHeader(t *testing.T) {
	long := string(make([]byte, 129))
	for _, c := range []struct {
		name, value string
		want        bool
	}{
		{"accept", "*/*", true},
		{"accept", `"`, false},
		{"accept", long, false},
		{"accept-language", "en-US,en;q=0.9", true},
		{"accept-language", "@", false},
		{"content-language", "eu", true},
		{"content-type", "text/plain", true},
		{"content-type", "Text/Plain;charset=utf-8", true},
		{"content-type", "text/plain;garbage", true},
		{"content-type", "application/x-www-form-urlencoded", true},
		{"content-type", "multipart/form-data; boundary=x", true},
		{"content-type", "application/json", false},
		{"content-type", "text/plain,text/plain", false},
		{"content-type", "text /plain", false},
		{"content-type", "text/html", false},
		{"range", "bytes=200-", true},
		{"range", "bytes=100-200", true},
		{"range", "bytes=-200", false},
		{"range", "bytes=100-200,300-400", false},
		{"range", "bytes = 100-200", false},
		{"range", "bytes=200-100", false},
		{"authorization", "basics", false},
		{"x-test", "1", false},
		{"dpr", "2", true}, // Chromium's client-hint extra
	} {
		if got := isSafelistedHeader(c.name, c.value); got != c.want {
			t.Errorf("isSafelistedHeader(%q, %q) = %v, want %v", c.name, c.value, got, c.want)
		}
	}
}

func TestUnsafeHeaderNames(t *testing.T) {
	hs := []hdr{{"User-Agent", "x"}, {"X-Custom", "1"}, {"Content-Type", "application/json"},
		{"Accept", "*/*"}, {"Sec-Fetch-Mode", "cors"}, {":authority", "h"}, {"Authorization", "Bearer x"}, {"x-custom", "2"}}
	got := unsafeHeaderNames(hs)
	want := []string{"x-custom", "content-type", "authorization"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// Safelisted values over 1024 bytes in total make them all unsafe.
	big := make([]byte, 100)
	for i := range big {
		big[i] = 'a'
	}
	var many []hdr
	for _, n := range []string{"accept", "accept-language", "content-language"} {
		many = append(many, hdr{n, string(big)})
	}
	if got := unsafeHeaderNames(many); len(got) != 0 {
		t.Errorf("300 bytes of safelisted values: got %q, want none", got)
	}
	// Nine distinct safelisted headers of 120 bytes: 1080 bytes in total.
	var huge []hdr
	v := string(big) + "aaaaaaaaaaaaaaaaaaaa"
	for _, n := range []string{"accept", "accept-language", "content-language", "dpr", "downlink", "rtt", "ect", "device-memory", "width"} {
		huge = append(huge, hdr{n, v})
	}
	if got := unsafeHeaderNames(huge); len(got) != 9 {
		t.Errorf("over 1024 bytes of safelisted values: want all 9 unsafe, got %q", got)
	}
}

func TestParseTokenList(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want []string
		bad  string
	}{
		{[]string{"GET, POST,PUT"}, []string{"GET", "POST", "PUT"}, ""},
		{[]string{"GET,,POST,"}, []string{"GET", "POST"}, ""},
		{[]string{"*"}, []string{"*"}, ""},
		{[]string{"GET POST"}, nil, "GET POST"},
		{[]string{`"GET"`}, nil, `"GET"`},
		{[]string{"x-force-preflight,Bad value"}, nil, "Bad value"},
		{[]string{"a", "b"}, []string{"a", "b"}, ""},
	} {
		got, bad, ok := parseTokenList(c.in)
		if ok != (c.bad == "") || bad != c.bad || (ok && !slices.Equal(got, c.want)) {
			t.Errorf("parseTokenList(%q) = %q, %q, %v", c.in, got, bad, ok)
		}
	}
}

func TestOriginOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://A.example.com:443/x?y#z": "https://a.example.com",
		"http://localhost:8800/":          "http://localhost:8800",
		"http://[::1]:80/":                "http://[::1]",
		"not a url":                       "",
	} {
		if got := originOf(in); got != want {
			t.Errorf("originOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeMethod(t *testing.T) {
	for in, want := range map[string]string{"get": "GET", "delete": "DELETE", "patch": "patch", "PATCH": "PATCH", "Put": "PUT"} {
		if got := normalizeMethod(in); got != want {
			t.Errorf("normalizeMethod(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNearMiss(t *testing.T) {
	for _, c := range []struct {
		acao, origin string
		ok           bool
	}{
		{"https://app.example.com/", "https://app.example.com", true},
		{"HTTPS://APP.EXAMPLE.COM", "https://app.example.com", true},
		{"https://app.example.com:443", "https://app.example.com", true},
		{"http://app.example.com", "https://app.example.com", true},
		{"https://www.app.example.com", "https://app.example.com", true},
		{"https://other.example.com", "https://app.example.com", false},
	} {
		if _, ok := nearMiss(c.acao, c.origin); ok != c.ok {
			t.Errorf("nearMiss(%q, %q) = %v, want %v", c.acao, c.origin, ok, c.ok)
		}
	}
}
