package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// TestMarkdownHeaderRowsBounded renders a crafted capture whose response
// sets 2,000 cookies without SameSite: one finding that counts them (it was
// one finding each, and every finding showed the exchange's headers). Without bounds on the rows and on the
// length of values, the Markdown report held 2,000 × 2,000 header rows
// (180 MB), and a 10 MB HAR (ten such entries with 10,000 cookies and an
// 80 KB header value) rendered 4.2 GB in 10 minutes and 17 GB of memory.
func TestMarkdownHeaderRowsBounded(t *testing.T) {
	const n = 2000
	var hs []string
	for i := range n {
		hs = append(hs, fmt.Sprintf(`{"name":"Set-Cookie","value":"c%d=v"}`, i))
	}
	doc := `{"log":{"entries":[{"request":{"method":"GET","url":"https://api.example.com/x","headers":[{"name":"Origin","value":"https://app.example.org"}]},` +
		`"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"https://app.example.org"},` +
		`{"name":"Access-Control-Expose-Headers","value":"` + strings.Repeat("x", 5000) + `"},` + strings.Join(hs, ",") + `]}}]}}`
	res := analyze.Reader("cookies.har", strings.NewReader(doc), analyze.Options{}, har.Options{})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	counted := 0
	for _, f := range res.Findings {
		if f.Rule.ID == "CORS-W03" {
			counted += f.Count
			if !strings.Contains(f.Value, "and 1995 more") {
				t.Errorf("W03 value %q does not say how many cookies it leaves out", f.Value)
			}
		}
	}
	if counted != n || len(res.Findings) > 3 {
		t.Fatalf("%d findings counting %d cookies; want one W03 finding counting %d", len(res.Findings), counted, n)
	}
	var buf bytes.Buffer
	if err := Render(&buf, []*analyze.Result{res}, Options{Format: Markdown, MinSeverity: analyze.Info}); err != nil {
		t.Fatal(err)
	}
	rows := strings.Count(buf.String(), "\n| ← | Set-Cookie |")
	if per := rows / len(res.Findings); per > groupedExchange.rows {
		t.Errorf("%d Set-Cookie rows for %d findings (%d MB of Markdown): want at most %d per finding", rows, len(res.Findings), buf.Len()>>20, groupedExchange.rows)
	}
	if strings.Contains(buf.String(), strings.Repeat("x", groupedExchange.value+1)) {
		t.Errorf("a 5,000-byte header value is shown whole, %d times", len(res.Findings))
	}
	if !strings.Contains(buf.String(), "more headers not shown") {
		t.Errorf("the report does not say that headers were left out")
	}
}

// TestLongValuesBounded: a header name of 800 KB that the preflight did not
// allow, and an Access-Control-Allow-Origin of 900 KB, each quoted by a
// cause, made a 15 MB table, a 4.8 MB HTML report (over its 2 MiB
// promise), and a Markdown report with every detail left out. The formats
// for people cut long texts; the JSON keeps them whole.
func TestLongValuesBounded(t *testing.T) {
	long := strings.Repeat("a", 800_000)
	doc := `{"log":{"creator":{"name":"WebInspector","version":"537.36"},"entries":[` +
		`{"startedDateTime":"2026-01-01T00:00:00.000Z","time":1,"_resourceType":"preflight","request":{"method":"OPTIONS","url":"https://api.example.test/h","headers":[` +
		`{"name":"Origin","value":"http://localhost:5173"},{"name":"Access-Control-Request-Method","value":"PUT"},{"name":"Access-Control-Request-Headers","value":"x-` + long + `"}]},` +
		`"response":{"status":204,"headers":[{"name":"Access-Control-Allow-Origin","value":"http://localhost:5173"},{"name":"Access-Control-Allow-Methods","value":"PUT"}]}},` +
		`{"startedDateTime":"2026-01-01T00:00:00.010Z","time":1,"_resourceType":"fetch","request":{"method":"PUT","url":"https://api.example.test/h","headers":[` +
		`{"name":"Origin","value":"http://localhost:5173"},{"name":"x-` + long + `","value":"1"}]},"response":{"status":0,"headers":[],"_error":"net::ERR_FAILED"}},` +
		`{"startedDateTime":"2026-01-01T00:00:01.000Z","time":1,"_resourceType":"fetch","request":{"method":"GET","url":"https://api2.example.test/g","headers":[` +
		`{"name":"Origin","value":"http://localhost:5173"}]},"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"https://` + strings.Repeat("B", 900_000) + `"}]}}]}}`
	res := analyze.Reader("long.har", strings.NewReader(doc), analyze.Options{}, har.Options{})
	if res.Err != nil || len(res.Groups) < 2 {
		t.Fatalf("err %v, %d groups: want the P16 and the origin mismatch", res.Err, len(res.Groups))
	}
	for _, opt := range []Options{{Format: Table, Width: 100}, {Format: Table, Width: 100, All: true}, {Format: Markdown}, {Format: HTML}} {
		out := mustRender(t, []*analyze.Result{res}, opt)
		if len(out) > 100<<10 {
			t.Errorf("%s (all %v): %d bytes for three findings", opt.Format, opt.All, len(out))
		}
		if opt.Format == Markdown && strings.Contains(out, "Shortened to fit") {
			t.Errorf("markdown left out the details of three findings")
		}
	}
	if out := mustRender(t, []*analyze.Result{res}, Options{Format: JSON}); !strings.Contains(out, long) {
		t.Errorf("the JSON lost the whole value")
	}
}

// TestHTMLManyServers: with 30,000 servers the filter's options took the
// whole size budget, and the report showed no problem at all.
func TestHTMLManyServers(t *testing.T) {
	rule := analyze.LookupRule("CORS-A03")
	r := &analyze.Result{File: "servers.har", Entries: 30000}
	for i := range 30000 {
		r.Groups = append(r.Groups, &analyze.Group{Rule: rule, Severity: analyze.Error, Requests: 1 + i%3,
			Server: fmt.Sprintf("https://api%05d.example.test", i), Cause: "cause", Fix: "fix", Entries: []int{i}})
	}
	out := mustRender(t, []*analyze.Result{r}, Options{Format: HTML})
	if len(out) > 2<<20 {
		t.Errorf("%d bytes, over 2 MiB", len(out))
	}
	if n := strings.Count(out, `data-rule="CORS-A03"`); n < 100 {
		t.Errorf("%d problems shown of 30,000", n)
	}
	if n := strings.Count(out, "<option"); n > htmlHosts+2 {
		t.Errorf("%d servers in the filter", n)
	}
	if !strings.Contains(out, "and 29800 more servers with fewer problems") {
		t.Errorf("the filter does not say how many servers it leaves out")
	}
}
