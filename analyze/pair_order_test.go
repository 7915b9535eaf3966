package analyze

import (
	"runtime"
	"testing"
	"time"
)

// TestPairFollowUpsFirst pairs n follow-ups listed before their n
// preflights, none with a time: every follow-up waits, and each preflight
// takes the oldest. Removing a matched entry used to copy the whole waiting
// queue, which made this quadratic (100,000 pairs: 35 s and 41 GB
// allocated); the allocation bound below is what the linear version needs.
func TestPairFollowUpsFirst(t *testing.T) {
	const n = 20000
	const u = "https://api.example.com/x"
	var nodes []*node
	for i := range n {
		nodes = append(nodes, newNode(entry(i, "PUT", u, time.Time{}, "Origin", "https://a.example")))
	}
	for i := range n {
		nodes = append(nodes, newNode(entry(n+i, "OPTIONS", u, time.Time{}, "Origin", "https://a.example", "Access-Control-Request-Method", "PUT")))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	pairNodes(nodes)
	runtime.ReadMemStats(&after)
	for i := range n {
		if nodes[i].partner != nodes[n+i] {
			t.Fatalf("follow-up %d not paired with preflight %d", i, n+i)
		}
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("pairing %d follow-ups listed first allocated %d MiB: quadratic", n, alloc>>20)
	}
}
