// Other formats and templated messages are explained (issue 3), on the release build.
import { test, expect, openApp, pasteText, findings } from './fixtures.mjs';

const b64 = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64');

test('a pasted Kata error is explained as AKS Confidential Containers, not decoded', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, 'Warning  Failed  12s  kubelet  Error: failed to create containerd task: failed to create shim task: "CreateContainerRequest is blocked by policy: agent_policy:114: allow_create_container_input: input = {}": unknown');
  await expect(findings(page)).toHaveCount(1);
  const card = findings(page).first();
  await expect(card.getByRole('heading', { level: 2 })).toContainText('Kata');
  await expect(card).toContainText('CreateContainerRequest');
  await expect(card).toContainText('agent_policy:114');
  await expect(card.locator('pre code').filter({ hasText: 'az confcom katapolicygen' }).first()).toBeVisible();
  await expect(card).toContainText('io.katacontainers.config.agent.policy');
  await expect(card.getByText('Decoded JSON')).toHaveCount(0);
});

test('a legacy plain-text denial is explained like a decoded one', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, 'Error: failed to create containerd task: failed to create shim task: mount_device not allowed by policy. Errors: [deviceHash not found]. Input: {"deviceHash":"abc","target":"/run/mounts/m3"}: unknown');
  await expect(findings(page)).toHaveCount(1);
  const card = findings(page).first();
  await expect(card.getByRole('heading', { level: 2 })).toHaveText('Mounting a read-only image layer (older plain-text format) — deviceHash not found');
  await expect(card.getByText('deviceHash not found', { exact: true })).toBeVisible();
  await expect(card.locator('pre code').filter({ hasText: '--virtual-node-yaml' }).first()).toBeVisible();
});

test('a templated env-list error shows the variable names and the fix', async ({ page, problems }) => {
  await openApp(page);
  const decision = {
    decision: 'deny',
    input: { argList: ['/app'], envList: ['APP_IDENTITY_ENDPOINT=<<redacted>>', 'IDENTITY_ENDPOINT=<<redacted>>'], rule: 'create_container' },
    reason: { errors: ['invalid env list: APP_IDENTITY_ENDPOINT,IDENTITY_ENDPOINT'] },
  };
  await pasteText(page, `container creation denied due to policy: policyDecision< ${b64(decision)} >policyDecision`);
  const card = findings(page).first();
  await expect(card.getByText('invalid env list: APP_IDENTITY_ENDPOINT,IDENTITY_ENDPOINT', { exact: true })).toBeVisible();
  const params = card.locator('dl.params');
  await expect(params.locator('code')).toHaveText(['APP_IDENTITY_ENDPOINT', 'IDENTITY_ENDPOINT']);
  await expect(card).toContainText('allow_environment_variable_dropping');
  await expect(card).toContainText('values are never included');
});

test('an ARM rejection of the policy is recognised', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, '{"error": {"code": "InvalidCcePolicy", "message": "The CCE Policy is not valid Base64."}}');
  // The code and its message are one error: one finding, explained by the message.
  await expect(findings(page)).toHaveCount(1);
  await expect(findings(page).first()).toContainText('The CCE Policy is not valid Base64.');
  await expect(findings(page).first().locator('h2')).toContainText('not base64');
});
