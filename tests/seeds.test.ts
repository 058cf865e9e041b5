/**
 * Two seeds other than 42 on every `npm test`: the reference solutions must pass every spec
 * whatever KATA_SEED an instructor or a learner picks. The `solutions` project checks seed 42;
 * `npm run sweep` checks many more (CI: .github/workflows/seeds.yml, 50 a week). A failure
 * names the seed, the spec and fast-check's counterexample.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../scripts/lib/exercises.ts';

it('every spec passes on the reference solutions for KATA_SEED 1 and 2', () => {
  // One thread: the rest of npm test runs on the other cores. The time limit only catches a hang
  // (the sweep itself stops a run in which nothing happens for 5 minutes); a loaded machine is slow.
  const sweep = [path.join('scripts', 'sweep.ts'), '--seeds', '2', '--from', '1', '--jobs', '1'];
  const run = spawnSync(process.execPath, ['--import', './scripts/register.mjs', ...sweep], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', KATA_SEED: undefined },
    encoding: 'utf8',
    timeout: 540_000,
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
}, 600_000);
