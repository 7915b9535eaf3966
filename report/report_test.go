package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/testcorpus"
	"github.com/harcors/harcors/internal/textsafe"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func mustRender(t *testing.T, rs []*analyze.Result, opt Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, rs, opt); err != nil {
		t.Fatalf("Render(%s): %v", opt.Format, err)
	}
	return buf.String()
}

func hostile(t *testing.T, name string) *analyze.Result {
	t.Helper()
	return analyzeAs(t, filepath.Join("../testdata/hars/hostile", name), "testdata/hars/hostile/"+name)
}

// chromiumFixtures returns every browser-recorded HAR; the fixtures are
// part of the repository, so none is a failure.
func chromiumFixtures(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("../testdata/hars/chromium/*.har")
	if len(files) == 0 {
		t.Fatal("no browser-recorded fixtures in testdata/hars/chromium")
	}
	return files
}

// secretsInHAR are the secret values planted in hostile/secrets.har, by
// where they sit. Each must vanish from every format without ShowSecrets.
var secretsInHAR = map[string]string{
	"SECRET_ACCESS_TOKEN_1":        "?access_token= in a URL",
	"SECRET_BEARER_TOKEN_2":        "Authorization: Bearer",
	"SECRET_COOKIE_3":              "Cookie value",
	"SECRET_API_KEY_4":             "x-api-key header",
	"SECRET_JWT_SIG_5":             "JWT in an unremarkable header (x-client-info)",
	"eyJzdWIiOiJTRUNSRVRfSldUIn0":  "JWT payload",
	"SECRET_OAUTH_CODE_6":          "?code= in a URL",
	"SECRET_ID_TOKEN_7":            "#id_token= in a URL fragment",
	"SECRET_SET_COOKIE_8":          "Set-Cookie value",
	"SECRET_URL_PASSWORD_10":       "user:password@ in a redirect target",
	"SECRET_SIG_11":                "?sig= in a redirect target",
	"SECRET_PATH_JWT_12":           "JWT in a URL path",
	"U0VDUkVUX1BST1hZXzEz":         "Proxy-Authorization: Basic",
	"eyJhbGciOiJIUzI1NiJ9.eyJzdWI": "any JWT",
}

// shownWithSecrets are the secrets that some format does show once
// ShowSecrets is on (the fragment is not kept by the analysis at all).
var shownWithSecrets = []string{
	"SECRET_ACCESS_TOKEN_1", "SECRET_BEARER_TOKEN_2", "SECRET_COOKIE_3", "SECRET_API_KEY_4",
	"SECRET_JWT_SIG_5", "SECRET_OAUTH_CODE_6", "SECRET_SET_COOKIE_8", "SECRET_URL_PASSWORD_10",
	"SECRET_SIG_11", "SECRET_PATH_JWT_12", "U0VDUkVUX1BST1hZXzEz",
}

// unescape undoes the Markdown and HTML escapes, so that a secret written
// as "SECRET\_TOKEN" or "&lt;" is still found.
func unescape(s string) string {
	return html.UnescapeString(strings.ReplaceAll(s, `\`, ""))
}

func allFormatsOpts() []Options {
	return []Options{
		// So wide that nothing wraps: a secret split over two lines of a
		// cell would slip past a substring search.
		{Format: Table, Width: 100000, All: true},
		{Format: Table, Width: 80, All: true},
		{Format: Table, Width: 200, All: true},
		{Format: Markdown, All: true},
		{Format: JSON},
		{Format: SARIF},
		{Format: HTML},
	}
}

func TestSecretsNeverShown(t *testing.T) {
	rs := []*analyze.Result{hostile(t, "secrets.har")}
	if len(rs[0].Findings) == 0 {
		t.Fatal("secrets.har yields no findings: the test would prove nothing")
	}
	for _, opt := range allFormatsOpts() {
		out := unescape(mustRender(t, rs, opt))
		for secret, where := range secretsInHAR {
			if strings.Contains(out, secret) {
				t.Errorf("%s (width %d): secret from %s is in the output", opt.Format, opt.Width, where)
			}
		}
		if !strings.Contains(out, redacted) {
			t.Errorf("%s: no %s marker at all", opt.Format, redacted)
		}
	}
	// The Markdown shows the headers, so it is where the shapes must be
	// kept: the scheme, the cookie and parameter names.
	md := mustRender(t, rs, Options{Format: Markdown})
	for _, want := range []string{
		"Bearer &lt;redacted&gt;", "sid=&lt;redacted&gt;", "theme=&lt;redacted&gt;",
		"access\\_token=&lt;redacted&gt;", "session=&lt;redacted&gt;; Path=/; SameSite=None",
		"Basic &lt;redacted&gt;", "| x-api-key | &lt;redacted&gt; |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	js := mustRender(t, rs, Options{Format: JSON})
	if !strings.Contains(js, "access_token=<redacted>&page=2") {
		t.Errorf("json does not keep the parameter name and the other parameters:\n%s", js)
	}
}

func TestShowSecrets(t *testing.T) {
	rs := []*analyze.Result{hostile(t, "secrets.har")}
	var all strings.Builder
	for _, opt := range allFormatsOpts() {
		opt.ShowSecrets = true
		out := unescape(mustRender(t, rs, opt))
		if strings.Contains(out, redacted) {
			t.Errorf("%s: redacted although ShowSecrets is set", opt.Format)
		}
		all.WriteString(out)
	}
	for _, s := range shownWithSecrets {
		if !strings.Contains(all.String(), s) {
			t.Errorf("with ShowSecrets, %s (%s) appears in no format", s, secretsInHAR[s])
		}
	}
}

var (
	// rawDanger matches what must never reach a terminal or a report raw:
	// C0 controls other than newline, DEL, C1 controls, bidi controls and
	// the line/paragraph separators.
	rawDanger = regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
)

func TestEscapesRenderSafely(t *testing.T) {
	r := hostile(t, "escapes.har")
	if len(r.Findings) < 2 {
		t.Fatalf("escapes.har yields %d findings, want at least 2", len(r.Findings))
	}
	rs := []*analyze.Result{r}
	for _, opt := range allFormatsOpts() {
		out := mustRender(t, rs, opt)
		if m := rawDanger.FindString(out); m != "" {
			t.Errorf("%s (width %d): raw %U in the output", opt.Format, opt.Width, []rune(m)[0])
		}
		if !utf8.ValidString(out) {
			t.Errorf("%s: invalid UTF-8", opt.Format)
		}
	}

	t.Run("table", func(t *testing.T) {
		for _, w := range []int{80, 200} {
			out := mustRender(t, rs, Options{Format: Table, Width: w, All: true})
			checkTables(t, out, w)
			if !strings.Contains(out, `\x1b]8;;`) || !strings.Contains(out, `\u202e`) {
				t.Errorf("width %d: the escapes are not shown as visible text", w)
			}
		}
	})

	t.Run("markdown", func(t *testing.T) {
		md := mustRender(t, rs, Options{Format: Markdown, All: true})
		checkMarkdown(t, md)
		if !strings.Contains(md, "&lt;/details&gt;") {
			t.Error("the HAR's </details> is not shown escaped")
		}
	})
}

// checkTables asserts that every line fits w columns and that every row of
// every table has as many cells as its header.
func checkTables(t *testing.T, out string, w int) {
	t.Helper()
	cols := -1
	for i, line := range strings.Split(out, "\n") {
		if lw := width(line); lw > w {
			t.Errorf("line %d is %d columns wide, more than %d: %q", i+1, lw, w, line)
		}
		switch {
		case strings.HasPrefix(line, "┌"):
			cols = strings.Count(line, "┬") + 1
		case strings.HasPrefix(line, "│"):
			if n := strings.Count(line, "│") - 1; n != cols {
				t.Errorf("line %d has %d cells, the table %d: %q", i+1, n, cols, line)
			}
		case strings.HasPrefix(line, "└"):
			cols = -1
		}
	}
}

var (
	mdDetailsOpen  = "<details>"
	mdDetailsClose = "</details>"
	unescapedPipe  = regexp.MustCompile(`(^|[^\\])\|`)
	mermaidEntity  = regexp.MustCompile(`#[0-9]+;`)
)

// checkMarkdown asserts the structure the escaping protects: <details>
// and </details> only as our own lines, properly nested; every table row
// with its header's cell count; Mermaid messages free of '#', ';' and
// arrows of their own.
func checkMarkdown(t *testing.T, md string) {
	t.Helper()
	depth, cells, inMermaid := 0, -1, false
	for i, line := range strings.Split(md, "\n") {
		n := i + 1
		trimmed := strings.TrimSpace(line)
		if strings.Contains(line, mdDetailsOpen) && trimmed != mdDetailsOpen {
			t.Errorf("line %d: <details> inside a line: %q", n, line)
		}
		if strings.Contains(line, mdDetailsClose) && trimmed != mdDetailsClose {
			t.Errorf("line %d: </details> inside a line (an escape failed): %q", n, line)
		}
		switch trimmed {
		case mdDetailsOpen:
			depth++
		case mdDetailsClose:
			depth--
			if depth < 0 {
				t.Fatalf("line %d: </details> without <details>", n)
			}
		}
		// <wbr> is the escapes' own (it breaks mentions and references).
		if strings.HasPrefix(line, "<summary>") && (!strings.HasSuffix(line, "</summary>") || strings.Count(strings.ReplaceAll(line, refBreak, ""), "<") != 2) {
			t.Errorf("line %d: summary holds raw markup: %q", n, line)
		}
		switch {
		case line == "```mermaid":
			inMermaid = true
			continue
		case inMermaid && line == "```":
			inMermaid = false
			continue
		case inMermaid:
			msg := line
			if _, after, ok := strings.Cut(line, ": "); ok {
				msg = after
			}
			msg = mermaidEntity.ReplaceAllString(msg, "")
			if strings.ContainsAny(msg, "#;`\"<>") && !strings.Contains(line, "<br/>") {
				t.Errorf("line %d: raw Mermaid syntax in a message: %q", n, line)
			}
			if strings.Contains(strings.ReplaceAll(msg, "<br/>", ""), "<") || strings.Contains(msg, "->") {
				t.Errorf("line %d: markup or arrow in a Mermaid message: %q", n, line)
			}
			continue
		}
		if strings.HasPrefix(line, "|") {
			c := len(unescapedPipe.FindAllString(line, -1)) - 1
			if cells < 0 {
				cells = c
			} else if c != cells {
				t.Errorf("line %d: %d cells, the table has %d: %q", n, c, cells, line)
			}
		} else {
			cells = -1
		}
	}
	if depth != 0 {
		t.Errorf("unbalanced <details>: depth %d at the end", depth)
	}
	if inMermaid {
		t.Error("unterminated Mermaid block")
	}
}

func TestTableFitsWidth(t *testing.T) {
	files := chromiumFixtures(t)
	var rs []*analyze.Result
	for _, f := range files {
		rs = append(rs, analyze.File(f, analyze.Options{}, har.Options{}))
	}
	for _, p := range []string{"ryanbas21__aic-typescript-mcp-sdk__localhost.har", "haralyzer__haralyzer__tests_data_cnn-chrome.har", "gdagm94__freeorbarter__localhost.har"} {
		if path, ok := testcorpus.Find("..", p); ok {
			rs = append(rs, analyze.File(path, analyze.Options{}, har.Options{}))
		}
	}
	rs = append(rs, hostile(t, "secrets.har"), hostile(t, "escapes.har"))
	for _, w := range []int{60, 80, 100, 139, 140, 200} {
		// Colour codes must not count: check the coloured table at the
		// two widths the brief names.
		color := w == 80 || w == 200
		out := mustRender(t, rs, Options{Format: Table, Width: w, All: true, Color: color})
		checkTables(t, out, w)
	}
}

func TestTableColorOnlyWhenAsked(t *testing.T) {
	rs := []*analyze.Result{hostile(t, "secrets.har")}
	plain := mustRender(t, rs, Options{Format: Table})
	if strings.Contains(plain, "\x1b") {
		t.Error("colour codes without Color")
	}
	colored := mustRender(t, rs, Options{Format: Table, Color: true, All: true})
	if !strings.Contains(colored, ansiRed+"error"+ansiReset) || !strings.Contains(colored, ansiYellow+"warning"+ansiReset) {
		t.Error("severity words are not coloured with Color")
	}
	for _, f := range []Format{Markdown, JSON, SARIF} {
		if strings.Contains(mustRender(t, rs, Options{Format: f, Color: true}), "\x1b") {
			t.Errorf("%s carries colour codes", f)
		}
	}
}

func TestNothingToReport(t *testing.T) {
	p := "../testdata/hars/chromium/go--simple-get-acao-star.har"
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	r := analyze.File(p, analyze.Options{}, har.Options{})
	out := mustRender(t, []*analyze.Result{r}, Options{Format: Table})
	if !strings.Contains(out, "no CORS failures in 1 cross-origin request (0 preflights)") {
		t.Errorf("no one-line verdict:\n%s", out)
	}
	if strings.Contains(out, "┌") {
		t.Errorf("a table for a file with nothing to report:\n%s", out)
	}
	all := mustRender(t, []*analyze.Result{r}, Options{Format: Table, All: true})
	if !strings.Contains(all, "pass") {
		t.Errorf("--all does not list the passing request:\n%s", all)
	}
}

func TestMinSeverity(t *testing.T) {
	rs := []*analyze.Result{hostile(t, "secrets.har")}
	count := func(opt Options) int {
		var doc JSONReport
		if err := json.Unmarshal([]byte(mustRender(t, rs, opt)), &doc); err != nil {
			t.Fatal(err)
		}
		return len(doc.Files[0].Findings)
	}
	all, errs := count(Options{Format: JSON}), count(Options{Format: JSON, MinSeverity: analyze.Error})
	if all != len(rs[0].Findings) || errs >= all || errs == 0 {
		t.Errorf("json: %d findings by default, %d errors only; the result has %d", all, errs, len(rs[0].Findings))
	}
	table := mustRender(t, rs, Options{Format: Table, Width: 200, MinSeverity: DefaultMinSeverity(Table)})
	if strings.Contains(table, "info CORS-") {
		t.Error("the table shows info findings at the default severity")
	}
	if !strings.Contains(table, "warning CORS-") {
		t.Error("the table hides warnings at the default severity")
	}
	if DefaultMinSeverity(Markdown) != analyze.Warning || DefaultMinSeverity(JSON) != analyze.Info || DefaultMinSeverity(SARIF) != analyze.Warning {
		t.Error("DefaultMinSeverity")
	}
	if got := mustRender(t, rs, Options{Format: Table, Width: 200, MinSeverity: analyze.Error}); strings.Contains(got, "warning CORS-") {
		t.Error("MinSeverity Error still shows warnings")
	}
}

func TestUnreadableFile(t *testing.T) {
	// A capture cut short: the first entry is whole, the second is not.
	data, err := os.ReadFile("../testdata/hars/hostile/secrets.har")
	if err != nil {
		t.Fatal(err)
	}
	cut := bytes.Index(data, []byte(`"OPTIONS"`))
	r := analyze.Reader("cut.har", bytes.NewReader(data[:cut]), analyze.Options{}, har.Options{})
	if r.Err == nil {
		t.Fatal("a truncated HAR read without error")
	}
	rs := []*analyze.Result{r}
	table := mustRender(t, rs, Options{Format: Table})
	if !strings.Contains(table, "error: ") {
		t.Errorf("the table does not show the error:\n%s", table)
	}
	var doc JSONReport
	if err := json.Unmarshal([]byte(mustRender(t, rs, Options{Format: JSON})), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Files[0].Error == nil || *doc.Files[0].Error == "" {
		t.Error("json: error is null for an unreadable file")
	}
	validateSARIF(t, mustRender(t, rs, Options{Format: SARIF}))
	if md := mustRender(t, rs, Options{Format: Markdown}); !strings.Contains(md, "**Error:**") {
		t.Errorf("markdown does not show the error:\n%s", md)
	}
}

// The JSON contract (issue 3 §5): these keys, in this order.
var (
	contractTop   = []string{"schema", "version", "totals", "files"}
	contractFile  = []string{"file", "creator", "entries", "crossOrigin", "preflights", "paired", "ignored", "error", "notes", "warnings", "groups", "findings", "requests"}
	contractGroup = []string{"key", "rule", "title", "severity", "chromium", "firefox", "cause", "fix", "stack",
		"server", "patterns", "morePatterns", "methods", "origins", "requests", "findings", "entries"}
	contractFinding = []string{"file", "entry", "preflight", "line", "url", "method", "origin", "rule", "title", "severity",
		"chromium", "firefox", "message", "firefoxMessage", "value", "status", "cause", "fix", "stack",
		"credentials", "credentialsBasis", "preflightCaptured", "count", "group", "replay", "console"}
	contractRequest = []string{"entry", "preflight", "line", "url", "method", "origin", "status", "verdict", "rule", "preflightMs"}
)

// objectKeys returns the keys of the JSON object at the start of dec, in
// order, and the raw values.
func objectKeys(t *testing.T, raw json.RawMessage) ([]string, map[string]json.RawMessage) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var keys []string
	vals := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		k := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
		vals[k] = v
	}
	return keys, vals
}

func equalKeys(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s keys:\n got %v\nwant %v", what, got, want)
	}
}

func TestJSONContract(t *testing.T) {
	rs := []*analyze.Result{hostile(t, "secrets.har"), hostile(t, "escapes.har")}
	for _, f := range []string{"go--preflight-404.har", "go--simple-get-acao-star.har"} {
		p := filepath.Join("../testdata/hars/chromium", f)
		if _, err := os.Stat(p); err == nil {
			rs = append(rs, analyze.File(p, analyze.Options{}, har.Options{}))
		}
	}
	out := mustRender(t, rs, Options{Format: JSON, Version: "1.2.3"})

	keys, top := objectKeys(t, json.RawMessage(out))
	equalKeys(t, "top-level", keys, contractTop)
	if string(top["schema"]) != `"harcors/v1"` || string(top["version"]) != `"1.2.3"` {
		t.Errorf("schema %s, version %s", top["schema"], top["version"])
	}
	var files []json.RawMessage
	if err := json.Unmarshal(top["files"], &files); err != nil || len(files) != len(rs) {
		t.Fatalf("files: %v, %d of %d", err, len(files), len(rs))
	}
	findings, requests := 0, 0
	for i, f := range files {
		keys, vals := objectKeys(t, f)
		equalKeys(t, "file", keys, contractFile)
		if string(vals["error"]) != "null" {
			t.Errorf("file %d: error %s, want null", i, vals["error"])
		}
		var fs, qs []json.RawMessage
		if err := json.Unmarshal(vals["findings"], &fs); err != nil || fs == nil {
			t.Fatalf("file %d: findings not an array: %s", i, vals["findings"])
		}
		if err := json.Unmarshal(vals["requests"], &qs); err != nil || qs == nil {
			t.Fatalf("file %d: requests not an array: %s", i, vals["requests"])
		}
		for _, x := range fs {
			keys, v := objectKeys(t, x)
			equalKeys(t, "finding", keys, contractFinding)
			if s := string(v["severity"]); s != `"error"` && s != `"warning"` && s != `"info"` {
				t.Errorf("severity %s", s)
			}
			findings++
		}
		for _, x := range qs {
			keys, _ := objectKeys(t, x)
			equalKeys(t, "request", keys, contractRequest)
			requests++
		}
		var gs []json.RawMessage
		if err := json.Unmarshal(vals["groups"], &gs); err != nil || gs == nil {
			t.Fatalf("file %d: groups not an array: %s", i, vals["groups"])
		}
		for _, x := range gs {
			keys, _ := objectKeys(t, x)
			equalKeys(t, "group", keys, contractGroup)
		}
	}
	if findings == 0 || requests == 0 {
		t.Fatalf("%d findings, %d requests: nothing was checked", findings, requests)
	}

	// A preflight-less finding has "preflight": null, a paired one the
	// preflight's index.
	var doc JSONReport
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	// Every finding is in a group of its file, and the groups count every
	// finding and request once.
	total := 0
	for _, f := range doc.Files {
		in := map[string]int{}
		reqs := map[string]map[int]bool{}
		for _, x := range f.Findings {
			in[x.Group]++
			if reqs[x.Group] == nil {
				reqs[x.Group] = map[int]bool{}
			}
			reqs[x.Group][x.Entry] = true
		}
		for _, g := range f.Groups {
			if in[g.Key] != g.Findings || len(reqs[g.Key]) != g.Requests {
				t.Errorf("%s group %s: %d findings in %d requests, the findings say %d in %d", f.File, g.Key, g.Findings, g.Requests, in[g.Key], len(reqs[g.Key]))
			}
			delete(in, g.Key)
			total += g.Findings
		}
		if len(in) > 0 {
			t.Errorf("%s: findings of groups not listed: %v", f.File, in)
		}
	}
	if total != doc.Totals.Findings || total != findings {
		t.Errorf("totals say %d findings, groups %d, the files list %d", doc.Totals.Findings, total, findings)
	}
	var sawNull, sawIndex bool
	for _, f := range doc.Files {
		for _, x := range f.Findings {
			if x.Preflight == nil {
				sawNull = true
			} else {
				sawIndex = true
			}
		}
	}
	if !sawNull || !sawIndex {
		t.Errorf("preflight: saw null %v, saw an index %v", sawNull, sawIndex)
	}

	// Round trip: decoding into the documented types and encoding again
	// gives the same bytes (no key is lost, the order is the types').
	var again bytes.Buffer
	if err := textsafe.WriteJSON(&again, doc); err != nil {
		t.Fatal(err)
	}
	if again.String() != out {
		t.Errorf("the JSON does not round-trip through JSONReport:\n%s", firstDiff(out, again.String()))
	}
	// Bidi and C1 characters are \u-escaped in the bytes, yet decode back.
	if !strings.Contains(out, `\u202e`) || strings.ContainsRune(out, '\u202e') {
		t.Error("U+202E is not escaped in the JSON bytes")
	}
	if !strings.Contains(doc.Files[1].Findings[0].Value, "\u202e") {
		t.Errorf("the decoded value lost the HAR's character: %q", doc.Files[1].Findings[0].Value)
	}
}

func TestJSONEmpty(t *testing.T) {
	out := mustRender(t, nil, Options{Format: JSON})
	if !strings.Contains(out, `"files": []`) {
		t.Errorf("no results: files must be an empty array, got\n%s", out)
	}
}

var sarifSchemaCompiled *jsonschema.Schema

func validateSARIF(t *testing.T, out string) {
	t.Helper()
	if sarifSchemaCompiled == nil {
		f, err := os.Open("testdata/sarif-schema-2.1.0.json")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource(sarifSchema, doc); err != nil {
			t.Fatal(err)
		}
		if sarifSchemaCompiled, err = c.Compile(sarifSchema); err != nil {
			t.Fatal(err)
		}
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if err := sarifSchemaCompiled.Validate(inst); err != nil {
		t.Errorf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
}

func TestSARIF(t *testing.T) {
	files := chromiumFixtures(t)
	var rs []*analyze.Result
	for _, f := range files {
		rs = append(rs, analyzeAs(t, f, "testdata/hars/chromium/"+filepath.Base(f)))
	}
	rs = append(rs, hostile(t, "secrets.har"), hostile(t, "escapes.har"))
	out := mustRender(t, rs, Options{Format: SARIF, Version: "1.2.3"})
	validateSARIF(t, out)

	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if d := run.Tool.Driver; d.Name != "harcors" || d.Version != "1.2.3" || d.InformationURI != InformationURI || len(d.Rules) != len(analyze.Rules()) {
		t.Errorf("driver: %+v", d)
	}
	for i, r := range run.Tool.Driver.Rules {
		cat := analyze.Rules()[i]
		if r.ID != cat.ID || r.ShortDescription.Text != cat.Title || r.FullDescription.Text != cat.Doc || r.Help.Text != cat.FixText(analyze.Generic) {
			t.Errorf("rule %d does not mirror the catalogue: %+v", i, r)
		}
		if r.HelpURI != "https://github.com/harcors/harcors#"+strings.ToLower(cat.ID) {
			t.Errorf("rule %s help URI %s", r.ID, r.HelpURI)
		}
		if r.DefaultConfiguration.Level != sarifLevel(cat.Severity) {
			t.Errorf("rule %s level %s", r.ID, r.DefaultConfiguration.Level)
		}
	}
	want := 0
	for _, r := range rs {
		want += len(r.Groups)
	}
	if len(run.Results) != want {
		t.Errorf("%d results for %d problems", len(run.Results), want)
	}
	link := regexp.MustCompile(`(^|[^\\])\[entry ([0-9]+)\]\(([0-9]+)\)`)
	i := 0
	for _, r := range rs {
		for _, g := range r.Groups {
			got := run.Results[i]
			i++
			loc := got.Locations[0].PhysicalLocation
			if got.RuleID != g.Rule.ID || run.Tool.Driver.Rules[got.RuleIndex].ID != g.Rule.ID {
				t.Errorf("result %d: rule %s (index %d), want %s", i, got.RuleID, got.RuleIndex, g.Rule.ID)
			}
			if loc.ArtifactLocation.URI != r.File || loc.Region == nil || loc.Region.StartLine != g.Sample.Line {
				t.Errorf("result %d: location %+v, want %s line %d", i, loc, r.File, g.Sample.Line)
			}
			if got.Level != sarifLevel(g.Severity) {
				t.Errorf("result %d: level %s for %s", i, got.Level, g.Severity)
			}
			if p := got.Properties; p.Requests != g.Requests || p.Group != g.Key || p.Entry != g.Sample.Entry {
				t.Errorf("result %d: properties %+v for a group of %d requests from entry %d", i, p, g.Requests, g.Sample.Entry)
			}
			// Every request the group kept is a related location, and the
			// message links to each, so that code scanning shows them.
			if len(got.RelatedLocations) != len(g.Affected) {
				t.Errorf("result %d: %d related locations for %d requests", i, len(got.RelatedLocations), len(g.Affected))
				continue
			}
			links := link.FindAllStringSubmatch(got.Message.Text, -1)
			if len(links) != len(g.Affected) {
				t.Errorf("result %d: %d links in %q, want %d", i, len(links), got.Message.Text, len(g.Affected))
				continue
			}
			for k, a := range g.Affected {
				rel := got.RelatedLocations[k]
				if rel.ID != k+1 || rel.PhysicalLocation.Region == nil || rel.PhysicalLocation.Region.StartLine != a.Line ||
					links[k][2] != strconv.Itoa(a.Entry) || links[k][3] != strconv.Itoa(rel.ID) {
					t.Errorf("result %d: related location %d %+v, link %q, for entry %d line %d", i, k, rel, links[k][0], a.Entry, a.Line)
				}
			}
		}
	}
}

// TestSARIFOneResultPerProblem checks that a problem repeated over many
// requests is one result, whose related locations are bounded, and that its
// fingerprint does not move when the capture is recorded again with other
// requests before it.
func TestSARIFOneResultPerProblem(t *testing.T) {
	entry := func(i int) string {
		return fmt.Sprintf(`{"request":{"method":"GET","url":"https://api.example.com/items/%d","headers":[{"name":"Origin","value":"https://app.example.org"}]},`+
			`"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"https://app.example.org"}]}}`, i)
	}
	capture := func(before, n int) string {
		var es []string
		for i := range before {
			es = append(es, fmt.Sprintf(`{"request":{"method":"GET","url":"https://app.example.org/page/%d","headers":[]},"response":{"status":200,"headers":[]}}`, i))
		}
		for i := range n {
			es = append(es, entry(i))
		}
		return `{"log":{"entries":[` + strings.Join(es, ",\n") + `]}}`
	}
	render := func(doc string) sarifLog {
		r := analyze.Reader("app.har", strings.NewReader(doc), analyze.Options{}, har.Options{})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		out := mustRender(t, []*analyze.Result{r}, Options{Format: SARIF, MinSeverity: DefaultMinSeverity(SARIF)})
		validateSARIF(t, out)
		var log sarifLog
		if err := json.Unmarshal([]byte(out), &log); err != nil {
			t.Fatal(err)
		}
		return log
	}
	first := render(capture(0, 500)).Runs[0].Results
	if len(first) != 1 {
		t.Fatalf("%d results for one problem on 500 requests, want 1", len(first))
	}
	res := first[0]
	if res.RuleID != "CORS-W01" || res.Properties.Requests != 500 || len(res.RelatedLocations) != analyze.GroupEntries {
		t.Errorf("result: rule %s, %d requests, %d related locations", res.RuleID, res.Properties.Requests, len(res.RelatedLocations))
	}
	if !strings.Contains(res.Message.Text, fmt.Sprintf("and %d more", 500-analyze.GroupEntries)) {
		t.Errorf("the message does not say how many requests it does not link: %q", res.Message.Text)
	}
	again := render(capture(7, 300)).Runs[0].Results
	if len(again) != 1 || again[0].PartialFingerprints["harcorsGroup/v1"] != res.PartialFingerprints["harcorsGroup/v1"] {
		t.Errorf("the fingerprint moved when the capture was recorded again: %v, then %v", res.PartialFingerprints, again[0].PartialFingerprints)
	}
	if again[0].Locations[0].PhysicalLocation.Region.StartLine == res.Locations[0].PhysicalLocation.Region.StartLine {
		t.Errorf("the second capture should put the problem on another line")
	}
}

// TestSARIFInfoOnlyWhenAsked checks that info findings stay out of SARIF by
// default and come in at analyze.Info.
func TestSARIFInfoOnlyWhenAsked(t *testing.T) {
	r := analyzeAs(t, "../testdata/hars/chromium/go--max-age-acah-star-authorization.har", "x.har")
	infos := 0
	for _, g := range r.Groups {
		if g.Severity == analyze.Info {
			infos++
		}
	}
	if infos == 0 {
		t.Fatal("fixture has no info problem")
	}
	count := func(min analyze.Severity) (n, info int) {
		var log sarifLog
		if err := json.Unmarshal([]byte(mustRender(t, []*analyze.Result{r}, Options{Format: SARIF, MinSeverity: min})), &log); err != nil {
			t.Fatal(err)
		}
		for _, res := range log.Runs[0].Results {
			if res.Level == "note" {
				info++
			}
		}
		return len(log.Runs[0].Results), info
	}
	if _, info := count(DefaultMinSeverity(SARIF)); info != 0 {
		t.Errorf("%d info results by default", info)
	}
	if n, info := count(analyze.Info); info != infos || n != len(r.Groups) {
		t.Errorf("at info: %d results, %d info; want %d and %d", n, info, len(r.Groups), infos)
	}
}

func TestArtifactURI(t *testing.T) {
	wd, _ := os.Getwd()
	for in, want := range map[string]string{
		"testdata/a b.har":                  "testdata/a%20b.har",
		"./x.har":                           "x.har",
		filepath.Join(wd, "sub", "y.har"):   "sub/y.har",
		"../elsewhere/z.har":                "../elsewhere/z.har",
		"/definitely/not/under/wd/z#1.har":  "file:///definitely/not/under/wd/z%231.har",
		filepath.Join(wd, "..", "out.har"):  "file://" + filepath.ToSlash(filepath.Join(wd, "..", "out.har")),
		"dir/with%percent.har":              "dir/with%25percent.har",
		"dir/with:colon.har":                "dir/with:colon.har",
		"dir/\u202eevil.har":                "dir/%E2%80%AEevil.har",
		"dir/ünïcode.har":                   "dir/%C3%BCn%C3%AFcode.har",
		"C:relative.har":                    "./C:relative.har",
		"-":                                 "-",
		"dir/question?.har":                 "dir/question%3F.har",
		"testdata/hars/chromium/go--x.har":  "testdata/hars/chromium/go--x.har",
		"testdata/hars/chromium//go--x.har": "testdata/hars/chromium//go--x.har",
	} {
		if got := artifactURI(in); got != want {
			t.Errorf("artifactURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": Table, "table": Table, "TEXT": Table, "md": Markdown, "markdown": Markdown, "json": JSON, " sarif ": SARIF, "HTML": HTML} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("pdf"); err == nil {
		t.Error("ParseFormat(pdf) succeeded")
	}
	if err := Render(&bytes.Buffer{}, nil, Options{Format: "pdf"}); err == nil {
		t.Error("Render with an unknown format succeeded")
	}
}

func TestSummaryAcrossFiles(t *testing.T) {
	files := chromiumFixtures(t)
	var rs []*analyze.Result
	for _, f := range files {
		rs = append(rs, analyze.File(f, analyze.Options{}, har.Options{}))
	}
	out := mustRender(t, rs, Options{Format: Table, Width: 120})
	i := strings.Index(out, "\nSummary: ")
	if i < 0 {
		t.Fatalf("no summary after %d files", len(rs))
	}
	sum := out[i:]
	for _, want := range []string{"By problem:", "By server:", "By origin:", "files: http://localhost:8800 ("} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if one := mustRender(t, rs[:1], Options{Format: Table}); strings.Contains(one, "Summary:") {
		t.Error("a summary for a single file")
	}
}

// TestSummaryMergesProblems: three captures of one misconfigured server
// are one problem in the summary's headline and on its server and origin
// lines, as in "By problem", in the table and in Markdown.
func TestSummaryMergesProblems(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "hars", "chromium", "go--preflight-401.har"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var rs []*analyze.Result
	for i := range 3 {
		path := filepath.Join(dir, fmt.Sprintf("cap%d.har", i))
		os.WriteFile(path, data, 0o644)
		rs = append(rs, analyze.File(path, analyze.Options{}, har.Options{}))
	}
	out := mustRender(t, rs, Options{Format: Table, Width: 200})
	for _, want := range []string{"Summary: 3 files, 3 with findings; 1 problem (1 error) in 3 requests", "1 problem in 3 files: http://127.0.0.1:8801 (CORS-P02)", "1 problem in 3 files: http://localhost:8800 (CORS-P02)"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out[strings.Index(out, "Summary:"):])
		}
	}
	md := mustRender(t, rs, Options{Format: Markdown})
	if !strings.Contains(md, "1 problem (1 error) in 3 requests") {
		t.Errorf("Markdown summary:\n%s", md)
	}
}

func TestEndpointKeepsSlugs(t *testing.T) {
	for in, want := range map[string]string{
		"http://h/preflight-redirect-308":                              "http://h/preflight-redirect-308",
		"https://api.example.com/v1/users/12345/orders":                "https://api.example.com/v1/users/:id/orders",
		"https://h/items/3f2a9c1e-8b7d-4e6f-a1b2-c3d4e5f60718":         "https://h/items/:id",
		"https://h/f/aZ3kLm9QpR2sT8vW1xY4bN7c":                         "https://h/f/:id",
		"https://h/verify/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln/x": "https://h/verify/:id/x",
		"https://h/v1.2/eyJ.data/readme.md":                            "https://h/v1.2/eyJ.data/readme.md",
	} {
		if got := endpoint(in); got != want {
			t.Errorf("endpoint(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLayoutChunked: a table measured and wrapped in 2 to 5 chunks, and
// one drawn in 2 to 5 chunks and joined, is the same, byte for byte, as
// the table done whole, whatever the rows hold (several lines, empty cells,
// colour, wide characters).
func TestLayoutChunked(t *testing.T) {
	cols := []column{{header: "ENTRY", min: 5}, {header: "REQUEST", min: 16, weight: 2}, {header: "CHECK AND CAUSE", min: 20, weight: 5}}
	var rows [][]cell
	for i := range 700 {
		text := strings.Repeat("word ", i%37) + "https://api.example.com/v1/items/" + strconv.Itoa(i) + "?x=1"
		if i%5 == 0 {
			text = "日本語のテキスト " + text
		}
		r := []cell{{text: strconv.Itoa(i)}, {text: text}, {text: "error CORS-P01\nPreflight 404", paint: painter(i%2 == 0, "\x1b[31m")}}
		if i == 690 {
			// The widest entry, in the last chunk only: the columns are
			// sized by every chunk's widths.
			r[0].text = "690\nline 123456"
		}
		if i%7 == 0 {
			r = r[:2] // a missing cell
		}
		rows = append(rows, r)
	}
	for _, total := range []int{60, 100, 200} {
		widths, hdr, cells := fit(cols, rows, total)
		for n := 2; n <= 5; n++ {
			w, h, c := fitChunked(cols, rows, total, n)
			if !reflect.DeepEqual(w, widths) || !reflect.DeepEqual(h, hdr) || !reflect.DeepEqual(c, cells) {
				t.Errorf("width %d: fitted in %d chunks, the cells or widths differ from one fit", total, n)
			}
		}
		var whole bytes.Buffer
		if err := drawTable(&whole, widths, hdr, cells); err != nil {
			t.Fatal(err)
		}
		// In blocks of 100 to 350 rows, 1 to 5 drawn at a time, written
		// out as drawn (after each round of blocks, each round's blocks
		// being larger than 1000 bytes) or held.
		for _, tc := range []struct {
			d      drawing
			spills int
		}{
			{drawing{workers: 2}, 0},                            // 2 blocks of 350
			{drawing{workers: 3}, 0},                            // 3 of 256, 256, 188
			{drawing{workers: 5, block: 100, spillAt: 1000}, 2}, // 7 blocks, 5 then 2
			{drawing{workers: 1, block: 256, spillAt: 1000}, 3}, // 3 blocks, one at a time
			{drawing{workers: 2, block: 256, spillAt: 1}, 2},    // 3 blocks, 2 then 1
			{drawing{workers: 2, block: 256, spillAt: 1 << 30}, 0},
		} {
			d := tc.d
			var joined, spilled bytes.Buffer
			spills := 0
			d.spill = func(b *bytes.Buffer) error {
				spills++
				spilled.Write(b.Bytes())
				b.Reset()
				return nil
			}
			if err := drawBlocks(&joined, widths, hdr, cells, d); err != nil {
				t.Fatal(err)
			}
			spilled.Write(joined.Bytes())
			if spilled.String() != whole.String() {
				t.Errorf("width %d, %d workers, blocks of %d: the joined table differs from the whole one", total, d.workers, d.block)
			}
			if spills != tc.spills {
				t.Errorf("width %d, %d workers, blocks of %d: written out %d times, want %d", total, d.workers, d.block, spills, tc.spills)
			}
		}
		// layout itself, in as many chunks as it has workers.
		var got bytes.Buffer
		if err := layout(&got, cols, rows, total, drawing{workers: 3}); err != nil {
			t.Fatal(err)
		}
		if got.String() != whole.String() {
			t.Errorf("width %d: layout differs from the whole table", total)
		}
	}
}

// writeLog records the writes made to it.
type writeLog struct {
	bytes.Buffer
	writes, largest int
}

func (w *writeLog) Write(p []byte) (int, error) {
	w.writes++
	w.largest = max(w.largest, len(p))
	return w.Buffer.Write(p)
}

// TestLongTableWrittenAsDrawn: a table of every request of a large capture
// reaches the writer in pieces of a few MiB as it is drawn, not whole at
// the end, and is the same table.
func TestLongTableWrittenAsDrawn(t *testing.T) {
	res := &analyze.Result{File: "big.har", Creator: "WebInspector 537.36"}
	for i := range 30000 {
		res.Requests = append(res.Requests, analyze.Request{Entry: i, Preflight: -1, Line: 1,
			URL: "https://api.example.test/v1/items/" + strconv.Itoa(i), Method: "GET",
			Origin: "https://app.example.test", Status: 200, Verdict: analyze.Verdict("pass")})
	}
	res.Entries, res.CrossOrigin = len(res.Requests), len(res.Requests)
	opt := Options{Format: Table, Width: 100, All: true, Workers: 2}
	var whole bytes.Buffer
	if err := Render(&whole, []*analyze.Result{res}, opt); err != nil {
		t.Fatal(err)
	}
	var got writeLog
	w, err := NewWriter(&got, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(res); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got.String() != whole.String() {
		t.Fatalf("the table written as drawn (%d bytes) differs from the whole one (%d bytes)", got.Len(), whole.Len())
	}
	if n := strings.Count(got.String(), "items/"); n != len(res.Requests) {
		t.Errorf("%d requests in the table, want %d", n, len(res.Requests))
	}
	// Two blocks of tableBlock rows at a time, then written out.
	if got.writes < 3 || got.largest > whole.Len()/2 {
		t.Errorf("%d bytes written in %d writes, the largest %d bytes: want it written as drawn", got.Len(), got.writes, got.largest)
	}
}

// TestTableLeavesOut: a capture of hundreds of problems (each server its
// own) makes a table of a few of each rule, at most tableMaxGroups, and a
// line that counts the rest by rule; the counts add up to the problems.
func TestTableLeavesOut(t *testing.T) {
	r := analyze.Reader("many.har", strings.NewReader(manyGroupsHAR(300)), analyze.Options{}, har.Options{})
	if r.Err != nil || len(r.Groups) < 300 {
		t.Fatalf("%d groups, error %v", len(r.Groups), r.Err)
	}
	for _, w := range []int{80, 200} {
		out := mustRender(t, []*analyze.Result{r}, Options{Format: Table, Width: w, MinSeverity: analyze.Info})
		rows := regexp.MustCompile(`(?m)^│ (?:error|warning|info) +(CORS-[A-Z]\d\d)`).FindAllStringSubmatch(out, -1)
		perRule := map[string]int{}
		for _, m := range rows {
			perRule[m[1]]++
		}
		if len(rows) == 0 || len(rows) > tableMaxGroups {
			t.Errorf("width %d: %d problems in the table, want 1 to %d", w, len(rows), tableMaxGroups)
		}
		for id, n := range perRule {
			if n > tablePerRule {
				t.Errorf("width %d: %d problems of %s, want at most %d", w, n, id, tablePerRule)
			}
		}
		m := regexp.MustCompile(`(\d+) more problems left out \(([^)]*)\)`).FindStringSubmatch(strings.ReplaceAll(out, "\n", " "))
		if m == nil {
			t.Fatalf("width %d: no line counting the problems left out:\n%s", w, out[max(0, len(out)-600):])
		}
		left, _ := strconv.Atoi(m[1])
		sum := 0
		for _, part := range strings.Split(m[2], ", ") {
			var id string
			var n int
			if _, err := fmt.Sscanf(part, "%s ×%d", &id, &n); err != nil {
				t.Fatalf("width %d: %q in %q: %v", w, part, m[2], err)
			}
			sum += n
		}
		if sum != left || left+len(rows) != len(r.Groups) {
			t.Errorf("width %d: %d shown + %d left out (by rule %d) for %d problems", w, len(rows), left, sum, len(r.Groups))
		}
	}
	// A handful of problems are all shown, with no such line.
	small := analyze.Reader("few.har", strings.NewReader(manyGroupsHAR(3)), analyze.Options{}, har.Options{})
	if out := mustRender(t, []*analyze.Result{small}, Options{Format: Table, MinSeverity: analyze.Info}); strings.Contains(out, "left out") {
		t.Errorf("a table of %d problems left some out:\n%s", len(small.Groups), out)
	}
}

// TestTableGroupsCaps: with twelve rules of ten problems each, the table
// keeps the groups' order, five of each rule until forty in all, and counts
// the others by rule in the order the rules come.
func TestTableGroupsCaps(t *testing.T) {
	var gs []*analyze.Group
	for k := range 12 {
		rule := &analyze.Rule{ID: fmt.Sprintf("CORS-X%02d", k)}
		for range 10 {
			gs = append(gs, &analyze.Group{Rule: rule})
		}
	}
	shown, left := tableGroups(gs)
	var got []string
	for _, g := range shown {
		got = append(got, g.Rule.ID)
	}
	var want []string
	for k := range 8 {
		for range tablePerRule {
			want = append(want, fmt.Sprintf("CORS-X%02d", k))
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("shown %v\nwant %v", got, want)
	}
	var wantLeft []ruleCount
	for k := range 12 {
		n := 10
		if k < 8 {
			n = 10 - tablePerRule
		}
		wantLeft = append(wantLeft, ruleCount{fmt.Sprintf("CORS-X%02d", k), n})
	}
	if !reflect.DeepEqual(left, wantLeft) {
		t.Errorf("left out %v\nwant %v", left, wantLeft)
	}
	if s, l := tableGroups(gs[:tablePerRule]); len(s) != tablePerRule || l != nil {
		t.Errorf("%d problems of one rule: %d shown, %v left out", tablePerRule, len(s), l)
	}
}

// TestTableBatchSaysOnce: in a batch, a problem already drawn for an
// earlier file (same key: rule, server, cause) is named on one line with
// where it happened in this file, not drawn again; --each draws every one.
func TestTableBatchSaysOnce(t *testing.T) {
	a := analyze.Reader("a.har", strings.NewReader(manyGroupsHAR(3)), analyze.Options{}, har.Options{})
	b := analyze.Reader("b.har", strings.NewReader(manyGroupsHAR(5)), analyze.Options{}, har.Options{})
	if len(a.Groups) != 3 || len(b.Groups) != 5 {
		t.Fatalf("%d and %d groups, want 3 and 5", len(a.Groups), len(b.Groups))
	}
	rows := regexp.MustCompile(`(?m)^│ (?:error|warning|info) +CORS-`)
	opt := Options{Format: Table, Width: 200, MinSeverity: analyze.Info}
	out := mustRender(t, []*analyze.Result{a, b, a}, opt)
	if n := len(rows.FindAllString(out, -1)); n != 5 {
		t.Errorf("%d problems drawn for a.har, b.har and a.har again, want 5 (3, the 2 new, none)", n)
	}
	seen := regexp.MustCompile(`Shown above: ([^\n]*(?:\n  [^\n]*)*)`).FindAllStringSubmatch(out, -1)
	if len(seen) != 2 {
		t.Fatalf("%d lines naming problems shown above, want 2 (b.har, then a.har again):\n%s", len(seen), out)
	}
	for i, want := range []int{3, 3} {
		text := strings.ReplaceAll(seen[i][1], "\n  ", " ")
		if n := strings.Count(text, ", as for a.har"); n != want {
			t.Errorf("line %d names %d problems as for a.har, want %d: %s", i, n, want, text)
		}
		if !strings.Contains(text, "(#") {
			t.Errorf("line %d does not say where the problems happened here: %s", i, text)
		}
	}
	// A problem the table left out for the first file was not shown
	// above: the second file's table draws the next ones.
	big := analyze.Reader("big.har", strings.NewReader(manyGroupsHAR(300)), analyze.Options{}, har.Options{})
	out = mustRender(t, []*analyze.Result{big, big}, opt)
	if n := len(rows.FindAllString(out, -1)); n != 2*tablePerRule {
		t.Errorf("%d problems drawn for two copies of a capture of 300, want %d", n, 2*tablePerRule)
	}
	flat := strings.ReplaceAll(out, "\n  ", " ") // the line unwrapped
	if m := regexp.MustCompile(`Shown above: [^\n]*`).FindString(flat); strings.Count(m, "as for big.har") != tablePerRule || strings.Contains(m, "more") {
		t.Errorf("the second copy names %d problems shown above, want the %d drawn: %s", strings.Count(m, "as for big.har"), tablePerRule, m)
	}
	opt.Each = true
	each := mustRender(t, []*analyze.Result{a, b, a}, opt)
	entries := regexp.MustCompile(`(?m)^│ #\d+ `)
	if strings.Contains(each, "Shown above") || len(entries.FindAllString(each, -1)) != 11 {
		t.Errorf("--each: %d findings drawn, want 11 (3 + 5 + 3), and no line naming problems shown above", len(entries.FindAllString(each, -1)))
	}
}
