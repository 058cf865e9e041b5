/**
 * Steps first that the learner has not passed: a save while an exercise fails runs the steps
 * that failed in the last result first, and the steps that passed in it (10's and 11's train
 * networks) after. A failure among the first is already the verdict: the screen shows it, with
 * the passed steps' counts from the last result marked as being checked again, until the
 * second run brings them. Nothing is left unchecked, only put later.
 */
import type { ExerciseResult, TestOutcome } from './spec-results.ts';

/**
 * The steps every spec of which passed in `last`, where some other spec failed: those a save
 * can check after the rest. None when `last` is no plain result to build on.
 */
export function settledSteps(last: ExerciseResult | undefined): number[] {
  if (!last || last.aborted || last.stalled || last.loadErrors.length > 0 || last.runErrors?.length) return [];
  const steps = new Map<number, boolean>();
  for (const t of last.tests) {
    if (t.step === null) return [];
    steps.set(t.step, (steps.get(t.step) ?? true) && t.state === 'passed');
  }
  const settled = [...steps].filter(([, passed]) => passed).map(([step]) => step);
  return settled.length < steps.size ? settled : [];
}

/** The describe names of `steps` ("step 3: …"), as vitest matches a test's full name. */
const stepNames = (steps: readonly number[]) => `\\s*step\\s+(?:${steps.join('|')})\\b`;

/** Vitest's testNamePattern for the specs of every step but `settled`. */
export function unsettledPattern(settled: readonly number[]): RegExp {
  return new RegExp(`^(?!${stepNames(settled)})`, 'i');
}

/** Vitest's testNamePattern for the specs of the `settled` steps. */
export function settledPattern(settled: readonly number[]): RegExp {
  return new RegExp(`^${stepNames(settled)}`, 'i');
}

const key = (t: TestOutcome) => JSON.stringify([...t.suites, t.name]);

/**
 * `first`, its specs that a name pattern left out (skipped) taken from `other`: a run of part
 * of the steps completed by another run or by the last result. Undefined when a spec left out
 * of `first` is not in `other` either (the spec file changed).
 */
export function combine(first: ExerciseResult, other: ExerciseResult): ExerciseResult | undefined {
  const others = new Map(other.tests.map((t) => [key(t), t]));
  const tests: TestOutcome[] = [];
  for (const t of first.tests) {
    const o = t.state === 'skipped' ? others.get(key(t)) : t;
    if (!o || o.state === 'skipped') return undefined;
    tests.push(o);
  }
  const counted = tests.filter((t) => !(first.optionalSkipped && t.optional));
  const runErrors = [...(first.runErrors ?? []), ...(other.runErrors ?? [])];
  return {
    ...first,
    tests,
    passed: counted.filter((t) => t.state === 'passed').length,
    total: counted.length,
    ...(runErrors.length > 0 ? { runErrors } : {}),
  };
}

/** Whether a spec ran and failed: the exercise fails, whatever the steps left out say. */
export function hasFailure(r: ExerciseResult): boolean {
  return r.tests.some((t) => t.state === 'failed');
}
