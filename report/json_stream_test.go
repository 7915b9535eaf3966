package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/hargen"
)

// TestJSONManyFindings: a capture with thousands of findings, whose JSON
// lists are encoded in chunks on several goroutines, lists every finding
// and request once, in order. Run with -race, it also checks that the
// chunks share nothing.
func TestJSONManyFindings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "systemic.har")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hargen.Write(f, hargen.Config{Entries: 6000, Mix: hargen.MetadataDense, Seed: 3, Systemic: true}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res := analyze.File(path, analyze.Options{Keep: analyze.KeepLight}, har.Options{})
	if len(res.Findings) < 4*jsonChunk || len(res.Requests) < 4*jsonChunk {
		t.Fatalf("%d findings, %d requests: too few to span several chunks", len(res.Findings), len(res.Requests))
	}
	out := mustRender(t, []*analyze.Result{res}, Options{Format: JSON, MinSeverity: analyze.Info})
	var doc JSONReport
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	jf := doc.Files[0]
	if len(jf.Findings) != len(res.Findings) || len(jf.Requests) != len(res.Requests) {
		t.Fatalf("%d findings and %d requests in the JSON, %d and %d analysed", len(jf.Findings), len(jf.Requests), len(res.Findings), len(res.Requests))
	}
	for i, x := range jf.Findings {
		if f := res.Findings[i]; x.Entry != f.Entry || x.Rule != f.Rule.ID {
			t.Fatalf("finding %d is %d %s in the JSON, %d %s analysed", i, x.Entry, x.Rule, f.Entry, f.Rule.ID)
		}
	}
	for i, q := range jf.Requests {
		if q.Entry != res.Requests[i].Entry {
			t.Fatalf("request %d is entry %d in the JSON, %d analysed", i, q.Entry, res.Requests[i].Entry)
		}
	}
}
