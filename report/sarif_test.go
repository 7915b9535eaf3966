package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// TestSARIFFromGroups checks that SARIF, too, reads the groups only.
func TestSARIFFromGroups(t *testing.T) {
	for _, f := range chromiumFixtures(t)[:20] {
		r := analyze.File(f, analyze.Options{}, har.Options{})
		opt := Options{Format: SARIF, MinSeverity: analyze.Info}
		want := mustRender(t, []*analyze.Result{r}, opt)
		bare := *r
		bare.Findings = nil
		if got := mustRender(t, []*analyze.Result{&bare}, opt); got != want {
			t.Errorf("%s: SARIF changes without the findings:\n%s", f, firstDiff(want, got))
		}
	}
}

// TestSARIFBounded renders a capture of more distinct problems than a run
// holds: the most severe are kept, and a notification says how many were
// left out.
func TestSARIFBounded(t *testing.T) {
	const warnings, errors = 100, maxSARIFResults
	var es []string
	add := func(host, acao string) {
		es = append(es, fmt.Sprintf(`{"request":{"method":"GET","url":"https://%s.example.com/","headers":[{"name":"Origin","value":"https://app.example.org"}]},`+
			`"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"%s"}]}}`, host, acao))
	}
	for i := range warnings {
		add(fmt.Sprintf("w%d", i), "https://app.example.org") // echoed without Vary
	}
	for i := range errors {
		add(fmt.Sprintf("e%d", i), "https://other.example.org")
	}
	r := analyze.Reader("many.har", strings.NewReader(`{"log":{"entries":[`+strings.Join(es, ",")+`]}}`), analyze.Options{}, har.Options{})
	if r.Err != nil || len(r.Groups) != warnings+errors {
		t.Fatalf("fixture: err %v, %d groups, want %d", r.Err, len(r.Groups), warnings+errors)
	}
	var log sarifLog
	if err := json.Unmarshal([]byte(mustRender(t, []*analyze.Result{r}, Options{Format: SARIF, MinSeverity: DefaultMinSeverity(SARIF)})), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Results) != maxSARIFResults {
		t.Fatalf("%d results, want %d", len(run.Results), maxSARIFResults)
	}
	for i, res := range run.Results {
		if res.Level != "error" {
			t.Fatalf("result %d is a %s while errors were left out", i, res.Level)
		}
	}
	notes := run.Invocations[0].ToolExecutionNotifications
	if len(notes) != 1 || !strings.HasPrefix(notes[0].Message.Text, fmt.Sprintf("%d problems left out", warnings)) {
		t.Errorf("notifications %+v; want one saying %d problems were left out", notes, warnings)
	}
}
