// `make bench`: time from paste to findings on screen, the app against a plain-JavaScript page,
// in one headless Chromium run; typing at the end of a 100 KB paste; the host scanner's MB/s; the
// time to app-ready of a cold and of a repeat visit on a throttled network (tools/bench/load.mjs).
//
//   node tools/bench/run.mjs [--dist DIR] [--runs N] [--cases 100kb,1mb,10mb,50mb,200mb]
//                            [--big-runs N] [--typing-runs N] [--load-runs N] [--only-load]
//                            [--no-host] [--json FILE]
//
// Method (also in README, "Benchmark"):
// - Both pages are served by one static server on a free localhost port (dist/ plus
//   tools/bench/plain.*; tools/bench/server.mjs), compressed as a static host does, with the app's
//   Content-Security-Policy header on every response.
// - Every run uses a fresh browser context (empty storage, service workers blocked) and waits for
//   the page to be ready (body.app-ready / body.plain-ready) and idle.
// - The paste: a `paste` ClipboardEvent carrying the text in a DataTransfer is dispatched on the
//   textarea, exactly as the browser dispatches a user's paste. Synthetic events have no default
//   action, so when no handler called preventDefault() the harness does what the browser would:
//   `beforeinput`, the text inserted at the caret, `input` (inputType insertFromPaste). The app
//   intercepts pastes above 512 KiB (preventDefault); the plain page never does, so its 10 MB
//   go into the textarea, as they would for a user.
// - Time: from just before the dispatch to the first frame painted with the expected number of
//   `section[aria-label="Findings"] article` elements: a MutationObserver sees the count, then
//   requestAnimationFrame plus a MessageChannel message marks the end of that frame's rendering
//   (style, layout, paint). Median of --runs runs.
// - A real paste as a cross-check (app only, last column): the text is written to Chromium's
//   headless clipboard and Playwright presses Ctrl+V; timed from the trusted paste event's
//   timeStamp, so it also counts reading the text from the clipboard.
// - Typing: after the 100 KB paste is decoded, 20 characters are typed at the end of the text
//   with Playwright's keyboard (50 ms apart); the longest main-thread task is read from a
//   Chromium trace, and the `longtask` PerformanceObserver (which only reports tasks over 50 ms)
//   is reported beside it.
// - 50 MB and 200 MB: tools/bench/big.mjs (time to first and to all findings, longest task, memory).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CASES, generate, expected } from './gen.mjs';
import { loadBench } from './load.mjs';
import { BIG_CASES, bigRun } from './big.mjs';
import { PLAIN_PAGE, serve } from './server.mjs';
import { ROOT, args, chromium, opt } from './cli.mjs';

const DIST = path.resolve(ROOT, opt('--dist', 'dist'));
const RUNS = Number(opt('--runs', 5));
const TYPING_RUNS = Number(opt('--typing-runs', 3));
const BIG_RUNS = Number(opt('--big-runs', 3));
const LOAD_RUNS = Number(opt('--load-runs', 5));
const ONLY_LOAD = args.includes('--only-load');
const JSON_OUT = opt('--json', null);
const ONLY = ONLY_LOAD ? [] : opt('--cases', [...CASES, ...BIG_CASES].map((c) => c.name).join(',')).split(',');
const TYPED = '  Normal  Pulled  3s'; // 20 characters: one more event row
const TIMEOUT_MS = 180_000;
const log = (...a) => console.error(...a);

// ---------------------------------------------------------------------------------------------
// In the page: paste window.__benchText into #event-text and resolve once the expected number of
// findings is painted. Runs through DevTools (not subject to the page's CSP).
export async function pasteAndWait({ expected: want, timeoutMs }) {
  const text = window.__benchText;
  const box = document.getElementById('event-text');
  const sel = 'section[aria-label="Findings"] article';
  const count = () => document.querySelectorAll(sel).length;
  const frames = [];
  const loaf = new PerformanceObserver((l) => {
    for (const e of l.getEntries()) {
      frames.push({ start: e.startTime, duration: e.duration, renderStart: e.renderStart,
        styleAndLayoutStart: e.styleAndLayoutStart,
        scripts: e.scripts.map((s) => ({ invoker: s.invoker, duration: s.duration,
          layout: s.forcedStyleAndLayoutDuration })) });
    }
  });
  try { loaf.observe({ type: 'long-animation-frame' }); } catch { /* older Chromium */ }
  box.focus();
  return new Promise((resolve, reject) => {
    let tDom = null;
    let t0 = 0;
    const timer = setTimeout(() => reject(new Error(`timeout: ${count()} of ${want} findings`)), timeoutMs);
    const check = () => {
      if (tDom !== null) return;
      const n = count();
      if (n < want) return;
      tDom = performance.now();
      mo.disconnect();
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => {
          const tPaint = performance.now();
          clearTimeout(timer);
          // Let a long frame's entry arrive before reporting.
          setTimeout(() => {
            loaf.disconnect();
            resolve({ ms: tPaint - t0, domMs: tDom - t0, handledMs: tHandled - t0, count: n,
              intercepted, large: !!document.querySelector('.large-paste'), valueLength: box.isConnected ? box.value.length : -1,
              frames: frames.filter((f) => f.start + f.duration >= t0) });
          }, 50);
        };
        ch.port2.postMessage(null);
      });
    };
    const mo = new MutationObserver(check);
    mo.observe(document.body, { childList: true, subtree: true });
    const data = new DataTransfer();
    data.setData('text/plain', text);
    const ev = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true });
    t0 = performance.now();
    box.dispatchEvent(ev);
    const intercepted = ev.defaultPrevented;
    if (!intercepted) {
      // The browser's default action for a paste that no handler cancelled.
      const before = new InputEvent('beforeinput', { bubbles: true, cancelable: true, inputType: 'insertFromPaste', dataTransfer: data });
      if (box.dispatchEvent(before)) {
        box.setRangeText(text, box.selectionStart, box.selectionEnd, 'end');
        box.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste', dataTransfer: data }));
      }
    }
    const tHandled = performance.now();
    check();
  });
}

// In the page, before a real Ctrl+V: resolves like pasteAndWait, timed from the trusted paste
// event's timeStamp (so it includes reading the text from the system clipboard).
export function armForCtrlV({ expected: want }) {
  window.__benchResult = new Promise((resolve) => {
    let t0 = null;
    let ev = null;
    let seen = false;
    window.addEventListener('paste', (e) => { t0 = e.timeStamp; ev = e; }, { capture: true, once: true });
    const mo = new MutationObserver(() => {
      if (seen || document.querySelectorAll('section[aria-label="Findings"] article').length < want) return;
      seen = true;
      mo.disconnect();
      const tDom = performance.now();
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => {
          const box = document.getElementById('event-text');
          resolve({ ms: performance.now() - t0, domMs: tDom - t0, intercepted: !!ev?.defaultPrevented,
            large: !!document.querySelector('.large-paste'), valueLength: box?.value?.length ?? -1 });
        };
        ch.port2.postMessage(null);
      });
    });
    mo.observe(document.body, { childList: true, subtree: true });
  });
  document.getElementById('event-text').focus();
}

/** Waits until the page has had `ms` without a long task (and at least two frames). */
export async function settle(page, ms = 300) {
  await page.evaluate((ms) => new Promise((resolve) => {
    let last = performance.now();
    const po = new PerformanceObserver(() => { last = performance.now(); });
    po.observe({ type: 'longtask' });
    const tick = () => (performance.now() - last >= ms ? (po.disconnect(), resolve()) : setTimeout(tick, 50));
    requestAnimationFrame(() => requestAnimationFrame(tick));
  }), ms);
}

export async function openPage(browser, base, side, initScript = null) {
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 900 } });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  if (side === 'app') {
    await page.goto(base + 'index.html');
    await page.waitForSelector('body.app-ready', { state: 'attached', timeout: 30_000 });
  } else {
    await page.goto(base + 'plain.html');
    await page.waitForSelector('body.plain-ready', { state: 'attached', timeout: 30_000 });
  }
  await settle(page);
  return { context, page, problems };
}

async function pasteRun(browser, base, side, c, text) {
  const { context, page, problems } = await openPage(browser, base, side);
  try {
    await page.evaluate((t) => { window.__benchText = t; }, text);
    await settle(page, 200);
    const r = await page.evaluate(pasteAndWait, { expected: c.distinct, timeoutMs: TIMEOUT_MS });
    if (r.count !== c.distinct) throw new Error(`${side} ${c.name}: ${r.count} findings, expected ${c.distinct}`);
    // The app's paste handler must have seen the paste: above 512 KiB it takes the text itself.
    if (side === 'app' && text.length > 512 * 1024 && !(r.intercepted && r.large)) {
      throw new Error(`app ${c.name}: the paste handler did not take the large paste`);
    }
    if ((side === 'plain' || text.length <= 512 * 1024) && r.valueLength !== text.length) {
      throw new Error(`${side} ${c.name}: the textarea holds ${r.valueLength} characters, expected ${text.length}`);
    }
    if (problems.length) throw new Error(`${side} ${c.name}: console errors: ${problems.join(' | ')}`);
    return r;
  } finally {
    await context.close();
  }
}

/** A real paste: the text goes to the (headless) system clipboard, then Ctrl+V. */
async function ctrlVRun(browser, base, side, c, text) {
  const { context, page, problems } = await openPage(browser, base, side);
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await settle(page, 200);
    await page.evaluate(armForCtrlV, { expected: c.distinct });
    await page.keyboard.press('Control+V');
    const r = await page.evaluate(() => window.__benchResult);
    const large = text.length > 512 * 1024;
    if (side === 'app' && large !== (r.intercepted && r.large)) throw new Error(`app ${c.name} Ctrl+V: intercepted=${r.intercepted}`);
    if ((side === 'plain' || !large) && r.valueLength !== text.length) throw new Error(`${side} ${c.name} Ctrl+V: the textarea holds ${r.valueLength} characters`);
    if (problems.length) throw new Error(`${side} ${c.name} Ctrl+V: console errors: ${problems.join(' | ')}`);
    return r;
  } finally {
    await context.close();
  }
}

/** The renderer main thread's tasks from a Chromium trace. */
function mainThreadTasks(trace) {
  const events = JSON.parse(trace.toString()).traceEvents;
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  // The page's main thread is the renderer main thread that dispatched the key events.
  const typingThreads = new Map();
  for (const e of events) {
    if (e.name === 'EventDispatch' && e.args?.data?.type === 'keydown') {
      const k = `${e.pid}:${e.tid}`;
      typingThreads.set(k, (typingThreads.get(k) || 0) + 1);
    }
  }
  const main = [...typingThreads.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!main || names.get(main) !== 'CrRendererMain') return [];
  return events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main
    && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask'))
    .map((e) => ({ ts: e.ts, ms: e.dur / 1000 }));
}

async function typingRun(browser, base, side, text) {
  const c = CASES.find((x) => x.name === '100kb');
  const { context, page, problems } = await openPage(browser, base, side);
  try {
    await page.evaluate((t) => { window.__benchText = t; }, text);
    await page.evaluate(pasteAndWait, { expected: c.distinct, timeoutMs: TIMEOUT_MS });
    await settle(page, 500);
    await page.evaluate(() => {
      const box = document.getElementById('event-text');
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
      window.__long = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); })
        .observe({ type: 'longtask' });
    });
    await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    await page.keyboard.type(TYPED, { delay: 50 });
    // The app analyses 150 ms after the last keystroke; wait for that and its rendering.
    await page.waitForTimeout(600);
    await settle(page, 300);
    const trace = await browser.stopTracing();
    const res = await page.evaluate(() => ({
      long: window.__long,
      value: document.getElementById('event-text').value,
      count: document.querySelectorAll('section[aria-label="Findings"] article').length,
    }));
    if (!res.value.endsWith(TYPED)) throw new Error(`${side}: the typed text did not arrive at the end`);
    if (res.count !== c.distinct) throw new Error(`${side}: ${res.count} findings after typing`);
    if (problems.length) throw new Error(`${side} typing: console errors: ${problems.join(' | ')}`);
    const tasks = mainThreadTasks(trace);
    return { longestTaskMs: tasks.length ? Math.max(...tasks.map((t) => t.ms)) : null, tasks: tasks.length,
      longtasks: res.long };
  } finally {
    await context.close();
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const fmt = (x, d = 0) => (x == null ? '–' : x.toFixed(d));

function hostScan(file) {
  if (args.includes('--no-host')) return null;
  log('host scanner: cargo run --release -p aci-triage-core --example bench_scan');
  const out = execFileSync('cargo', ['run', '--release', '--quiet', '-p', 'aci-triage-core', '--example', 'bench_scan', '--', '--json', file],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop());
}

// ---------------------------------------------------------------------------------------------
async function main() {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error(`${DIST} has no build; run make dist`);
  const cases = CASES.filter((c) => ONLY.includes(c.name));
  const texts = new Map();
  for (const c of CASES) {
    const t = generate(c);
    const e = expected(t);
    if (e.blobs !== c.blobs || e.distinct !== c.distinct) throw new Error(`generator: ${c.name} has ${e.blobs}/${e.distinct}`);
    texts.set(c.name, t);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aci-bench-'));
  const tenMb = path.join(tmp, 'paste-10mb.txt');
  fs.writeFileSync(tenMb, texts.get('10mb'));
  const host = ONLY_LOAD ? null : hostScan(tenMb);
  fs.rmSync(tmp, { recursive: true, force: true });
  if (host && host.findings !== 12) throw new Error(`host: analyze found ${host.findings} findings in the 10 MB paste, expected 12`);

  const server = await serve({ dist: DIST, extra: PLAIN_PAGE });
  server.warm();
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--enable-precise-memory-info',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // Playwright starts Chromium with a fresh temporary user-data-dir of its own.
  });
  const results = { date: new Date().toISOString(), cores: os.cpus().length, cpu: os.cpus()[0]?.model,
    chromium: browser.version(), runs: RUNS, host, cases: [], big: [], bigRuns: BIG_RUNS, typing: {}, load: null };
  try {
    for (const c of cases) {
      const text = texts.get(c.name);
      const runs = { app: [], plain: [] };
      for (let i = 0; i < RUNS; i++) {
        for (const side of ['app', 'plain']) {
          const r = await pasteRun(browser, base, side, c, text);
          runs[side].push(r);
          log(`${c.label} ${side} run ${i + 1}: ${r.ms.toFixed(0)} ms (findings in DOM at ${r.domMs.toFixed(0)} ms, handlers done at ${r.handledMs.toFixed(0)} ms${side === 'app' ? (r.intercepted ? ', intercepted' : ', via the textarea') : ''})`);
        }
      }
      runs.appCtrlV = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await ctrlVRun(browser, base, 'app', c, text);
        runs.appCtrlV.push(r);
        log(`${c.label} app Ctrl+V run ${i + 1}: ${r.ms.toFixed(0)} ms (findings in DOM at ${r.domMs.toFixed(0)} ms${r.intercepted ? ', intercepted' : ', via the textarea'})`);
      }
      results.cases.push({ ...c, app: median(runs.app.map((r) => r.ms)), plain: median(runs.plain.map((r) => r.ms)),
        appCtrlV: median(runs.appCtrlV.map((r) => r.ms)), runs });
    }
    const ten = CASES.find((x) => x.name === '10mb');
    for (const c of BIG_CASES.filter((b) => ONLY.includes(b.name))) {
      const all = [];
      for (let i = 0; i < BIG_RUNS; i++) {
        const r = await bigRun(browser, base, openPage, c, texts.get('10mb'), ten.distinct, TIMEOUT_MS);
        all.push(r);
        log(`${c.label} app run ${i + 1}: first findings ${r.firstMs.toFixed(0)} ms, all ${r.allMs.toFixed(0)} ms, longest task `
          + `${fmt(r.longestTaskMs, 1)} ms of ${r.tasks}, JS heap +${mib(r.heapAdded)}, WASM ${mib(r.wasmBytes)}`);
      }
      results.big.push({ ...c, bytes: all[0].bytes, blobs: ten.blobs * c.times, distinct: ten.distinct,
        firstMs: median(all.map((r) => r.firstMs)), allMs: median(all.map((r) => r.allMs)),
        longestTaskMs: Math.max(...all.map((r) => r.longestTaskMs ?? 0)),
        longtasks: all.flatMap((r) => r.longtasks),
        heapAdded: Math.max(...all.map((r) => r.heapAdded)), wasmBytes: Math.max(...all.map((r) => r.wasmBytes ?? 0)),
        runs: all });
    }
    for (const side of ONLY_LOAD ? [] : ['app', 'plain']) {
      const t = [];
      for (let i = 0; i < TYPING_RUNS; i++) t.push(await typingRun(browser, base, side, texts.get('100kb')));
      results.typing[side] = { longestTaskMs: Math.max(...t.map((x) => x.longestTaskMs ?? 0)),
        longtasks: t.flatMap((x) => x.longtasks), runs: t };
      log(`typing ${side}: longest task per run ${t.map((x) => fmt(x.longestTaskMs, 1)).join(', ')} ms`);
    }
    if (LOAD_RUNS > 0) results.load = await loadBench(browser, { dist: DIST, runs: LOAD_RUNS, log });
  } finally {
    await browser.close();
    server.close();
  }
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(results, null, 2) + '\n');
  console.log(table(results));
}

const kib = (bytes) => `${fmt(bytes / 1024, 1)} KiB`;
const mib = (bytes) => (bytes == null ? '–' : `${fmt(bytes / (1024 * 1024), 1)} MiB`);

function table(r) {
  const lines = [];
  const ok = (b) => (b ? 'met' : 'MISSED');
  const targets = [];
  lines.push(`${r.date.slice(0, 10)} · ${r.cores} cores (${r.cpu}) · Chromium ${r.chromium} headless · median of ${r.runs} runs`
    + (r.load ? `, load rows: median of ${r.load.runs}` : ''));
  if (r.cases.length) {
    lines.push('');
    lines.push('| paste | blobs (distinct) | app ms | plain ms | plain/app | app ms, real Ctrl+V |');
    lines.push('|---|---|---:|---:|---:|---:|');
    for (const c of r.cases) {
      lines.push(`| ${c.label} | ${c.blobs} (${c.distinct}) | ${fmt(c.app)} | ${fmt(c.plain)} | ${fmt(c.plain / c.app, 2)} | ${fmt(c.appCtrlV)} |`);
    }
  }
  if (r.big.length) {
    lines.push('');
    lines.push(`| big paste (app; median of ${r.bigRuns}, worst task and memory) | blobs (distinct) | first findings ms | all findings ms | longest main-thread task ms | \`longtask\` > 50 ms | peak JS heap added | WASM memory | bytes of memory per input byte |`);
    lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const b of r.big) {
      const lt = b.longtasks.length ? `${b.longtasks.length} (max ${fmt(Math.max(...b.longtasks))} ms)` : 'none';
      lines.push(`| ${b.label} | ${b.blobs} (${b.distinct}) | ${fmt(b.firstMs)} | ${fmt(b.allMs)} | ${fmt(b.longestTaskMs, 1)} | ${lt} | `
        + `${mib(b.heapAdded)} | ${mib(b.wasmBytes)} | ${fmt((b.heapAdded + b.wasmBytes) / b.bytes, 2)} |`);
    }
  }
  if (r.load) {
    const { br, gzip } = r.load.encodings;
    const t = r.load.targets;
    lines.push('');
    lines.push(`| load (${r.load.profile.label}, no CPU throttling) | ms to app-ready | over the network | target |`);
    lines.push('|---|---:|---:|---|');
    lines.push(`| cold first visit, brotli | ${fmt(br.coldMs)} | ${kib(br.coldBytes)} | ≤ ${t.coldMs} ms: ${ok(br.coldMs <= t.coldMs)} |`);
    lines.push(`| cold first visit, gzip only | ${fmt(gzip.coldMs)} | ${kib(gzip.coldBytes)} | ≤ ${t.coldMs} ms: ${ok(gzip.coldMs <= t.coldMs)} |`);
    lines.push(`| repeat visit through the service worker (brotli) | ${fmt(br.repeatMs)} | ${kib(br.repeatBytes)} | ≤ ${t.repeatMs} ms: ${ok(br.repeatMs <= t.repeatMs)} |`);
    targets.push(`cold load ≤ ${t.coldMs} ms: ${ok(br.coldMs <= t.coldMs)}`, `repeat visit ≤ ${t.repeatMs} ms: ${ok(br.repeatMs <= t.repeatMs)}`);
  }
  lines.push('');
  const ty = r.typing.app;
  if (ty) {
    const lt = ty.longtasks.length ? `${fmt(Math.max(...ty.longtasks))} ms` : 'none';
    const pl = r.typing.plain;
    lines.push(`Typing 20 characters at the end of the 100 KB paste: longest main-thread task ${fmt(ty.longestTaskMs, 1)} ms in the app`
      + (pl ? ` (plain page: ${fmt(pl.longestTaskMs, 1)} ms)` : '') + `; \`longtask\` entries (> 50 ms) in the app: ${lt}.`);
  }
  if (r.host) {
    lines.push(`Host scanner (\`decode::analyze\`, release build, 10 MB paste): ${fmt(r.host.mb_per_s)} MB/s (median ${fmt(r.host.median_ms, 1)} ms of ${r.host.runs} runs).`);
  }
  const ten = r.cases.find((c) => c.name === '10mb');
  if (ten) targets.unshift(`10 MB on screen ≤ 500 ms: ${ok(ten.app <= 500)}`, `not slower than the plain page: ${ok(ten.app <= ten.plain)}`);
  if (ty) targets.push(`typing task ≤ 50 ms: ${ok((ty.longestTaskMs ?? 0) <= 50)}`);
  const fifty = r.big.find((b) => b.name === '50mb');
  if (fifty) targets.push(`50 MB all findings ≤ 400 ms: ${ok(fifty.allMs <= 400)}`);
  for (const b of r.big) targets.push(`${b.label} longest task ≤ 50 ms: ${ok(b.longestTaskMs <= 50)}`);
  if (targets.length) lines.push('', `Targets: ${targets.join(' · ')}`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
