package analyze

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// A console line is often all a user has: support pages ask for "a HAR plus
// the console log" because the HAR lacks the browser's reason. This file
// reads the browsers' CORS console lines back into what the analysis
// reports: Chromium's CorsError, Firefox's key, the URL, origin and failed
// parameter, and the rules that can produce them. The matching is built
// from the same message tables the analysis writes its lines from
// (messages.go), so a wording added there is recognised here.

// ConsoleMessage is one browser console line about a CORS failure, parsed.
type ConsoleMessage struct {
	Text    string `json:"text"`
	Browser string `json:"browser"` // "chromium" or "firefox"
	// Chromium is the CorsError the line stands for; Firefox the key of
	// Firefox's message table. A Chromium line also gets the Firefox key
	// of the same failure, and the other way round where it is unique.
	Chromium string `json:"chromium"`
	Firefox  string `json:"firefox"`
	// Kind is what made the request in a Chromium line: fetch,
	// XMLHttpRequest, script, font...
	Kind           string `json:"kind,omitempty"`
	URL            string `json:"url"`
	RedirectedFrom string `json:"redirectedFrom,omitempty"`
	Origin         string `json:"origin,omitempty"`
	// Value is the failed parameter: a header name, a method, the
	// Access-Control-Allow-Origin or -Credentials value, an address space.
	Value string `json:"value,omitempty"`
	// Method is the method a line names (Chromium's disallowed method).
	Method string `json:"method,omitempty"`
	// Header is the request header a line names.
	Header string `json:"header,omitempty"`
	// Status is the status code Firefox prints ("(null)" when none).
	Status string `json:"status,omitempty"`
	// Preflight: the line is about the preflight's response.
	Preflight bool `json:"preflight"`
}

// consoleTemplate is one wording a console line can have.
type consoleTemplate struct {
	chromium, firefox string
	preflight         bool
	re                *regexp.Regexp // the detail (Chromium) or the whole line (Firefox)
	value             string         // which submatch the {v} names: "value", "method", "header"
}

var (
	chromiumLineRE = regexp.MustCompile(`Access to (.+?) at '(.*?)' (?:\(redirected from '(.*?)'\) )?from origin '(.*?)' has been blocked by CORS policy: (.*)$`)
	firefoxLineRE  = regexp.MustCompile(`Cross-Origin Request (?:Blocked|Warning): The Same Origin Policy (?:disallows|will disallow) reading the remote resource at `)
)

// templateRE turns a message template into an anchored pattern: {v} and
// {s} match anything (lazily), {url} a URL, the rest literally.
func templateRE(t string, anchorEnd bool) *regexp.Regexp {
	var b strings.Builder
	named := map[string]bool{}
	b.WriteString("^")
	for t != "" {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(regexp.QuoteMeta(t))
			break
		}
		b.WriteString(regexp.QuoteMeta(t[:i]))
		t = t[i:]
		switch {
		case strings.HasPrefix(t, "{v}"):
			if named["v"] {
				b.WriteString("(.*?)")
			} else {
				b.WriteString("(?P<v>.*?)")
			}
			named["v"] = true
			t = t[3:]
		case strings.HasPrefix(t, "{s}"):
			b.WriteString("(?P<s>.*?)")
			t = t[3:]
		case strings.HasPrefix(t, "{url}"):
			b.WriteString("(?P<url>.*?)")
			t = t[5:]
		default:
			b.WriteString(regexp.QuoteMeta("{"))
			t = t[1:]
		}
	}
	if anchorEnd {
		// Hints Chromium appends, and trailing blanks, may follow.
		b.WriteString(`(?:\s.*)?$`)
	}
	return regexp.MustCompile(b.String())
}

// chromiumDetails lists Chromium's console details by CorsError, from the
// CorsError table (messages.go), and the older Private Network Access
// wordings the table no longer holds.
func chromiumDetails() []consoleTemplate {
	var out []consoleTemplate
	known := map[string]bool{}
	for _, info := range CorsErrors() {
		name := string(info.Error)
		known[name] = true
		out = append(out, consoleTemplate{chromium: name, preflight: info.Preflight, re: templateRE(info.Detail, true), value: valueKind(name)})
	}
	for _, t := range lnaDetails {
		if !known[t.chromium] {
			out = append(out, t)
		}
	}
	// Longest details first: a detail that is the prefix of another must
	// not win.
	sort.Slice(out, func(i, j int) bool {
		if a, b := len(out[i].re.String()), len(out[j].re.String()); a != b {
			return a > b
		}
		return out[i].chromium < out[j].chromium
	})
	return out
}

// lnaDetails are the Local (formerly Private) Network Access lines, which
// the analysis writes elsewhere (warn.go) or no longer reports.
var lnaDetails = []consoleTemplate{
	{chromium: "LocalNetworkAccessPermissionDenied", re: templateRE("Permission was denied for this request to access the `{v}` address space.", true), value: "value"},
	{chromium: "InsecureLocalNetwork", re: templateRE("The request client is not a secure context and the resource is in more-private address space `{v}`.", true), value: "value"},
	{chromium: "InvalidLocalNetworkAccess", re: templateRE("Request had a target IP address space of `{v}` yet the resource is in address space `{s}`.", true), value: "value"},
	{chromium: "PreflightMissingAllowPrivateNetwork", preflight: true, re: templateRE("No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this private network request targeting the `{v}` address space.", true), value: "value"},
	{chromium: "PreflightInvalidAllowPrivateNetwork", preflight: true, re: templateRE("The 'Access-Control-Allow-Private-Network' header in the preflight response has the value '{v}', which is not 'true'.", true), value: "value"},
}

func valueKind(corsError string) string {
	switch corsError {
	case "MethodDisallowedByPreflightResponse":
		return "method"
	case "HeaderDisallowedByPreflightResponse":
		return "header"
	}
	return "value"
}

// firefoxOlder are wordings of older Firefox releases, mapped to the key
// of today's message for the same failure.
var firefoxOlder = map[string]string{
	"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing).":                                             "CORSMissingAllowOrigin2",
	"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: CORS request did not succeed).":                                                                  "CORSDidNotSucceed2",
	"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: CORS preflight channel did not succeed).":                                                        "CORSPreflightDidNotSucceed3",
	"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: CORS preflight response did not succeed).":                                                       "CORSPreflightDidNotSucceed3",
	"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: missing token ‘{v}’ in CORS header ‘Access-Control-Allow-Headers’ from CORS preflight channel).": "CORSMissingAllowHeaderFromPreflight2",
	"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’).":                             "CORSMethodNotFound",
}

// firefoxWarnings are Firefox lines that do not block (yet), by key.
var firefoxWarnings = map[string]string{
	"CORSAllowHeaderFromPreflightDeprecation": "Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at {url} soon. (Reason: When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is not covered. To include the `Authorization` header, it must be explicitly listed in CORS header `Access-Control-Allow-Headers`).",
}

func firefoxLines() []consoleTemplate {
	var out []consoleTemplate
	add := func(key, t string) {
		value := "value"
		if key == "CORSMissingAllowHeaderFromPreflight2" {
			value = "header"
		}
		out = append(out, consoleTemplate{firefox: key, preflight: strings.Contains(t, "preflight"), re: templateRE(t, true), value: value})
	}
	for k, t := range firefoxTemplates {
		add(k, t)
	}
	for t, k := range firefoxOlder {
		add(k, t)
	}
	for k, t := range firefoxWarnings {
		add(k, t)
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := len(out[i].re.String()), len(out[j].re.String()); a != b {
			return a > b
		}
		return out[i].firefox < out[j].firefox
	})
	return out
}

var (
	chromiumConsole = chromiumDetails()
	firefoxConsole  = firefoxLines()
)

// ParseConsole reads one console line. It reports false for a line that is
// not a CORS message of either browser, so that a whole pasted console log
// can be fed line by line. Console prefixes (a timestamp, "Error:", the
// source location DevTools prints after the message) are tolerated.
func ParseConsole(line string) (ConsoleMessage, bool) {
	line = strings.TrimSpace(strings.TrimRight(line, "\r\n"))
	if i := strings.Index(line, "Access to "); i >= 0 && strings.Contains(line, "has been blocked by CORS policy") {
		return parseChromium(line[i:])
	}
	if loc := firefoxLineRE.FindStringIndex(line); loc != nil {
		return parseFirefox(line[loc[0]:])
	}
	return ConsoleMessage{}, false
}

func parseChromium(line string) (ConsoleMessage, bool) {
	m := chromiumLineRE.FindStringSubmatch(line)
	if m == nil {
		return ConsoleMessage{}, false
	}
	cm := ConsoleMessage{Text: line, Browser: "chromium", Kind: m[1], URL: m[2], RedirectedFrom: m[3], Origin: m[4]}
	detail := m[5]
	pre := strings.HasPrefix(detail, preflightPrefix)
	detail = strings.TrimPrefix(detail, preflightPrefix)
	for _, t := range chromiumConsole {
		if t.preflight != pre {
			continue
		}
		sub := t.re.FindStringSubmatch(detail)
		if sub == nil {
			continue
		}
		cm.Chromium = t.chromium
		cm.Preflight = pre || strings.Contains(t.chromium, "Preflight")
		setValue(&cm, t, t.re, sub)
		cm.Firefox = firefoxKeyFor(CorsError(t.chromium), 1)
		return cm, true
	}
	// A CORS line in a wording harcors does not know: still a CORS
	// message, with its URL and origin.
	cm.Preflight = pre
	return cm, true
}

func parseFirefox(line string) (ConsoleMessage, bool) {
	cm := ConsoleMessage{Text: line, Browser: "firefox"}
	for _, t := range firefoxConsole {
		sub := t.re.FindStringSubmatch(line)
		if sub == nil {
			continue
		}
		cm.Firefox = t.firefox
		cm.Preflight = t.preflight
		setValue(&cm, t, t.re, sub)
		cm.URL = strings.Trim(cm.URL, "‘’")
		cm.Chromium = chromiumFor(t.firefox, cm.Status)
		return cm, true
	}
	if i := strings.Index(line, " at "); i >= 0 {
		rest := line[i+4:]
		if j := strings.Index(rest, ". "); j >= 0 {
			cm.URL = strings.Trim(rest[:j], "‘’")
		}
	}
	return cm, true
}

func setValue(cm *ConsoleMessage, t consoleTemplate, re *regexp.Regexp, sub []string) {
	for i, name := range re.SubexpNames() {
		if i == 0 || sub[i] == "" {
			continue
		}
		switch name {
		case "v":
			if cm.Value == "" {
				cm.Value = sub[i]
			}
		case "s":
			cm.Status = sub[i]
		case "url":
			cm.URL = sub[i]
		}
	}
	switch t.value {
	case "method":
		cm.Method = cm.Value
	case "header":
		cm.Header = cm.Value
	}
}

// chromiumFor is the Chromium error for a Firefox key, where one is clear.
// Firefox's status code tells a preflight that failed outright from one
// without Access-Control-Allow-Origin only in part, so the guess stays a
// guess: the rules list decides.
func chromiumFor(key, status string) string {
	switch key {
	case "CORSMissingAllowOrigin2":
		return "MissingAllowOriginHeader"
	case "CORSMultipleAllowOriginNotAllowed":
		return "MultipleAllowOriginValues"
	case "CORSAllowOriginNotMatchingOrigin":
		return "AllowOriginMismatch"
	case "CORSNotSupportingCredentials":
		return "WildcardOriginNotAllowed"
	case "CORSMissingAllowCredentials":
		return "InvalidAllowCredentials"
	case "CORSPreflightDidNotSucceed3":
		return "PreflightInvalidStatus"
	case "CORSExternalRedirectNotAllowed":
		return "PreflightDisallowedRedirect"
	case "CORSInvalidAllowMethod":
		return "InvalidAllowMethodsPreflightResponse"
	case "CORSInvalidAllowHeader":
		return "InvalidAllowHeadersPreflightResponse"
	case "CORSMethodNotFound":
		return "MethodDisallowedByPreflightResponse"
	case "CORSMissingAllowHeaderFromPreflight2":
		return "HeaderDisallowedByPreflightResponse"
	case "CORSRequestNotHttp":
		return "CorsDisabledScheme"
	}
	return ""
}

// ConsoleRules returns the rules whose findings can carry the message's
// error, most likely first: the status Firefox prints, the value a line
// names and the origin decide between causes the browser words alike.
func ConsoleRules(m ConsoleMessage) []*Rule {
	var out []*Rule
	seen := map[string]bool{}
	add := func(r *Rule) {
		if r != nil && !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	for _, r := range Rules() {
		if r.Retired != "" {
			continue
		}
		switch {
		case m.Chromium != "" && m.Browser == "chromium" && containsErr(r.Chromium, m.Chromium):
			add(r)
		case m.Firefox != "" && m.Browser == "firefox" && containsStr(r.Firefox, m.Firefox):
			add(r)
		case m.Firefox != "" && m.Browser == "firefox" && m.Chromium != "" && containsErr(r.Chromium, m.Chromium):
			add(r)
		}
	}
	switch m.Firefox {
	case "CORSAllowHeaderFromPreflightDeprecation":
		add(LookupRule("CORS-P18"))
	case "CORSDidNotSucceed2":
		// The request failed below CORS, or after a preflight that
		// failed: the preflight rules come after.
		for _, id := range []string{"CORS-N01", "CORS-P19", "CORS-R03", "CORS-P01", "CORS-P02", "CORS-P03", "CORS-P05"} {
			add(LookupRule(id))
		}
	}
	if m.Chromium == "LocalNetworkAccessPermissionDenied" || m.Chromium == "InsecureLocalNetwork" || m.Chromium == "InvalidLocalNetworkAccess" {
		add(LookupRule("CORS-L04"))
	}
	rank := consoleRank(m)
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].ID) < rank(out[j].ID) })
	return out
}

// consoleRank orders candidate rules by what the line itself says.
func consoleRank(m ConsoleMessage) func(id string) int {
	status, _ := strconv.Atoi(m.Status)
	var first []string
	switch m.Chromium {
	case "MissingAllowOriginHeader":
		if status >= 400 {
			first = []string{"CORS-A02"}
		} else {
			first = []string{"CORS-A01"}
		}
		if m.Preflight || m.Firefox == "CORSMissingAllowOrigin2" && m.Browser == "firefox" && (status == 404 || status == 405 || status == 501) {
			first = append(first, "CORS-P01")
		}
	case "PreflightMissingAllowOriginHeader", "PreflightInvalidStatus":
		switch {
		case status == 401 || status == 403:
			first = []string{"CORS-P02", "CORS-P03"}
		case status >= 300 && status < 400:
			first = []string{"CORS-P04"}
		case status >= 400 && status != 404 && status != 405 && status != 501:
			first = []string{"CORS-P03", "CORS-P01"}
		case status >= 200 && status < 300:
			first = []string{"CORS-P05"}
		default:
			first = []string{"CORS-P01", "CORS-P02", "CORS-P05", "CORS-P03"}
		}
	case "AllowOriginMismatch", "PreflightAllowOriginMismatch":
		switch {
		case m.Origin == "null" || m.Value == "null":
			first = []string{"CORS-A09"}
		case m.Origin != "" && isNearMiss(m.Value, m.Origin):
			first = []string{"CORS-A04"}
		}
	case "WildcardOriginNotAllowed", "PreflightWildcardOriginNotAllowed":
		first = []string{"CORS-A07", "CORS-P09"}
	}
	if m.Browser == "firefox" && m.Firefox == "CORSMissingAllowOrigin2" {
		switch {
		case status == 404 || status == 405 || status == 501:
			first = append([]string{"CORS-P01"}, first...)
		case status == 401 || status == 403:
			first = append([]string{"CORS-P02"}, first...)
		}
	}
	return func(id string) int {
		for i, f := range first {
			if f == id {
				return i
			}
		}
		return len(first)
	}
}

func isNearMiss(value, origin string) bool {
	_, ok := nearMiss(value, origin)
	return ok
}

func containsErr(list []CorsError, s string) bool {
	for _, x := range list {
		if string(x) == s {
			return true
		}
	}
	return false
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
