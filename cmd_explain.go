package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/internal/placeholder"
	"github.com/harcors/harcors/internal/redact"
	"github.com/harcors/harcors/internal/replay"
	"github.com/harcors/harcors/internal/textsafe"
	"github.com/harcors/harcors/report"
)

const explainUsage = `harcors explain tells what a browser's CORS console message means, its likely
causes and fixes, and what to capture next.

Usage:
  harcors explain [flags] MESSAGE...
  harcors explain [flags] -        (or no MESSAGE: read standard input)

Each MESSAGE is a console line; a whole pasted console log is fine, lines
that are not CORS messages are skipped. Chromium's "Access to fetch at ...
has been blocked by CORS policy: ..." (Local Network Access lines included)
and Firefox's "Cross-Origin Request Blocked: ... (Reason: ...)" are read.
A message repeated in the log is explained once, with its count.
A rule ID or a browser error's name instead of a message (CORS-P02,
PreflightMissingAllowOriginHeader, CORSMissingAllowOrigin) prints the
documentation of its rules, as harcors --explain does.

Examples:
  harcors explain "Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."
  pbpaste | harcors explain --format json

Flags:
`

// explainSchema names the JSON output's shape; it changes only with a new
// version.
const explainSchema = "harcors/explain/v1"

// explained is one message in the JSON output.
type explained struct {
	analyze.ConsoleMessage
	Meaning string          `json:"meaning"`
	Rules   []explainedRule `json:"rules"`
	// Examples names the example values that the rules' titles, fixes
	// and documentation use where the message says nothing ("" when
	// none).
	Examples string `json:"examples,omitempty"`
	Capture  string `json:"capture"`
	Replay   string `json:"replay,omitempty"`
	// Count is how many times the message was in the input: a pasted
	// console log repeats an error at every retry or poll, and each
	// repetition is explained once.
	Count int `json:"-"`
}

type explainedRule struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Doc   string `json:"doc"`
	Fix   string `json:"fix"`
}

// explainJSON is the JSON output: the rules as IDs in "rules" (the issue's
// shape), with the details under "candidates".
type explainJSON struct {
	Schema   string        `json:"schema"`
	Messages []jsonMessage `json:"messages"`
	// Rules is the documentation of the rules that rule IDs or browser
	// error names given instead of messages point at.
	Rules []explainedRule `json:"rules,omitempty"`
}

// explainNamed prints the documentation of the rules that names (rule IDs
// or browser error names) point at, in format.
func explainNamed(stdout, stderr io.Writer, names []string, format string) int {
	if format == "table" {
		for i, m := range names {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			explainRules(stdout, strings.TrimSpace(m))
		}
		return exitOK
	}
	doc := explainJSON{Schema: explainSchema, Messages: []jsonMessage{}}
	for _, m := range names {
		for _, r := range analyze.RulesNamed(strings.TrimSpace(m)) {
			doc.Rules = append(doc.Rules, explainedRule{ID: r.ID, Title: r.Title, Doc: r.Doc, Fix: r.FixText(analyze.Generic)})
		}
	}
	var buf bytes.Buffer
	if format == "json" {
		if err := textsafe.WriteJSON(&buf, doc); err != nil {
			complain(stderr, "harcors explain: %v", err)
			return exitTrouble
		}
	} else {
		for i, r := range doc.Rules {
			if i > 0 {
				buf.WriteString("\n")
			}
			fmt.Fprintf(&buf, "### `%s` %s\n\n%s\n\n**Fix:** %s\n", r.ID, mdText(r.Title), mdText(r.Doc), mdText(r.Fix))
		}
	}
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		complain(stderr, "harcors explain: %v", err)
		return exitTrouble
	}
	return exitOK
}

type jsonMessage struct {
	analyze.ConsoleMessage
	Rules      []string        `json:"rules"`
	Meaning    string          `json:"meaning"`
	Candidates []explainedRule `json:"candidates"`
	Examples   string          `json:"examples,omitempty"`
	Capture    string          `json:"capture"`
	Replay     string          `json:"replay,omitempty"`
	Count      int             `json:"count"`
}

func runExplain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("harcors explain", flag.ContinueOnError)
	format := fset.String("format", "table", "output `format`: table, markdown or json")
	show := fset.Bool("show-secrets", false, "do not redact tokens in the URLs of the messages")
	msgs, code, done := parseSub(fset, args, explainUsage, "\nExit status: 0 at least one CORS message explained; 2 usage error, or no CORS message in the input.\n", stdout, stderr)
	if done {
		return code
	}
	switch *format {
	case "table", "markdown", "json":
	default:
		complain(stderr, "harcors explain: unknown format %q (table, markdown or json)", *format)
		return exitTrouble
	}
	var lines []string
	if len(msgs) == 0 || len(msgs) == 1 && msgs[0] == "-" {
		err := eachLine(stdin, func(l string) { lines = append(lines, l) }, func(n int) {
			complain(stderr, "harcors explain: standard input:%d: a line of over 1 MiB, too long for a CORS message; skipped", n)
		})
		if err != nil {
			complain(stderr, "harcors explain: standard input: %v", err)
			return exitTrouble
		}
	} else {
		for _, m := range msgs {
			lines = append(lines, strings.Split(m, "\n")...)
		}
	}
	red := redact.Redactor{Show: *show}
	var out []explained
	seen := map[string]int{} // a message's text to its place in out
	for _, l := range lines {
		m, ok := analyze.ParseConsole(l)
		if !ok {
			continue
		}
		if i, ok := seen[m.Text]; ok {
			out[i].Count++
			continue
		}
		seen[m.Text] = len(out)
		e := explain(m, &red)
		e.Count = 1
		out = append(out, e)
	}
	if len(out) == 0 && len(msgs) > 0 && msgs[0] != "-" && allNameRules(msgs) {
		// A rule ID or a browser error name, not a message: what
		// --explain prints for it is what was asked.
		return explainNamed(stdout, stderr, msgs, *format)
	}
	if len(out) == 0 {
		fmt.Fprintln(stderr, "harcors explain: no CORS console message in the input (Chromium: \"Access to ... has been blocked by CORS policy\"; Firefox: \"Cross-Origin Request Blocked\")")
		return exitTrouble
	}
	var buf bytes.Buffer
	switch *format {
	case "json":
		doc := explainJSON{Schema: explainSchema, Messages: []jsonMessage{}}
		for _, e := range out {
			jm := jsonMessage{ConsoleMessage: e.ConsoleMessage, Rules: []string{}, Meaning: e.Meaning, Candidates: e.Rules, Capture: e.Capture, Replay: e.Replay, Examples: e.Examples, Count: e.Count}
			if jm.Candidates == nil {
				jm.Candidates = []explainedRule{}
			}
			for _, r := range e.Rules {
				jm.Rules = append(jm.Rules, r.ID)
			}
			doc.Messages = append(doc.Messages, jm)
		}
		if err := textsafe.WriteJSON(&buf, doc); err != nil {
			complain(stderr, "harcors explain: %v", err)
			return exitTrouble
		}
	case "markdown":
		// Within what an issue comment takes, as the report's
		// Markdown: the messages past it are counted.
		for i, e := range out {
			var one bytes.Buffer
			if i > 0 {
				one.WriteString("\n")
			}
			writeExplainMarkdown(&one, e)
			if buf.Len()+one.Len() > report.MarkdownBudget {
				fmt.Fprintf(&buf, "\n%d more messages not shown here, to fit in an issue: `harcors explain --format json` lists every one.\n", len(out)-i)
				break
			}
			buf.Write(one.Bytes())
		}
	default:
		width := terminalWidth(stdout)
		for i, e := range out {
			if i > 0 {
				buf.WriteString("\n")
			}
			writeExplainText(&buf, e, width)
		}
	}
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		complain(stderr, "harcors explain: %v", err)
		return exitTrouble
	}
	return exitOK
}

// explain gathers what harcors knows about one message. The text is
// redacted: a pasted line can hold a token in its URL.
func explain(m analyze.ConsoleMessage, red *redact.Redactor) explained {
	rules := analyze.ConsoleRules(m)
	m.Text = red.Text(m.Text)
	m.URL = red.URL(m.URL)
	m.RedirectedFrom = red.URL(m.RedirectedFrom)
	m.Value = red.Text(m.Value)
	e := explained{ConsoleMessage: m}
	path := ""
	if u, err := url.Parse(m.URL); err == nil {
		path = u.Path
	}
	// What the message does not say is filled with an example, and the
	// examples that reach a fix are named (explained.Examples): a fix that
	// reads "allow ... (PUT; X-Custom-Header)" must not pass for what the
	// request did.
	slots := []struct{ ph, label, v string }{
		{"{origin}", "origin", m.Origin}, {"{method}", "method", m.Method},
		{"{header}", "header", m.Header}, {"{path}", "path", path},
		{"{status}", "status", m.Status}, {"{value}", "value", m.Value},
	}
	pairs := []string{"{location}", "the redirect's target"}
	guessed := map[string]bool{}
	var names []string
	for _, sl := range slots {
		v := sl.v
		if v == "" || v == "(null)" {
			v, guessed[sl.ph] = analyze.ExampleValue(sl.ph), true
		}
		pairs = append(pairs, sl.ph, v)
		if sl.ph == "{header}" {
			for _, n := range strings.Split(v, ",") {
				names = append(names, strings.TrimSpace(n))
			}
		}
	}
	used := map[string]bool{}
	fill := func(s string) string {
		for ph := range guessed {
			used[ph] = used[ph] || strings.Contains(s, ph)
		}
		if t := analyze.FillHeaders(s, names); t != s {
			used["{header}"] = used["{header}"] || guessed["{header}"]
			s = t
		}
		return placeholder.Fill(s, pairs...)
	}
	for _, r := range rules {
		e.Rules = append(e.Rules, explainedRule{ID: r.ID, Title: fill(r.Title), Doc: fill(r.Doc), Fix: fill(r.Fix)})
	}
	var ex []string
	for _, sl := range slots {
		if used[sl.ph] && guessed[sl.ph] {
			ex = append(ex, sl.label+" "+analyze.ExampleValue(sl.ph))
		}
	}
	if len(ex) > 0 {
		e.Examples = "Examples stand in for what the message does not say (" + strings.Join(ex, ", ") + ")."
	}
	e.Meaning = meaning(m)
	e.Capture = captureNext(m)
	if m.Preflight && m.URL != "" && m.Origin != "" {
		method := m.Method
		if method == "" {
			method = "GET"
		}
		e.Replay = replay.Preflight(m.URL, m.Origin, method, []string{m.Header})
	}
	return e
}

// meaning says in general words what failed, quoting the browser's reason.
func meaning(m analyze.ConsoleMessage) string {
	reason := m.Text
	if _, r, ok := strings.Cut(reason, "blocked by CORS policy: "); ok {
		reason = strings.TrimPrefix(r, "Response to preflight request doesn't pass access control check: ")
	} else if _, r, ok := strings.Cut(reason, "(Reason: "); ok {
		reason = r
		if i := strings.LastIndex(reason, ")"); i >= 0 {
			reason = reason[:i]
		}
	}
	reason = strings.TrimSuffix(strings.TrimSpace(reason), ".")
	switch {
	case strings.Contains(m.Chromium, "LocalNetwork"):
		return "The browser refused a request from a page to a more private network (a local or loopback address) without asking the server: " + reason + ". No CORS header fixes this; the permission and the page's security do."
	case m.Firefox == "CORSDidNotSucceed2":
		return "The request got no HTTP response at all (" + reason + "): a network or TLS error, a refused connection, or a preflight that failed before it."
	case m.Preflight:
		return "The browser sent an OPTIONS preflight before the request, and the preflight's response failed the CORS check: " + reason + ". The request itself was never sent."
	}
	return "The request was sent and answered, but the response failed the CORS check: " + reason + ". The page cannot read the response, although the server may have acted on the request."
}

// captureNext says what evidence tells the candidate causes apart.
func captureNext(m analyze.ConsoleMessage) string {
	har := "Export a HAR (DevTools, Network panel, tick Disable cache, reproduce, right-click, Save all as HAR) and run harcors on it"
	switch {
	case m.Chromium == "LocalNetworkAccessPermissionDenied" || m.Chromium == "InsecureLocalNetwork" || m.Chromium == "InvalidLocalNetworkAccess":
		return har + ": it shows the page's and the target's addresses. Check the page is served over https and whether the site's Local network access permission was denied (the padlock icon's site settings)."
	case strings.Contains(m.Chromium, "Credentials") || strings.Contains(m.Chromium, "Wildcard") ||
		m.Firefox == "CORSNotSupportingCredentials" || m.Firefox == "CORSMissingAllowCredentials":
		return har + " with cookies included (Chrome: Export HAR with sensitive data; harcors redacts them): whether the request carried credentials decides the fix. Note the page's fetch credentials or XMLHttpRequest withCredentials setting."
	case m.Preflight || strings.Contains(m.Firefox, "Preflight") || strings.Contains(m.Firefox, "FromPreflight") || m.Firefox == "CORSMethodNotFound":
		return har + ": the OPTIONS preflight's status and headers tell these causes apart. Without a browser, replay the preflight with the curl line below and read its status and Access-Control-* headers."
	case m.Firefox == "CORSDidNotSucceed2":
		return har + ": the request never got a response (network error, TLS, a refused connection, or a preflight that failed first); the console line just before this one usually names the real failure."
	}
	return har + ": the response's status and headers (and the server named in them) tell these causes apart and pick the fix for the server stack."
}

func writeExplainText(b *bytes.Buffer, e explained, width int) {
	m := e.ConsoleMessage
	name := m.Chromium
	if m.Browser == "firefox" {
		name = m.Firefox
		if m.Chromium != "" {
			name += " (Chromium: " + m.Chromium + ")"
		}
	} else if m.Firefox != "" {
		name += " (Firefox: " + m.Firefox + ")"
	}
	if name == "" {
		name = "a CORS message harcors does not know the wording of"
	}
	fmt.Fprintf(b, "%s message: %s%s\n", browserName(m.Browser), name, timesSeen(e.Count))
	field := func(label, v string) {
		if v != "" {
			fmt.Fprintf(b, "  %-15s %s\n", label+":", textsafe.Escape(v))
		}
	}
	field("request", strings.TrimSpace(m.Kind+" "+m.URL))
	field("redirected from", m.RedirectedFrom)
	field("origin", m.Origin)
	field("method", m.Method)
	field("header", m.Header)
	if m.Method == "" && m.Header == "" {
		field("value", m.Value)
	}
	field("status", m.Status)
	b.WriteString("\n" + wrap("What it means: "+e.Meaning, width, "") + "\n")
	if len(e.Rules) == 0 {
		b.WriteString("\nNo rule of harcors produces this message.\n")
	} else {
		b.WriteString("\nLikely causes, most likely first:\n")
		for _, r := range e.Rules {
			b.WriteString(wrap("  "+r.ID+"  "+r.Title, width, "            ") + "\n")
			b.WriteString(wrap("      Fix: "+r.Fix, width, "           ") + "\n")
		}
		if e.Examples != "" {
			b.WriteString(wrap("  "+e.Examples, width, "  ") + "\n")
		}
	}
	b.WriteString("\n" + wrap("Capture next: "+e.Capture, width, "") + "\n")
	if e.Replay != "" {
		fmt.Fprintf(b, "\nReplay the preflight:\n  %s\n", textsafe.Escape(e.Replay))
	}
}

// timesSeen says how often a message repeated in the input ("" once).
func timesSeen(n int) string {
	if n < 2 {
		return ""
	}
	return fmt.Sprintf(" (%d times in the input)", n)
}

func writeExplainMarkdown(b *bytes.Buffer, e explained) {
	m := e.ConsoleMessage
	fmt.Fprintf(b, "### %s: `%s`%s\n\n", browserName(m.Browser), firstNonEmpty(map[bool]string{true: m.Firefox, false: m.Chromium}[m.Browser == "firefox"], "unknown wording"), timesSeen(e.Count))
	fmt.Fprintf(b, "> %s\n\n", mdText(m.Text))
	for _, kv := range [][2]string{{"Request", strings.TrimSpace(m.Kind + " " + m.URL)}, {"Origin", m.Origin}, {"Method", m.Method}, {"Header", m.Header}, {"Status", m.Status}} {
		if kv[1] != "" {
			fmt.Fprintf(b, "- **%s:** %s\n", kv[0], mdText(kv[1]))
		}
	}
	fmt.Fprintf(b, "\n**What it means:** %s\n", mdText(e.Meaning))
	if len(e.Rules) > 0 {
		fmt.Fprintf(b, "\n**Likely causes, most likely first:**\n\n")
		for _, r := range e.Rules {
			fmt.Fprintf(b, "1. `%s` %s. Fix: %s\n", r.ID, mdText(r.Title), mdText(r.Fix))
		}
		if e.Examples != "" {
			fmt.Fprintf(b, "\n%s\n", mdText(e.Examples))
		}
	}
	fmt.Fprintf(b, "\n**Capture next:** %s\n", mdText(e.Capture))
	if e.Replay != "" {
		fmt.Fprintf(b, "\n```sh\n%s\n```\n", strings.ReplaceAll(textsafe.Escape(e.Replay), "```", "` ` `"))
	}
}

// wrap breaks s into lines of at most width columns at spaces, starting
// each continuation line with indent. Words longer than a line stay whole.
func wrap(s string, width int, indent string) string {
	s = textsafe.Escape(s)
	var b strings.Builder
	line := 0
	for i, w := range strings.Split(s, " ") {
		n := len([]rune(w))
		switch {
		case i == 0:
		case line+1+n > width && line > len(indent):
			b.WriteString("\n" + indent)
			line = len(indent)
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += n
	}
	return b.String()
}

func browserName(b string) string {
	if b == "firefox" {
		return "Firefox"
	}
	return "Chromium"
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// mdText escapes text for Markdown: no raw HTML, no table or emphasis
// characters from the pasted line.
func mdText(s string) string {
	s = textsafe.Escape(s)
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`)
	return r.Replace(s)
}

// allNameRules reports whether each of names is a rule ID or a browser
// error name (analyze.RulesNamed).
func allNameRules(names []string) bool {
	for _, n := range names {
		if len(analyze.RulesNamed(n)) == 0 {
			return false
		}
	}
	return true
}
