package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/harcors/harcors/analyze"
)

// SARIF 2.1.0 (OASIS), as GitHub code scanning and other UIs read it: one
// run, the rule catalogue as the driver's rules, one result per finding
// located at the HAR file and the line of its entry.

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
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Properties          sarifResultProps  `json:"properties"`
}

type sarifResultProps struct {
	Entry     int               `json:"entry"`
	Preflight *int              `json:"preflight"`
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Origin    string            `json:"origin"`
	Chromium  analyze.CorsError `json:"chromium,omitempty"`
	Firefox   string            `json:"firefox,omitempty"`
	Status    int               `json:"status"`
	Stack     string            `json:"stack,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
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

// fingerprint identifies a finding across runs, for code-scanning UIs that
// track alerts: the same rule on the same endpoint, method and origin is the
// same alert, whatever the entry's position in a re-recorded HAR.
func fingerprint(f *analyze.Finding, c cleaner) string {
	h := sha256.Sum256([]byte(strings.Join([]string{f.Rule.ID, f.Method, endpoint(c.url(f.URL)), c.text(f.Origin), c.text(f.Value)}, "\x00")))
	return hex.EncodeToString(h[:16])
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
	for _, v := range views(results, opt.MinSeverity) {
		uri := artifactURI(v.res.File)
		if v.res.Err != nil {
			inv.ExecutionSuccessful = false
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Level:     "error",
				Message:   sarifText{Text: c.errText(v.res.Err)},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}}}},
			})
		}
		for _, f := range v.shown {
			idx, ok := index[f.Rule.ID]
			if !ok {
				continue // a rule outside the catalogue cannot be described
			}
			msg := c.text(f.Cause)
			if fix := c.text(f.Fix); fix != "" {
				msg += " Fix"
				if n := stackName(f.Stack); n != "" {
					msg += " (" + n + ")"
				}
				msg += ": " + fix
			}
			loc := sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}}
			if f.Line > 0 {
				loc.Region = &sarifRegion{StartLine: f.Line}
			}
			run.Results = append(run.Results, sarifResult{
				RuleID:              f.Rule.ID,
				RuleIndex:           idx,
				Level:               sarifLevel(f.Severity),
				Message:             sarifText{Text: msg},
				Locations:           []sarifLocation{{PhysicalLocation: loc}},
				PartialFingerprints: map[string]string{"harcorsFinding/v1": fingerprint(f, c)},
				Properties: sarifResultProps{
					Entry: f.Entry, Preflight: optIndex(f.Preflight), URL: c.url(f.URL), Method: c.plain(f.Method),
					Origin: c.text(f.Origin), Chromium: f.Chromium, Firefox: f.Firefox, Status: f.Status, Stack: string(f.Stack),
				},
			})
		}
	}
	run.Invocations = []sarifInvocation{inv}
	return sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}}
}

func renderSARIF(buf *bytes.Buffer, results []*analyze.Result, opt Options) error {
	return writeJSON(buf, sarifDocument(results, opt))
}
