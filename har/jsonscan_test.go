package har

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
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
// Peek skips runs of spaces a word at a time, and must count exactly as a
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

// TestStringDecoding compares the decoding of header values and keys with
// encoding/json's, for strings of every length up to 150 mixing ASCII,
// multi-byte UTF-8, invalid bytes and escapes, read in chunks of several
// sizes: ReadString has a word-at-a-time fast path for plain strings and a
// slow path for the rest, and both must give what encoding/json gives.
func TestStringDecoding(t *testing.T) {
	pieces := []string{"a", "Z", "0", " ", "/", "é", "€", "😀", "\xff", "\xc3", "\xed\xa0\x80",
		`\"`, `\\`, `\/`, `\n`, `\t`, `\u0041`, `\u00e9`, `\ud83d\ude00`, `\ud800`, `\udc00x`, "\x7f"}
	rng := rand.New(rand.NewPCG(3, 4))
	var values []string
	for n := 0; n <= 150; n++ {
		for range 4 {
			// Mostly ASCII, as real values are.
			values = append(values, randomText(rng, n, pieces, 4))
		}
		x := strings.Repeat("x", n)
		values = append(values, x, x+"é", "é"+x, "\xff"+x, x+"\xc3", x+`\"`, `\"`+x)
	}
	var src strings.Builder
	src.WriteString(`{"log": {"entries": [{"request": {"headers": [`)
	for i, v := range values {
		if i > 0 {
			src.WriteString(",\n")
		}
		// The key is written with an escape now and then; it must
		// still match.
		key := `"value"`
		if i%5 == 0 {
			key = `"val\u0075e"`
		}
		src.WriteString(`{"name": "h", ` + key + `: "` + v + `"}`)
	}
	src.WriteString("]}}]}}")
	var want []struct{ Value string }
	var doc struct {
		Log struct {
			Entries []struct {
				Request struct {
					Headers []struct{ Value string }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(src.String()), &doc); err != nil {
		// Raw control bytes are not JSON; encoding/json rejects them.
		t.Fatal(err)
	}
	want = doc.Log.Entries[0].Request.Headers
	for _, chunk := range []int{1, 7, 8, 13, 64, 1 << 20} {
		_, es, err := ReadAll(chunkReader{strings.NewReader(src.String()), chunk}, Options{})
		if err != nil || len(es) != 1 {
			t.Fatalf("chunks of %d: %d entries, %v", chunk, len(es), err)
		}
		got := es[0].Request.Headers
		if len(got) != len(want) {
			t.Fatalf("chunks of %d: %d headers, want %d", chunk, len(got), len(want))
		}
		for i := range got {
			if got[i].Value != want[i].Value {
				t.Fatalf("chunks of %d: value %d %q read as %q, want %q", chunk, i, values[i], got[i].Value, want[i].Value)
			}
		}
	}
}

// randomText is at least n bytes of lower-case letters mixed with pieces:
// a piece one time in ascii, a letter otherwise.
func randomText(rng *rand.Rand, n int, pieces []string, ascii int) string {
	var b strings.Builder
	for b.Len() < n {
		if rng.IntN(ascii) > 0 {
			b.WriteByte(byte('a' + rng.IntN(26)))
		} else {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
	}
	return b.String()
}
