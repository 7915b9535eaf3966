package analyze_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/verdict"
)

// TestConsoleLinesExplained: every CORS console line the browsers printed
// in the recorded scenarios (Chromium's and Firefox's verdict files beside
// the fixtures) is recognised, names the same error as the finding harcors
// gives for that request, and its candidate rules hold that finding's rule.
func TestConsoleLinesExplained(t *testing.T) {
	var files []string
	for _, dir := range []string{"chromium", "firefox"} {
		fs, _ := filepath.Glob(filepath.Join("..", "testdata", "hars", dir, "*.verdict.json"))
		files = append(files, fs...)
	}
	if len(files) == 0 {
		t.Fatal("no verdict files under testdata/hars")
	}
	lines, matched, unmatched := 0, 0, 0
	for _, vf := range files {
		v, err := verdict.Load(vf)
		if err != nil {
			t.Fatal(err)
		}
		harPath := strings.TrimSuffix(vf, ".verdict.json") + ".har"
		var res *analyze.Result
		for _, req := range v.Requests {
			for _, line := range append(append([]string{}, req.Console...), req.BrowserConsole...) {
				isCORS := strings.Contains(line, "blocked by CORS policy") || strings.HasPrefix(line, "Cross-Origin Request")
				m, ok := analyze.ParseConsole(line)
				if ok != isCORS {
					t.Errorf("%s: ParseConsole(%q) = %v", vf, line, ok)
					continue
				}
				if !ok {
					continue
				}
				lines++
				if m.Chromium == "" && m.Firefox == "" {
					t.Errorf("%s: wording not recognised: %q", vf, line)
					continue
				}
				if m.URL == "" {
					t.Errorf("%s: no URL read from %q", vf, line)
				}
				if res == nil {
					res = analyze.File(harPath, analyze.Options{}, har.Options{})
				}
				f := findingFor(res, m, line)
				if f == nil {
					// A line about a request harcors has no finding
					// for with that error: Firefox's "did not
					// succeed" after a failed preflight, a request
					// refused before the network.
					unmatched++
					continue
				}
				matched++
				rules := analyze.ConsoleRules(m)
				var ids []string
				for _, r := range rules {
					ids = append(ids, r.ID)
				}
				if !containsID(ids, f.Rule.ID) {
					t.Errorf("%s: %q\n  finding %s, candidates %v", vf, line, f.Rule.ID, ids)
				}
			}
		}
	}
	t.Logf("%d console lines: %d matched to a finding with the rule among the candidates, %d about requests without a finding of that error", lines, matched, unmatched)
	if matched == 0 {
		t.Fatal("no console line matched a finding: the test proves nothing")
	}
}

// findingFor is the finding the line reports: the one whose own console
// line it is, else one on the same URL with the same error.
func findingFor(res *analyze.Result, m analyze.ConsoleMessage, line string) *analyze.Finding {
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Message == line || f.FirefoxMessage == line {
			return f
		}
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.URL != m.URL {
			continue
		}
		if m.Browser == "chromium" && string(f.Chromium) == m.Chromium || m.Browser == "firefox" && f.Firefox == m.Firefox {
			return f
		}
	}
	return nil
}

func containsID(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestParseConsole(t *testing.T) {
	for _, c := range []struct {
		line                                  string
		chromium, firefox, url, origin, value string
		first                                 string
	}{
		{"Access to fetch at 'https://api.test/x' from origin 'https://app.test' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
			"PreflightMissingAllowOriginHeader", "CORSMissingAllowOrigin2", "https://api.test/x", "https://app.test", "", "CORS-P01"},
		{"localhost/:1 Access to XMLHttpRequest at 'https://api.test/y' (redirected from 'https://api.test/z') from origin 'http://localhost:3000' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://localhost:3000/' that is not equal to the supplied origin.",
			"AllowOriginMismatch", "CORSAllowOriginNotMatchingOrigin", "https://api.test/y", "http://localhost:3000", "http://localhost:3000/", "CORS-A04"},
		{"Access to fetch at 'https://api.test/' from origin 'https://app.test' has been blocked by CORS policy: Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response.",
			"HeaderDisallowedByPreflightResponse", "CORSMissingAllowHeaderFromPreflight2", "https://api.test/", "https://app.test", "x-api-key", "CORS-P16"},
		{"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.test/a. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 401.",
			"MissingAllowOriginHeader", "CORSMissingAllowOrigin2", "https://api.test/a", "", "", "CORS-P02"},
		{"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.test/b. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing).",
			"MissingAllowOriginHeader", "CORSMissingAllowOrigin2", "https://api.test/b", "", "", "CORS-A01"},
		{"Access to fetch at 'http://192.168.1.1/' from origin 'https://app.test' has been blocked by CORS policy: Permission was denied for this request to access the `local` address space.",
			"LocalNetworkAccessPermissionDenied", "", "http://192.168.1.1/", "https://app.test", "local", "CORS-L04"},
	} {
		m, ok := analyze.ParseConsole(c.line)
		if !ok {
			t.Errorf("not parsed: %q", c.line)
			continue
		}
		if m.Chromium != c.chromium || m.Firefox != c.firefox || m.URL != c.url || m.Origin != c.origin || m.Value != c.value {
			t.Errorf("%q:\n got %+v", c.line, m)
		}
		if rules := analyze.ConsoleRules(m); len(rules) == 0 || rules[0].ID != c.first {
			var ids []string
			for _, r := range rules {
				ids = append(ids, r.ID)
			}
			t.Errorf("%q: rules %v, want %s first", c.line, ids, c.first)
		}
	}
	for _, line := range []string{"", "GET https://api.test/ 404 (Not Found)", "Uncaught (in promise) TypeError: Failed to fetch", "Failed to load resource: net::ERR_FAILED"} {
		if _, ok := analyze.ParseConsole(line); ok {
			t.Errorf("%q parsed as a CORS message", line)
		}
	}
}
