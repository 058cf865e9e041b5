/**
 * Softmax along the rows of x[rows×cols], shifted by the row maximum so exp never overflows
 * (`out` may be x). exp is taken again in the last pass rather than stored: a stored float32
 * exp would round twice, and subnormal probabilities would lose their digits.
 *
 * Special values as in TF.js: a row holding NaN or +Infinity, or only −Infinity, is all NaN
 * (x − max is NaN there); −Infinity elsewhere in a row gets probability 0 (log-probability
 * −Infinity). NOTE: TF.js' wasm backend returns 0 for probabilities that are subnormal in
 * float32 (softmax([0, −90]) = [1, 0] there); lib, like the cpu backend, keeps them (≈ 8.2e−40).
 */
import type { Floats } from './scratch.ts';

/** The row's maximum and Σ exp(x − max). */
function rowStats(x: Floats, o: number, cols: number): [number, number] {
  let m = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < cols; j++) m = Math.max(m, x[o + j]);
  let total = 0;
  for (let j = 0; j < cols; j++) total += Math.exp(x[o + j] - m);
  return [m, total];
}

export function softmax(out: Floats, x: Floats, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const [m, total] = rowStats(x, o, cols);
    for (let j = 0; j < cols; j++) out[o + j] = Math.exp(x[o + j] - m) / total;
  }
}

/** log(softmax(x)) = x − max − log Σ exp(x − max): finite even where softmax underflows to 0. */
export function logSoftmax(out: Floats, x: Floats, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const [m, total] = rowStats(x, o, cols);
    const lse = m + Math.log(total);
    for (let j = 0; j < cols; j++) out[o + j] = x[o + j] - lse;
  }
}
