package analyze

import (
	"strings"
	"testing"
)

// TestInterestingIndex: the one-pass lookup finds what a search with
// strings.EqualFold finds, for every case and for non-ASCII names that fold
// to ASCII ones (U+017F folds to "s", U+212A to "k").
func TestInterestingIndex(t *testing.T) {
	slow := func(name string) int {
		for i, n := range interestingResponseHeaders {
			if strings.EqualFold(name, n) {
				return i
			}
		}
		return -1
	}
	names := []string{"", "Location", "LINK", "x-Total-Count", "X-TOTAL", "content-type", "x-cſrf-token",
		"x-auth-to\u212aen", "conten\u0442-disposition", "x-ratelimit-remaining-extra", strings.Repeat("x", 40)}
	for _, n := range interestingResponseHeaders {
		names = append(names, n, strings.ToUpper(n), n+" ", strings.ReplaceAll(n, "s", "ſ"))
	}
	for _, n := range names {
		if got, want := interestingIndex(n), slow(n); got != want {
			t.Errorf("interestingIndex(%q) = %d, want %d", n, got, want)
		}
	}
}

func FuzzInterestingIndex(f *testing.F) {
	f.Add("X-Request-Id")
	f.Fuzz(func(t *testing.T, name string) {
		want := -1
		for i, n := range interestingResponseHeaders {
			if strings.EqualFold(name, n) {
				want = i
				break
			}
		}
		if got := interestingIndex(name); got != want {
			t.Errorf("interestingIndex(%q) = %d, want %d", name, got, want)
		}
	})
}
