// Phone width and long pages (issue 15): tables that stack on a phone, values that keep their
// words, empty values that show, commands that show they scroll, cards that a full-page
// screenshot captures, and controls that stay where they are.
import { test, expect, openApp, pasteText, findings } from './fixtures.mjs';

const b64 = (s) => Buffer.from(s).toString('base64');
const blob = (obj) => `policyDecision< ${b64(JSON.stringify(obj))} >policyDecision`;
const ID = '18197025abfacf6365ef65d083687e1d9f03b9792779e15796247a7281043065';

/** A container creation refused for `errors`, with six input fields, one of them empty. */
const sixFields = (errors) => `Warning  Failed  12s (x5 over 2m)  kubelet  Error: failed to create containerd task: failed to create shim task: failed to create container ${ID}: guest RPC failure: container creation denied due to policy: ${blob({
  decision: 'deny',
  input: {
    rule: 'create_container',
    containerID: ID,
    argList: ['nginx', '-g', 'daemon off;'],
    envList: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NGINX_VERSION=1.25.3', 'APP_IDENTITY_ENDPOINT=http://169.254.169.254/metadata/identity/oauth2/token'],
    workingDir: '',
    sandboxDir: `/run/gcs/c/${ID}`,
    hugePagesDir: `/run/gcs/c/${ID}/hugepages`,
  },
  reason: { errors },
})}: unknown`;
const SIX_FIELDS = sixFields(['invalid env list: APP_IDENTITY_ENDPOINT']);

/** Many denials: more cards than a short page. */
const mountDenial = (i) => `Warning  Failed  ${i}m  kubelet  Error: failed to create containerd task: guest RPC failure: mounting scsi device controller 0 lun ${i} onto /run/mounts/m${i} denied by policy: ${blob({ decision: 'deny', input: { deviceHash: `${'d'.repeat(60)}${String(i).padStart(4, '0')}`, rule: 'mount_device', target: `/run/mounts/m${i}` }, reason: { errors: ['deviceHash not found'] } })}: unknown`;
const many = (n) => Array.from({ length: n }, (_, i) => mountDenial(i + 1)).join('\n');

const inputTable = (page) => findings(page).first().locator('table.stacks');

test('at 390 px the input table stacks field, value and meaning, and the card stays short', async ({ page, problems }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);
  // An error the catalog has no explanation for: the card is its header, the table and the context.
  await pasteText(page, sixFields(['a check this catalog does not know']));
  await expect(findings(page)).toHaveCount(1);
  const table = inputTable(page);
  await expect(table.locator('tbody tr')).toHaveCount(6);
  // Each row's cells are stacked: the field name with its value beside it or below, the meaning
  // below both, at the card's full width.
  const row = table.locator('tbody tr').filter({ hasText: 'argList' });
  const [field, value, meaning] = await Promise.all(['th', 'td:nth-of-type(1)', 'td:nth-of-type(2)'].map((s) => row.locator(s).boundingBox()));
  expect(meaning.y).toBeGreaterThanOrEqual(field.y + field.height - 1);
  expect(meaning.y).toBeGreaterThanOrEqual(value.y + value.height - 1);
  expect(meaning.width).toBeGreaterThan(250);
  // No value is squeezed to a column of single words.
  expect(value.width).toBeGreaterThan(150);
  const card = await findings(page).first().boundingBox();
  expect(card.height).toBeLessThan(3000);
  expect((await table.boundingBox()).height).toBeLessThan(1400);
  // A known error adds its explanation above; the table stays the same size.
  await pasteText(page, SIX_FIELDS);
  await expect(findings(page).first().locator('section.message.known')).toHaveCount(1);
  expect((await inputTable(page).boundingBox()).height).toBeLessThan(1400);
  // Nothing is wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test('at desktop width short values keep their words and an empty value shows as empty', async ({ page, problems }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await openApp(page);
  await pasteText(page, SIX_FIELDS);
  const table = inputTable(page);
  await expect(table).toBeVisible();
  // The table keeps its columns at this width.
  const row = table.locator('tbody tr').filter({ hasText: 'argList' });
  const [field, value] = await Promise.all([row.locator('th').boundingBox(), row.locator('td').first().boundingBox()]);
  expect(Math.abs(field.y - value.y)).toBeLessThan(2);
  // Every short value (a word without spaces) is on one line.
  const broken = await table.locator('td code').evaluateAll((codes) => codes
    .filter((c) => c.textContent.length <= 24 && !/\s/.test(c.textContent))
    .filter((c) => c.getClientRects().length !== 1)
    .map((c) => c.textContent));
  expect(broken).toEqual([]);
  const nginx = table.locator('td code').filter({ hasText: /^nginx$/ });
  await expect(nginx).toHaveCount(1);
  expect((await nginx.evaluate((c) => c.getClientRects().length))).toBe(1);
  // workingDir is the empty string: a visible chip that says so.
  const empty = table.locator('tbody tr').filter({ hasText: 'workingDir' }).locator('code.blank');
  await expect(empty).toHaveText('(empty)');
  expect((await empty.boundingBox()).width).toBeGreaterThan(20);
});

test('at 390 px a command that goes past the edge shows that it scrolls', async ({ page, problems }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page, './#wizard/outbound-slow.v2.no');
  const pres = page.locator('.wizard .step pre');
  await expect(pres.first()).toBeVisible();
  const wide = await pres.evaluateAll((ps) => ps.filter((p) => p.scrollWidth > p.clientWidth + 4).map((p) => {
    const s = getComputedStyle(p);
    return { images: s.backgroundImage, attachment: s.backgroundAttachment, overflow: s.overflowX };
  }));
  expect(wide.length).toBeGreaterThan(0);
  for (const w of wide) {
    expect(w.overflow).toBe('auto');
    // Covers that scroll with the text over shadows that stay: the shadow shows where more is.
    expect(w.images).toContain('radial-gradient');
    expect(w.attachment).toContain('local');
    expect(w.attachment).toContain('scroll');
  }
});

test('a short list lays out every card (full-page screenshots), a long one only what is seen', async ({ page, problems }) => {
  await page.setViewportSize({ width: 1280, height: 700 });
  await openApp(page);
  await pasteText(page, many(5));
  await expect(findings(page)).toHaveCount(5);
  // Cards below the fold are rendered: not skipped by content-visibility.
  const skipped = () => findings(page).evaluateAll((cards) => cards.filter((c) => !c.firstElementChild.checkVisibility({ contentVisibilityAuto: true })).length);
  expect(await page.evaluate(() => window.innerHeight < document.documentElement.scrollHeight)).toBe(true);
  expect(await skipped()).toBe(0);
  const shot = await page.screenshot({ fullPage: true });
  expect(shot.length).toBeGreaterThan(0);
  expect(await skipped()).toBe(0);
  // A long list keeps the speed: the cards far below are not laid out until scrolled to.
  await pasteText(page, many(20));
  await expect(findings(page)).toHaveCount(20);
  await expect.poll(skipped).toBeGreaterThan(0);
});

test('after "Show more" the keyboard is on the first new card', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, many(25));
  await expect(findings(page)).toHaveCount(20);
  await page.getByRole('button', { name: /^Show 5 more/ }).focus();
  await page.keyboard.press('Enter');
  await expect(findings(page)).toHaveCount(25);
  await expect(findings(page).nth(20)).toBeFocused();
});

test('"Copied" does not move the Share button, at any width', async ({ page, problems, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await page.getByRole('button', { name: 'Try an example' }).click();
  await expect(findings(page)).toHaveCount(2);
  const share = page.getByRole('button', { name: 'Share', exact: true });
  const status = page.locator('.paste .actions .copy-status');
  // Where the button is on the page (not in the window, which scrolls to the clicked button).
  const where = () => share.evaluate((b) => {
    const r = b.getBoundingClientRect();
    return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height };
  });
  for (const width of [360, 390, 430, 520, 600, 768, 1024]) {
    await page.setViewportSize({ width, height: 800 });
    await expect(status).toHaveText('');
    const before = await where();
    await page.getByRole('button', { name: 'Copy report' }).click();
    await expect(status).toHaveText('Copied');
    const after = await where();
    expect(after, `at ${width} px`).toEqual(before);
    await expect(status).toHaveText('', { timeout: 5000 });
  }
});

test('"Start over" lines up with the buttons beside it', async ({ page, problems }) => {
  await openApp(page, './#wizard/outbound-slow');
  const start = await page.getByRole('link', { name: 'Start over' }).boundingBox();
  for (const name of ['Print', 'Copy summary as Markdown']) {
    const b = await page.getByRole('button', { name }).boundingBox();
    expect(Math.abs(b.y - start.y), name).toBeLessThan(1);
    expect(Math.abs(b.height - start.height), name).toBeLessThan(1);
  }
  const back = await page.getByRole('link', { name: 'Previous question' }).boundingBox();
  expect(Math.abs(back.y - start.y)).toBeLessThan(1);
});

/** Two known messages with long explanations: the env list (five causes, six fix steps with
 * commands, eleven sources) on a six-field input, and the layer denial (five causes, eight
 * steps, seven sources). */
const LONG_CARDS = `${SIX_FIELDS}\n${mountDenial(1)}`;
/** Heights at 390 px, folds closed (measured on this build: 3,413, 1,279 and 2,107 px; unfolded
 * the same cards are 5,956 and 4,191 px, the env-list explanation alone about 3,800). What stays
 * in view is the header, the message with its values, what it means, the first cause, the first
 * fix step with its command and one line per fold; then the input table, whose six stacked
 * fields take about 1,200 px on their own (bounded at 1,400 above), and the paste's context. The
 * limits leave room for a longer meaning and fail at once if a fold stops folding. */
const FOLDED_MAX = { card: 3500, explanation: 1500, withoutBigInput: 2500 };

const folds = (card) => card.locator('details.fold');
/** Texts of `card` a reader cannot see now (outside the decoded JSON, a closed part of its own). */
const unseen = (card) => card.evaluate((c) => {
  const out = [];
  const walker = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.textContent.trim();
    // The summary of a fold is hidden where nothing is folded (wide screens, print).
    if (!t || n.parentElement.closest('details.raw, details.fold > summary, button, .cross-link, .copy-status')) continue;
    if (!n.parentElement.checkVisibility()) out.push(t);
  }
  return out;
});

test('at 390 px a known message\'s card folds its causes, steps and sources; opening shows it all', async ({ page, problems }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);
  await pasteText(page, LONG_CARDS);
  await expect(findings(page)).toHaveCount(2);
  for (const card of [findings(page).nth(0), findings(page).nth(1)]) {
    const h0 = (await card.boundingBox()).height;
    // Closed from the first frame: nothing opens or moves once the card is there.
    await page.waitForTimeout(300);
    expect((await card.boundingBox()).height).toBe(h0);
    const bigInput = (await card.locator('table.stacks tbody tr').count()) >= 6;
    expect(h0).toBeLessThan(bigInput ? FOLDED_MAX.card : FOLDED_MAX.withoutBigInput);
    for (const m of await card.locator('section.message.known').all()) {
      expect((await m.boundingBox()).height).toBeLessThan(FOLDED_MAX.explanation);
    }
    await expect(folds(card)).toHaveCount(3 * (await card.locator('section.message.known').count()));
    await expect(card.locator('details.fold[open]')).toHaveCount(0);
    // The first cause and the first step are there; the summaries say how many wait.
    await expect(card.locator('ol.causes').first().locator('li').first()).toBeVisible();
    await expect(card.locator('ol.steps').first().locator('li').first()).toBeVisible();
    if (bigInput) await expect(card.locator('ol.steps').first().locator('li pre').first()).toBeVisible();
    const summaries = await folds(card).locator('summary').allTextContents();
    expect(summaries.join(' | ')).toMatch(/^\d+ more causes? \| \d+ more steps? \| \d+ sources$/);
    await expect(card.locator('details.fold ol.causes li').first()).toBeHidden();
    // Numbering goes on behind the fold.
    await expect(card.locator('details.fold > ol.causes')).toHaveAttribute('start', '2');
    const hidden = await unseen(card);
    expect(hidden.length).toBeGreaterThan(5);
    // Opened by keyboard (Enter on one, Space on the others), every text of the card shows.
    const sums = folds(card).locator('summary');
    for (let i = 0; i < await sums.count(); i++) {
      await sums.nth(i).focus();
      await expect(sums.nth(i)).toBeFocused();
      await page.keyboard.press(i === 0 ? 'Enter' : 'Space');
    }
    await expect(card.locator('details.fold:not([open])')).toHaveCount(0);
    expect(await unseen(card)).toEqual([]);
    expect((await card.boundingBox()).height).toBeGreaterThan(h0 + 500);
  }
  // Still nothing wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test('wide screens and print show every cause, step and source in place, with no fold', async ({ page, problems }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await openApp(page);
  await pasteText(page, LONG_CARDS);
  await expect(findings(page)).toHaveCount(2);
  const cards = [findings(page).nth(0), findings(page).nth(1)];
  for (const card of cards) {
    await expect(card.locator('details.fold[open]')).toHaveCount(0);
    await expect(folds(card).locator('summary').first()).toBeHidden();
    expect(await unseen(card)).toEqual([]);
  }
  // The second part of a list continues the first where it ends, as one list.
  const causes = cards[0].locator('ol.causes');
  const [first, rest] = await Promise.all([causes.nth(0).locator('li').last().boundingBox(), causes.nth(1).locator('li').first().boundingBox()]);
  expect(rest.y - (first.y + first.height)).toBeLessThan(20);
  // A phone that prints: everything, with no summary line.
  await page.setViewportSize({ width: 390, height: 844 });
  expect((await unseen(cards[0])).length).toBeGreaterThan(0);
  await page.emulateMedia({ media: 'print' });
  for (const card of cards) {
    expect(await unseen(card)).toEqual([]);
    await expect(folds(card).locator('summary').first()).toBeHidden();
  }
  await page.emulateMedia({ media: 'screen' });
});

test('"Copy report" holds every cause and step whatever is folded', async ({ page, problems, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);
  await pasteText(page, LONG_CARDS);
  await expect(findings(page)).toHaveCount(2);
  await page.getByRole('button', { name: 'Copy report' }).click();
  const md = (await page.evaluate(() => navigator.clipboard.readText())).replaceAll('`', '').replace(/\s+/g, ' ');
  expect(md).not.toContain('more causes');
  const items = await findings(page).locator('details.fold > ol > li > p:first-child').allTextContents();
  expect(items.length).toBeGreaterThan(15);
  for (const t of items) expect(md).toContain(t.replace(/\s+/g, ' ').trim());
  // Numbered on as one list: the first folded cause is the list's second item.
  const second = (await findings(page).first().locator('details.fold > ol.causes > li > p').first().textContent()).replace(/\s+/g, ' ').trim();
  expect(md).toContain(`2. ${second}`);
});
