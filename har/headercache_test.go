package har

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// The quick paths read what lies whole in the buffer; reading one byte per
// Read leaves them nothing, so the general paths read everything. The
// tests here compare the two on inputs made to reach every branch of the
// header cache (quickHeader) and the skips.

// sameAsOneByte fails unless reading data whole and one byte at a time
// give the same entries, warnings and error, and returns the former.
func sameAsOneByte(t *testing.T, data []byte) collected {
	t.Helper()
	a := collect(bytes.NewReader(data))
	b := collect(iotest.OneByteReader(bytes.NewReader(data)))
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("one byte at a time differs:\n%+v\n%+v", a, b)
	}
	return a
}

// headerText writes a header object in one of several layouts, some of
// which the cache learns and some it does not.
func headerText(rng *rand.Rand, name, value string) string {
	switch rng.IntN(10) {
	case 0:
		return fmt.Sprintf(`{"value": %q, "name": %q}`, value, name)
	case 1:
		return fmt.Sprintf("{\r\n\t\"name\" : %q ,\r\n\t\"value\" : %q\r\n}", name, value)
	case 2:
		return fmt.Sprintf(`{"name":%q,"value":%q}`, name, value)
	case 3:
		return fmt.Sprintf(`{"name": %q}`, name)
	case 4:
		return fmt.Sprintf(`{"name": %q, "value": %q, "name": "x"}`, name, value)
	case 5:
		// \u escapes are left to the general path.
		q := fmt.Sprintf("%q", value)
		return fmt.Sprintf("{\n  \"name\": %q,\n  \"value\": \"\\u0041%s\n}", name, q[1:])
	}
	return fmt.Sprintf("{\n              \"name\": %q,\n              \"value\": %q\n            }", name, value)
}

// TestHeaderCache reads entries whose headers come from small pools, in
// shifting order and mixed layouts, so that cached headers match fully,
// by name only or not at all, and compares with the general path.
func TestHeaderCache(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	names := []string{":authority", ":path", "accept", "access-control-allow-origin",
		"access-control-allow-credentials", "access-control-allow-headers",
		"access-control-allow-methods", "sec-ch-ua", "a", "x-long-" + strings.Repeat("n", 300), ""}
	values := []string{"", "*", "true", `"Chromium";v="143"`, "https://app.example.com",
		"tab\there", "é ü", strings.Repeat("v", 300), "GET, POST"}
	for round := range 20 {
		var entries []string
		for range 60 {
			var hs [2][]string
			for k := range hs {
				for range rng.IntN(12) {
					n, v := names[rng.IntN(len(names))], values[rng.IntN(len(values))]
					hs[k] = append(hs[k], headerText(rng, n, v))
				}
			}
			entries = append(entries, fmt.Sprintf("{\n  \"request\": {\"headers\": [\n%s\n]},\n  \"response\": {\"headers\": [%s]}\n}",
				strings.Join(hs[0], ",\n"), strings.Join(hs[1], ", ")))
		}
		data := har(entries...)
		if round%4 == 3 {
			// Damage after the headers: the error's line and column
			// count the newlines the cache skipped.
			data = data[:len(data)-40] + "\n  ]]x"
		}
		c := sameAsOneByte(t, []byte(data))
		if round%4 != 3 && (c.Err != nil || len(c.Entries) != 60) {
			t.Fatalf("round %d: %d entries, %v", round, len(c.Entries), c.Err)
		}
		if round%4 == 3 && c.Err == nil {
			t.Fatalf("round %d: no error on damaged input", round)
		}
	}
}

// TestHeaderCacheChrome reads DevTools-shaped entries, where nearly every
// header comes from the cache.
func TestHeaderCacheChrome(t *testing.T) {
	data := genChromeHAR(100, 256)
	want, err := jsonEntryCount(data)
	if err != nil {
		t.Fatal(err)
	}
	c := sameAsOneByte(t, data)
	if c.Err != nil || len(c.Entries) != want {
		t.Fatalf("%d entries (encoding/json: %d), %v", len(c.Entries), want, c.Err)
	}
	e := c.Entries[99]
	if v, _ := e.Request.Headers.Get("sec-ch-ua"); v != `"Google Chrome";v="143", "Chromium";v="143", "Not A(Brand";v="24"` {
		t.Errorf("sec-ch-ua %q", v)
	}
}

// FuzzHeaders repeats two header objects over several entries, so that
// the second and later reads of each come from the cache, and checks that
// the result is the general path's.
func FuzzHeaders(f *testing.F) {
	f.Add(`{"name": "a", "value": "b"}`, "{\n  \"name\": \"a\",\n  \"value\": \"c\"\n}")
	f.Add(`{"name":"sec-ch-ua","value":"\"x\";v=\"1\""}`, `{"value":"1","name":"n"}`)
	f.Add("{\n \"name\": \"access-control-allow-origin\",\n \"value\": \"*\"\n}", `{"name": "a", "value": "b"`)
	f.Fuzz(func(t *testing.T, h1, h2 string) { sameRepeated(t, "headers", h1, h2) })
}

// sameRepeated puts two elements in the list named list of the request and
// response of six entries, in turn, and checks that reading them is the
// same as reading a byte at a time.
func sameRepeated(t *testing.T, list, x, y string) {
	t.Helper()
	var entries []string
	for i := range 6 {
		a, b := x, y
		if i%3 == 1 {
			a, b = b, a
		}
		entries = append(entries, `{"request": {"`+list+`": [`+a+",\n"+b+`]}, "response": {"`+list+`": [`+b+`]}}`)
	}
	sameAsOneByte(t, []byte(har(entries...)))
}

// cookieTexts are cookie objects as exporters write them, some of which
// read with a warning (and must then not be remembered) and one damaged.
var cookieTexts = []string{
	"{\n              \"name\": \"session\",\n              \"value\": \"s%3AQk2vR8mX1nT4pL7cY0aZ3eW6uI9oB5dF.h7Jk2mN4pQ6rS8tU0vW2xY4z\",\n              \"path\": \"/\",\n              \"domain\": \".example.com\",\n              \"expires\": \"2026-01-18T01:23:28.378Z\",\n              \"httpOnly\": true,\n              \"secure\": true,\n              \"sameSite\": \"Lax\"\n            }",
	`{"name":"_ga","value":"GA1.1.1840272183.1734571408","path":"/","domain":".example.com","expires":null,"httpOnly":false,"secure":false}`,
	`{"name":"_gb","value":"GA1.1.1840272183.1734571408","path":"/","domain":".example.com","expires":null,"httpOnly":false,"secure":false}`,
	`{"name":"quirk","value":"a-value-long-enough-for-the-cache","httpOnly":"true","secure":1}`,
	`{"name":"warns","value":["a-value-long-enough-for-the-cache"],"httpOnly":"maybe","secure":[1]}`,
	`{"name":"nested","value":"a-value-long-enough-for-the-cache","_x":{"a":[1,2,{"b":null}]}}`,
	`{"name":"escaped","value":"caf\u00e9 \"quoted\" and long enough for the cache"}`,
	`{"name":"short"}`,
	`{"name":"damaged-but-long-enough-for-the-cache","value":"x",}`,
}

// TestCookieCache repeats cookie objects over many entries, so that most
// are taken from the cache, and checks that the result (entries, lines,
// warnings, errors) is the one reading a byte at a time gives, where the
// buffer never holds a whole cookie to compare.
func TestCookieCache(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for round := range 40 {
		var entries []string
		for range 50 {
			var cs []string
			for range rng.IntN(5) {
				// The damaged one only now and then.
				cs = append(cs, cookieTexts[rng.IntN(len(cookieTexts)-1+round%2)])
			}
			entries = append(entries, "{\n  \"request\": {\"url\": \"https://a/\", \"cookies\": [\n"+strings.Join(cs, ",\n")+"\n]}\n}")
		}
		data := har(entries...)
		c := sameAsOneByte(t, []byte(data))
		if round%2 == 0 && (c.Err != nil || len(c.Entries) != 50) {
			t.Fatalf("round %d: %d entries, %v", round, len(c.Entries), c.Err)
		}
	}
	// Past MaxWarnings, warnings are counted, not kept: a cookie that
	// warns must still not be remembered.
	var entries []string
	for range 150 {
		entries = append(entries, `{"request": {"cookies": [`+cookieTexts[4]+`]}}`)
	}
	var dropped []int
	for _, rd := range []io.Reader{strings.NewReader(har(entries...)), iotest.OneByteReader(strings.NewReader(har(entries...)))} {
		r, err := NewReader(rd, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for err == nil {
			_, err = r.Next()
		}
		dropped = append(dropped, r.DroppedWarnings())
	}
	if dropped[0] != dropped[1] || dropped[0] == 0 {
		t.Errorf("dropped warnings: %d, one byte at a time %d", dropped[0], dropped[1])
	}

	data := genChromeHAR(200, 64)
	r, err := NewReader(bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		e, err := r.Next()
		if err != nil {
			break
		}
		n += len(e.Request.Cookies)
	}
	if r.ckHits == 0 || r.ckHits > n {
		t.Errorf("%d of %d cookies from the cache", r.ckHits, n)
	}
	t.Logf("%d of %d cookies from the cache", r.ckHits, n)
}

// FuzzCookies repeats two cookie objects over several entries, so that the
// second and later reads of each may come from the cache, and checks that
// the result is the general path's.
func FuzzCookies(f *testing.F) {
	f.Add(cookieTexts[0], cookieTexts[3])
	f.Add(cookieTexts[1], cookieTexts[7])
	f.Add(cookieTexts[4], cookieTexts[5])
	f.Fuzz(func(t *testing.T, c1, c2 string) { sameRepeated(t, "cookies", c1, c2) })
}
