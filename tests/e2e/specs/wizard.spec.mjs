// The network troubleshooting wizard (issues 4 and 15), on the release build.
import { test, expect, openApp, rendered, settled, answer, WIZARD_PARTS } from './fixtures.mjs';


const stepHeading = (page) => page.locator('#wizard-step');

test('no NAT gateway path ends at the NAT gateway result with its commands', async ({ page, problems }) => {
  await openApp(page);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Troubleshoot networking' }).click();
  await expect(page).toHaveURL(/#wizard$/);
  await answer(page, 'outbound-slow');
  await answer(page, 'v2');
  await answer(page, 'no');
  const step = page.locator('.wizard .step');
  await expect(page.locator('.progress')).toHaveText('Result');
  for (const h of ['Observation', 'Cause', 'Fix', 'How to verify']) {
    await expect(step.getByRole('heading', { name: h, exact: true })).toBeVisible();
  }
  await expect(step.locator('pre code').filter({ hasText: 'az network nat gateway create' })).toHaveCount(1);
  await expect(step.locator('pre code').filter({ hasText: '--nat-gateway' }).first()).toBeVisible();
  await expect(step.getByRole('button', { name: 'Copy command' }).first()).toBeVisible();
  await expect(step.locator('.sources a').first()).toHaveAttribute('href', /^https:\/\//);
  // The breadcrumb lists the three answers, each a link back.
  await expect(page.getByRole('navigation', { name: 'Your answers' }).getByRole('link')).toHaveCount(3);
});

test('Confidential pod path ends at the DNS injection result with the annotation', async ({ page, problems }) => {
  await openApp(page, './#wizard');
  for (const id of ['outbound-slow', 'v2', 'yes', 'confidential', 'on']) {
    await answer(page, id);
  }
  const step = page.locator('.wizard .step');
  await expect(step.locator('pre code').filter({ hasText: 'microsoft.containerinstance.virtualnode.injectdns: "false"' }).first()).toBeVisible();
  await expect(step).toContainText('spec.template.metadata');
  await expect(step).toContainText('svc.cluster.local');
});

test('browser Back returns to the previous question, Forward comes back, and the breadcrumb changes an answer', async ({ page, problems }) => {
  await openApp(page, './#wizard');
  const first = await stepHeading(page).textContent();
  await answer(page, 'outbound-slow');
  const second = await stepHeading(page).textContent();
  expect(second).not.toBe(first);
  await answer(page, 'v2');
  const third = await stepHeading(page).textContent();
  await page.goBack();
  await expect(stepHeading(page)).toHaveText(second);
  await page.goBack();
  await expect(stepHeading(page)).toHaveText(first);
  await page.goForward();
  await expect(stepHeading(page)).toHaveText(second);
  await page.goForward();
  await expect(stepHeading(page)).toHaveText(third);
  // Change the first answer from the breadcrumb: back at the first question.
  await page.getByRole('navigation', { name: 'Your answers' }).getByRole('link').first().click();
  await expect(stepHeading(page)).toHaveText(first);
  // Reloading keeps the step.
  await answer(page, 'outbound-fail');
  await page.reload();
  await expect(stepHeading(page)).toHaveText(second);
});

test('a copied step link opened in a fresh page shows the same step', async ({ page, problems, browser }) => {
  await openApp(page, './#wizard');
  for (const id of ['outbound-slow', 'v2', 'yes']) {
    await answer(page, id);
  }
  const heading = await stepHeading(page).textContent();
  await page.getByRole('button', { name: 'Share this step' }).click();
  // The browser compresses the link a moment after the panel opens.
  await expect(page.getByRole('textbox', { name: 'Share link' })).toHaveValue(/#v2\./);
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await p2.goto(link);
  await expect(p2.locator('#wizard-step')).toHaveText(heading);
  await expect(p2.getByRole('navigation', { name: 'Your answers' }).getByRole('link')).toHaveCount(3);
  // The plain address of the step works too.
  const p3 = await other.newPage();
  await p3.goto(page.url());
  await expect(p3.locator('#wizard-step')).toHaveText(heading);
  await other.close();
});

test('a damaged wizard link says how far it got', async ({ page }) => {
  await openApp(page, './#wizard/outbound-slow.nonsense');
  await expect(page.getByRole('alert')).toContainText('nonsense');
  await expect(page.getByRole('navigation', { name: 'Your answers' }).getByRole('link')).toHaveCount(1);
});

test('the summary copies as Markdown', async ({ page, problems, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page, './#wizard');
  for (const id of ['outbound-slow', 'v2', 'no']) {
    await answer(page, id);
  }
  await page.getByRole('button', { name: 'Copy summary as Markdown' }).click();
  const md = await page.evaluate(() => navigator.clipboard.readText());
  expect(md).toContain('### Answers');
  expect(md).toContain('az network nat gateway create');
  expect(md).toMatch(/```/);
});

test('a finding from a Confidential pod links to the wizard', async ({ page, problems }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Try an example' }).click();
  // The example has several findings: the link is given once, in the triage summary above the
  // cards (a single finding carries it in its card). Where it leads is the wizard.
  await page.locator('.triage-summary a[href^="#wizard"]').first().click();
  await expect(page).toHaveURL(/#wizard(\/confidential)?$/);
  await expect(stepHeading(page)).toBeVisible();
});

/** The text of every command block of the current step. */
const commands = (page) => page.locator('.wizard .step pre code').allTextContents();

/** Runs something in the affected pod itself (`<pod>`), not in the test pod. */
const execsInPod = (line) => /^kubectl exec (-it )?<pod>/.test(line.trim());

test('the Confidential path reads the spec or uses the test pod, never bare kubectl exec', async ({ page, problems }) => {
  // The deep link a decoded Confidential finding uses: straight to DNS injection.
  await openApp(page, './#wizard/confidential');
  await expect(stepHeading(page)).toContainText('injectdns');
  await expect(page.getByRole('navigation', { name: 'Your answers' }).getByRole('link')).toHaveCount(1);
  // Question 1 says why.
  await openApp(page, './#wizard');
  await expect(page.locator('.wizard .step')).toContainText('refuse kubectl exec');
  const visited = [];
  const walks = [
    ['confidential', 'unsure'],
    ['confidential', 'off', 'yes', 'no', 'allow', 'under-load'],
    ['confidential', 'off', 'unsure', 'attached', 'unsure', 'none', 'unsure', 'allow-first'],
  ];
  for (const walk of walks) {
    await openApp(page, './#wizard');
    for (const id of walk) {
      await answer(page, id);
      const blocks = await commands(page);
      visited.push(`${await stepHeading(page).textContent()}: ${blocks.length}`);
      const isQuestion = (await page.locator('ul.answers').count()) > 0;
      if (isQuestion && blocks.length > 0) {
        expect(blocks[0].split('\n').some(execsInPod), `first way at "${visited.at(-1)}"`).toBe(false);
      }
      for (const b of blocks) {
        const inPod = b.split('\n').filter(execsInPod);
        if (inPod.length === 0 || inPod.every((l) => l.trim().endsWith('-- /bin/sh'))) continue;
        expect(b, `at "${visited.at(-1)}"`).toMatch(/kubectl exec (-it )?nettest/);
      }
    }
  }
  expect(visited.length).toBeGreaterThan(10);
  // The debug-mode shell is offered as such.
  await openApp(page, './#wizard/confidential.unsure');
  await expect(page.locator('.wizard .step li').filter({ hasText: '-- /bin/sh' })).toContainText('--debug-mode');
});

test("\"I can't run commands\" leads to the data to collect within 4 steps", async ({ page, problems }) => {
  for (const start of ['', 'outbound-slow.v2', 'confidential.off', 'not-starting', 'cluster-only.both-on']) {
    await openApp(page, start ? `./#wizard/${start}` : './#wizard');
    let steps = 0;
    while ((await page.locator('.progress').textContent()) !== 'Result') {
      const cantRun = page.locator('ul.answers a.answer[href$=".cant-run"], ul.answers a.answer[href$="/cant-run"]');
      if (await cantRun.count()) {
        const clicked = await cantRun.elementHandle();
        await cantRun.click();
        await page.waitForFunction((a) => !a.isConnected, clicked);
      } else {
        await answer(page, 'unsure');
      }
      steps += 1;
      expect(steps, `from "${start}"`).toBeLessThanOrEqual(4);
    }
    await expect(stepHeading(page)).toHaveText('Collect the data first: what to ask for');
    await expect(page.locator('.wizard .step pre code').filter({ hasText: 'kubectl get pod <pod> --namespace <namespace> --output yaml > pod.yaml' })).toHaveCount(1);
  }
});

test('commands that misbehaved in a terminal are fixed', async ({ page, problems }) => {
  // The annotations are listed by key, not grepped out of the YAML with the whole policy.
  await openApp(page, './#wizard');
  const first = (await commands(page))[0];
  expect(first).toContain('go-template');
  expect(first).not.toContain('| grep');
  // kubectl run, then wait until the pod is ready, then exec; no `time` in sh -c.
  await openApp(page, './#wizard/outbound-slow.v2.yes.kube-proxy-on.lookup.cluster');
  const all = (await commands(page)).join('\n');
  expect(all).toMatch(/kubectl run dnstest[^\n]*\nkubectl wait --for=condition=Ready pod\/dnstest[^\n]*\nkubectl exec dnstest/);
  expect(all).not.toContain("sh -c 'time");
});

test('a damaged wizard link gets its address corrected', async ({ page, problems }) => {
  await openApp(page, './#wizard/outbound-slow.nonsense');
  await expect(page.getByRole('alert')).toContainText('nonsense');
  await expect(page).toHaveURL(/#wizard\/outbound-slow$/);
  // The same when the address is edited by hand on an open page; the next step clears the notice.
  await page.evaluate(() => { location.hash = '#wizard/outbound-slow.v2.bogus'; });
  await expect(page.getByRole('alert')).toContainText('bogus');
  await expect(page).toHaveURL(/#wizard\/outbound-slow\.v2$/);
  await answer(page, 'no');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('coming back to a question marks the answer chosen before', async ({ page, problems }) => {
  await openApp(page, './#wizard');
  await expect(page.locator('ul.answers a.answer.earlier')).toHaveCount(0);
  await answer(page, 'outbound-slow');
  await answer(page, 'v2');
  await page.getByRole('navigation', { name: 'Your answers' }).getByRole('link').first().click();
  await expect(page.locator('ul.answers a.answer[aria-current="true"]')).toHaveAttribute('href', /\/outbound-slow$/);
  await expect(page.locator('ul.answers a.answer.earlier')).toHaveCount(1);
  // Forward along the same answers, the next question marks its earlier answer too.
  await answer(page, 'outbound-slow');
  await expect(page.locator('ul.answers a.answer.earlier')).toHaveAttribute('href', /\.v2$/);
  // "Previous question" and Back mark it as well; another answer starts a new walk.
  await answer(page, 'v2');
  await page.getByRole('link', { name: 'Previous question' }).click();
  await expect(page.locator('ul.answers a.answer.earlier')).toHaveAttribute('href', /\.v2$/);
  await answer(page, 'v1');
  await page.goBack();
  await expect(page.locator('ul.answers a.answer.earlier')).toHaveAttribute('href', /\.v1$/);
  // A fresh load of the same step marks nothing.
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await expect(page.locator('ul.answers a.answer')).not.toHaveCount(0);
  await expect(page.locator('ul.answers a.answer.earlier')).toHaveCount(0);
});

test('the view is named for what it covers', async ({ page, problems }) => {
  await openApp(page, './#wizard');
  await expect(page.getByRole('heading', { level: 2 }).first()).toHaveText(/^Troubleshoot networking on virtual nodes: slow or failing calls, DNS, cluster services, pods that don't start$/);
  await expect(page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Troubleshoot networking', exact: true })).toHaveAttribute('aria-current', 'page');
});

test('"Decode policy denials" leaves no bare # in the address', async ({ page, problems }) => {
  await openApp(page, './#wizard');
  const decoder = page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Decode policy denials' });
  await decoder.click();
  await expect(page.getByRole('textbox', { name: 'Event text' })).toBeVisible();
  await expect.poll(() => page.url()).not.toContain('#');
  // Also when the decoder is already on screen.
  await decoder.click();
  await expect.poll(() => page.url()).not.toContain('#');
  await expect(page.getByRole('textbox', { name: 'Event text' })).toBeVisible();
});

test('"I can\'t run commands" answers are told apart', async ({ page, problems }) => {
  await openApp(page, './#wizard/outbound-slow.v2.unsure');
  const cantRun = page.locator('ul.answers a.answer[href$=".cant-run"]');
  await expect(cantRun).toHaveCount(1);
  await expect(cantRun).toHaveClass(/\bcant-run\b/);
  await expect(page.locator('ul.answers a.answer.cant-run')).toHaveCount(1);
});

test("answers and the wizard's buttons also respond to Space", async ({ page, problems }) => {
  await openApp(page, './#wizard');
  const first = await stepHeading(page).textContent();
  const link = page.locator('ul.answers a.answer[href$="/outbound-slow"]');
  await link.focus();
  await page.keyboard.press('Space');
  await expect(stepHeading(page)).not.toHaveText(first);
  await expect(page).toHaveURL(/#wizard\/outbound-slow$/);
  // "Start over" is a link drawn as a button: Space follows it too.
  await page.getByRole('link', { name: 'Start over' }).focus();
  await page.keyboard.press('Space');
  await expect(page).toHaveURL(/#wizard$/);
  await expect(stepHeading(page)).toHaveText(first);
});


// ---- the graph is a data file, fetched after the app started (not in the first download) ------

const GRAPH_FILE = /\/network-[0-9a-f]{16}\.json$/;

test('a cold deep link waits for the graph ("Loading the wizard…"), then renders as navigating there does', async ({ page, problems, browser }) => {
  // Navigating there: the decoder first, then the nav tab and three answers.
  await openApp(page);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Troubleshoot networking' }).click();
  for (const id of ['outbound-slow', 'v2', 'no']) await answer(page, id);
  await expect(page.locator('.progress')).toHaveText('Result');
  await settled(page);
  const navigated = await rendered(page, WIZARD_PARTS);
  expect(navigated.join('\n')).toContain('Previous question');

  // A cold load of the step's address in a new browser context (no cache, no service worker),
  // with the graph's download held back until the loading state has been seen.
  const context = await browser.newContext();
  const cold = await context.newPage();
  const errors = [];
  cold.on('pageerror', (e) => errors.push(e.message));
  cold.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  let release;
  const held = new Promise((r) => { release = r; });
  const graphRequests = [];
  await cold.route(GRAPH_FILE, async (route) => {
    graphRequests.push(route.request().url());
    await held;
    await route.continue();
  });
  await cold.goto(new URL('./#wizard/outbound-slow.v2.no', page.url()).href);
  await expect(cold.locator('body.app-ready')).toHaveCount(1);
  await expect(cold.getByRole('status').filter({ hasText: 'Loading the wizard…' })).toBeVisible();
  await expect(cold.locator('#wizard-step')).toHaveCount(0);
  await expect(cold).toHaveURL(/#wizard\/outbound-slow\.v2\.no$/);
  release();
  await expect(cold.locator('.progress')).toHaveText('Result');
  await expect(cold.getByText('Loading the wizard…')).toHaveCount(0);
  await settled(cold);
  expect(await rendered(cold, WIZARD_PARTS)).toEqual(navigated);
  // One download, beside index.html.
  expect(graphRequests.length).toBe(1);
  expect(errors).toEqual([]);
  await context.close();
});

test('a damaged deep link opened before the graph arrived is corrected once it is there', async ({ page, problems }) => {
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(GRAPH_FILE, async (route) => { await held; await route.continue(); });
  await page.goto('./#wizard/outbound-slow.nope');
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await expect(page.getByText('Loading the wizard…')).toBeVisible();
  release();
  await expect(page.locator('.notice.warning')).toContainText('step 2');
  await expect(page).toHaveURL(/#wizard\/outbound-slow$/);
  await expect(page.locator('.progress')).toHaveText('Question 2');
});

test('after start the graph is fetched when idle, so the wizard then opens at once', async ({ page, problems }) => {
  const fetched = page.waitForResponse(GRAPH_FILE);
  await openApp(page);
  // The decoder view never needs it, yet it comes (the browser is idle after start).
  expect((await fetched).ok()).toBe(true);
  await settled(page);
  // From now on no download: block it, and the wizard still opens, without a loading state.
  let later = 0;
  await page.route(GRAPH_FILE, (route) => { later++; return route.abort(); });
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Troubleshoot networking' }).click();
  await expect(page.locator('#wizard-step')).toBeVisible();
  await expect(page.getByText('Loading the wizard…')).toHaveCount(0);
  expect(later).toBe(0);
});

test('a failed download of the graph says so with a retry, and the decoder is unaffected', async ({ browser }) => {
  // Without a service worker (once installed, it serves the graph from its precache: the
  // offline tests show that). No `problems` fixture: the failed requests are the point; page
  // errors (a panic) are not.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let mode = 'abort';
  await page.route(GRAPH_FILE, (route) => {
    if (mode === 'abort') return route.abort('internetdisconnected');
    if (mode === '404') return route.fulfill({ status: 404, contentType: 'text/html', body: '<h1>Not found</h1>' });
    if (mode === 'html') return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><p>Sign in to the proxy' });
    return route.continue();
  });
  await page.goto(new URL('./#wizard/outbound-slow', test.info().project.use.baseURL).href);
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  const alert = page.locator('section.wizard [role=alert]');
  await expect(alert).toContainText('could not be downloaded');
  await expect(page.getByRole('heading', { name: 'The wizard could not be loaded' })).toBeVisible();
  await expect(page.locator('#wizard-step')).toHaveCount(0);
  // The address is kept: a retry (or a reload) opens the same step.
  await expect(page).toHaveURL(/#wizard\/outbound-slow$/);

  mode = '404';
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(alert).toContainText('the server answered 404');
  mode = 'html';
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(alert).toContainText('damaged or of another version');

  // The decoder works meanwhile.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Decode policy denials' }).click();
  await expect(page.getByRole('textbox', { name: 'Event text' })).toBeVisible();
  await page.getByRole('button', { name: 'Try an example' }).click();
  await expect(page.getByRole('region', { name: 'Findings' }).locator('article').first()).toBeVisible();

  // Back in the wizard with the network back: opening it again tries again, and the step opens.
  mode = 'ok';
  await page.goBack();
  await expect(page).toHaveURL(/#wizard\/outbound-slow$/);
  await expect(page.locator('.progress')).toHaveText('Question 2');
  await expect(page.locator('#wizard-step')).toBeVisible();
  expect(errors).toEqual([]);
  await context.close();
});
