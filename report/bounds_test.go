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
