/**
 * Exercise __NN__ — __TITLE__. Run: `npm start` (watch mode) or `npx vitest --project exercises __NN__`.
 * Each describe block is one step of README.md; make them pass in order.
 */
// TODO for the author: one describe('step k: …') per README step, in the same order. In each,
// fixed worked examples first (the derivation in a comment), then seeded fast-check
// properties against TensorFlow.js; the shape before the values; errors matched by message
// (CONTRIBUTING.md, "Specs"). Every spec must fail on the stub with its TODO(__NAME__) error
// and pass on the solution. Delete this comment when you are done.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomArray } from '../../lib/arbitraries.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { loadOracle, type Oracle, runOracle } from '../../lib/oracle.ts';
import { formatShape } from '../../lib/shape.ts';
import { float32Tolerance } from '../../lib/tolerance.ts';
import { example } from './__SLUG__.ts';

let oracle: Oracle;
beforeAll(async () => {
  // small: the checks' tensors are small, so they run on TF.js' cpu backend where the default is wasm
  oracle = await loadOracle({ small: true });
});

// TensorFlow.js computes in float32: each squared element is one float32 rounding.
const TOL = float32Tolerance(1);

describe('step 1: example', () => {
  it('squares every element of the worked example [[1, -2], [3, 0.5]]', () => {
    const x = NDArray.fromNested([
      [1, -2],
      [3, 0.5],
    ]);
    // 1² = 1, (−2)² = 4, 3² = 9, 0.5² = 0.25; the shape stays [2, 2]
    const y = example(x);
    expect(y).toHaveShape([2, 2]);
    expect(y).toBeAllClose([
      [1, 4],
      [9, 0.25],
    ]);
  });

  it('agrees with tf.square on random arrays of rank 0 to 3', () => {
    fc.assert(
      fc.property(randomArray({ maxRank: 3 }), (x) => {
        const y = example(x);
        const call = `example(x ${formatShape(x.shape)})`;
        expect(y, call).toHaveShape(x.shape);
        expect(y, call).toBeAllClose(
          runOracle(oracle, (tf, t) => tf.square(t), x),
          TOL,
        );
      }),
    );
  });
});
