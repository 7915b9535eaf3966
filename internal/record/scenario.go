package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Fixed loopback addresses. They are part of the recorded URLs, so they
// never change: re-recording must give the same URLs.
const (
	pageOrigin   = "http://localhost:8800"
	secondOrigin = "http://127.0.0.1:8808"
	// publicPageOrigin serves the same page, but Chromium is told
	// (--ip-address-space-overrides) that it is in the public address
	// space, so that requests from it to loopback meet Local Network
	// Access checks, which need a public page to trigger at all.
	publicPageOrigin = "http://127.0.0.1:8809"
	// securePageOrigin serves the same page over https, with a
	// certificate made for the run (Chromium is told to accept it), for
	// what only an https page meets: mixed content. mixedHost is a name
	// Chromium resolves to 127.0.0.1 (--host-resolver-rules) but which,
	// unlike 127.0.0.1 or localhost, is not potentially trustworthy, so
	// that http:// URLs on it are mixed content from that page.
	securePageOrigin = "https://127.0.0.1:8830"
	mixedHost        = "mixed.test"
)

// Stack is one server stack that answers the scenarios' API requests.
type Stack struct {
	Name string
	Port int
	// Start brings the stack up; nil for the stacks the recorder serves
	// itself in Go. It returns a stop func.
	Start func(env *stackEnv) (stop func(), err error)
	// Need lists what the stack needs on the machine (binaries, Python
	// modules, npm install); missing ones make the recorder skip the stack
	// with a one-line reason, or fail under CI=true.
	Need func() error
}

// Origin is the stack's API origin.
func (s *Stack) Origin() string { return fmt.Sprintf("http://127.0.0.1:%d", s.Port) }

// Muxes are the Go servers a scenario can add its routes to.
type Muxes struct {
	API    *http.ServeMux // the scenario's own stack, for Go stacks
	Page   *http.ServeMux // http://localhost:8800, the page's origin
	Second *http.ServeMux // http://127.0.0.1:8808, a second API origin
	// Upstream is the Go API server (127.0.0.1:8801) seen as the backend
	// of a proxy stack (nginx, Apache): those scenarios register
	// /upstream/<name> on it.
	Upstream *http.ServeMux
}

// Scenario is one recorded situation: a page on http://localhost:8800 runs JS
// that makes one or more requests to a server stack configured in one
// particular way.
type Scenario struct {
	Name        string // unique within the stack; also the URL path
	Stack       string
	Description string
	// JS is the body of an async function that runs in the page. It sees
	// URL (the stack origin + "/" + Name), API (the stack origin), PAGE (the
	// page origin) and SECOND (the second API origin), and the helpers of
	// harness.js: f(url, init, read) for fetch and x(method, url, opts) for
	// XMLHttpRequest. Each helper call is one page-initiated request; the
	// helpers note what JavaScript saw.
	JS string
	// Mount adds the scenario's routes to the Go servers. Stacks that run as
	// child processes (nginx, Express...) have their routes in config files
	// under stacks/<stack>/ instead, and leave Mount nil (or use it only for
	// the page or the second origin).
	Mount func(m Muxes, path string)
	// PublicPage runs the scenario from publicPageOrigin instead of the
	// usual page.
	PublicPage bool
	// Grant lists permissions (descriptor names, as in
	// navigator.permissions.query) granted
	// to the page's origin before it loads. Such a scenario runs in a
	// browser context of its own, so the grant reaches no other scenario.
	Grant []string
	// ChromiumOnly, when set, says why the scenario means nothing in
	// Firefox (a Chromium-only feature or switch); the Firefox recorder
	// skips it with that reason.
	ChromiumOnly string
	// PageOrigin, when set, is the origin of the scenario's page instead of
	// the usual one: a dev server (Vite, webpack-dev-server, Next.js) that
	// serves the page itself and passes /harness.js and /scenarios.js on
	// to the recorder's page server, as the app's page comes from the dev
	// server in development.
	PageOrigin string
	// Proves, when set, makes the scenario the proof of one of harcors'
	// fix texts (see Proof); it must pass in both browsers.
	Proves *Proof
}

// Page is the origin of the page the scenario runs in.
func (s *Scenario) Page() string {
	if s.PublicPage {
		return publicPageOrigin
	}
	if s.PageOrigin != "" {
		return s.PageOrigin
	}
	return pageOrigin
}

// ID is the file name stem: <stack>--<scenario>.
func (s *Scenario) ID() string { return s.Stack + "--" + s.Name }

var allScenarios []*Scenario

func register(stack string, ss ...*Scenario) {
	for _, s := range ss {
		s.Stack = stack
		allScenarios = append(allScenarios, s)
	}
}

func checkScenarios() error {
	if err := fillProofs(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, s := range allScenarios {
		if seen[s.ID()] {
			return fmt.Errorf("scenario %s registered twice", s.ID())
		}
		seen[s.ID()] = true
		if s.Description == "" || s.JS == "" {
			return fmt.Errorf("scenario %s needs a description and JS", s.ID())
		}
	}
	sort.SliceStable(allScenarios, func(i, j int) bool { return allScenarios[i].ID() < allScenarios[j].ID() })
	return nil
}

// harnessJS is the page's helper script. Every request helper appends one
// note to window.__notes with what the page asked for (URL, method, mode,
// credentials mode) and what JavaScript got back, so the verdict can say what
// the script saw without any guessing.
const harnessJS = `'use strict';
window.__notes = [];
function __note(url, method, mode, credentials) {
  const n = {url: new URL(url, location.href).href, method, mode, credentials, js: ''};
  window.__notes.push(n);
  return n;
}
// f runs fetch(url, init). read, if given, gets the Response and returns a
// string that is added to the note (e.g. a header value the page read).
async function f(url, init = {}, read) {
  const n = __note(url, init.method || 'GET', init.mode || 'cors', init.credentials || 'same-origin');
  try {
    const r = await fetch(url, init);
    await r.text();
    n.js = 'ok ' + r.status;
    if (read) n.js += '; ' + read(r);
  } catch (e) {
    n.js = String(e);
  }
  return n.js;
}
// x runs an XMLHttpRequest. opts: headers, body, withCredentials, upload
// (an upload listener, which forces a preflight), read(xhr).
function x(method, url, opts = {}) {
  const n = __note(url, method, 'cors', opts.withCredentials ? 'include' : 'same-origin');
  n.api = 'xhr';
  return new Promise(resolve => {
    const req = new XMLHttpRequest();
    req.open(method, url);
    req.withCredentials = !!opts.withCredentials;
    for (const [k, v] of Object.entries(opts.headers || {})) req.setRequestHeader(k, v);
    if (opts.upload) req.upload.onprogress = () => {};
    req.onload = () => {
      n.js = 'ok ' + req.status;
      if (opts.read) n.js += '; ' + opts.read(req);
      resolve(n.js);
    };
    req.onerror = () => { n.js = 'error (XMLHttpRequest status ' + req.status + ')'; resolve(n.js); };
    req.send(opts.body === undefined ? null : opts.body);
  });
}
async function __run(id) {
  window.__notes = [];
  const s = window.__scenarios[id];
  if (!s) throw new Error('no scenario ' + id);
  try {
    await s();
  } catch (e) {
    window.__notes.push({url: '', method: '', mode: '', credentials: '', js: 'scenario threw: ' + e});
  }
  return JSON.stringify(window.__notes);
}
`

// pageHTML is the document at http://localhost:8800/.
const pageHTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>harcors fixture page</title>
<link rel="icon" href="data:,">
<script src="/harness.js"></script>
<script src="/scenarios.js"></script>
</head><body><p>harcors fixture recorder page</p></body></html>
`

// scenariosJS puts every scenario's JS into /scenarios.js, so that the
// fetch() calls have a real script URL and line in their initiator stack, as
// they would on a real site.
func scenariosJS(ss []*Scenario, origins map[string]string) string {
	var b strings.Builder
	b.WriteString("'use strict';\nwindow.__scenarios = {};\n")
	for _, s := range ss {
		api := origins[s.Stack]
		u, _ := json.Marshal(api + "/" + s.Name)
		a, _ := json.Marshal(api)
		id, _ := json.Marshal(s.ID())
		fmt.Fprintf(&b, "window.__scenarios[%s] = async () => {\n  const URL = %s, API = %s, PAGE = %q, SECOND = %q;\n", id, u, a, s.Page(), secondOrigin)
		for _, line := range strings.Split(strings.TrimSpace(s.JS), "\n") {
			b.WriteString("  " + strings.TrimSpace(line) + "\n")
		}
		b.WriteString("};\n")
	}
	return b.String()
}
