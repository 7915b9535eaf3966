package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/internal/textsafe"
)

// SchemaID names the JSON output's schema; it changes only when a key is
// removed or changes meaning. Adding keys keeps it.
const SchemaID = "harcors/v1"

// JSONReport is the JSON output (`--format json`), schema "harcors/v1": one
// object for the whole run.
//
//	{"schema": "harcors/v1", "version": "1.2.3", "files": [JSONFile...]}
//
// Keys always appear, in this order; a missing value is null (error,
// preflight), "" or 0, never an absent key. Strings from the HAR are
// redacted as in every format (see Options.ShowSecrets) and keep every
// other character: control and bidi characters are \u-escaped by the JSON
// encoding, so decoding gives the HAR's value back.
type JSONReport struct {
	Schema  string `json:"schema"`  // always "harcors/v1"
	Version string `json:"version"` // harcors' version
	// Totals sum the files' shown groups and findings.
	Totals JSONTotals `json:"totals"`
	Files  []JSONFile `json:"files"` // in the order of the inputs
}

// JSONTotals sums a run: files read, and what was found in them at or
// above --severity.
type JSONTotals struct {
	Files int `json:"files"`
	// WithFindings, Clean and Unreadable split Files: a file that could not
	// be read whole counts as unreadable.
	WithFindings int `json:"withFindings"`
	Clean        int `json:"clean"`
	Unreadable   int `json:"unreadable"`
	// Problems counts groups (see JSONGroup), Requests the requests with
	// a finding, Findings the findings; Errors, Warnings and Infos split
	// Problems by severity.
	Problems int `json:"problems"`
	Requests int `json:"requests"`
	Findings int `json:"findings"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
}

// JSONFile is one input file.
type JSONFile struct {
	File    string `json:"file"`    // the path as given
	Creator string `json:"creator"` // log.creator: "WebInspector 537.36", "Firefox 128.0"
	// Entries counts the log.entries read; CrossOrigin the cross-origin
	// (CORS) requests among them; Preflights the preflight entries; Paired
	// those matched to their follow-up request.
	Entries     int `json:"entries"`
	CrossOrigin int `json:"crossOrigin"`
	Preflights  int `json:"preflights"`
	Paired      int `json:"paired"`
	// Ignored counts the findings --ignore and --baseline took out: none
	// of them is in groups or findings.
	Ignored int `json:"ignored"`
	// Error is null, or why the file could not be read (whole or in part:
	// the findings then cover the entries read before it).
	Error *string `json:"error"`
	// Notes say what the capture as a whole cannot show (its exporter
	// drops blocked requests or preflights); empty when nothing.
	Notes []string `json:"notes"`
	// Warnings are the reader's complaints that did not stop it: entries
	// skipped, fields of the wrong type ignored, more not shown.
	Warnings []string `json:"warnings"`
	// Groups fold the findings that need the same fix: one per distinct
	// problem, errors first, then by requests. Those below --severity are
	// left out.
	Groups []JSONGroup `json:"groups"`
	// Findings are ordered by entry, then by severity (errors first); those
	// below --severity (Options.MinSeverity) are left out.
	Findings []JSONFinding `json:"findings"`
	// Requests lists every cross-origin request with its verdict, pass
	// included, by entry.
	Requests []JSONRequest `json:"requests"`
}

// JSONFinding is one problem with one request.
type JSONFinding struct {
	File string `json:"file"`
	// Entry is the 0-based index in log.entries of the follow-up request,
	// or of the preflight when no follow-up was recorded.
	Entry int `json:"entry"`
	// Preflight is the index of its preflight, or null.
	Preflight *int `json:"preflight"`
	// Line is the line of the file on which the entry starts.
	Line int    `json:"line"`
	URL  string `json:"url"`
	// Method is the follow-up's method (Access-Control-Request-Method when
	// only the preflight was recorded).
	Method string `json:"method"`
	Origin string `json:"origin"`
	// Rule is the catalogue ID ("CORS-P16", see `harcors -explain`);
	// Title its title.
	Rule  string `json:"rule"`
	Title string `json:"title"`
	// Severity is "error" when the browser blocks the request, "warning"
	// or "info".
	Severity string `json:"severity"`
	// Chromium is Chromium's CorsError as the DevTools protocol spells it
	// ("HeaderDisallowedByPreflightResponse"); Firefox the Firefox console
	// key ("CORSMissingAllowHeaderFromPreflight2"). Empty when the browser
	// reports no CORS error for it (warnings, network errors).
	Chromium string `json:"chromium"`
	Firefox  string `json:"firefox"`
	// Message and FirefoxMessage are the console lines the user saw,
	// reconstructed.
	Message        string `json:"message"`
	FirefoxMessage string `json:"firefoxMessage"`
	// Value is the offending value: the header name, the method, the
	// Access-Control-Allow-Origin value, the redirect target.
	Value string `json:"value"`
	// Status is the HTTP status of the response that failed the check; 0
	// when there was none.
	Status int `json:"status"`
	// Cause is what on the server side made it happen; Fix what to change,
	// for Stack when one was recognised.
	Cause string `json:"cause"`
	Fix   string `json:"fix"`
	// Stack is the server stack the fix is written for: "express",
	// "django", "flask", "go", "rs/cors", "gin", "nginx", "apache",
	// "vite", "webpack", "next", or "" for the generic fix.
	Stack string `json:"stack"`
	// Credentials is "include", "omit" or "unknown" (the capture does not
	// say); CredentialsBasis says what it rests on.
	Credentials      string `json:"credentials"`
	CredentialsBasis string `json:"credentialsBasis"`
	// PreflightCaptured is false when the request needed a preflight that
	// the capture does not hold (preflight cache, an exporter that drops
	// them); the verdict then rests on the actual response.
	PreflightCaptured bool `json:"preflightCaptured"`
	// Count is how many times the problem occurs on this request (a
	// response that sets 500 cookies without SameSite: one finding, count
	// 500); at least 1.
	Count int `json:"count"`
	// Group is the key of the finding's group in Groups.
	Group string `json:"group"`
	// Replay is the curl command that replays the preflight (same
	// Origin, Access-Control-Request-Method and -Headers; no cookies or
	// credentials; the URL redacted), to check a fix without a browser.
	Replay string `json:"replay"`
	// Console is what the console log given with --console says of the
	// finding: "confirmed", "contradicted: ...", or "".
	Console string `json:"console"`
}

// JSONGroup is a set of findings that need the same fix: same rule, same
// server, same cause and fix once URLs are set aside (README, "Groups").
type JSONGroup struct {
	// Key is stable: the same problem in another capture, or after a
	// change, has the same key.
	Key      string `json:"key"`
	Rule     string `json:"rule"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Chromium string `json:"chromium"`
	Firefox  string `json:"firefox"`
	// Cause, Fix and Stack are those of the group's first request.
	Cause string `json:"cause"`
	Fix   string `json:"fix"`
	Stack string `json:"stack"`
	// Server is the scheme, host and port the requests went to; Patterns
	// their paths with identifiers folded to :id (at most 8, MorePatterns
	// counts the others); Methods and Origins likewise.
	Server       string   `json:"server"`
	Patterns     []string `json:"patterns"`
	MorePatterns int      `json:"morePatterns"`
	Methods      []string `json:"methods"`
	Origins      []string `json:"origins"`
	// Requests counts the requests in the group, Findings its findings.
	Requests int `json:"requests"`
	Findings int `json:"findings"`
	// Entries are the first entries (log.entries indices) of the group's
	// requests, at most 20.
	Entries []int `json:"entries"`
}

// JSONRequest is one cross-origin request and what became of it.
type JSONRequest struct {
	Entry     int    `json:"entry"`
	Preflight *int   `json:"preflight"` // index of its preflight, or null
	Line      int    `json:"line"`
	URL       string `json:"url"`
	Method    string `json:"method"`
	Origin    string `json:"origin"`
	Status    int    `json:"status"`
	// Verdict is "pass", "blocked" or "unknown" (the capture cannot say).
	Verdict string `json:"verdict"`
	// Rule is the ID of the rule that blocked it, or "".
	Rule string `json:"rule"`
	// PreflightMs is how long its preflight took, in milliseconds; 0
	// without one.
	PreflightMs float64 `json:"preflightMs"`
}

func optIndex(i int) *int {
	if i < 0 {
		return nil
	}
	return &i
}

// jsonReport builds the JSON document of vs, without the files' findings
// and requests (nil): renderJSON writes them one by one.
func jsonReport(vs []fileView, c cleaner, opt Options) JSONReport {
	doc := JSONReport{Schema: SchemaID, Version: opt.Version, Files: []JSONFile{}}
	for _, v := range vs {
		r := v.res
		jf := JSONFile{
			File: r.File, Creator: r.Creator, Entries: r.Entries, CrossOrigin: r.CrossOrigin,
			Preflights: r.Preflights, Paired: r.Paired, Ignored: r.Ignored, Notes: make([]string, 0, len(r.Notes)),
			Groups: make([]JSONGroup, 0, len(v.groups)),
		}
		for _, n := range r.Notes {
			jf.Notes = append(jf.Notes, c.text(n))
		}
		t := &doc.Totals
		t.Files++
		switch {
		case r.Err != nil:
			t.Unreadable++
		case len(v.groups) > 0:
			t.WithFindings++
		default:
			t.Clean++
		}
		pc := v.problems()
		t.Problems += pc.total()
		t.Errors += pc.errors
		t.Warnings += pc.warnings
		t.Infos += pc.infos
		t.Requests += v.requests()
		if r.Err != nil {
			e := c.errText(r.Err)
			jf.Error = &e
		}
		jf.Warnings = make([]string, 0, len(r.ReadWarnings))
		for _, w := range r.ReadWarnings {
			jf.Warnings = append(jf.Warnings, c.errText(w))
		}
		for _, g := range v.groups {
			t.Findings += g.Findings
			jf.Groups = append(jf.Groups, JSONGroup{
				Key: g.Key, Rule: g.Rule.ID, Title: g.Rule.Title, Severity: g.Severity.String(),
				Chromium: g.Chromium, Firefox: g.Firefox,
				Cause: c.text(g.Cause), Fix: c.text(g.Fix), Stack: string(g.Stack),
				Server: c.url(g.Server), Patterns: cleanURLs(g.Patterns, c), MorePatterns: g.MorePatterns,
				Methods: nonNil(g.Methods), Origins: cleanAll(g.Origins, c),
				Requests: g.Requests, Findings: g.Findings, Entries: g.Entries,
			})
		}
		doc.Files = append(doc.Files, jf)
	}
	return doc
}

// cleanURLs cleans each URL or path.
func cleanURLs(ss []string, c cleaner) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = c.url(s)
	}
	return out
}

// nonNil makes a nil list an empty one, so that JSON says [] and not null.
func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// jsonFinding is f for the JSON report.
func jsonFinding(f *analyze.Finding, c cleaner) JSONFinding {
	return JSONFinding{
		File: f.File, Entry: f.Entry, Preflight: optIndex(f.Preflight), Line: f.Line,
		URL: c.url(f.URL), Method: f.Method, Origin: c.text(f.Origin),
		Rule: f.Rule.ID, Title: f.Rule.Title, Severity: f.Severity.String(),
		Chromium: string(f.Chromium), Firefox: f.Firefox,
		Message: c.text(f.Message), FirefoxMessage: c.text(f.FirefoxMessage),
		Value: c.text(f.Value), Status: f.Status,
		Cause: c.text(f.Cause), Fix: c.text(f.Fix), Stack: string(f.Stack),
		Credentials: string(f.Credentials), CredentialsBasis: c.text(f.CredentialsBasis),
		PreflightCaptured: f.PreflightCaptured,
		Count:             max(f.Count, 1), Group: f.Group,
		Replay: replayCommand(f, c), Console: c.text(f.Console),
	}
}

// jsonRequest is q for the JSON report.
func jsonRequest(q *analyze.Request, c cleaner) JSONRequest {
	return JSONRequest{
		Entry: q.Entry, Preflight: optIndex(q.Preflight), Line: q.Line,
		URL: c.url(q.URL), Method: q.Method, Origin: c.text(q.Origin), Status: q.Status,
		Verdict: string(q.Verdict), Rule: q.Rule, PreflightMs: q.PreflightTime,
	}
}

// The slots where a file's findings and requests go in its encoded object:
// the document is encoded with both nil, and they are written in place of
// the nulls one by one, so that tens of thousands of them are never held
// twice, as values and encoded. Strings are escaped, so a slot, which
// starts with a raw newline, cannot occur inside a value.
const (
	findingsSlot = "\n      \"findings\": null"
	requestsSlot = "\n      \"requests\": null"
)

// jsonChunk is how many elements of a list one goroutine encodes at a time.
const jsonChunk = 256

// encodeElems appends the elements from to to of a list to b, each after
// its separator, as jsonList lays them out.
func encodeElems(b []byte, e *elemEncoder, from, to int, elem func(e *elemEncoder, b []byte, i int) ([]byte, error)) ([]byte, error) {
	var err error
	for i := from; i < to; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n        "...)
		if b, err = elem(e, b, i); err != nil {
			return b, err
		}
	}
	return b, nil
}

// jsonList writes n elements, the i-th appended by elem, as the value of
// member key in place of its slot, and returns what follows the slot. encs
// holds one encoder per core.
func jsonList(bw *bufio.Writer, rest []byte, slot, key string, n int, encs []*elemEncoder, elem func(e *elemEncoder, b []byte, i int) ([]byte, error)) ([]byte, error) {
	i := bytes.Index(rest, []byte(slot))
	if i < 0 {
		return nil, fmt.Errorf("report: no place for %s in the JSON", key)
	}
	bw.Write(rest[:i])
	rest = rest[i+len(slot):]
	bw.WriteString("\n      \"" + key + "\": [")
	// Elements are encoded in chunks on every core, and written in order:
	// cleaning and encoding a finding costs more than writing it, and a
	// capture can hold tens of thousands. A window of chunks is held at a
	// time, so memory does not grow with n.
	procs := len(encs)
	bufs := make([][]byte, procs)
	errs := make([]error, procs)
	for lo := 0; lo < n; lo += jsonChunk * procs {
		var wg sync.WaitGroup
		for k := range procs {
			from := lo + k*jsonChunk
			to := min(n, from+jsonChunk)
			bufs[k] = bufs[k][:0]
			if from >= to {
				continue
			}
			wg.Add(1)
			go func(k, from, to int) {
				defer wg.Done()
				bufs[k], errs[k] = encodeElems(bufs[k], encs[k], from, to, elem)
			}(k, from, to)
		}
		wg.Wait()
		for k := range procs {
			if errs[k] != nil {
				return nil, errs[k]
			}
			bw.Write(bufs[k])
		}
	}
	if n > 0 {
		bw.WriteString("\n      ")
	}
	bw.WriteByte(']')
	return rest, nil
}

// renderJSON writes the JSON report to w as it encodes it.
func renderJSON(w io.Writer, results []*analyze.Result, opt Options) error {
	c := newCleaner(opt, false)
	vs := views(results, opt)
	doc := jsonReport(vs, c, opt)
	var head bytes.Buffer
	err := textsafe.WriteJSON(&head, doc)
	if err != nil {
		return err
	}
	encs := make([]*elemEncoder, opt.workers())
	for k := range encs {
		encs[k] = newElemEncoder(c)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	rest := head.Bytes()
	for _, v := range vs {
		rest, err = jsonList(bw, rest, findingsSlot, "findings", len(v.shown), encs, func(e *elemEncoder, b []byte, i int) ([]byte, error) {
			return e.finding(b, v.shown[i]), nil
		})
		if err != nil {
			return err
		}
		rs := v.res.Requests
		rest, err = jsonList(bw, rest, requestsSlot, "requests", len(rs), encs, func(e *elemEncoder, b []byte, i int) ([]byte, error) {
			return e.request(b, &rs[i])
		})
		if err != nil {
			return err
		}
	}
	bw.Write(rest)
	return bw.Flush()
}
