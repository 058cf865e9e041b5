/**
 * Exercise __NN__ — __TITLE__.
 *
 * Read README.md (or README.ko.md), then make the specs pass step by step: `npm start`.
 * Stuck? `npm run hint -- __NN__` shows the next hint.
 */
// TODO for the author: the exercise's API, typed, one section per README step, in order.
// Every body is a TODO comment saying what to do (never a hint: those go in HINTS.md), then
// throws the TODO error as example() does, naming the function and its step. Export the
// same names as solutions/__NAME__/__SLUG__.ts. Delete this comment when you are done.

import type { NDArray } from '../../lib/ndarray.ts';

// ---- Step 1: example ------------------------------------------------------------------

/** Every element of `x` squared, as a new array of the same shape; `x` is left as it was. */
// biome-ignore lint/correctness/noUnusedFunctionParameters: @template-only (exercises/ allows unused parameters in stubs)
export function example(x: NDArray): NDArray {
  // TODO: square every element of x into a new array of x's shape.
  throw new Error('TODO(__NAME__): implement example (step 1 in README.md)');
}
