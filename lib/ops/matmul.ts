/**
 * Matrix product of rank-2 arrays, for the exercises after 03 (which teaches it): shapes
 * checked here, the product computed by lib/kernels (the kernels lib/nn trains MNIST with),
 * transposes read in place by matmulTransA and matmulTransB. Float32 products of at least
 * SIMD_MIN_PRODUCTS multiply-adds run on the WebAssembly SIMD kernels (lib/kernels/simd); smaller
 * ones, and float64, on the plain TypeScript kernels, where a wasm call's copies cost more than
 * they save (measured: 8×8·8×8 is a tie, 4×4·4×4 three times slower on SIMD).
 *
 * Special values as in TF.js: 0·Infinity and 0·NaN are NaN, so a NaN or an infinity in b
 * reaches every row of the result, even through zeros of a; a result is never −0.
 * NOTE: the plain kernels keep the sums in float64 and round once, as TF.js' cpu backend does;
 * the SIMD kernels sum in float32, as its wasm backend does. So a partial sum beyond ±3.4e38
 * that later cancels is finite on the plain path and Infinity on the SIMD one:
 * [[3e38, 3e38, −3e38]]·[[1], [1], [1]] (9 multiply-adds) is 3e38 here and on cpu.
 */
import { ShapeError } from '../errors.ts';
import * as plain from '../kernels/index.ts';
import { matmulKernels } from '../kernels/simd/index.ts';
import { NDArray } from '../ndarray.ts';
import { formatShape } from '../shape.ts';
import { transpose } from './shape-ops.ts';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

type Products = Pick<typeof plain, 'matmul' | 'matmulTransA' | 'matmulTransB'>;

/** The size from which a float32 product goes to the SIMD kernels (m·k·n multiply-adds). */
export const SIMD_MIN_PRODUCTS = 1024;

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
  // NOTE: the SIMD kernels take float32 arrays only, which `f32` guarantees where they are chosen.
  const K: Products = f32 && m * k * n >= SIMD_MIN_PRODUCTS ? (matmulKernels() as unknown as Products) : plain;
  if (transposeA && transposeB) K.matmulTransB(out, transpose(a).data, b.data, m, k, n);
  else if (transposeA) K.matmulTransA(out, a.data, b.data, m, k, n);
  else if (transposeB) K.matmulTransB(out, a.data, b.data, m, k, n);
  else K.matmul(out, a.data, b.data, m, k, n);
  return new NDArray(out, [m, n]);
}
