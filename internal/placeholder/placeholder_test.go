package placeholder

import (
	"strings"
	"testing"
)

// TestFillIsReplacer: Fill gives what strings.Replacer gives, on the
// shapes templates take: repeated, adjacent, unknown and unclosed
// placeholders, empty values, replacements that look like placeholders.
func TestFillIsReplacer(t *testing.T) {
	pairs := []string{"{origin}", "https://a.example", "{v}", "", "{s}", "{origin}", "{value}", "x-{v}"}
	for _, s := range []string{
		"", "no braces", "{origin}", "{origin}{origin}", "a {v} b {s} c", "{v}{s}{value}",
		"{unknown} {origin", "{{origin}}", "}{", "tail {", "{", "ünï {origin} cödé",
		"Access-Control-Allow-Origin: {origin} (or * when no credentials are involved).",
	} {
		want := strings.NewReplacer(pairs...).Replace(s)
		if got := Fill(s, pairs...); got != want {
			t.Errorf("Fill(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzFill(f *testing.F) {
	f.Add("a {v} {origin}{s} {x", "1", "22")
	f.Fuzz(func(t *testing.T, s, a, b string) {
		pairs := []string{"{v}", a, "{origin}", b, "{s}", a + b}
		if got, want := Fill(s, pairs...), strings.NewReplacer(pairs...).Replace(s); got != want {
			t.Errorf("Fill(%q) = %q, want %q", s, got, want)
		}
	})
}
