package report

import (
	"bytes"
	"strings"
	"unicode"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// The table library can wrap cells itself, but its widths come from an even
// split of MaxWidth and it does not break URLs or CorsError names, so a long
// URL overflows an 80-column terminal. We size the columns and wrap the text
// ourselves, then hand the library cells that already fit; it only draws.

// wrap breaks s into lines of at most w columns. "\n" in s separates
// paragraphs (our own line breaks: text from the HAR has been sanitized and
// holds none). Words longer than w are broken at a '/', '-', '_', '.', '?',
// '&', '=', ',' or ':' or between a lower-case and an upper-case letter
// (HeaderDisallowed|ByPreflight|Response) where one falls within the line,
// else at w.
func wrap(s string, w int) []string {
	if w < 1 {
		w = 1
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		line, lw := "", 0
		flush := func() {
			out = append(out, line)
			line, lw = "", 0
		}
		for _, word := range words {
			ww := width(word)
			switch {
			case lw > 0 && lw+1+ww <= w:
				line += " " + word
				lw += 1 + ww
				continue
			case lw > 0:
				flush()
			}
			for ww > w {
				head, rest := breakWord(word, w)
				out = append(out, head)
				word, ww = rest, width(rest)
			}
			line, lw = word, ww
		}
		if lw > 0 || line != "" {
			flush()
		}
	}
	return out
}

// breakWord splits word so that head fits in w columns, at the last good
// break point that leaves head at least a third of the line. URL structure
// ('/', '?', '&') comes first, so that "http://127.0.0.1:8801/x" breaks
// after "http://" rather than inside the address.
func breakWord(word string, w int) (head, rest string) {
	runes := []rune(word)
	cut, cw := 0, 0
	for cut < len(runes) {
		rw := width(string(runes[cut]))
		if cw+rw > w {
			break
		}
		cw += rw
		cut++
	}
	if cut == 0 {
		cut = 1 // a character wider than the column: take it anyway
	}
	for _, good := range []func([]rune, int) bool{urlBreak, goodBreak} {
		for i := cut; i > 0 && i >= cut/3; i-- {
			if i < len(runes) && good(runes, i) {
				return string(runes[:i]), string(runes[i:])
			}
		}
	}
	return string(runes[:cut]), string(runes[cut:])
}

// urlBreak reports whether a line may end before runes[i] at a boundary of
// a URL's structure.
func urlBreak(runes []rune, i int) bool {
	switch runes[i-1] {
	case '/', '?', '&':
		return runes[i] != '/' // not between the slashes of "//"
	}
	return false
}

// goodBreak reports whether a line may end before runes[i].
func goodBreak(runes []rune, i int) bool {
	prev, next := runes[i-1], runes[i]
	switch prev {
	case '/', '-', '_', '.', '?', '&', '=', ',', ';':
		return true
	case ':':
		// Not between a host and its port: "localhost:" / "8800" reads
		// badly; "http://" / "localhost:8800" does not.
		return !unicode.IsDigit(next)
	}
	return unicode.IsLower(prev) && unicode.IsUpper(next)
}

// column is one column of a table laid out by layout.
type column struct {
	header string
	min    int // narrowest useful width
	weight int // share of the spare width when the content wants more
}

// cell is a table cell before wrapping; paint, when set, colours the first
// line after wrapping (so colour codes never take part in the layout).
type cell struct {
	text  string
	paint func(string) string
}

// sizeColumns gives each column a width so that the table, with its borders
// (3 columns per cell and 1 more), fits total: columns whose content is
// narrow get what they need, the others share the rest by weight.
func sizeColumns(cols []column, rows [][]cell, total int) []int {
	n := len(cols)
	avail := total - (3*n + 1)
	natural := make([]int, n)
	for i, c := range cols {
		natural[i] = width(c.header)
	}
	for _, r := range rows {
		for i := range cols {
			if i >= len(r) {
				continue
			}
			for _, p := range strings.Split(r[i].text, "\n") {
				if pw := width(p); pw > natural[i] {
					natural[i] = pw
				}
			}
		}
	}
	ws := make([]int, n)
	sum := 0
	for i, c := range cols {
		ws[i] = min(c.min, natural[i])
		if ws[i] < width(c.header) {
			ws[i] = width(c.header)
		}
		sum += ws[i]
	}
	// Too narrow even for the minimums: take from the widest columns.
	for sum > avail {
		wi := -1
		for i := range ws {
			if ws[i] > 4 && (wi < 0 || ws[i] >= ws[wi]) {
				wi = i
			}
		}
		if wi < 0 {
			break
		}
		ws[wi]--
		sum--
	}
	// Share the spare width by weight among the columns that want more.
	for spare := avail - sum; spare > 0; {
		totalWeight := 0
		for i, c := range cols {
			if ws[i] < natural[i] {
				totalWeight += max(c.weight, 1)
			}
		}
		if totalWeight == 0 {
			break
		}
		given := 0
		for i, c := range cols {
			if ws[i] >= natural[i] {
				continue
			}
			g := min(spare*max(c.weight, 1)/totalWeight, natural[i]-ws[i])
			ws[i] += g
			given += g
		}
		if given == 0 {
			// Rounding left less than one column per weight: hand out
			// the rest one at a time.
			for i := range cols {
				if spare-given > 0 && ws[i] < natural[i] {
					ws[i]++
					given++
				}
			}
		}
		spare -= given
	}
	return ws
}

// layout renders a table that fits total columns.
func layout(buf *bytes.Buffer, cols []column, rows [][]cell, total int) error {
	ws := sizeColumns(cols, rows, total)
	t := tablewriter.NewTable(buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Symbols: tw.NewSymbols(tw.StyleLight),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenRows: tw.On},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = strings.Join(wrap(c.header, ws[i]), "\n")
	}
	t.Header(hdr...)
	for _, r := range rows {
		cells := make([]any, len(cols))
		for i := range cols {
			if i >= len(r) {
				cells[i] = ""
				continue
			}
			lines := wrap(r[i].text, ws[i])
			if r[i].paint != nil && len(lines) > 0 {
				lines[0] = r[i].paint(lines[0])
			}
			cells[i] = strings.Join(lines, "\n")
		}
		if err := t.Append(cells...); err != nil {
			return err
		}
	}
	return t.Render()
}

// wrapLine writes lead and s wrapped to w columns, continuation lines
// indented by indent spaces (every line is wrapped to the narrower of the
// two, which keeps the code simple at the cost of a first line slightly
// shorter than it could be).
func wrapLine(buf *bytes.Buffer, lead, s string, w, indent int) {
	for i, l := range wrap(s, w-max(width(lead), indent)) {
		if i == 0 {
			buf.WriteString(lead)
		} else {
			buf.WriteString(strings.Repeat(" ", indent))
		}
		buf.WriteString(l)
		buf.WriteByte('\n')
	}
}
