package analyze

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/testcorpus"
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
	got := unsafeHeaderNames(hs, false)
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
	if got := unsafeHeaderNames(many, false); len(got) != 0 {
		t.Errorf("300 bytes of safelisted values: got %q, want none", got)
	}
	// Nine distinct safelisted headers of 120 bytes: 1080 bytes in total.
	// The client hints are safelisted only with numbers.
	var huge []hdr
	v := string(big) + "aaaaaaaaaaaaaaaaaaaa"
	digits := strings.Repeat("1", len(v))
	for _, n := range []string{"accept", "accept-language", "content-language", "intervention"} {
		huge = append(huge, hdr{n, v})
	}
	for _, n := range []string{"dpr", "downlink", "rtt", "device-memory", "width"} {
		huge = append(huge, hdr{n, digits})
	}
	if got := unsafeHeaderNames(huge[:8], false); len(got) != 0 {
		t.Errorf("960 bytes of safelisted values: got %q, want none", got)
	}
	if got := unsafeHeaderNames(huge, false); len(got) != 9 {
		t.Errorf("over 1024 bytes of safelisted values: want all 9 unsafe, got %q", got)
	}
}

// TestClientHintSafelist pins Chromium's value checks on the legacy client
// hints, as the recordings show them: each row is a request of
// go--client-hints-decimal, -integer or -keyword, go--dpr-numeric,
// go--dpr-invalid or go--save-data-off, whose Chromium verdict passed
// (true) or was refused at the preflight (false) by a server that allows
// no headers. Firefox preflighted every one of them.
func TestClientHintSafelist(t *testing.T) {
	for _, c := range []struct {
		name, value string
		want        bool
	}{
		{"dpr", "2", true},
		{"dpr", "1.5", true},
		{"dpr", "-1", false},
		{"dpr", "1e2", false},
		{"dpr", "2.", false},
		{"dpr", "abc", false},
		{"device-memory", "8", true},
		{"device-memory", "abc", false},
		{"downlink", "1.5", true},
		{"viewport-width", "1000", true},
		{"viewport-width", "10.5", false},
		{"width", "300", true},
		{"rtt", "50", true},
		{"rtt", "1.5", false},
		{"save-data", "ON", true},
		{"save-data", "off", false},
		{"ect", "4g", true},
		{"ect", "slow-2g", true},
		{"ect", "4G", false},
		{"ect", "5g", false},
	} {
		if got := isSafelistedHeader(c.name, c.value); got != c.want {
			t.Errorf("Chromium: isSafelistedHeader(%q, %q) = %v, want %v", c.name, c.value, got, c.want)
		}
		if isSafelistedHeaderIn(c.name, c.value, true) {
			t.Errorf("Firefox: %s: %s is safelisted, but Firefox preflighted it", c.name, c.value)
		}
		got := unsafeHeaderNames([]hdr{{c.name, c.value}}, true)
		if !slices.Equal(got, []string{c.name}) {
			t.Errorf("Firefox: unsafeHeaderNames(%s: %s) = %q, want [%s]", c.name, c.value, got, c.name)
		}
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

// TestFastOrigin: the fast path of originOf gives what url.Parse gives, on
// tricky URLs and on every request URL of the fixtures and the corpus.
func TestFastOrigin(t *testing.T) {
	urls := []string{
		"https://a.example.com/x", "http://a.example.com:80/x", "https://a.example.com:443", "https://a:8443/p?q#f",
		"http://127.0.0.1:8801/go/x", "https://A.example.com/", "https://a.example.com:/x", "https://:8080/",
		"https:///x", "https://a.example.com/%zz", "https://a.example.com/\x7f", "https://u:p@a.example.com/",
		"https://[::1]:8443/", "https://a.example.com:0443/", "https://a.example.com:99999/", "https://a..b/",
		"https://a.example.com#frag", "https://a.example.com?q", "https://a.example.com:8a/", "https://a.example.com:1:2/",
		"https://a_b.example.com/", "http://localhost", "https://x.com/a b", "https://x.com/\x00",
	}
	files := testcorpus.Files(t, "..")
	for _, dir := range []string{"chromium", "firefox"} {
		fixtures, _ := filepath.Glob(filepath.Join("..", "testdata", "hars", dir, "*.har"))
		files = append(files, fixtures...)
	}
	for _, f := range files {
		_, entries, err := har.ReadAll(mustOpen(t, f), har.Options{})
		if err != nil {
			continue
		}
		for _, e := range entries {
			urls = append(urls, e.Request.URL, stripFragment(e.Request.URL))
		}
	}
	fast := 0
	for _, u := range urls {
		got, ok := fastOrigin(u)
		if !ok {
			continue
		}
		fast++
		if want := parsedOrigin(u); got != want {
			t.Errorf("fastOrigin(%q) = %q, url.Parse gives %q", u, got, want)
		}
	}
	if fast < len(urls)/2 {
		t.Errorf("the fast path took only %d of %d URLs", fast, len(urls))
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestPageUnsafeNames compares pageUnsafeNames, which classifies each name
// once, with doing it all for every header, on every entry of the
// fixtures and the corpus and on random header lists.
func TestPageUnsafeNames(t *testing.T) {
	plain := func(e *har.Entry) []string {
		var hs []hdr
		for _, h := range e.Request.Headers {
			n := strings.ToLower(h.Name)
			if har.IsPseudo(n) || browserAddedHeaders[n] || isNoCache(n, h.Value) || e.Response.Status == 304 && isRevalidationHeader(n) {
				continue
			}
			hs = append(hs, hdr{h.Name, h.Value})
		}
		return unsafeHeaderNames(hs, false)
	}
	a := newAnalysis("", nil, nil)
	check := func(where string, e *har.Entry) {
		t.Helper()
		// Twice: the second time from the cache.
		for range 2 {
			if got, want := a.pageUnsafeNames(e), plain(e); !slices.Equal(got, want) {
				t.Fatalf("%s: %q, want %q", where, got, want)
			}
		}
	}
	files, _ := filepath.Glob("../testdata/hars/*/*.har")
	n := 0
	for _, f := range append(files, testcorpus.Files(t, "..")...) {
		_, es, err := har.ReadAll(mustOpen(t, f), har.Options{})
		if err != nil {
			continue
		}
		for _, e := range es {
			check(f, e)
			n++
		}
	}
	names := []string{":path", "Accept", "accept", "Content-Type", "X-Custom", "x-custom", "Priority", "Cache-Control",
		"Pragma", "Sec-Fetch-Mode", "Proxy-Auth", "Cookie", "Authorization", "", "Range", "DPR", "İd", "K-Kelvin"}
	values := []string{"", "no-cache", " No-Cache ", "text/plain", "application/json", "bytes=0-1", "*/*", strings.Repeat("v", 1100)}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 2000 {
		e := &har.Entry{}
		for range rng.IntN(24) {
			e.Request.Headers = append(e.Request.Headers, har.Header{Name: names[rng.IntN(len(names))], Value: values[rng.IntN(len(values))]})
		}
		check("random", e)
	}
	// The fixtures and the repository's corpus alone hold 721 entries.
	if n < 700 {
		t.Errorf("only %d entries from the fixtures and the corpus", n)
	}
}

// TestReplayHeadersByBrowser: with no preflight captured, the headers a
// replayed preflight asks for are those the capture's browser would list:
// Chromium leaves out DPR: 2 (safelisted with a number), Firefox lists it
// (recorded in go--dpr-numeric).
func TestReplayHeadersByBrowser(t *testing.T) {
	e := &har.Entry{}
	e.Request.Method = "GET"
	e.Request.Headers = har.Headers{{Name: "DPR", Value: "2"}, {Name: "X-Trace", Value: "1"}, {Name: "Accept", Value: "*/*"}}
	for _, c := range []struct {
		firefox bool
		want    []string
	}{
		{false, []string{"x-trace"}},
		{true, []string{"dpr", "x-trace"}},
	} {
		f := &Finding{Request: e, FirefoxCapture: c.firefox}
		if got := ReplayHeaders(f); !slices.Equal(got, c.want) {
			t.Errorf("Firefox capture %v: %q, want %q", c.firefox, got, c.want)
		}
	}
}
