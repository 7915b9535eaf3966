package jsonscan

import (
	"io"
	"sync"
)

// This file reads the input ahead, in a goroutine, for Scanner.Init.

// fillAhead is fill with a read-ahead: the next chunk the goroutine has
// read becomes buf, the unread bytes of the old buf (a token cut by the
// chunk's edge: at most the 6 bytes of a \u escape) copied into the room
// kept before its data, and the old buf goes back to the goroutine.
func (s *Scanner) fillAhead() bool {
	a := s.ahead
	c := <-a.full
	s.Rerr = c.err // consumed after c's data, as fill does
	n := len(c.buf) - aheadRoom
	if n == 0 {
		a.recycle(c.buf)
		return false
	}
	left := s.Buf[s.Pos:s.End]
	nb, start := c.buf, aheadRoom-len(left)
	if start < 0 {
		// More left over than the room holds: no caller asks for
		// that much, but stay correct if one does.
		nb = make([]byte, len(left)+n)
		copy(nb[len(left):], c.buf[aheadRoom:])
		a.recycle(c.buf)
		start = 0
	}
	copy(nb[start:], left)
	if s.Buf != nil {
		a.recycle(s.Buf)
	}
	// nb[start] is the byte that was at buf[pos].
	s.Base += int64(s.Pos - start)
	s.Buf, s.Pos, s.End = nb, start, len(nb)
	return true
}

// ReadingAhead reports whether the scanner reads its input in a
// goroutine.
func (s *Scanner) ReadingAhead() bool { return s.ahead != nil }

// AheadExited is closed when the read-ahead goroutine has returned; nil
// when there is none.
func (s *Scanner) AheadExited() <-chan struct{} {
	if s.ahead == nil {
		return nil
	}
	return s.ahead.exited
}

// StopAhead tells the read-ahead goroutine, if any, to end: at once if it
// is waiting, after its current Read otherwise.
func (s *Scanner) StopAhead() {
	if a := s.ahead; a != nil {
		a.stop()
	}
}

// WaitAhead waits for the read-ahead goroutine, if any, to end once told
// to.
func (s *Scanner) WaitAhead() {
	if a := s.ahead; a != nil {
		<-a.exited
	}
}

// EndAhead stops the read-ahead goroutine, waits for it and lets go of
// the buffer: the scanner reads nothing more until Init.
func (s *Scanner) EndAhead() {
	if a := s.ahead; a != nil {
		a.stop()
		<-a.exited
		s.ahead = nil
	}
	s.Buf = nil
}

// readAhead reads the input in a goroutine, into a few buffers handed to
// the scanner in order, so that reading (a read(2) copying from the page
// cache, or gzip decompression) runs on another core while the scanner
// parses the previous buffer. The scanner parses the buffers in place, so
// nothing is copied twice.
type readAhead struct {
	full chan chunk    // filled buffers, in input order
	free chan []byte   // buffers the scanner is done with
	done chan struct{} // closed by stop
	// exited is closed when the goroutine has returned.
	exited   chan struct{}
	stopOnce sync.Once
}

// chunk is one buffer of input: its data at buf[aheadRoom:], and the
// error (io.EOF at the end) that the Reads filling it ended with.
type chunk struct {
	buf []byte
	err error
}

const (
	// aheadBufs buffers of up to BufSize: one being parsed, one being
	// read, two ready. More does not help: the scanner either keeps up
	// or it does not.
	aheadBufs = 4
	// aheadRoom is the room before each buffer's data for the bytes
	// that the scanner has not consumed from the previous one.
	aheadRoom = 64
)

// startAhead starts reading s.rd ahead.
func (s *Scanner) startAhead() {
	a := &readAhead{
		full:   make(chan chunk, aheadBufs),
		free:   make(chan []byte, aheadBufs),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	s.ahead = a
	go a.run(s.rd)
}

// run is the goroutine: it fills buffers until the input ends, fails or
// stop is called. Buffers grow from minBufSize to BufSize as they fill,
// as the scanner's own buffer does, so that small files stay cheap.
func (a *readAhead) run(rd io.Reader) {
	defer close(a.exited)
	size, made := minBufSize, 0
	for {
		var b []byte
		select {
		case b = <-a.free:
		case <-a.done:
			return
		default:
			if made < aheadBufs {
				made++
			} else {
				select {
				case b = <-a.free:
				case <-a.done:
					return
				}
			}
		}
		if cap(b) < aheadRoom+size {
			b = make([]byte, aheadRoom+size)
		}
		b = b[:cap(b)]
		n, err := readSome(rd, b[aheadRoom:])
		if n == len(b)-aheadRoom && size < BufSize {
			size *= 2
		}
		select {
		case a.full <- chunk{b[:aheadRoom+n], err}:
		case <-a.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// readSome reads into p as fill does: the first Read that returns data or
// an error ends it, and 100 Reads in a row that return neither give
// io.ErrNoProgress. It does not wait for p to be full: standard input may
// be a pipe whose writer waits for harcors, and a file's Read fills p
// anyway.
func readSome(rd io.Reader, p []byte) (int, error) {
	for range 100 {
		n, err := rd.Read(p)
		if n > 0 || err != nil {
			return n, err
		}
	}
	return 0, io.ErrNoProgress
}

// recycle gives a buffer back to the goroutine. free has room for every
// buffer, so this never blocks.
func (a *readAhead) recycle(b []byte) {
	select {
	case a.free <- b:
	default:
	}
}

// stop ends the goroutine: at once if it is waiting for a buffer or for
// the scanner, after its current Read otherwise. Calling it again does
// nothing.
func (a *readAhead) stop() {
	a.stopOnce.Do(func() { close(a.done) })
}
