/**
 * Element-wise kernels on flat arrays of `n` numbers (`out` first; `out` may be the input, for
 * an in-place update). Each result is computed in float64 and rounded once into `out`.
 * Special values as TF.js' cpu backend: NaN in gives NaN out.
 */
import type { Floats } from './scratch.ts';

/**
 * max(x, 0): NaN stays NaN and relu(−0) = +0, as tf.relu on the cpu and wasm backends.
 * NOTE: `v > 0 ? v : 0` would turn NaN into 0, and `v < 0 ? 0 : v` would keep −0.
 */
export function relu(out: Floats, x: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = Math.max(x[i], 0);
}

/**
 * 1 / (1 + e^−x), written so that large |x| never overflows.
 * NOTE: TF.js' wasm backend returns 0 where the result is subnormal (x below about −87.3:
 * sigmoid(−100) = 0 there); lib, like the cpu backend, keeps it (≈ 3.8e−44 in float32).
 */
export function sigmoid(out: Floats, x: Floats, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    out[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
  }
}

export function tanh(out: Floats, x: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
}

/**
 * out = dy ⊙ relu′, from relu's output y. NOTE: relu′(0) = 0, as TensorFlow defines it; y = 0
 * exactly where x ≤ 0. Multiplied, as TF.js' dy·step(x), not assigned 0: a NaN or an infinity
 * in dy stays NaN where y = 0.
 */
export function reluBackward(out: Floats, dy: Floats, y: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = dy[i] * (y[i] > 0 ? 1 : 0);
}

/** out = dy ⊙ y(1 − y), from sigmoid's output y. */
export function sigmoidBackward(out: Floats, dy: Floats, y: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = dy[i] * y[i] * (1 - y[i]);
}

/** out = dy ⊙ (1 − y²), from tanh's output y. */
export function tanhBackward(out: Floats, dy: Floats, y: Floats, n: number): void {
  for (let i = 0; i < n; i++) out[i] = dy[i] * (1 - y[i] ** 2);
}

/** out[m×n] = x[m×n] + bias[n] on every row: a Dense layer's bias, added to the finished product. */
export function addBias(out: Floats, x: Floats, bias: Floats, m: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) out[o + j] = x[o + j] + bias[j];
  }
}

/** out[n] = Σ over the m rows of x[m×n]: the bias gradient. */
export function sumRows(out: Floats, x: Floats, m: number, n: number): void {
  out.fill(0, 0, n);
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) out[j] += x[o + j];
  }
}
