// The triage summary above the cards (issue 12) and the paste's own context on each card (issue
// 15): kubectl's counts, the pod, namespace, container and time an event names.
import { test, expect, openApp, pasteText, findings, fixtureText } from './fixtures.mjs';

const blob = (json) => `policyDecision< ${Buffer.from(json).toString('base64')} >policyDecision`;

// A `kubectl describe pod` whose events hold, in this order: an unmount after the failure, a
// create denial (x3), a mount denial, a stop of the container that never started, and a policy
// whose framework_version is ahead (with the overlay error it causes).
const noisy = () => {
  const unmount = blob('{"decision":"deny","input":{"rule":"unmount_device","unmountTarget":"/run/mounts/m9"},"reason":{"errors":["no device at path to unmount"]}}');
  const create = blob('{"decision":"deny","input":{"rule":"create_container","argList":["/bin/sh","-c","start.sh"]},"reason":{"errors":["invalid command"]}}');
  const mount = blob('{"decision":"deny","input":{"deviceHash":"deab9495e4a3c245e3be675a350d0e7a9fe6dcdc95a73582f8586dd759ca7a0b","rule":"mount_device","target":"/run/mounts/m9"},"reason":{"errors":["deviceHash not found"]}}');
  const stop = blob('{"decision":"deny","input":{"rule":"shutdown_container","containerID":"abc"},"reason":{"errors":["container not started"]}}');
  const version = blob('{"decision":"deny","input":{"rule":"mount_overlay","containerID":"abc"},"reason":{"errors":["no matching containers for overlay","framework_version is ahead of the current version: 0.9.0 is greater than 0.5.0"]}}');
  return [
    'Name:             web-7d4b9c6f5-x2xkq',
    'Namespace:        shop',
    'Events:',
    '  Type     Reason  Age               From     Message',
    '  ----     ------  ----              ----     -------',
    `  Warning  Failed  5m                kubelet  Error: ${unmount}`,
    `  Warning  Failed  90s (x3 over 4m)  kubelet  Error: ${create}`,
    `  Warning  Failed  4m                kubelet  Error: ${mount}`,
    `  Warning  Failed  3m                kubelet  Error: ${stop}`,
    `  Warning  Failed  2m                kubelet  Error: ${version}`,
    '',
  ].join('\n');
};

const summary = (page) => page.getByRole('region', { name: 'Triage summary' });

test('the summary puts the policy first, the pipeline next and marks follow-on noise', async ({ page, context, problems }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await pasteText(page, noisy());
  await expect(findings(page)).toHaveCount(5);
  const lines = summary(page).locator('ol > li');
  await expect(lines).toHaveCount(5);
  await expect(lines.nth(0)).toContainText('The policy itself failed.');
  await expect(lines.nth(0)).toContainText('framework_version is ahead');
  await expect(lines.nth(1)).toContainText('Mounting a read-only image layer — deviceHash not found');
  await expect(lines.nth(2)).toContainText('Starting a container — invalid command');
  await expect(lines.nth(2)).toContainText("seen 3 times by kubectl's count");
  await expect(lines.nth(2)).toContainText('shop/web-7d4b9c6f5-x2xkq');
  for (const i of [0, 1, 2]) await expect(lines.nth(i)).not.toContainText('Likely a consequence');
  for (const i of [3, 4]) {
    await expect(lines.nth(i).locator('p.follow-on')).toContainText('Likely a consequence of the first failure.');
  }
  // The network pointer once per paste: in the summary, on no card.
  await expect(page.getByRole('link', { name: "Troubleshoot a Confidential pod's network" })).toHaveCount(1);
  await expect(summary(page).getByRole('link', { name: "Troubleshoot a Confidential pod's network" })).toHaveCount(1);

  // A line leads to its card, which takes the keyboard; the address (the app's state) stays.
  const before = page.url();
  await lines.nth(0).getByRole('link').first().click();
  await expect(page.locator('article:focus')).toHaveAttribute('aria-labelledby', 'finding-4');
  expect(page.url()).toBe(before);

  // The report starts with the summary.
  await page.getByRole('button', { name: 'Copy report' }).click();
  const md = await page.evaluate(() => navigator.clipboard.readText());
  const at = md.indexOf('## Triage summary');
  expect(at).toBeGreaterThan(0);
  expect(at).toBeLessThan(md.indexOf('## Assembling'));
  expect(md).toContain('Likely a consequence of the first failure.');
});

test('the summary follows the paste: gone with one finding, back and new with more', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, noisy());
  await expect(summary(page).locator('ol > li')).toHaveCount(5);
  const one = noisy().split('\n').filter((l) => !l.includes('Error: policyDecision') || l.includes('(x3')).join('\n');
  await pasteText(page, one);
  await expect(findings(page)).toHaveCount(1);
  await expect(summary(page)).toHaveCount(0);
  // Alone, the card has the network pointer.
  await expect(findings(page).first().getByRole('link', { name: "Troubleshoot a Confidential pod's network" })).toHaveCount(1);
  const two = one.replace('(x3 over 4m)', '(x9 over 4m)') + `\n  Warning  Failed  1m  kubelet  Error: ${blob('{"decision":"deny","input":{"rule":"exec_in_container","argList":["sh"]},"reason":{"errors":["invalid command"]}}')}\n`;
  await pasteText(page, two);
  const lines = summary(page).locator('ol > li');
  await expect(lines).toHaveCount(2);
  await expect(lines.nth(0)).toContainText("seen 9 times by kubectl's count");
  await expect(lines.nth(1)).toContainText('Running a command in a container');
});

test('kubectl counts from get events -o json and its COUNT column, with pod, container and time', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, fixtureText('real/variant-events-json-count.json'));
  await expect(findings(page)).toHaveCount(1);
  let card = findings(page).first();
  await expect(card).toContainText('kubectl counted it 7 times');
  await expect(card.locator('p.place')).toHaveText('Pod vn2-nginx in namespace default, container nginx, first seen 2026-05-04T10:14:02Z, last seen 2026-05-04T10:22:31Z.');

  await pasteText(page, fixtureText('real/variant-events-table-count.txt'));
  card = findings(page).first();
  await expect(card).toContainText('kubectl counted it 7 times');
  await expect(card.locator('p.place')).toContainText('Pod vn2-nginx, container nginx, first seen 17m ago, last seen 8m ago');

  // The built-in example counts what kubectl says: (x3 over 2m) and once more.
  await page.getByRole('button', { name: 'Try an example' }).click();
  await expect(findings(page)).toHaveCount(2);
  await expect(findings(page).nth(1)).toContainText('kubectl counted it 4 times');
  await expect(findings(page).nth(1).locator('p.place')).toContainText('web-7d4b9c6f5-x2xkq in namespace shop');
});
