// Command web builds harcors' web page into a folder of static files, and
// serves such a folder on the loopback interface for local use.
//
//	go run ./web -o site          # build the page into site/
//	go run ./web -serve site      # open http://127.0.0.1:8080/
//
// The page (static/) runs harcors compiled to WebAssembly (./wasm) in a Web
// Worker; the folder works as it is on any static host (GitHub Pages). The
// build writes index.html with the hashes of the HTML report's inline style
// and script in its Content-Security-Policy: the report is shown in a frame,
// which inherits the page's policy.
package main

import (
	"bytes"
	"compress/gzip"
	"embed"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/harcors/harcors/report"
)

//go:embed static
var static embed.FS

// wasmPackage is the WebAssembly entry point, built with GOOS=js GOARCH=wasm.
const wasmPackage = "github.com/harcors/harcors/web/wasm"

func main() {
	out := flag.String("o", "", "build the page into `dir`")
	serve := flag.String("serve", "", "serve the built page in `dir` on -addr")
	addr := flag.String("addr", "127.0.0.1:8080", "loopback `address` for -serve")
	version := flag.String("version", "", "harcors `version` shown in reports (default: the commit and date of the source, as the command's --version says)")
	flag.Parse()
	var err error
	switch {
	case *out != "" && *serve == "":
		err = build(*out, *version)
	case *serve != "" && *out == "":
		err = serveDir(*serve, *addr)
	default:
		err = fmt.Errorf("give -o DIR to build the page, or -serve DIR to serve a built one")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "web:", err)
		os.Exit(1)
	}
}

func build(dir, version string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	style, script := report.HTMLPolicy()
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		if d.Name() == "index.html" {
			data = bytes.ReplaceAll(data, []byte("{{STYLE}}"), []byte(style))
			data = bytes.ReplaceAll(data, []byte("{{SCRIPT}}"), []byte(script))
		}
		return os.WriteFile(filepath.Join(dir, d.Name()), data, 0o644)
	})
	if err != nil {
		return err
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	if err := copyFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"), filepath.Join(dir, "wasm_exec.js")); err != nil {
		return fmt.Errorf("wasm_exec.js (Go 1.24 or later keeps it in lib/wasm): %w", err)
	}
	wasm := filepath.Join(dir, "harcors.wasm")
	ldflags := "-s -w"
	if version != "" {
		ldflags += " -X main.version=" + version
	}
	goBuild := func(vcs string) ([]byte, error) {
		cmd := exec.Command("go", "build", "-trimpath", "-buildvcs="+vcs, "-ldflags", ldflags, "-o", wasm, wasmPackage)
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		return cmd.CombinedOutput()
	}
	// Without a version the reports name the commit and date of the
	// source, which Go records only when asked (in a workspace "auto"
	// records nothing); a source tree outside git has none to record.
	vcs := "auto"
	if version == "" {
		vcs = "true"
	}
	out, err := goBuild(vcs)
	if err != nil && vcs == "true" {
		out, err = goBuild("auto")
	}
	if err != nil {
		os.Stderr.Write(out)
		return fmt.Errorf("building %s: %w", wasmPackage, err)
	}
	raw, gz, err := sizes(wasm)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "web: built %s (harcors.wasm %.1f MiB, %.2f MiB gzipped)\n", dir, float64(raw)/(1<<20), float64(gz)/(1<<20))
	return nil
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}

// sizes returns a file's size and its size gzipped at the default level, as
// a static host would send it.
func sizes(path string) (raw, gz int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	var cw countWriter
	zw := gzip.NewWriter(&cw)
	raw, err = io.Copy(zw, f)
	if err == nil {
		err = zw.Close()
	}
	return raw, cw.n, err
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// serveDir serves dir on addr, which must be a loopback address: the page
// is for local use, and a report of someone's capture is not for the LAN.
func serveDir(dir, addr string) error {
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return fmt.Errorf("%s holds no built page (go run ./web -o %s): %w", dir, dir, err)
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %s is not a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "web: serving %s on http://%s/ (Ctrl-C stops)\n", dir, ln.Addr())
	return http.Serve(ln, http.FileServer(http.Dir(dir)))
}
