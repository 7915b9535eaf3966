//go:build unix

package batch

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestGlobSkipsFIFO: a FIFO or a device matched by a pattern is named and
// skipped, as a walk skips it; opened, it hung the whole batch with
// nothing reported. Named on its own, it is still read (<(...)).
func TestGlobSkipsFIFO(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "good.har"), []byte("{}"), 0o644)
	fifo := filepath.Join(dir, "pipe.har")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	os.Symlink("/dev/zero", filepath.Join(dir, "zero.har"))
	got := map[string]string{}
	for _, in := range Discover([]string{filepath.Join(dir, "*.har")}) {
		got[filepath.Base(in.Path)] = fmt.Sprint(in.Err)
	}
	if got["good.har"] != "<nil>" || !strings.Contains(got["pipe.har"], "not a regular file") || !strings.Contains(got["zero.har"], "not a regular file") {
		t.Errorf("inputs %q", got)
	}
	if in := Discover([]string{fifo}); len(in) != 1 || in[0].Err != nil {
		t.Errorf("a FIFO named on its own: %+v", in)
	}
}
