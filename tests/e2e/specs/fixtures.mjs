// Shared helpers: a page fixture that records console errors, page errors and failed requests,
// and fails the test when any occurred.
import { test as base, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const fixtureText = (name) => fs.readFileSync(path.join(here, '..', '..', '..', 'core', 'tests', 'fixtures', name), 'utf8');

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

/** Opens the app and waits until the wasm has mounted. */
export async function openApp(page, url = './') {
  await page.goto(url);
  await expect(page.locator('body.app-ready')).toHaveCount(1);
}

/** Pastes text into the event box the way a user does (clipboard paste fires an input event). */
export async function pasteText(page, text) {
  const box = page.getByRole('textbox', { name: 'Event text' });
  await box.fill(text);
}

export const findings = (page) => page.getByRole('region', { name: 'Findings' }).locator('article');
