package har

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// TestReadAheadSame reads inputs of several chunks (the read-ahead's
// buffers grow from 16 KiB to 256 KiB) with and without the read-ahead
// goroutine, in whole and one-byte Reads, and with Open: entries,
// warnings and errors (their offsets, lines and columns included) must be
// the same, whole or cut anywhere, plain or gzip, damaged or not.
func TestReadAheadSame(t *testing.T) {
	big := []byte(genHAR(60, 3, 64<<10)) // about 1.4 MiB, 20 bodies
	broken := bytes.Clone(big)
	broken[len(broken)*3/4] = '#' // a syntax error three quarters in
	gz := gzipBytesF(big)
	damaged := bytes.Clone(gz)
	damaged[len(damaged)/2] ^= 0x55
	inputs := map[string][]byte{
		"whole":        big,
		"broken":       broken,
		"gzip":         gz,
		"gzip damaged": damaged,
		"gzip cut":     gz[:len(gz)*2/3],
		"BOM":          append([]byte("\xef\xbb\xbf"), big[:100<<10]...),
		"small":        []byte(har(`{}`, `{"request":{"url":"http://a/"}}`)),
		"empty":        nil,
	}
	for _, cut := range []int{1, 100, 16 << 10, 16<<10 + 3, 48 << 10, 300 << 10, len(big) - 1} {
		inputs["cut at "+itoa(cut)] = big[:cut]
	}
	dir := t.TempDir()
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			want := collect(bytes.NewReader(data))
			if got := collectAhead(bytes.NewReader(data)); !reflect.DeepEqual(got, want) {
				t.Fatalf("reading ahead: %v; without: %v", summary(got), summary(want))
			}
			if got := collectAhead(iotest.OneByteReader(bytes.NewReader(data))); !reflect.DeepEqual(got, want) {
				t.Fatalf("reading ahead one byte at a time: %v; without: %v", summary(got), summary(want))
			}
			path := filepath.Join(dir, "fuzz.har")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := collectOpen(t, path); !reflect.DeepEqual(got, want) {
				t.Fatalf("Open: %v; NewReader: %v", summary(got), summary(want))
			}
		})
	}
}

func itoa(n int) string { return renderPath([]seg{{"", n}}, "") }

// collectOpen is collect for a file read with Open.
func collectOpen(t *testing.T, path string) collected {
	t.Helper()
	tune := defaultTuning
	tune.aheadMinSize = 0 // Open reads every file ahead
	r, err := Open(path, Options{Name: "fuzz.har", tune: &tune})
	if err != nil {
		return collected{Err: err}
	}
	defer r.Close()
	return drain(r)
}

func summary(c collected) string {
	return itoa(len(c.Entries)) + " entries, " + itoa(len(c.Warns)) + " warnings, error " + errString(c.Err)
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

// TestReadAheadError checks that a read error is delivered after the data
// read before it, and only then, however the Reads are cut.
func TestReadAheadError(t *testing.T) {
	boom := errors.New("connection reset")
	src := `{"log":{"entries":[{},{},{"request":`
	for _, rd := range []io.Reader{
		&failingReader{[]byte(src), boom},
		iotest.OneByteReader(&failingReader{[]byte(src), boom}),
		iotest.DataErrReader(&failingReader{[]byte(src), boom}),
	} {
		c := collectAhead(rd)
		var e *Error
		if len(c.Entries) != 2 || !errors.As(c.Err, &e) || e.Msg != "read error: connection reset" || !errors.Is(e, boom) {
			t.Errorf("%s", summary(c))
		}
	}
	// A reader that returns nothing forever gives up as fill does.
	c := collectAhead(io.MultiReader(strings.NewReader(`{"log":{"entries":[{},`), zeroReader{}))
	if len(c.Entries) != 1 || !errors.Is(c.Err, io.ErrNoProgress) {
		t.Errorf("%s", summary(c))
	}
}

// zeroReader returns 0, nil forever.
type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

// aheadRunning counts the read-ahead goroutines alive, from the stacks of
// all goroutines: counting every goroutine would also count the runtime's
// finalizer goroutine while it runs a finalizer, which happens at any time
// under load.
func aheadRunning() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return bytes.Count(buf[:n], []byte("jsonscan.(*readAhead).run("))
		}
		buf = make([]byte, 2*len(buf))
	}
}

// waitAheadGone waits up to 10 s for every read-ahead goroutine to return.
// Even after its exited channel is closed a goroutine takes a moment to
// return, so the test waits for that rather than sampling once.
func waitAheadGone(t *testing.T, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for aheadRunning() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d read-ahead goroutines still running", what, aheadRunning())
		}
		time.Sleep(time.Millisecond)
	}
}

// TestReadAheadStops checks that the goroutine ends with Close before the
// end of the file, with a failed Open, and after an error without Close.
func TestReadAheadStops(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.har")
	big := []byte(genHAR(200, 3, 64<<10)) // about 4.5 MiB: more than the buffers hold
	if err := os.WriteFile(path, big, 0o644); err != nil {
		t.Fatal(err)
	}
	waitAheadGone(t, "before the test")

	// Two workers whatever the machine: with one, nothing is read ahead.
	r, err := Open(path, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	exited := r.s.AheadExited()
	if exited == nil {
		t.Fatalf("a %d-byte file is not read ahead", len(big))
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	// Close waits for the goroutine when it closed the file.
	select {
	case <-exited:
	default:
		t.Error("Close returned before the read-ahead goroutine ended")
	}
	waitAheadGone(t, "after Close")
	if _, err := r.Next(); err == nil || !errors.Is(err, os.ErrClosed) {
		t.Errorf("Next after Close: %v", err)
	}

	// A large file that is not a HAR: Open fails and leaves nothing
	// running.
	// It fails at the first byte, the goroutine still reading.
	notHAR := append([]byte(`[`), bytes.Repeat([]byte("1,"), 3<<20)...)
	if err := os.WriteFile(path, append(notHAR, `1]`...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{Workers: 2}); err == nil {
		t.Fatal("no error opening a file that is not a HAR")
	}
	waitAheadGone(t, "after a failed Open")

	broken := bytes.Clone(big)
	broken[300] = '#'
	if err := os.WriteFile(path, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err = Open(path, Options{Workers: 2})
	if err == nil {
		for err == nil {
			_, err = r.Next()
		}
		waitAheadGone(t, "after an error, without Close")
		r.Close()
	}
	if err == nil || err == io.EOF {
		t.Fatalf("no error reading a broken file")
	}
}

// TestReadAheadStdin reads standard input through Open("-"), and checks
// that Close does not wait for a Read that standard input may never end.
func TestReadAheadStdin(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("no pipes under js/wasm, where the web page reads a File, never standard input")
	}
	stdin := os.Stdin
	defer func() { os.Stdin = stdin }()
	waitAheadGone(t, "before the test")

	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	os.Stdin = pr
	src := har(`{}`, `{"request":{"url":"http://a/"}}`)
	go func(w *os.File) {
		w.Write([]byte(src))
		w.Close()
	}(pw)
	got := collectOpen(t, "-")
	if want := collect(strings.NewReader(src)); !reflect.DeepEqual(got, want) {
		t.Errorf("stdin: %v; want %v", summary(got), summary(want))
	}
	pr.Close()
	waitAheadGone(t, "after reading stdin to the end")

	pr, pw, err = os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	os.Stdin = pr
	pw.Write([]byte(`{"log": {"entries": [{}, `))
	r, err := Open("-", Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !r.s.ReadingAhead() {
		t.Fatal("standard input is not read ahead")
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { r.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waits for standard input")
	}
	// The goroutine ends once its Read returns.
	pw.Close()
	waitAheadGone(t, "after standard input ended")
}

// TestReadAheadSmallFile checks that Open reads a small file without the
// goroutine (it would cost more than it saves).
func TestReadAheadSmallFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.har")
	if err := writeFile(path, har(`{}`)); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.s.ReadingAhead() {
		t.Error("a small file is read ahead")
	}
}
