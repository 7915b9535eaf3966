package analyze

import (
	"errors"
	"fmt"
	"io"
	"os"
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
// Standard input redirected from a regular file (harcors - < f.har) needs
// no copy: it is read again by seeking back to where it started.

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
}

// newOnceInput prepares to read src once. A copy that cannot be made
// (no temporary directory) is reported when, and only if, it is needed.
func newOnceInput(src io.Reader) *onceInput {
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

// close removes the copy.
func (in *onceInput) close() error {
	if !in.copy {
		return nil
	}
	err := in.file.Close()
	if in.path != "" {
		err = errors.Join(err, os.Remove(in.path))
	}
	return err
}
