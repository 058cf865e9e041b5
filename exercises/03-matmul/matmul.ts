/**
 * Exercise 03 — the tensor product: vector dot, matrix-vector, matrix-matrix, the shape
 * rule (a, b)·(b, c) → (a, c), and stacks of matrices with broadcast batch axes.
 *
 * Read README.md (or README.ko.md), then make the specs pass step by step: `npm start`.
 * Stuck? `npm run hint -- 03` shows the next hint.
 */

import { ShapeError } from '../../lib/errors.ts';
import type { NDArray } from '../../lib/ndarray.ts';
import { formatShape, sizeOf } from '../../lib/shape.ts';

// ShapeError is the error to throw; formatShape prints a shape as [2,3]; sizeOf multiplies a shape out.
// Return new arrays: `new NDArray(new Float64Array(size), shape)`.

// ---- Step 1: vector dot ---------------------------------------------------------------

/** The book's naive_vector_dot: Σ a[i]·b[i] over two vectors of the same length. */
export function vectorDot(a: NDArray, b: NDArray): number {
  // TODO: check that both are vectors of the same length, then add up the products.
  throw new Error('TODO(03-matmul): implement vectorDot (step 1 in README.md)');
}

// ---- Step 2: matrix · vector ----------------------------------------------------------

/** The book's naive_matrix_vector_dot: (rows, k)·(k,) → (rows,), entry i = row i · b. */
export function matrixVectorDot(a: NDArray, b: NDArray): NDArray {
  // TODO: check the ranks and the inner dimension, then one dot product per row of a.
  throw new Error('TODO(03-matmul): implement matrixVectorDot (step 2 in README.md)');
}

// ---- Step 3: matrix · matrix ----------------------------------------------------------

/** The book's naive_matrix_dot: (m, k)·(k, n) → (m, n), entry [i, j] = row i of a · column j of b. */
export function matmul(a: NDArray, b: NDArray): NDArray {
  // TODO: check the ranks and the inner dimensions, then fill every entry of the (m, n) result.
  throw new Error('TODO(03-matmul): implement matmul (step 3 in README.md)');
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
  // TODO: replace the throw with `return { '(2,3)·(3,4)': …, … }`: one entry per ShapeCase,
  // each the shape of the product (as a list of sizes) or 'error'. Work them out by hand.
  throw new Error('TODO(03-matmul): implement predictShapes (step 4 in README.md)');
}

// ---- Step 5: the shape rule -------------------------------------------------------------

/** tf.matMul's transposeA / transposeB: multiply by the operand with its last two axes swapped. */
export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * The shape of matmul(a, b), np.matmul's rule: (…, m, k)·(…, k, n) → (…, m, n) where the
 * batch axes (…) broadcast. A vector a (k,) acts as a (1, k) matrix and b (k,) as (k, 1); the
 * added axis is dropped from the result, so (k,)·(k,) → () and (m, k)·(k,) → (m,).
 */
export function matmulShape(a: readonly number[], b: readonly number[], options: MatmulOptions = {}): number[] {
  // TODO: reject scalars (and transposed vectors), apply the transposes, check the inner
  // dimensions, broadcast the batch axes, and build the result's shape.
  throw new Error('TODO(03-matmul): implement matmulShape (step 5 in README.md)');
}

// ---- Step 6: stacks of matrices ----------------------------------------------------------

/**
 * tf.matMul(a, b, transposeA, transposeB): multiplies stacks of matrices (rank ≥ 2), matrix by
 * matrix, with the batch axes broadcast as in matmulShape.
 */
export function batchedMatmul(a: NDArray, b: NDArray, options: MatmulOptions = {}): NDArray {
  // TODO: reject vectors, take the result's shape from matmulShape, then for every batch
  // index find the matrix of a and of b it uses and multiply them into the result.
  throw new Error('TODO(03-matmul): implement batchedMatmul (step 6 in README.md)');
}
