package report

import (
	"bytes"
	"fmt"
	"io"

	"github.com/harcors/harcors/analyze"
)

// Writer writes a report as results come in, one file at a time, so that a
// batch scan can draw one file's table while the next files are read, and
// need not hold every result until the end.
//
// Only the table is written file by file. Markdown opens with a headline
// about every file, and JSON and SARIF are single documents: for those the
// results are held and written by Close.
type Writer struct {
	w     io.Writer
	opt   Options
	c     cleaner
	width int
	err   error // sticky: the first error of a write or a format

	files int            // results added (table)
	sum   summaryBuilder // the batch summary so far (table)
	buf   bytes.Buffer   // one file's table, written at once
	// first is the first file's view, summed only once a second file
	// comes: a single file has no summary, and summing a large capture's
	// findings cleans their text a second time.
	first *fileView

	held []*analyze.Result // Markdown, JSON and SARIF

	// drawn maps the key of each problem drawn in the table so far to the
	// file it was drawn for (see tableFile); nil with --each, which draws
	// every finding.
	drawn map[string]string
}

// NewWriter returns a Writer of opt.Format to w, or an error for an unknown
// format.
func NewWriter(w io.Writer, opt Options) (*Writer, error) {
	if opt.Format == "" {
		opt.Format = Table
	}
	switch opt.Format {
	case Table, Markdown, JSON, SARIF, HTML:
	default:
		return nil, fmt.Errorf("report: unknown format %q", opt.Format)
	}
	if !opt.ShowSecrets {
		opt.known = map[string]bool{}
	}
	wr := &Writer{w: w, opt: opt, c: newCleaner(opt, true), width: tableWidth(opt)}
	wr.opt.spill = wr.spill
	if opt.Format == Table && !opt.Each {
		wr.drawn = map[string]string{}
	}
	return wr, nil
}

// spill writes out and empties a table drawn in part (drawing.spill).
func (w *Writer) spill(b *bytes.Buffer) error {
	if _, err := w.w.Write(b.Bytes()); err != nil {
		return err
	}
	b.Reset()
	return nil
}

// Add reports one result. A table is written before Add returns; the other
// formats wait for Close. A nil result is ignored. After an error, Add and
// Close return it again and write nothing more.
func (w *Writer) Add(r *analyze.Result) error {
	if w.err != nil || r == nil {
		return w.err
	}
	w.c.red.learn(r.CookieValues)
	if w.opt.Format != Table {
		w.held = append(w.held, r)
		return nil
	}
	v := view(r, w.opt)
	w.buf.Reset()
	if w.files > 0 {
		w.buf.WriteByte('\n')
	}
	w.files++
	if err := tableFile(&w.buf, v, w.c, w.opt, w.width, w.drawn); err != nil {
		w.err = err
		return err
	}
	switch w.files {
	case 1:
		w.first = &v
	case 2:
		w.sum.add(*w.first, w.c)
		w.first = nil
		fallthrough
	default:
		w.sum.add(v, w.c)
	}
	return w.write()
}

// Close writes what is left: the table's summary across files (when there
// were several), or the whole report in the other formats.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	w.buf.Reset()
	var err error
	switch w.opt.Format {
	case Table:
		if w.files > 1 {
			w.buf.WriteByte('\n')
			tableSummary(&w.buf, w.sum.done(), w.opt, w.width)
		}
	case Markdown:
		err = renderMarkdown(&w.buf, w.held, w.opt)
	case JSON:
		// Written as it is encoded: a capture's findings can take more
		// memory encoded than analysed.
		err = renderJSON(w.w, w.held, w.opt)
	case SARIF:
		err = renderSARIF(&w.buf, w.held, w.opt)
	case HTML:
		err = renderHTML(&w.buf, w.held, w.opt)
	}
	w.held = nil
	if err != nil {
		w.err = err
		return err
	}
	return w.write()
}

func (w *Writer) write() error {
	if w.buf.Len() == 0 {
		return nil
	}
	if _, err := w.w.Write(w.buf.Bytes()); err != nil {
		w.err = err
	}
	return w.err
}
