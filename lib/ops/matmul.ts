/**
 * Matrix product of rank-2 arrays, for the exercises after 03 (which teaches it): shapes
 * checked here, the product computed by lib/kernels/matmul.ts (the kernel lib/nn trains
 * MNIST with), transposes read in place by its matmulTransA and matmulTransB.
 *
 * Special values as in TF.js: 0·Infinity and 0·NaN are NaN, so a NaN or an infinity in b
 * reaches every row of the result, even through zeros of a; a result is never −0.
 * NOTE: the sums are kept in float64 and rounded once, as TF.js' cpu backend does. Its wasm
 * backend sums in float32, so a partial sum beyond ±3.4e38 that later cancels is Infinity
 * there and finite here: [[3e38, 3e38, −3e38]]·[[1], [1], [1]] is 3e38 here and on cpu.
 */
import { ShapeError } from '../errors.ts';
import * as K from '../kernels/index.ts';
import { NDArray } from '../ndarray.ts';
import { formatShape } from '../shape.ts';
import { transpose } from './shape-ops.ts';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

export function matmul(a: NDArray, b: NDArray, options: MatmulOptions = {}): NDArray {
  if (a.rank !== 2 || b.rank !== 2) {
    throw new ShapeError('matmul', `needs two rank-2 arrays (a ${formatShape(a.shape)}, b ${formatShape(b.shape)})`);
  }
  const { transposeA = false, transposeB = false } = options;
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : a.shape;
  const [k2, n] = transposeB ? [b.shape[1], b.shape[0]] : b.shape;
  if (k !== k2) {
    const note = transposeA || transposeB ? ' after transposing' : '';
    throw new ShapeError(
      'matmul',
      `inner dimensions ${k} and ${k2} differ${note} (a ${formatShape([m, k])}, b ${formatShape([k2, n])})`,
    );
  }
  const f32 = a.dtype === 'float32' && b.dtype === 'float32';
  const out = f32 ? new Float32Array(m * n) : new Float64Array(m * n);
  if (transposeA && transposeB) K.matmulTransB(out, transpose(a).data, b.data, m, k, n);
  else if (transposeA) K.matmulTransA(out, a.data, b.data, m, k, n);
  else if (transposeB) K.matmulTransB(out, a.data, b.data, m, k, n);
  else K.matmul(out, a.data, b.data, m, k, n);
  return new NDArray(out, [m, n]);
}
