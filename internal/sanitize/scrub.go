package sanitize

import (
	"sort"
	"strings"
)

// scrubber finds learnt secrets (cookie values, credentials) anywhere in a
// string: in a header value of their own ("current-user-name"), echoed in a
// tracker's URL path or in a redirect parameter that is not a name=value
// pair ("setuid('...')"), inside another cookie. The reports only hide
// them as parameter values; a sanitized HAR is attached whole, so it hides
// every occurrence.
type scrubber struct {
	// byPrefix holds the values by their first four bytes, longest first,
	// so that a scan costs one map lookup per byte, however many values.
	byPrefix map[uint32][]string
}

func prefix4(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

func newScrubber(known map[string]bool) *scrubber {
	sc := &scrubber{byPrefix: map[uint32][]string{}}
	for v := range known {
		if len(v) >= 8 {
			k := prefix4(v)
			sc.byPrefix[k] = append(sc.byPrefix[k], v)
		}
	}
	for _, vs := range sc.byPrefix {
		sort.Slice(vs, func(i, j int) bool { return len(vs[i]) > len(vs[j]) || len(vs[i]) == len(vs[j]) && vs[i] < vs[j] })
	}
	return sc
}

// scrub replaces every learnt value in s by its placeholder.
func (sc *scrubber) scrub(s string, mark func(string) string) string {
	if sc == nil || len(sc.byPrefix) == 0 || len(s) < 8 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i+8 <= len(s); {
		vs := sc.byPrefix[prefix4(s[i:])]
		found := ""
		for _, v := range vs {
			if strings.HasPrefix(s[i:], v) {
				found = v
				break
			}
		}
		if found == "" {
			i++
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(mark(found))
		i += len(found)
		last = i
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
