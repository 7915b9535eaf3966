package analyze_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// Verdict is what the recorder (internal/record) wrote beside each HAR: the
// browser's own verdict for every request the page made, taken from the
// DevTools protocol (Network.loadingFailed.corsErrorStatus) and the console.
type Verdict struct {
	Scenario    string           `json:"scenario"`
	Stack       string           `json:"stack"`
	Description string           `json:"description"`
	Browser     string           `json:"browser"`
	Page        string           `json:"page"`
	Requests    []VerdictRequest `json:"requests"`
}

// VerdictRequest is the browser's verdict on one request.
type VerdictRequest struct {
	URL             string   `json:"url"`
	FinalURL        string   `json:"finalUrl"`
	Method          string   `json:"method"`
	Mode            string   `json:"mode"`
	Credentials     string   `json:"credentials"`
	Blocked         bool     `json:"blocked"`
	CorsError       string   `json:"corsError"`
	FailedParameter string   `json:"failedParameter"`
	ErrorText       string   `json:"errorText"`
	Console         []string `json:"console"`
}

// AgreeWithBrowser checks harcors' verdicts on one recorded HAR against the
// browser's. It is exported to the live test in internal/record through
// the testdata convention: the same function runs on committed fixtures
// here and on fresh recordings there.
func agreeWithBrowser(t *testing.T, harPath string, v *Verdict, shape bool) {
	t.Helper()
	res := analyze.File(harPath, analyze.Options{}, har.Options{})
	if res.Err != nil {
		t.Fatalf("reading %s: %v", harPath, res.Err)
	}
	seen := map[string]int{}
	for _, want := range v.Requests {
		key := want.URL + " " + strings.ToUpper(want.Method)
		nth := seen[key]
		seen[key]++
		url := want.URL
		if want.FinalURL != "" {
			// Redirected: the browser judged the last hop, which is its
			// own entry in the HAR.
			url = want.FinalURL
		}
		req := nthRequest(res, url, want.Method, nth)
		var errs []analyze.Finding
		if req != nil {
			for _, f := range res.Findings {
				if f.Entry == req.Entry && f.Severity == analyze.Error {
					errs = append(errs, f)
				}
			}
		}
		where := want.Method + " " + want.URL
		if nth > 0 {
			where += " (#" + itoa(nth+1) + ")"
		}
		switch {
		case !want.Blocked:
			for _, f := range errs {
				t.Errorf("%s: the browser allowed it, harcors says %s (%s): %s", where, f.Rule.ID, f.Chromium, f.Cause)
			}
			if req != nil && req.Verdict == analyze.Blocked {
				t.Errorf("%s: the browser allowed it, harcors' verdict is blocked", where)
			}
		case req == nil && !inHAR(harPath, want.URL):
			// Blocked in the renderer before any network activity (an
			// unsupported scheme, mode "same-origin", a no-cors request
			// with redirect "manual"): no HAR entry exists to judge.
			t.Logf("%s: blocked before the network (%s); not in the HAR", where, want.CorsError)
		case req == nil && shape:
			// Firefox- and Safari-shaped captures of a request that failed
			// before it had an Origin header (no preflight, provisional
			// headers, no resource type) cannot be told from a no-cors load.
			t.Logf("%s: not identifiable as a CORS request in this shape (%s)", where, want.CorsError)
		case req == nil && want.Mode == "no-cors":
			// Not a CORS request: the page asked for an opaque response.
			t.Logf("%s: no-cors request (%s %s); outside CORS", where, want.CorsError, want.ErrorText)
		case req == nil:
			if !sameOrigin(v.Page, want.URL) {
				t.Errorf("%s: the browser blocked it (%s), harcors does not list it as a cross-origin request", where, want.CorsError)
			}
		case len(errs) == 0 && shape && want.Credentials == "include" && credentialKinds[want.CorsError]:
			// Proxies and Firefox record no failure marker, and nothing in
			// the capture says the request had credentials (no cookie was
			// set for the API's host): the failure is not observable.
			// harcors must then stay silent or warn, never claim another
			// error.
			t.Logf("%s: credential-dependent block (%s) not observable in this shape", where, want.CorsError)
		case len(errs) == 0:
			t.Errorf("%s: the browser blocked it (%s %s), harcors found no error", where, want.CorsError, want.ErrorText)
		case len(errs) == 1 && errs[0].Rule.ID == "CORS-U01" && (shape || unobservableKinds[want.CorsError]):
			// Playwright keeps neither preflights nor the headers of failed
			// requests: "blocked, cause not in the capture" is the honest
			// verdict.
			t.Logf("%s: blocked, cause not observable in this shape (%s)", where, want.CorsError)
		case want.CorsError != "":
			var match *analyze.Finding
			for i := range errs {
				if errs[i].Chromium == want.CorsError {
					match = &errs[i]
				}
			}
			if match == nil {
				t.Errorf("%s: the browser says %s (%q), harcors says %s (%s)", where, want.CorsError, want.FailedParameter, errs[0].Chromium, errs[0].Rule.ID)
				continue
			}
			if want.FailedParameter != "" && match.Value != want.FailedParameter && match.Rule.ID != "CORS-P04" {
				t.Errorf("%s: %s: failed parameter %q, harcors says %q", where, want.CorsError, want.FailedParameter, match.Value)
			}
			// Other exporters do not say whether fetch() or XHR made the
			// request, which the message names; Chromium's own HARs do.
			if !shape && len(want.Console) > 0 && !contains(want.Console, match.Message) {
				t.Errorf("%s: console message differs:\n browser: %s\n harcors: %s", where, strings.Join(want.Console, "\n          "), match.Message)
			}
		}
	}
}

func nthRequest(res *analyze.Result, url, method string, nth int) *analyze.Request {
	for i := range res.Requests {
		r := &res.Requests[i]
		if r.URL == url && strings.EqualFold(r.Method, method) {
			if nth == 0 {
				return r
			}
			nth--
		}
	}
	return nil
}

func sameOrigin(page, u string) bool {
	pp := strings.SplitN(page, "/", 4)
	uu := strings.SplitN(u, "/", 4)
	return len(pp) >= 3 && len(uu) >= 3 && pp[0] == uu[0] && pp[2] == uu[2]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestAgreesWithChromium runs harcors on every browser-recorded scenario in
// testdata/hars (Chromium's own HARs and their conversions to other
// exporters' shapes) and compares its verdicts with the browser's.
func TestAgreesWithChromium(t *testing.T) {
	verdicts, _ := filepath.Glob(filepath.Join("..", "testdata", "hars", "*", "*.verdict.json"))
	more, _ := filepath.Glob(filepath.Join("..", "testdata", "hars", "shapes", "*", "*.verdict.json"))
	verdicts = append(verdicts, more...)
	if len(verdicts) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("no recorded scenarios under testdata/hars")
		}
		t.Skip("no recorded scenarios under testdata/hars yet")
	}
	for _, vf := range verdicts {
		harPath := strings.TrimSuffix(vf, ".verdict.json") + ".har"
		name, _ := filepath.Rel(filepath.Join("..", "testdata", "hars"), harPath)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(vf)
			if err != nil {
				t.Fatal(err)
			}
			var v Verdict
			if err := json.Unmarshal(data, &v); err != nil {
				t.Fatalf("%s: %v", vf, err)
			}
			if _, err := os.Stat(harPath); err != nil {
				t.Fatalf("verdict without its HAR: %v", err)
			}
			agreeWithBrowser(t, harPath, &v, strings.Contains(filepath.ToSlash(name), "shapes/"))
		})
	}
}

// inHAR reports whether any entry of the HAR has the URL.
func inHAR(path, url string) bool {
	_, entries, err := har.ReadAll(mustOpen(path), har.Options{})
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.Request.URL == url {
			return true
		}
	}
	return false
}

func mustOpen(path string) *os.File {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	return f
}

// credentialKinds are the failures that happen only because the request had
// credentials.
var credentialKinds = map[string]bool{
	"WildcardOriginNotAllowed": true, "PreflightWildcardOriginNotAllowed": true,
	"InvalidAllowCredentials": true, "PreflightInvalidAllowCredentials": true,
	"MethodDisallowedByPreflightResponse": true, "HeaderDisallowedByPreflightResponse": true,
}

// unobservableKinds are failures that leave nothing in a HAR to tell them by
// when the addresses do not give them away: Local Network Access sends no
// preflight, and the fixtures fake a public page on a loopback address with
// --ip-address-space-overrides, which a HAR does not record.
var unobservableKinds = map[string]bool{"LocalNetworkAccessPermissionDenied": true}
