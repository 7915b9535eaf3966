// Package hargen writes synthetic HAR files shaped like Chrome DevTools'
// "Save all as HAR (with sensitive data)" exports, of any size, for
// benchmarks and tests.
//
// The shape follows the Chromium 156 exports in testdata/hars/chromium and
// real user exports (Chrome 143): creator WebInspector, HTTP/2 header lists
// with pseudo-headers, sec-ch-ua client hints, _initiator stacks, timings,
// _transferSize, cookie arrays; preflights (OPTIONS, _resourceType
// "preflight", _initiator {type preflight, url, requestId}) written after the
// request they were made for, as Chrome does; requests the browser blocked
// (status 0, _error net::ERR_FAILED, only provisional headers). A few
// failures are planted and counted in Stats.Planted so that tests can check
// the analysis finds exactly them.
//
// That is the body-heavy mix, pretty-printed as DevTools writes it: ~7 KB
// of metadata an entry. The metadata-dense mix packs ~143,000 entries into
// 100 MiB (~730 bytes each; issue 5 asks for ~150k per 100 MB): compact
// JSON, every member HAR 1.2 requires but few of Chrome's own, and the
// short header lists of a minimal request. It keeps what the analysis
// reads: preflights written after their follow-ups with their _initiator,
// cross-origin requests with Origin, Sec-Fetch-Mode and the
// Access-Control-* response headers, blocked requests with _error and
// provisional headers, and the same planted failures. See MetadataDense.
//
// Output is streamed: one group of entries (a request, or a follow-up with
// its preflight) is built in a buffer and written, so memory stays flat
// however large the file. Output is a pure function of Config.
package hargen

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Mix selects what the entries carry.
type Mix string

const (
	// BodyHeavy: about a third of the entries carry a base64 response body
	// of ~64 KiB (images, fonts, protobuf API responses), and writes carry
	// JSON postData of up to 16 KiB. Most bytes are body bytes, which a
	// header-only reader should skip at memory speed.
	BodyHeavy Mix = "body-heavy"
	// MetadataDense: no response bodies, postData of a few dozen bytes on
	// writes; every byte is metadata, in entries little larger than the
	// members HAR requires: ~730 bytes an entry, ~143,000 entries per
	// 100 MiB (issue 5: "~150k entries per 100 MB"). Many entries per byte
	// is the worst case for what a reader spends per entry.
	//
	// Entries are written compact, as JSON.stringify(har) without
	// indentation writes them (exporters that do not pretty-print,
	// minified re-saves). Each has every member HAR 1.2 requires (cache,
	// cookies and queryString arrays, sizes, redirectURL, timings send,
	// wait and receive) and, of Chrome's own, _resourceType, a preflight's
	// _initiator {type "preflight", url, requestId} and a failed request's
	// _error: no call-frame stacks, pageref, _priority, _transferSize or
	// connection ids. Header lists are a minimal request's, one to five a
	// side: Sec-Fetch-Mode on every request sent; Origin, and Cookie or
	// Content-Type where the request has them, on CORS requests;
	// Access-Control-Request-* on preflights; Content-Type, Vary: Origin
	// and the Access-Control-* headers on responses; provisional headers
	// (Referer and those the page set) on requests Chrome never sent.
	// Times are kept to the microsecond.
	//
	// HAR's required members alone take ~500 bytes of an entry, so a CORS
	// exchange does not fit in ~700: most requests are same-origin loads
	// (70 % of groups here, 43 % in the body-heavy mix), and about 38 % of
	// the entries are CORS requests and preflights (11 % preflights). With
	// the body-heavy mix's proportions the same entries come to ~127,000
	// per 100 MiB. The planted failures keep their rate per group.
	MetadataDense Mix = "metadata-dense"
)

// Mixes lists the mixes, for flags and tests.
var Mixes = []Mix{BodyHeavy, MetadataDense}

// Rule IDs of the failures the generator plants, as analyze names them.
const (
	// A simple GET whose response has no Access-Control-Allow-Origin.
	PlantMissingAllowOrigin = "CORS-A01"
	// A preflight answered 404 without CORS headers (no OPTIONS route).
	PlantPreflight404 = "CORS-P01"
	// A preflight whose Access-Control-Allow-Headers lacks a header the
	// request sends.
	PlantHeaderNotAllowed = "CORS-P16"
)

// Config says what to write.
type Config struct {
	// Size bounds the file: it is at most Size bytes, and short of it by
	// less than one group of entries (a follow-up with its preflight and
	// their bodies). 0: no bound.
	Size int64
	// Entries stops the file once it holds at least this many entries (a
	// follow-up and its preflight are never split). 0: no bound. At least
	// one of Size and Entries must be set.
	Entries int
	Mix     Mix
	Seed    uint64
	// BodySize is the mean length of a body-heavy response body's base64
	// text; bodies range from 3/4 to 5/4 of it. 0 means 64 KiB. With
	// Entries and Seed fixed, changing it changes the bodies and nothing
	// else, which is how a benchmark shows memory flat in body size.
	BodySize int
	// Systemic writes a server misconfigured once: every cross-origin
	// response that echoes the origin leaves Origin out of Vary (one
	// CORS-W01 finding per such request), and the planted failures are
	// four times as frequent. Reports then hold tens of thousands of
	// findings of a handful of problems.
	Systemic bool
}

// Stats describes a written file.
type Stats struct {
	Bytes   int64
	Entries int
	// Options counts entries with method OPTIONS; all are preflights.
	Options int
	// CrossOrigin counts CORS requests to another origin (a follow-up with
	// its preflight counts once).
	CrossOrigin int
	// Bodies counts entries whose response carries content.text; PostData
	// those whose request carries postData; BodyBytes the length of both
	// texts (before JSON escaping).
	Bodies    int
	PostData  int
	BodyBytes int64
	// Planted counts the requests made to fail, by the rule that explains
	// each (PlantMissingAllowOrigin...). Every other request passes.
	Planted map[string]int
}

// The end of the frame around the entries: pretty-printed as Chrome writes
// it, or compact (the metadata-dense mix).
const (
	tail        = "\n    ]\n  }\n}"
	compactTail = "]}}"
)

// Write writes one HAR to w.
func Write(w io.Writer, cfg Config) (Stats, error) {
	if cfg.Size <= 0 && cfg.Entries <= 0 {
		return Stats{}, errors.New("hargen: set Size or Entries")
	}
	if cfg.Mix != BodyHeavy && cfg.Mix != MetadataDense {
		return Stats{}, fmt.Errorf("hargen: unknown mix %q (want %s or %s)", cfg.Mix, BodyHeavy, MetadataDense)
	}
	g := newGen(cfg)
	bw := bufio.NewWriterSize(w, 256<<10)
	head := g.head()
	tail := tail
	if g.j.compact {
		tail = compactTail
	}
	if cfg.Size > 0 && int64(len(head)+len(tail)) > cfg.Size {
		return Stats{}, fmt.Errorf("hargen: size %d is too small for a HAR (the frame alone is %d bytes)", cfg.Size, len(head)+len(tail))
	}
	if _, err := bw.Write(head); err != nil {
		return g.st, err
	}
	g.st.Bytes = int64(len(head))
	for cfg.Entries <= 0 || g.st.Entries < cfg.Entries {
		// Build the next group; keep it only if the file stays in Size.
		saved := g.save()
		g.j.b = g.j.b[:0]
		g.group()
		if cfg.Size > 0 && g.st.Bytes+int64(len(g.j.b))+int64(len(tail)) > cfg.Size {
			g.restore(saved)
			break
		}
		if _, err := bw.Write(g.j.b); err != nil {
			return g.st, err
		}
		g.st.Bytes += int64(len(g.j.b))
	}
	if _, err := bw.WriteString(tail); err != nil {
		return g.st, err
	}
	g.st.Bytes += int64(len(tail))
	return g.st, bw.Flush()
}

// ParseSize reads a size such as 1GiB, 100MiB, 64KiB, 1.5GB or 1048576.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("bad size %q (want e.g. 1GiB, 100MiB, 4096)", s)
	}
	return int64(f * float64(mult)), nil
}

// The site the session is recorded on, and the servers it talks to.
const (
	pageURL    = "https://app.example.com/dashboard"
	appOrigin  = "https://app.example.com"
	appHost    = "app.example.com"
	apiHost    = "api.example.com"        // same-site CORS API, credentialed, preflighted writes
	cdnHost    = "static.example-cdn.net" // cross-site fonts with ACAO *
	legacyHost = "legacy.example.org"     // answers simple GETs without CORS headers
	reportHost = "reports.example.net"    // has no OPTIONS route: preflights get 404
	traceHost  = "telemetry.example.io"   // allows only some request headers
	chromeUA   = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36"
	secCHUA    = `"Google Chrome";v="143", "Chromium";v="143", "Not A(Brand";v="24"`
	appScript  = "https://app.example.com/assets/index-Dw52pmVD.js"
	jwt        = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjE2YjRmMjQ4In0.eyJzdWIiOiJ1c2VyXzg4MjE3IiwiYXVkIjoiYXBpLmV4YW1wbGUuY29tIiwiZXhwIjoxNzY2MTA0MDAwLCJzY29wZSI6InByb2plY3RzOnJ3In0."
)

// kind is the kind of a group of entries.
type kind int

const (
	kStatic           kind = iota // same-origin script, stylesheet or image: no CORS
	kFont                         // cross-site font, ACAO *: CORS without credentials
	kSimpleGet                    // credentialed cross-origin GET to the API: passes
	kPreflighted                  // API write with a preflight: follow-up + preflight, passes
	kBlockedSimple                // PlantMissingAllowOrigin
	kPreflight404                 // PlantPreflight404
	kHeaderNotAllowed             // PlantHeaderNotAllowed
)

type weight struct {
	k kind
	w int
}

// weights are per mille. Failures are rare, as in a real session: a few in
// a thousand requests.
var weights = []weight{
	{kStatic, 430}, {kFont, 40}, {kSimpleGet, 250}, {kPreflighted, 250},
	{kBlockedSimple, 12}, {kPreflight404, 9}, {kHeaderNotAllowed, 9},
}

type gen struct {
	cfg  Config
	rng  *rand.Rand
	j    jw
	st   Stats
	now  time.Time
	pool string // base64 text that bodies are cut from
	// Chrome's request ids are "<renderer pid>.<n>"; connection ids grow.
	pid, reqN, conn int
	e               entry // scratch, reused for every entry
}

// saved is what restore needs to take back a group that did not fit.
type saved struct {
	st    Stats
	empty bool
	depth int
}

func (g *gen) save() saved {
	s := saved{st: g.st, empty: g.j.empty, depth: g.j.depth}
	s.st.Planted = make(map[string]int, len(g.st.Planted))
	for k, v := range g.st.Planted {
		s.st.Planted[k] = v
	}
	return s
}

func (g *gen) restore(s saved) { g.st, g.j.empty, g.j.depth = s.st, s.empty, s.depth }

func newGen(cfg Config) *gen {
	g := &gen{
		cfg: cfg,
		rng: rand.New(rand.NewPCG(cfg.Seed, 0x48415247454e)), // "HARGEN"
		now: time.Date(2025, 12, 19, 1, 23, 28, 378e6, time.UTC),
		st:  Stats{Planted: map[string]int{}},
	}
	g.pid = 40000 + g.rng.IntN(20000)
	g.conn = 800000 + g.rng.IntN(100000)
	if g.cfg.BodySize <= 0 {
		g.cfg.BodySize = 64 << 10
	}
	g.j.compact = cfg.Mix == MetadataDense
	if cfg.Mix == BodyHeavy {
		// Random bytes whose base64 is at least twice the largest body:
		// bodies are windows into it, so they differ from one another
		// without generating 1 GiB of randomness.
		raw := make([]byte, max(768<<10, 2*g.cfg.BodySize))
		for i := range raw {
			raw[i] = byte(g.rng.Uint32())
		}
		g.pool = base64.StdEncoding.EncodeToString(raw)
	}
	return g
}

// head writes the log's metadata up to the opening of log.entries.
func (g *gen) head() []byte {
	j := &g.j
	j.open('{')
	j.obj("log")
	j.str("version", "1.2")
	j.obj("creator")
	j.str("name", "WebInspector")
	j.str("version", "537.36")
	j.end()
	j.arr("pages")
	j.elem()
	j.str("startedDateTime", g.stamp(g.now))
	j.str("id", "page_1")
	j.str("title", pageURL)
	j.obj("pageTimings")
	j.float("onContentLoad", 412.3090000078082)
	j.float("onLoad", 988.6969999969006)
	j.end()
	j.end()
	j.endArr()
	j.arr("entries")
	out := append([]byte(nil), j.b...)
	j.b = j.b[:0]
	return out
}

// systemicWeights are ws with the planted failures four times as frequent,
// taken from the static loads.
func systemicWeights(ws []weight) []weight {
	out := append([]weight(nil), ws...)
	extra := 0
	for i := range out {
		switch out[i].k {
		case kBlockedSimple, kPreflight404, kHeaderNotAllowed:
			extra += 3 * out[i].w
			out[i].w *= 4
		}
	}
	for i := range out {
		if out[i].k == kStatic {
			out[i].w -= extra
		}
	}
	return out
}

func (g *gen) pick(ws []weight) kind {
	n := g.rng.IntN(1000)
	for _, x := range ws {
		if n < x.w {
			return x.k
		}
		n -= x.w
	}
	return kStatic
}

// group writes the next group of entries and advances the clock.
func (g *gen) group() {
	g.now = g.now.Add(time.Duration(5+g.rng.IntN(400)) * time.Millisecond)
	if g.cfg.Mix == MetadataDense {
		g.denseGroup()
		return
	}
	ws := weights
	if g.cfg.Systemic {
		ws = systemicWeights(weights)
	}
	switch g.pick(ws) {
	case kStatic:
		g.static()
	case kFont:
		g.font()
	case kSimpleGet:
		g.simpleGet()
	case kPreflighted:
		g.preflighted()
	case kBlockedSimple:
		g.blockedSimple()
	case kPreflight404:
		g.preflight404()
	case kHeaderNotAllowed:
		g.headerNotAllowed()
	}
}

// wantBody decides whether the next eligible entry carries a body: a third
// of all entries in the body-heavy mix, spread with some randomness.
func (g *gen) wantBody() bool {
	return g.cfg.Mix == BodyHeavy && 3*g.st.Bodies < g.st.Entries+1 && g.rng.IntN(3) != 0
}

// body returns base64 text of BodySize on average (64 KiB: 48 to 80 KiB)
// and the size it decodes to. It draws as many random numbers whatever
// BodySize is, so that the rest of the file does not depend on it.
func (g *gen) body() (string, int64) {
	n := (g.cfg.BodySize*3/4 + g.rng.IntN(g.cfg.BodySize/2+1)) &^ 3
	off := g.rng.IntN(len(g.pool)-n) &^ 3
	return g.pool[off : off+n], int64(n / 4 * 3)
}

var (
	projects = []string{"atlas", "borealis", "cobalt", "delta", "ember", "fjord", "granite", "harbor"}
	images   = []string{"hero", "avatar", "thumb", "chart", "logo", "banner", "icon-sprite", "preview"}
	funcs    = []string{"fetchJSON", "request", "apiCall", "loadTasks", "useQuery", "dispatch", "commitMutation", "runSaga", "Nb", "Tb", "Ub", "se", "Qk"}
)

func (g *gen) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(16)]
	}
	return string(b)
}

func (g *gen) uuid() string {
	return g.hex(8) + "-" + g.hex(4) + "-4" + g.hex(3) + "-a" + g.hex(3) + "-" + g.hex(12)
}

func (g *gen) stamp(t time.Time) string { return t.Format("2006-01-02T15:04:05.000Z") }

func (g *gen) httpDate() string { return g.now.Format(time.RFC1123) }

func (g *gen) ip() string {
	return "104.18." + strconv.Itoa(g.rng.IntN(64)) + "." + strconv.Itoa(1+g.rng.IntN(254))
}

func (g *gen) requestID() string {
	g.reqN++
	return strconv.Itoa(g.pid) + "." + strconv.Itoa(g.reqN)
}

func (g *gen) connID() string {
	if g.rng.IntN(8) == 0 {
		g.conn += 1 + g.rng.IntN(40)
	}
	return strconv.Itoa(g.conn)
}

// ms returns a duration in milliseconds with the noise of Chrome's
// floating-point timings (1.2340000000040018).
func (g *gen) ms(lo, hi float64) float64 {
	return lo + g.rng.Float64()*(hi-lo)
}
