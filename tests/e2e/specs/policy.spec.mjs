// The pod's own CCE policy (issue 13): read by the policy reader, a second wasm module that a
// worker loads only for pastes with a policy or manifest. The policies and manifests are the real
// ones in core/tests/fixtures/policy/ (provenance in its SOURCES.md); the denials are made here
// for them.
import { test, expect, openApp, pasteText, findings, fixtureText, openSingleFile } from './fixtures.mjs';

const b64 = (s) => Buffer.from(s).toString('base64');
const blob = (obj) => `policyDecision< ${b64(JSON.stringify(obj))} >policyDecision`;
const pod = () => fixtureText('policy/01-vn2-nginx-pod.yaml');
const policyRegion = (page) => page.getByRole('region', { name: "The pod's policy" });

// create_container for the nginx pod with the last element of the command changed.
const denial = blob({
  decision: 'deny',
  input: { argList: ['nginx', '-g', 'daemon on;'], containerID: '5f1d', envList: [], mounts: [], privileged: false, rule: 'create_container', workingDir: '/' },
  reason: { errors: ['invalid command'] },
});

test('the reader is not part of a first visit; a pod YAML with a denial shows the differing command', async ({ page, problems, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await openApp(page);
  expect(requested.filter((u) => /policy/.test(u)), 'no policy reader on load').toEqual([]);
  // Nor for a paste without a policy or a manifest (the reader is started at the app's root, for
  // the wizard too, but loads only for a paste worth reading).
  await pasteText(page, fixtureText('events.json'));
  await expect(findings(page)).toHaveCount(2);
  await page.waitForTimeout(600);
  expect(requested.filter((u) => /policy/.test(u)), 'no policy reader for events without a policy').toEqual([]);
  await pasteText(page, `${pod()}\n---\n# Events:\n#  Warning  Failed  kubelet  Error: failed to create containerd task: ${denial}: unknown\n`);
  const card = findings(page).first();
  await expect(findings(page)).toHaveCount(1);
  await expect(card.getByRole('heading', { name: "Against the pod's policy" })).toBeVisible();
  await expect(card).toContainText('mypod (containers[0]): ["nginx","-g","daemon off;"] — differs at element 3: the policy has daemon off;, the denial ran daemon on;');
  await expect(card).toContainText('chosen by the manifest\'s container name');
  expect(requested.some((u) => /policy-[0-9a-f]{16}_bg\.wasm$/.test(u)), 'the reader was loaded for this paste').toBe(true);
  // The policy as its own finding.
  const region = policyRegion(page);
  await expect(region.getByRole('heading', { level: 2, name: 'CCE policy of Pod confidential-alpine' })).toBeVisible();
  await expect(region).toContainText('Container 1: mypod');
  await expect(region).toContainText('mcr.microsoft.com/oss/nginx/nginx:1.17.3-alpine');
  // Layer hashes on demand.
  const layers = region.locator('details').filter({ hasText: 'Layer hashes' }).first();
  await expect(layers.locator('pre')).toBeHidden();
  await layers.locator('summary').click();
  await expect(layers.locator('pre')).toContainText('7f062c5ebb3dc6d3df7f25fa687bbec0f61530536267ad6d6afa32501f5340a6');
  // Copy report carries the comparison.
  await page.getByRole('button', { name: 'Copy report' }).click();
  const report = await page.evaluate(() => navigator.clipboard.readText());
  expect(report).toContain('differs at element 3: the policy has `daemon off;`, the denial ran `daemon on;`');
  expect(report).toContain('## CCE policy of Pod confidential-alpine');
  // Editing the denial away drops the comparison; the policy stays.
  await pasteText(page, pod());
  await expect(findings(page)).toHaveCount(0);
  await expect(region.getByRole('heading', { level: 2, name: 'CCE policy of Pod confidential-alpine' })).toBeVisible();
});

test('a describe with the annotation cut by kubectl says so', async ({ page, problems }) => {
  await openApp(page);
  const ann = pod().split(/\r?\n/).find((l) => l.includes('virtualnode.ccepolicy:')).split('ccepolicy: ')[1].trim();
  await pasteText(page, `Name:             confidential-alpine\nNamespace:        default\nAnnotations:      microsoft.containerinstance.virtualnode.ccepolicy:\n                    ${ann.slice(0, 138)}...\nStatus:           Pending\n`);
  const region = policyRegion(page);
  await expect(region.getByRole('heading', { level: 2, name: 'CCE policy of pod confidential-alpine' })).toBeVisible();
  await expect(region).toContainText('kubectl describe cut the annotation');
  await expect(region).toContainText('only the first 138 base64 characters are in the paste');
  await expect(region).toContainText('incomplete');
});

test('an ARM template with its ccePolicy', async ({ page, problems }) => {
  await openApp(page);
  const arm = JSON.parse(fixtureText('policy/03-confcom-aci-command-arm_template.json'));
  arm.resources[0].properties.confidentialComputeProperties.ccePolicy = b64(fixtureText('policy/03-confcom-aci-command-policy.rego'));
  await pasteText(page, JSON.stringify(arm, null, 2));
  const region = policyRegion(page);
  await expect(region.getByRole('heading', { level: 2, name: 'CCE policy of containerGroups group1' })).toBeVisible();
  await expect(region).toContainText('properties.confidentialComputeProperties.ccePolicy');
  await expect(region).toContainText('["/bin/sh","-c","while true; do echo hello; sleep 10; done"]');
  await expect(region.getByRole('heading', { name: 'Policy-wide flags' })).toBeVisible();
});

test('a Confidential pod without injectdns gets the DNS-risk finding', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, pod());
  const region = policyRegion(page);
  await expect(region.getByRole('heading', { level: 2, name: /^Cluster DNS unreachable from Pod confidential-alpine/ })).toBeVisible();
  await expect(region).toContainText('microsoft.containerinstance.virtualnode.injectdns: "false"');
  // Fixed: the finding goes.
  await pasteText(page, pod().replace(/\r\n/g, '\n').replace('  annotations:\n', '  annotations:\n    microsoft.containerinstance.virtualnode.injectdns: "false"\n'));
  await expect(region.getByRole('heading', { level: 2, name: 'CCE policy of Pod confidential-alpine' })).toBeVisible();
  await expect(region.getByRole('heading', { name: /Cluster DNS unreachable/ })).toHaveCount(0);
});

test('the single offline file says that reading the policy needs the hosted app', async ({ browser }) => {
  const { context, page, errors } = await openSingleFile(browser);
  await pasteText(page, `${pod()}\n${denial}\n`);
  // The denial is still explained; the policy region says why there is no comparison.
  await expect(findings(page)).toHaveCount(1);
  await expect(policyRegion(page)).toContainText('Reading the pod\'s policy (and comparing the denials with it) needs the hosted app');
  await expect(findings(page).first().getByRole('heading', { name: "Against the pod's policy" })).toHaveCount(0);
  expect(errors).toEqual([]);
  await context.close();
});
