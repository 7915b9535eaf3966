//go:build !unix

package har

import "os"

// mapFile returns nil: on this system a gzip file is read as a stream.
func mapFile(f *os.File, size int64) *mapping { return nil }

func (m *mapping) release(off int) {}

func (m *mapping) unmap() {}
