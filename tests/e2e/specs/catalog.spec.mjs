// The knowledge catalog is a data file (catalog-<hash>.txt) that the app requests first thing
// after it starts, not part of the wasm. Until it is there the findings are counted but no card
// is made ("Loading the explanations…"); a failed download says so with a retry; once it is there
// the page is exactly what a fresh load with the catalog shows. The single offline file carries it
// inline.
import { test, expect, openApp, pasteText, findings, rendered, DECODER_PARTS, openSingleFile, settled } from './fixtures.mjs';

const CATALOG_FILE = /\/catalog-[0-9a-f]{16}\.txt$/;
const b64 = (s) => Buffer.from(s).toString('base64');
const DENIAL = `Warning  Failed  12s (x5 over 2m)  kubelet  Error: failed to create containerd task: container creation denied due to policy: policyDecision< ${b64(JSON.stringify({
  decision: 'deny',
  input: { rule: 'create_container', argList: ['nginx', '-g', 'daemon off;'], envList: ['APP_IDENTITY_ENDPOINT=http://169.254.169.254'] },
  reason: { errors: ['invalid env list: APP_IDENTITY_ENDPOINT'] },
}))} >policyDecision: unknown`;

test('findings wait for the catalog, then show exactly what a fresh load shows', async ({ browser }) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let release;
  const held = new Promise((r) => { release = r; });
  let requests = 0;
  await page.route(CATALOG_FILE, async (route) => { requests += 1; await held; await route.continue(); });
  await page.goto('./');
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  // Asked for at start, before anything was pasted.
  await expect.poll(() => requests).toBe(1);
  await pasteText(page, DENIAL);
  const loading = page.locator('section.findings .catalog-loading');
  await expect(loading).toHaveText('Loading the explanations…');
  await expect(loading).toHaveAttribute('aria-busy', 'true');
  await expect(findings(page)).toHaveCount(0);
  await expect(page.locator('p.summary')).toContainText('1 finding');
  await expect(page.getByRole('button', { name: 'Copy report' })).toHaveCount(0);
  release();
  await expect(findings(page)).toHaveCount(1);
  await expect(loading).toHaveCount(0);
  await expect(findings(page).first().locator('section.message.known')).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Copy report' })).toHaveCount(1);
  await settled(page);
  const after = await rendered(page, DECODER_PARTS);

  const fresh = await context.newPage();
  await openApp(fresh);
  await pasteText(fresh, DENIAL);
  await expect(findings(fresh)).toHaveCount(1);
  await settled(fresh);
  expect(after).toEqual(await rendered(fresh, DECODER_PARTS));
  expect(requests).toBe(1);
  expect(errors).toEqual([]);
  await context.close();
});

test('a failed download of the catalog says so with a retry; the findings are counted meanwhile', async ({ browser }) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let mode = 'abort';
  await page.route(CATALOG_FILE, (route) => {
    if (mode === 'abort') return route.abort('internetdisconnected');
    if (mode === 'html') return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><p>Sign in to the proxy' });
    return route.continue();
  });
  await page.goto('./');
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await pasteText(page, DENIAL);
  const alert = page.locator('section.findings .catalog-unavailable[role=alert]');
  await expect(alert).toContainText('could not be downloaded');
  await expect(findings(page)).toHaveCount(0);
  await expect(page.locator('p.summary')).toContainText('1 finding');
  mode = 'html';
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(alert).toContainText("not the app's catalog");
  mode = 'ok';
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(findings(page)).toHaveCount(1);
  await expect(alert).toHaveCount(0);
  await expect(findings(page).first().locator('section.message.known')).toHaveCount(1);
  expect(errors).toEqual([]);
  await context.close();
});

test('the single offline file carries the catalog inline and explains without fetching it', async ({ browser }) => {
  const { context, page, errors } = await openSingleFile(browser);
  const fetched = [];
  page.on('request', (r) => { if (CATALOG_FILE.test(r.url())) fetched.push(r.url()); });
  await pasteText(page, DENIAL);
  await expect(findings(page)).toHaveCount(1);
  await expect(findings(page).first().locator('section.message.known')).toContainText('APP_IDENTITY_ENDPOINT');
  expect(fetched).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});
