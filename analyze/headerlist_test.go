package analyze_test

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// requestedSets are the requested headers the fixes are filled with: none
// (a preflight for the method alone), one that the templates' own lists
// hold in another case, one they do not, and several.
var requestedSets = [][]string{
	nil,
	{"content-type"},
	{"authorization"},
	{"authorization", "x-trace"},
	{"content-type", "x-api-key", "traceparent"},
}

var listPlaceholder = regexp.MustCompile(`\{headers:([a-z]+)(?::([^}]*))?\}`)

// templates lists every fix text of the catalogue with where it comes from.
func templates() map[string]string {
	out := map[string]string{}
	for _, r := range append(analyze.Rules(), analyze.RetiredRules()...) {
		out[r.ID+"/generic"] = r.Fix
		for s, f := range r.Fixes {
			out[fmt.Sprintf("%s/%v", r.ID, s)] = f
		}
	}
	return out
}

// TestFixHeaderLists renders every header list of every fix with each
// requested set and reads it back in its language's syntax: each name one
// item, the template's own names first, each name once (in any case), the
// requested names all there, the quotes balanced.
func TestFixHeaderLists(t *testing.T) {
	lists := 0
	for where, tmpl := range templates() {
		for _, m := range listPlaceholder.FindAllStringSubmatch(tmpl, -1) {
			lists++
			idiom, fixed := m[1], m[2]
			for _, req := range requestedSets {
				got := analyze.FillHeaders(m[0], req)
				items, err := parseList(idiom, got)
				if err != nil {
					t.Errorf("%s: %s with %q: %q: %v", where, m[0], req, got, err)
					continue
				}
				var want []string
				for _, it := range strings.Split(fixed, ",") {
					if it = strings.TrimSpace(it); it != "" && it != "..." && !strings.HasPrefix(it, "*") {
						want = append(want, it)
					}
				}
				for _, r := range req {
					if !slices.ContainsFunc(want, func(w string) bool { return strings.EqualFold(w, r) }) {
						want = append(want, r)
					}
				}
				var names []string
				for _, it := range items {
					if it.raw {
						continue
					}
					names = append(names, it.name)
				}
				if !slices.Equal(names, want) {
					t.Errorf("%s: %s with %q gives the names %q in %s, want %q", where, m[0], req, names, got, want)
				}
			}
		}
		// The whole text: no list placeholder left, none mangled.
		for _, req := range requestedSets {
			if out := analyze.FillHeaders(tmpl, req); strings.Contains(out, "{headers:") {
				t.Errorf("%s: placeholder left in %q", where, out)
			}
		}
	}
	if lists < 10 {
		t.Errorf("only %d header lists in the catalogue's fixes: the placeholder pattern is wrong", lists)
	}
}

// TestFixHeaderProseUnquoted: the prose placeholder {header} becomes
// "a, b", which is right in a sentence and wrong as an item of a list or
// in a quoted value; those must use {headers:IDIOM}.
func TestFixHeaderProseUnquoted(t *testing.T) {
	bad := regexp.MustCompile(`['"\[]\{header\}|\{header\}['"\]]|, \{header\}`)
	for where, tmpl := range templates() {
		if bad.MatchString(tmpl) {
			t.Errorf("%s: {header} in a list or quotes; use {headers:IDIOM}: %s", where, tmpl)
		}
	}
}

// TestFixHeaderValueQuoted: a value list sits in the template's quotes, or
// ends a header line, so that its commas stay inside one value.
func TestFixHeaderValueQuoted(t *testing.T) {
	for where, tmpl := range templates() {
		for _, loc := range listPlaceholder.FindAllStringSubmatchIndex(tmpl, -1) {
			if tmpl[loc[2]:loc[3]] != "value" {
				continue
			}
			before, after := tmpl[:loc[0]], tmpl[loc[1]:]
			switch {
			case strings.HasSuffix(before, `"`) && strings.HasPrefix(after, `"`),
				strings.HasSuffix(before, `'`) && strings.HasPrefix(after, `'`),
				strings.HasSuffix(before, "-Headers: "):
			default:
				t.Errorf("%s: value list not quoted: ...%s", where, tmpl[max(0, loc[0]-40):min(len(tmpl), loc[1]+10)])
			}
		}
	}
}

// TestFillHeadersHostileNames: names no browser sends (a doctored capture)
// cannot break out of a list's quotes.
func TestFillHeadersHostileNames(t *testing.T) {
	req := []string{"x-ok", `x"); rm -rf /`, "x'y", "", "a,b", "x-$host", "x%{H}e", "x-ok2"}
	for _, idiom := range []string{"js", "py", "pytuple", "go", "php", "value"} {
		got := analyze.FillHeaders("{headers:"+idiom+":Content-Type}", req)
		items, err := parseList(idiom, got)
		if err != nil {
			t.Errorf("%s: %q: %v", idiom, got, err)
			continue
		}
		var names []string
		for _, it := range items {
			names = append(names, it.name)
		}
		if want := []string{"Content-Type", "x-ok", "x-ok2"}; !slices.Equal(names, want) {
			t.Errorf("%s: %q gives %q, want %q", idiom, got, names, want)
		}
	}
}

// TestFillHeadersKeepsOthers: unknown idioms, unclosed placeholders and
// the other placeholders are left for the caller.
func TestFillHeadersKeepsOthers(t *testing.T) {
	for _, s := range []string{"", "no list", "{header} {origin}", "{headers:cobol}", "{headers:js", "a {headers:} b"} {
		if got := analyze.FillHeaders(s, []string{"x-a"}); got != s {
			t.Errorf("FillHeaders(%q) = %q", s, got)
		}
	}
	if got := analyze.FillHeaders("{headers:js} and {headers:value}", []string{"x-a"}); got != "['x-a'] and x-a" {
		t.Errorf("two lists: %q", got)
	}
}

type listItem struct {
	name string
	raw  bool // "..." or a splat, not a header name
}

// parseList reads a rendered list back in the syntax of its idiom. The Go
// idiom goes through go/parser; the others through a reader of their
// literal syntax restricted to what a header list holds.
func parseList(idiom, s string) ([]listItem, error) {
	switch idiom {
	case "go":
		e, err := parser.ParseExpr(s)
		if err != nil {
			return nil, err
		}
		lit, ok := e.(*ast.CompositeLit)
		if !ok {
			return nil, fmt.Errorf("not a composite literal")
		}
		if at, ok := lit.Type.(*ast.ArrayType); !ok || at.Len != nil || fmt.Sprint(at.Elt) != "string" {
			return nil, fmt.Errorf("not a []string")
		}
		var items []listItem
		for _, el := range lit.Elts {
			bl, ok := el.(*ast.BasicLit)
			if !ok || bl.Kind != token.STRING {
				return nil, fmt.Errorf("item %v is not a string", el)
			}
			v, err := strconv.Unquote(bl.Value)
			if err != nil {
				return nil, err
			}
			items = append(items, listItem{name: v})
		}
		return items, nil
	case "value":
		// A header value's list: comma-separated tokens, nothing quoted.
		if s == "" {
			return nil, nil
		}
		var items []listItem
		for _, it := range strings.Split(s, ", ") {
			if it == "" || strings.ContainsAny(it, ` ,'"`) {
				return nil, fmt.Errorf("bad item %q", it)
			}
			items = append(items, listItem{name: it})
		}
		return items, nil
	}
	open, close := "[", "]"
	if idiom == "pytuple" {
		open, close = "(", ")"
	}
	if !strings.HasPrefix(s, open) || !strings.HasSuffix(s, close) {
		return nil, fmt.Errorf("not in %s%s", open, close)
	}
	body := s[len(open) : len(s)-len(close)]
	var items []listItem
	trailingComma := false
	for body != "" {
		var it listItem
		switch {
		case body[0] == '\'':
			end := strings.IndexByte(body[1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unbalanced quote")
			}
			it.name = body[1 : 1+end]
			if it.name == "" {
				return nil, fmt.Errorf("empty item")
			}
			body = body[2+end:]
		case strings.HasPrefix(body, "..."):
			it = listItem{name: "...", raw: true}
			body = body[3:]
		case body[0] == '*' && (idiom == "py" || idiom == "pytuple"):
			end := strings.IndexByte(body, ',')
			if end < 0 {
				end = len(body)
			}
			it = listItem{name: body[:end], raw: true}
			body = body[end:]
		default:
			return nil, fmt.Errorf("unexpected %q", body)
		}
		items = append(items, it)
		trailingComma = false
		if body == "" {
			break
		}
		switch {
		case strings.HasPrefix(body, ", "):
			body = body[2:]
		case body == "," && idiom == "pytuple":
			body, trailingComma = "", true
		default:
			return nil, fmt.Errorf("no separator before %q", body)
		}
	}
	if idiom == "pytuple" && len(items) == 1 && !trailingComma {
		return nil, fmt.Errorf("one-item tuple without its comma")
	}
	return items, nil
}

var acrhValue = regexp.MustCompile(`("name": "Access-Control-Request-Headers",\s*"value": ")[^"]*"`)

// TestFixHeaderListsInFindings runs the analysis on every Chromium
// recording with a preflight that asked for headers, rewritten to ask for
// three (one of them content-type), and reads back each header list of
// each fix printed: the template's names, then the three, each once.
func TestFixHeaderListsInFindings(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "hars", "chromium", "*.har"))
	asked := []string{"content-type", "authorization", "x-trace"}
	checked := 0
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !acrhValue.Match(data) {
			continue
		}
		data = acrhValue.ReplaceAll(data, []byte(`${1}`+strings.Join(asked, ",")+`"`))
		res := analyze.Reader(path, bytes.NewReader(data), analyze.Options{}, har.Options{})
		if res.Err != nil {
			t.Errorf("%s: %v", path, res.Err)
			continue
		}
		for _, f := range res.Findings {
			tmpl := f.Rule.FixFor(f.Stack)
			from := 0
			for _, loc := range listPlaceholder.FindAllStringSubmatchIndex(tmpl, -1) {
				idiom, fixed := tmpl[loc[2]:loc[3]], ""
				if loc[4] >= 0 {
					fixed = tmpl[loc[4]:loc[5]]
				}
				list, next, ok := printedList(tmpl, loc[0], loc[1], f.Fix, from)
				from = next
				if !ok {
					t.Errorf("%s: %s/%v: cannot find the list of %s in %q", filepath.Base(path), f.Rule.ID, f.Stack, tmpl[loc[0]:loc[1]], f.Fix)
					continue
				}
				checked++
				items, err := parseList(idiom, list)
				if err != nil {
					t.Errorf("%s: %s/%v: %q: %v", filepath.Base(path), f.Rule.ID, f.Stack, list, err)
					continue
				}
				var want, got []string
				for _, it := range strings.Split(fixed, ",") {
					if it != "" && it != "..." && !strings.HasPrefix(it, "*") {
						want = append(want, it)
					}
				}
				for _, a := range asked {
					if !slices.ContainsFunc(want, func(w string) bool { return strings.EqualFold(w, a) }) {
						want = append(want, a)
					}
				}
				for _, it := range items {
					if !it.raw {
						got = append(got, it.name)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: %s/%v lists %q, want %q: %s", filepath.Base(path), f.Rule.ID, f.Stack, got, want, f.Fix)
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no header list in any fix of the rewritten recordings")
	}
	t.Logf("%d header lists read back", checked)
}

// printedList finds in fix, from offset from on, the text that the
// template's placeholder at [start, end) became, between the literal text
// around it; next is where the search for the following one starts.
func printedList(tmpl string, start, end int, fix string, from int) (list string, next int, ok bool) {
	before := tmpl[:start]
	if i := strings.LastIndexByte(before, '}'); i >= 0 {
		before = before[i+1:]
	}
	after := tmpl[end:]
	if i := strings.IndexByte(after, '{'); i >= 0 {
		after = after[:i]
	}
	if len(before) > 12 {
		before = before[len(before)-12:]
	}
	if len(after) > 12 {
		after = after[:12]
	}
	i := strings.Index(fix[from:], before)
	if i < 0 {
		return "", from, false
	}
	i += from + len(before)
	rest := fix[i:]
	j := strings.Index(rest, after)
	if after == "" {
		j = len(rest)
	}
	if j < 0 {
		return "", from, false
	}
	return rest[:j], i + j, true
}
