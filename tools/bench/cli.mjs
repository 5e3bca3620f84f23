// What every bench script starts with: the repository's root, Playwright's Chromium driver from
// tests/e2e, and reading `--name value` options from the command line.
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const { chromium } = createRequire(path.join(ROOT, 'tests/e2e/package.json'))('@playwright/test');

/** The command line's arguments. */
export const args = process.argv.slice(2);

/** The value after `name` on the command line, or `dflt`. */
export function opt(name, dflt) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
}
