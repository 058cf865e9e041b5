/** Element-wise ops with broadcasting. Results are float64 unless both inputs are float32. */
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
  for (let i = 0; i < out.length; i++) out[i] = f(d[i] as number);
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
    for (let i = 0; i < n; i++) out[i] = f(ad[i] as number, bd[i] as number);
  } else if (a.size === n && n % b.size === 0 && sameTail(b.shape, shape)) {
    const m = b.size;
    for (let i = 0; i < n; i++) out[i] = f(ad[i] as number, bd[i % m] as number);
  } else if (b.size === n && n % a.size === 0 && sameTail(a.shape, shape)) {
    const m = a.size;
    for (let i = 0; i < n; i++) out[i] = f(ad[i % m] as number, bd[i] as number);
  } else {
    const sa = broadcastStrides(a.shape, shape);
    const sb = broadcastStrides(b.shape, shape);
    const rank = shape.length;
    const index = new Array<number>(rank).fill(0);
    let oa = 0;
    let ob = 0;
    for (let i = 0; i < n; i++) {
      out[i] = f(ad[oa] as number, bd[ob] as number);
      // Odometer: advance the last axis, carrying into earlier ones.
      for (let ax = rank - 1; ax >= 0; ax--) {
        index[ax] = (index[ax] as number) + 1;
        oa += sa[ax] as number;
        ob += sb[ax] as number;
        if ((index[ax] as number) < (shape[ax] as number)) break;
        oa -= (sa[ax] as number) * (shape[ax] as number);
        ob -= (sb[ax] as number) * (shape[ax] as number);
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
export const maximum = (a: Operand, b: Operand): NDArray => zipWith('maximum', a, b, (x, y) => (x > y ? x : y));
export const minimum = (a: Operand, b: Operand): NDArray => zipWith('minimum', a, b, (x, y) => (x < y ? x : y));

export const neg = (x: NDArray): NDArray => map(x, (v) => -v);
export const exp = (x: NDArray): NDArray => map(x, Math.exp);
export const log = (x: NDArray): NDArray => map(x, Math.log);
export const sqrt = (x: NDArray): NDArray => map(x, Math.sqrt);
export const square = (x: NDArray): NDArray => map(x, (v) => v * v);
export const relu = (x: NDArray): NDArray => map(x, (v) => (v > 0 ? v : 0));
export const tanh = (x: NDArray): NDArray => map(x, Math.tanh);
/** 1 / (1 + e^−x), written so that large |x| never overflows. */
export const sigmoid = (x: NDArray): NDArray =>
  map(x, (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))));
