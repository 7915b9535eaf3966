package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/verdict"
)

// committedDir holds the fixtures TestLive checks Chromium against, and
// committedFirefoxDir those TestLiveFirefox checks Firefox against.
const (
	committedDir        = "../../testdata/hars/chromium"
	committedFirefoxDir = "../../testdata/hars/firefox"
)

// TestLive records every scenario again with the real browser and checks
// that (1) the harcors HAR reader reads every produced file with the right
// number of entries, and (2) the browser still gives the verdicts that are
// committed: same scenarios, and per request the same blocked, corsError and
// failedParameter. A change there means Chromium changed its mind (or a
// stack did), and the fixtures must be re-recorded and reviewed.
func TestLive(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if inCI() {
			t.Fatalf("CI=true but no Chromium at %s: run .ci/install-stacks.sh", chromiumPath)
		}
		t.Skipf("no Chromium at %s (apt-get install chromium); set CI=true to make this a failure", chromiumPath)
	}
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	start := time.Now()
	sum, err := Record(ctx, Options{Out: out, Parallel: 4, Log: testWriter{t}})
	if err != nil {
		t.Fatalf("recording failed: %v", err)
	}
	t.Logf("recorded %d scenarios (%d skipped) with %s in %s", sum.Recorded, sum.Skipped, sum.Browser, time.Since(start).Round(time.Second))

	recorded := map[string]bool{}
	for _, id := range sum.Files {
		recorded[id] = true
		checkHAR(t, out, id)
		checkAgreement(t, out, id)
	}
	checkProofsLive(t, out, recorded)
	compareVerdicts(t, out, committedDir, recorded, diffVerdict)
}

// TestLiveFirefox records every scenario again with Firefox ESR (over
// WebDriver BiDi) and checks that harcors' HAR reader reads every file with
// the right entry count, that harcors agrees with what Firefox just
// reported (its key and console line), and that Firefox still gives the
// committed verdicts: per request the same blocked, firefoxError and CORS
// console line.
func TestLiveFirefox(t *testing.T) {
	if _, err := os.Stat(firefoxPath); err != nil {
		if inCI() {
			t.Fatalf("CI=true but no Firefox at %s: run .ci/install-stacks.sh", firefoxPath)
		}
		t.Skipf("no Firefox at %s (apt-get install firefox-esr); set CI=true to make this a failure", firefoxPath)
	}
	out := t.TempDir()
	// About 3 minutes on two idle cores since the new stacks and the fix
	// proofs came; the deadline leaves room for a loaded CI machine.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	start := time.Now()
	sum, err := Record(ctx, Options{Out: out, Parallel: 4, Log: testWriter{t}, Browser: "firefox"})
	if err != nil {
		t.Fatalf("recording failed: %v", err)
	}
	t.Logf("recorded %d scenarios (%d skipped) with %s in %s", sum.Recorded, sum.Skipped, sum.Browser, time.Since(start).Round(time.Second))
	recorded := map[string]bool{}
	for _, id := range sum.Files {
		recorded[id] = true
		checkHAR(t, out, id)
		checkFirefoxAgreement(t, out, id)
	}
	checkProofsLive(t, out, recorded)
	compareVerdicts(t, out, committedFirefoxDir, recorded, diffFirefoxVerdict)
}

// checkProofsLive checks that the browser just let every request of every
// proof through: harcors' fix, applied as written, works.
func checkProofsLive(t *testing.T, dir string, recorded map[string]bool) {
	t.Helper()
	n := 0
	for _, s := range allScenarios {
		if s.Proves == nil || !recorded[s.ID()] {
			continue
		}
		n++
		var v Verdict
		if err := readJSON(filepath.Join(dir, s.ID()+".verdict.json"), &v); err != nil {
			t.Errorf("%s: %v", s.ID(), err)
			continue
		}
		for _, r := range v.Requests {
			if r.Failed() {
				t.Errorf("%s: %s still blocks %s %s with harcors' %s fix for %s applied: %s%s %s",
					s.ID(), v.Browser, r.Method, r.URL, s.Proves.Rule, s.Proves.Fails, r.CorsError, r.FirefoxError, r.JS)
			}
		}
	}
	t.Logf("%d fix proofs recorded", n)
}

// checkFirefoxAgreement runs harcors on a fresh Firefox HAR and compares
// its verdicts with what Firefox just reported, by the rules of the
// analyzer's test over the committed Firefox fixtures.
func checkFirefoxAgreement(t *testing.T, dir, id string) {
	t.Helper()
	v, err := verdict.Load(filepath.Join(dir, id+".verdict.json"))
	if err != nil {
		t.Errorf("%s: %v", id, err)
		return
	}
	problems, _ := verdict.CheckFirefox(filepath.Join(dir, id+".har"), v)
	for _, p := range problems {
		t.Errorf("%s: harcors disagrees with the live Firefox: %s", id, p)
	}
}

// diffFirefoxVerdict lists the differences that matter in a Firefox
// verdict: the requests and, per request, blocked, firefoxError and the
// CORS console line (which holds the URL, the value and the status code).
func diffFirefoxVerdict(id string, want, got Verdict) []string {
	return diffRequests(id, want, got, func(w, g VerdictRequest) []string {
		var d []string
		if w.FirefoxError != g.FirefoxError {
			d = append(d, fmt.Sprintf("firefoxError was %q, now %q", w.FirefoxError, g.FirefoxError))
		}
		if wl, gl := corsLine(w.Console), corsLine(g.Console); wl != gl {
			d = append(d, fmt.Sprintf("console line was %q, now %q", wl, gl))
		}
		return d
	})
}

func corsLine(lines []string) string {
	for _, l := range lines {
		if strings.HasPrefix(l, "Cross-Origin Request Blocked:") {
			return l
		}
	}
	return ""
}

// checkAgreement runs harcors on a freshly recorded HAR and compares its
// verdicts with what the live browser just reported, by the same rules as
// the analyzer's test over the committed fixtures.
func checkAgreement(t *testing.T, dir, id string) {
	t.Helper()
	v, err := verdict.Load(filepath.Join(dir, id+".verdict.json"))
	if err != nil {
		t.Errorf("%s: %v", id, err)
		return
	}
	problems, _ := verdict.Check(filepath.Join(dir, id+".har"), v, false)
	for _, p := range problems {
		t.Errorf("%s: harcors disagrees with the live browser: %s", id, p)
	}
}

// checkHAR reads one produced HAR with the har package and checks its entry
// count against the verdict's harEntries.
func checkHAR(t *testing.T, dir, id string) {
	t.Helper()
	var v Verdict
	if err := readJSON(filepath.Join(dir, id+".verdict.json"), &v); err != nil {
		t.Errorf("%s: %v", id, err)
		return
	}
	path := filepath.Join(dir, id+".har")
	r, err := har.Open(path, har.Options{})
	if err != nil {
		t.Errorf("%s: har.Open cannot read the recorded HAR: %v", id, err)
		return
	}
	defer r.Close()
	n := 0
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Errorf("%s: har reader failed at entry %d: %v", id, n, err)
			return
		}
		n++
	}
	if lg := r.Log(); lg == nil {
		t.Errorf("%s: har reader gave no log", id)
	}
	if n != v.HAREntries {
		t.Errorf("%s: har reader read %d entries, the recorder wrote %d", id, n, v.HAREntries)
	}
}

// compareVerdicts compares the fresh verdicts with the committed ones in
// dir, with diff saying what differs in one scenario.
func compareVerdicts(t *testing.T, fresh, dir string, recorded map[string]bool, diff func(id string, want, got Verdict) []string) {
	t.Helper()
	committed, err := filepath.Glob(filepath.Join(dir, "*.verdict.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(committed) == 0 {
		t.Fatalf("no committed verdicts under %s", dir)
	}
	var diffs []string
	seen := map[string]bool{}
	for _, path := range committed {
		id := strings.TrimSuffix(filepath.Base(path), ".verdict.json")
		seen[id] = true
		stack, _, _ := strings.Cut(id, "--")
		if !recorded[id] {
			if stackRecorded(recorded, stack) {
				diffs = append(diffs, fmt.Sprintf("%s: committed, but the recorder has no such scenario any more", id))
			}
			continue
		}
		var want, got Verdict
		if err := readJSON(path, &want); err != nil {
			diffs = append(diffs, fmt.Sprintf("%s: %v", id, err))
			continue
		}
		if err := readJSON(filepath.Join(fresh, id+".verdict.json"), &got); err != nil {
			diffs = append(diffs, fmt.Sprintf("%s: %v", id, err))
			continue
		}
		diffs = append(diffs, diff(id, want, got)...)
	}
	for id := range recorded {
		if !seen[id] {
			diffs = append(diffs, fmt.Sprintf("%s: recorded, but not committed (re-record into %s)", id, dir))
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		t.Errorf("the browser's verdicts differ from the committed fixtures in %s (%d):\n  %s\nIf the browser changed, re-record (cd internal/record && go run . [-browser firefox]) and review the diff.",
			dir, len(diffs), strings.Join(diffs, "\n  "))
	}
}

func stackRecorded(recorded map[string]bool, stack string) bool {
	for id := range recorded {
		if strings.HasPrefix(id, stack+"--") {
			return true
		}
	}
	return false
}

// diffVerdict lists the differences that matter: the requests and, per
// request, blocked, corsError and failedParameter.
func diffVerdict(id string, want, got Verdict) []string {
	return diffRequests(id, want, got, func(w, g VerdictRequest) []string {
		var d []string
		if w.CorsError != g.CorsError {
			d = append(d, fmt.Sprintf("corsError was %q, now %q", w.CorsError, g.CorsError))
		}
		if w.FailedParameter != g.FailedParameter {
			d = append(d, fmt.Sprintf("failedParameter was %q, now %q", w.FailedParameter, g.FailedParameter))
		}
		return d
	})
}

// diffRequests compares two verdicts request by request: the same requests
// in the same order, the same blocked, and what the browser-specific fields
// compares.
func diffRequests(id string, want, got Verdict, fields func(w, g VerdictRequest) []string) []string {
	if len(want.Requests) != len(got.Requests) {
		return []string{fmt.Sprintf("%s: %d requests committed, %d now", id, len(want.Requests), len(got.Requests))}
	}
	var d []string
	for i := range want.Requests {
		w, g := want.Requests[i], got.Requests[i]
		where := fmt.Sprintf("%s request %d (%s %s)", id, i+1, w.Method, w.URL)
		if w.URL != g.URL || w.Method != g.Method {
			d = append(d, fmt.Sprintf("%s: now %s %s", where, g.Method, g.URL))
			continue
		}
		if w.Blocked != g.Blocked {
			d = append(d, fmt.Sprintf("%s: blocked was %v, now %v (%s)", where, w.Blocked, g.Blocked, g.JS))
		}
		for _, x := range fields(w, g) {
			d = append(d, where+": "+x)
		}
	}
	return d
}

// testWriter sends the recorder's log lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestCommittedFixturesReadable needs no browser: every committed HAR, the
// Chromium ones and the converted shapes, must be readable by the har
// package with the entry count its verdict states.
func TestCommittedFixturesReadable(t *testing.T) {
	dirs := []string{committedDir, committedFirefoxDir}
	shapes, _ := filepath.Glob("../../testdata/hars/shapes/*")
	dirs = append(dirs, shapes...)
	n := 0
	for _, dir := range dirs {
		hars, _ := filepath.Glob(filepath.Join(dir, "*.har"))
		for _, h := range hars {
			checkHAR(t, dir, strings.TrimSuffix(filepath.Base(h), ".har"))
			n++
		}
	}
	if n == 0 {
		t.Fatal("no committed fixtures found")
	}
}
