// Package har reads HTTP Archive (HAR) files as real tools write them.
//
// The reader streams: it hands out one Entry at a time and never holds
// response or request bodies, so memory grows with the number
// of entries' headers, not with the size of the file. Every exporter quirk that
// harcors knows of (Chrome, Edge, Firefox, Safari, Charles, Fiddler, mitmproxy,
// Playwright, Insomnia, HTTP Toolkit, chrome-har, WebPageTest...) is absorbed
// here, at the boundary, so that callers see one clean model.
//
// The package knows nothing of CORS.
package har

import (
	"strings"
	"time"
)

// Log is the metadata of a HAR file: everything in "log" except the entries.
// Some exporters (Fiddler) write "creator" after "entries", so Log is complete
// only once the reader has reached the end of the file.
type Log struct {
	Version string
	Creator Creator
	Browser Creator // zero when the exporter wrote none
	Pages   []Page
}

// Creator names the tool that wrote the file (log.creator) or the browser
// (log.browser).
type Creator struct {
	Name    string
	Version string
}

// String returns "name version", or "" when both are empty.
func (c Creator) String() string {
	return strings.TrimSpace(c.Name + " " + c.Version)
}

// Page is one entry of log.pages.
type Page struct {
	ID      string
	Title   string // often the page URL (Chrome, Firefox); may be empty
	Started time.Time
}

// Entry is one element of log.entries, reduced to what a reader of headers
// needs. Fields that the file did not have are left at their zero value.
type Entry struct {
	// Index is the 0-based position of the entry in log.entries.
	Index int
	// Line is the 1-based line of the file on which the entry's '{' stands;
	// Offset is its byte offset (after gzip decompression and the BOM).
	Line   int
	Offset int64

	// Started is startedDateTime; the zero time when it was missing or did
	// not parse (Safari writes "" when it does not know).
	Started time.Time
	// Time is the entry's total time in milliseconds; -1 when unknown.
	Time    float64
	PageRef string

	Request  Request
	Response Response

	// ResourceType is Chrome's _resourceType ("preflight", "fetch", "xhr",
	// "document"...), lower-cased; empty for other exporters.
	ResourceType string
	// Initiator is Chrome's _initiator (or chrome-har's string form).
	Initiator Initiator
	// FromCache is Chrome's _fromCache: "memory", "disk" or "".
	FromCache string
	// Error is the failure text the exporter recorded for the request:
	// Chrome's and Safari's response._error ("net::ERR_FAILED"), Playwright's
	// _failureText, mitmproxy's _error. Empty when the request did not fail
	// or the exporter does not say (Firefox never does).
	Error string
}

// Initiator is what started a request, as Chrome DevTools records it.
type Initiator struct {
	// Type is "parser", "script", "preflight", "other"... For a preflight
	// entry Chrome writes "preflight" and URL is the URL of the request the
	// preflight was made for.
	Type string
	URL  string
	// RequestID is DevTools' id of the request that caused this one (for a
	// preflight: the actual request). HARs do not carry entries' own ids, so
	// it is informative only.
	RequestID string
}

// Request is an entry's request.
type Request struct {
	Method      string
	URL         string
	HTTPVersion string
	Headers     Headers
	Cookies     []Cookie
	// BodySize is request.bodySize; -1 when unknown.
	BodySize int64
	// PostMimeType is postData.mimeType.
	PostMimeType string
}

// Response is an entry's response.
type Response struct {
	// Status is the HTTP status. 0 means no response was received or the
	// browser blocked it (Chrome, Firefox, Safari); Playwright writes -1.
	Status      int
	StatusText  string
	HTTPVersion string
	Headers     Headers
	Cookies     []Cookie
	RedirectURL string
	Content     Content
	// TransferSize is Chrome's _transferSize; -1 when absent.
	TransferSize int64
}

// Content is response.content.
type Content struct {
	Size     int64 // -1 when absent
	MimeType string
	Encoding string
}

// Cookie is one element of request.cookies or response.cookies: its name
// and value, which reports redact wherever the value reappears. Its other
// members (path, domain, expires, flags) are skipped unread: the Cookie
// and Set-Cookie headers are what the checks read.
type Cookie struct {
	Name  string
	Value string
}

// Header is one header line. Repeated headers stay separate Header values,
// in the order the exporter wrote them.
type Header struct {
	Name  string
	Value string
}

// Headers is a header list in file order. Lookups compare names
// case-insensitively, because exporters write wire case (HTTP/1.1),
// lower case (HTTP/2, HTTP/3) or Title-Case (Firefox) for the same header.
type Headers []Header

// Get returns the value of the first header named name and whether there was
// one.
func (h Headers) Get(name string) (string, bool) {
	for _, x := range h {
		if strings.EqualFold(x.Name, name) {
			return x.Value, true
		}
	}
	return "", false
}

// Values returns the values of every header named name, in order.
func (h Headers) Values(name string) []string {
	var vs []string
	for _, x := range h {
		if strings.EqualFold(x.Name, name) {
			vs = append(vs, x.Value)
		}
	}
	return vs
}

// Has reports whether a header named name is present.
func (h Headers) Has(name string) bool {
	_, ok := h.Get(name)
	return ok
}

// IsPseudo reports whether a header name is an HTTP/2 or HTTP/3
// pseudo-header (":authority", ":method", ":path", ":scheme", ":status"),
// which Chrome, Charles and Playwright write into header lists.
func IsPseudo(name string) bool { return strings.HasPrefix(name, ":") }
