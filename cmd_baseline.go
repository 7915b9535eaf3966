package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/internal/redact"
	"github.com/harcors/harcors/internal/textsafe"
)

// baselineSchema names the baseline file's shape. v2 fingerprints hold
// the offending value (analyze.Fingerprint); a v1 file is still read,
// with the fingerprints it was written with (analyze.FingerprintV1).
const (
	baselineSchema   = "harcors/baseline/v2"
	baselineSchemaV1 = "harcors/baseline/v1"
)

// baselineFile is what --write-baseline writes and --baseline reads: the
// accepted findings by fingerprint (see analyze.Fingerprint), with what
// the fingerprint is made of, for people reviewing the file.
type baselineFile struct {
	Schema   string          `json:"schema"`
	Findings []baselineEntry `json:"findings"`
}

type baselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	Origin      string `json:"origin"`
	Method      string `json:"method"`
	URL         string `json:"url"`             // server and path pattern
	Value       string `json:"value,omitempty"` // analyze.FingerprintValue, redacted
}

// baseline is a baseline file read: its fingerprints, and whether they
// are v1's.
type baseline struct {
	set map[string]bool
	v1  bool
}

// accepts reports whether the baseline holds f.
func (b *baseline) accepts(f *analyze.Finding) bool {
	if b.v1 {
		return b.set[analyze.FingerprintV1(f)]
	}
	return b.set[analyze.Fingerprint(f)]
}

// maxBaseline is the largest baseline file read: one of 100,000
// fingerprints takes about 25 MB, and it is read whole.
const maxBaseline = 64 << 20

// readBaseline reads a baseline file.
func readBaseline(path string) (*baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBaseline+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxBaseline {
		return nil, fmt.Errorf("%s: larger than 64 MiB, more than a baseline holds (harcors --write-baseline writes one)", path)
	}
	var b baselineFile
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("%s: not a harcors baseline: %s", path, jsonErrorAt(data, err))
	}
	if b.Schema != baselineSchema && b.Schema != baselineSchemaV1 {
		return nil, fmt.Errorf("%s: schema %q, want %q (written by harcors --write-baseline)", path, b.Schema, baselineSchema)
	}
	set := make(map[string]bool, len(b.Findings))
	for i, e := range b.Findings {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("%s: findings[%d] has no fingerprint", path, i)
		}
		set[e.Fingerprint] = true
	}
	return &baseline{set: set, v1: b.Schema == baselineSchemaV1}, nil
}

// jsonErrorAt says where in data, a baseline people edit and merge by
// hand, decoding it failed: line and column, and the field of a value of
// the wrong type, instead of encoding/json's Go types.
func jsonErrorAt(data []byte, err error) string {
	at := func(off int64) string {
		off = min(max(off, 0), int64(len(data)))
		line := 1 + bytes.Count(data[:off], []byte("\n"))
		col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
		return fmt.Sprintf("line %d, column %d (byte %d)", line, col, off)
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the byte that was wrong.
		return at(syn.Offset-1) + ": " + syn.Error()
	case errors.As(err, &typ):
		want := map[reflect.Kind]string{reflect.String: "a string", reflect.Slice: "an array", reflect.Struct: "an object"}[typ.Type.Kind()]
		if want == "" {
			want = article(typ.Type.Kind().String())
		}
		return fmt.Sprintf("%s: %s is %s, want %s", at(typ.Offset), typ.Field, article(typ.Value), want)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return at(int64(len(data))) + ": the file ends before its JSON does"
	}
	return err.Error()
}

// article puts "a" or "an" before a JSON type's name.
func article(kind string) string {
	if kind != "" && strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

// baselineWriter collects the findings of a run for --write-baseline. The
// analysis calls add from several goroutines.
type baselineWriter struct {
	mu      sync.Mutex
	entries map[string]baselineEntry
}

func (w *baselineWriter) add(f *analyze.Finding) {
	o, m, p := analyze.FingerprintParts(f)
	// The file is meant to be committed: what the fingerprint is made of
	// is written with secrets hidden as in every report (the fingerprint
	// itself folds tokens in the path to :id).
	var red redact.Redactor
	e := baselineEntry{Fingerprint: analyze.Fingerprint(f), Rule: f.Rule.ID, Origin: red.Text(o), Method: m, URL: red.URL(p), Value: red.Text(analyze.FingerprintValue(f))}
	w.mu.Lock()
	if w.entries == nil {
		w.entries = map[string]baselineEntry{}
	}
	w.entries[e.Fingerprint] = e
	w.mu.Unlock()
}

// write writes the baseline, sorted so that it diffs well, through a
// temporary file so that a failure leaves the old one.
func (w *baselineWriter) write(path string) error {
	b := baselineFile{Schema: baselineSchema, Findings: []baselineEntry{}}
	for _, e := range w.entries {
		b.Findings = append(b.Findings, e)
	}
	sort.Slice(b.Findings, func(i, j int) bool {
		x, y := b.Findings[i], b.Findings[j]
		if x.Rule != y.Rule {
			return x.Rule < y.Rule
		}
		if x.URL != y.URL {
			return x.URL < y.URL
		}
		if x.Method != y.Method {
			return x.Method < y.Method
		}
		return x.Origin < y.Origin
	})
	var data bytes.Buffer
	if err := textsafe.WriteJSON(&data, b); err != nil {
		return err
	}
	out, err := createOutput(path)
	if err != nil {
		return err
	}
	if _, err := out.Write(data.Bytes()); err != nil {
		out.discard()
		return err
	}
	return out.commit()
}

// urlIgnore is an --ignore value that names a host or a URL pattern.
type urlIgnore struct {
	host string         // a host (with or without port); "*.example.com" or ".example.com" for its subdomains too
	re   *regexp.Regexp // a URL pattern: * matches any run of characters
}

// parseIgnore sorts --ignore values into rule IDs and host or URL patterns.
// A value naming a rule ("CORS-P16", "P16") is a rule; a value with "://"
// or "*" or "/" is a URL pattern, matched against the whole URL (a pattern
// without a scheme matches from the host on); anything else is a host.
func parseIgnore(values []string) (rules map[string]bool, urls []urlIgnore, err error) {
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if r := analyze.LookupRule(v); r != nil {
			if rules == nil {
				rules = map[string]bool{}
			}
			rules[r.ID] = true
			continue
		}
		if strings.HasPrefix(strings.ToUpper(v), "CORS-") || shortRuleID.MatchString(v) {
			return nil, nil, fmt.Errorf("no rule %q (harcors --rules lists them)", v)
		}
		switch {
		case strings.HasPrefix(v, "*.") && !strings.ContainsAny(v[2:], "/*"):
			// A host's subdomains, not a URL pattern.
			urls = append(urls, urlIgnore{host: strings.ToLower(v)})
		case strings.Contains(v, "://") || strings.ContainsAny(v, "/*"):
			pat := v
			if !strings.Contains(pat, "://") {
				pat = "*://" + pat
			}
			var b strings.Builder
			b.WriteString("^")
			for i, part := range strings.Split(pat, "*") {
				if i > 0 {
					b.WriteString(".*")
				}
				b.WriteString(regexp.QuoteMeta(part))
			}
			// A pattern naming a path also matches its query string.
			b.WriteString(`(?:[?#].*)?$`)
			re, err := regexp.Compile("(?i)" + b.String())
			if err != nil {
				return nil, nil, fmt.Errorf("pattern %q: %v", v, err)
			}
			urls = append(urls, urlIgnore{re: re})
		default:
			if strings.ContainsAny(v, " \t?#@") {
				return nil, nil, fmt.Errorf("%q is neither a rule, a host nor a URL pattern", v)
			}
			urls = append(urls, urlIgnore{host: strings.ToLower(v)})
		}
	}
	return rules, urls, nil
}

// shortRuleID is a rule ID without its CORS- prefix ("W01"): a value of
// that shape that names no rule is a mistyped rule, not a host.
var shortRuleID = regexp.MustCompile(`^[A-Za-z][0-9]{1,3}$`)

// match reports whether the finding's URL is covered by the ignore value.
func (u urlIgnore) match(raw string) bool {
	if u.re != nil {
		return u.re.MatchString(raw)
	}
	p, err := url.Parse(raw)
	if err != nil || p.Host == "" {
		return false
	}
	host, hostPort := strings.ToLower(p.Hostname()), strings.ToLower(p.Host)
	if p.Port() == "" {
		// api.example.com:443 names https://api.example.com/ too.
		if port := analyze.DefaultPort(strings.ToLower(p.Scheme)); port != "" {
			hostPort = strings.ToLower(p.Host) + ":" + port
		}
	}
	switch {
	case strings.HasPrefix(u.host, "*."):
		d := u.host[1:]
		return strings.HasSuffix(host, d) || host == d[1:]
	case strings.HasPrefix(u.host, "."):
		return strings.HasSuffix(host, u.host) || host == u.host[1:]
	}
	return host == u.host || hostPort == u.host
}

// filterSettings turns --ignore, --baseline and --write-baseline into the
// analysis's Drop hook. accepted counts the findings the baseline
// accepted; bw, when set, collects what a baseline would hold.
type filterSettings struct {
	urls     []urlIgnore
	baseline *baseline
	bw       *baselineWriter
	mu       sync.Mutex
	accepted int
}

func (fs *filterSettings) drop(f *analyze.Finding) bool {
	for _, u := range fs.urls {
		if u.match(f.URL) {
			return true
		}
	}
	if fs.bw != nil {
		fs.bw.add(f)
	}
	if fs.baseline != nil && fs.baseline.accepts(f) {
		fs.mu.Lock()
		fs.accepted++
		fs.mu.Unlock()
		return true
	}
	return false
}

// active reports whether the hook has anything to do.
func (fs *filterSettings) active() bool {
	return len(fs.urls) > 0 || fs.baseline != nil || fs.bw != nil
}

// finish writes the baseline asked for and says what the baseline
// accepted; it returns the exit status.
func (fs *filterSettings) finish(o *options, code int, stderr io.Writer) int {
	if fs == nil {
		return code
	}
	if fs.baseline != nil && fs.accepted > 0 {
		complain(stderr, "harcors: %d findings accepted by the baseline %s", fs.accepted, o.baseline)
		if fs.baseline.v1 {
			complain(stderr, "harcors: %s is a v1 baseline: on a route it accepts, any header, method or origin value that fails is accepted too; harcors --write-baseline %s writes it as v2", o.baseline, o.baseline)
		}
	}
	if fs.bw != nil {
		if err := fs.bw.write(o.writeBaseline); err != nil {
			complain(stderr, "harcors: --write-baseline: %v", err)
			return exitTrouble
		}
		complain(stderr, "harcors: %d fingerprints written to %s", len(fs.bw.entries), o.writeBaseline)
		if code == exitFindings {
			code = exitOK
		}
	}
	return code
}
