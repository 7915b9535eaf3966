package har

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// chunkReader returns at most n bytes per Read, so that the scanner's
// word-at-a-time paths meet the end of the buffer at every alignment.
type chunkReader struct {
	r io.Reader
	n int
}

func (c chunkReader) Read(p []byte) (int, error) {
	return c.r.Read(p[:min(len(p), c.n)])
}

// TestWhitespacePositions checks the line, column and offset of an error
// that follows indentation of every length up to 70, made of spaces,
// tabs and carriage returns in several orders, against a plain count:
// peek skips runs of spaces a word at a time, and must count exactly as a
// byte loop does, wherever the buffer ends.
func TestWhitespacePositions(t *testing.T) {
	indents := []func(n int) string{
		func(n int) string { return strings.Repeat(" ", n) },
		func(n int) string { return strings.Repeat("\t", n%3) + strings.Repeat(" ", n) },
		func(n int) string { return strings.Repeat(" ", n) + "\r" + strings.Repeat(" ", n/2) },
		func(n int) string { return strings.Repeat(" ", n/2) + "\n" + strings.Repeat(" ", n) },
		func(n int) string { return strings.Repeat(" ", n/3) + "\t" + strings.Repeat(" ", n) + "\n\n" },
	}
	for k, indent := range indents {
		for n := 0; n <= 70; n++ {
			ind := indent(n)
			src := "{\n" + ind + `"log": {` + "\n" + ind + `"entries": [` + "\n" + ind + `{"time": 1},` + "\n" + ind + "{}\n" + ind + "x"
			at := strings.LastIndexByte(src, 'x')
			line := strings.Count(src[:at], "\n") + 1
			col := at - strings.LastIndexByte(src[:at], '\n')
			for _, chunk := range []int{1, 3, 7, 8, 9, 64, 1 << 20} {
				_, e := readErr(t, chunkReader{strings.NewReader(src), chunk}, Options{Name: "test.har"})
				if e.Offset != int64(at) || e.Line != line || e.Column != col {
					t.Fatalf("indent %d/%d, chunks of %d: error at byte %d, %d:%d; want byte %d, %d:%d (%v)",
						k, n, chunk, e.Offset, e.Line, e.Column, at, line, col, e)
				}
			}
			// Entry.Line and Entry.Offset count the same way.
			src = strings.TrimSuffix(src, ",\n"+ind+"{}\n"+ind+"x") + "]}}" + ind
			_, es, err := ReadAll(chunkReader{strings.NewReader(src), 5}, Options{})
			if err != nil || len(es) != 1 {
				t.Fatalf("indent %d/%d: %d entries, %v", k, n, len(es), err)
			}
			at = bytes.LastIndexByte([]byte(src), '{')
			if es[0].Offset != int64(at) || es[0].Line != strings.Count(src[:at], "\n")+1 {
				t.Fatalf("indent %d/%d: entry at byte %d line %d, want byte %d line %d",
					k, n, es[0].Offset, es[0].Line, at, strings.Count(src[:at], "\n")+1)
			}
		}
	}
}
