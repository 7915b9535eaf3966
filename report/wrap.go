package report

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"sync"
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
//
// The table library costs about 130 µs a row, which a capture with thousands
// of findings turns into the larger part of a run. So a long table is drawn
// in chunks, side by side, each a table of its own with the same fixed column
// widths, and the chunks are joined where their borders meet: the output is
// the same as one table's (TestLayoutChunked).
func layout(buf *bytes.Buffer, cols []column, rows [][]cell, total int) error {
	ws := sizeColumns(cols, rows, total)
	widths := make([]int, len(cols))
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = fitted(wrap(c.header, ws[i]), nil, &widths[i])
	}
	cells := make([][]any, len(rows))
	for ri, r := range rows {
		cells[ri] = make([]any, len(cols))
		for i := range cols {
			if i >= len(r) {
				cells[ri][i] = ""
				continue
			}
			cells[ri][i] = fitted(wrap(r[i].text, ws[i]), r[i].paint, &widths[i])
		}
	}
	n := chunks(len(rows))
	if n == 1 {
		return drawTable(buf, widths, hdr, cells)
	}
	outs := make([]bytes.Buffer, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for k := range n {
		lo, hi := k*len(cells)/n, (k+1)*len(cells)/n
		h := hdr
		if k > 0 {
			h = nil
		}
		wg.Go(func() { errs[k] = drawTable(&outs[k], widths, h, cells[lo:hi]) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return joinTables(buf, outs)
}

// fitted joins a cell's lines, paints the first, and widens *w to the widest.
func fitted(lines []string, paint func(string) string, w *int) string {
	for _, l := range lines {
		*w = max(*w, width(l))
	}
	if paint != nil && len(lines) > 0 {
		lines[0] = paint(lines[0])
	}
	return strings.Join(lines, "\n")
}

// minChunk is the fewest rows worth a chunk of their own.
const minChunk = 256

// chunks says in how many pieces to draw a table of n rows: one per core,
// with at least minChunk rows each.
func chunks(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n/minChunk))
}

// drawTable draws one table, with the header when hdr is not nil, its
// columns widths[i] wide plus padding.
func drawTable(buf *bytes.Buffer, widths []int, hdr []any, cells [][]any) error {
	pc := tw.NewMapper[int, int]()
	for i, w := range widths {
		pc.Set(i, w+2) // one space of padding on each side
	}
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
		tablewriter.WithStreaming(tw.StreamConfig{Enable: true}),
		tablewriter.WithWidths(tw.CellWidth{PerColumn: pc}),
	)
	if err := t.Start(); err != nil {
		return err
	}
	if hdr != nil {
		t.Header(hdr...)
	}
	for _, c := range cells {
		if err := t.Append(c...); err != nil {
			return err
		}
	}
	return t.Close()
}

// joinTables joins tables drawn in chunks into one: the first keeps its top
// border and header, the last its bottom border, and a row separator goes
// where one chunk's bottom border meets the next one's top border.
func joinTables(buf *bytes.Buffer, outs []bytes.Buffer) error {
	sep := rowSeparator(outs[0].Bytes())
	if sep == nil {
		return errors.New("report: no row separator in a table chunk")
	}
	for k := range outs {
		b := outs[k].Bytes()
		if k > 0 {
			b = b[bytes.IndexByte(b, '\n')+1:] // the top border
		}
		if k < len(outs)-1 {
			b = b[:lastLineStart(b)] // the bottom border
			buf.Write(b)
			buf.Write(sep)
			continue
		}
		buf.Write(b)
	}
	return nil
}

// rowSeparator returns the line (with its newline) before the last row of a
// table: a separator between rows.
func rowSeparator(b []byte) []byte {
	end := lastLineStart(b) // the bottom border
	for i := end - 1; i > 0; {
		start := bytes.LastIndexByte(b[:i], '\n') + 1
		line := b[start : i+1]
		if bytes.HasPrefix(line, []byte("├")) {
			return line
		}
		i = start - 1
	}
	return nil
}

// lastLineStart returns where the last line of b, which ends in a newline,
// starts.
func lastLineStart(b []byte) int {
	return bytes.LastIndexByte(b[:len(b)-1], '\n') + 1
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
