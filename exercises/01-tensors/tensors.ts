/**
 * Exercise 01 — tensors: rank, shape, size, row-major storage, slicing, batches and the
 * shapes of common kinds of data.
 *
 * Read README.md (or README.ko.md), then make the specs pass step by step: `npm start`.
 * Stuck? `npm run hint -- 01` shows the next hint.
 */

import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import type { DType, NDArray, Nested } from '../../lib/ndarray.ts';
import { formatShape } from '../../lib/shape.ts';

// ShapeError and ArgumentError are the errors to throw; formatShape prints a shape as [2,3].

// ---- Step 1: rank ---------------------------------------------------------------------

/** Number of axes (NumPy's ndim): 0 for a number, 1 for [1, 2], 2 for [[1], [2]], … */
export function rank(x: Nested): number {
  // TODO: count how deep the arrays nest. Array.isArray tells an array from a number.
  throw new Error('TODO(01-tensors): implement rank (step 1 in README.md)');
}

// ---- Step 2: shape --------------------------------------------------------------------

/** Size of every axis. Ragged data (rows of different lengths) throws a ShapeError. */
export function shape(x: Nested): number[] {
  // TODO: read the length of each level, then check that every row agrees with it.
  throw new Error('TODO(01-tensors): implement shape (step 2 in README.md)');
}

// ---- Step 3: size and bytes -------------------------------------------------------------

/** Number of elements: the product of the axis sizes (1 for a scalar's shape []). */
export function size(shapeOf: readonly number[]): number {
  // TODO: multiply the sizes together.
  throw new Error('TODO(01-tensors): implement size (step 3 in README.md)');
}

/** Bytes needed to hold an array of this shape: 4 per float32 element, 8 per float64. */
export function byteSize(shapeOf: readonly number[], dtype: DType): number {
  // TODO: elements × bytes per element.
  throw new Error('TODO(01-tensors): implement byteSize (step 3 in README.md)');
}

// ---- Step 4: row-major storage ----------------------------------------------------------

/** How far apart, in the flat data, neighbours along each axis are (row-major). */
export function strides(shapeOf: readonly number[]): number[] {
  // TODO: the last axis has stride 1; each axis before it steps over a whole block of the next.
  throw new Error('TODO(01-tensors): implement strides (step 4 in README.md)');
}

/** Position in the flat data of the element at `index`. */
export function flatIndex(shapeOf: readonly number[], index: readonly number[]): number {
  // TODO: check the index (length, range) and sum index[i] × stride[i].
  throw new Error('TODO(01-tensors): implement flatIndex (step 4 in README.md)');
}

/** Nested data → NDArray: the values in row-major order plus the shape. */
export function toNDArray(x: Nested): NDArray {
  // TODO: flatten the values yourself (not NDArray.fromNested) into a Float64Array,
  // then return new NDArray(data, shape).
  throw new Error('TODO(01-tensors): implement toNDArray (step 4 in README.md)');
}

// ---- Step 5: indexing and slicing -----------------------------------------------------

/** x[i]: the i-th entry along the first axis, one rank lower. Negative i counts from the end. */
export function at(x: NDArray, i: number): NDArray {
  // TODO: entry i is one contiguous block of the data: which one?
  throw new Error('TODO(01-tensors): implement at (step 5 in README.md)');
}

/** One axis' range, as NumPy's `start:stop`: null is `:`, [start] is `start:`. */
export type Range = null | readonly [start: number, stop?: number];

/**
 * x[r0, r1, …] with NumPy's rules: negative bounds count from the end, bounds past the end
 * are clipped, a start at or after its stop gives an empty axis, missing ranges mean `:`.
 */
export function slice(x: NDArray, ...ranges: Range[]): NDArray {
  // TODO: turn every range into [start, stop) within the axis, then copy the selected
  // elements in row-major order (x.strides tells you where each one is).
  throw new Error('TODO(01-tensors): implement slice (step 5 in README.md)');
}

// ---- Step 6: the batch axis -------------------------------------------------------------

/** Batch n of size batchSize along axis 0: x[batchSize·n : batchSize·(n+1)]. The last may be partial. */
export function batch(x: NDArray, n: number, batchSize = 128): NDArray {
  // TODO: check that batch n exists, then slice along the batch axis.
  throw new Error('TODO(01-tensors): implement batch (step 6 in README.md)');
}

// ---- Step 7: the shapes of data -------------------------------------------------------

export type Layout = 'channels-last' | 'channels-first';

export type DataSpec =
  | { kind: 'vectors'; samples: number; features: number }
  | { kind: 'timeseries'; samples: number; timesteps: number; features: number }
  | { kind: 'images'; samples: number; height: number; width: number; channels: number; layout?: Layout }
  | {
      kind: 'video';
      samples: number;
      frames: number;
      height: number;
      width: number;
      channels: number;
      layout?: Layout;
    };

/** The tensor shape that holds a dataset of this kind, batch axis first. */
export function dataShape(spec: DataSpec): number[] {
  // TODO: one case per kind; the batch (samples) axis always comes first.
  throw new Error('TODO(01-tensors): implement dataShape (step 7 in README.md)');
}
