package report

import (
	"fmt"
	"html"
	"strings"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// The HTML report draws each group's sequence diagram as inline SVG built
// here, instead of Mermaid text: the report makes no external request, so
// it cannot load Mermaid's JavaScript, and a few hundred bytes of SVG per
// diagram cost less than the library would. The diagram shows what the
// Markdown's Mermaid block shows (see mermaid): the page's origin and the
// server, the preflight and its response, the request and its response,
// and the step that failed, marked.

// diagramStep is one line of a sequence diagram.
type diagramStep struct {
	kind  stepKind
	lines []string // cleaned, not yet escaped; the first is the message
	// tone, when set, draws the step in the colour of the finding's
	// severity ("fail" for an error, "warn", "info"): the step where the
	// check failed. lost draws an arrow that never arrived (a request
	// never sent, a response never received).
	tone string
	lost bool
}

type stepKind int

const (
	toServer stepKind = iota
	toBrowser
	note
)

// diagramSteps lays out f's exchange as the Markdown diagram does.
func diagramSteps(f *analyze.Finding, c cleaner) []diagramStep {
	var steps []diagramStep
	mark, tone := "✕ blocked: ", "fail"
	if f.Severity < analyze.Error {
		// A warning is not a blocked request: it is drawn in its own
		// colour, not in the error's red.
		mark, tone = "⚠ "+f.Severity.String()+": ", "warn"
		if f.Severity < analyze.Warning {
			tone = "info"
		}
	}
	verdict := diagramStep{kind: note, lines: []string{mark + checkText(f, c.text(f.Value))}, tone: tone}
	atPreflight := preflightStage(f)
	if p := f.PreflightEntry; p != nil {
		steps = append(steps, diagramStep{kind: toServer,
			lines: headerLines(c.plain(p.Request.Method)+" "+pathOf(c.url(p.Request.URL)), p.Request.Headers, diagramRequestHeaders[:3], c)})
		steps = append(steps, responseStep(p, c, toneIf(atPreflight, tone)))
		if atPreflight {
			steps = append(steps, verdict)
		}
	} else if !f.PreflightCaptured {
		steps = append(steps, diagramStep{kind: note, lines: []string{"preflight not in the capture"}})
	}
	method := c.plain(f.Method)
	switch q := f.Request; {
	case atPreflight && (q == nil || q.Response.Status <= 0):
		steps = append(steps, diagramStep{kind: toServer, lost: true,
			lines: []string{method + " " + pathOf(c.url(f.URL)) + " (never sent)"}})
	case q == nil:
		steps = append(steps, verdict)
	default:
		steps = append(steps, diagramStep{kind: toServer,
			lines: headerLines(method+" "+pathOf(c.url(q.Request.URL)), q.Request.Headers, []string{"Origin", "Authorization", "Cookie"}, c)})
		steps = append(steps, responseStep(q, c, toneIf(!atPreflight, tone)))
		if !atPreflight {
			steps = append(steps, verdict)
		}
	}
	return steps
}

// headerLines is a message's first line and the named headers e carries,
// cut to a diagram's width.
func headerLines(first string, hs har.Headers, names []string, c cleaner) []string {
	lines := []string{truncate(first, svgLineChars)}
	for _, n := range names {
		if v, ok := hs.Get(n); ok {
			lines = append(lines, truncate(n+": "+c.header(n, v), svgLineChars))
		}
	}
	return lines
}

// toneIf is tone when the step is the one that failed, else "".
func toneIf(failing bool, tone string) string {
	if failing {
		return tone
	}
	return ""
}

// responseStep is e's response, in tone when it is where the check failed.
func responseStep(e *har.Entry, c cleaner, tone string) diagramStep {
	if e.Response.Status <= 0 {
		return diagramStep{kind: toBrowser, lost: true, tone: tone, lines: []string{truncate(c.status(e), svgLineChars)}}
	}
	first := c.status(e)
	if !e.Response.Headers.Has("Access-Control-Allow-Origin") {
		first += " (no Access-Control-Allow-Origin)"
	}
	s := diagramStep{kind: toBrowser, tone: tone, lines: headerLines(first, e.Response.Headers, diagramResponseHeaders, c)}
	return s
}

// Diagram geometry, in SVG user units (CSS pixels at 100%). Text is
// monospace so that a line's width follows from its length.
const (
	svgWidth     = 760
	svgLeft      = 90  // the browser's lifeline
	svgRight     = 670 // the server's lifeline
	svgLine      = 16  // one text line
	svgHead      = 46  // the participant boxes
	svgLineChars = 76  // characters of 12px monospace that fit between the lifelines
	svgNameChars = 23  // characters of 12px monospace that fit in a participant's box
)

// svgDiagram renders f's sequence diagram as an inline <svg> element. Every
// string from the HAR has been cleaned (redacted, sanitized) and is
// HTML-escaped here; the SVG's text equivalent is its <title> and the
// list in desc, for screen readers.
func svgDiagram(f *analyze.Finding, c cleaner, id string) string {
	steps := diagramSteps(f, c)
	// A participant's box is 170 units wide: 23 characters of its 12px
	// monospace. A longer name loses its start, not its domain; the title,
	// which a screen reader reads, keeps it whole.
	fromName, toName := c.text(f.Origin), hostOf(c.url(f.URL))
	if fromName == "" {
		fromName = "(no Origin)"
	}
	from, to := truncateLeft(fromName, svgNameChars), truncateLeft(toName, svgNameChars)
	var body strings.Builder
	y := svgHead + 14
	var desc []string
	for _, s := range steps {
		desc = append(desc, strings.Join(s.lines, ", "))
		switch s.kind {
		case note:
			h := len(s.lines)*svgLine + 10
			cls := "dg-note"
			if s.tone != "" {
				cls += " dg-" + s.tone
			}
			fmt.Fprintf(&body, `<rect class="%s" x="%d" y="%d" width="%d" height="%d" rx="4"/>`, cls, svgLeft-40, y, svgRight-svgLeft+80, h)
			for i, l := range s.lines {
				fmt.Fprintf(&body, `<text class="%s" x="%d" y="%d" text-anchor="middle">%s</text>`,
					textClass(s.tone), (svgLeft+svgRight)/2, y+svgLine+i*svgLine-2, html.EscapeString(l))
			}
			y += h + 12
		default:
			for i, l := range s.lines {
				cls := "dg-hdr"
				if i == 0 {
					cls = "dg-msg"
				}
				if s.tone != "" {
					cls += " dg-" + s.tone + "text"
				}
				fmt.Fprintf(&body, `<text class="%s" x="%d" y="%d">%s</text>`, cls, svgLeft+12, y+svgLine*(i+1)-4, html.EscapeString(l))
			}
			y += len(s.lines)*svgLine + 4
			x1, x2 := svgLeft, svgRight
			if s.kind == toBrowser {
				x1, x2 = svgRight, svgLeft
			}
			cls := "dg-arrow"
			if s.tone != "" {
				cls += " dg-" + s.tone
			}
			if s.lost {
				cls += " dg-lost"
				// The arrow stops half way, ended by a cross.
				mid := (x1 + x2) / 2
				fmt.Fprintf(&body, `<line class="%s" x1="%d" y1="%d" x2="%d" y2="%d"/>`, cls, x1, y, mid, y)
				fmt.Fprintf(&body, `<path class="%s" d="M%d %dl12 12m0 -12l-12 12"/>`, cls, mid-6, y-6)
			} else {
				dir := 1
				if x2 < x1 {
					dir = -1
				}
				fmt.Fprintf(&body, `<line class="%s" x1="%d" y1="%d" x2="%d" y2="%d"/>`, cls, x1, y, x2-dir*2, y)
				fmt.Fprintf(&body, `<path class="%s dg-head" d="M%d %dl%d -5v10z"/>`, cls, x2, y, -dir*10)
			}
			y += 18
		}
	}
	height := y + 6
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="diagram" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`,
		id, id, svgWidth, height, svgWidth, height)
	fmt.Fprintf(&b, `<title id="%s-t">Sequence diagram: %s to %s</title>`, id, html.EscapeString(fromName), html.EscapeString(toName))
	fmt.Fprintf(&b, `<desc id="%s-d">%s</desc>`, id, html.EscapeString(strings.Join(desc, "; then ")))
	for _, p := range []struct {
		x    int
		role string
		name string
	}{{svgLeft, "Browser", from}, {svgRight, "Server", to}} {
		fmt.Fprintf(&b, `<line class="dg-life" x1="%d" y1="%d" x2="%d" y2="%d"/>`, p.x, svgHead, p.x, height-4)
		fmt.Fprintf(&b, `<rect class="dg-box" x="%d" y="2" width="170" height="%d" rx="4"/>`, p.x-85, svgHead-6)
		fmt.Fprintf(&b, `<text class="dg-role" x="%d" y="19" text-anchor="middle">%s</text>`, p.x, p.role)
		fmt.Fprintf(&b, `<text class="dg-hdr" x="%d" y="34" text-anchor="middle">%s</text>`, p.x, html.EscapeString(p.name))
	}
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return b.String()
}

func textClass(tone string) string {
	if tone != "" {
		return "dg-msg dg-" + tone + "text"
	}
	return "dg-msg"
}
