/**
 * Element-wise ops with broadcasting. Results are float64 unless both inputs are float32.
 *
 * Special values follow IEEE 754 through JavaScript's own arithmetic and Math functions, as
 * TensorFlow.js' cpu backend does (its kernels make the same calls): NaN in gives NaN out,
 * and ±Infinity and −0 come out where the float rules put them (neg(0) = −0, log(0) = −Infinity,
 * sqrt(−0) = −0, 0·Infinity = NaN). Subnormal float32 inputs and results are kept, not flushed.
 * NOTE: each result is computed in float64 and rounded once to the output's dtype. On float32
 * arrays that is TF.js' range (exp(89) = Infinity, square(2^-149) = 0); on float64 arrays the
 * range is float64's, so the same inputs give exp(89) ≈ 4.5e38 and square(2^-149) = 2^-298.
 */

import type { Floats } from '../kernels/index.ts';
import * as K from '../kernels/index.ts';
import { type DType, NDArray } from '../ndarray.ts';
import { sizeOf } from '../shape.ts';
import { broadcastShapes, broadcastStrides } from './broadcast.ts';

export type Operand = NDArray | number;

function asArray(x: Operand): NDArray {
  return typeof x === 'number' ? NDArray.full([], x) : x;
}

function outDType(a: NDArray, b?: NDArray): DType {
  return a.dtype === 'float32' && (!b || b.dtype === 'float32') ? 'float32' : 'float64';
}

function allocate(dtype: DType, n: number): Float32Array | Float64Array {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** out[i] = f(x[i]) */
export function map(x: NDArray, f: (v: number) => number): NDArray {
  const out = allocate(x.dtype, x.size);
  const d = x.data;
  for (let i = 0; i < out.length; i++) out[i] = f(d[i]);
  return new NDArray(out, x.shape);
}

/** out = f(a, b) element by element, broadcasting a and b to a common shape. */
export function zipWith(op: string, aIn: Operand, bIn: Operand, f: (x: number, y: number) => number): NDArray {
  const a = asArray(aIn);
  const b = asArray(bIn);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const n = sizeOf(shape);
  const out = allocate(outDType(a, b), n);
  const ad = a.data;
  const bd = b.data;
  // Fast paths: same shape, or one side a scalar or a trailing row (x + bias).
  if (a.size === n && b.size === n) {
    for (let i = 0; i < n; i++) out[i] = f(ad[i], bd[i]);
  } else if (a.size === n && n % b.size === 0 && sameTail(b.shape, shape)) {
    const m = b.size;
    for (let i = 0; i < n; i++) out[i] = f(ad[i], bd[i % m]);
  } else if (b.size === n && n % a.size === 0 && sameTail(a.shape, shape)) {
    const m = a.size;
    for (let i = 0; i < n; i++) out[i] = f(ad[i % m], bd[i]);
  } else {
    const sa = broadcastStrides(a.shape, shape);
    const sb = broadcastStrides(b.shape, shape);
    const rank = shape.length;
    const index = new Array<number>(rank).fill(0);
    let oa = 0;
    let ob = 0;
    for (let i = 0; i < n; i++) {
      out[i] = f(ad[oa], bd[ob]);
      // Odometer: advance the last axis, carrying into earlier ones.
      for (let ax = rank - 1; ax >= 0; ax--) {
        index[ax] = index[ax] + 1;
        oa += sa[ax];
        ob += sb[ax];
        if (index[ax] < shape[ax]) break;
        oa -= sa[ax] * shape[ax];
        ob -= sb[ax] * shape[ax];
        index[ax] = 0;
      }
    }
  }
  return new NDArray(out, shape);
}

/** True if `small`, without its leading 1s, equals the last axes of `big`: it then repeats in blocks. */
function sameTail(small: readonly number[], big: readonly number[]): boolean {
  let k = 0;
  while (k < small.length && small[k] === 1) k++;
  const tail = small.slice(k);
  if (tail.length > big.length) return false;
  return tail.every((d, i) => d === big[big.length - tail.length + i]);
}

export const add = (a: Operand, b: Operand): NDArray => zipWith('add', a, b, (x, y) => x + y);
export const sub = (a: Operand, b: Operand): NDArray => zipWith('sub', a, b, (x, y) => x - y);
export const mul = (a: Operand, b: Operand): NDArray => zipWith('mul', a, b, (x, y) => x * y);
export const div = (a: Operand, b: Operand): NDArray => zipWith('div', a, b, (x, y) => x / y);
/**
 * The larger of a and b, element by element: NaN where either is NaN, and max(−0, 0) = 0 —
 * Math.max, as TensorFlow.js' cpu backend and NumPy's np.maximum. NOTE: TF.js' wasm backend
 * (C++ std::max(a, b), which is `a < b ? b : a`) returns a where b is NaN (maximum(1, NaN) = 1,
 * maximum(NaN, 1) = NaN) and where both are zeros (maximum(−0, 0) = −0); lib never drops a NaN.
 */
export const maximum = (a: Operand, b: Operand): NDArray => zipWith('maximum', a, b, Math.max);
/** The smaller of a and b (Math.min): NaN where either is NaN. NOTE: wasm returns a where b is NaN or both are zeros. */
export const minimum = (a: Operand, b: Operand): NDArray => zipWith('minimum', a, b, Math.min);

export const neg = (x: NDArray): NDArray => map(x, (v) => -v);
export const exp = (x: NDArray): NDArray => map(x, Math.exp);
export const log = (x: NDArray): NDArray => map(x, Math.log);
export const sqrt = (x: NDArray): NDArray => map(x, Math.sqrt);
export const square = (x: NDArray): NDArray => map(x, (v) => v * v);
/** Runs an element-wise kernel of lib/kernels into a new array of x's shape and dtype. */
function kernelMap(x: NDArray, kernel: (out: Floats, x: Floats, n: number) => void): NDArray {
  const out = allocate(x.dtype, x.size);
  kernel(out, x.data, x.size);
  return new NDArray(out, x.shape);
}

/** max(x, 0): NaN stays NaN and relu(−0) = +0, as tf.relu (see lib/kernels/elementwise.ts). */
export const relu = (x: NDArray): NDArray => kernelMap(x, K.relu);
export const tanh = (x: NDArray): NDArray => kernelMap(x, K.tanh);
/** 1 / (1 + e^−x), written so that large |x| never overflows (see lib/kernels/elementwise.ts). */
export const sigmoid = (x: NDArray): NDArray => kernelMap(x, K.sigmoid);
