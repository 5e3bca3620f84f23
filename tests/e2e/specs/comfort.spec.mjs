// Accessibility, keyboard, hostile and broken input, files, large pastes, theme, report,
// layout and print (issue 6), on the release build.
import { test, expect, openApp, pasteText, findings, fixtureText, fixtureNames, dropFile } from './fixtures.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const b64 = (s) => Buffer.from(s).toString('base64');

async function axe(page) {
  // Evaluated through the DevTools protocol, so the page's strict CSP does not block it.
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

for (const scheme of ['light', 'dark']) {
  test(`axe finds no violations (${scheme}): empty page, findings, wizard question and result`, async ({ page, problems }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openApp(page);
    expect(await axe(page)).toEqual([]);
    await page.getByRole('button', { name: 'Try an example' }).click();
    await expect(findings(page)).toHaveCount(2);
    await page.getByText('Decoded JSON').first().click();
    expect(await axe(page)).toEqual([]);
    await page.goto('./#wizard/outbound-slow.v2.yes');
    await expect(page.locator('#wizard-step')).toBeVisible();
    expect(await axe(page)).toEqual([]);
    await page.goto('./#wizard/outbound-slow.v2.no');
    await expect(page.locator('.progress')).toHaveText('Result');
    expect(await axe(page)).toEqual([]);
  });
}

test('everything works by keyboard alone, with a visible focus and no focus theft', async ({ page, problems, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
  const focusedIs = (sel) => page.evaluate((s) => document.activeElement?.matches(s) ?? false, sel);
  // Tab to the text box and type.
  for (let i = 0; i < 10 && !(await focusedIs('#event-text')); i++) await page.keyboard.press('Tab');
  expect(await focusedIs('#event-text')).toBe(true);
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.insertText(fixtureText('portal.html'));
  await expect(findings(page)).toHaveCount(1);
  // Tab to "Copy command" in the finding and press Enter.
  for (let i = 0; i < 40 && !(await page.evaluate(() => document.activeElement?.textContent === 'Copy command')); i++) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  await expect(findings(page).first().getByRole('status').filter({ hasText: 'Copied' }).first()).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('az confcom acipolicygen');
  // The wizard by keyboard, on a fresh load: focus the first answer and press Enter.
  await page.goto('about:blank');
  await page.goto('./#wizard');
  await expect(page.locator('#wizard-step')).toBeVisible();
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
  for (let i = 0; i < 60 && !(await focusedIs('a.answer')); i++) await page.keyboard.press('Tab');
  const before = await page.locator('#wizard-step').textContent();
  await page.keyboard.press('Enter');
  await expect(page.locator('#wizard-step')).not.toHaveText(before);
  // After a step change, focus is on the new question for screen readers.
  await expect(page.locator('#wizard-step')).toBeFocused();
});

test('hostile decoded content renders as inert text', async ({ page, problems }) => {
  await openApp(page);
  await page.evaluate(() => { window.__pwned = 0; });
  const hostile = [
    { decision: '<script>window.__pwned=1</script>', input: { rule: '<img src=x onerror="window.__pwned=2">', '<b onmouseover=alert(1)>': '"><svg onload=window.__pwned=3>' }, reason: { errors: ['<iframe src="javascript:window.__pwned=4"></iframe>', 'x'.repeat(200000)] } },
  ];
  let deep = '1';
  for (let i = 0; i < 300; i++) deep = `[${deep}]`;
  const blobs = [
    ...hostile.map((h) => b64(JSON.stringify(h))),
    b64(`{"decision":"deny","reason":{"errors":[${deep}]}}`),
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x00, 0x22, 0x7d]).toString('base64'),
    b64('{"decision":"deny\u0000","reason":{"errors":["nul\u0000byte"]}}'),
  ];
  await pasteText(page, blobs.map((b) => `policyDecision< ${b} >policyDecision`).join('\n'));
  await expect(findings(page)).toHaveCount(4);
  const region = page.getByRole('region', { name: 'Findings' });
  await expect(region.locator('script, img, iframe, svg, b')).toHaveCount(0);
  await expect(region).toContainText('<script>window.__pwned=1</script>');
  await expect(region).toContainText('nested too deeply');
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => window.__pwned)).toBe(0);
});

test('a corpus of broken inputs never causes a console error and always shows a message', async ({ page, problems }) => {
  await openApp(page);
  const good = 'eyJkZWNpc2lvbiI6ImRlbnkiLCJyZWFzb24iOnsiZXJyb3JzIjpbImludmFsaWQgY29tbWFuZCJdfX0=';
  const corpus = [
    'policyDecision<', 'policyDecision< >policyDecision', 'policyDecision<<<<>>>>policyDecision',
    `policyDecision< ${good.slice(0, 13)}`, `policyDecision< ${good.slice(0, 30)}!!!${good.slice(30)} >policyDecision`,
    `policyDecision< ${good.replace(/=/g, '')}==== >policyDecision`, 'policyDecision< ==== >policyDecision',
    `policyDecision\\u003c ${good} \\u003epolicyDecision`, `policyDecision&lt; ${good}`,
    'policyDecision< ' + 'A'.repeat(100001) + ' >policyDecision', '\u0000\u0001\u0002 policyDecision< \u{1F600} >policyDecision',
    ' not allowed by policy. Errors: [', 'Request is blocked by policy: ', 'x not allowed by policy. Errors: [' + 'a'.repeat(5000),
    ...['describe-pod.txt', 'events.json', 'events.yaml', 'wrapped.txt', 'mixed.txt', 'damaged.txt'].map((f) => fixtureText(f).slice(0, 700)),
  ];
  for (const text of corpus) {
    await pasteText(page, text);
    await expect(page.getByRole('region', { name: 'Findings' })).not.toBeEmpty();
  }
});

test('a dropped file with a BOM and CRLF line endings is read like a paste', async ({ page, problems }) => {
  await openApp(page);
  const content = '\ufeff' + fixtureText('describe-pod.txt').replace(/\n/g, '\r\n');
  await dropFile(page, content);
  await expect(findings(page)).toHaveCount(2);
  await expect(findings(page).nth(1)).toContainText('Seen 2 times');
  const box = await page.getByRole('textbox', { name: 'Event text' }).inputValue();
  expect(box.startsWith('\ufeff')).toBe(false);
  // Dropped beside the paste box (here on the footer) it is taken too, not opened by the browser.
  const notCancelled = await dropFile(page, fixtureText('portal.html'), { name: 'portal.html', type: 'text/html', on: 'footer' });
  expect(notCancelled).toBe(false);
  await expect(findings(page)).toHaveCount(1);
});

test('a binary file is shown as read, with a warning', async ({ page, problems }) => {
  await openApp(page);
  await page.evaluate(() => {
    const bytes = new Uint8Array(2048).map((_, i) => (i * 151) % 256);
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'screenshot.png', { type: 'image/png' }));
    document.querySelector('main').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.getByRole('alert').filter({ hasText: 'screenshot.png does not look like text' })).toBeVisible();
  // A text file clears the warning.
  await dropFile(page, fixtureText('describe-pod.txt'), { on: 'main', dragover: false });
  await expect(findings(page)).toHaveCount(2);
  await expect(page.getByRole('alert').filter({ hasText: 'does not look like text' })).toHaveCount(0);
});

test('a file opened with "Open a file" is decoded', async ({ page, problems }) => {
  await openApp(page);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aci-')), 'events.yaml');
  fs.writeFileSync(file, fixtureText('events.yaml'));
  await page.locator('input[type=file]').setInputFiles(file);
  await expect(findings(page)).toHaveCount(2);
});

test('a large paste is taken like a file, decoded in full, and editable on request', async ({ page, problems }) => {
  // Filling a text box that holds 1.4 MB takes Chromium itself seconds (over 20 on a loaded
  // 2-core machine), before the app sees an event.
  test.setTimeout(120_000);
  await openApp(page);
  const text = fixtureText('describe-pod.txt').repeat(600); // about 1.4 MB
  await page.locator('#event-text').focus();
  await page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    document.querySelector('#event-text').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
  await expect(findings(page)).toHaveCount(2);
  await expect(page.getByRole('group', { name: 'Event text' })).toContainText('1.5 MB');
  await expect(page.getByRole('status').filter({ hasText: 'found' })).toContainText('1800 occurrences');
  await page.getByRole('button', { name: 'Edit as text' }).click();
  await expect(page.getByRole('textbox', { name: 'Event text' })).toHaveValue(text);
  // The keyboard is in the text box, not lost with the button.
  await expect(page.getByRole('textbox', { name: 'Event text' })).toBeFocused();
  // A large paste goes where the caret is, like any paste: the text around it stays.
  const box = page.getByRole('textbox', { name: 'Event text' });
  await box.fill('AAAA BBBB');
  await page.evaluate((t) => {
    const area = document.querySelector('#event-text');
    area.setSelectionRange(5, 5);
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
  await page.getByRole('button', { name: 'Edit as text' }).click();
  await expect(box).toHaveValue('AAAA ' + text + 'BBBB');
});

/** A text as a text box holds it once pasted: line breaks as `\n`. */
const asInBox = (t) => t.replace(/\r\n?/g, '\n');

// Real pastes (core/tests/fixtures/real, sources in its SOURCES.md) joined as a log bundle is.
const realBundle = () => asInBox(fixtureNames('real').filter((n) => n.endsWith('.txt'))
  .map((n) => fixtureText(`real/${n}`)).join('\n'));

/** Ctrl+A in the focused box of `page`, in milliseconds until the next frame has been drawn. */
async function selectAllTime(page, box) {
  await box.focus();
  const t0 = Date.now();
  await page.keyboard.press('Control+A');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  return Date.now() - t0;
}

/** A real Ctrl+V of `text` from the system clipboard (the context must grant clipboard access). */
async function clipboardPaste(page, text) {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press('Control+V');
}

test('Ctrl+A, Ctrl+V in a box holding half a megabyte with findings shown: as fast as on a bare page', async ({ page, problems, context }) => {
  // Chromium selects quadratically slowly while any part of the page is left unlaid out (a closed
  // <details>, a card laid out when scrolled to): 3 s for this text before app.css's rule.
  test.setTimeout(60_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  const bundle = realBundle();
  const text = bundle.repeat(Math.floor(480_000 / bundle.length));
  expect(text.length).toBeGreaterThan(400_000);
  const box = page.getByRole('textbox', { name: 'Event text' });
  await box.focus();
  await clipboardPaste(page, text);
  await expect(box).toHaveValue(text);
  await expect(page.getByRole('status').filter({ hasText: 'found' })).toContainText('occurrences');
  const closed = page.locator('details.raw:not([open])').first();
  await expect(closed).toHaveCount(1);
  const content = () => closed.evaluate((d) => getComputedStyle(d, '::details-content').display);
  // A bare page with the same text, in the same browser.
  const bare = await context.newPage();
  await bare.setContent('<textarea rows="10" style="width: 60rem"></textarea>');
  await bare.locator('textarea').evaluate((a, t) => { a.value = t; }, text);
  const plain = Math.min(await selectAllTime(bare, bare.locator('textarea')), await selectAllTime(bare, bare.locator('textarea')));
  await bare.close();
  const inApp = await selectAllTime(page, box);
  expect(await box.evaluate((a) => [a.selectionStart, a.selectionEnd])).toEqual([0, text.length]);
  expect(inApp, `Ctrl+A took ${inApp} ms in the app, ${plain} ms on a bare page`).toBeLessThan(3 * plain + 300);
  // Meanwhile a closed part's content is not laid out at all; a wide screen's folds show their
  // parts in place as ever.
  expect(await content()).toBe('none');
  const fold = page.locator('details.fold:not([open])').first();
  await expect(fold).toHaveCount(1);
  expect(await fold.evaluate((d) => getComputedStyle(d, '::details-content').display)).toBe('contents');
  await expect(fold.locator('li').first()).toBeVisible();
  await expect(findings(page).first()).toBeVisible();
  // The paste replaces the whole text, as in any text box: the new text's findings only.
  const other = asInBox(fixtureText('real/vn2-troubleshooting-event.txt'));
  await clipboardPaste(page, other);
  await expect(box).toHaveValue(other);
  await expect(findings(page)).toHaveCount(1);
  // A short text leaves the page as it always is: a closed part is found by find-in-page.
  await expect(closed).toHaveCount(1);
  expect(await content()).toBe('block');
  // So does a box without the keyboard.
  await page.keyboard.press('Control+A');
  await clipboardPaste(page, text);
  await expect(box).toHaveValue(text);
  await expect(page.getByRole('status').filter({ hasText: 'found' })).toContainText('occurrences');
  expect(await content()).toBe('none');
  await page.locator('h1').first().click();
  await expect(box).not.toBeFocused();
  expect(await content()).toBe('block');
});

test('an input above 256 MB gets a clear message and changes nothing', async ({ page, problems }) => {
  test.setTimeout(90_000);
  await openApp(page);
  await pasteText(page, fixtureText('portal.html'));
  await expect(findings(page)).toHaveCount(1);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aci-')), 'huge.log');
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  for (let i = 0; i < 257; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  await page.locator('input[type=file]').setInputFiles(file);
  await expect(page.getByRole('alert')).toContainText('up to 256 MB', { timeout: 60_000 });
  await expect(findings(page)).toHaveCount(1);
});

test('many findings come in pages', async ({ page, problems }) => {
  await openApp(page);
  const lines = [];
  for (let i = 0; i < 45; i++) {
    lines.push(`policyDecision< ${b64(JSON.stringify({ decision: 'deny', input: { rule: 'mount_device', deviceHash: `h${i}` }, reason: { errors: ['deviceHash not found'] } }))} >policyDecision`);
  }
  await pasteText(page, lines.join('\n'));
  await expect(findings(page)).toHaveCount(20);
  await page.getByRole('button', { name: /Show 20 more \(25 not shown yet\)/ }).click();
  await expect(findings(page)).toHaveCount(40);
  await page.getByRole('button', { name: /Show 5 more/ }).click();
  await expect(findings(page)).toHaveCount(45);
});

test('the theme follows the system, can be switched, and is remembered', async ({ page, problems }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openApp(page);
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const dark = await bg();
  await page.getByLabel('Theme').selectOption('light');
  expect(await bg()).not.toBe(dark);
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
  await expect(page.getByLabel('Theme')).toHaveValue('light');
  await page.getByLabel('Theme').selectOption('system');
  expect(await bg()).toBe(dark);
});

test('Copy report puts a Markdown summary of all findings on the clipboard', async ({ page, problems, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await page.getByRole('button', { name: 'Try an example' }).click();
  await page.getByRole('button', { name: 'Copy report' }).click();
  const md = await page.evaluate(() => navigator.clipboard.readText());
  expect(md).toContain('# aci-triage report');
  expect(md).toContain('## Mounting a read-only image layer');
  expect(md).toContain('## Starting a container');
  expect(md).toContain('`deviceHash not found`');
  expect(md).toContain('```');
  expect(md).not.toContain('### Result');
  // After reaching a wizard result, the report carries it too.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Troubleshoot networking' }).click();
  for (const id of ['outbound-slow', 'v2', 'no']) {
    await page.locator(`ul.answers a.answer[href$="/${id}"], ul.answers a.answer[href$=".${id}"]`).click();
  }
  await expect(page.locator('.progress')).toHaveText('Result');
  await page.getByRole('link', { name: 'Decode policy denials' }).click();
  await expect(findings(page)).toHaveCount(2);
  await page.getByRole('button', { name: 'Copy report' }).click();
  const withWizard = await page.evaluate(() => navigator.clipboard.readText());
  expect(withWizard).toContain('## Starting a container');
  expect(withWizard).toContain('### Result');
  expect(withWizard).toContain('az network nat gateway create');
});

test('the layout fits a phone and prints without controls', async ({ page, problems }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await openApp(page);
  await page.getByRole('button', { name: 'Try an example' }).click();
  await expect(findings(page)).toHaveCount(2);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // A wizard result with manifests: they keep their indentation and scroll inside their box.
  await page.goto('./#wizard/outbound-slow.v2.yes.confidential.on');
  const manifest = page.locator('.wizard pre').filter({ hasText: 'kind: Deployment' });
  await expect(manifest).toBeVisible();
  expect(await manifest.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre');
  expect(await manifest.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  // Boxes that scroll sideways must be reachable by keyboard.
  expect(await axe(page)).toEqual([]);
  await page.goto('./');
  await expect(findings(page)).toHaveCount(2);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('#event-text')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Try an example' })).toBeHidden();
  await expect(findings(page).first()).toBeVisible();
});

test('printing from the dark theme gives dark text on white paper', async ({ page, problems }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openApp(page, './#wizard/outbound-slow.v2.yes.confidential.on');
  await expect(page.locator('.progress')).toHaveText('Result');
  await page.emulateMedia({ colorScheme: 'dark', media: 'print' });
  const colours = await page.evaluate(() => [...document.querySelectorAll('body, .trail a, .trail .q, .progress, .sources, pre, h1, .tagline')]
    .map((el) => [el.className || el.tagName, getComputedStyle(el).color, getComputedStyle(el).backgroundColor]));
  expect(colours.length).toBeGreaterThan(5);
  for (const [what, color, background] of colours) {
    // Text darker than mid-grey; backgrounds transparent or light.
    const [r, g, b] = color.match(/\d+/g).map(Number);
    expect(r + g + b, `${what}: ${color}`).toBeLessThan(3 * 100);
    const bg = background.match(/\d+(\.\d+)?/g).map(Number);
    if (bg.length === 3 || bg[3] > 0) expect(bg[0] + bg[1] + bg[2], `${what}: ${background}`).toBeGreaterThan(3 * 200);
  }
});

