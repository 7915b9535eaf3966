package report

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// wrapGeneral is wrap without its ASCII path: every paragraph through
// wrapPara, which builds each line word by word.
func wrapGeneral(s string, w int) []string {
	if w < 1 {
		w = 1
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = wrapPara(out, para, w)
	}
	return out
}

// wrapPieces are the pieces randomText builds words and spacing from: URL
// parts, CorsError names, host:port, digits, and text that is not ASCII.
var wrapPieces = []string{
	"http://", "https://api.example.com", ":8080", "/v2/projects/", "?a=1", "&b=2", "=", ",", ";", ".",
	"-", "_", "HeaderDisallowedByPreflightResponse", "Access-Control-Allow-Origin", "localhost:", "8801",
	"x", "ab", "ABC", "abc", "é", "日本", "\x1b[31m", "\u00a0", "\u2003", "0", "127.0.0.1",
}

var wrapSpaces = []string{" ", " ", " ", "  ", "\t", " \r", "\n", "\n\n", "\v"}

func randomText(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(12) {
		if rng.IntN(4) == 0 {
			b.WriteString(wrapSpaces[rng.IntN(len(wrapSpaces))])
		}
		for range 1 + rng.IntN(8) {
			b.WriteString(wrapPieces[rng.IntN(len(wrapPieces))])
		}
		b.WriteString(wrapSpaces[rng.IntN(len(wrapSpaces))])
	}
	return b.String()
}

// TestWrapASCII checks that wrap, whose ASCII paragraphs take a path that
// slices lines out of the text, breaks every text as the general path does.
func TestWrapASCII(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ascii := 0
	for range 20000 {
		s := randomText(rng)
		if asciiText(s) {
			ascii++
		}
		w := 1 + rng.IntN(120)
		if got, want := wrap(s, w), wrapGeneral(s, w); !slices.Equal(got, want) {
			t.Fatalf("wrap(%q, %d):\n got %q\nwant %q", s, w, got, want)
		}
	}
	if ascii < 2000 {
		t.Errorf("only %d ASCII texts: the fast path is hardly tested", ascii)
	}
}

// FuzzWrap compares wrap with the general path on any text and width.
func FuzzWrap(f *testing.F) {
	f.Add("GET https://api.example.com/v2/projects/delta/tasks?status=open&page=27", 40)
	f.Add("a  b\tc\n\nHeaderDisallowedByPreflightResponse localhost:8801", 12)
	f.Add("", 1)
	f.Fuzz(func(t *testing.T, s string, w int) {
		w = w%200 + 1
		if w < 1 {
			w += 200
		}
		if got, want := wrap(s, w), wrapGeneral(s, w); !slices.Equal(got, want) {
			t.Fatalf("wrap(%q, %d):\n got %q\nwant %q", s, w, got, want)
		}
	})
}
