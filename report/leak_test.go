package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
)

// leakHAR builds a capture whose blocked request sends custom credential
// headers (listed in the preflight's Access-Control-Request-Headers, so the
// Markdown exchange table shows them) and whose URL echoes a cookie value
// under a harmless name, a reset token in its path and a token in the
// preflight's status text.
func leakHAR(t *testing.T) []byte {
	t.Helper()
	const cookie = "CKVAL_echoed_77aa11"
	headers := [][2]string{
		{"Origin", "http://localhost:5173"},
		{"X-CSRFToken", "LEAK_CSRF_1"},
		{"X-Authorization", "Bearer LEAK_XAUTH_2"},
		{"Authentication", "Token LEAK_TOKEN_3abc"},
		{"Session-Id", "LEAK_SESSION_4"},
		{"X-Firebase-AppCheck", "LEAK_APPCHECK_5"},
		{"Sec-WebSocket-Protocol", "bearer, LEAK_WSPROTO_6xyzxyz"},
		{"X-Access-Key", "LEAK_AK_7"},
	}
	var names []string
	var hs []map[string]string
	for _, h := range headers {
		hs = append(hs, map[string]string{"name": h[0], "value": h[1]})
		if h[0] != "Origin" {
			names = append(names, strings.ToLower(h[0]))
		}
	}
	url := "https://api.example.test/v1/reset/LEAKRESET9aa8bb7cc6dd/items?uid=" + cookie + "&page=2"
	entry := func(method string, reqH []map[string]string, status int, respH []map[string]string, rt string, at string) map[string]any {
		return map[string]any{
			"_resourceType":   rt,
			"startedDateTime": at,
			"time":            1,
			"request": map[string]any{"method": method, "url": url, "httpVersion": "http/1.1",
				"headers": reqH, "queryString": []any{}, "cookies": []any{}, "headersSize": -1, "bodySize": 0},
			"response": map[string]any{"status": status, "statusText": "", "httpVersion": "http/1.1",
				"headers": respH, "cookies": []any{}, "content": map[string]any{"size": 0, "mimeType": ""},
				"redirectURL": "", "headersSize": -1, "bodySize": -1},
			"cache": map[string]any{}, "timings": map[string]any{"send": 0, "wait": 1, "receive": 0},
		}
	}
	page := entry("GET", []map[string]string{{"name": "Cookie", "value": "sid=" + cookie}}, 200, nil, "document", "2026-01-01T00:00:00.000Z")
	page["request"].(map[string]any)["url"] = "http://localhost:5173/"
	pre := entry("OPTIONS", []map[string]string{
		{"name": "Origin", "value": "http://localhost:5173"},
		{"name": "Access-Control-Request-Method", "value": "GET"},
		{"name": "Access-Control-Request-Headers", "value": strings.Join(names, ",")},
		{"name": "Sec-Fetch-Mode", "value": "cors"},
	}, 204, []map[string]string{
		{"name": "Access-Control-Allow-Origin", "value": "http://localhost:5173"},
		{"name": "Access-Control-Allow-Methods", "value": "GET"},
	}, "preflight", "2026-01-01T00:00:01.000Z")
	pre["response"].(map[string]any)["statusText"] = "No Content: token=LEAK_STATUS_8zz9"
	req := entry("GET", append(hs, map[string]string{"name": "Sec-Fetch-Mode", "value": "cors"}), 0, nil, "fetch", "2026-01-01T00:00:01.010Z")
	req["response"].(map[string]any)["_error"] = "net::ERR_FAILED"
	doc := map[string]any{"log": map[string]any{"version": "1.2",
		"creator": map[string]any{"name": "WebInspector", "version": "537.36"},
		"entries": []any{page, pre, req}}}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestLeaksNeverShown: the custom credential headers and the echoed cookie
// value reach no format.
func TestLeaksNeverShown(t *testing.T) {
	res := analyze.Reader("leaks.har", strings.NewReader(string(leakHAR(t))), analyze.Options{CookieValues: true}, har.Options{})
	if res.Err != nil || len(res.Findings) == 0 {
		t.Fatalf("leaks.har: err %v, %d findings: the test would prove nothing", res.Err, len(res.Findings))
	}
	secrets := []string{"CKVAL_echoed_77aa11", "LEAK_CSRF_1", "LEAK_XAUTH_2", "LEAK_TOKEN_3abc", "LEAK_SESSION_4",
		"LEAK_APPCHECK_5", "LEAK_WSPROTO_6xyzxyz", "LEAK_AK_7", "LEAKRESET9aa8bb7cc6dd", "LEAK_STATUS_8zz9"}
	for _, opt := range allFormatsOpts() {
		out := unescape(mustRender(t, []*analyze.Result{res}, opt))
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s (width %d): %s is in the output", opt.Format, opt.Width, s)
			}
		}
	}
	md := mustRender(t, []*analyze.Result{res}, Options{Format: Markdown})
	for _, want := range []string{"| X-CSRFToken | &lt;redacted&gt; |", "Bearer &lt;redacted&gt;", "uid=&lt;redacted&gt;&amp;page=2"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	opt := Options{Format: JSON, ShowSecrets: true}
	if out := mustRender(t, []*analyze.Result{res}, opt); !strings.Contains(out, "LEAK_CSRF_1") && !strings.Contains(out, "CKVAL_echoed_77aa11") {
		t.Errorf("with ShowSecrets nothing is shown: the test cannot tell redaction from loss")
	}
}
