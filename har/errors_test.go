package har

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harcors/harcors/internal/testcorpus"
)

// readErr reads src to the end and returns the entries and the error.
func readErr(t *testing.T, src io.Reader, opt Options) ([]*Entry, *Error) {
	t.Helper()
	_, es, err := ReadAll(src, opt)
	if err == nil {
		t.Fatalf("no error after %d entries", len(es))
	}
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %T %v, want *Error", err, err)
	}
	return es, e
}

func TestWholeFileErrors(t *testing.T) {
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "test.har: empty file"},
		{"whitespace", " \n\t\r\n", "test.har: empty file"},
		{"BOM only", "\xef\xbb\xbf\n", "test.har: empty file"},
		{"NULs only", "\x00\x00\x00", "test.har: not a HAR file: nothing but 3 NUL bytes"},
		{"gzip of nothing", gz(""), "test.har: empty file"},
		{"text", "Please find the HAR attached", "test.har:1:1 (byte 0): not JSON: expected '{' at the start, found 'P'"},
		{"HTML", "\n  <html><body>502 Bad Gateway</body></html>", "test.har:2:3 (byte 3): not JSON: expected '{' at the start, found '<'"},
		{"binary", "\x89PNG\r\n", "test.har:1:1 (byte 0): not JSON: expected '{' at the start, found byte 0x89"},
		{"damaged zip", "PK\x03\x04\x14\x00", "test.har: not a valid zip archive: not a valid zip file"},
		{"zstd", "\x28\xb5\x2f\xfd\x04\x58", "test.har: not a HAR file: zstd-compressed data, which harcors does not read; unpack it first: zstd -dc FILE | harcors -"},
		{"bzip2", "BZh91AY&SY", "test.har: not a HAR file: bzip2-compressed data, which harcors does not read; unpack it first: bzip2 -dc FILE | harcors -"},
		{"xz", "\xfd7zXZ\x00\x00", "test.har: not a HAR file: xz-compressed data, which harcors does not read; unpack it first: xz -dc FILE | harcors -"},
		{"gzip in gzip", gz(gz(`{"log":{"entries":[]}}`)), "test.har: not a HAR file: gzip-compressed twice (the data inside the gzip is gzip again); decompress it once first: gzip -dc FILE | harcors -"},
		{"bzip2 in gzip", gz("BZh91AY&SY"), "test.har: not a HAR file: the gzip holds bzip2-compressed data, which harcors does not read; unpack both first"},
		{"UTF-16", "\xff\xfe{\x00\"\x00", "test.har: not JSON: the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8"},
		{"UTF-32", "\xff\xfe\x00\x00{\x00\x00\x00", "test.har: not JSON: the file is UTF-32 text (it starts with a UTF-32 byte-order mark); save it as UTF-8"},
		{"UTF-16LE without BOM", "{\x00\"\x00l\x00", "test.har: not JSON: the file looks like UTF-16 text without a byte-order mark (every other byte is NUL); save it as UTF-8"},
		{"UTF-16BE without BOM", "\x00{\x00\"\x00l", "test.har: not JSON: the file looks like UTF-16 text without a byte-order mark (every other byte is NUL); save it as UTF-8"},
		{"empty zip", "PK\x05\x06" + strings.Repeat("\x00", 18), "test.har: zip archive without a .har member (Playwright's recordHar saves one named har.har)"},
		{"bad gzip", "\x1f\x8b\x00\x00garbage", "test.har: not valid gzip data: invalid header"},
		{"gzip header cut short", "\x1f\x8b\x08\x00\x00\x00", "test.har: gzip data ends early, in its header (the file looks truncated)"},
		{"object without log", `{"foo": 1, "bar": [1, 2]}`, `test.har: not a HAR file: no log.entries (no "log" object at the top level)`},
		{"log without entries", `{"log": {"version": "1.2", "pages": []}}`, "test.har: not a HAR file: no log.entries"},
		{"array", `[{"log": {"entries": []}}]`, "test.har:1:1 (byte 0): not a HAR file: no log.entries (the top level is an array, not an object)"},
		{"string", `"log"`, "test.har:1:1 (byte 0): not a HAR file: the top level is a string, not an object"},
		{"number", ` 42`, "test.har:1:2 (byte 1): not a HAR file: the top level is a number, not an object"},
		{"log is an array", `{"log": []}`, `test.har:1:9 (byte 8): log: not a HAR file: "log" is an array, not an object`},
		{"entries is null", `{"log": {"entries": null}}`, `test.har:1:21 (byte 20): log.entries: not a HAR file: log.entries is null, not an array`},
		{"entries is an object", `{"log": {"entries": {"0": {}}}}`, `test.har:1:21 (byte 20): log.entries: not a HAR file: log.entries is an object, not an array`},
		{"JSONP without object", `onInputData([1]);`, `test.har:1:13 (byte 12): expected '{' after the JSONP call's '(', found '['`},
		{"truncated before entries", `{"log": {"version": "1.`, "test.har:1:24 (byte 23): log.version: unexpected end of file inside log.version (the file looks truncated)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, e := readErr(t, strings.NewReader(tt.in), Options{Name: "test.har"})
			if e.Error() != tt.want {
				t.Errorf("error\n got %s\nwant %s", e, tt.want)
			}
		})
	}
}

func TestStdinName(t *testing.T) {
	for _, name := range []string{"", "-"} {
		_, e := readErr(t, strings.NewReader(""), Options{Name: name})
		if e.Error() != "<stdin>: empty file" {
			t.Errorf("Name %q: %v", name, e)
		}
	}
}

// TestSyntaxErrors checks errors in the middle of a file: the entries
// before the damage come back, then an error with position and path, and
// Next keeps returning it.
func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"bracket mismatch", `{"log":{"entries":[{},{},{},{"a":1]}}`, 3,
			"test.har:1:35 (byte 34): log.entries[3]: expected ',' or '}' after object member, found ']'"},
		{"missing colon", "{\"log\":{\"entries\":[{},\n  {\"request\" {}}]}}", 1,
			"test.har:2:14 (byte 36): log.entries[1]: expected ':' after object key, found '{'"},
		{"missing comma between entries", `{"log":{"entries":[{} {}]}}`, 1,
			"test.har:1:23 (byte 22): log.entries: expected ',' or ']' after array element, found '{'"},
		{"bad literal", `{"log":{"entries":[{"response":{"_error":nul}}]}}`, 0,
			"test.har:1:45 (byte 44): log.entries[0].response._error: expected null, found '}'"},
		{"bad number", `{"log":{"entries":[{"time":-x}]}}`, 0,
			"test.har:1:29 (byte 28): log.entries[0].time: expected a digit in number, found 'x'"},
		{"bad escape in a kept string", `{"log":{"entries":[{},{"request":{"url":"C:\Users"}}]}}`, 1,
			`test.har:1:44 (byte 43): log.entries[1].request.url: invalid escape in string: '\' followed by 'U'`},
		{"bad \\u escape", `{"log":{"entries":[{"request":{"url":"\u12G4"}}]}}`, 0,
			`test.har:1:39 (byte 38): log.entries[0].request.url: invalid \u escape: expected 4 hex digits`},
		{"damage inside a skipped value", `{"log":{"entries":[{},{"timings":{"send":1,"wait":2,}}]}}`, 1,
			`test.har:1:53 (byte 52): log.entries[1]: expected a string (object key) after ',', found '}'`},
		{"trailing comma in entries", `{"log":{"entries":[{},]}}`, 1,
			"test.har:1:23 (byte 22): log.entries[1]: expected a value, found ']'"},
		{"trailing garbage", `{"log":{"entries":[{},{}]}} x`, 2,
			"test.har:1:29 (byte 28): unexpected data after the end of the HAR, found 'x'"},
		{"two HARs", `{"log":{"entries":[{}]}}{"log":{"entries":[{}]}}`, 1,
			"test.har:1:25 (byte 24): unexpected data after the end of the HAR, found '{'"},
		{"unclosed JSONP", `onInputData({"log":{"entries":[{}]}}`, 1,
			"test.har:1:37 (byte 36): unexpected end of file: the JSONP call's ')' is missing (the file looks truncated)"},
		{"garbage after creator", `{"log":{"entries":[{}],"creator":{"name":"x"}]}`, 1,
			"test.har:1:46 (byte 45): log: expected ',' or '}' after object member, found ']'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), Options{Name: "test.har"})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			var last error
			for {
				_, err := r.Next()
				if err != nil {
					last = err
					break
				}
				n++
			}
			if n != tt.n {
				t.Errorf("%d entries before the error, want %d", n, tt.n)
			}
			if last == io.EOF || last.Error() != tt.want {
				t.Errorf("error\n got %v\nwant %s", last, tt.want)
			}
			for range 3 {
				if _, err := r.Next(); err != last {
					t.Errorf("Next after the error: %v, want the same error", err)
				}
			}
		})
	}
}

// repeatReader yields c forever.
type repeatReader byte

func (c repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

// bigValue is a reader for prefix, n bytes of c, suffix, without holding
// the n bytes.
func bigValue(prefix string, c byte, n int64, suffix string) io.Reader {
	return io.MultiReader(strings.NewReader(prefix), io.LimitReader(repeatReader(c), n), strings.NewReader(suffix))
}

func TestLimits(t *testing.T) {
	t.Run("deep nesting", func(t *testing.T) {
		in := `{"log":{"entries":[{},{"x":` + strings.Repeat("[", 100000)
		es, e := readErr(t, strings.NewReader(in), Options{Name: "test.har"})
		if len(es) != 1 || e.Path != "log.entries[1]" || e.Msg != "JSON nested deeper than 512 levels (MaxDepth)" || e.Offset != 27+MaxDepth-4 {
			t.Errorf("%d entries, error %v", len(es), e)
		}
	})
	t.Run("deep nesting outside log", func(t *testing.T) {
		in := `{"x":` + strings.Repeat(`{"a":`, 100000)
		_, e := readErr(t, strings.NewReader(in), Options{Name: "test.har"})
		if !strings.Contains(e.Msg, "nested deeper") {
			t.Errorf("error %v", e)
		}
	})
	t.Run("nesting at the limit", func(t *testing.T) {
		// top object, log, entries and the entry take 4 levels.
		d := MaxDepth - 4
		in := `{"log":{"entries":[{"x":` + strings.Repeat("[", d) + strings.Repeat("]", d) + `}]}}`
		res := read(t, in, Options{}).ok(t, 1)
		res.noWarnings(t)
	})
	t.Run("huge header value", func(t *testing.T) {
		// 50 MB: a warning naming the place, without holding 50 MB, and
		// the entries after it read.
		in := bigValue(`{"log":{"entries":[{},{"request":{"headers":[{"name":"X-Big","value":"`, 'a', 50<<20, `"}]}},{}]}}`)
		r, err := NewReader(in, Options{Name: "test.har"})
		if err != nil {
			t.Fatal(err)
		}
		var es []*Entry
		for {
			e, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			es = append(es, e)
		}
		want := "test.har:1:70 (byte 69): log.entries[1].request.headers[0].value: string longer than the 1 MiB limit (MaxStringLen); left out"
		if ws := r.Warnings(); len(es) != 3 || len(ws) != 1 || ws[0].Error() != want {
			t.Errorf("%d entries, warnings\n got %v\nwant %s", len(es), ws, want)
		}
		if h := es[1].Request.Headers; len(h) != 1 || h[0].Name != "X-Big" || h[0].Value != "" {
			t.Errorf("headers %+v", h)
		}
	})
	t.Run("string at the limit", func(t *testing.T) {
		in := `{"log":{"entries":[{"request":{"url":"` + strings.Repeat("a", MaxStringLen) + `"}}]}}`
		res := read(t, in, Options{}).ok(t, 1)
		if len(res.es[0].Request.URL) != MaxStringLen {
			t.Errorf("url of %d bytes", len(res.es[0].Request.URL))
		}
	})
	t.Run("huge key", func(t *testing.T) {
		// Keys are never kept: a long one is skipped, not an error.
		in := bigValue(`{"log":{"entries":[{"`, 'k', 5<<20, `":1,"request":{"url":"http://a/"}}]}}`)
		_, es, err := ReadAll(in, Options{})
		if err != nil || len(es) != 1 || es[0].Request.URL != "http://a/" {
			t.Errorf("%v %v", es, err)
		}
	})
	t.Run("huge skipped body", func(t *testing.T) {
		in := bigValue(`{"log":{"entries":[{"response":{"content":{"text":"`, 'A', 200<<20, `"}}}]}}`)
		_, es, err := ReadAll(in, Options{})
		if err != nil || len(es) != 1 {
			t.Errorf("%d entries, %v", len(es), err)
		}
	})
	headers := func(n int) string {
		return `{"log":{"entries":[{"request":{"headers":[` + strings.Repeat(`{"name":"a","value":"b"},`, n-1) + `{"name":"a","value":"b"}]}}]}}`
	}
	t.Run("too many headers", func(t *testing.T) {
		_, e := readErr(t, strings.NewReader(headers(MaxListLen+1)), Options{Name: "test.har"})
		if e.Path != "log.entries[0].request.headers" || e.Msg != "more than 10000 elements in one headers list (MaxListLen)" {
			t.Errorf("error %v", e)
		}
	})
	t.Run("headers at the limit", func(t *testing.T) {
		res := read(t, headers(MaxListLen), Options{}).ok(t, 1)
		if len(res.es[0].Request.Headers) != MaxListLen {
			t.Errorf("%d headers", len(res.es[0].Request.Headers))
		}
	})
	t.Run("too many cookies", func(t *testing.T) {
		in := `{"log":{"entries":[{"response":{"cookies":[` + strings.Repeat(`{},`, MaxListLen) + `{}]}}]}}`
		_, e := readErr(t, strings.NewReader(in), Options{Name: "test.har"})
		if e.Path != "log.entries[0].response.cookies" || !strings.Contains(e.Msg, "MaxListLen") {
			t.Errorf("error %v", e)
		}
	})
}

// gzipBytes compresses r.
func gzipBytes(t *testing.T, r io.Reader) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := io.Copy(w, r); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return b.Bytes()
}

func TestGzip(t *testing.T) {
	t.Run("bomb", func(t *testing.T) {
		// 64 MiB of spaces between two entries compress to ~64 KiB.
		data := gzipBytes(t, bigValue(`{"log":{"entries":[{},`, ' ', 64<<20, `{}]}}`))
		es, e := readErr(t, bytes.NewReader(data), Options{Name: "bomb.har.gz", MaxDecompressed: 1 << 20})
		want := "gzip data expands past the 1 MiB limit (set a higher limit with --max-decompressed)"
		if len(es) != 1 || e.Msg != want || e.File != "bomb.har.gz" || e.Offset != 1<<20 {
			t.Errorf("%d entries, error %v", len(es), e)
		}
	})
	t.Run("just under the limit", func(t *testing.T) {
		src := `{"log":{"entries":[{},{}]}}`
		data := gzipBytes(t, strings.NewReader(src))
		_, es, err := ReadAll(bytes.NewReader(data), Options{MaxDecompressed: int64(len(src))})
		if err != nil || len(es) != 2 {
			t.Errorf("%d entries, %v", len(es), err)
		}
		_, e := readErr(t, bytes.NewReader(data), Options{MaxDecompressed: int64(len(src) - 1)})
		if !strings.Contains(e.Msg, "expands past the 26 bytes limit") {
			t.Errorf("error %v", e)
		}
	})
	t.Run("default limit", func(t *testing.T) {
		if s := sizeString(DefaultMaxDecompressed); s != "4 GiB" {
			t.Errorf("DefaultMaxDecompressed prints as %q", s)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		src := har(chromePreflight, chromePreflight, chromePreflight)
		data := gzipBytes(t, strings.NewReader(src))
		data = data[:len(data)-12] // cut into the deflate stream
		_, e := readErr(t, bytes.NewReader(data), Options{Name: "x.har"})
		if e.Msg != "gzip data ends early (the file looks truncated)" {
			t.Errorf("error %v", e)
		}
	})
	t.Run("checksum", func(t *testing.T) {
		data := gzipBytes(t, strings.NewReader(har(`{}`)))
		data[len(data)-8] ^= 0xff // CRC-32
		es, e := readErr(t, bytes.NewReader(data), Options{Name: "x.har"})
		if len(es) != 1 || e.Msg != "gzip data is damaged (checksum mismatch)" {
			t.Errorf("%d entries, error %v", len(es), e)
		}
	})
}

// failingReader returns its data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadError(t *testing.T) {
	boom := errors.New("connection reset")
	src := `{"log":{"entries":[{},{},{"request":`
	es, e := readErr(t, &failingReader{[]byte(src), boom}, Options{Name: "x.har"})
	if len(es) != 2 || e.Msg != "read error: connection reset" || !errors.Is(e, boom) {
		t.Errorf("%d entries, error %v", len(es), e)
	}
}

// entryEnds returns the offset just past each element of log.entries, as
// encoding/json sees them.
func entryEnds(t *testing.T, data []byte) []int64 {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	expect := func(want json.Delim) {
		t.Helper()
		if tok, err := dec.Token(); err != nil || tok != want {
			t.Fatalf("token %v %v, want %v", tok, err, want)
		}
	}
	// findKey reads keys of the current object, skipping values, until key.
	findKey := func(key string) {
		t.Helper()
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			if tok == key {
				return
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				t.Fatal(err)
			}
		}
		t.Fatalf("no %q", key)
	}
	expect('{')
	findKey("log")
	expect('{')
	findKey("entries")
	expect('[')
	var ends []int64
	for dec.More() {
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
		ends = append(ends, dec.InputOffset())
	}
	return ends
}

// TestTruncation cuts a real Chrome export at many points and checks that
// the entries completed before each cut come back, then an error that
// names the file, says the file looks truncated, and points at the cut.
func TestTruncation(t *testing.T) {
	path := testcorpus.Path(t, "..", "ryanbas21__aic-typescript-mcp-sdk__localhost2.har")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ends := entryEnds(t, data)
	if len(ends) < 10 {
		t.Fatalf("only %d entries", len(ends))
	}
	// Cuts spread over the file, plus cuts right at and around the end
	// of entries, where off-by-one mistakes live.
	var cuts []int64
	for i := int64(1); i <= 12; i++ {
		cuts = append(cuts, int64(len(data))*i/13)
	}
	for _, i := range []int{0, 1, 9, len(ends) - 1} {
		cuts = append(cuts, ends[i]-1, ends[i], ends[i]+1)
	}
	cuts = append(cuts, int64(len(data))-1, 1)
	name := filepath.Base(path)
	for _, cut := range cuts {
		t.Run(fmt.Sprint(cut), func(t *testing.T) {
			want := 0
			for _, end := range ends {
				if end <= cut {
					want++
				}
			}
			es, e := readErr(t, bytes.NewReader(data[:cut]), Options{Name: name})
			if len(es) != want {
				t.Errorf("%d entries before the cut, want %d", len(es), want)
			}
			for i, en := range es {
				if en.Index != i || en.Request.URL == "" {
					t.Errorf("entry %d: Index %d URL %q", i, en.Index, en.Request.URL)
				}
			}
			line := 1 + bytes.Count(data[:cut], []byte("\n"))
			if e.File != name || e.Offset != cut || e.Line != line || !strings.Contains(e.Msg, "(the file looks truncated)") {
				t.Errorf("error %v (file %q offset %d line %d), want %s at offset %d line %d", e, e.File, e.Offset, e.Line, name, cut, line)
			}
			// Cut inside an entry, the message names it.
			if want < len(ends) && cut > ends[0] && cut < ends[want]-1 {
				if where := fmt.Sprintf("inside log.entries[%d]", want); !strings.Contains(e.Msg, where) && !strings.HasPrefix(e.Path, "log.entries") {
					t.Errorf("error %v does not name log.entries[%d]", e, want)
				}
			}
		})
	}
}
