/** Loaded before every spec and test (vitest setupFiles): matchers and seeded fast-check. */
import fc from 'fast-check';
import { registerMatchers } from './matchers.ts';
import { runSeed } from './rng.ts';

registerMatchers();

// Every property test uses the run's seed, so a failure repeats with the same KATA_SEED.
// includeErrorInReport puts the failing expectation's message into the property's own error,
// so reports (JSON, JUnit, the runner) show what went wrong, not only "Property failed".
fc.configureGlobal({ seed: runSeed(), numRuns: 100, includeErrorInReport: true });
