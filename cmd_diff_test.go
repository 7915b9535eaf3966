package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harcors/harcors/report"
)

type diffDoc struct {
	Schema       string `json:"schema"`
	Fixed        []diffProblem
	StillFailing []diffProblem `json:"stillFailing"`
	New          []diffProblem
	Missing      []diffProblem
}

type diffProblem struct {
	Rule, Severity, URL, Method, Changed string
}

func runDiffJSON(t *testing.T, before, after string) (int, diffDoc) {
	t.Helper()
	code, out, stderr := runCLI(t, "", "diff", "--format", "json", before, after)
	var d diffDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("diff %s %s: exit %d, %v\n%s%s", before, after, code, err, out, stderr)
	}
	return code, d
}

// TestDiffRecordedFixes compares real before/after pairs: scenarios
// recorded in Chromium against the stacks as harcors found them broken, and
// again with harcors' own printed fix applied (internal/record's fix
// proofs, testdata/hars/chromium/*-fixed.har). The recorder serves the
// fixed server under the scenario's path plus "-fixed", so that both run
// side by side; the after capture is mapped back to the scenario's path,
// which is what the same flow recorded after deploying the fix gives.
func TestDiffRecordedFixes(t *testing.T) {
	pairs := []string{
		"express--auth-before-cors-401",       // CORS-P02, auth before CORS
		"express--methods-restricted",         // CORS-P13, method not allowed
		"flask--before-request-auth-401",      // CORS-P02 in Flask
		"flask--debug-500-no-cors",            // CORS-A02, error page without CORS
		"nginx--proxy-500-no-always",          // CORS-A02 in nginx (add_header without always)
		"nginx--acac-capitalized",             // CORS-A08, "True"
		"rscors--options-passthrough-405",     // CORS-P01 behind rs/cors
		"gin--auth-before-cors-401",           // gin
		"apache--header-add-duplicate",        // CORS-A05, duplicate ACAO
		"express--allowed-headers-restricted", // CORS-P16
	}
	dir := t.TempDir()
	stacks, causes := map[string]bool{}, map[string]bool{}
	for _, name := range pairs {
		before := filepath.Join("testdata/hars/chromium", name+".har")
		fixed := filepath.Join("testdata/hars/chromium", name+"-fixed.har")
		data, err := os.ReadFile(fixed)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		path := name[strings.Index(name, "--")+2:]
		after := filepath.Join(dir, name+".har")
		os.WriteFile(after, []byte(strings.ReplaceAll(string(data), path+"-fixed", path)), 0o644)

		code, d := runDiffJSON(t, before, after)
		if d.Schema != "harcors/diff/v1" {
			t.Errorf("%s: schema %q", name, d.Schema)
		}
		var fixedErr bool
		for _, p := range d.Fixed {
			if p.Severity == "error" {
				fixedErr = true
				causes[p.Rule] = true
			}
		}
		if !fixedErr || code != exitOK {
			t.Errorf("%s: exit %d, want 0 with the blocking problem fixed: %+v", name, code, d)
		}
		for _, p := range append(append([]diffProblem{}, d.StillFailing...), d.New...) {
			if p.Severity == "error" {
				t.Errorf("%s: an error still fails or is new after the fix: %+v", name, p)
			}
		}
		stacks[name[:strings.Index(name, "--")]] = true
		// The other way round, the fix's undoing is new and fails.
		if code, d := runDiffJSON(t, after, before); code != exitFindings || len(d.New) == 0 {
			t.Errorf("%s reversed: exit %d, new %+v", name, code, d.New)
		}
	}
	if len(stacks) < 3 || len(causes) < 5 {
		t.Errorf("%d stacks, %d causes fixed: want at least 3 and 5", len(stacks), len(causes))
	}
	t.Logf("%d recorded pairs, %d stacks, causes fixed: %v", len(pairs), len(stacks), causes)
}

func TestDiffStillFailingAndMissing(t *testing.T) {
	// The same capture twice: everything still fails, nothing changed.
	code, d := runDiffJSON(t, blockedHAR, blockedHAR)
	if code != exitFindings || len(d.StillFailing) == 0 || d.StillFailing[0].Changed != "" || len(d.Fixed)+len(d.New)+len(d.Missing) != 0 {
		t.Errorf("same capture: exit %d, %+v", code, d)
	}
	// Another rule now fails the same request: still failing, changed.
	data, _ := os.ReadFile(blockedHAR)
	after := filepath.Join(t.TempDir(), "401.har")
	os.WriteFile(after, []byte(strings.Replace(string(data), `"status": 404`, `"status": 401`, 1)), 0o644)
	code, d = runDiffJSON(t, blockedHAR, after)
	if code != exitFindings || len(d.StillFailing) != 1 || d.StillFailing[0].Changed != "CORS-P01 -> CORS-P02" {
		t.Errorf("changed rule: exit %d, %+v", code, d)
	}
	// A capture without the request says nothing about it.
	code, d = runDiffJSON(t, blockedHAR, passingHAR)
	if code != exitOK || len(d.Missing) == 0 || len(d.Fixed) != 0 {
		t.Errorf("request not in the after capture: exit %d, %+v", code, d)
	}
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"diff", blockedHAR}, exitTrouble},
		{[]string{"diff", blockedHAR, "testdata/no-such.har"}, exitTrouble},
		{[]string{"diff", "--fail-on", "never", blockedHAR, blockedHAR}, exitOK},
		{[]string{"diff", "--format", "markdown", blockedHAR, blockedHAR}, exitFindings},
		{[]string{"diff", blockedHAR, blockedHAR}, exitFindings},
		{[]string{"diff", "--help"}, exitOK},
	} {
		if code, _, stderr := runCLI(t, "", c.args...); code != c.want {
			t.Errorf("%q: exit %d, want %d (%s)", c.args, code, c.want, stderr)
		}
	}
	capture, _ := os.ReadFile(blockedHAR)
	if code, _, stderr := runCLI(t, string(capture), "diff", "-", "-"); code != exitTrouble || !strings.Contains(stderr, "standard input named twice") {
		t.Errorf("diff - -: exit %d, %s", code, stderr)
	}
}

func init() {
	readmeExamples = append(readmeExamples, struct {
		marker, shown string
		args          []string
		lines         int
		filter        func(string) string
	}{"example-diff", "harcors diff testdata/hars/chromium/nginx--acac-capitalized.har testdata/diff/nginx--acac-capitalized.after.har",
		[]string{"diff", "testdata/hars/chromium/nginx--acac-capitalized.har", "testdata/diff/nginx--acac-capitalized.after.har"}, 0, nil})
}

// diffCapture writes a capture of n cross-origin GETs, from
// http://localhost:5173, to servers of the given count (round robin),
// each on a path of its own; allowed says whether the responses allow the
// page's origin.
func diffCapture(t *testing.T, n, servers int, allowed bool) string {
	t.Helper()
	var es []string
	for i := range n {
		resp := `"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"_error":"net::ERR_FAILED"`
		if allowed {
			resp = `"status":200,"headers":[{"name":"Content-Type","value":"application/json"},{"name":"Access-Control-Allow-Origin","value":"*"}]`
		}
		// A path of letters ("route-baa"), which no pattern folds to :id.
		word := []byte("aaa")
		for j, k := len(word)-1, i; j >= 0; j, k = j-1, k/26 {
			word[j] = byte('a' + k%26)
		}
		es = append(es, fmt.Sprintf(`{"startedDateTime":"2026-01-01T00:00:%02d.%03dZ","time":1,"_resourceType":"fetch","request":{"method":"GET","url":"https://api%d.example.test/v1/route-%s/items","headers":[{"name":"Origin","value":"http://localhost:5173"},{"name":"Sec-Fetch-Mode","value":"cors"}]},"response":{%s}}`,
			i/1000%60, i%1000, i%servers, word, resp))
	}
	p := filepath.Join(t.TempDir(), "c.har")
	doc := `{"log":{"creator":{"name":"WebInspector","version":"537.36"},"entries":[` + strings.Join(es, ",") + `]}}`
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDiffMarkdownBounded: the diff's Markdown has a row per problem and
// server with its paths, as the report, and stays within what an issue
// takes. One server fixed on 400 routes made 67,000 characters.
func TestDiffMarkdownBounded(t *testing.T) {
	code, out, stderr := runCLI(t, "", "diff", "--format", "markdown", diffCapture(t, 400, 1, false), diffCapture(t, 400, 1, true))
	if code != exitOK || strings.Count(out, "| error |") != 1 || !strings.Contains(out, "and 397 more") {
		t.Errorf("400 routes of one server: exit %d, want one row naming 3 paths and 397 more:\n%s%s", code, out, stderr)
	}
	_, out, _ = runCLI(t, "", "diff", "--format", "markdown", diffCapture(t, 3000, 3000, false), diffCapture(t, 3000, 3000, true))
	if len(out) > report.MarkdownBudget || !strings.Contains(out, "more rows not shown here") {
		t.Errorf("3,000 servers fixed: %d bytes of Markdown, or no count of the rows left out", len(out))
	}
	_, js, _ := runCLI(t, "", "diff", "--format", "json", diffCapture(t, 3000, 3000, false), diffCapture(t, 3000, 3000, true))
	var d diffDoc
	if err := json.Unmarshal([]byte(js), &d); err != nil || len(d.Fixed) != 3000 {
		t.Errorf("the JSON lists %d fixed problems (%v), want every one of 3,000", len(d.Fixed), err)
	}
}

// TestDiffValueChanged: a fix half done (the trailing slash taken off the
// allowlist's origin, and the wrong port written) fails the same rule on
// another value; the diff says so instead of "still failing" as before.
func TestDiffValueChanged(t *testing.T) {
	const before = "testdata/hars/chromium/go--acao-trailing-slash.har"
	data, err := os.ReadFile(before)
	if err != nil {
		t.Fatal(err)
	}
	after := filepath.Join(t.TempDir(), "after.har")
	os.WriteFile(after, []byte(strings.ReplaceAll(string(data), `"value": "http://localhost:8800/"`, `"value": "http://localhost:8801"`)), 0o644)
	_, d := runDiffJSON(t, before, after)
	if len(d.StillFailing) != 1 || d.StillFailing[0].Changed != "value http://localhost:8800/ -> http://localhost:8801" {
		t.Errorf("still failing: %+v", d.StillFailing)
	}
	code, out, _ := runCLI(t, "", "diff", "--format", "markdown", before, after)
	if code != exitFindings || !strings.Contains(out, "(now: value http://localhost:8800/ -&gt; http://localhost:8801)") {
		t.Errorf("markdown: exit %d\n%s", code, out)
	}
}

// TestDiffUnreadableFile: one unreadable file in a folder lost the whole
// comparison (nothing on stdout). The rest is compared, the file named,
// and the exit status is 2.
func TestDiffUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	data, _ := os.ReadFile(blockedHAR)
	os.WriteFile(filepath.Join(dir, "a.har"), data, 0o644)
	os.WriteFile(filepath.Join(dir, "b.har"), []byte(`{"log":{"entries":[`), 0o644)
	code, out, stderr := runCLI(t, "", "diff", blockedHAR, dir)
	if code != exitTrouble || !strings.Contains(out, "1 still failing") || !strings.Contains(out, "not read in full") || !strings.Contains(stderr, "b.har") {
		t.Errorf("exit %d, want %d with the comparison of a.har and b.har named\n%s\n%s", code, exitTrouble, out, stderr)
	}
	_, js, _ := runCLI(t, "", "diff", "--format", "json", blockedHAR, dir)
	var d struct{ Unread []string }
	if json.Unmarshal([]byte(js), &d); len(d.Unread) != 1 || !strings.Contains(d.Unread[0], "b.har") {
		t.Errorf("json unread %q", d.Unread)
	}
}
