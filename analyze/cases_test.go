package analyze_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// The verdicts on the shapes of real captures that issue 14 lists; each
// fixture is under testdata/rules (its .want says where it comes from),
// and TestRuleCases checks the rules found on each. These tests check
// the rest of the verdict.

func analyzeRuleCase(t *testing.T, rule, name string, opt analyze.Options) *analyze.Result {
	t.Helper()
	res := analyze.File(filepath.Join("..", "testdata", "rules", rule, name+".har"), opt, har.Options{})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	return res
}

// TestScriptCrossOriginNotCredentialed: <script crossorigin> (anonymous)
// loads answered * with Allow-Credentials: true are not A07 when the
// capture keeps cookies and they carry none.
func TestScriptCrossOriginNotCredentialed(t *testing.T) {
	res := analyzeRuleCase(t, "CORS-A07", "handmade--firefox-script-crossorigin-star-credentials-true", analyze.Options{})
	if res.CrossOrigin != 3 || len(res.Findings) != 0 {
		t.Fatalf("%d cross-origin, findings %+v", res.CrossOrigin, res.Findings)
	}
	for _, r := range res.Requests {
		if r.Verdict != analyze.Pass {
			t.Errorf("%s: %s", r.URL, r.Verdict)
		}
	}
}

// TestLaravelPreflightWithoutCORSHeaders: PHP is recognised, and the origin
// is named as the likelier cause of a preflight answered with no CORS
// header at all, with Laravel's fix.
func TestLaravelPreflightWithoutCORSHeaders(t *testing.T) {
	res := analyzeRuleCase(t, "CORS-P05", "handmade--laravel-sanctum-preflight-no-cors-headers", analyze.Options{})
	if len(res.Findings) != 1 {
		t.Fatalf("findings %+v", res.Findings)
	}
	f := res.Findings[0]
	if f.Stack != analyze.Laravel {
		t.Errorf("stack %q, want laravel", f.Stack)
	}
	if !strings.Contains(f.Cause, "origin https://app.example.com is not in allowed_origins") || !strings.Contains(f.Cause, "likelier cause") {
		t.Errorf("cause: %s", f.Cause)
	}
	if !strings.Contains(f.Fix, "config/cors.php") || !strings.Contains(f.Fix, "'https://app.example.com'") {
		t.Errorf("fix: %s", f.Fix)
	}
}

// TestForcedStack: Options.Stack (--stack) sets the stack of every finding,
// and the fix follows it.
func TestForcedStack(t *testing.T) {
	res := analyzeRuleCase(t, "CORS-P16", "chromium--go--header-authorization-not-allowed", analyze.Options{Stack: analyze.Express})
	if len(res.Findings) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range res.Findings {
		if f.Stack != analyze.Express || f.Fix != "cors({ allowedHeaders: ['Content-Type', 'authorization', ...] }) (by default cors echoes the requested headers; a fixed list must include every header the page sends)." {
			t.Errorf("%s: stack %q, fix %s", f.Rule.ID, f.Stack, f.Fix)
		}
	}
	if _, err := analyze.ParseStack("nope"); err == nil {
		t.Error("ParseStack accepted an unknown stack")
	}
	if s, err := analyze.ParseStack("Laravel"); err != nil || s != analyze.Laravel {
		t.Errorf("ParseStack(Laravel) = %q, %v", s, err)
	}
}

// TestCrossOriginWithoutOriginHeader: an export that drops Origin and has
// no pages still shows cross-origin fetches, by Referer.
func TestCrossOriginWithoutOriginHeader(t *testing.T) {
	res := analyzeRuleCase(t, "CORS-W01", "handmade--no-origin-header-referer", analyze.Options{})
	if res.CrossOrigin != 2 {
		t.Errorf("%d cross-origin requests, want 2", res.CrossOrigin)
	}
	for _, f := range res.Findings {
		if f.Origin != "https://www.example.com" {
			t.Errorf("origin %q", f.Origin)
		}
	}
}

// TestConnectionRefused: a fetch refused at the connection, recorded
// without an Origin header, is a network failure, not CORS.
func TestConnectionRefused(t *testing.T) {
	res := analyzeRuleCase(t, "CORS-N01", "chromium--go--connection-refused", analyze.Options{})
	if len(res.Findings) != 1 || res.Findings[0].Rule.ID != "CORS-N01" || !strings.Contains(res.Findings[0].Cause, "ERR_CONNECTION_REFUSED") {
		t.Fatalf("findings %+v", res.Findings)
	}
}

// TestDroppedRequestsNoted: chrome-har drops the requests the browser
// failed; the file says so, and a request only its preflight stands for is
// unknown, never pass.
func TestDroppedRequestsNoted(t *testing.T) {
	res := analyzeRuleCase(t, "CORS-U01", "handmade--chrome-har-preflight-only", analyze.Options{})
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "chrome-har leaves out the requests the browser failed") {
		t.Errorf("notes %q", res.Notes)
	}
	if len(res.Requests) != 1 || res.Requests[0].Verdict != analyze.Unknown {
		t.Errorf("requests %+v", res.Requests)
	}
}

// TestFixNamesContentTypeOnce: a fix whose header list holds Content-Type
// does not name it twice when the request sent content-type itself (a JSON POST with credentials, answered with
// Access-Control-Allow-Headers: *), in both browsers' recordings.
func TestFixNamesContentTypeOnce(t *testing.T) {
	for _, browser := range []string{"chromium", "firefox"} {
		path := filepath.Join("..", "testdata", "hars", browser, "go--acah-star-credentials-json.har")
		res := analyze.File(path, analyze.Options{}, har.Options{})
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		found := false
		for _, f := range res.Findings {
			if f.Rule.ID != "CORS-P17" {
				continue
			}
			found = true
			if n := strings.Count(strings.ToLower(f.Fix), "content-type"); n != 1 {
				t.Errorf("%s: content-type named %d times in the fix: %s", browser, n, f.Fix)
			}
		}
		if !found {
			t.Errorf("%s: no CORS-P17 finding: %+v", browser, res.Findings)
		}
	}
}

// TestNullPageRedirectCause: the P01-P03 sentence on a redirect that made
// the Origin null is said only when one did. A page whose origin is null
// already, redirected within the API's own origin, gets the cause alone
// (the recorded cross-origin case is in TestSeedCauses).
func TestNullPageRedirectCause(t *testing.T) {
	res := analyzeRuleCase(t, "CORS-P01", "handmade--null-page-same-origin-redirect", analyze.Options{})
	var p01 *analyze.Finding
	for i := range res.Findings {
		if res.Findings[i].Rule.ID == "CORS-P01" {
			p01 = &res.Findings[i]
		}
	}
	if p01 == nil {
		t.Fatalf("no CORS-P01 in %+v", res.Findings)
	}
	if strings.Contains(p01.Cause, "redirect") {
		t.Errorf("the cause speaks of a redirect that changed nothing: %s", p01.Cause)
	}
}
