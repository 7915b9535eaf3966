//go:build !wasm

package jsonscan

// indexQuoteOrEscape returns the index of the first '"' or '\\' in b at or
// after i, or -1.
func indexQuoteOrEscape(b []byte, i int) int { return indexQuoteOrEscapeMemchr(b, i) }
