package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// htmlTags are the elements the HTML report writes itself; any other tag in
// the output would have come from the HAR.
var htmlTags = map[string]bool{
	"html": true, "head": true, "meta": true, "title": true, "style": true, "body": true, "header": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "p": true, "nav": true, "fieldset": true, "legend": true,
	"label": true, "input": true, "select": true, "option": true, "main": true, "section": true, "ul": true,
	"li": true, "dl": true, "dt": true, "dd": true, "strong": true, "span": true, "svg": true, "desc": true,
	"line": true, "rect": true, "text": true, "path": true, "table": true, "caption": true, "thead": true,
	"tbody": true, "tr": true, "code": true, "th": true, "td": true, "mark": true, "div": true, "footer": true, "script": true,
}

var (
	tagRE      = regexp.MustCompile(`<(/?)([A-Za-z][A-Za-z0-9-]*)`)
	openTagRE  = regexp.MustCompile(`<[A-Za-z][A-Za-z0-9-]*((?:\s+[A-Za-z][A-Za-z0-9-]*(?:="[^"<>]*")?)*)\s*/?>`)
	attrRE     = regexp.MustCompile(`\s([A-Za-z][A-Za-z0-9-]*)`)
	styleRE    = regexp.MustCompile(`(?s)<style>(.*?)</style>`)
	scriptRE   = regexp.MustCompile(`(?s)<script>(.*?)</script>`)
	cspRE      = regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]*)"`)
	sectionsRE = regexp.MustCompile(`<section class="group[^"]*" id="[^"]*" data-rule="([^"]*)" data-count="(\d+)"`)
)

// checkHTML asserts what every HTML report must hold whatever the HAR: only
// the report's own elements and attributes, one style and one script, both
// allowed by the policy, nothing that loads or links.
func checkHTML(t *testing.T, what, out string) {
	t.Helper()
	for _, m := range tagRE.FindAllStringSubmatch(out, -1) {
		if !htmlTags[strings.ToLower(m[2])] && !strings.EqualFold(m[2], "!DOCTYPE") {
			t.Errorf("%s: element <%s%s> is not one the report writes", what, m[1], m[2])
		}
	}
	allowedAttrs := "class id lang charset http-equiv content name type value checked disabled for hidden aria-label aria-labelledby aria-live role " +
		"data-rule data-count data-severity data-host scope title colspan viewBox width height xmlns x y x1 y1 x2 y2 rx d text-anchor"
	for _, tag := range openTagRE.FindAllStringSubmatch(out, -1) {
		attrs := regexp.MustCompile(`="[^"]*"`).ReplaceAllString(tag[1], "")
		for _, m := range attrRE.FindAllStringSubmatch(attrs, -1) {
			if !strings.Contains(" "+allowedAttrs+" ", " "+m[1]+" ") {
				t.Errorf("%s: attribute %s is not one the report writes", what, m[1])
			}
		}
	}
	// Each severity box counts its problems (more than the sections when
	// the size budget left some uncounted), and one with none is disabled.
	for _, sev := range []string{"error", "warning", "info"} {
		m := regexp.MustCompile(`value="` + sev + `" checked( disabled)?> ` + sev + ` \((\d+)\)`).FindStringSubmatch(out)
		if m == nil {
			t.Errorf("%s: no %s box with its count", what, sev)
			continue
		}
		n, _ := strconv.Atoi(m[2])
		if sections := strings.Count(out, `data-severity="`+sev+`"`); n < sections || (m[1] != "") != (n == 0) {
			t.Errorf("%s: the %s box says %d (disabled: %v) for %d sections", what, sev, n, m[1] != "", sections)
		}
	}
	if n, m := len(tagRE.FindAllString(out, -1)), len(openTagRE.FindAllString(out, -1))+strings.Count(out, "</")+1; n > m {
		t.Errorf("%s: %d tags open, only %d are well formed", what, n, m)
	}
	for _, bad := range []string{"href=", "src=", "</details>", "@import", "url("} {
		if strings.Contains(out, bad) {
			t.Errorf("%s: output holds %q", what, bad)
		}
	}
	styles, scripts := styleRE.FindAllStringSubmatch(out, -1), scriptRE.FindAllStringSubmatch(out, -1)
	if len(styles) != 1 || len(scripts) != 1 {
		t.Fatalf("%s: %d styles and %d scripts, want one each", what, len(styles), len(scripts))
	}
	csp := cspRE.FindStringSubmatch(out)
	if csp == nil {
		t.Fatalf("%s: no Content-Security-Policy", what)
	}
	for _, want := range []string{"default-src 'none'", "style-src " + cspHash(styles[0][1]) + ";", "script-src " + cspHash(scripts[0][1]) + ";"} {
		if !strings.Contains(csp[1], want) {
			t.Errorf("%s: the policy %q lacks %q: the inline style or script would not run", what, csp[1], want)
		}
	}
}

func TestHTMLHostile(t *testing.T) {
	for _, name := range []string{"escapes.har", "secrets.har", "wrong-types.har", "invalid-utf8.har", "nulls.har"} {
		rs := []*analyze.Result{hostile(t, name)}
		for _, secrets := range []bool{false, true} {
			out := mustRender(t, rs, Options{Format: HTML, ShowSecrets: secrets})
			checkHTML(t, name, out)
		}
	}
	out := mustRender(t, []*analyze.Result{hostile(t, "escapes.har")}, Options{Format: HTML})
	for _, want := range []string{"&lt;/details&gt;", `\u202e`, `\x1b`} {
		if !strings.Contains(out, want) {
			t.Errorf("escapes.har: %q is not shown as visible text", want)
		}
	}
}

func TestHTMLGroupsAndBudget(t *testing.T) {
	var rs []*analyze.Result
	for _, p := range chromiumFixtures(t) {
		rs = append(rs, analyzeAs(t, p, p))
	}
	out := mustRender(t, rs, Options{Format: HTML, MinSeverity: analyze.Info})
	checkHTML(t, "chromium fixtures", out)
	secs := sectionsRE.FindAllStringSubmatch(out, -1)
	want := 0
	for _, r := range rs {
		want += len(view(r, Options{MinSeverity: analyze.Info}).groups)
	}
	if len(secs) != want || want == 0 {
		t.Fatalf("%d group sections, want %d", len(secs), want)
	}
	// Past the budget, groups keep their heading and data but lose the
	// diagram and headers: the size stays bounded.
	if len(out) > htmlBudget+256<<10 {
		t.Errorf("report of %d groups is %d bytes, over the budget", want, len(out))
	}
	if strings.Count(out, "<svg") == 0 || strings.Count(out, "<svg") > want {
		t.Errorf("%d diagrams for %d groups", strings.Count(out, "<svg"), want)
	}
}

// TestHiddenNoteNamesTheWayToShow: the note counting the problems below
// the minimum severity names the command's flag, or what the caller says
// shows them (the web page's checkbox), escaped like any text.
func TestHiddenNoteNamesTheWayToShow(t *testing.T) {
	var rs []*analyze.Result
	hidden := 0
	for _, p := range chromiumFixtures(t) {
		r := analyzeAs(t, p, p)
		rs = append(rs, r)
		hidden += view(r, Options{MinSeverity: analyze.Warning}).hiddenGroups
	}
	if hidden == 0 {
		t.Fatal("no fixture has a problem below warning: the test proves nothing")
	}
	out := mustRender(t, rs, Options{Format: HTML, MinSeverity: analyze.Warning})
	if !strings.Contains(out, "not shown: --severity info shows") {
		t.Error("the note does not name --severity info")
	}
	page := `"Include info-level findings" <tick>`
	out = mustRender(t, rs, Options{Format: HTML, MinSeverity: analyze.Warning, ShowHidden: page})
	checkHTML(t, "chromium fixtures", out)
	if want := "not shown: &#34;Include info-level findings&#34; &lt;tick&gt; shows"; !strings.Contains(out, want) || strings.Contains(out, "--severity info") {
		t.Errorf("the note does not name the page's way (%q), or still names the flag", want)
	}
}

// TestHTMLSizeBounded gives the report more groups than fit, each with a
// sample whose entries carry many long headers: it stays under 2 MiB,
// shows the first groups whole, the next compact, and says how many it
// left out.
func TestHTMLSizeBounded(t *testing.T) {
	src := hostile(t, "escapes.har")
	if len(src.Groups) == 0 || src.Groups[0].Sample == nil {
		t.Fatal("escapes.har has no group with a sample")
	}
	sample := *src.Groups[0].Sample
	var hs har.Headers
	for i := 0; i < 500; i++ {
		hs = append(hs, har.Header{Name: "Access-Control-Allow-Headers", Value: strings.Repeat("x-long-header-name,", 40)})
	}
	if sample.PreflightEntry != nil {
		p := *sample.PreflightEntry
		p.Response.Headers = hs
		sample.PreflightEntry = &p
	}
	r := &analyze.Result{File: "many.har", Entries: 100000}
	rule := analyze.LookupRule(src.Groups[0].Rule.ID)
	for i := 0; i < 5000; i++ {
		r.Groups = append(r.Groups, &analyze.Group{Rule: rule, Severity: analyze.Error, Requests: i + 1,
			Server: fmt.Sprintf("https://api%d.example.test", i), Cause: strings.Repeat("a long cause ", 60),
			Fix: strings.Repeat("a long fix ", 60), Sample: &sample, Entries: []int{i}})
	}
	out := mustRender(t, []*analyze.Result{r}, Options{Format: HTML})
	if len(out) > 2<<20 {
		t.Fatalf("report of 5000 groups is %d bytes, over 2 MiB", len(out))
	}
	checkHTML(t, "many groups", out)
	full, compact := strings.Count(out, `class="group error" `), strings.Count(out, `class="group error compact"`)
	if full == 0 || compact == 0 || !strings.Contains(out, fmt.Sprintf("%d problems not shown here", 5000-full-compact)) {
		t.Errorf("%d whole groups, %d compact, and no count of the rest", full, compact)
	}
	if n := strings.Count(out, "more headers not shown"); n < full {
		t.Errorf("%d whole groups but %d cut header tables: 500 headers were shown", full, n)
	}
}

// TestHTMLBatchShowsOnce: in a batch, a problem shown in full for an
// earlier file keeps its section (with data-rule and data-count, for the
// filters and scripts) but points there instead of saying its cause, fix
// and diagram again.
func TestHTMLBatchShowsOnce(t *testing.T) {
	a := analyze.Reader("a.har", strings.NewReader(manyGroupsHAR(2)), analyze.Options{}, har.Options{})
	b := analyze.Reader("b.har", strings.NewReader(manyGroupsHAR(3)), analyze.Options{}, har.Options{})
	out := mustRender(t, []*analyze.Result{a, b, a}, Options{Format: HTML, MinSeverity: analyze.Info})
	checkHTML(t, "a, b, a", out)
	if n := len(sectionsRE.FindAllString(out, -1)); n != 7 {
		t.Errorf("%d sections, want 7 (2 + 3 + 2)", n)
	}
	if n := strings.Count(out, "The same problem as shown in full above for a.har"); n != 4 {
		t.Errorf("%d sections point to a.har, want 4 (two in b.har, two in a.har again)", n)
	}
	if n := strings.Count(out, "<strong>Cause:</strong>"); n != 3 {
		t.Errorf("%d causes said, want 3 (a.har's two, b.har's new one)", n)
	}
}

// chromiumHTML is the HTML report of the Chromium fixture named file.
func chromiumHTML(t *testing.T, file string) string {
	t.Helper()
	r := analyze.File("../testdata/hars/chromium/"+file+".har", analyze.Options{}, har.Options{})
	var b strings.Builder
	if err := Render(&b, []*analyze.Result{r}, Options{Format: HTML}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestHTMLCredentialsRow: the "Requested and allowed" table says what is
// known of the credentials mode in words, for a mode the failure proves
// (a wildcard refused with credentials) and for one the capture leaves open.
func TestHTMLCredentialsRow(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"caddy--star-credentials", "mode include"},
		{"express--auth-before-cors-401", "unknown: the capture does not say"},
	} {
		page := chromiumHTML(t, c.file)
		if want := `<th scope="row">Credentials</th><td>` + c.want + `</td>`; !strings.Contains(page, want) {
			t.Errorf("%s: no %q in the report", c.file, want)
		}
	}
}

// TestHTMLAffectedStatus: beside a request blocked at its preflight, the
// affected requests show the preflight's status as the preflight's (the
// request itself was never sent); beside one blocked at its response, that
// response's status alone.
func TestHTMLAffectedStatus(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"express--allowed-headers-restricted", "<td>preflight 204</td>"},
		{"express--json-parse-error-before-cors", "<td>400</td>"},
	} {
		page := chromiumHTML(t, c.file)
		rows := regexp.MustCompile(`(?s)<table class="affected">.*?</table>`).FindString(page)
		if !strings.Contains(rows, c.want) {
			t.Errorf("%s: no %s among the affected requests:\n%s", c.file, c.want, rows)
		}
	}
}

// TestHTMLDiagramTone: a diagram marks the step where the check failed in
// its finding's colour: red for a blocked request, amber for a warning,
// which the browser did not block.
func TestHTMLDiagramTone(t *testing.T) {
	for _, c := range []struct{ file, want, not string }{
		{"express--auth-before-cors-401", "dg-fail", "dg-warn"},
		{"nginx--acac-capitalized-fixed", "dg-warn", "dg-fail"},
	} {
		page := chromiumHTML(t, c.file)
		svg := regexp.MustCompile(`(?s)<svg class="diagram".*?</svg>`).FindString(page)
		// The marked note, and the response arrow and its text.
		for _, cls := range []string{`class="dg-note ` + c.want + `"`, `class="dg-arrow ` + c.want + `"`, ` ` + c.want + `text"`} {
			if !strings.Contains(svg, cls) {
				t.Errorf("%s: no %s in the diagram:\n%s", c.file, cls, svg)
			}
		}
		if strings.Contains(svg, c.not) {
			t.Errorf("%s: the diagram has %s", c.file, c.not)
		}
	}
}

// TestBatchCleanFilesLast: in a batch's Markdown and HTML, the files with
// problems come first, and the clean ones follow in one list, a line each,
// in their order; --all keeps a section per file, and a lone clean file
// keeps its own.
func TestBatchCleanFilesLast(t *testing.T) {
	dir := "../testdata/hars/chromium/"
	names := []string{"apache--setenvif-credentials-ok", "go--preflight-404", "django--cors-ok"}
	var rs []*analyze.Result
	for _, n := range names {
		rs = append(rs, analyze.File(dir+n+".har", analyze.Options{}, har.Options{}))
	}
	render := func(f Format, all bool, rs []*analyze.Result) string {
		var b strings.Builder
		if err := Render(&b, rs, Options{Format: f, All: all}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	// Where each file is named, in order.
	order := func(out string) []int {
		var at []int
		for _, n := range names {
			at = append(at, strings.Index(out, n))
		}
		return at
	}

	md := render(Markdown, false, rs)
	at := order(md)
	list := strings.Index(md, "### 2 files without a CORS problem")
	if !(at[1] < list && list < at[0] && at[0] < at[2]) {
		t.Errorf("Markdown: problem file at %d, list at %d, clean files at %d and %d:\n%s", at[1], list, at[0], at[2], md)
	}
	for _, n := range []string{names[0], names[2]} {
		if !regexp.MustCompile(`(?m)^- \*\*[^\n]*` + regexp.QuoteMeta(mdEscape(n)) + `[^\n]*no CORS failures in 1 cross-origin request`).MatchString(md) {
			t.Errorf("Markdown: %s is not a line of the list:\n%s", n, md)
		}
		if strings.Contains(md, "### "+mdEscape(dir+n)) {
			t.Errorf("Markdown: a clean file has a heading of its own:\n%s", md)
		}
	}

	page := render(HTML, false, rs)
	at = order(page)
	list = strings.Index(page, "<h2>2 files without a CORS problem</h2>")
	if !(at[1] < list && list < at[0] && at[0] < at[2]) || strings.Count(page, "<li><strong>") != 2 {
		t.Errorf("HTML: problem file at %d, list at %d, clean files at %d and %d", at[1], list, at[0], at[2])
	}
	checkHTML(t, "batch", page)

	if all := render(Markdown, true, rs); strings.Contains(all, "without a CORS problem") || strings.Count(all, "### ") < 3 {
		t.Errorf("Markdown --all: clean files listed apart:\n%s", all)
	}
	if one := render(HTML, false, rs[:1]); strings.Contains(one, "without a CORS problem") || !strings.Contains(one, "No CORS problem found.") {
		t.Errorf("HTML of one clean file:\n%s", one)
	}
}

// TestDiagramNamesFit: a participant's name fits its box (23 characters of
// 12px monospace in 170 units) and, when cut, keeps its end: the domain;
// the diagram's title, for screen readers, names both whole.
func TestDiagramNamesFit(t *testing.T) {
	f := &analyze.Finding{Rule: analyze.Rules()[0], Severity: analyze.Error, Origin: "http://localhost:8800",
		URL: "https://tdyqnpzslalaxvxmngyz.supabase.co/rest/v1/items", Method: "GET"}
	svg := svgDiagram(f, newCleaner(Options{}, true), "t")
	names := regexp.MustCompile(`class="dg-hdr" x="\d+" y="34" text-anchor="middle">([^<]*)<`).FindAllStringSubmatch(svg, -1)
	if len(names) != 2 || names[0][1] != "http://localhost:8800" || names[1][1] != "…laxvxmngyz.supabase.co" {
		t.Errorf("participants %q", names)
	}
	if !strings.Contains(svg, "<title id=\"t-t\">Sequence diagram: http://localhost:8800 to https://tdyqnpzslalaxvxmngyz.supabase.co</title>") {
		t.Errorf("the title does not name both whole:\n%s", svg)
	}
	for _, n := range names {
		if w := width(n[1]); w > svgNameChars {
			t.Errorf("%q is %d characters wide, more than its box takes", n[1], w)
		}
	}
}
