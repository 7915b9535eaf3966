package analyze

// chunks is a list kept in chunks, so that a list of hundreds of
// thousands of elements never copies them all to grow one slice. Kept
// findings were such a slice, and growing it (twice: a held target's
// findings were copied again when merged) took a tenth of a JSON run's
// CPU on a capture with 44,936 findings. The requests that JSON lists
// were too: at 400,000 requests, growing their slice copied and
// allocated five times its final 45 MB (a large slice grows by a
// quarter at a time), 9% of the run's CPU (profiled).
type chunks[T any] struct {
	chunks [][]T
	n      int
}

// First and largest chunk sizes: a held target with a few findings keeps
// a small chunk.
const (
	firstChunk = 16
	maxChunk   = 4096
)

// add appends a copy of *v.
func (c *chunks[T]) add(v *T) {
	last := len(c.chunks) - 1
	if last < 0 || len(c.chunks[last]) == cap(c.chunks[last]) {
		size := firstChunk
		if last >= 0 {
			size = min(2*cap(c.chunks[last]), maxChunk)
		}
		c.chunks = append(c.chunks, make([]T, 0, size))
		last++
	}
	c.chunks[last] = append(c.chunks[last], *v)
	c.n++
}

// take moves o's elements after c's, without copying them.
func (c *chunks[T]) take(o *chunks[T]) {
	if o.n == 0 {
		return
	}
	// A partly filled last chunk of c stays where it is: the order is kept.
	c.chunks = append(c.chunks, o.chunks...)
	c.n += o.n
	*o = chunks[T]{}
}

// cut removes the elements from the n-th on and appends them to dst.
func (c *chunks[T]) cut(n int, dst []T) []T {
	if n >= c.n {
		return dst
	}
	k := c.n - n // to remove, from the last chunks back
	first := len(c.chunks)
	for first > 0 && k > 0 {
		first--
		k -= len(c.chunks[first])
	}
	// chunks[first] holds element n at -k (k <= 0).
	skip := -k
	ch := c.chunks[first]
	dst = append(dst, ch[skip:]...)
	clear(ch[skip:])
	c.chunks[first] = ch[:skip]
	for _, ch := range c.chunks[first+1:] {
		dst = append(dst, ch...)
		clear(ch)
	}
	clear(c.chunks[first+1:])
	// chunks[first] is kept unless emptied; a later add fills the room
	// of the last one kept.
	if skip > 0 {
		first++
	}
	c.chunks = c.chunks[:first]
	c.n = n
	return dst
}

// all returns the elements in one slice, in the order they were added.
func (c *chunks[T]) all() []T {
	if c.n == 0 {
		return nil
	}
	out := make([]T, 0, c.n)
	for _, ch := range c.chunks {
		out = append(out, ch...)
	}
	return out
}
