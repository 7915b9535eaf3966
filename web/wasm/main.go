//go:build js && wasm

// Command wasm is harcors compiled to WebAssembly for the page in web/: the
// page's worker hands it the user's files and gets the HTML report back.
// Nothing here touches the network; the files are read slice by slice from
// the browser's File objects, through a function the worker provides.
//
// It sets one global function and waits:
//
//	harcorsAnalyze(files, options) -> {html, groups}
//	harcorsJSON() -> the JSON report of the last analysis
//
// files is an array of {name, size, read(offset, length) -> Uint8Array};
// options is {severity: "error"|"warning"|"info", showSecrets: bool,
// progress(bytesRead)}. On failure either returns an Error object instead.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"syscall/js"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/report"
)

// version is set by the build (-ldflags "-X main.version=...").
var version = "devel"

// jsFile reads a browser File through the worker's read function, which
// slices it (File.slice and FileReaderSync): the file is never copied whole
// into the WebAssembly memory, so a capture larger than that memory can
// still be read.
type jsFile struct {
	read     js.Value
	off      int64
	size     int64
	progress js.Value
}

func (f *jsFile) Read(p []byte) (int, error) {
	if f.off >= f.size {
		return 0, io.EOF
	}
	n := int64(len(p))
	if rest := f.size - f.off; n > rest {
		n = rest
	}
	arr := f.read.Invoke(float64(f.off), float64(n))
	got := js.CopyBytesToGo(p[:n], arr)
	if got == 0 {
		return 0, fmt.Errorf("reading at byte %d: the browser returned nothing", f.off)
	}
	f.off += int64(got)
	if f.progress.Type() == js.TypeFunction {
		f.progress.Invoke(float64(got))
	}
	return got, nil
}

// readBuffer is the size of one read from the File: large enough that
// crossing into JavaScript costs nothing beside the parsing, small enough
// that progress moves.
const readBuffer = 4 << 20

var last []*analyze.Result
var lastOpt report.Options

func analyzeJS(_ js.Value, args []js.Value) (ret any) {
	defer func() {
		if p := recover(); p != nil {
			ret = jsError(fmt.Errorf("internal error: %v", p))
		}
	}()
	if len(args) < 1 || args[0].Type() != js.TypeObject {
		return jsError(errors.New("harcorsAnalyze(files, options): files missing"))
	}
	files, opts := args[0], js.Undefined()
	if len(args) > 1 {
		opts = args[1]
	}
	opt := report.Options{Format: report.HTML, MinSeverity: analyze.Warning, Version: version}
	var progress js.Value
	if opts.Type() == js.TypeObject {
		switch s := opts.Get("severity"); {
		case s.Type() == js.TypeString && s.String() == "info":
			opt.MinSeverity = analyze.Info
		case s.Type() == js.TypeString && s.String() == "error":
			opt.MinSeverity = analyze.Error
		}
		opt.ShowSecrets = opts.Get("showSecrets").Truthy()
		progress = opts.Get("progress")
	}
	last = nil
	for i := 0; i < files.Length(); i++ {
		fv := files.Index(i)
		name := fv.Get("name").String()
		f := &jsFile{read: fv.Get("read"), size: int64(fv.Get("size").Float()), progress: progress}
		last = append(last, analyze.Reader(name, bufio.NewReaderSize(f, readBuffer), analyze.Options{}, har.Options{}))
	}
	lastOpt = opt
	var buf bytes.Buffer
	if err := report.Render(&buf, last, opt); err != nil {
		return jsError(err)
	}
	out := js.Global().Get("Object").New()
	out.Set("html", buf.String())
	return out
}

// jsonJS renders the last analysis as JSON, when the user asks for it: most
// never do, and the JSON of a large capture lists every request.
func jsonJS(js.Value, []js.Value) any {
	opt := lastOpt
	opt.Format = report.JSON
	opt.MinSeverity = report.DefaultMinSeverity(report.JSON)
	var buf bytes.Buffer
	if err := report.Render(&buf, last, opt); err != nil {
		return jsError(err)
	}
	return buf.String()
}

func jsError(err error) js.Value {
	return js.Global().Get("Error").New(err.Error())
}

func main() {
	js.Global().Set("harcorsAnalyze", js.FuncOf(analyzeJS))
	js.Global().Set("harcorsJSON", js.FuncOf(jsonJS))
	select {}
}
