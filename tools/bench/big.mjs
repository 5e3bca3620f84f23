// `make bench`'s rows for big pastes (50 MB and 200 MB): the app reads and analyses them in slices
// on the main thread (src/ui/state.rs, src/ui/progress.rs), showing findings as it finds them.
//
// Method (also in README, "Benchmark"):
// - The paste is the 10 MB benchmark paste repeated (5× and 20×), built in the page (and put in
//   a DataTransfer) before the clock starts, and pasted as the other rows are (a `paste`
//   ClipboardEvent on the text box).
// - Time to first findings: from just before the dispatch until the first finding card is in the
//   DOM. Time to all findings: until every distinct finding is in the DOM and the progress bar
//   is gone (the analysis is complete), plus the frame that paints it.
// - Longest main-thread task: the renderer main thread's tasks in a Chromium trace ("toplevel")
//   recorded around the paste; `longtask` entries (> 50 ms) beside it.
// - Memory: `performance.memory.usedJSHeapSize` (Chromium with --enable-precise-memory-info)
//   sampled every 10 ms, its peak minus its value just before the paste (the harness's own copy
//   of the text is in that baseline); the WASM memory's size at the end (it never shrinks, so
//   that is its peak; the module's memory is caught by an init script wrapping
//   `WebAssembly.instantiate*`). Both per byte of input.
// - The plain-JavaScript page is not run at these sizes: 50 MB in its text box alone keeps the
//   tab busy for many seconds.

/** The big cases: `times` copies of the 10 MB paste. */
export const BIG_CASES = [
  { name: '50mb', label: '50 MB', times: 5 },
  { name: '200mb', label: '200 MB', times: 20 },
];

/** Init script: keeps the app's WASM memory where the page's harness can read its size. */
export function hookWasmMemory() {
  const keep = (r) => {
    const m = (r && (r.instance || r).exports && (r.instance || r).exports.memory) || null;
    if (m) window.__wasmMemory = m;
    return r;
  };
  const streaming = WebAssembly.instantiateStreaming;
  if (streaming) WebAssembly.instantiateStreaming = (...a) => streaming.apply(WebAssembly, a).then(keep);
  const plain = WebAssembly.instantiate;
  WebAssembly.instantiate = (...a) => plain.apply(WebAssembly, a).then(keep);
}

/** In the page: builds the paste (`times` copies of window.__benchText) before timing. */
export function buildBig({ times }) {
  window.__bigText = window.__benchText.repeat(times);
  // The DataTransfer is filled here, not in the timed task: copying 200 MB into it is the
  // harness's cost, not the app's (reading it back out in the paste handler is the app's).
  window.__bigData = new DataTransfer();
  window.__bigData.setData('text/plain', window.__bigText);
  return window.__bigText.length;
}

/** In the page: pastes window.__bigText and resolves when the analysis is complete and painted. */
export function bigPaste({ want, timeoutMs }) {
  const text = window.__bigText;
  const box = document.getElementById('event-text');
  const count = () => document.querySelectorAll('section[aria-label="Findings"] article').length;
  const busy = () => !!document.querySelector('.analysis-progress');
  const heap = () => (performance.memory ? performance.memory.usedJSHeapSize : 0);
  const long = [];
  const po = new PerformanceObserver((l) => { for (const e of l.getEntries()) long.push(e.duration); });
  po.observe({ type: 'longtask' });
  const heap0 = heap();
  let peakHeap = heap0;
  const sampler = setInterval(() => { peakHeap = Math.max(peakHeap, heap()); }, 10);
  let sawProgress = false;
  box.focus();
  return new Promise((resolve, reject) => {
    let t0 = 0;
    let tFirst = null;
    let tAll = null;
    const timer = setTimeout(() => reject(new Error(`timeout: ${count()} of ${want} findings, busy ${busy()}`)), timeoutMs);
    const check = () => {
      if (tAll !== null) return;
      const n = count();
      sawProgress ||= busy();
      if (n > 0 && tFirst === null) tFirst = performance.now();
      if (n < want || busy()) return;
      tAll = performance.now();
      mo.disconnect();
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => {
          const tPaint = performance.now();
          clearTimeout(timer);
          clearInterval(sampler);
          peakHeap = Math.max(peakHeap, heap());
          setTimeout(() => {
            po.disconnect();
            resolve({ firstMs: tFirst - t0, allMs: tPaint - t0, domMs: tAll - t0, count: n, sawProgress,
              intercepted, heapAdded: peakHeap - heap0, heap0, peakHeap,
              wasmBytes: window.__wasmMemory ? window.__wasmMemory.buffer.byteLength : null,
              longtasks: long, length: text.length });
          }, 50);
        };
        ch.port2.postMessage(null);
      });
    };
    const mo = new MutationObserver(check);
    mo.observe(document.body, { childList: true, subtree: true });
    const ev = new ClipboardEvent('paste', { clipboardData: window.__bigData, bubbles: true, cancelable: true, composed: true });
    t0 = performance.now();
    box.dispatchEvent(ev);
    const intercepted = ev.defaultPrevented;
    check();
  });
}

/** The longest task of the busiest renderer main thread in a "toplevel" trace. */
export function longestMainTask(trace) {
  const events = JSON.parse(trace.toString()).traceEvents;
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask')) continue;
    const k = `${e.pid}:${e.tid}`;
    if (names.get(k) !== 'CrRendererMain') continue;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k).push(e.dur / 1000);
  }
  let best = null;
  for (const tasks of byThread.values()) {
    const sum = tasks.reduce((a, b) => a + b, 0);
    if (!best || sum > best.sum) best = { sum, max: Math.max(...tasks), n: tasks.length };
  }
  return best;
}

/** One big paste in a fresh page; `openPage` as in run.mjs. */
export async function bigRun(browser, base, openPage, c, tenMb, want, timeoutMs) {
  const { context, page, problems } = await openPage(browser, base, 'app', hookWasmMemory);
  try {
    await page.evaluate((t) => { window.__benchText = t; }, tenMb);
    const length = await page.evaluate(buildBig, { times: c.times });
    await page.evaluate(() => { window.__benchText = null; });
    // Let the page settle after building the string (a major GC).
    await page.waitForTimeout(500);
    await browser.startTracing(page, { categories: ['toplevel'] });
    const r = await page.evaluate(bigPaste, { want, timeoutMs });
    const trace = await browser.stopTracing();
    if (r.count !== want) throw new Error(`app ${c.name}: ${r.count} findings, expected ${want}`);
    if (!r.intercepted || !r.sawProgress) throw new Error(`app ${c.name}: no sliced analysis (intercepted ${r.intercepted}, progress ${r.sawProgress})`);
    if (problems.length) throw new Error(`app ${c.name}: console errors: ${problems.join(' | ')}`);
    const main = longestMainTask(trace);
    return { ...r, bytes: length, longestTaskMs: main ? main.max : null, tasks: main ? main.n : 0 };
  } finally {
    await context.close();
  }
}
