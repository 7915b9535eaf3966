// The reading worker: it reads one File at a time in slices with
// FileReaderSync and sends each slice (its buffer transferred, not copied,
// with the offset it starts at) to the worker that started it, a few
// slices ahead of what that worker has taken, so that reading the disk and
// analysing overlap. The analysing worker starts one for its slices, the
// piece worker one for its blocks. It loads nothing and sends nothing
// anywhere else.
"use strict";
const fr = new FileReaderSync();

// cur is the file being read: "open" (the analysing worker starts a file,
// or starts it again) replaces it; "more" gives back credit for a slice
// taken. gen tells the analysing worker which opening a slice belongs to.
let cur = null;

onmessage = (ev) => {
  const m = ev.data;
  if (m.type === "open") {
    cur = { gen: m.gen, file: m.file, off: 0, slice: m.slice, credit: m.ahead };
  } else if (m.type === "more" && cur && cur.gen === m.gen) {
    cur.credit++;
  }
  pump();
};

function pump() {
  while (cur && cur.credit > 0 && cur.off < cur.file.size) {
    // The first slice is small: the analysis starts on it while the
    // next, full-size ones are read, rather than waiting for 4 MiB.
    const n = cur.off === 0 ? Math.min(cur.slice, 256 << 10) : cur.slice;
    const off = cur.off, end = Math.min(cur.file.size, off + n);
    let buf;
    try {
      buf = fr.readAsArrayBuffer(cur.file.slice(off, end));
    } catch (e) {
      postMessage({ gen: cur.gen, error: (e && e.message) || String(e) });
      cur = null;
      return;
    }
    cur.off = end;
    cur.credit--;
    postMessage({ gen: cur.gen, off, buf }, [buf]);
  }
}
