package analyze

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/harcors/harcors/har"
)

// TestGroupKey checks the grouping both ways: repeats of one problem merge
// whatever their path, query and entry; problems that need different fixes
// stay apart.
func TestGroupKey(t *testing.T) {
	p16 := func(entry int, url, header string) Finding {
		return Finding{Rule: ruleP16, Severity: Error, Entry: entry, URL: url, Method: "PUT", Origin: "http://localhost:3000",
			Cause: fmt.Sprintf("The page sends %s; the preflight allows content-type.", header),
			Fix:   fmt.Sprintf("Add %s to the allowed headers of %s.", header, url)}
	}
	w01 := func(entry int, url string) Finding {
		return Finding{Rule: ruleW01, Severity: Warning, Entry: entry, URL: url, Method: "GET", Origin: "http://localhost:3000",
			Cause: "The response echoes http://localhost:3000 without Vary: Origin.", Fix: "Add Vary: Origin."}
	}
	var gp grouper
	for _, f := range []Finding{
		p16(9, "https://api.example.com/users/42?x=1", "x-token"),
		p16(3, "https://api.example.com/users/7", "x-token"),
		p16(5, "https://api.example.com/orders/1f9a2b3c4d5e6f70", "x-token"),
		p16(4, "https://api.example.com/users/8", "x-trace"),   // another header: another fix
		p16(6, "https://other.example.com/users/8", "x-token"), // another server
		w01(7, "https://api.example.com/users/8"),              // another rule
	} {
		gp.fold([]Finding{f})
	}
	// A fix that names the request's path and a cause that counts merge.
	a01 := func(entry int, path string, n int) Finding {
		return Finding{Rule: ruleA01, Severity: Error, Entry: entry, URL: "https://legacy.example.org" + path + "?ts=1", Method: "GET",
			Cause: fmt.Sprintf("%d preflights cost %d ms.", n, 10*n), Fix: "Add the header in the location that serves " + path + "."}
	}
	gp.fold([]Finding{a01(20, "/api/v1/status/1168", 2)})
	gp.fold([]Finding{a01(21, "/api/v1/status/4617", 3)})
	// Two findings of one exchange count one request.
	gp.fold([]Finding{w01(8, "https://api.example.com/a"), w01(8, "https://api.example.com/a")})

	type sum struct {
		Rule     string
		Server   string
		Requests int
		Findings int
		Entries  []int
		Patterns []string
		Sample   int
	}
	var got []sum
	for _, g := range gp.groups() {
		got = append(got, sum{g.Rule.ID, g.Server, g.Requests, g.Findings, g.Entries, g.Patterns, g.Sample.Entry})
	}
	want := []sum{
		{"CORS-P16", "https://api.example.com", 3, 3, []int{3, 5, 9}, []string{"/users/:id", "/orders/:id"}, 3},
		{"CORS-A01", "https://legacy.example.org", 2, 2, []int{20, 21}, []string{"/api/v1/status/:id"}, 20},
		{"CORS-P16", "https://api.example.com", 1, 1, []int{4}, []string{"/users/:id"}, 4},
		{"CORS-P16", "https://other.example.com", 1, 1, []int{6}, []string{"/users/:id"}, 6},
		{"CORS-W01", "https://api.example.com", 2, 3, []int{7, 8}, []string{"/users/:id", "/a"}, 7},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("groups (-want +got):\n%s", d)
	}
}

// TestGroupBounds checks that a group keeps at most GroupEntries entries
// and GroupPatterns patterns, the smallest and the first seen, whatever the
// order findings come in.
func TestGroupBounds(t *testing.T) {
	var gp grouper
	for i := 999; i >= 0; i-- {
		gp.fold([]Finding{{Rule: ruleW01, Severity: Warning, Entry: i, URL: fmt.Sprintf("https://api.example.com/r%d/x", i), Cause: "c", Fix: "f"}})
	}
	gs := gp.groups()
	if len(gs) != 1 {
		t.Fatalf("%d groups, want 1", len(gs))
	}
	g := gs[0]
	if g.Requests != 1000 || len(g.Entries) != GroupEntries || g.Entries[0] != 0 || g.Entries[GroupEntries-1] != GroupEntries-1 {
		t.Errorf("requests %d, entries %v", g.Requests, g.Entries)
	}
	if len(g.Affected) != len(g.Entries) {
		t.Fatalf("%d affected requests for %d entries", len(g.Affected), len(g.Entries))
	}
	for i, a := range g.Affected {
		if a.Entry != g.Entries[i] || a.URL != fmt.Sprintf("https://api.example.com/r%d/x", a.Entry) {
			t.Errorf("affected %d is entry %d %s; entries %v", i, a.Entry, a.URL, g.Entries)
		}
	}
	if len(g.Patterns) != GroupPatterns || g.Patterns[0] != "/r0/x" || g.MorePatterns != 1000-GroupPatterns {
		t.Errorf("patterns %v (+%d)", g.Patterns, g.MorePatterns)
	}
}

// TestReduceURLs checks the scan that reduces URLs in a text to their
// origins against the regular expression it replaced.
func TestReduceURLs(t *testing.T) {
	re := regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'"<>()]+`)
	for _, s := range []string{
		"",
		"no url here",
		"GET https://api.example.com/v1/users/42?x=1, or it runs and does not allow http://localhost:3000.",
		"(https://a.example/x) 'http://B.example:8080/y' \"ws://c/z\" <https://d/>",
		"://bare and x://y and 1http://z/w",
		"https://api.example.com",
		"two https://a/1 https://a/2",
		"tab\thttps://x.test/a\tafter",
	} {
		want := re.ReplaceAllStringFunc(s, func(u string) string {
			server, _ := serverAndPath(u)
			return server
		})
		if got := reduceURLs(s); got != want {
			t.Errorf("reduceURLs(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestServerAndPath: a URL that does not parse still has its origin.
func TestServerAndPath(t *testing.T) {
	for _, c := range []struct{ url, server, path string }{
		{"https://API.example.com:8443/v1/x?y=1#z", "https://api.example.com:8443", "/v1/x"},
		{"https://api.evil.test/a|b/%zz?q=1", "https://api.evil.test", "/a|b/%zz"},
		{"not a url", "not a url", ""},
		{"https://host.test", "https://host.test", ""},
	} {
		if s, p := serverAndPath(c.url); s != c.server || p != c.path {
			t.Errorf("serverAndPath(%q) = %q, %q; want %q, %q", c.url, s, p, c.server, c.path)
		}
	}
}

// TestServerAndPathFast: the hand split of plain http(s) URLs gives what
// url.Parse gives, on every URL of the fixtures.
func TestServerAndPathFast(t *testing.T) {
	slow := func(raw string) (string, string) {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return "", ""
		}
		path := u.EscapedPath()
		if u.RawPath == "" && u.Path != path {
			path = u.Path
		}
		return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host), path
	}
	urls := []string{"https://a.example/x/y?z#w", "http://127.0.0.1:8080", "https://a.example/%7Euser/", "https://A.example/X", "https://u:p@a.example/x", "https://a.example/a|b", "https://[::1]:8443/x", "http://a.example?x", "https://a.example/é"}
	for _, path := range streamFiles(t) {
		res := File(path, Options{}, har.Options{})
		for _, f := range res.Findings {
			urls = append(urls, f.URL)
		}
	}
	for _, u := range urls {
		ws, wp := slow(u)
		if ws == "" {
			continue
		}
		if gs, gp := serverAndPath(u); gs != ws || gp != wp {
			t.Errorf("serverAndPath(%q) = %q, %q; url.Parse gives %q, %q", u, gs, gp, ws, wp)
		}
	}
}

// TestFindingChunks: kept findings come back in the order they were added,
// across chunks and after a sink's chunks are taken while the last chunk
// is partly filled.
func TestFindingChunks(t *testing.T) {
	var a, b chunks[Finding]
	n := 0
	add := func(c *chunks[Finding], k int) {
		for range k {
			c.add(&Finding{Entry: n})
			n++
		}
	}
	add(&a, 3*firstChunk+5) // the last chunk partly filled
	bFirst := n
	add(&b, 40)
	a.take(&b)
	add(&a, 2*maxChunk)
	if b.n != 0 || len(b.chunks) != 0 {
		t.Errorf("taken chunks still hold %d findings", b.n)
	}
	all := a.all()
	if len(all) != n || a.n != n {
		t.Fatalf("%d findings back (count %d), %d added", len(all), a.n, n)
	}
	for i, f := range all {
		if f.Entry != i {
			t.Fatalf("finding %d is entry %d (the taken ones start at %d)", i, f.Entry, bFirst)
		}
	}
	for _, c := range a.chunks {
		if cap(c) > maxChunk {
			t.Fatalf("a chunk of %d", cap(c))
		}
	}
}

// TestChunksCut: a list of chunks behaves as one slice under add, take
// and cut (the requests of an exchange whose target's stack is not known
// are cut off and held), whatever the chunk edges: checked against a
// slice, over random operations.
func TestChunksCut(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var c chunks[int]
		var model []int
		next := 0
		for range 60 {
			switch op := rng.IntN(10); {
			case op < 6:
				for range rng.IntN(3 * maxChunk / 4) {
					c.add(&next)
					model = append(model, next)
					next++
				}
			case op < 8:
				var o chunks[int]
				for range rng.IntN(2 * firstChunk) {
					o.add(&next)
					model = append(model, next)
					next++
				}
				c.take(&o)
			default:
				n := 0
				if len(model) > 0 {
					n = len(model) - rng.IntN(min(len(model), 3*firstChunk)+1)
				}
				cut := c.cut(n, []int{-1})
				if want := append([]int{-1}, model[n:]...); !slices.Equal(cut, want) {
					t.Fatalf("round %d: cut(%d) gave %v, want %v", round, n, cut, want)
				}
				model = model[:n]
			}
			if c.n != len(model) {
				t.Fatalf("round %d: %d held, want %d", round, c.n, len(model))
			}
		}
		if got := c.all(); !slices.Equal(got, model) {
			t.Fatalf("round %d: all() differs from the slice: %d vs %d elements", round, len(got), len(model))
		}
	}
}

// TestEntrySeverities: requests are counted once each, by their worst
// finding, whether the findings come in entry order or not, split between
// sinks merged later or not.
func TestEntrySeverities(t *testing.T) {
	notes := []entrySeverity{{0, Warning}, {0, Error}, {1, Info}, {2, Warning}, {2, Info}, {5, Error}, {7, Info}, {7, Warning}}
	want := [numSeverities]int{Info: 1, Warning: 2, Error: 2} // 0 E, 1 I, 2 W, 5 E, 7 W
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 50 {
		ns := slices.Clone(notes)
		if trial > 0 {
			rng.Shuffle(len(ns), func(i, j int) { ns[i], ns[j] = ns[j], ns[i] })
		}
		var a, b entrySeverities
		cut := rng.IntN(len(ns) + 1)
		for _, n := range ns[:cut] {
			a.add(n.entry, n.sev)
		}
		for _, n := range ns[cut:] {
			b.add(n.entry, n.sev)
		}
		a.merge(&b)
		var got [numSeverities]int
		a.count(&got)
		if got != want {
			t.Fatalf("notes %v (merged at %d): counts %v, want %v", ns, cut, got, want)
		}
	}
}

// TestPathPattern pins which segments fold to :id: records and tokens do,
// route names do not. A token kept would put a secret in baselines and
// break their fingerprints when it changes.
func TestPathPattern(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/api/users/42/orders", "/api/users/:id/orders"},
		{"/o/6f1c2b9e-0d3a-4f5e-9a7b-1c2d3e4f5a6b", "/o/:id"},
		{"/c/0123456789abcdef0123", "/c/:id"},
		{"/s/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln/x", "/s/:id/x"},
		{"/bot123456789:AAHsecretTelegramBotTokenXYZ123456/sendMessage", "/:id/sendMessage"},
		{"/reset/Zq8sK2mP4xR7tV9wY1bN3cF5hJ6", "/reset/:id"},
		{"/preflight-redirect-308/v2", "/preflight-redirect-308/v2"},
		{"/botanical/garden", "/botanical/garden"},
		{"", "/"},
	} {
		if got := PathPattern(c.in); got != c.want {
			t.Errorf("PathPattern(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
