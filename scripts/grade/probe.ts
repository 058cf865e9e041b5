/**
 * A setup file the grader adds after the kata's own, so it runs before the spec imports the
 * learner's code. It keeps what the specs rely on as the kata set it:
 *   - before every test, fast-check's global settings (the seed, 100 runs), Math.random and
 *     KATA_SEED are put back, so a submission cannot make its own checks easier at import
 *     time (fast-check's exports themselves cannot be replaced: they are getters);
 *   - before every test, an annotation (1) makes Vitest flush the results it holds back (it
 *     sends them to its main process every 100 ms), so the tests that finished before a
 *     learner's infinite loop keep their points, and (2) tells the grader's reporter which
 *     test is starting, so a report can name the test that was running when a run stopped.
 *
 * NOTE: this runs next to the learner's code and can be subverted like everything there; the
 * judge (grading/judge/) is what keeps a grade honest. The "start" marks only ever *name* a
 * test, they never score anything.
 */
import fc from 'fast-check';
import { beforeEach } from 'vitest';

export const START = 'kata-grade:start';

const settings = fc.readConfigureGlobal();
const configure = fc.configureGlobal;
const random = Math.random;
const seed = process.env.KATA_SEED;

beforeEach(async (context) => {
  configure(settings);
  Math.random = random;
  if (seed !== undefined) process.env.KATA_SEED = seed;
  await context.annotate(START);
});
