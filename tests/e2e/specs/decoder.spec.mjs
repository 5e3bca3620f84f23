import { test, expect, openApp, pasteText, findings, fixtureText } from './fixtures.mjs';

test('the static shell paints before the app and says nothing leaves the browser', async ({ page, problems }) => {
  await openApp(page);
  await expect(page.getByRole('heading', { level: 1, name: 'aci-triage' })).toBeVisible();
  await expect(page.getByText('Nothing you paste leaves your browser.')).toBeVisible();
  await expect(page.getByRole('main')).toBeVisible();
});

test('seed example 1: container creation denied, invalid command', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, 'failed to create containerd task: failed to create shim task: failed to create container 18197025abfacf6365ef65d083687e1d9f03b9792779e15796247a7281043065: guest RPC failure: container creation denied due to policy: policyDecision< eyJkZWNpc2lvbiI6ImRlbnkiLCJyZWFzb24iOnsiZXJyb3JzIjpbImludmFsaWQgY29tbWFuZCJdfSwidHJ1bmNhdGVkIjpbImlucHV0Il19 >policyDecision: unknown');
  const cards = findings(page);
  await expect(cards).toHaveCount(1);
  const card = cards.first();
  await expect(card.getByRole('heading', { level: 2 })).toHaveText('Starting a container — invalid command');
  await expect(card.getByText('create_container', { exact: true })).toBeVisible();
  await expect(card.getByText('invalid command', { exact: true })).toBeVisible();
  await expect(card.getByRole('heading', { name: 'Command not allowed', exact: true })).toBeVisible();
  await expect(card.getByRole('heading', { name: 'What the platform cut' })).toBeVisible();
  await expect(card.getByText('az confcom acipolicygen --virtual-node-yaml pod.yaml', { exact: true }).first()).toBeVisible();
});

test('seed example 2: mount_device, deviceHash not found', async ({ page, problems }) => {
  await openApp(page);
  const json = '{"decision":"deny","input":{"deviceHash":"deab9495e4a3c245e3be675a350d0e7a9fe6dcdc95a73582f8586dd759ca7a0b","rule":"mount_device","target":"/run/mounts/m9"},"reason":{"errors":["deviceHash not found"]}}';
  const b64 = Buffer.from(json).toString('base64');
  await pasteText(page, `Warning  Failed  2m  kubelet  Error: policyDecision< ${b64} >policyDecision: unknown`);
  const cards = findings(page);
  await expect(cards).toHaveCount(1);
  await expect(cards.first().getByRole('heading', { level: 2 })).toHaveText('Mounting a read-only image layer — deviceHash not found');
  await expect(cards.first().getByText('deviceHash not found', { exact: true })).toBeVisible();
  await expect(cards.first().getByRole('rowheader', { name: 'deviceHash' })).toBeVisible();
});

test('a messy kubectl -o json paste decodes every blob', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, fixtureText('events.json'));
  await expect(findings(page)).toHaveCount(2);
  await expect(page.getByRole('status').filter({ hasText: 'found' })).toHaveText('2 distinct findings found.');
});

test('text without policy decisions gets the calm message', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, fixtureText('no-findings.txt'));
  await expect(findings(page)).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Findings' })).toContainText('No policy decisions or known policy errors in this text.');
  await expect(page.getByRole('region', { name: 'Findings' })).toContainText('policyDecision< … >policyDecision');
  // It says what else is read: decoded decisions, prefixed lines, the pod's own policy.
  const empty = page.locator('section.findings .empty');
  await expect(empty).toContainText('decisions pasted already decoded ({"decision":"deny",…})');
  await expect(empty).toContainText('prefixed on every line');
  await expect(empty).toContainText("reads the pod's own CCE policy from a pod or workload manifest, kubectl describe pod or an ARM template.");
});

test('Try an example, copy JSON, then Clear', async ({ page, problems, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await page.getByRole('button', { name: 'Try an example' }).click();
  await expect(findings(page)).toHaveCount(2);
  const second = findings(page).nth(1);
  await expect(second).toContainText('Seen 2 times');
  await second.getByText('Decoded JSON').click();
  await second.getByRole('button', { name: 'Copy JSON' }).click();
  await expect(second.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(copied)).toEqual({ decision: 'deny', reason: { errors: ['invalid command'] }, truncated: ['input'] });
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(findings(page)).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Event text' })).toHaveValue('');
});

test('if the WebAssembly cannot load, the page says so instead of staying blank', async ({ page }) => {
  await page.route(/_bg\.wasm$/, (route) => route.abort());
  await page.goto('./');
  await expect(page.locator('#boot-status')).toContainText('could not start', { timeout: 20_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'aci-triage' })).toBeVisible();
});
