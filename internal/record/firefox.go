package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// firefoxPath is Debian's Firefox ESR; the recorder never downloads a
// browser.
const firefoxPath = "/usr/bin/firefox-esr"

// firefoxOmni is the archive that holds Firefox's own strings, among them
// the CORS console messages (security.properties).
const firefoxOmni = "/usr/lib/firefox-esr/omni.ja"

// Firefox is one headless Firefox for a whole recording run, driven over
// WebDriver BiDi (built into Firefox; no geckodriver).
type Firefox struct {
	cmd     *exec.Cmd
	exited  chan struct{}
	tmp     string
	bidi    *bidiConn
	Version string // "153.7.0"
	chrome  string // a chrome-scope browsing context, for the header observer
	msgs    []ffMessage
	out     *tailBuffer

	mu   sync.Mutex
	tabs map[string]*ffTab // by browsing context id
}

// firefoxPrefs go into the fresh profile's user.js. The remote agent
// already applies its recommended automation prefs (no updates, telemetry,
// safe browsing, captive portal checks; service URLs pointed at a dead
// local port). These add what still reaches out on its own, so that
// everything stays on loopback. No CORS or cookie pref is touched: the
// fixtures record Firefox's defaults.
const firefoxPrefs = `user_pref("app.normandy.enabled", false);
user_pref("messaging-system.rsexperimentloader.enabled", false);
user_pref("network.trr.mode", 5);
user_pref("network.dns.disablePrefetch", true);
user_pref("network.prefetch-next", false);
user_pref("network.http.speculative-parallel-limit", 0);
user_pref("browser.newtabpage.enabled", false);
user_pref("browser.startup.page", 0);
`

// startFirefox launches Firefox headless with a fresh profile (empty HTTP
// cache, preflight cache and cookie jar) and opens a BiDi session.
//
// --remote-allow-system-access lets the recorder run one script in the
// browser's chrome scope: an observer that reads every HTTP channel's
// headers, cookies and request body with DevTools' own functions
// (NetworkUtils.fetchRequestHeadersAndCookies,
// fetchResponseHeadersAndCookies, NetworkHelper.readPostDataFromRequest),
// because BiDi's network events merge repeated response headers into one
// line (visitResponseHeaders), while DevTools, and so Firefox's HAR, lists
// each line as received (visitOriginalResponseHeaders). Two
// Access-Control-Allow-Origin lines are exactly what Firefox's
// CORSMultipleAllowOriginNotAllowed is about.
func startFirefox(parent context.Context) (*Firefox, error) {
	if _, err := os.Stat(firefoxPath); err != nil {
		return nil, fmt.Errorf("no Firefox at %s (apt-get install firefox-esr): %w", firefoxPath, err)
	}
	msgs, err := loadFirefoxMessages(firefoxOmni)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "harcors-firefox-")
	if err != nil {
		return nil, err
	}
	profile, home := filepath.Join(tmp, "profile"), filepath.Join(tmp, "home")
	for _, d := range []string{profile, home} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(firefoxPrefs), 0o600); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	cmd := exec.Command(firefoxPath, "--headless", "--no-remote", "--profile", profile,
		"--remote-debugging-port=0", "--remote-allow-system-access")
	// HOME in the temp dir: Firefox and its libraries keep caches there,
	// and the user's own profile is never read.
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "MOZ_CRASHREPORTER_DISABLE=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	f := &Firefox{cmd: cmd, exited: make(chan struct{}), tmp: tmp, msgs: msgs, out: &tailBuffer{max: 8 << 10}, tabs: map[string]*ffTab{}}
	cmd.Stdout = f.out
	if err := cmd.Start(); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("start %s: %w", firefoxPath, err)
	}
	go func() { cmd.Wait(); close(f.exited) }()
	endpoint := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			f.out.Write([]byte(line + "\n"))
			if ws := bidiEndpoint(line); ws != "" && !sent {
				endpoint <- ws
				sent = true
			}
		}
	}()
	ctx, cancel := context.WithTimeout(parent, 60*time.Second)
	defer cancel()
	var ws string
	select {
	case ws = <-endpoint:
	case <-f.exited:
		f.Close()
		return nil, fmt.Errorf("%s exited before its WebDriver BiDi endpoint was up:\n%s", firefoxPath, f.out.String())
	case <-ctx.Done():
		f.Close()
		return nil, fmt.Errorf("%s: no WebDriver BiDi endpoint after 60 s:\n%s", firefoxPath, f.out.String())
	}
	conn, err := dialWS(ctx, ws+"/session")
	if err != nil {
		f.Close()
		return nil, err
	}
	f.bidi = newBidiConn(conn, f.event)
	var sess struct {
		Capabilities struct {
			BrowserVersion string `json:"browserVersion"`
		} `json:"capabilities"`
	}
	if err := f.bidi.Call(ctx, "session.new", map[string]any{"capabilities": map[string]any{}}, &sess); err != nil {
		f.Close()
		return nil, err
	}
	f.Version = sess.Capabilities.BrowserVersion
	if err := f.bidi.Call(ctx, "session.subscribe", map[string]any{"events": []string{
		"network.beforeRequestSent", "network.responseStarted", "network.responseCompleted", "network.fetchError",
		"log.entryAdded", "browsingContext.domContentLoaded", "browsingContext.load",
	}}, nil); err != nil {
		f.Close()
		return nil, err
	}
	var tree struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	if err := f.bidi.Call(ctx, "browsingContext.getTree", map[string]any{"moz:scope": "chrome", "maxDepth": 0}, &tree); err != nil || len(tree.Contexts) == 0 {
		f.Close()
		return nil, fmt.Errorf("no chrome browsing context (is --remote-allow-system-access supported?): %v", err)
	}
	f.chrome = tree.Contexts[0].Context
	if v, err := f.evaluate(ctx, f.chrome, channelObserverJS, false); err != nil || v != "ok" {
		f.Close()
		return nil, fmt.Errorf("install the channel observer: %q %v", v, err)
	}
	return f, nil
}

// Close ends the session and the browser, then removes the profile.
func (f *Firefox) Close() {
	if f.bidi != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		f.bidi.Call(ctx, "browser.close", nil, nil)
		cancel()
		f.bidi.Close()
	}
	select {
	case <-f.exited:
	case <-time.After(5 * time.Second):
		// End the process group this recorder started, and only it.
		syscall.Kill(-f.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-f.exited:
		case <-time.After(3 * time.Second):
			syscall.Kill(-f.cmd.Process.Pid, syscall.SIGKILL)
			<-f.exited
		}
	}
	os.RemoveAll(f.tmp)
}

// evaluate runs a JS expression in a browsing context and returns its
// string value.
func (f *Firefox) evaluate(ctx context.Context, bc, expr string, await bool) (string, error) {
	var res struct {
		Type   string `json:"type"`
		Result struct {
			Type  string          `json:"type"`
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	err := f.bidi.Call(ctx, "script.evaluate", map[string]any{
		"expression": expr, "target": map[string]any{"context": bc}, "awaitPromise": await, "resultOwnership": "none",
	}, &res)
	if err != nil {
		return "", err
	}
	if res.Type == "exception" && res.ExceptionDetails != nil {
		return "", fmt.Errorf("exception: %s", res.ExceptionDetails.Text)
	}
	var s string
	if res.Result.Type != "string" || json.Unmarshal(res.Result.Value, &s) != nil {
		return "", fmt.Errorf("expected a string, got %s %s", res.Result.Type, res.Result.Value)
	}
	return s, nil
}

// channelObserverJS runs once in the chrome scope. For every HTTP channel
// it keeps what DevTools' network monitor keeps, read with DevTools' own
// functions: request headers and cookies, response header lines as
// received and their cookies, the request body, status, HTTP version,
// remote address and priority. Records are keyed by the ChannelWrapper id,
// which BiDi's request ids start with, and the hop's method and URL; the
// recorder takes them by URL.
// It also listens to the console service for Firefox's CORS messages,
// which carry their key as category.
const channelObserverJS = `(() => {
  if (globalThis.__harcors) return "ok";
  const { NetworkUtils } = ChromeUtils.importESModule("resource://devtools/shared/network-observer/NetworkUtils.sys.mjs");
  const { NetworkHelper } = ChromeUtils.importESModule("resource://devtools/shared/network-observer/NetworkHelper.sys.mjs");
  const recs = new Map();
  const safe = f => { try { return f(); } catch (e) { return undefined; } };
  const record = ch => {
    // A redirect's new channel keeps the ChannelWrapper id of the first
    // (as webRequest's requestId does), so the id alone would let the
    // last hop overwrite every earlier hop's headers: a 302 would lose
    // its Location. Each hop is its own record, as in DevTools.
    const id = ChannelWrapper.get(ch).id, key = id + " " + ch.requestMethod + " " + ch.URI.spec;
    let r = recs.get(key);
    if (!r) {
      r = {id, url: ch.URI.spec, method: ch.requestMethod};
      recs.set(key, r);
      if (recs.size > 5000) recs.delete(recs.keys().next().value);
    }
    return r;
  };
  const request = (r, ch) => {
    const { headers, cookies } = NetworkUtils.fetchRequestHeadersAndCookies(ch);
    r.requestHeaders = headers;
    r.requestCookies = cookies;
    if (r.postData === undefined) {
      const p = safe(() => NetworkHelper.readPostDataFromRequest(ch, "UTF-8"));
      r.postData = p ? p.data : null;
    }
    const prio = safe(() => NetworkUtils.getChannelPriority(ch));
    if (Number.isInteger(prio)) r.priority = prio;
  };
  const obs = { observe(subject, topic) {
    try {
      const ch = subject.QueryInterface(Ci.nsIHttpChannel);
      if (!/^https?:/.test(ch.URI.spec)) return;
      const r = record(ch);
      if (topic == "http-on-modify-request") {
        request(r, ch);
        return;
      }
      if (topic == "http-on-stop-request" || topic == "http-on-failed-opening-request") {
        // A channel refused before it was sent gets its headers here; a
        // sent one keeps those DevTools saw when it went out: once a
        // redirect was refused, the old channel's header list is cut down.
        if (!r.responseHeaders && !r.requestHeaders) request(r, ch);
        return;
      }
      const { headers, cookies } = NetworkUtils.fetchResponseHeadersAndCookies(ch);
      r.responseHeaders = headers;
      r.responseCookies = cookies;
      r.status = ch.responseStatus;
      r.statusText = ch.responseStatusText;
      r.httpVersion = safe(() => NetworkUtils.getHttpVersion(ch)) || "";
      const internal = safe(() => ch.QueryInterface(Ci.nsIHttpChannelInternal));
      r.remoteAddress = safe(() => internal.remoteAddress) || "";
      r.remotePort = safe(() => internal.remotePort) || 0;
      request(r, ch);
    } catch (e) {}
  } };
  for (const t of ["http-on-modify-request", "http-on-examine-response", "http-on-examine-cached-response",
                   "http-on-examine-merged-response", "http-on-stop-request", "http-on-failed-opening-request"]) {
    Services.obs.addObserver(obs, t);
  }
  // Firefox logs each CORS failure with its security.properties key as
  // the category, in this (parent) process without the page's window;
  // the copy the page's console shows, and BiDi's log.entryAdded carries,
  // has no category.
  const msgs = [];
  Services.console.registerListener({ observe(m) {
    try {
      if (!(m instanceof Ci.nsIScriptError) || !String(m.category).startsWith("CORS")) return;
      msgs.push({text: m.errorMessage, category: m.category, warning: (m.flags & Ci.nsIScriptError.warningFlag) != 0,
                 timeStamp: m.timeStamp, innerWindowID: m.innerWindowID});
      if (msgs.length > 5000) msgs.shift();
    } catch (e) {}
  } });
  globalThis.__harcors = { messages(since) {
    return JSON.stringify(msgs.filter(m => m.timeStamp >= since));
  }, take(urls) {
    const want = new Set(urls), out = [];
    for (const [id, r] of recs) {
      if (want.has(r.url)) { out.push(r); recs.delete(id); }
    }
    return JSON.stringify(out);
  } };
  return "ok";
})()`

// channelRecord is one channel as channelObserverJS saw it.
type channelRecord struct {
	ID              int           `json:"id"`
	URL             string        `json:"url"`
	Method          string        `json:"method"`
	RequestHeaders  []Header      `json:"requestHeaders"`
	RequestCookies  []ffCookie    `json:"requestCookies"`
	ResponseHeaders []Header      `json:"responseHeaders"`
	ResponseCookies []ffSetCookie `json:"responseCookies"`
	PostData        *string       `json:"postData"`
	Status          int           `json:"status"`
	StatusText      string        `json:"statusText"`
	HTTPVersion     string        `json:"httpVersion"`
	RemoteAddress   string        `json:"remoteAddress"`
	RemotePort      int           `json:"remotePort"`
	Priority        *int          `json:"priority"`
}

// parentMessage is a CORS message as the console service got it in the
// parent process.
type parentMessage struct {
	Text          string  `json:"text"`
	Category      string  `json:"category"` // the security.properties key
	Warning       bool    `json:"warning"`
	TimeStamp     float64 `json:"timeStamp"`
	InnerWindowID int64   `json:"innerWindowID"`
}

type ffCookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ffSetCookie is NetworkHelper.parseSetCookieHeaders' cookie object, whose
// keys appear only when the attribute was there.
type ffSetCookie = json.RawMessage

// ffMessage is one CORS console message of Firefox's, from its own
// security.properties: the key and a pattern for the English text with
// the URL (%1$S) and the parameter (%2$S) as groups.
type ffMessage struct {
	Key string
	re  *regexp.Regexp
}

// loadFirefoxMessages reads the CORS* messages from the installed
// Firefox's en-US security.properties, so that console lines are mapped to
// their keys by the browser's own table, not by a copy that can go stale.
func loadFirefoxMessages(omni string) ([]ffMessage, error) {
	zr, err := zip.OpenReader(omni)
	if err != nil {
		return nil, fmt.Errorf("read Firefox's strings: %w", err)
	}
	defer zr.Close()
	const name = "chrome/en-US/locale/en-US/global/security/security.properties"
	for _, zf := range zr.File {
		if zf.Name != name {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		return parseFirefoxMessages(data)
	}
	return nil, fmt.Errorf("%s: no %s", omni, name)
}

func parseFirefoxMessages(data []byte) ([]ffMessage, error) {
	var msgs []ffMessage
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		k, v, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(k, "CORS") {
			continue
		}
		p := regexp.QuoteMeta(strings.TrimSpace(v))
		p = strings.ReplaceAll(p, `%1\$S`, `(.*?)`)
		p = strings.ReplaceAll(p, `%2\$S`, `(.*?)`)
		re, err := regexp.Compile("^" + p + "$")
		if err != nil {
			return nil, fmt.Errorf("security.properties %s: %w", k, err)
		}
		msgs = append(msgs, ffMessage{Key: strings.TrimSpace(k), re: re})
	}
	if len(msgs) == 0 {
		return nil, errors.New("security.properties has no CORS messages")
	}
	return msgs, nil
}

// classify finds the key of a console line, and the URL it names.
func classifyFirefox(msgs []ffMessage, text string) (key, url, param string) {
	for _, m := range msgs {
		if g := m.re.FindStringSubmatch(text); g != nil {
			if len(g) > 1 {
				url = g[1]
			}
			if len(g) > 2 {
				param = g[2]
			}
			return m.Key, url, param
		}
	}
	return "", "", ""
}

// tailBuffer keeps the last max bytes written to it, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append([]byte(nil), t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.b))
}

// BiDi event payloads, as much of them as the recorder reads.
type bidiNetEvent struct {
	Context       *string         `json:"context"`
	RedirectCount int             `json:"redirectCount"`
	Timestamp     float64         `json:"timestamp"`
	Request       bidiRequestData `json:"request"`
	Response      *bidiResponse   `json:"response"`
	ErrorText     string          `json:"errorText"`
}

type bidiRequestData struct {
	Request       string       `json:"request"`
	URL           string       `json:"url"`
	Method        string       `json:"method"`
	BodySize      *float64     `json:"bodySize"`
	HeadersSize   float64      `json:"headersSize"`
	Headers       []bidiHeader `json:"headers"`
	Destination   string       `json:"destination"`
	InitiatorType *string      `json:"initiatorType"`
	Timings       bidiTimings  `json:"timings"`
}

type bidiTimings struct {
	RequestTime   float64 `json:"requestTime"`
	FetchStart    float64 `json:"fetchStart"`
	DNSStart      float64 `json:"dnsStart"`
	DNSEnd        float64 `json:"dnsEnd"`
	ConnectStart  float64 `json:"connectStart"`
	ConnectEnd    float64 `json:"connectEnd"`
	TLSStart      float64 `json:"tlsStart"`
	TLSEnd        float64 `json:"tlsEnd"`
	RequestStart  float64 `json:"requestStart"`
	ResponseStart float64 `json:"responseStart"`
	ResponseEnd   float64 `json:"responseEnd"`
}

type bidiResponse struct {
	URL           string       `json:"url"`
	Protocol      string       `json:"protocol"`
	Status        int          `json:"status"`
	StatusText    string       `json:"statusText"`
	FromCache     bool         `json:"fromCache"`
	Headers       []bidiHeader `json:"headers"`
	MimeType      string       `json:"mimeType"`
	BytesReceived float64      `json:"bytesReceived"`
	HeadersSize   float64      `json:"headersSize"`
	BodySize      float64      `json:"bodySize"`
}

type bidiHeader struct {
	Name  string `json:"name"`
	Value struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"value"`
}

func bidiHeaders(hs []bidiHeader) []Header {
	out := make([]Header, 0, len(hs))
	for _, h := range hs {
		out = append(out, Header{Name: h.Name, Value: h.Value.Value})
	}
	return out
}

type bidiLogEvent struct {
	Type   string `json:"type"`
	Level  string `json:"level"`
	Text   string `json:"text"`
	Source struct {
		Context string `json:"context"`
	} `json:"source"`
	Timestamp float64 `json:"timestamp"`
}

type bidiContextEvent struct {
	Context   string  `json:"context"`
	Timestamp float64 `json:"timestamp"`
	URL       string  `json:"url"`
}

// ffTab is what one tab recorded.
type ffTab struct {
	mu      sync.Mutex
	reqs    map[string]*ffRequest
	order   []string
	logs    []bidiLogEvent
	dcl     float64 // DOMContentLoaded timestamp of the page
	load    float64
	skipLog int // log entries before the scenario started
}

// ffRequest is one BiDi request: one id for a request and its redirect
// hops.
type ffRequest struct {
	id            string
	initiatorType string // "fetch", "xmlhttprequest"; "" for preflights
	hops          []*ffHop
	errorText     string // network.fetchError
	failed        bool
}

type ffHop struct {
	redirectCount int
	req           bidiRequestData // the latest request data seen
	start         float64         // beforeRequestSent timestamp
	resp          *bidiResponse
	completed     bool
	rec           *channelRecord
}

func (r *ffRequest) ended() bool {
	if r.failed {
		return true
	}
	last := r.hops[len(r.hops)-1]
	return last.completed
}

func (r *ffRequest) isPreflight() bool {
	h := r.hops[0]
	if h.req.Method != "OPTIONS" || r.initiatorType != "" {
		return false
	}
	_, ok := headerValue(bidiHeaders(h.req.Headers), "Access-Control-Request-Method")
	return ok
}

// event routes one BiDi event to its tab.
func (f *Firefox) event(method string, params json.RawMessage) {
	if os.Getenv("HARCORS_DEBUG") != "" {
		fmt.Fprintf(os.Stderr, "%s %s\n", method, params)
	}
	switch {
	case strings.HasPrefix(method, "network."):
		var ev bidiNetEvent
		if json.Unmarshal(params, &ev) != nil || ev.Context == nil {
			return
		}
		if t := f.tab(*ev.Context); t != nil {
			t.network(method, &ev)
		}
	case method == "log.entryAdded":
		var ev bidiLogEvent
		if json.Unmarshal(params, &ev) != nil {
			return
		}
		if t := f.tab(ev.Source.Context); t != nil {
			t.mu.Lock()
			t.logs = append(t.logs, ev)
			t.mu.Unlock()
		}
	case method == "browsingContext.domContentLoaded" || method == "browsingContext.load":
		var ev bidiContextEvent
		if json.Unmarshal(params, &ev) != nil {
			return
		}
		if t := f.tab(ev.Context); t != nil {
			t.mu.Lock()
			if method == "browsingContext.load" {
				t.load = ev.Timestamp
			} else {
				t.dcl = ev.Timestamp
			}
			t.mu.Unlock()
		}
	}
}

func (f *Firefox) tab(id string) *ffTab {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tabs[id]
}

func (t *ffTab) network(method string, ev *bidiNetEvent) {
	t.mu.Lock()
	defer t.mu.Unlock()
	id := ev.Request.Request
	r := t.reqs[id]
	if r == nil {
		if method != "network.beforeRequestSent" {
			return
		}
		r = &ffRequest{id: id}
		if ev.Request.InitiatorType != nil {
			r.initiatorType = *ev.Request.InitiatorType
		}
		t.reqs[id] = r
		t.order = append(t.order, id)
	}
	var hop *ffHop
	for _, h := range r.hops {
		if h.redirectCount == ev.RedirectCount {
			hop = h
		}
	}
	if hop == nil {
		hop = &ffHop{redirectCount: ev.RedirectCount, start: ev.Timestamp}
		r.hops = append(r.hops, hop)
	}
	hop.req = ev.Request
	switch method {
	case "network.responseStarted":
		hop.resp = ev.Response
	case "network.responseCompleted":
		hop.resp = ev.Response
		hop.completed = true
	case "network.fetchError":
		r.failed = true
		r.errorText = ev.ErrorText
	}
}

// runScenario records one scenario in a tab of its own, in a user context
// of its own (its own cookie jar and preflight cache).
func (f *Firefox) runScenario(parent context.Context, s *Scenario) (*tabResult, error) {
	ctx, cancel := context.WithTimeout(parent, 60*time.Second)
	defer cancel()
	var uc struct {
		UserContext string `json:"userContext"`
	}
	if err := f.bidi.Call(ctx, "browser.createUserContext", nil, &uc); err != nil {
		return nil, err
	}
	defer f.bidi.Call(context.Background(), "browser.removeUserContext", map[string]any{"userContext": uc.UserContext}, nil)
	var bc struct {
		Context string `json:"context"`
	}
	if err := f.bidi.Call(ctx, "browsingContext.create", map[string]any{"type": "tab", "userContext": uc.UserContext, "background": true}, &bc); err != nil {
		return nil, err
	}
	t := &ffTab{reqs: map[string]*ffRequest{}}
	f.mu.Lock()
	f.tabs[bc.Context] = t
	f.mu.Unlock()
	defer func() {
		f.bidi.Call(context.Background(), "browsingContext.close", map[string]any{"context": bc.Context}, nil)
		f.mu.Lock()
		delete(f.tabs, bc.Context)
		f.mu.Unlock()
	}()
	if err := f.bidi.Call(ctx, "browsingContext.navigate", map[string]any{"context": bc.Context, "url": s.Page() + "/", "wait": "complete"}, nil); err != nil {
		return nil, fmt.Errorf("load the page: %w", err)
	}
	// Everything from here on belongs to the scenario.
	t.mu.Lock()
	skip := map[string]bool{}
	for _, id := range t.order {
		skip[id] = true
	}
	var docStart float64
	for _, id := range t.order {
		if r := t.reqs[id]; r.hops[0].req.Destination == "document" {
			docStart = r.hops[0].req.Timings.RequestTime
			break
		}
	}
	t.skipLog = len(t.logs)
	t.mu.Unlock()

	since := time.Now().Add(-time.Second).UnixMilli()
	idJS, _ := json.Marshal(s.ID())
	notesJSON, err := f.evaluate(ctx, bc.Context, "__run("+string(idJS)+")", true)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", s.ID(), err)
	}
	var notes []note
	if err := json.Unmarshal([]byte(notesJSON), &notes); err != nil {
		return nil, fmt.Errorf("run %s: notes: %v (%q)", s.ID(), err, notesJSON)
	}

	// The promises have settled, but events (a fetchError, the console
	// line) can still be on their way: wait until every request has ended
	// and nothing new arrived for a short while.
	deadline := time.Now().Add(10 * time.Second)
	last, quiet := -1, 0
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		t.mu.Lock()
		open, count := 0, len(t.logs)
		for _, id := range t.order {
			r := t.reqs[id]
			count += len(r.hops)
			if r.failed {
				count++
			}
			if !skip[id] && !r.ended() {
				open++
			}
			for _, h := range r.hops {
				if h.completed {
					count++
				}
			}
		}
		t.mu.Unlock()
		if open == 0 && count == last {
			if quiet++; quiet >= 3 {
				break
			}
		} else {
			quiet = 0
		}
		last = count
	}

	// DevTools' view of each channel, from the chrome-scope observer.
	t.mu.Lock()
	urlSet := map[string]bool{}
	for _, id := range t.order {
		if skip[id] {
			continue
		}
		for _, h := range t.reqs[id].hops {
			urlSet[h.req.URL] = true
		}
	}
	t.mu.Unlock()
	var urls []string
	for u := range urlSet {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	urlsJS, _ := json.Marshal(urls)
	recJSON, err := f.evaluate(ctx, f.chrome, "globalThis.__harcors.take("+string(urlsJS)+")", false)
	if err != nil {
		return nil, fmt.Errorf("read the channel records: %w", err)
	}
	var recs []*channelRecord
	if err := json.Unmarshal([]byte(recJSON), &recs); err != nil {
		return nil, fmt.Errorf("channel records: %w", err)
	}

	msgJSON, err := f.evaluate(ctx, f.chrome, fmt.Sprintf("globalThis.__harcors.messages(%d)", since), false)
	if err != nil {
		return nil, fmt.Errorf("read the console messages: %w", err)
	}
	var msgs []parentMessage
	if err := json.Unmarshal([]byte(msgJSON), &msgs); err != nil {
		return nil, fmt.Errorf("console messages: %w", err)
	}

	t.mu.Lock()
	defer t.mu.Unlock()
	return f.assemble(s, t, skip, docStart, notes, recs, msgs)
}
