package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/verdict"
)

// TestConsoleConfirms feeds each recorded scenario's own console log (from
// its verdict file) with its HAR: every error finding with a Chromium
// error on a request the console speaks of is confirmed, and a credentials
// mode the HAR left unknown is settled when the console's error implies it.
func TestConsoleConfirms(t *testing.T) {
	files, _ := filepath.Glob("testdata/hars/chromium/*.verdict.json")
	if len(files) == 0 {
		t.Fatal("no verdict files")
	}
	dir := t.TempDir()
	confirmed, settled, named := 0, 0, 0
	for _, vf := range files {
		v, err := verdict.Load(vf)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, r := range v.Requests {
			lines = append(lines, r.Console...)
		}
		if len(lines) == 0 {
			continue
		}
		log := filepath.Join(dir, filepath.Base(vf)+".log")
		os.WriteFile(log, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
		c, err := readConsole(log, func(int) {})
		if err != nil {
			t.Fatal(err)
		}
		res := analyze.File(strings.TrimSuffix(vf, ".verdict.json")+".har", analyze.Options{}, har.Options{})
		before := make([]analyze.Credentials, len(res.Findings))
		for j, f := range res.Findings {
			before[j] = f.Credentials
		}
		c.annotate(res)
		for j, f := range res.Findings {
			if strings.HasPrefix(f.Console, "contradicted") {
				t.Errorf("%s: the browser's own console contradicts #%d %s: %s", vf, f.Entry, f.Rule.ID, f.Console)
			}
			if f.Severity == analyze.Error && f.Chromium != "" && strings.Contains(strings.Join(lines, "\n"), f.Message) {
				if !strings.HasPrefix(f.Console, "confirmed") {
					t.Errorf("%s: #%d %s (%s) not confirmed by its own console line", vf, f.Entry, f.Rule.ID, f.Chromium)
				}
				confirmed++
			}
			if before[j] == analyze.CredUnknown && f.Credentials == analyze.CredInclude {
				settled++
			}
			if strings.HasPrefix(f.Console, "settled") {
				named++
			}
		}
	}
	if confirmed == 0 {
		t.Fatal("no finding confirmed: the test proves nothing")
	}
	t.Logf("%d findings confirmed by their recorded console, %d whose error only the console names, %d credentials modes settled", confirmed, named, settled)
}

func TestConsoleFlag(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "console.log")
	// The console says another error than the capture shows, and speaks
	// of a request the capture does not hold.
	os.WriteFile(log, []byte("noise\n"+
		"Access to fetch at 'http://127.0.0.1:8801/preflight-404' from origin 'http://localhost:8800' has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.\n"+
		"Access to fetch at 'http://127.0.0.1:9/gone?token=SECRETX1' from origin 'http://localhost:8800' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\n"), 0o644)
	code, out, stderr := runCLI(t, "", "--console", log, "--format", "json", blockedHAR)
	if code != exitFindings || !strings.Contains(out, `"console": "contradicted: the browser printed MethodDisallowedByPreflightResponse for this request"`) {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if !strings.Contains(stderr, "1 contradicted") || !strings.Contains(stderr, "http://127.0.0.1:9/gone") || strings.Contains(stderr, "SECRETX1") {
		t.Errorf("stderr: %s", stderr)
	}
	// Every format says it, on the group's sample or on the finding, and
	// counts it the same on stderr: the reports of groups keep no
	// findings of their own.
	for _, args := range [][]string{{"--format", "table"}, {"--format", "table", "--each"}, {"--format", "markdown"},
		{"--format", "markdown", "--each"}, {"--format", "sarif"}, {"--format", "html"}, {"--format", "json"}} {
		code, out, stderr := runCLI(t, "", append(args, "--width", "200", "--console", log, blockedHAR)...)
		// A table cell wraps the line.
		if code != exitFindings || !strings.Contains(out, "contradicted: the browser printed") || !strings.Contains(out, "MethodDisallowedByPreflightResponse") ||
			!strings.Contains(stderr, "1 contradicted") {
			t.Errorf("%q: exit %d, console not said, stderr %q", args, code, stderr)
		}
	}
	if code, _, _ := runCLI(t, "", "--console", filepath.Join(dir, "missing.log"), blockedHAR); code != exitTrouble {
		t.Errorf("missing console log: exit %d", code)
	}
}

// TestConsoleSettlesCredentials: a credentials error in the console says
// the request had credentials, which a sanitized HAR cannot show.
func TestConsoleSettlesCredentials(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "c.log")
	os.WriteFile(log, []byte("Access to fetch at 'https://api.test/x' from origin 'https://app.test' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.\n"), 0o644)
	c, err := readConsole(log, func(int) {})
	if err != nil {
		t.Fatal(err)
	}
	rule := analyze.LookupRule("CORS-A07")
	res := &analyze.Result{Findings: []analyze.Finding{{Rule: rule, Severity: analyze.Error, URL: "https://api.test/x",
		Chromium: "WildcardOriginNotAllowed", Credentials: analyze.CredUnknown}}}
	c.annotate(res)
	if f := res.Findings[0]; f.Credentials != analyze.CredInclude || !strings.HasPrefix(f.Console, "confirmed") {
		t.Errorf("credentials %s (%s), console %q", f.Credentials, f.CredentialsBasis, f.Console)
	}
}
