/**
 * Softmax along the last axis, shifted by the row maximum so exp never overflows.
 *
 * Special values as in TF.js: a row holding NaN or +Infinity, or only −Infinity, is all NaN
 * (x − max is NaN there); −Infinity elsewhere in a row gets probability 0 (log-probability
 * −Infinity). NOTE: TF.js' wasm backend returns 0 for probabilities that are subnormal in
 * float32 (softmax([0, −90]) = [1, 0] there); lib, like the cpu backend, keeps them (≈ 8.2e−40).
 */
import { ShapeError } from '../errors.ts';
import { NDArray } from '../ndarray.ts';

/**
 * Calls `write(row, offset, n, max, sumExp)` for every row of the last axis, where
 * sumExp = Σ exp(x − max). Both softmax and logSoftmax are one line on top of it.
 */
function eachRow(
  op: string,
  x: NDArray,
  write: (out: Float32Array | Float64Array, offset: number, n: number, max: number, sumExp: number) => void,
): NDArray {
  if (x.rank === 0) throw new ShapeError(op, 'needs at least one axis, got a scalar');
  const n = x.shape[x.rank - 1] as number;
  const rows = n === 0 ? 0 : x.size / n;
  const out = x.dtype === 'float32' ? new Float32Array(x.size) : new Float64Array(x.size);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) m = Math.max(m, x.data[o + j] as number);
    let total = 0;
    for (let j = 0; j < n; j++) total += Math.exp((x.data[o + j] as number) - m);
    write(out, o, n, m, total);
  }
  return new NDArray(out, x.shape);
}

export function softmax(x: NDArray): NDArray {
  return eachRow('softmax', x, (out, o, n, m, total) => {
    for (let j = 0; j < n; j++) out[o + j] = Math.exp((x.data[o + j] as number) - m) / total;
  });
}

/** log(softmax(x)) = x − max − log Σ exp(x − max): finite even where softmax underflows to 0. */
export function logSoftmax(x: NDArray): NDArray {
  return eachRow('logSoftmax', x, (out, o, n, m, total) => {
    const lse = m + Math.log(total);
    for (let j = 0; j < n; j++) out[o + j] = (x.data[o + j] as number) - lse;
  });
}
