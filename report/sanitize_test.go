package report

import (
	"strings"
	"testing"

	"github.com/harcors/harcors/internal/textsafe"
)

// FuzzSanitize: Markdown and Mermaid escaping on top of textsafe.Escape
// never bring back a raw tag, pipe or entity.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"\x1b[31m", "\u202e", "\xff\xfe", "a\u0085b", "ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := textsafe.Escape(s)
		// Markdown escaping on top never brings back a raw tag or pipe.
		md := mdEscape(got)
		if strings.ContainsAny(md, "<>") || strings.Count(md, "|") != strings.Count(md, `\|`) {
			t.Fatalf("mdEscape(%q) = %q", got, md)
		}
		mm := mermaidEscape(got)
		if strings.ContainsAny(mermaidEntity.ReplaceAllString(mm, ""), "<>;#`\"") {
			t.Fatalf("mermaidEscape(%q) = %q", got, mm)
		}
	})
}
