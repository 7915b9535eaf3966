package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/testcorpus"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenDir holds the expected outputs, at the repository root beside the
// HARs they come from.
const goldenDir = "../testdata/golden"

// goldenSet is a batch of HARs rendered together, as `harcors a.har b.har`
// would: per-file sections and the summary across files.
type goldenSet struct {
	name string
	dir  string
	// show is the directory the paths are printed under, so that goldens
	// do not depend on where the test runs.
	show    string
	files   []string
	formats []string // golden kinds, see render
	// corpus sets take their files from the public captures (see
	// internal/testcorpus): skipped when one is only in the shared corpus
	// and that is absent, unless CI=true.
	corpus bool
	// other sets are skipped when a file is missing unless required.
	required bool
}

var goldenSets = []goldenSet{
	{
		// Browser-recorded scenarios: a header refused by the preflight, a
		// wildcard with credentials, a missing OPTIONS route, a clean pass,
		// a proxy that duplicates the header, warnings and an info on
		// repeated preflights.
		name: "chromium", dir: "../testdata/hars/chromium", show: "testdata/hars/chromium",
		files: []string{
			"express--allowed-headers-restricted.har",
			"go--acao-star-credentials.har",
			"go--preflight-404.har",
			"go--simple-get-acao-star.har",
			"nginx--proxy-duplicate-acao.har",
			"go--max-age-acah-star-authorization.har",
		},
		formats: []string{"table", "table-200", "md", "json", "sarif"},
	},
	{
		// Real-world captures: an MCP inspector session with a refused
		// header, missing OPTIONS routes and error responses, and a
		// Supabase session whose requests carry an apikey JWT.
		name: "corpus", corpus: true, show: "corpus",
		files: []string{
			"ryanbas21__aic-typescript-mcp-sdk__localhost.har",
			"ThomasK3__StudyHub__127.0.0.1.har",
		},
		formats: []string{"table", "table-200", "md"},
	},
	{
		name: "hostile", dir: "../testdata/hars/hostile", show: "testdata/hars/hostile",
		files:    []string{"secrets.har", "escapes.har"},
		formats:  []string{"table", "md", "json"},
		required: true,
	},
}

// load analyses the set's files, or says why it cannot.
func (g goldenSet) load(t *testing.T) []*analyze.Result {
	t.Helper()
	var rs []*analyze.Result
	for _, f := range g.files {
		p := filepath.Join(g.dir, f)
		if g.corpus {
			p = testcorpus.Path(t, "..", f)
		} else if _, err := os.Stat(p); err != nil {
			if g.required {
				t.Fatalf("fixture missing: %v", err)
			}
			t.Skipf("fixture not here: %v", err)
		}
		rs = append(rs, analyzeAs(t, p, g.show+"/"+f))
	}
	return rs
}

// analyzeAs analyses path and renames it to shown in the result, as if
// harcors had been run on shown from the repository root.
func analyzeAs(t *testing.T, path, shown string) *analyze.Result {
	t.Helper()
	r := analyze.File(path, analyze.Options{}, har.Options{})
	r.File = shown
	for i := range r.Findings {
		r.Findings[i].File = shown
	}
	return r
}

// render produces one golden kind.
func render(t *testing.T, kind string, rs []*analyze.Result) []byte {
	t.Helper()
	opt := Options{Version: "test"}
	switch kind {
	case "table":
		// What harcors prints by default on an 80-column terminal.
		opt.Format, opt.Width, opt.MinSeverity = Table, 80, DefaultMinSeverity(Table)
	case "table-200":
		// Everything: info findings and every request.
		opt.Format, opt.Width, opt.All = Table, 200, true
	case "md":
		opt.Format, opt.All, opt.MinSeverity = Markdown, true, DefaultMinSeverity(Markdown)
	case "json":
		opt.Format = JSON
	case "sarif":
		opt.Format, opt.MinSeverity = SARIF, DefaultMinSeverity(SARIF)
	default:
		t.Fatalf("unknown golden kind %q", kind)
	}
	var buf bytes.Buffer
	if err := Render(&buf, rs, opt); err != nil {
		t.Fatalf("Render %s: %v", kind, err)
	}
	return buf.Bytes()
}

func goldenExt(kind string) string {
	switch kind {
	case "table", "table-200":
		return "." + kind + ".txt"
	case "md":
		return ".md"
	case "sarif":
		return ".sarif.json"
	}
	return "." + kind
}

func TestGolden(t *testing.T) {
	for _, g := range goldenSets {
		t.Run(g.name, func(t *testing.T) {
			rs := g.load(t)
			for _, kind := range g.formats {
				t.Run(kind, func(t *testing.T) {
					got := render(t, kind, rs)
					path := filepath.Join(goldenDir, g.name+goldenExt(kind))
					if *update {
						if err := os.MkdirAll(goldenDir, 0o755); err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(path, got, 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
					want, err := os.ReadFile(path)
					if err != nil {
						t.Fatalf("%v (run go test ./report -update)", err)
					}
					if !bytes.Equal(got, want) {
						t.Errorf("%s differs from the golden file; diff:\n%s\n(run go test ./report -update if the change is intended)", path, firstDiff(string(want), string(got)))
					}
				})
			}
		})
	}
}

// firstDiff shows the first differing line with a little context.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n- " + w + "\n+ " + g
		}
	}
	return "(no line differs; trailing bytes?)"
}
