// Big pastes (issue 14): a 50 MB paste is read and analysed in slices on the main thread, so the
// page answers while it runs; a new paste or Clear supersedes it at once and nothing of it lands
// afterwards; above the limit a clear message and nothing lost.
import { test, expect, openApp, pasteText, findings, fixtureText } from './fixtures.mjs';

const CHUNK = 256 * 1024; // src/ui/progress.rs CHUNK: what one feed of the sliced analysis takes

const b64 = (s) => Buffer.from(s).toString('base64');
const blob = (json) => `policyDecision< ${b64(JSON.stringify(json))} >policyDecision`;

/** An events table of `bytes` bytes: ordinary rows with a denial every `every` rows. */
function eventsText(bytes, denial, every = 2000) {
  const rows = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const row = i % every === every - 1
      ? `  Warning  Failed  ${i % 60}s (x3 over 5m)  kubelet  Error: failed to create container 0123456789abcdef${String(i).padStart(8, '0')}: guest RPC failure: container creation denied due to policy: ${denial}: unknown\n`
      : `  Normal   Pulled  ${i % 60}s  kubelet  Successfully pulled image "mcr.microsoft.com/app:${i % 97}" in 1.${i % 10}s (1.${i % 7}s including waiting). Image size: ${1000 + i} bytes.\n`;
    rows.push(row);
    size += row.length;
  }
  return rows.join('');
}

const OLD = blob({ decision: 'deny', reason: { errors: ['invalid command'] }, truncated: ['input'] });
const NEW = blob({ decision: 'deny', input: { rule: 'mount_device', deviceHash: 'abc', target: '/run/mounts/m1' }, reason: { errors: ['deviceHash not found'] } });

/** Dispatches a paste of window[name] on the event text (box or large-paste summary). */
async function pasteFromPage(page, name) {
  await page.locator('#event-text').focus();
  await page.evaluate((n) => {
    const el = document.querySelector('#event-text');
    // In the text box, the paste replaces all of it (select all, then paste).
    if (el instanceof HTMLTextAreaElement) el.select();
    const dt = new DataTransfer();
    dt.setData('text/plain', window[n]);
    document.querySelector('#event-text').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, name);
}

test('during a 50 MB paste the page answers: Clear is handled within 100 ms and nothing lands after it', async ({ page, problems }) => {
  test.setTimeout(120_000);
  await openApp(page);
  // Built in the page: sending 50 MB through the test protocol would take longer than the test.
  const unit = eventsText(1_000_000, OLD);
  await page.evaluate((u) => { window.__big = u.repeat(50); }, unit);
  const progress = page.locator('.analysis-progress progress');
  await pasteFromPage(page, '__big');
  await expect(progress).toBeVisible();
  // Findings appear while it runs, with the count so far.
  await expect(findings(page).first()).toBeVisible();
  await expect(page.locator('.analysis-progress')).toContainText(/Analysing: .* of 50\.0 MB read/);
  // The line above the findings gives no total while the counts still grow.
  await expect(page.locator('p.summary')).toHaveText(/^1 finding so far; the counts are final when the analysis ends\.$/);
  // A click mid-analysis, timed from the trusted click event to the next frame after its
  // handler ran (so the wait for a running slice counts).
  await page.evaluate(() => {
    const clear = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Clear');
    clear.addEventListener('click', (e) => {
      const t0 = e.timeStamp;
      requestAnimationFrame(() => {
        window.__clearTiming = { ms: performance.now() - t0, busy: !!document.querySelector('.analysis-progress'),
          cards: document.querySelectorAll('section[aria-label="Findings"] article').length };
      });
    }, { once: true });
  });
  await expect(progress).toBeVisible();
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.waitForFunction(() => window.__clearTiming !== undefined);
  const r = await page.evaluate(() => window.__clearTiming);
  expect(r.ms, `Clear handled and painted ${r.ms.toFixed(0)} ms after the click`).toBeLessThan(100);
  expect(r.busy).toBe(false);
  expect(r.cards).toBe(0);
  // The cancelled analysis never lands: the page stays as a fresh empty page.
  await page.waitForTimeout(1500);
  await expect(progress).toHaveCount(0);
  await expect(findings(page)).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Findings' })).toContainText('Nothing to explain yet.');
  await expect(page.getByRole('textbox', { name: 'Event text' })).toHaveValue('');
});

test('a paste replaced mid-analysis shows only the new text\'s findings', async ({ page, problems }) => {
  test.setTimeout(120_000);
  await openApp(page);
  const first = eventsText(1_000_000, OLD);
  const second = eventsText(1_000_000, NEW, 1500);
  await page.evaluate(([a, b]) => { window.__first = a.repeat(50); window.__second = b.repeat(12); }, [first, second]);
  await pasteFromPage(page, '__first');
  await expect(findings(page).first()).toBeVisible();
  await expect(page.locator('.analysis-progress')).toBeVisible();
  // The large-paste summary has the keyboard: a paste there replaces the whole text.
  await pasteFromPage(page, '__second');
  await expect(page.locator('.analysis-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(findings(page)).toHaveCount(1);
  await expect(findings(page).first()).toContainText('deviceHash not found');
  await expect(page.getByRole('region', { name: 'Findings' })).not.toContainText('invalid command');
  // Let anything of the first analysis that might still be scheduled run: nothing changes.
  await page.waitForTimeout(1500);
  await expect(findings(page)).toHaveCount(1);
  await expect(findings(page).first()).toContainText('deviceHash not found');
  await expect(page.getByRole('group', { name: 'Event text' })).toContainText('12.0 MB');
  // The same as a fresh page given the second text.
  const shown = await page.getByRole('region', { name: 'Findings' }).innerText();
  const status = await page.getByRole('status').filter({ hasText: 'found' }).innerText();
  expect(status).toMatch(/^1 finding found \(\d+ occurrences in all\)\.$/);
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await page.evaluate((b) => { window.__second = b.repeat(12); }, second);
  await pasteFromPage(page, '__second');
  await expect(page.locator('.analysis-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(findings(page)).toHaveCount(1);
  expect(await page.getByRole('region', { name: 'Findings' }).innerText()).toBe(shown);
  expect(await page.getByRole('status').filter({ hasText: 'found' }).innerText()).toBe(status);
});

test('above the limit a paste gets a clear message and nothing is lost (limit lowered by a test hook)', async ({ page, problems }) => {
  // 256 MB in a DataTransfer is more than a test should allocate: the limit is lowered to 8 MB
  // through globalThis.__aciTriageMaxInput, which only tests set. The 256 MB limit itself is
  // checked with a real file in comfort.spec.mjs.
  await page.addInitScript(() => { globalThis.__aciTriageMaxInput = 8 * 1024 * 1024; });
  await openApp(page);
  await pasteText(page, fixtureText('portal.html'));
  await expect(findings(page)).toHaveCount(1);
  const before = await page.getByRole('textbox', { name: 'Event text' }).inputValue();
  await page.evaluate((u) => { window.__tooBig = u.repeat(9); }, eventsText(1024 * 1024, NEW));
  await pasteFromPage(page, '__tooBig');
  await expect(page.getByRole('alert')).toContainText('the app reads up to 8 MB at a time. Nothing was changed.');
  await expect(findings(page)).toHaveCount(1);
  await expect(page.getByRole('textbox', { name: 'Event text' })).toHaveValue(before);
  // Just under the limit: taken, in slices, with its findings.
  await page.evaluate((u) => { window.__fits = u.repeat(7); }, eventsText(1024 * 1024, NEW));
  await pasteFromPage(page, '__fits');
  await expect(page.locator('.analysis-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(findings(page)).toHaveCount(1);
  await expect(findings(page).first()).toContainText('deviceHash not found');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a large paste whose only policy mark is split by a slice edge still gets the pod\'s policy read', async ({ page, problems }) => {
  test.setTimeout(120_000);
  await openApp(page);
  // Events, then the pod's policy as Rego text (its only mark is "package policy"), sized so that
  // the first slice of the analysis ends inside that mark; more events make the paste large.
  const rego = fixtureText('policy/01-vn2-nginx-policy.rego');
  const split = 'package pol'.length;
  const before = eventsText(CHUNK - 20_000, OLD, 1_000_000);
  const pad = `${'#'.repeat(CHUNK - before.length - split - 1)}\n`;
  const head = `${before}${pad}${rego}`;
  expect(head.slice(0, CHUNK).endsWith('\npackage pol')).toBe(true);
  const text = `${head}\n${eventsText(5_000_000, OLD)}`;
  await page.evaluate((t) => { window.__withPolicy = t; }, text);
  await pasteFromPage(page, '__withPolicy');
  await expect(page.locator('.analysis-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(findings(page).first()).toContainText('invalid command');
  await expect(page.getByRole('region', { name: "The pod's policy" })
    .getByRole('heading', { level: 2, name: /CCE policy/ })).toBeVisible({ timeout: 30_000 });
});

test('a large paste\'s cards come a few per task from its first findings on, the first alone, and end as a fresh load shows them', async ({ page, problems }) => {
  test.setTimeout(120_000);
  await openApp(page);
  // Four distinct denials in the first slice, then 6 MB of ordinary events (above the 4 MB from
  // which a paste is analysed in slices).
  const errors = ['invalid command', 'deviceHash not found', 'invalid env for container', 'invalid mount'];
  const head = errors.map((e) => eventsText(2_000, blob({ decision: 'deny', reason: { errors: [e] } }), 10)).join('');
  const text = head + eventsText(6_000_000, OLD, 1_000_000);
  await page.evaluate((t) => {
    window.__big = t;
    // The number of cards after each batch of DOM changes (one batch per task at most).
    window.__counts = [];
    new MutationObserver(() => {
      const n = document.querySelectorAll('section[aria-label="Findings"] article').length;
      if (window.__counts[window.__counts.length - 1] !== n) window.__counts.push(n);
    }).observe(document.body, { childList: true, subtree: true });
  }, text);
  await pasteFromPage(page, '__big');
  await expect(page.locator('.analysis-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(findings(page)).toHaveCount(4);
  const counts = await page.evaluate(() => window.__counts);
  // The first card alone, then at most three at a time (CARDS_PER_STEP in src/ui/decoder.rs):
  // building a page of cards at once is one long task.
  const shownCounts = counts.filter((n) => n > 0);
  const steps = shownCounts.map((n, i) => n - (shownCounts[i - 1] ?? 0));
  expect(counts.at(-1)).toBe(4);
  expect(shownCounts[0], `card counts ${counts.join(' → ')}`).toBe(1);
  expect(Math.max(...steps), `card counts ${counts.join(' → ')}`).toBeLessThanOrEqual(3);
  const shown = await page.getByRole('region', { name: 'Findings' }).innerText();
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await page.evaluate((t) => { window.__big = t; }, text);
  await pasteFromPage(page, '__big');
  await expect(page.locator('.analysis-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(findings(page)).toHaveCount(4);
  expect(await page.getByRole('region', { name: 'Findings' }).innerText()).toBe(shown);
});

test('a large paste of mostly non-ASCII text comes into the app whole: characters split by no slice edge, a lone surrogate as U+FFFD', async ({ page, problems }) => {
  test.setTimeout(120_000);
  await openApp(page);
  const COPY_UNITS = 1024 * 1024; // src/ui/progress.rs COPY_UNITS: UTF-16 units copied at a time
  // Lines of two-, three- and four-byte characters (an emoji is two UTF-16 units), so the text
  // outgrows the room reserved for it (one byte per unit) again and again; a denial among them.
  const line = (i) => `  Normal  Pulled  ${i}s  kubelet  image « café-中文-${i % 97} » 😀 prête, größe ${i}\n`;
  const rows = [];
  let units = 0;
  for (let i = 0; units < 3 * COPY_UNITS; i++) {
    const row = i === 20_000
      ? `  Warning  Failed  1s  kubelet  Error: failed to create container 01234567: guest RPC failure: container creation denied due to policy: ${NEW}: unknown\n`
      : line(i);
    rows.push(row);
    units += row.length;
  }
  let text = rows.join('');
  // An emoji across the first slice's edge (its high half is the edge's last unit), and a lone
  // high surrogate, which no copy of a JavaScript string into UTF-8 can keep.
  text = `${text.slice(0, COPY_UNITS - 1)}😀${text.slice(COPY_UNITS - 1, 2 * COPY_UNITS)}\ud800${text.slice(2 * COPY_UNITS)}`;
  expect(text.charCodeAt(COPY_UNITS - 1)).toBe(0xd83d);
  await page.evaluate((t) => { window.__wide = t; }, text);
  await pasteFromPage(page, '__wide');
  await expect(page.locator('.analysis-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(findings(page)).toHaveCount(1);
  await expect(findings(page).first()).toContainText('deviceHash not found');
  await page.getByRole('button', { name: 'Edit as text' }).click();
  const box = page.getByRole('textbox', { name: 'Event text' });
  await expect(box).toBeVisible();
  const same = await page.evaluate(() => {
    const got = document.querySelector('#event-text').value;
    const want = window.__wide.toWellFormed();
    let at = 0;
    while (at < want.length && got.charCodeAt(at) === want.charCodeAt(at)) at++;
    return { equal: got === want, length: got.length, wanted: want.length, firstDifferenceAt: at };
  });
  expect(same).toEqual({ equal: true, length: text.length, wanted: text.length, firstDifferenceAt: text.length });
});
