package sanitize

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/redact"
)

// Learn reads the HAR at path and returns the values to hide wherever they
// reappear: cookie values, the credentials of Authorization and other
// credential headers, and every secret a rewrite finds in bodies and
// WebSocket messages. A tracker echoing a cookie value as ?uid=... may
// come before the entry that sets the cookie, and a token a body returns
// may reappear in a page or a message, so the rewrite needs them all
// first. The error is the reader's, if it stopped early; what was read
// before it is still returned.
func Learn(path string, ropt har.Options) (map[string]bool, error) {
	known, err := learnFields(path, ropt)
	if err != nil {
		return known, err
	}
	// The secrets of bodies: a rewrite that keeps every body, its output
	// thrown away, marks them.
	f, err := os.Open(path)
	if err != nil {
		return known, err
	}
	defer f.Close()
	in, c, err := Input(f, ropt)
	if err != nil {
		return known, err
	}
	defer c.Close()
	probe := New(Options{KeepBodies: true, Known: known})
	probe.scanMax = learnScan
	err = probe.Rewrite(io.Discard, in)
	if known == nil {
		known = map[string]bool{}
	}
	for v := range probe.marks {
		known[v] = true
	}
	if err != nil {
		return known, fmt.Errorf("%s: %w", ropt.Name, err)
	}
	return known, nil
}

// learnScan is how much of each body Learn reads for secrets. The secret
// that later requests reuse comes in a short response (a login, a token
// endpoint); a body of megabytes (a bundle, a download) is not read to
// its end: one of 64 MiB took 16 s and 1.8 GB here. The rewrite itself
// still redacts a body it keeps whole.
const learnScan = 1 << 20

// learnFields reads the values of cookies and credential headers with
// harcors' reader, which also checks the HAR as the command does.
func learnFields(path string, ropt har.Options) (map[string]bool, error) {
	r, err := har.Open(path, ropt)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var red redact.Redactor
	red.Known = map[string]bool{}
	for {
		e, err := r.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return red.Known, err
		}
		learnEntry(&red, e)
	}
}

func learnEntry(red *redact.Redactor, e *har.Entry) {
	for _, c := range e.Request.Cookies {
		red.Learn(c.Value)
	}
	for _, c := range e.Response.Cookies {
		red.Learn(c.Value)
	}
	add := func(_, v string) { red.Learn(v) }
	for _, hs := range []har.Headers{e.Request.Headers, e.Response.Headers} {
		for _, h := range hs {
			switch redact.Classify(h.Name) {
			case redact.Cookie:
				redact.CookieValues(h.Value, false, add)
			case redact.SetCookie:
				redact.CookieValues(h.Value, true, add)
			case redact.Auth:
				if _, cred, ok := strings.Cut(strings.TrimSpace(h.Value), " "); ok {
					red.Learn(cred)
				} else {
					red.Learn(h.Value)
				}
			case redact.Secret:
				red.Learn(h.Value)
			}
		}
	}
}
