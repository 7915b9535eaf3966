package analyze

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"hash/maphash"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// A server misconfigured once fails every request the same way: a capture
// of a single-page app whose API echoes the origin without Vary: Origin
// holds as many CORS-W01 findings as API calls. Reports say each distinct
// problem once, with where it happened, so findings are folded into groups
// of findings that need the same fix.
//
// The group key is:
//   - the rule;
//   - the server origin of the request (scheme, host, port): one server's
//     configuration is one fix;
//   - the cause and the fix text, with every URL in them reduced to its
//     origin, the request's path taken out, and the numbers of the cause
//     (counts, times) set aside, so that the path, the query and the entry
//     do not split a group, while what the fix is about does (the header
//     not allowed, the method, the origin missing from an allowlist, the
//     status text, the server stack).
//
// The path does not split a group: the routes of one server share its CORS
// layer, and a fix written once applies to all of them. A group lists its
// path patterns (numeric, hex and UUID-like segments folded to :id), its
// methods and its page origins instead.

// Group is a set of findings that need the same fix.
type Group struct {
	// Key identifies the group: the same problem in another capture (or in
	// the same capture after a change) has the same key. It is a short
	// hash of the rule, the server and the normalised cause and fix.
	Key      string
	Rule     *Rule
	Severity Severity
	// Chromium and Firefox are the browser error names of the group's
	// first finding; Cause, Fix and Stack its cause, fix and stack.
	Chromium, Firefox string
	Cause, Fix        string
	Stack             Stack
	// Server is the scheme, host and port the requests went to.
	Server string
	// Patterns are the path patterns of the requests, in order of their
	// first entry, at most GroupPatterns; MorePatterns counts the others
	// (exactly up to groupDistinct patterns in all, at least that many
	// past it).
	Patterns     []string
	MorePatterns int
	// Methods and Origins are the requests' methods and page origins, in
	// order of first entry, at most GroupPatterns each.
	Methods []string
	Origins []string
	// Requests counts the requests (exchanges) in the group; Findings the
	// findings folded into it (a request counts once per group).
	Requests int
	Findings int
	// Entries are the smallest entry indices of the group's requests,
	// ascending, at most GroupEntries; Affected describes the same
	// requests, in the same order.
	Entries  []int
	Affected []Affected
	// Sample is the finding of the group's first entry, with its entries,
	// for renderers that show headers or a diagram.
	Sample *Finding
}

// Affected is one request of a group, for reports that list where a
// problem happened (the requests of the Markdown details, the related
// locations of a SARIF result) without keeping every finding.
type Affected struct {
	Entry  int
	Line   int
	Method string
	URL    string
	// Status is the status of the response that failed the check; 0 when
	// there was none. AtPreflight: it is the preflight's (see Finding).
	Status      int
	AtPreflight bool
}

// groupState is a group being built.
type groupState struct {
	*Group
	patternAt []int // first entry of each pattern, methodAt and originAt likewise
	methodAt  []int
	originAt  []int
	lastExch  int // exchange counter of the last fold, to count requests once
	// distinct holds the hashes of the patterns seen, up to groupDistinct.
	distinct map[uint64]struct{}
}

// groupDistinct bounds the patterns a group counts one by one.
const groupDistinct = 4096

// GroupEntries is how many entry indices a group keeps.
const GroupEntries = 20

// GroupPatterns is how many path patterns, methods and origins a group keeps.
const GroupPatterns = 8

// sink takes the findings of exchanges once they are decided: folds them
// into groups, notes each request's worst severity, and keeps the findings
// that Options.Keep asks for.
type sink struct {
	gp     grouper
	worst  entrySeverities // each request's findings' severities
	kept   chunks[Finding]
	keep   Keep
	ignore map[string]bool
	drop   func(*Finding) bool // Options.Drop
	texts  map[string]string   // interned texts of kept findings
	// dropped counts the findings Options.Ignore and Options.Drop took.
	dropped int
}

// entrySeverities notes the severity of each finding by the entry of its
// request, to count the requests by their worst finding. A map by entry
// grew with every request that had a finding, and its lookups (misses in
// a table of hundreds of thousands) took 3% of a capture where 400,000
// requests fail; the notes come in about entry order, so they are
// appended, and a request's worst is found once, at the end.
type entrySeverities struct {
	notes  []entrySeverity
	sorted bool // notes are in entry order (kept while appending)
}

type entrySeverity struct {
	entry int
	sev   Severity
}

func (w *entrySeverities) add(entry int, sev Severity) {
	if len(w.notes) == 0 {
		w.sorted = true
	} else if entry < w.notes[len(w.notes)-1].entry {
		w.sorted = false
	}
	w.notes = append(w.notes, entrySeverity{entry, sev})
}

func (w *entrySeverities) merge(o *entrySeverities) {
	for _, n := range o.notes {
		w.add(n.entry, n.sev)
	}
}

// count counts the requests by the severity of their worst finding.
func (w *entrySeverities) count(into *[numSeverities]int) {
	if !w.sorted {
		slices.SortStableFunc(w.notes, func(a, b entrySeverity) int { return cmp.Compare(a.entry, b.entry) })
		w.sorted = true
	}
	for i := 0; i < len(w.notes); {
		worst, j := w.notes[i].sev, i+1
		for ; j < len(w.notes) && w.notes[j].entry == w.notes[i].entry; j++ {
			worst = max(worst, w.notes[j].sev)
		}
		into[worst]++
		i = j
	}
}

// add takes the findings of one exchange. It may reorder and overwrite fs.
func (s *sink) add(fs []Finding) {
	n := 0
	for i := range fs {
		if !s.ignore[fs[i].Rule.ID] && (s.drop == nil || !s.drop(&fs[i])) {
			fs[n] = fs[i]
			n++
		}
	}
	s.dropped += len(fs) - n
	fs = fs[:n]
	if n == 0 {
		return
	}
	s.gp.fold(fs)
	for i := range fs {
		s.worst.add(fs[i].Entry, fs[i].Severity)
	}
	switch s.keep {
	case KeepAll:
		for i := range fs {
			s.kept.add(&fs[i])
		}
	case KeepLight:
		for _, f := range fs {
			asked(&f)
			f.Request, f.PreflightEntry = nil, nil
			// The findings of one problem repeat their texts: one copy
			// each is kept.
			f.Cause, f.Fix, f.Message = s.intern(f.Cause), s.intern(f.Fix), s.intern(f.Message)
			f.FirefoxMessage, f.CredentialsBasis = s.intern(f.FirefoxMessage), s.intern(f.CredentialsBasis)
			f.Origin, f.Value, f.Method = s.intern(f.Origin), s.intern(f.Value), s.intern(f.Method)
			s.kept.add(&f)
		}
	}
}

// internMax bounds the texts a sink interns.
const internMax = 1 << 16

// intern returns the copy of t kept before, if any.
func (s *sink) intern(t string) string {
	if u, ok := s.texts[t]; ok {
		return u
	}
	if len(s.texts) < internMax {
		if s.texts == nil {
			s.texts = map[string]string{}
		}
		s.texts[t] = t
	}
	return t
}

// merge takes what o holds.
func (s *sink) merge(o *sink) {
	s.gp.merge(&o.gp)
	s.worst.merge(&o.worst)
	s.dropped += o.dropped
	if s.keep == KeepLight {
		for _, c := range o.kept.chunks {
			for i := range c {
				f := &c[i]
				f.Cause, f.Fix, f.Message = s.intern(f.Cause), s.intern(f.Fix), s.intern(f.Message)
			}
		}
	}
	s.kept.take(&o.kept)
}

// grouper folds findings into groups as exchanges are decided.
type grouper struct {
	byKey map[string]*groupState
	// exch numbers the folds, one per exchange.
	exch int
	// patterns caches PathPattern by path, texts keyText by text.
	patterns map[string]string
	texts    map[string]string
}

// fold adds the findings of one exchange, and sets their Group.
func (gp *grouper) fold(fs []Finding) {
	gp.exch++
	for i := range fs {
		fs[i].Group = gp.add(&fs[i])
	}
}

// add folds f into its group and returns the group's key.
func (gp *grouper) add(f *Finding) string {
	if gp.byKey == nil {
		gp.byKey = map[string]*groupState{}
	}
	server, path := serverAndPath(f.URL)
	k := gp.groupKey(f, server, path)
	g := gp.byKey[k]
	if g == nil {
		g = &groupState{Group: &Group{Key: shortKey(k), Rule: f.Rule, Server: server, Severity: f.Severity}}
		gp.byKey[k] = g
	}
	g.Findings++
	if g.lastExch != gp.exch {
		g.lastExch = gp.exch
		g.Requests++
	}
	g.sample(f)
	g.Affected = insertAffected(g.Affected, Affected{Entry: f.Entry, Line: f.Line, Method: f.Method, URL: f.URL, Status: f.Status, AtPreflight: f.AtPreflight})
	p := gp.pattern(path)
	g.Patterns, g.patternAt = noteFirst(g.Patterns, g.patternAt, p, f.Entry)
	g.count(maphash.String(patternSeed, p))
	g.Methods, g.methodAt = noteFirst(g.Methods, g.methodAt, f.Method, f.Entry)
	g.Origins, g.originAt = noteFirst(g.Origins, g.originAt, f.Origin, f.Entry)
	return g.Key
}

// sample makes f the group's sample when it comes first, and keeps the
// group's severity the highest of its findings'.
func (g *groupState) sample(f *Finding) {
	if g.Sample == nil || f.Entry < g.Sample.Entry || (f.Entry == g.Sample.Entry && f.Severity > g.Sample.Severity) {
		s := *f
		g.Sample = &s
		g.Chromium, g.Firefox = string(f.Chromium), f.Firefox
		g.Cause, g.Fix, g.Stack = f.Cause, f.Fix, f.Stack
	}
	g.Severity = max(g.Severity, f.Severity)
}

// count counts a distinct pattern by its hash.
func (g *groupState) count(h uint64) {
	if len(g.distinct) < groupDistinct {
		if g.distinct == nil {
			g.distinct = map[uint64]struct{}{}
		}
		g.distinct[h] = struct{}{}
	}
	g.MorePatterns = len(g.distinct) - len(g.Patterns)
}

// merge takes o's groups: their requests are not among gp's.
func (gp *grouper) merge(o *grouper) {
	if gp.byKey == nil {
		gp.byKey = map[string]*groupState{}
	}
	for k, og := range o.byKey {
		og.lastExch = -1
		g := gp.byKey[k]
		if g == nil {
			gp.byKey[k] = og
			continue
		}
		g.Findings += og.Findings
		g.Requests += og.Requests
		g.sample(og.Sample)
		g.Severity = max(g.Severity, og.Severity)
		for _, a := range og.Affected {
			g.Affected = insertAffected(g.Affected, a)
		}
		for i, p := range og.Patterns {
			g.Patterns, g.patternAt = noteFirst(g.Patterns, g.patternAt, p, og.patternAt[i])
		}
		for h := range og.distinct {
			g.count(h)
		}
		for i, m := range og.Methods {
			g.Methods, g.methodAt = noteFirst(g.Methods, g.methodAt, m, og.methodAt[i])
		}
		for i, o := range og.Origins {
			g.Origins, g.originAt = noteFirst(g.Origins, g.originAt, o, og.originAt[i])
		}
		g.MorePatterns = len(g.distinct) - len(g.Patterns)
	}
}

// groups returns the groups: errors first, then warnings, then info; within
// a severity the most requests first, then by first entry. The order does
// not depend on the order findings were folded in, so streamed and whole
// analyses give the same report.
func (gp *grouper) groups() []*Group {
	out := make([]*Group, 0, len(gp.byKey))
	for _, g := range gp.byKey {
		// Entries are the Affected's: the list is kept once, as it is
		// built, and given both ways.
		g.Entries = g.Entries[:0]
		for _, a := range g.Affected {
			g.Entries = append(g.Entries, a.Entry)
		}
		out = append(out, g.Group)
	}
	slices.SortFunc(out, func(a, b *Group) int {
		switch {
		case a.Severity != b.Severity:
			return int(b.Severity) - int(a.Severity)
		case a.Requests != b.Requests:
			return b.Requests - a.Requests
		case a.Entries[0] != b.Entries[0]:
			return a.Entries[0] - b.Entries[0]
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

// insertAffected inserts a into as, ascending by entry, keeping the
// GroupEntries smallest; an entry already there is not added twice.
func insertAffected(as []Affected, a Affected) []Affected {
	i, found := slices.BinarySearchFunc(as, a.Entry, func(x Affected, e int) int { return x.Entry - e })
	if found || i >= GroupEntries {
		return as
	}
	as = slices.Insert(as, i, a)
	if len(as) > GroupEntries {
		as = as[:GroupEntries]
	}
	return as
}

var patternSeed = maphash.MakeSeed()

// pattern is PathPattern(path), from a small cache: the requests of a
// group mostly repeat a few paths, and folding a path costs a few regexp
// matches a segment.
func (gp *grouper) pattern(path string) string {
	if p, ok := gp.patterns[path]; ok {
		return p
	}
	p := PathPattern(path)
	if gp.patterns == nil || len(gp.patterns) >= 4096 {
		gp.patterns = map[string]string{}
	}
	gp.patterns[strings.Clone(path)] = p
	return p
}

// noteFirst records value v first seen at entry e in the list vs (with
// first entries at), keeping the GroupPatterns values seen first.
func noteFirst(vs []string, at []int, v string, e int) ([]string, []int) {
	if v == "" {
		return vs, at
	}
	if i := slices.Index(vs, v); i >= 0 {
		if e < at[i] {
			at[i] = e
			vs, at = resort(vs, at)
		}
		return vs, at
	}
	if len(vs) < GroupPatterns {
		return resort(append(vs, v), append(at, e))
	}
	last := len(vs) - 1
	if e < at[last] {
		vs[last], at[last] = v, e
		vs, at = resort(vs, at)
	}
	return vs, at
}

// resort keeps vs ordered by first entry (insertion sort: the lists are
// short and nearly sorted).
func resort(vs []string, at []int) ([]string, []int) {
	for i := 1; i < len(at); i++ {
		for j := i; j > 0 && at[j] < at[j-1]; j-- {
			at[j], at[j-1] = at[j-1], at[j]
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
	return vs, at
}

// writeNoDigits writes s with every run of digits as one N.
func writeNoDigits(b *strings.Builder, s string) {
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			if !in {
				b.WriteByte('N')
			}
			in = true
			continue
		}
		in = false
		b.WriteByte(c)
	}
}

// schemeByte reports whether c may be part of a URL scheme.
func schemeByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-'
}

// urlEnd reports whether c ends a URL quoted in a text.
func urlEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\'', '"', '<', '>', '(', ')':
		return true
	}
	return false
}

// reduceURLs writes s with every URL in it (scheme://...) reduced to its
// origin. A hand-written scan: every finding's cause and fix go through
// it, and a regexp took a tenth of the analysis of a capture with 45,000
// findings.
func reduceURLs(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.Index(s[i:], "://")
		if j < 0 {
			break
		}
		j += i
		start := j
		for start > last && schemeByte(s[start-1]) {
			start--
		}
		// A scheme starts with a letter.
		for start < j && !(s[start] >= 'a' && s[start] <= 'z' || s[start] >= 'A' && s[start] <= 'Z') {
			start++
		}
		end := j + 3
		for end < len(s) && !urlEnd(s[end]) {
			end++
		}
		if start == j {
			i = j + 3
			continue
		}
		server, _ := serverAndPath(s[start:end])
		b.WriteString(s[last:start])
		b.WriteString(server)
		last, i = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// groupKey is the full key of f's group; server and path are f.URL's.
func (gp *grouper) groupKey(f *Finding, server, path string) string {
	var b strings.Builder
	b.WriteString(f.Rule.ID)
	b.WriteByte(0)
	b.WriteString(server)
	b.WriteByte(0)
	b.WriteString(gp.keyText(f.Cause, path, true))
	b.WriteByte(0)
	b.WriteString(gp.keyText(f.Fix, path, false))
	return b.String()
}

// keyTextCache bounds the texts a grouper remembers the key text of.
const keyTextCache = 4096

// keyText is the text s as a group key sees it (see the group key above):
// URLs reduced to their origin, the request's path taken out and, in a
// cause (noDigits), numbers set aside. A problem's findings repeat the same
// texts, so those that do not name the path are worked out once.
func (gp *grouper) keyText(s, path string, noDigits bool) string {
	named := len(path) > 1 && strings.Contains(s, path)
	if !named {
		if k, ok := gp.texts[s]; ok {
			return k
		}
	}
	k := keyText(s, path)
	if noDigits {
		var b strings.Builder
		b.Grow(len(k))
		writeNoDigits(&b, k)
		k = b.String()
	}
	if !named {
		if gp.texts == nil || len(gp.texts) >= keyTextCache {
			gp.texts = map[string]string{}
		}
		gp.texts[s] = k
	}
	return k
}

// keyText reduces every URL in s to its origin, and takes out the request's
// own path (fixes name the location that serves it).
func keyText(s, path string) string {
	if strings.Contains(s, "://") {
		s = reduceURLs(s)
	}
	if len(path) > 1 && strings.Contains(s, path) {
		s = strings.ReplaceAll(s, path, "{path}")
	}
	return s
}

func shortKey(k string) string {
	sum := sha256.Sum256([]byte(k))
	return hex.EncodeToString(sum[:6])
}

// serverAndPath splits a URL into its origin (scheme://host[:port]) and
// its path. A URL that does not parse is its own server.
func serverAndPath(raw string) (server, path string) {
	// Most URLs are plain http(s) ones: split them by hand, which costs a
	// tenth of url.Parse, and leave the others to it.
	for _, scheme := range [...]string{"https://", "http://"} {
		if !strings.HasPrefix(raw, scheme) {
			continue
		}
		rest := raw[len(scheme):]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		host := rest[:end]
		if host == "" || strings.ContainsAny(host, "@%[\\ ") || hasUpper(host) {
			break
		}
		p := rest[end:]
		if i := strings.IndexAny(p, "?#"); i >= 0 {
			p = p[:i]
		}
		if !plainPath(p) {
			break
		}
		return raw[:len(scheme)+end], p
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			raw = raw[:i]
		}
		// A URL that does not parse (a '|' in its path, a bad escape)
		// still has its origin before the first slash after "://".
		if i := strings.Index(raw, "://"); i > 0 {
			if j := strings.IndexByte(raw[i+3:], '/'); j >= 0 {
				return strings.ToLower(raw[:i+3+j]), raw[i+3+j:]
			}
		}
		return raw, ""
	}
	// Fixes quote the path as the URL has it.
	path = u.EscapedPath()
	if u.RawPath == "" && u.Path != path {
		path = u.Path
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host), path
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// plainPath reports whether url.Parse gives p back unchanged as the path:
// printable ASCII without a percent escape or a character it would escape.
func plainPath(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c <= ' ' || c >= 0x7f || c == '%' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}' {
			return false
		}
	}
	return true
}

// PathPattern folds the segments of a URL path that name one item (numbers,
// hex strings, UUIDs, long random-looking slugs, tokens) to ":id", so that
// /api/users/42/orders and /api/users/7/orders are one endpoint.
func PathPattern(path string) string {
	if path == "" {
		return "/"
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if IDSegment(s) {
			segs[i] = ":id"
		}
	}
	return strings.Join(segs, "/")
}

// IDSegment reports whether a path segment is an identifier rather than
// part of the route: a number, a UUID, a long hex string (object ids,
// hashes), a JSON Web Token or a Telegram bot token, or a long opaque
// token with digits that does not read as words.
func IDSegment(s string) bool {
	if s == "" {
		return false
	}
	if numIDRE.MatchString(s) || uuidRE.MatchString(s) || hexIDRE.MatchString(s) || jwtIDRE.MatchString(s) || botIDRE.MatchString(s) {
		return true
	}
	return opaqueRE.MatchString(s) && strings.ContainsAny(s, "0123456789") && !isSlug(s)
}

var (
	uuidRE   = regexp.MustCompile(`^(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$`)
	hexIDRE  = regexp.MustCompile(`^(?i)[0-9a-f]{16,}$`)
	numIDRE  = regexp.MustCompile(`^[0-9]+$`)
	opaqueRE = regexp.MustCompile(`^[A-Za-z0-9_-]{20,}$`)
	// jwtIDRE is a token in the path (a JSON Web Token: base64url parts
	// joined by dots). It is a secret that changes from one capture to
	// the next: a fingerprint that kept it would hold the secret and
	// break with every new token.
	jwtIDRE = regexp.MustCompile(`^eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]*)+$`)
	// botIDRE is a Telegram bot's token (bot<id>:<secret>), which the
	// Bot API takes in the path; a secret, as a JWT is.
	botIDRE = regexp.MustCompile(`^bot[0-9]{5,}:[A-Za-z0-9_-]{30,}$`)
)

// isSlug reports whether a segment reads as words ("preflight-redirect-308",
// "user_settings_v2"): two or more all-letter parts of three letters or more.
// Such segments name routes, not records, and must not be folded into :id.
func isSlug(s string) bool {
	words := 0
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' }) {
		if len(part) < 3 {
			continue
		}
		letters := true
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				letters = false
				break
			}
		}
		if letters {
			words++
		}
	}
	return words >= 2
}
