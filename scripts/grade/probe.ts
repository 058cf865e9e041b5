/**
 * A setup file the grader adds after the kata's own. Before each test it sends an annotation,
 * which (1) makes vitest flush the results it holds back (it sends them to its main process
 * in batches every 100 ms), so the tests that finished before a learner's infinite loop keep
 * their points, and (2) tells the grader's reporter which test is starting, so a report can
 * name the test that was running when a child was stopped.
 *
 * NOTE: this runs next to the learner's code; the "start" marks only ever *name* a test,
 * they never score anything.
 */
import { beforeEach } from 'vitest';

export const START = 'kata-grade:start';

beforeEach(async (context) => {
  await context.annotate(START);
});
