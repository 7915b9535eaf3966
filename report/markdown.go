package report

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// The Markdown report is pasted into GitHub and GitLab issues, so a value
// from the HAR meets three parsers there: Markdown (tables split on '|',
// backticks open code, '*' and '_' emphasis, '[' links), HTML (the
// <details> blocks; an unescaped "</details>" would close one early and
// spill the rest of the report) and Mermaid (';' and '#' end a message,
// "-->" is an arrow). Each has its own escaper below, and every HAR value
// goes through the one for where it lands, after redaction and
// sanitization.

// mdEscape escapes s for Markdown running text and GFM table cells: HTML's
// '<', '>' and '&' as entities (so no tag can open or close, "</details>"
// included), and Markdown's punctuation with a backslash.
func mdEscape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '[', ']', '|', '~', '$':
			// '$' opens math on GitHub; '~' strikethrough.
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// htmlEscape escapes s for raw HTML (the <summary> line, which Markdown
// does not process because it sits in an HTML block).
func htmlEscape(s string) string { return html.EscapeString(s) }

// mermaidEscape escapes s for a Mermaid sequence-diagram message or note.
// Mermaid ends a message at '#' (comment), ';' (statement separator) and a
// newline, and renders '<...>' as HTML; it decodes "#NN;" entity codes, so
// those characters become codes. Quotes and backticks are coded too
// (Mermaid's markdown strings), and so are '-' and '>' pairs that spell an
// arrow.
func mermaidEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '#', ';', '<', '>', '&', '"', '`', '%', '{', '}':
			fmt.Fprintf(&b, "#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var severityIcon = map[analyze.Severity]string{
	analyze.Error:   "❌",
	analyze.Warning: "⚠️",
	analyze.Info:    "ℹ️",
}

func icon(s analyze.Severity) string {
	if i, ok := severityIcon[s]; ok {
		return i
	}
	return "•"
}

func renderMarkdown(buf *bytes.Buffer, results []*analyze.Result, opt Options) error {
	c := newCleaner(opt, true)
	c.exchanges = map[exchangeKey]string{}
	vs := views(results, opt.MinSeverity)
	title := "## CORS report"
	if opt.Version != "" {
		title += " (harcors " + mdEscape(sanitize(opt.Version)) + ")"
	}
	buf.WriteString(title + "\n\n")
	if len(vs) > 1 {
		buf.WriteString(mdEscape(summarize(vs, c).headline()) + ".\n\n")
	}
	for _, v := range vs {
		mdFile(buf, v, c, opt, len(vs) > 1)
	}
	if len(vs) > 1 {
		mdSummary(buf, summarize(vs, c))
	}
	return nil
}

func mdFile(buf *bytes.Buffer, v fileView, c cleaner, opt Options, several bool) {
	r := v.res
	if several {
		fmt.Fprintf(buf, "### %s\n\n", mdEscape(c.plain(r.File)))
	}
	var parts []string
	if !several {
		parts = append(parts, mdEscape(c.plain(r.File)))
	}
	if r.Creator != "" {
		parts = append(parts, "recorded by "+mdEscape(c.plain(r.Creator)))
	}
	parts = append(parts,
		plural(r.Entries, "entry", "entries"),
		plural(r.CrossOrigin, "cross-origin request", "cross-origin requests"),
		fmt.Sprintf("%d/%d preflights paired", r.Paired, r.Preflights),
		"**"+countSeverities(v.shown).String()+"**")
	line := strings.Join(parts, " · ")
	if v.hidden > 0 {
		line += fmt.Sprintf(" (%s not shown)", plural(v.hidden, "finding", "findings"))
	}
	buf.WriteString(line + "\n\n")
	if r.Err != nil {
		fmt.Fprintf(buf, "> **Error:** %s\n\n", mdEscape(c.errText(r.Err)))
	}
	for _, w := range r.ReadWarnings {
		fmt.Fprintf(buf, "> Note: %s\n\n", mdEscape(c.errText(w)))
	}
	if len(v.shown) == 0 {
		buf.WriteString(mdEscape(nothingLine(v)) + ".\n\n")
	} else {
		buf.WriteString("| # | Severity | Request | Origin | Check | Cause |\n")
		buf.WriteString("| --- | --- | --- | --- | --- | --- |\n")
		for _, f := range v.shown {
			check := f.Rule.ID
			if f.Chromium != "" {
				check += " " + string(f.Chromium)
			}
			check += ": " + checkText(f, c.text(f.Value))
			fmt.Fprintf(buf, "| %d | %s %s | %s %s | %s | %s | %s |\n",
				f.Entry, icon(f.Severity), f.Severity,
				mdEscape(c.plain(f.Method)), mdEscape(c.url(f.URL)),
				mdEscape(c.text(f.Origin)), mdEscape(check), mdEscape(c.text(f.Cause)))
		}
		buf.WriteString("\n")
		for _, f := range v.shown {
			mdDetails(buf, f, c)
		}
	}
	if opt.All && len(r.Requests) > 0 {
		fmt.Fprintf(buf, "<details>\n<summary>Every cross-origin request (%d)</summary>\n\n", len(r.Requests))
		buf.WriteString("| # | Request | Origin | Status | Verdict | Rule | Preflight |\n")
		buf.WriteString("| --- | --- | --- | --- | --- | --- | --- |\n")
		for i := range r.Requests {
			q := &r.Requests[i]
			rule := q.Rule
			if rule == "" {
				rule = "-"
			}
			fmt.Fprintf(buf, "| %d | %s %s | %s | %s | %s | %s | %s |\n",
				q.Entry, mdEscape(c.plain(q.Method)), mdEscape(c.url(q.URL)), mdEscape(c.text(q.Origin)),
				statusText(q.Status), q.Verdict, rule, strings.ReplaceAll(preflightTime(q), "\n", ", "))
		}
		buf.WriteString("\n</details>\n\n")
	}
}

// mdDetails writes the collapsible section of one finding.
func mdDetails(buf *bytes.Buffer, f *analyze.Finding, c cleaner) {
	summary := fmt.Sprintf("%s #%d %s: %s — %s %s", icon(f.Severity), f.Entry, f.Rule.ID, f.Rule.Title,
		c.plain(f.Method), shortenURL(c.url(f.URL), 80))
	fmt.Fprintf(buf, "<details>\n<summary>%s</summary>\n\n", htmlEscape(summary))

	if f.Message != "" || f.FirefoxMessage != "" {
		if f.Message != "" {
			fmt.Fprintf(buf, "**Chromium console** (`%s`):\n\n> %s\n\n", f.Chromium, mdEscape(c.text(f.Message)))
		}
		if f.FirefoxMessage != "" {
			fmt.Fprintf(buf, "**Firefox console** (`%s`):\n\n> %s\n\n", f.Firefox, mdEscape(c.text(f.FirefoxMessage)))
		}
	} else {
		buf.WriteString("The browser logs no CORS error for this; it does not block the request.\n\n")
	}

	if p := f.PreflightEntry; p != nil {
		mdExchange(buf, "Preflight", p, nil, c)
	} else if !f.PreflightCaptured {
		buf.WriteString("**Preflight:** needed but not in the capture (preflight cache, or an exporter that drops preflights).\n\n")
	}
	if q := f.Request; q != nil {
		mdExchange(buf, "Request", q, f.PreflightEntry, c)
	} else if f.PreflightEntry != nil {
		fmt.Fprintf(buf, "**Request:** %s never sent: the browser stopped at the preflight.\n\n", mdEscape(c.plain(f.Method)))
	}

	fmt.Fprintf(buf, "**Cause:** %s\n\n", mdEscape(c.text(f.Cause)))
	fix := "**Fix"
	if n := stackName(f.Stack); n != "" {
		fix += " for " + mdEscape(n)
	}
	fmt.Fprintf(buf, "%s:** %s\n\n", fix, mdEscape(c.text(f.Fix)))
	cred := "**Credentials:** " + mdEscape(string(f.Credentials))
	if f.CredentialsBasis != "" {
		cred += " — " + mdEscape(c.text(f.CredentialsBasis))
	}
	buf.WriteString(cred + "\n\n")

	mermaid(buf, f, c)
	buf.WriteString("</details>\n\n")
}

// relevantRequest and relevantResponse say which headers a CORS report
// shows: those the browser's checks read, those that explain the cause
// (Location, Allow, Server for the stack) and the credentials (redacted).
func relevantRequest(name string, requested map[string]bool) bool {
	n := strings.ToLower(name)
	switch n {
	case "origin", "content-type", "cookie", "authorization", "proxy-authorization", "sec-fetch-mode", "sec-fetch-site":
		return true
	}
	return strings.HasPrefix(n, "access-control-request-") || requested[n]
}

func relevantResponse(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "vary", "content-type", "location", "set-cookie", "allow", "server", "x-powered-by", "cross-origin-resource-policy":
		return true
	}
	return strings.HasPrefix(n, "access-control-")
}

// requestedHeaders is the set of header names a preflight asked for.
func requestedHeaders(pre *har.Entry) map[string]bool {
	m := map[string]bool{}
	if pre == nil {
		return m
	}
	for _, v := range pre.Request.Headers.Values("Access-Control-Request-Headers") {
		for _, h := range strings.Split(v, ",") {
			if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
				m[h] = true
			}
		}
	}
	return m
}

func statusLine(e *har.Entry) string {
	if e.Response.Status <= 0 {
		s := "no response"
		if e.Error != "" {
			s += " (" + e.Error + ")"
		}
		return s
	}
	s := fmt.Sprintf("%d", e.Response.Status)
	if e.Response.StatusText != "" {
		s += " " + e.Response.StatusText
	}
	return s
}

// exchangeKey identifies a rendered exchange table (label, e, pre) or a
// diagram line (label, and the header list by its first element and length).
type exchangeKey struct {
	label  string
	e, pre *har.Entry
	first  *har.Header
	n      int
}

// mdExchange writes one entry's request line, status and relevant headers.
// Every finding on an entry shows them, so a crafted entry with thousands
// of Set-Cookie headers (one finding each) would make the report quadratic
// in them: each table is rendered once, with at most maxExchangeRows rows
// of values cut to maxExchangeValue columns, and then reused.
func mdExchange(buf *bytes.Buffer, label string, e *har.Entry, pre *har.Entry, c cleaner) {
	key := exchangeKey{label: label, e: e, pre: pre}
	if s, ok := c.exchanges[key]; ok {
		buf.WriteString(s)
		return
	}
	var b bytes.Buffer
	writeExchange(&b, label, e, pre, c)
	if c.exchanges != nil {
		c.exchanges[key] = b.String()
	}
	buf.Write(b.Bytes())
}

func writeExchange(buf *bytes.Buffer, label string, e *har.Entry, pre *har.Entry, c cleaner) {
	fmt.Fprintf(buf, "**%s** (entry %d, line %d): %s %s → **%s**\n\n", label, e.Index, e.Line,
		mdEscape(c.plain(e.Request.Method)), mdEscape(c.url(e.Request.URL)), mdEscape(c.text(statusLine(e))))
	requested := requestedHeaders(pre)
	var rows []string
	more := false
	cell := func(h har.Header) string {
		return mdEscape(truncate(c.header(h.Name, h.Value), maxExchangeValue))
	}
	for _, h := range e.Request.Headers {
		if !har.IsPseudo(h.Name) && relevantRequest(h.Name, requested) {
			if more = len(rows) == maxExchangeRows; more {
				break
			}
			rows = append(rows, fmt.Sprintf("| → | %s | %s |", mdEscape(c.plain(h.Name)), cell(h)))
		}
	}
	for _, h := range e.Response.Headers {
		if !more && !har.IsPseudo(h.Name) && relevantResponse(h.Name) {
			if more = len(rows) == maxExchangeRows; more {
				break
			}
			rows = append(rows, fmt.Sprintf("| ← | %s | %s |", mdEscape(c.plain(h.Name)), cell(h)))
		}
	}
	if more {
		rows = append(rows, "| | … | more headers not shown |")
	}
	if len(rows) == 0 {
		if e.Response.Status <= 0 {
			// Chrome DevTools keeps only the provisional headers of a
			// request it blocked, without Origin.
			buf.WriteString("No CORS-relevant headers recorded (browsers keep only provisional headers for a request they blocked).\n\n")
		} else {
			buf.WriteString("No CORS-relevant headers recorded.\n\n")
		}
		return
	}
	buf.WriteString("| | Header | Value |\n| --- | --- | --- |\n")
	buf.WriteString(strings.Join(rows, "\n"))
	buf.WriteString("\n\n")
}

// maxExchangeRows bounds the header rows shown for one entry of a finding,
// and maxExchangeValue the columns of a value: real exchanges have a dozen
// relevant headers at most, with values of a line or two.
const (
	maxExchangeRows  = 50
	maxExchangeValue = 300
)

// preflightStage reports whether a finding's failing step is the
// preflight's response.
func preflightStage(f *analyze.Finding) bool {
	switch {
	case f.Chromium.IsPreflight():
		return true
	case f.Chromium == "" && f.Severity >= analyze.Error && f.PreflightEntry != nil && f.Request == nil:
		return true
	}
	return false
}

// pathOf is the path and a cut query of a URL, for diagram messages (the
// host is the Server participant).
func pathOf(u string) string {
	p, ok := splitURL(u)
	if !ok {
		return truncate(u, 60)
	}
	s := p.path
	if s == "" {
		s = "/"
	}
	if p.query != "" || p.fragment != "" {
		s += "?" + ellipsis
	}
	return truncate(s, 60)
}

// diagramHeaders are the headers a diagram message shows.
var diagramRequestHeaders = []string{"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers", "Authorization", "Cookie"}
var diagramResponseHeaders = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Location"}

func diagramMessage(first string, hs har.Headers, names []string, c cleaner) string {
	// Like the exchange tables, a diagram line is the same for every
	// finding on an entry: make it once (see mdExchange).
	var key exchangeKey
	if len(hs) > 0 && c.exchanges != nil {
		key = exchangeKey{label: "diagram\x00" + first + "\x00" + strings.Join(names, "\x00"), first: &hs[0], n: len(hs)}
		if s, ok := c.exchanges[key]; ok {
			return s
		}
	}
	s := makeDiagramMessage(first, hs, names, c)
	if key.first != nil {
		c.exchanges[key] = s
	}
	return s
}

func makeDiagramMessage(first string, hs har.Headers, names []string, c cleaner) string {
	parts := []string{mermaidEscape(first)}
	for _, n := range names {
		if v, ok := hs.Get(n); ok {
			parts = append(parts, mermaidEscape(n+": "+truncate(c.header(n, v), 60)))
		}
	}
	return strings.Join(parts, "<br/>")
}

func responseMessage(e *har.Entry, c cleaner) string {
	first := c.text(statusLine(e))
	if e.Response.Status > 0 && !e.Response.Headers.Has("Access-Control-Allow-Origin") {
		first += " (no Access-Control-Allow-Origin)"
	}
	return diagramMessage(first, e.Response.Headers, diagramResponseHeaders, c)
}

// mermaid writes the sequence diagram of a finding: the preflight and its
// response, the follow-up and its response, and a note on the step that
// failed.
func mermaid(buf *bytes.Buffer, f *analyze.Finding, c cleaner) {
	var b strings.Builder
	b.WriteString("```mermaid\nsequenceDiagram\n    participant Browser\n    participant Server\n")
	fmt.Fprintf(&b, "    Note over Browser,Server: %s\n", mermaidEscape("from "+c.text(f.Origin)+" to "+hostOf(c.url(f.URL))))
	mark := icon(f.Severity) + " "
	if f.Severity >= analyze.Error {
		mark += "blocked: "
	} else {
		mark += f.Severity.String() + ": "
	}
	mark += checkText(f, c.text(f.Value))
	note := "    Note over Browser,Server: " + mermaidEscape(mark) + "\n"
	atPreflight := preflightStage(f)
	if p := f.PreflightEntry; p != nil {
		fmt.Fprintf(&b, "    Browser->>Server: %s\n", diagramMessage(c.plain(p.Request.Method)+" "+pathOf(c.url(p.Request.URL)), p.Request.Headers, diagramRequestHeaders[:3], c))
		if p.Response.Status > 0 {
			fmt.Fprintf(&b, "    Server-->>Browser: %s\n", responseMessage(p, c))
		} else {
			fmt.Fprintf(&b, "    Server--xBrowser: %s\n", mermaidEscape(c.text(statusLine(p))))
		}
		if atPreflight {
			b.WriteString(note)
		}
	} else if !f.PreflightCaptured {
		b.WriteString("    Note over Browser,Server: preflight not in the capture\n")
	}
	method := c.plain(f.Method)
	switch q := f.Request; {
	case atPreflight && (q == nil || q.Response.Status <= 0):
		fmt.Fprintf(&b, "    Browser-xServer: %s\n", mermaidEscape(method+" "+pathOf(c.url(f.URL))+" (never sent)"))
	case q == nil:
		b.WriteString(note)
	default:
		fmt.Fprintf(&b, "    Browser->>Server: %s\n", diagramMessage(method+" "+pathOf(c.url(q.Request.URL)), q.Request.Headers, []string{"Origin", "Authorization", "Cookie"}, c))
		if q.Response.Status > 0 {
			fmt.Fprintf(&b, "    Server-->>Browser: %s\n", responseMessage(q, c))
		} else {
			fmt.Fprintf(&b, "    Server--xBrowser: %s\n", mermaidEscape(c.text(statusLine(q))))
		}
		if !atPreflight {
			b.WriteString(note)
		}
	}
	b.WriteString("```\n\n")
	buf.WriteString(b.String())
}

func hostOf(u string) string {
	if p, ok := splitURL(u); ok {
		return p.scheme + "://" + p.host
	}
	return u
}

func mdSummary(buf *bytes.Buffer, s summary) {
	buf.WriteString("### Across files\n\n")
	table := func(title, count, head string, gs []*group, row func(g *group) string) {
		if len(gs) == 0 {
			return
		}
		fmt.Fprintf(buf, "**%s**\n\n| %s | Files | %s |\n| ---: | ---: | --- |\n", title, count, head)
		for i, g := range gs {
			if i == summaryLimit {
				fmt.Fprintf(buf, "| | | … and %d more |\n", len(gs)-summaryLimit)
				break
			}
			fmt.Fprintf(buf, "| %d | %d | %s |\n", g.requests, len(g.files), row(g))
		}
		buf.WriteString("\n")
	}
	table("By problem", "Requests", "Problem", s.byCause, func(g *group) string { return mdEscape(g.label) })
	table("By server", "Problems", "Server (rules)", s.byServer, func(g *group) string {
		return mdEscape(g.label + " (" + g.ruleList() + ")")
	})
	table("By origin", "Problems", "Origin (rules)", s.byOrigin, func(g *group) string {
		return mdEscape(g.label + " (" + g.ruleList() + ")")
	})
}
