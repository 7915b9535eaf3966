package analyze

import (
	"strings"

	"github.com/harcors/harcors/har"
)

// The checks read some thirty headers of each entry, most of them several
// times (Access-Control-Allow-Origin is read by both evaluations, the
// warnings and the fingerprint). A header list from Chrome holds 18 to 25
// headers a side, and each har.Headers lookup compares the name with every
// one of them: that was most of what the analysis spent per entry. A
// headerIndex is built in one pass over a list, and answers each lookup
// from where the header stands.

// hid names a header the analysis looks up.
type hid uint8

// The headers the analysis looks up, request and response ones alike.
const (
	hOrigin hid = iota
	hSecFetchMode
	hSecFetchSite
	hACRequestMethod
	hACRequestHeaders
	hSecFetchDest
	hUpgrade
	hReferer
	hCookie
	hSecFetchStorageAccess

	hContentType
	hContentLength
	hServer
	hXPoweredBy
	hVary
	hCOOP
	hReferrerPolicy
	hXFrameOptions
	hXContentTypeOptions
	hACAllowOrigin
	hACAllowCredentials
	hACAllowMethods
	hACAllowHeaders
	hACMaxAge
	hACExposeHeaders
	hSetCookie
	hCacheControl
	hETag
	hCORP

	// hInteresting is the first of interestingResponseHeaders, which
	// follow in their order (Location among them).
	hInteresting
	numHeaders = hInteresting + hid(len(interestingResponseHeaders))
)

// headerIndex keeps its bit sets in a uint64.
var _ [64 - numHeaders]struct{}

// headerNames are the lower-case names of the headers, by hid.
var headerNames = func() [numHeaders]string {
	n := [numHeaders]string{
		hOrigin:                "origin",
		hSecFetchMode:          "sec-fetch-mode",
		hSecFetchSite:          "sec-fetch-site",
		hACRequestMethod:       "access-control-request-method",
		hACRequestHeaders:      "access-control-request-headers",
		hSecFetchDest:          "sec-fetch-dest",
		hUpgrade:               "upgrade",
		hReferer:               "referer",
		hCookie:                "cookie",
		hSecFetchStorageAccess: "sec-fetch-storage-access",
		hContentType:           "content-type",
		hContentLength:         "content-length",
		hServer:                "server",
		hXPoweredBy:            "x-powered-by",
		hVary:                  "vary",
		hCOOP:                  "cross-origin-opener-policy",
		hReferrerPolicy:        "referrer-policy",
		hXFrameOptions:         "x-frame-options",
		hXContentTypeOptions:   "x-content-type-options",
		hACAllowOrigin:         "access-control-allow-origin",
		hACAllowCredentials:    "access-control-allow-credentials",
		hACAllowMethods:        "access-control-allow-methods",
		hACAllowHeaders:        "access-control-allow-headers",
		hACMaxAge:              "access-control-max-age",
		hACExposeHeaders:       "access-control-expose-headers",
		hSetCookie:             "set-cookie",
		hCacheControl:          "cache-control",
		hETag:                  "etag",
		hCORP:                  "cross-origin-resource-policy",
	}
	for i, name := range interestingResponseHeaders {
		n[hInteresting+hid(i)] = name
	}
	return n
}()

// noHeader is what headerID returns for a header the analysis never looks
// up.
const noHeader = hid(255)

// headerSlots is a perfect hash table of headerNames: each name's slot,
// slotOf(name, headerMult), holds its hid, and no two names share a slot,
// so a lookup is a hash of four bytes and one comparison. headerMult, the
// multiplier of the hash, is the first of a fixed pseudo-random sequence
// (splitmix64's) that spreads the names without a collision: the search
// runs once, at start-up, and takes a few dozen tries (TestHeaderID counts
// them). Nearby multipliers spread alike, so stepping through them instead
// took millions.
var headerSlots, headerMult, headerTries = func() (slots [256]hid, mult uint64, tries int) {
	state := uint64(0)
	for tries = 1; ; tries++ {
		state += 0x9E3779B97F4A7C15
		mult = state
		mult = (mult ^ mult>>30) * 0xBF58476D1CE4E5B9
		mult = (mult ^ mult>>27) * 0x94D049BB133111EB
		mult = (mult ^ mult>>31) | 1
		slots = [256]hid{}
		for i := range slots {
			slots[i] = noHeader
		}
		ok := true
		for i, n := range headerNames {
			s := &slots[slotOf(n, mult)]
			if *s != noHeader {
				ok = false
				break
			}
			*s = hid(i)
		}
		if ok {
			return slots, mult, tries
		}
	}
}()

// minHeaderName and maxHeaderName are the lengths of the shortest and the
// longest of headerNames.
var minHeaderName, maxHeaderName = func() (lo, hi int) {
	lo = len(headerNames[0])
	for _, n := range headerNames {
		lo, hi = min(lo, len(n)), max(hi, len(n))
	}
	return lo, hi
}()

// slotOf hashes the length of name and four of its bytes, in ASCII lower
// case (for letters; other bytes may change, which only moves the slot),
// with the multiplier mult. len(name) must be at least 3.
func slotOf(name string, mult uint64) uint8 {
	n := len(name)
	x := uint64(n)<<32 | uint64(name[0]|0x20)<<24 | uint64(name[2]|0x20)<<16 | uint64(name[n-2]|0x20)<<8 | uint64(name[n-1]|0x20)
	return uint8(x * mult >> 56)
}

// headerID returns the hid of the header called name, compared as
// har.Headers compares (strings.EqualFold), or noHeader. The one name in
// name's slot is compared in ASCII lower case; a name that is not ASCII (a
// hostile HAR's "ſ" folds to "s", "\u212a" to "k") may equal a name in
// another slot, and is compared with each.
func headerID(name string) hid {
	if len(name) >= minHeaderName && len(name) <= maxHeaderName {
		if id := headerSlots[slotOf(name, headerMult)]; id != noHeader && equalLower(name, headerNames[id]) {
			return id
		}
	}
	var or byte
	for i := 0; i < len(name); i++ {
		or |= name[i]
	}
	if or < 0x80 {
		return noHeader
	}
	return headerIDFold(name)
}

// equalLower reports whether s in ASCII lower case is lower.
func equalLower(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// headerIDFold is headerID for a name that is not ASCII.
func headerIDFold(name string) hid {
	for i, n := range headerNames {
		if strings.EqualFold(name, n) {
			return hid(i)
		}
	}
	return noHeader
}

// farHeader in headerIndex.first: the header's first line stands at this
// position or later, and lookups search the list for it.
const farHeader = 255

// headerIndex says where the headers of headerNames stand in one header
// list. Its lookups give what the list's own (Get, Values, Has) give.
type headerIndex struct {
	h har.Headers
	// has and multi are bit sets over hid: the list holds a line of that
	// header, more than one.
	has, multi uint64
	// first is the position of the header's first line, or farHeader.
	first [numHeaders]uint8
}

// index builds the index of h.
func (ix *headerIndex) index(h har.Headers) {
	ix.h = h
	ix.has, ix.multi = 0, 0
	for i := range h {
		id := headerID(h[i].Name)
		if id == noHeader {
			continue
		}
		bit := uint64(1) << id
		if ix.has&bit != 0 {
			ix.multi |= bit
			continue
		}
		ix.has |= bit
		ix.first[id] = uint8(min(i, farHeader))
	}
}

// present reports whether the list holds the header.
func (ix *headerIndex) present(id hid) bool { return ix.has&(1<<id) != 0 }

// get is har.Headers.Get.
func (ix *headerIndex) get(id hid) (string, bool) {
	if !ix.present(id) {
		return "", false
	}
	if p := ix.first[id]; p != farHeader {
		return ix.h[p].Value, true
	}
	return ix.h.Get(headerNames[id])
}

// values is har.Headers.Values.
func (ix *headerIndex) values(id hid) []string {
	switch {
	case !ix.present(id):
		return nil
	case ix.multi&(1<<id) == 0:
		v, _ := ix.get(id)
		return []string{v}
	}
	return ix.h.Values(headerNames[id])
}

// normalized is normalizedHeader(values(id)), without building the slice
// for a header sent once.
func (ix *headerIndex) normalized(id hid) (string, bool) {
	if ix.multi&(1<<id) != 0 {
		return normalizedHeader(ix.values(id))
	}
	v, ok := ix.get(id)
	if !ok {
		return "", false
	}
	return trimHTTPSpace(v), true
}

// joinedLower is strings.ToLower(strings.Join(values(id), ",")), the form
// in which Vary is searched.
func (ix *headerIndex) joinedLower(id hid) string {
	if ix.multi&(1<<id) != 0 {
		return strings.ToLower(strings.Join(ix.values(id), ","))
	}
	v, _ := ix.get(id)
	return strings.ToLower(v)
}

// containsLower is strings.Contains(joinedLower(id), sub), for a
// lower-case sub without a comma, without lower-casing a copy.
func (ix *headerIndex) containsLower(id hid, sub string) bool {
	if ix.multi&(1<<id) != 0 {
		return strings.Contains(ix.joinedLower(id), sub)
	}
	v, _ := ix.get(id)
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return strings.Contains(strings.ToLower(v), sub)
		}
	}
	for i := 0; i+len(sub) <= len(v); i++ {
		if equalLower(v[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// hasValue reports whether a line of the header has the value want,
// compared case-insensitively after trimming.
func (ix *headerIndex) hasValue(id hid, want string) bool {
	if ix.multi&(1<<id) != 0 {
		return hasValue(ix.h, headerNames[id], want)
	}
	v, ok := ix.get(id)
	return ok && strings.EqualFold(strings.TrimSpace(v), want)
}
