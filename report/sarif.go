package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/internal/textsafe"
)

// SARIF 2.1.0 (OASIS), as GitHub code scanning and other UIs read it: one
// run, the rule catalogue as the driver's rules, and one result per problem
// (analyze.Group: findings that need the same fix), located at the HAR file
// and the line of its first request, with its other requests as related
// locations.
//
// One result per problem, not per finding: code scanning shows one alert
// per result, and a server that fails 5,000 requests the same way is one
// thing to fix, not 5,000 alerts to dismiss. GitHub shows related locations
// only when the message links to them ("[entry 5](1)"), so the message ends
// with a link to each (at most analyze.GroupEntries). The fingerprint is the
// group's key and the file, so an alert stays the same alert when the
// capture is recorded again and its entries move.

// InformationURI is harcors' home, and the base of every rule's help URI
// (the README's rule table has an anchor per rule ID).
const InformationURI = "https://github.com/harcors/harcors"

const sarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      sarifText         `json:"fullDescription"`
	Help                 sarifText         `json:"help"`
	HelpURI              string            `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig   `json:"defaultConfiguration"`
	Properties           sarifRuleProperty `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProperty struct {
	Tags []string `json:"tags,omitempty"`
	// Chromium and Firefox list the browsers' error names the rule's
	// findings carry, for people searching for a console message.
	Chromium []analyze.CorsError `json:"chromium,omitempty"`
	Firefox  []string            `json:"firefox,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Properties          sarifResultProps  `json:"properties"`
}

// sarifResultProps describe a problem: its requests, and the first of them
// in full (entry, url, method, origin, status), as the location shows.
type sarifResultProps struct {
	// Group is the problem's key (analyze.Group.Key).
	Group    string   `json:"group"`
	Requests int      `json:"requests"`
	Findings int      `json:"findings"`
	Entries  []int    `json:"entries"`
	Server   string   `json:"server"`
	Paths    []string `json:"paths"`
	Methods  []string `json:"methods"`
	Origins  []string `json:"origins"`

	Entry     int               `json:"entry"`
	Preflight *int              `json:"preflight"`
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Origin    string            `json:"origin"`
	Chromium  analyze.CorsError `json:"chromium,omitempty"`
	Firefox   string            `json:"firefox,omitempty"`
	Status    int               `json:"status"`
	Stack     string            `json:"stack,omitempty"`
	// Console is what the console log given with --console says of the
	// sample request.
	Console string `json:"console,omitempty"`
}

type sarifLocation struct {
	// ID numbers a related location, for the message's links to it.
	ID               int           `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// sarifLevel maps a severity to SARIF's level.
func sarifLevel(s analyze.Severity) string {
	switch {
	case s >= analyze.Error:
		return "error"
	case s == analyze.Warning:
		return "warning"
	}
	return "note"
}

// ruleName turns a rule title into the PascalCase identifier SARIF viewers
// show as the rule's name ("Request header not allowed by the preflight" ->
// "RequestHeaderNotAllowedByThePreflight").
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(w)
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	return b.String()
}

// HelpURI is the documentation anchor of a rule in the README.
func HelpURI(ruleID string) string {
	return InformationURI + "#" + strings.ToLower(ruleID)
}

// artifactURI is the HAR's path as a SARIF artifact URI: relative to the
// working directory when it lies beneath it (code-scanning UIs resolve it
// against the repository root, where CI runs), with forward slashes and
// percent-escapes; a file URI otherwise.
func artifactURI(path string) string {
	p := path
	if filepath.IsAbs(p) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
				p = rel
			}
		}
	}
	p = filepath.ToSlash(p)
	if filepath.IsAbs(path) && filepath.IsAbs(filepath.FromSlash(p)) {
		u := url.URL{Scheme: "file", Path: p}
		if !strings.HasPrefix(p, "/") {
			u.Path = "/" + p // Windows drive paths: file:///C:/...
		}
		return u.String()
	}
	p = strings.TrimPrefix(p, "./")
	u := (&url.URL{Path: p}).EscapedPath()
	if first, _, _ := strings.Cut(u, "/"); strings.Contains(first, ":") {
		// "C:x.har" would read as a URI with scheme "C".
		u = "./" + u
	}
	return u
}

// fingerprint identifies a problem across runs, for code-scanning UIs that
// track alerts: the same group (rule, server, cause and fix) in the same
// file is the same alert, whatever its entries' positions in a re-recorded
// HAR.
func fingerprint(g *analyze.Group, uri string) string {
	h := sha256.Sum256([]byte(g.Key + "\x00" + uri))
	return hex.EncodeToString(h[:16])
}

// sarifPlain escapes s for a SARIF plain-text message, where "[text](n)"
// links to related location n: a literal bracket, and a backslash before
// one, take a backslash (SARIF 2.1.0, 3.11.6).
func sarifPlain(s string) string {
	if !strings.ContainsAny(s, "[]") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '[' || ch == ']':
			b.WriteByte('\\')
		case ch == '\\' && i+1 < len(s) && (s[i+1] == '[' || s[i+1] == ']'):
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// sarifGroup is the result of one problem of the file at uri.
func sarifGroup(g *analyze.Group, idx int, uri string, c cleaner) sarifResult {
	msg := c.text(g.Cause)
	if fix := c.text(g.Fix); fix != "" {
		msg += " Fix"
		if n := stackName(g.Stack); n != "" {
			msg += " (" + n + ")"
		}
		msg += ": " + fix
	}
	msg = sarifPlain(msg)
	res := sarifResult{
		RuleID:              g.Rule.ID,
		RuleIndex:           idx,
		Level:               sarifLevel(g.Severity),
		PartialFingerprints: map[string]string{"harcorsGroup/v1": fingerprint(g, uri)},
		Properties: sarifResultProps{
			Group: g.Key, Requests: g.Requests, Findings: g.Findings, Entries: g.Entries,
			Server: c.url(g.Server), Paths: cleanEach(g.Patterns, c.url), Methods: cleanEach(g.Methods, c.plain), Origins: cleanEach(g.Origins, c.text),
		},
	}
	loc := sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}}
	if f := g.Sample; f != nil {
		if f.Line > 0 {
			loc.Region = &sarifRegion{StartLine: f.Line}
		}
		p := &res.Properties
		p.Entry, p.Preflight, p.URL, p.Method, p.Origin = f.Entry, optIndex(f.Preflight), c.url(f.URL), c.plain(f.Method), c.text(f.Origin)
		p.Chromium, p.Firefox, p.Status, p.Stack = f.Chromium, f.Firefox, f.Status, string(f.Stack)
		p.Console = sarifPlain(c.text(f.Console))
	}
	res.Locations = []sarifLocation{{PhysicalLocation: loc}}

	// Link every request the group kept, the first included: the location
	// above is only where the alert sits.
	var links []string
	for i, a := range g.Affected {
		rel := sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}}
		if a.Line > 0 {
			rel.Region = &sarifRegion{StartLine: a.Line}
		}
		text := c.plain(a.Method) + " " + c.url(a.URL)
		if a.Status > 0 {
			text += " (" + affectedStatus(a) + ")"
		}
		res.RelatedLocations = append(res.RelatedLocations, sarifLocation{ID: i + 1, PhysicalLocation: rel, Message: &sarifText{Text: text}})
		links = append(links, fmt.Sprintf("[entry %d](%d)", a.Entry, i+1))
	}
	if len(links) > 0 {
		msg += " " + plural(g.Requests, "request", "requests") + ": " + strings.Join(links, ", ")
		if more := g.Requests - len(links); more > 0 {
			msg += fmt.Sprintf(" and %d more", more)
		}
		msg += "."
	}
	res.Message = sarifText{Text: msg}
	return res
}

// cleanEach cleans each of ss with clean.
func cleanEach(ss []string, clean func(string) string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clean(s)
	}
	return out
}

func sarifDocument(results []*analyze.Result, opt Options) sarifLog {
	c := newCleaner(opt, true)
	rules := analyze.Rules()
	index := map[string]int{}
	driver := sarifDriver{Name: "harcors", Version: opt.Version, InformationURI: InformationURI, Rules: make([]sarifRule, 0, len(rules))}
	for i, r := range rules {
		index[r.ID] = i
		tags := []string{"cors"}
		if strings.HasPrefix(r.ID, "CORS-W") {
			tags = append(tags, "security")
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   r.ID,
			Name:                 ruleName(r.Title),
			ShortDescription:     sarifText{Text: r.Title},
			FullDescription:      sarifText{Text: r.Doc},
			Help:                 sarifText{Text: r.FixText(analyze.Generic)},
			HelpURI:              HelpURI(r.ID),
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(r.Severity)},
			Properties:           sarifRuleProperty{Tags: tags, Chromium: r.Chromium, Firefox: r.Firefox},
		})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	inv := sarifInvocation{ExecutionSuccessful: true}
	type problem struct {
		g   *analyze.Group
		idx int
		uri string
	}
	var ps []problem
	for _, v := range views(results, opt) {
		uri := artifactURI(v.res.File)
		if v.res.Err != nil {
			inv.ExecutionSuccessful = false
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Level:     "error",
				Message:   sarifText{Text: c.errText(v.res.Err)},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}}}},
			})
		}
		for _, w := range v.res.ReadWarnings {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Level:     "warning",
				Message:   sarifText{Text: c.errText(w)},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}}}},
			})
		}
		for _, g := range v.groups {
			idx, ok := index[g.Rule.ID]
			if !ok {
				continue // a rule outside the catalogue cannot be described
			}
			ps = append(ps, problem{g, idx, uri})
		}
	}
	if len(ps) > maxSARIFResults {
		// Keep the most severe, in their order otherwise.
		slices.SortStableFunc(ps, func(a, b problem) int { return int(b.g.Severity) - int(a.g.Severity) })
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "warning",
			Message: sarifText{Text: fmt.Sprintf("%d problems left out: a run holds the %d most severe "+
				"(GitHub code scanning shows at most 5,000 results and refuses runs of more than 25,000); "+
				"harcors --format json lists every one.", len(ps)-maxSARIFResults, maxSARIFResults)},
		})
		ps = ps[:maxSARIFResults]
	}
	run.Results = make([]sarifResult, 0, len(ps))
	for _, p := range ps {
		run.Results = append(run.Results, sarifGroup(p.g, p.idx, p.uri, c))
	}
	run.Invocations = []sarifInvocation{inv}
	return sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}}
}

// maxSARIFResults bounds the results of a run: GitHub code scanning shows
// 5,000 of them and refuses an upload of more than 25,000, and a capture of
// many distinct problems should not make a document of any size.
const maxSARIFResults = 5000

func renderSARIF(buf *bytes.Buffer, results []*analyze.Result, opt Options) error {
	return textsafe.WriteJSON(buf, sarifDocument(results, opt))
}
