/**
 * Matrix product of rank-2 arrays, for the exercises after 03 (which teaches it).
 * Loop order i-k-j: the inner loop walks rows of b and out contiguously, several times
 * faster than the textbook i-j-k order in JavaScript.
 */
import { ShapeError } from '../errors.ts';
import { NDArray } from '../ndarray.ts';
import { formatShape } from '../shape.ts';
import { transpose } from './shape-ops.ts';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

export function matmul(aIn: NDArray, bIn: NDArray, options: MatmulOptions = {}): NDArray {
  if (aIn.rank !== 2 || bIn.rank !== 2) {
    throw new ShapeError(
      'matmul',
      `needs two rank-2 arrays (a ${formatShape(aIn.shape)}, b ${formatShape(bIn.shape)})`,
    );
  }
  const a = options.transposeA ? transpose(aIn) : aIn;
  const b = options.transposeB ? transpose(bIn) : bIn;
  const [m, k] = a.shape as [number, number];
  const [k2, n] = b.shape as [number, number];
  if (k !== k2) {
    const note = options.transposeA || options.transposeB ? ' after transposing' : '';
    throw new ShapeError(
      'matmul',
      `inner dimensions ${k} and ${k2} differ${note} (a ${formatShape(a.shape)}, b ${formatShape(b.shape)})`,
    );
  }
  const f32 = a.dtype === 'float32' && b.dtype === 'float32';
  const out = f32 ? new Float32Array(m * n) : new Float64Array(m * n);
  const ad = a.data;
  const bd = b.data;
  const row = new Float64Array(n); // accumulate in float64 even for float32 inputs
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const av = ad[i * k + p] as number;
      if (av === 0) continue; // common in relu activations and MNIST pixels
      const off = p * n;
      for (let j = 0; j < n; j++) row[j] = (row[j] as number) + av * (bd[off + j] as number);
    }
    out.set(row, i * n);
  }
  return new NDArray(out, [m, n]);
}
