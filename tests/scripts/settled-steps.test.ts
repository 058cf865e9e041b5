/** A save's quick check runs the steps that failed last time first (scripts/runner/settled-steps.ts). */
import { describe, expect, it } from 'vitest';
import {
  combine,
  hasFailure,
  settledPattern,
  settledSteps,
  unsettledPattern,
} from '../../scripts/runner/settled-steps.ts';
import type { ExerciseResult, TestOutcome } from '../../scripts/runner/spec-results.ts';

const spec = (step: number | null, name: string, state: TestOutcome['state']): TestOutcome => ({
  name,
  suites: step === null ? [] : [`step ${step}: s${step}`],
  state,
  step,
});

const result = (tests: TestOutcome[], extra: Partial<ExerciseResult> = {}): ExerciseResult => ({
  name: '10-mnist',
  passed: tests.filter((t) => t.state === 'passed').length,
  total: tests.length,
  tests,
  loadErrors: [],
  durationMs: 1,
  ...extra,
});

/** Steps 1 and 2 passed, step 3 half, step 4 failed. */
const halfDone = result([
  spec(1, 'a', 'passed'),
  spec(1, 'b', 'passed'),
  spec(2, 'c', 'passed'),
  spec(3, 'd', 'passed'),
  spec(3, 'e', 'failed'),
  spec(4, 'f', 'failed'),
]);

describe('settled steps', () => {
  it('are the steps every spec of which passed, while another step fails', () => {
    expect(settledSteps(halfDone)).toEqual([1, 2]);
  });

  it('none without a plain failing result to build on: nothing run yet, all passing, all failing, a broken run', () => {
    expect(settledSteps(undefined)).toEqual([]);
    const passing = result(halfDone.tests.map((t) => ({ ...t, state: 'passed' as const })));
    expect(settledSteps(passing)).toEqual([]);
    const failing = result(halfDone.tests.map((t) => ({ ...t, state: 'failed' as const })));
    expect(settledSteps(failing)).toEqual([]);
    expect(settledSteps({ ...halfDone, aborted: true })).toEqual([]);
    expect(settledSteps({ ...halfDone, stalled: { seconds: 35 } })).toEqual([]);
    expect(settledSteps({ ...halfDone, loadErrors: [{ name: 'x', message: 'SyntaxError' }] })).toEqual([]);
    expect(settledSteps({ ...halfDone, runErrors: [{ name: 'run', message: 'unhandled rejection' }] })).toEqual([]);
  });

  it('none when a spec is outside the steps: a name pattern could not leave it out', () => {
    expect(settledSteps(result([...halfDone.tests, spec(null, 'g', 'passed')]))).toEqual([]);
  });
});

describe('the name patterns', () => {
  // vitest matches a test's full name: its describe blocks' names and its own, space-separated
  const names = ['step 1: one two', ' step 2: two x', 'step 12: twelve x', 'Step 3: three x', 'step 4: four x'];
  it('leave out the settled steps, and only them (step 12 is not step 1)', () => {
    expect(names.filter((n) => unsettledPattern([1, 2]).test(n))).toEqual([
      'step 12: twelve x',
      'Step 3: three x',
      'step 4: four x',
    ]);
  });

  it('pick the settled steps, and only them', () => {
    expect(names.filter((n) => settledPattern([1, 2]).test(n))).toEqual(['step 1: one two', ' step 2: two x']);
    expect(names.filter((n) => settledPattern([3]).test(n))).toEqual(['Step 3: three x']);
  });
});

describe('combining the two runs', () => {
  // the first run: steps 3 and 4 (1 and 2 skipped by the pattern); step 3 now passes
  const first = result([
    spec(1, 'a', 'skipped'),
    spec(1, 'b', 'skipped'),
    spec(2, 'c', 'skipped'),
    spec(3, 'd', 'passed'),
    spec(3, 'e', 'passed'),
    spec(4, 'f', 'failed'),
  ]);

  it("takes the left-out specs from the other run, and counts again: with the last result's, 5 of 6 pass", () => {
    const interim = combine(first, halfDone) as ExerciseResult;
    expect(interim.tests.map((t) => `${t.name}:${t.state}`)).toEqual([
      'a:passed',
      'b:passed',
      'c:passed',
      'd:passed',
      'e:passed',
      'f:failed',
    ]);
    expect([interim.passed, interim.total]).toEqual([5, 6]);
    expect(hasFailure(first)).toBe(true);
  });

  it('a step that passed before and fails now shows in the whole result', () => {
    const second = result([
      spec(1, 'a', 'passed'),
      spec(1, 'b', 'failed'),
      spec(2, 'c', 'passed'),
      spec(3, 'd', 'skipped'),
      spec(3, 'e', 'skipped'),
      spec(4, 'f', 'skipped'),
    ]);
    const whole = combine(first, second) as ExerciseResult;
    expect(whole.tests.map((t) => t.state)).toEqual(['passed', 'failed', 'passed', 'passed', 'passed', 'failed']);
    expect([whole.passed, whole.total]).toEqual([4, 6]);
  });

  it('undefined when a left-out spec is in neither run (the spec file changed)', () => {
    expect(combine(first, result(halfDone.tests.slice(1)))).toBeUndefined();
  });

  it('skipped optional steps stay out of the counts', () => {
    const optional = {
      ...first,
      optionalSkipped: true,
      tests: first.tests.map((t) => ({ ...t, optional: t.step === 4 })),
    };
    const combined = combine(optional, halfDone) as ExerciseResult;
    expect([combined.passed, combined.total]).toEqual([5, 5]);
  });

  it('no failure among the specs that ran: no verdict yet', () => {
    expect(hasFailure(result([spec(3, 'd', 'passed'), spec(1, 'a', 'skipped')]))).toBe(false);
  });
});
