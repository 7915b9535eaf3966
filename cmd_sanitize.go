package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/sanitize"
)

const sanitizeUsage = `harcors sanitize writes a copy of a HAR that is safe to attach to a bug
report, and that harcors still gives the same verdict on.

Usage:
  harcors sanitize [flags] IN [-o OUT]

IN is a HAR file (plain or gzip-compressed) or - for standard input. The
sanitized HAR goes to standard output, or to OUT with -o.

Replaced by placeholders (REDACTED-1, REDACTED-2...; the same secret gets the
same placeholder everywhere in the file): cookie values, wherever they
reappear; Authorization and other credential headers (the scheme stays);
tokens, codes, keys and signatures in query strings and fragments; URL user
names and passwords; JWTs anywhere; secrets in JSON and form bodies.

Kept: Origin, every Access-Control-* and Sec-Fetch-* header, statuses,
redirects, timings, _initiator, _resourceType, _error, cookie names and
counts. Response bodies are dropped, except error bodies of up to 2 KiB
(--keep-bodies keeps them all, redacted, up to 8 MiB each).

Flags:
`

func runSanitize(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("harcors sanitize", flag.ContinueOnError)
	out := fset.String("o", "", "write the sanitized HAR to `file` instead of standard output")
	keep := fset.Bool("keep-bodies", false, "keep every response body and WebSocket message (redacted)")
	maxDec := fset.String("max-decompressed", "4GiB", "refuse gzip input that expands past this `size`")
	paths, code, done := parseSub(fset, args, sanitizeUsage, "\nExit status: 0 written; 2 usage error or unreadable input (nothing is written to -o then).\n", stdout, stderr)
	if done {
		return code
	}
	if len(paths) != 1 {
		fmt.Fprintln(stderr, "harcors sanitize: name one HAR file, or - for standard input (harcors sanitize --help)")
		return exitTrouble
	}
	max, err := parseSize(*maxDec)
	if err != nil {
		complain(stderr, "harcors sanitize: --max-decompressed: %v", err)
		return exitTrouble
	}
	in := paths[0]
	if *out != "" && in != "-" && sameFile(*out, in) {
		// The capture is the evidence: a sanitized copy has lost its
		// bodies and secrets for good.
		complain(stderr, "harcors sanitize: -o %s is the capture itself: the sanitized copy would replace it; name another file", *out)
		return exitTrouble
	}
	if in == "-" {
		// The rewrite needs two passes (the cookie values first), and
		// standard input can be read once: keep it in a temporary file.
		tmp, err := os.CreateTemp("", "harcors-sanitize-*.har")
		if err != nil {
			complain(stderr, "harcors sanitize: %v", err)
			return exitTrouble
		}
		defer os.Remove(tmp.Name())
		_, err = io.Copy(tmp, stdin)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			complain(stderr, "harcors sanitize: standard input: %v", err)
			return exitTrouble
		}
		in = tmp.Name()
	}
	name := paths[0]
	if name == "-" {
		name = "standard input"
	}
	known, err := sanitize.Learn(in, har.Options{Name: name, MaxDecompressed: max})
	if err != nil {
		complain(stderr, "harcors sanitize: %v", err)
		return exitTrouble
	}
	s := sanitize.New(sanitize.Options{KeepBodies: *keep, Known: known})
	if err := sanitizeTo(s, in, *out, stdout, max); err != nil {
		complain(stderr, "harcors sanitize: %s: %v", name, err)
		return exitTrouble
	}
	complain(stderr, "harcors sanitize: secrets replaced: %d, placeholders: %d, bodies removed: %d", s.Redacted, s.Secrets(), s.Bodies)
	return exitOK
}

// sanitizeTo rewrites the HAR at in to out, or to stdout when out is "".
// A file is written beside out and renamed, so that a failure leaves no
// half-written HAR under the name asked for.
func sanitizeTo(s *sanitize.Sanitizer, in, out string, stdout io.Writer, max int64) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	r, c, err := sanitize.Input(f, har.Options{MaxDecompressed: max})
	if err != nil {
		return err
	}
	defer c.Close()
	if out == "" {
		return s.Rewrite(stdout, r)
	}
	w, err := createOutput(out)
	if err != nil {
		return err
	}
	if err := s.Rewrite(w, r); err != nil {
		w.discard()
		return err
	}
	return w.commit()
}
