package jsonscan

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// TestPlainString checks PlainString's word loop (CI runs this package
// natively and under Node, GOOS=js GOARCH=wasm) against a byte loop, at every length up to 80 and every start, over text of
// ASCII, multi-byte UTF-8, invalid UTF-8 and bytes one bit away from a
// quote or a backslash, with the quote, the escape and the non-ASCII bytes
// before, at and after the word boundaries.
func TestPlainString(t *testing.T) {
	naive := func(b []byte) int {
		for i, c := range b {
			switch c {
			case '"':
				if !utf8.Valid(b[:i]) {
					return -1
				}
				return i
			case '\\':
				return -1
			}
		}
		return -1
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabets := [][]byte{
		[]byte("AZaz09+/=#]\x02\x23\x5d\x7f\x00 -:"),              // ASCII, near '"' and '\\'
		[]byte("AZaz09é日本\xa2\xdc\xe2\x82\xac\xff\xc3 x"),         // non-ASCII, some invalid
		[]byte("abcdefgh\xa2\xdc"),                                // rare non-ASCII (no quote but placed)
		append(bytes.Repeat([]byte("a"), 30), "é\xe2\x82\xac"...), // valid UTF-8 only
	}
	for n := 0; n <= 80; n++ {
		for trial := range 48 {
			alpha := alphabets[trial%len(alphabets)]
			b := make([]byte, n)
			for k := range b {
				b[k] = alpha[rng.IntN(len(alpha))]
			}
			if n > 0 && trial%3 != 2 {
				b[rng.IntN(n)] = '"'
			}
			if n > 0 && trial%5 == 0 {
				b[rng.IntN(n)] = '\\'
			}
			for i := 0; i <= n; i++ {
				want := naive(b[i:])
				if got := PlainString(b[i:]); got != want {
					t.Fatalf("PlainString(%q) = %d, want %d", b[i:], got, want)
				}
			}
		}
	}
}
