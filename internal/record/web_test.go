package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/hargen"
	"github.com/harcors/harcors/report"
)

// The HTML report (--format html) and the web page (web/) in real
// Chromium: what a reader's browser makes of them, not what the Go side
// meant to write.

// needChromium skips the test without Chromium, except in CI.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if inCI() {
			t.Fatalf("CI=true but no Chromium at %s: run .ci/install-stacks.sh", chromiumPath)
		}
		t.Skipf("no Chromium at %s (apt-get install chromium); set CI=true to make this a failure", chromiumPath)
	}
}

// pageGroup is one group as a report shows it: its rule and its count of
// requests.
type pageGroup struct {
	Rule  string `json:"rule"`
	Count int    `json:"count"`
}

// jsonGroups is what harcors' JSON says of results' groups, file after
// file, at the HTML report's default severity.
func jsonGroups(t *testing.T, results []*analyze.Result) []pageGroup {
	t.Helper()
	var buf bytes.Buffer
	opt := report.Options{Format: report.JSON, MinSeverity: report.DefaultMinSeverity(report.HTML)}
	if err := report.Render(&buf, results, opt); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Files []struct {
			Groups *[]struct {
				Rule     string `json:"rule"`
				Requests int    `json:"requests"`
			} `json:"groups"`
		} `json:"files"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	gs := []pageGroup{}
	for _, f := range doc.Files {
		if f.Groups == nil {
			t.Fatal("the JSON report has no files[].groups")
		}
		for _, g := range *f.Groups {
			gs = append(gs, pageGroup{g.Rule, g.Requests})
		}
	}
	return gs
}

// reportFixtures are every committed HAR.
func reportFixtures(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("../../testdata/hars", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".har") || strings.HasSuffix(p, ".har.gz")) {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 100 {
		t.Fatalf("only %d fixtures under testdata/hars", len(files))
	}
	return files
}

// tab is one browser tab with the events a test checks.
type tab struct {
	ctx    context.Context
	mu     sync.Mutex
	urls   []string // every request the tab (or its worker) started
	errors []string // console errors, exceptions, policy violations
	stop   func()
}

func openTab(t *testing.T, parent context.Context, offline bool) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	tb := &tab{ctx: ctx}
	target := chromedp.FromContext(ctx).Target
	var stops []func()
	var wg sync.WaitGroup
	for _, m := range []string{"Network.requestWillBeSent", "Log.entryAdded", "Runtime.exceptionThrown", "Runtime.consoleAPICalled"} {
		ch, unsub := target.Subscribe(m)
		stops = append(stops, unsub)
		wg.Add(1)
		go func(method string) {
			defer wg.Done()
			for raw := range ch {
				tb.event(method, raw)
			}
		}(m)
	}
	for _, m := range []string{"Network.enable", "Log.enable", "Runtime.enable", "Page.enable"} {
		if err := target.Call(ctx, m, map[string]any{}, nil); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
	}
	if offline {
		err := target.Call(ctx, "Network.emulateNetworkConditions", map[string]any{
			"offline": true, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}, nil)
		if err != nil {
			t.Fatalf("Network.emulateNetworkConditions: %v", err)
		}
	}
	tb.stop = func() {
		for _, s := range stops {
			s()
		}
		wg.Wait()
		cancel()
	}
	t.Cleanup(tb.stop)
	return tb
}

func (tb *tab) event(method string, raw []byte) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch method {
	case "Network.requestWillBeSent":
		var ev struct{ Request struct{ URL string } }
		if json.Unmarshal(raw, &ev) == nil {
			tb.urls = append(tb.urls, ev.Request.URL)
		}
	case "Log.entryAdded":
		var ev struct {
			Entry struct{ Level, Source, Text, URL string }
		}
		if json.Unmarshal(raw, &ev) == nil && (ev.Entry.Level == "error" || ev.Entry.Source == "security") {
			tb.errors = append(tb.errors, ev.Entry.Source+": "+ev.Entry.Text)
		}
	case "Runtime.exceptionThrown":
		tb.errors = append(tb.errors, "exception: "+string(raw))
	case "Runtime.consoleAPICalled":
		var ev struct{ Type string }
		if json.Unmarshal(raw, &ev) == nil && ev.Type == "error" {
			tb.errors = append(tb.errors, "console.error: "+string(raw))
		}
	}
}

// reset forgets the events so far, and returns them.
func (tb *tab) reset() (urls, errors []string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	urls, errors = tb.urls, tb.errors
	tb.urls, tb.errors = nil, nil
	return
}

// eval runs expr in the page, awaiting a promise, and decodes its value.
func (tb *tab) eval(expr string, out any) error {
	yes := true
	res, err := chromedp.Call(tb.ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: expr, AwaitPromise: &yes, ReturnByValue: &yes})
	if err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		msg := res.ExceptionDetails.Text
		if res.ExceptionDetails.Exception != nil {
			msg += " " + res.ExceptionDetails.Exception.Description
		}
		return fmt.Errorf("%s", msg)
	}
	if out == nil || res.Result == nil {
		return nil
	}
	return json.Unmarshal(res.Result.Value, out)
}

// reportCheck reads the groups of the report in the document doc (a JS
// expression) and what in it must not be there.
const reportCheck = `((doc) => {
  const groups = [...doc.querySelectorAll("section[data-rule]")].map(s => ({rule: s.dataset.rule, count: +s.dataset.count}));
  const bad = [];
  if (doc.scripts.length !== 1) bad.push(doc.scripts.length + " scripts");
  if (doc.querySelectorAll("a, iframe, img, object, embed, link, base, form, video, audio, source").length) bad.push("an element that loads or links");
  for (const e of doc.querySelectorAll("*")) for (const a of e.attributes) if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) bad.push("attribute " + a.name + "=" + a.value);
  const shown = doc.getElementById("shown");
  if (!shown || !/of \d+ groups? shown/.test(shown.textContent)) bad.push("the filter script did not run: " + (shown && shown.textContent));
  return {groups, bad};
})(%s)`

type reportState struct {
	Groups []pageGroup `json:"groups"`
	Bad    []string    `json:"bad"`
}

// TestHTMLReportInChromium opens the HTML report of every fixture with the
// network off, and checks that the groups in the page are the JSON's, that
// the report's script ran under its own policy (and nothing else did), that
// nothing was requested, and that a few reports draw something.
func TestHTMLReportInChromium(t *testing.T) {
	needChromium(t)
	files := reportFixtures(t)
	dir := t.TempDir()
	b := testBrowser(t, 10*time.Minute)

	type job struct {
		fixture, page string
		want          []pageGroup
	}
	jobs := make(chan job)
	go func() {
		defer close(jobs)
		for i, f := range files {
			res := analyze.File(f, analyze.Options{}, har.Options{})
			var buf bytes.Buffer
			if err := report.Render(&buf, []*analyze.Result{res}, report.Options{Format: report.HTML, MinSeverity: report.DefaultMinSeverity(report.HTML)}); err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			page := filepath.Join(dir, fmt.Sprintf("%04d.html", i))
			if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
				t.Error(err)
				continue
			}
			select {
			case jobs <- job{f, page, jsonGroups(t, []*analyze.Result{res})}:
			case <-b.ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	var mu sync.Mutex
	opened, withGroups := 0, 0
	for w := 0; w < 4; w++ {
		tb := openTab(t, b.ctx, true)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				url := "file://" + j.page
				if err := chromedp.Do(tb.ctx, chromedp.Navigate(url)); err != nil {
					t.Errorf("%s: open: %v", j.fixture, err)
					continue
				}
				var st reportState
				if err := tb.eval(fmt.Sprintf(reportCheck, "document"), &st); err != nil {
					t.Errorf("%s: %v", j.fixture, err)
					continue
				}
				urls, errs := tb.reset()
				for _, u := range urls {
					if u != url {
						t.Errorf("%s: the report requested %s", j.fixture, u)
					}
				}
				for _, e := range errs {
					t.Errorf("%s: %s", j.fixture, e)
				}
				for _, bad := range st.Bad {
					t.Errorf("%s: %s", j.fixture, bad)
				}
				if fmt.Sprint(st.Groups) != fmt.Sprint(j.want) {
					t.Errorf("%s: groups in the page %v, in the JSON %v", j.fixture, st.Groups, j.want)
				}
				mu.Lock()
				opened++
				if len(j.want) > 0 {
					withGroups++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if opened != len(files) {
		t.Fatalf("opened %d reports of %d fixtures", opened, len(files))
	}
	if withGroups < len(files)/4 {
		t.Fatalf("only %d of %d reports show a group: the comparison proves little", withGroups, len(files))
	}
	t.Logf("%d reports opened, %d with groups", opened, withGroups)
}

// screenshotDir is where screenshots are kept for a person to look at
// (HARCORS_SCREENSHOTS); the test's temporary folder otherwise.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("HARCORS_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// checkNotBlank fails unless the PNG shows a page with content: several
// colours, and a good share of pixels unlike the background.
func checkNotBlank(t *testing.T, what string, data []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", what, err)
	}
	r := img.Bounds()
	bg := img.At(r.Min.X, r.Min.Y)
	colours := map[[3]uint32]bool{}
	differ, total := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			c := img.At(x, y)
			cr, cg, cb, _ := c.RGBA()
			colours[[3]uint32{cr >> 8, cg >> 8, cb >> 8}] = true
			if c != bg {
				differ++
			}
			total++
		}
	}
	if len(colours) < 8 || differ*100 < total*3 {
		t.Errorf("%s: the screenshot looks blank: %d colours, %d of %d pixels differ from the background", what, len(colours), differ, total)
	}
}

func screenshot(t *testing.T, tb *tab, what, file string) {
	t.Helper()
	// The viewport, not the full page: a long report's full screenshot
	// takes seconds to encode and proves no more.
	data, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("%s: screenshot: %v", what, err)
	}
	checkNotBlank(t, what, data)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// setScheme switches prefers-color-scheme.
func setScheme(t *testing.T, tb *tab, scheme string) {
	t.Helper()
	err := chromedp.FromContext(tb.ctx).Target.Call(tb.ctx, "Emulation.setEmulatedMedia", map[string]any{
		"features": []map[string]string{{"name": "prefers-color-scheme", "value": scheme}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
}

// axeSource is axe-core, from internal/record/axe (npm ci there).
func axeSource(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("axe/node_modules/axe-core/axe.min.js")
	if err != nil {
		if inCI() {
			t.Fatalf("CI=true but axe-core is missing (cd internal/record/axe && npm ci): %v", err)
		}
		t.Skipf("axe-core is missing (cd internal/record/axe && npm ci): %v", err)
	}
	return string(data)
}

// checkAxe runs axe-core on the tab's page, in both colour schemes, and
// fails on every serious or critical violation.
func checkAxe(t *testing.T, tb *tab, axe, what string) {
	t.Helper()
	// Runtime.evaluate is not bound by the page's policy, which would
	// refuse the script otherwise.
	if err := tb.eval(axe+";0", nil); err != nil {
		t.Fatalf("%s: loading axe-core: %v", what, err)
	}
	for _, scheme := range []string{"light", "dark"} {
		setScheme(t, tb, scheme)
		var vs []struct {
			ID, Impact, Help string
			Nodes            []struct{ Target []any }
		}
		err := tb.eval(`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => ({target: n.target}))})))`, &vs)
		if err != nil {
			t.Fatalf("%s: axe.run: %v", what, err)
		}
		for _, v := range vs {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s (%s): axe %s %s: %s at %v", what, scheme, v.Impact, v.ID, v.Help, v.Nodes)
			}
		}
	}
	setScheme(t, tb, "")
}

// TestHTMLReportLooksAndAccessibility screenshots a few reports, in light
// and dark, checks they are not blank, runs axe-core on them, and checks
// that the filters hide and show groups.
func TestHTMLReportLooksAndAccessibility(t *testing.T) {
	needChromium(t)
	axe := axeSource(t)
	b := testBrowser(t, 5*time.Minute)
	shots := screenshotDir(t)
	sets := map[string][]string{
		"express": must(filepath.Glob("../../testdata/hars/chromium/express--*.har")),
		"hostile": must(filepath.Glob("../../testdata/hars/hostile/*.har")),
		"nginx":   must(filepath.Glob("../../testdata/hars/shapes/firefox/nginx--*.har")),
	}
	names := make([]string, 0, len(sets))
	for n := range sets {
		names = append(names, n)
	}
	sort.Strings(names)
	tb := openTab(t, b.ctx, true)
	for _, name := range names {
		files := sets[name]
		if len(files) == 0 {
			t.Fatalf("no fixtures for %s", name)
		}
		var rs []*analyze.Result
		for _, f := range files {
			rs = append(rs, analyze.File(f, analyze.Options{}, har.Options{}))
		}
		var buf bytes.Buffer
		if err := report.Render(&buf, rs, report.Options{Format: report.HTML, MinSeverity: analyze.Info}); err != nil {
			t.Fatal(err)
		}
		page := filepath.Join(t.TempDir(), name+".html")
		if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(1100, 900), chromedp.Navigate("file://"+page)); err != nil {
			t.Fatal(err)
		}
		for _, scheme := range []string{"light", "dark"} {
			setScheme(t, tb, scheme)
			screenshot(t, tb, name+" "+scheme, filepath.Join(shots, name+"-"+scheme+".png"))
		}
		setScheme(t, tb, "")
		checkAxe(t, tb, axe, name)

		// The filters: no error groups once "error" is unticked, only one
		// server's groups once it is chosen, all again after.
		var f struct{ Total, NoErrors, ErrorsLeft, OneHost, OtherHosts, Again int }
		err := tb.eval(`(() => {
  const all = [...document.querySelectorAll("section.group")], vis = () => all.filter(s => !s.hidden);
  const r = {total: vis().length};
  const err = document.querySelector("input[name=sev][value=error]"); err.click();
  r.noErrors = vis().length; r.errorsLeft = vis().filter(s => s.dataset.severity === "error").length; err.click();
  const sel = document.getElementById("host"), host = sel.options[sel.options.length - 1].value;
  sel.value = host; sel.dispatchEvent(new Event("change", {bubbles: true}));
  r.oneHost = vis().length; r.otherHosts = vis().filter(s => s.dataset.host !== host).length;
  sel.value = ""; sel.dispatchEvent(new Event("change", {bubbles: true}));
  r.again = vis().length;
  return r;
})()`, &f)
		if err != nil {
			t.Fatal(err)
		}
		if f.Total == 0 || f.ErrorsLeft != 0 || f.NoErrors >= f.Total || f.OneHost == 0 || f.OtherHosts != 0 || f.Again != f.Total {
			t.Errorf("%s: filters: %+v", name, f)
		}
		if _, errs := tb.reset(); len(errs) > 0 {
			t.Errorf("%s: %v", name, errs)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// The page is built once per test run, in the background from TestMain
// on: compiling harcors to WebAssembly takes a minute or more, which the
// tests before the page's can hide.
var (
	siteDone = make(chan struct{})
	siteDir  string
	siteErr  error
)

func buildSite() {
	defer close(siteDone)
	if d := os.Getenv("HARCORS_WEB_SITE"); d != "" {
		siteDir = d
		return
	}
	dir, err := os.MkdirTemp("", "harcors-site-")
	if err != nil {
		siteErr = err
		return
	}
	siteDir = dir
	// The README's command.
	cmd := exec.Command("go", "run", "../../web", "-o", dir, "-version", "test")
	if out, err := cmd.CombinedOutput(); err != nil {
		siteErr = fmt.Errorf("go run ../../web -o %s: %v\n%s", dir, err, out)
	}
}

// site waits for the page's build (HARCORS_WEB_SITE names one built
// before, to skip it).
func site(t *testing.T) string {
	t.Helper()
	<-siteDone
	if siteErr != nil {
		t.Fatal(siteErr)
	}
	return siteDir
}

func TestMain(m *testing.M) {
	started := false
	if _, err := os.Stat(chromiumPath); err == nil && wantsWebTests() {
		started = true
		go buildSite()
	}
	code := m.Run()
	if started {
		<-siteDone
		if os.Getenv("HARCORS_WEB_SITE") == "" && siteDir != "" {
			os.RemoveAll(siteDir)
		}
	}
	os.Exit(code)
}

// wantsWebTests reports whether the -run pattern can select a test that
// needs the page, so that other runs do not pay for its build.
func wantsWebTests() bool {
	for i, a := range os.Args {
		pat := ""
		switch {
		case strings.HasPrefix(a, "-test.run="):
			pat = strings.TrimPrefix(a, "-test.run=")
		case a == "-test.run" && i+1 < len(os.Args):
			pat = os.Args[i+1]
		default:
			continue
		}
		re, err := regexp.Compile(pat)
		return err != nil || slices.ContainsFunc(webPageTests, re.MatchString)
	}
	return true
}

// webPageTests are the tests that need the built page (site).
var webPageTests = []string{"TestWebPage", "TestWebPageLarge", "TestWebPageWithoutHelpers"}

// servedSite serves the built page on 127.0.0.1 and records every path
// asked for.
type servedSite struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

// testBrowser starts Chromium for one test: stopped when the test ends,
// or after timeout.
func testBrowser(t *testing.T, timeout time.Duration) *Browser {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	b, err := startBrowser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// pageTab opens the served page in a new tab of b, after actions (such
// as the viewport).
func pageTab(t *testing.T, b *Browser, srv *servedSite, actions ...chromedp.Action[chromedp.Void]) *tab {
	t.Helper()
	tb := openTab(t, b.ctx, false)
	if err := chromedp.Do(tb.ctx, append(actions, chromedp.Navigate(srv.URL+"/"))...); err != nil {
		t.Fatal(err)
	}
	return tb
}

func serveSite(t *testing.T, dir string) *servedSite {
	s := &servedSite{}
	fsrv := http.FileServer(http.Dir(dir))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.paths = append(s.paths, r.URL.Path)
		s.mu.Unlock()
		fsrv.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// pageFiles are the page's own files: the only requests it may make.
var pageFiles = map[string]bool{"/": true, "/index.html": true, "/style.css": true, "/app.js": true,
	"/worker.js": true, "/reader.js": true, "/piece.js": true, "/wasm_exec.js": true, "/harcors.wasm": true}

// waitEnd is a Promise of <body>'s data-state once it is "done" or
// "error", or after the given milliseconds, whichever comes first.
const waitEnd = `new Promise((resolve) => {
	const body = document.body;
	const end = () => body.dataset.state === "done" || body.dataset.state === "error";
	if (end()) return resolve(body.dataset.state);
	const obs = new MutationObserver(() => {
		if (end()) { obs.disconnect(); resolve(body.dataset.state); }
	});
	obs.observe(body, { attributes: true, attributeFilter: ["data-state"] });
	setTimeout(() => { obs.disconnect(); resolve(body.dataset.state); }, %d);
})`

// analyzeInPage gives files to the page through its file input and waits
// for the end; it returns the groups in the report's frame.
func analyzeInPage(t *testing.T, tb *tab, files []string, timeout time.Duration) (reportState, time.Duration) {
	t.Helper()
	var abs []string
	for _, f := range files {
		a, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		abs = append(abs, a)
	}
	start := time.Now()
	if err := chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.ID("files"), abs)); err != nil {
		t.Fatal(err)
	}
	// One evaluation that the page answers when <body> says the end: a
	// loop asking every few milliseconds would be late by up to its
	// interval, and its round trips take CPU from the analysis on a
	// machine with few cores.
	var state string
	if err := tb.eval(fmt.Sprintf(waitEnd, timeout.Milliseconds()), &state); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if state != "done" {
		var status string
		_ = tb.eval(`document.getElementById("status").textContent`, &status)
		t.Fatalf("the page ended in state %q after %v: %s", state, took.Round(time.Millisecond), status)
	}
	var st reportState
	if err := tb.eval(fmt.Sprintf(reportCheck, `document.getElementById("report").contentDocument`), &st); err != nil {
		// srcdoc may still be loading: wait for the frame's document.
		t.Fatal(err)
	}
	return st, took
}

// TestWebPage builds the page with the README's command, serves it on
// 127.0.0.1, gives it fixtures through its file input (one, several, a
// gzipped one, and one read twice) and checks the report's groups against the JSON, that the
// page asked for nothing but its own files, and axe-core.
func TestWebPage(t *testing.T) {
	needChromium(t)
	srv := serveSite(t, site(t))
	tb := pageTab(t, testBrowser(t, 5*time.Minute), srv, chromedp.EmulateViewport(1100, 900))

	gz := filepath.Join(t.TempDir(), "express--allowed-headers-restricted.har.gz")
	raw, err := os.ReadFile("../../testdata/hars/chromium/express--allowed-headers-restricted.har")
	if err != nil {
		t.Fatal(err)
	}
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write(raw)
	zw.Close()
	if err := os.WriteFile(gz, zb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// A generated capture whose last entry started first: its streamed
	// analysis has let entries go when it meets that one, starts again,
	// and the page's worker opens the file a second time.
	var gen bytes.Buffer
	if _, err := hargen.Write(&gen, hargen.Config{Size: 1 << 20, Mix: hargen.MetadataDense, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Log struct {
			Creator json.RawMessage              `json:"creator"`
			Pages   json.RawMessage              `json:"pages"`
			Entries []map[string]json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(gen.Bytes(), &doc); err != nil || len(doc.Log.Entries) < 1000 {
		t.Fatalf("generated capture: %d entries (%v)", len(doc.Log.Entries), err)
	}
	es := doc.Log.Entries
	es[len(es)-1]["startedDateTime"] = es[0]["startedDateTime"]
	late := filepath.Join(t.TempDir(), "last-entry-first.har")
	if err := os.WriteFile(late, must(json.Marshal(doc)), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := [][]string{
		{"../../testdata/hars/chromium/express--allowed-headers-restricted.har"},
		must(filepath.Glob("../../testdata/hars/chromium/nginx--*.har")),
		{gz},
		{late},
		must(filepath.Glob("../../testdata/hars/hostile/*.har")),
	}
	for i, files := range cases {
		var rs []*analyze.Result
		for _, f := range files {
			rs = append(rs, analyze.File(f, analyze.Options{}, har.Options{}))
		}
		want := jsonGroups(t, rs)
		st, took := analyzeInPage(t, tb, files, time.Minute)
		what := fmt.Sprintf("case %d (%d files)", i, len(files))
		for _, bad := range st.Bad {
			t.Errorf("%s: %s", what, bad)
		}
		if len(want) == 0 {
			t.Fatalf("%s: no groups: the comparison proves nothing", what)
		}
		if fmt.Sprint(st.Groups) != fmt.Sprint(want) {
			t.Errorf("%s: groups in the page %v, in the JSON %v", what, st.Groups, want)
		}
		t.Logf("%s: %d groups in %v", what, len(st.Groups), took.Round(time.Millisecond))
	}
	checkDownloads(t, tb, cases[len(cases)-1])
	checkPieces(t, tb, srv)
	screenshot(t, tb, "web page", filepath.Join(screenshotDir(t), "web-page.png"))
	checkAxe(t, tb, axeSource(t), "web page")

	urls, errs := tb.reset()
	for _, e := range errs {
		t.Errorf("page: %s", e)
	}
	for _, u := range urls {
		if strings.HasPrefix(u, "blob:") || strings.HasPrefix(u, "data:") || u == "about:srcdoc" {
			continue
		}
		// The page itself may be opened with options (?pieces=on).
		if path := strings.TrimPrefix(u, srv.URL); !strings.HasPrefix(u, srv.URL+"/") || !pageFiles[path] && !strings.HasPrefix(path, "/?") {
			t.Errorf("the page requested %s", u)
		}
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for _, p := range srv.paths {
		if !pageFiles[p] {
			t.Errorf("the server was asked for %s", p)
		}
	}
	if len(srv.paths) == 0 {
		t.Error("the server saw no request: the page was not loaded from it")
	}
}

// TestWebPageWithoutHelpers publishes the page without one of its helper
// workers' scripts (reader.js, piece.js), as a partial upload would, and
// gives it a capture large enough to be read in pieces: the page must
// analyse it all the same, the same groups as the command's, rather than
// wait forever for a worker that never started. Without reader.js both
// workers read the file themselves, and the pieces are still read by the
// second instance; without piece.js the analysis reads it alone.
func TestWebPageWithoutHelpers(t *testing.T) {
	needChromium(t)
	built := site(t)
	var gen bytes.Buffer
	if _, err := hargen.Write(&gen, hargen.Config{Size: 66 << 20, Mix: hargen.MetadataDense, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "large.har")
	if err := os.WriteFile(path, gen.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b := testBrowser(t, 5*time.Minute)
	for _, missing := range []string{"reader.js", "piece.js"} {
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(built)); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(filepath.Join(dir, missing)); err != nil {
			t.Fatal(err)
		}
		srv := serveSite(t, dir)
		tb := pageTab(t, b, srv)
		if err := chromedp.Do(tb.ctx, chromedp.Navigate(srv.URL+"/?pieces=on")); err != nil {
			t.Fatal(err)
		}
		waitEngine(t, tb)
		what := "without " + missing
		st, took, marks := pieceCapture(t, tb, what, path)
		switch {
		case missing == "piece.js" && marks.Pieces != 0:
			t.Errorf("%s: %d pieces read by a second instance that cannot run", what, marks.Pieces)
		case missing == "reader.js" && marks.Pieces < 20:
			t.Errorf("%s: %d pieces read by the second instance, want some 30", what, marks.Pieces)
		}
		t.Logf("%s: %d groups in %v, %d pieces read by the second instance", what, len(st.Groups), took.Round(time.Millisecond), marks.Pieces)
	}
}

// checkPieces gives the page, told to start its second instance for
// captures of small entries, a capture of small entries large enough to
// be read in pieces (64 MiB and more, as the command splits a file),
// and checks that the pieces were used and that the groups, and the JSON
// the page downloads (every finding, with the place of its entries in the
// file), are the command's. With the last entry started first, the
// analysis starts again and the file is read in pieces twice. A capture
// as large but of large bodies is then read without the second instance.
func checkPieces(t *testing.T, tb *tab, srv *servedSite) {
	t.Helper()
	// Whatever the machine's cores (see app.js).
	if err := chromedp.Do(tb.ctx, chromedp.Navigate(srv.URL+"/?pieces=dense")); err != nil {
		t.Fatal(err)
	}
	waitEngine(t, tb)
	var gen bytes.Buffer
	if _, err := hargen.Write(&gen, hargen.Config{Size: 66 << 20, Mix: hargen.MetadataDense, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	// The last preflight takes the page's time, the first in the file
	// (the same length of text): it started before every other.
	b := gen.Bytes()
	key := []byte(`"startedDateTime":"`)
	first := bytes.Index(b, key)
	pre := bytes.LastIndex(b, []byte(`"method":"OPTIONS"`))
	last := -1
	if pre > 0 {
		last = bytes.Index(b[pre:], key)
	}
	if first < 0 || last < 0 {
		t.Fatal("generated capture: no startedDateTime after the last preflight")
	}
	first, last = first+len(key), pre+last+len(key)
	end := bytes.IndexByte(b[first:], '"')
	if end < 0 || b[last+end] != '"' {
		t.Fatal("generated capture: times of different lengths")
	}
	copy(b[last:last+end], b[first:first+end])
	path := filepath.Join(t.TempDir(), "large.har")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	st, took, marks := pieceCapture(t, tb, "large capture", path)
	// The problems below warning are shown by the page's checkbox, and
	// the report says so rather than naming the command's flag.
	var text string
	if err := tb.eval(`document.getElementById("report").contentDocument.body.textContent`, &text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, `not shown: "Include info-level findings" shows`) || strings.Contains(text, "--severity") {
		t.Error("large capture: the report does not name the page's checkbox for the problems it does not show")
	}
	// 66 MiB in pieces of 2 MiB, twice: some 30 after the head each time.
	if marks.Opens != 2 || marks.Pieces < 40 {
		t.Errorf("large capture: opened %d times, %d pieces read by the second instance; want 2 and some 60", marks.Opens, marks.Pieces)
	}
	t.Logf("large capture (%d MiB): %d groups in %v, opened %d times, %d pieces read by the second instance", gen.Len()>>20, len(st.Groups), took.Round(time.Millisecond), marks.Opens, marks.Pieces)
	checkDownloads(t, tb, []string{path})

	gen.Reset()
	if _, err := hargen.Write(&gen, hargen.Config{Size: 66 << 20, Mix: hargen.BodyHeavy, Seed: 6}); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "bodies.har")
	if err := os.WriteFile(path, gen.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, marks := pieceCapture(t, tb, "large capture of bodies", path); marks.Pieces != 0 {
		t.Errorf("large capture of bodies: %d pieces read by the second instance, want none", marks.Pieces)
	}
}

// pieceMarks are what the page counted in its last analysis: the openings
// of the file and the pieces the second instance read.
type pieceMarks struct{ Pieces, Opens int }

// pieceCapture has the page analyse the capture at path, checks that the
// page reports no problem of its own and shows the command's groups (what
// names the capture in the test's errors), and returns the page's state,
// the time it took and its marks.
func pieceCapture(t *testing.T, tb *tab, what, path string) (reportState, time.Duration, pieceMarks) {
	t.Helper()
	want := jsonGroups(t, []*analyze.Result{analyze.File(path, analyze.Options{}, har.Options{})})
	st, took := analyzeInPage(t, tb, []string{path}, 5*time.Minute)
	for _, bad := range st.Bad {
		t.Errorf("%s: %s", what, bad)
	}
	if len(want) == 0 || fmt.Sprint(st.Groups) != fmt.Sprint(want) {
		t.Errorf("%s: groups in the page %v, in the JSON %v", what, st.Groups, want)
	}
	var marks pieceMarks
	if err := tb.eval(`({pieces: window.harcorsTiming.pieces || 0, opens: window.harcorsTiming.opens || 0})`, &marks); err != nil {
		t.Fatal(err)
	}
	return st, took, marks
}

// checkDownloads clicks the page's two download buttons and checks the
// files: the HTML report the frame shows, and the JSON report the command
// writes for the same files.
func checkDownloads(t *testing.T, tb *tab, files []string) {
	t.Helper()
	dir := t.TempDir()
	_, err := chromedp.CallBrowser(tb.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
	if err != nil {
		t.Fatal(err)
	}
	// The page reads each file once, by its name, as analyze.Reader does,
	// with the command's options for JSON (main.go's keepFor: findings
	// without their entries; cookie values collected for redaction).
	var rs []*analyze.Result
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, analyze.Reader(filepath.Base(f), bytes.NewReader(data), analyze.Options{CookieValues: true, Keep: analyze.KeepLight}, har.Options{}))
	}
	// The page names the files after the capture when it is one.
	base := "harcors"
	if len(files) == 1 {
		base = strings.TrimSuffix(strings.TrimSuffix(filepath.Base(files[0]), ".gz"), ".har")
	}
	for _, dl := range []struct{ button, file string }{{"dl-html", base + "-cors.html"}, {"dl-json", base + "-cors.json"}} {
		if err := tb.eval(`document.getElementById("`+dl.button+`").click()`, nil); err != nil {
			t.Fatal(err)
		}
		var data []byte
		for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
			if data, err = os.ReadFile(filepath.Join(dir, dl.file)); err == nil && len(data) > 0 {
				break
			}
		}
		if len(data) == 0 {
			ents, _ := os.ReadDir(dir)
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Fatalf("%s: no %s downloaded (the folder holds %q)", dl.button, dl.file, names)
		}
		if dl.button == "dl-html" {
			var frame string
			if err := tb.eval(`document.getElementById("report").srcdoc`, &frame); err != nil {
				t.Fatal(err)
			}
			if string(data) != frame {
				t.Errorf("the downloaded HTML (%d bytes) is not the report shown (%d bytes)", len(data), len(frame))
			}
			continue
		}
		var got, want report.JSONReport
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatalf("downloaded JSON: %v", err)
		}
		var buf bytes.Buffer
		if err := report.Render(&buf, rs, report.Options{Format: report.JSON, Version: "test"}); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(buf.Bytes(), &want); err != nil {
			t.Fatal(err)
		}
		want.Version = got.Version // "test" as built here, anything as built by hand
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if !bytes.Equal(g, w) {
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			lo := max(0, i-300)
			t.Errorf("the downloaded JSON differs from the command's at byte %d:\n%.600s\nwant\n%.600s", i, g[lo:], w[lo:])
		}
	}
}

// TestWebPageLarge measures the page on a large capture given in
// HARCORS_WEB_LARGE (a path), beside the native binary's time; it is a
// measurement, run by hand.
func TestWebPageLarge(t *testing.T) {
	path := os.Getenv("HARCORS_WEB_LARGE")
	if path == "" {
		t.Skip("set HARCORS_WEB_LARGE to a large HAR to measure the page on it")
	}
	needChromium(t)
	srv := serveSite(t, site(t))
	tb := pageTab(t, testBrowser(t, 30*time.Minute), srv)
	// HARCORS_WEB_PIECES=on, dense or off decides whether a second instance
	// parses pieces (see app.js), instead of the number of cores.
	if p := os.Getenv("HARCORS_WEB_PIECES"); p != "" {
		if err := chromedp.Do(tb.ctx, chromedp.Navigate(srv.URL+"/?pieces="+p)); err != nil {
			t.Fatal(err)
		}
	}
	loaded := time.Now()
	waitEngine(t, tb)
	// The warm-up's cost, paid once when the page loads.
	t.Logf("engine ready %v after the page loaded", time.Since(loaded).Round(time.Millisecond))
	var progressSeen bool
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(500 * time.Millisecond):
				var v float64
				if tb.eval(`+document.getElementById("progress").value`, &v) == nil && v > 0 && v < 1 {
					progressSeen = true
				}
			}
		}
	}()
	before := threadCPU()
	clicked := time.Now()
	st, took := analyzeInPage(t, tb, []string{path}, 25*time.Minute)
	after := threadCPU()
	close(done)
	marks := logTiming(t, tb, clicked, took)
	if f := os.Getenv("HARCORS_BROWSER_OUT"); f != "" {
		logCompiles(t, f, marks["ready"], marks["analysed"])
	}
	var status string
	_ = tb.eval(`document.getElementById("status").textContent`, &status)
	t.Logf("page says: %s", status)
	fi, _ := os.Stat(path)
	t.Logf("page: %d MiB in %v (%.1f MiB/s), %d groups, progress shown: %v", fi.Size()>>20, took.Round(time.Millisecond),
		float64(fi.Size())/(1<<20)/took.Seconds(), len(st.Groups), progressSeen)
	// On a busy machine wall time says little: the CPU time of the
	// browser's busiest threads (the analysing worker's first) says more,
	// and the renderer's thread pool is where the browser compiles.
	var busy []threadTime
	for id, c := range after {
		if d := c.cpu - before[id].cpu; d >= 10*time.Millisecond {
			busy = append(busy, threadTime{c.name, d})
		}
	}
	sort.Slice(busy, func(i, j int) bool { return busy[i].cpu > busy[j].cpu })
	var parts []string
	for _, b := range busy[:min(len(busy), 8)] {
		parts = append(parts, fmt.Sprintf("%s %v", b.name, b.cpu.Round(10*time.Millisecond)))
	}
	if len(parts) > 0 {
		t.Logf("CPU of the browser's busiest threads during the analysis: %s", strings.Join(parts, ", "))
	}
}

// waitEngine waits, as someone picks a file after the page has loaded,
// until the worker has loaded harcors.wasm and warmed it up
// (data-engine="ready").
func waitEngine(t *testing.T, tb *tab) {
	t.Helper()
	var engine string
	for wait := time.Now(); engine != "ready"; time.Sleep(50 * time.Millisecond) {
		if err := tb.eval(`document.body.dataset.engine || ""`, &engine); err != nil {
			t.Fatal(err)
		}
		if time.Since(wait) > 2*time.Minute {
			t.Fatal("the page's worker did not say it was ready within 2 minutes")
		}
	}
}

// pageSteps are the page's and its worker's timing marks (see
// harcorsTiming in web/static/app.js), in the order they happen.
var pageSteps = []string{"picked", "received", "ready", "firstSlice", "analysed", "doneMsg", "srcdocSet", "frameLoaded"}

// logTiming logs where the wall time of one analysis in the page went:
// each step of the page's timing from the previous one, with the steps
// the test adds (the file given through the protocol, and the test's
// polling seeing data-state="done").
func logTiming(t *testing.T, tb *tab, clicked time.Time, took time.Duration) (marks map[string]float64) {
	t.Helper()
	if err := tb.eval(`Object.fromEntries(Object.entries(window.harcorsTiming || {}).filter(([k, v]) => typeof v === "number"))`, &marks); err != nil {
		t.Logf("page timing: %v", err)
		return nil
	}
	prev, prevName := float64(clicked.UnixNano())/1e6, "file given"
	parts := []string{}
	for _, name := range pageSteps {
		at, ok := marks[name]
		if !ok {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s→%s %.0f ms", prevName, name, at-prev))
		prev, prevName = at, name
	}
	end := float64(clicked.Add(took).UnixNano()) / 1e6
	parts = append(parts, fmt.Sprintf("%s→test saw done %.0f ms", prevName, end-prev))
	if w, ok := marks["waitMs"]; ok {
		parts = append(parts, fmt.Sprintf("(of which the analysis waited for slices %.0f ms)", w))
	}
	parts = append(parts, fmt.Sprintf("file opened %.0f times, %.0f pieces read by the second instance", marks["opens"], marks["pieces"]))
	// What each worker read of the File: the slices of the analysing
	// worker's reader, and what the piece worker read itself, outside its
	// reader's blocks.
	parts = append(parts, fmt.Sprintf("%.1f MiB read in slices, %.1f MiB by the second instance outside its blocks", marks["sliceBytes"]/(1<<20), marks["pieceReadHere"]/(1<<20)))
	t.Logf("page timing: %s", strings.Join(parts, ", "))
	return marks
}

// turbofanLine is a line of V8's --trace-wasm-compilation-times, as
// stampedLines writes it, for a function its optimizing compiler compiled.
var turbofanLine = regexp.MustCompile(`^(\d+) Compiled function \S+ using TurboFan, took (\d+) (μs|ms)`)

// logCompiles logs how many WebAssembly functions the browser's optimizing
// compiler compiled between from and to (Unix milliseconds: the page's
// marks for the start and the end of the analysis), and how long that
// took, from the browser's output in path (HARCORS_BROWSER_OUT, with
// HARCORS_JS_FLAGS=--trace-wasm-compilation-times). Those are functions
// the page's warm-up did not make hot: they run slowly until compiled, and
// the compiling takes CPU from the analysis.
func logCompiles(t *testing.T, path string, from, to float64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Logf("compiles: %v", err)
		return
	}
	n, lines, took := 0, 0, time.Duration(0)
	for line := range strings.Lines(string(data)) {
		m := turbofanLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		lines++
		at, _ := strconv.ParseFloat(m[1], 64)
		if at < from || at > to {
			continue
		}
		d, _ := strconv.Atoi(m[2])
		unit := time.Microsecond
		if m[3] == "ms" {
			unit = time.Millisecond
		}
		n++
		took += time.Duration(d) * unit
	}
	if lines == 0 {
		t.Logf("compiles: no compile traced in %s (set HARCORS_JS_FLAGS=--trace-wasm-compilation-times)", path)
		return
	}
	t.Logf("compiles: the optimizing compiler compiled %d functions during the analysis (%v of compiling), %d since the browser started", n, took.Round(time.Millisecond), lines)
}

type threadTime struct {
	name string
	cpu  time.Duration
}

// threadCPU returns the CPU time (user and system) of each thread of this
// process's descendants (the browser's), by "pid/tid", from Linux's /proc;
// elsewhere nothing.
func threadCPU() map[string]threadTime {
	parent := map[int]int{}
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		var pid, ppid int
		if f := statFields(p); len(f) > 3 {
			fmt.Sscan(f[0], &pid)
			fmt.Sscan(f[3], &ppid)
			parent[pid] = ppid
		}
	}
	mine := func(pid int) bool {
		for i := 0; i < 64 && pid > 1; i++ {
			if pid = parent[pid]; pid == os.Getpid() {
				return true
			}
		}
		return false
	}
	out := map[string]threadTime{}
	for pid := range parent {
		if !mine(pid) {
			continue
		}
		// The process's --type (renderer, gpu-process...; none for the
		// browser's own) tells a tab's thread pool from the browser's.
		// Chromium rewrites its command line with spaces between the
		// arguments.
		kind := "browser"
		if cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil {
			for _, a := range strings.FieldsFunc(string(cmd), func(r rune) bool { return r == 0 || r == ' ' }) {
				if v, ok := strings.CutPrefix(a, "--type="); ok {
					kind = v
				}
			}
		}
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/[0-9]*/stat", pid))
		for _, task := range tasks {
			f := statFields(task)
			if len(f) < 15 {
				continue
			}
			var utime, stime int64
			fmt.Sscan(f[13], &utime)
			fmt.Sscan(f[14], &stime)
			comm, _ := os.ReadFile(filepath.Join(filepath.Dir(task), "comm"))
			// USER_HZ is 100 on every Linux a test runs on.
			out[fmt.Sprintf("%d/%s", pid, f[0])] = threadTime{kind + " " + strings.TrimSpace(string(comm)), time.Duration(utime+stime) * 10 * time.Millisecond}
		}
	}
	return out
}

// statFields splits a /proc stat line, whose second field (the name, in
// parentheses) may hold spaces, into the pid and the fields after the name
// (so the index of each field is one less than in proc(5)).
func statFields(path string) []string {
	b, err := os.ReadFile(path)
	i := bytes.LastIndexByte(b, ')')
	if err != nil || i < 0 {
		return nil
	}
	pid, _, _ := strings.Cut(string(b), " ")
	return append([]string{pid, "()"}, strings.Fields(string(b[i+1:]))...)
}
