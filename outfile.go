package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// outputFile is a file written by -o or --write-baseline. It is written
// beside its path under another name and takes the path's place only when
// committed, whole: the file it replaces may be one of the inputs (harcors
// -o cap.har cap.har would otherwise truncate the capture before reading
// it), and a run that fails half way leaves the old file as it was. A
// path that is not a regular file (/dev/stdout, a FIFO) is written in
// place, as renaming over it would replace a device with a file.
type outputFile struct {
	*os.File
	path   string // what the file replaces when committed
	direct bool   // File is path itself
	mode   fs.FileMode
	keep   bool // path existed: its permissions are kept
}

// createOutput starts writing the file that is to replace path. A link
// is followed, so that the file it points to is replaced, not the link.
func createOutput(path string) (*outputFile, error) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	o := &outputFile{path: path, mode: 0o666}
	fi, err := os.Stat(path)
	switch {
	case err == nil && !fi.Mode().IsRegular():
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return nil, err
		}
		o.File, o.direct = f, true
		return o, nil
	case err == nil:
		o.mode, o.keep = fi.Mode().Perm(), true
	}
	dir, base := filepath.Split(path)
	for range 10000 {
		var r [6]byte
		_, _ = rand.Read(r[:])
		name := filepath.Join(dir, "."+base+"."+hex.EncodeToString(r[:])+".tmp")
		// Created with the mode that os.Create would give (the umask
		// applies), not CreateTemp's 0600.
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, o.mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			// Its folder may be read-only while the file itself can be
			// written: write it in place, as os.Create does.
			f, derr := os.Create(path)
			if derr != nil {
				return nil, derr // names path, not the temporary name
			}
			o.File, o.direct = f, true
			return o, nil
		}
		o.File = f
		return o, nil
	}
	return nil, errors.New("no free temporary name beside " + path)
}

// commit closes the file and puts it in its path's place.
func (o *outputFile) commit() error {
	err := o.Close()
	if o.direct {
		return err
	}
	if err == nil && o.keep {
		err = os.Chmod(o.Name(), o.mode)
	}
	if err == nil {
		err = os.Rename(o.Name(), o.path)
	}
	if err != nil {
		os.Remove(o.Name())
	}
	return err
}

// discard closes the file and leaves path as it was (written in place, it
// stays written).
func (o *outputFile) discard() {
	o.Close()
	if !o.direct {
		os.Remove(o.Name())
	}
}

// sameFile reports whether the paths name one existing regular file: -o
// naming an input, which committing the report would replace. A path that
// cannot be found (standard input, a file not yet written) is not one.
func sameFile(a, b string) bool {
	x, err := os.Stat(a)
	if err != nil || !x.Mode().IsRegular() {
		return false
	}
	y, err := os.Stat(b)
	return err == nil && os.SameFile(x, y)
}
