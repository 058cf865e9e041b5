/**
 * fast-check arbitraries for arrays, shared by specs and tests. Values are float32
 * numbers (fc.float), so TensorFlow.js sees exactly the inputs our float64 code sees.
 * Seeds come from lib/setup.ts (KATA_SEED); failures shrink to small shapes.
 */
import fc from 'fast-check';
import { NDArray, type Nested } from './ndarray.ts';
import { sizeOf } from './shape.ts';

export interface ShapeOptions {
  minRank?: number;
  maxRank?: number;
  /** smallest size of an axis (default 0 for nested data, 1 for arrays) */
  minDim?: number;
  maxDim?: number;
}

export interface ValueOptions {
  /** values lie in [-bound, bound] (default 10) */
  bound?: number;
}

/** A shape: a list of small non-negative sizes. */
export function shapeArb({
  minRank = 0,
  maxRank = 4,
  minDim = 1,
  maxDim = 5,
}: ShapeOptions = {}): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/** n float32 values in [-bound, bound], never NaN or infinite. */
export function valuesArb(n: number, { bound = 10 }: ValueOptions = {}): fc.Arbitrary<number[]> {
  const b = Math.fround(bound);
  // NOTE: subnormal floats (below 2^-126) become 0: TensorFlow.js' WASM backend flushes them
  // to zero, which would make exact comparisons fail for a reason no learner can fix.
  const value = fc
    .float({ min: -b, max: b, noNaN: true, noDefaultInfinity: true })
    .map((v) => (Math.abs(v) < 2 ** -126 ? 0 : v));
  return fc.array(value, { minLength: n, maxLength: n });
}

function nest(flat: readonly number[], shape: readonly number[]): Nested {
  if (shape.length === 0) return flat[0];
  const [n, ...rest] = shape as [number, ...number[]];
  const step = sizeOf(rest);
  return Array.from({ length: n }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), rest));
}

/** Nested arrays of a random shape, with their shape and flat row-major values. */
export function nestedArray(
  options: ShapeOptions & ValueOptions = {},
): fc.Arbitrary<{ nested: Nested; shape: number[]; flat: number[] }> {
  // Nested lists cannot hold a shape like [0, 3] (an empty list has no rows to measure),
  // so nothing follows a size-0 axis.
  const shapes = shapeArb({ minDim: 0, ...options }).map((s) => (s.includes(0) ? s.slice(0, s.indexOf(0) + 1) : s));
  return shapes.chain((shape) =>
    valuesArb(sizeOf(shape), options).map((flat) => ({ nested: nest(flat, shape), shape, flat })),
  );
}

/** A float32 NDArray of a random shape. */
export function randomArray(options: ShapeOptions & ValueOptions = {}): fc.Arbitrary<NDArray> {
  return shapeArb(options).chain((shape) => arrayOfShape(shape, options));
}

/** A float32 NDArray of the given shape. */
export function arrayOfShape(shape: readonly number[], options: ValueOptions = {}): fc.Arbitrary<NDArray> {
  return valuesArb(sizeOf(shape), options).map((flat) => NDArray.fromFlat(flat, shape, 'float32'));
}
