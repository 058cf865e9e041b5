/** lib/ops against TensorFlow.js on seeded random inputs, and its shape errors. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { arrayOfShape, randomArray, shapeArb } from '../../lib/arbitraries.ts';
import { NDArray } from '../../lib/ndarray.ts';
import * as ops from '../../lib/ops/index.ts';
import { loadOracle, type Oracle, runOracle } from '../../lib/oracle.ts';
import { float32Tolerance } from '../../lib/tolerance.ts';

let oracle: Oracle;
beforeAll(async () => {
  oracle = await loadOracle();
});

/** Two shapes that broadcast: b is a's tail with some axes set to 1, or the other way round. */
const broadcastPair = shapeArb({ maxRank: 4, maxDim: 4 }).chain((a) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: a.length }),
      fc.array(fc.boolean(), { minLength: a.length, maxLength: a.length }),
      fc.boolean(),
    )
    .map(([drop, ones, swap]) => {
      const b = a.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
      return swap ? [b, a] : [a, b];
    }),
);

describe('broadcasting', () => {
  it('broadcastShapes follows NumPy and names the failing axis', () => {
    expect(ops.broadcastShapes('add', [32, 10], [10])).toEqual([32, 10]);
    expect(ops.broadcastShapes('add', [8, 1, 6, 1], [7, 1, 5])).toEqual([8, 7, 6, 5]);
    expect(() => ops.broadcastShapes('add', [32, 10], [3])).toThrow(
      'add: shapes [32,10] and [3] cannot broadcast: axis 1 has sizes 10 and 3',
    );
  });

  it('broadcastAxes are the axes a gradient sums over', () => {
    expect(ops.broadcastAxes([10], [32, 10])).toEqual([0]);
    expect(ops.broadcastAxes([32, 1], [32, 10])).toEqual([1]);
    expect(ops.broadcastAxes([1, 10], [1, 10])).toEqual([]);
  });

  it('add, sub, mul, maximum agree with TensorFlow.js on random broadcastable shapes', () => {
    fc.assert(
      fc.property(
        broadcastPair.chain(([sa, sb]) => fc.tuple(arrayOfShape(sa as number[]), arrayOfShape(sb as number[]))),
        ([a, b]) => {
          const tol = float32Tolerance(1, 10);
          expect(ops.add(a, b)).toBeAllClose(
            runOracle(oracle, (tf, x, y) => tf.add(x, y), a, b),
            tol,
          );
          expect(ops.sub(a, b)).toBeAllClose(
            runOracle(oracle, (tf, x, y) => tf.sub(x, y), a, b),
            tol,
          );
          expect(ops.mul(a, b)).toBeAllClose(
            runOracle(oracle, (tf, x, y) => tf.mul(x, y), a, b),
            float32Tolerance(1, 100),
          );
          expect(ops.maximum(a, b)).toBeAllClose(
            runOracle(oracle, (tf, x, y) => tf.maximum(x, y), a, b),
            tol,
          );
        },
      ),
    );
  });

  it('sumToShape undoes broadcasting for gradients', () => {
    fc.assert(
      fc.property(
        broadcastPair.chain(([sa, sb]) => fc.tuple(arrayOfShape(sa as number[]), arrayOfShape(sb as number[]))),
        ([a, b]) => {
          const out = ops.add(a, b);
          const g = ops.sumToShape(out, b.shape);
          expect(g).toHaveShape(b.shape);
          // d(sum(a + b))/db = how many times each b element was used
          const ones = ops.sumToShape(NDArray.ones(out.shape), b.shape);
          expect(ones.data.every((v) => v === out.size / b.size)).toBe(true);
        },
      ),
    );
  });
});

describe('unary ops', () => {
  it('relu, sigmoid, tanh, exp agree with TensorFlow.js; sigmoid never overflows', () => {
    fc.assert(
      fc.property(randomArray({ maxRank: 3 }), (x) => {
        const tol = float32Tolerance(4, 1);
        expect(ops.relu(x)).toBeAllClose(
          runOracle(oracle, (tf, t) => tf.relu(t), x),
          tol,
        );
        expect(ops.sigmoid(x)).toBeAllClose(
          runOracle(oracle, (tf, t) => tf.sigmoid(t), x),
          tol,
        );
        expect(ops.tanh(x)).toBeAllClose(
          runOracle(oracle, (tf, t) => tf.tanh(t), x),
          tol,
        );
        expect(ops.exp(x)).toBeAllClose(
          runOracle(oracle, (tf, t) => tf.exp(t), x),
          float32Tolerance(4, 1),
        );
      }),
    );
    expect(ops.sigmoid(NDArray.fromNested([-1000, 1000]))).toBeAllClose([0, 1]);
  });
});

describe('matmul', () => {
  it('agrees with tf.matMul, with and without transposes', () => {
    const dims = fc.integer({ min: 1, max: 7 });
    fc.assert(
      fc.property(dims, dims, dims, fc.boolean(), fc.boolean(), (m, k, n, ta, tb) => {
        const a = NDArray.randomNormal(ta ? [k, m] : [m, k], 0, 1, { seed: m * 100 + k, dtype: 'float32' });
        const b = NDArray.randomNormal(tb ? [n, k] : [k, n], 0, 1, { seed: k * 100 + n, dtype: 'float32' });
        const got = ops.matmul(a, b, { transposeA: ta, transposeB: tb });
        expect(got).toHaveShape([m, n]);
        const want = runOracle(oracle, (tf, x, y) => tf.matMul(x as never, y as never, ta, tb), a, b);
        expect(got).toBeAllClose(want, float32Tolerance(k, 3));
      }),
    );
  });

  it('names the inner dimensions and both shapes', () => {
    expect(() => ops.matmul(NDArray.zeros([2, 3]), NDArray.zeros([4, 5]))).toThrow(
      'matmul: inner dimensions 3 and 4 differ (a [2,3], b [4,5])',
    );
    expect(() => ops.matmul(NDArray.zeros([2, 3]), NDArray.zeros([3, 2]), { transposeB: true })).toThrow(
      /inner dimensions 3 and 2 differ after transposing/,
    );
    expect(() => ops.matmul(NDArray.zeros([3]), NDArray.zeros([3, 2]))).toThrow(/needs two rank-2 arrays \(a \[3\]/);
  });
});

describe('shape ops', () => {
  it('transpose agrees with tf.transpose for random ranks and permutations', () => {
    const withPerm = randomArray({ minRank: 1, maxRank: 5, maxDim: 4 }).chain((x) =>
      fc.shuffledSubarray([...x.shape.keys()], { minLength: x.rank, maxLength: x.rank }).map((perm) => ({ x, perm })),
    );
    fc.assert(
      fc.property(withPerm, ({ x, perm }) => {
        const got = ops.transpose(x, perm);
        expect(got).toHaveShape(perm.map((p) => x.shape[p]));
        expect(got).toBeAllClose(
          runOracle(oracle, (tf, t) => tf.transpose(t, perm), x),
          { rtol: 0, atol: 0 },
        );
      }),
    );
    expect(() => ops.transpose(NDArray.zeros([2, 3]), [0, 0])).toThrow(
      /perm \[0,0\] is not a permutation of the 2 axes of \[2,3\]/,
    );
  });

  it('reshape keeps the data order and infers one -1', () => {
    const x = NDArray.fromFlat([0, 1, 2, 3, 4, 5], [2, 3]);
    expect(ops.reshape(x, [3, -1])).toHaveShape([3, 2]);
    expect(Array.from(ops.reshape(x, [6]).data)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => ops.reshape(x, [4, -1])).toThrow('reshape: cannot reshape [2,3] (6 elements) into [4,-1]');
    expect(() => ops.reshape(x, [-1, -1])).toThrow(/only one size may be -1/);
  });
});

describe('reductions and softmax', () => {
  it('sum, mean, max over axes agree with TensorFlow.js', () => {
    const withAxis = randomArray({ minRank: 1, maxRank: 4 }).chain((x) =>
      fc.tuple(fc.constant(x), fc.integer({ min: -x.rank, max: x.rank - 1 }), fc.boolean()),
    );
    fc.assert(
      fc.property(withAxis, ([x, axis, keep]) => {
        const n = x.shape.at(axis) as number;
        expect(ops.sum(x, axis, keep)).toBeAllClose(
          runOracle(oracle, (tf, t) => tf.sum(t, axis, keep), x),
          float32Tolerance(n, 10 * n),
        );
        expect(ops.mean(x, axis, keep)).toBeAllClose(
          runOracle(oracle, (tf, t) => tf.mean(t, axis, keep), x),
          float32Tolerance(n, 10),
        );
        expect(ops.max(x, axis, keep)).toBeAllClose(
          runOracle(oracle, (tf, t) => tf.max(t, axis, keep), x),
          { rtol: 0, atol: 0 },
        );
      }),
    );
    expect(() => ops.sum(NDArray.zeros([2, 3]), 2)).toThrow('sum: axis 2 is out of range for rank 2 (shape [2,3])');
  });

  it('softmax and logSoftmax agree with TensorFlow.js and stay finite for logits of ±1000', () => {
    fc.assert(
      fc.property(randomArray({ minRank: 1, maxRank: 3, bound: 50 }), (x) => {
        const n = x.shape.at(-1) as number;
        expect(ops.softmax(x)).toBeAllClose(
          runOracle(oracle, (tf, t) => tf.softmax(t), x),
          float32Tolerance(n * 50, 1),
        );
        expect(ops.logSoftmax(x)).toBeAllClose(
          runOracle(oracle, (tf, t) => tf.logSoftmax(t), x),
          float32Tolerance(n * 50, 50),
        );
      }),
    );
    const big = ops.softmax(NDArray.fromNested([[1000, -1000, 0]]));
    expect(big).toBeAllClose([[1, 0, 0]]);
    expect(ops.logSoftmax(NDArray.fromNested([[1000, 0]]))).toBeAllClose([[0, -1000]]);
  });

  it('argmax takes the first maximum along the last axis', () => {
    expect(
      ops.argmax(
        NDArray.fromNested([
          [0.1, 0.7, 0.7],
          [3, 1, 2],
        ]),
      ),
    ).toEqual([1, 0]);
  });
});

describe('gradient checking (lib/gradcheck)', () => {
  it('central differences match a known gradient: d/dx Σ x² = 2x', async () => {
    const { numericalGradient, relativeError } = await import('../../lib/gradcheck.ts');
    const x = NDArray.randomNormal([3, 4], 0, 1, { seed: 11 });
    const f = (v: NDArray) => Array.from(v.data).reduce((s, e) => s + e * e, 0);
    const numeric = numericalGradient(f, x);
    const analytic = ops.mul(x, 2);
    expect(numeric).toHaveShape([3, 4]);
    expect(relativeError(analytic, numeric)).toBeLessThan(1e-7);
    // a gradient off by a factor, or transposed, is caught
    expect(relativeError(ops.mul(x, 3), numeric)).toBeGreaterThan(0.1);
    expect(() => relativeError(ops.transpose(analytic), numeric)).toThrow(
      /shapes differ \(analytic \[4,3\], numeric \[3,4\]\)/,
    );
    expect(x).toBeAllClose(NDArray.randomNormal([3, 4], 0, 1, { seed: 11 })); // x restored
  });
});
