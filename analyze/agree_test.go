package analyze_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harcors/harcors/internal/verdict"
)

// TestAgreesWithChromium runs harcors on every browser-recorded scenario in
// testdata/hars (Chromium's own HARs and their conversions to other
// exporters' shapes) and compares its verdicts with the browser's.
func TestAgreesWithChromium(t *testing.T) {
	root := filepath.Join("..", "testdata", "hars")
	all, _ := filepath.Glob(filepath.Join(root, "*", "*.verdict.json"))
	var verdicts []string
	for _, vf := range all {
		// Firefox's own recordings are judged by TestAgreesWithFirefox.
		if filepath.Base(filepath.Dir(vf)) != "firefox" {
			verdicts = append(verdicts, vf)
		}
	}
	more, _ := filepath.Glob(filepath.Join(root, "shapes", "*", "*.verdict.json"))
	verdicts = append(verdicts, more...)
	runAgreement(t, root, verdicts, "no recorded scenarios under testdata/hars", func(harPath, name string, v *verdict.Verdict) ([]string, []string) {
		return verdict.Check(harPath, v, strings.HasPrefix(filepath.ToSlash(name), "shapes/"))
	})
}

// TestAgreesWithFirefox runs harcors on every scenario recorded with
// Firefox (testdata/hars/firefox: Firefox's HAR shape, Firefox's verdicts)
// and compares its Firefox key and console message with what Firefox
// printed.
func TestAgreesWithFirefox(t *testing.T) {
	root := filepath.Join("..", "testdata", "hars")
	verdicts, _ := filepath.Glob(filepath.Join(root, "firefox", "*.verdict.json"))
	runAgreement(t, root, verdicts, "no Firefox recordings under testdata/hars/firefox", func(harPath, _ string, v *verdict.Verdict) ([]string, []string) {
		return verdict.CheckFirefox(harPath, v)
	})
}

// runAgreement runs check as a subtest for every verdict file and its HAR,
// logging the notes and failing on the problems. With no verdict files it
// fails with missing: the fixtures are part of the repository.
func runAgreement(t *testing.T, root string, verdicts []string, missing string, check func(harPath, name string, v *verdict.Verdict) (problems, notes []string)) {
	if len(verdicts) == 0 {
		t.Fatal(missing)
	}
	for _, vf := range verdicts {
		harPath := strings.TrimSuffix(vf, ".verdict.json") + ".har"
		name, _ := filepath.Rel(root, harPath)
		t.Run(name, func(t *testing.T) {
			v, err := verdict.Load(vf)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(harPath); err != nil {
				t.Fatalf("verdict without its HAR: %v", err)
			}
			problems, notes := check(harPath, name, v)
			for _, n := range notes {
				t.Log(n)
			}
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}
