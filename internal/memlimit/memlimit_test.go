package memlimit

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// collectUntil runs collections until cond holds, or fails after 10 s.
func collectUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(end) {
			t.Fatalf("after 10 s of collections: not %s", what)
		}
		runtime.GC()
		time.Sleep(time.Millisecond) // the cleanup goroutine's turn
	}
}

func restoreLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
}

func TestKeptWhileHeapSmall(t *testing.T) {
	restoreLimit(t)
	l := Soft(1<<30, 0)
	collectUntil(t, "checked three times", func() bool { return l.checks.Load() >= 3 })
	if l.Lifted() {
		t.Error("a 1 GiB limit was lifted over this test's small heap")
	}
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("limit %d, want %d", got, 1<<30)
	}
}

func TestLiftedNearLiveHeap(t *testing.T) {
	restoreLimit(t)
	live := make([]byte, 24<<20)
	for i := range live {
		live[i] = byte(i)
	}
	oldPercent := debug.SetGCPercent(400)
	t.Cleanup(func() { debug.SetGCPercent(oldPercent) })
	l := Soft(16<<20, 150) // below the live heap: the collector would run back to back
	collectUntil(t, "lifted", l.Lifted)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit %d after lifting, want none (%d)", got, int64(math.MaxInt64))
	}
	// GOGC now bounds the heap alone, at the percentage given.
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("GOGC %d after lifting, want 150", got)
	}
	runtime.KeepAlive(live)
}

// TestLiftedWhenCollectingCostly: a live heap between half and three
// quarters of the limit keeps it, until collecting takes more than
// maxGCShare of the CPU; back-to-back collections of a heap of a million
// small objects soon do, however busy the machine (the share is of the
// process's own time).
func TestLiftedWhenCollectingCostly(t *testing.T) {
	restoreLimit(t)
	live := make([]*[16]byte, 1<<20)
	for i := range live {
		live[i] = new([16]byte)
	}
	l := Soft(40<<20, 0) // live is about 24 MiB
	for end := time.Now().Add(30 * time.Second); !l.Lifted(); {
		if time.Now().After(end) {
			t.Fatalf("not lifted after 30 s of collections (%d checked)", l.checks.Load())
		}
		runtime.GC()
		runtime.Gosched() // the cleanup goroutine's turn
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit %d after lifting, want none", got)
	}
	runtime.KeepAlive(live)
}

func TestOtherLimitLeftAlone(t *testing.T) {
	restoreLimit(t)
	l := Soft(1<<30, 0)
	debug.SetMemoryLimit(1 << 29) // by someone else
	collectUntil(t, "checked", func() bool { return l.checks.Load() >= 1 })
	n := l.checks.Load()
	runtime.GC()
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	if got := debug.SetMemoryLimit(-1); got != 1<<29 || l.Lifted() {
		t.Errorf("limit %d, lifted %v: want the other limit (%d) kept", got, l.Lifted(), 1<<29)
	}
	if l.checks.Load() != n {
		t.Errorf("still watching after another limit was set: %d checks, then %d", n, l.checks.Load())
	}
}
