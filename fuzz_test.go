package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/testcorpus"
	"github.com/harcors/harcors/report"
)

// publicCorpus is the public captures copied into the repository.
var publicCorpus = testcorpus.Dir

// maxSeedSize bounds the files used as fuzz seeds: the fuzzer minimises every
// new input, and minimising a large one stalls it for minutes.
const maxSeedSize = 12 << 10

// pipelineBudget is how long one input may take through the whole pipeline
// (read, analyse, sixteen renderings). Fuzz inputs are small, so anything
// near it is a hang or a blow-up, not a slow machine.
const pipelineBudget = 10 * time.Second

// seedFiles returns the small HAR files of testdata/hars/** and of the public
// corpus, in a stable order. The recorded captures (chromium/, and shapes/,
// the same captures in six other exporters' shapes) are many and alike, so
// only every seedStride-th of each folder is taken; the damaged and hostile
// fixtures and the public corpus are taken whole.
func seedFiles() []string {
	byDir := map[string][]string{}
	var dirs []string
	filepath.WalkDir(filepath.Join("testdata", "hars"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && isSeedName(d.Name()) {
			dir := filepath.Dir(path)
			if byDir[dir] == nil {
				dirs = append(dirs, dir)
			}
			byDir[dir] = append(byDir[dir], path)
		}
		return nil
	})
	pub, _ := filepath.Glob(filepath.Join(publicCorpus, "*.har"))
	if len(pub) > 0 {
		dirs = append(dirs, publicCorpus)
		byDir[publicCorpus] = pub
	}
	var small []string
	for _, dir := range dirs {
		stride := 1
		switch {
		case filepath.Base(dir) == "chromium":
			stride = 4
		case filepath.Base(filepath.Dir(dir)) == "shapes":
			stride = 15
		}
		for i, p := range byDir[dir] {
			if i%stride != 0 {
				continue
			}
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Size() <= maxSeedSize {
				small = append(small, p)
			}
		}
	}
	return small
}

func isSeedName(name string) bool {
	return strings.HasSuffix(name, ".har") || strings.HasSuffix(name, ".harp") || strings.HasSuffix(name, ".har.gz")
}

// FuzzPipeline runs arbitrary bytes through everything a HAR meets on its way
// to the user: the reader, the analysis, and every renderer with and without
// --all and --show-secrets. Nothing may panic; JSON and SARIF must parse;
// no output may hold invalid UTF-8 or a raw control character, terminal
// escape or bidi control; the analysis must account for every entry the
// reader returned; and one input must stay within pipelineBudget.
func FuzzPipeline(f *testing.F) {
	for _, path := range seedFiles() {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"",
		"{}",
		`{"log":{"entries":[{}]}}`,
		`{"log":{"entries":[{"request":{"method":"OPTIONS","url":"http://api/\u001b[2J","headers":[{"name":"Origin","value":"http://a\u202e"}]},"response":{"status":204}}]}}`,
		`{"log":{"entries":[{"request":{"url":"http://a/","headers":[["Origin","http://b"]]},"response":{"status":"0","_error":"net::ERR_FAILED","redirectURL":"\u0085"}}]}}`,
		`{"log":{"entries":[null,{"request":null,"response":null,"_initiator":null,"time":null}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkPipeline(t, data, false)
	})
}

// checkPipeline runs data through the pipeline and checks its invariants;
// the tests use it on every fixture too. With every, each format is
// rendered in all four combinations of --all and --show-secrets; without
// it (fuzzing, where each call must be quick), in the one combination that
// the input's last byte selects, which the fuzzer flips as easily as any.
func checkPipeline(t *testing.T, data []byte, every bool) {
	t.Helper()
	start := time.Now()
	// A small decompression limit: a fuzzed gzip stream must not take
	// the budget expanding.
	ropt := har.Options{MaxDecompressed: 8 << 20}
	res := analyze.Reader("fuzz.har", bytes.NewReader(data), analyze.Options{}, ropt)
	if res == nil {
		t.Fatal("analyze.Reader returned nil")
	}

	// Never a silent loss: the analysis saw every entry the reader gave,
	// and reports the reader's error.
	ropt.Name = "fuzz.har"
	_, entries, rerr := har.ReadAll(bytes.NewReader(data), ropt)
	if res.Entries != len(entries) {
		t.Fatalf("analysed %d entries, the reader returned %d", res.Entries, len(entries))
	}
	if (rerr == nil) != (res.Err == nil) {
		t.Fatalf("reader error %v, analysis error %v", rerr, res.Err)
	}
	if res.Err != nil {
		if _, ok := res.Err.(*har.Error); !ok {
			t.Fatalf("error %T %v, want *har.Error", res.Err, res.Err)
		}
	}

	combos := [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}}
	if !every {
		sel := 0
		if len(data) > 0 {
			sel = int(data[len(data)-1] & 3)
		}
		combos = combos[sel : sel+1]
	}
	for _, format := range report.Formats() {
		for _, combo := range combos {
			all, secrets := combo[0], combo[1]
			opt := report.Options{Format: format, All: all, ShowSecrets: secrets, MinSeverity: analyze.Info, Version: "fuzz"}
			if all {
				opt.Width = 60 // the narrowest table: the most wrapping
			}
			var buf bytes.Buffer
			if err := report.Render(&buf, []*analyze.Result{res}, opt); err != nil {
				t.Fatalf("%s all=%v secrets=%v: %v", format, all, secrets, err)
			}
			checkOutput(t, fmt.Sprintf("%s all=%v secrets=%v", format, all, secrets), format, buf.Bytes(), res)
		}
	}
	// Several files add the cross-file summary (causes grouped by host,
	// endpoints, origins) to the table and Markdown.
	two := *res
	two.File = "other.har"
	for _, format := range []report.Format{report.Table, report.Markdown} {
		var buf bytes.Buffer
		if err := report.Render(&buf, []*analyze.Result{res, &two}, report.Options{Format: format, MinSeverity: analyze.Info}); err != nil {
			t.Fatalf("%s, two files: %v", format, err)
		}
		checkOutput(t, string(format)+", two files", format, buf.Bytes(), res)
	}
	if d := time.Since(start); d > pipelineBudget {
		t.Fatalf("%d bytes took %v through the pipeline (budget %v)", len(data), d, pipelineBudget)
	}
}

// checkOutput checks one rendering: valid UTF-8, nothing dangerous raw,
// JSON and SARIF parse, and the JSON accounts for the file and its error.
func checkOutput(t *testing.T, what string, format report.Format, out []byte, res *analyze.Result) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatalf("%s: output is not valid UTF-8:\n%q", what, out)
	}
	if i, r := firstDangerous(out, format == report.JSON); i >= 0 {
		lo, hi := max(0, i-60), min(len(out), i+60)
		t.Fatalf("%s: raw %U at byte %d: %q", what, r, i, out[lo:hi])
	}
	switch format {
	case report.JSON:
		var doc report.JSONReport
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatalf("%s: output does not parse: %v\n%s", what, err, out)
		}
		if len(doc.Files) != 1 || doc.Files[0].Entries != res.Entries || (doc.Files[0].Error == nil) != (res.Err == nil) {
			t.Fatalf("%s: the JSON does not account for the file: %s", what, out)
		}
	case report.SARIF:
		var doc struct {
			Version string `json:"version"`
			Runs    []json.RawMessage
		}
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatalf("%s: output does not parse: %v\n%s", what, err, out)
		}
		if doc.Version != "2.1.0" || len(doc.Runs) != 1 {
			t.Fatalf("%s: not a SARIF 2.1.0 log with one run: %.300s", what, out)
		}
	}
}

// firstDangerous finds the first character that must never reach the output
// raw: a C0 control other than newline (ESC included), DEL, a C1 control,
// a bidi embedding, override or isolate (U+202A-U+202E, U+2066-U+2069),
// the bidi marks, or U+2028/U+2029. It returns -1 when there is none.
//
// In JSON, DEL passes: encoding/json writes it raw and the report's
// jsonSafe leaves it (it escapes only non-ASCII); terminals ignore it, so
// it is a blemish, not a hazard. FuzzPipeline found it; see
// testdata/fuzz/FuzzPipeline. (SARIF sanitizes its strings and has none.)
func firstDangerous(out []byte, delOK bool) (int, rune) {
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRune(out[i:])
		switch {
		case r < 0x20 && r != '\n',
			r == 0x7f && !delOK,
			r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e,
			r >= 0x2066 && r <= 0x2069,
			r == 0x200e, r == 0x200f, r == 0x061c,
			r == 0x2028, r == 0x2029:
			return i, r
		}
		i += n
	}
	return -1, 0
}

// TestPipelineSeeds runs the fuzz seeds (every small fixture) through the
// pipeline's checks in a plain go test, so that CI checks them even when it
// does not fuzz.
func TestPipelineSeeds(t *testing.T) {
	files := seedFiles()
	if len(files) < 20 {
		t.Fatalf("only %d seed files", len(files))
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimPrefix(filepath.ToSlash(path), "testdata/hars/"), func(t *testing.T) { checkPipeline(t, data, true) })
	}
}
