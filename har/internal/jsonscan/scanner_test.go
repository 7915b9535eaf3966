package jsonscan

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// chunkReader returns at most n bytes per Read, so that the word-at-a-time
// paths meet the end of the buffer at every alignment.
type chunkReader struct {
	r io.Reader
	n int
}

func (c chunkReader) Read(p []byte) (int, error) {
	return c.r.Read(p[:min(len(p), c.n)])
}

// endOfString reads data as the rest of a string (its opening quote
// consumed), skipped or decoded, n bytes per Read, and says where the
// scanner stopped and why.
func endOfString(data []byte, n int, skip bool) string {
	var s Scanner
	s.Init(chunkReader{bytes.NewReader(data), n}, false)
	var err error
	if skip {
		err = s.SkipString()
	} else {
		_, _, err = s.ReadString(1 << 30)
	}
	return fmt.Sprintf("%d %v", s.Offset(), err)
}

// TestSkipString checks that a string skipped unread (a body, an unknown
// field) ends, and fails, exactly where a string read does: both look for
// the closing quote and check escapes, each its own way, on values made
// to put escapes, damage and the end of the buffer everywhere.
func TestSkipString(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"a", "b", "é", "\xff", `\"`, `\\`, `\n`, `\u0041`, `\ud83d\ude00`, `\u00`, `\uZZZZ`, `\x`, `\`, "\n"}
	var values []string
	for n := 0; n <= 100; n++ {
		x := strings.Repeat("y", n)
		values = append(values, x, x+`\"`+x, x+`\u004`, x+`\q`+x)
		values = append(values, randomText(rng, n, pieces, 3))
	}
	for i, v := range values {
		data := []byte(v + `", "size": 1}`)
		want := endOfString(data, 1<<20, false)
		for _, skip := range []bool{false, true} {
			for _, n := range []int{1, 7, 8, 1 << 20} {
				if got := endOfString(data, n, skip); got != want {
					t.Fatalf("value %d %q, skipped %v, %d bytes a read: %s; want %s", i, v, skip, n, got, want)
				}
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

// FuzzSkipString checks SkipString against ReadString, which decodes
// every escape one at a time: both must stop at the same byte with the
// same error, whether the text is in the buffer whole or comes a byte at a
// time.
func FuzzSkipString(f *testing.F) {
	for _, s := range []string{
		`abc"`, `a\"b"`, `\\"`, `\\\"x"`, `{\"op\":\"replace\",\"path\":\"/a/1\"}"`,
		`1234567\"9"`, `1234567\\"`, `123456\\\"x"`, `\u00e9\n\/"`, `\x"`, `\u12"`, `\u12G4"`,
		`abcdefgh\`, `abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH\"end\\"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		run := func(skip, slow bool) string {
			var s Scanner
			var rd io.Reader = bytes.NewReader(data)
			if slow {
				rd = iotest.OneByteReader(rd)
			}
			s.Init(rd, false)
			var err error
			if skip {
				err = s.SkipString()
			} else {
				_, _, err = s.ReadString(1 << 30)
			}
			return fmt.Sprintf("%d %v", s.Offset(), err)
		}
		want := run(false, false)
		for _, slow := range []bool{false, true} {
			if got := run(true, slow); got != want {
				t.Fatalf("%q: skipString (one byte a read: %v) gives %s, readString %s", data, slow, got, want)
			}
		}
	})
}

// BenchmarkSkipString skips a JSON request body as DevTools writes it in
// postData.text: JSON inside a JSON string, an escaped quote every dozen
// bytes, 10 KiB (the median in a Chrome capture of a JSON API).
func BenchmarkSkipString(b *testing.B) {
	var body strings.Builder
	body.WriteString(`{\"clientMutationId\":\"be38cd3b-3dd9-4ff0-a8d5-f4e93e69e8a8\",\"ops\":[`)
	for i := 0; body.Len() < 10<<10; i++ {
		fmt.Fprintf(&body, `{\"op\":\"replace\",\"path\":\"/fields/%d\",\"value\":\"%x\"},`, i%64, uint64(i)*0x9e3779b97f4a7c15)
	}
	data := []byte(body.String() + `{}]}"`)
	b.SetBytes(int64(len(data)))
	var s Scanner
	for b.Loop() {
		s.Buf, s.Pos, s.End = data, 0, len(data)
		if err := s.SkipString(); err != nil || s.Pos != len(data) {
			b.Fatal(err, s.Pos)
		}
	}
}

// FuzzQuickNumber checks QuickNumber against ReadNumber and
// strconv.ParseFloat: when it takes a number, it must end where ReadNumber
// ends and give the same float64, bit for bit (integers as parseSmallInt
// does, -0 as +0).
func FuzzQuickNumber(f *testing.F) {
	for _, s := range []string{"0,", "-0,", "12,", "01,", "1.5}", "-1.25 ", "123456789012345,", "1234567890123456,",
		"0.000000000000001,", "1e5,", "1.,", "-,", "2.5-", "NaN,", "9007199254740993,", "0.1,", "3.14159]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var q Scanner
		q.Buf, q.End = data, len(data)
		got, ok := q.QuickNumber()
		if !ok {
			if q.Pos != 0 {
				t.Fatalf("%q: not taken, but %d bytes consumed", data, q.Pos)
			}
			return
		}
		var r Scanner
		r.Init(bytes.NewReader(data), false)
		r.Peek() // QuickNumber skips whitespace first too
		text, err := r.ReadNumber()
		if err != nil {
			t.Fatalf("%q: QuickNumber gives %v, ReadNumber %v", data, got, err)
		}
		want, err := strconv.ParseFloat(string(text), 64)
		if err != nil {
			t.Fatal(err)
		}
		if want == 0 {
			want = 0 // -0 reads as +0, as parseSmallInt gives
		}
		if r.Offset() != int64(q.Pos) || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%q: QuickNumber %v ending at %d, ReadNumber %q (%v) ending at %d", data, got, q.Pos, text, want, r.Offset())
		}
	})
}
