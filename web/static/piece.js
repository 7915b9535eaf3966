// The piece worker: a second instance of harcors (WebAssembly), started by
// the analysing worker, that parses pieces of a large file on a second
// core while that worker analyses. WebAssembly's goroutines share one
// thread, so this is how the page reads a large HAR in parallel, as the
// command does. It is given each File once ("file"), then jobs ("piece"),
// and answers each job with the piece's entries, packed (see har.ReadPiece),
// reading the File itself with FileReaderSync. It loads nothing but
// wasm_exec.js and harcors.wasm, from the page's own folder.
"use strict";
importScripts("wasm_exec.js");

const go = new Go();
// Its warm-up is the reading of pieces (see warmUp in web/wasm/main.go).
go.env = { HARCORS_ROLE: "piece" };
const ready = (async () => {
  const url = "harcors.wasm";
  let inst = null;
  if (WebAssembly.instantiateStreaming) {
    try {
      inst = await WebAssembly.instantiateStreaming(fetch(url), go.importObject);
    } catch (e) {
      inst = null; // a static host that serves .wasm with the wrong type
    }
  }
  if (!inst) {
    const bytes = await (await fetch(url)).arrayBuffer();
    inst = await WebAssembly.instantiate(bytes, go.importObject);
  }
  go.run(inst.instance); // returns once main waits: after its warm-up
})();

const fr = new FileReaderSync();

// file is the File of the analysing worker's current opening, fid its
// number: a job for an earlier one gets an error.
let file = null, fid = -1;

// block is the last part of file read, from offset blockOff. Each read of
// a File costs as much again as the copy of its bytes, so the file is read
// in blocks of blockSize, each serving a job (a piece of 2 MiB and the end
// of its last entry) and the start of the next.
const blockSize = 8 << 20;
let block = null, blockOff = 0;

function readAt(off, n) {
  if (!block || off < blockOff || off + n > blockOff + block.length) {
    try {
      block = new Uint8Array(fr.readAsArrayBuffer(file.slice(off, off + Math.max(n, blockSize))));
      blockOff = off;
    } catch (e) {
      block = null;
      return new Error((e && e.message) || String(e));
    }
  }
  return block.subarray(off - blockOff, Math.min(block.length, off - blockOff + n));
}

onmessage = async (ev) => {
  const m = ev.data;
  if (m.type === "file") {
    file = m.file;
    fid = m.fid;
    block = null;
    return;
  }
  if (m.type !== "piece") return;
  try {
    await ready;
  } catch (e) {
    postMessage({ id: m.id, error: "harcors.wasm could not be loaded: " + e });
    return;
  }
  if (m.fid !== fid || !file) {
    postMessage({ id: m.id, error: "the file was replaced" });
    return;
  }
  const src = { size: file.size, readAt };
  const out = harcorsPiece(src, m.job);
  if (out instanceof Error) {
    postMessage({ id: m.id, error: out.message });
  } else {
    postMessage({ id: m.id, buf: out.buffer }, [out.buffer]);
  }
};
