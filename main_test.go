package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/harcors/harcors/analyze"
)

var update = flag.Bool("update", false, "rewrite the README's generated sections")

// A fixture recorded from Chromium: a PUT whose preflight got 404 (blocked)
// and a simple GET that passed.
const (
	blockedHAR = "testdata/hars/chromium/go--preflight-404.har"
	passingHAR = "testdata/hars/chromium/go--simple-get-acao-star.har"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want int
	}{
		{"blocked request", []string{blockedHAR}, exitFindings},
		{"clean capture", []string{passingHAR}, exitOK},
		{"fail-on never", []string{"--fail-on", "never", blockedHAR}, exitOK},
		{"negative width", []string{"--width", "-5", blockedHAR}, exitTrouble},
		{"flags after the path", []string{blockedHAR, "--fail-on", "never"}, exitOK},
		{"ignored rule", []string{"--ignore", "CORS-P01", blockedHAR}, exitOK},
		{"unknown rule to ignore", []string{"--ignore", "CORS-X99", blockedHAR}, exitTrouble},
		{"missing file", []string{"testdata/no-such.har"}, exitTrouble},
		{"no input", nil, exitTrouble},
		{"bad flag", []string{"--no-such-flag", blockedHAR}, exitTrouble},
		{"bad format", []string{"--format", "xml", blockedHAR}, exitTrouble},
		{"help", []string{"--help"}, exitOK},
		{"version", []string{"--version"}, exitOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code, _, stderr := runCLI(t, "", c.args...); code != c.want {
				t.Errorf("exit %d, want %d; stderr: %s", code, c.want, stderr)
			}
		})
	}
}

func TestHelpTeaches(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "--help")
	if code != exitOK {
		t.Errorf("--help: exit %d", code)
	}
	for _, want := range []string{"Usage:", "Examples:", "--format", "--fail-on", "Exit status:", "NO_COLOR", "--explain"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	// Flags are listed as the examples spell them: two dashes, except
	// for one-letter ones.
	for _, args := range [][]string{{"--help"}, {"sanitize", "--help"}, {"diff", "--help"}} {
		_, out, _ := runCLI(t, "", args...)
		flags := 0
		for _, line := range strings.Split(out, "\n") {
			name, ok := strings.CutPrefix(line, "  -")
			if !ok {
				continue
			}
			flags++
			name, _, _ = strings.Cut(name, " ")
			if name != "o" && !strings.HasPrefix(name, "-") {
				t.Errorf("%s lists -%s with one dash", strings.Join(args, " "), name)
			}
		}
		if flags < 3 {
			t.Errorf("%s lists %d flags:\n%s", strings.Join(args, " "), flags, out)
		}
	}
}

func TestExplainAndRules(t *testing.T) {
	code, out, _ := runCLI(t, "", "--explain", "cors-p02")
	if code != exitOK || !strings.Contains(out, "CORS-P02") || !strings.Contains(out, "PreflightMissingAllowOriginHeader") {
		t.Errorf("--explain: exit %d, output:\n%s", code, out)
	}
	if code, _, _ := runCLI(t, "", "--explain", "nope"); code != exitTrouble {
		t.Errorf("--explain of an unknown rule: exit %d", code)
	}
	_, out, _ = runCLI(t, "", "--rules")
	if n, want := strings.Count(out, "\n"), len(analyze.Rules())+len(analyze.RetiredRules()); n != want {
		t.Errorf("--rules printed %d lines for %d rules, retired ones included", n, want)
	}
	// Short IDs and retired IDs are rule IDs too.
	if code, out, _ := runCLI(t, "", "--explain", "w01"); code != exitOK || !strings.HasPrefix(out, "CORS-W01:") {
		t.Errorf("--explain w01: exit %d, output:\n%s", code, out)
	}
	if code, out, _ := runCLI(t, "", "--explain", "L02"); code != exitOK || !strings.Contains(out, "(retired)") {
		t.Errorf("--explain L02: exit %d, output:\n%s", code, out)
	}
	// A browser error's name, as DevTools or MDN spells it, gives the
	// rules that report it; so does "harcors explain NAME".
	if code, out, _ := runCLI(t, "", "--explain", "PreflightMissingAllowOriginHeader"); code != exitOK ||
		!strings.HasPrefix(out, "PreflightMissingAllowOriginHeader is reported by ") || !strings.Contains(out, "\nCORS-P01:") || !strings.Contains(out, "\nCORS-P02:") {
		t.Errorf("--explain PreflightMissingAllowOriginHeader: exit %d, output:\n%s", code, out)
	}
	if code, out, _ := runCLI(t, "", "--explain", "CORSMissingAllowOrigin"); code != exitOK || !strings.Contains(out, "CORS-A01:") {
		t.Errorf("--explain CORSMissingAllowOrigin: exit %d, output:\n%s", code, out)
	}
	if code, out, _ := runCLI(t, "", "explain", "CORS-P02"); code != exitOK || !strings.HasPrefix(out, "CORS-P02:") {
		t.Errorf("explain CORS-P02: exit %d, output:\n%s", code, out)
	}
	if code, _, stderr := runCLI(t, "", "explain", "CORS-P02", "no message"); code != exitTrouble || !strings.Contains(stderr, "no CORS console message") {
		t.Errorf("explain of a rule ID and a line that is neither: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "--ignore", "L02", "--ignore", "p02", blockedHAR); code == exitTrouble {
		t.Errorf("--ignore L02 --ignore p02: exit %d: %s", code, stderr)
	}
}

func TestStdin(t *testing.T) {
	data, err := os.ReadFile(blockedHAR)
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, string(data), "--format", "json", "-")
	if code != exitFindings {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	var doc struct {
		Files []struct {
			File     string
			Findings []struct{ Rule string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v", err)
	}
	if len(doc.Files) != 1 || doc.Files[0].File != "-" || len(doc.Files[0].Findings) == 0 {
		t.Errorf("stdin result: %+v", doc)
	}
}

// TestBatchAccountsForEveryInput scans a folder with good, broken and odd
// entries (a FIFO, a symlink loop, an unreadable file) and checks that every
// input is reported, in a stable order, and the exit code says trouble.
func TestBatchAccountsForEveryInput(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile(blockedHAR)
	clean, _ := os.ReadFile(passingHAR)
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a/1.har", good)
	write("a/2.har", clean)
	write("b/truncated.har", good[:len(good)/2])
	write("b/notjson.har", []byte("<html>not a har</html>"))
	write("b/ignored.txt", []byte("not a har name"))
	if err := syscall.Mkfifo(filepath.Join(dir, "b", "fifo.har"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "a", "loop")); err != nil {
		t.Fatal(err)
	}
	write("c/unreadable.har", good)
	os.Chmod(filepath.Join(dir, "c", "unreadable.har"), 0)
	unreadableCounts := os.Geteuid() != 0 // root reads anything

	code, out, stderr := runCLI(t, "", "--format", "json", "--jobs", "2", dir)
	if code != exitTrouble {
		t.Errorf("exit %d, want %d (broken inputs); stderr %s", code, exitTrouble, stderr)
	}
	var doc struct {
		Files []struct {
			File  string
			Error *string
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	var got []string
	errs := map[string]bool{}
	for _, f := range doc.Files {
		rel, _ := filepath.Rel(dir, f.File)
		got = append(got, rel)
		errs[rel] = f.Error != nil
	}
	want := []string{"a/1.har", "a/2.har", "b/fifo.har", "b/notjson.har", "b/truncated.har", "c/unreadable.har"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("inputs reported %q, want %q", got, want)
	}
	for _, bad := range []string{"b/fifo.har", "b/notjson.har", "b/truncated.har"} {
		if !errs[bad] {
			t.Errorf("%s: no error reported", bad)
		}
	}
	if unreadableCounts && !errs["c/unreadable.har"] {
		t.Errorf("c/unreadable.har: no error reported")
	}
	if errs["a/1.har"] || errs["a/2.har"] {
		t.Errorf("good files reported as errors")
	}
}

// TestREADMERules checks that the README's rule table is the one generated
// from the catalogue; go test -run TestREADMERules -update rewrites it.
func TestREADMERules(t *testing.T) {
	const begin, end = "<!-- rules:begin -->\n", "<!-- rules:end -->"
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q ... %q markers", begin, end)
	}
	var b strings.Builder
	b.WriteString("| Rule | Severity | Title | Chromium | Firefox |\n|---|---|---|---|---|\n")
	for _, r := range analyze.Rules() {
		fmt.Fprintf(&b, "| <a id=\"%s\"></a>`%s` | %s | %s | %s | %s |\n", strings.ToLower(r.ID), r.ID, r.Severity, r.Title,
			codeList(r.Chromium), codeList(r.Firefox))
	}
	for _, r := range analyze.RetiredRules() {
		fmt.Fprintf(&b, "| <a id=\"%s\"></a>`%s` | retired | ~~%s~~ (%s) | — | — |\n", strings.ToLower(r.ID), r.ID, r.Title, r.Retired)
	}
	gen := b.String()
	if s[i+len(begin):j] == gen {
		return
	}
	if *update {
		if err := os.WriteFile("README.md", []byte(s[:i+len(begin)]+gen+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's rule table is stale; run: go test -run TestREADMERules -update")
}

func codeList[S ~string](xs []S) string {
	if len(xs) == 0 {
		return "—"
	}
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = "`" + string(x) + "`"
	}
	return strings.Join(q, ", ")
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"4GiB": 4 << 30, "512MiB": 512 << 20, "100MB": 100e6, "1048576": 1 << 20} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "lots", "99999999999TiB"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

// readmeExamples are the README's generated example blocks: marker name,
// the command shown, and the arguments run to produce the output.
var readmeExamples = []struct {
	marker, shown string
	args          []string
	lines         int // keep the first lines only (0: all)
	filter        func(string) string
}{
	{"example", "harcors testdata/hars/chromium/express--auth-before-cors-401.har",
		[]string{"testdata/hars/chromium/express--auth-before-cors-401.har"}, 0, nil},
	{"example-json", "harcors --format json testdata/hars/chromium/go--header-authorization-not-allowed.har",
		[]string{"--format", "json", "testdata/hars/chromium/go--header-authorization-not-allowed.har"}, 0, nil},
	{"example-markdown", "harcors --format markdown testdata/hars/chromium/nginx--add-header-404-no-always.har",
		[]string{"--format", "markdown", "testdata/hars/chromium/nginx--add-header-404-no-always.har"}, 0, nil},
	{"example-sarif", "harcors --format sarif testdata/hars/chromium/go--acao-trailing-slash.har",
		[]string{"--format", "sarif", "testdata/hars/chromium/go--acao-trailing-slash.har"}, 0, sarifResults},
	{"example-all", "harcors --all testdata/hars/chromium/go--max-age-acah-star-authorization.har",
		[]string{"--all", "testdata/hars/chromium/go--max-age-acah-star-authorization.har"}, 0, nil},
}

// TestREADMEExamples checks that the README shows what harcors prints today;
// go test -run TestREADMEExamples -update rewrites the blocks.
func TestREADMEExamples(t *testing.T) {
	t.Setenv("COLUMNS", "100")
	t.Setenv("NO_COLOR", "1")
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	changed := false
	for _, ex := range readmeExamples {
		begin, end := "<!-- "+ex.marker+":begin -->\n", "<!-- "+ex.marker+":end -->"
		i, j := strings.Index(s, begin), strings.Index(s, end)
		if i < 0 || j < i {
			t.Errorf("README.md lacks the %s markers", ex.marker)
			continue
		}
		_, out, _ := runCLI(t, "", ex.args...)
		if ex.filter != nil {
			out = ex.filter(out)
		}
		if ex.lines > 0 {
			ls := strings.SplitAfter(out, "\n")
			if len(ls) > ex.lines {
				out = strings.Join(ls[:ex.lines], "") + "...\n"
			}
		}
		fence := "```"
		if ex.marker == "example-markdown" {
			fence = "````"
		}
		lang := ""
		if strings.Contains(ex.marker, "json") || strings.Contains(ex.marker, "sarif") {
			lang = "json"
		}
		gen := fence + "console\n$ " + ex.shown + "\n" + fence + "\n" + fence + lang + "\n" + out + fence + "\n"
		if s[i+len(begin):j] == gen {
			continue
		}
		if !*update {
			t.Errorf("README.md's %s block is stale; run: go test -run TestREADMEExamples -update", ex.marker)
			continue
		}
		s = s[:i+len(begin)] + gen + s[j:]
		changed = true
	}
	if changed {
		if err := os.WriteFile("README.md", []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sarifResults keeps the README's SARIF example short: the results only,
// without the driver's copy of the whole rule catalogue.
func sarifResults(out string) string {
	var doc struct {
		Runs []struct {
			Results json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Runs) == 0 {
		return out
	}
	var b bytes.Buffer
	json.Indent(&b, doc.Runs[0].Results, "", "  ")
	return "// runs[0].results (runs[0].tool.driver.rules lists the whole catalogue)\n" + b.String() + "\n"
}

func TestNothingPassesSilently(t *testing.T) {
	empty := t.TempDir()
	if code, out, _ := runCLI(t, "", "--format", "json", empty); code != exitTrouble || !strings.Contains(out, "no *.har") {
		t.Errorf("empty directory: exit %d, output %s", code, out)
	}
	// On stderr, among other inputs' messages, the error names its folder.
	if _, _, stderr := runCLI(t, "", empty, blockedHAR); !strings.Contains(stderr, empty+": no *.har") {
		t.Errorf("empty directory: stderr %q does not name it", stderr)
	}
	data, _ := os.ReadFile(blockedHAR)
	code, out, _ := runCLI(t, string(data), "--format", "json", "-", "-")
	if code != exitTrouble || !strings.Contains(out, "standard input named more than once") {
		t.Errorf("- twice: exit %d, output %s", code, out)
	}
}
