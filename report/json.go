package report

import (
	"bytes"
	"encoding/json"

	"github.com/harcors/harcors/analyze"
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
	Schema  string     `json:"schema"`  // always "harcors/v1"
	Version string     `json:"version"` // harcors' version
	Files   []JSONFile `json:"files"`   // in the order of the inputs
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
	// Error is null, or why the file could not be read (whole or in part:
	// the findings then cover the entries read before it).
	Error *string `json:"error"`
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

// jsonReport builds the JSON document.
func jsonReport(results []*analyze.Result, opt Options) JSONReport {
	c := newCleaner(opt, false)
	doc := JSONReport{Schema: SchemaID, Version: opt.Version, Files: []JSONFile{}}
	for _, v := range views(results, opt.MinSeverity) {
		r := v.res
		jf := JSONFile{
			File: r.File, Creator: r.Creator, Entries: r.Entries, CrossOrigin: r.CrossOrigin,
			Preflights: r.Preflights, Paired: r.Paired,
			Findings: make([]JSONFinding, 0, len(v.shown)),
			Requests: make([]JSONRequest, 0, len(r.Requests)),
		}
		if r.Err != nil {
			e := c.errText(r.Err)
			jf.Error = &e
		}
		for _, f := range v.shown {
			jf.Findings = append(jf.Findings, JSONFinding{
				File: f.File, Entry: f.Entry, Preflight: optIndex(f.Preflight), Line: f.Line,
				URL: c.url(f.URL), Method: f.Method, Origin: c.text(f.Origin),
				Rule: f.Rule.ID, Title: f.Rule.Title, Severity: f.Severity.String(),
				Chromium: f.Chromium, Firefox: f.Firefox,
				Message: c.text(f.Message), FirefoxMessage: c.text(f.FirefoxMessage),
				Value: c.text(f.Value), Status: f.Status,
				Cause: c.text(f.Cause), Fix: c.text(f.Fix), Stack: string(f.Stack),
				Credentials: string(f.Credentials), CredentialsBasis: c.text(f.CredentialsBasis),
				PreflightCaptured: f.PreflightCaptured,
			})
		}
		for _, q := range r.Requests {
			jf.Requests = append(jf.Requests, JSONRequest{
				Entry: q.Entry, Preflight: optIndex(q.Preflight), Line: q.Line,
				URL: c.url(q.URL), Method: q.Method, Origin: c.text(q.Origin), Status: q.Status,
				Verdict: string(q.Verdict), Rule: q.Rule, PreflightMs: q.PreflightTime,
			})
		}
		doc.Files = append(doc.Files, jf)
	}
	return doc
}

func renderJSON(buf *bytes.Buffer, results []*analyze.Result, opt Options) error {
	return writeJSON(buf, jsonReport(results, opt))
}

// writeJSON encodes v indented, without HTML escaping (the output is not
// embedded in HTML, and "\u003credacted\u003e" would hide the marker from
// people reading it), and with dangerous characters \u-escaped.
func writeJSON(buf *bytes.Buffer, v any) error {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Write(jsonSafe(raw.Bytes()))
	return nil
}
