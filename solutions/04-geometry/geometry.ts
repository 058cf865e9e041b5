/**
 * Exercise 04 — reshape, transpose and the geometry of tensor ops: translation, rotation,
 * scaling, linear and affine maps, and why stacked Dense layers without an activation
 * collapse into one. Reference solution.
 *
 * Points are rows: a shape [n, 2] array holds n points (the batch axis first). A matrix M
 * acts on column vectors, M·x, so on all the rows at once it is points·Mᵀ.
 */

import { ArgumentError, assertRank, ShapeError } from '../../lib/errors.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { formatShape, sizeOf } from '../../lib/shape.ts';

// ---- Step 1: reshape and flatten --------------------------------------------------------

/**
 * The same numbers, in the same row-major order, seen with another shape. One size may be
 * -1: it is inferred from the others. The data is copied (our NDArray has no views).
 */
export function reshape(x: NDArray, shape: readonly number[]): NDArray {
  const fail = (why: string) =>
    new ShapeError(
      'reshape',
      `cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}${why}`,
    );
  if (shape.some((d) => !Number.isInteger(d) || d < -1)) {
    throw fail(': sizes must be non-negative integers, or -1 for one inferred size');
  }
  const unknown = shape.indexOf(-1);
  if (unknown !== shape.lastIndexOf(-1)) throw fail(': only one size can be -1');
  const known = sizeOf(shape.filter((d) => d !== -1));
  const out = [...shape];
  if (unknown >= 0) {
    // NOTE: with a 0 among the known sizes, any size fits the -1: refuse to guess.
    if (known === 0) throw fail(': the -1 is ambiguous when the other sizes multiply to 0');
    if (x.size % known !== 0) throw fail(`: ${x.size} is not a multiple of ${known}`);
    out[unknown] = x.size / known;
  } else if (known !== x.size) {
    throw fail(` (${known} elements)`);
  }
  return new NDArray(x.data.slice(), out);
}

/** Keeps the batch axis and flattens the rest: [n, a, b, …] → [n, a·b·…]. */
export function flatten(x: NDArray): NDArray {
  if (x.rank === 0) throw new ShapeError('flatten', 'a scalar (shape []) has no batch axis to keep');
  return reshape(x, [x.shape[0], sizeOf(x.shape.slice(1))]);
}

// ---- Step 2: transpose ------------------------------------------------------------------

/**
 * Axis i of the result is axis perm[i] of x. Without perm the axes are reversed, which for
 * a matrix is the usual transpose: out[j][i] = x[i][j].
 */
export function transpose(x: NDArray, perm?: readonly number[]): NDArray {
  const axes = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  const isPermutation =
    axes.length === x.rank &&
    axes.every((a) => Number.isInteger(a) && a >= 0 && a < x.rank) &&
    new Set(axes).size === axes.length;
  if (!isPermutation) {
    throw new ShapeError(
      'transpose',
      `perm [${axes.join(',')}] is not a permutation of the axes 0..${x.rank - 1} of x ${formatShape(x.shape)}`,
    );
  }
  const outShape = axes.map((a) => x.shape[a]);
  const step = axes.map((a) => x.strides[a]); // moving along output axis i moves this far in x
  const out = new NDArray(x.dtype === 'float32' ? new Float32Array(x.size) : new Float64Array(x.size), outShape);
  // Walk the output in row-major order like an odometer, keeping the source offset in step.
  const index = new Array<number>(x.rank).fill(0);
  let src = 0;
  for (let k = 0; k < out.size; k++) {
    out.data[k] = x.data[src];
    for (let i = x.rank - 1; i >= 0; i--) {
      index[i] = index[i] + 1;
      src += step[i];
      if (index[i] < outShape[i]) break;
      src -= index[i] * step[i];
      index[i] = 0;
    }
  }
  return out;
}

// ---- Step 3: translation ----------------------------------------------------------------

/** Moves every point (row) by the vector v: points [n, d] + v [d]. */
export function translate(points: NDArray, v: NDArray): NDArray {
  assertRank('translate', 'points', points.shape, 2);
  assertRank('translate', 'v', v.shape, 1);
  const [n, d] = points.shape as [number, number];
  if (v.shape[0] !== d) {
    throw new ShapeError(
      'translate',
      `v ${formatShape(v.shape)} has ${v.shape[0]} coordinates but the points have ${d} (points ${formatShape(points.shape)})`,
    );
  }
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = points.data[i * d + j] + v.data[j];
  }
  return new NDArray(out, [n, d]);
}

// ---- Step 4: rotation and scaling matrices ----------------------------------------------

function checkFinite(op: string, values: Record<string, number>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isFinite(value)) throw new ArgumentError(op, `${name} must be a finite number, got ${value}`);
  }
}

/** R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]]: turns points by θ radians, counter-clockwise. */
export function rotation(theta: number): NDArray {
  checkFinite('rotation', { theta });
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return NDArray.fromNested([
    [c, -s],
    [s, c],
  ]);
}

/** S = [[sx, 0], [0, sy]]: stretches by sx horizontally and sy vertically. */
export function scaling(sx: number, sy: number): NDArray {
  checkFinite('scaling', { sx, sy });
  return NDArray.fromNested([
    [sx, 0],
    [0, sy],
  ]);
}

// ---- Step 5: linear maps ----------------------------------------------------------------

/** a [m, k] · b [k, n] → [m, n]; the caller has checked the shapes. (Exercise 03 teaches this.) */
function matmul(a: NDArray, b: NDArray): NDArray {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1];
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a.data[i * k + p];
      for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j] + aip * b.data[p * n + j];
    }
  }
  return new NDArray(out, [m, n]);
}

/** Applies M [m, k] to every point of points [n, k]: row i of the result is M·pointᵢ, shape [n, m]. */
export function linearMap(M: NDArray, points: NDArray): NDArray {
  assertRank('linearMap', 'M', M.shape, 2);
  assertRank('linearMap', 'points', points.shape, 2);
  const k = M.shape[1];
  if (points.shape[1] !== k) {
    throw new ShapeError(
      'linearMap',
      `M ${formatShape(M.shape)} maps vectors of ${k} coordinates, but the points have ${points.shape[1]} (points ${formatShape(points.shape)})`,
    );
  }
  // Rows are points, so M·x for every row x at once is points·Mᵀ.
  return matmul(points, transpose(M));
}

// ---- Step 6: affine maps ----------------------------------------------------------------

/** W·x + b for every point x (row): a linear map, then a translation. What a Dense layer computes. */
export function affineMap(W: NDArray, b: NDArray, points: NDArray): NDArray {
  assertRank('affineMap', 'W', W.shape, 2);
  assertRank('affineMap', 'b', b.shape, 1);
  if (b.shape[0] !== W.shape[0]) {
    throw new ShapeError(
      'affineMap',
      `b ${formatShape(b.shape)} must have one entry per row of W ${formatShape(W.shape)} (${W.shape[0]} outputs)`,
    );
  }
  return translate(linearMap(W, points), b);
}

// ---- Step 7: composing affine maps ------------------------------------------------------

/** An affine map x ↦ W·x + b, as a Dense layer holds it. */
export interface Affine {
  W: NDArray;
  b: NDArray;
}

/**
 * The single affine map that equals applying `first`, then `second`:
 * W₂(W₁x + b₁) + b₂ = (W₂W₁)x + (W₂b₁ + b₂).
 */
export function composeAffine(first: Affine, second: Affine): Affine {
  assertRank('composeAffine', 'first.W', first.W.shape, 2);
  assertRank('composeAffine', 'second.W', second.W.shape, 2);
  if (second.W.shape[1] !== first.W.shape[0]) {
    throw new ShapeError(
      'composeAffine',
      `second.W ${formatShape(second.W.shape)} takes ${second.W.shape[1]} inputs but first.W ${formatShape(first.W.shape)} gives ${first.W.shape[0]} outputs`,
    );
  }
  const W = matmul(second.W, first.W);
  // W₂b₁ + b₂ is where `second` sends the point b₁ — itself an affine map of one point.
  const b = reshape(affineMap(second.W, second.b, reshape(first.b, [1, -1])), [-1]);
  return { W, b };
}

// ---- Step 8: stacked layers collapse without an activation ------------------------------

export type Activation = 'linear' | 'relu';

/** max(v, 0) for every value (exercise 02's relu): negative values become 0. */
function relu(x: NDArray): NDArray {
  return new NDArray(
    x.data.map((v) => Math.max(v, 0)),
    x.shape,
  );
}

/** Applies the layers in order, each an affine map followed by the activation. */
export function applyLayers(layers: readonly Affine[], points: NDArray, activation: Activation = 'linear'): NDArray {
  if (activation !== 'linear' && activation !== 'relu') {
    throw new ArgumentError('applyLayers', `unknown activation ${JSON.stringify(activation)} (use 'linear' or 'relu')`);
  }
  let x = points;
  for (const { W, b } of layers) {
    x = affineMap(W, b, x);
    if (activation === 'relu') x = relu(x);
  }
  return x;
}

/** The one affine map equal to the whole stack applied without an activation. */
export function collapse(layers: readonly Affine[]): Affine {
  const [head, ...rest] = layers;
  if (!head) throw new ArgumentError('collapse', 'needs at least one layer');
  return rest.reduce((sofar, layer) => composeAffine(sofar, layer), head);
}
