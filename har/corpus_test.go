package har

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// corpusDir is the shared corpus of public HAR files, outside the module
// (see /work/shared/corpus/public-hars/SOURCES.md).
var corpusDir = filepath.Join("..", "..", "shared", "corpus", "public-hars")

// corpusFiles lists the corpus, skipping the test when it is absent (a
// checkout without the shared directory) unless CI=true.
func corpusFiles(tb testing.TB) []string {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.har"))
	if len(files) == 0 {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("no public HAR corpus at %s (required when CI=true)", corpusDir)
		}
		tb.Skipf("no public HAR corpus at %s", corpusDir)
	}
	return files
}

// jsonEntryCount counts log.entries with encoding/json, the reference the
// streaming reader must agree with.
func jsonEntryCount(data []byte) (int, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	var doc struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return 0, err
	}
	return len(doc.Log.Entries), nil
}

func TestPublicCorpus(t *testing.T) {
	for _, path := range corpusFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want, err := jsonEntryCount(data)
			if err != nil {
				t.Fatalf("encoding/json cannot read the reference file: %v", err)
			}
			r, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			n := 0
			for {
				e, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("after %d entries: %v", n, err)
				}
				if e.Index != n {
					t.Errorf("entry %d has Index %d", n, e.Index)
				}
				if e.Line < 1 || e.Offset < 0 || e.Offset >= int64(len(data)) {
					t.Errorf("entry %d: implausible position line %d offset %d", n, e.Line, e.Offset)
				} else if c := bytes.TrimPrefix(data, utf8BOM)[e.Offset]; c != '{' {
					t.Errorf("entry %d: byte at Offset %d is %q, want '{'", n, e.Offset, c)
				}
				if e.Request.Method == "" || e.Request.URL == "" {
					t.Errorf("entry %d: no method or URL", n)
				}
				n++
			}
			if n != want {
				t.Errorf("read %d entries, encoding/json counts %d", n, want)
			}
			if r.Log().Creator.Name == "" {
				t.Errorf("no creator name")
			}
			for _, w := range r.Warnings() {
				t.Logf("warning: %v", w)
			}
		})
	}
}
