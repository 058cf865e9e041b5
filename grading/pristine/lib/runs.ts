/**
 * How many cases a property test runs. fast-check's usual 100 is the base. KATA_RUNS
 * changes it for a run (1000 searches harder before a release); the runner's quick checks
 * use fewer while an exercise still fails, then the full count before a pass counts.
 *
 * A property that sets its own count, because each case is expensive, writes it against
 * the base of 100 — `fc.assert(p, runs(25))` — so that it scales with the others.
 */
import fc from 'fast-check';

export const DEFAULT_RUNS = 100;

/** The base from KATA_RUNS (default 100); anything but a positive integer is an error naming it. */
export function baseRuns(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.KATA_RUNS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_RUNS;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new Error(
      `KATA_RUNS must be a positive whole number of cases per property, got ${JSON.stringify(env.KATA_RUNS)}`,
    );
  }
  return n;
}

/** fast-check parameters for a property that runs `n` cases when the base is 100. */
export function runs(n: number): { numRuns: number } {
  const base = fc.readConfigureGlobal().numRuns ?? DEFAULT_RUNS;
  return { numRuns: Math.max(1, Math.round((n * base) / DEFAULT_RUNS)) };
}
