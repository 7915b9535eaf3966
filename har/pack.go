package har

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
	"unsafe"
)

// This file holds a compact binary encoding of an Entry. A program keeps
// entries in it outside its heap (the analysis packs the entries that wait
// for a partner), or hands entries read elsewhere to the program that
// analyses them (a second WebAssembly instance reading pieces of a file,
// see PieceReader), where parsed objects cannot be shared.

// AppendEntry appends the encoding of e to b and returns the extended
// slice: numbers as varints, strings with their length, lists with their
// length plus one (zero for a nil list), so that DecodeEntry gives back an
// equal Entry, nil lists nil and empty ones empty.
func AppendEntry(b []byte, e *Entry) []byte { return appendEntry(b, e, nil) }

// appendEntry is AppendEntry; with refs, the short strings (those the
// decoder's str reads) that repeat within a run of entries are written as
// references to their first occurrence (see strRefs).
func appendEntry(b []byte, e *Entry, refs *strRefs) []byte {
	b = binary.AppendVarint(b, int64(e.Index))
	b = binary.AppendVarint(b, int64(e.Line))
	b = binary.AppendVarint(b, e.Offset)
	b = appendTime(b, e.Started)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.Time))
	b = refs.append(b, e.PageRef)
	q := &e.Request
	b = refs.append(b, q.Method)
	b = appendString(b, q.URL)
	b = refs.append(b, q.HTTPVersion)
	b = appendPairs(b, q.Headers, refs)
	b = appendPairs(b, q.Cookies, refs)
	b = binary.AppendVarint(b, q.BodySize)
	b = refs.append(b, q.PostMimeType)
	r := &e.Response
	b = binary.AppendVarint(b, int64(r.Status))
	b = refs.append(b, r.StatusText)
	b = refs.append(b, r.HTTPVersion)
	b = appendPairs(b, r.Headers, refs)
	b = appendPairs(b, r.Cookies, refs)
	b = appendString(b, r.RedirectURL)
	b = binary.AppendVarint(b, r.Content.Size)
	b = refs.append(b, r.Content.MimeType)
	b = refs.append(b, r.Content.Encoding)
	b = binary.AppendVarint(b, r.TransferSize)
	b = refs.append(b, e.ResourceType)
	b = refs.append(b, e.Initiator.Type)
	b = appendString(b, e.Initiator.URL)
	b = refs.append(b, e.Initiator.RequestID)
	b = refs.append(b, e.FromCache)
	return refs.append(b, e.Error)
}

// strRefs numbers the short strings written in a run of entries (one
// piece's, see remote.go), so that one written again is sent as its
// number: the decoder then takes the string it made the first time instead
// of reading, hashing and comparing the text. A piece's header names, methods,
// MIME types and origins repeat from entry to entry: in WebAssembly,
// decoding took a third of the analysing instance's time, most of it
// spent on them. The strings are
// told apart by where their bytes are, not by their text: the Reader
// interns the strings that repeat, so one text is mostly one pointer, and
// a pointer costs a multiplication to look up where a text costs a hash.
// A string that is not found is written out in full and numbered, as its
// decoder numbers it; the table is direct-mapped, and a slot taken by
// another string only costs that string a second copy.
//
// A string is written as a uvarint: twice its length, and its text, or
// twice its number plus one. The empty string is not numbered.
type strRefs struct {
	slots [refSlots]strRef
	next  uint32 // the number of the next string written out
}

type strRef struct {
	p   *byte
	len int
	num uint32
}

const refBits, refSlots = 12, 1 << 12

// append appends s; with no refs, as appendString does.
func (r *strRefs) append(b []byte, s string) []byte {
	if r == nil {
		return appendString(b, s)
	}
	if len(s) == 0 {
		return append(b, 0)
	}
	p := unsafe.StringData(s)
	slot := &r.slots[uint64(uintptr(unsafe.Pointer(p)))*0x9e3779b97f4a7c15>>(64-refBits)]
	if slot.p == p && slot.len == len(s) {
		return binary.AppendUvarint(b, uint64(slot.num)<<1|1)
	}
	*slot = strRef{p: p, len: len(s), num: r.next}
	r.next++
	b = binary.AppendUvarint(b, uint64(len(s))<<1)
	return append(b, s...)
}

// appendTime writes a zero time as one 0 byte, any other as 1, its Unix
// seconds and nanoseconds and its zone's offset: the reader's times are
// in UTC or a fixed zone, which the offset alone gives back.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	_, off := t.Zone()
	b = append(b, 1)
	b = binary.AppendVarint(b, t.Unix())
	b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	return binary.AppendVarint(b, int64(off))
}

// appendString appends s with its length before it.
func appendString[S string | []byte](b []byte, s S) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendPairs appends a header or cookie list: its length plus one (0 for
// nil, which the decoder gives back as nil), then each name and value.
func appendPairs[P Header | Cookie](b []byte, ps []P, refs *strRefs) []byte {
	if ps == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(ps))+1)
	for _, p := range ps {
		h := Header(p)
		b = refs.append(refs.append(b, h.Name), h.Value)
	}
	return b
}

// ErrPacked is returned by DecodeEntry for bytes AppendEntry did not write.
var ErrPacked = errors.New("packed entry is damaged")

// An EntryDecoder decodes what AppendEntry wrote. Each string is a copy of
// its own, not a piece of one copy of the whole: what a report keeps of an
// entry (its URL, its method) must not keep the rest. Short strings, which
// repeat from entry to entry (methods, header names, origins), are shared
// between the entries one decoder decodes, through the cache the Reader
// uses. The zero value is ready to use.
type EntryDecoder struct {
	decoder
	intern *interner
	zones  map[int]*time.Location
	// refs is set while the decoder reads entries written with strRefs,
	// strs the strings they have numbered so far.
	refs bool
	strs []string
}

// numbered starts or ends a run of entries written with strRefs.
func (d *EntryDecoder) numbered(on bool) {
	d.refs = on
	clear(d.strs)
	d.strs = d.strs[:0]
}

// Decode decodes one entry, the whole of b.
func (d *EntryDecoder) Decode(b []byte) (*Entry, error) {
	d.b, d.err = b, nil
	if d.intern == nil {
		d.intern = new(interner)
	}
	e := &Entry{}
	e.Index = int(d.varint())
	e.Line = int(d.varint())
	e.Offset = d.varint()
	e.Started = d.time()
	e.Time = math.Float64frombits(d.fixed64())
	e.PageRef = d.str()
	q := &e.Request
	q.Method = d.str()
	q.URL = d.long()
	q.HTTPVersion = d.str()
	q.Headers = decodePairs[Header](d)
	q.Cookies = decodePairs[Cookie](d)
	q.BodySize = d.varint()
	q.PostMimeType = d.str()
	r := &e.Response
	r.Status = int(d.varint())
	r.StatusText = d.str()
	r.HTTPVersion = d.str()
	r.Headers = decodePairs[Header](d)
	r.Cookies = decodePairs[Cookie](d)
	r.RedirectURL = d.long()
	r.Content.Size = d.varint()
	r.Content.MimeType = d.str()
	r.Content.Encoding = d.str()
	r.TransferSize = d.varint()
	e.ResourceType = d.str()
	e.Initiator.Type = d.str()
	e.Initiator.URL = d.long()
	e.Initiator.RequestID = d.str()
	e.FromCache = d.str()
	e.Error = d.str()
	if d.err == nil && len(d.b) != 0 {
		d.err = ErrPacked
	}
	d.b = nil
	return e, d.err
}

func (d *EntryDecoder) time() time.Time {
	if d.err != nil || len(d.b) == 0 {
		d.err = ErrPacked
		return time.Time{}
	}
	set := d.b[0]
	d.b = d.b[1:]
	if set == 0 {
		return time.Time{}
	}
	sec, nsec, off := d.varint(), d.uvarint(), d.varint()
	if d.err != nil || nsec >= 1e9 || off < -24*3600 || off > 24*3600 {
		d.err = ErrPacked
		return time.Time{}
	}
	// A fixed zone is made once per offset, as the reader makes them.
	loc := time.UTC
	if off != 0 {
		if d.zones == nil {
			d.zones = map[int]*time.Location{}
		}
		if loc = d.zones[int(off)]; loc == nil {
			loc = time.FixedZone("", int(off))
			if len(d.zones) < 64 {
				d.zones[int(off)] = loc
			}
		}
	}
	return time.Unix(sec, int64(nsec)).In(loc)
}

func (d *EntryDecoder) str() string {
	if !d.refs {
		return d.intern.get(d.bytes())
	}
	x := d.uvarint()
	if x&1 != 0 {
		if x>>1 >= uint64(len(d.strs)) {
			d.err = ErrPacked
			return ""
		}
		return d.strs[x>>1]
	}
	b := d.take(x >> 1)
	if len(b) == 0 {
		return "" // not numbered
	}
	s := d.intern.get(b)
	d.strs = append(d.strs, s)
	return s
}

// long reads a string that seldom repeats from entry to entry (a URL): a
// copy of its own, without the cache's comparison and slot taken from one
// that repeats.
func (d *EntryDecoder) long() string { return string(d.bytes()) }

// count reads a list length written with its plus one; ok is false for a
// nil list.
func (d *EntryDecoder) count() (n int, ok bool) {
	u := d.uvarint()
	// Each element takes two bytes at least: a longer count is damage.
	if u == 0 || d.err != nil || u-1 > uint64(len(d.b)/2) {
		if u != 0 {
			d.err = ErrPacked
		}
		return 0, false
	}
	return int(u - 1), true
}

// decodePairs reads what appendPairs wrote.
func decodePairs[P Header | Cookie](d *EntryDecoder) []P {
	n, ok := d.count()
	if !ok {
		return nil
	}
	ps := make([]P, n)
	for i := range ps {
		ps[i] = P(Header{Name: d.str(), Value: d.str()})
	}
	return ps
}

// decoder reads the varints, numbers and byte strings of an encoding: of
// an entry (EntryDecoder), of a piece's job or of its result (remote.go).
// The first error sticks, and what is read after it is zero.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	// Most are one byte: lengths, counts, string numbers.
	if len(d.b) > 0 && d.b[0] < 0x80 {
		x := d.b[0]
		d.b = d.b[1:]
		return uint64(x)
	}
	var x uint64
	for i := 0; i < len(d.b) && i < binary.MaxVarintLen64; i++ {
		c := d.b[i]
		x |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.b = d.b[i+1:]
			return x
		}
	}
	d.err = ErrPacked
	return 0
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *decoder) fixed64() uint64 {
	if d.err != nil || len(d.b) < 8 {
		d.err = ErrPacked
		return 0
	}
	x := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return x
}

// bytes reads a byte string written by appendString.
func (d *decoder) bytes() []byte { return d.take(d.uvarint()) }

// take reads the next n bytes.
func (d *decoder) take(n uint64) []byte {
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = ErrPacked
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}
