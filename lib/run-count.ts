/**
 * The base count of cases per property, from KATA_RUNS (lib/runs.ts scales a property's own
 * count by it). Kept apart from runs.ts, which imports fast-check, so that vitest's global
 * setup can check KATA_RUNS once in the main process without loading fast-check there.
 */

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
