package report

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// TestReplay: for every browser-recorded finding with a captured preflight,
// the replay line sends that preflight's Origin and
// Access-Control-Request-Method, lists its requested headers, parses as
// one curl command in a POSIX shell, and carries no cookie or credential.
func TestReplay(t *testing.T) {
	sh, _ := exec.LookPath("sh")
	c := newCleaner(Options{}, false)
	n := 0
	for _, path := range chromiumFixtures(t) {
		res := analyzeAs(t, path, path)
		for i := range res.Findings {
			f := &res.Findings[i]
			r := replayCommand(f, c)
			if f.PreflightEntry == nil {
				if f.PreflightCaptured && r != "" {
					t.Errorf("%s #%d %s: a simple request gets a preflight replay: %s", path, f.Entry, f.Rule.ID, r)
				}
				continue
			}
			n++
			h := f.PreflightEntry.Request.Headers
			origin, _ := h.Get("Origin")
			method, _ := h.Get("Access-Control-Request-Method")
			for _, want := range []string{"curl -i -X OPTIONS '", "-H 'Origin: " + origin + "'", "-H 'Access-Control-Request-Method: " + method + "'"} {
				if !strings.Contains(r, want) {
					t.Errorf("%s #%d: replay %q lacks %q", path, f.Entry, r, want)
				}
			}
			if acrh, ok := h.Get("Access-Control-Request-Headers"); ok && acrh != "" && !strings.Contains(r, "Access-Control-Request-Headers: ") {
				t.Errorf("%s #%d: replay %q drops the requested headers %q", path, f.Entry, r, acrh)
			}
			low := strings.ToLower(r)
			if strings.Contains(low, "-h 'cookie") || strings.Contains(low, "-h 'authorization") || strings.Contains(low, " -b ") {
				t.Errorf("%s #%d: replay sends credentials: %s", path, f.Entry, r)
			}
			if sh != "" && n <= 20 {
				// The shell splits it into exactly the words meant.
				out, err := exec.Command(sh, "-c", "printf '%s\\n' "+strings.TrimPrefix(r, "curl ")).Output()
				if err != nil || !strings.Contains(string(out), "Origin: "+origin+"\n") {
					t.Errorf("%s: the shell reads %q as %q (%v)", path, r, out, err)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no finding with a captured preflight: the test proves nothing")
	}
}

// TestReplayRedacts: a token in the URL does not reach the replay line.
func TestReplayRedacts(t *testing.T) {
	res := hostile(t, "secrets.har")
	c := newCleaner(Options{}, false)
	for i := range res.Findings {
		r := replayCommand(&res.Findings[i], c)
		if strings.Contains(r, "SECRET_") {
			t.Errorf("replay keeps a secret: %s", r)
		}
	}
}

// TestReplayInJSON: the JSON findings carry the replay line.
func TestReplayInJSON(t *testing.T) {
	res := analyzeAs(t, "../testdata/hars/chromium/go--header-authorization-not-allowed.har", "x.har")
	out := mustRender(t, []*analyze.Result{res}, Options{Format: JSON})
	if !strings.Contains(out, `"replay": "curl -i -X OPTIONS 'http://127.0.0.1:8801/header-authorization-not-allowed' -H 'Origin: http://localhost:8800'`) {
		t.Errorf("no replay line in the JSON finding:\n%s", out)
	}
}

// TestReplayWithoutEntries: a finding kept without its entries, as the
// JSON report keeps them (analyze.KeepLight), replays the same preflight as
// with them.
func TestReplayWithoutEntries(t *testing.T) {
	c := newCleaner(Options{}, false)
	n := 0
	for _, path := range chromiumFixtures(t) {
		all := analyze.File(path, analyze.Options{}, har.Options{})
		light := analyze.File(path, analyze.Options{Keep: analyze.KeepLight}, har.Options{})
		if len(all.Findings) != len(light.Findings) {
			t.Fatalf("%s: %d findings, %d kept light", path, len(all.Findings), len(light.Findings))
		}
		for i := range all.Findings {
			want, got := replayCommand(&all.Findings[i], c), replayCommand(&light.Findings[i], c)
			if want != got {
				t.Errorf("%s #%d: replay %q without the entries, %q with them", path, all.Findings[i].Entry, got, want)
			}
			if want != "" {
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no finding with a replay: the test proves nothing")
	}
}

// TestReplayTaintedOrigin: after a cross-origin redirect the browser sends
// Origin: null, and the replay sends what the browser sent, with the
// finding's entries and without them (Asked), not the page's origin.
func TestReplayTaintedOrigin(t *testing.T) {
	c := newCleaner(Options{}, false)
	pre := &har.Entry{Request: har.Request{Method: "OPTIONS", URL: "http://b.test/x", Headers: har.Headers{
		{Name: "Origin", Value: "null"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}}
	f := analyze.Finding{URL: "http://b.test/x", Origin: "http://page.test", Method: "PUT", PreflightEntry: pre, PreflightCaptured: true}
	r := replayCommand(&f, c)
	if !strings.Contains(r, "-H 'Origin: null'") {
		t.Errorf("replay %q does not send the Origin the browser sent", r)
	}
	f.Asked = &analyze.Asked{Origin: analyze.ReplayOrigin(&f), Method: analyze.ReplayMethod(&f)}
	f.PreflightEntry = nil
	if got := replayCommand(&f, c); got != r {
		t.Errorf("replay %q without the entries, %q with them", got, r)
	}
}
