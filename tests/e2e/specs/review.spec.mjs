// The hands-on review of issue 15, on the release build: the behaviours its other specs did not
// yet check in a browser (the host tests in core/tests/paste_context.rs check the same documents;
// these check what a user sees). The rest of the bullets are in layout, wizard, summary,
// share-offline, storage and console specs.
import { test, expect, openApp, pasteText, findings, answer } from './fixtures.mjs';

const b64 = (s) => Buffer.from(s).toString('base64');
const blob = (obj) => `policyDecision< ${b64(JSON.stringify(obj))} >policyDecision`;
const ID = '18197025abfacf6365ef65d083687e1d9f03b9792779e15796247a7281043065';
const ENV_DENIAL = `Warning  Failed  12s (x5 over 2m)  kubelet  Error: failed to create containerd task: failed to create shim task: failed to create container ${ID}: guest RPC failure: container creation denied due to policy: ${blob({
  decision: 'deny',
  input: { rule: 'create_container', containerID: ID, argList: ['nginx', '-g', 'daemon off;'], envList: ['APP_IDENTITY_ENDPOINT=http://169.254.169.254/metadata/identity/oauth2/token'] },
  reason: { errors: ['invalid env list: APP_IDENTITY_ENDPOINT'] },
})}: unknown`;


test('each headline carries its key error, and the platform\'s identity variables are named', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, ENV_DENIAL);
  const card = findings(page).first();
  await expect(card.getByRole('heading', { level: 2 })).toHaveText('Starting a container — invalid env list: APP_IDENTITY_ENDPOINT');
  await expect(card.locator('p.note').filter({ hasText: "the platform's own managed-identity variable" })).toContainText('APP_IDENTITY_ENDPOINT is the platform');
});

test('the Confidential-pod network link is given once per paste', async ({ page, problems }) => {
  await openApp(page);
  const links = () => page.locator('main a[href^="#wizard"]');
  // One finding: the link is in its card.
  await pasteText(page, ENV_DENIAL);
  await expect(findings(page)).toHaveCount(1);
  await expect(links()).toHaveCount(1);
  await expect(findings(page).first().locator('a[href^="#wizard"]')).toHaveCount(1);
  // Two findings: once, in the triage summary, and in no card.
  await page.getByRole('button', { name: 'Try an example' }).click();
  await expect(findings(page)).toHaveCount(2);
  await expect(links()).toHaveCount(1);
  await expect(page.locator('.triage-summary a[href^="#wizard"]')).toHaveCount(1);
  await expect(findings(page).locator('a[href^="#wizard"]')).toHaveCount(0);
});

test('an image on :latest in the paste makes the mutable tag the first cause', async ({ page, problems }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Try an example' }).click();
  await expect(findings(page)).toHaveCount(2);
  const first = findings(page).first().locator('ol.causes > li').first();
  await expect(first).toContainText('A mutable tag');
  await expect(first.locator('p.from-paste')).toContainText('This paste shows myregistry.azurecr.io/web:latest');
  // Pinned, the catalog's own order comes back and nothing is named.
  const box = page.getByRole('textbox', { name: 'Event text' });
  await pasteText(page, (await box.inputValue()).replace('web:latest', 'web:1.4.2'));
  await expect(findings(page).locator('p.from-paste')).toHaveCount(0);
});

test('an allow decision says what it is, never "Why it was denied"', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, blob({ decision: 'allow', input: { rule: 'create_container', argList: ['/pause'] }, reason: { errors: [] } }));
  const card = findings(page).first();
  await expect(card.getByRole('heading', { level: 2 })).toHaveText('Starting a container — allowed, not a denial');
  await expect(card).toContainText('This decision allowed the request: it is not a denial.');
  await expect(card.getByRole('heading', { name: /Why it was denied/ })).toHaveCount(0);
});

test('decoding notes give line and column, not byte offsets', async ({ page, problems }) => {
  await openApp(page);
  const enc = b64('{"decision":"deny"}');
  await pasteText(page, `first line\n  policyDecision< ${enc.slice(0, 8)}#${enc.slice(8)} >policyDecision`);
  await expect(findings(page).first()).toContainText('\u201c#\u201d at line 2, column 27 of the paste');
});

test('the Confidential path asks DNS injection first, then NAT, routes, NSG and the failure pattern, never v1 or v2', async ({ page, problems }) => {
  await openApp(page, './#wizard');
  const headings = [];
  for (const id of ['confidential', 'off', 'yes', 'no', 'allow', 'under-load']) {
    await answer(page, id);
    headings.push(await page.locator('#wizard-step').textContent());
  }
  expect(headings).toEqual([
    'Do these pods still have Kubernetes DNS injection on (no injectdns: "false")?',
    'Does the ACI subnet (default name cg) have a NAT gateway?',
    'Does a route send the subnet\'s internet traffic to a firewall or gateway?',
    'Does a network security group block the outbound traffic?',
    'When do the failures happen?',
    'The NAT gateway runs out of SNAT ports or connections',
  ]);
});
