/**
 * Exercise 03 — the tensor product. Run: `npm start` (watch mode) or `npx vitest --project exercises 03`.
 * Each describe block is one step of README.md; make them pass in order.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { arrayOfShape } from '../../lib/arbitraries.ts';
import { ShapeError } from '../../lib/errors.ts';
import { NDArray, type Nested } from '../../lib/ndarray.ts';
import { loadOracle, type Oracle, runOracle } from '../../lib/oracle.ts';
import { formatShape } from '../../lib/shape.ts';
import { float32Tolerance } from '../../lib/tolerance.ts';
import {
  batchedMatmul,
  type MatmulOptions,
  matmul,
  matmulShape,
  matrixVectorDot,
  type Prediction,
  predictShapes,
  type ShapeCase,
  vectorDot,
} from './matmul.ts';

let oracle: Oracle;
beforeAll(async () => {
  oracle = await loadOracle({ small: true, lean: true });
});

const nd = (x: Nested) => NDArray.fromNested(x);

const maxAbs = (x: NDArray) => Array.from(x.data).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** float32 tolerance for sums of k products of a's and b's numbers: each sum is at most k·max|a|·max|b|. */
const productTolerance = (k: number, a: NDArray, b: NDArray) => float32Tolerance(k, k * maxAbs(a) * maxAbs(b));

/**
 * A float32 array of quarter steps in [-10, 10] (like 0, 1.5, -2.25). Products and sums of these
 * are exact in float32, so any difference from TensorFlow.js is a wrong index, not rounding, and
 * a shrunk counterexample stays readable: [[0, 1]]·[[1], [0]] rather than [[0, 1.4e-45]]·….
 */
function quarterArray(shape: readonly number[]): fc.Arbitrary<NDArray> {
  const n = shape.reduce((p, d) => p * d, 1);
  return fc.array(fc.integer({ min: -40, max: 40 }), { minLength: n, maxLength: n }).map((q) =>
    NDArray.fromFlat(
      q.map((v) => v / 4),
      shape,
      'float32',
    ),
  );
}

const size = (max: number) => fc.integer({ min: 1, max });

describe('step 1: vector dot', () => {
  it('[1, 2, 3]·[4, 5, 6] = 1·4 + 2·5 + 3·6 = 32', () => {
    expect(vectorDot(nd([1, 2, 3]), nd([4, 5, 6]))).toBe(32);
  });

  it('a vector dotted with itself is its squared length: [3, 4]·[3, 4] = 9 + 16 = 25', () => {
    expect(vectorDot(nd([3, 4]), nd([3, 4]))).toBe(25);
    // order does not matter for vectors: a·b = b·a
    expect(vectorDot(nd([2, -1, 5]), nd([1, 7, 0.5]))).toBe(vectorDot(nd([1, 7, 0.5]), nd([2, -1, 5])));
  });

  it('vectors of one number multiply; empty vectors give the empty sum, 0', () => {
    expect(vectorDot(nd([6]), nd([7]))).toBe(42);
    expect(vectorDot(nd([]), nd([]))).toBe(0);
  });

  it('rejects vectors of different lengths, naming both shapes', () => {
    expect(
      () => vectorDot(nd([1, 2, 3]), nd([1, 2, 3, 4])),
      'vectorDot of a [3] and b [4] must throw: the lengths differ',
    ).toThrowKind(ShapeError, /vectorDot: lengths 3 and 4 differ \(a \[3\], b \[4\]\)/);
  });

  it('rejects anything that is not a vector, naming its shape', () => {
    const matrix = nd([
      [1, 2],
      [3, 4],
    ]);
    expect(() => vectorDot(matrix, nd([1, 2])), 'vectorDot of a [2,2] must throw').toThrowKind(
      ShapeError,
      /^vectorDot: a must have rank 1, got rank 2 \(a \[2,2\], b \[2\]\)$/,
    );
    expect(() => vectorDot(nd([1, 2]), matrix), 'vectorDot of b [2,2] must throw').toThrowKind(
      ShapeError,
      /^vectorDot: b must have rank 1, got rank 2 \(a \[2\], b \[2,2\]\)$/,
    );
  });

  it('does not change its inputs', () => {
    const a = nd([1, 2, 3]);
    const b = nd([4, 5, 6]);
    expect(() => vectorDot(a, b)).toLeaveUnchanged({ a, b });
  });

  it('agrees with tf.dot on random vectors of length 1 to 30', () => {
    const vectors = size(30).chain((n) => fc.tuple(arrayOfShape([n]), arrayOfShape([n])));
    fc.assert(
      fc.property(vectors, ([a, b]) => {
        const got = vectorDot(a, b);
        const n = a.shape[0];
        expect(got, `vectorDot(a ${formatShape(a.shape)}, b ${formatShape(b.shape)})`).toBeAllClose(
          runOracle(oracle, (tf, x, y) => tf.dot(x, y), a, b),
          { ...productTolerance(n, a, b), label: 'vectorDot(a, b)' },
        );
      }),
    );
  });
});

describe('step 2: matrix · vector', () => {
  it('[[1, 2, 3], [4, 5, 6]]·[7, 8, 9] = [1·7 + 2·8 + 3·9, 4·7 + 5·8 + 6·9] = [50, 122]', () => {
    const z = matrixVectorDot(
      nd([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      nd([7, 8, 9]),
    );
    expect(z).toHaveShape([2]);
    expect(z).toBeAllClose([50, 122]);
  });

  it('a (3,2) matrix times a vector of 2 is a vector of 3: row i · [10, 1] reads row i as a number', () => {
    // [1, 2]·[10, 1] = 12, [3, 4]·[10, 1] = 34, [5, 6]·[10, 1] = 56
    const z = matrixVectorDot(
      nd([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      nd([10, 1]),
    );
    expect(z).toHaveShape([3]);
    expect(z).toBeAllClose([12, 34, 56]);
  });

  it('rejects a vector whose length is not the number of columns, naming both shapes', () => {
    const a = nd([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => matrixVectorDot(a, nd([1, 2])), 'matrixVectorDot of a [2,3] and b [2] must throw').toThrowKind(
      ShapeError,
      /matrixVectorDot: inner dimensions 3 and 2 differ \(a \[2,3\], b \[2\]\)/,
    );
  });

  it('rejects a first operand that is not a matrix and a second that is not a vector', () => {
    expect(() => matrixVectorDot(nd([1, 2]), nd([1, 2])), 'a [2] is not a matrix').toThrowKind(
      ShapeError,
      /^matrixVectorDot: a must have rank 2, got rank 1 \(a \[2\], b \[2\]\)$/,
    );
    const square = nd([
      [1, 2],
      [3, 4],
    ]);
    expect(() => matrixVectorDot(square, square), 'b [2,2] is not a vector').toThrowKind(
      ShapeError,
      /^matrixVectorDot: b must have rank 1, got rank 2 \(a \[2,2\], b \[2,2\]\)$/,
    );
  });

  it('does not change its inputs', () => {
    const a = nd([
      [1, 2],
      [3, 4],
    ]);
    const b = nd([5, 6]);
    expect(() => matrixVectorDot(a, b)).toLeaveUnchanged({ a, b });
  });

  it('agrees with tf.dot on random (rows, k)·(k,), sizes 1 to 8', () => {
    const pairs = fc.tuple(size(8), size(8)).chain(([rows, k]) => fc.tuple(quarterArray([rows, k]), quarterArray([k])));
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        const got = matrixVectorDot(a, b);
        expect(got).toHaveShape([a.shape[0]]);
        expect(got).toBeAllClose(
          runOracle(oracle, (tf, x, y) => tf.dot(x, y), a, b),
          {
            ...productTolerance(a.shape[1], a, b),
            label: `matrixVectorDot(a ${formatShape(a.shape)}, b ${formatShape(b.shape)})`,
          },
        );
      }),
    );
  });
});

describe('step 3: matrix · matrix', () => {
  const a23 = nd([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  it('(2,3)·(3,2) → (2,2): [[1,2,3],[4,5,6]]·[[7,8],[9,10],[11,12]] = [[58,64],[139,154]]', () => {
    // [0,0] = row 0 · column 0 = 1·7 + 2·9 + 3·11 = 58;  [1,1] = 4·8 + 5·10 + 6·12 = 154
    const b = nd([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    const z = matmul(a23, b);
    expect(z).toHaveShape([2, 2]);
    expect(z).toBeAllClose([
      [58, 64],
      [139, 154],
    ]);
  });

  it('(2,3)·(3,4) → (2,4): multiplying by [I | 1] copies the columns of a and appends the row sums', () => {
    // columns 0..2 of b are the identity's, so they pick the columns of a; column 3 is all ones, so it sums each row
    const b = nd([
      [1, 0, 0, 1],
      [0, 1, 0, 1],
      [0, 0, 1, 1],
    ]);
    const z = matmul(a23, b);
    expect(z).toHaveShape([2, 4]);
    expect(z).toBeAllClose([
      [1, 2, 3, 6],
      [4, 5, 6, 15],
    ]);
  });

  it('square matrices: [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]], and the product does not commute', () => {
    // [0,1] = row 0 of a · column 1 of b = 1·6 + 2·8 = 22;  [1,0] = 3·5 + 4·7 = 43
    const a = nd([
      [1, 2],
      [3, 4],
    ]);
    const b = nd([
      [5, 6],
      [7, 8],
    ]);
    expect(matmul(a, b)).toBeAllClose([
      [19, 22],
      [43, 50],
    ]);
    // b·a ≠ a·b: [0,0] = 5·1 + 6·3 = 23
    expect(matmul(b, a)).toBeAllClose([
      [23, 34],
      [31, 46],
    ]);
  });

  it('the identity changes nothing: I₂·a = a·I₃ = a for a (2,3) matrix', () => {
    const i2 = nd([
      [1, 0],
      [0, 1],
    ]);
    const i3 = nd([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(matmul(i2, a23)).toBeAllClose(a23);
    expect(matmul(a23, i3)).toBeAllClose(a23);
  });

  it('an inner dimension of 0 gives zeros: every entry of (2,0)·(0,3) is an empty sum', () => {
    const z = matmul(NDArray.zeros([2, 0]), NDArray.zeros([0, 3]));
    expect(z).toHaveShape([2, 3]);
    expect(z).toBeAllClose(NDArray.zeros([2, 3]));
  });

  it('rejects (2,3)·(4,5): a row of a has 3 numbers but a column of b has 4', () => {
    const b45 = NDArray.ones([4, 5]);
    expect(() => matmul(a23, b45), 'matmul of a [2,3] and b [4,5] must throw').toThrowKind(
      ShapeError,
      /matmul: inner dimensions 3 and 4 differ \(a \[2,3\], b \[4,5\]\)/,
    );
    // equal shapes are not enough: (2,3)·(2,3) has inner dimensions 3 and 2
    expect(() => matmul(a23, a23), 'matmul of a [2,3] and b [2,3] must throw').toThrowKind(
      ShapeError,
      /inner dimensions 3 and 2 differ \(a \[2,3\], b \[2,3\]\)/,
    );
  });

  it('rejects operands that are not matrices, naming their shapes', () => {
    expect(() => matmul(NDArray.ones([5, 2, 3]), NDArray.ones([3, 4])), 'a [5,2,3] is not a matrix').toThrowKind(
      ShapeError,
      /^matmul: a must have rank 2, got rank 3 \(a \[5,2,3\], b \[3,4\]\)$/,
    );
    expect(() => matmul(a23, nd([1, 2, 3])), 'b [3] is not a matrix').toThrowKind(
      ShapeError,
      /^matmul: b must have rank 2, got rank 1 \(a \[2,3\], b \[3\]\)$/,
    );
  });

  it('does not change its inputs', () => {
    const b = NDArray.ones([3, 2]);
    expect(() => matmul(a23, b)).toLeaveUnchanged({ a23, b });
  });

  it('agrees with tf.matMul on random (m,k)·(k,n), sizes 1 to 6', () => {
    const pairs = fc
      .tuple(size(6), size(6), size(6))
      .chain(([m, k, n]) => fc.tuple(quarterArray([m, k]), quarterArray([k, n])));
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        const got = matmul(a, b);
        expect(got).toHaveShape([a.shape[0], b.shape[1]]);
        expect(got).toBeAllClose(
          runOracle(oracle, (tf, x, y) => tf.matMul(x, y), a, b),
          {
            ...productTolerance(a.shape[1], a, b),
            label: `matmul(a ${formatShape(a.shape)}, b ${formatShape(b.shape)})`,
          },
        );
      }),
    );
  });
});

// ---- the oracle's shape rule ------------------------------------------------------------

/**
 * The shape TensorFlow.js gives the product, or 'error' if it refuses. tf.dot takes vectors
 * and matrices; tf.matMul wants rank ≥ 2, so for stacks a vector is promoted (k,) → (1,k) or
 * (k,1) as np.matmul does, and the added axis is dropped from the result.
 */
function oracleShape(a: readonly number[], b: readonly number[], options: MatmulOptions = {}): Prediction {
  const { tf } = oracle;
  const { transposeA = false, transposeB = false } = options;
  let shape: number[] = [];
  try {
    tf.tidy(() => {
      if (a.length <= 2 && b.length <= 2 && !transposeA && !transposeB) {
        shape = tf.dot(tf.zeros([...a]), tf.zeros([...b])).shape;
        return;
      }
      const a2 = a.length === 1 ? [1, ...a] : [...a];
      const b2 = b.length === 1 ? [...b, 1] : [...b];
      const full = tf.matMul(tf.zeros(a2), tf.zeros(b2), transposeA, transposeB).shape;
      if (b.length === 1) full.splice(-1, 1);
      if (a.length === 1) full.splice(full.length - (b.length === 1 ? 1 : 2), 1);
      shape = full;
    });
  } catch {
    return 'error';
  }
  return shape;
}

/** '(2,3)·(3,)' → [[2, 3], [3]] */
function parseCase(c: ShapeCase): [number[], number[]] {
  const [a, b] = c.split('·').map((s) =>
    s
      .replace(/[()]/g, '')
      .split(',')
      .filter((d) => d !== '')
      .map(Number),
  );
  return [a as number[], b as number[]];
}

const CASES: ShapeCase[] = [
  '(2,3)·(3,4)',
  '(2,3)·(2,3)',
  '(32,784)·(784,512)',
  '(784,512)·(32,784)',
  '(4,1)·(1,4)',
  '(1,4)·(4,1)',
  '(3,)·(3,)',
  '(2,3)·(3,)',
  '(3,)·(3,4)',
  '(128,10,20)·(20,)',
  '(5,2,3)·(3,4)',
  '(5,2,3)·(5,3,4)',
  '(5,2,3)·(4,3,4)',
  '(1,2,3)·(6,3,4)',
  '(2,1,2,3)·(7,3,4)',
];

describe('step 4: predict the shapes', () => {
  it('predicts every product of the table, and nothing else', () => {
    const keys = Object.keys(predictShapes());
    const missing = CASES.filter((c) => !keys.includes(c));
    const extra = keys.filter((k) => !(CASES as string[]).includes(k));
    expect(
      { missing, extra },
      `missing: ${missing.join(' ') || 'none'}; not in the table: ${extra.join(' ') || 'none'}`,
    ).toEqual({
      missing: [],
      extra: [],
    });
  });

  // The answers are not written here: TensorFlow.js works each one out when the spec runs.
  it.each(CASES)('%s', (c) => {
    const predicted = predictShapes()[c];
    const [a, b] = parseCase(c);
    expect(predicted, `your prediction for ${c} (checked with TensorFlow.js)`).toEqual(oracleShape(a, b));
  });
});

// ---- random pairs of shapes for the shape rule and stacks --------------------------------

interface ShapePair {
  a: number[];
  b: number[];
  options: MatmulOptions;
}

/**
 * Pairs of shapes (…, m, k)·(…, k, n): each operand keeps the last axes of a common batch
 * shape, some set to 1, so the batches broadcast; sizes 1 to 4. With `vectors`, an operand
 * may be a vector (k,); with `faults`, some pairs get inner dimensions k and k + 1, or
 * batch axes 2 against 3. A transposed operand is given with its last two axes swapped.
 */
function shapePairs({ vectors = false, faults = false } = {}): fc.Arbitrary<ShapePair> {
  const flags = fc.array(fc.boolean(), { minLength: 3, maxLength: 3 });
  return fc
    .record({
      batch: fc.integer({ min: 0, max: 3 }).chain((r) => fc.array(size(3), { minLength: r, maxLength: r })),
      m: size(4),
      k: size(4),
      n: size(4),
      dropA: fc.constantFrom(0, 0, 1, 2, 3),
      dropB: fc.constantFrom(0, 0, 1, 2, 3),
      onesA: flags,
      onesB: flags,
      cross: fc.constantFrom(false, false, true),
      transposeA: fc.boolean(),
      transposeB: fc.boolean(),
      vector: vectors ? fc.constantFrom('none', 'none', 'none', 'none', 'a', 'b', 'both') : fc.constant('none'),
      fault: faults ? fc.constantFrom('none', 'none', 'inner', 'batch') : fc.constant('none'),
    })
    .map((r) => {
      const keep = (drop: number, ones: boolean[]) =>
        r.batch.slice(Math.min(drop, r.batch.length)).map((d, i) => (ones[i] ? 1 : d));
      // `cross`: a has 1s where b has sizes and the other way round, so both operands broadcast
      const odd = r.batch.map((_, i) => i % 2 === 1);
      let aBatch = r.cross ? r.batch.map((d, i) => (odd[i] ? 1 : d)) : keep(r.dropA, r.onesA);
      let bBatch = r.cross ? r.batch.map((d, i) => (odd[i] ? d : 1)) : keep(r.dropB, r.onesB);
      if (r.fault === 'batch') {
        // leading 1s change nothing; then 2 meets 3 on the new first axis
        const pad = (s: number[]) => [...Array<number>(r.batch.length - s.length).fill(1), ...s];
        aBatch = [2, ...pad(aBatch)];
        bBatch = [3, ...pad(bBatch)];
      }
      const kb = r.fault === 'inner' ? r.k + 1 : r.k;
      const vecA = r.vector === 'a' || r.vector === 'both';
      const vecB = r.vector === 'b' || r.vector === 'both';
      const transposeA = !vecA && r.transposeA;
      const transposeB = !vecB && r.transposeB;
      const a = vecA ? [r.k] : transposeA ? [...aBatch, r.k, r.m] : [...aBatch, r.m, r.k];
      const b = vecB ? [kb] : transposeB ? [...bBatch, r.n, kb] : [...bBatch, kb, r.n];
      return { a, b, options: { transposeA, transposeB } };
    });
}

const describePair = ({ a, b, options }: ShapePair) =>
  `a ${formatShape(a)}${options.transposeA ? ' transposed' : ''}, b ${formatShape(b)}${options.transposeB ? ' transposed' : ''}`;

/** Your matmulShape's result, or the error it throws (a TODO error is passed on). */
function shapeOrError(a: readonly number[], b: readonly number[], options?: MatmulOptions): number[] | Error {
  try {
    return matmulShape(a, b, options);
  } catch (e) {
    if (!(e instanceof Error) || e.message.includes('TODO(')) throw e;
    return e;
  }
}

/** Checks your matmulShape(a, b, options) against `expected`, naming the call in a failure. */
function expectShape(a: number[], b: number[], expected: number[], options?: MatmulOptions): void {
  const got = matmulShape(a, b, options);
  expect(got, `matmulShape(${describePair({ a, b, options: options ?? {} })})`).toEqual(expected);
}

describe('step 5: the shape rule', () => {
  it("is the seed's (a, b)·(b, c) → (a, c) for matrices", () => {
    expectShape([2, 3], [3, 4], [2, 4]);
    // the first layer of the MNIST network: a batch of 32 images of 784 pixels, 512 units
    expectShape([32, 784], [784, 512], [32, 512]);
  });

  it('treats vectors as np.matmul does: (3,)·(3,) → (), (2,3)·(3,) → (2,), (3,)·(3,4) → (4,)', () => {
    expectShape([3], [3], []);
    expectShape([2, 3], [3], [2]);
    expectShape([3], [3, 4], [4]);
  });

  it("follows the book's higher-rank rules: (a,b,c,d)·(d,) → (a,b,c) and (a,b,c,d)·(d,e) → (a,b,c,e)", () => {
    expectShape([2, 3, 4, 5], [5], [2, 3, 4]);
    expectShape([2, 3, 4, 5], [5, 6], [2, 3, 4, 6]);
  });

  it('broadcasts the batch axes: (5,2,3)·(3,4) → (5,2,4), (1,2,3)·(6,3,4) → (6,2,4), (2,1,2,3)·(7,3,4) → (2,7,2,4)', () => {
    expectShape([5, 2, 3], [3, 4], [5, 2, 4]);
    expectShape([5, 2, 3], [5, 3, 4], [5, 2, 4]);
    expectShape([1, 2, 3], [6, 3, 4], [6, 2, 4]);
    // batch [2,1] meets batch [7]: right-aligned, 1 stretches to 7
    expectShape([2, 1, 2, 3], [7, 3, 4], [2, 7, 2, 4]);
    expectShape([3, 4], [2, 1, 4, 5], [2, 1, 3, 5]);
  });

  it('transposeA / transposeB swap the last two axes of a / b first', () => {
    expectShape([3, 2], [3, 4], [2, 4], { transposeA: true }); // (2,3)·(3,4)
    expectShape([2, 3], [4, 3], [2, 4], { transposeB: true }); // (2,3)·(3,4)
    expectShape([3, 2], [4, 3], [2, 4], { transposeA: true, transposeB: true });
    // x·xᵀ: the dot products of every row of x with every row, (5,3)·(3,5) → (5,5)
    expectShape([5, 3], [5, 3], [5, 5], { transposeB: true });
    expectShape([7, 3, 2], [3, 4], [7, 2, 4], { transposeA: true });
  });

  it('rejects inner dimensions that differ, naming them and both shapes', () => {
    expect(() => matmulShape([2, 3], [4, 5]), 'matmulShape of a [2,3] and b [4,5] must throw').toThrowKind(
      ShapeError,
      /matmulShape: inner dimensions 3 and 4 differ \(a \[2,3\], b \[4,5\]\)/,
    );
    expect(() => matmulShape([3], [4]), 'matmulShape of a [3] and b [4] must throw').toThrowKind(
      ShapeError,
      /inner dimensions 3 and 4 differ \(a \[3\], b \[4\]\)/,
    );
    // transposed, a (2,3) is a (3,2): its rows have 2 numbers
    expect(
      () => matmulShape([2, 3], [4, 5], { transposeA: true }),
      'matmulShape of a [2,3] transposed and b [4,5] must throw',
    ).toThrowKind(ShapeError, /inner dimensions 2 and 4 differ \(a \[2,3\] transposed, b \[4,5\]\)/);
  });

  it('rejects batch axes that do not broadcast, naming both batch shapes and both shapes', () => {
    expect(() => matmulShape([2, 4, 5], [3, 5, 6]), 'batch [2] against [3] must throw').toThrowKind(
      ShapeError,
      /matmulShape: batch dimensions \[2\] and \[3\] cannot broadcast \(a \[2,4,5\], b \[3,5,6\]\)/,
    );
    expect(() => matmulShape([2, 3, 4, 5], [7, 5, 6]), 'batch [2,3] against [7] must throw').toThrowKind(
      ShapeError,
      /batch dimensions \[2,3\] and \[7\] cannot broadcast \(a \[2,3,4,5\], b \[7,5,6\]\)/,
    );
  });

  it('rejects scalars, and transposed vectors (a vector has no two axes to swap)', () => {
    expect(() => matmulShape([], [3]), 'a scalar a [] must throw').toThrowKind(
      ShapeError,
      /^matmulShape: a scalar has no axis to multiply along; multiply element-wise \(a \[\], b \[3\]\)$/,
    );
    expect(() => matmulShape([3], [3, 4], { transposeA: true }), 'a transposed vector must throw').toThrowKind(
      ShapeError,
      /^matmulShape: only matrices \(rank 2 or more\) can be transposed \(a \[3\] transposed, b \[3,4\]\)$/,
    );
  });

  it('refuses a scalar or a transposed vector as b too, and marks a transposed b', () => {
    expect(() => matmulShape([3], []), 'a scalar b [] must throw').toThrowKind(
      ShapeError,
      /^matmulShape: a scalar has no axis to multiply along; multiply element-wise \(a \[3\], b \[\]\)$/,
    );
    expect(() => matmulShape([3, 4], [3], { transposeB: true }), 'a transposed vector b must throw').toThrowKind(
      ShapeError,
      /^matmulShape: only matrices \(rank 2 or more\) can be transposed \(a \[3,4\], b \[3\] transposed\)$/,
    );
    // transposed, b (4,5) is a (5,4): its columns have 5 numbers, a's rows 3
    expect(() => matmulShape([2, 3], [4, 5], { transposeB: true }), 'a [2,3] with b [4,5] transposed').toThrowKind(
      ShapeError,
      /^matmulShape: inner dimensions 3 and 5 differ \(a \[2,3\], b \[4,5\] transposed\)$/,
    );
  });

  it('does not change the shapes it is given', () => {
    // frozen: writing into them throws
    const a = Object.freeze([2, 4, 3]);
    const b = Object.freeze([5, 4]);
    expect(matmulShape(a, b, { transposeA: true, transposeB: true })).toEqual([2, 3, 5]);
    expect([a, b]).toEqual([
      [2, 4, 3],
      [5, 4],
    ]);
  });

  it('agrees with your predictions of step 4', () => {
    const rule = CASES.map((c) => {
      const got = shapeOrError(...parseCase(c));
      return got instanceof Error ? 'error' : got;
    });
    const predictions = predictShapes();
    const text = (p: Prediction | undefined) => (Array.isArray(p) ? formatShape(p) : String(p));
    const disagreements = CASES.flatMap((c, i) =>
      text(rule[i]) === text(predictions[c])
        ? []
        : [`${c}: matmulShape gives ${text(rule[i])}, you predicted ${text(predictions[c])}`],
    );
    expect(disagreements, `your rule and your predictions disagree:\n  ${disagreements.join('\n  ')}\n`).toEqual([]);
  });

  it('agrees with tf.matMul on random shapes: batches, size-1 axes, vectors, transposes, and the pairs it refuses', () => {
    fc.assert(
      fc.property(shapePairs({ vectors: true, faults: true }), (pair) => {
        const got = shapeOrError(pair.a, pair.b, pair.options);
        const expected = oracleShape(pair.a, pair.b, pair.options);
        if (expected === 'error') {
          expect(got, `tf.matMul refuses ${describePair(pair)}, so matmulShape must throw`).toBeInstanceOf(Error);
          expect((got as Error).message).toMatch(/matmulShape: (inner|batch) dimensions/);
        } else {
          if (got instanceof Error) throw got;
          expect(got, `matmulShape(${describePair(pair)})`).toEqual(expected);
        }
      }),
    );
  });
});

describe('step 6: stacks of matrices', () => {
  it('multiplies every matrix of a stack by one matrix: (2,2,3)·(3,2) → (2,2,2)', () => {
    // matrix 0 is the (2,3) of step 3; matrix 1 picks the first two rows of b
    const a = nd([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
    ]);
    const b = nd([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    const z = batchedMatmul(a, b);
    expect(z).toHaveShape([2, 2, 2]);
    expect(z).toBeAllClose([
      [
        [58, 64],
        [139, 154],
      ],
      [
        [7, 8],
        [9, 10],
      ],
    ]);
  });

  it('two stacks of the same size multiply matrix t by matrix t: (2,2,2)·(2,2,2)', () => {
    // I·[[1,2],[3,4]] = [[1,2],[3,4]];  [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]
    const a = nd([
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    const b = nd([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    const z = batchedMatmul(a, b);
    expect(z).toHaveShape([2, 2, 2]);
    expect(z).toBeAllClose([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [19, 22],
        [43, 50],
      ],
    ]);
  });

  it('broadcasts batch axes on both sides: (2,1,1,2)·(3,2,1) → (2,3,1,1), every row meets every column', () => {
    // a holds the rows [1,2] and [3,4] (batch [2,1]); b the columns [1,0], [0,1], [1,1] (batch [3]).
    // The batches broadcast to [2,3], and entry [i,j] is row i · column j:
    //   [1,2]·[1,0] = 1, [1,2]·[0,1] = 2, [1,2]·[1,1] = 3;  [3,4]·… = 3, 4, 7.
    // NOTE: TensorFlow.js 4.22's own tf.matMul gets this case wrong (it picks matrix t % 2 of a).
    const a = nd([[[[1, 2]]], [[[3, 4]]]]);
    const b = nd([
      [[1], [0]],
      [[0], [1]],
      [[1], [1]],
    ]);
    const z = batchedMatmul(a, b);
    expect(z).toHaveShape([2, 3, 1, 1]);
    expect(z).toBeAllClose([
      [[[1]], [[2]], [[3]]],
      [[[3]], [[4]], [[7]]],
    ]);
  });

  it('transposeA multiplies by aᵀ without moving any data: [[1,2],[3,4],[5,6]]ᵀ·[[1],[1],[1]] = the column sums', () => {
    // aᵀ = [[1,3,5],[2,4,6]], so aᵀ·ones = [[1+3+5], [2+4+6]] = [[9], [12]]
    const a = nd([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const z = batchedMatmul(a, NDArray.ones([3, 1]), { transposeA: true });
    expect(z).toHaveShape([2, 1]);
    expect(z).toBeAllClose([[9], [12]]);
  });

  it('transposeB: x·xᵀ holds the dot products of every row of x with every row', () => {
    // rows r0 = [1,2,3], r1 = [4,5,6]: r0·r0 = 14, r0·r1 = 32, r1·r1 = 16 + 25 + 36 = 77
    const x = nd([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const z = batchedMatmul(x, x, { transposeB: true });
    expect(z).toHaveShape([2, 2]);
    expect(z).toBeAllClose([
      [14, 32],
      [32, 77],
    ]);
  });

  it("on plain matrices it is step 3's matmul: (2,3)·(3,4) → (2,4)", () => {
    // [0,0] = 1·2 + (-2)·1 + 3·0 = 0;  [1,3] = 0·4 + 5·(-3) + (-1)·1 = -16
    const a = nd([
      [1, -2, 3],
      [0, 5, -1],
    ]);
    const b = nd([
      [2, 0, 1, 4],
      [1, 1, 0, -3],
      [0, 2, 5, 1],
    ]);
    const z = batchedMatmul(a, b);
    expect(z).toHaveShape([2, 4]);
    expect(z).toBeAllClose([
      [0, 4, 16, 13],
      [5, 3, -5, -16],
    ]);
  });

  it('rejects vectors, inner dimensions that differ and batches that do not broadcast, naming the shapes', () => {
    expect(() => batchedMatmul(nd([1, 2, 3]), NDArray.ones([3, 2])), 'a vector a [3] must throw').toThrowKind(
      ShapeError,
      /^batchedMatmul: a must have rank 2 or more, got rank 1 \(a \[3\], b \[3,2\]\); use vectorDot or matrixVectorDot for vectors$/,
    );
    expect(() => batchedMatmul(NDArray.ones([3, 2]), nd([1, 2])), 'a vector b [2] must throw').toThrowKind(
      ShapeError,
      /^batchedMatmul: b must have rank 2 or more, got rank 1 \(a \[3,2\], b \[2\]\); use vectorDot or matrixVectorDot for vectors$/,
    );
    expect(
      () => batchedMatmul(NDArray.ones([2, 3]), NDArray.ones([4, 5])),
      'a [2,3] with b [4,5] must throw',
    ).toThrowKind(ShapeError, /inner dimensions 3 and 4 differ \(a \[2,3\], b \[4,5\]\)/);
    expect(
      () => batchedMatmul(NDArray.ones([2, 3]), NDArray.ones([4, 5]), { transposeA: true }),
      'a [2,3] transposed with b [4,5] must throw',
    ).toThrowKind(ShapeError, /inner dimensions 2 and 4 differ \(a \[2,3\] transposed, b \[4,5\]\)/);
    expect(
      () => batchedMatmul(NDArray.ones([2, 4, 5]), NDArray.ones([3, 5, 6])),
      'batch [2] with batch [3] must throw',
    ).toThrowKind(ShapeError, /batch dimensions \[2\] and \[3\] cannot broadcast \(a \[2,4,5\], b \[3,5,6\]\)/);
  });

  it('does not change its inputs', () => {
    const a = NDArray.fromFlat([1, 2, 3, 4, 5, 6], [2, 1, 3]);
    const b = NDArray.fromFlat([1, 0, 2, 1, 0, 3], [3, 2]);
    expect(() => batchedMatmul(a, b, { transposeB: false })).toLeaveUnchanged({ a, b });
  });

  it('agrees with tf.matMul on random stacks: broadcast batches, size-1 axes, transposes', () => {
    const cases = shapePairs().chain((pair) =>
      fc.tuple(quarterArray(pair.a), quarterArray(pair.b), fc.constant(pair.options)),
    );
    fc.assert(
      fc.property(cases, ([a, b, options]) => {
        const got = batchedMatmul(a, b, options);
        const { transposeA = false, transposeB = false } = options;
        const expected = runOracle(
          oracle,
          (tf, x, y) => {
            // NOTE: tf.matMul computes the right shape but wrong values when both operands
            // broadcast batch axes (it takes matrix t % batchSize of each); so the oracle
            // first broadcasts both operands to the full batch shape itself.
            const batch = tf.matMul(x, y, transposeA, transposeB).shape.slice(0, -2);
            const full = (t: typeof x) => tf.broadcastTo(t, [...batch, ...t.shape.slice(-2)]);
            return tf.matMul(full(x), full(y), transposeA, transposeB);
          },
          a,
          b,
        );
        const k = a.shape[a.rank - (transposeA ? 2 : 1)];
        expect(got).toHaveShape(expected.shape);
        expect(got).toBeAllClose(expected, {
          ...productTolerance(k, a, b),
          label: `batchedMatmul(${describePair({ a: [...a.shape], b: [...b.shape], options })})`,
        });
      }),
    );
  });
});
