// `npm install` runs this (the "prepare" script): installs the git hooks with husky, except
// in CI (CI=true), when HUSKY=0, outside a git checkout, or when husky is not installed
// (npm ci --omit=dev). Never fails an install.
import { existsSync } from 'node:fs';

const skip =
  process.env.CI === 'true' || process.env.HUSKY === '0' || !existsSync('.git')
    ? 'skipped (CI, HUSKY=0 or no .git)'
    : null;
if (skip) {
  console.log(`git hooks: ${skip}`);
} else {
  try {
    const { default: husky } = await import('husky');
    const message = husky();
    console.log(message ? `git hooks: ${message}` : 'git hooks: installed (.husky/)');
  } catch (e) {
    console.log(`git hooks: not installed (${e.message})`);
  }
}
