package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// provenStacks are the stacks whose every recorded failure has a proof.
var provenStacks = map[string]bool{
	"express": true, "flask": true, "django": true, "nginx": true, "apache": true, "rscors": true, "gin": true, "fastapi": true, "caddy": true, "rack": true, "vite": true, "webpack": true, "next": true,
	"go": true, "php": true,
}

// unproven lists failures that no server configuration can fix, with why.
var unproven = map[string]string{
	"go--connection-refused":      "nothing listens on the port: no server answered, so there is no server configuration to change; the fix (start the server, call the right URL) is outside CORS",
	"go--lna-public-page-get":     "Local Network Access: the browser asks the user for the loopback-network permission; no response header grants it (go--lna-public-page-granted records the request passing once it is granted)",
	"go--mode-same-origin":        "the page's own code: mode 'same-origin' refuses any cross-origin URL before a request is made, whatever the server says",
	"go--mixed-content":           "the page's own code: an https page calls an http:// URL, which the browser refuses before sending; the fix (https in the URL) is the page's, not a server configuration",
	"go--no-cors-opaque":          "the page's own code: mode 'no-cors' gives an opaque response by design, and ORB blocks its JSON body in Chromium; the page must use mode 'cors'",
	"go--no-cors-redirect-manual": "the page's own code: mode 'no-cors' with redirect 'manual' is refused by fetch() before a request is made",
	"go--redirect-mode-error":     "the page's own code: redirect 'error' fails the fetch at any redirect, whatever the server sends; the fix (redirect 'follow', or a URL that does not redirect) is the page's",
	"go--scheme-not-supported":    "the page's own code: fetch() refuses an ftp: URL before a request is made",
}

// configText is everything a stack's configuration is written in: its
// files under stacks/ and its scenarios' Go source, where the Go stacks
// keep their handlers.
func configText(t *testing.T, stack string) string {
	t.Helper()
	var b strings.Builder
	dir := strings.TrimSuffix(stack, "-fixed")
	filepath.WalkDir(filepath.Join("stacks", dir), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() && d.Name() == "node_modules" {
			return filepath.SkipDir
		}
		if !d.IsDir() && !strings.HasSuffix(p, "package-lock.json") {
			data, _ := os.ReadFile(p)
			b.Write(data)
		}
		return nil
	})
	srcs, _ := filepath.Glob("scenarios_" + dir + "*.go")
	for _, p := range srcs {
		data, _ := os.ReadFile(p)
		b.Write(data)
	}
	return b.String()
}

// TestProofs needs no browser. For every proof it checks that harcors
// reports the proof's rule and stack on the committed recording of the
// failing scenario, that the fix text for them is still the one the proof
// applied (its hash, and its key words both in the text and in the
// stack's configuration), and that the committed recordings of the proof
// pass in Chromium and Firefox with no error from harcors. For every
// proven stack it checks that each blocked scenario has a proof.
func TestProofs(t *testing.T) {
	if err := checkScenarios(); err != nil {
		t.Fatal(err)
	}
	proved := map[string]bool{}
	for _, s := range allScenarios {
		p := s.Proves
		if p == nil {
			continue
		}
		proved[p.Fails] = true
		t.Run(s.ID(), func(t *testing.T) {
			text, err := fixTemplate(p.Rule, p.Stack)
			if err != nil {
				t.Fatal(err)
			}
			if h := fixHash(text); h != p.Fix {
				t.Errorf("harcors' %s fix for %s changed (hash %s, the proof applied %s): %q\nApply the new text to the proving configuration of %s, re-record it, and set Fix to %q.",
					p.Rule, stackLabel(p.Stack), h, p.Fix, text, s.ID(), h)
			}
			printed := checkFailureFinding(t, p)
			conf := configText(t, s.Stack)
			for _, k := range p.Keys {
				if printed != "" && !strings.Contains(printed, k) {
					t.Errorf("key %q is not in the %s fix harcors prints for %s: %q", k, p.Rule, p.Fails, printed)
				}
				if !strings.Contains(conf, k) {
					t.Errorf("key %q of the fix is not in the %s stack's configuration", k, s.Stack)
				}
			}
			for _, dir := range []string{committedDir, committedFirefoxDir} {
				checkProofPasses(t, dir, s.ID())
			}
		})
	}
	for _, dir := range []string{committedDir, committedFirefoxDir} {
		vs, _ := filepath.Glob(filepath.Join(dir, "*.verdict.json"))
		for _, vf := range vs {
			id := strings.TrimSuffix(filepath.Base(vf), ".verdict.json")
			stack, _, _ := strings.Cut(id, "--")
			if !provenStacks[stack] || proved[id] || unproven[id] != "" || isProof(id) {
				continue
			}
			var v Verdict
			if err := readJSON(vf, &v); err != nil {
				t.Error(err)
				continue
			}
			for _, r := range v.Requests {
				if r.Failed() {
					t.Errorf("%s is blocked in %s but no scenario proves harcors' fix for it", id, filepath.Base(dir))
					break
				}
			}
		}
	}
}

func isProof(id string) bool {
	for _, s := range allScenarios {
		if s.ID() == id {
			return s.Proves != nil
		}
	}
	return false
}

// checkFailureFinding runs harcors on the committed Chromium recording of
// the failing scenario: it must report the proof's rule with the proof's
// stack, since that is the fix the user is told to apply. It returns that
// fix as harcors prints it, placeholders filled. A scenario that only
// Firefox fails (a header Chromium safelists, go--dpr-numeric) is judged on
// Firefox's recording instead, where the failure is.
func checkFailureFinding(t *testing.T, p *Proof) string {
	t.Helper()
	dir := committedDir
	if !failsIn(committedDir, p.Fails) && failsIn(committedFirefoxDir, p.Fails) {
		dir = committedFirefoxDir
	}
	path := filepath.Join(dir, p.Fails+".har")
	res := analyze.File(path, analyze.Options{}, har.Options{})
	if res.Err != nil {
		t.Errorf("%s: %v", path, res.Err)
		return ""
	}
	var got []string
	for _, f := range res.Findings {
		if f.Rule.ID == p.Rule && f.Stack == p.Stack {
			return f.Fix
		}
		got = append(got, f.Rule.ID+"/"+stackLabel(f.Stack))
	}
	t.Errorf("harcors reports %v on %s, not %s/%s: the proof applies a fix the user is not given", got, p.Fails, p.Rule, stackLabel(p.Stack))
	return ""
}

// failsIn reports whether the committed verdict of scenario id in dir has
// a request the browser failed.
func failsIn(dir, id string) bool {
	var v Verdict
	if err := readJSON(filepath.Join(dir, id+".verdict.json"), &v); err != nil {
		return false
	}
	for _, r := range v.Requests {
		if r.Failed() {
			return true
		}
	}
	return false
}

// checkProofPasses checks the committed recording of a proof in dir: no
// request blocked, and no error from harcors.
func checkProofPasses(t *testing.T, dir, id string) {
	t.Helper()
	vf := filepath.Join(dir, id+".verdict.json")
	var v Verdict
	if err := readJSON(vf, &v); err != nil {
		t.Errorf("%s: not recorded (%v)", id, err)
		return
	}
	for _, r := range v.Requests {
		if r.Failed() {
			t.Errorf("%s: the browser (%s) still blocks %s %s with the fix applied: %s %s", id, v.Browser, r.Method, r.URL, r.CorsError+r.FirefoxError, r.JS)
		}
	}
	res := analyze.File(filepath.Join(dir, id+".har"), analyze.Options{}, har.Options{})
	var errs []string
	for _, f := range res.Findings {
		if f.Severity >= analyze.Error {
			errs = append(errs, f.Rule.ID)
		}
	}
	sort.Strings(errs)
	if res.Err != nil || len(errs) > 0 {
		t.Errorf("%s (%s): harcors still reports %v %v with the fix applied", id, filepath.Base(dir), errs, res.Err)
	}
}
