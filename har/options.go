package har

// This file holds the Reader's options; reader.go implements the Reader.

// Options control a Reader.
type Options struct {
	// Name is the file name used in errors ("-" or "" for standard input).
	Name string
	// MaxDecompressed bounds the bytes a gzip-compressed input may expand
	// to; past it reading stops with an error (a gzip bomb). 0 means
	// DefaultMaxDecompressed.
	MaxDecompressed int64
}

// DefaultMaxDecompressed is the decompressed-size limit for gzip input when
// Options.MaxDecompressed is 0.
const DefaultMaxDecompressed = 4 << 30 // 4 GiB
