package jsonscan

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestIndexQuoteOrEscape checks the platform's search (in WebAssembly the
// assembly loop: CI runs this package under Node, GOOS=js GOARCH=wasm) and
// the memchr one against a byte loop, at every start and length, over text
// where the bytes sought are rare, common or absent, and next to bytes one
// bit away from them (where the word trick's false positives would be).
func TestIndexQuoteOrEscape(t *testing.T) {
	naive := func(b []byte, i int) int {
		for ; i < len(b); i++ {
			if b[i] == '"' || b[i] == '\\' {
				return i
			}
		}
		return -1
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("AZaz09+/=#]\x22\x5c\x23\x5d\x02\xa2\xdc\x00\xff")
	for n := 0; n < 80; n++ {
		for trial := 0; trial < 40; trial++ {
			b := make([]byte, n)
			for k := range b {
				b[k] = alphabet[rng.IntN(len(alphabet))]
			}
			if trial%2 == 1 { // no quote or backslash but for one, maybe
				for k := range b {
					if b[k] == '"' || b[k] == '\\' {
						b[k] = 'x'
					}
				}
				if n > 0 && trial%4 == 1 {
					b[rng.IntN(n)] = `"\`[rng.IntN(2)]
				}
			}
			for i := 0; i <= n; i++ {
				want := naive(b, i)
				if got := indexQuoteOrEscape(b, i); got != want {
					t.Fatalf("indexQuoteOrEscape(%q, %d) = %d, want %d", b, i, got, want)
				}
				if got := indexQuoteOrEscapeMemchr(b, i); got != want {
					t.Fatalf("memchr(%q, %d) = %d, want %d", b, i, got, want)
				}
			}
		}
	}
}

// BenchmarkIndexQuoteOrEscape finds the end of a 64 KiB base64 body with
// the platform's search and with the memchr one.
func BenchmarkIndexQuoteOrEscape(b *testing.B) {
	body := append(bytes.Repeat([]byte("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo+/w=="), 64<<10/40), '"')
	for _, v := range []struct {
		name string
		f    func([]byte, int) int
	}{{"platform", indexQuoteOrEscape}, {"memchr", indexQuoteOrEscapeMemchr}} {
		b.Run(v.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if v.f(body, 0) != len(body)-1 {
					b.Fatal("wrong index")
				}
			}
		})
	}
}
