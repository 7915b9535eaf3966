package main

import (
	"encoding/json"
	"fmt"
	"github.com/harcors/harcors/internal/verdict"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Verdict and VerdictRequest are the verdict file's format, owned by
// internal/verdict so that the analyzer's tests and this recorder read and
// write the same thing.
type (
	Verdict        = verdict.Verdict
	VerdictRequest = verdict.Request
)

func buildVerdict(s *Scenario, browserVersion string, l *requestLog, byID map[string][]*netRequest,
	skip map[string]bool, notes []note, console []consoleLine, issues []issueLine) Verdict {
	v := Verdict{
		Scenario:    s.Name,
		Stack:       s.Stack,
		Description: s.Description,
		Browser:     browserVersion,
		Page:        s.Page() + "/",
		Requests:    []VerdictRequest{},
	}
	// Page-initiated requests, by issue time, and their preflights.
	type pageReq struct {
		id         string
		hops       []*netRequest
		preflights []string
	}
	var reqs []*pageReq
	index := map[string]*pageReq{}
	for _, id := range l.order {
		if skip[id] {
			continue
		}
		t := l.kind(id)
		if t == "Fetch" || t == "XHR" {
			p := &pageReq{id: id, hops: byID[id]}
			reqs = append(reqs, p)
			index[id] = p
		}
	}
	sort.SliceStable(reqs, func(i, j int) bool { return reqs[i].hops[0].issueTime < reqs[j].hops[0].issueTime })
	for _, id := range l.order {
		if skip[id] || l.kind(id) != "Preflight" {
			continue
		}
		in := l.willBeSent[id][0].Initiator
		if in != nil && in.RequestID != nil {
			if p := index[*in.RequestID]; p != nil {
				p.preflights = append(p.preflights, id)
			}
		}
	}

	used := map[int]bool{}
	usedConsole := map[int]bool{}
	usedIssue := map[int]bool{}
	matched := map[*pageReq]bool{}
	for _, n := range notes {
		vr := VerdictRequest{
			URL: n.URL, Method: n.Method, Mode: n.Mode, Credentials: n.Credentials,
			JS: n.JS, API: "fetch", Console: []string{}, Issues: []string{},
		}
		if n.API == "xhr" {
			vr.API = "xhr"
		}
		var p *pageReq
		for i, r := range reqs {
			if !used[i] && r.hops[0].url == n.URL && strings.EqualFold(r.hops[0].method, n.Method) {
				used[i] = true
				p = r
				break
			}
		}
		ids := map[string]bool{}
		urls := []string{n.URL}
		if p != nil {
			matched[p] = true
			ids[p.id] = true
			for _, pf := range p.preflights {
				ids[pf] = true
			}
			last := p.hops[len(p.hops)-1]
			vr.Status = last.statusCode
			vr.Preflights = len(p.preflights)
			if len(p.hops) > 1 {
				vr.FinalURL = last.url
				for _, h := range p.hops[1:] {
					urls = append(urls, h.url)
				}
			}
			for _, e := range l.respExtra[p.id] {
				for _, c := range e.BlockedCookies {
					vr.BlockedSetCookies = append(vr.BlockedSetCookies, c.CookieLine+" => "+strings.Join(c.BlockedReasons, ", "))
				}
			}
			if f := l.failed[p.id]; f != nil {
				vr.Blocked = true
				vr.ErrorText = f.ErrorText
				if f.CorsErrorStatus != nil {
					vr.CorsError = f.CorsErrorStatus.CorsError
					vr.FailedParameter = f.CorsErrorStatus.FailedParameter
				}
			}
		} else {
			// The renderer refused the request before it reached the network
			// (e.g. mode "same-origin" to another origin): no network request,
			// only the rejection, the console and the issue say so.
			vr.Blocked = !strings.HasPrefix(n.JS, "ok ")
		}
		mentions := func(text string) bool {
			for _, u := range urls {
				if strings.Contains(text, "'"+u+"'") || strings.Contains(text, " "+u) || strings.HasSuffix(text, u) {
					return true
				}
			}
			return false
		}
		for i, c := range console {
			if usedConsole[i] {
				continue
			}
			if (c.RequestID != "" && ids[c.RequestID]) || (c.RequestID == "" && mentions(c.Text)) ||
				(c.RequestID == "" && c.URL != "" && containsStr(urls, c.URL)) {
				vr.Console = append(vr.Console, c.Text)
				usedConsole[i] = true
			}
		}
		for i, is := range issues {
			if usedIssue[i] {
				continue
			}
			if (is.RequestID != "" && ids[is.RequestID]) || (is.RequestID == "" && is.URL != "" && containsStr(urls, is.URL)) {
				vr.Issues = append(vr.Issues, is.Text)
				usedIssue[i] = true
			}
		}
		if p == nil {
			// Without a network request the CORS error is known only from the
			// DevTools issue (the renderer reports DisallowedByMode,
			// CorsDisabledScheme, NoCorsRedirectModeNotFollow that way).
			for _, is := range vr.Issues {
				if f := strings.Fields(strings.TrimPrefix(is, "CorsIssue: ")); strings.HasPrefix(is, "CorsIssue: ") && len(f) > 0 {
					vr.CorsError = f[0]
					if len(f) > 1 && strings.HasPrefix(f[1], "failedParameter=") {
						vr.FailedParameter = strings.TrimPrefix(f[1], "failedParameter=")
					}
					break
				}
			}
			for i, is := range issues {
				if !usedIssue[i] && strings.HasPrefix(is.Text, "CorsIssue: ") && (is.URL == "" || containsStr(urls, is.URL)) {
					vr.Issues = append(vr.Issues, is.Text)
					usedIssue[i] = true
					if vr.CorsError == "" {
						f := strings.Fields(strings.TrimPrefix(is.Text, "CorsIssue: "))
						if len(f) > 0 {
							vr.CorsError = f[0]
						}
					}
				}
			}
		}
		v.Requests = append(v.Requests, vr)
	}
	// Requests no helper noted (should not happen) are still listed.
	for _, p := range reqs {
		if matched[p] {
			continue
		}
		r := p.hops[0]
		vr := VerdictRequest{URL: r.url, Method: r.method, Console: []string{}, Issues: []string{}, JS: "(not noted by the page)"}
		if f := l.failed[p.id]; f != nil {
			vr.Blocked, vr.ErrorText = true, f.ErrorText
			if f.CorsErrorStatus != nil {
				vr.CorsError, vr.FailedParameter = f.CorsErrorStatus.CorsError, f.CorsErrorStatus.FailedParameter
			}
		}
		v.Requests = append(v.Requests, vr)
	}
	var rest []string
	for i, is := range issues {
		if !usedIssue[i] {
			rest = append(rest, is.Text)
		}
	}
	for i, c := range console {
		if !usedConsole[i] && len(v.Requests) == 1 {
			v.Requests[0].Console = append(v.Requests[0].Console, c.Text)
		}
	}
	if len(rest) > 0 {
		if len(v.Requests) == 1 {
			v.Requests[0].Issues = append(v.Requests[0].Issues, rest...)
		} else {
			v.PageIssues = rest
		}
	}
	return v
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// readJSON decodes a JSON file.
func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// printTable writes one Markdown row per recorded request: what the browser
// decided, from the verdict files in dir.
func printTable(w io.Writer, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.verdict.json"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	fmt.Fprintln(w, "| stack | scenario | request | blocked | corsError (failedParameter) or firefoxError | JS saw |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, f := range files {
		var v Verdict
		if err := readJSON(f, &v); err != nil {
			return err
		}
		for i, r := range v.Requests {
			name := v.Scenario
			if len(v.Requests) > 1 {
				name = fmt.Sprintf("%s #%d", v.Scenario, i+1)
			}
			ce := r.CorsError
			if ce == "" {
				ce = r.FirefoxError
			}
			if r.FailedParameter != "" {
				ce += " (" + r.FailedParameter + ")"
			}
			if ce == "" && r.Blocked {
				ce = r.ErrorText
			}
			blocked := "no"
			if r.Blocked {
				blocked = "**yes**"
			}
			req := r.Method
			if r.Credentials == "include" {
				req += " +credentials"
			}
			if r.API == "xhr" {
				req += " (XHR)"
			}
			if r.Preflights > 0 {
				req += fmt.Sprintf(", %d preflight", r.Preflights)
				if r.Preflights > 1 {
					req += "s"
				}
			}
			js := strings.ReplaceAll(r.JS, "|", "\\|")
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", v.Stack, name, req, blocked, ce, js)
		}
	}
	return nil
}
