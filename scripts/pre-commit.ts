/**
 * The git pre-commit hook (.husky/pre-commit). It never blocks a learner: failing exercise
 * specs are the normal state of a kata, and work in progress must be committable.
 *
 * It blocks only a maintainer's broken change:
 *   - a type error in lib/, scripts/, tests/ or solutions/ (exercise stubs are learners' work);
 *   - a staged reference solution (solutions/NN-slug/…) whose specs fail.
 * Skip it all with HUSKY=0 or `git commit --no-verify`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { EXERCISE_DIR_PATTERN, ROOT } from './lib/exercises.ts';
import { BIN, runNode } from './lib/proc.ts';

const staged = execFileSync('git', ['diff', '--cached', '--name-only', '--diff-filter=ACMR'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter(Boolean);

const touchesRepo = staged.some((f) => /^(lib|scripts|tests|solutions)\//.test(f) || /\.config\.ts$/.test(f));
if (!touchesRepo) process.exit(0);

// Type errors under exercises/ are a learner's business; elsewhere they break the kata.
const tsc = spawnSync(process.execPath, [BIN.tsc, '--noEmit', '-p', 'tsconfig.json', '--pretty', 'false'], {
  cwd: ROOT,
  encoding: 'utf8',
});
const typeErrors = `${tsc.stdout}`
  .split('\n')
  .filter((line) => /error TS\d+/.test(line) && !line.replaceAll('\\', '/').startsWith('exercises/'));
if (typeErrors.length > 0) {
  console.error(`pre-commit: type errors outside exercises/:\n${typeErrors.join('\n')}`);
  process.exit(1);
}

const solutionDirs = [
  ...new Set(
    staged
      .filter((f) => f.startsWith('solutions/'))
      .map((f) => f.split('/')[1] ?? '')
      .filter((d) => EXERCISE_DIR_PATTERN.test(d)),
  ),
];
if (solutionDirs.length > 0) {
  console.log(`pre-commit: checking the specs of ${solutionDirs.join(', ')} against the reference solutions`);
  const code = await runNode(
    BIN.vitest,
    ['run', '--project', 'solutions', ...solutionDirs.map((d) => path.join('exercises', d))],
    {
      KATA_QUIET: '1',
    },
  );
  if (code !== 0) {
    console.error('pre-commit: a reference solution fails its specs; fix it or commit with --no-verify');
    process.exit(code);
  }
}
