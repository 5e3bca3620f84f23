// Sequences (issue 10): whatever way a user moves from one state to another, the page afterwards
// shows exactly what a fresh load of the resulting state shows. The other specs load each state
// fresh; these move between states the way people do: select all and paste over the last
// customer's events through the real clipboard, edit, undo, clear, click through the wizard, go
// Back and Forward, open a share link while something else is on screen, switch views, reload.
// Every comparison reads the whole Findings region or wizard section (`rendered`).
import { test, expect, openApp, fixtureText, rendered, settled, dropFile, DECODER_PARTS, WIZARD_PARTS } from './fixtures.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const b64 = (s) => Buffer.from(s).toString('base64');
const blob = (obj) => `policyDecision< ${b64(JSON.stringify(obj))} >policyDecision`;
const mountDenial = (hash, line) => `Warning  Failed  ${line}m  kubelet  Error: failed to create containerd task: guest RPC failure: mounting scsi device controller 0 lun ${line} onto /run/mounts/m${line} denied by policy: ${blob({ decision: 'deny', input: { deviceHash: hash, rule: 'mount_device', target: `/run/mounts/m${line}` }, reason: { errors: ['deviceHash not found'] } })}: unknown`;

const ONE = 'failed to create containerd task: failed to create shim task: failed to create container 18197025abfacf6365ef65d083687e1d9f03b9792779e15796247a7281043065: guest RPC failure: container creation denied due to policy: policyDecision< eyJkZWNpc2lvbiI6ImRlbnkiLCJyZWFzb24iOnsiZXJyb3JzIjpbImludmFsaWQgY29tbWFuZCJdfSwidHJ1bmNhdGVkIjpbImlucHV0Il19 >policyDecision: unknown';
const LARGE = 512 * 1024;

/** Pastes of different shapes, from one customer and the next. */
const PASTES = {
  one: ONE,
  many: fixtureText('describe-pod.txt'),
  none: fixtureText('no-findings.txt'),
  kata: 'Warning  Failed  12s  kubelet  Error: failed to create containerd task: failed to create shim task: "CreateContainerRequest is blocked by policy: agent_policy:114: allow_create_container_input: input = {}": unknown',
  legacy: 'Error: failed to create containerd task: failed to create shim task: mount_device not allowed by policy. Errors: [deviceHash not found]. Input: {"deviceHash":"abc","target":"/run/mounts/m3"}: unknown',
  arm: '{"error": {"code": "InvalidCcePolicy", "message": "The CCE Policy is not valid Base64."}}',
  // A portal that cut the message off in the middle of its blob.
  cut: ONE.slice(0, ONE.indexOf(' >policyDecision') - 37),
  // More than the text box lays out: taken like a file and summarised.
  large: fixtureText('describe-pod.txt').repeat(Math.ceil((LARGE + 64 * 1024) / fixtureText('describe-pod.txt').length)),
  // More findings than one page shows.
  pages: Array.from({ length: 25 }, (_, i) => mountDenial(`${'d'.repeat(60)}${String(i).padStart(4, '0')}`, i + 1)).join('\n'),
  mixed: fixtureText('mixed.txt'),
};

const box = (page) => page.getByRole('textbox', { name: 'Event text' });
const summaryGroup = (page) => page.getByRole('group', { name: 'Event text' });
const cards = (page) => page.getByRole('region', { name: 'Findings' }).locator('article');

/**
 * A second browser context where every state is loaded fresh, with nothing stored: a few pages
 * that load references side by side (each reference once). Their pastes are the events a paste
 * sends, not the real clipboard, which the pages under test use at the same time.
 */
async function freshPages(browser, size = 3) {
  const context = await browser.newContext();
  await context.addInitScript(() => { try { localStorage.clear(); sessionStorage.clear(); } catch { /* none */ } });
  const problems = [];
  const idle = [];
  for (let i = 0; i < size; i++) {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`fresh page: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`fresh page console: ${m.text()}`); });
    idle.push(page);
  }
  const waiting = [];
  const acquire = () => (idle.length ? Promise.resolve(idle.pop()) : new Promise((r) => waiting.push(r)));
  const release = (page) => { const next = waiting.shift(); if (next) next(page); else idle.push(page); };
  const memo = new Map();
  let loads = 0;
  // A query of its own makes every load a new document (the app ignores an unknown query).
  const load = async (page, url) => {
    const hash = url.includes('#') ? url.slice(url.indexOf('#')) : '';
    await page.goto(`./?fresh=${++loads}${hash}`);
    await expect(page.locator('body.app-ready')).toHaveCount(1);
    // A wizard step waits for the wizard's graph ("Loading the wizard…").
    await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
  };
  const once = (key, make) => {
    if (!memo.has(key)) {
      memo.set(key, (async () => {
        const page = await acquire();
        try { return await make(page); } finally { release(page); }
      })());
    }
    return memo.get(key);
  };
  return {
    problems,
    loads: () => loads,
    close: () => context.close(),
    /** Runs `f` with one of the pages. */
    use: (f) => once(Symbol('use'), f),
    /** The decoder of a fresh page after `text` was pasted into its empty box and "Show more"
     * pressed `more` times. */
    decoder: (text, more = 0) => once(`text:${more}:${text}`, async (page) => {
      await load(page, './');
      if (text) await sendPaste(page, text);
      for (let i = 0; i < more; i++) await showMore(page);
      return stable(page, DECODER_PARTS);
    }),
    /** A fresh load of an address (a wizard step, a share link). */
    at: (url, parts = WIZARD_PARTS) => once(`url:${url}`, async (page) => {
      await load(page, url);
      return stable(page, parts);
    }),
  };
}

/** Pastes into an empty text box with the events a browser sends for a paste. */
async function sendPaste(page, text) {
  await page.evaluate((t) => {
    const area = document.querySelector('#event-text');
    const data = new DataTransfer();
    data.setData('text/plain', t);
    const paste = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    // The app takes large pastes itself; a small one the browser would insert.
    if (area.dispatchEvent(paste)) {
      area.value = t;
      area.dispatchEvent(new InputEvent('input', { inputType: 'insertFromPaste', bubbles: true }));
    }
  }, text);
  if (text.length > LARGE) await expect(summaryGroup(page)).toBeVisible();
  else await expect(box(page)).toHaveValue(text);
}

/** What `parts` show once the page has stopped changing. */
async function stable(page, parts) {
  let last = null;
  for (let i = 0; i < 50; i++) {
    await settled(page);
    const now = await rendered(page, parts);
    if (last && JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
    await page.waitForTimeout(30);
  }
  throw new Error('the page did not settle');
}

/**
 * Select all and paste `text` through the real clipboard (Ctrl+A, Ctrl+V), in the text box or,
 * when a large paste is summarised in its place, on the summary (which stands for the text).
 */
async function pasteOver(page, text) {
  if (await summaryGroup(page).count()) await summaryGroup(page).focus();
  else await box(page).focus();
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  if (text.length > LARGE) {
    await expect(summaryGroup(page)).toBeVisible();
  } else {
    await expect(box(page)).toHaveValue(text);
  }
}

/**
 * Presses "Show more" from the keyboard (the cards above it are laid out as they scroll into
 * view, so a pointer click aimed before that can land beside the moved button).
 */
async function showMore(page) {
  const shown = await cards(page).count();
  await page.getByRole('button', { name: /^Show \d+ more/ }).focus();
  await page.keyboard.press('Enter');
  await expect(cards(page)).not.toHaveCount(shown);
}

/** Puts the keyboard in the text box, through "Edit as text" when a large paste is summarised. */
async function toTextBox(page) {
  if (await summaryGroup(page).count()) {
    await summaryGroup(page).getByRole('button', { name: 'Edit as text' }).click();
    await expect(box(page)).toBeFocused();
  } else {
    await box(page).focus();
  }
}

/** The text the decoder holds; for a summarised large paste, `large` (the test knows it). */
async function currentText(page, large = PASTES.large) {
  if (await summaryGroup(page).count()) return large;
  return box(page).inputValue();
}

const isWizard = (page) => new URL(page.url()).hash.startsWith('#wizard');

/** The decoder shows what a fresh page shows for the same text. */
async function sameAsFreshDecoder(page, fresh, what, text = null, more = 0) {
  const t = text ?? await currentText(page);
  const want = await fresh.decoder(t, more);
  await expect.poll(() => rendered(page, DECODER_PARTS), { message: `${what}: the decoder differs from a fresh page`, timeout: 4000 }).toEqual(want);
}

/**
 * The one thing that coming back to a wizard question adds to what a fresh load shows (issue
 * 15): the answer chosen there before is marked (`a.answer.earlier`, `aria-current`). Like focus,
 * it belongs to the way the user came; the tests of the wizard check where it appears.
 */
const withoutEarlierMark = (lines) => lines.map((l) => (/^\s*<a class="answer[^"]*"/.test(l)
  ? l.replace(/ earlier(?=[" ])/, '').replace(' aria-current="true"', '')
  : l));

/** The page shows what a fresh load of its address shows (wizard steps, share links). */
async function sameAsFreshLoad(page, fresh, what, parts = WIZARD_PARTS) {
  const want = withoutEarlierMark(await fresh.at(page.url(), parts));
  await expect.poll(async () => withoutEarlierMark(await rendered(page, parts)), { message: `${what}: differs from a fresh load of ${page.url()}`, timeout: 4000 }).toEqual(want);
}

/** Every ordered pair (a, b) of `keys`, a ≠ b, as one walk: an Euler circuit of the complete graph. */
function everyPair(keys) {
  const next = new Map(keys.map((k) => [k, keys.filter((o) => o !== k)]));
  const stack = [keys[0]];
  const walk = [];
  while (stack.length) {
    const v = stack[stack.length - 1];
    if (next.get(v).length) stack.push(next.get(v).shift());
    else walk.push(stack.pop());
  }
  return walk.reverse();
}

test.beforeEach(async ({ context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
});

/** The pastes of the pairs: one of each shape. */
const PAIRED = ['one', 'many', 'none', 'kata', 'legacy', 'arm', 'cut', 'large'];

test('every ordered pair of pastes, the second pasted over the first, shows what a fresh page shows', async ({ page, problems, browser }) => {
  test.setTimeout(150_000);
  const fresh = await freshPages(browser);
  const order = everyPair(PAIRED);
  const pairs = new Set(order.slice(1).map((b, i) => `${order[i]}>${b}`));
  const n = PAIRED.length;
  expect(pairs.size).toBe(n * (n - 1));
  await openApp(page);
  await pasteOver(page, PASTES[order[0]]);
  await sameAsFreshDecoder(page, fresh, order[0], PASTES[order[0]]);
  const times = [];
  for (let i = 1; i < order.length; i++) {
    const t0 = Date.now();
    await pasteOver(page, PASTES[order[i]]);
    const t1 = Date.now();
    await sameAsFreshDecoder(page, fresh, `${order[i - 1]} then ${order[i]}`, PASTES[order[i]]);
    times.push([Date.now() - t0, t1 - t0, `${order[i - 1]}>${order[i]}`]);
  }
  times.sort((a, b) => b[0] - a[0]);
  console.log(`pairs: ${times.length}, slowest (ms total, paste): ${times.slice(0, 8).map(([a, b, n]) => `${n} ${a}/${b}`).join(', ')}`);
  expect(fresh.problems).toEqual([]);
  await fresh.close();
});

test('edits in the middle, extending, cutting down, undo and redo, Clear and "Show more"', async ({ page, problems, browser }) => {
  test.setTimeout(60_000);
  const fresh = await freshPages(browser);
  await openApp(page);
  const caret = () => page.evaluate(() => [document.activeElement?.id, document.activeElement?.selectionStart, document.activeElement?.selectionEnd]);
  const select = (from, to) => page.evaluate(([a, b]) => document.querySelector('#event-text').setSelectionRange(a, b), [from, to]);

  // Typing inside the first blob changes that finding; the caret stays where the user typed.
  const many = PASTES.many;
  await pasteOver(page, many);
  await sameAsFreshDecoder(page, fresh, 'many', many);
  const at = many.indexOf('policyDecision< ') + 60;
  await select(at, at + 4);
  await page.keyboard.type('QUJD');
  const edited = many.slice(0, at) + 'QUJD' + many.slice(at + 4);
  await expect(box(page)).toHaveValue(edited);
  await sameAsFreshDecoder(page, fresh, 'typed in the middle of a blob', edited);
  expect(await caret()).toEqual(['event-text', at + 4, at + 4]);

  // Extended at the end, then cut down by a line, then to nothing.
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(`\n${PASTES.kata}`);
  const extended = `${edited}\n${PASTES.kata}`;
  await expect(box(page)).toHaveValue(extended);
  await sameAsFreshDecoder(page, fresh, 'extended at the end', extended);
  expect(await caret()).toEqual(['event-text', extended.length, extended.length]);
  const lineStart = extended.indexOf('mounting scsi device');
  const from = extended.lastIndexOf('\n', lineStart) + 1;
  const to = extended.indexOf('\n', lineStart) + 1;
  await select(from, to);
  await page.keyboard.press('Delete');
  const cut = extended.slice(0, from) + extended.slice(to);
  await expect(box(page)).toHaveValue(cut);
  await sameAsFreshDecoder(page, fresh, 'a line deleted', cut);
  expect(await caret()).toEqual(['event-text', from, from]);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await expect(box(page)).toHaveValue('');
  await sameAsFreshDecoder(page, fresh, 'cut down to nothing', '');

  // Undo brings each text back, redo goes forward again.
  await page.keyboard.press('Control+Z');
  await expect(box(page)).toHaveValue(cut);
  await sameAsFreshDecoder(page, fresh, 'undo of cutting to nothing', cut);
  await page.keyboard.press('Control+Z');
  await expect(box(page)).toHaveValue(extended);
  await sameAsFreshDecoder(page, fresh, 'undo of deleting a line', extended);
  await page.keyboard.press('Control+Shift+Z');
  await expect(box(page)).toHaveValue(cut);
  await sameAsFreshDecoder(page, fresh, 'redo', cut);
  await pasteOver(page, PASTES.legacy);
  await sameAsFreshDecoder(page, fresh, 'legacy pasted over', PASTES.legacy);
  await page.keyboard.press('Control+Z');
  await expect(box(page)).toHaveValue(cut);
  await sameAsFreshDecoder(page, fresh, 'undo of a paste', cut);

  // Clear.
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(box(page)).toHaveValue('');
  await sameAsFreshDecoder(page, fresh, 'Clear', '');

  // A large paste is summarised and keeps the keyboard; "Edit as text" brings it into the box,
  // where typing at its end is an edit like any other.
  await pasteOver(page, PASTES.large);
  await expect(summaryGroup(page)).toBeFocused();
  await sameAsFreshDecoder(page, fresh, 'large', PASTES.large);
  await toTextBox(page);
  await expect(box(page)).toHaveValue(PASTES.large);
  await sameAsFreshDecoder(page, fresh, '"Edit as text"', PASTES.large);
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(`\n${PASTES.arm}`);
  await sameAsFreshDecoder(page, fresh, 'typed at the end of a large text', `${PASTES.large}\n${PASTES.arm}`);
  await page.getByRole('button', { name: 'Clear' }).click();
  await sameAsFreshDecoder(page, fresh, 'Clear after a large text', '');

  // "Show more": the next page of cards, and the keyboard on the first new one.
  await pasteOver(page, PASTES.pages);
  await sameAsFreshDecoder(page, fresh, 'pages', PASTES.pages);
  await expect(page.getByRole('button', { name: 'Show 5 more (5 not shown yet)' })).toHaveCount(1);
  await showMore(page);
  await expect(cards(page)).toHaveCount(25);
  await expect(cards(page).nth(20)).toBeFocused();
  await sameAsFreshDecoder(page, fresh, 'Show more', PASTES.pages, 1);

  // One finding of the list changes, the others stay: only its card is new.
  await pasteOver(page, PASTES.pages);
  await sameAsFreshDecoder(page, fresh, 'pages again', PASTES.pages);
  await page.evaluate(() => document.querySelectorAll('section.findings article').forEach((a) => { a.dataset.seen = '1'; }));
  const lines = PASTES.pages.split('\n');
  const changed = mountDenial(`${'e'.repeat(60)}0003`, 4);
  const start = lines.slice(0, 3).join('\n').length + 1;
  await toTextBox(page);
  await select(start, start + lines[3].length);
  await page.keyboard.insertText(changed);
  const one = [...lines.slice(0, 3), changed, ...lines.slice(4)].join('\n');
  await expect(box(page)).toHaveValue(one);
  await sameAsFreshDecoder(page, fresh, 'one finding of many changed', one);
  const kept = await page.evaluate(() => [...document.querySelectorAll('section.findings article')].map((a) => a.dataset.seen === '1'));
  expect(kept).toEqual(Array.from({ length: 20 }, (_, i) => i !== 3));
  expect(fresh.problems).toEqual([]);
  await fresh.close();
});

test('the wizard: every answer of every question by clicking, Back and Forward, breadcrumbs, "Previous question" and "Start over"', async ({ page, problems, browser }) => {
  test.setTimeout(240_000);
  const fresh = await freshPages(browser);
  await openApp(page, './#wizard');
  await sameAsFreshLoad(page, fresh, 'the first question');
  const heading = page.locator('#wizard-step');
  const visited = new Set();
  let clicks = 0;

  // Depth first over the graph's steps: at each step reached for the first time, every answer
  // is clicked (each leads to a new address, compared with a fresh load of it) and undone by
  // Back; a step reached again by another path is compared but not explored again. Every path
  // would be far too many (the answers multiply), every answer is every edge of the graph.
  async function explore(depth) {
    const here = page.url();
    visited.add(await heading.textContent());
    const answers = await page.locator('ul.answers a.answer').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    if (!answers.length) {
      // A result: its first and last breadcrumb, "Previous question" and "Start over".
      const trail = await page.getByRole('navigation', { name: 'Your answers' }).getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const [name, href] of [['breadcrumb', trail[0]], ['breadcrumb', trail[trail.length - 1]], ['Previous question', null], ['Start over', null]]) {
        if (href) await page.getByRole('navigation', { name: 'Your answers' }).locator(`a[href="${href}"]`).click();
        else await page.getByRole('link', { name, exact: true }).click();
        await expect(page).not.toHaveURL(here);
        await expect(heading).toBeFocused();
        await sameAsFreshLoad(page, fresh, `${name} ${href ?? ''} from ${here}`);
        await page.goBack();
        await expect(page).toHaveURL(here);
        await sameAsFreshLoad(page, fresh, `Back to ${here}`);
      }
      return;
    }
    // The fresh pages load the answers' steps while this one clicks through them.
    for (const href of answers) fresh.at(new URL(href, here).href).catch(() => {});
    for (const [i, href] of answers.entries()) {
      await page.locator(`ul.answers a.answer[href="${href}"]`).click();
      await expect(page).toHaveURL(new URL(href, here).href);
      clicks += 1;
      // A new step takes the keyboard on its heading.
      await expect(heading).toBeFocused();
      await sameAsFreshLoad(page, fresh, `answer ${href}`);
      if (!visited.has(await heading.textContent())) await explore(depth + 1);
      await page.goBack();
      await expect(page).toHaveURL(here);
      await sameAsFreshLoad(page, fresh, `Back to ${here}`);
      // Back at the question, the answer just given is marked as the earlier one, and only it.
      await expect(page.locator('ul.answers a.answer[aria-current="true"]')).toHaveAttribute('href', href);
      await expect(page.locator('ul.answers a.answer.earlier')).toHaveCount(1);
      if (i === 0 && depth < 2) {
        await page.goForward();
        await sameAsFreshLoad(page, fresh, `Forward to ${href}`);
        await page.goBack();
        await sameAsFreshLoad(page, fresh, `Back again to ${here}`);
      }
    }
  }
  await explore(0);
  console.log(`wizard: ${visited.size} steps, ${clicks} answers clicked, ${fresh.loads()} fresh loads compared`);
  expect(visited.size).toBeGreaterThan(20);
  expect(fresh.problems).toEqual([]);
  await fresh.close();
});

/** Share links made by the app itself (in the fresh context): findings only, full text, a wizard step. */
function makeShareLinks(fresh) {
  return fresh.use(async (page) => {
    const links = [];
    for (const [name, full] of [['many', false], ['mixed', true]]) {
      await page.goto(`./?links=${name}`);
      await expect(page.locator('body.app-ready')).toHaveCount(1);
      await sendPaste(page, PASTES[name]);
      await page.getByRole('button', { name: 'Share', exact: true }).click();
      if (full) await page.getByRole('checkbox', { name: 'Include the full pasted text' }).check();
      const field = page.getByRole('textbox', { name: 'Share link' });
      await expect(field).toHaveValue(/#v\d+\./);
      links.push(await field.inputValue());
    }
    await page.goto('./?links=wizard#wizard');
    await expect(page.locator('body.app-ready')).toHaveCount(1);
    for (let i = 0; i < 2; i++) {
      // Each answer once its own step is on screen (the clicked step goes when the next comes).
      const clicked = await page.locator('ul.answers a.answer').first().elementHandle();
      await clicked.click();
      await page.waitForFunction((a) => !a.isConnected, clicked);
    }
    await page.getByRole('button', { name: 'Share this step' }).click();
    const field = page.getByRole('textbox', { name: 'Share link' });
    await expect(field).toHaveValue(/#v\d+\./);
    links.push(await field.inputValue());
    return links;
  });
}

/** Without the `open` of the folds (long cards on a phone) that the user opened. */
const withoutOpenFolds = (lines) => lines.map((l) => (/^\s*<details class="fold"/.test(l) ? l.replace(' open=""', '') : l));

test('a fold the user opened stays open while its card shows the same; a changed card starts folded, as on a fresh load', async ({ page, problems, browser }) => {
  const fresh = await freshPages(browser, 1);
  // A phone, where the folds have their summaries; the fresh page is wide: the DOM is the same.
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);
  await pasteOver(page, PASTES.many);
  await sameAsFreshDecoder(page, fresh, 'many at 390 px', PASTES.many);
  const fold = cards(page).first().locator('details.fold').first();
  await fold.locator('summary').click();
  await expect(fold).toHaveAttribute('open', '');
  // A line more at the end changes no card: what the user opened stays open, and the rest is
  // what a fresh load shows.
  await box(page).focus();
  await page.keyboard.press('Control+End');
  const more = '\nNormal   Pulled     1m    kubelet  Successfully pulled image "mcr.microsoft.com/azurelinux/busybox:1.36"';
  await page.keyboard.insertText(more);
  const want = await fresh.decoder(PASTES.many + more);
  await expect.poll(async () => withoutOpenFolds(await rendered(page, DECODER_PARTS)), { timeout: 4000 }).toEqual(want);
  await expect(fold).toHaveAttribute('open', '');
  // Another paste makes the card anew: folded, exactly as a fresh load shows it.
  await pasteOver(page, PASTES.one);
  await sameAsFreshDecoder(page, fresh, 'one over many with a fold open', PASTES.one);
  await pasteOver(page, PASTES.many);
  await sameAsFreshDecoder(page, fresh, 'many again', PASTES.many);
  await expect(page.locator('details.fold[open]')).toHaveCount(0);
  expect(fresh.problems).toEqual([]);
  await fresh.close();
});

test('share links opened over another state, switching views, theme and reload in the middle', async ({ page, problems, browser }) => {
  test.setTimeout(60_000);
  const fresh = await freshPages(browser);
  const [findingsLink, fullLink, wizardLink] = await makeShareLinks(fresh);
  await openApp(page);
  const nav = (name) => page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name });

  await pasteOver(page, PASTES.pages);
  await sameAsFreshDecoder(page, fresh, 'pages', PASTES.pages);
  // A findings link opened over other findings.
  await page.goto(findingsLink);
  await sameAsFreshLoad(page, fresh, 'findings link over other findings', DECODER_PARTS);
  await sameAsFreshDecoder(page, fresh, 'findings link, against its text pasted');
  // A wizard link over findings, then a full-text link over the wizard.
  await page.goto(wizardLink);
  await expect(page).toHaveURL(/#wizard\//);
  await sameAsFreshLoad(page, fresh, 'wizard link over findings');
  await page.locator('ul.answers a.answer').last().click();
  await sameAsFreshLoad(page, fresh, 'an answer after the wizard link');
  await page.goto(fullLink);
  await expect(box(page)).toHaveValue(PASTES.mixed);
  await sameAsFreshLoad(page, fresh, 'full-text link over the wizard', DECODER_PARTS);
  // Back to the wizard and forward to the link again.
  await page.goBack();
  await sameAsFreshLoad(page, fresh, 'Back from the link to the wizard');
  await page.goForward();
  await sameAsFreshLoad(page, fresh, 'Forward to the link', DECODER_PARTS);

  // Switching views keeps the paste and shows each view as a fresh load does.
  await pasteOver(page, PASTES.many);
  await nav('Troubleshoot networking').click();
  await sameAsFreshLoad(page, fresh, 'to the wizard by the view switcher');
  await page.locator('ul.answers a.answer').first().click();
  await sameAsFreshLoad(page, fresh, 'an answer');
  await nav('Decode policy denials').click();
  await expect(box(page)).toHaveValue(PASTES.many);
  await sameAsFreshDecoder(page, fresh, 'back to the decoder by the view switcher', PASTES.many);
  await page.goBack();
  await sameAsFreshLoad(page, fresh, 'Back into the wizard');

  // The theme switched and the page reloaded in the middle of a sequence.
  await page.getByLabel('Theme').selectOption('dark');
  await sameAsFreshLoad(page, fresh, 'theme switched on a wizard step');
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await sameAsFreshLoad(page, fresh, 'reload of a wizard step');
  await nav('Decode policy denials').click();
  await pasteOver(page, PASTES.kata);
  await page.getByLabel('Theme').selectOption('light');
  await sameAsFreshDecoder(page, fresh, 'theme switched on findings', PASTES.kata);
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await expect(box(page)).toHaveValue(PASTES.kata);
  await sameAsFreshDecoder(page, fresh, 'reload of findings', PASTES.kata);
  await pasteOver(page, PASTES.one);
  await sameAsFreshDecoder(page, fresh, 'a paste after the reload', PASTES.one);
  expect(fresh.problems).toEqual([]);
  await fresh.close();
});

/** The fragment of a link, with its `#`. */
const hashOf = (url) => url.slice(url.indexOf('#'));

/**
 * Goes to fragment `a`, and to `b` as soon as the app has taken `a` (its `hashchange` listener ran
 * first): a share link at `a` is then still being inflated by the browser when `b` arrives. Both
 * must differ from the address before them (an unchanged fragment fires no `hashchange`).
 */
async function twoAddresses(page, a, b) {
  const openingAtB = await page.evaluate(([a, b]) => new Promise((done) => {
    addEventListener('hashchange', () => {
      const opening = document.querySelector('main [aria-busy="true"]') !== null;
      addEventListener('hashchange', () => done(opening), { once: true });
      location.hash = b;
    }, { once: true });
    location.hash = a;
  }), [a, b]);
  // The link at `a` was still opening when `b` came (what this sequence is about).
  expect(openingAtB, `${a} was still opening when ${b} came`).toBe(true);
}

/**
 * A slow device: the browser's inflater hands on each piece of its output 150 ms late. (Its own
 * promises otherwise settle before any other task runs, so nothing could come in between.)
 */
function slowInflater() {
  const Real = window.DecompressionStream;
  window.DecompressionStream = class {
    constructor(format) {
      const real = new Real(format);
      this.writable = real.writable;
      this.readable = real.readable.pipeThrough(new TransformStream({
        transform: (chunk, out) => new Promise((r) => setTimeout(() => { out.enqueue(chunk); r(); }, 150)),
      }));
    }
  };
}

test('a share link superseded before it is open never lands: another address, another link, a paste', async ({ page, problems, browser }) => {
  test.setTimeout(60_000);
  const fresh = await freshPages(browser);
  const [findingsLink, fullLink, wizardLink] = await makeShareLinks(fresh);
  await page.addInitScript(slowInflater);
  await openApp(page);
  await pasteOver(page, PASTES.pages);
  const busy = page.locator('main [aria-busy="true"]');

  // A link, then at once the wizard: the wizard stays, the link never comes.
  await twoAddresses(page, hashOf(findingsLink), '#wizard');
  await expect(busy).toHaveCount(0);
  await expect(page).toHaveURL(/#wizard$/);
  await sameAsFreshLoad(page, fresh, 'a findings link superseded by the wizard');
  // A link, then at once another link: the second one is what shows.
  await twoAddresses(page, hashOf(findingsLink), hashOf(fullLink));
  await expect(busy).toHaveCount(0);
  await expect(box(page)).toHaveValue(PASTES.mixed);
  await sameAsFreshLoad(page, fresh, 'a findings link superseded by a full-text link', DECODER_PARTS);
  await twoAddresses(page, hashOf(wizardLink), hashOf(findingsLink));
  await expect(busy).toHaveCount(0);
  await sameAsFreshLoad(page, fresh, 'a wizard link superseded by a findings link', DECODER_PARTS);
  await sameAsFreshDecoder(page, fresh, 'the findings link, against its text pasted');
  await twoAddresses(page, hashOf(fullLink), hashOf(wizardLink));
  await expect(busy).toHaveCount(0);
  await expect(page).toHaveURL(/#wizard\//);
  await sameAsFreshLoad(page, fresh, 'a full-text link superseded by a wizard link');

  // A link, then at once a paste into the text box (before the link is open): the paste stays,
  // and the address lets the link go.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Decode policy denials' }).click();
  await expect(box(page)).toBeVisible();
  const openingAtPaste = await page.evaluate(([a, text]) => new Promise((done) => {
    addEventListener('hashchange', () => {
      const opening = document.querySelector('main [aria-busy="true"]') !== null;
      const area = document.querySelector('#event-text');
      const data = new DataTransfer();
      data.setData('text/plain', text);
      const paste = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
      if (area.dispatchEvent(paste)) {
        area.value = text;
        area.dispatchEvent(new InputEvent('input', { inputType: 'insertFromPaste', bubbles: true }));
      }
      done(opening);
    }, { once: true });
    location.hash = a;
  }), [hashOf(fullLink), PASTES.one]);
  expect(openingAtPaste, 'the link was still opening when the paste came').toBe(true);
  await expect(busy).toHaveCount(0);
  await expect(box(page)).toHaveValue(PASTES.one);
  await sameAsFreshDecoder(page, fresh, 'a paste over a link still opening', PASTES.one);
  expect(new URL(page.url()).hash).toBe('');
  // And the paste is what a reload brings back, not the link.
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await expect(box(page)).toHaveValue(PASTES.one);
  expect(fresh.problems).toEqual([]);
  await fresh.close();
});

/** A small seeded generator (mulberry32), so that a failing walk can be replayed. */
function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

test('a seeded random walk of user actions always shows what a fresh load shows', async ({ page, problems, browser }) => {
  const seed = Number(process.env.RANDOM_WALK_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const count = Number(process.env.RANDOM_WALK_STEPS ?? 200);
  test.setTimeout(60_000 + count * 1_500);
  console.log(`random walk: seed ${seed} (replay with RANDOM_WALK_SEED=${seed}), ${count} actions`);
  const rnd = random(seed);
  const fresh = await freshPages(browser);
  const links = await makeShareLinks(fresh);
  await openApp(page);
  const names = Object.keys(PASTES);
  const nav = (name) => page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name });
  const toDecoder = async () => {
    if (isWizard(page)) await nav('Decode policy denials').click();
    await expect(page.locator('section.paste')).toHaveCount(1);
  };
  const canGo = (dir) => page.evaluate((d) => (d === 'back' ? navigation.canGoBack : navigation.canGoForward), dir);
  const pos = async () => {
    const len = (await box(page).inputValue()).length;
    return rnd.int(len + 1);
  };

  const actions = {
    async paste() {
      await toDecoder();
      const name = rnd.pick(names);
      await pasteOver(page, PASTES[name]);
      return `paste ${name}`;
    },
    async edit() {
      await toDecoder();
      // Selecting and replacing in a text box of megabytes takes the browser seconds; the
      // round trip through "Edit as text" has a test of its own.
      if (await summaryGroup(page).count()) return 'no edit (large paste summarised)';
      await box(page).focus();
      const kind = rnd.pick(['type', 'line', 'delete', 'nothing']);
      if (kind === 'nothing') {
        await page.keyboard.press('Control+A');
        await page.keyboard.press('Delete');
      } else {
        const a = await pos();
        const b = kind === 'delete' ? Math.min(a + 1 + rnd.int(400), (await box(page).inputValue()).length) : a;
        await page.evaluate(([x, y]) => document.querySelector('#event-text').setSelectionRange(x, y), [a, b]);
        if (kind === 'delete') await page.keyboard.press('Delete');
        else if (kind === 'type') await page.keyboard.type(rnd.pick(['x', 'A9', '==', ' ', '>']));
        else await page.keyboard.insertText(`\n${PASTES[rnd.pick(['one', 'kata', 'legacy', 'arm'])]}\n`);
      }
      // The app decodes after a short pause in typing.
      await page.waitForTimeout(200);
      return `edit (${kind})`;
    },
    async clear() {
      await toDecoder();
      await page.getByRole('button', { name: 'Clear' }).click();
      return 'Clear';
    },
    async wizard() {
      if (!isWizard(page)) {
        await nav('Troubleshoot networking').click();
        return 'to the wizard';
      }
      const answers = page.locator('ul.answers a.answer');
      const n = await answers.count();
      if (n && rnd.next() < 0.8) {
        await answers.nth(rnd.int(n)).click();
        return 'answer';
      }
      const trail = page.getByRole('navigation', { name: 'Your answers' }).getByRole('link');
      const t = await trail.count();
      if (t && rnd.next() < 0.5) {
        await trail.nth(rnd.int(t)).click();
        return 'breadcrumb';
      }
      const name = rnd.pick(['Previous question', 'Start over']);
      const link = page.getByRole('link', { name, exact: true });
      if (!(await link.count())) return `no ${name}`;
      await link.click();
      return name;
    },
    async back() {
      if (!(await canGo('back'))) return 'no Back';
      await page.goBack();
      return 'Back';
    },
    async forward() {
      if (!(await canGo('forward'))) return 'no Forward';
      await page.goForward();
      return 'Forward';
    },
    async share() {
      const i = rnd.int(links.length);
      await page.goto(links[i]);
      // The wizard's link is replaced by the step's own address.
      if (i === links.length - 1) await expect(page).toHaveURL(/#wizard\//);
      return `open share link ${i + 1}`;
    },
    async more() {
      const more = page.getByRole('button', { name: /^Show \d+ more/ });
      if (isWizard(page) || !(await more.count())) return 'no "Show more"';
      await showMore(page);
      return 'Show more';
    },
    async reload() {
      await page.reload();
      await expect(page.locator('body.app-ready')).toHaveCount(1);
      return 'reload';
    },
  };
  const weights = [['paste', 24], ['edit', 18], ['clear', 5], ['wizard', 20], ['back', 10], ['forward', 7], ['share', 8], ['more', 4], ['reload', 4]];
  const total = weights.reduce((s, [, w]) => s + w, 0);
  const choose = () => {
    let r = rnd.int(total);
    for (const [name, w] of weights) { if ((r -= w) < 0) return name; }
    return 'paste';
  };

  const done = [];
  const took = {};
  for (let i = 0; i < count; i++) {
    const name = choose();
    const t0 = Date.now();
    try {
      done.push(await actions[name]());
      // The view the address names is on screen.
      await expect(page.locator(isWizard(page) ? 'section.wizard' : 'section.paste')).toHaveCount(1);
      if (isWizard(page)) {
        await sameAsFreshLoad(page, fresh, `step ${i + 1}`);
      } else {
        // "Show more" is part of the state: the fresh page presses it as often.
        const shown = await cards(page).count();
        await sameAsFreshDecoder(page, fresh, `step ${i + 1}`, null, shown > 20 ? Math.ceil((shown - 20) / 20) : 0);
      }
      took[name] = (took[name] ?? 0) + Date.now() - t0;
    } catch (e) {
      e.message = `random walk failed at action ${i + 1} of ${count} (${name}) — replay with RANDOM_WALK_SEED=${seed}\nactions so far: ${done.join(', ')}\n${e.message}`;
      throw e;
    }
  }
  console.log(`random walk: ${count} actions, ${fresh.loads()} fresh loads compared (seed ${seed}); ms per kind: ${JSON.stringify(took)}`);
  expect(fresh.problems).toEqual([]);
  await fresh.close();
});

test('a dropped or opened file over another paste, a reordered paste, and redo with Ctrl+Y show what a fresh page shows', async ({ page, problems, browser }) => {
  test.setTimeout(60_000);
  const fresh = await freshPages(browser);
  await openApp(page);
  await pasteOver(page, PASTES.many);
  await sameAsFreshDecoder(page, fresh, 'many', PASTES.many);

  // A file dropped on the page replaces the paste.
  await dropFile(page, PASTES.kata, { name: 'kata.log' });
  await expect(box(page)).toHaveValue(PASTES.kata);
  await sameAsFreshDecoder(page, fresh, 'a file dropped over a paste', PASTES.kata);

  // A file chosen with "Open a file" replaces it again.
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aci-')), 'pages.log');
  fs.writeFileSync(file, PASTES.pages);
  await page.locator('input[type=file]').setInputFiles(file);
  await expect(box(page)).toHaveValue(PASTES.pages);
  await sameAsFreshDecoder(page, fresh, 'a file opened over a dropped one', PASTES.pages);

  // The same findings in another order: the cards follow the new order.
  const lines = PASTES.pages.split('\n');
  const reordered = [lines[2], lines[0], lines[1], ...lines.slice(3)].join('\n');
  await pasteOver(page, reordered);
  await sameAsFreshDecoder(page, fresh, 'the findings reordered', reordered);

  // Undo, then redo with Ctrl+Y as well as Ctrl+Shift+Z.
  await page.keyboard.press('Control+Z');
  await expect(box(page)).toHaveValue(PASTES.pages);
  await sameAsFreshDecoder(page, fresh, 'undo of the reordering paste', PASTES.pages);
  await page.keyboard.press('Control+Y');
  await expect(box(page)).toHaveValue(reordered);
  await sameAsFreshDecoder(page, fresh, 'redo with Ctrl+Y', reordered);
  expect(fresh.problems).toEqual([]);
  await fresh.close();
});
