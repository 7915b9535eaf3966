package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
