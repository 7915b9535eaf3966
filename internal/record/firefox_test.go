package main

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// Browser-free tests of the Firefox recorder: the message table, the
// WebSocket client and the HAR entry shape.

const sampleProperties = `# comment
CORSMissingAllowOrigin2=Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at %1$S. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: %2$S.
CORSNotSupportingCredentials=Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘%1$S’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).
CORSAllowOriginNotMatchingOrigin=Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at %1$S. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘%2$S’).
MixedContentBlocked=not a CORS message %1$S
`

func TestClassifyFirefox(t *testing.T) {
	msgs, err := parseFirefoxMessages([]byte(sampleProperties))
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 3 {
		t.Fatalf("got %d CORS messages, want 3", len(msgs))
	}
	for _, c := range []struct{ line, key, url, param string }{
		{"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://127.0.0.1:8801/x. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404.",
			"CORSMissingAllowOrigin2", "http://127.0.0.1:8801/x", "404"},
		{"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘http://127.0.0.1:8801/y’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
			"CORSNotSupportingCredentials", "http://127.0.0.1:8801/y", ""},
		{"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://a/b. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘*, http://localhost:8800’).",
			"CORSAllowOriginNotMatchingOrigin", "http://a/b", "*, http://localhost:8800"},
		{"Cookie “session” rejected because it has the “SameSite=None” attribute but is missing the “secure” attribute.", "", "", ""},
	} {
		key, url, param := classifyFirefox(msgs, c.line)
		if key != c.key || url != c.url || param != c.param {
			t.Errorf("classify(%q) = %q %q %q, want %q %q %q", c.line, key, url, param, c.key, c.url, c.param)
		}
	}
}

// TestInstalledFirefoxMessages reads the installed Firefox's own table,
// which the recorder maps console lines with.
func TestInstalledFirefoxMessages(t *testing.T) {
	if _, err := os.Stat(firefoxOmni); err != nil {
		t.Skipf("no %s (apt-get install firefox-esr)", firefoxOmni)
	}
	msgs, err := loadFirefoxMessages(firefoxOmni)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, m := range msgs {
		have[m.Key] = true
	}
	for _, k := range []string{"CORSMissingAllowOrigin2", "CORSPreflightDidNotSucceed3", "CORSMultipleAllowOriginNotAllowed", "CORSDidNotSucceed2"} {
		if !have[k] {
			t.Errorf("Firefox's security.properties has no %s", k)
		}
	}
}

// wsTestServer accepts one WebSocket client on loopback and echoes every
// text message after sending a ping.
func wsTestServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		req, err := http.ReadRequest(br)
		if err != nil || req.Header.Get("Origin") != "" {
			return
		}
		sum := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + wsGUID))
		io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "+
			base64.StdEncoding.EncodeToString(sum[:])+"\r\n\r\n")
		c.Write([]byte{0x89, 0x01, 'p'}) // ping
		for {
			var h [2]byte
			if _, err := io.ReadFull(br, h[:]); err != nil {
				return
			}
			n := uint64(h[1] & 0x7F)
			switch n {
			case 126:
				var b [2]byte
				io.ReadFull(br, b[:])
				n = uint64(binary.BigEndian.Uint16(b[:]))
			case 127:
				var b [8]byte
				io.ReadFull(br, b[:])
				n = binary.BigEndian.Uint64(b[:])
			}
			var mask [4]byte
			io.ReadFull(br, mask[:])
			p := make([]byte, n)
			io.ReadFull(br, p)
			for i := range p {
				p[i] ^= mask[i%4]
			}
			if h[0]&0x0F != 0x1 {
				continue // the pong, the close
			}
			// Echo in two fragments, unmasked, with a 64-bit length when large.
			half := len(p) / 2
			for i, part := range [][]byte{p[:half], p[half:]} {
				op := byte(0x1)
				if i == 1 {
					op = 0x80
				}
				hdr := []byte{op}
				switch l := len(part); {
				case l < 126:
					hdr = append(hdr, byte(l))
				case l <= 0xFFFF:
					hdr = binary.BigEndian.AppendUint16(append(hdr, 126), uint16(l))
				default:
					hdr = binary.BigEndian.AppendUint64(append(hdr, 127), uint64(l))
				}
				c.Write(append(hdr, part...))
			}
		}
	}()
	return "ws://" + ln.Addr().String() + "/session"
}

func TestWebSocketClient(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, err := dialWS(ctx, wsTestServer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for _, n := range []int{5, 300, 70000, 200000} {
		msg := []byte(strings.Repeat("x", n))
		if err := ws.WriteText(msg); err != nil {
			t.Fatal(err)
		}
		got, err := ws.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(msg) {
			t.Fatalf("echo of %d bytes came back as %d bytes", n, len(got))
		}
	}
	if _, err := dialWS(ctx, "ws://192.0.2.1:9/session"); err == nil {
		t.Error("dialWS accepted a non-loopback address")
	}
}

// TestFirefoxHAREntry checks the two shapes of a Firefox entry: a request
// stopped at its preflight, and a response that arrived.
func TestFirefoxHAREntry(t *testing.T) {
	get := func(o ordered, k string) any {
		for _, p := range o {
			if p.K == k {
				return p.V
			}
		}
		t.Fatalf("no key %q in %v", k, o)
		return nil
	}
	keys := func(o ordered) string {
		var ks []string
		for _, p := range o {
			ks = append(ks, p.K)
		}
		return strings.Join(ks, ",")
	}
	blocked := firefoxHAREntry(ffItem{started: 1.7e12, hop: &ffHop{req: bidiRequestData{Method: "PUT", URL: "http://127.0.0.1:8801/p?a=1&b=x%20y",
		Headers: []bidiHeader{{Name: "Origin", Value: struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		}{"string", "http://localhost:8800"}}}}}})
	if k := keys(blocked); k != "startedDateTime,request,response,cache,timings,time,_securityState,pageref" {
		t.Errorf("blocked entry keys: %s", k)
	}
	resp := get(blocked, "response").(ordered)
	if get(resp, "status") != 0 || get(resp, "httpVersion") != "" || len(get(resp, "headers").([]ordered)) != 0 {
		t.Errorf("blocked response: %v", resp)
	}
	req := get(blocked, "request").(ordered)
	if k := keys(req); k != "bodySize,method,url,httpVersion,headers,cookies,queryString,headersSize" {
		t.Errorf("request keys: %s", k)
	}
	if q, _ := json.Marshal(get(req, "queryString")); string(q) != `[{"name":"a","value":"1"},{"name":"b","value":"x y"}]` {
		t.Errorf("queryString: %s", q)
	}

	prio := 0
	body := `{"a":1}`
	rec := &channelRecord{RequestHeaders: []Header{{"Content-Type", "application/json"}},
		ResponseHeaders: []Header{{"Access-Control-Allow-Origin", "http://localhost:8800"}, {"Access-Control-Allow-Origin", "*"}, {"Content-Type", "application/json"}},
		PostData:        &body, StatusText: "OK", HTTPVersion: "HTTP/1.1", RemoteAddress: "127.0.0.1", RemotePort: 8801, Priority: &prio}
	sent := firefoxHAREntry(ffItem{started: 1.7e12, hop: &ffHop{rec: rec,
		req:  bidiRequestData{Method: "POST", URL: "http://127.0.0.1:8801/p", HeadersSize: 300, Timings: bidiTimings{RequestTime: 1.7e12, RequestStart: 1.7e12 + 5, ResponseStart: 1.7e12 + 8, ResponseEnd: 1.7e12 + 9}},
		resp: &bidiResponse{Status: 200, Protocol: "http/1.1", BodySize: 11, BytesReceived: 180, HeadersSize: 169}}})
	if k := keys(sent); k != "startedDateTime,request,response,cache,timings,time,_securityState,_priority,serverIPAddress,connection,pageref" {
		t.Errorf("sent entry keys: %s", k)
	}
	resp = get(sent, "response").(ordered)
	if n := len(get(resp, "headers").([]ordered)); n != 3 {
		t.Errorf("the two Access-Control-Allow-Origin lines must stay apart: %d headers", n)
	}
	if get(get(sent, "request").(ordered), "bodySize") != 7 {
		t.Errorf("bodySize is postData.text's length")
	}
	if get(sent, "time") != 9 || get(sent, "_priority") != "Normal" || get(sent, "connection") != "8801" {
		t.Errorf("time %v, priority %v, connection %v", get(sent, "time"), get(sent, "_priority"), get(sent, "connection"))
	}
}
