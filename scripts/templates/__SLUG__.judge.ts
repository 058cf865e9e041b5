/**
 * The judge of exercise __NN__ — __TITLE__: the grader's second witness (INSTRUCTORS.md, "The
 * judge"). Its cases run on the learner's code inside the grading sandbox and on the reference
 * solution in the grader; a README step whose cases disagree earns no points.
 */
// TODO for the author: one case or more per README step, calling that step's functions on
// random inputs (small shapes) and on the errors the README promises (settle() records an
// error's kind). Compare only what the README promises: where a correct answer may differ
// (an order of random draws, a tie), return a property instead. tests/grade/judges.test.ts
// checks it: it agrees with the solution under many seeds, calls every export, and disagrees
// with the stub on every step. Delete this comment when you are done.

import { defineJudge } from '../../grading/judge/api.ts';
import type * as Api from './__SLUG__.ts'; // @template-only
// @template-target import type * as Api from '../../exercises/__NAME__/__SLUG__.ts';

export default defineJudge<typeof Api>({
  module: '__SLUG__.ts',
  cases: (c) => [
    c({
      name: 'example on random arrays',
      step: 1,
      input: (r) => r.ndarray(r.shape(r.int(0, 3))),
      run: (api, x) => api.example(x),
    }),
  ],
});
