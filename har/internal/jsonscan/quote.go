package jsonscan

import "bytes"

// indexQuoteOrEscape, the search for the byte that ends a JSON string (a
// quote or a backslash) over a long run of text such as a base64 body,
// depends on the platform: quote_wasm.go and quote_other.go.

// indexQuoteOrEscapeMemchr returns the index of the first '"' or '\\' in b
// at or after i, or -1, with two calls to bytes.IndexByte: one pass for the
// quote, and one for a backslash before it. Where IndexByte is vector code
// (amd64, arm64) a base64 body costs two passes at memory speed.
func indexQuoteOrEscapeMemchr(b []byte, i int) int {
	rest := b[i:]
	j := -1
	if q := bytes.IndexByte(rest, '"'); q >= 0 {
		rest = rest[:q]
		j = i + q
	}
	if bs := bytes.IndexByte(rest, '\\'); bs >= 0 {
		j = i + bs
	}
	return j
}
