// The page: pick or drop captures, hand them to the worker once, show
// progress, show the report in a frame, offer it (and the JSON) for
// download. The end of an analysis is marked data-state="done" on <body>
// (or "error"), for people's scripts and the browser tests.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const input = $("files"), drop = $("drop"), status = $("status");
  const box = $("progress-box"), bar = $("progress"), frame = $("report");
  let worker = null, html = "", names = [];

  // harcorsTiming holds the times (ms since the epoch) of the last
  // analysis's steps, the worker's and the page's, for people measuring
  // the page and for its browser test.
  const now = () => performance.timeOrigin + performance.now();
  window.harcorsTiming = {};

  function setState(s) { document.body.setAttribute("data-state", s); }

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function mib(n) { return (n / 1048576).toFixed(n < 10485760 ? 1 : 0) + " MiB"; }

  // The worker starts with the page, not with the first file: loading
  // harcors.wasm and its warm-up (see warmUp in web/wasm/main.go) are
  // done by the time someone picks a capture. It says "ready" then, and
  // <body> gets data-engine="ready". A new choice while an analysis runs
  // replaces the worker.
  //
  // A capture of 64 MiB or more is parsed in pieces by a second harcors
  // in a worker of its own while the first analyses. With four cores or
  // more it always is. With two or three, only a capture whose entries
  // are small (see looksDense in worker.js): the pair needs more CPU than
  // one instance, and a capture of large bodies, whose time is the
  // browser's reading of the File, took 1.4-1.8x as long with it; one of
  // many small entries took 0.75-0.91x (headless Chromium 156, 100 MiB,
  // two cores, bench/RESULTS.md). "?pieces=on", "dense" or "off" in the page's
  // address decides instead.
  let busy = false;
  const param = new URLSearchParams(location.search).get("pieces");
  const cores = navigator.hardwareConcurrency || 1;
  const pieces = param ? param : cores >= 4 ? "on" : cores >= 2 ? "dense" : "off";
  function spawn() {
    const w = new Worker("worker.js");
    w.onmessage = (ev) => {
      if (ev.data.type === "ready") document.body.setAttribute("data-engine", "ready");
    };
    w.postMessage({ type: "config", pieces });
    return w;
  }
  worker = spawn();

  function start(files) {
    files = Array.from(files || []);
    if (files.length === 0) return;
    if (busy) {
      worker.terminate(); // a new choice replaces a running analysis
      worker = spawn();
    }
    busy = true;
    window.harcorsTiming = { picked: now() };
    names = files.map((f) => f.name);
    const total = files.reduce((n, f) => n + f.size, 0);
    setState("working");
    $("result").hidden = true;
    box.hidden = total < 4 << 20; // small files finish before a bar means anything
    bar.value = 0;
    say("Reading " + names.join(", ") + " (" + mib(total) + ")…");
    worker.onmessage = (ev) => {
      const m = ev.data;
      if (m.type === "ready") {
        document.body.setAttribute("data-engine", "ready");
      } else if (m.type === "progress") {
        bar.value = m.total ? m.done / m.total : 1;
        say("Read " + mib(m.done) + " of " + mib(m.total) + "…");
      } else if (m.type === "done") {
        busy = false;
        html = m.html;
        const timing = Object.assign(window.harcorsTiming, m.marks, { doneMsg: now() });
        // "done" once the report is in the frame, not before.
        frame.addEventListener("load", () => {
          timing.frameLoaded = now();
          setState("done");
        }, { once: true });
        frame.srcdoc = html;
        timing.srcdocSet = now();
        $("result").hidden = false;
        box.hidden = true;
        say("Done: " + names.join(", ") + " analysed in " + (m.ms / 1000).toFixed(1) + " s (waiting for the files " + (m.waitMs / 1000).toFixed(1) + " s; memory " + Math.round(m.memMiB) + " MiB), here in this browser.");
      } else if (m.type === "json") {
        save(m.json, "application/json", "json");
      } else if (m.type === "error") {
        busy = false;
        box.hidden = true;
        say("Could not analyse: " + m.message, true);
        setState("error");
      }
    };
    worker.onerror = (e) => {
      busy = false;
      say("The analysis stopped: " + (e.message || "unknown error") + ". A very large file may need more memory than this tab has.", true);
      setState("error");
    };
    // The File objects go to the worker once; it reads them in slices.
    worker.postMessage({ type: "analyze", files: files, severity: $("info").checked ? "info" : "warning" });
  }

  function save(text, type, ext) {
    const a = document.createElement("a");
    const base = names.length === 1 ? names[0].replace(/\.(har|json)(\.gz)?$/i, "") : "harcors";
    a.href = URL.createObjectURL(new Blob([text], { type: type }));
    a.download = base + "-cors." + ext;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  input.addEventListener("change", () => start(input.files));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    start(e.dataTransfer.files);
  });
  // A file dropped outside the zone would replace the page with it.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());
  $("dl-html").addEventListener("click", () => save(html, "text/html", "html"));
  $("dl-json").addEventListener("click", () => worker && worker.postMessage({ type: "json" }));
})();
