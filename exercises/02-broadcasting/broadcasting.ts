/**
 * Exercise 02 — element-wise operations and broadcasting: the naive relu and add of the
 * book, NumPy's broadcasting rule, expand-dims + repeat, broadcastTo, and add / maximum for
 * any pair of broadcastable arrays.
 *
 * Read README.md (or README.ko.md), then make the specs pass step by step: `npm start`.
 * Stuck? `npm run hint -- 02` shows the next hint.
 */

import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import type { NDArray } from '../../lib/ndarray.ts';
import { formatShape, sizeOf } from '../../lib/shape.ts';

// ShapeError and ArgumentError are the errors to throw; formatShape prints a shape as [2,3].

// ---- Step 1: naive relu ---------------------------------------------------------------

/** relu(x) = max(x, 0) on a rank-2 array, with two explicit loops (the book's naive_relu). */
export function naiveRelu(x: NDArray): NDArray {
  // TODO: reject anything but rank 2, then fill a new array row by row, column by column.
  throw new Error('TODO(02-broadcasting): implement naiveRelu (step 1 in README.md)');
}

// ---- Step 2: naive add ----------------------------------------------------------------

/** x + y for two rank-2 arrays of the same shape, with two explicit loops (the book's naive_add). */
export function naiveAdd(x: NDArray, y: NDArray): NDArray {
  // TODO: reject other ranks and different shapes (name both shapes), then add element by element.
  throw new Error('TODO(02-broadcasting): implement naiveAdd (step 2 in README.md)');
}

// ---- Step 3: the broadcasting rule ------------------------------------------------------

/** The shape of `a op b` under NumPy's broadcasting rule, for shapes of any ranks. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  // TODO: compute the result's shape; throw a ShapeError naming both shapes and the axis if there is none.
  throw new Error('TODO(02-broadcasting): implement broadcastShape (step 3 in README.md)');
}

// ---- Step 4: expand dims, then repeat ----------------------------------------------------

/** NumPy's expand_dims: a new axis of size 1 at `axis` (−rank−1 … rank). Values unchanged. */
export function expandDims(x: NDArray, axis: number): NDArray {
  // TODO: check the axis, then return a copy of x with a size-1 axis inserted at `axis`.
  throw new Error('TODO(02-broadcasting): implement expandDims (step 4 in README.md)');
}

/** n copies of x laid end to end along `axis`: np.concatenate([x] * n, axis), tf.tile. */
export function repeat(x: NDArray, n: number, axis: number): NDArray {
  // TODO: check the axis and n, then build the array that holds n copies of x along `axis`.
  throw new Error('TODO(02-broadcasting): implement repeat (step 4 in README.md)');
}

// ---- Step 5: broadcastTo ----------------------------------------------------------------

/** x stretched to `shape`, as np.broadcast_to / tf.broadcastTo. Only x's size-1 axes stretch. */
export function broadcastTo(x: NDArray, shape: readonly number[]): NDArray {
  // TODO: check that x can be stretched to `shape` (name both shapes and the axis if not), then stretch it.
  throw new Error('TODO(02-broadcasting): implement broadcastTo (step 5 in README.md)');
}

// ---- Step 6: add and maximum with broadcasting ------------------------------------------

/** a + b, element-wise, broadcasting the shapes. A number is a scalar (shape []). */
export function add(a: NDArray | number, b: NDArray | number): NDArray {
  // TODO: add element-wise, after bringing a and b to their common broadcast shape.
  throw new Error('TODO(02-broadcasting): implement add (step 6 in README.md)');
}

/** max(a, b), element-wise, broadcasting the shapes. A number is a scalar (shape []); maximum(x, 0) is relu(x). */
export function maximum(a: NDArray | number, b: NDArray | number): NDArray {
  // TODO: the same as add, with max instead of +.
  throw new Error('TODO(02-broadcasting): implement maximum (step 6 in README.md)');
}
