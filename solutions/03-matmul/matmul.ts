/**
 * Exercise 03 — the tensor product: vector dot, matrix-vector, matrix-matrix, the shape
 * rule (a, b)·(b, c) → (a, c), and stacks of matrices with broadcast batch axes.
 * Reference solution.
 */

import { ShapeError } from '../../lib/errors.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { formatShape, sizeOf } from '../../lib/shape.ts';

/** Throws unless x has exactly `rank` axes; the message shows both operands. */
function requireRank(op: string, name: string, x: NDArray, rank: number, both: string): void {
  if (x.rank !== rank) {
    throw new ShapeError(op, `${name} must have rank ${rank}, got rank ${x.rank} (${both})`);
  }
}

const operands = (a: NDArray, b: NDArray): string => `a ${formatShape(a.shape)}, b ${formatShape(b.shape)}`;

// ---- Step 1: vector dot ---------------------------------------------------------------

/** The book's naive_vector_dot: Σ a[i]·b[i] over two vectors of the same length. */
export function vectorDot(a: NDArray, b: NDArray): number {
  requireRank('vectorDot', 'a', a, 1, operands(a, b));
  requireRank('vectorDot', 'b', b, 1, operands(a, b));
  const n = a.shape[0];
  if (b.shape[0] !== n) {
    throw new ShapeError('vectorDot', `lengths ${n} and ${b.shape[0]} differ (${operands(a, b)})`);
  }
  let z = 0;
  for (let i = 0; i < n; i++) z += a.data[i] * b.data[i];
  return z;
}

// ---- Step 2: matrix · vector ----------------------------------------------------------

/** The book's naive_matrix_vector_dot: (rows, k)·(k,) → (rows,), entry i = row i · b. */
export function matrixVectorDot(a: NDArray, b: NDArray): NDArray {
  requireRank('matrixVectorDot', 'a', a, 2, operands(a, b));
  requireRank('matrixVectorDot', 'b', b, 1, operands(a, b));
  const [rows, k] = a.shape as [number, number];
  if (b.shape[0] !== k) {
    throw new ShapeError('matrixVectorDot', `inner dimensions ${k} and ${b.shape[0]} differ (${operands(a, b)})`);
  }
  const z = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += a.data[i * k + j] * b.data[j];
    z[i] = sum;
  }
  return new NDArray(z, [rows]);
}

// ---- Step 3: matrix · matrix ----------------------------------------------------------

/**
 * The book's naive_matrix_dot: (m, k)·(k, n) → (m, n), entry [i, j] = row i of a · column j of b.
 * NOTE: the sums are float64: a partial sum beyond float32's ±3.4e38 that later cancels stays
 * finite here and on TF.js' cpu backend, where its wasm backend (float32 sums) says Infinity.
 */
export function matmul(a: NDArray, b: NDArray): NDArray {
  requireRank('matmul', 'a', a, 2, operands(a, b));
  requireRank('matmul', 'b', b, 2, operands(a, b));
  const [m, k] = a.shape as [number, number];
  const [k2, n] = b.shape as [number, number];
  if (k !== k2) throw new ShapeError('matmul', `inner dimensions ${k} and ${k2} differ (${operands(a, b)})`);
  const z = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      // NOTE: column j of b is not contiguous: its entries sit n apart in b.data.
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a.data[i * k + p] * b.data[p * n + j];
      z[i * n + j] = sum;
    }
  }
  return new NDArray(z, [m, n]);
}

// ---- Step 4: predict the shapes -----------------------------------------------------------

/** The products whose shapes step 4 predicts, written as Python shapes: (3,) is a vector of 3. */
export type ShapeCase =
  | '(2,3)·(3,4)'
  | '(2,3)·(2,3)'
  | '(32,784)·(784,512)'
  | '(784,512)·(32,784)'
  | '(4,1)·(1,4)'
  | '(1,4)·(4,1)'
  | '(3,)·(3,)'
  | '(2,3)·(3,)'
  | '(3,)·(3,4)'
  | '(128,10,20)·(20,)'
  | '(5,2,3)·(3,4)'
  | '(5,2,3)·(5,3,4)'
  | '(5,2,3)·(4,3,4)'
  | '(1,2,3)·(6,3,4)'
  | '(2,1,2,3)·(7,3,4)';

/** The shape of the product, or 'error' if the shapes cannot be multiplied. */
export type Prediction = number[] | 'error';

/** Your predictions, worked out by hand from README.md's rules. */
export function predictShapes(): Record<ShapeCase, Prediction> {
  return {
    '(2,3)·(3,4)': [2, 4],
    '(2,3)·(2,3)': 'error', // 3 ≠ 2: a (2,3) only multiplies a (3, …)
    '(32,784)·(784,512)': [32, 512], // a batch of 32 MNIST images through 512 units
    '(784,512)·(32,784)': 'error', // order matters: 512 ≠ 32
    '(4,1)·(1,4)': [4, 4], // outer product
    '(1,4)·(4,1)': [1, 1], // inner product, as a 1×1 matrix
    '(3,)·(3,)': [], // vector dot: a scalar
    '(2,3)·(3,)': [2],
    '(3,)·(3,4)': [4],
    '(128,10,20)·(20,)': [128, 10], // the book's (a, b, c, d)·(d,) → (a, b, c)
    '(5,2,3)·(3,4)': [5, 2, 4], // (3,4) is used for all 5 matrices
    '(5,2,3)·(5,3,4)': [5, 2, 4],
    '(5,2,3)·(4,3,4)': 'error', // batch sizes 5 and 4 do not broadcast
    '(1,2,3)·(6,3,4)': [6, 2, 4], // a batch of 1 stretches to 6
    '(2,1,2,3)·(7,3,4)': [2, 7, 2, 4], // batch [2,1] with [7] broadcasts to [2,7]
  };
}

// ---- Step 5: the shape rule -------------------------------------------------------------

/** tf.matMul's transposeA / transposeB: multiply by the operand with its last two axes swapped. */
export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/** Swaps the last two sizes (the shape of the transposed matrices). */
function swapLastTwo(shape: readonly number[]): number[] {
  const s = [...shape];
  const r = s.length;
  [s[r - 2], s[r - 1]] = [s[r - 1], s[r - 2]];
  return s;
}

/** NumPy's broadcast of two batch shapes, aligned on the right; `shapes` ends up in the error. */
function broadcastBatch(x: readonly number[], y: readonly number[], shapes: string): number[] {
  const rank = Math.max(x.length, y.length);
  const out = new Array<number>(rank);
  for (let i = 1; i <= rank; i++) {
    const dx = x[x.length - i] ?? 1;
    const dy = y[y.length - i] ?? 1;
    if (dx !== dy && dx !== 1 && dy !== 1) {
      throw new ShapeError(
        'matmulShape',
        `batch dimensions ${formatShape(x)} and ${formatShape(y)} cannot broadcast (${shapes})`,
      );
    }
    out[rank - i] = dx === 1 ? dy : dx;
  }
  return out;
}

/**
 * The shape of matmul(a, b), np.matmul's rule: (…, m, k)·(…, k, n) → (…, m, n) where the
 * batch axes (…) broadcast. A vector a (k,) acts as a (1, k) matrix and b (k,) as (k, 1); the
 * added axis is dropped from the result, so (k,)·(k,) → () and (m, k)·(k,) → (m,).
 */
export function matmulShape(a: readonly number[], b: readonly number[], options: MatmulOptions = {}): number[] {
  const { transposeA = false, transposeB = false } = options;
  const shapes = `a ${formatShape(a)}${transposeA ? ' transposed' : ''}, b ${formatShape(b)}${transposeB ? ' transposed' : ''}`;
  if (a.length === 0 || b.length === 0) {
    throw new ShapeError('matmulShape', `a scalar has no axis to multiply along; multiply element-wise (${shapes})`);
  }
  if ((transposeA && a.length < 2) || (transposeB && b.length < 2)) {
    throw new ShapeError('matmulShape', `only matrices (rank 2 or more) can be transposed (${shapes})`);
  }
  // NOTE: promote vectors to matrices, multiply by the matrix rule, then drop the added axis.
  const a2 = a.length === 1 ? [1, a[0]] : transposeA ? swapLastTwo(a) : [...a];
  const b2 = b.length === 1 ? [b[0], 1] : transposeB ? swapLastTwo(b) : [...b];
  const [m, k] = a2.slice(-2) as [number, number];
  const [k2, n] = b2.slice(-2) as [number, number];
  if (k !== k2) throw new ShapeError('matmulShape', `inner dimensions ${k} and ${k2} differ (${shapes})`);
  const batch = broadcastBatch(a2.slice(0, -2), b2.slice(0, -2), shapes);
  return [...batch, ...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])];
}

// ---- Step 6: stacks of matrices ----------------------------------------------------------

/** The multi-index of flat position t in `shape` (row-major). */
function unravel(t: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const n = shape[axis];
    index[axis] = t % n;
    t = Math.floor(t / n);
  }
  return index;
}

/** Where, in x.data, the matrix for output batch index `index` starts; broadcast axes stay at 0. */
function matrixStart(x: NDArray, index: readonly number[]): number {
  const batchRank = x.rank - 2;
  const skip = index.length - batchRank; // leading output axes that x does not have
  let start = 0;
  for (let axis = 0; axis < batchRank; axis++) {
    if (x.shape[axis] !== 1) start += index[skip + axis] * x.strides[axis];
  }
  return start;
}

/**
 * tf.matMul(a, b, transposeA, transposeB): multiplies stacks of matrices (rank ≥ 2), matrix by
 * matrix, with the batch axes broadcast as in matmulShape.
 */
export function batchedMatmul(a: NDArray, b: NDArray, options: MatmulOptions = {}): NDArray {
  for (const [name, x] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (x.rank < 2) {
      throw new ShapeError(
        'batchedMatmul',
        `${name} must have rank 2 or more, got rank ${x.rank} (${operands(a, b)}); use vectorDot or matrixVectorDot for vectors`,
      );
    }
  }
  const { transposeA = false, transposeB = false } = options;
  const outShape = matmulShape(a.shape, b.shape, options);
  const batchShape = outShape.slice(0, -2);
  const [m, n] = outShape.slice(-2) as [number, number];
  const k = a.shape[a.rank - (transposeA ? 2 : 1)];
  // Element [i, p] of a's (possibly transposed) matrix sits at i·aRow + p·aCol from its start:
  // transposing moves no data, it only swaps the two steps.
  const aWidth = a.shape[a.rank - 1];
  const [aRow, aCol] = transposeA ? [1, aWidth] : [aWidth, 1];
  const bWidth = b.shape[b.rank - 1];
  const [bRow, bCol] = transposeB ? [1, bWidth] : [bWidth, 1];

  const out = new Float64Array(sizeOf(outShape));
  const batches = sizeOf(batchShape);
  for (let t = 0; t < batches; t++) {
    const index = unravel(t, batchShape);
    const aStart = matrixStart(a, index);
    const bStart = matrixStart(b, index);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          sum += a.data[aStart + i * aRow + p * aCol] * b.data[bStart + p * bRow + j * bCol];
        }
        out[(t * m + i) * n + j] = sum;
      }
    }
  }
  return new NDArray(out, outShape);
}
