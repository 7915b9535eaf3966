package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium; the recorder never downloads a browser.
const chromiumPath = "/usr/bin/chromium"

// Browser is one headless Chromium for a whole recording run.
type Browser struct {
	ctx     context.Context
	cancel  func()
	Version string // "Chromium 156.0.8078.73"
	WebKit  string // the AppleWebKit token of the user agent, "537.36"
	dataDir string
}

// startBrowser launches Chromium with the flags this machine needs: as root it
// needs --no-sandbox, and without the background-networking flags Chromium
// keeps trying to reach Google's hosts through a network that is closed. A
// fresh user-data-dir means an empty HTTP cache, preflight cache and cookie
// jar for every run.
func startBrowser(parent context.Context) (*Browser, error) {
	dir, err := os.MkdirTemp("", "harcors-chromium-")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("mute-audio", true),
		// Headless Chromium 156 preloads the address bar's suggestion
		// popup as WebUI pages, whose renderer kept a sixth of a core
		// busy while the browser sat idle (360 ms of CPU in 2 s): on two
		// cores, CPU taken from the pages under test.
		chromedp.Flag("disable-features", "WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup"),
		chromedp.Flag("ip-address-space-overrides", "127.0.0.1:8809=public"),
		// The https page's certificate is made for the run, and
		// mixedHost is an untrustworthy name for 127.0.0.1.
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.Flag("host-resolver-rules", "MAP "+mixedHost+" 127.0.0.1"),
		chromedp.UserDataDir(dir),
	}
	// HARCORS_JS_FLAGS passes flags to V8 for a measurement (see the
	// README: --no-wasm-dynamic-tiering, --liftoff-only).
	if f := os.Getenv("HARCORS_JS_FLAGS"); f != "" {
		opts = append(opts, chromedp.Flag("js-flags", f))
	}
	// HARCORS_BROWSER_OUT names a file for what the browser prints (V8's
	// traces among it), each line after the time it came, in milliseconds
	// since the epoch as the page's timing marks are: see TestWebPageLarge.
	var out *os.File
	if f := os.Getenv("HARCORS_BROWSER_OUT"); f != "" {
		if out, err = os.Create(f); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		opts = append(opts, chromedp.CombinedOutput(&stampedLines{w: out}))
	}
	actx, acancel := chromedp.NewExecAllocator(parent, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	b := &Browser{ctx: bctx, dataDir: dir}
	b.cancel = func() {
		bcancel()
		acancel()
		if out != nil {
			out.Close()
		}
		os.RemoveAll(dir)
	}
	if err := chromedp.Do(bctx); err != nil {
		b.cancel()
		return nil, fmt.Errorf("start %s: %w", chromiumPath, err)
	}
	v, err := chromedp.CallBrowser(bctx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		b.cancel()
		return nil, fmt.Errorf("Browser.getVersion: %w", err)
	}
	_, ver, _ := strings.Cut(v.Product, "/")
	b.Version = "Chromium " + ver
	if m := regexp.MustCompile(`AppleWebKit/([^ ]+)`).FindStringSubmatch(v.UserAgent); m != nil {
		b.WebKit = m[1]
	} else {
		b.WebKit = "n/a"
	}
	return b, nil
}

func (b *Browser) Close() { b.cancel() }

// stampedLines writes each line it is given after the time it came (Unix
// milliseconds and a space). The browser's output comes in whole lines.
type stampedLines struct{ w *os.File }

func (s *stampedLines) Write(p []byte) (int, error) {
	now := time.Now().UnixMilli()
	for line := range strings.Lines(string(p)) {
		if _, err := fmt.Fprintf(s.w, "%d %s", now, line); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// tabEvents collects the raw protocol events of one tab.
type tabEvents struct {
	mu      sync.Mutex
	log     *requestLog
	console []consoleLine
	issues  []issueLine
	wg      sync.WaitGroup
}

type consoleLine struct {
	Text      string
	URL       string
	RequestID string
}

type issueLine struct {
	Text      string
	RequestID string
	URL       string
}

var networkMethods = []string{
	"Network.requestWillBeSent",
	"Network.requestWillBeSentExtraInfo",
	"Network.responseReceived",
	"Network.responseReceivedExtraInfo",
	"Network.dataReceived",
	"Network.requestServedFromCache",
	"Network.loadingFinished",
	"Network.loadingFailed",
	"Log.entryAdded",
	"Runtime.exceptionThrown",
	"Audits.issueAdded",
	"Page.domContentEventFired",
	"Page.loadEventFired",
}

// subscribe starts one raw subscription per method. Each method's events
// arrive in order, which is all the HAR builder needs: ExtraInfo events are
// matched to redirect hops by their order within one method, as in
// DevTools' ExtraInfoBuilder.
func (t *tabEvents) subscribe(target *chromedp.Target) (stop func()) {
	var stops []func()
	for _, m := range networkMethods {
		ch, unsub := target.Subscribe(m)
		stops = append(stops, unsub)
		t.wg.Add(1)
		go func(method string) {
			defer t.wg.Done()
			for raw := range ch {
				t.add(method, raw)
			}
		}(m)
	}
	return func() {
		for _, s := range stops {
			s()
		}
		t.wg.Wait()
	}
}

func (t *tabEvents) add(method string, raw []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if os.Getenv("HARCORS_DEBUG") != "" {
		fmt.Fprintf(os.Stderr, "%s %s\n", method, raw)
	}
	l := t.log
	switch method {
	case "Network.requestWillBeSent":
		var ev evRequestWillBeSent
		if json.Unmarshal(raw, &ev) == nil {
			if _, seen := l.willBeSent[ev.RequestID]; !seen {
				l.order = append(l.order, ev.RequestID)
			}
			l.willBeSent[ev.RequestID] = append(l.willBeSent[ev.RequestID], &ev)
		}
	case "Network.requestWillBeSentExtraInfo":
		var ev evRequestWillBeSentExtraInfo
		if json.Unmarshal(raw, &ev) == nil {
			l.reqExtra[ev.RequestID] = append(l.reqExtra[ev.RequestID], &ev)
		}
	case "Network.responseReceived":
		var ev evResponseReceived
		if json.Unmarshal(raw, &ev) == nil {
			l.response[ev.RequestID] = &ev
		}
	case "Network.responseReceivedExtraInfo":
		var ev evResponseReceivedExtraInfo
		if json.Unmarshal(raw, &ev) == nil {
			l.respExtra[ev.RequestID] = append(l.respExtra[ev.RequestID], &ev)
		}
	case "Network.dataReceived":
		var ev evDataReceived
		if json.Unmarshal(raw, &ev) == nil {
			l.data[ev.RequestID] = append(l.data[ev.RequestID], &ev)
		}
	case "Network.requestServedFromCache":
		var ev evRequestServedFromCache
		if json.Unmarshal(raw, &ev) == nil {
			l.fromCache[ev.RequestID] = true
		}
	case "Network.loadingFinished":
		var ev evLoadingFinished
		if json.Unmarshal(raw, &ev) == nil {
			l.finished[ev.RequestID] = &ev
		}
	case "Network.loadingFailed":
		var ev evLoadingFailed
		if json.Unmarshal(raw, &ev) == nil {
			l.failed[ev.RequestID] = &ev
		}
	case "Log.entryAdded":
		var ev evLogEntryAdded
		if json.Unmarshal(raw, &ev) == nil {
			t.console = append(t.console, consoleLine{ev.Entry.Text, ev.Entry.URL, ev.Entry.NetworkRequestID})
		}
	case "Runtime.exceptionThrown":
		var ev evExceptionThrown
		if json.Unmarshal(raw, &ev) == nil {
			text := ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				text += " " + ev.ExceptionDetails.Exception.Description
			}
			t.console = append(t.console, consoleLine{Text: text})
		}
	case "Audits.issueAdded":
		var ev evIssueAdded
		if json.Unmarshal(raw, &ev) == nil {
			t.issues = append(t.issues, describeIssue(&ev))
		}
	case "Page.domContentEventFired":
		var ev evPageTimestamp
		if json.Unmarshal(raw, &ev) == nil && l.domContent == 0 {
			l.domContent = ev.Timestamp
		}
	case "Page.loadEventFired":
		var ev evPageTimestamp
		if json.Unmarshal(raw, &ev) == nil && l.load == 0 {
			l.load = ev.Timestamp
		}
	}
}

// describeIssue writes an Audits issue as one line: its code, then the
// fields that say what went wrong.
func describeIssue(ev *evIssueAdded) issueLine {
	is := ev.Issue
	d := is.Details
	switch {
	case d.CorsIssueDetails != nil:
		c := d.CorsIssueDetails
		s := "CorsIssue: " + c.CorsErrorStatus.CorsError
		if c.CorsErrorStatus.FailedParameter != "" {
			s += " failedParameter=" + c.CorsErrorStatus.FailedParameter
		}
		if c.IsWarning {
			s += " (warning)"
		}
		return issueLine{s, c.Request.RequestID, c.Request.URL}
	case d.DeprecationIssueDetails != nil:
		return issueLine{Text: "DeprecationIssue: " + d.DeprecationIssueDetails.Type}
	case d.CookieIssueDetails != nil:
		c := d.CookieIssueDetails
		s := "CookieIssue: " + c.Operation
		for _, r := range c.CookieExclusionReasons {
			s += " " + r
		}
		for _, r := range c.CookieWarningReasons {
			s += " " + r
		}
		if c.RawCookieLine != "" {
			s += " (" + c.RawCookieLine + ")"
		}
		l := issueLine{Text: s}
		if c.Request != nil {
			l.RequestID, l.URL = c.Request.RequestID, c.Request.URL
		}
		return l
	case d.GenericIssueDetails != nil:
		return issueLine{Text: "GenericIssue: " + d.GenericIssueDetails.ErrorType, RequestID: d.GenericIssueDetails.RequestID}
	}
	return issueLine{Text: is.Code}
}

// note is what harness.js recorded for one page-initiated request.
type note struct {
	URL         string `json:"url"`
	Method      string `json:"method"`
	Mode        string `json:"mode"`
	Credentials string `json:"credentials"`
	JS          string `json:"js"`
	API         string `json:"api"`
}

// tabResult is everything recorded for one scenario.
type tabResult struct {
	HAR     any // harFile for Chromium; the Firefox export's ordered JSON
	Verdict Verdict
}

// runScenario opens a fresh browser context (its own cookie jar and
// preflight cache) with one tab, loads the page, runs the scenario and waits
// until every request it started has finished or failed.
func (b *Browser) runScenario(s *Scenario) (*tabResult, error) {
	var opts []chromedp.ContextOption
	if len(s.Grant) > 0 {
		opts = append(opts, chromedp.WithNewBrowserContext())
	}
	ctx, cancel := chromedp.NewContext(b.ctx, opts...)
	defer cancel()
	ctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	defer tcancel()
	if err := chromedp.Do(ctx); err != nil {
		return nil, err
	}
	if len(s.Grant) > 0 {
		for _, g := range s.Grant {
			_, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
				Permission:       &browser.PermissionDescriptor{Name: g},
				Setting:          browser.PermissionSettingGranted,
				Origin:           s.Page(),
				BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
			})
			if err != nil {
				return nil, fmt.Errorf("grant %s: %w", g, err)
			}
		}
	}
	ev := &tabEvents{log: newRequestLog()}
	stop := ev.subscribe(chromedp.FromContext(ctx).Target)
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()
	// The domains DevTools enables when its Network panel and console are
	// open. Network.enable is also what makes Chrome send the ExtraInfo
	// events with the raw headers. The Debugger domain gives script
	// initiators their stack, as in DevTools.
	for _, m := range []string{"Network.enable", "Log.enable", "Audits.enable", "Debugger.enable", "Page.enable", "Runtime.enable"} {
		params := any(map[string]any{})
		if m == "Network.enable" {
			params = map[string]any{"maxPostDataSize": 65536}
		}
		if err := chromedp.FromContext(ctx).Target.Call(ctx, m, params, nil); err != nil {
			return nil, fmt.Errorf("%s: %w", m, err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(s.Page()+"/")); err != nil {
		return nil, fmt.Errorf("load the page: %w", err)
	}
	// Everything from here on belongs to the scenario.
	ev.mu.Lock()
	skip := map[string]bool{}
	for _, id := range ev.log.order {
		skip[id] = true
	}
	if len(ev.log.order) > 0 {
		ev.log.documentID = ev.log.order[0]
	}
	ev.mu.Unlock()

	yes := true
	res, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{
		Expression:    fmt.Sprintf("__run(%q)", s.ID()),
		AwaitPromise:  &yes,
		ReturnByValue: &yes,
	})
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", s.ID(), err)
	}
	if res.ExceptionDetails != nil {
		return nil, fmt.Errorf("run %s: %s", s.ID(), res.ExceptionDetails.Text)
	}
	var notesJSON string
	if res.Result != nil {
		_ = json.Unmarshal(res.Result.Value, &notesJSON)
	}
	var notes []note
	if err := json.Unmarshal([]byte(notesJSON), &notes); err != nil {
		return nil, fmt.Errorf("run %s: notes: %v (%q)", s.ID(), err, notesJSON)
	}

	// The promise has settled, but DevTools events (loadingFailed, issues,
	// console lines) can still be on their way: wait until every request has
	// ended and nothing new arrived for a short while.
	deadline := time.Now().Add(10 * time.Second)
	lastCount := -1
	quiet := 0
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		ev.mu.Lock()
		open := 0
		for _, id := range ev.log.order {
			if skip[id] {
				continue
			}
			if ev.log.finished[id] == nil && ev.log.failed[id] == nil {
				open++
			}
		}
		count := len(ev.console) + len(ev.issues) + len(ev.log.order) + len(ev.log.finished) + len(ev.log.failed)
		ev.mu.Unlock()
		if open == 0 && count == lastCount {
			quiet++
			if quiet >= 3 {
				break
			}
		} else {
			quiet = 0
		}
		lastCount = count
	}
	stop()
	stopped = true

	return b.assemble(s, ev, skip, notes)
}

// assemble builds the HAR and the verdict of one scenario from its events.
func (b *Browser) assemble(s *Scenario, ev *tabEvents, skip map[string]bool, notes []note) (*tabResult, error) {
	l := ev.log
	seq := 0
	var all []*netRequest
	byID := map[string][]*netRequest{}
	var doc *netRequest
	for _, id := range l.order {
		hops := l.build(id, &seq)
		byID[id] = hops
		if id == l.documentID && len(hops) > 0 {
			doc = hops[0]
		}
		if skip[id] {
			continue
		}
		t := l.kind(id)
		// The page document, its scripts and favicon are left out; the HAR
		// holds what the scenario's JS caused: fetch/XHR requests, their
		// redirect hops and their preflights.
		if t != "Fetch" && t != "XHR" && t != "Preflight" {
			continue
		}
		all = append(all, hops...)
	}
	var page *harPage
	if doc != nil && len(all) > 0 {
		// Log.convertPage: the page's start is the main request's start
		// time, turned into wall time through the first exported request.
		first := all[0]
		for _, r := range all {
			if r.issueTime < first.issueTime {
				first = r
			}
		}
		start := doc.getStartTime()
		ev := func(t float64) jsNum {
			if t == 0 || start == -1 {
				return -1
			}
			return jsNum(toMS(t - start))
		}
		page = &harPage{
			StartedDateTime: jsDateJSON(first.pseudoWallTime(start)),
			ID:              "page_1",
			Title:           s.Page() + "/",
			PageTimings:     harPageTimings{OnContentLoad: ev(l.domContent), OnLoad: ev(l.load)},
		}
	}
	h := harOf(all, page, b.WebKit)
	v := buildVerdict(s, b.Version, l, byID, skip, notes, ev.console, ev.issues)
	v.HAREntries = len(h.Log.Entries)
	return &tabResult{HAR: h, Verdict: v}, nil
}
