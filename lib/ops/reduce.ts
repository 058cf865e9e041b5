/**
 * Reductions along axes: sum, mean, max, argmax; and the gradient helper sumToShape.
 *
 * Special values as in TF.js: a NaN makes its sum, mean and max NaN; Infinity − Infinity is
 * NaN; max keeps the sign of zero of the first of equal zeros (max([−0, 0]) = −0); the sum of
 * zeros is +0. NOTE: sums are kept in float64 and rounded once to the dtype, as TF.js' cpu
 * backend does; its wasm backend sums in float32, so a partial sum beyond ±3.4e38 that later
 * cancels is Infinity there and finite here (sum([3e38, 3e38, −3e38]) = 3e38).
 */
import { ShapeError } from '../errors.ts';
import { NDArray } from '../ndarray.ts';
import { formatShape, sizeOf } from '../shape.ts';
import { broadcastAxes } from './broadcast.ts';

function normaliseAxes(op: string, x: NDArray, axis?: number | readonly number[]): number[] {
  if (axis === undefined) return Array.from({ length: x.rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  return list.map((a) => {
    const ax = a < 0 ? a + x.rank : a;
    if (!Number.isInteger(ax) || ax < 0 || ax >= x.rank) {
      throw new ShapeError(op, `axis ${a} is out of range for rank ${x.rank} (shape ${formatShape(x.shape)})`);
    }
    return ax;
  });
}

/**
 * Folds `x` along `axes` with `step`, starting each output element from `init`, and rounds
 * `finish(total)` once to x's dtype.
 */
function reduce(
  op: string,
  x: NDArray,
  axis: number | readonly number[] | undefined,
  keepDims: boolean,
  init: number,
  step: (acc: number, v: number) => number,
  finish?: (total: number) => number,
): NDArray {
  const axes = new Set(normaliseAxes(op, x, axis));
  const keptShape = x.shape.map((d, i) => (axes.has(i) ? 1 : d));
  const out = new Float64Array(sizeOf(keptShape)).fill(init);
  // Output strides over the kept shape; reduced axes contribute 0.
  const outStrides = new Array<number>(x.rank).fill(0);
  let s = 1;
  for (let i = x.rank - 1; i >= 0; i--) {
    outStrides[i] = axes.has(i) ? 0 : s;
    s *= keptShape[i];
  }
  const index = new Array<number>(x.rank).fill(0);
  let o = 0;
  for (let i = 0; i < x.size; i++) {
    out[o] = step(out[o], x.data[i]);
    for (let ax = x.rank - 1; ax >= 0; ax--) {
      index[ax] = index[ax] + 1;
      o += outStrides[ax];
      if (index[ax] < x.shape[ax]) break;
      o -= outStrides[ax] * x.shape[ax];
      index[ax] = 0;
    }
  }
  if (finish) for (let o = 0; o < out.length; o++) out[o] = finish(out[o]);
  const shape = keepDims ? keptShape : x.shape.filter((_, i) => !axes.has(i));
  return new NDArray(x.dtype === 'float32' ? Float32Array.from(out) : out, shape);
}

export function sum(x: NDArray, axis?: number | readonly number[], keepDims = false): NDArray {
  return reduce('sum', x, axis, keepDims, 0, (acc, v) => acc + v);
}

/**
 * The float64 sum divided by the count, rounded once: mean([3e38, 3e38]) = 3e38 in float32.
 * NOTE: TF.js' cpu backend divides every element by the count before summing, so a mean of
 * subnormals can be 0 there (mean([2^-149, 2^-149]) = 0; here and on wasm 2^-149); its wasm
 * backend overflows where the float32 sum does (mean([3e38, 3e38]) = Infinity there).
 */
export function mean(x: NDArray, axis?: number | readonly number[], keepDims = false): NDArray {
  const axes = normaliseAxes('mean', x, axis);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  return reduce(
    'mean',
    x,
    axes,
    keepDims,
    0,
    (acc, v) => acc + v,
    (total) => total / count,
  );
}

export function max(x: NDArray, axis?: number | readonly number[], keepDims = false): NDArray {
  return reduce('max', x, axis, keepDims, Number.NEGATIVE_INFINITY, (acc, v) => (v > acc || Number.isNaN(v) ? v : acc));
}

/**
 * Index of the largest value along the last axis (ties: the first), as np.argmax(x, -1).
 * NOTE: NaN as TF.js' argMax treats it (cpu and wasm alike), not as NumPy: a NaN in the first
 * place wins, a NaN elsewhere is passed over (argmax([1, NaN, 3]) = 2, argmax([NaN, 1, 3]) = 0);
 * np.argmax returns the first NaN. Equal zeros of either sign tie: the first one wins.
 */
export function argmax(x: NDArray): number[] {
  if (x.rank === 0) throw new ShapeError('argmax', 'needs at least one axis, got a scalar');
  const n = x.shape[x.rank - 1];
  if (n === 0) throw new ShapeError('argmax', `the last axis is empty (shape ${formatShape(x.shape)})`);
  const rows = x.size / n;
  const out = new Array<number>(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < n; j++) if (x.data[r * n + j] > x.data[r * n + best]) best = j;
    out[r] = best;
  }
  return out;
}

/**
 * Sums `grad` (shape of a broadcast result) back to `shape` (an input's shape): the backward
 * pass of broadcasting. sumToShape(dOut [32,10], [10]) sums over the batch axis.
 */
export function sumToShape(grad: NDArray, shape: readonly number[]): NDArray {
  const axes = broadcastAxes(shape, grad.shape);
  if (axes.length === 0) return grad;
  const summed = sum(grad, axes, true);
  return new NDArray(summed.data, shape);
}
