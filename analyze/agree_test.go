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
	if len(verdicts) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("no recorded scenarios under testdata/hars")
		}
		t.Skip("no recorded scenarios under testdata/hars yet")
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
			problems, notes := verdict.Check(harPath, v, strings.HasPrefix(filepath.ToSlash(name), "shapes/"))
			for _, n := range notes {
				t.Log(n)
			}
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// TestAgreesWithFirefox runs harcors on every scenario recorded with
// Firefox (testdata/hars/firefox: Firefox's HAR shape, Firefox's verdicts)
// and compares its Firefox key and console message with what Firefox
// printed.
func TestAgreesWithFirefox(t *testing.T) {
	root := filepath.Join("..", "testdata", "hars")
	verdicts, _ := filepath.Glob(filepath.Join(root, "firefox", "*.verdict.json"))
	if len(verdicts) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Firefox recordings under testdata/hars/firefox")
		}
		t.Skip("no Firefox recordings under testdata/hars/firefox yet")
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
			problems, notes := verdict.CheckFirefox(harPath, v)
			for _, n := range notes {
				t.Log(n)
			}
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}
