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
  go.run(inst.instance);
})();

onmessage = async (ev) => {
  const msg = ev.data;
  try {
    await ready;
  } catch (e) {
    postMessage({ type: "error", message: "harcors.wasm could not be loaded: " + e });
    return;
  }
  if (msg.type === "json") {
    const out = harcorsJSON();
    if (out instanceof Error) postMessage({ type: "error", message: out.message });
    else postMessage({ type: "json", json: out });
    return;
  }
  if (msg.type !== "analyze") return;
  const reader = new FileReaderSync();
  const total = msg.files.reduce((n, f) => n + f.size, 0);
  let done = 0, lastSent = 0;
  const files = msg.files.map((f) => ({
    name: f.name,
    size: f.size,
    read: (off, len) => new Uint8Array(reader.readAsArrayBuffer(f.slice(off, off + len))),
  }));
  const progress = (n) => {
    done += n;
    const now = Date.now();
    if (now - lastSent > 100 || done === total) {
      lastSent = now;
      postMessage({ type: "progress", done, total });
    }
  };
  const started = performance.now();
  const out = harcorsAnalyze(files, { severity: msg.severity, showSecrets: false, progress });
  if (out instanceof Error) {
    postMessage({ type: "error", message: out.message });
    return;
  }
  postMessage({ type: "done", html: out.html, ms: performance.now() - started, bytes: total });
};
