package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/harcors/harcors/analyze"
)

// Explain renders a rule's documentation as `harcors --explain ID` prints
// it, wrapped to width columns (80 when width is below 40) by the same code
// that wraps the report's table cells, so that long header and error names
// break the same way in both.
func Explain(r *analyze.Rule, width int) string {
	if width < 40 {
		width = 80
	}
	var b strings.Builder
	para := func(s, indent string) {
		for _, l := range wrap(s, width-len(indent)) {
			if l != "" {
				b.WriteString(indent)
			}
			b.WriteString(l)
			b.WriteString("\n")
		}
	}
	if r.Retired != "" {
		para(fmt.Sprintf("%s: %s (retired)", r.ID, r.Title), "")
		b.WriteString("\n")
		para("Retired: "+r.Retired, "")
		b.WriteString("\n")
	} else {
		para(fmt.Sprintf("%s: %s (%s)", r.ID, r.Title, r.Severity), "")
		b.WriteString("\n")
	}
	para(r.Doc, "")
	if len(r.Chromium) > 0 {
		b.WriteString("\nChromium (DevTools protocol CorsError):\n")
		for _, c := range r.Chromium {
			fmt.Fprintf(&b, "  %s\n", c)
			if m := c.Message("fetch", "URL", "", "ORIGIN", "VALUE"); m != "" {
				para("console: "+m, "    ")
			}
		}
	}
	if len(r.Firefox) > 0 {
		b.WriteString("\nFirefox:\n")
		for _, k := range r.Firefox {
			fmt.Fprintf(&b, "  %s\n", k)
			if m := analyze.FirefoxMessage(k, "URL", "VALUE", "STATUS"); m != "" {
				para("console: "+m, "    ")
			}
		}
	}
	b.WriteString("\n")
	para(fmt.Sprintf("Fix (examples: origin %s, %s, %s):", analyze.ExampleValue("{origin}"), analyze.ExampleValue("{method}"), analyze.ExampleValue("{header}")), "")
	para(r.FixText(analyze.Generic), "  ")
	if len(r.Fixes) > 0 {
		stacks := make([]string, 0, len(r.Fixes))
		for s := range r.Fixes {
			stacks = append(stacks, string(s))
		}
		sort.Strings(stacks)
		for _, s := range stacks {
			fmt.Fprintf(&b, "\n  %s:\n", analyze.Stack(s).Name())
			para(r.FixText(analyze.Stack(s)), "    ")
		}
	}
	if r.Ref != "" {
		para("\nReference: "+r.Ref, "")
	}
	return b.String()
}
