// Shared helpers: a page fixture that records console errors, page errors and failed requests,
// and fails the test when any occurred.
import { test as base, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', '..', '..', 'core', 'tests', 'fixtures');
export const fixtureText = (name) => fs.readFileSync(path.join(fixtures, name), 'utf8');
/** The names of the fixture files in the folder `dir` (below core/tests/fixtures), sorted. */
export const fixtureNames = (dir) => fs.readdirSync(path.join(fixtures, dir)).sort();

export const test = base.extend({
  problems: async ({ page }, use) => {
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    // A load cancelled by a navigation (ERR_ABORTED) is not a failure.
    page.on('requestfailed', (r) => {
      if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`);
    });
    await use(problems);
    expect(problems, 'no console errors, page errors or failed requests').toEqual([]);
  },
});
export { expect };

/** Opens the app and waits until the wasm has mounted (and a wizard step until the wizard's
 * graph has arrived: "Loading the wizard…" is `aria-busy`). */
export async function openApp(page, url = './') {
  await page.goto(url);
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
}

/** Pastes text into the event box the way a user does (clipboard paste fires an input event). */
export async function pasteText(page, text) {
  const box = page.getByRole('textbox', { name: 'Event text' });
  await box.fill(text);
}

/**
 * Drops a file holding `text` on the element `on` (a CSS selector), after a `dragover` as a
 * browser sends one unless `dragover` is false. Returns whether the drop was not cancelled.
 */
export function dropFile(page, text, { name = 'events.log', type = 'text/plain', on = 'section.paste', dragover = true } = {}) {
  return page.evaluate(([t, n, ty, sel, over]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], n, { type: ty }));
    const target = document.querySelector(sel);
    if (over) target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    return target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [text, name, type, on, dragover]);
}

/** The release build's directory. */
export const dist = path.join(here, '..', '..', '..', 'dist');

/**
 * Opens the single offline file from disk (file://) in a context of its own, as a user who
 * downloaded it does, with the page's errors and console errors collected.
 */
export async function openSingleFile(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(pathToFileURL(path.join(dist, 'aci-triage.html')).href);
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  return { context, page, errors };
}

export const findings = (page) => page.getByRole('region', { name: 'Findings' }).locator('article');

/**
 * What a reader of the page finds in the parts named by `selectors`: one line per element (its tag
 * and the attributes that carry meaning: ids, classes, roles, ARIA, link targets, open/hidden …)
 * and one per run of text, in document order. It walks the DOM and reads text nodes, not
 * `innerText`: cards below the fold are `content-visibility: auto`, so the browser has not laid
 * them out and their `innerText` would be empty, while their nodes and text are all there.
 * Leptos's placeholder comments and empty text nodes are skipped; adjacent text nodes are joined.
 */
export function rendered(page, selectors) {
  return page.evaluate((sels) => {
    const ATTRS = ['id', 'class', 'href', 'target', 'role', 'title', 'aria-label', 'aria-labelledby',
      'aria-describedby', 'aria-current', 'aria-expanded', 'open', 'hidden', 'scope', 'type', 'tabindex',
      'disabled', 'data-copy', 'data-kind', 'for', 'readonly'];
    const out = [];
    let text = '';
    let textDepth = 0;
    const flush = () => {
      const t = text.replace(/\s+/g, ' ').trim();
      if (t) out.push(`${'  '.repeat(textDepth)}${JSON.stringify(t)}`);
      text = '';
    };
    const walk = (node, depth) => {
      if (node.nodeType === Node.TEXT_NODE) {
        if (!text) textDepth = depth;
        text += node.textContent;
        return;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) return;
      flush();
      const attrs = ATTRS.filter((a) => node.hasAttribute(a)).map((a) => ` ${a}=${JSON.stringify(node.getAttribute(a))}`);
      out.push(`${'  '.repeat(depth)}<${node.tagName.toLowerCase()}${attrs.join('')}>`);
      for (const child of node.childNodes) walk(child, depth + 1);
      flush();
    };
    for (const sel of sels) {
      const found = document.querySelectorAll(sel);
      out.push(`== ${sel} (${found.length})`);
      for (const el of found) walk(el, 1);
    }
    return out;
  }, selectors);
}

/** The parts of a view that must equal a fresh load of the same state. */
export const DECODER_PARTS = ['nav.views a[aria-current]', 'p.summary', 'section.findings'];
export const WIZARD_PARTS = ['nav.views a[aria-current]', 'section.wizard'];

/** Resolves after the app has handled what was already queued and the browser painted twice. */
export const settled = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));

/** Clicks the wizard answer whose id is `id` (answer ids are stable; labels may be reworded). */
export async function answer(page, id) {
  const link = page.locator(`ul.answers a.answer[href$="/${id}"], ul.answers a.answer[href$=".${id}"]`);
  await expect(link).toHaveCount(1);
  const clicked = await link.elementHandle();
  await link.click();
  // The next step is a new component: wait until the clicked answer's step has gone, or a test
  // reading the step right after would read the old one.
  await page.waitForFunction((a) => !a.isConnected, clicked);
  await clicked.dispose();
}
