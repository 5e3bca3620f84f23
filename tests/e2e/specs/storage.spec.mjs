// The paste kept per tab, "Don't keep pastes on this device", and Undo after "Try an example"
// and "Clear" (issue 15).
import { test, expect, openApp, pasteText, findings, fixtureText } from './fixtures.mjs';

const box = (page) => page.getByRole('textbox', { name: 'Event text' });
const keepOff = (page) => page.getByRole('checkbox', { name: /Don't keep pastes on this device/ });
const undo = (page) => page.locator('.paste').getByRole('button', { name: 'Undo' });
const exampleNote = (page) => page.locator('.paste .example-note');

test('each tab keeps its own paste across reloads; another tab never shows it', async ({ page, problems, context }) => {
  const first = fixtureText('describe-pod.txt');
  const second = fixtureText('portal.html');
  await openApp(page);
  await pasteText(page, first);
  await expect(findings(page)).toHaveCount(2);
  // A second tab of the same browser starts empty: the first tab's customer stays there.
  const other = await context.newPage();
  await openApp(other);
  await expect(box(other)).toHaveValue('');
  await pasteText(other, second);
  await expect(findings(other)).toHaveCount(1);
  // Each reload brings back that tab's own paste.
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await expect(box(page)).toHaveValue(first);
  await expect(findings(page)).toHaveCount(2);
  await other.reload();
  await expect(other.locator('body.app-ready')).toHaveCount(1);
  await expect(box(other)).toHaveValue(second);
  // Nothing of either paste is in the storage every tab shares.
  const shared = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('aci-triage.text')));
  expect(shared).toEqual([]);
  await other.close();
});

test('a paste kept for the whole browser by an earlier version is taken over by one tab only', async ({ page, problems, context }) => {
  const text = fixtureText('portal.html');
  await context.addInitScript((t) => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      if (!localStorage.getItem('seeded-once')) {
        localStorage.setItem('seeded-once', '1');
        localStorage.setItem('aci-triage.text', t);
      }
    }
  }, text);
  await openApp(page);
  await expect(box(page)).toHaveValue(text);
  const other = await context.newPage();
  await openApp(other);
  await expect(box(other)).toHaveValue('');
  expect(await page.evaluate(() => localStorage.getItem('aci-triage.text'))).toBeNull();
  await other.close();
});

test("\"Don't keep pastes on this device\": nothing is kept, a reload starts empty, and the choice stays", async ({ page, problems }) => {
  await openApp(page);
  await pasteText(page, fixtureText('portal.html'));
  await expect(findings(page)).toHaveCount(1);
  await expect.poll(() => page.evaluate(() => sessionStorage.getItem('aci-triage.text'))).not.toBeNull();
  await keepOff(page).check();
  expect(await page.evaluate(() => sessionStorage.getItem('aci-triage.text'))).toBeNull();
  await pasteText(page, fixtureText('describe-pod.txt'));
  await expect(findings(page)).toHaveCount(2);
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await expect(box(page)).toHaveValue('');
  await expect(keepOff(page)).toBeChecked();
  expect(await page.evaluate(() => [sessionStorage.getItem('aci-triage.text'), localStorage.getItem('aci-triage.text')])).toEqual([null, null]);
  // Keeping again: the next paste survives a reload.
  await keepOff(page).uncheck();
  await pasteText(page, fixtureText('portal.html'));
  await expect(findings(page)).toHaveCount(1);
  await page.reload();
  await expect(box(page)).toHaveValue(fixtureText('portal.html'));
  await expect(keepOff(page)).not.toBeChecked();
});

test('Clear offers Undo, which brings the text and its findings back', async ({ page, problems }) => {
  const text = fixtureText('describe-pod.txt');
  await openApp(page);
  await pasteText(page, text);
  await expect(findings(page)).toHaveCount(2);
  const cards = await findings(page).allInnerTexts();
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(box(page)).toHaveValue('');
  await expect(findings(page)).toHaveCount(0);
  await expect(page.locator('.paste .undo')).toContainText('The text was cleared.');
  await undo(page).click();
  await expect(box(page)).toHaveValue(text);
  await expect(box(page)).toBeFocused();
  await expect(findings(page)).toHaveCount(2);
  expect(await findings(page).allInnerTexts()).toEqual(cards);
  await expect(undo(page)).toHaveCount(0);
  // Undo is for the text that was just replaced: typing after Clear takes it away.
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(undo(page)).toHaveCount(1);
  await box(page).pressSequentially('x');
  await expect(undo(page)).toHaveCount(0);
  // Clearing an empty box has nothing to undo.
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(undo(page)).toHaveCount(0);
});

test('"Try an example" offers Undo, and the example is marked as such until a paste of your own', async ({ page, problems }) => {
  const text = fixtureText('portal.html');
  await openApp(page);
  await pasteText(page, text);
  await expect(exampleNote(page)).toHaveCount(0);
  await page.getByRole('button', { name: 'Try an example' }).click();
  await expect(findings(page)).toHaveCount(2);
  await expect(exampleNote(page)).toContainText('built-in example');
  await expect(page.locator('.paste .undo')).toContainText('The example replaced your text.');
  // The mark survives a reload of the example (Undo does not: it is for this page's text).
  await page.reload();
  await expect(page.locator('body.app-ready')).toHaveCount(1);
  await expect(exampleNote(page)).toContainText('built-in example');
  await pasteText(page, fixtureText('describe-pod.txt'));
  await expect(exampleNote(page)).toHaveCount(0);
  // Undo brings back your own text, which is not the example.
  await page.getByRole('button', { name: 'Try an example' }).click();
  await expect(exampleNote(page)).toHaveCount(1);
  await undo(page).click();
  await expect(box(page)).toHaveValue(fixtureText('describe-pod.txt'));
  await expect(exampleNote(page)).toHaveCount(0);
});
