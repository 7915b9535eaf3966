package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestBuild(t *testing.T) {
	vcs := func(rev, at, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: at}, {Key: "vcs.modified", Value: modified}}
	}
	for _, c := range []struct {
		bi   debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("8d34b9ed757f0d3dcedefd4076a2d02a74ca5ef3", "2026-12-04T23:47:07Z", "false")}, "devel 8d34b9ed757f 2026-12-04"},
		{debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261204234707-8d34b9ed757f+dirty"}}, "devel 8d34b9ed757f 2026-12-04 +changes"},
		{debug.BuildInfo{Main: debug.Module{Version: "v1.4.1-0.20261204234707-8d34b9ed757f"}, Settings: vcs("8d34b9ed757f0d3dcedefd4076a2d02a74ca5ef3", "2026-12-04T23:47:07Z", "true")}, "devel 8d34b9ed757f 2026-12-04 +changes"},
	} {
		if got := Build(&c.bi); got != c.want {
			t.Errorf("%+v: %q, want %q", c.bi.Main, got, c.want)
		}
	}
}
