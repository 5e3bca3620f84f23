// Share links, privacy, offline use and keeping the paste across reloads (issues 5, 11, 15).
import { test, expect, openApp, pasteText, findings, fixtureText, openSingleFile, dist } from './fixtures.mjs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';

async function shareLink(page, { full = false } = {}) {
  await page.getByRole('button', { name: 'Share' }).click();
  if (full) {
    await page.getByRole('checkbox', { name: 'Include the full pasted text' }).check();
  }
  const box = page.getByRole('textbox', { name: 'Share link' });
  await expect(box).toHaveValue(/#v2\./);
  return box.inputValue();
}

/** Every card's text, as a reader sees it. */
const cardTexts = (page) => findings(page).evaluateAll((cards) => cards.map((c) => c.innerText));
/** The cards without what they show of the paste's names: the pod, namespace, container and time
 * of each finding (`.place`) and the images on `:latest` (`.from-paste`), which a findings-only
 * link promises to leave out. */
const namelessCardTexts = (page) => findings(page).evaluateAll((cards) => cards.map((c) => {
  let t = c.innerText;
  for (const p of c.querySelectorAll('.place, .from-paste')) t = t.replace(p.innerText, '');
  return t.replace(/\n\s*\n\s*/g, '\n\n').trim();
}));

/** A link made by the version-1 encoder (core/tests/fixtures/share-v1.json). */
function v1Link(name) {
  const { links } = JSON.parse(fixtureText('share-v1.json'));
  return links.find((l) => l.name === name).link;
}

test('a share link opened in a fresh browser context shows the same findings', async ({ page, problems, browser }) => {
  await openApp(page);
  await pasteText(page, fixtureText('describe-pod.txt'));
  await expect(findings(page)).toHaveCount(2);
  const titles = await findings(page).locator('h2').allTextContents();
  const link = await shareLink(page);
  expect(new URL(link).search).toBe('');
  expect(new URL(link).hash.startsWith('#v2.')).toBe(true);

  const other = await browser.newContext();
  const p2 = await other.newPage();
  const errors = [];
  p2.on('pageerror', (e) => errors.push(e.message));
  p2.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await p2.goto(link);
  await expect(findings(p2)).toHaveCount(2);
  expect(await findings(p2).locator('h2').allTextContents()).toEqual(titles);
  await expect(p2.getByRole('status').filter({ hasText: 'Opened a shared link' })).toContainText('only what the findings need');
  expect(errors).toEqual([]);
  await other.close();
});

test('by default the link does not carry the surrounding event text; the checkbox includes it', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, fixtureText('describe-pod.txt'));
  await expect(findings(page)).toHaveCount(2);
  const link = await shareLink(page);
  await expect(page.getByText(/carries only the 2 decoded findings/)).toBeVisible();
  // Decode the link the way the app does and look inside.
  await page.goto(link);
  await expect(findings(page)).toHaveCount(2);
  const shared = await page.getByRole('textbox', { name: 'Event text' }).inputValue();
  for (const secret of ['web-7d4b9c6f5-x2xkq', 'Namespace', 'myregistry', 'default-scheduler']) {
    expect(shared).not.toContain(secret);
  }
  await pasteText(page, fixtureText('describe-pod.txt'));
  const fullLink = await shareLink(page, { full: true });
  await expect(page.getByText(/carries the whole pasted text/)).toBeVisible();
  expect(fullLink.length).toBeGreaterThan(link.length);
  await page.goto(fullLink);
  // The describe's `ccepolicy` annotation is the pod's policy: left out unless its own box is
  // ticked (prefill.spec.mjs), so the full text arrives with that value blanked.
  const ann = fixtureText('describe-pod.txt').match(/ccepolicy: (\S+)/)[1];
  await expect(page.getByRole('textbox', { name: 'Event text' })).toHaveValue(fixtureText('describe-pod.txt').replace(ann, ' '.repeat(ann.length)));
});

test('Share copies the link, which follows later edits; Clear also drops an opened link', async ({ page, problems, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await pasteText(page, fixtureText('describe-pod.txt'));
  await expect(findings(page)).toHaveCount(2);
  const link = await shareLink(page);
  await expect(page.locator('.share-panel').getByRole('status')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  // Remove one blob from the paste: the link in the open panel no longer carries it.
  const box = page.getByRole('textbox', { name: 'Event text' });
  const text = fixtureText('describe-pod.txt');
  const lines = text.split('\n');
  const mountLine = lines.findIndex((l) => l.includes('mounting scsi device'));
  await box.fill(lines.filter((_, i) => i !== mountLine).join('\n'));
  await expect(findings(page)).toHaveCount(1);
  const field = page.getByRole('textbox', { name: 'Share link' });
  await expect(field).not.toHaveValue(link);
  const edited = await field.inputValue();
  await page.goto(edited);
  await expect(findings(page)).toHaveCount(1);
  // Clear forgets the opened link too: a reload does not bring it back.
  await page.getByRole('button', { name: 'Clear' }).click();
  expect(new URL(page.url()).hash).toBe('');
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await expect(page.getByRole('textbox', { name: 'Event text' })).toHaveValue('');
});

test('damaged, cut-off and future links get a clear message and the app still works', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Try an example' }).click();
  const link = await shareLink(page);
  const cases = [
    [link.slice(0, link.length - 12), 'incomplete'],
    [link.replace('#v2.', '#v9.'), 'newer version'],
    [link.slice(0, 40) + '*' + link.slice(41), 'damaged'],
  ];
  for (const [url, words] of cases) {
    await page.goto('about:blank');
    await page.goto(url);
    await expect(page.getByRole('alert')).toContainText(words);
    await pasteText(page, fixtureText('portal.html'));
    await expect(findings(page)).toHaveCount(1);
  }
});

test('the recipient of a findings-only link sees the same cards: lines, container ID, counts, notes', async ({ page, problems, browser }) => {
  test.setTimeout(90_000); // eight browser contexts
  for (const [name, count] of [['describe-pod.txt', 2], ['events.json', 2], ['wrapped.txt', 1], ['damaged.txt', 2]]) {
    // A fresh sender each time: no earlier paste is restored and then replaced under the test.
    const sender = await browser.newContext();
    const p1 = await sender.newPage();
    await openApp(p1);
    await pasteText(p1, fixtureText(name));
    await expect(findings(p1)).toHaveCount(count);
    const cards = await namelessCardTexts(p1);
    const link = await shareLink(p1);
    await sender.close();
    const other = await browser.newContext();
    const p2 = await other.newPage();
    await p2.goto(link);
    await expect(findings(p2)).toHaveCount(cards.length);
    await expect(findings(p2).locator('.place, .from-paste')).toHaveCount(0);
    expect(await namelessCardTexts(p2), name).toEqual(cards);
    const shared = await p2.getByRole('textbox', { name: 'Event text' }).inputValue();
    expect(shared.split('\n').length).toBe(fixtureText(name).split('\n').length);
    for (const secret of ['web-7d4b9c6f5-x2xkq', 'Namespace', 'involvedObject', 'Ticket #4471']) {
      expect(shared, name).not.toContain(secret);
    }
    await other.close();
  }
  // The describe paste's second denial is on line 18 with kubectl's count and its container ID.
  await openApp(page);
  await pasteText(page, fixtureText('describe-pod.txt'));
  const link = await shareLink(page);
  await page.goto('about:blank');
  await page.goto(link);
  const second = findings(page).nth(1);
  await expect(second).toContainText('on lines 18, 19');
  await expect(second).toContainText('kubectl counted it 4 times');
  await expect(second).toContainText('18197025abfacf6365ef65d083687e1d9f03b9792779e15796247a7281043065');
});

test('percent-encoded links and links broken by chat wrapping still open', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, fixtureText('describe-pod.txt'));
  await expect(findings(page)).toHaveCount(2);
  const cards = await namelessCardTexts(page);
  const link = await shareLink(page);
  const [base, frag] = link.split('#');
  const mangled = [
    `${base}#${frag.replace('.', '%2E').replaceAll('-', '%2D')}`,
    `${base}#${frag.replace('.', '%252E')}`,
    // What a chat client's wrapping leaves once pasted into the address bar.
    `${base}#${frag.slice(0, 60)} ${frag.slice(60, 130)}\n${frag.slice(130)}`,
  ];
  for (const url of mangled) {
    await page.goto('about:blank');
    await page.goto(url);
    await expect(findings(page)).toHaveCount(2);
    expect(await namelessCardTexts(page)).toEqual(cards);
    await expect(page.getByRole('status').filter({ hasText: 'Opened a shared link' })).toBeVisible();
    // The address bar holds the working link again, and the notice says it was repaired.
    expect(page.url()).toBe(link);
    await expect(page.getByRole('status').filter({ hasText: 'Opened a shared link' })).toContainText('it was repaired');
  }
  // The link as it was made says nothing about repairs.
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByRole('status').filter({ hasText: 'Opened a shared link' })).not.toContainText('repaired');
});

test('links made by the version-1 encoder keep opening', async ({ page, problems }) => {
  await openApp(page);
  await page.goto(`./#${v1Link('example (Try an example), findings only')}`);
  await expect(findings(page)).toHaveCount(2);
  // A version-1 findings link carries a summary: its line numbers are not the sender's.
  await expect(page.getByRole('status').filter({ hasText: 'Opened a shared link' })).toContainText("line numbers here are the summary's");
  await page.goto('about:blank');
  await page.goto(`./#${v1Link('describe-pod.txt, full text')}`);
  await expect(page.getByRole('textbox', { name: 'Event text' })).toHaveValue(fixtureText('describe-pod.txt'));
  await expect(findings(page)).toHaveCount(2);
});

test('state in the query is moved into the fragment with a warning', async ({ page, problems }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Try an example' }).click();
  const link = await shareLink(page);
  const frag = new URL(link).hash.slice(1);
  await page.goto(`./?${frag}`);
  await expect(page.getByRole('alert')).toContainText('moved to the fragment');
  expect(new URL(page.url()).search).toBe('');
  expect(new URL(page.url()).hash).toBe(`#${frag}`);
  await expect(findings(page)).toHaveCount(2);
});

test('reload keeps the paste; Clear removes it from storage too', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, fixtureText('portal.html'));
  await expect(findings(page)).toHaveCount(1);
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Event text' })).toHaveValue(fixtureText('portal.html'));
  await expect(findings(page)).toHaveCount(1);
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await expect(page.getByRole('textbox', { name: 'Event text' })).toHaveValue('');
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('aci-triage.text')))).toEqual([]);
  expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('aci-triage.text')))).toEqual([]);
});

test('every request of a full session goes to its own origin and no CSP violation occurs', async ({ page, problems, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await openApp(page);
  await pasteText(page, fixtureText('events.json'));
  await expect(findings(page)).toHaveCount(2);
  await findings(page).first().getByRole('button', { name: 'Copy command' }).first().click();
  await shareLink(page);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Troubleshoot networking' }).click();
  await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
  await page.getByRole('link', { name: 'Decode policy denials' }).click();
  await page.getByRole('link', { name: 'Download for offline use' }).isVisible();
  const origin = new URL(page.url()).origin;
  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  expect(foreign).toEqual([]);
  expect(await page.evaluate(() => window.__csp)).toEqual([]);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain("'unsafe-eval'");
  expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
});

/** Reloads (with the server gone, from the service worker) and decodes a paste. */
async function reloadAndDecode(page) {
  // The offline download is there too.
  const single = await page.evaluate(async () => {
    const r = await fetch('aci-triage.html');
    return [r.status, (await r.text()).length];
  });
  expect(single[0]).toBe(200);
  expect(single[1]).toBeGreaterThan(100_000);
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await pasteText(page, fixtureText('describe-pod.txt'));
  await expect(findings(page)).toHaveCount(2);
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Serves `dir` on `port`; with `log`, each request line the server prints is pushed onto it. */
async function startServer(port, dir = dist, log = null) {
  const proc = spawn('python3', ['-u', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir],
    { stdio: ['ignore', 'ignore', log ? 'pipe' : 'ignore'] });
  if (log) {
    let rest = '';
    proc.stderr.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      log.push(...lines.map((l) => l.replace(/^\S+ - - \[[^\]]*\] /, '')));
    });
  }
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => { sock.end(); resolve(true); });
      sock.on('error', () => resolve(false));
    });
    if (ok) return proc;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

test('after one visit the app loads and decodes with the server gone', async ({ browser }) => {
  const port = await freePort();
  let server = await startServer(port);
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`http://127.0.0.1:${port}/`);
    await expect(page.locator('body.app-ready')).toHaveCount(1);
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    server.kill();
    server = null;
    await reloadAndDecode(page);
    // The wizard's graph comes from the worker's precache too.
    await page.goto(`http://127.0.0.1:${port}/#wizard/outbound-slow.v2.no`);
    await expect(page.locator('.progress')).toHaveText('Result');
    await expect(page.locator('#wizard-step')).toBeVisible();
  } finally {
    if (server) server.kill();
    await context.close();
  }
});

/** "Deploys" a new build over the copy in `site`: the page and the service worker name the build
 * `id` (as a real build's would, with its own hash), and the page's heading says `title`. */
function deploy(site, id, title, step) {
  const sw = fs.readFileSync(path.join(site, 'sw.js'), 'utf8');
  const old = sw.match(/const VERSION = "([^"]+)"/)[1];
  const html = fs.readFileSync(path.join(site, 'index.html'), 'utf8');
  expect(html).toContain(`<meta name="aci-triage-build" content="${old}">`);
  fs.writeFileSync(path.join(site, 'sw.js'), sw.replaceAll(old, id));
  fs.writeFileSync(path.join(site, 'index.html'), html.replaceAll(old, id).replace(/<h1>[^<]*<\/h1>/, `<h1>${title}</h1>`));
  // A later modification time, whatever the clock's granularity (the server compares seconds).
  const later = new Date(Date.now() + step * 60_000);
  for (const f of ['sw.js', 'index.html']) fs.utimesSync(path.join(site, f), later, later);
}

test('a new deployment: the open page offers a reload that keeps the paste; then offline', async ({ browser }) => {
  // The new build's worker precaches the whole build (the single file, the policy reader, the
  // data files: about 2 MB) before it takes over: on a loaded machine that takes a while.
  test.setTimeout(120_000);
  // A copy of the build to deploy over, as a static host would serve it.
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'aci-triage-deploy-'));
  fs.cpSync(dist, site, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const log = [];
  let server = await startServer(port, site, log);
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const cacheNames = () => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('aci-triage-')));
  const heading = page.getByRole('heading', { level: 1 });
  const box = page.getByRole('textbox', { name: 'Event text' });
  const notice = page.getByRole('status').filter({ hasText: 'A new version of aci-triage is available' });
  // Waits for the notice; when it does not come, says what the workers and the server were doing.
  const noticeShows = async () => {
    try {
      await expect(notice).toBeVisible({ timeout: 60_000 });
    } catch (e) {
      const state = await page.evaluate(async () => {
        const r = await navigator.serviceWorker.getRegistration();
        const w = (x) => (x ? `${x.state} ${x.scriptURL}` : '-');
        return { controller: w(navigator.serviceWorker.controller), active: w(r && r.active),
          waiting: w(r && r.waiting), installing: w(r && r.installing),
          caches: await caches.keys() };
      }).catch((x) => String(x));
      throw new Error(`${e.message}\nworkers: ${JSON.stringify(state)}\nversions:\n${versions.slice(-30).join('\n')}` +
        `\nserver, last requests:\n${log.slice(-40).join('\n')}`);
    }
  };
  const reload = notice.getByRole('button', { name: 'Reload' });
  // What the browser did with each worker version (installed, waiting, running or stopped, its
  // clients), kept for the dump above: a worker left waiting says more with its history.
  const started = Date.now();
  const versions = [];
  const cdp = await context.newCDPSession(page);
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions: vs }) => {
    for (const v of vs) {
      versions.push(`${Date.now() - started} ms: version ${v.versionId} ${v.status} ${v.runningStatus}, ` +
        `${(v.controlledClients || []).length} client(s)`);
    }
  });
  await cdp.send('ServiceWorker.enable');
  try {
    await page.goto(url);
    await expect(page.locator('body.app-ready')).toHaveCount(1);
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    expect(await cacheNames()).toEqual([expect.stringMatching(/^aci-triage-[0-9a-f]{16}$/)]);
    await pasteText(page, fixtureText('portal.html'));
    await expect(findings(page)).toHaveCount(1);
    // The worker taking over the first visit's page is no new version.
    await expect(notice).toHaveCount(0);

    deploy(site, 'next-release', 'aci-triage next', 1);
    // The first load after the deployment is this build's page, from its cache at once ...
    await page.reload();
    await expect(page.locator('body.app-ready')).toHaveCount(1);
    await expect(heading).toHaveText('aci-triage');
    await expect(box).toHaveValue(fixtureText('portal.html'));
    // ... while the new build installs in its own cache and takes over; then the page says so.
    await noticeShows();
    await expect.poll(cacheNames, { timeout: 30_000 }).toEqual(['aci-triage-next-release']);
    await expect(heading).toHaveText('aci-triage');
    // The notice moves nothing on the page: the layout is the same without it.
    const layout = (withNotice) => page.evaluate((withNotice) => {
      const n = document.querySelector('.update-notice');
      const next = n.nextSibling;
      if (!withNotice) n.remove();
      const rects = ['header.site', '#app', 'footer.site'].map((s) => {
        const r = document.querySelector(s).getBoundingClientRect();
        return [r.x, r.y, r.width, r.height];
      });
      if (!withNotice) next.parentNode.insertBefore(n, next);
      return rects;
    }, withNotice);
    expect(await layout(true)).toEqual(await layout(false));
    // From the top of the page, the first Tab reaches Reload.
    await page.keyboard.press('Tab');
    await expect(reload).toBeFocused();
    // Text typed right before Reload (the app saves it after a pause) comes back with the new
    // build: the edit and the click in one task, as fast as a user could ever be.
    await page.evaluate(() => {
      const text = document.getElementById('event-text');
      text.value += '\nkept';
      text.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: 'kept' }));
      document.querySelector('.update-notice button').click();
    });
    await expect(heading).toHaveText('aci-triage next');
    await expect(page.locator('body.app-ready')).toHaveCount(1);
    await expect(box).toHaveValue(fixtureText('portal.html') + '\nkept');
    await expect(findings(page)).toHaveCount(1);
    await expect(notice).toHaveCount(0);

    // Another deployment while the page is open, and one of its files is missing at first: the
    // new worker's install fails. The page looks again a few seconds later by itself; once the
    // file is there, the notice shows, and the next load (no Reload clicked) is the new build.
    deploy(site, 'third-release', 'aci-triage third', 2);
    const single = path.join(site, 'aci-triage.html');
    fs.renameSync(single, `${single}.away`);
    const missed = () => log.filter((l) => l.startsWith('"GET /aci-triage.html') && / 404 /.test(l)).length;
    await page.goto(url);
    await expect(heading).toHaveText('aci-triage next');
    await expect.poll(missed, { timeout: 60_000 }).toBeGreaterThan(0);
    // Long enough for the browser's own look after the navigation and the page's to have failed.
    await page.waitForTimeout(2_500);
    expect(await notice.count()).toBe(0);
    fs.renameSync(`${single}.away`, single);
    await noticeShows();
    await expect.poll(cacheNames, { timeout: 30_000 }).toEqual(['aci-triage-third-release']);
    await page.goto(url);
    await expect(heading).toHaveText('aci-triage third');
    await expect(page.locator('body.app-ready')).toHaveCount(1);
    await expect(notice).toHaveCount(0);

    // Offline, the new build is what loads, and it decodes.
    server.kill();
    server = null;
    await reloadAndDecode(page);
    await expect(heading).toHaveText('aci-triage third');
    await expect(notice).toHaveCount(0);
    expect(errors).toEqual([]);
  } finally {
    if (server) server.kill();
    await context.close();
    fs.rmSync(site, { recursive: true, force: true });
  }
});

test('the single file works from file://', async ({ browser }) => {
  const { context, page, errors } = await openSingleFile(browser);
  await pasteText(page, fixtureText('events.yaml'));
  await expect(findings(page)).toHaveCount(2);
  await expect(page.getByRole('link', { name: 'Download for offline use' })).toHaveCount(0);
  // Sharing from the file: the link would open the recipient's own disk, and the panel says so
  // (this build knows no published address: ACI_TRIAGE_HOSTED_URL was not set).
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(page.locator('.share-panel .reach')).toContainText('a file on this computer');
  await expect(page.locator('.share-panel .reach')).toContainText('opens for nobody else');
  // Built by the browser's CompressionStream, which works from file:// too; and so does opening it.
  const field = page.getByRole('textbox', { name: 'Share link' });
  await expect(field).toHaveValue(/^file:\/\/.*aci-triage\.html#v2\./);
  const link = await field.inputValue();
  await page.goto('about:blank');
  await page.goto(link);
  await expect(findings(page)).toHaveCount(2);
  await expect(page.getByRole('status').filter({ hasText: 'Opened a shared link' })).toBeVisible();
  // The wizard's graph is inline (file:// can't fetch it, and its CSP allows no fetch).
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Troubleshoot networking' }).click();
  await expect(page.locator('#wizard-step')).toBeVisible();
  await page.locator('ul.answers a.answer[href$="/outbound-slow"]').click();
  await expect(page.locator('.progress')).toHaveText('Question 2');
  expect(requests.filter((u) => u.includes('network-'))).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});

test('a link made on a copy served from this computer says it opens only here', async ({ page, problems }) => {
  await openApp(page);
  const host = new URL(page.url()).hostname;
  test.skip(!['127.0.0.1', 'localhost', '[::1]'].includes(host), 'the test server is not local');
  await page.getByRole('button', { name: 'Try an example' }).click();
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(page.locator('.share-panel .reach')).toContainText('this computer');
});
