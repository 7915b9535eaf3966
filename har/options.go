package har

import (
	"runtime"
	"time"
)

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
	// in pieces on that many goroutines, from the point at which its
	// caller is seen waiting for Next (see demand in split.go). 0 means
	// runtime.GOMAXPROCS(0).
	// A program that reads several inputs at once shares its cores among
	// them (harcors gives each of N inputs read at once GOMAXPROCS/N).
	Workers int
	// Pieces, when not nil, reads pieces of a large input too, beside
	// Workers-1 goroutines: in another program, such as a second
	// WebAssembly instance, that reads the same bytes (see PieceReader).
	// The input is then read in pieces with Workers 1 too, when it is a
	// regular file Open opens, or a Growing input.
	Pieces PieceReader

	// tune, when not nil, replaces defaultTuning: tests set it to read
	// small files ahead or in pieces.
	tune *readTuning
}

// readTuning holds the sizes from which the Reader starts goroutines.
type readTuning struct {
	// aheadMinSize is the smallest regular file that is read ahead.
	// Below it the goroutine and its buffers cost more than the reading
	// they would overlap: in a folder of 1 MiB captures read two at a
	// time, reading ahead made the whole run 7% slower.
	aheadMinSize int64
	// splitMinSize is the smallest file read in pieces, and splitChunk
	// the size of a piece: large enough that finding a piece's first entry
	// costs nothing beside reading it, small enough that the pieces read
	// ahead of the one being handed out (splitAhead per worker) hold few
	// entries: a 2 MiB piece of a metadata-dense capture holds ~2,900. On
	// dense.har (100 MiB), pieces of 4 MiB took the peak from 88 to
	// 103-115 MiB, pieces of 2 MiB to 92-100, of 1 MiB to 89-97.
	splitMinSize, splitChunk int64
	// gateBytes, gateEntries and gateEvery say when a file that may be
	// read in pieces is (see demand in split.go): once Next was busy
	// for gateBusy of the time over a window of at least gateBytes and
	// gateEntries (or of 8 × gateBytes), windows starting every
	// gateEvery bytes. gateBytes 0 splits as soon as the separator is
	// known.
	gateBytes   int64
	gateEntries int
	gateEvery   int64
	gateBusy    float64
	// now is the clock demand reads (time.Now but in tests).
	now func() time.Time
}

var defaultTuning = readTuning{
	aheadMinSize: 4 << 20, splitMinSize: 64 << 20, splitChunk: 2 << 20,
	gateBytes: 2 << 20, gateEntries: 512, gateEvery: 32 << 20, gateBusy: 0.9, now: time.Now,
}

func (o *Options) tuning() *readTuning {
	if o.tune != nil {
		return o.tune
	}
	return &defaultTuning
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
