// What people actually paste (issue 12): real texts from core/tests/fixtures/real (sources in
// its SOURCES.md) and the variants built around them, read in the browser as the host tests
// read them.
import { test, expect, openApp, pasteText, findings, fixtureText } from './fixtures.mjs';

const empty = (page) => page.locator('section.findings .empty');

test('a decision pasted already decoded is explained like a blob and says it was read as JSON', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, fixtureText('real/vn2-devicehash-json-fence.txt'));
  const cards = findings(page);
  await expect(cards).toHaveCount(1);
  const card = cards.first();
  await expect(card.getByRole('heading', { level: 2 })).toHaveText('Mounting a read-only image layer — deviceHash not found');
  await expect(card.getByRole('rowheader', { name: 'deviceHash' })).toBeVisible();
  await expect(card).toContainText('This decision was read as decoded JSON written in the paste');
});

test('a code comment prefixed on every line reads as the event it quotes', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, fixtureText('real/cleanroom-kubectl-cs-comment-earlier.txt'));
  const cards = findings(page);
  await expect(cards).toHaveCount(1);
  await expect(cards.first().getByRole('heading', { level: 2 })).toHaveText('Starting a container — invalid command');
  await expect(cards.first().getByText('create_container', { exact: true })).toBeVisible();
});

test('klog lines whose header changes on every line read as one message', async ({ page, problems }) => {
  await openApp(page);
  for (const file of ['variant-klog-hard-wrapped.txt', 'variant-journald-klog-split.txt']) {
    await pasteText(page, fixtureText(`real/${file}`));
    const cards = findings(page);
    await expect(cards).toHaveCount(1);
    await expect(cards.first().getByRole('heading', { level: 2 })).toHaveText('Starting a container — invalid command');
    await expect(cards.first().getByText('create_container', { exact: true })).toBeVisible();
  }
});

test('an Azure Policy or Gatekeeper denial is no finding, and the empty state says what it is', async ({ page, problems }) => {
  await openApp(page);
  const lead = empty(page).locator('p').first();
  await pasteText(page, fixtureText('real/officedev-cc-221-azure-policy-disallowed.txt'));
  await expect(lead).toHaveText(/^No policy decisions or known policy errors in this text\. This looks like an Azure Policy denial: .*It is not a container's CCE policy/);
  await expect(findings(page)).toHaveCount(0);

  await pasteText(page, fixtureText('real/aks-baseline-gatekeeper.txt'));
  await expect(lead).toHaveText(/This looks like an Azure Policy for AKS denial: its Gatekeeper admission webhook refused the object/);
  await expect(findings(page)).toHaveCount(0);

  // Text that is no denial of any kind gets the calm message alone.
  await pasteText(page, fixtureText('no-findings.txt'));
  await expect(lead).toHaveText('No policy decisions or known policy errors in this text.');
});

test('a real paste of many errors gets the triage summary first, on screen and in print', async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, fixtureText('real/support-2024-01-symptoms.txt'));
  await expect(findings(page)).toHaveCount(10);
  const summary = page.getByRole('region', { name: 'Triage summary' });
  await expect(summary.locator('ol > li')).toHaveCount(10);
  await page.emulateMedia({ media: 'print' });
  await expect(summary).toBeVisible();
  const [s, c] = [await summary.boundingBox(), await findings(page).first().boundingBox()];
  expect(s.y + s.height).toBeLessThanOrEqual(c.y);
});
