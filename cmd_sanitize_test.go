package main

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSanitizeCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "clean.har")
	code, stdout, stderr := runCLI(t, "", "sanitize", "testdata/hars/hostile/secrets.har", "-o", out)
	if code != exitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "SECRET_") {
		t.Errorf("the sanitized HAR keeps a planted secret")
	}
	// The sanitized file gives the same exit status and findings.
	c1, r1, _ := runCLI(t, "", "--format", "json", "testdata/hars/hostile/secrets.har")
	c2, r2, _ := runCLI(t, "", "--format", "json", out)
	if c1 != c2 || strings.Count(r1, `"rule"`) != strings.Count(r2, `"rule"`) || strings.Count(r1, `"rule"`) == 0 {
		t.Errorf("verdict changed: exit %d/%d, %d/%d rules", c1, c2, strings.Count(r1, `"rule"`), strings.Count(r2, `"rule"`))
	}
	// -o naming the capture, directly or through a link, is refused and
	// leaves it as it was: a sanitized copy has lost bodies and secrets.
	if code, _, stderr := runCLI(t, "", "sanitize", out, "-o", out); code != exitTrouble || !strings.Contains(stderr, "is the capture itself") {
		t.Errorf("-o the input: exit %d, %s", code, stderr)
	}
	link := filepath.Join(dir, "link.har")
	os.Symlink(out, link)
	if code, _, _ := runCLI(t, "", "sanitize", out, "-o", link); code != exitTrouble {
		t.Errorf("-o a link to the input: exit %d", code)
	}
	if again, _ := os.ReadFile(out); string(again) != string(data) {
		t.Errorf("the capture changed")
	}
	// Standard input to standard output.
	in, _ := os.ReadFile("testdata/hars/hostile/secrets.har")
	code, stdout, _ = runCLI(t, string(in), "sanitize", "-")
	if code != exitOK || !strings.Contains(stdout, `"entries"`) || strings.Contains(stdout, "SECRET_") {
		t.Errorf("stdin: exit %d, output %.200q", code, stdout)
	}
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"sanitize"}, exitTrouble},
		{[]string{"sanitize", "a.har", "b.har"}, exitTrouble},
		{[]string{"sanitize", "testdata/no-such.har"}, exitTrouble},
		{[]string{"sanitize", "testdata/hars/broken/truncated.har", "-o", filepath.Join(dir, "t.har")}, exitTrouble},
		{[]string{"sanitize", "--help"}, exitOK},
	} {
		if code, _, stderr := runCLI(t, "", c.args...); code != c.want {
			t.Errorf("%q: exit %d, want %d (%s)", c.args, code, c.want, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "t.har")); err == nil {
		t.Errorf("a failed sanitize left a half-written -o file")
	}
}

// TestSubcommandNamedFile: a HAR called like a subcommand is read as a HAR
// after -- or as ./name.
func TestSubcommandNamedFile(t *testing.T) {
	dir := t.TempDir()
	data, _ := os.ReadFile(blockedHAR)
	if err := os.WriteFile(filepath.Join(dir, "sanitize"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	for _, args := range [][]string{{"--", "sanitize"}, {"./sanitize"}} {
		if code, _, stderr := runCLI(t, "", args...); code != exitFindings {
			t.Errorf("%q: exit %d, want %d (read as a HAR); %s", args, code, exitFindings, stderr)
		}
	}
}

// TestSanitizeBodySecretsEverywhere: a secret found in a body (a JSON
// member) is hidden where it reappears as plain text: in another entry's
// error page and in a WebSocket message, with or without --keep-bodies.
func TestSanitizeBodySecretsEverywhere(t *testing.T) {
	const in = `{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[
{"startedDateTime":"2026-01-01T00:00:00Z","time":1,"request":{"method":"POST","url":"https://api.test/login","httpVersion":"h2","headers":[],"cookies":[],"queryString":[],
  "postData":{"mimeType":"application/json","text":"{\"user\":\"ann\",\"api_key\":\"BODYSECRET8888\"}"},"headersSize":-1,"bodySize":10},
 "response":{"status":200,"statusText":"","httpVersion":"h2","headers":[],"cookies":[],"content":{"size":0,"mimeType":"text/plain"},"redirectURL":"","headersSize":-1,"bodySize":0},"cache":{},"timings":{"send":0,"wait":1,"receive":0}},
{"startedDateTime":"2026-01-01T00:00:01Z","time":1,"request":{"method":"GET","url":"wss://api.test/ws","httpVersion":"h2","headers":[],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},
 "response":{"status":101,"statusText":"","httpVersion":"h2","headers":[],"cookies":[],"content":{"size":0,"mimeType":"x-unknown"},"redirectURL":"","headersSize":-1,"bodySize":0},"cache":{},"timings":{"send":0,"wait":1,"receive":0},
 "_resourceType":"websocket","_webSocketMessages":[{"type":"send","time":1,"opcode":1,"data":"{\"auth\":\"WSSECRET1010\"}"},{"type":"receive","time":2,"opcode":1,"data":"welcome WSSECRET1010"}]},
{"startedDateTime":"2026-01-01T00:00:02Z","time":1,"request":{"method":"GET","url":"https://api.test/x","httpVersion":"h2","headers":[],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},
 "response":{"status":500,"statusText":"","httpVersion":"h2","headers":[],"cookies":[],"content":{"size":30,"mimeType":"text/html","text":"<p>request by BODYSECRET8888 failed</p>"},"redirectURL":"","headersSize":-1,"bodySize":30},"cache":{},"timings":{"send":0,"wait":1,"receive":0}}]}}`
	for _, args := range [][]string{{"sanitize", "-"}, {"sanitize", "--keep-bodies", "-"}} {
		code, out, stderr := runCLI(t, in, args...)
		if code != exitOK || !strings.Contains(out, `"entries"`) {
			t.Fatalf("%q: exit %d, %s", args, code, stderr)
		}
		for _, secret := range []string{"BODYSECRET8888", "WSSECRET1010"} {
			if strings.Contains(out, secret) {
				t.Errorf("%q: %s survives:\n%s", args, secret, out)
			}
		}
	}
}

// TestSanitizeZip: sanitize reads what the command reads: a Playwright .zip
// gives the same sanitized HAR as the .har inside it.
func TestSanitizeZip(t *testing.T) {
	plain, err := os.ReadFile("testdata/hars/hostile/secrets.har")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("har.har")
	w.Write(plain)
	zw.Create("0a1b.json")
	zw.Close()
	path := filepath.Join(t.TempDir(), "capture.zip")
	os.WriteFile(path, b.Bytes(), 0o644)
	code, fromZip, stderr := runCLI(t, "", "sanitize", path)
	_, fromHAR, _ := runCLI(t, "", "sanitize", "testdata/hars/hostile/secrets.har")
	if code != exitOK || fromZip != fromHAR {
		t.Errorf("exit %d (%s); same output: %v", code, stderr, fromZip == fromHAR)
	}
}
