// Package memlimit sets a soft memory limit that gives itself up when the
// program's live heap comes near it, or when holding it costs the program
// too much collecting.
//
// A soft limit (debug.SetMemoryLimit) keeps the heap of a run that holds
// its findings to the limit instead of twice the live heap. But once the
// live heap itself reaches the limit, the collector runs back to back: a
// JSON report listing 400,000 requests took 5.4 s under a 110 MiB limit
// and 1.7 s without it. So the limit is checked after each collection and
// lifted, for the rest of the process, once the live heap passes three
// quarters of it; GOGC alone then paces the collector, at the percentage
// given to Soft.
//
// A live heap that stays just below that mark costs too: with 75 MiB live
// under 110 MiB, the collector runs each 35 MiB allocated, and the JSON
// report of 200,000 one-timestamp GETs spent a quarter of the CPU
// collecting (up to two fifths between two collections), and took 0.75 to
// 1.14 s from one run to the next, as its heap crossed the mark early,
// late or not at all. So the limit is also lifted once the live heap
// passes half of it while collecting has taken more than maxGCShare of the
// CPU time available since the limit was set (GOMAXPROCS times the wall
// time): from half the limit on, the limit makes the collector run more
// often than GOGC 100 would. That run then collects 12 to 14 times instead
// of 15 to 24, and takes 0.76 s against 0.93 (medians of 9 pairs, same
// peak memory); the JSON report of the 1 GiB capture with 44,936 findings,
// whose collecting stays under 8%, keeps its time and its memory (113 MiB).
package memlimit

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// The metrics read: the heap marked live by the last collection, the CPU
// time spent collecting, and the CPU time available (GOMAXPROCS times the
// wall time); the runtime updates the last two at each collection.
const (
	liveMetric   = "/gc/heap/live:bytes"
	gcCPUMetric  = "/cpu/classes/gc/total:cpu-seconds"
	allCPUMetric = "/cpu/classes/total:cpu-seconds"
	// maxGCShare is the share of the CPU time available that collecting
	// may take, past half the limit, before the limit is lifted.
	maxGCShare   = 0.15
	sampleLive   = 0
	sampleGCCPU  = 1
	sampleAllCPU = 2
)

// Soft sets a memory limit of limit bytes, to be lifted as the package
// says, and returns it. While the limit holds, the heap cannot outgrow
// it whatever GOGC is, so GOGC can be high and the collector run seldom;
// once it is lifted, GOGC is set to gcPercent (unless it is 0), which then
// bounds the heap alone.
func Soft(limit int64, gcPercent int) *Limit {
	debug.SetMemoryLimit(limit)
	l := &Limit{limit: limit, gcPercent: gcPercent,
		sample: []metrics.Sample{{Name: liveMetric}, {Name: gcCPUMetric}, {Name: allCPUMetric}}}
	metrics.Read(l.sample)
	l.gc0, l.all0 = float(l.sample[sampleGCCPU]), float(l.sample[sampleAllCPU])
	l.arm()
	return l
}

// Limit is a soft memory limit set by Soft.
type Limit struct {
	limit     int64
	gcPercent int
	sample    []metrics.Sample
	// gc0 and all0 are the CPU seconds spent collecting and available
	// when the limit was set.
	gc0, all0 float64
	lifted    atomic.Bool
	// checks counts the collections seen, for tests.
	checks atomic.Int64
}

// Lifted reports whether the limit has been lifted.
func (l *Limit) Lifted() bool { return l.lifted.Load() }

// sentinel is garbage from birth: its cleanup runs after the collection
// that finds it unreachable, once per cycle as long as each cleanup
// allocates the next. It is large enough (and holds no pointer) not to
// share a block with other tiny allocations, which would keep it alive.
type sentinel [64]byte

func (l *Limit) arm() {
	runtime.AddCleanup(new(sentinel), func(l *Limit) { l.check() }, l)
}

// costly reports whether the limit should be lifted (see the package
// documentation), from the metrics just read.
func (l *Limit) costly() bool {
	v := l.sample[sampleLive].Value
	if v.Kind() != metrics.KindUint64 {
		return false
	}
	live := v.Uint64()
	if live > uint64(l.limit)/4*3 {
		return true
	}
	gc, all := float(l.sample[sampleGCCPU])-l.gc0, float(l.sample[sampleAllCPU])-l.all0
	return live > uint64(l.limit)/2 && all > 0 && gc/all > maxGCShare
}

// float is a sample's value as a float64, 0 when the runtime has none.
func float(s metrics.Sample) float64 {
	if s.Value.Kind() != metrics.KindFloat64 {
		return 0
	}
	return s.Value.Float64()
}

// check runs after a collection, on the runtime's cleanup goroutine.
func (l *Limit) check() {
	l.checks.Add(1)
	if debug.SetMemoryLimit(-1) != l.limit {
		// Another limit was set since: it is not ours to lift, and
		// there is nothing left to watch.
		return
	}
	metrics.Read(l.sample)
	if l.costly() {
		debug.SetMemoryLimit(math.MaxInt64)
		if l.gcPercent != 0 {
			debug.SetGCPercent(l.gcPercent)
		}
		l.lifted.Store(true)
		return
	}
	l.arm()
}
