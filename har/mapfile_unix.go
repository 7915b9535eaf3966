//go:build unix

package har

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps the regular file f, of size bytes, read-only into memory,
// or returns nil when it cannot (the caller then reads f as a stream).
func mapFile(f *os.File, size int64) *mapping {
	if size <= 0 || int64(int(size)) != size {
		return nil
	}
	data, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil
	}
	// The inflater reads the mapping once from start to end: ask the
	// kernel to read ahead far and to drop pages behind.
	_ = unix.Madvise(data, unix.MADV_SEQUENTIAL)
	return &mapping{data: data}
}

// release drops the pages of m before offset off from the process's
// memory: they stay in the page cache, but no longer count in its
// resident set, which otherwise grows to the size of the file.
func (m *mapping) release(off int) {
	off &^= os.Getpagesize() - 1
	if off > m.released {
		_ = unix.Madvise(m.data[m.released:off], unix.MADV_DONTNEED)
		m.released = off
	}
}

// unmap removes the mapping. Nothing may read m.data afterwards.
func (m *mapping) unmap() {
	if m.data != nil {
		_ = unix.Munmap(m.data)
		m.data = nil
	}
}
