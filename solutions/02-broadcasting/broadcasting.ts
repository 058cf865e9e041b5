/**
 * Exercise 02 — element-wise operations and broadcasting: the naive relu and add of the
 * book, NumPy's broadcasting rule, expand-dims + repeat, broadcastTo, and add / maximum for
 * any pair of broadcastable arrays. Reference solution.
 */

import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { type DType, NDArray } from '../../lib/ndarray.ts';
import { formatShape, type Shape, sizeOf } from '../../lib/shape.ts';

/**
 * The dtype of a result: float32 when every array operand is float32 (as TF.js computes), else
 * float64. NOTE: the README leaves the dtype open; this is only the reference's choice.
 */
function resultDtype(...operands: (NDArray | number)[]): DType {
  const arrays = operands.filter((v): v is NDArray => typeof v !== 'number');
  const allFloat32 = arrays.length > 0 && arrays.every((v) => v.dtype === 'float32');
  return allFloat32 ? 'float32' : 'float64';
}

// ---- Step 1: naive relu ---------------------------------------------------------------

/** relu(x) = max(x, 0) on a rank-2 array, with two explicit loops (the book's naive_relu). */
export function naiveRelu(x: NDArray): NDArray {
  if (x.rank !== 2) {
    throw new ShapeError('naiveRelu', `x must have rank 2, got rank ${x.rank} (shape ${formatShape(x.shape)})`);
  }
  const [rows, cols] = x.shape as [number, number];
  const out = NDArray.zeros([rows, cols], x.dtype).data;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      out[i * cols + j] = Math.max(x.data[i * cols + j], 0);
    }
  }
  return new NDArray(out, x.shape);
}

// ---- Step 2: naive add ----------------------------------------------------------------

/** x + y for two rank-2 arrays of the same shape, with two explicit loops (the book's naive_add). */
export function naiveAdd(x: NDArray, y: NDArray): NDArray {
  if (x.rank !== 2 || y.rank !== 2) {
    throw new ShapeError(
      'naiveAdd',
      `x and y must both have rank 2, got x ${formatShape(x.shape)} (rank ${x.rank}) and y ${formatShape(y.shape)} (rank ${y.rank})`,
    );
  }
  const [rows, cols] = x.shape as [number, number];
  if (y.shape[0] !== rows || y.shape[1] !== cols) {
    throw new ShapeError(
      'naiveAdd',
      `shapes differ (x ${formatShape(x.shape)}, y ${formatShape(y.shape)}); add() in step 6 broadcasts, naiveAdd does not`,
    );
  }
  const out = NDArray.zeros([rows, cols], resultDtype(x, y)).data;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j;
      out[k] = x.data[k] + y.data[k];
    }
  }
  return new NDArray(out, x.shape);
}

// ---- Step 3: the broadcasting rule ------------------------------------------------------

/** broadcastShape with the caller's name in its error, so add() reports as `add: …`. */
function broadcastShapeFor(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  // Align the shapes on the right; a missing leading axis counts as size 1.
  for (let axis = rank - 1; axis >= 0; axis--) {
    const da = a[axis - (rank - a.length)] ?? 1;
    const db = b[axis - (rank - b.length)] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        `shapes ${formatShape(a)} and ${formatShape(b)} cannot broadcast: axis ${axis} has sizes ${da} and ${db}`,
      );
    }
    // NOTE: a size-1 axis stretches to the other size, even to 0.
    out[axis] = da === 1 ? db : da;
  }
  return out;
}

/** The shape of `a op b` under NumPy's broadcasting rule, for shapes of any ranks. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  return broadcastShapeFor('broadcastShape', a, b);
}

// ---- Step 4: expand dims, then repeat ----------------------------------------------------

/** NumPy's expand_dims: a new axis of size 1 at `axis` (−rank−1 … rank). Values unchanged. */
export function expandDims(x: NDArray, axis: number): NDArray {
  const r = x.rank;
  if (!Number.isInteger(axis) || axis < -(r + 1) || axis > r) {
    throw new ShapeError(
      'expandDims',
      `axis ${axis} is out of range for x ${formatShape(x.shape)} of rank ${r}: use an integer from ${-(r + 1)} to ${r}`,
    );
  }
  const a = axis < 0 ? axis + r + 1 : axis;
  return new NDArray(x.data.slice(), [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/**
 * n copies of x laid end to end along `axis`: np.concatenate([x] * n, axis), tf.tile.
 * NOTE: not np.repeat, which repeats each element ([1, 2] → [1, 1, 2, 2]); the two agree
 * only on a size-1 axis, the case broadcasting needs.
 */
export function repeat(x: NDArray, n: number, axis: number): NDArray {
  const r = x.rank;
  if (!Number.isInteger(axis) || axis < -r || axis >= r) {
    const range = r === 0 ? 'a scalar has no axes' : `use an integer from ${-r} to ${r - 1}`;
    throw new ShapeError('repeat', `axis ${axis} is out of range for x ${formatShape(x.shape)} of rank ${r}: ${range}`);
  }
  if (!Number.isInteger(n) || n < 0) {
    throw new ArgumentError('repeat', `n must be a non-negative integer, got ${n}`);
  }
  const a = axis < 0 ? axis + r : axis;
  const outShape = x.shape.map((d, i) => (i === a ? d * n : d));
  const out = NDArray.zeros(outShape, x.dtype).data;
  // Everything from `axis` inwards is one contiguous block per outer index; copy it n times.
  const outer = sizeOf(x.shape.slice(0, a));
  const block = sizeOf(x.shape.slice(a));
  for (let o = 0; o < outer; o++) {
    const src = x.data.subarray(o * block, (o + 1) * block);
    for (let k = 0; k < n; k++) out.set(src, (o * n + k) * block);
  }
  return new NDArray(out, outShape);
}

// ---- Step 5: broadcastTo ----------------------------------------------------------------

/** x stretched to `shape`: expand dims on the left, then repeat every size-1 axis. */
export function broadcastTo(x: NDArray, shape: readonly number[]): NDArray {
  const what = `cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`;
  if (x.rank > shape.length) {
    throw new ShapeError(
      'broadcastTo',
      `${what}: x has ${x.rank} axes but the target only ${shape.length}; broadcasting never removes axes`,
    );
  }
  const offset = shape.length - x.rank;
  x.shape.forEach((d, i) => {
    const target = shape[offset + i];
    // NOTE: one-way, unlike broadcastShape: only x's size-1 axes stretch, never the target's.
    if (d !== 1 && d !== target) {
      const allowed = target === 1 ? '1' : `1 or ${target}`;
      throw new ShapeError('broadcastTo', `${what}: axis ${offset + i} has size ${d}, not ${allowed}`);
    }
  });
  let y = x;
  while (y.rank < shape.length) y = expandDims(y, 0);
  shape.forEach((target, axis) => {
    if (y.shape[axis] !== target) y = repeat(y, target, axis);
  });
  return y === x ? x.clone() : y;
}

// ---- Step 6: add and maximum with broadcasting ------------------------------------------

function asArray(v: NDArray | number): NDArray {
  return typeof v === 'number' ? NDArray.full([], v) : v;
}

/** The one helper every broadcasting binary op goes through. */
function broadcastBinary(
  op: string,
  a: NDArray | number,
  b: NDArray | number,
  f: (x: number, y: number) => number,
): NDArray {
  const x = asArray(a);
  const y = asArray(b);
  const shape = broadcastShapeFor(op, x.shape, y.shape);
  // NOTE: NumPy and TensorFlow never copy here (a stretched axis gets stride 0); copying
  // keeps this readable, at the cost of memory.
  const xs = broadcastTo(x, shape).data;
  const ys = broadcastTo(y, shape).data;
  const out = NDArray.zeros(shape, resultDtype(a, b)).data;
  for (let i = 0; i < out.length; i++) out[i] = f(xs[i], ys[i]);
  return new NDArray(out, shape);
}

/** a + b, element-wise, broadcasting the shapes. A number is a scalar (shape []). */
export function add(a: NDArray | number, b: NDArray | number): NDArray {
  return broadcastBinary('add', a, b, (x, y) => x + y);
}

/**
 * max(a, b), element-wise, broadcasting the shapes. maximum(x, 0) is relu(x).
 * NOTE: Math.max is NaN when either is, as tf.maximum on TF.js' cpu backend; its wasm backend
 * returns a where b is NaN. `x > y ? x : y` would drop a NaN in x.
 */
export function maximum(a: NDArray | number, b: NDArray | number): NDArray {
  return broadcastBinary('maximum', a, b, Math.max);
}
