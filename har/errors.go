package har

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/harcors/harcors/har/internal/jsonscan"
)

// Limits that keep a hostile or broken file from exhausting the stack or
// memory. Each one is far above anything a real exporter writes (the largest
// kept string in the 39-file public corpus is 3,166 bytes, the longest header
// list 30), so hitting one means the file is damaged or crafted.
const (
	// MaxStringLen bounds a kept string (a URL, a header name or value, a
	// cookie, a page title...). Real values stay under a few KiB even for
	// JWTs and long query strings; 1 MiB leaves room for large data: URLs
	// while a 50 MB header value is skipped as it is read, with a warning
	// naming its place, instead of an allocation of that size; the rest
	// of the file is read. Skipped strings (bodies, unknown fields) are
	// never held, so they have no limit.
	MaxStringLen = jsonscan.MaxStringLen

	// MaxListLen bounds the elements of one headers or cookies list. Browsers
	// cap a request's header block at 256 KiB or so; 10,000 headers is far
	// past that and keeps a crafted list of empty objects from growing one
	// entry without bound.
	MaxListLen = 10000

	// MaxDepth bounds JSON nesting. A HAR is about 7 levels deep (log,
	// entries, entry, response, content...) and custom fields add a few
	// more; 512 leaves room for anything real. Skipping is iterative, so
	// deep nesting cannot overflow the stack; the limit only keeps the
	// skipper's own stack small and turns "[[[[..." into a clear error.
	MaxDepth = jsonscan.MaxDepth

	// MaxWarnings is how many warnings a Reader keeps; past it, only a count
	// is kept (see Reader.DroppedWarnings), so a file with one odd field in
	// each of a million entries does not keep a million warnings.
	MaxWarnings = 100
)

// Error reports where and why a HAR file could not be read, or (as a
// warning) a field that was skipped.
type Error struct {
	// File is Options.Name; "" or "-" mean standard input.
	File string
	// Offset is the byte offset of the problem in the JSON text, counted
	// after gzip decompression and after a UTF-8 BOM. -1 when unknown.
	Offset int64
	// Line and Column are 1-based; Column counts bytes. 0 when unknown
	// (for instance for a damaged gzip header).
	Line, Column int
	// Path is the JSON path of the value at fault, like
	// log.entries[3].response.status; "" when the problem is not inside a
	// known value (an empty file, garbage at the top level).
	Path string
	// Msg says what was expected and what was found.
	Msg string

	// err is the underlying cause (a read or decompression error), if any.
	err error
	// placed is set once the reader has filled in File and Path.
	placed bool
}

// Error formats the error as
//
//	capture.har:120:7 (byte 5012): log.entries[3]: expected ',' or '}' after object member, found ']'
func (e *Error) Error() string {
	var b strings.Builder
	name := e.File
	if name == "" || name == "-" {
		name = "<stdin>"
	}
	b.WriteString(name)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	if e.Offset >= 0 {
		fmt.Fprintf(&b, " (byte %d)", e.Offset)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the read or decompression error behind e, if any, so that
// errors.Is(err, os.ErrPermission) and the like work.
func (e *Error) Unwrap() error { return e.err }

// sizeString prints a byte count the way people set limits: "4 GiB",
// "512 MiB", or plain bytes when it is not a round number.
func sizeString(n int64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	u := 0
	for n >= 1024 && n%1024 == 0 && u < len(units)-1 {
		n /= 1024
		u++
	}
	if u == 0 && n == 1 {
		return "1 byte"
	}
	return strconv.FormatInt(n, 10) + " " + units[u]
}
