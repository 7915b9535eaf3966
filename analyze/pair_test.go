package analyze

import (
	"fmt"
	"testing"
	"time"

	"github.com/harcors/harcors/har"
)

func entry(i int, method, url string, at time.Time, hs ...string) *har.Entry {
	e := &har.Entry{Index: i, Line: i + 1, Started: at, Time: 3}
	e.Request.Method, e.Request.URL = method, url
	for j := 0; j+1 < len(hs); j += 2 {
		e.Request.Headers = append(e.Request.Headers, har.Header{Name: hs[j], Value: hs[j+1]})
	}
	return e
}

func TestPairPreflightAfterFollowUp(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	u := "https://api.example.com/x"
	// Chrome writes the follow-up first, stamped before its preflight.
	nodes := []*node{
		newNode(entry(0, "PUT", u, t0)),
		newNode(entry(1, "OPTIONS", u, t0.Add(time.Millisecond), "Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT")),
	}
	pairNodes(nodes)
	if nodes[0].partner != nodes[1] {
		t.Fatalf("follow-up not paired with the preflight after it")
	}
}

func TestPairParallelOneToOne(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	u := "https://api.example.com/x"
	var nodes []*node
	// Three identical requests and three preflights, interleaved.
	for i := 0; i < 3; i++ {
		at := t0.Add(time.Duration(i) * 10 * time.Millisecond)
		nodes = append(nodes,
			newNode(entry(2*i, "OPTIONS", u, at, "Origin", "https://app.example.com", "Access-Control-Request-Method", "DELETE")),
			newNode(entry(2*i+1, "DELETE", u, at.Add(time.Millisecond), "Origin", "https://app.example.com")))
	}
	pairNodes(nodes)
	for i := 0; i < 3; i++ {
		if nodes[2*i].partner != nodes[2*i+1] {
			t.Errorf("preflight %d paired with %v, want the follow-up next to it", i, nodes[2*i].partner)
		}
	}
}

func TestPairRespectsOriginAndMethod(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	u := "https://api.example.com/x"
	nodes := []*node{
		newNode(entry(0, "OPTIONS", u, t0, "Origin", "https://a.example", "Access-Control-Request-Method", "PUT")),
		newNode(entry(1, "PUT", u, t0, "Origin", "https://b.example")),
		newNode(entry(2, "DELETE", u, t0, "Origin", "https://a.example")),
	}
	pairNodes(nodes)
	for _, n := range nodes {
		if n.partner != nil {
			t.Errorf("entry %d paired with %d; origins or methods differ", n.e.Index, n.partner.e.Index)
		}
	}
}

func TestPairWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	u := "https://api.example.com/x"
	// A follow-up answered from the preflight cache minutes later must not
	// steal a preflight made for a later request.
	nodes := []*node{
		newNode(entry(0, "PUT", u, t0, "Origin", "https://a.example")),
		newNode(entry(1, "OPTIONS", u, t0.Add(5*time.Minute), "Origin", "https://a.example", "Access-Control-Request-Method", "PUT")),
		newNode(entry(2, "PUT", u, t0.Add(5*time.Minute+time.Millisecond), "Origin", "https://a.example")),
	}
	pairNodes(nodes)
	if nodes[0].partner != nil || nodes[1].partner != nodes[2] {
		t.Errorf("pairing ignored time: %v %v", nodes[0].partner, nodes[1].partner)
	}
}

// BenchmarkPairSameURL pairs n preflights and n follow-ups to one URL (the
// worst case for pairing); the time per entry must stay flat as n grows.
func BenchmarkPairSameURL(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			entries := make([]*har.Entry, 0, 2*n)
			for i := 0; i < n; i++ {
				at := t0.Add(time.Duration(i) * time.Millisecond)
				entries = append(entries,
					entry(2*i, "OPTIONS", "https://api.example.com/x", at, "Origin", "https://a.example", "Access-Control-Request-Method", "PUT"),
					entry(2*i+1, "PUT", "https://api.example.com/x", at, "Origin", "https://a.example"))
			}
			b.ResetTimer()
			for range b.N {
				nodes := make([]*node, len(entries))
				for i, e := range entries {
					nodes[i] = newNode(e)
				}
				pairNodes(nodes)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*2*n), "ns/entry")
		})
	}
}

// pairNodes pairs nodes, in file order, as the whole analysis does.
func pairNodes(nodes []*node) {
	keys := make([]pairID, len(nodes))
	for i, n := range nodes {
		keys[i] = keyOf(n)
	}
	pair(nodes, keys)
}
