package report

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/textsafe"
)

// encodeReference encodes v as the lists' elements were encoded before
// elemEncoder: encoding/json at the element's depth, then jsonSafe.
func encodeReference(t *testing.T, v any) string {
	t.Helper()
	var one bytes.Buffer
	enc := json.NewEncoder(&one)
	enc.SetEscapeHTML(false)
	enc.SetIndent("        ", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(textsafe.JSON(bytes.TrimSuffix(one.Bytes(), []byte("\n"))))
}

// TestElemEncoderMatches: the hand-written encoding of findings and
// requests gives encoding/json's bytes (then jsonSafe's), on every
// finding and request of the fixtures, hostile ones included, with secrets
// redacted and shown, and on texts made of every kind of character the
// escaping treats apart.
func TestElemEncoderMatches(t *testing.T) {
	var results []*analyze.Result
	filepath.WalkDir("../testdata/hars", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".har") || strings.HasSuffix(p, ".har.gz")) {
			results = append(results, analyze.File(p, analyze.Options{Keep: analyze.KeepLight, CookieValues: true}, har.Options{}))
		}
		return nil
	})
	if len(results) < 100 {
		t.Fatalf("%d fixtures read", len(results))
	}
	odd := []string{
		"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "\x00\x01\b\f\n\r\t\x1b\x1f\x7f",
		"bad \xff\xfe utf-8 \xc3", "line\u2028para\u2029", "bidi \u202e and \u2066 soft\u00adhyphen C1 \u0085",
		"zero\u200bwidth bom\ufeff", "emoji \U0001F600 tag \U000E0001 private \U000F0000", "é ü 中文",
		"https://api.example.com/x?token=abc123456789&code=zz#\x01", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
	}
	fnd := 0
	for k, opt := range []Options{{}, {ShowSecrets: true}} {
		known := map[string]bool{}
		if !opt.ShowSecrets {
			opt.known = known
		}
		c := newCleaner(opt, false)
		for _, r := range results {
			c.red.learn(r.CookieValues)
		}
		e := newElemEncoder(c)
		check := func(what string, got []byte, want string) {
			t.Helper()
			if string(got) != want {
				t.Fatalf("%s (options %d):\n got %s\nwant %s", what, k, got, want)
			}
		}
		for _, r := range results {
			for i := range r.Findings {
				f := &r.Findings[i]
				fnd++
				// Twice: the second comes from the memos.
				for range 2 {
					check(r.File+" finding", e.finding(nil, f), encodeReference(t, jsonFinding(f, c)))
				}
			}
			for i := range r.Requests {
				q := &r.Requests[i]
				got, err := e.request(nil, q)
				if err != nil {
					t.Fatal(err)
				}
				check(r.File+" request", got, encodeReference(t, jsonRequest(q, c)))
			}
		}
		rule := analyze.LookupRule("CORS-P01")
		for i, s := range odd {
			f := analyze.Finding{File: s, Entry: i, Preflight: i - 1, URL: s, Method: s, Origin: s, Rule: rule,
				Message: s, FirefoxMessage: s, Value: s, Cause: s, Fix: s, CredentialsBasis: s, Group: s, Console: s}
			check("finding of "+s, e.finding(nil, &f), encodeReference(t, jsonFinding(&f, c)))
			check("finding of "+s+" again", e.finding(nil, &f), encodeReference(t, jsonFinding(&f, c)))
		}
		for _, ms := range []float64{0, 1, -1, 13.97699999993074, 1e-7, 1e-6, 9.99e-7, 1e20, 1e21, 123456789.125, math.SmallestNonzeroFloat64, math.MaxFloat64} {
			q := analyze.Request{URL: "https://a.example/", Method: "GET", PreflightTime: ms, Preflight: -1}
			got, err := e.request(nil, &q)
			if err != nil {
				t.Fatal(err)
			}
			check("request", got, encodeReference(t, jsonRequest(&q, c)))
		}
	}
	if fnd < 1000 {
		t.Fatalf("only %d findings compared", fnd)
	}
	if _, err := newElemEncoder(cleaner{}).request(nil, &analyze.Request{PreflightTime: math.NaN()}); err == nil {
		t.Error("NaN encoded without an error")
	}
}
