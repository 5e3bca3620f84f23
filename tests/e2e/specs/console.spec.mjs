// A load of the release build writes nothing to the console: no error and no warning, Chromium's
// own included (such as "The `integrity` attribute is currently ignored for preload destinations
// that do not support subresource integrity", or a preload that went unused). Checked on a first
// visit and on the next load, which the service worker serves.
import { test, expect } from '@playwright/test';

// Chromium reports an unused preload a few seconds after the load event.
const AFTER_LOAD_MS = 3_500;

function record(page, phase, into) {
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') into.push(`${phase()}: console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => into.push(`${phase()}: pageerror: ${e.message}`));
}

async function loadAndWait(page, load) {
  const loaded = page.waitForEvent('load');
  await load();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await loaded;
  await page.waitForTimeout(AFTER_LOAD_MS);
}

test('a first visit and a load through the service worker log no warning or error', async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const messages = [];
  let phase = 'first visit';
  record(page, () => phase, messages);
  try {
    await loadAndWait(page, () => page.goto(baseURL));
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 15_000 }).toBe(true);
    expect(messages).toEqual([]);

    phase = 'through the service worker';
    await loadAndWait(page, () => page.reload());
    // The page really came through the worker (its wasm fetch too, integrity and all).
    expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    expect(messages).toEqual([]);

    phase = 'the wizard view (a new document: index.html, not ./)';
    await loadAndWait(page, () => page.goto(new URL('index.html#wizard', baseURL).href));
    expect(messages).toEqual([]);
  } finally {
    await context.close();
  }
});
