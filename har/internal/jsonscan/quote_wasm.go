package jsonscan

// indexQuoteOrEscapeWasm returns the index of the first '"' or '\\' in b,
// or -1 (quote_wasm.s).
//
//go:noescape
func indexQuoteOrEscapeWasm(b []byte) int

// indexQuoteOrEscape returns the index of the first '"' or '\\' in b at or
// after i, or -1. In WebAssembly, bytes.IndexByte is a loop of 32-bit
// words (Go's port has no vector instructions) and the quote and the
// backslash would cost a pass each; the assembly loop finds both in one
// pass of 64-bit words.
func indexQuoteOrEscape(b []byte, i int) int {
	if j := indexQuoteOrEscapeWasm(b[i:]); j >= 0 {
		return i + j
	}
	return -1
}
