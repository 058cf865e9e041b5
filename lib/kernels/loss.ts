/**
 * Sparse categorical cross-entropy on probabilities p[rows×classes] and integer labels, as
 * Keras computes it: −log p[y], with p clipped to [ε, 1 − ε] (ε = 1e-7, Keras' epsilon()), so
 * a confident wrong answer costs log(1e7) ≈ 16.1 and not Infinity. One routine for the MLP's
 * training step, its evaluation and the TF.js engine's evaluation in `npm run mnist`.
 */
import type { Floats } from './scratch.ts';

export const EPSILON = 1e-7;

/** Σ over the rows of −log(clip(p[y], ε, 1 − ε)): the sum, not the mean, so batches add up. */
export function crossEntropySum(p: Floats, labels: ArrayLike<number>, rows: number, classes: number): number {
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    loss -= Math.log(Math.min(Math.max(p[i * classes + labels[i]], EPSILON), 1 - EPSILON));
  }
  return loss;
}

/**
 * out = (p − onehot(y)) / rows: the gradient of the mean cross-entropy with respect to the
 * logits of a softmax layer, in its fused form (`out` may be p).
 */
export function crossEntropyBackward(
  out: Floats,
  p: Floats,
  labels: ArrayLike<number>,
  rows: number,
  classes: number,
): void {
  for (let i = 0; i < rows; i++) {
    const o = i * classes;
    for (let c = 0; c < classes; c++) out[o + c] = p[o + c] / rows;
    out[o + labels[i]] -= 1 / rows;
  }
}

/**
 * out[i] = the index of row i's largest value (the first, on a tie; 0 for a row of NaN), and
 * returns how many of them equal `labels`: the predictions and the count behind accuracy.
 */
export function argmaxRows(
  out: Uint8Array | Int32Array,
  x: Floats,
  labels: ArrayLike<number>,
  rows: number,
  cols: number,
): number {
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let best = 0;
    for (let c = 1; c < cols; c++) if (x[o + c] > x[o + best]) best = c;
    out[i] = best;
    if (best === labels[i]) correct++;
  }
  return correct;
}
