/**
 * `npm run sweep`: its logic on made-up results (counts, counterexamples, the report), then
 * the command on a runnable copy of the tiny fake kata whose spec fails only for even seeds,
 * which shows that each run's seed reaches the specs.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Exercise } from '../../scripts/lib/exercises.ts';
import {
  counterexampleOf,
  describeSeeds,
  errorLine,
  formatSweep,
  type RunWithSeed,
  seedRange,
  sweep,
} from '../../scripts/runner/seed-sweep.ts';
import type { ExerciseResult, TestOutcome } from '../../scripts/runner/spec-results.ts';
import { makeRunnableKata } from './fake-kata.ts';

const PROPERTY_FAILURE = [
  'Property failed after 7 tests',
  '{ seed: 3, path: "6:1:1", endOnFailure: true }',
  'Counterexample: [[array([0, -1.2e-38], shape=[2], dtype=float32)]]',
  'Shrunk 28 time(s)',
  'Got error: vectorDot(a [2], b [2]): 1 of 1 elements differ',
  'first at []: expected 0, received -1.4e-76',
].join('\n');

const exercise = (name: string) => ({ name }) as Exercise;
const outcome = (name: string, state: TestOutcome['state'], message?: string): TestOutcome => ({
  name,
  suites: ['step 1: dot'],
  state,
  step: 1,
  ...(message ? { failure: { name, message } } : {}),
});
const result = (name: string, tests: TestOutcome[], extra: Partial<ExerciseResult> = {}): ExerciseResult => ({
  name,
  passed: tests.filter((t) => t.state === 'passed').length,
  total: tests.length,
  tests,
  loadErrors: [],
  durationMs: 1,
  ...extra,
});

describe('the sweep, on made-up results', () => {
  it('reads fast-check reports: the counterexample and the error line', () => {
    expect(counterexampleOf(PROPERTY_FAILURE)).toBe('[[array([0, -1.2e-38], shape=[2], dtype=float32)]]');
    expect(errorLine(PROPERTY_FAILURE)).toBe('vectorDot(a [2], b [2]): 1 of 1 elements differ');
    expect(counterexampleOf('expected 2, received 3')).toBeUndefined();
    expect(errorLine('\nexpected 2, received 3\nmore')).toBe('expected 2, received 3');
    expect(counterexampleOf(`Counterexample: ${'9'.repeat(1000)}`)?.length).toBe(401);
  });

  it('counts seeds run and failed per exercise, and lists every failure with the command that repeats it', async () => {
    const seen: number[] = [];
    const run: RunWithSeed = async (exs, seed) => {
      seen.push(seed);
      const dot =
        seed === 3
          ? outcome('agrees with tf.dot', 'failed', PROPERTY_FAILURE)
          : outcome('agrees with tf.dot', 'passed');
      const broken = seed === 4 ? { loadErrors: [{ name: 'b.spec.ts', message: 'SyntaxError: oops' }] } : {};
      return new Map(
        exs.map((e) => [e.name, e.name === '03-matmul' ? result(e.name, [dot]) : result(e.name, [], broken)]),
      );
    };
    const progress: string[] = [];
    const report = await sweep(run, [exercise('03-matmul'), exercise('05-dense')], seedRange(2, 3), (seed, f) =>
      progress.push(`${seed}:${f.length}`),
    );
    expect(seen).toEqual([2, 3, 4]);
    expect(progress).toEqual(['2:1', '3:2', '4:1']);
    expect(report.exercises).toEqual([
      { name: '03-matmul', seeds: 3, failedSeeds: 1 },
      { name: '05-dense', seeds: 3, failedSeeds: 3 },
    ]);
    const text = formatSweep(report);
    expect(text).toContain('exercise   seeds  failed\n03-matmul      3       1\n05-dense       3       3');
    expect(text).toContain(
      [
        '03-matmul, seed 3: step 1: dot > agrees with tf.dot',
        '  counterexample: [[array([0, -1.2e-38], shape=[2], dtype=float32)]]',
        '  error: vectorDot(a [2], b [2]): 1 of 1 elements differ',
        '  repeat: KATA_SEED=3 npx vitest run --project solutions exercises/03-matmul',
      ].join('\n'),
    );
    expect(text).toContain('05-dense, seed 2: (no specs ran)');
    expect(text).toContain('05-dense, seed 4: (the spec file did not load)\n  error: SyntaxError: oops');
    expect(text).toMatch(/sweep: 4 failures in 3 of 3 seeds$/);
  });

  it('says so when every seed passed', async () => {
    const run: RunWithSeed = async (exs) => new Map(exs.map((e) => [e.name, result(e.name, [outcome('x', 'passed')])]));
    const report = await sweep(run, [exercise('01-tensors')], [7, 9]);
    expect(report.failures).toEqual([]);
    expect(formatSweep(report)).toMatch(/sweep: every spec passed for seeds 7, 9 \(2 seeds\)$/);
    expect(describeSeeds(seedRange(1, 200))).toBe('1..200 (200 seeds)');
  });
});

describe('npm run sweep on a fake kata', () => {
  const root = makeRunnableKata();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // A right answer that a seed-dependent spec fails for even seeds, as a property with a counterexample.
  writeFileSync(
    path.join(root, 'exercises', '02-beta', 'beta.spec.ts'),
    [
      "import fc from 'fast-check';",
      "import { describe, expect, it } from 'vitest';",
      "import { runSeed } from '../../lib/rng.ts';",
      "import { neg } from './beta.ts';",
      "describe('step 1: neg', () => {",
      "  it('negates, for odd seeds only', () => {",
      '    fc.assert(fc.property(fc.integer({ min: 3, max: 9 }), (n) => {',
      '      expect(neg(n) + n + (runSeed() % 2)).toBe(1);',
      '    }));',
      '  });',
      '});',
      '',
    ].join('\n'),
  );
  const sweepCommand = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', './scripts/register.mjs', path.join('scripts', 'sweep.ts'), ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', KATA_SEED: undefined },
      encoding: 'utf8',
      timeout: 120_000,
    });

  it('runs each seed on the solutions, names the failing seed with its counterexample, exits 1', () => {
    const run = sweepCommand('--seeds', '2', '--from', '5', '--jobs', '1');
    expect(run.stdout).toContain('seeds 5, 6 (2 seeds)');
    expect(run.stdout).toContain('01-alpha      2       0\n02-beta       2       1');
    expect(run.stdout).toContain('02-beta, seed 6: step 1: neg > negates, for odd seeds only\n  counterexample: [3]');
    expect(run.stdout).toContain('  error: AssertionError: expected +0 to be 1');
    expect(run.stdout).toContain('repeat: KATA_SEED=6 npx vitest run --project solutions exercises/02-beta');
    expect(run.stdout).not.toContain('seed 5: step');
    expect(run.status, run.stderr).toBe(1);
  }, 120_000);

  it('takes exercises by number or name; exit 0 when all pass, 2 for a wrong option', () => {
    const ok = sweepCommand('alpha', '--seeds', '1');
    expect(ok.stdout).toContain('sweep: every spec passed for seeds 1 (1 seed)');
    expect(ok.status, ok.stderr).toBe(0);
    const bad = sweepCommand('--seeds', '0');
    expect(bad.stderr).toContain('--seeds must be a whole number ≥ 1, got "0"');
    expect(bad.status).toBe(2);
    expect(sweepCommand('99').stderr).toContain('no exercise "99"');
  }, 240_000);
});
