//go:build js && wasm

// Command wasm is harcors compiled to WebAssembly for the page in web/: the
// page's worker hands it the user's files and gets the HTML report back.
// Nothing here touches the network; the files are read slice by slice from
// the browser's File objects, through a function the worker provides.
//
// It sets two global functions and waits:
//
//	harcorsAnalyze(files, options) -> the HTML report
//	harcorsJSON(files, options) -> the JSON report (a second reading, when
//	                               the user asks for it)
//
// files is an array of {name, size, read(offset, length) -> Uint8Array};
// options is {severity: "error"|"warning"|"info", showSecrets: bool}; the
// worker counts progress in its read functions. On failure either returns
// an Error object instead.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"syscall/js"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/hargen"
	"github.com/harcors/harcors/report"
)

// version is set by the build (-ldflags "-X main.version=...").
var version = "devel"

// jsFile reads a browser File through the worker's read function, which
// slices it (File.slice and FileReaderSync): the file is never copied whole
// into the WebAssembly memory, so a capture larger than that memory can
// still be read. A slice of chunkSize bytes stays on the JavaScript side
// and each Read copies the part asked for straight into the reader's
// buffer: a bufio.Reader between them would copy every byte twice.
type jsFile struct {
	read js.Value
	off  int64 // the offset of the next byte Read returns
	size int64
	// chunk holds the bytes from chunkOff to chunkOff+chunkLen.
	chunk    js.Value
	chunkOff int64
	chunkLen int64
}

func (f *jsFile) Read(p []byte) (int, error) {
	if f.off >= f.size {
		return 0, io.EOF
	}
	if f.off >= f.chunkOff+f.chunkLen {
		n := min(int64(chunkSize), f.size-f.off)
		f.chunk = f.read.Invoke(float64(f.off), float64(n))
		f.chunkOff, f.chunkLen = f.off, int64(f.chunk.Length())
		if f.chunkLen == 0 {
			return 0, fmt.Errorf("reading at byte %d: the browser returned nothing", f.off)
		}
	}
	from := f.off - f.chunkOff
	to := min(from+int64(len(p)), f.chunkLen)
	got := js.CopyBytesToGo(p, f.chunk.Call("subarray", float64(from), float64(to)))
	f.off += int64(got)
	return got, nil
}

// chunkSize is the size of one read from the File: large enough that
// crossing into JavaScript costs nothing beside the parsing, small enough
// that progress moves.
const chunkSize = 4 << 20

// options reads the options object the worker passes.
func options(v js.Value) report.Options {
	opt := report.Options{Format: report.HTML, MinSeverity: report.DefaultMinSeverity(report.HTML), Version: version}
	if v.Type() == js.TypeObject {
		if s := v.Get("severity"); s.Type() == js.TypeString {
			if sev, err := analyze.ParseSeverity(s.String()); err == nil {
				opt.MinSeverity = sev
			}
		}
		opt.ShowSecrets = v.Get("showSecrets").Truthy()
	}
	return opt
}

// analyzeFiles reads and analyses each file once, through its read function.
func analyzeFiles(files js.Value, aopt analyze.Options) []*analyze.Result {
	var rs []*analyze.Result
	for i := 0; i < files.Length(); i++ {
		fv := files.Index(i)
		name := fv.Get("name").String()
		f := &jsFile{read: fv.Get("read"), size: int64(fv.Get("size").Float())}
		rs = append(rs, analyze.Reader(name, f, aopt, har.Options{}))
	}
	return rs
}

// render runs one report: the analysis options follow the format, as the
// command's do (the HTML report needs the groups only, the JSON every
// finding without its entries and every request).
func render(args []js.Value, format report.Format) (ret any) {
	defer func() {
		if p := recover(); p != nil {
			ret = jsError(fmt.Errorf("internal error: %v", p))
		}
	}()
	if len(args) < 1 || args[0].Type() != js.TypeObject {
		return jsError(errors.New("files missing"))
	}
	opts := js.Undefined()
	if len(args) > 1 {
		opts = args[1]
	}
	opt := options(opts)
	aopt := analyze.Options{NoRequests: true, Keep: analyze.KeepNone, CookieValues: !opt.ShowSecrets}
	if format == report.JSON {
		opt.MinSeverity = report.DefaultMinSeverity(report.JSON)
		aopt.NoRequests, aopt.Keep = false, analyze.KeepLight
	}
	opt.Format = format
	rs := analyzeFiles(args[0], aopt)
	var buf bytes.Buffer
	if err := report.Render(&buf, rs, opt); err != nil {
		return jsError(err)
	}
	return buf.String()
}

func jsError(err error) js.Value {
	return js.Global().Get("Error").New(err.Error())
}

func main() {
	// The collector runs on the one thread there is, between the reads: a
	// streamed analysis keeps a small live heap, so at the default GOGC
	// it would run every few MiB allocated.
	debug.SetGCPercent(400)
	js.Global().Set("harcorsAnalyze", js.FuncOf(func(_ js.Value, args []js.Value) any { return render(args, report.HTML) }))
	js.Global().Set("harcorsJSON", js.FuncOf(func(_ js.Value, args []js.Value) any { return render(args, report.JSON) }))
	warmUp()
	select {}
}

// warmUp analyses two small generated captures, one of each mix, and
// renders their reports, once, when the page loads. The browser first
// runs WebAssembly through a quick compiler and recompiles a function
// with its optimizing one only once it has run a while: without this the
// user's capture pays for that, and under Node the first analysis of a
// 100 MiB body-heavy capture took 2.5 times as long as the second.
// Nothing is kept: the captures are made in memory and the results
// dropped.
func warmUp() {
	for _, mix := range []hargen.Mix{hargen.MetadataDense, hargen.BodyHeavy} {
		var in bytes.Buffer
		if _, err := hargen.Write(&in, hargen.Config{Size: 1 << 20, Mix: mix, BodySize: 16 << 10, Seed: 1}); err != nil {
			return
		}
		aopt := analyze.Options{NoRequests: true, Keep: analyze.KeepNone}
		r := analyze.Reader("warm-up.har", &in, aopt, har.Options{})
		_ = report.Render(io.Discard, []*analyze.Result{r}, report.Options{Format: report.HTML, MinSeverity: report.DefaultMinSeverity(report.HTML), Version: version})
	}
}
