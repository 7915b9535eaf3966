package hargen_test

import "runtime"

// heapSampler is an io.Writer that discards what it is given and records
// the largest live heap seen every 16 writes.
type heapSampler struct {
	n    int
	peak uint64
}

func (h *heapSampler) Write(p []byte) (int, error) {
	h.n++
	if h.n%16 == 0 {
		var s runtime.MemStats
		runtime.ReadMemStats(&s)
		h.peak = max(h.peak, s.HeapAlloc)
	}
	return len(p), nil
}
