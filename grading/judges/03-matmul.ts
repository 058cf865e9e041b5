/**
 * The judge of 03-matmul: every product on random shapes — vectors, matrices, stacks with
 * broadcast batch axes (on both sides at once, where TensorFlow.js 4.22 goes wrong) and
 * transposes — the predicted table, and the shape rule with the pairs it must refuse.
 *
 * The specs match this exercise's errors by class and message (`toThrowKind`), so a misfit
 * here is recorded by the error's kind (ShapeError), compared with the reference's.
 */
import type * as Api from '../../exercises/03-matmul/matmul.ts';
import { float32Tolerance } from '../../lib/tolerance.ts';
import { defineJudge, type JudgeRng, threw } from '../judge/api.ts';

/**
 * Sums of up to 8 products of values in [-1, 1]. The specs compare with float32 TensorFlow.js
 * at about this tolerance and do not check the dtype, so a learner who keeps the sums in a
 * Float32Array passes them and must pass here; a wrong index is off by far more.
 */
const PRODUCTS = float32Tolerance(8, 8);

/** The shape, or 'error' where matmulShape refuses the pair. */
const shapeOr = (f: () => number[]): number[] | 'error' => {
  try {
    return f();
  } catch {
    return 'error';
  }
};

interface PairOptions {
  fault?: 'none' | 'inner' | 'batch';
  vector?: 'none' | 'a' | 'b' | 'both';
  /** both operands broadcast batch axes (where TensorFlow.js 4.22's kernels go wrong); default: a third of the time */
  cross?: boolean;
  /** default: at random */
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * Shapes (…, m, k)·(…, k, n) with sizes 1 to 4: each operand keeps the last axes of one batch
 * shape, some set to 1, or (`cross`) a has 1s where b has sizes and the other way round. A
 * transposed operand comes with its last two axes swapped; `vector` makes an operand (k,).
 */
function shapePair(r: JudgeRng, { fault = 'none', vector = 'none', ...o }: PairOptions = {}) {
  const cross = o.cross ?? r.int(0, 2) === 0;
  const batch = o.cross ? r.shape(r.int(2, 3), 2, 3) : r.shape(r.int(0, 3), 1, 3);
  const [m, k, n] = [r.int(1, 4), r.int(1, 4), r.int(1, 4)];
  const keep = () => batch.slice(r.pick([0, 0, 1, 2, 3])).map((d) => (r.bool() ? 1 : d));
  let aBatch = cross ? batch.map((d, i) => (i % 2 ? 1 : d)) : keep();
  let bBatch = cross ? batch.map((d, i) => (i % 2 ? d : 1)) : keep();
  if (fault === 'batch') {
    const pad = (s: number[]) => [...Array<number>(batch.length - s.length).fill(1), ...s];
    [aBatch, bBatch] = [
      [2, ...pad(aBatch)],
      [3, ...pad(bBatch)],
    ];
  }
  const kb = fault === 'inner' ? k + 1 : k;
  const [vecA, vecB] = [vector === 'a' || vector === 'both', vector === 'b' || vector === 'both'];
  const options = { transposeA: !vecA && (o.transposeA ?? r.bool()), transposeB: !vecB && (o.transposeB ?? r.bool()) };
  const a = vecA ? [k] : options.transposeA ? [...aBatch, k, m] : [...aBatch, m, k];
  const b = vecB ? [kb] : options.transposeB ? [...bBatch, n, kb] : [...bBatch, kb, n];
  return { a, b, options };
}

export default defineJudge<typeof Api>({
  module: 'matmul.ts',
  cases: (c) => [
    c({
      name: 'vectorDot of random vectors, and of operands that do not fit',
      step: 1,
      count: 5,
      input: (r) => {
        const n = r.int(0, 8);
        return { a: r.ndarray([n]), b: r.ndarray([n]), longer: r.ndarray([n + 1]), matrix: r.ndarray([n, n]) };
      },
      run: (api, { a, b, longer, matrix }) => ({
        dot: [api.vectorDot(a, b), api.vectorDot(b, a)],
        a,
        b,
        misfits: [
          threw(() => api.vectorDot(a, longer)),
          threw(() => api.vectorDot(matrix, b)),
          threw(() => api.vectorDot(a, matrix)),
        ],
      }),
      tolerance: PRODUCTS,
    }),
    c({
      name: 'matrixVectorDot of random (rows, k)·(k,), and of operands that do not fit',
      step: 2,
      count: 5,
      input: (r) => {
        const [rows, k] = [r.int(1, 8), r.int(1, 8)];
        return { a: r.ndarray([rows, k]), b: r.ndarray([k]), longer: r.ndarray([k + 1]) };
      },
      run: (api, { a, b, longer }) => ({
        z: api.matrixVectorDot(a, b),
        a,
        b,
        misfits: [
          threw(() => api.matrixVectorDot(a, longer)),
          threw(() => api.matrixVectorDot(b, b)),
          threw(() => api.matrixVectorDot(a, a)),
        ],
      }),
      tolerance: PRODUCTS,
    }),
    c({
      name: 'matmul of random (m,k)·(k,n), and of operands that do not fit',
      step: 3,
      count: 6,
      input: (r, i) => {
        // the first input has an inner dimension of 0: every entry is an empty sum
        const [m, k, n] = [r.int(1, 6), i === 0 ? 0 : r.int(1, 6), r.int(1, 6)];
        return { a: r.ndarray([m, k]), b: r.ndarray([k, n]), wide: r.ndarray([k + 1, n]), stack: r.ndarray([2, m, k]) };
      },
      run: (api, { a, b, wide, stack }) => ({
        z: api.matmul(a, b),
        a,
        b,
        misfits: [threw(() => api.matmul(a, wide)), threw(() => api.matmul(stack, b))],
      }),
      tolerance: PRODUCTS,
    }),
    // predictShapes takes no input: one call says everything it can.
    c({ name: 'the predicted shapes', step: 4, count: 1, input: () => null, run: (api) => api.predictShapes() }),
    c({
      name: 'matmulShape of random pairs: batches, vectors, transposes, and pairs to refuse',
      step: 5,
      count: 6,
      input: (r) => [
        shapePair(r),
        shapePair(r, { cross: true }),
        ...(['a', 'b', 'both'] as const).map((vector) => shapePair(r, { vector })),
        shapePair(r, { fault: 'inner', vector: r.pick(['none', 'a', 'b', 'both'] as const) }),
        shapePair(r, { fault: 'batch' }),
        { a: [] as number[], b: [r.int(1, 4)], options: {} },
        { a: [r.int(1, 4)], b: [r.int(1, 4), r.int(1, 4)], options: { transposeA: true } },
      ],
      // frozen, as in the spec: a rule that writes into the shapes it is given throws
      run: (api, pairs) =>
        pairs.map(({ a, b, options }) => shapeOr(() => api.matmulShape(Object.freeze(a), Object.freeze(b), options))),
    }),
    c({
      name: 'batchedMatmul of random stacks, and of operands that do not fit',
      step: 6,
      count: 6,
      // every pair of transposes; every other input broadcasts batch axes on both sides
      input: (r, i) => {
        const { a, b, options } = shapePair(r, { cross: i % 2 === 0, transposeA: i % 2 === 1, transposeB: i % 4 >= 2 });
        const inner = shapePair(r, { fault: 'inner' });
        const batch = shapePair(r, { fault: 'batch' });
        const k = a[a.length - (options.transposeA ? 2 : 1)];
        return {
          a: r.ndarray(a),
          b: r.ndarray(b),
          options,
          vector: r.ndarray([k]),
          misfits: [inner, batch].map((p) => ({ a: r.ndarray(p.a), b: r.ndarray(p.b), options: p.options })),
        };
      },
      run: (api, { a, b, options, vector, misfits }) => ({
        z: api.batchedMatmul(a, b, options),
        a,
        b,
        misfits: [
          threw(() => api.batchedMatmul(vector, b, { transposeB: options.transposeB })),
          ...misfits.map((p) => threw(() => api.batchedMatmul(p.a, p.b, p.options))),
        ],
      }),
      tolerance: PRODUCTS,
    }),
  ],
});
