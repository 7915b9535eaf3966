package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Options for one recording run.
type Options struct {
	Out      string         // output directory
	Match    *regexp.Regexp // nil: every scenario
	Parallel int            // tabs at once
	Log      io.Writer
	// Browser is "chromium" (the default) or "firefox".
	Browser string
}

// recorder is one running browser that records scenarios.
type recorder interface {
	// name is what the verdicts' browser field says ("Chromium 156.0...",
	// "Firefox 153.7.0").
	name() string
	run(ctx context.Context, s *Scenario) (*tabResult, error)
	Close()
}

func (b *Browser) name() string { return b.Version }

func (b *Browser) run(_ context.Context, s *Scenario) (*tabResult, error) { return b.runScenario(s) }

func (f *Firefox) name() string { return "Firefox " + f.Version }

func (f *Firefox) run(ctx context.Context, s *Scenario) (*tabResult, error) {
	return f.runScenario(ctx, s)
}

// Summary of a recording run.
type Summary struct {
	Recorded int
	Skipped  int
	Browser  string
	Files    []string // the scenario IDs written
}

// inCI is true under CI=true, where a missing stack or browser is an error
// instead of a reason to skip.
func inCI() bool { return os.Getenv("CI") == "true" }

// Record starts the servers and the browser and records the chosen
// scenarios into opts.Out.
func Record(ctx context.Context, opts Options) (Summary, error) {
	var sum Summary
	if err := checkScenarios(); err != nil {
		return sum, err
	}
	logf := func(format string, args ...any) {
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, format+"\n", args...)
		}
	}
	firefox := opts.Browser == "firefox"
	switch opts.Browser {
	case "", "chromium":
		if _, err := os.Stat(chromiumPath); err != nil {
			return sum, fmt.Errorf("no Chromium at %s (apt-get install chromium): %w", chromiumPath, err)
		}
	case "firefox":
		if _, err := os.Stat(firefoxPath); err != nil {
			return sum, fmt.Errorf("no Firefox at %s (apt-get install firefox-esr): %w", firefoxPath, err)
		}
	default:
		return sum, fmt.Errorf("unknown browser %q (chromium or firefox)", opts.Browser)
	}
	root, err := recordDir()
	if err != nil {
		return sum, err
	}

	// Which stacks can run here?
	usable := map[string]bool{}
	for _, st := range stacks {
		if st.Need != nil {
			if err := st.Need(); err != nil {
				if inCI() {
					return sum, fmt.Errorf("stack %s: %v", st.Name, err)
				}
				logf("skip stack %s: %v", st.Name, err)
				continue
			}
		}
		usable[st.Name] = true
	}
	var chosen []*Scenario
	for _, s := range allScenarios {
		if opts.Match != nil && !opts.Match.MatchString(s.ID()) {
			continue
		}
		if !usable[s.Stack] {
			sum.Skipped++
			continue
		}
		if firefox && s.ChromiumOnly != "" {
			logf("skip %s in Firefox: %s", s.ID(), s.ChromiumOnly)
			sum.Skipped++
			continue
		}
		chosen = append(chosen, s)
	}
	if len(chosen) == 0 {
		return sum, errors.New("no scenario to record")
	}

	// The Go servers: the page, the hand-written Go API, the rs/cors API and
	// the second API origin. Every scenario mounts its routes, even those not
	// chosen, so that /scenarios.js and the servers are the same whatever
	// -run says.
	page := newGoServer("127.0.0.1:8800", "[::1]:8800", "127.0.0.1:8809")
	second := newGoServer("127.0.0.1:8808")
	apis := map[string]*goServer{}
	for _, st := range stacks {
		if st.Start == nil {
			apis[st.Name] = newGoServer(fmt.Sprintf("127.0.0.1:%d", st.Port))
		}
	}
	origins := map[string]string{}
	for _, st := range stacks {
		origins[st.Name] = st.Origin()
	}
	for _, s := range allScenarios {
		if s.Mount == nil {
			continue
		}
		m := Muxes{Page: page.mux, Second: second.mux, API: http.NewServeMux(), Upstream: apis["go"].mux}
		if g := apis[s.Stack]; g != nil {
			m.API = g.mux
		}
		s.Mount(m, "/"+s.Name)
	}
	js := scenariosJS(allScenarios, origins)
	page.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, pageHTML)
	})
	page.mux.HandleFunc("GET /harness.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		io.WriteString(w, harnessJS)
	})
	page.mux.HandleFunc("GET /scenarios.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		io.WriteString(w, js)
	})
	cert, err := selfSigned()
	if err != nil {
		return sum, err
	}
	secure := &goServer{addrs: []string{"127.0.0.1:8830"}, mux: page.mux, tls: cert}
	servers := []*goServer{page, second, secure}
	for _, st := range stacks {
		// The go stack's server always runs: it is the proxies' upstream.
		if g := apis[st.Name]; g != nil && (usable[st.Name] || st.Name == "go") {
			servers = append(servers, g)
		}
	}
	for i, g := range servers {
		if err := g.start(); err != nil {
			for _, h := range servers[:i] {
				h.stop()
			}
			return sum, err
		}
	}
	defer func() {
		for _, g := range servers {
			g.stop()
		}
	}()

	// The stacks that run as child processes.
	tmp, err := os.MkdirTemp("", "harcors-stacks-")
	if err != nil {
		return sum, err
	}
	defer os.RemoveAll(tmp)
	env := &stackEnv{Root: root, Tmp: tmp, Log: logf}
	needed := map[string]bool{}
	for _, s := range chosen {
		needed[s.Stack] = true
	}
	for _, st := range stacks {
		if st.Start == nil || !needed[st.Name] {
			continue
		}
		stopStack, err := st.Start(env)
		if err != nil {
			return sum, fmt.Errorf("start stack %s: %w", st.Name, err)
		}
		defer stopStack()
	}

	var b recorder
	if firefox {
		b, err = startFirefox(ctx)
	} else {
		b, err = startBrowser(ctx)
	}
	if err != nil {
		return sum, err
	}
	defer b.Close()
	sum.Browser = b.name()
	logf("recording %d scenarios with %s", len(chosen), sum.Browser)

	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return sum, err
	}
	par := opts.Parallel
	if par < 1 {
		par = 1
	}
	var (
		mu    sync.Mutex
		errs  []error
		wg    sync.WaitGroup
		queue = make(chan *Scenario)
	)
	for i := 0; i < par; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range queue {
				var res *tabResult
				var err error
				// A tab can lose a race with the browser (a target that
				// closes while attaching); one retry keeps a run from
				// failing on that alone.
				for try := 0; try < 2; try++ {
					if res, err = b.run(ctx, s); err == nil {
						break
					}
				}
				if err == nil {
					err = writeResult(opts.Out, s, res)
				}
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", s.ID(), err))
				} else {
					sum.Recorded++
					sum.Files = append(sum.Files, s.ID())
					logf("%-50s %s", s.ID(), summarize(res.Verdict))
				}
				mu.Unlock()
			}
		}()
	}
	for _, s := range chosen {
		select {
		case queue <- s:
		case <-ctx.Done():
		}
	}
	close(queue)
	wg.Wait()
	if ctx.Err() != nil {
		return sum, ctx.Err()
	}
	if len(errs) > 0 {
		return sum, errors.Join(errs...)
	}
	if opts.Match == nil {
		removeStale(opts.Out, sum.Files, usable, logf)
	}
	sort.Strings(sum.Files)
	return sum, nil
}

// summarize is the one-line log of a verdict.
func summarize(v Verdict) string {
	var parts []string
	for _, r := range v.Requests {
		s := "pass"
		if r.Blocked {
			s = "BLOCKED " + r.CorsError + r.FirefoxError
			if r.CorsError+r.FirefoxError == "" {
				s = "BLOCKED " + r.ErrorText
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func writeResult(dir string, s *Scenario, res *tabResult) error {
	h, err := marshalJS(res.HAR)
	if err != nil {
		return err
	}
	v, err := marshalJS(res.Verdict)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, s.ID()+".har"), h, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, s.ID()+".verdict.json"), append(v, '\n'), 0o644)
}

// removeStale deletes the fixtures of scenarios that no longer exist, after
// a full run, for the stacks that were recorded.
func removeStale(dir string, written []string, usable map[string]bool, logf func(string, ...any)) {
	keep := map[string]bool{}
	for _, id := range written {
		keep[id] = true
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name := e.Name()
		id := strings.TrimSuffix(strings.TrimSuffix(name, ".har"), ".verdict.json")
		if id == name || keep[id] {
			continue
		}
		stack, _, _ := strings.Cut(id, "--")
		if usable[stack] {
			logf("remove stale %s", name)
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// recordDir finds internal/record, where stacks/ lives: the working
// directory for `go run .` and for `go test`.
func recordDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(d, "stacks")); err == nil && fi.IsDir() {
			return d, nil
		}
		if fi, err := os.Stat(filepath.Join(d, "internal", "record", "stacks")); err == nil && fi.IsDir() {
			return filepath.Join(d, "internal", "record"), nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("cannot find internal/record/stacks from %s", wd)
		}
	}
}
