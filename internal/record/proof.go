package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/harcors/harcors/analyze"
)

// Proof marks a scenario as the proof of one of harcors' fix texts: the
// failing scenario Fails, run again with the fix harcors prints for it
// applied to the stack's configuration, must pass in both browsers.
//
// Fix pins the text that was applied: when the catalogue's text for Rule
// and Stack changes, TestProofs fails until the proving configuration is
// brought in line and the new hash written here. Keys are pieces of that
// text that the proving configuration holds verbatim (a directive, an
// option), so that the proof visibly applies what the text says.
type Proof struct {
	Fails string        // ID of the failing scenario: <stack>--<name>
	Rule  string        // the rule harcors reports on Fails
	Stack analyze.Stack // the stack harcors names there; its fix is the one applied
	Fix   string        // fixHash of the fix template for Rule and Stack
	Keys  []string
}

// fixHash is the first 12 hex digits of the SHA-256 of a fix template (the
// text with its {origin}-style placeholders, as the catalogue holds it).
func fixHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])[:12]
}

// fixTemplate is the fix harcors prints for rule id on stack s.
func fixTemplate(id string, s analyze.Stack) (string, error) {
	r := analyze.LookupRule(id)
	if r == nil {
		return "", fmt.Errorf("no rule %s in the catalogue", id)
	}
	return r.FixFor(s), nil
}

// proof is shorthand for a scenario that proves the fix for fails. Its JS,
// when left empty, is the failing scenario's, so that the page asks for
// exactly the same thing.
func proof(fails, rule string, stack analyze.Stack, fix string, keys ...string) *Proof {
	return &Proof{Fails: fails, Rule: rule, Stack: stack, Fix: fix, Keys: keys}
}

// fillProofs copies the failing scenario's JS into proofs that have none,
// and checks that every proof names a registered scenario.
func fillProofs() error {
	byID := map[string]*Scenario{}
	for _, s := range allScenarios {
		byID[s.ID()] = s
	}
	for _, s := range allScenarios {
		p := s.Proves
		if p == nil {
			continue
		}
		f := byID[p.Fails]
		if f == nil {
			return fmt.Errorf("scenario %s proves the fix for %s, which is not a scenario", s.ID(), p.Fails)
		}
		if f.Proves != nil {
			return fmt.Errorf("scenario %s proves the fix for %s, itself a proof", s.ID(), p.Fails)
		}
		if s.JS == "" {
			s.JS = f.JS
		}
		if s.Description == "" {
			s.Description = fmt.Sprintf("%s with harcors' %s fix applied (%s): %s", p.Fails, p.Rule, stackLabel(p.Stack), f.Description)
		}
	}
	return nil
}

func stackLabel(s analyze.Stack) string {
	if s == analyze.Generic {
		return "generic"
	}
	return string(s)
}
