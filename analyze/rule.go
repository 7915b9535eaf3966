package analyze

import (
	"fmt"
	"strings"
)

// This file defines a rule and its severity; catalogue.go lists them.

// Severity says how much a finding matters.
type Severity int

const (
	// Info is worth knowing; nothing failed.
	Info Severity = iota
	// Warning does not block the request today but bites: a cache that can
	// serve the wrong origin, a preflight on every call, a cookie the
	// browser drops, a rule browsers are about to enforce.
	Warning
	// Error means the browser blocked (or, where the capture cannot say,
	// would block) the request.
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// ParseSeverity is the inverse of Severity.String.
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "info":
		return Info, nil
	case "warning":
		return Warning, nil
	case "error":
		return Error, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

// Rule is one entry of the catalogue. Its ID never changes meaning; a retired
// rule keeps its ID out of use. The same values feed the findings,
// `harcors -explain`, `harcors -rules` and the README's rule table.
type Rule struct {
	ID       string
	Title    string
	Severity Severity
	// Doc explains what the browser checks, what the capture shows and why
	// it happens, in a few sentences.
	Doc string
	// Chromium lists the CorsError values that this rule's findings carry;
	// a finding names the exact one.
	Chromium []CorsError
	// Firefox lists the Firefox console keys for the same failures.
	Firefox []string
	// Fix is the generic fix; Fixes holds stack-specific ones by Stack ID.
	Fix   string
	Fixes map[Stack]string
	// Ref points at the Fetch Standard section or the Chromium source the
	// rule mirrors.
	Ref string
	// Retired, when set, says why the rule is no longer reported. A
	// retired rule keeps its ID (configurations that --ignore it still
	// work) and its documentation, as staticcheck keeps retired checks.
	Retired string
}

// FixFor returns the fix for stack s, falling back to the generic one.
func (r *Rule) FixFor(s Stack) string {
	if f, ok := r.Fixes[s]; ok {
		return f
	}
	return r.Fix
}

// examples pairs each placeholder of a rule's text with the example value
// that fills it when no request is at hand (-explain, the README, SARIF
// rule help, a console message that does not say): fixes are mostly code,
// and code reads better with a concrete example than with "the header".
var examples = []string{"{origin}", "https://app.example.com", "{method}", "PUT",
	"{header}", "X-Custom-Header", "{path}", "/api/items", "{status}", "404",
	"{location}", "https://api.example.com/api/items/", "{value}", "VALUE"}

// genericWords fills every placeholder with its example.
var genericWords = strings.NewReplacer(examples...)

// ExampleValue returns the example that stands for placeholder ph (such
// as "{method}") in rule texts shown without a request, or "".
func ExampleValue(ph string) string {
	for i := 0; i+1 < len(examples); i += 2 {
		if examples[i] == ph {
			return examples[i+1]
		}
	}
	return ""
}

// FixText returns the fix for stack s (the generic one when the stack has
// none) with its placeholders in general words.
func (r *Rule) FixText(s Stack) string {
	return genericWords.Replace(FillHeaders(r.FixFor(s), genericHeaders))
}

// genericHeaders are the requested headers of FixText's examples.
var genericHeaders = []string{ExampleValue("{header}")}

// TitleText returns the title with its placeholders in general words.
func (r *Rule) TitleText() string { return genericWords.Replace(r.Title) }

// Rules returns the catalogue of rules harcors reports, ordered by ID.
func Rules() []*Rule { return catalogue }

// RetiredRules returns the rules no longer reported, whose IDs stay
// reserved and documented.
func RetiredRules() []*Rule { return retired }

// RulesNamed returns the rules that a name a user may have at hand points
// at: a rule ID (as LookupRule takes it), a Chromium CORS error as DevTools
// shows it ("PreflightMissingAllowOriginHeader"), or a Firefox console key
// as its MDN page's address spells it ("CORSMissingAllowOrigin"; Firefox's
// numbered variants, "CORSMissingAllowOrigin2", too). Case does not matter.
// One browser error can be several rules' (a preflight's 401 and 404 are
// both PreflightMissingAllowOriginHeader); the current rules come in
// catalogue order, and retired ones only by ID.
func RulesNamed(name string) []*Rule {
	if r := LookupRule(name); r != nil {
		return []*Rule{r}
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return nil
	}
	var out []*Rule
	for _, r := range catalogue {
		match := false
		for _, c := range r.Chromium {
			match = match || strings.EqualFold(string(c), name)
		}
		for _, k := range r.Firefox {
			match = match || strings.EqualFold(k, name) || strings.EqualFold(strings.TrimRight(k, "0123456789"), name)
		}
		if match {
			out = append(out, r)
		}
	}
	return out
}

// LookupRule returns the rule, current or retired, with the given ID, or
// nil. The ID is case-insensitive and its "CORS-" prefix may be left out:
// "W01", "p02" and "cors-a07" all name rules.
func LookupRule(id string) *Rule {
	id = strings.TrimSpace(id)
	if len(id) < len("CORS-") || !strings.EqualFold(id[:len("CORS-")], "CORS-") {
		id = "CORS-" + id
	}
	for _, list := range [][]*Rule{catalogue, retired} {
		for _, r := range list {
			if strings.EqualFold(r.ID, id) {
				return r
			}
		}
	}
	return nil
}
