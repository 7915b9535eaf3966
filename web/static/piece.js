// The piece worker: a second instance of harcors (WebAssembly), started by
// the analysing worker, that parses pieces of a large file on a second
// core while that worker analyses. WebAssembly's goroutines share one
// thread, so this is how the page reads a large HAR in parallel, as the
// command does. It is given each File once ("file"), then jobs ("piece"),
// and answers each job with the piece's entries, packed (see har.ReadPiece),
// reading the File itself (see ahead). It loads nothing but wasm_exec.js,
// harcors.wasm and reader.js, from the page's own folder.
"use strict";
importScripts("wasm_exec.js");

const go = new Go();
// Its warm-up is the reading of pieces (see warmUp in web/wasm/main.go).
go.env = { HARCORS_ROLE: "piece" };
const loaded = (async () => {
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

// block is the last part of file read here, from offset blockOff. Each
// read of a File costs as much again as the copy of its bytes, so the file
// is read in blocks of blockSize, each serving a job (a piece of 2 MiB and
// the end of its last entry) and the start of the next.
const blockSize = 8 << 20;
let block = null, blockOff = 0;
// readHere counts the bytes of the current file read here, not by the
// reading worker: each answer carries it, for the page's timing marks.
let readHere = 0;

// ahead holds the blocks a reading worker of this one's own (reader.js,
// the one the analysing worker uses for its slices) reads in order, up to
// three blocks ahead of the jobs, while this one parses: a read here
// (FileReaderSync) waits for the browser, and took about a seventh of the
// time of this worker, the busier of the two, on a 100 MiB capture. The
// jobs come in the file's order, so each block is used by a few jobs, then
// dropped once the reads have passed it, which lets the reading worker
// read another (its credit). aheadEnd is where the blocks received so far
// end.
//
// A job whose bytes are still on their way waits for them (queue), rather
// than reading them here: the first jobs come as the reading starts, and
// reading their bytes here read the first 16-24 MiB of a file twice. A job
// is run at once when no block can come in time: no reading worker, the
// reading failed, or all three blocks are here (the reading waits for the
// jobs to pass them). What a job reads past the blocks is read here.
let aheadReader = null, ahead = [], aheadEnd = 0, aheadFailed = false;
const keepBehind = 4 << 20, aheadBlocks = 3;
// margin is how far past its end a piece is expected to read (the end of
// its last entry); a job waits until the blocks reach that far.
const margin = 256 << 10;
let queue = [];
try {
  aheadReader = new Worker("reader.js");
  aheadReader.onmessage = (ev) => {
    const m = ev.data;
    if (m.gen !== fid) return;
    if (m.buf) {
      ahead.push({ off: m.off, bytes: new Uint8Array(m.buf) });
      aheadEnd = m.off + m.buf.byteLength;
    } else {
      aheadFailed = true;
    }
    runQueue();
  };
  // A reading worker that cannot run (its script failed to load) sends
  // nothing: without it the jobs would wait forever.
  aheadReader.onerror = (e) => {
    e.preventDefault(); // handled here, as worker.js handles its helpers'
    aheadReader = null;
    ahead = [];
    runQueue();
  };
} catch (e) {
  aheadReader = null; // no worker here: every read is made here
}

// ready says whether a job for the piece that ends at end may run now.
function ready(end) {
  return !aheadReader || aheadFailed || ahead.length >= aheadBlocks ||
    aheadEnd >= Math.min(file.size, end + margin);
}

function readAt(off, n) {
  while (ahead.length > 0 && ahead[0].off + ahead[0].bytes.length + keepBehind <= off) {
    ahead.shift();
    if (aheadReader) aheadReader.postMessage({ type: "more", gen: fid });
  }
  for (const b of ahead) {
    if (off >= b.off && off < b.off + b.bytes.length) {
      return b.bytes.subarray(off - b.off, Math.min(b.bytes.length, off - b.off + n));
    }
  }
  if (!block || off < blockOff || off + n > blockOff + block.length) {
    try {
      block = new Uint8Array(fr.readAsArrayBuffer(file.slice(off, off + Math.max(n, blockSize))));
      blockOff = off;
      readHere += block.length;
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
    ahead = [];
    aheadEnd = 0;
    aheadFailed = false;
    readHere = 0;
    runQueue(); // the jobs of the file before get their error
    if (aheadReader) aheadReader.postMessage({ type: "open", gen: fid, file, slice: blockSize, ahead: aheadBlocks });
    return;
  }
  if (m.type !== "piece") return;
  try {
    await loaded;
  } catch (e) {
    postMessage({ id: m.id, error: "harcors.wasm could not be loaded: " + e });
    return;
  }
  queue.push(m);
  runQueue();
};

// runQueue runs the waiting jobs, in order, while their bytes are here.
function runQueue() {
  while (queue.length > 0 && (queue[0].fid !== fid || !file || ready(queue[0].end))) {
    run(queue.shift());
  }
}

function run(m) {
  if (m.fid !== fid || !file) {
    postMessage({ id: m.id, error: "the file was replaced" });
    return;
  }
  const src = { size: file.size, readAt };
  const out = harcorsPiece(src, m.job);
  if (out instanceof Error) {
    postMessage({ id: m.id, error: out.message });
  } else {
    postMessage({ id: m.id, buf: out.buffer, readHere }, [out.buffer]);
  }
}
