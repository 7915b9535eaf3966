package har

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"

	kflate "github.com/klauspost/compress/flate"
	kgzip "github.com/klauspost/compress/gzip"
)

// This file unwraps what a HAR comes in: gzip (browsertime and
// sitespeed.io store every HAR gzipped), a Playwright .zip, and says which
// compression it is when harcors cannot read it.

// refusedFormats are compressions and archives harcors does not read, by
// their magic numbers, with the command that unpacks each.
var refusedFormats = []struct {
	magic []byte
	name  string
	undo  string
}{
	{[]byte{0x28, 0xb5, 0x2f, 0xfd}, "zstd", "zstd -dc FILE | harcors -"},
	{[]byte("BZh"), "bzip2", "bzip2 -dc FILE | harcors -"},
	{[]byte{0xfd, '7', 'z', 'X', 'Z', 0}, "xz", "xz -dc FILE | harcors -"},
	{[]byte{0x04, 0x22, 0x4d, 0x18}, "lz4", "lz4 -dc FILE | harcors -"},
	{[]byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c}, "7-Zip", "7z x FILE"},
	{[]byte("Rar!\x1a\x07"), "RAR", "unrar x FILE"},
}

// headSize is how many bytes start sniffs: enough for every magic number.
const headSize = 6

// refusedFormat names the compression or archive that h starts with, and
// the command that unpacks it; "" when none is known.
func refusedFormat(h []byte) (name, undo string) {
	for _, f := range refusedFormats {
		if bytes.HasPrefix(h, f.magic) {
			return f.name, f.undo
		}
	}
	return "", ""
}

// maxZeroPad bounds the zero bytes accepted after the last gzip member (GNU
// gzip accepts such padding, which tape and block devices add) and before
// or after the JSON (Firebug pads files with NULs), so that /dev/zero
// ends with an error instead of being read forever.
const maxZeroPad = 1 << 20

// gunzip reads every member of a gzip stream, as gzip.Reader does in
// multistream mode, and also accepts zero bytes after the last member.
//
// A regular file is mapped into memory and inflated from there: klauspost's
// inflater has a loop of its own for a *bytes.Reader, which ran 12% faster
// than the one for a *bufio.Reader on a 250 MiB gzip -1 capture (1.78
// against 2.17 s, farm-bench median of 9 pairs 0.88x), and saves a copy.
type gunzip struct {
	in  kflate.Reader // what zr reads: br, or mr
	br  *bufio.Reader // nil when mapped
	mr  *bytes.Reader // the mapping's reader
	m   *mapping
	zr  *kgzip.Reader
	err error // a fault reading the mapping; sticky
	end bool
}

// mapping is a file mapped into memory (mapfile_*.go).
type mapping struct {
	data     []byte
	released int // the pages before this offset have been released
}

// releaseStep is how much of a mapping is inflated before the pages read
// are released: peak memory grows by at most this much.
const releaseStep = 2 << 20

// newGunzip reads the first member's header from m when it is not nil,
// else from in.
func newGunzip(in io.Reader, m *mapping) (g *gunzip, err error) {
	g = &gunzip{m: m}
	if m != nil {
		g.mr = bytes.NewReader(m.data)
		g.in = g.mr
		defer catchFault(debug.SetPanicOnFault(true), &err)
	} else {
		g.br = bufio.NewReaderSize(in, 64<<10)
		g.in = g.br
	}
	if g.zr, err = kgzip.NewReader(g.in); err != nil {
		return nil, err
	}
	g.zr.Multistream(false)
	return g, nil
}

// errShrank: the file under a mapping was cut short while it was read.
var errShrank = errors.New("the file became shorter while it was read")

// catchFault ends a function that reads a mapping, after
// debug.SetPanicOnFault(true) returned old: a fault (SIGBUS, when the file
// was truncated after it was mapped) becomes errShrank instead of ending
// the process. Any other panic goes on.
func catchFault(old bool, err *error) {
	debug.SetPanicOnFault(old)
	if e := recover(); e != nil {
		if _, ok := e.(interface{ Addr() uintptr }); !ok {
			panic(e)
		}
		*err = errShrank
	}
}

func (g *gunzip) Read(p []byte) (n int, err error) {
	if g.m != nil {
		if g.err != nil {
			return 0, g.err
		}
		// Deferred calls run last first: catchFault sets err before
		// this one reads it.
		defer func() {
			if err == errShrank {
				g.err, n = err, 0
			} else if off := g.mapOffset(); off-g.m.released >= releaseStep {
				g.m.release(off)
			}
		}()
		defer catchFault(debug.SetPanicOnFault(true), &err)
	}
	for {
		if g.end {
			return 0, io.EOF
		}
		n, err := g.zr.Read(p)
		if err == io.EOF {
			err = g.nextMember()
		}
		if n > 0 || err != nil {
			return n, err
		}
	}
}

// mapOffset is how far into the mapping the inflater has read.
func (g *gunzip) mapOffset() int { return len(g.m.data) - g.mr.Len() }

// peek returns the next n bytes of the input without reading them, or
// fewer with an error.
func (g *gunzip) peek(n int) ([]byte, error) {
	if g.br != nil {
		return g.br.Peek(n)
	}
	off := g.mapOffset()
	b := g.m.data[off:min(off+n, len(g.m.data))]
	if len(b) < n {
		return b, io.EOF
	}
	return b, nil
}

// nextMember is called at the end of a member: it starts the next one, or
// ends the stream at the end of the input or of zero padding.
func (g *gunzip) nextMember() error {
	b, err := g.peek(2)
	switch {
	case len(b) == 0 && err == io.EOF:
		g.end = true
		return nil
	case len(b) == 2 && bytes.Equal(b, gzipMagic):
		if err := g.zr.Reset(g.in); err != nil {
			return err
		}
		g.zr.Multistream(false)
		return nil
	case len(b) > 0 && b[0] == 0:
		for n := 0; ; n++ {
			c, err := g.in.ReadByte()
			if err == io.EOF {
				g.end = true
				return nil
			}
			if err != nil {
				return err
			}
			if c != 0 {
				return kgzip.ErrHeader
			}
			if n >= maxZeroPad {
				return errZeroPad
			}
		}
	case err != nil && err != io.EOF:
		return err
	}
	return kgzip.ErrHeader
}

// errZeroPad: more zero bytes follow the gzip data than any padding holds.
var errZeroPad = errors.New("more than 1 MiB of zero bytes after the gzip data")

// openZip finds the HAR inside a zip archive (Playwright's recordHar saves
// the HAR and the bodies as separate members of a .zip). The archive's
// index is at its end, so a stream (standard input, a pipe) is first
// copied to an unnamed temporary file, which Close removes. src is what
// NewReader was given, in the same with the bytes start has read put back.
func (r *Reader) openZip(src io.Reader, in io.Reader) (io.Reader, error) {
	var ra io.ReaderAt
	var size int64
	if f, ok := src.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			ra, size = f, fi.Size() // ReadAt ignores what start read
		}
	}
	if ra == nil {
		tmp, err := os.CreateTemp("", "harcors-*.zip")
		if err != nil {
			return nil, r.wholeFileErr("zip archive on a stream: cannot make a temporary copy: "+err.Error(), err)
		}
		os.Remove(tmp.Name()) // unnamed: gone when closed, even after a crash
		r.tmp = tmp
		max := r.maxDecompressed()
		n, err := io.Copy(tmp, io.LimitReader(in, max+1))
		switch {
		case err != nil:
			return nil, r.wholeFileErr("read error: "+err.Error(), err)
		case n > max:
			return nil, r.wholeFile("zip archive larger than the " + sizeString(max) + " limit (set a higher limit with --max-decompressed)")
		}
		ra, size = tmp, n
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, r.wholeFileErr("not a valid zip archive: "+strings.TrimPrefix(err.Error(), "zip: "), err)
	}
	var hars []*zip.File
	for _, f := range zr.File {
		if !f.FileInfo().IsDir() && strings.HasSuffix(strings.ToLower(f.Name), ".har") {
			hars = append(hars, f)
		}
	}
	switch len(hars) {
	case 0:
		return nil, r.wholeFile("zip archive without a .har member (Playwright's recordHar saves one named har.har)")
	case 1:
	default:
		names := make([]string, len(hars))
		for i, f := range hars {
			names[i] = f.Name
		}
		sort.Strings(names)
		return nil, r.wholeFile("zip archive with " + strconv.Itoa(len(hars)) + " .har members (" + strings.Join(names, ", ") + "); unzip it and name one")
	}
	rc, err := hars[0].Open()
	if err != nil {
		return nil, r.wholeFileErr("zip member "+hars[0].Name+": "+strings.TrimPrefix(err.Error(), "zip: "), err)
	}
	r.format = "zip"
	max := r.maxDecompressed()
	return &limitReader{r: rc, left: max, limit: max}, nil
}

func (r *Reader) maxDecompressed() int64 {
	if r.opt.MaxDecompressed > 0 {
		return r.opt.MaxDecompressed
	}
	return DefaultMaxDecompressed
}
