// Package testcorpus lists the public HAR captures that tests read: those
// copied into testdata/corpus (MIT, BSD and ISC licensed, see its
// SOURCES.md), so that a clone of the repository alone passes its tests,
// and the wider workspace corpus at ../shared/corpus/public-hars when it
// sits beside the repository.
package testcorpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir is the in-repository corpus, relative to the repository root.
const Dir = "testdata/corpus"

// sharedDir is the wider corpus, relative to the repository root.
const sharedDir = "../shared/corpus/public-hars"

// Repo returns the in-repository captures, sorted. root is the path of the
// repository root from the test's package directory ("." or "..").
func Repo(root string) []string {
	files, _ := filepath.Glob(filepath.Join(root, Dir, "*.har"))
	return files
}

// Files returns the in-repository captures, then those of the shared
// corpus that are not copies of them. Without the shared corpus it logs
// why those are skipped, or fails the test when CI is "true" (CI machines
// have it beside the repository).
func Files(tb testing.TB, root string) []string {
	tb.Helper()
	files := Repo(root)
	if len(files) == 0 {
		tb.Fatalf("no captures under %s", filepath.Join(root, Dir))
	}
	have := map[string]bool{}
	for _, f := range files {
		have[filepath.Base(f)] = true
	}
	shared := Shared(tb, root)
	for _, f := range shared {
		if !have[filepath.Base(f)] {
			files = append(files, f)
		}
	}
	return files
}

// Shared returns the shared corpus's captures, or none (with the reason
// logged, or a failure when CI is "true") when it is absent.
func Shared(tb testing.TB, root string) []string {
	tb.Helper()
	dir := filepath.Join(root, sharedDir)
	files, _ := filepath.Glob(filepath.Join(dir, "*.har"))
	if len(files) == 0 {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("no shared corpus at %s (required when CI=true)", dir)
		}
		tb.Logf("shared corpus not at %s: its captures are skipped", dir)
	}
	return files
}

// Path finds the capture named name in the repository's corpus, else in the
// shared corpus. When it is in neither it skips the test, or fails it when
// CI is "true".
func Path(tb testing.TB, root, name string) string {
	tb.Helper()
	if p, ok := Find(root, name); ok {
		return p
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("capture %s is neither in %s nor in %s (required when CI=true)", name, Dir, sharedDir)
	}
	tb.Skipf("capture %s is only in the shared corpus, not here", name)
	return ""
}

// Find returns the path of the capture named name, in the repository's
// corpus or else the shared one, and whether it is in either.
func Find(root, name string) (string, bool) {
	for _, dir := range []string{Dir, sharedDir} {
		p := filepath.Join(root, dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return "", false
}
