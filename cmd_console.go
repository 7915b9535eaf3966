package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/internal/redact"
	"github.com/harcors/harcors/internal/textsafe"
)

// consoleLog is the browser console log given with --console: the CORS
// lines of it, matched to the findings of the captures as they are
// reported. It settles what a HAR alone cannot: which error the browser
// actually printed, whether the request had credentials, and which blocked
// requests the exporter left out.
type consoleLog struct {
	path string
	msgs []analyze.ConsoleMessage
	used []bool
	// confirmed, contradicted and settled count the findings annotated.
	confirmed, contradicted, settled int
}

// readConsole reads the CORS lines of a console log; other lines are
// skipped, as `harcors explain` skips them, and so are lines too long to be
// a CORS message (long names each on stderr).
func readConsole(path string, long func(n int)) (*consoleLog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c := &consoleLog{path: path}
	err = eachLine(f, func(line string) {
		if m, ok := analyze.ParseConsole(line); ok && m.URL != "" {
			c.msgs = append(c.msgs, m)
		}
	}, long)
	if err != nil {
		return nil, err
	}
	c.used = make([]bool, len(c.msgs))
	return c, nil
}

func stripFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}

// credentialErrors are the errors the browser reports only for a request
// whose credentials mode is "include".
var credentialErrors = map[string]bool{
	"WildcardOriginNotAllowed": true, "PreflightWildcardOriginNotAllowed": true,
	"InvalidAllowCredentials": true, "PreflightInvalidAllowCredentials": true,
	"CORSNotSupportingCredentials": true, "CORSMissingAllowCredentials": true,
}

// annotate marks each finding of r that the console confirms or
// contradicts, and settles its credentials mode when the console's error
// implies it.
func (c *consoleLog) annotate(r *analyze.Result) {
	if c == nil {
		return
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		u := stripFragment(f.URL)
		var same, other []int
		for j, m := range c.msgs {
			if stripFragment(m.URL) != u && stripFragment(m.RedirectedFrom) != u {
				continue
			}
			match := m.Browser == "chromium" && m.Chromium != "" && m.Chromium == string(f.Chromium) ||
				m.Browser == "firefox" && m.Firefox != "" && m.Firefox == f.Firefox
			if match {
				same = append(same, j)
			} else if m.Chromium != "" || m.Firefox != "" {
				other = append(other, j)
			}
		}
		for _, j := range append(append([]int{}, same...), other...) {
			c.used[j] = true
		}
		switch {
		case len(same) > 0:
			f.Console = "confirmed: the browser printed this error for the request"
			c.confirmed++
			m := c.msgs[same[0]]
			if f.Credentials == analyze.CredUnknown && (credentialErrors[m.Chromium] || credentialErrors[m.Firefox]) {
				f.Credentials = analyze.CredInclude
				f.CredentialsBasis = "the console log: the browser reports this error only for requests with credentials"
			}
		case len(other) > 0 && f.Chromium == "" && f.Firefox == "" && f.Severity >= analyze.Error:
			// The capture showed a blocked request but not why
			// (CORS-U01, a dropped preflight): the console names it.
			m := c.msgs[other[0]]
			f.Console = "settled: the browser printed " + firstNonEmpty(m.Chromium, m.Firefox) + " for this request (harcors explain gives its causes)"
			c.settled++
		case len(other) > 0 && f.Credentials == analyze.CredUnknown && f.IfCredentials != "" && string(f.IfCredentials) == c.msgs[other[0]].Chromium:
			// The finding said which check fails first with
			// credentials; the console shows the request had them.
			m := c.msgs[other[0]]
			f.Console = "confirmed with credentials: the browser printed " + m.Chromium + ", the check the cause names as failing first when the request has credentials"
			f.Credentials = analyze.CredInclude
			f.CredentialsBasis = "the console log: the browser reports this error only for requests with credentials"
			c.confirmed++
		case len(other) > 0 && f.Severity >= analyze.Error:
			m := c.msgs[other[0]]
			name := m.Chromium
			if m.Browser == "firefox" {
				name = m.Firefox
			}
			f.Console = "contradicted: the browser printed " + name + " for this request"
			c.contradicted++
		case len(other) > 0:
			f.Console = "the browser blocked this request: it printed " + firstNonEmpty(c.msgs[other[0]].Chromium, c.msgs[other[0]].Firefox)
		}
	}
	// The reports of groups show each group's sample: it is a copy of
	// one of the findings, which says what the console said of it.
	type at struct {
		entry int
		rule  string
	}
	said := make(map[at]*analyze.Finding)
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Console != "" {
			said[at{f.Entry, f.Rule.ID}] = f
		}
	}
	for _, g := range r.Groups {
		if s := g.Sample; s != nil {
			if f := said[at{s.Entry, s.Rule.ID}]; f != nil {
				s.Console, s.Credentials, s.CredentialsBasis = f.Console, f.Credentials, f.CredentialsBasis
			}
		}
	}
}

// summary tells, on standard error, what the console log settled, and the
// CORS errors it holds about requests without a finding: the exporter may
// have dropped the blocked request, or the capture began after it.
func (c *consoleLog) summary(w io.Writer) {
	if c == nil {
		return
	}
	var red redact.Redactor
	complain(w, "harcors: console log %s: %d CORS lines; %d findings confirmed, %d contradicted, %d whose error only the console names",
		c.path, len(c.msgs), c.confirmed, c.contradicted, c.settled)
	seen := map[string]bool{}
	var lines []string
	for j, m := range c.msgs {
		if c.used[j] {
			continue
		}
		name := firstNonEmpty(m.Chromium, m.Firefox, "an unknown CORS error")
		l := fmt.Sprintf("  %s: %s", textsafe.Escape(red.URL(m.URL)), name)
		if !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 {
		sort.Strings(lines)
		fmt.Fprintf(w, "harcors: %d CORS errors in the console log about requests with no finding in the capture (not recorded, or dropped by the exporter; harcors explain tells their likely causes):\n%s\n",
			len(lines), strings.Join(lines, "\n"))
	}
}
