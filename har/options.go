package har

// This file holds the Reader's options; reader.go implements the Reader.

// Options control a Reader.
type Options struct {
	// Name is the file name used in errors ("-" or "" for standard input).
	Name string
	// Bodies keeps content.text and postData.text. Off by default: bodies
	// are skipped without being held, which is what keeps memory flat.
	Bodies bool
	// MaxDecompressed bounds the bytes a gzip-compressed input may expand
	// to; past it reading stops with an error (a gzip bomb). 0 means
	// DefaultMaxDecompressed.
	MaxDecompressed int64
}

// DefaultMaxDecompressed is the decompressed-size limit for gzip input when
// Options.MaxDecompressed is 0.
const DefaultMaxDecompressed = 4 << 30 // 4 GiB
