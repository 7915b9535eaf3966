package analyze_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// TestSeedCauses checks that each cause users hit most (shared/PEERS.md §6)
// is named as the cause on the browser-recorded scenario that reproduces
// it, with the fix for the stack that served it. Which rule names which
// cause is harcors' own design; that the requests were blocked at all is
// checked against the browser in TestAgreesWithChromium.
func TestSeedCauses(t *testing.T) {
	for _, c := range []struct {
		har, rule string
		stack     analyze.Stack
		cause     string // a word the cause must contain
	}{
		{"go--preflight-404", "CORS-P01", analyze.GoHTTP, "no route answers OPTIONS"},
		{"go--preflight-405", "CORS-P01", analyze.GoHTTP, "does not accept OPTIONS"},
		{"rscors--per-route-method-pattern-405", "CORS-P01", analyze.GoHTTP, "Allow: PUT"},
		{"go--preflight-401", "CORS-P02", "", "authentication runs before CORS"},
		{"express--auth-before-cors-401", "CORS-P02", analyze.Express, "authentication"},
		{"go--header-authorization-not-allowed", "CORS-P16", "", "authorization"},
		{"express--allowed-headers-restricted", "CORS-P16", analyze.Express, "authorization"},
		{"go--json-preflight-refused", "CORS-P16", "", "JSON bodies trigger it"},
		{"express--default-credentials", "CORS-A07", analyze.Express, "credentials"},
		{"go--acao-star-credentials", "CORS-A07", "", "credentials"},
		{"go--actual-500-no-acao", "CORS-A02", analyze.GoHTTP, "500 Internal Server Error"},
		{"express--json-parse-error-before-cors", "CORS-A02", analyze.Express, "400 Bad Request"},
		{"go--preflight-redirect-308", "CORS-P04", "", "trailing slash"},
		{"go--redirect-cross-origin-no-acao", "CORS-R01", "", "redirect"},
		{"go--redirect-tainted-origin-allowlist", "CORS-R02", "", "Origin: null"},
		{"go--put-custom-303-cross", "CORS-P01", analyze.GoHTTP, "sends Origin: null"},
		{"go--max-age-cached", "CORS-P22", "", "preflight cache"},
		{"rscors--unlisted-header-masked", "CORS-P05", analyze.RsCors, "authorization"},
		{"go--acao-two-lines", "CORS-A05", "", "two layers"},
		{"express--manual-header-after-cors", "CORS-A05", analyze.Express, "two layers"},
		{"go--acao-trailing-slash", "CORS-A04", "", "trailing slash"},
		{"go--method-lowercase-patch-client", "CORS-P14", "", "case-sensitively"},
		{"express--route-cors-no-options", "CORS-P05", analyze.Express, "framework answered OPTIONS"},
	} {
		t.Run(c.har, func(t *testing.T) {
			path := filepath.Join("..", "testdata", "hars", "chromium", c.har+".har")
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("fixture missing: %v", err)
			}
			res := analyze.File(path, analyze.Options{}, har.Options{})
			var got *analyze.Finding
			var ids []string
			for i := range res.Findings {
				ids = append(ids, res.Findings[i].Rule.ID)
				if res.Findings[i].Rule.ID == c.rule {
					got = &res.Findings[i]
				}
			}
			if got == nil {
				t.Fatalf("want %s, got %v", c.rule, ids)
			}
			if !strings.Contains(got.Cause, c.cause) {
				t.Errorf("cause lacks %q: %s", c.cause, got.Cause)
			}
			if got.Stack != c.stack {
				t.Errorf("stack %q, want %q", got.Stack, c.stack)
			}
			if c.stack != "" && got.Fix == got.Rule.Fix {
				t.Errorf("generic fix for %s: %s", c.stack, got.Fix)
			}
			if placeholder.MatchString(got.Fix) {
				t.Errorf("unfilled placeholder in fix: %s", got.Fix)
			}
		})
	}
}

var placeholder = regexp.MustCompile(`\{(origin|method|header|path|status|location|value)\}`)

// TestLocalNetworkAccessInferred: a public page whose fetch to a loopback
// address failed with no preflight and no response is named as Local
// Network Access, with the console line Chromium printed in the recorded
// LNA scenario (testdata/hars/chromium/go--lna-public-page-get.verdict.json).
func TestLocalNetworkAccessInferred(t *testing.T) {
	e := &har.Entry{Index: 0, Line: 3, ResourceType: "fetch", Error: "net::ERR_FAILED"}
	e.Request.Method, e.Request.URL = "GET", "http://127.0.0.1:8801/status"
	e.Request.Headers = har.Headers{{Name: "Referer", Value: "https://app.example.com/"}}
	res := analyze.Analyze("x.har", &har.Log{Creator: har.Creator{Name: "WebInspector"}}, []*har.Entry{e}, analyze.Options{})
	if len(res.Findings) != 1 || res.Findings[0].Rule.ID != "CORS-L04" {
		t.Fatalf("findings: %+v", res.Findings)
	}
	f := res.Findings[0]
	want := "Access to fetch at 'http://127.0.0.1:8801/status' from origin 'https://app.example.com' has been blocked by CORS policy: Permission was denied for this request to access the `loopback` address space."
	if f.Chromium != "LocalNetworkAccessPermissionDenied" || f.Message != want {
		t.Errorf("got %s: %s", f.Chromium, f.Message)
	}
}

// TestConnectionAllowlistNotCORS: a request Chromium refused under the
// page's Connection-Allowlist is reported as not CORS (CORS-N02), with a
// cause that says so and names no CORS header to fix.
func TestConnectionAllowlistNotCORS(t *testing.T) {
	res := analyze.File(filepath.Join("..", "testdata", "rules", "CORS-N02", "handmade--connection-allowlist.har"), analyze.Options{}, har.Options{})
	if len(res.Findings) != 1 {
		t.Fatalf("findings: %+v", res.Findings)
	}
	f := res.Findings[0]
	if f.Rule.ID != "CORS-N02" || f.Chromium != "" || !strings.Contains(f.Cause, "not CORS") || !strings.Contains(f.Cause, "Connection-Allowlist") {
		t.Errorf("got %s (%s): %s", f.Rule.ID, f.Chromium, f.Cause)
	}
}

// TestLocalNetworkAccessSpaces: the console line names the target's
// address space as Chromium names it since Local Network Access: a
// private-network address is "local" (PNA's "private"), a loopback one
// "loopback" (PNA's "local").
func TestLocalNetworkAccessSpaces(t *testing.T) {
	for target, space := range map[string]string{"http://192.168.1.20/status": "local", "http://10.0.0.2:8080/x": "local", "http://localhost:3000/x": "loopback", "http://[::1]:3000/x": "loopback"} {
		e := &har.Entry{Index: 0, Line: 3, ResourceType: "fetch", Error: "net::ERR_FAILED"}
		e.Request.Method, e.Request.URL = "GET", target
		e.Request.Headers = har.Headers{{Name: "Referer", Value: "https://app.example.com/"}}
		res := analyze.Analyze("x.har", &har.Log{Creator: har.Creator{Name: "WebInspector"}}, []*har.Entry{e}, analyze.Options{})
		if len(res.Findings) != 1 || res.Findings[0].Rule.ID != "CORS-L04" {
			t.Errorf("%s: findings %+v", target, res.Findings)
			continue
		}
		if want := "access the `" + space + "` address space."; !strings.HasSuffix(res.Findings[0].Message, want) {
			t.Errorf("%s: message %q, want it to end %q", target, res.Findings[0].Message, want)
		}
	}
}

// TestCauseWording: the cause says why a text/plain Content-Type still
// needed a preflight (a quoted charset's byte, a value over 128 bytes),
// and why '*' in Access-Control-Expose-Headers exposed nothing to a
// request with credentials (both seen in a review's recordings, where the
// causes said the type must be text/plain, and that nothing was listed).
func TestCauseWording(t *testing.T) {
	pair := func(ct string) string {
		return `{"log":{"creator":{"name":"WebInspector","version":"537.36"},"entries":[` +
			`{"startedDateTime":"2026-01-01T00:00:00.000Z","time":1,"_resourceType":"preflight","request":{"method":"OPTIONS","url":"https://api.test/x","headers":[` +
			`{"name":"Origin","value":"http://localhost:8800"},{"name":"Access-Control-Request-Method","value":"POST"},{"name":"Access-Control-Request-Headers","value":"content-type"}]},` +
			`"response":{"status":204,"headers":[{"name":"Access-Control-Allow-Origin","value":"http://localhost:8800"},{"name":"Access-Control-Allow-Methods","value":"POST"}]}},` +
			`{"startedDateTime":"2026-01-01T00:00:00.010Z","time":1,"_resourceType":"fetch","request":{"method":"POST","url":"https://api.test/x","headers":[` +
			`{"name":"Origin","value":"http://localhost:8800"},{"name":"Content-Type","value":` + strconv.Quote(ct) + `}]},"response":{"status":0,"headers":[],"_error":"net::ERR_FAILED"}}]}}`
	}
	for _, c := range []struct{ ct, want string }{
		{`text/plain; charset="utf-8"`, "holds a byte that makes any value need one"},
		{"text/plain;" + strings.Repeat("a", 120), "131 bytes long"},
		{"application/json", "JSON bodies trigger it"},
	} {
		res := analyze.Reader("ct.har", strings.NewReader(pair(c.ct)), analyze.Options{}, har.Options{})
		if len(res.Findings) == 0 || res.Findings[0].Rule.ID != "CORS-P16" || !strings.Contains(res.Findings[0].Cause, c.want) {
			t.Errorf("%q: findings %+v, want CORS-P16 saying %q", c.ct, res.Findings, c.want)
		}
	}
	exposed := `{"log":{"creator":{"name":"WebInspector","version":"537.36"},"entries":[` +
		`{"startedDateTime":"2026-01-01T00:00:00.000Z","time":1,"_resourceType":"fetch","request":{"method":"GET","url":"https://api.test/f","headers":[` +
		`{"name":"Origin","value":"http://localhost:8800"},{"name":"Cookie","value":"sid=1"}]},` +
		`"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"http://localhost:8800"},{"name":"Access-Control-Allow-Credentials","value":"true"},` +
		`{"name":"Access-Control-Expose-Headers","value":"*"},{"name":"Content-Disposition","value":"attachment"},{"name":"Vary","value":"Origin"}]}}]}}`
	res := analyze.Reader("expose.har", strings.NewReader(exposed), analyze.Options{}, har.Options{})
	found := false
	for _, f := range res.Findings {
		if f.Rule.ID == "CORS-W04" {
			found = true
			if !strings.Contains(f.Cause, "a header named '*'") {
				t.Errorf("W04 cause %q", f.Cause)
			}
		}
	}
	if !found {
		t.Errorf("no CORS-W04: %+v", res.Findings)
	}
}

// TestAtPreflight: a finding says its status is the preflight's exactly
// when the check failed at the preflight, which Chromium's error names say
// (PreflightInvalidStatus, HeaderDisallowedByPreflightResponse... against
// MissingAllowOriginHeader, AllowOriginMismatch...), over every
// browser-recorded fixture.
func TestAtPreflight(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/hars/chromium/*.har")
	if len(paths) == 0 {
		t.Fatal("no fixtures under testdata/hars/chromium")
	}
	seen := map[bool]int{}
	for _, p := range paths {
		res := analyze.File(p, analyze.Options{}, har.Options{})
		for _, f := range res.Findings {
			if f.Chromium == "" {
				continue
			}
			want := strings.Contains(string(f.Chromium), "Preflight")
			if f.AtPreflight != want {
				t.Errorf("%s entry %d: %s (%s) AtPreflight %v, status %d", filepath.Base(p), f.Entry, f.Rule.ID, f.Chromium, f.AtPreflight, f.Status)
			}
			if f.AtPreflight && f.Preflight < 0 {
				t.Errorf("%s entry %d: %s says its status is the preflight's, and has no preflight", filepath.Base(p), f.Entry, f.Rule.ID)
			}
			seen[f.AtPreflight]++
		}
	}
	if seen[true] == 0 || seen[false] == 0 {
		t.Fatalf("findings at the preflight %d, at the request %d: both kinds needed", seen[true], seen[false])
	}
	t.Logf("findings at the preflight %d, at the request %d", seen[true], seen[false])
}
