package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBaseline(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "baseline.json")
	// The baseline accepts today's failures...
	code, _, stderr := runCLI(t, "", "--write-baseline", base, blockedHAR)
	if code != exitOK {
		t.Fatalf("--write-baseline: exit %d (%s)", code, stderr)
	}
	var b baselineFile
	data, _ := os.ReadFile(base)
	if err := json.Unmarshal(data, &b); err != nil || b.Schema != baselineSchema || len(b.Findings) == 0 {
		t.Fatalf("baseline %s: %v %+v", data, err, b)
	}
	if code, out, stderr := runCLI(t, "", "--baseline", base, "--format", "json", blockedHAR); code != exitOK || !strings.Contains(out, `"findings": []`) ||
		!strings.Contains(stderr, "accepted by the baseline") {
		t.Errorf("--baseline: exit %d, findings shown:\n%s\n%s", code, out, stderr)
	}
	// ...and fails on new ones only.
	other := "testdata/hars/chromium/go--header-authorization-not-allowed.har"
	code, out, _ := runCLI(t, "", "--baseline", base, "--format", "json", blockedHAR, other)
	var doc struct {
		Files []struct {
			Findings []struct{ URL string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Files) != 2 {
		t.Fatalf("%v\n%s", err, out)
	}
	if code != exitFindings || len(doc.Files[0].Findings) != 0 || len(doc.Files[1].Findings) == 0 {
		t.Errorf("a new finding beside a baselined one: exit %d, findings %+v", code, doc.Files)
	}
	for _, bad := range []string{"{}", `{"schema":"other"}`, "not json", `{"schema":"harcors/baseline/v1","findings":[{}]}`} {
		p := filepath.Join(dir, "bad.json")
		os.WriteFile(p, []byte(bad), 0o644)
		if code, _, _ := runCLI(t, "", "--baseline", p, blockedHAR); code != exitTrouble {
			t.Errorf("baseline %q: exit %d, want %d", bad, code, exitTrouble)
		}
	}
	if code, _, _ := runCLI(t, "", "--baseline", filepath.Join(dir, "missing.json"), blockedHAR); code != exitTrouble {
		t.Errorf("missing baseline: exit %d", code)
	}
}

func TestIgnoreHostAndURL(t *testing.T) {
	// blockedHAR's request goes to http://127.0.0.1:8801/preflight-404.
	for _, c := range []struct {
		ignore string
		want   int
	}{
		{"127.0.0.1", exitOK},
		{"127.0.0.1:8801", exitOK},
		{"127.0.0.2", exitFindings},
		{"http://127.0.0.1:8801/preflight-*", exitOK},
		{"127.0.0.1:8801/preflight-404", exitOK},
		{"*/other/*", exitFindings},
		{"CORS-P01", exitOK},
		{"P01", exitOK},
		{"CORS-X99", exitTrouble},
		{"bad host?", exitTrouble},
	} {
		if code, _, stderr := runCLI(t, "", "--ignore", c.ignore, blockedHAR); code != c.want {
			t.Errorf("--ignore %q: exit %d, want %d (%s)", c.ignore, code, c.want, stderr)
		}
	}
	u := urlIgnore{host: "*.example.com"}
	for raw, want := range map[string]bool{"https://api.example.com/x": true, "https://example.com/": true, "https://badexample.com/": false, "https://example.com.evil.test/": false} {
		if u.match(raw) != want {
			t.Errorf("*.example.com matches %s: %v", raw, !want)
		}
	}
}
