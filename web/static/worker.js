// The worker runs harcors (WebAssembly) off the page's thread, so the page
// stays responsive while a large capture is read. It gets the File objects
// once and answers with the HTML report. A second worker (reader.js) reads
// the files in slices with FileReaderSync, a few slices ahead, while this
// one analyses: reading here would leave the analysis waiting for the disk
// at every slice. A third (piece.js), a second harcors, parses the pieces
// of a large file on another core, as the command does with goroutines.
// A file never sits whole in memory. It loads nothing but wasm_exec.js,
// harcors.wasm, reader.js and piece.js, from the page's own folder.
"use strict";
importScripts("wasm_exec.js");

const go = new Go();
const ready = (async () => {
  const url = "harcors.wasm";
  let inst;
  if (WebAssembly.instantiateStreaming) {
    try {
      inst = await WebAssembly.instantiateStreaming(fetch(url), go.importObject);
    } catch (e) {
      // A static host that serves .wasm with the wrong type.
      inst = null;
    }
  }
  if (!inst) {
    const bytes = await (await fetch(url)).arrayBuffer();
    inst = await WebAssembly.instantiate(bytes, go.importObject);
  }
  go.run(inst.instance); // returns once main waits: after its warm-up
  postMessage({ type: "ready" });
})();

// The last files analysed and their options: the JSON, when asked for, is
// a second reading of the same files.
let last = null;

// slice is the size of one read from a File: large enough that crossing
// into WebAssembly costs nothing beside the parsing, small enough that
// progress moves; ahead is how many slices the reading worker may have
// read and not yet handed over (memory: slice * (ahead + 1)).
const slice = 4 << 20, ahead = 3;

// The piece worker (piece.js), a second harcors that parses pieces of a
// large file on another core (see web/wasm/main.go, remote). Without it
// the analysis reads the whole file itself. jobs holds the callbacks of
// the pieces it has not answered yet, by number.
// The page's first message says whether to start it, and piecesFor
// whether to use it for a file: "on" (always), "dense" (see looksDense)
// or "off" (see app.js).
let pieces = null, piecesFor = "off";
let jobs = new Map(), jobSeq = 0;
function startPieces() {
  try {
    pieces = new Worker("piece.js");
  } catch (e) {
    pieces = null;
    return;
  }
  pieces.onmessage = (ev) => {
    const m = ev.data;
    const cb = jobs.get(m.id);
    if (!cb) return;
    if (m.readHere !== undefined) marks.pieceReadHere = m.readHere;
    jobs.delete(m.id);
    cb(m.error !== undefined ? new Error(m.error) : new Uint8Array(m.buf));
  };
  // A piece worker that stops (its script failed to load, or it ran out
  // of memory) answers nothing more: its jobs fail, and the analysis
  // reads the rest of the file itself (see har.PieceReader).
  pieces.onerror = (e) => {
    e.preventDefault();
    pieces = null;
    const cbs = [...jobs.values()];
    jobs.clear();
    for (const cb of cbs) cb(new Error("the piece worker stopped"));
  };
}

// The reading worker, started with this one. Where a worker cannot start
// another, the slices are read here, in turn with the analysis.
let reader = null;
try {
  reader = new Worker("reader.js");
  // One that cannot run (its script failed to load) sends nothing: the
  // slices of the files opened after are read here; a file being read
  // gets an error rather than waiting forever.
  reader.onerror = (e) => {
    e.preventDefault();
    reader = null;
    if (waiting) {
      const w = waiting;
      waiting = null;
      w.give(new Error("the browser could not run the reading worker"));
    }
  };
} catch (e) {
  reader = null;
}

// waitMs is the time the analysis spent waiting for a slice, reported
// beside the whole: it tells a slow disk from a slow analysis.
let waitMs = 0;

// gen numbers the openings of files: a slice of an earlier one, still on
// its way when the analysis opened another file, is dropped.
let gen = 0;
let queue = [], waiting = null;

// marks are the times (ms since the epoch, comparable with the page's)
// of the steps of the current analysis, sent with its result (with
// waitMs): they tell the page's wall time apart from the analysis's.
let marks = {};
const mark = (name) => {
  if (!(name in marks)) marks[name] = performance.timeOrigin + performance.now();
};

if (reader) {
  reader.onmessage = (ev) => {
    const m = ev.data;
    if (m.gen !== gen) return;
    mark("firstSlice");
    if (m.buf) marks.sliceBytes = (marks.sliceBytes || 0) + m.buf.byteLength;
    const v = m.error !== undefined ? new Error("the browser could not read the file: " + m.error) : new Uint8Array(m.buf);
    if (waiting) {
      const w = waiting;
      waiting = null;
      waitMs += performance.now() - w.since;
      w.give(v);
    } else {
      queue.push(v);
    }
  };
}

// looksDense says whether the entries at the start of f average 2 KiB or
// less: one "startedDateTime" (every HAR entry has one) in every 2 KiB of
// its first MiB. A capture read in pieces (64 MiB and more) is then one of
// small entries, whose parsing the second instance shares. On two cores
// the pair took 0.75-0.91x the time of one instance for entries of 0.7
// KiB, but 1.0-1.4x for DevTools-shaped entries of 8.7 KiB (20 headers,
// some bodies) and 1.4-1.8x for large bodies (see app.js and
// bench/RESULTS.md); the bound leaves whatever lies between to one
// instance, as before. Only the speed depends on the guess: the analysis
// is the same either way.
function looksDense(f) {
  if (f.size < (64 << 20)) return false;
  let text;
  try {
    text = new TextDecoder("latin1").decode(new FileReaderSync().readAsArrayBuffer(f.slice(0, 1 << 20)));
  } catch (e) {
    return false;
  }
  let n = 0;
  for (let i = text.indexOf('"startedDateTime"'); i >= 0; i = text.indexOf('"startedDateTime"', i + 1)) n++;
  return n * 2048 >= text.length;
}

// inputs makes the files argument of harcorsAnalyze and harcorsJSON (see
// web/wasm/main.go). onRead(i, offset) says how far file i has been read.
function inputs(files, onRead) {
  return files.map((f, i) => {
    const split = !!pieces && (piecesFor === "on" || looksDense(f));
    return {
      name: f.name,
      size: f.size,
      pieces: split,
      open: () => {
        const g = ++gen;
        marks.opens = (marks.opens || 0) + 1;
        let off = 0;
        // The pieces of a large file are read by the piece worker (piece),
        // which gets the file once per opening, with the first job. readAt
        // reads the file here, at once, where the analysis reads on by
        // itself from the middle of it (after a piece it could not use).
        const sync = new FileReaderSync();
        let sent = false;
        const at = {
          readAt: (o, n) => {
            try {
              const v = new Uint8Array(sync.readAsArrayBuffer(f.slice(o, o + n)));
              onRead(i, o + v.length);
              return v;
            } catch (e) {
              return new Error("the browser could not read the file: " + e.message);
            }
          },
          piece: split && ((job, end, cb) => {
            if (g !== gen) {
              cb(new Error("the file was replaced"));
              return;
            }
            if (!pieces) {
              cb(new Error("the piece worker stopped"));
              return;
            }
            if (!sent) {
              pieces.postMessage({ type: "file", fid: g, file: f });
              sent = true;
            }
            const id = ++jobSeq;
            jobs.set(id, (v) => {
              if (!(v instanceof Error)) {
                marks.pieces = (marks.pieces || 0) + 1;
                onRead(i, end);
              }
              cb(v);
            });
            pieces.postMessage({ type: "piece", id, fid: g, job, end }, [job.buffer]);
          }),
        };
        const give = (cb) => (v) => {
          if (reader) reader.postMessage({ type: "more", gen: g });
          if (!(v instanceof Error)) {
            off += v.length;
            onRead(i, off);
          }
          cb(v);
        };
        if (!reader) {
          const fr = new FileReaderSync();
          return {
            ...at,
            next: (cb) => {
              let v;
              const t = performance.now();
              try {
                v = new Uint8Array(fr.readAsArrayBuffer(f.slice(off, off + slice)));
              } catch (e) {
                v = new Error("the browser could not read the file: " + e.message);
              }
              waitMs += performance.now() - t;
              give(cb)(v);
            },
          };
        }
        queue = [];
        waiting = null;
        // A file read in pieces is read here only up to its second
        // piece (2 MiB in): reading three slices ahead read 16 MiB of
        // it, most of which the piece worker read again.
        reader.postMessage({ type: "open", gen: g, file: f, slice, ahead: split ? 1 : ahead });
        return {
          ...at,
          next: (cb) => {
            if (g !== gen) {
              cb(new Error("internal error: a file was read after another was opened"));
            } else if (queue.length > 0) {
              give(cb)(queue.shift());
            } else if (!reader) {
              cb(new Error("the browser could not run the reading worker"));
            } else {
              waiting = { give: give(cb), since: performance.now() };
            }
          },
        };
      },
    };
  });
}

onmessage = async (ev) => {
  const msg = ev.data;
  if (msg.type === "config") {
    piecesFor = msg.pieces === "on" || msg.pieces === "dense" ? msg.pieces : "off";
    if (piecesFor !== "off" && !pieces) startPieces();
    return;
  }
  if (msg.type === "analyze") {
    marks = {};
    mark("received");
  }
  try {
    await ready;
  } catch (e) {
    postMessage({ type: "error", message: "harcors.wasm could not be loaded: " + e });
    return;
  }
  if (msg.type === "json") {
    if (!last) return;
    try {
      postMessage({ type: "json", json: await harcorsJSON(inputs(last.files, () => {}), { severity: "info" }) });
    } catch (e) {
      postMessage({ type: "error", message: e.message });
    }
    return;
  }
  if (msg.type !== "analyze") return;
  last = { files: msg.files, severity: msg.severity };
  const total = msg.files.reduce((n, f) => n + f.size, 0);
  // A file read a second time (a streamed analysis that starts again)
  // does not move the bar back.
  const upTo = msg.files.map(() => 0);
  let lastSent = 0;
  const progress = (i, off) => {
    if (off <= upTo[i]) return;
    upTo[i] = off;
    const done = upTo.reduce((a, b) => a + b, 0);
    const now = Date.now();
    if (now - lastSent > 100 || done === total) {
      lastSent = now;
      postMessage({ type: "progress", done, total });
    }
  };
  const started = performance.now();
  mark("ready");
  waitMs = 0;
  let out;
  try {
    out = await harcorsAnalyze(inputs(msg.files, progress), { severity: msg.severity, showSecrets: false });
  } catch (e) {
    postMessage({ type: "error", message: e.message });
    return;
  }
  mark("analysed");
  // The WebAssembly memory only grows: its size is the analysis's peak.
  const memMiB = go.mem ? go.mem.buffer.byteLength / 1048576 : 0;
  postMessage({ type: "done", html: out, ms: performance.now() - started, waitMs, memMiB, bytes: total, marks: Object.assign(marks, { waitMs }) });
};
