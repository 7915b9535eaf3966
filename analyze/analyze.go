// Package analyze decides, for every cross-origin request in a HAR, whether
// the browser let it through, and when it did not, which check failed, what
// on the server side caused it and how to fix it.
//
// The checks mirror Chromium's CORS code (services/network/cors and
// services/network/public/cpp/cors), in Chromium's order, and name failures
// with Chromium's CorsError values; Firefox's names come beside them. The
// rule catalogue (Rules) documents every finding. The package knows nothing
// of output: report renders its results.
package analyze

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/harcors/harcors/har"
)

// Credentials says what is known of a request's credentials mode.
type Credentials string

// Credentials modes.
const (
	// CredInclude: the request was made with credentials (cookies were sent,
	// or only credentials explain what the browser did).
	CredInclude Credentials = "include"
	// CredOmit: the request was made without credentials (only that explains
	// what the browser did).
	CredOmit Credentials = "omit"
	// CredUnknown: the capture does not say. Chrome's default (sanitized)
	// export drops Cookie headers, so a missing cookie proves nothing.
	CredUnknown Credentials = "unknown"
)

// Finding is one problem with one request.
type Finding struct {
	Rule *Rule
	// Severity is the rule's, unless Downgraded says why it is lower.
	Severity Severity
	// Downgraded is empty, or says why an error is reported as a warning:
	// the browser let the request through although the check fails as
	// recorded ("browser-passed"), or only credentials the capture cannot
	// show would make it fail ("credentials-unknown").
	Downgraded string

	File string
	// Entry is the 0-based index in log.entries of the follow-up request, or
	// of the preflight when no follow-up was recorded. Preflight is the
	// index of its preflight, or -1.
	Entry     int
	Preflight int
	// Line is the line of the file on which Entry starts.
	Line   int
	URL    string
	Method string // the follow-up's method (Access-Control-Request-Method when only the preflight was recorded)
	Origin string

	// Chromium is the CorsError value as the DevTools protocol spells it
	// ("PreflightMissingAllowOriginHeader"); Firefox the console key
	// ("CORSMissingAllowOrigin2"). Either is empty when the browser reports
	// no CORS error for this finding (a warning, a network error).
	Chromium CorsError
	Firefox  string
	// FirefoxCapture: Firefox wrote the capture, so the console the user
	// saw named Firefox's key, which reports then show first.
	FirefoxCapture bool
	// Message is the console line Chromium printed (reconstructed);
	// FirefoxMessage Firefox's.
	Message        string
	FirefoxMessage string
	// Count is how many times the problem occurs on this request, when a
	// response repeats it (a response setting 500 cookies without
	// SameSite gives one finding with Count 500); 0 and 1 both mean once.
	Count int
	// Group is the Key of the finding's group in Result.Groups.
	Group string
	// Value is the offending value: the Access-Control-Allow-Origin value,
	// the method, the header name, the redirect target.
	Value string
	// Status is the HTTP status of the response that failed the check (the
	// preflight's or the follow-up's); 0 when there was none. AtPreflight
	// says it is the preflight's: the follow-up was then never sent, and a
	// list of requests that shows Status beside the follow-up says whose
	// it is.
	Status      int
	AtPreflight bool
	// Cause is what on the server side made it happen, from the evidence in
	// the capture; Fix says what to change, for Stack when it was
	// recognised.
	Cause string
	Fix   string
	Stack Stack

	Credentials      Credentials
	CredentialsBasis string
	// PreflightCaptured is false when the request needed a preflight that
	// the capture does not hold (preflight cache, Playwright, a capture
	// started late).
	PreflightCaptured bool
	// Console is what a console log given with the capture (--console)
	// says of the finding: "confirmed" when the browser printed this
	// error for the request, "contradicted: ..." when it printed
	// another; "" without a console log or a line about the request.
	Console string
	// IfCredentials is the error the browser reports instead when the
	// request carries credentials, which the capture does not show: two
	// checks fail, and the browser runs the credentials one first. The
	// cause says so. Empty otherwise.
	IfCredentials CorsError

	// Asked is what the preflight asked for, when the finding was kept
	// without its entries (Options.Keep) and its preflight can be
	// replayed; nil otherwise (ReplayMethod and ReplayHeaders read the
	// entries then).
	Asked *Asked

	// Request and PreflightEntry are the entries the finding is about (nil
	// when absent), for renderers that show headers.
	Request        *har.Entry
	PreflightEntry *har.Entry
}

// Verdict is what became of one cross-origin request.
type Verdict string

// Verdicts.
const (
	Pass    Verdict = "pass"
	Blocked Verdict = "blocked"
	// Unknown: the capture does not hold enough to judge (a proxy capture
	// of a request whose credentials mode decides it, for example).
	Unknown Verdict = "unknown"
)

// Request is one cross-origin request with its verdict, for listings of
// every request (`--all`).
type Request struct {
	Entry     int
	Preflight int // -1 when none
	Line      int
	URL       string
	Method    string
	Origin    string
	Status    int
	Verdict   Verdict
	// Rule is the ID of the rule that blocked it, when one did.
	Rule string
	// PreflightTime is how long the preflight took, in milliseconds; 0
	// without one.
	PreflightTime float64
}

// Result is the analysis of one HAR file.
type Result struct {
	File    string
	Creator string // "WebInspector 537.36", "Firefox 128.0"...
	Browser string
	// Entries counts log.entries read; CrossOrigin the cross-origin (CORS)
	// requests among them; Preflights the preflight entries; Paired the
	// preflights matched to their follow-up.
	Entries     int
	CrossOrigin int
	Preflights  int
	Paired      int
	// Err is the reading error, if any. Entries read before it are analysed.
	Err error
	// ReadWarnings are the reader's non-fatal complaints.
	ReadWarnings []error
	// Notes say what the capture as a whole cannot show (the exporter
	// keeps no preflights, drops blocked requests, strips cookies): said
	// once, not on every finding.
	Notes    []string
	Findings []Finding
	// Groups fold the findings that need the same fix (see Group), errors
	// first.
	Groups   []*Group
	Requests []Request
	// CookieValues are the values of the cookies the capture sends or
	// sets (long enough to be secrets), when Options.CookieValues is set.
	CookieValues []string

	// Worst counts the requests with findings by the severity of their
	// worst finding (Worst[Error] requests have an error finding).
	Worst [numSeverities]int
	// Ignored counts the findings that Options.Ignore and Options.Drop
	// took out (--ignore, --baseline): a report that shows none must not
	// read as if nothing failed.
	Ignored int
}

// numSeverities is the number of severities, Info to Error.
const numSeverities = int(Error) + 1

// Affected counts the requests with a finding of severity min or higher.
func (r *Result) Affected(min Severity) int {
	n := 0
	for s := range r.Worst {
		if Severity(s) >= min {
			n += r.Worst[s]
		}
	}
	return n
}

// Options control an analysis.
type Options struct {
	// Ignore holds rule IDs whose findings are dropped.
	Ignore map[string]bool
	// Drop, when set, drops the findings it returns true for (--ignore
	// by host or URL, --baseline), before they are grouped. It may be
	// called from several goroutines at once.
	Drop func(*Finding) bool
	// NoRequests leaves Result.Requests empty, for reports that do not list
	// every request: a capture's passing requests then cost no memory.
	NoRequests bool
	// Stack, when not Generic, is the server stack every finding's fix and
	// cause are written for, whatever the responses give away (--stack).
	Stack Stack
	// CookieValues fills Result.CookieValues, for reports that redact
	// cookie values wherever they reappear.
	CookieValues bool
	// Keep says which findings Result.Findings keeps; Result.Groups always
	// has them all. Reports of groups (the table, Markdown, SARIF) keep
	// none, so that memory does not grow with the number of findings.
	Keep Keep
	// Workers is how many goroutines the analysis may run at once, the
	// caller's included: with 2 or more, entries are read on a goroutine
	// of their own while the caller's analyses them; with 1 everything
	// happens on the caller's goroutine. 0 means runtime.GOMAXPROCS(0).
	// The har.Options given with these bound the reading's goroutines.
	Workers int

	// tune, when not nil, replaces defaultTuning: tests set it.
	tune *tuning
}

// Keep says which findings an analysis keeps in Result.Findings.
type Keep int

const (
	// KeepAll keeps every finding with its entries (Finding.Request and
	// PreflightEntry), for reports that show each finding's headers.
	KeepAll Keep = iota
	// KeepLight keeps every finding without its entries (JSON): a few
	// hundred bytes a finding instead of the entries' kilobytes.
	KeepLight
	// KeepNone keeps no finding: only the groups, whose samples keep
	// their entries.
	KeepNone
)

// File reads and analyses the HAR at path ("-" is standard input).
//
// The analysis is streamed: entries are judged as soon as nothing later in
// the file can change their verdict, and forgotten unless they have a
// finding, so memory stays flat however many entries the file holds.
// Files whose entries are far out of time order or lack start times, or
// whose pages or creator (when it changes how entries are judged: not
// Fiddler's, written last) come after the entries, are read a second time
// and analysed whole, their entries packed; the result is the same either
// way. An input
// that can be read only once (standard input, a pipe, a FIFO, <(...)) is
// never opened twice: see Reader.
func File(path string, opt Options, ropt har.Options) *Result {
	ropt.Name = path
	if !rereadable(path) {
		f := os.Stdin
		if path != "-" {
			var err error
			if f, err = os.Open(path); err != nil {
				return &Result{File: path, Err: err}
			}
			defer f.Close()
		}
		return Reader(path, f, opt, ropt)
	}
	return readAgain(path, opt, true, func(bool) (*har.Reader, error) { return har.Open(path, ropt) }, nil)
}

// rereadable says whether path is a regular file, which File may open a
// second time and read from the start again.
func rereadable(path string) bool {
	if path == "-" {
		return false
	}
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// Reopen reads and analyses one HAR that open gives from its start, each
// time it is called: streamed, memory flat, as File does, with no copy
// kept, because when the analysis must start again it calls open again.
// It is for inputs that can be read twice but are no file, such as a
// browser's File object in the web page. name is used in messages.
func Reopen(name string, open func() (io.Reader, error), opt Options, ropt har.Options) *Result {
	ropt.Name = name
	return readAgain(name, opt, true, func(bool) (*har.Reader, error) {
		rd, err := open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return har.NewReader(rd, ropt)
	}, nil)
}

// Reader reads and analyses one HAR from rd; name is used in messages. It
// streams the analysis as File does, memory flat, and reads rd only once:
// when the analysis must start again, it reads a copy of what rd gave,
// kept in a temporary file (removed at the end) as it was read, or, when
// rd is a regular file, seeks back to where it started. Without a
// temporary directory the copy cannot be made, and the analysis then holds
// every entry that may matter until the end instead. Unless either option
// set's Workers is 1, the copy is made by a goroutine of its own, and read
// as it grows, in pieces on several cores as a large file is (see
// onceInput).
func Reader(name string, rd io.Reader, opt Options, ropt har.Options) *Result {
	ropt.Name = name
	spooled := workers(opt.Workers) > 1 && workers(ropt.Workers) > 1
	in := newOnceInput(rd, spooled)
	defer in.close()
	src := in.reader()
	return readAgain(name, opt, in.file != nil, func(again bool) (*har.Reader, error) {
		if again {
			var err error
			if src, err = in.again(); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
		return har.NewReader(src, ropt)
	}, in.stop)
}

// workers resolves a Workers option: 0 means runtime.GOMAXPROCS(0).
func workers(n int) int { return cmp.Or(n, runtime.GOMAXPROCS(0)) }

// readAgain analyses what open gives, streamed when stream is set; when the
// streamed analysis gives up, it opens the input again (again set) and
// analyses it whole. stop, when not nil, is called after each analysis,
// before the reader is closed.
func readAgain(name string, opt Options, stream bool, open func(again bool) (*har.Reader, error), stop func()) *Result {
	for again := false; ; again = true {
		r, err := open(again)
		if err != nil {
			return &Result{File: name, Err: err}
		}
		res, retry := read(name, r, opt, stream && !again)
		if stop != nil {
			stop()
		}
		r.Close()
		if !retry {
			return res
		}
	}
}

// read analyses what r yields. With stream set it may give up half way, when
// the file turns out not to be streamable, and report again: the caller
// then reads the file anew without stream.
//
// Reading and analysing run side by side: a goroutine reads entries and
// hands them over in batches, so that on two cores the analysis costs
// little more than the reading (unless Options.Workers is 1).
func read(name string, r *har.Reader, opt Options, stream bool) (res *Result, again bool) {
	var rerr error
	total := 0
	a := newAnalysis(name, &har.Log{}, nil)
	a.configure(opt)
	var cookies map[string]struct{}
	if opt.CookieValues {
		cookies = map[string]struct{}{}
	}
	tune := opt.tuning()
	after := tune.afterEntry
	// On one worker, the end of the analysis unpacks entries where it
	// judges them; on more, as many goroutines decode ahead (up to 4:
	// past that, the judging they feed is the slower).
	ahead := 0
	if w := workers(opt.Workers); w > 1 {
		ahead = min(w, 4)
	}
	if stream {
		a.stream = newStreamer(a, tune, ahead)
		defer a.stream.close()
	} else {
		a.whole = newWholeStore(tune, ahead)
	}
	// The streamer may give up and hand its nodes to a whole analysis.
	defer func() {
		if a.whole != nil {
			a.whole.close()
		}
	}()
	src := &batcher{r: r, pages: -1}
	var next func() (batch, bool)
	stop := func() {}
	if workers(opt.Workers) == 1 {
		end := false
		next = func() (batch, bool) {
			if end {
				return batch{}, false
			}
			b := src.next()
			end = b.err != nil
			return b, true
		}
	} else {
		batches := make(chan batch, 4)
		done := make(chan struct{})
		go produce(src, batches, done)
		next = func() (batch, bool) {
			b, ok := <-batches
			return b, ok
		}
		// stop tells the reading goroutine to stop and waits until it
		// has, so that the caller may close r.
		stop = func() {
			close(done)
			for range batches {
			}
		}
	}
	for b, ok := next(); ok; b, ok = next() {
		if b.log != nil {
			a.log = b.log
		}
		var hx entryHeaders
		for _, e := range b.entries {
			total++
			hx.index(e)
			if cookies != nil {
				noteCookies(e, &hx, cookies)
			}
			noteStack(a.hostStack, e, &hx)
			a.noteCookies(e, &hx)
			// Most entries of a real capture (documents, images, scripts,
			// same-origin calls) can never be part of a CORS exchange:
			// only the rest go on, once their server's fingerprint is
			// noted.
			if mayMatter(e, &hx.rq) {
				a.take(e, &hx)
				if a.stream != nil && a.stream.restart {
					stop()
					return nil, true
				}
			} else {
				a.links.pass(hx.url)
			}
			if after != nil {
				after(a, total)
			}
		}
		if b.err != nil && !errors.Is(b.err, io.EOF) {
			rerr = b.err
		}
	}
	// The goroutine is done with r: the log is complete (some exporters
	// write creator or pages after the entries).
	a.log = r.Log()
	a.finish()
	if a.stream != nil && a.stream.restart {
		return nil, true
	}
	res = a.result(opt)
	res.Entries = total
	res.CookieValues = cookieValueList(cookies)
	res.Err = rerr
	if a.whole != nil && a.whole.lost != nil && rerr == nil {
		res.Err = fmt.Errorf("%s: %w", name, a.whole.lost)
	}
	for _, w := range r.Warnings() {
		res.ReadWarnings = append(res.ReadWarnings, w)
	}
	if n := r.DroppedWarnings(); n > 0 {
		res.ReadWarnings = append(res.ReadWarnings, fmt.Errorf("%s: %d more warnings not shown", name, n))
	}
	return res, false
}

// batch is a run of entries handed from the reading goroutine to the
// analysis.
type batch struct {
	entries []*har.Entry
	// log is a copy of the log metadata read so far, when it changed since
	// the last batch: the reader keeps writing its own.
	log *har.Log
	// err ends the last batch: io.EOF or the reading error.
	err error
}

// batchSize is the number of entries in a batch: enough to make the
// hand-over cheap, few enough to keep memory small.
const batchSize = 64

// batcher reads a Reader's entries in batches.
type batcher struct {
	r       *har.Reader
	creator string
	pages   int
}

// next reads the next batch; the last has err set.
func (p *batcher) next() batch {
	b := batch{entries: make([]*har.Entry, 0, batchSize)}
	for {
		e, err := p.r.Next()
		if err != nil {
			b.err = err
		} else {
			b.entries = append(b.entries, e)
		}
		if err == nil && len(b.entries) < batchSize {
			continue
		}
		if l := p.r.Log(); l.Creator.Name != p.creator || len(l.Pages) != p.pages {
			p.creator, p.pages = l.Creator.Name, len(l.Pages)
			cp := *l
			cp.Pages = append([]har.Page(nil), l.Pages...)
			b.log = &cp
		}
		return b
	}
}

// produce sends p's batches to out until the end, an error, or done.
func produce(p *batcher, out chan<- batch, done <-chan struct{}) {
	defer close(out)
	for {
		b := p.next()
		select {
		case out <- b:
		case <-done:
			return
		}
		if b.err != nil {
			return
		}
	}
}

// Analyze analyses entries already read. log may be nil.
func Analyze(name string, log *har.Log, entries []*har.Entry, opt Options) *Result {
	a := newAnalysis(name, log, nil)
	a.configure(opt)
	// The caller holds the entries: packing them would only add copies.
	a.whole = newWholeStore(nil, 0)
	// One pass: take only records entries when the analysis is not
	// streamed, so every stack is noted before anything is judged.
	var hx entryHeaders
	var cookies map[string]struct{}
	if opt.CookieValues {
		cookies = map[string]struct{}{}
	}
	for _, e := range entries {
		hx.index(e)
		if cookies != nil {
			noteCookies(e, &hx, cookies)
		}
		noteStack(a.hostStack, e, &hx)
		a.noteCookies(e, &hx)
		a.take(e, &hx)
	}
	a.finish()
	res := a.result(opt)
	res.Entries = len(entries)
	res.CookieValues = cookieValueList(cookies)
	return res
}

// mayMatter reports whether an entry can take part in a CORS exchange: a
// preflight, a redirect hop, or a request the browser made in cors mode to
// another origin. Without Sec-Fetch-Mode (older browsers, proxies that drop
// it) nothing can be ruled out. Nor can it for an entry whose URL is
// missing or not a string but that carries an Origin header (a preflight
// is still judged by its response); without either, the entry cannot be
// paired or checked. Dropping those keeps a file of a million "{}"
// entries, which has no start times and so cannot be streamed, from being
// held whole.
//
// rq indexes the entry's request headers.
func mayMatter(e *har.Entry, rq *headerIndex) bool {
	if e.Request.URL == "" {
		if !rq.present(hOrigin) {
			return false
		}
	}
	if strings.EqualFold(e.Request.Method, "OPTIONS") || isRedirectStatus(e.Response.Status) {
		return true
	}
	mode, ok := rq.get(hSecFetchMode)
	if !ok {
		return true
	}
	if !strings.EqualFold(strings.TrimSpace(mode), "cors") {
		return false
	}
	site, ok := rq.get(hSecFetchSite)
	return !ok || !strings.EqualFold(strings.TrimSpace(site), "same-origin")
}

// configure takes what the analysis itself needs of opt.
func (a *analysis) configure(opt Options) {
	a.noRequests, a.forceStack = opt.NoRequests, opt.Stack
	a.out.ignore, a.out.drop = opt.Ignore, opt.Drop
	a.out.keep = opt.Keep
}

// result collects the findings, in file order, and the requests.
func (a *analysis) result(opt Options) *Result {
	res := &Result{
		File:        a.file,
		Creator:     a.log.Creator.String(),
		Browser:     a.log.Browser.String(),
		CrossOrigin: a.crossOrigin,
		Preflights:  a.preflights,
		Paired:      a.paired,
		Requests:    a.requests.all(),
		Notes:       exporterNotes(a.log.Creator.Name),
	}
	res.Findings = a.out.kept.all()
	sort.SliceStable(res.Findings, func(i, j int) bool {
		fi, fj := &res.Findings[i], &res.Findings[j]
		if fi.Entry != fj.Entry {
			return fi.Entry < fj.Entry
		}
		return fi.Severity > fj.Severity
	})
	// Requests are judged in about file order: mostly sorted already.
	byEntry := func(x, y Request) int { return cmp.Compare(x.Entry, y.Entry) }
	if !slices.IsSortedFunc(res.Requests, byEntry) {
		slices.SortStableFunc(res.Requests, byEntry)
	}
	res.Groups = a.out.gp.groups()
	a.out.worst.count(&res.Worst)
	res.Ignored = a.out.dropped
	return res
}

// Count returns how many findings are in groups of severity s or higher
// (a group's severity is its findings' highest). It counts from the groups,
// so it holds whatever Options.Keep kept.
func (r *Result) Count(s Severity) int {
	n := 0
	for _, g := range r.Groups {
		if g.Severity >= s {
			n += g.Findings
		}
	}
	return n
}

// The reasons Finding.Downgraded gives.
const (
	// DowngradeBrowserPassed: the check fails as recorded, yet the
	// browser let the request through; the browser is the judge.
	DowngradeBrowserPassed = "browser-passed"
	// DowngradeCredentialsUnknown: the request fails only if it was made
	// with credentials, which the capture does not show.
	DowngradeCredentialsUnknown = "credentials-unknown"
)
