package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter"
)

// blueprintTable draws a table as drawTable did before rowRenderer: the
// library's own renderer, every line of a cell handed over as a line.
func blueprintTable(buf *bytes.Buffer, widths []int, hdr []any, cells [][]any) error {
	t := tablewriter.NewTable(buf, append(tableOptions(widths), tablewriter.WithRenderer(newBlueprint()))...)
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

// TestRowRenderer: drawTable, which hands the library each row as one line,
// prints the row's lines itself and reprints border and separator lines it
// has seen, draws what the library's renderer draws line by line, byte for
// byte, including for the rows layout never makes: lines too wide for their
// column, a cell holding lineSep, text with spaces or line breaks at either
// end, tabs, a cell that is not a string.
func TestRowRenderer(t *testing.T) {
	hdr := []any{"ENTRY", "REQUEST", "CAUSE\nAND FIX"}
	rows := [][]any{
		{"#1\nL12", "GET https://example.com/a\nfrom http://localhost:3000", "\x1b[1;31merror\x1b[0m CORS-P01\nPreflight 404"},
		{"", "", ""},
		{"#2", "a line far too wide for its column, truncated", "x"},
		{"#3\n", "\n\nblank lines first\n\nand between\n", "  spaces  \n  around  "},
		{"#4", "tab\there", "日本語のテキスト\nwide"},
		{"#5", "a" + lineSep + "b", "record\nseparator"},
		{42, "not a string\ncell", "z"},
		{"#6", "\x1b[33mwarn\x1b[0m and a colour on a line too wide for it", "é ü ñ"},
		{"#7", "only", "one\ntwo\nthree\nfour"},
	}
	for _, widths := range [][]int{{5, 30, 16}, {3, 12, 10}, {8, 60, 40}} {
		for _, h := range [][]any{hdr, nil} {
			var want, got bytes.Buffer
			if err := blueprintTable(&want, widths, h, rows); err != nil {
				t.Fatal(err)
			}
			if err := drawTable(&got, widths, h, rows); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("widths %v, header %v:\ngot\n%s\nwant\n%s", widths, h != nil, got.String(), want.String())
			}
		}
	}
	// A whole table of rows, as layout makes them.
	var want, got bytes.Buffer
	many := make([][]any, 0, 300)
	for i := range 300 {
		many = append(many, rows[i%len(rows)])
	}
	if err := blueprintTable(&want, []int{5, 30, 16}, hdr, many); err != nil {
		t.Fatal(err)
	}
	if err := drawTable(&got, []int{5, 30, 16}, hdr, many); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("300 rows: the tables differ (%d lines, want %d)", strings.Count(got.String(), "\n"), strings.Count(want.String(), "\n"))
	}
}

// TestCellWidth: cellWidth measures as the library does.
func TestCellWidth(t *testing.T) {
	var ascii strings.Builder
	for c := byte(0x20); c < 0x7f; c++ {
		ascii.WriteByte(c)
		if got, want := cellWidth(string(c)), width(string(c)); got != want {
			t.Errorf("cellWidth(%q) = %d, width %d", c, got, want)
		}
	}
	for _, s := range []string{
		"", ascii.String(), "tab\there", "a\x7fb", "NUL\x00", "café", "日本語のテキスト",
		"\x1b[1;31merror\x1b[0m CORS-P01", "\x1e", "…", "\u200b", "a\xffb",
	} {
		if got, want := cellWidth(s), width(s); got != want {
			t.Errorf("cellWidth(%q) = %d, width %d", s, got, want)
		}
	}
}
