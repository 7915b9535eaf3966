package har

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func gzipOf(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// TestGzipMembersAndPadding: every member of a multi-member gzip is read,
// zero bytes after the last (which GNU gzip accepts) are ignored, and
// anything else after it is an error.
func TestGzipMembersAndPadding(t *testing.T) {
	src := har(`{"request":{"url":"http://a/"}}`, `{"request":{"url":"http://b/"}}`)
	half := len(src) / 2
	twoMembers := append(gzipOf(src[:half]), gzipOf(src[half:])...)
	for _, c := range []struct {
		name string
		in   []byte
		want string // error, "" for none
	}{
		{"one member", gzipOf(src), ""},
		{"two members", twoMembers, ""},
		{"zero padding", append(gzipOf(src), make([]byte, 4096)...), ""},
		{"two members and padding", append(twoMembers, make([]byte, 10)...), ""},
		{"garbage after", append(gzipOf(src), "junk"...), "gzip data is damaged (invalid header after the first member)"},
		{"zeros then garbage", append(append(gzipOf(src), 0, 0, 0), 'x'), "gzip data is damaged (invalid header after the first member)"},
		{"endless zeros", append(gzipOf(src), make([]byte, maxZeroPad+2)...), "gzip data is followed by more than 1 MiB of zero bytes"},
	} {
		// A stream is inflated through a bufio.Reader, a file from
		// memory (mapped): each way must read the same.
		path := filepath.Join(t.TempDir(), "t.har.gz")
		if err := os.WriteFile(path, c.in, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, way := range []string{"stream", "file"} {
			t.Run(c.name+"/"+way, func(t *testing.T) {
				var in io.Reader = bytes.NewReader(c.in)
				if way == "file" {
					f, err := os.Open(path)
					if err != nil {
						t.Fatal(err)
					}
					defer f.Close()
					in = f
				}
				_, es, err := ReadAll(in, Options{Name: "t.har.gz"})
				switch {
				case c.want == "" && err != nil:
					t.Errorf("error: %v", err)
				case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
					t.Errorf("error %v, want one saying %q", err, c.want)
				case len(es) != 2:
					t.Errorf("%d entries, want 2", len(es))
				}
			})
		}
	}
}

// TestGzipFileMapped: a gzip file is inflated from memory, mapped where
// the system can map it, and unmapped by Close; reading it gives the
// entries that reading it as a stream gives. A file the caller has read
// from already is read as a stream, from where it stands.
func TestGzipFileMapped(t *testing.T) {
	var entries []string
	for i := range 3000 {
		entries = append(entries, `{"request":{"method":"GET","url":"https://api.test/`+strconv.Itoa(i)+`"},"response":{"status":200}}`)
	}
	data := gzipOf(har(entries...))
	path := filepath.Join(t.TempDir(), "t.har.gz")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, want, err := ReadAll(bytes.NewReader(data), Options{})
	if err != nil || len(want) != len(entries) {
		t.Fatalf("as a stream: %d entries, %v", len(want), err)
	}
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if (r.mapped != nil) != (runtime.GOOS != "js" && runtime.GOOS != "windows" && runtime.GOOS != "wasip1" && runtime.GOOS != "plan9") {
		t.Errorf("mapped: %v on %s", r.mapped != nil, runtime.GOOS)
	}
	got := drain(r)
	r.Close()
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	if r.mapped != nil {
		t.Error("still mapped after Close")
	}
	if diff := cmp.Diff(want, got.Entries); diff != "" {
		t.Errorf("entries of the mapped file differ from the stream's (-stream +file):\n%s", diff)
	}

	// A file whose gzip starts where the caller has read it to, after
	// other data: mapped from its start, it would not read as gzip.
	if err := os.WriteFile(path, append([]byte("before"), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Seek(int64(len("before")), io.SeekStart)
	if _, es, err := ReadAll(f, Options{}); err != nil || len(es) != len(entries) {
		t.Errorf("a file read from its gzip at offset 6: %d entries, error %v; want %d", len(es), err, len(entries))
	}
}

// TestGzipFileShrinks: a gzip file cut short while it is inflated from
// memory gives an error, where touching the pages past its new end would
// otherwise end the process (SIGBUS).
func TestGzipFileShrinks(t *testing.T) {
	if runtime.GOOS == "js" || runtime.GOOS == "windows" || runtime.GOOS == "wasip1" || runtime.GOOS == "plan9" {
		t.Skip("files are not mapped on " + runtime.GOOS)
	}
	// Bodies that do not compress, so that the file is about as large
	// as its 8 MiB of JSON and most of it is still unread when cut.
	rnd := rand.New(rand.NewPCG(1, 2))
	body := make([]byte, 6000)
	var entries []string
	for range 1400 {
		for i := range body {
			body[i] = 'a' + byte(rnd.IntN(26))
		}
		entries = append(entries, `{"request":{"url":"https://a.test/"},"response":{"status":200,"content":{"text":"`+string(body)+`"}}}`)
	}
	data := gzipOf(har(entries...))
	for _, workers := range []int{1, 2} {
		path := filepath.Join(t.TempDir(), "t.har.gz")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Open(path, Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if r.mapped == nil {
			t.Fatal("not mapped")
		}
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, int64(len(data)/2)); err != nil {
			t.Fatal(err)
		}
		n := 1
		for {
			_, err = r.Next()
			if err != nil {
				break
			}
			n++
		}
		r.Close()
		if err == io.EOF || !strings.Contains(err.Error(), "became shorter while it was read") {
			t.Errorf("workers %d: after %d of %d entries: %v, want an error saying the file became shorter", workers, n, len(entries), err)
		}
		if n >= len(entries) {
			t.Errorf("workers %d: %d entries read from a file cut in half", workers, n)
		}
	}
}

// TestNULBounds: Firebug's NUL padding is skipped, but not without end.
func TestNULBounds(t *testing.T) {
	src := har(`{}`)
	nul := func(n int) string { return string(make([]byte, n)) }
	for _, c := range []struct {
		name, in, want string
	}{
		{"padding", nul(100) + src + nul(100), ""},
		{"only NULs", nul(5000), "t.har: not a HAR file: nothing but 5000 NUL bytes"},
		{"endless leading NULs", nul(maxZeroPad + 1), "t.har: not a HAR file: it starts with more than 1 MiB of NUL bytes"},
		{"endless trailing NULs", src + nul(maxZeroPad+1), "more than 1 MiB of NUL bytes after the end of the HAR"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ReadAll(strings.NewReader(c.in), Options{Name: "t.har"})
			if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

// TestZip reads the .har member of a zip archive, from a file (random
// access) and from a stream (copied aside first), and names what is wrong
// with archives that hold no HAR or several.
func TestZip(t *testing.T) {
	src := har(`{"request":{"url":"http://a/"}}`, `{}`, `{}`)
	mk := func(members ...string) []byte {
		var b bytes.Buffer
		w := zip.NewWriter(&b)
		for _, m := range members {
			f, _ := w.Create(m)
			if strings.HasSuffix(strings.ToLower(m), ".har") {
				io.WriteString(f, src)
			} else {
				io.WriteString(f, "{}")
			}
		}
		w.Close()
		return b.Bytes()
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name    string
		members []string
		want    string
	}{
		{"Playwright", []string{"har.har", "0a1b.json", "ffee.png"}, ""},
		{"in a folder", []string{"out/capture.HAR"}, ""},
		{"no HAR", []string{"a.json"}, "zip archive without a .har member"},
		{"empty", nil, "zip archive without a .har member"},
		{"two HARs", []string{"b.har", "a.har"}, "zip archive with 2 .har members (a.har, b.har); unzip it and name one"},
	} {
		data := mk(c.members...)
		path := filepath.Join(dir, c.name+".zip")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		check := func(how string, n int, err error) {
			t.Helper()
			switch {
			case c.want == "" && (err != nil || n != 3):
				t.Errorf("%s, %s: %d entries, error %v", c.name, how, n, err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("%s, %s: error %v, want %q", c.name, how, err, c.want)
			}
		}
		r, err := Open(path, Options{})
		n := 0
		if err == nil {
			for {
				if _, err = r.Next(); err != nil {
					break
				}
				n++
			}
			if err == io.EOF {
				err = nil
			}
			r.Close()
		}
		check("by path", n, err)
		_, es, err := ReadAll(bytes.NewReader(data), Options{})
		check("as a stream", len(es), err)
	}
}

// TestInflatedReadsFill: what a decompressor yields is read into the
// caller's buffer until it is full. An inflater returns at most 32 KiB a
// call, and the read-ahead hands each Read to the parser as a buffer of its
// own: read as they come, 250 MB of gzip woke the parser 8,000 times.
func TestInflatedReadsFill(t *testing.T) {
	data := bytes.Repeat([]byte(`{"name":"x-request-id","value":"0123456789abcdef"},`), (1<<20)/50)
	var gz, zl, zp bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(data)
	gw.Close()
	zw := zlib.NewWriter(&zl)
	zw.Write(data)
	zw.Close()
	aw := zip.NewWriter(&zp)
	f, _ := aw.Create("har.har")
	f.Write(data)
	aw.Close()
	for _, c := range []struct {
		name string
		in   []byte
	}{{"gzip", gz.Bytes()}, {"zlib", zl.Bytes()}, {"zip", zp.Bytes()}} {
		r := &Reader{}
		in, err := r.unwrap(bytes.NewReader(c.in))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		p := make([]byte, 256<<10)
		var got []byte
		var sizes []int
		for {
			n, err := in.Read(p)
			got = append(got, p[:n]...)
			sizes = append(sizes, n)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
		r.Close()
		if !bytes.Equal(got, data) {
			t.Fatalf("%s: read %d bytes, want the %d written", c.name, len(got), len(data))
		}
		// The first Read may return only the bytes sniffed for the
		// format, and the last ones what is left.
		read := 0
		for i, n := range sizes {
			read += n
			if i > 0 && n < len(p) && read < len(data) {
				t.Errorf("%s: Read %d returned %d of %d bytes before the end (%v)", c.name, i, n, len(p), sizes)
				break
			}
		}
	}
}

// TestSecondEntries: a log with two "entries" members is an error after the
// first one's entries, at the second: JSON readers keep either.
func TestSecondEntries(t *testing.T) {
	in := `{"log":{"entries":[{}],` + "\n" + `"entries":[{},{}]}}`
	es, e := readErr(t, strings.NewReader(in), Options{Name: "t.har"})
	want := `t.har:2:11 (byte 34): log.entries: a second "entries" member in log: JSON readers disagree on which one counts; keep one`
	if len(es) != 1 || e.Error() != want {
		t.Errorf("%d entries, error\n%v\nwant 1 entry and\n%s", len(es), e, want)
	}
}
