package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// These tests need no browser: they replay hand-made protocol events
// (shaped like the ones Chromium 156 sent during recording) through the HAR
// builder and check the DevTools rules it mirrors.

func mustEvent[T any](t *testing.T, raw string) *T {
	t.Helper()
	v := new(T)
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return v
}

func TestHeadersKeepOrderAndSplitLines(t *testing.T) {
	var h Headers
	if err := json.Unmarshal([]byte(`{"Vary":"Origin","Access-Control-Allow-Origin":"*\nhttp://localhost:8800","Date":"x"}`), &h); err != nil {
		t.Fatal(err)
	}
	got := h.Array()
	want := []Header{{"Vary", "Origin"}, {"Access-Control-Allow-Origin", "*"}, {"Access-Control-Allow-Origin", "http://localhost:8800"}, {"Date", "x"}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("header %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

func TestJSNumber(t *testing.T) {
	for f, want := range map[float64]string{0: "0", -1: "-1", 0.5: "0.5", 157.42499999998927: "157.42499999998927", 1e-7: "1e-7", 2e21: "2e+21"} {
		b, _ := jsNum(f).MarshalJSON()
		if string(b) != want {
			t.Errorf("jsNum(%v) = %s, want %s", f, b, want)
		}
	}
}

// A PUT blocked at its preflight, and the preflight answered 404: the
// shapes DevTools gives them.
func TestBlockedAtPreflight(t *testing.T) {
	l := newRequestLog()
	put := mustEvent[evRequestWillBeSent](t, `{"requestId":"1.6","request":{"url":"http://127.0.0.1:8801/p","method":"PUT",
		"headers":{"Referer":"http://localhost:8800/","User-Agent":"UA"},"initialPriority":"High"},
		"timestamp":100.0,"wallTime":1795314454.0,"initiator":{"type":"script"},"type":"Fetch"}`)
	pre := mustEvent[evRequestWillBeSent](t, `{"requestId":"AB","request":{"url":"http://127.0.0.1:8801/p","method":"OPTIONS",
		"headers":{"Accept":"*/*","Access-Control-Request-Method":"PUT","Origin":"http://localhost:8800"},"initialPriority":"High"},
		"timestamp":100.01,"wallTime":1795314454.01,"initiator":{"type":"preflight","url":"http://127.0.0.1:8801/p","requestId":"1.6"},"type":"Other"}`)
	l.order = []string{"1.6", "AB"}
	l.willBeSent["1.6"] = []*evRequestWillBeSent{put}
	l.willBeSent["AB"] = []*evRequestWillBeSent{pre}
	l.reqExtra["AB"] = []*evRequestWillBeSentExtraInfo{mustEvent[evRequestWillBeSentExtraInfo](t,
		`{"requestId":"AB","headers":{"Accept":"*/*","Host":"127.0.0.1:8801","Origin":"http://localhost:8800"},"connectTiming":{"requestTime":100.011}}`)}
	l.respExtra["AB"] = []*evResponseReceivedExtraInfo{mustEvent[evResponseReceivedExtraInfo](t,
		`{"requestId":"AB","headers":{"Content-Length":"19","Content-Type":"text/plain"},"statusCode":404,
		"headersText":"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n\r\n"}`)}
	l.response["AB"] = mustEvent[evResponseReceived](t, `{"requestId":"AB","timestamp":100.02,"type":"Preflight","hasExtraInfo":true,
		"response":{"url":"http://127.0.0.1:8801/p","status":404,"statusText":"Not Found","headers":{"Content-Type":"text/plain"},
		"mimeType":"text/plain","connectionId":7,"remoteIPAddress":"127.0.0.1","remotePort":8801,"encodedDataLength":0,
		"timing":{"requestTime":100.011,"proxyStart":-1,"proxyEnd":-1,"dnsStart":-1,"dnsEnd":-1,"connectStart":-1,"connectEnd":-1,
		"sslStart":-1,"sslEnd":-1,"workerStart":-1,"workerReady":-1,"workerFetchStart":-1,"workerRespondWithSettled":-1,
		"sendStart":0.1,"sendEnd":0.2,"receiveHeadersEnd":5},"protocol":"http/1.1"}}`)
	l.failed["1.6"] = mustEvent[evLoadingFailed](t, `{"requestId":"1.6","timestamp":100.03,"type":"Fetch","errorText":"net::ERR_FAILED",
		"corsErrorStatus":{"corsError":"PreflightMissingAllowOriginHeader","failedParameter":""}}`)
	if k := l.kind("AB"); k != "Preflight" {
		t.Fatalf("kind = %s", k)
	}
	seq := 0
	reqs := append(l.build("1.6", &seq), l.build("AB", &seq)...)
	f := harOf(reqs, nil, "537.36")
	if len(f.Log.Entries) != 2 {
		t.Fatalf("%d entries", len(f.Log.Entries))
	}
	blocked, preflight := f.Log.Entries[0], f.Log.Entries[1]
	if blocked.Request.Method != "PUT" || preflight.Request.Method != "OPTIONS" {
		t.Fatalf("order: %s then %s; the blocked request is issued first", blocked.Request.Method, preflight.Request.Method)
	}
	if blocked.Response.Status != 0 || blocked.Response.HTTPVersion != "" || blocked.Request.HTTPVersion != "" ||
		blocked.ServerIPAddress != "" || blocked.Response.Error == nil || *blocked.Response.Error != "net::ERR_FAILED" {
		t.Errorf("blocked entry: %+v", blocked.Response)
	}
	if float64(blocked.Timings.Blocked) < 29 || float64(blocked.Timings.Blocked) > 31 || blocked.Timings.Send != 0 {
		t.Errorf("blocked timings: %+v (all time in blocked)", blocked.Timings)
	}
	if preflight.ResourceType != "preflight" || preflight.Initiator.Type != "preflight" || *preflight.Initiator.RequestID != "1.6" {
		t.Errorf("preflight markers: %s %+v", preflight.ResourceType, preflight.Initiator)
	}
	if preflight.Response.Status != 404 || preflight.Response.StatusText != "Not Found" || preflight.Response.HTTPVersion != "HTTP/1.1" ||
		preflight.Request.HTTPVersion != "HTTP/1.1" || preflight.Response.Error != nil {
		t.Errorf("preflight response: %+v", preflight.Response)
	}
	if preflight.Connection == nil || *preflight.Connection != "8801" || preflight.ServerIPAddress != "127.0.0.1" {
		t.Errorf("connection %v, ip %q", preflight.Connection, preflight.ServerIPAddress)
	}
	if len(preflight.Request.Headers) != 3 || preflight.Request.Headers[1].Name != "Host" {
		t.Errorf("preflight request headers should be the raw ExtraInfo ones: %v", preflight.Request.Headers)
	}
	b, err := marshalJS(f)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"_error": null`) || !strings.Contains(s, `"creator": {`+"\n"+`      "name": "WebInspector"`) {
		t.Errorf("unexpected JSON:\n%s", s)
	}
}

// Sanitized export drops Authorization, Cookie and Set-Cookie.
func TestSanitized(t *testing.T) {
	r := &netRequest{connectionID: "0", issueTime: 1, startTime: 1,
		reqHeaders:  []Header{{"Authorization", "Bearer x"}, {"Cookie", "a=b"}, {"X-Keep", "1"}},
		respHeaders: []Header{{"Set-Cookie", "a=b"}, {"Vary", "Origin"}}}
	e := r.entry("")
	if len(e.Request.Headers) != 1 || e.Request.Headers[0].Name != "X-Keep" || len(e.Response.Headers) != 1 {
		t.Errorf("not sanitized: %v / %v", e.Request.Headers, e.Response.Headers)
	}
}
