package analyze

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestSpoolWithoutFile: when the copy cannot be written (here a file
// opened read-only, as a full TMPDIR would refuse it), the input is kept
// in memory and read whole, sequentially and at any offset, instead of
// the run failing.
func TestSpoolWithoutFile(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 300_000) // 4.6 MiB: several gathers
	path := filepath.Join(t.TempDir(), "copy")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ro, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	sp := &spool{file: ro, copying: true}
	sp.cond.L = &sp.mu
	go sp.copyFrom(bytes.NewReader(data))
	got, err := io.ReadAll(&spoolView{sp: sp})
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes (error %v), want the %d of the input", len(got), err, len(data))
	}
	held := 0
	for _, b := range sp.mem {
		held += len(b)
	}
	if sp.fileN != 0 || held != len(data) {
		t.Errorf("file %d bytes, memory %d: want everything in memory", sp.fileN, held)
	}
	checkSpoolReadAt(t, sp, data)
}

// TestSpoolReadAtSplit reads across the boundary between the file and
// memory, as after a write failed part way.
func TestSpoolReadAtSplit(t *testing.T) {
	data := bytes.Repeat([]byte("harcors-"), 4096)
	for _, k := range []int{0, 1, 777, len(data) / 2, len(data) - 1, len(data)} {
		f, err := os.Create(filepath.Join(t.TempDir(), "copy"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(data[:k]); err != nil {
			t.Fatal(err)
		}
		// The part after the file in buffers of 1,000 bytes.
		sp := &spool{file: f, n: int64(len(data)), fileN: int64(k)}
		for at := k; at < len(data); at += 1000 {
			sp.mem = append(sp.mem, bytes.Clone(data[at:min(at+1000, len(data))]))
			sp.memAt = append(sp.memAt, int64(at))
		}
		sp.cond.L = &sp.mu
		checkSpoolReadAt(t, sp, data)
		f.Close()
	}
}

func checkSpoolReadAt(t *testing.T, sp *spool, data []byte) {
	t.Helper()
	v := &spoolView{sp: sp}
	for _, off := range []int{0, 1, 4095, len(data) / 3, len(data) - 100} {
		for _, n := range []int{1, 100, 5000} {
			n = min(n, len(data)-off)
			p := make([]byte, n)
			m, err := v.ReadAt(p, int64(off))
			if m != n || err != nil || !bytes.Equal(p, data[off:off+n]) {
				t.Fatalf("ReadAt(%d bytes, %d) with %d in the file: %d bytes, %v; want the input's", n, off, sp.fileN, m, err)
			}
		}
	}
}
