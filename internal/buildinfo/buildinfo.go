// Package buildinfo says which harcors a binary is: the command's
// --version and reports' titles, and the web page's reports, which come
// from a WebAssembly build of the same source.
package buildinfo

import (
	"regexp"
	"runtime/debug"
	"time"
)

// Version is set when it is not empty (a release build sets it with
// -ldflags "-X main.version=..."), else what the running binary's build
// information says (Build).
func Version(set string) string {
	if set != "" {
		return set
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return Build(bi)
}

// Build is the module version of a go install, else what Go
// recorded of the source a build came from ("devel 8d34b9ed757f
// 2026-12-04", "+changes" when the work tree had uncommitted changes):
// from the vcs settings, or from the pseudo-version Go makes of them.
func Build(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	pseudo := pseudoVersion.FindStringSubmatch(v)
	if v != "" && v != "(devel)" && pseudo == nil {
		return v
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var t time.Time
	if rev != "" {
		t, _ = time.Parse(time.RFC3339, at)
	} else if pseudo != nil {
		rev, modified = pseudo[2], pseudo[3] != ""
		t, _ = time.Parse("20060102150405", pseudo[1])
	} else {
		return "devel"
	}
	out := "devel " + rev[:min(12, len(rev))]
	if !t.IsZero() {
		out += " " + t.UTC().Format("2006-01-02")
	}
	if modified {
		out += " +changes"
	}
	return out
}

// pseudoVersion matches the version Go gives a build from a commit that no
// tag names (v0.0.0-20261204234707-8d34b9ed757f): its time and commit.
var pseudoVersion = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-(?:[0-9A-Za-z.-]*\.)?([0-9]{14})-([0-9a-f]{12})(\+dirty)?$`)
