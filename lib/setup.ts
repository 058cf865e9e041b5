/** Loaded before every spec and test (vitest setupFiles): matchers and seeded fast-check. */
import fc from 'fast-check';
import { inject } from 'vitest';
import { registerMatchers } from './matchers.ts';
import { runSeed } from './rng.ts';
import { baseRuns } from './runs.ts';

registerMatchers();

// The seed sweep (scripts/sweep.ts) reruns the specs in one Vitest with other seeds through
// provide/inject; as this worker thread's KATA_SEED, the seed reaches every reader of runSeed().
const sweepSeed = inject('kataSeed');
if (sweepSeed !== undefined) process.env.KATA_SEED = String(sweepSeed);

// Every property test uses the run's seed, so a failure repeats with the same KATA_SEED.
// includeErrorInReport puts the failing expectation's message into the property's own error,
// so reports (JSON, JUnit, the runner) show what went wrong, not only "Property failed".
// The runner asks for fewer cases (its quick checks) through vitest's provide/inject.
fc.configureGlobal({ seed: runSeed(), numRuns: inject('kataRuns') ?? baseRuns(), includeErrorInReport: true });

declare module 'vitest' {
  export interface ProvidedContext {
    /** cases per property for this run (lib/runs.ts); unset: KATA_RUNS or 100 */
    kataRuns?: number;
    /** the seed of this run, set by the seed sweep; unset: KATA_SEED or 42 (lib/rng.ts) */
    kataSeed?: number;
  }
}
