// The network troubleshooting wizard (issue 4), on the release build.
import { test, expect, openApp } from './fixtures.mjs';

/** Clicks the answer whose id is `id` (answer ids are stable; labels may be reworded). */
async function answer(page, id) {
  const link = page.locator(`ul.answers a.answer[href$="/${id}"], ul.answers a.answer[href$=".${id}"]`);
  await expect(link).toHaveCount(1);
  await link.click();
}

const stepHeading = (page) => page.locator('#wizard-step');

test('no NAT gateway path ends at the NAT gateway result with its commands', async ({ page, problems }) => {
  await openApp(page);
  await page.getByRole('link', { name: 'Troubleshoot network latency' }).first().click();
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
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  expect(link).toMatch(/#v2\./);
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
  await page.locator('article').first().getByRole('link', { name: 'Troubleshoot network latency' }).click();
  await expect(page).toHaveURL(/#wizard$/);
  await expect(stepHeading(page)).toBeVisible();
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

