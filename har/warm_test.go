package har

import (
	"testing"

	"github.com/harcors/harcors/internal/hargen"
)

// TestWarmPieces: the page's warm-up reads its capture through the piece
// paths (most of it handed back by ReadPiece, not read by the Reader
// itself), and reports a damaged capture instead of hiding it.
func TestWarmPieces(t *testing.T) {
	data := genBytes(t, hargen.Config{Size: 1 << 20, Mix: hargen.MetadataDense, Seed: 2})
	n, err := WarmPieces(data)
	if err != nil {
		t.Fatal(err)
	}
	if pieces := len(data) / warmChunk; n < pieces*3/4 {
		t.Errorf("%d pieces read by ReadPiece, want about %d", n, pieces)
	}
	if _, err := WarmPieces(data[:len(data)/2]); err == nil {
		t.Error("half a capture: no error")
	}
	if _, err := WarmPieces([]byte("not a capture")); err == nil {
		t.Error("not JSON: no error")
	}
}
