package report

import (
	"strings"
	"testing"

	"github.com/harcors/harcors/internal/textsafe"
)

// FuzzSanitize: Markdown and Mermaid escaping on top of textsafe.Escape
// never bring back a raw tag, pipe or entity.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"\x1b[31m", "\u202e", "\xff\xfe", "a\u0085b", "ok", "!12 #3 @me", "<wbr>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := textsafe.Escape(s)
		// Markdown escaping on top never brings back a raw tag or pipe.
		// The one element it writes is its own refBreak, which keeps a
		// tracker from reading "!12" or "@name" as a link or a mention;
		// the input's '<' cannot forge it, being written as &lt;.
		md := mdEscape(got)
		bare := strings.ReplaceAll(md, refBreak, "")
		if strings.ContainsAny(bare, "<>") || strings.Count(md, "|") != strings.Count(md, `\|`) {
			t.Fatalf("mdEscape(%q) = %q", got, md)
		}
		mm := mermaidEscape(got)
		if strings.ContainsAny(mermaidEntity.ReplaceAllString(mm, ""), "<>;#`\"") {
			t.Fatalf("mermaidEscape(%q) = %q", got, mm)
		}
	})
}
