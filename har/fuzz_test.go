package har

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/harcors/harcors/internal/testcorpus"
)

// FuzzRead feeds arbitrary bytes to the reader. It checks that nothing
// panics, that Next terminates and its errors are sticky *Errors, that
// entry indexes grow by one (more only past a skipped non-object element),
// and that on valid JSON with a single log.entries array of objects the
// entry count is the one encoding/json finds.
func FuzzRead(f *testing.F) {
	// Seeding runs before any testing.T exists, so the corpus is the
	// repository's alone, not corpusFiles. Only small files: the fuzzer minimises every new input, and
	// minimising a 64 KiB one stalls it for a minute.
	files := testcorpus.Repo("..")
	for _, path := range files {
		if fi, err := os.Stat(path); err == nil && fi.Size() <= 16<<10 {
			if data, err := os.ReadFile(path); err == nil {
				f.Add(data)
			}
		}
	}
	for _, s := range []string{
		"",
		"{}",
		`{"log":{}}`,
		`[]`,
		har(),
		har(`{}`, `null`, `{"request":{"url":"http://a/"}}`),
		har(chromePreflight),
		"\xef\xbb\xbf" + har(`{"startedDateTime":"2016-07-20T12:52:05.9153325+03:00"}`),
		"onInputData(" + har(`{}`) + ");",
		har(`{}`) + "\x00\x00",
		har(`{"request":{"headers":[["a","b"],{"name":"c","value":"d"}],"cookies":{"name":"x","value":"y"}}}`),
		har(`{"_initiator":"http://a/","_initiator_type":"script","_initiator_detail":"{\"requestId\":\"1\"}"}`),
		har(`{"response":{"status":"200","content":{"size":null,"text":"a\"b\\\\"},"redirectURL":"null","_error":"net::ERR_FAILED"}}`),
		har(`{"time":NaN,"response":{"status":-Infinity}}`),
		har(`{"request":{"url":"\ud83d\ude00\ud800\u0041"}}`),
		`{"log":{"entries":[{},{"x":[[[[{"a":[1,2,{"b":null}]}]]]]}]},"creator":{"name":"Fiddler"}}`,
		`{"log":{"entries":[{}],"entries":[{}]}}`,
		`{"log":{"entries":[{"a":1]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Add(gzipBytesF([]byte(har(`{}`, `{}`))))

	f.Fuzz(func(t *testing.T, data []byte) {
		want, plain := oracleCount(data)
		n, err := fuzzOnce(t, data, Options{Name: "fuzz.har"})
		if plain && err != nil && !isLimitErr(err) {
			t.Fatalf("valid HAR JSON with %d entries, but: %v", want, err)
		}
		if plain && err == nil && n != want {
			t.Fatalf("read %d entries, encoding/json counts %d", n, want)
		}
		// Reading one byte per Read must give the same entries, warnings
		// and error: buffer refills are invisible.
		a := collect(bytes.NewReader(data))
		b := collect(iotest.OneByteReader(bytes.NewReader(data)))
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("one byte at a time differs:\n%+v\n%+v", a, b)
		}
		// So must reading ahead in a goroutine (as Open does).
		if c := collectAhead(bytes.NewReader(data)); !reflect.DeepEqual(a, c) {
			t.Fatalf("reading ahead differs:\n%+v\n%+v", a, c)
		}
	})
}

// fuzzOnce reads data to the end, checking the reader's invariants, and
// returns the number of entries and the final error (nil for io.EOF).
func fuzzOnce(t *testing.T, data []byte, opt Options) (int, error) {
	r, err := NewReader(bytes.NewReader(data), opt)
	if err != nil {
		checkErr(t, data, err)
		return 0, err
	}
	n, prev := 0, -1
	warns := 0
	for {
		// Every entry consumes at least two bytes ("{}"), so more
		// iterations than bytes means Next does not make progress.
		if n > len(data) && !compressed(data) {
			t.Fatalf("Next returned %d entries from %d bytes", n, len(data))
		}
		e, err := r.Next()
		if err != nil {
			if err2 := func() error { _, err := r.Next(); return err }(); err2 != err {
				t.Fatalf("Next after %v returned %v", err, err2)
			}
			if err == io.EOF {
				return n, nil
			}
			checkErr(t, data, err)
			return n, err
		}
		now := len(r.Warnings()) + r.DroppedWarnings()
		if e.Index <= prev || e.Index-prev-1 > now-warns {
			t.Fatalf("entry Index %d after %d with %d new warnings", e.Index, prev, now-warns)
		}
		if e.Offset < 0 || e.Line < 1 {
			t.Fatalf("entry at offset %d line %d", e.Offset, e.Line)
		}
		prev, warns = e.Index, now
		n++
	}
}

// collected is everything a read produced, for comparisons.
type collected struct {
	Log     *Log
	Entries []*Entry
	Warns   []*Error
	Err     error
}

func collect(rd io.Reader) collected { return collectFrom(rd, false) }

// collectAhead is collect with the read-ahead goroutine that Open uses.
func collectAhead(rd io.Reader) collected { return collectFrom(rd, true) }

func collectFrom(rd io.Reader, ahead bool) collected {
	r, err := newReader(rd, Options{Name: "fuzz.har"}, ahead)
	if err != nil {
		return collected{Err: err}
	}
	return drain(r)
}

// drain reads every entry of r, then its log and warnings.
func drain(r *Reader) collected {
	var c collected
	for {
		e, err := r.Next()
		if err != nil {
			if err != io.EOF {
				c.Err = err
			}
			break
		}
		c.Entries = append(c.Entries, e)
	}
	c.Log, c.Warns = r.Log(), r.Warnings()
	return c
}

func checkErr(t *testing.T, data []byte, err error) {
	t.Helper()
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %T %v, want *Error", err, err)
	}
	if e.File != "fuzz.har" || e.Msg == "" {
		t.Fatalf("error without file or message: %#v", e)
	}
	if !compressed(data) && e.Offset > int64(len(data)) {
		t.Fatalf("error offset %d past the %d bytes of input: %v", e.Offset, len(data), e)
	}
	if e.Offset >= 0 && e.Line < 1 {
		t.Fatalf("error with an offset but no line: %v", e)
	}
}

func compressed(data []byte) bool {
	return bytes.HasPrefix(data, gzipMagic) || len(data) > 0 && data[0] == 0x78
}

// isLimitErr reports whether err is one of the documented limits, which
// valid JSON may exceed.
func isLimitErr(err error) bool {
	e, ok := err.(*Error)
	return ok && (strings.Contains(e.Msg, "(MaxDepth)") || strings.Contains(e.Msg, "(MaxListLen)") || strings.Contains(e.Msg, "(MaxStringLen)"))
}

// oracleCount counts log.entries with encoding/json. plain is false unless
// the input (after a BOM) is valid JSON whose top level is an object with
// exactly one "log", an object with exactly one "entries", an array of
// objects: the cases where the reader must agree with encoding/json.
// (Duplicate keys are valid JSON, but encoding/json keeps the last one and a
// streaming reader the first.)
func oracleCount(data []byte) (n int, plain bool) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if !json.Valid(data) {
		return 0, false
	}
	members := func(raw []byte, key string) (vals []json.RawMessage, ok bool) {
		dec := json.NewDecoder(bytes.NewReader(raw))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return nil, false
		}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, false
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return nil, false
			}
			if k == key {
				vals = append(vals, v)
			}
		}
		return vals, true
	}
	logs, ok := members(data, "log")
	if !ok || len(logs) != 1 {
		return 0, false
	}
	entries, ok := members(logs[0], "entries")
	if !ok || len(entries) != 1 {
		return 0, false
	}
	var list []json.RawMessage
	if err := json.Unmarshal(entries[0], &list); err != nil {
		return 0, false
	}
	for _, e := range list {
		if len(e) == 0 || e[0] != '{' {
			return 0, false
		}
	}
	return len(list), true
}

func gzipBytesF(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}
