// Issue 13, the pod's manifest beside the wizard and the share link: the wizard pre-answered from
// a pasted pod (marked "from your paste", changeable, the same after a reload), and a share link
// that carries the pod's CCE policy only when its box is ticked. The pod is the real VN2 pod in
// core/tests/fixtures/policy/ (Confidential, no injectdns); the denial is made here for it.
import { test, expect, openApp, pasteText, findings, fixtureText, rendered, settled, WIZARD_PARTS } from './fixtures.mjs';

const b64 = (s) => Buffer.from(s).toString('base64');
const blob = (obj) => `policyDecision< ${b64(JSON.stringify(obj))} >policyDecision`;
const pod = () => fixtureText('policy/01-vn2-nginx-pod.yaml');
const denial = blob({
  decision: 'deny',
  input: { argList: ['nginx', '-g', 'daemon on;'], containerID: '5f1d', envList: [], mounts: [], privileged: false, rule: 'create_container', workingDir: '/' },
  reason: { errors: ['invalid command'] },
});
const withDenial = () => `${pod()}\n---\n# Events:\n#  Warning  Failed  kubelet  Error: failed to create containerd task: ${denial}: unknown\n`;
const policyRegion = (page) => page.getByRole('region', { name: "The pod's policy" });
const trail = (page) => page.getByRole('navigation', { name: 'Your answers' });
const step = (page) => page.locator('#wizard-step');

test('the wizard pre-answered from a pasted pod: marked, taken, one answer changed, the same after a reload', async ({ page, problems, browser }) => {
  await openApp(page);
  await pasteText(page, pod());
  const risk = policyRegion(page).getByRole('heading', { level: 2, name: /^Cluster DNS unreachable from Pod confidential-alpine/ });
  await expect(risk).toBeVisible();
  // The DNS-risk card opens the path for pods without kube-proxy.
  await policyRegion(page).getByRole('link', { name: 'troubleshoot network latency' }).click();
  await expect(page).toHaveURL(/#wizard\/confidential$/);
  await expect(step(page)).toContainText('Kubernetes DNS injection on');
  // The paste answers it: marked, with the annotation and the pod.
  const pre = page.locator('section.wizard p.from-paste');
  await expect(pre).toContainText('From your paste: Yes: no injectdns: "false"');
  await expect(pre).toContainText('Pod confidential-alpine has no microsoft.containerinstance.virtualnode.injectdns: "false" annotation, so the injection is on (the default).');
  const on = page.locator('ul.answers a.answer.from-paste');
  await expect(on).toHaveCount(1);
  await expect(on).toHaveAttribute('href', '#wizard/confidential.on');
  // (The mark is the class's `::after` text, as for the earlier answer.)
  expect(await on.evaluate((a) => getComputedStyle(a, '::after').content)).toContain('from your paste');
  // Taking it: an ordinary answer in the address, marked in the breadcrumb.
  await page.getByRole('link', { name: 'Use the answer from your paste' }).click();
  await expect(page).toHaveURL(/#wizard\/confidential\.on$/);
  await expect(step(page)).toHaveText("Kubernetes DNS is injected into a pod that can't reach it");
  await expect(trail(page).locator('li').nth(1)).toContainText('from your paste');
  // Changeable: back at that question through the breadcrumb, another answer, and the wizard
  // follows it (the breadcrumb says the paste says otherwise).
  await trail(page).getByRole('link').nth(1).click();
  await expect(page).toHaveURL(/#wizard\/confidential$/);
  await expect(pre).toContainText('From your paste');
  await page.locator('ul.answers a.answer[href$=".off"]').click();
  await expect(page).toHaveURL(/#wizard\/confidential\.off$/);
  await expect(step(page)).toContainText('NAT gateway');
  await expect(trail(page).locator('li').nth(1)).toContainText('your paste says otherwise');
  await settled(page);
  const before = await rendered(page, WIZARD_PARTS);
  // A reload restores the paste, reads it again and shows the same step with the same marks.
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await expect(trail(page).locator('li').nth(1)).toContainText('your paste says otherwise');
  await settled(page);
  expect(await rendered(page, WIZARD_PARTS)).toEqual(before);
  // A colleague opening the same address has none of the paste: the same step, no marks.
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await openApp(p2, page.url());
  await expect(step(p2)).toHaveText(await step(page).textContent());
  await expect(p2.locator('.paste-mark, p.from-paste')).toHaveCount(0);
  await other.close();
  // From the first question (the Networking view while the paste is there) the paste's pod is named.
  await page.getByRole('link', { name: 'Start over' }).click();
  await expect(page.locator('section.wizard p.from-paste')).toContainText('Your paste describes Pod confidential-alpine');
  // Two answers the paste gives at once: Confidential, then DNS injection on.
  await page.locator('ul.answers a.answer[href$="/lookups-slow"]').click();
  await expect(page.getByRole('link', { name: 'Use the 2 answers from your paste' })).toHaveAttribute('href', '#wizard/lookups-slow.confidential.on');
});

/** Opens the Share panel's link with `full` and `policy` ticked as asked; returns the link. */
async function shareLink(page, { full = false, policy = false } = {}) {
  const panel = page.locator('.share-panel');
  if (!(await panel.isVisible())) await page.getByRole('button', { name: 'Share', exact: true }).click();
  const fullBox = page.getByRole('checkbox', { name: 'Include the full pasted text' });
  const policyBox = page.getByRole('checkbox', { name: "Include the pod's CCE policy (it names images and registries)" });
  await fullBox.setChecked(full);
  await policyBox.setChecked(policy);
  const box = page.getByRole('textbox', { name: 'Share link' });
  await expect(box).toHaveValue(/#v2\./);
  // The link of these boxes, not of the ones before (it is built a moment after a change).
  await settled(page);
  await expect(box).toHaveValue(/#v2\./);
  return box.inputValue();
}

async function openFresh(browser, link) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await expect(findings(page)).toHaveCount(1);
  return { context, page };
}

const LEFT_OUT = "The sender left the pod's CCE policy out of this link";

test('a share link carries the pod\'s policy only when ticked, and says when it was left out', async ({ page, problems, browser }) => {
  test.setTimeout(60_000);
  await openApp(page);
  await pasteText(page, withDenial());
  await expect(findings(page).first().getByRole('heading', { name: "Against the pod's policy" })).toBeVisible();
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const policyBox = page.getByRole('checkbox', { name: "Include the pod's CCE policy (it names images and registries)" });
  await expect(policyBox).not.toBeChecked();
  await expect(page.locator('.share-panel p.note')).toContainText("The pod's CCE policy is left out, because it names images and registries");

  // Unticked (the default): the denial without the comparison, and a line that says why.
  const plain = await shareLink(page);
  let { context, page: p2 } = await openFresh(browser, plain);
  await expect(p2.getByText(LEFT_OUT)).toBeVisible();
  await expect(findings(p2).first()).toContainText('invalid command');
  await expect(findings(p2).first().getByRole('heading', { name: "Against the pod's policy" })).toHaveCount(0);
  await expect(policyRegion(p2).getByRole('heading', { name: /CCE policy of/ })).toHaveCount(0);
  await context.close();

  // Ticked: the comparison and the policy as the sender saw them, no such line.
  const ticked = await shareLink(page, { policy: true });
  expect(ticked).not.toEqual(plain);
  await expect(page.locator('.share-panel p.note')).toContainText("It also carries the pod's CCE policy and manifest");
  ({ context, page: p2 } = await openFresh(browser, ticked));
  const card = findings(p2).first();
  await expect(card.getByRole('heading', { name: "Against the pod's policy" })).toBeVisible();
  await expect(card).toContainText('differs at element 3: the policy has daemon off;, the denial ran daemon on;');
  await expect(policyRegion(p2).getByRole('heading', { level: 2, name: 'CCE policy of Pod confidential-alpine' })).toBeVisible();
  await expect(p2.getByText(LEFT_OUT)).toHaveCount(0);
  await context.close();

  // The full text without the policy: the manifest is there, its policy is not.
  const full = await shareLink(page, { full: true });
  ({ context, page: p2 } = await openFresh(browser, full));
  await expect(p2.getByText(LEFT_OUT)).toBeVisible();
  const text = await p2.getByRole('textbox', { name: 'Event text' }).inputValue();
  expect(text).toContain('name: confidential-alpine');
  expect(text).not.toContain('cGFja2FnZS');
  await expect(findings(p2).first().getByRole('heading', { name: "Against the pod's policy" })).toHaveCount(0);
  await context.close();

  // The full text with the policy: all of it.
  const all = await shareLink(page, { full: true, policy: true });
  ({ context, page: p2 } = await openFresh(browser, all));
  // (A text box keeps line breaks as \n.)
  await expect(p2.getByRole('textbox', { name: 'Event text' })).toHaveValue(withDenial().replace(/\r\n/g, '\n'));
  await expect(findings(p2).first().getByRole('heading', { name: "Against the pod's policy" })).toBeVisible();
  await context.close();
});

test('the link copied on opening waits for the policy reader: the clipboard holds the link shown, which says the policy was left out', async ({ page, problems, context, browser }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  // The reader answers late, as on a slow machine or a big paste: each answer of a worker
  // reaches the page 2 s after it was sent.
  await page.addInitScript(() => {
    const add = Worker.prototype.addEventListener;
    Worker.prototype.addEventListener = function (type, fn, opts) {
      if (type !== 'message') return add.call(this, type, fn, opts);
      return add.call(this, type, (e) => setTimeout(() => fn(e), 2000), opts);
    };
  });
  await openApp(page);
  // This describe's policy (a short Rego text in base64, in the `ccepolicy` annotation) is found
  // by the reader only: a link made before its answer would carry it and not say so.
  const text = fixtureText('describe-pod.txt');
  await pasteText(page, text);
  await expect(findings(page)).toHaveCount(2);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const field = page.getByRole('textbox', { name: 'Share link' });
  await expect(page.locator('.share-panel').getByRole('status')).toHaveText('Building the link\u2026');
  await expect(field).toHaveValue(/#v2\./, { timeout: 10_000 });
  await expect(page.locator('.share-panel').getByRole('status')).toHaveText('Copied');
  const link = await field.inputValue();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await p2.goto(link);
  await expect(findings(p2)).toHaveCount(2);
  await expect(p2.getByText(LEFT_OUT)).toBeVisible();
  await other.close();
  // An edit makes another link: "Copied" was said of the one before, and goes.
  const lines = text.split('\n');
  await page.getByRole('textbox', { name: 'Event text' }).fill(lines.filter((l) => !l.includes('mounting scsi device')).join('\n'));
  await expect(findings(page)).toHaveCount(1);
  await expect(field).not.toHaveValue(link, { timeout: 10_000 });
  await expect(field).toHaveValue(/#v2\./);
  await expect(page.locator('.share-panel').getByRole('status')).toHaveText('');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
});
