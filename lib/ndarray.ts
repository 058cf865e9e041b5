/**
 * NDArray: an n-dimensional array of numbers, stored row-major in one typed array.
 *
 *   const x = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 *   x.shape;        // [2, 3]
 *   x.get(1, 0);    // 4
 *   String(x);      // array([[1., 2., 3.],
 *                   //        [4., 5., 6.]], shape=[2,3], dtype=float64)
 *
 * It is deliberately small: the exercises build the operations (broadcasting, matmul,
 * reshape, …) themselves. Functions never mutate their inputs; `set` is for building arrays.
 */

import { ArgumentError, ShapeError } from './errors.ts';
import { type FormatOptions, formatArray, reprArray } from './format.ts';
import { createRng, type Rng } from './rng.ts';
import { formatShape, isValidShape, type Shape, sizeOf, stridesOf } from './shape.ts';

export type DType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array;
/** A number, or arrays of arrays of numbers, as JSON or Python lists write tensors. */
export type Nested = number | readonly Nested[];

export interface RandomOptions {
  /** A seed or a generator; without either, the run's seed (KATA_SEED, default 42). */
  seed?: number;
  rng?: Rng;
  dtype?: DType;
}

function allocate(dtype: DType, n: number): TypedArray {
  if (dtype === 'float32') return new Float32Array(n);
  if (dtype === 'float64') return new Float64Array(n);
  throw new ArgumentError('NDArray', `unknown dtype ${JSON.stringify(dtype)} (use 'float32' or 'float64')`);
}

function checkShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape) || !isValidShape(shape)) {
    throw new ShapeError(op, `a shape is a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
}

export class NDArray {
  readonly shape: readonly number[];
  readonly data: TypedArray;
  readonly strides: readonly number[];

  /** Wraps `data` (not copied) as an array of `shape`. Sizes must agree. */
  constructor(data: TypedArray, shape: Shape) {
    checkShape('NDArray', shape);
    const n = sizeOf(shape);
    if (data.length !== n) {
      throw new ShapeError('NDArray', `data has ${data.length} elements but shape ${formatShape(shape)} needs ${n}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(stridesOf(shape));
  }

  get dtype(): DType {
    return this.data instanceof Float32Array ? 'float32' : 'float64';
  }
  /** Number of axes (NumPy's ndim). */
  get rank(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  // ---- construction ---------------------------------------------------------------

  /** From nested arrays. Ragged input throws, naming where the lengths differ. */
  static fromNested(x: Nested, dtype: DType = 'float64'): NDArray {
    const shape: number[] = [];
    let probe: Nested = x;
    while (Array.isArray(probe)) {
      shape.push(probe.length);
      if (probe.length === 0) break;
      probe = probe[0] as Nested;
    }
    const out = allocate(dtype, sizeOf(shape));
    let k = 0;
    const walk = (v: Nested, depth: number, path: number[]): void => {
      const where = path.length === 0 ? 'the top level' : `index [${path.join('][')}]`;
      if (depth === shape.length) {
        if (typeof v !== 'number') {
          throw new ShapeError(
            'fromNested',
            `ragged nested array: expected a number at ${where}, got an array (the first element has shape ${formatShape(shape)})`,
          );
        }
        out[k++] = v;
        return;
      }
      if (!Array.isArray(v)) {
        throw new ShapeError(
          'fromNested',
          `ragged nested array: expected an array of length ${shape[depth]} at ${where}, got ${typeof v === 'number' ? `the number ${v}` : typeof v}`,
        );
      }
      const arr = v as readonly Nested[];
      if (arr.length !== shape[depth]) {
        throw new ShapeError(
          'fromNested',
          `ragged nested array: length ${arr.length} at ${where}, but ${shape[depth]} at the same depth before it`,
        );
      }
      for (let i = 0; i < arr.length; i++) walk(arr[i] as Nested, depth + 1, [...path, i]);
    };
    walk(x, 0, []);
    return new NDArray(out, shape);
  }

  /** From a flat list in row-major order. */
  static fromFlat(values: ArrayLike<number>, shape: Shape, dtype: DType = 'float64'): NDArray {
    checkShape('fromFlat', shape);
    const out = allocate(dtype, values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i];
    return new NDArray(out, shape);
  }

  static full(shape: Shape, value: number, dtype: DType = 'float64', op = 'full'): NDArray {
    checkShape(op, shape);
    return new NDArray(allocate(dtype, sizeOf(shape)).fill(value), shape);
  }
  static zeros(shape: Shape, dtype: DType = 'float64'): NDArray {
    return NDArray.full(shape, 0, dtype, 'zeros');
  }
  static ones(shape: Shape, dtype: DType = 'float64'): NDArray {
    return NDArray.full(shape, 1, dtype, 'ones');
  }

  /** Uniform in [low, high), seeded. */
  static randomUniform(shape: Shape, low = 0, high = 1, options: RandomOptions = {}): NDArray {
    checkShape('randomUniform', shape);
    const rng = options.rng ?? createRng(options.seed);
    const out = allocate(options.dtype ?? 'float64', sizeOf(shape));
    for (let i = 0; i < out.length; i++) out[i] = rng.uniform(low, high);
    return new NDArray(out, shape);
  }

  /** Normal with the given mean and standard deviation, seeded. */
  static randomNormal(shape: Shape, mean = 0, std = 1, options: RandomOptions = {}): NDArray {
    checkShape('randomNormal', shape);
    const rng = options.rng ?? createRng(options.seed);
    const out = allocate(options.dtype ?? 'float64', sizeOf(shape));
    for (let i = 0; i < out.length; i++) out[i] = rng.normal(mean, std);
    return new NDArray(out, shape);
  }

  // ---- element access -------------------------------------------------------------

  /** Flat offset of a full index; throws if it has the wrong length or is out of range. */
  offset(index: readonly number[]): number {
    if (index.length !== this.rank) {
      throw new ShapeError(
        'index',
        `index [${index.join(',')}] has ${index.length} entries but the array has rank ${this.rank} (shape ${formatShape(this.shape)})`,
      );
    }
    let o = 0;
    for (let i = 0; i < index.length; i++) {
      const k = index[i];
      const n = this.shape[i];
      if (!Number.isInteger(k) || k < 0 || k >= n) {
        throw new ShapeError(
          'index',
          `index ${k} is out of range for axis ${i} of size ${n} (index [${index.join(',')}], shape ${formatShape(this.shape)})`,
        );
      }
      o += k * this.strides[i];
    }
    return o;
  }

  get(...index: number[]): number {
    return this.data[this.offset(index)];
  }

  set(index: readonly number[], value: number): this {
    this.data[this.offset(index)] = value;
    return this;
  }

  // ---- conversion -----------------------------------------------------------------

  toNested(): Nested {
    if (this.rank === 0) return this.data[0];
    const build = (axis: number, offset: number): Nested => {
      const n = this.shape[axis];
      const step = this.strides[axis];
      const out: Nested[] = [];
      for (let i = 0; i < n; i++) {
        out.push(axis === this.rank - 1 ? this.data[offset + i * step] : build(axis + 1, offset + i * step));
      }
      return out;
    };
    return build(0, 0);
  }

  /** A copy with its own storage, optionally in another dtype. */
  clone(dtype: DType = this.dtype): NDArray {
    const out = allocate(dtype, this.size);
    out.set(this.data);
    return new NDArray(out, this.shape);
  }

  /** The values in NumPy's bracket form, without the `array(…)` wrapper. */
  format(options?: FormatOptions): string {
    return formatArray(this.data, this.shape, options);
  }

  /** Like NumPy's repr: `array([[1., 2.], [3., 4.]], shape=[2,2], dtype=float64)`. */
  toString(): string {
    return reprArray(this.data, this.shape);
  }

  /** console.log and util.inspect print the NumPy form too. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** True for an NDArray (also across module copies, as vitest may load lib twice). */
export function isNDArray(x: unknown): x is NDArray {
  return (
    x instanceof NDArray ||
    (typeof x === 'object' &&
      x !== null &&
      Array.isArray((x as NDArray).shape) &&
      ((x as NDArray).data instanceof Float32Array || (x as NDArray).data instanceof Float64Array))
  );
}
