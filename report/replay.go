package report

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/internal/replay"
	"github.com/harcors/harcors/internal/textsafe"
)

// replayCommand is the curl line that replays the finding's preflight, for
// a backend developer to check a fix without a browser: the same Origin
// (null after a cross-origin redirect, as the browser sent it),
// Access-Control-Request-Method and -Headers, never cookies or
// credentials, the URL redacted. "" when the request needed no preflight
// (a simple request: an OPTIONS line would check nothing the browser
// checked), or has no URL.
func replayCommand(f *analyze.Finding, c cleaner) string {
	if f.URL == "" || f.PreflightEntry == nil && f.PreflightCaptured && f.Asked == nil {
		return ""
	}
	return replay.Preflight(c.url(f.URL), c.text(analyze.ReplayOrigin(f)), analyze.ReplayMethod(f), analyze.ReplayHeaders(f))
}

// mdReplay writes the replay command of a Markdown finding, in a code
// block (sanitized: the line comes from the HAR).
func mdReplay(buf *bytes.Buffer, f *analyze.Finding, c cleaner) {
	// A line longer than this (a URL of kilobytes) would crowd the report
	// out of its size budget; JSON keeps it.
	if r := replayCommand(f, c); r != "" && len(r) <= 2000 {
		fmt.Fprintf(buf, "**Replay the preflight** (no browser needed; compare the answer's status and Access-Control-* headers):\n\n```sh\n%s\n```\n\n", strings.ReplaceAll(textsafe.Escape(r), "```", "` ` `"))
	}
}
