package har

import "runtime"

// This file holds the Reader's options; reader.go implements the Reader.

// Options control a Reader.
type Options struct {
	// Name is the file name used in errors ("-" or "" for standard input).
	Name string
	// MaxDecompressed bounds the bytes a gzip-compressed input may expand
	// to; past it reading stops with an error (a gzip bomb). 0 means
	// DefaultMaxDecompressed.
	MaxDecompressed int64
	// Workers is how many goroutines may read at once, the one calling
	// Next included: 1 starts none; 2 or more lets Open and NewReader read
	// ahead in a goroutine of their own (reading and decompressing on
	// another core while entries are decoded) and Open read a large file
	// in pieces on that many goroutines. 0 means runtime.GOMAXPROCS(0).
	// A program that reads several inputs at once shares its cores among
	// them (harcors gives each of N inputs read at once GOMAXPROCS/N).
	Workers int
}

// workers is Options.Workers, 0 resolved.
func (o *Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// DefaultMaxDecompressed is the decompressed-size limit for gzip input when
// Options.MaxDecompressed is 0.
const DefaultMaxDecompressed = 4 << 30 // 4 GiB
