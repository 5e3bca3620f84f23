// `make bench`'s load rows: time to app-ready on a throttled network, for a cold first visit and
// for the next visit, which the service worker serves.
//
// Method (also in README, "Benchmark"):
// - The site is served by tools/bench/server.mjs with compression: brotli (quality 11) when the
//   browser accepts it, as static hosts do, and once more with gzip only (hosts without brotli).
// - Network: Chromium's own throttling through the DevTools protocol
//   (`Network.emulateNetworkConditions` on a Playwright CDP session): 1.6 Mbps down, 750 kbps up,
//   150 ms added to each request (the RTT). The page's session throttles the page's requests; the
//   service worker gets the same conditions through its own target, so its background
//   revalidation of the page is throttled too (the page itself it answers from its cache at once:
//   cache-first). The CPU is not throttled: it is this machine's.
// - Cold: a fresh browser context (empty HTTP cache, no service worker, no storage). Repeat: in the
//   same context, once the service worker has installed, activated and controls the page, a second
//   navigation to the same address.
// - Time: from the navigation's start (the document's `performance.timeOrigin`, so the request
//   for the page counts) to the first frame painted after the app set `body.app-ready` on mount: an
//   init script's MutationObserver sees the class, then requestAnimationFrame plus a MessageChannel
//   message marks the end of that frame. Median of --load-runs runs.
import { PLAIN_PAGE, serve } from './server.mjs';

export const PROFILE = { label: '1.6 Mbps down, 750 kbps up, 150 ms RTT', downMbps: 1.6, upMbps: 0.75, rttMs: 150 };
export const TARGETS = { coldMs: 2500, repeatMs: 300 };
const CONDITIONS = { offline: false, latency: PROFILE.rttMs,
  downloadThroughput: (PROFILE.downMbps * 1e6) / 8, uploadThroughput: (PROFILE.upMbps * 1e6) / 8 };

/** Runs in every document before its own scripts: records when body.app-ready appears and is painted. */
function watchAppReady() {
  window.__controlled = !!navigator.serviceWorker?.controller;
  const painted = () => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { window.__appReadyPainted = performance.now(); };
    ch.port2.postMessage(null);
  };
  const seen = () => {
    if (window.__appReady !== undefined || !document.body?.classList.contains('app-ready')) return false;
    window.__appReady = performance.now();
    requestAnimationFrame(painted);
    return true;
  };
  // Until <body> exists, watch the document for it; then only the body's class.
  const onBody = new MutationObserver(() => {
    if (!document.body) return;
    onBody.disconnect();
    if (seen()) return;
    const onClass = new MutationObserver(() => { if (seen()) onClass.disconnect(); });
    onClass.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  });
  onBody.observe(document, { childList: true, subtree: true });
}

/** Throttles every service worker of the context with the same conditions as the page. */
async function throttleWorkers(browser, seen) {
  const session = await browser.newBrowserCDPSession();
  const { targetInfos } = await session.send('Target.getTargets');
  for (const t of targetInfos) {
    if (t.type !== 'service_worker' || seen.has(t.targetId)) continue;
    seen.add(t.targetId);
    // A non-flat session: messages to the worker go through Target.sendMessageToTarget.
    const { sessionId } = await session.send('Target.attachToTarget', { targetId: t.targetId, flatten: false });
    let id = 0;
    const send = (method, params) => session.send('Target.sendMessageToTarget',
      { sessionId, message: JSON.stringify({ id: ++id, method, params }) });
    await send('Network.enable', {});
    await send('Network.emulateNetworkConditions', CONDITIONS);
  }
  return session;
}

/** One navigation, timed in the page; returns the timings and what went over the wire. */
async function timedLoad(page, url) {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__appReadyPainted !== undefined, null, { timeout: 60_000, polling: 50 });
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const wasm = res.find((r) => r.name.endsWith('.wasm'));
    return {
      ms: window.__appReadyPainted, readyMs: window.__appReady,
      viaWorker: window.__controlled,
      pageResponseMs: nav ? nav.responseEnd : null, workerStartMs: nav ? nav.workerStart : null,
      // transferSize is 0 for what the service worker or a cache answered.
      transferred: (nav?.transferSize || 0) + res.reduce((s, r) => s + r.transferSize, 0),
      wasm: wasm ? { encoded: wasm.encodedBodySize, decoded: wasm.decodedBodySize, transferred: wasm.transferSize,
        responseEndMs: wasm.responseEnd } : null,
    };
  });
}

async function oneRun(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  const workers = new Set();
  let browserSession = null;
  try {
    await context.addInitScript(watchAppReady);
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', CONDITIONS);

    const cold = await timedLoad(page, base);
    if (cold.viaWorker) throw new Error('cold load: a service worker already controlled the page');
    // The service worker registers on `load`, precaches the build, activates and claims the page.
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 120_000, polling: 100 });
    browserSession = await throttleWorkers(browser, workers);
    if (!workers.size) throw new Error('no service worker target to throttle');
    await page.waitForTimeout(300);

    const repeat = await timedLoad(page, base);
    if (!repeat.viaWorker) throw new Error('repeat load: the page was not controlled by the service worker');
    if (problems.length) throw new Error(`console: ${problems.join(' | ')}`);
    return { cold, repeat };
  } finally {
    if (browserSession) await browserSession.detach().catch(() => {});
    await context.close();
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** The load rows: `runs` cold + repeat pairs with brotli, `runs` with gzip only. */
export async function loadBench(browser, { dist, runs, log }) {
  const out = { profile: PROFILE, targets: TARGETS, runs, encodings: {} };
  for (const [name, encodings] of [['br', ['br', 'gzip']], ['gzip', ['gzip']]]) {
    const server = await serve({ dist, extra: PLAIN_PAGE, encodings });
    server.warm();
    const base = `http://127.0.0.1:${server.address().port}/`;
    const all = [];
    try {
      for (let i = 0; i < runs; i++) {
        const before = server.stats.requests.length;
        const r = await oneRun(browser, base);
        const wasmReq = server.stats.requests.slice(before).find((q) => q.path.endsWith('.wasm'));
        if (!wasmReq || wasmReq.encoding !== name) throw new Error(`the wasm went out as ${wasmReq?.encoding}, expected ${name}`);
        all.push(r);
        log(`load ${name} run ${i + 1}: cold ${r.cold.ms.toFixed(0)} ms (wasm ${r.cold.wasm?.transferred ?? '?'} bytes by `
          + `${r.cold.wasm?.responseEndMs?.toFixed(0)} ms, ${r.cold.transferred} bytes in all), repeat ${r.repeat.ms.toFixed(0)} ms `
          + `(page from the service worker's cache by ${r.repeat.pageResponseMs?.toFixed(0)} ms, ${r.repeat.transferred} bytes over the network)`);
      }
    } finally {
      server.close();
    }
    out.encodings[name] = {
      coldMs: median(all.map((r) => r.cold.ms)), repeatMs: median(all.map((r) => r.repeat.ms)),
      coldBytes: median(all.map((r) => r.cold.transferred)), repeatBytes: median(all.map((r) => r.repeat.transferred)),
      runs: all,
    };
  }
  return out;
}
