/**
 * Exercise 01 — tensors: rank, shape, size, row-major storage, slicing, batches and the
 * shapes of common kinds of data. Reference solution.
 */

import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { type DType, NDArray, type Nested } from '../../lib/ndarray.ts';
import { formatShape } from '../../lib/shape.ts';

// ---- Step 1: rank ---------------------------------------------------------------------

/** Number of axes (NumPy's ndim): 0 for a number, 1 for [1, 2], 2 for [[1], [2]], … */
export function rank(x: Nested): number {
  let r = 0;
  let v: Nested = x;
  while (Array.isArray(v)) {
    r++;
    if (v.length === 0) break;
    v = v[0] as Nested;
  }
  return r;
}

// ---- Step 2: shape --------------------------------------------------------------------

/** Size of every axis. Ragged data (rows of different lengths) throws a ShapeError. */
export function shape(x: Nested): number[] {
  const dims: number[] = [];
  let v: Nested = x;
  while (Array.isArray(v)) {
    dims.push(v.length);
    if (v.length === 0) break;
    v = v[0] as Nested;
  }
  const check = (node: Nested, depth: number, path: number[]): void => {
    const where = path.length === 0 ? 'the top level' : `index [${path.join('][')}]`;
    if (depth === dims.length) {
      if (Array.isArray(node)) {
        throw new ShapeError('shape', `ragged nested array: expected a number at ${where}, got an array`);
      }
      return;
    }
    if (!Array.isArray(node)) {
      throw new ShapeError(
        'shape',
        `ragged nested array: expected an array of length ${dims[depth]} at ${where}, got the number ${node}`,
      );
    }
    if (node.length !== dims[depth]) {
      const first = `index [${path.map(() => 0).join('][')}]`;
      throw new ShapeError(
        'shape',
        `ragged nested array: length ${node.length} at ${where}, but ${dims[depth]} at ${first}`,
      );
    }
    for (let i = 0; i < node.length; i++) check(node[i] as Nested, depth + 1, [...path, i]);
  };
  check(x, 0, []);
  return dims;
}

// ---- Step 3: size and bytes -------------------------------------------------------------

/** Number of elements: the product of the axis sizes (1 for a scalar's shape []). */
export function size(shapeOf: readonly number[]): number {
  let n = 1;
  for (const d of shapeOf) n *= d;
  return n;
}

/** Bytes needed to hold an array of this shape: 4 per float32 element, 8 per float64. */
export function byteSize(shapeOf: readonly number[], dtype: DType): number {
  return size(shapeOf) * (dtype === 'float32' ? 4 : 8);
}

// ---- Step 4: row-major storage ----------------------------------------------------------

/** How far apart, in the flat data, neighbours along each axis are (row-major). */
export function strides(shapeOf: readonly number[]): number[] {
  const out = new Array<number>(shapeOf.length);
  let step = 1;
  for (let i = shapeOf.length - 1; i >= 0; i--) {
    out[i] = step;
    step *= shapeOf[i];
  }
  return out;
}

/** Position in the flat data of the element at `index`. */
export function flatIndex(shapeOf: readonly number[], index: readonly number[]): number {
  if (index.length !== shapeOf.length) {
    throw new ShapeError(
      'flatIndex',
      `index [${index.join(',')}] has ${index.length} entries for shape ${formatShape(shapeOf)} of rank ${shapeOf.length}`,
    );
  }
  const s = strides(shapeOf);
  let offset = 0;
  for (let i = 0; i < index.length; i++) {
    const k = index[i];
    if (k < 0 || k >= shapeOf[i]) {
      throw new ShapeError(
        'flatIndex',
        `index ${k} is out of range for axis ${i} of size ${shapeOf[i]} (shape ${formatShape(shapeOf)})`,
      );
    }
    offset += k * s[i];
  }
  return offset;
}

/** Nested data → NDArray: the values in row-major order plus the shape. */
export function toNDArray(x: Nested): NDArray {
  const dims = shape(x);
  const data = new Float64Array(size(dims));
  let k = 0;
  const walk = (v: Nested): void => {
    if (Array.isArray(v)) for (const child of v) walk(child);
    else data[k++] = v as number;
  };
  walk(x);
  return new NDArray(data, dims);
}

// ---- Step 5: indexing and slicing -----------------------------------------------------

/** x[i]: the i-th entry along the first axis, one rank lower. Negative i counts from the end. */
export function at(x: NDArray, i: number): NDArray {
  if (x.rank === 0) throw new ShapeError('at', 'cannot index a scalar (shape [])');
  const n = x.shape[0];
  const k = i < 0 ? n + i : i;
  if (!Number.isInteger(i) || k < 0 || k >= n) {
    throw new ShapeError('at', `index ${i} is out of range for axis 0 of size ${n} (shape ${formatShape(x.shape)})`);
  }
  const inner = x.shape.slice(1);
  const step = size(inner);
  return new NDArray(x.data.slice(k * step, (k + 1) * step), inner);
}

/** One axis' range, as NumPy's `start:stop`: null is `:`, [start] is `start:`. */
export type Range = null | readonly [start: number, stop?: number];

function resolveRange(range: Range, n: number, axis: number): [number, number] {
  if (range === null) return [0, n];
  const [start, stop = n] = range;
  for (const v of [start, stop]) {
    if (!Number.isInteger(v)) throw new ArgumentError('slice', `axis ${axis}: range bounds must be integers, got ${v}`);
  }
  const clamp = (v: number): number => Math.min(n, Math.max(0, v < 0 ? n + v : v));
  const a = clamp(start);
  const b = clamp(stop);
  return [a, Math.max(a, b)];
}

/**
 * x[r0, r1, …] with NumPy's rules: negative bounds count from the end, bounds past the end
 * are clipped, a start at or after its stop gives an empty axis, missing ranges mean `:`.
 */
export function slice(x: NDArray, ...ranges: Range[]): NDArray {
  if (ranges.length > x.rank) {
    throw new ShapeError(
      'slice',
      `${ranges.length} ranges given for an array of rank ${x.rank} (shape ${formatShape(x.shape)})`,
    );
  }
  const bounds = x.shape.map((n, axis) => resolveRange(ranges[axis] ?? null, n, axis));
  const outShape = bounds.map(([a, b]) => b - a);
  const out = new Float64Array(size(outShape));
  const src = x.strides;
  let k = 0;
  const copy = (axis: number, offset: number): void => {
    const [a, b] = bounds[axis] as [number, number];
    for (let i = a; i < b; i++) {
      const o = offset + i * src[axis];
      if (axis === x.rank - 1) out[k++] = x.data[o];
      else copy(axis + 1, o);
    }
  };
  if (x.rank === 0) out[0] = x.data[0];
  else if (out.length > 0) copy(0, 0);
  return new NDArray(x.dtype === 'float32' ? Float32Array.from(out) : out, outShape);
}

// ---- Step 6: the batch axis -------------------------------------------------------------

/** Batch n of size batchSize along axis 0: x[batchSize·n : batchSize·(n+1)]. The last may be partial. */
export function batch(x: NDArray, n: number, batchSize = 128): NDArray {
  if (x.rank === 0) throw new ShapeError('batch', 'a scalar (shape []) has no batch axis');
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ArgumentError('batch', `batchSize must be a positive integer, got ${batchSize}`);
  }
  const samples = x.shape[0];
  const count = Math.ceil(samples / batchSize);
  if (!Number.isInteger(n) || n < 0 || n >= count) {
    throw new ArgumentError(
      'batch',
      `batch ${n} does not exist: ${samples} samples make ${count} batches of ${batchSize} (numbered 0 to ${count - 1})`,
    );
  }
  return slice(x, [batchSize * n, batchSize * (n + 1)]);
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
  switch (spec.kind) {
    case 'vectors':
      return [spec.samples, spec.features];
    case 'timeseries':
      return [spec.samples, spec.timesteps, spec.features];
    case 'images':
      return spec.layout === 'channels-first'
        ? [spec.samples, spec.channels, spec.height, spec.width]
        : [spec.samples, spec.height, spec.width, spec.channels];
    case 'video':
      return spec.layout === 'channels-first'
        ? [spec.samples, spec.frames, spec.channels, spec.height, spec.width]
        : [spec.samples, spec.frames, spec.height, spec.width, spec.channels];
    default:
      throw new ArgumentError('dataShape', `unknown kind ${JSON.stringify((spec as { kind: unknown }).kind)}`);
  }
}
