package report

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/testcorpus"
)

func TestMarkdownEscapeInert(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"@octocat says hi", `@<wbr>octocat says hi`},
		{"ping @org/team now", `ping @<wbr>org/team now`},
		{"(@a-b)", `(@<wbr>a-b)`},
		{"mail me: dev@example.com", `mail me: dev@example.com`},
		{"a lone @ sign", `a lone @ sign`},
		{"see #12", `see #<wbr>12`},
		{"owner/repo#7", `owner/repo#<wbr>7`},
		{"#anchor and #", `\#anchor and #`},
		{"GH-34 and gh-5", `GH-<wbr>34 and gh-<wbr>5`},
		{"SIGH-3 is a word", `SIGH-3 is a word`},
		{"!12 and &3", `!<wbr>12 and &amp;<wbr>3`},
		{"# title.har", `\# title.har`},
		{"  # indented", `  \# indented`},
		{"- item", `\- item`},
		{"+ item", `\+ item`},
		{"=== ", `\=== `},
		{"> quote", `&gt; quote`},
		{"1. first", `1\. first`},
		{"12) twelfth", `12\) twelfth`},
		{"1.5 ms", `1\.5 ms`},
		{"x 1. y", `x 1. y`},
		{"a-b # c", `a-b # c`},
	} {
		if got := mdEscape(tc.in); got != tc.want {
			t.Errorf("mdEscape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"❌ P1 @octocat </details> #3 GH-4 'x' \"y\"", `❌ P1 @<wbr>octocat &lt;/details&gt; #<wbr>3 GH-<wbr>4 'x' "y"`},
		{"# not a heading in HTML", `# not a heading in HTML`},
	} {
		if got := htmlEscape(tc.in); got != tc.want {
			t.Errorf("htmlEscape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// trackerActions finds what a tracker would act on in Markdown outside
// code blocks: a mention, an issue reference, a block the capture opened.
var (
	mentionRE  = regexp.MustCompile(`(^|[^A-Za-z0-9_])@[A-Za-z0-9_-]`)
	issueRE    = regexp.MustCompile(`(?i)(#|\bgh-)[0-9]`)
	entityRE   = regexp.MustCompile(`&#[0-9]+;`)
	ourHeading = regexp.MustCompile(`^(## CORS report|### [^#])`)
)

func trackerActions(md string) []string {
	var bad []string
	inCode := false
	for i, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if inCode {
			continue
		}
		text := entityRE.ReplaceAllString(line, "")
		if m := mentionRE.FindString(text); m != "" {
			bad = append(bad, fmt.Sprintf("line %d: mention %q in %q", i+1, m, line))
		}
		if m := issueRE.FindString(text); m != "" {
			bad = append(bad, fmt.Sprintf("line %d: reference %q in %q", i+1, m, line))
		}
		if strings.HasPrefix(line, "#") && !ourHeading.MatchString(line) {
			bad = append(bad, fmt.Sprintf("line %d: heading from the capture: %q", i+1, line))
		}
	}
	return bad
}

// mentionsHAR is a capture whose values would mention people, link issues
// and open blocks if pasted raw.
const mentionsHAR = `{"log":{"creator":{"name":"@octocat GH-9","version":"#10"},"entries":[
{"request":{"method":"GET","url":"https://api.example.com/@admin/users","headers":[{"name":"Origin","value":"https://app.example.org"}]},
 "response":{"status":403,"statusText":"@octocat ping #1 GH-2","headers":[{"name":"Access-Control-Allow-Origin","value":"https://@org/team #12 GH-34"}]}},
{"request":{"method":"GET","url":"https://api.example.com/@admin/users","headers":[{"name":"Origin","value":"https://app.example.org"}]},
 "response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"- @octocat"}]}}
]}}`

func TestMarkdownInertOnTrackers(t *testing.T) {
	r := analyze.Reader("# title.har", strings.NewReader(mentionsHAR), analyze.Options{}, har.Options{})
	if r.Err != nil || len(r.Groups) == 0 {
		t.Fatalf("fixture: err %v, %d groups", r.Err, len(r.Groups))
	}
	for _, opt := range []Options{
		{Format: Markdown, All: true},
		{Format: Markdown, All: true, Each: true},
		{Format: Markdown, All: true, MinSeverity: analyze.Info},
	} {
		for _, rs := range [][]*analyze.Result{{r}, {r, r}} {
			md := mustRender(t, rs, opt)
			checkMarkdown(t, md)
			for _, b := range trackerActions(md) {
				t.Errorf("each=%v, %d files: %s", opt.Each, len(rs), b)
			}
			// The values are still there for the reader.
			plain := unescape(strings.ReplaceAll(md, refBreak, ""))
			for _, want := range []string{"@octocat ping #1 GH-2", "# title.har", "@org/team #12 GH-34"} {
				if !strings.Contains(plain, want) {
					t.Errorf("each=%v, %d files: %q is not shown", opt.Each, len(rs), want)
				}
			}
		}
	}
}

// manyGroupsHAR is a capture of n cross-origin requests to n servers,
// each failing its own way: n groups, none of which merge.
func manyGroupsHAR(n int) string {
	var b strings.Builder
	b.WriteString(`{"log":{"creator":{"name":"gen","version":"1"},"entries":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		long := strings.Repeat("x", i%300)
		fmt.Fprintf(&b, `{"request":{"method":"PUT","url":"https://api%d.example.com/v1/%s/items/%d?q=1","headers":[`+
			`{"name":"Origin","value":"https://app.example.org"},{"name":"X-Custom-%d","value":"%s"}]},`+
			`"response":{"status":200,"statusText":"OK","headers":[{"name":"Access-Control-Allow-Origin","value":"https://other%d.example.org"},`+
			`{"name":"Access-Control-Allow-Headers","value":"x-%s"}]}}`, i, long, i, i, long, i, long)
	}
	b.WriteString(`]}}`)
	return b.String()
}

// TestMarkdownBudget renders captures far larger than an issue holds: the
// report stays under MarkdownBudget, keeps its structure, and says what it left
// out and how to get it.
func TestMarkdownBudget(t *testing.T) {
	const n = 1500
	r := analyze.Reader("many.har", strings.NewReader(manyGroupsHAR(n)), analyze.Options{}, har.Options{})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(r.Groups) < n {
		t.Fatalf("%d groups for %d distinct servers; the capture should not merge", len(r.Groups), n)
	}
	for name, rs := range map[string][]*analyze.Result{
		"one file":    {r},
		"many files":  repeat(r, 40),
		"two, --all":  {r, r},
		"info, --all": {r},
	} {
		opt := Options{Format: Markdown, All: strings.Contains(name, "--all"), MinSeverity: DefaultMinSeverity(Markdown)}
		if strings.HasPrefix(name, "info") {
			opt.MinSeverity = analyze.Info
		}
		md := mustRender(t, rs, opt)
		t.Logf("%s: %d bytes", name, len(md))
		if len(md) >= MarkdownBudget {
			t.Errorf("%s: %d bytes, over the budget of %d", name, len(md), MarkdownBudget)
		}
		checkMarkdown(t, md)
		for _, want := range []string{"Shortened to fit in an issue", "--format json", "--each"} {
			if !strings.Contains(md, want) {
				t.Errorf("%s: the report does not say %q", name, want)
			}
		}
		if rows := strings.Count(md, "\n| P"); rows < 20 {
			t.Errorf("%s: %d problem rows; a shortened report should still list many", name, rows)
		}
		if details := strings.Count(md, "<summary>❌ P"); details < 1 || len(rs) < 3 && details < 3 {
			t.Errorf("%s: %d problems with details; want several", name, details)
		}
		if len(rs) > 1 && !strings.Contains(md, "### Across files") {
			t.Errorf("%s: the summary across files is missing", name)
		}
	}
	// The full report is what the note points to.
	each := mustRender(t, []*analyze.Result{r}, Options{Format: Markdown, Each: true})
	if len(each) < MarkdownBudget || strings.Contains(each, "Shortened") {
		t.Errorf("--each: %d bytes; want every finding, unshortened", len(each))
	}
}

// TestMarkdownFixturesFit renders every capture of the repository (and the
// shared corpus, when it is beside it) alone and all in one batch, with every
// finding and every request: each report fits the budget and keeps its
// structure.
func TestMarkdownFixturesFit(t *testing.T) {
	var files []string
	filepath.WalkDir("../testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".har") || strings.HasSuffix(p, ".harp")) {
			files = append(files, p)
		}
		return nil
	})
	files = append(files, testcorpus.Shared(t, "..")...)
	if len(files) == 0 {
		t.Skip("no fixtures")
	}
	opt := Options{Format: Markdown, All: true, MinSeverity: analyze.Info}
	var rs []*analyze.Result
	largest, name := 0, ""
	for _, f := range files {
		r := analyze.File(f, analyze.Options{}, har.Options{})
		rs = append(rs, r)
		md := mustRender(t, []*analyze.Result{r}, opt)
		if len(md) > largest {
			largest, name = len(md), f
		}
		if len(md) >= MarkdownBudget {
			t.Errorf("%s: %d bytes of Markdown, over %d", f, len(md), MarkdownBudget)
		}
		if bad := trackerActions(md); len(bad) > 0 {
			t.Errorf("%s: %s", f, bad[0])
		}
	}
	t.Logf("largest report of one file: %s, %d bytes", name, largest)
	md := mustRender(t, rs, opt)
	t.Logf("all %d files in one batch: %d bytes", len(rs), len(md))
	if len(md) >= MarkdownBudget {
		t.Errorf("%d files in one batch: %d bytes of Markdown, over %d", len(rs), len(md), MarkdownBudget)
	}
	checkMarkdown(t, md)
}

// TestMarkdownFromGroups checks that the grouped report reads the groups
// only: an analysis that kept no findings renders the same.
func TestMarkdownFromGroups(t *testing.T) {
	for _, f := range chromiumFixtures(t)[:20] {
		r := analyze.File(f, analyze.Options{}, har.Options{})
		opt := Options{Format: Markdown, All: true, MinSeverity: analyze.Info}
		want := mustRender(t, []*analyze.Result{r}, opt)
		bare := *r
		bare.Findings = nil
		if got := mustRender(t, []*analyze.Result{&bare}, opt); got != want {
			t.Errorf("%s: the report changes without the findings:\n%s", f, firstDiff(want, got))
		}
	}
}

func repeat(r *analyze.Result, n int) []*analyze.Result {
	rs := make([]*analyze.Result, n)
	for i := range rs {
		rs[i] = r
	}
	return rs
}

// TestMarkdownBatchDetailsOnce: in a batch, a problem detailed for an
// earlier file is pointed to, not detailed again; a new problem is.
func TestMarkdownBatchDetailsOnce(t *testing.T) {
	a := analyze.Reader("a.har", strings.NewReader(manyGroupsHAR(2)), analyze.Options{}, har.Options{})
	b := analyze.Reader("b.har", strings.NewReader(manyGroupsHAR(3)), analyze.Options{}, har.Options{})
	md := mustRender(t, []*analyze.Result{a, b, a}, Options{Format: Markdown, MinSeverity: analyze.Info})
	checkMarkdown(t, md)
	// a: P1 P2 detailed; b: P3 P4 pointed to, P5 detailed; a again: P6 P7.
	if n := strings.Count(md, "<details>\n<summary>"); n != 3 {
		t.Errorf("%d problems detailed, want 3 (two in a.har, one new in b.har)", n)
	}
	for _, want := range []string{
		"**P3** is the problem detailed as P1 (a.har)", "**P4** is the problem detailed as P2 (a.har)",
		"**P6** is the problem detailed as P1 (a.har)", "**P7** is the problem detailed as P2 (a.har)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report does not say %q", want)
		}
	}
	if strings.Contains(md, "detailed as P5") || strings.Contains(md, "**P5** is") {
		t.Error("P5, new in b.har, is pointed to instead of detailed")
	}
}
