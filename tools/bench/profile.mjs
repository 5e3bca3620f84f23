// Where a big paste's long main-thread tasks come from (issue 14): one 50 MB (or --times N × 10 MB)
// paste in the app, a Chromium trace with the timeline categories, and for every main-thread task
// over --min ms: when it started (ms after the paste), how long it ran, what started it (the
// paste event, a MessageChannel message = the app's yield between slices, a timer, a frame) and
// the time inside it spent in script, garbage collection, style/layout and paint.
//
//   node tools/bench/profile.mjs [--dist DIR] [--times 5] [--min 30] [--json FILE] [--samples [--top 8] [--inclusive] [--callers REGEX]]
//
// Not part of `make bench`: a tool for finding what to fix, printed as a table.
import fs from 'node:fs';
import path from 'node:path';
import { CASES, generate, expected } from './gen.mjs';
import { buildBig, bigPaste, hookWasmMemory } from './big.mjs';
import { openPage } from './run.mjs';
import { serve } from './server.mjs';
import { ROOT, args, chromium, opt } from './cli.mjs';

const DIST = path.resolve(ROOT, opt('--dist', 'dist'));
const TIMES = Number(opt('--times', 5));
const MIN_MS = Number(opt('--min', 30));
const JSON_OUT = opt('--json', null);
/** How many functions to print for each task over --min ms (--samples). */
const TOP = Number(opt('--top', 8));

/** What a task did: its direct cause and the time of the kinds of work nested in it. */
function classify(task, inside) {
  let cause = 'other';
  const kinds = { script: 0, gc: 0, style: 0, layout: 0, paint: 0 };
  for (const e of inside) {
    const d = (e.dur || 0) / 1000;
    const type = e.args?.data?.type;
    if (cause === 'other') {
      if (e.name === 'EventDispatch' && type) cause = type === 'message' ? 'message (slice)' : `event ${type}`;
      else if (e.name === 'TimerFire') cause = 'timer';
      else if (e.name === 'FireAnimationFrame') cause = 'animation frame';
      else if (e.name === 'FunctionCall' && e.args?.data?.functionName) cause = `call ${e.args.data.functionName}`;
      else if (e.name === 'ProfileCall' || e.name === 'RunMicrotasks') cause = 'microtasks';
    }
    if (e.name === 'FunctionCall' || e.name === 'EvaluateScript' || e.name === 'v8.callFunction') kinds.script = Math.max(kinds.script, d);
    else if (/GC|Scavenge|MarkCompact|GCEvent/i.test(e.name)) kinds.gc += d;
    else if (e.name === 'UpdateLayoutTree' || e.name === 'RecalculateStyles') kinds.style += d;
    else if (e.name === 'Layout') kinds.layout += d;
    else if (e.name === 'Paint' || e.name === 'PrePaint' || e.name === 'Layerize' || e.name === 'Commit') kinds.paint += d;
  }
  return { cause, ...kinds };
}

/** Self time by function from the V8 sampling profiler on the page's main thread (`pid`, `tid`):
 * over all its samples, then for each task of `tasks` (trace events) over --min ms its top functions. */
function printSamples(trace, pid, tid, tasks) {
  const nameOf = (n) => (n ? `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url ? n.callFrame.url.split('/').pop() : ''}` : '?');
  const nodes = new Map();
  const samples = [];
  // Each thread's profile is one `Profile` event on that thread; its chunks carry its id.
  const profiles = trace.filter((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid);
  const ids = new Set(profiles.map((e) => e.id));
  const start0 = profiles[0]?.args?.data?.startTime ?? 0;
  for (const e of trace) {
    if (e.pid !== pid || !ids.has(e.id) || e.name !== 'ProfileChunk') continue;
    const d = e.args?.data?.cpuProfile;
    if (!d) continue;
    for (const n of d.nodes || []) nodes.set(n.id, n);
    const deltas = e.args.data.timeDeltas || [];
    let t = samples.length ? samples[samples.length - 1].ts : start0;
    (d.samples || []).forEach((id, i) => {
      t += deltas[i] || 0;
      samples.push({ ts: t, name: nameOf(nodes.get(id)), id });
    });
  }
  // Time by function including its callees (--inclusive): each function once per sample's stack,
  // the WASM's functions and its calls out to JavaScript only (the rest is the browser's and glue).
  const inclusive = (list, k) => {
    const total = new Map();
    for (let i = 0; i + 1 < list.length; i++) {
      const dt = (list[i + 1].ts - list[i].ts) / 1000;
      const seen = new Set();
      for (let n = nodes.get(list[i].id); n; n = nodes.get(n.parent)) seen.add(nameOf(n));
      for (const name of seen) total.set(name, (total.get(name) || 0) + dt);
    }
    return [...total.entries()].filter(([n]) => n.includes('wasm')).sort((a, b) => b[1] - a[1]).slice(0, k);
  };
  const top = (list, k) => {
    const self = new Map();
    for (let i = 0; i + 1 < list.length; i++) self.set(list[i].name, (self.get(list[i].name) || 0) + (list[i + 1].ts - list[i].ts) / 1000);
    return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, k);
  };
  // Who calls the functions matching --callers REGEX: their callers' chains (three deep), by time.
  const callers = opt('--callers', null);
  if (callers) {
    const re = new RegExp(callers);
    const chains = new Map();
    for (let i = 0; i + 1 < samples.length; i++) {
      if (!re.test(samples[i].name)) continue;
      const up = [];
      for (let n = nodes.get(nodes.get(samples[i].id)?.parent); n && up.length < 3; n = nodes.get(n.parent)) up.push(nameOf(n).split(' ')[0]);
      const key = up.join(' < ');
      chains.set(key, (chains.get(key) || 0) + (samples[i + 1].ts - samples[i].ts) / 1000);
    }
    console.log(`callers of /${callers}/ (ms):`);
    for (const [k, ms] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${ms.toFixed(1).padStart(8)}  ${k}`);
  }
  console.log('self time by function on the main thread (all samples, ms):');
  for (const [n, ms] of top(samples, 25)) console.log(`${ms.toFixed(1).padStart(8)}  ${n}`);
  for (const t of tasks.filter((x) => x.dur > MIN_MS * 1000)) {
    const inside = samples.filter((x) => x.ts >= t.ts && x.ts <= t.ts + t.dur);
    console.log(`task of ${(t.dur / 1000).toFixed(0)} ms:`);
    for (const [n, ms] of (args.includes('--inclusive') ? inclusive : top)(inside, TOP)) console.log(`${ms.toFixed(1).padStart(8)}  ${n}`);
  }
}

async function main() {
  const ten = CASES.find((c) => c.name === '10mb');
  const text = generate(ten);
  const want = expected(text).distinct;
  const server = await serve({ dist: DIST });
  server.warm();
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--enable-precise-memory-info'],
  });
  try {
    const { context, page } = await openPage(browser, base, 'app', hookWasmMemory);
    await page.evaluate((t) => { window.__benchText = t; }, text);
    await page.evaluate(buildBig, { times: TIMES });
    await page.evaluate(() => { window.__benchText = null; });
    await page.waitForTimeout(500);
    await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'v8', 'disabled-by-default-devtools.timeline', ...(args.includes('--samples') ? ['disabled-by-default-v8.cpu_profiler'] : [])] });
    const t0wall = await page.evaluate(() => performance.timeOrigin + performance.now());
    const r = await page.evaluate(bigPaste, { want, timeoutMs: 300_000 });
    const trace = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
    await context.close();

    const names = new Map();
    for (const e of trace) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
    // The page's main thread: the renderer main thread that dispatched the paste.
    const paste = trace.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'paste');
    if (!paste) throw new Error('no paste event in the trace');
    const main = `${paste.pid}:${paste.tid}`;
    const onMain = trace.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X').sort((a, b) => a.ts - b.ts);
    // (Chromium records a task twice, as ThreadControllerImpl::RunTask and RunTask inside it: once here.)
    const outer = onMain.some((e) => e.name === 'ThreadControllerImpl::RunTask') ? 'ThreadControllerImpl::RunTask' : 'RunTask';
    const tasks = onMain.filter((e) => e.name === outer);
    const rows = [];
    let j = 0;
    for (const t of tasks) {
      const end = t.ts + t.dur;
      while (j < onMain.length && onMain[j].ts < t.ts) j++;
      const inside = [];
      for (let k = j; k < onMain.length && onMain[k].ts < end; k++) if (onMain[k] !== t) inside.push(onMain[k]);
      const ms = t.dur / 1000;
      if (ms < MIN_MS || t.ts < paste.ts - 1000) continue;
      rows.push({ atMs: (t.ts - paste.ts) / 1000, ms, ...classify(t, inside) });
    }
    const fmt = (x) => x.toFixed(1).padStart(7);
    console.log(`${TIMES * 10} MB paste: first findings ${r.firstMs.toFixed(0)} ms, all ${r.allMs.toFixed(0)} ms; ${rows.length} main-thread tasks ≥ ${MIN_MS} ms (longtask entries: ${r.longtasks.map((x) => x.toFixed(0)).join(', ') || 'none'})`);
    console.log('   at ms |      ms | script |     gc |  style | layout |  paint | cause');
    for (const x of rows) {
      console.log(`${fmt(x.atMs)} | ${fmt(x.ms)} |${fmt(x.script)} |${fmt(x.gc)} |${fmt(x.style)} |${fmt(x.layout)} |${fmt(x.paint)} | ${x.cause}`);
    }
    if (args.includes('--samples')) printSamples(trace, paste.pid, paste.tid, tasks.filter((t) => t.ts >= paste.ts - 1000));
    if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify({ result: r, rows, t0wall }, null, 1));
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
