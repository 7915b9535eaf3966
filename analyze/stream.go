package analyze

import (
	"container/heap"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/harcors/harcors/har"
)

// The streaming analysis judges each exchange as soon as nothing later in
// the file can change its verdict, then forgets its entries (unless it has
// a finding), so memory is bounded by the entries of a short stretch of
// capture time, not by the size of the file.
//
// What can change a verdict later in the file, and how it is handled:
//   - pairing: nodes are fed to their pairing group in time order, through a
//     reorder buffer; a node is settled when it is matched or when it is too
//     old to match anything that can still come (group.expire). Pairs are
//     those of the whole-file pair.
//   - redirects link to the next entry with the target URL, in file order:
//     the linker does it as entries come, before the reorder buffer.
//   - the server stack of an origin is the first recognised in the file, and
//     only the findings depend on it. An exchange judged while its target's
//     stack is known is final: its findings go to their groups at once. One
//     judged before is held per target (hold): its findings go to groups of
//     that target's own, and the first tuning.holdLimit exchanges are kept. At the
//     end, a target whose stack is still unknown gives its groups as they
//     are; one whose stack turned up has its kept exchanges judged again,
//     and if it had more than that, the file is read again whole.
//   - log.creator and log.pages: taken when the first entry comes. Of the
//     creator only what judging reads of it counts (exporter): Fiddler
//     writes it after the entries, and a creator that does not change
//     that, like Fiddler's, changes nothing. A file whose creator at the
//     end judges otherwise, or whose pages change later, is not streamed.
//   - an entry that starts before one already released (far out of time
//     order, or without a start time) would have paired differently.
// In the last two cases the streamer gives up: before it has released
// anything it falls back to holding every entry; after, it sets restart,
// and File reads the file again without streaming.

// tuning holds the streaming analysis' limits, which tests change through
// Options.tune to stream as hard as they can; nil there means
// defaultTuning.
type tuning struct {
	// Limits of the reorder buffer: entries wait until one starting more
	// than slack later has been read, or until more than pending wait.
	// Browsers write entries in start order within a second or so (1.1 s
	// at most in the public corpus).
	slack   time.Duration
	pending int
	// holdLimit is how many exchanges with findings are kept per target
	// whose stack is not known. A server that gives its stack away does
	// so on its first responses; past this many, one that does so after
	// all makes the file be read again whole (Result is the same, memory
	// is not bounded).
	holdLimit int
	// unpacked is how many nodes waiting for a partner keep their entry
	// as read; past that, the longest waiting are packed (see packStore).
	// A capture in which entries wait only the pairing window (30 s)
	// rarely has more, and is then not slowed by packing.
	unpacked int
	// unpackedBytes bounds what those nodes' entries hold (entryWeight):
	// 16,384 entries of 400 headers each held 835 MB.
	unpackedBytes int
	// packMemory is how many bytes of packed entries are kept in memory;
	// the rest go to a temporary file.
	packMemory int
	// afterEntry, when set, is called after each entry read, and
	// afterJudged after each node a whole analysis judged.
	afterEntry  func(a *analysis, entries int)
	afterJudged func(judged int)
}

var defaultTuning = tuning{slack: 10 * time.Second, pending: 4096, holdLimit: 256, unpacked: 16384, unpackedBytes: 64 << 20, packMemory: 32 << 20}

func (o *Options) tuning() *tuning {
	if o.tune != nil {
		return o.tune
	}
	return &defaultTuning
}

type streamer struct {
	a    *analysis
	tune *tuning
	// restart: the file cannot be streamed and must be read again.
	restart bool
	// aheadWorkers is how many goroutines finish may unpack ahead on (0:
	// none; see unpackAhead), ahead that unpacking while finish runs, and
	// unpackedAhead how many nodes took an entry from it, for tests.
	aheadWorkers  int
	ahead         *unpackAhead
	unpackedAhead int

	started  bool     // the first node came, and prepare ran
	exporter exporter // a.exporter when the first node came
	pages    int
	pending  reorder // the reorder buffer
	newest   time.Time
	released int
	last     time.Time // start of the last node released

	// groups and single are keyed by a 128-bit hash of the pairKey (see
	// pairID).
	groups map[pairID]*group
	// single holds the groups in which one node waits as that node: with
	// distinct URLs nearly every group is one, and a group object for each
	// took as much memory as the node. A table of its own (singles.go),
	// smaller than a map, as nearly every node released looks it up.
	single singles
	// expiries orders the groups by when the oldest node waiting in them
	// becomes too old to match (group.deadline), so that release visits
	// only the groups with something to expire: sweeping every group
	// made a capture whose groups all stay inside the pairing window
	// quadratic. An entry is stale when its group's deadline moved.
	expiries expiryHeap
	// visits counts the groups fed or expired, for tests that check the
	// work grows linearly.
	visits int
	// packs holds the entries of the nodes waiting in groups; fresh[head:]
	// lists the nodes that wait unpacked, the oldest first, nil where one
	// settled since; fresh[i] is the freshBase+i-th node that began to
	// wait; freshLive counts those not nil, and freshBytes estimates
	// what their entries hold (entryWeight).
	packs      *packStore
	fresh      []*node
	head       int
	freshBase  int64
	freshLive  int
	freshBytes int

	settled []*node // settled, not yet judged
	blocked []*node // settled, waiting for an earlier hop of their redirect chain
	// held are the exchanges with findings judged while their target's
	// stack was unknown, by target; heldOrder lists the targets in the
	// order first held, so that the end is deterministic.
	held      map[string]*heldTarget
	heldOrder []string
}

// heldTarget holds what was judged of one target before its stack was
// known. Its findings and requests are those judgments; if the target's
// stack turns up later, xs are judged again instead.
type heldTarget struct {
	out      sink
	requests []Request
	xs       []*exchange
	// overflow: more than holdLimit exchanges were held, so xs lacks some.
	overflow bool
}

// newStreamer makes the streamer of a; it may unpack ahead on aheadWorkers
// goroutines.
func newStreamer(a *analysis, t *tuning, aheadWorkers int) *streamer {
	return &streamer{a: a, tune: t, aheadWorkers: aheadWorkers, groups: map[pairID]*group{},
		packs: newPackStore(t.packMemory)}
}

// close lets go of the temporary file of packed entries, if any.
func (s *streamer) close() {
	s.stopAhead()
	s.packs.close()
}

// stopAhead ends the unpacking ahead, if it runs.
func (s *streamer) stopAhead() {
	if s.ahead != nil {
		s.ahead.close()
		s.unpackedAhead += s.ahead.taken
		s.ahead = nil
	}
}

// push takes the next node in file order.
func (s *streamer) push(n *node) {
	a := s.a
	if !s.started {
		s.started = true
		a.prepare()
		s.exporter, s.pages = a.exporter, len(a.log.Pages)
	}
	t := n.when()
	if t.IsZero() || (s.released > 0 && t.Before(s.last)) {
		s.giveUp()
		if a.stream == nil {
			a.keep(n)
		}
		return
	}
	if t.After(s.newest) {
		s.newest = t
	}
	s.pending.push(n)
	for s.pending.len() > 0 && (s.pending.len() > s.tune.pending || s.newest.Sub(s.pending.first().when()) > s.tune.slack) {
		s.release(s.pending.pop())
	}
}

// giveUp stops streaming: the nodes waiting in the reorder buffer become
// the analysis' nodes, in file order, when none was released yet;
// otherwise the file must be read again.
func (s *streamer) giveUp() {
	if s.released > 0 {
		s.restart = true
		return
	}
	nodes := s.pending.all()
	slices.SortFunc(nodes, func(x, y *node) int { return x.e.Index - y.e.Index })
	s.a.whole = newWholeStore(s.tune, s.aheadWorkers)
	for _, n := range nodes {
		s.a.keep(n)
	}
	s.pending = reorder{}
	s.a.stream = nil
}

// release feeds the oldest node to its pairing group.
func (s *streamer) release(n *node) {
	s.released++
	s.last = n.when()
	lastKey := timeKey(s.last)
	if pk, ok := n.pairKey(); ok {
		k := s.id(pk)
		s.visits++
		g := s.groups[k]
		if g == nil {
			if w, at := s.single.getOrPut(k, n); w == nil {
				// An empty group: n waits in it alone.
				n.alone = true
				s.expiries.push(expiry{timeKey(n.when().Add(pairLimit(n))), k, n})
			} else {
				// A second node: the group is made, as it would be with
				// w alone waiting in it.
				s.single.deleteAt(at)
				w.alone = false
				g = &group{key: k}
				g.feed(w, nil) // waits: nothing else is in the group
				s.groups[k] = g
			}
		}
		if g != nil {
			g.feed(n, s.settle)
			s.track(g)
		}
		if !n.settled {
			s.waiting(n)
		}
	} else {
		s.settle(n)
	}
	for len(s.expiries) > 0 && lastKey > s.expiries[0].at {
		x := s.expiries.pop()
		if w := x.n; w != nil {
			// A single node expires as its group would: when too far
			// from the last node released.
			if w.alone && tooFarAt(w, s.last) {
				s.visits++
				w.alone = false
				s.single.delete(x.k)
				s.settle(w)
			}
			continue
		}
		g := s.groups[x.k]
		if g == nil || timeKey(g.queued) != x.at {
			continue // stale: the group's oldest node changed since
		}
		s.visits++
		g.queued = time.Time{}
		g.expire(s.last, s.settle)
		s.track(g)
	}
	s.judge()
}

// waiting notes that n waits for a partner, and packs the entries of the
// nodes that have waited longest when more than tune.unpacked wait
// unpacked, or when one has waited while four times that many others
// began to wait.
func (s *streamer) waiting(n *node) {
	if s.head > 0 && s.head >= len(s.fresh)/2 {
		k := copy(s.fresh, s.fresh[s.head:])
		clear(s.fresh[k:])
		s.fresh, s.freshBase, s.head = s.fresh[:k], s.freshBase+int64(s.head), 0
	}
	n.packOff = s.freshBase + int64(len(s.fresh)) + 1
	s.fresh = append(s.fresh, n)
	s.freshLive++
	s.freshBytes += entryWeight(n.e)
	for s.freshLive > s.tune.unpacked || len(s.fresh)-s.head > 4*s.tune.unpacked || s.freshBytes > s.tune.unpackedBytes {
		x := s.fresh[s.head]
		s.fresh[s.head] = nil
		s.head++
		if x == nil {
			continue
		}
		s.freshLive--
		s.freshBytes -= entryWeight(x.e)
		x.packOff = 0
		if err := s.packs.pack(x); err != nil {
			s.restart = true
			return
		}
	}
}

// entryWeight estimates what an entry read holds in memory: its URL and
// headers (cookies, once parsed, are counted in their headers) and a fixed
// part for the rest. It is computed again when the entry stops waiting
// unpacked, rather than kept in the node: nodes are many, and a field more
// would make each a size class larger.
func entryWeight(e *har.Entry) int {
	if e == nil {
		return 0
	}
	w := 512 + len(e.Request.URL)
	for _, hs := range []har.Headers{e.Request.Headers, e.Response.Headers} {
		for _, h := range hs {
			w += 32 + len(h.Name) + len(h.Value)
		}
	}
	return w
}

// notWaiting takes n, settled, out of fresh.
func (s *streamer) notWaiting(n *node) {
	if n.e == nil || n.packOff == 0 {
		return
	}
	i := int(n.packOff - 1 - s.freshBase)
	n.packOff = 0
	if i < s.head || i >= len(s.fresh) || s.fresh[i] != n {
		return
	}
	s.fresh[i] = nil
	s.freshLive--
	s.freshBytes -= entryWeight(n.e)
	for s.head < len(s.fresh) && s.fresh[s.head] == nil {
		s.head++
	}
}

// track deletes g when nothing waits in it any more, and otherwise queues
// it for expiry at its deadline, unless it is queued for that already.
func (s *streamer) track(g *group) {
	if g.empty() {
		delete(s.groups, g.key)
		return
	}
	at, ok := g.deadline()
	if !ok || at.Equal(g.queued) {
		return
	}
	g.queued = at
	s.expiries.push(expiry{timeKey(at), g.key, nil})
}

func (s *streamer) settle(n *node) {
	s.notWaiting(n)
	s.unpack(n)
	n.settled = true
	s.a.countPreflight(n)
	s.settled = append(s.settled, n)
}

// unpack gives n back its entry if it was packed. Should the packed entry
// be lost (the temporary file failed), the file is read again whole, and
// n gets an empty entry meanwhile.
func (s *streamer) unpack(n *node) {
	if unpackNode(n, s.packs, s.ahead) != nil {
		s.restart = true
	}
}

// judge judges the settled nodes whose redirect chain is settled too.
func (s *streamer) judge() {
	if len(s.settled) == 0 {
		return
	}
	if len(s.blocked) > 0 {
		s.settled = append(s.settled, s.blocked...)
		s.blocked = s.blocked[:0]
	}
	for i, n := range s.settled {
		s.settled[i] = nil
		if !chainRoot(n).settled {
			s.blocked = append(s.blocked, n)
			continue
		}
		// A hop between n and the root may still wait for a partner:
		// the findings on n read it.
		for p, i := n.prev, 0; p != nil && i < 50; p, i = p.prev, i+1 {
			s.unpack(p)
		}
		x := s.a.exchangeOf(n)
		if x == nil {
			continue
		}
		a := s.a
		a.crossOrigin++
		nf, nr := len(a.findings), a.requests.n
		a.judge(x)
		switch target := x.entry().target; {
		case len(a.findings) == nf:
		case a.hostStack[target] != "":
			a.decide(nf)
		default:
			s.hold(x, target, nf, nr)
		}
	}
	s.settled = s.settled[:0]
}

// hold takes the findings of x from a.findings[nf:] and its requests from
// a.requests[nr:], judged while the stack of x's target was unknown.
func (s *streamer) hold(x *exchange, target string, nf, nr int) {
	a := s.a
	h := s.held[target]
	if h == nil {
		h = &heldTarget{out: sink{keep: a.out.keep, ignore: a.out.ignore, drop: a.out.drop}}
		if s.held == nil {
			s.held = map[string]*heldTarget{}
		}
		target = strings.Clone(target)
		s.held[target] = h
		s.heldOrder = append(s.heldOrder, target)
	}
	if len(h.xs) < s.tune.holdLimit {
		h.xs = append(h.xs, x)
	} else {
		h.overflow = true
	}
	h.out.add(a.findings[nf:])
	h.requests = a.requests.cut(nr, h.requests)
	clear(a.findings[nf:])
	a.findings = a.findings[:nf]
}

// finish releases and settles everything, then judges the exchanges with
// findings again, now that every server stack is known.
func (s *streamer) finish() {
	a := s.a
	if exporterOf(a.log.Creator.Name) != s.exporter || len(a.log.Pages) != s.pages {
		s.giveUp()
		return
	}
	for s.pending.len() > 0 {
		s.release(s.pending.pop())
	}
	// Every group with a node waiting is queued in expiries (nodes without
	// a start time are never streamed), so the queue names them all, and
	// in about the order they were made: ending them in that order rather
	// than the map's keeps the judging that follows walking memory
	// roughly in file order.
	//
	// The expiries hold every single node, so their map goes first: it
	// would keep each node, and the entry settling unpacks into it, until
	// the last was judged (1.6 million one-timestamp GETs then ended with
	// every entry decoded at once: 1.3 GB live, against 0.54 before the end).
	s.single = singles{}
	if s.aheadWorkers > 0 {
		if refs := s.packedInOrder(); len(refs) >= aheadBatch {
			s.ahead, _ = s.packs.ahead(refs, s.aheadWorkers) // failing, the nodes unpack here
		}
	}
	for i, x := range s.expiries {
		// Let go of each group once ended, and judge its nodes as they
		// come rather than all at the end: settling unpacks them.
		// A single node is ended through its own expiry, found without
		// looking its key up: with a capture of distinct URLs, those
		// lookups in a map of every URL took a third of the end.
		if w := x.n; w != nil {
			if w.alone {
				w.alone = false
				s.settle(w)
			}
		} else if g := s.groups[x.k]; g != nil {
			g.end(s.settle)
			delete(s.groups, x.k)
		}
		s.expiries[i] = expiry{}
		if len(s.settled) >= judgeBatch {
			s.judge()
		}
	}
	s.stopAhead()
	s.expiries = nil
	s.fresh, s.head, s.freshLive, s.freshBytes = nil, 0, 0, 0
	clear(s.groups)
	s.judge()
	dev := false // a dev server answered: a held page of its may now name it (stackFor)
	for _, st := range a.hostStack {
		dev = dev || st.DevServer()
	}
	for _, t := range s.heldOrder {
		h := s.held[t]
		switch {
		case a.hostStack[t] == "" && (!dev || !h.overflow && !a.devPage(h.xs)):
			// Still unknown: the judgments stand.
			a.out.merge(&h.out)
			for i := range h.requests {
				a.requests.add(&h.requests[i])
			}
		case h.overflow:
			s.restart = true
			return
		default:
			for _, x := range h.xs {
				a.judge(x)
				a.decide(0)
			}
		}
	}
}

// packedInOrder lists the packed nodes in the order finish settles them:
// by expiry, a single node, or a group's preflights waiting for a
// follow-up and then its requests waiting for a preflight (group.end).
func (s *streamer) packedInOrder() []packRef {
	refs := make([]packRef, 0, s.packs.packed)
	var ended map[pairID]bool
	add := func(n *node) {
		if n.e == nil {
			refs = append(refs, packRef{n, n.packChunk, n.packOff})
		}
	}
	for _, x := range s.expiries {
		if w := x.n; w != nil {
			if w.alone {
				add(w)
			}
		} else if g := s.groups[x.k]; g != nil && !ended[x.k] {
			if ended == nil {
				ended = map[pairID]bool{}
			}
			ended[x.k] = true
			for _, n := range g.waitPre {
				add(n)
			}
			for _, n := range g.waitReq {
				add(n)
			}
		}
	}
	return refs
}

// judgeBatch is how many nodes finish settles before judging them.
const judgeBatch = 1024

// reorder is the reorder buffer: it hands nodes out by start time, then
// file position, the order in which pair feeds each group. Browsers write
// nearly every entry after those that start before it, so such nodes wait
// in a queue (in order by construction, O(1) each) and only the others in
// a heap.
type reorder struct {
	queue []*node // in order; queue[head:] wait
	head  int
	late  nodeHeap // nodes that came before the queue's last
}

func (r *reorder) len() int { return len(r.queue) - r.head + len(r.late) }

func (r *reorder) push(n *node) {
	if k := len(r.queue); k > r.head && before(n, r.queue[k-1]) {
		heap.Push(&r.late, n)
		return
	}
	if r.head > 0 && r.head >= len(r.queue)/2 {
		// Reuse the front half instead of growing: memory stays at
		// twice the nodes waiting.
		k := copy(r.queue, r.queue[r.head:])
		clear(r.queue[k:])
		r.queue, r.head = r.queue[:k], 0
	}
	r.queue = append(r.queue, n)
}

// first returns the node pop would return; len must be positive.
func (r *reorder) first() *node {
	switch {
	case len(r.late) == 0:
		return r.queue[r.head]
	case r.head == len(r.queue) || before(r.late[0], r.queue[r.head]):
		return r.late[0]
	}
	return r.queue[r.head]
}

// pop removes and returns the first node; len must be positive.
func (r *reorder) pop() *node {
	if len(r.late) > 0 && (r.head == len(r.queue) || before(r.late[0], r.queue[r.head])) {
		return heap.Pop(&r.late).(*node)
	}
	n := r.queue[r.head]
	r.queue[r.head] = nil
	r.head++
	return n
}

// all returns the nodes waiting, in no particular order.
func (r *reorder) all() []*node {
	return append(r.queue[r.head:], r.late...)
}

// nodeHeap orders nodes by start time, then file position.
type nodeHeap []*node

func (h nodeHeap) Len() int           { return len(h) }
func (h nodeHeap) Less(i, j int) bool { return before(h[i], h[j]) }
func (h nodeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *nodeHeap) Push(x any)        { *h = append(*h, x.(*node)) }
func (h *nodeHeap) Pop() any {
	old := *h
	n := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return n
}

// expiry is a group's key and the deadline queued for it, or a single
// node's (streamer.single) with the node: a key rather than the group, as
// a single node has none.
type expiry struct {
	at int64 // timeKey of the deadline
	k  pairID
	n  *node
}

// timeKey is t as nanoseconds since 1970, which int64 holds from 1678 to
// 2262; outside, it stops at the bound. An expiry in 32 bytes instead of
// 48, with no pointer to a time zone: 400,000 nodes waiting held 21 MB of
// expiries. Two deadlines cut to one bound may expire later than they
// could, which costs memory only: feed and expire drop the nodes too old
// to pair by their own times, and the pairs stay those of the whole file.
func timeKey(t time.Time) int64 {
	switch {
	case t.Before(minKeyTime):
		return math.MinInt64
	case t.After(maxKeyTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

var minKeyTime, maxKeyTime = time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64)

// pairID stands for a pairKey in the streamer's maps: two 64-bit hashes
// of it, under two seeds chosen when the process starts (idOf). A map keyed by
// the strings themselves read each key's bytes, spread over the heap,
// whenever a lookup met a candidate and whenever the map grew and
// rehashed; with 400,000 distinct URLs waiting (a one-timestamp capture)
// the run is 14% faster with these keys. Two distinct keys share a pairID
// with odds of about 2^-128, under seeds no input can know, so the
// pairing is that of the strings.
type pairID [2]uint64

// id is k's pairID.
func (s *streamer) id(k pairKey) pairID { return idOf(k) }

// idSeeds seed idOf.
var idSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// idOf is the 128-bit hash that stands for k in a map: a pairID for a
// pairKey, and likewise for the keys of other maps that hold an entry
// for each of many URLs.
func idOf[K comparable](k K) pairID {
	return pairID{maphash.Comparable(idSeeds[0], k), maphash.Comparable(idSeeds[1], k)}
}

// expiryHeap orders expiries by deadline. It is a heap of its own rather
// than a container/heap one, whose interface boxed every expiry pushed: an
// allocation per group on a capture of distinct URLs.
type expiryHeap []expiry

func (h *expiryHeap) push(x expiry) {
	*h = append(*h, x)
	q := *h
	for i := len(q) - 1; i > 0; {
		p := (i - 1) / 2
		if q[i].at >= q[p].at {
			break
		}
		q[i], q[p] = q[p], q[i]
		i = p
	}
}

// pop removes and returns the earliest expiry; h must not be empty.
func (h *expiryHeap) pop() expiry {
	q := *h
	x := q[0]
	n := len(q) - 1
	q[0] = q[n]
	q[n] = expiry{}
	q = q[:n]
	for i := 0; ; {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && q[c+1].at < q[c].at {
			c++
		}
		if q[c].at >= q[i].at {
			break
		}
		q[i], q[c] = q[c], q[i]
		i = c
	}
	*h = q
	return x
}

// devPage reports whether a page that made one of xs is served by a dev
// server, whose fix stackFor gives when the API's stack is unknown.
func (a *analysis) devPage(xs []*exchange) bool {
	for _, x := range xs {
		if a.hostStack[a.originFor(x.entry())].DevServer() {
			return true
		}
	}
	return false
}
