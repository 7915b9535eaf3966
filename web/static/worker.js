// The worker runs harcors (WebAssembly) off the page's thread, so the page
// stays responsive while a large capture is read. It gets the File objects
// once, reads them in slices with FileReaderSync (the WebAssembly side asks
// for a slice when it needs one, so a file never sits whole in memory) and
// answers with the HTML report. It loads nothing but wasm_exec.js and
// harcors.wasm, from the page's own folder.
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

// readMs is the time spent in the browser's file reading, reported beside
// the whole: it tells a slow disk from a slow analysis.
let readMs = 0;

function inputs(files, onRead) {
  const reader = new FileReaderSync();
  return files.map((f) => ({
    name: f.name,
    size: f.size,
    read: (off, len) => {
      const t = performance.now();
      const b = new Uint8Array(reader.readAsArrayBuffer(f.slice(off, off + len)));
      readMs += performance.now() - t;
      onRead(b.length);
      return b;
    },
  }));
}

onmessage = async (ev) => {
  const msg = ev.data;
  try {
    await ready;
  } catch (e) {
    postMessage({ type: "error", message: "harcors.wasm could not be loaded: " + e });
    return;
  }
  if (msg.type === "json") {
    if (!last) return;
    const out = harcorsJSON(inputs(last.files, () => {}), { severity: "info" });
    if (out instanceof Error) postMessage({ type: "error", message: out.message });
    else postMessage({ type: "json", json: out });
    return;
  }
  if (msg.type !== "analyze") return;
  last = { files: msg.files, severity: msg.severity };
  const total = msg.files.reduce((n, f) => n + f.size, 0);
  let done = 0, lastSent = 0;
  const progress = (n) => {
    done += n;
    const now = Date.now();
    if (now - lastSent > 100 || done === total) {
      lastSent = now;
      postMessage({ type: "progress", done, total });
    }
  };
  const started = performance.now();
  readMs = 0;
  const out = harcorsAnalyze(inputs(msg.files, progress), { severity: msg.severity, showSecrets: false });
  if (out instanceof Error) {
    postMessage({ type: "error", message: out.message });
    return;
  }
  // The WebAssembly memory only grows: its size is the analysis's peak.
  const memMiB = go.mem ? go.mem.buffer.byteLength / 1048576 : 0;
  postMessage({ type: "done", html: out, ms: performance.now() - started, readMs, memMiB, bytes: total });
};
