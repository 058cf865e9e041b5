/** Ops that move data between shapes: reshape (no copy of order) and transpose (reorders). */
import { ShapeError } from '../errors.ts';
import { NDArray } from '../ndarray.ts';
import { formatShape, sizeOf, stridesOf } from '../shape.ts';

/** Same data, new shape; one size may be -1 and is inferred. */
export function reshape(x: NDArray, shape: readonly number[]): NDArray {
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw new ShapeError('reshape', `only one size may be -1, got ${formatShape(shape)}`);
  const known = sizeOf(shape.filter((d) => d !== -1));
  const resolved = shape.map((d) => (d === -1 ? (known === 0 ? 0 : x.size / known) : d));
  if (sizeOf(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(
      'reshape',
      `cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}`,
    );
  }
  return new NDArray(x.data, resolved);
}

/** Permutes the axes (default: reverses them, the matrix transpose for rank 2). Copies. */
export function transpose(x: NDArray, perm?: readonly number[]): NDArray {
  const rank = x.rank;
  const p = perm ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const valid = p.length === rank && [...p].sort((u, v) => u - v).every((v, i) => v === i);
  if (!valid) {
    throw new ShapeError(
      'transpose',
      `perm [${p.join(',')}] is not a permutation of the ${rank} axes of ${formatShape(x.shape)}`,
    );
  }
  const outShape = p.map((ax) => x.shape[ax]);
  const out = x.dtype === 'float32' ? new Float32Array(x.size) : new Float64Array(x.size);
  if (rank === 2 && p[0] === 1) {
    const [r, c] = x.shape as [number, number];
    const d = x.data;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = d[i * c + j];
    return new NDArray(out, outShape);
  }
  const inStrides = stridesOf(x.shape);
  const srcStrides = p.map((ax) => inStrides[ax]);
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = x.data[src];
    for (let ax = rank - 1; ax >= 0; ax--) {
      index[ax] = index[ax] + 1;
      src += srcStrides[ax];
      if (index[ax] < outShape[ax]) break;
      src -= srcStrides[ax] * outShape[ax];
      index[ax] = 0;
    }
  }
  return new NDArray(out, outShape);
}
