/**
 * Exercise 04 — reshape, transpose and the geometry of tensor ops: translation, rotation,
 * scaling, linear and affine maps, and why stacked Dense layers without an activation
 * collapse into one.
 *
 * Points are rows: a shape [n, 2] array holds n points (the batch axis first).
 *
 * Read README.md (or README.ko.md), then make the specs pass step by step: `npm start`.
 * Stuck? `npm run hint -- 04` shows the next hint. See your work: `npm run plot -- 04`.
 */

import { ArgumentError, assertRank, ShapeError } from '../../lib/errors.ts';
import type { NDArray } from '../../lib/ndarray.ts';
import { formatShape, sizeOf } from '../../lib/shape.ts';

// ShapeError and ArgumentError are the errors to throw; formatShape prints a shape as [2,3],
// sizeOf counts a shape's elements, and assertRank(op, name, shape, rank) checks a rank.

// ---- Step 1: reshape and flatten --------------------------------------------------------

/**
 * The same numbers, in the same row-major order, seen with another shape. One size may be
 * -1: it is inferred from the others. Returns a new array; x is not changed.
 */
export function reshape(x: NDArray, shape: readonly number[]): NDArray {
  // TODO: check the new shape (one -1 at most, same number of elements), then copy the data.
  throw new Error('TODO(04-geometry): implement reshape (step 1 in README.md)');
}

/** Keeps the batch axis and flattens the rest: [n, a, b, …] → [n, a·b·…]. */
export function flatten(x: NDArray): NDArray {
  // TODO: reshape x, keeping its first axis.
  throw new Error('TODO(04-geometry): implement flatten (step 1 in README.md)');
}

// ---- Step 2: transpose ------------------------------------------------------------------

/**
 * Axis i of the result is axis perm[i] of x. Without perm the axes are reversed, which for
 * a matrix is the usual transpose: out[j][i] = x[i][j].
 */
export function transpose(x: NDArray, perm?: readonly number[]): NDArray {
  // TODO: check perm, work out the new shape, then move every element to its new place.
  throw new Error('TODO(04-geometry): implement transpose (step 2 in README.md)');
}

// ---- Step 3: translation ----------------------------------------------------------------

/** Moves every point (row) by the vector v: points [n, d] + v [d]. */
export function translate(points: NDArray, v: NDArray): NDArray {
  // TODO: check the shapes, then add v to every row.
  throw new Error('TODO(04-geometry): implement translate (step 3 in README.md)');
}

// ---- Step 4: rotation and scaling matrices ----------------------------------------------

/** R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]]: turns points by θ radians, counter-clockwise. */
export function rotation(theta: number): NDArray {
  // TODO: build the 2×2 matrix.
  throw new Error('TODO(04-geometry): implement rotation (step 4 in README.md)');
}

/** S = [[sx, 0], [0, sy]]: stretches by sx horizontally and sy vertically. */
export function scaling(sx: number, sy: number): NDArray {
  // TODO: build the 2×2 matrix.
  throw new Error('TODO(04-geometry): implement scaling (step 4 in README.md)');
}

// ---- Step 5: linear maps ----------------------------------------------------------------

/** Applies M [m, k] to every point of points [n, k]: row i of the result is M·pointᵢ, shape [n, m]. */
export function linearMap(M: NDArray, points: NDArray): NDArray {
  // TODO: check the shapes, then compute M·x for every point x.
  throw new Error('TODO(04-geometry): implement linearMap (step 5 in README.md)');
}

// ---- Step 6: affine maps ----------------------------------------------------------------

/** W·x + b for every point x (row): a linear map, then a translation. What a Dense layer computes. */
export function affineMap(W: NDArray, b: NDArray, points: NDArray): NDArray {
  // TODO: check b against W, then map the points linearly and translate them by b.
  throw new Error('TODO(04-geometry): implement affineMap (step 6 in README.md)');
}

// ---- Step 7: composing affine maps ------------------------------------------------------

/** An affine map x ↦ W·x + b, as a Dense layer holds it. */
export interface Affine {
  W: NDArray;
  b: NDArray;
}

/** The single affine map that equals applying `first`, then `second`. */
export function composeAffine(first: Affine, second: Affine): Affine {
  // TODO: check that the shapes chain, then compute the new W and b.
  throw new Error('TODO(04-geometry): implement composeAffine (step 7 in README.md)');
}

// ---- Step 8: stacked layers collapse without an activation ------------------------------

export type Activation = 'linear' | 'relu';

/** Applies the layers in order, each an affine map followed by the activation. */
export function applyLayers(layers: readonly Affine[], points: NDArray, activation: Activation = 'linear'): NDArray {
  // TODO: run the points through every layer; 'relu' sets negative values to 0 after each one.
  throw new Error('TODO(04-geometry): implement applyLayers (step 8 in README.md)');
}

/** The one affine map equal to the whole stack applied without an activation. */
export function collapse(layers: readonly Affine[]): Affine {
  // TODO: fold the layers into one affine map, first layer first.
  throw new Error('TODO(04-geometry): implement collapse (step 8 in README.md)');
}
