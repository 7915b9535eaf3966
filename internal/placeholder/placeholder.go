// Package placeholder fills "{name}" placeholders in message templates.
//
// The rule catalogue, the browsers' messages and the report's check texts
// are templates filled once per finding. strings.NewReplacer builds a
// lookup structure on first use, which cost more than the replacing itself
// when a capture has thousands of findings.
package placeholder

import "strings"

// Fill returns s with each placeholder pairs[2k] (which must start with
// '{') replaced by pairs[2k+1], like strings.NewReplacer(pairs...).Replace(s):
// in one left-to-right pass, the first matching pair winning, the
// replacements not scanned again. Text in braces that is no placeholder is
// kept.
func Fill(s string, pairs ...string) string {
	i := strings.IndexByte(s, '{')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 64)
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i:]
		n := 0
		for k := 0; k+1 < len(pairs); k += 2 {
			if strings.HasPrefix(s, pairs[k]) {
				b.WriteString(pairs[k+1])
				n = len(pairs[k])
				break
			}
		}
		if n == 0 {
			b.WriteByte('{')
			n = 1
		}
		s = s[n:]
		i = strings.IndexByte(s, '{')
	}
	b.WriteString(s)
	return b.String()
}
