package analyze

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
)

// An input that can be read only once (standard input, a pipe, a FIFO,
// <(...)) is analysed as a file is, streamed with memory flat, although
// the streaming analysis may have to start again from the beginning (see
// stream.go). For that, onceInput copies the bytes to a temporary file as
// they are read, and the second reading reads the copy: the input itself
// is never read twice. The copy is of the bytes as they come, compressed
// or not, and is removed at the end (on Unix as soon as it is made, so
// that nothing is left behind if the process dies).
//
// With more than one worker, a goroutine copies the input to the file in
// large writes as fast as it comes, and the reading reads the copy as it
// grows (a spool, a har.Growing): the reader can then parse pieces of it on
// several cores as it does a large file by path, instead of parsing the
// pipe's bytes one after another. The bytes it reads were just written, so
// they come from the page cache; memory stays that of a reading by path
// (the copy buffer aside). If the copy cannot be written (TMPDIR full or
// read-only), the rest of the input is kept in memory: the run finishes,
// with memory that grows with the input.
//
// Standard input redirected from a regular file (harcors - < f.har) needs
// no copy: it is read again by seeking back to where it started.

// spoolGather is how many bytes the spool gathers from the input before
// writing them and letting the reading see them, and spoolWrite the size
// of its writes. Writes of 16 KiB cost the least system time, and the
// steadiest, on Linux 6.18 and ext4: a 1 GiB spool took 0.64-0.68 s in
// writes of 16 KiB against 0.5-6 s in writes of 32 KiB, 64 KiB, 1 MiB or
// of what each read of the pipe gave (larger writes make the page cache
// take larger pages, which this virtual machine was slow to provide).
const (
	spoolGather = 1 << 20
	spoolWrite  = 16 << 10
)

// onceInput reads src, keeping what is needed to read it again from the
// start. Its Read may be called from the reader's read-ahead goroutine.
type onceInput struct {
	src io.Reader

	mu sync.Mutex
	// done: again was called; Read returns io.EOF from then on, so that
	// the first reading's read-ahead cannot take bytes meant for the
	// second.
	done bool
	// file is where the input is read again: src itself when it is a
	// regular file that can seek (start is where it started), else the
	// copy.
	file  *os.File
	start int64
	copy  bool
	path  string // the copy's name while it must still be removed
	err   error  // making or writing the copy failed: it cannot be read again

	// sp is the copy made by a goroutine of its own (spooled), and view
	// the reading of it in progress.
	sp   *spool
	view *spoolView
}

// newOnceInput prepares to read src once. A copy that cannot be made
// (no temporary directory) is reported when, and only if, it is needed.
// With spooled set, a copy is read as it grows, made by a goroutine.
func newOnceInput(src io.Reader, spooled bool) *onceInput {
	in := &onceInput{src: src}
	if f, ok := src.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if off, err := f.Seek(0, io.SeekCurrent); err == nil {
				in.file, in.start = f, off
				return in
			}
		}
	}
	f, err := os.CreateTemp("", "harcors-input-*")
	if err != nil {
		in.err = err
		return in
	}
	in.file, in.copy, in.path = f, true, f.Name()
	if os.Remove(f.Name()) == nil {
		in.path = ""
	}
	if spooled {
		in.sp = &spool{file: f, copying: true}
		in.sp.cond.L = &in.sp.mu
		in.view = &spoolView{sp: in.sp}
		go in.sp.copyFrom(src)
	}
	return in
}

// reader returns what the first reading reads.
func (in *onceInput) reader() io.Reader {
	if in.view != nil {
		return in.view
	}
	return in
}

func (in *onceInput) Read(p []byte) (int, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.done {
		return 0, io.EOF
	}
	n, err := in.src.Read(p)
	if n > 0 && in.copy && in.err == nil {
		if _, werr := in.file.Write(p[:n]); werr != nil {
			in.err = werr
		}
	}
	return n, err
}

// again returns the whole input from its start, for a second reading: the
// copy, completed with what the first reading left unread.
func (in *onceInput) again() (io.Reader, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.done = true
	if in.file == nil {
		return nil, fmt.Errorf("cannot read the input a second time, as its analysis needs, and could not keep a copy: %w", in.err)
	}
	if sp := in.sp; sp != nil {
		in.view.close()
		sp.mu.Lock()
		for sp.copying {
			sp.cond.Wait()
		}
		err := sp.err
		sp.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("cannot read the input a second time, as its analysis needs: keeping a copy failed: %w", err)
		}
		in.view = &spoolView{sp: sp}
		return in.view, nil
	}
	if in.copy && in.err == nil {
		_, in.err = io.Copy(in.file, in.src)
	}
	if in.err != nil {
		return nil, fmt.Errorf("cannot read the input a second time, as its analysis needs: keeping a copy failed: %w", in.err)
	}
	if _, err := in.file.Seek(in.start, io.SeekStart); err != nil {
		return nil, err
	}
	return in.file, nil
}

// stop ends the reading of the spool in progress, if any: the reader's
// goroutines waiting for bytes still to come then end at once, so that
// closing the reader does not wait for the input.
func (in *onceInput) stop() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.view != nil {
		in.view.close()
	}
}

// close removes the copy. A spool's copying goroutine may still be
// waiting for input: it ends at its next read, and closes the file then.
func (in *onceInput) close() error {
	if !in.copy {
		return nil
	}
	var err error
	if sp := in.sp; sp != nil {
		in.stop()
		sp.mu.Lock()
		sp.closed = true
		closeNow := !sp.copying
		sp.mu.Unlock()
		if closeNow {
			err = in.file.Close()
		}
	} else {
		err = in.file.Close()
	}
	if in.path != "" {
		err = errors.Join(err, os.Remove(in.path))
	}
	return err
}

// spool is a copy of an input being made by a goroutine (copyFrom).
type spool struct {
	file *os.File

	mu   sync.Mutex
	cond sync.Cond // signalled when n, copying or a view's closed change
	n    int64     // bytes arrived: in file, then in mem
	// When writing the file fails (a full or read-only TMPDIR), the rest
	// of the input is kept in memory instead: the reading goes on with
	// memory no longer bounded, rather than failing a run that a reading
	// without the copy would finish. fileN is how many bytes the file
	// holds; mem holds the bytes after them, in the buffers they were
	// read into (no copy, no growing), memAt the offset of each. Guarded
	// by mu.
	fileN int64
	mem   [][]byte
	memAt []int64
	// copying until the input has ended or reading it failed (err, not
	// io.EOF) or closed was set.
	copying bool
	err     error
	closed  bool // the input is no longer wanted; the copier closes file
}

// copyFrom copies src to the spool's file (or, once writing it has
// failed, to mem) until src ends, reading fails, or the spool is closed.
func (sp *spool) copyFrom(src io.Reader) {
	buf := make([]byte, spoolGather)
	inMem := false // set on this goroutine only, when a write fails
	for {
		n, rerr := io.ReadFull(src, buf)
		b := buf[:n]
		for !inMem && len(b) > 0 {
			w, werr := sp.file.Write(b[:min(len(b), spoolWrite)])
			b = b[w:]
			sp.mu.Lock()
			sp.fileN += int64(w)
			sp.mu.Unlock()
			if werr != nil {
				inMem = true
			}
		}
		sp.mu.Lock()
		if inMem && len(b) > 0 {
			// Kept as read: the next read goes to a new buffer.
			sp.mem = append(sp.mem, b)
			sp.memAt = append(sp.memAt, sp.n+int64(n-len(b)))
			buf = make([]byte, spoolGather)
		}
		sp.n += int64(n)
		switch {
		case rerr == io.EOF || rerr == io.ErrUnexpectedEOF:
		case rerr != nil:
			sp.err = rerr
		}
		end := rerr != nil || sp.closed
		if end {
			sp.copying = false
		}
		closed := sp.closed
		sp.mu.Unlock()
		sp.cond.Broadcast()
		if end {
			if closed {
				sp.file.Close()
			}
			return
		}
	}
}

// readAt reads p at off from what has arrived (n bytes, as wait gave):
// the file's part outside the lock, as the file never changes below
// fileN, and mem's under it, as the copier appends to mem.
func (sp *spool) readAt(p []byte, off, n int64) (int, error) {
	p = p[:min(int64(len(p)), n-off)]
	sp.mu.Lock()
	fileN := sp.fileN
	sp.mu.Unlock()
	m := 0
	if off < fileN {
		k, err := sp.file.ReadAt(p[:min(int64(len(p)), fileN-off)], off)
		m = k
		if err != nil && k < len(p) && int64(k) < fileN-off {
			return m, err
		}
	}
	if m < len(p) {
		sp.mu.Lock()
		at := off + int64(m)
		i := sort.Search(len(sp.memAt), func(i int) bool { return sp.memAt[i] > at }) - 1
		for ; m < len(p) && i < len(sp.mem); i++ {
			m += copy(p[m:], sp.mem[i][at-sp.memAt[i]:])
			at = off + int64(m)
		}
		sp.mu.Unlock()
	}
	return m, nil
}

// errStopped is what a stopped reading of the spool reads.
var errStopped = errors.New("the reading was stopped")

// spoolView is one reading of the spool: a har.Growing.
type spoolView struct {
	sp     *spool
	off    int64 // Read's offset
	closed bool  // guarded by sp.mu
}

// close stops the reading: waiting reads return errStopped.
func (v *spoolView) close() {
	v.sp.mu.Lock()
	v.closed = true
	v.sp.mu.Unlock()
	v.sp.cond.Broadcast()
}

// wait waits until the spool holds want bytes, or all it will hold, and
// returns how many it holds and the error that ended the copy, if it has
// ended: io.EOF at the end of the input.
func (v *spoolView) wait(want int64) (int64, error) {
	sp := v.sp
	sp.mu.Lock()
	defer sp.mu.Unlock()
	for sp.n < want && sp.copying && !v.closed {
		sp.cond.Wait()
	}
	switch {
	case v.closed:
		return 0, errStopped
	case sp.copying:
		return sp.n, nil
	case sp.err != nil:
		return sp.n, sp.err
	}
	return sp.n, io.EOF
}

// Read reads what has arrived past the last Read, waiting for at least a
// byte.
func (v *spoolView) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := v.wait(v.off + 1)
	if err == errStopped || n <= v.off {
		return 0, err
	}
	m, rerr := v.sp.readAt(p, v.off, n)
	v.off += int64(m)
	return m, rerr
}

// ReadAt waits until the bytes asked for have arrived, or the input has
// ended, and reads them.
func (v *spoolView) ReadAt(p []byte, off int64) (int, error) {
	n, err := v.wait(off + int64(len(p)))
	if err == errStopped {
		return 0, err
	}
	if n <= off {
		return 0, err
	}
	m, rerr := v.sp.readAt(p, off, n)
	if m == len(p) {
		return m, nil
	}
	if rerr == nil {
		rerr = err
	}
	return m, rerr
}

// Arrived says how many bytes the spool holds and whether that is all
// the input.
func (v *spoolView) Arrived() (int64, bool) {
	sp := v.sp
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return sp.n, !sp.copying && sp.err == nil
}
