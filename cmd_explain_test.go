package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/report"
)

const chromiumLine = "Access to fetch at 'http://127.0.0.1:8801/header-authorization-not-allowed?access_token=TOPSECRET1' from origin 'http://localhost:8800' has been blocked by CORS policy: Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response."

func TestExplainCommand(t *testing.T) {
	log := "GET http://localhost:8800/favicon.ico 404 (Not Found)\n" + chromiumLine + "\nUncaught (in promise) TypeError: Failed to fetch\n" +
		"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://127.0.0.1:8801/x. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 401.\n"
	code, out, stderr := runCLI(t, log, "explain", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Schema   string `json:"schema"`
		Messages []struct {
			Text, Browser, Chromium, Firefox, URL, Origin, Header, Replay, Examples string
			Rules                                                                   []string
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Schema != "harcors/explain/v1" || len(doc.Messages) != 2 {
		t.Fatalf("schema %q, %d messages (want the 2 CORS lines of 4):\n%s", doc.Schema, len(doc.Messages), out)
	}
	c, f := doc.Messages[0], doc.Messages[1]
	if c.Browser != "chromium" || c.Chromium != "HeaderDisallowedByPreflightResponse" || c.Header != "authorization" ||
		c.Origin != "http://localhost:8800" || len(c.Rules) == 0 || c.Rules[0] != "CORS-P16" {
		t.Errorf("chromium line: %+v", c)
	}
	if c.Examples != "" {
		t.Errorf("the line names its header, and the fixes need nothing else, yet they use examples: %q", c.Examples)
	}
	if !strings.HasPrefix(c.Replay, "curl -i -X OPTIONS ") || !strings.Contains(c.Replay, "Access-Control-Request-Headers: authorization") {
		t.Errorf("replay: %q", c.Replay)
	}
	if f.Browser != "firefox" || f.Firefox != "CORSMissingAllowOrigin2" || len(f.Rules) == 0 || f.Rules[0] != "CORS-P02" {
		t.Errorf("firefox line: %+v", f)
	}
	if strings.Contains(out, "TOPSECRET1") {
		t.Errorf("a token in a pasted URL reaches the output")
	}
	// Arguments, and the text format.
	code, out, _ = runCLI(t, "", "explain", chromiumLine)
	if code != exitOK || !strings.Contains(out, "HeaderDisallowedByPreflightResponse") || !strings.Contains(out, "CORS-P16") || strings.Contains(out, "TOPSECRET1") {
		t.Errorf("text: exit %d\n%s", code, out)
	}
	if code, out, _ = runCLI(t, "", "explain", "--format", "markdown", chromiumLine); code != exitOK || !strings.Contains(out, "`CORS-P16`") {
		t.Errorf("markdown: exit %d\n%s", code, out)
	}
	// A line that names no method or header: the fixes that need one use
	// an example, and say so, in every format.
	const examples = "Examples stand in for what the message does not say (method PUT, header X-Custom-Header)."
	for _, format := range []string{"table", "markdown", "json"} {
		code, out, _ = runCLI(t, "", "explain", "--format", format, readmeExplainLine)
		if code != exitOK || !strings.Contains(out, "(PUT; X-Custom-Header)") || !strings.Contains(strings.Join(strings.Fields(out), " "), examples) {
			t.Errorf("%s: exit %d, want the fix's example values named (%q):\n%s", format, code, examples, out)
		}
	}
	for _, c := range []struct {
		args  []string
		stdin string
		want  int
	}{
		{[]string{"explain", "nothing to see"}, "", exitTrouble},
		{[]string{"explain"}, "", exitTrouble},
		{[]string{"explain", "--format", "xml", chromiumLine}, "", exitTrouble},
		{[]string{"explain", "--help"}, "", exitOK},
		{[]string{"explain", "-"}, chromiumLine, exitOK},
	} {
		if code, _, stderr := runCLI(t, c.stdin, c.args...); code != c.want {
			t.Errorf("%q: exit %d, want %d (%s)", c.args, code, c.want, stderr)
		}
	}
}

// The README's examples of the subcommands, generated and checked by
// TestREADMEExamples (main_test.go) like the others.
func init() {
	readmeExamples = append(readmeExamples,
		struct {
			marker, shown string
			args          []string
			lines         int
			filter        func(string) string
		}{"example-sanitize", "harcors sanitize testdata/hars/hostile/secrets.har -o clean.har; head -45 clean.har",
			[]string{"sanitize", "testdata/hars/hostile/secrets.har"}, 45, nil},
		struct {
			marker, shown string
			args          []string
			lines         int
			filter        func(string) string
		}{"example-explain", "harcors explain \"" + readmeExplainLine + "\"",
			[]string{"explain", readmeExplainLine}, 0, nil},
	)
}

const readmeExplainLine = "Access to fetch at 'http://127.0.0.1:8801/preflight-401' from origin 'http://localhost:8800' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."

// FuzzExplain runs pasted text through harcors explain in every format: no
// panic, an exit status of 0 or 2, valid UTF-8, JSON that parses, and
// nothing dangerous raw (firstDangerous) anywhere, the curl line included,
// since people paste console logs as they come, escapes and bidi controls
// with them, and copy the curl line back into a shell.
func FuzzExplain(f *testing.F) {
	for _, s := range []string{
		chromiumLine,
		readmeExplainLine,
		"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://127.0.0.1:8801/x. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 401.",
		"Access to fetch at 'http://a.test/\u202ex' from origin 'http://b.test\x1b[2J' has been blocked by CORS policy: Request header field x-\u2066y is not allowed by Access-Control-Allow-Headers in preflight response.",
		"Access to XMLHttpRequest at 'http://a.test/' from origin 'null' has been blocked by CORS policy: Method PU\u200fT is not allowed by Access-Control-Allow-Methods in preflight response.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, format := range []string{"table", "markdown", "json"} {
			code, out, _ := runCLI(t, text, "explain", "--format", format, "-")
			if code != exitOK && code != exitTrouble {
				t.Fatalf("%s: exit %d", format, code)
			}
			if !utf8.ValidString(out) {
				t.Fatalf("%s: output is not valid UTF-8:\n%q", format, out)
			}
			if i, r := firstDangerous([]byte(out), format == "json"); i >= 0 {
				lo, hi := max(0, i-60), min(len(out), i+60)
				t.Fatalf("%s: raw %U at byte %d: %q", format, r, i, out[lo:hi])
			}
			if format == "json" && code == exitOK && !json.Valid([]byte(out)) {
				t.Fatalf("json output does not parse:\n%s", out)
			}
		}
	})
}

// TestExplainRuleFormats: a rule ID or a browser error name is explained
// in every format, not only the table.
func TestExplainRuleFormats(t *testing.T) {
	for _, name := range []string{"CORS-P02", "PreflightMissingAllowOriginHeader"} {
		code, out, stderr := runCLI(t, "", "explain", "--format", "json", name)
		var doc struct {
			Schema string
			Rules  []struct{ ID, Title, Doc, Fix string }
		}
		if err := json.Unmarshal([]byte(out), &doc); code != exitOK || err != nil || doc.Schema != explainSchema || len(doc.Rules) == 0 {
			t.Fatalf("%s as JSON: exit %d, %v, %s\n%s", name, code, err, stderr, out)
		}
		want := analyze.RulesNamed(name)
		for i, r := range doc.Rules {
			if i >= len(want) || r.ID != want[i].ID || r.Doc == "" || r.Fix == "" {
				t.Errorf("%s as JSON: rule %d is %+v", name, i, r)
			}
		}
		code, out, stderr = runCLI(t, "", "explain", "--format", "markdown", name)
		if code != exitOK || !strings.Contains(out, "### `"+want[0].ID+"`") || !strings.Contains(out, "**Fix:**") {
			t.Errorf("%s as Markdown: exit %d, %s\n%s", name, code, stderr, out)
		}
	}
}

// TestExplainRepeats: a console log repeats an error at every retry; each
// message is explained once with its count, and the Markdown stays within
// what an issue comment takes (100 copies made 180,000 characters, 500
// distinct lines 900,000).
func TestExplainRepeats(t *testing.T) {
	code, out, stderr := runCLI(t, strings.Repeat(chromiumLine+"\n", 100), "explain", "--format", "markdown")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(out, "\n### ") + strings.Count(out[:4], "### "); n != 1 || !strings.Contains(out, "(100 times in the input)") {
		t.Errorf("%d sections, want one saying 100 times:\n%s", n, out)
	}
	_, js, _ := runCLI(t, strings.Repeat(chromiumLine+"\n", 3), "explain", "--format", "json")
	if !strings.Contains(js, `"count": 3`) {
		t.Errorf("json lacks the count:\n%s", js)
	}
	var log strings.Builder
	for i := range 500 {
		log.WriteString(strings.Replace(chromiumLine, "127.0.0.1:8801", fmt.Sprintf("api%d.example.test", i), 1) + "\n")
	}
	_, md, _ := runCLI(t, log.String(), "explain", "--format", "markdown")
	if len(md) > report.MarkdownBudget+500 || !strings.Contains(md, "more messages not shown here") {
		t.Errorf("500 messages: %d bytes of Markdown, or no count of those left out", len(md))
	}
}
