//go:build js && wasm

// Command wasm is harcors compiled to WebAssembly for the page in web/: the
// page's worker hands it the user's files and gets the HTML report back.
// Nothing here touches the network; the files are read slice by slice from
// the browser's File objects by a second worker, which reads ahead while
// this one analyses.
//
// It sets three global functions and waits:
//
//	harcorsAnalyze(files, options) -> a Promise of the HTML report
//	harcorsJSON(files, options) -> a Promise of the JSON report (a second
//	                               reading, when the user asks for it)
//	harcorsPiece(file, job) -> the entries of one piece of a large file
//	                           (a Uint8Array), or an Error
//
// files is an array of {name, size, pieces, open() -> stream}; each open
// starts the file again from its first byte (a streamed analysis that must
// start again opens it a second time), and stream.next(callback) calls
// callback, then or later, with the next slice (a Uint8Array) or an Error.
// pieces says whether the worker has a second instance: a large file is
// then read in pieces, stream.piece(job, end, callback) having the second
// instance run harcorsPiece on a job and calling callback with the result
// or an Error, and stream.readAt(offset, length) returning those bytes of
// the file (or an Error) at once. In harcorsPiece, file is {size, readAt}.
// options is {severity: "error"|"warning"|"info", showSecrets: bool}; the
// worker counts progress as it hands out slices. On failure the Promise is
// rejected with an Error.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"syscall/js"

	"github.com/harcors/harcors/analyze"
	"github.com/harcors/harcors/har"
	"github.com/harcors/harcors/internal/buildinfo"
	"github.com/harcors/harcors/internal/hargen"
	"github.com/harcors/harcors/report"
)

// version is set by a release build (-ldflags "-X main.version=..."); else
// the reports name the commit and date of the source (buildinfo.Version).
var version string

// jsStream reads one opening of a browser File, slice by slice as the
// worker hands them over. Asking for a slice and waiting for it blocks
// only this goroutine: the Go runtime then returns to the worker's event
// loop, where the slice arrives from the reading worker. A slice stays on
// the JavaScript side and each Read copies the part asked for straight
// into the reader's buffer: a bufio.Reader between them would copy every
// byte twice.
//
// A File can also be read anywhere at once (ReadAt, synchronous in a
// worker), so a jsStream is a har.Growing input that has all arrived: a
// large one is read in pieces by the second instance (see remote), as the
// command reads a large file on several cores, and ReadAt serves the
// reading that goes on here from a piece that could not be used.
type jsStream struct {
	stream js.Value
	got    chan js.Value
	cb     js.Func
	off    int64 // the offset of the next byte Read returns
	size   int64
	chunk  js.Value
	pos, n int // the next byte in chunk, and its length

	// at is ReadAt's.
	at jsFile
}

func newStream(stream js.Value, size int64) *jsStream {
	s := &jsStream{stream: stream, size: size, got: make(chan js.Value, 1), at: jsFile{src: stream, size: size}}
	s.cb = js.FuncOf(func(_ js.Value, args []js.Value) any {
		s.got <- args[0]
		return nil
	})
	return s
}

func (s *jsStream) Read(p []byte) (int, error) {
	if s.off >= s.size {
		return 0, io.EOF
	}
	if s.pos >= s.n {
		s.stream.Call("next", s.cb)
		v := <-s.got
		if v.InstanceOf(js.Global().Get("Error")) {
			return 0, fmt.Errorf("reading at byte %d: %s", s.off, v.Get("message").String())
		}
		s.chunk, s.pos, s.n = v, 0, v.Length()
		if s.n == 0 {
			return 0, fmt.Errorf("reading at byte %d: the browser returned nothing", s.off)
		}
	}
	to := min(s.pos+len(p), s.n)
	got := js.CopyBytesToGo(p, s.chunk.Call("subarray", s.pos, to))
	s.pos += got
	s.off += int64(got)
	return got, nil
}

// readBlock is how much ReadAt reads from the File at once.
const readBlock = 1 << 20

// ReadAt reads from the File through the stream's readAt(offset, length).
func (s *jsStream) ReadAt(p []byte, off int64) (int, error) { return s.at.ReadAt(p, off) }

// Arrived says the whole File is there.
func (s *jsStream) Arrived() (int64, bool) { return s.size, true }

// remote reads pieces of the file being analysed in the second instance:
// piece(job, end, callback) of the file's current opening sends the job to
// the second worker and calls back with the result (a Uint8Array) or an
// Error; end, where the piece ends, moves the progress bar.
type remote struct{ stream *jsStream }

func (r *remote) ReadPiece(job []byte, end int64) ([]byte, error) {
	s := r.stream
	if s == nil || s.stream.Get("piece").Type() != js.TypeFunction {
		return nil, errors.New("no second worker")
	}
	got := make(chan js.Value, 1)
	cb := js.FuncOf(func(_ js.Value, args []js.Value) any {
		got <- args[0]
		return nil
	})
	defer cb.Release()
	s.stream.Call("piece", bytesToJS(job), end, cb)
	v := <-got
	if v.InstanceOf(js.Global().Get("Error")) {
		return nil, errors.New(v.Get("message").String())
	}
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	return b, nil
}

func bytesToJS(b []byte) js.Value {
	v := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(v, b)
	return v
}

// readPiece is harcorsPiece in the second instance: it reads the piece a
// job describes from a file (an object with readAt and size), at once.
func readPiece(args []js.Value) (res any) {
	defer func() {
		if p := recover(); p != nil {
			res = jsError(fmt.Errorf("internal error: %v", p))
		}
	}()
	if len(args) < 2 {
		return jsError(errors.New("harcorsPiece(file, job)"))
	}
	f := &jsFile{src: args[0], size: int64(args[0].Get("size").Float())}
	job := make([]byte, args[1].Length())
	js.CopyBytesToGo(job, args[1])
	b, err := har.ReadPiece(f, job)
	if err != nil {
		return jsError(err)
	}
	return bytesToJS(b)
}

// jsFile is a File (size bytes) read at once through src.readAt(offset,
// length), a block at a time: the pieces are read in buffers of 256 KiB,
// and each read of a File has a cost of its own whatever its size. block
// is the last block read, from offset blockOff.
type jsFile struct {
	src      js.Value
	size     int64
	block    js.Value
	blockOff int64
	blockLen int
}

func (f *jsFile) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= f.size {
			return n, io.EOF
		}
		if at < f.blockOff || at >= f.blockOff+int64(f.blockLen) {
			v := f.src.Call("readAt", at, min(f.size-at, max(readBlock, int64(len(p)-n))))
			if v.InstanceOf(js.Global().Get("Error")) {
				return n, fmt.Errorf("reading at byte %d: %s", at, v.Get("message").String())
			}
			if v.Length() == 0 {
				return n, fmt.Errorf("reading at byte %d: the browser returned nothing", at)
			}
			f.block, f.blockOff, f.blockLen = v, at, v.Length()
		}
		i := int(at - f.blockOff)
		to := min(f.blockLen, i+len(p)-n)
		n += js.CopyBytesToGo(p[n:], f.block.Call("subarray", i, to))
	}
	return n, nil
}

// options reads the options object the worker passes.
func options(v js.Value) report.Options {
	// The problems below the severity are shown by the page's checkbox,
	// not by a flag.
	opt := report.Options{Format: report.HTML, MinSeverity: report.DefaultMinSeverity(report.HTML), Version: buildinfo.Version(version),
		ShowHidden: `"Include info-level findings"`}
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

// reportOptions returns opt for format, and the analysis options that
// follow it, as the command's do: the HTML report needs the groups only,
// the JSON every finding without its entries and every request.
func reportOptions(opt report.Options, format report.Format) (report.Options, analyze.Options) {
	aopt := analyze.Options{NoRequests: true, Keep: analyze.KeepNone, CookieValues: !opt.ShowSecrets}
	if format == report.JSON {
		opt.MinSeverity = report.DefaultMinSeverity(report.JSON)
		aopt.NoRequests, aopt.Keep = false, analyze.KeepLight
	}
	opt.Format = format
	return opt, aopt
}

// analyzeFiles analyses each file, streamed: a file is opened again
// rather than copied when its analysis must start again.
func analyzeFiles(files js.Value, aopt analyze.Options) []*analyze.Result {
	var rs []*analyze.Result
	var streams []*jsStream
	defer func() {
		for _, s := range streams {
			s.cb.Release()
		}
	}()
	for i := 0; i < files.Length(); i++ {
		fv := files.Index(i)
		name := fv.Get("name").String()
		size := int64(fv.Get("size").Float())
		rm := &remote{}
		open := func() (io.Reader, error) {
			s := newStream(fv.Call("open"), size)
			streams = append(streams, s)
			rm.stream = s
			return s, nil
		}
		// Without a second instance the file is read in order, with
		// the reading worker's slices, never in pieces.
		ropt := har.Options{}
		if fv.Get("pieces").Truthy() {
			ropt.Pieces = rm
		}
		rs = append(rs, analyze.Reopen(name, open, aopt, ropt))
	}
	return rs
}

// render runs one report: the analysis options follow the format, as the
// command's do (the HTML report needs the groups only, the JSON every
// finding without its entries and every request).
func render(args []js.Value, format report.Format) (out string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error: %v", p)
		}
	}()
	if len(args) < 1 || args[0].Type() != js.TypeObject {
		return "", errors.New("files missing")
	}
	opts := js.Undefined()
	if len(args) > 1 {
		opts = args[1]
	}
	opt, aopt := reportOptions(options(opts), format)
	rs := analyzeFiles(args[0], aopt)
	var buf bytes.Buffer
	if err := report.Render(&buf, rs, opt); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// promise runs work on its own goroutine and returns a Promise of its
// result: work blocks while it waits for the file's slices, and the
// worker's event loop, which brings them, must run meanwhile.
func promise(work func() (string, error)) js.Value {
	start := js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			out, err := work()
			if err != nil {
				reject.Invoke(jsError(err))
				return
			}
			resolve.Invoke(out)
		}()
		return nil
	})
	defer start.Release()
	return js.Global().Get("Promise").New(start)
}

func jsError(err error) js.Value {
	return js.Global().Get("Error").New(err.Error())
}

func main() {
	// The collector runs on the one thread there is, between the reads: a
	// streamed analysis keeps a small live heap, so at the default GOGC
	// it would run every few MiB allocated.
	debug.SetGCPercent(400)
	js.Global().Set("harcorsAnalyze", js.FuncOf(func(_ js.Value, args []js.Value) any {
		return promise(func() (string, error) { return render(args, report.HTML) })
	}))
	js.Global().Set("harcorsJSON", js.FuncOf(func(_ js.Value, args []js.Value) any {
		return promise(func() (string, error) { return render(args, report.JSON) })
	}))
	js.Global().Set("harcorsPiece", js.FuncOf(func(_ js.Value, args []js.Value) any { return readPiece(args) }))
	warmUp(os.Getenv("HARCORS_ROLE"))
	select {}
}

// warmUp runs, when the page loads, what the user's capture will run, so
// that it runs at full speed from its first byte. The browser first runs
// WebAssembly through a quick compiler, and recompiles a function with its
// optimizing one, on threads of its own, once the function has run a
// while: without the warm-up the user's capture pays for both. Under Node
// the first analysis of a 100 MiB body-heavy capture took 2.5 times as
// long as the second; in headless Chromium on two cores, with a warm-up of
// one small capture of each mix (read whole, not streamed, and none in
// pieces), the recompiling still took 0.5-1.2 s of CPU during the 100 MiB
// dense capture, on threads that took it from the two instances (under
// Node, V8's --trace-wasm-compilation-times named 290 functions).
//
// role says which instance this is, from the environment the page's
// worker gives it (HARCORS_ROLE, see piece.js): "piece" for the second
// instance, which warms up the reading of pieces (har.WarmPieces: both
// ends, as the browser shares the compiled code between the instances of
// one module), anything else for the analysing one, which analyses
// generated captures and renders their reports. Nothing is kept: the
// captures are made in memory and the results dropped.
func warmUp(role string) {
	dense := warmCapture(hargen.MetadataDense)
	defer warmCollector()
	if role == "piece" {
		for range warmRounds {
			_, _ = har.WarmPieces(dense)
		}
		return
	}
	// Each capture is handed over as the page hands a File, in slices
	// through JavaScript (jsStream), so that the calls into JavaScript and
	// the finalizers of its values are warmed up too: analysed from Go
	// memory, the 100 MiB dense capture compiled about 35 more functions.
	analyse := func(data []byte) {
		files, release := warmFiles(data)
		defer release()
		_, _ = render(files, report.HTML)
	}
	for range warmRounds {
		analyse(dense)
	}
	analyse(warmCapture(hargen.BodyHeavy))
}

// warmFiles is the arguments of harcorsAnalyze (see the package comment)
// for one file, data, whose stream hands it over at once in slices of
// warmSlice bytes; release releases its functions.
func warmFiles(data []byte) (args []js.Value, release func()) {
	arr := bytesToJS(data)
	var funcs []js.Func
	open := js.FuncOf(func(js.Value, []js.Value) any {
		off := 0
		next := js.FuncOf(func(_ js.Value, args []js.Value) any {
			end := min(len(data), off+warmSlice)
			v := arr.Call("subarray", off, end)
			off = end
			args[0].Invoke(v)
			return nil
		})
		funcs = append(funcs, next)
		return js.ValueOf(map[string]any{"next": next})
	})
	funcs = append(funcs, open)
	f := js.ValueOf(map[string]any{"name": "warm-up.har", "size": len(data), "pieces": false, "open": open})
	return []js.Value{js.ValueOf([]any{f})}, func() {
		for _, fn := range funcs {
			fn.Release()
		}
	}
}

// warmCollector runs the garbage collector again and again, with a live
// heap of a few MiB: a large capture collects many times, and the
// collector's functions were compiled during it.
func warmCollector() {
	keep := make([][]byte, 0, 1024)
	for i := range 1024 {
		keep = append(keep, make([]byte, 4096+i))
	}
	for range 64 {
		runtime.GC()
	}
	runtime.KeepAlive(keep)
}

// warmSlice is the size of warmFiles' slices: small, so that a capture
// of 1 MiB makes many.
const warmSlice = 16 << 10

// warmRounds is how many times warmUp reads its capture of small entries.
// After one reading, headless Chromium still recompiled 190 functions
// (0.50 s of compiling) during the 100 MiB dense capture; after six from Go
// memory, 154-167 (0.42-0.61 s). Twelve, handed over through JavaScript,
// with the collector warmed up too: 76-86 (0.14-0.25 s), and the page
// ready 2.3-3.0 s after loading instead of 1.7-2.6 s (bench/RESULTS.md).
// Reading one capture again spares making a larger one: under Node,
// generating 6 MiB took 0.39-0.50 s, longer than analysing it.
const warmRounds = 12

// warmCapture generates a 1 MiB capture of mix for warmUp (or nil).
func warmCapture(mix hargen.Mix) []byte {
	var b bytes.Buffer
	if _, err := hargen.Write(&b, hargen.Config{Size: 1 << 20, Mix: mix, BodySize: 16 << 10, Seed: 1}); err != nil {
		return nil
	}
	return b.Bytes()
}
