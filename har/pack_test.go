package har

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fillEntry sets every field reachable from v to a value of its own, so
// that a field the encoding forgets shows in the round trip. A field of a
// kind it does not know fails the test: Entry grew, and AppendEntry must
// learn the new field.
func fillEntry(t *testing.T, v reflect.Value, path string, seq *int) {
	*seq++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("%s-%d-%s", path, *seq, strings.Repeat("x", *seq%70)))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*seq) * 1000003 * int64(1-2*(*seq%2)))
	case reflect.Float64:
		v.SetFloat(float64(*seq) + 0.25)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2025, 1, 1, 10, 0, 0, *seq, time.FixedZone("", -(5*3600+1800)))))
			return
		}
		for i := range v.NumField() {
			fillEntry(t, v.Field(i), path+"."+v.Type().Field(i).Name, seq)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 3, 3))
		for i := range v.Len() {
			fillEntry(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i), seq)
		}
	default:
		t.Fatalf("%s: cannot fill a %s; teach AppendEntry and this test", path, v.Kind())
	}
}

// TestEntryRoundTrip: an encoded entry comes back equal, field for field,
// its time in the same instant and zone offset (UTC as UTC), nil lists
// nil and empty ones empty; and every cut or damaged encoding is an error,
// not a panic.
func TestEntryRoundTrip(t *testing.T) {
	var full Entry
	seq := 0
	fillEntry(t, reflect.ValueOf(&full).Elem(), "e", &seq)
	utc := full
	utc.Started = time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	var zero Entry
	empty := Entry{Request: Request{Headers: Headers{}}, Response: Response{Cookies: []Cookie{}}}
	var d EntryDecoder
	for i, e := range []Entry{full, utc, zero, empty, full} {
		b := AppendEntry(nil, &e)
		got, err := d.Decode(b)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if !got.Started.Equal(e.Started) || got.Started.IsZero() != e.Started.IsZero() {
			t.Fatalf("entry %d: started %v, want %v", i, got.Started, e.Started)
		}
		_, gotOff := got.Started.Zone()
		_, wantOff := e.Started.Zone()
		if gotOff != wantOff || (got.Started.Location() == time.UTC) != (e.Started.Location() == time.UTC) {
			t.Fatalf("entry %d: zone %v, want %v", i, got.Started.Location(), e.Started.Location())
		}
		got.Started, e.Started = time.Time{}, time.Time{}
		if !reflect.DeepEqual(*got, e) {
			t.Fatalf("entry %d came back as\n%+v\nwant\n%+v", i, *got, e)
		}
		for n := range len(b) {
			if _, err := d.Decode(b[:n]); !errors.Is(err, ErrPacked) {
				t.Fatalf("entry %d cut at %d of %d bytes: %v, want ErrPacked", i, n, len(b), err)
			}
		}
		if _, err := d.Decode(append(b[:len(b):len(b)], 0)); !errors.Is(err, ErrPacked) {
			t.Fatalf("entry %d with a byte more: %v, want ErrPacked", i, err)
		}
	}
}

// TestEntryRefsRoundTrip: entries written with strRefs, as a piece's are,
// come back equal when decoded in order, their repeated short strings sent
// as numbers (so the run is shorter than without); a string found again
// by pointer but not by length is written anew; a number past those given
// so far, or a cut run, is an error, not a panic.
func TestEntryRefsRoundTrip(t *testing.T) {
	var full Entry
	seq := 0
	fillEntry(t, reflect.ValueOf(&full).Elem(), "e", &seq)
	second := full
	second.Request.Headers = append(Headers{}, full.Request.Headers...)
	// The same bytes, shorter: found by pointer, but not the same string.
	second.Request.Headers[0].Value = full.Request.Headers[0].Value[:3]
	second.Request.Method = "PATCH"
	ents := []Entry{full, second, {}, full}
	refs := new(strRefs)
	var runs [][]byte
	plain, numbered := 0, 0
	for i := range ents {
		runs = append(runs, appendEntry(nil, &ents[i], refs))
		numbered += len(runs[i])
		plain += len(AppendEntry(nil, &ents[i]))
	}
	if numbered >= plain*3/4 {
		t.Errorf("entries with numbered strings take %d bytes, %d without: the numbers are not used", numbered, plain)
	}
	var d EntryDecoder
	d.numbered(true)
	for i, b := range runs {
		got, err := d.Decode(b)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		want := ents[i]
		got.Started, want.Started = time.Time{}, time.Time{}
		if !reflect.DeepEqual(*got, want) {
			t.Fatalf("entry %d came back as\n%+v\nwant\n%+v", i, *got, want)
		}
	}
	// The fourth entry refers to strings the first gave: alone, its
	// numbers are past the end, and every cut of it is damage too.
	last := runs[len(runs)-1]
	for n := range len(last) + 1 {
		d.numbered(true)
		if _, err := d.Decode(last[:n]); !errors.Is(err, ErrPacked) {
			t.Fatalf("numbered entry without its run, cut at %d of %d bytes: %v, want ErrPacked", n, len(last), err)
		}
	}
	d.numbered(false)
	if _, err := d.Decode(runs[0]); !errors.Is(err, ErrPacked) {
		t.Fatalf("numbered entry read as a plain one: %v, want ErrPacked", err)
	}
}
