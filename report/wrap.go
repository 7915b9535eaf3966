package report

import (
	"bytes"
	"cmp"
	"errors"
	"io"
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
	return appendWrap(nil, s, w)
}

// appendWrap appends the lines of wrap(s, w) to out: fitChunked wraps every
// cell of a table into the same slice, which spares a slice a cell.
func appendWrap(out []string, s string, w int) []string {
	if w < 1 {
		w = 1
	}
	for para := range strings.SplitSeq(s, "\n") {
		if asciiText(para) {
			out = wrapASCII(out, para, w)
		} else {
			out = wrapPara(out, para, w)
		}
	}
	return out
}

// asciiText reports whether s holds only printable ASCII and ASCII
// whitespace: one column a byte, words split at the bytes strings.Fields
// splits at.
func asciiText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 || c >= 0x7f) && !asciiSpace(c) {
			return false
		}
	}
	return true
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// wrapASCII is wrapPara for a paragraph asciiText accepts, and gives the
// same lines. A table's cells are wrapped once per cell, thousands of
// times for a large capture, and the general path's cost was in building
// strings: here a line is a substring of p wherever p separates its words
// by one space, as sanitized text does, and words are broken in place.
func wrapASCII(out []string, p string, w int) []string {
	start, end := 0, 0 // the line is p[start:end] while joined is nil
	var joined []byte  // the line, when p's spacing differs from it
	lw := 0
	flush := func() {
		if joined != nil {
			out = append(out, string(joined))
			joined = nil
		} else {
			out = append(out, p[start:end])
		}
		lw = 0
	}
	i, words := 0, 0
	for {
		for i < len(p) && asciiSpace(p[i]) {
			i++
		}
		if i == len(p) {
			break
		}
		ws := i
		for i < len(p) && !asciiSpace(p[i]) {
			i++
		}
		words++
		ww := i - ws
		if lw > 0 && lw+1+ww <= w {
			switch {
			case joined == nil && ws == end+1 && p[end] == ' ':
				end = i
			default:
				if joined == nil {
					joined = append([]byte(nil), p[start:end]...)
				}
				joined = append(append(joined, ' '), p[ws:i]...)
			}
			lw += 1 + ww
			continue
		}
		if lw > 0 {
			flush()
		}
		for ww > w {
			cut := breakASCII(p[ws:i], w)
			out = append(out, p[ws:ws+cut])
			ws += cut
			ww -= cut
		}
		start, end, lw = ws, i, ww
	}
	if words == 0 {
		return append(out, "")
	}
	flush()
	return out
}

// breakASCII is breakWord for a word of printable ASCII longer than w: it
// returns the length of the head.
func breakASCII(word string, w int) int {
	cut := w
	for i := cut; i > 0 && i >= cut/3; i-- {
		switch word[i-1] {
		case '/', '?', '&':
			if word[i] != '/' {
				return i
			}
		}
	}
	for i := cut; i > 0 && i >= cut/3; i-- {
		prev, next := word[i-1], word[i]
		switch prev {
		case '/', '-', '_', '.', '?', '&', '=', ',', ';':
			return i
		case ':':
			if next < '0' || next > '9' {
				return i
			}
			continue
		}
		if 'a' <= prev && prev <= 'z' && 'A' <= next && next <= 'Z' {
			return i
		}
	}
	return cut
}

// wrapPara wraps one paragraph of any text.
func wrapPara(out []string, para string, w int) []string {
	words := strings.Fields(para)
	if len(words) == 0 {
		return append(out, "")
	}
	line, lw := "", 0
	flush := func() {
		out = append(out, line)
		line, lw = "", 0
	}
	for _, word := range words {
		ww := cellWidth(word)
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
			word, ww = rest, cellWidth(rest)
		}
		line, lw = word, ww
	}
	if lw > 0 || line != "" {
		flush()
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
		rw := cellWidth(string(runes[cut]))
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

// widestLine returns the width of the widest of s's lines.
func widestLine(s string) int {
	w := 0
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return max(w, cellWidth(s))
		}
		w = max(w, cellWidth(s[:i]))
		s = s[i+1:]
	}
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
// narrow get what they need, the others share the rest by weight. The
// rows are measured in parts chunks side by side: measuring every line of
// every cell was 5% of a table's CPU, and all of it came before any of the
// rest could start.
func sizeColumns(cols []column, rows [][]cell, total, parts int) []int {
	n := len(cols)
	avail := total - (3*n + 1)
	natural := make([]int, n)
	for i, c := range cols {
		natural[i] = cellWidth(c.header)
	}
	part := make([][]int, parts)
	inChunks(parts, len(rows), func(k, lo, hi int) {
		pw := make([]int, n)
		for _, r := range rows[lo:hi] {
			for i := range min(n, len(r)) {
				pw[i] = max(pw[i], widestLine(r[i].text))
			}
		}
		part[k] = pw
	})
	widen(natural, part)
	ws := make([]int, n)
	sum := 0
	for i, c := range cols {
		ws[i] = min(c.min, natural[i])
		if ws[i] < cellWidth(c.header) {
			ws[i] = cellWidth(c.header)
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
// A capture with thousands of findings makes drawing a large part of a run,
// and all of it comes after the analysis (about 130 µs a row with the table
// library's own renderer; 9 of CPU now, BenchmarkFindingsTable). So a long
// table is measured, wrapped and drawn in chunks, side by side, each drawn
// as a table of its own with the same fixed column widths, and the chunks
// are joined where their borders meet: the output is the same as one
// table's (TestLayoutChunked).
func layout(buf *bytes.Buffer, cols []column, rows [][]cell, total int, d drawing) error {
	n := chunks(d.workers, len(rows))
	widths, hdr, cells := fitChunked(cols, rows, total, n)
	return drawBlocks(buf, widths, hdr, cells, d)
}

// fit sizes the columns for total and wraps the header and the cells to
// them; widths are what the wrapped text takes.
func fit(cols []column, rows [][]cell, total int) (widths []int, hdr []any, cells [][]any) {
	return fitChunked(cols, rows, total, 1)
}

// fitChunked is fit with the cells wrapped in n chunks side by side, each
// measuring its own widths: wrapping costs as much as drawing.
func fitChunked(cols []column, rows [][]cell, total, n int) (widths []int, hdr []any, cells [][]any) {
	ws := sizeColumns(cols, rows, total, n)
	widths = make([]int, len(cols))
	hdr = make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = fitted(wrap(c.header, ws[i]), nil, &widths[i])
	}
	cells = make([][]any, len(rows))
	part := make([][]int, n)
	inChunks(n, len(rows), func(k, lo, hi int) {
		pw := make([]int, len(cols))
		var lines []string
		for ri, r := range rows[lo:hi] {
			cs := make([]any, len(cols))
			for i := range cols {
				if i >= len(r) {
					cs[i] = ""
					continue
				}
				lines = appendWrap(lines[:0], r[i].text, ws[i])
				cs[i] = fitted(lines, r[i].paint, &pw[i])
			}
			cells[lo+ri] = cs
		}
		part[k] = pw
	})
	widen(widths, part)
	return widths, hdr, cells
}

// drawing says how layout draws a table.
type drawing struct {
	// workers draw blocks side by side.
	workers int
	// block is the most rows drawn as one table (0: tableBlock).
	block int
	// spill, when set, takes what buf holds once it holds spillAt bytes
	// (0: defaultSpillAt) and must empty it: a table of every request of
	// a 400,000-request capture is 290 MB, written as it is drawn
	// instead of held whole.
	spill   func(*bytes.Buffer) error
	spillAt int
}

// tableBlock is the most rows drawn as one table: a few MiB of output.
const tableBlock = 4096

// defaultSpillAt is how much drawn table buf holds before drawing.spill
// takes it.
const defaultSpillAt = 1 << 20

// drawBlocks draws the table as tables of consecutive rows (one per worker,
// at most d.block rows each), d.workers at a time, and joins them into buf
// in order.
func drawBlocks(buf *bytes.Buffer, widths []int, hdr []any, cells [][]any, d drawing) error {
	block := d.block
	if block <= 0 {
		block = tableBlock
	}
	workers := max(d.workers, 1)
	if per := (len(cells) + workers - 1) / workers; per < block {
		block = max(per, minChunk) // one block per worker, none too short
	}
	nb := max(1, (len(cells)+block-1)/block)
	if nb == 1 {
		return drawTable(buf, widths, hdr, cells)
	}
	outs := make([]bytes.Buffer, min(workers, nb))
	errs := make([]error, len(outs))
	var sep []byte
	for first := 0; first < nb; first += len(outs) {
		round := min(len(outs), nb-first)
		inChunks(round, round, func(k, _, _ int) {
			i := first + k
			h := hdr
			if i > 0 {
				h = nil
			}
			outs[k].Reset()
			errs[k] = drawTable(&outs[k], widths, h, cells[i*block:min(len(cells), (i+1)*block)])
		})
		if err := errors.Join(errs[:round]...); err != nil {
			return err
		}
		if first == 0 {
			// Kept: outs[0] is drawn over in the next round.
			if sep = bytes.Clone(rowSeparator(outs[0].Bytes())); sep == nil {
				return errors.New("report: no row separator in a table block")
			}
		}
		for k := range round {
			b := outs[k].Bytes()
			if first+k > 0 {
				b = b[bytes.IndexByte(b, '\n')+1:] // the top border
			}
			if first+k < nb-1 {
				buf.Write(b[:lastLineStart(b)]) // the bottom border
				buf.Write(sep)
				continue
			}
			buf.Write(b)
		}
		if d.spill != nil && buf.Len() >= cmp.Or(d.spillAt, defaultSpillAt) {
			if err := d.spill(buf); err != nil {
				return err
			}
		}
	}
	return nil
}

// fitted joins a cell's lines, paints the first, and widens *w to the widest.
func fitted(lines []string, paint func(string) string, w *int) string {
	for _, l := range lines {
		*w = max(*w, cellWidth(l))
	}
	if paint != nil && len(lines) > 0 {
		lines[0] = paint(lines[0])
	}
	return strings.Join(lines, "\n")
}

// widen widens each of ws to the widest of the chunks' widths parts.
func widen(ws []int, parts [][]int) {
	for _, pw := range parts {
		for i, w := range pw {
			ws[i] = max(ws[i], w)
		}
	}
}

// inChunks calls f for n chunks of [0, count), chunk k being [lo, hi),
// side by side when n > 1, and returns when all are done.
func inChunks(n, count int, f func(k, lo, hi int)) {
	if n == 1 {
		f(0, 0, count)
		return
	}
	var wg sync.WaitGroup
	for k := range n {
		wg.Go(func() { f(k, k*count/n, (k+1)*count/n) })
	}
	wg.Wait()
}

// minChunk is the fewest rows worth a chunk of their own.
const minChunk = 256

// chunks says in how many pieces to draw a table of n rows: one per
// worker, with at least minChunk rows each.
func chunks(workers, n int) int {
	return max(1, min(workers, n/minChunk))
}

// newBlueprint is the library's renderer in our style: light lines, a
// separator between rows.
func newBlueprint() *renderer.Blueprint {
	return renderer.NewBlueprint(tw.Rendition{
		Symbols: tw.NewSymbols(tw.StyleLight),
		Settings: tw.Settings{
			Separators: tw.Separators{BetweenRows: tw.On},
		},
	})
}

// tableOptions lays a table out as layout has already decided: columns
// widths[i] wide plus one space of padding on each side, cells left as
// they are (no wrapping, no header formatting), streamed.
func tableOptions(widths []int) []tablewriter.Option {
	pc := tw.NewMapper[int, int]()
	for i, w := range widths {
		pc.Set(i, w+2)
	}
	return []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithStreaming(tw.StreamConfig{Enable: true}),
		tablewriter.WithWidths(tw.CellWidth{PerColumn: pc}),
	}
}

// drawTable draws one table, with the header when hdr is not nil, its
// columns widths[i] wide plus padding.
//
// The library does its bookkeeping line by line: for every printed line it
// builds maps of cell contexts (this line's, the one before and the one
// after), and its renderer measures every cell three or four times through
// a width cache behind a mutex. A row of ten lines paid that ten times,
// about 120 µs a row. So each row reaches it as a single line, its cells'
// lines joined by lineSep, and rowRenderer prints the lines. The library
// draws the borders, the header and the first two rows; the rows after
// those are printed past it (see sep below).
func drawTable(buf *bytes.Buffer, widths []int, hdr []any, cells [][]any) error {
	buf.Grow(tableBytes(widths, hdr, cells))
	bp := newBlueprint()
	r := &rowRenderer{Blueprint: bp, widths: widths, bar: bp.Config().Symbols.Column()}
	t := tablewriter.NewTable(buf, append(tableOptions(widths),
		tablewriter.WithRenderer(r),
		// The default, which joinLines relies on.
		tablewriter.WithTrimSpace(tw.On),
		tablewriter.WithTrimTab(tw.On),
	)...)
	if err := t.Start(); err != nil {
		return err
	}
	if hdr != nil {
		t.Header(hdr...)
	}
	// sep is the line the library prints between two rows, once seen.
	// From then on a row that rowRenderer can print whole is printed
	// here, after sep: the library's bookkeeping for a row (building the
	// contexts of its cells, twice) cost more than printing it, and in
	// our tables the separator depends only on where it is (lineKey).
	var sep string
	for k, c := range cells {
		var err error
		var row []string
		row, r.joined = joinLines(c)
		switch {
		case !r.joined:
			err = t.Append(c...)
		case sep != "" && r.split(row):
			io.WriteString(buf, sep)
			r.print(tw.Formatting{})
		default:
			err = t.Append(row)
			if k > 0 {
				sep = r.before
			}
		}
		if err != nil {
			return err
		}
	}
	return t.Close()
}

// tableBytes estimates the size of the table drawTable draws, so that its
// buffer grows once rather than doubling its way there (copying all it
// holds each time): every line is as wide as the table, a line of text
// has box-drawing characters (3 bytes each) between its cells, and a
// border or separator is all box-drawing characters.
func tableBytes(widths []int, hdr []any, cells [][]any) int {
	text, rule := 3+1, 3+1 // the left border and the newline
	for _, w := range widths {
		text += 1 + w + 1 + 3
		rule += 3 * (w + 2 + 1)
	}
	lines := rowLines(hdr)
	for _, c := range cells {
		lines += rowLines(c)
	}
	size := lines*text + (len(cells)+3)*rule
	return size + size/16 // and a little for colour codes
}

// rowLines returns how many lines the tallest of cells takes.
func rowLines(cells []any) int {
	n := 1
	for _, v := range cells {
		if s, ok := v.(string); ok {
			n = max(n, 1+strings.Count(s, "\n"))
		}
	}
	return n
}

// lineSep stands for a line break inside a cell handed to the library as
// one line. It is a control character: sanitize escapes every one that
// comes from a HAR, and joinLines leaves a row that holds one as it is.
const lineSep = "\x1e"

// joinLines returns cells' text with their line breaks as lineSep. The
// library trims a cell before it splits it into lines, so the text is
// trimmed first as it would be, and the library's own trimming then finds
// nothing to do. It says false for a row where a cell holds lineSep or is
// not a string: that row goes as it came, and the library breaks its lines
// itself.
func joinLines(cells []any) ([]string, bool) {
	row := make([]string, len(cells))
	for i, c := range cells {
		s, ok := c.(string)
		if !ok || strings.Contains(s, lineSep) {
			return nil, false
		}
		row[i] = strings.ReplaceAll(strings.TrimSpace(s), "\n", lineSep)
	}
	return row, true
}

// rowRenderer is the library's Blueprint renderer, but for a row: it prints
// one line for each line of the row's tallest cell (lines joined by
// lineSep, see drawTable), each cell left-aligned with a space of padding
// either side and the column separator between, as Blueprint does with the
// Rendition drawTable gives it. Borders, the header and the separators
// between rows are Blueprint's own.
type rowRenderer struct {
	*renderer.Blueprint
	widths []int  // content width of each column, without the padding
	bar    string // the column separator
	joined bool   // the row being appended has its lines joined by lineSep
	w      io.Writer
	// Reused from row to row: the line being printed, each cell's lines
	// and their widths (split measures them to tell whether they fit, and
	// print pads by them), the width of each cell's text on the line.
	line       []byte
	lines      [][]string
	lineWidths [][]int
	cw         []int
	// The border and separator lines already printed, and the one being
	// printed by Blueprint when rec is not nil.
	seen map[lineKey]string
	rec  []byte
	// lastLine is the border or separator line printed last, if one of
	// those Line keeps, and before the one printed before the last row.
	lastLine, before string
}

// Start starts a table written to w.
func (r *rowRenderer) Start(w io.Writer) error {
	r.w = w
	return r.Blueprint.Start(r) // Blueprint writes through r.Write
}

// Write writes what Blueprint prints to the table, recording it for Line.
func (r *rowRenderer) Write(p []byte) (int, error) {
	if r.rec != nil {
		r.rec = append(r.rec, p...)
	}
	return r.w.Write(p)
}

// lineKey is what a border or separator line drawn by Blueprint depends
// on, in a table whose columns keep their widths and no cell is merged.
type lineKey struct {
	level                tw.Level
	loc                  tw.Location
	pos                  tw.Position
	footer, prev, noPrev bool
}

// Line prints a border or a separator line. Blueprint builds one junction
// and segment at a time, which cost as much as the rest of a row. But in our
// tables (fixed widths, no merged cells) a line depends only on where it is
// (lineKey; the Junction code reads nothing else), so each distinct line is
// built once and printed again after that.
func (r *rowRenderer) Line(ctx tw.Formatting) {
	key, ok := r.lineKey(ctx)
	if !ok {
		r.Blueprint.Line(ctx)
		r.lastLine = ""
		return
	}
	if s, ok := r.seen[key]; ok {
		io.WriteString(r.w, s)
		r.lastLine = s
		return
	}
	r.rec = []byte{}
	r.Blueprint.Line(ctx)
	if r.seen == nil {
		r.seen = make(map[lineKey]string)
	}
	r.seen[key], r.rec = string(r.rec), nil
	r.lastLine = r.seen[key]
}

// lineKey returns the key of the line ctx describes, or false when it is
// one that is not reused: columns not of their fixed widths, merged cells.
func (r *rowRenderer) lineKey(ctx tw.Formatting) (lineKey, bool) {
	ws := ctx.Row.Widths
	if ws.Len() != len(r.widths) {
		return lineKey{}, false
	}
	for i, w := range r.widths {
		if ws.Get(i) != w+2 {
			return lineKey{}, false
		}
	}
	for _, cells := range []map[int]tw.CellContext{ctx.Row.Current, ctx.Row.Previous, ctx.Row.Next} {
		for _, c := range cells {
			if c.Merge != (tw.MergeState{}) {
				return lineKey{}, false
			}
		}
	}
	return lineKey{
		level:  ctx.Level,
		loc:    ctx.Row.Location,
		pos:    ctx.Row.Position,
		footer: ctx.HasFooter,
		prev:   ctx.Row.Previous != nil,
		noPrev: len(ctx.Row.Previous) == 0,
	}, true
}

// Row prints a row: with its lines joined by lineSep when r.joined, else
// one line of it.
func (r *rowRenderer) Row(row []string, ctx tw.Formatting) {
	r.before, r.lastLine = r.lastLine, ""
	if len(row) != len(r.widths) {
		r.Blueprint.Row(row, ctx)
		return
	}
	r.split(row)
	r.print(ctx)
}

// split splits row's cells into their lines, into r.lines (their widths
// into r.lineWidths), and reports whether the row can be printed as it
// is: every line fits its column, and no cell holds a tab (which the
// library expands before Row sees it).
func (r *rowRenderer) split(row []string) bool {
	if len(row) != len(r.widths) {
		return false
	}
	for len(r.lines) < len(row) {
		r.lines, r.lineWidths = append(r.lines, nil), append(r.lineWidths, nil)
	}
	r.lines, r.lineWidths = r.lines[:len(row)], r.lineWidths[:len(row)]
	fits := true
	for i, c := range row {
		fits = fits && strings.IndexByte(c, '\t') < 0
		ls, ws := r.lines[i][:0], r.lineWidths[i][:0]
		for {
			l, rest, more := c, "", false
			if r.joined {
				l, rest, more = strings.Cut(c, lineSep)
			}
			lw := cellWidth(l)
			ls, ws = append(ls, l), append(ws, lw)
			fits = fits && lw <= r.widths[i]
			if !more {
				break
			}
			c = rest
		}
		r.lines[i], r.lineWidths[i] = ls, ws
	}
	return fits
}

// print prints the row split holds. A line too wide for its column goes
// to Blueprint, with ctx.
func (r *rowRenderer) print(ctx tw.Formatting) {
	n := 1
	for _, ls := range r.lines {
		n = max(n, len(ls))
	}
	r.cw = append(r.cw[:0], r.widths...) // as many as columns
	for k := range n {
		fits := true
		for i, ls := range r.lines {
			r.cw[i] = 0
			if k < len(ls) {
				r.cw[i] = r.lineWidths[i][k]
			}
			fits = fits && r.cw[i] <= r.widths[i]
		}
		if !fits {
			r.blueprintLine(k, ctx)
			continue
		}
		b := append(r.line[:0], r.bar...)
		for i, ls := range r.lines {
			b = append(b, ' ')
			if k < len(ls) {
				b = append(b, ls[k]...)
			}
			for range r.widths[i] + 1 - r.cw[i] {
				b = append(b, ' ')
			}
			b = append(b, r.bar...)
		}
		b = append(b, '\n')
		r.line = b
		r.w.Write(b)
	}
}

// blueprintLine has Blueprint print line k of the row, for a line too wide
// for its column (which Blueprint truncates): layout never makes one.
func (r *rowRenderer) blueprintLine(k int, ctx tw.Formatting) {
	cur := make(map[int]tw.CellContext, len(r.lines))
	line := make([]string, len(r.lines))
	for i, ls := range r.lines {
		c := ctx.Row.Current[i]
		c.Data = ""
		if k < len(ls) {
			c.Data = ls[k]
		}
		cur[i], line[i] = c, c.Data
	}
	ctx.Row.Current = cur
	r.Blueprint.Row(line, ctx)
}

// cellWidth is width(s). The library's width goes through a cache behind a
// mutex, whose look-up costs more than counting: printable ASCII, most of
// a table's text, is one column a byte, and only the rest is measured.
func cellWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return width(s)
		}
	}
	return len(s)
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
