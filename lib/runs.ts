/**
 * How many cases a property test runs. fast-check's usual 100 is the base. KATA_RUNS
 * changes it for a run (1000 searches harder before a release); the runner's quick checks
 * use fewer while an exercise still fails, then the full count before a pass counts.
 *
 * A property that sets its own count, because each case is expensive, writes it against
 * the base of 100 — `fc.assert(p, runs(25))` — so that it scales with the others.
 */
import fc from 'fast-check';
import { DEFAULT_RUNS } from './run-count.ts';

export { baseRuns, DEFAULT_RUNS } from './run-count.ts';

/** fast-check parameters for a property that runs `n` cases when the base is 100. */
export function runs(n: number): { numRuns: number } {
  const base = fc.readConfigureGlobal().numRuns ?? DEFAULT_RUNS;
  return { numRuns: Math.max(1, Math.round((n * base) / DEFAULT_RUNS)) };
}
