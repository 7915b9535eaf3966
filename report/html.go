package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"sort"
	"strconv"
	"strings"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// The HTML report is one self-contained file, for a ticket attachment or a
// CI artifact, and the page web/ shows in the browser. It makes no request
// of any kind: the style and the small filter script are inline and allowed
// by a Content-Security-Policy that names their hashes and nothing else, the
// sequence diagrams are inline SVG (svg.go), there are no fonts, images or
// links to load. Every string from the HAR is redacted and sanitized by the
// cleaner like in the other formats, then HTML-escaped where it lands; none
// becomes a link, an attribute other than data-host, or markup.

// htmlStyle is the report's style sheet: light and dark from the reader's
// setting, a print layout without the filters, and colours that keep the
// contrast axe-core asks for in both schemes.
const htmlStyle = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--panel:#f6f8fa;
--err:#b3261e;--errbg:#fde8e7;--warn:#7a4d00;--warnbg:#fff4d6;--info:#0b5cad;--infobg:#e7f0fb;--mark:#ffe08a;--markfg:#1b1f24}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;--line:#3d444d;--panel:#161b22;
--err:#ff8a80;--errbg:#3b1614;--warn:#f2c14e;--warnbg:#332600;--info:#79b8ff;--infobg:#0f2540;--mark:#8a6d00;--markfg:#fff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
header,main,footer,nav{max-width:72rem;margin:0 auto;padding:0 1rem}
h1{font-size:1.5rem;margin:1rem 0 .25rem}h2{font-size:1.15rem;margin:0 0 .5rem}h3{font-size:1rem;margin:1rem 0 .25rem}
code,pre,.mono,td{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
.muted{color:var(--muted)}
.file{border-top:1px solid var(--line);margin-top:1rem;padding-top:.5rem}
.notes{background:var(--panel);border-left:4px solid var(--info);padding:.5rem 1rem;margin:.5rem 0}
.notes li{margin:.2rem 0}
nav{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin-top:.5rem}
fieldset{border:1px solid var(--line);border-radius:6px;padding:.25rem .75rem;margin:0}
legend{padding:0 .25rem}
label{margin-right:.75rem;white-space:nowrap}
select{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:.15rem .3rem}
:focus-visible{outline:3px solid var(--info);outline-offset:2px}
.group{border:1px solid var(--line);border-left-width:6px;border-radius:6px;padding:.75rem 1rem;margin:1rem 0;background:var(--bg)}
.group.error{border-left-color:var(--err)}.group.warning{border-left-color:var(--warn)}.group.info{border-left-color:var(--info)}
.sev{display:inline-block;border-radius:4px;padding:0 .4rem;font-weight:600;font-size:.85rem}
.sev.error{background:var(--errbg);color:var(--err)}.sev.warning{background:var(--warnbg);color:var(--warn)}.sev.info{background:var(--infobg);color:var(--info)}
.count{font-weight:600}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}
.diagram{max-width:100%;height:auto;display:block;margin:.5rem 0;background:var(--panel);border-radius:6px}
.dg-life{stroke:var(--muted);stroke-dasharray:4 4}.dg-box{fill:var(--bg);stroke:var(--line)}
.dg-role{fill:var(--fg);font:600 13px system-ui,sans-serif}
.dg-msg,.dg-hdr{fill:var(--fg);font:12px ui-monospace,Menlo,Consolas,monospace}.dg-hdr{fill:var(--muted)}
.dg-arrow{stroke:var(--fg);stroke-width:1.5;fill:none}.dg-head{fill:var(--fg);stroke:none}
.dg-arrow.dg-fail{stroke:var(--err)}.dg-head.dg-fail{fill:var(--err)}.dg-lost{stroke-dasharray:6 4}
.dg-arrow.dg-warn{stroke:var(--warn)}.dg-head.dg-warn{fill:var(--warn)}.dg-arrow.dg-info{stroke:var(--info)}.dg-head.dg-info{fill:var(--info)}
.dg-note{fill:var(--panel);stroke:var(--line)}.dg-note.dg-fail{fill:var(--errbg);stroke:var(--err)}
.dg-note.dg-warn{fill:var(--warnbg);stroke:var(--warn)}.dg-note.dg-info{fill:var(--infobg);stroke:var(--info)}
.dg-failtext{fill:var(--err)}.dg-warntext{fill:var(--warn)}.dg-infotext{fill:var(--info)}
.sides{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1rem}
table{border-collapse:collapse;width:100%;margin:.25rem 0}
th,td{border:1px solid var(--line);padding:.2rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:var(--panel);font-weight:600;font-size:.85rem}
td.dir{width:1.5rem;text-align:center;color:var(--muted)}
mark{background:var(--mark);color:var(--markfg);font-weight:600;border-radius:2px;padding:0 .1rem}
.bad{color:var(--err);font-weight:600}
.compact{font-size:.9rem}
footer{color:var(--muted);font-size:.85rem;margin:2rem auto}
@media print{nav,#shown{display:none}body{font-size:11pt;background:#fff;color:#000}
.group{break-inside:avoid;border-color:#888}.diagram{background:#fff}a{color:inherit}}
`

// htmlScript wires the severity and host filters. It reads nothing from the
// HAR: it compares the data-severity and data-host attributes the Go side
// wrote with the controls' values, and shows the filters only when it runs
// (without it, every group is shown).
const htmlScript = `(function(){
var nav=document.getElementById("filters");if(!nav)return;nav.hidden=false;
var groups=document.querySelectorAll("section.group"),out=document.getElementById("shown");
function apply(){var sev={};nav.querySelectorAll("input[name=sev]").forEach(function(i){sev[i.value]=i.checked});
var host=document.getElementById("host").value,n=0;
groups.forEach(function(g){var on=sev[g.getAttribute("data-severity")]&&(host===""||g.getAttribute("data-host")===host);g.hidden=!on;if(on)n++});
out.textContent=n+" of "+groups.length+(groups.length===1?" group":" groups")+" shown";}
nav.addEventListener("change",apply);apply();})();`

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// HTMLPolicy returns the CSP sources that allow the HTML report's inline
// style and script: a page that shows the report in a frame of its own
// (web/) passes its policy on to the frame and must allow them too.
func HTMLPolicy() (style, script string) {
	return cspHash(htmlStyle), cspHash(htmlScript)
}

// htmlCSP is the report's policy: nothing may load, only the report's own
// style and script run, forms and <base> are inert.
func htmlCSP() string {
	style, script := HTMLPolicy()
	return "default-src 'none'; style-src " + style + "; script-src " + script +
		"; img-src 'none'; base-uri 'none'; form-action 'none'"
}

// htmlGroup is what the report shows of one group.
type htmlGroup struct {
	rule             *analyze.Rule
	key              string
	severity         analyze.Severity
	chromium         string
	firefox          string
	cause, fix       string
	stack            analyze.Stack
	server           string
	patterns         []string
	morePatterns     int
	methods, origins []string
	requests         int
	entries          []int
	affected         []analyze.Affected
	sample           *analyze.Finding
}

// htmlGroups converts a file's shown groups, in analyze's order (errors
// first).
func htmlGroups(v fileView) []*htmlGroup {
	out := make([]*htmlGroup, 0, len(v.groups))
	for _, g := range v.groups {
		out = append(out, &htmlGroup{rule: g.Rule, key: g.Key, severity: g.Severity, chromium: string(g.Chromium), firefox: g.Firefox,
			cause: g.Cause, fix: g.Fix, stack: g.Stack, server: g.Server, patterns: g.Patterns, morePatterns: g.MorePatterns,
			methods: g.Methods, origins: g.Origins, requests: g.Requests, entries: g.Entries, affected: g.Affected, sample: g.Sample})
	}
	return out
}

// htmlBudget is the size past which groups are written in a compact form
// (heading, count, server, paths, cause and fix cut short), and htmlLimit the
// size past which they are only counted: the report stays under 2 MiB, small
// enough to attach to a ticket, whatever the capture holds. The JSON lists
// every group.
const (
	htmlBudget = 1 << 20
	htmlLimit  = 1900 << 10
	// htmlHosts is the most servers the filter lists.
	htmlHosts = 200
)

func renderHTML(buf *bytes.Buffer, results []*analyze.Result, opt Options) error {
	c := newCleaner(opt, true)
	e := html.EscapeString
	type fileGroups struct {
		v      fileView
		groups []*htmlGroup
	}
	var files []fileGroups
	hosts := map[string]int{} // groups by server
	total := 0
	vs, clean := views(results, opt), 0
	if len(vs) > 1 && !opt.All {
		vs, clean = problemsFirst(vs)
	}
	for _, v := range vs {
		gs := htmlGroups(v)
		for _, g := range gs {
			hosts[c.url(g.server)]++
		}
		total += len(gs)
		files = append(files, fileGroups{v, gs})
	}

	buf.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	fmt.Fprintf(buf, "<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n", htmlCSP())
	buf.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n")
	title := "CORS report"
	if len(files) == 1 {
		title += ": " + baseName(c.plain(files[0].v.res.File))
	}
	fmt.Fprintf(buf, "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n", e(title), htmlStyle)

	buf.WriteString("<header>\n<h1>CORS report</h1>\n")
	by := "harcors"
	if opt.Version != "" {
		by += " " + c.plain(opt.Version)
	}
	fmt.Fprintf(buf, "<p class=\"muted\">Made by %s. %s across %s.</p>\n", e(by),
		e(plural(total, "problem", "problems")), e(plural(len(files), "file", "files")))
	buf.WriteString("</header>\n")

	// The filters need the script; it unhides them.
	buf.WriteString("<nav id=\"filters\" aria-label=\"Filters\" hidden>\n<fieldset><legend>Severity</legend>")
	// Each box says how many problems it filters; one with none is
	// disabled, so that no box seems to do nothing.
	var bySev [analyze.Error + 1]int
	for _, f := range files {
		for _, g := range f.groups {
			bySev[g.severity]++
		}
	}
	for _, s := range []analyze.Severity{analyze.Error, analyze.Warning, analyze.Info} {
		dis := ""
		if bySev[s] == 0 {
			dis = " disabled"
		}
		fmt.Fprintf(buf, "<label><input type=\"checkbox\" name=\"sev\" value=\"%s\" checked%s> %s (%d)</label>", s, dis, s, bySev[s])
	}
	buf.WriteString("</fieldset>\n<label for=\"host\">Server</label><select id=\"host\"><option value=\"\">every server</option>")
	hostList := make([]string, 0, len(hosts))
	for h := range hosts {
		hostList = append(hostList, h)
	}
	// The servers with the most problems, when there are too many to pick
	// from: thirty thousand options took the whole size budget, and no
	// problem was shown.
	more := 0
	if len(hostList) > htmlHosts {
		sort.Slice(hostList, func(i, j int) bool {
			a, b := hostList[i], hostList[j]
			return hosts[a] > hosts[b] || hosts[a] == hosts[b] && a < b
		})
		more = len(hostList) - htmlHosts
		hostList = hostList[:htmlHosts]
	}
	sort.Strings(hostList)
	for _, h := range hostList {
		fmt.Fprintf(buf, "<option value=\"%s\">%s</option>", e(h), e(truncate(h, 80)))
	}
	if more > 0 {
		fmt.Fprintf(buf, "<option disabled>and %s with fewer problems</option>", e(plural(more, "more server", "more servers")))
	}
	buf.WriteString("</select>\n<p id=\"shown\" role=\"status\" aria-live=\"polite\"></p>\n</nav>\n<main>\n")

	n := 0
	// shownFor maps the key of each problem shown in full to its file: a
	// later file's same problem (rule, server, cause) is shown compact,
	// pointing there, not in full again.
	shownFor := map[string]string{}
	for fi, fg := range files[:len(files)-clean] {
		htmlFileHeader(buf, fg.v, c)
		if len(fg.groups) == 0 {
			buf.WriteString("<p>No CORS problem found.</p>\n")
		}
		left := 0
		for _, g := range fg.groups {
			if buf.Len() > htmlLimit {
				left++
				continue
			}
			n++
			id := fmt.Sprintf("g%d-%d", fi+1, n)
			compact := buf.Len() > htmlBudget
			seenIn := shownFor[g.key]
			htmlGroupSection(buf, g, c, id, compact, seenIn)
			if !compact && seenIn == "" {
				shownFor[g.key] = c.plain(fg.v.res.File)
			}
		}
		if left > 0 {
			fmt.Fprintf(buf, "<p class=\"notes\">%s not shown here, to keep this file small: <code>harcors --format json</code> lists every problem.</p>\n",
				html.EscapeString(plural(left, "problem", "problems")))
		}
		buf.WriteString("</section>\n")
	}
	if clean > 0 {
		htmlCleanFiles(buf, vs[len(vs)-clean:], c)
	}
	buf.WriteString("</main>\n<footer><p>")
	if opt.ShowSecrets {
		buf.WriteString("This report was made with --show-secrets: it may hold cookies, credentials and tokens.")
	} else {
		buf.WriteString("Secrets (cookies, credentials, tokens) are redacted.")
	}
	buf.WriteString(" This file loads nothing from the network.</p></footer>\n")
	fmt.Fprintf(buf, "<script>%s</script>\n</body>\n</html>\n", htmlScript)
	return nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// htmlCleanFiles lists a batch's files without a problem to show, one
// line each with their counts and notes, after the files with problems.
func htmlCleanFiles(buf *bytes.Buffer, files []fileView, c cleaner) {
	e := html.EscapeString
	head := plural(len(files), "file without a CORS problem", "files without a CORS problem")
	fmt.Fprintf(buf, "<section class=\"file\" aria-label=\"%s\">\n<h2>%s</h2>\n<ul class=\"compact\">\n", e(head), e(head))
	for _, v := range files {
		r := v.res
		line := strings.Join(captureFacts(r, c.plain(r.Creator)), " · ") + ": " + nothingLine(v)
		if h := v.hiddenNote(); h != "" {
			line += " " + h
		}
		for _, n := range r.Notes {
			line += ". " + c.text(n)
		}
		fmt.Fprintf(buf, "<li><strong>%s</strong> · %s</li>\n", e(c.plain(r.File)), e(line))
	}
	buf.WriteString("</ul>\n</section>\n")
}

// htmlFileHeader opens a file's section with what the capture holds and
// what it cannot show.
func htmlFileHeader(buf *bytes.Buffer, v fileView, c cleaner) {
	e := html.EscapeString
	r := v.res
	fmt.Fprintf(buf, "<section class=\"file\" aria-label=\"%s\">\n<h2>%s</h2>\n", e("File "+c.plain(r.File)), e(c.plain(r.File)))
	line := strings.Join(append(captureFacts(r, c.plain(r.Creator)), v.problemLine()), " · ")
	if h := v.hiddenNote(); h != "" {
		line += " " + h
	}
	fmt.Fprintf(buf, "<p>%s</p>\n", e(line))
	var notes []string
	if r.Err != nil {
		notes = append(notes, "Error: "+c.errText(r.Err))
	}
	for _, w := range r.ReadWarnings {
		notes = append(notes, c.errText(w))
	}
	for _, n := range r.Notes {
		notes = append(notes, c.text(n))
	}
	if len(notes) > 0 {
		buf.WriteString("<ul class=\"notes\" aria-label=\"What the capture shows\">")
		for _, n := range notes {
			fmt.Fprintf(buf, "<li>%s</li>", e(n))
		}
		buf.WriteString("</ul>\n")
	}
}

// htmlGroupSection writes a group's section: in full, or compact (past
// htmlBudget), or, when seenIn names the file it was shown in full for,
// compact and pointing there instead of saying its cause and fix again.
func htmlGroupSection(buf *bytes.Buffer, g *htmlGroup, c cleaner, id string, compact bool, seenIn string) {
	e := html.EscapeString
	compact = compact || seenIn != ""
	sev := g.severity.String()
	server := c.url(g.server)
	cls := "group " + sev
	if compact {
		cls += " compact"
	}
	fmt.Fprintf(buf, "<section class=\"%s\" id=\"%s\" data-rule=\"%s\" data-count=\"%d\" data-severity=\"%s\" data-host=\"%s\" aria-labelledby=\"%s-h\">\n",
		cls, id, e(g.rule.ID), g.requests, sev, e(server), id)
	fmt.Fprintf(buf, "<h3 id=\"%s-h\"><span class=\"sev %s\">%s</span> %s %s <span class=\"count\">· %s</span></h3>\n",
		id, sev, sev, e(g.rule.ID), e(g.rule.Title), e(plural(g.requests, "request", "requests")))

	buf.WriteString("<dl class=\"facts\">")
	fact := func(name, value string) {
		if value != "" {
			fmt.Fprintf(buf, "<dt>%s</dt><dd>%s</dd>", name, e(truncate(value, textMax)))
		}
	}
	fact("Server", server)
	paths := make([]string, len(g.patterns))
	for i, p := range g.patterns {
		paths[i] = c.url(p)
	}
	pathText := strings.Join(paths, ", ")
	if g.morePatterns > 0 {
		pathText += fmt.Sprintf(" and %d more", g.morePatterns)
	}
	fact("Paths", pathText)
	if compact {
		buf.WriteString("</dl>\n")
	} else {
		htmlMoreFacts(buf, g, c, fact)
	}
	if seenIn != "" {
		fmt.Fprintf(buf, "<p class=\"muted\">The same problem as shown in full above for %s: the same cause and fix.</p>\n</section>\n", e(seenIn))
		return
	}
	short := textMax
	if compact {
		short = 240
	}
	cause, fixText := truncate(c.text(g.cause), short), truncate(c.text(g.fix), short)
	if f := g.sample; f != nil && f.Console != "" {
		fmt.Fprintf(buf, "<p><strong>Your console log:</strong> %s</p>\n", e(truncate(c.text(f.Console), textMax)))
	}
	fmt.Fprintf(buf, "<p><strong>Cause:</strong> %s</p>\n", e(cause))
	fix := "Fix"
	if n := stackName(g.stack); n != "" {
		fix += " for " + n
	}
	fmt.Fprintf(buf, "<p><strong>%s:</strong> %s</p>\n", e(fix), e(fixText))

	if !compact {
		htmlAffected(buf, g, c)
	}
	if f := g.sample; f != nil && !compact {
		fmt.Fprintf(buf, "<h4 class=\"muted\">Entry #%d: %s %s</h4>\n", f.Entry, e(c.plain(f.Method)), e(shortenURL(c.url(f.URL), 120)))
		buf.WriteString(svgDiagram(f, c, id+"-d"))
		buf.WriteString("\n")
		htmlAskedAllowed(buf, f, c)
		htmlSides(buf, f, c)
	}
	buf.WriteString("</section>\n")
}

// htmlMoreFacts writes the rest of a group's facts and closes the list.
func htmlMoreFacts(buf *bytes.Buffer, g *htmlGroup, c cleaner, fact func(name, value string)) {
	methods := make([]string, len(g.methods))
	for i, m := range g.methods {
		methods[i] = c.plain(m)
	}
	fact("Methods", strings.Join(methods, ", "))
	origins := make([]string, len(g.origins))
	for i, o := range g.origins {
		origins[i] = truncate(c.text(o), 80)
	}
	fact("Page origin", strings.Join(origins, ", "))
	browser := ""
	if g.chromium != "" {
		browser = "Chromium " + g.chromium
	}
	if g.firefox != "" {
		if browser != "" {
			browser += " · "
		}
		browser += "Firefox " + g.firefox
	}
	fact("Browser error", browser)
	entries := make([]string, len(g.entries))
	for i, n := range g.entries {
		entries[i] = "#" + strconv.Itoa(n)
	}
	affected := strings.Join(entries, " ")
	if more := g.requests - len(g.entries); more > 0 {
		affected += fmt.Sprintf(" and %d more", more)
	}
	fact("Entries", affected)
	buf.WriteString("</dl>\n")

}

// htmlAffected lists the group's first requests.
func htmlAffected(buf *bytes.Buffer, g *htmlGroup, c cleaner) {
	if len(g.affected) == 0 {
		return
	}
	e := html.EscapeString
	buf.WriteString("<table class=\"affected\"><caption class=\"muted\">Affected requests</caption>\n<thead><tr><th scope=\"col\">Entry</th><th scope=\"col\">Line</th><th scope=\"col\">Request</th><th scope=\"col\">Status</th></tr></thead><tbody>\n")
	for _, a := range g.affected {
		fmt.Fprintf(buf, "<tr><td>#%d</td><td>%d</td><td>%s %s</td><td>%s</td></tr>\n", a.Entry, a.Line, e(c.plain(a.Method)), e(shortenURL(c.url(a.URL), 110)), affectedStatus(a))
	}
	if more := g.requests - len(g.affected); more > 0 {
		fmt.Fprintf(buf, "<tr><td colspan=\"4\">and %d more</td></tr>\n", more)
	}
	buf.WriteString("</tbody></table>\n")
}

// htmlAskedAllowed writes what the page asked for beside what the server
// allowed, check by check, with the offending value marked.
func htmlAskedAllowed(buf *bytes.Buffer, f *analyze.Finding, c cleaner) {
	ask, allow := f.PreflightEntry, f.PreflightEntry
	if ask == nil {
		ask, allow = f.Request, f.Request
	}
	if ask == nil {
		return
	}
	if f.Request != nil {
		// The credentials and the origin are the request's own.
		ask = f.Request
	}
	reqH := ask.Request.Headers
	preH := har.Headers(nil)
	if f.PreflightEntry != nil {
		preH = f.PreflightEntry.Request.Headers
	}
	get := func(hs har.Headers, name string) string {
		v, _ := hs.Get(name)
		return truncate(c.header(name, v), htmlExchangeValue)
	}
	method := c.plain(f.Method)
	if v := get(preH, "Access-Control-Request-Method"); v != "" {
		method = v
	}
	cred := ""
	switch {
	case reqH.Has("Cookie"):
		cred = "with cookies"
	case reqH.Has("Authorization"):
		cred = "with Authorization"
	case f.Credentials == analyze.CredInclude:
		cred = "mode include"
	case f.Credentials == analyze.CredOmit:
		cred = "mode omit"
	default:
		cred = "unknown: the capture does not say"
	}
	origin := get(reqH, "Origin")
	if origin == "" {
		origin = get(preH, "Origin")
	}
	if origin == "" {
		origin = truncate(c.text(f.Origin), htmlExchangeValue)
	}
	rows := [][3]string{
		{"Origin", origin, get(allow.Response.Headers, "Access-Control-Allow-Origin")},
		{"Method", method, get(allow.Response.Headers, "Access-Control-Allow-Methods")},
		{"Headers", get(preH, "Access-Control-Request-Headers"), get(allow.Response.Headers, "Access-Control-Allow-Headers")},
		{"Credentials", cred, get(allow.Response.Headers, "Access-Control-Allow-Credentials")},
	}
	val := c.text(f.Value)
	buf.WriteString("<table class=\"asked\"><caption class=\"muted\">Requested and allowed</caption>\n<thead><tr><th scope=\"col\">Check</th><th scope=\"col\">The page asked</th><th scope=\"col\">The server allowed</th></tr></thead><tbody>\n")
	for _, r := range rows {
		allowed := markValue(r[2], val)
		if r[2] == "" {
			allowed = "<span class=\"muted\">(not sent)</span>"
		}
		asked := markValue(r[1], val)
		if r[1] == "" {
			asked = "<span class=\"muted\">(none)</span>"
		}
		fmt.Fprintf(buf, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td></tr>\n", r[0], asked, allowed)
	}
	buf.WriteString("</tbody></table>\n")
}

// htmlSides writes the preflight's and the request's relevant headers side
// by side.
func htmlSides(buf *bytes.Buffer, f *analyze.Finding, c cleaner) {
	if f.PreflightEntry == nil && f.Request == nil {
		return
	}
	val := c.text(f.Value)
	buf.WriteString("<div class=\"sides\">\n")
	if p := f.PreflightEntry; p != nil {
		htmlExchange(buf, "Preflight", p, nil, val, c)
	} else if !f.PreflightCaptured {
		buf.WriteString("<div><h4>Preflight</h4><p>Needed but not in the capture (preflight cache, or an exporter that drops preflights).</p></div>\n")
	}
	if q := f.Request; q != nil {
		htmlExchange(buf, "Request", q, f.PreflightEntry, val, c)
	} else if f.PreflightEntry != nil {
		fmt.Fprintf(buf, "<div><h4>Request</h4><p>%s never sent: the browser stopped at the preflight.</p></div>\n", html.EscapeString(c.plain(f.Method)))
	}
	buf.WriteString("</div>\n")
}

func htmlExchange(buf *bytes.Buffer, label string, x *har.Entry, pre *har.Entry, val string, c cleaner) {
	e := html.EscapeString
	fmt.Fprintf(buf, "<div><h4>%s <span class=\"muted\">(entry #%d)</span></h4>\n<p class=\"mono\">%s %s → %s</p>\n",
		label, x.Index, e(c.plain(x.Request.Method)), e(shortenURL(c.url(x.Request.URL), 100)), e(c.status(x)))
	requested := requestedHeaders(pre)
	var rows []string
	row := func(dir, dirName string, h har.Header) bool {
		if len(rows) == htmlExchangeRows {
			return false
		}
		name := truncate(c.plain(h.Name), nameMax)
		v := truncate(c.header(h.Name, h.Value), htmlExchangeValue)
		rows = append(rows, fmt.Sprintf("<tr><td class=\"dir\" title=\"%s\"><span aria-label=\"%s\">%s</span></td><td>%s</td><td>%s</td></tr>",
			dirName, dirName, dir, markValue(name, val), markValue(v, val)))
		return true
	}
	more := false
	for _, h := range x.Request.Headers {
		if !har.IsPseudo(h.Name) && relevantRequest(h.Name, requested) && !row("→", "sent", h) {
			more = true
			break
		}
	}
	for _, h := range x.Response.Headers {
		if !more && !har.IsPseudo(h.Name) && relevantResponse(h.Name) && !row("←", "received", h) {
			more = true
			break
		}
	}
	if len(rows) == 0 {
		buf.WriteString("<p>No CORS-relevant headers recorded.</p></div>\n")
		return
	}
	buf.WriteString("<table><thead><tr><th scope=\"col\"><span class=\"muted\" aria-label=\"Direction\">⇄</span></th><th scope=\"col\">Header</th><th scope=\"col\">Value</th></tr></thead><tbody>\n")
	buf.WriteString(strings.Join(rows, "\n"))
	if more {
		buf.WriteString("\n<tr><td></td><td>…</td><td>more headers not shown</td></tr>")
	}
	buf.WriteString("\n</tbody></table></div>\n")
}

// markValue HTML-escapes s and wraps the first occurrence of val in <mark>
// (case-insensitively: header names and methods differ in case between
// request and response).
func markValue(s, val string) string {
	if val == "" || s == "" {
		return html.EscapeString(s)
	}
	ls, lv := strings.ToLower(s), strings.ToLower(val)
	i := strings.Index(ls, lv)
	if i < 0 || len(ls) != len(s) || len(lv) != len(val) {
		return html.EscapeString(s)
	}
	return html.EscapeString(s[:i]) + "<mark>" + html.EscapeString(s[i:i+len(val)]) + "</mark>" + html.EscapeString(s[i+len(val):])
}

// htmlExchangeRows bounds the header rows shown for one exchange, and
// htmlExchangeValue the characters of a value: real exchanges have a dozen
// relevant headers at most, with values of a line or two, and a crafted
// entry with thousands must not make one group's section megabytes long.
const (
	htmlExchangeRows  = 50
	htmlExchangeValue = 300
)
