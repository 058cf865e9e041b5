/**
 * Two seeds other than 42 on every `npm test`: the reference solutions must pass every spec
 * whatever KATA_SEED an instructor or a learner picks. The `solutions` project checks seed 42;
 * `npm run sweep` checks many more (CI: .github/workflows/seeds.yml, 50 a week). A failure
 * names the seed, the spec and fast-check's counterexample.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../lib/exercises.ts';

it('every spec passes on the reference solutions for KATA_SEED 1 and 2', () => {
  // One thread: the rest of npm test is running on the other cores.
  const run = spawnSync(
    process.execPath,
    ['--import', './scripts/register.mjs', path.join('scripts', 'sweep.ts'), '--seeds', '2', '--from', '1', '--jobs', '1'],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', KATA_SEED: undefined }, encoding: 'utf8', timeout: 280_000 },
  );
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
}, 300_000);
