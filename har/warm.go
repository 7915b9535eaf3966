package har

import (
	"bytes"
	"errors"
	"io"
	"sync/atomic"
)

// WarmPieces reads data, a capture in memory, in pieces of warmChunk bytes,
// each read by ReadPiece in this program and handed back in the packed
// encoding, as a second WebAssembly instance reads the pieces of a large
// file; the entries are dropped. It returns how many pieces were read that
// way, and the first error reading data.
//
// The page's warm-up (web/wasm) runs it when harcors.wasm loads. A browser
// compiles a WebAssembly function with its optimizing compiler only after
// the function has run a while, on threads of its own. Without this the
// piece paths (ReadPiece and the packed encoding in one instance, the
// decoding in the other) were compiled during the user's first large
// capture, on a two-core machine taking CPU from the two instances.
func WarmPieces(data []byte) (int, error) {
	src := memGrowing{bytes.NewReader(data)}
	pr := &memPieces{src: src}
	t := defaultTuning
	t.splitMinSize, t.splitChunk = 0, warmChunk
	r, err := NewReader(src, Options{Name: "warm-up.har", Workers: 1, Pieces: pr, tune: &t})
	if err != nil {
		return 0, err
	}
	defer r.Close()
	for {
		if _, err := r.Next(); err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return int(pr.calls.Load()), err
		}
	}
}

// warmChunk is WarmPieces' piece size: small, so that a capture of a few
// MiB makes many pieces.
const warmChunk = 64 << 10

// memGrowing is a Growing input that has all arrived.
type memGrowing struct{ *bytes.Reader }

func (m memGrowing) Arrived() (int64, bool) { return m.Size(), true }

// memPieces is a PieceReader that reads the pieces itself, from src.
type memPieces struct {
	src   io.ReaderAt
	calls atomic.Int64
}

func (m *memPieces) ReadPiece(job []byte, _ int64) ([]byte, error) {
	m.calls.Add(1)
	return ReadPiece(m.src, job)
}
