/**
 * The judge of 06-backprop's helpers: its inputs, stand-ins and replays, kept apart so that
 * grading/judges/06-backprop.ts reads as its list of cases.
 */
import { NDArray } from '../../../lib/ndarray.ts';
import { float32Tolerance } from '../../../lib/tolerance.ts';
import type { JudgeRng } from '../../judge/api.ts';

/**
 * Losses, deltas and gradients are sums of up to a few dozen rounded terms. The specs compare
 * them with float32 TensorFlow.js at about these tolerances and do not check the dtype, so a
 * learner who sums in another order (or in a Float32Array) passes them and must pass here; a
 * path left out, a transpose missed or a mean taken over the wrong count is off by far more.
 */
export const LOSS = float32Tolerance(16, 1);
export const GRADS = float32Tolerance(64, 0.1);
export const BACKWARD = float32Tolerance(64, 1);
/**
 * Central differences lose about ε·|f|/h to rounding (1e-9 here), and a learner may nudge x in
 * another way (x + h from a copy, or += h and −= 2h in place): the results agree that far.
 */
export const NUMERIC = { rtol: 1e-6, atol: 1e-7 };

export const probabilities = (r: JudgeRng, shape: number[]) => r.ndarray(shape, 0, 1);

export function total(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

/** Labels of 0 and 1, for binary cross-entropy. */
export function binary(r: JudgeRng, shape: number[]): NDArray {
  const y = r.ndarray(shape, 0, 1);
  y.data.forEach((v, i) => {
    y.data[i] = Math.round(v);
  });
  return y;
}

/**
 * Rows of probabilities. With `sparse`, rows that sum to 1 with some entries exactly 0, some
 * one-hot (an entry exactly 1): where clipping matters. Otherwise softmax rows of logits in
 * [-4, 4], some scaled by a factor in [0.2, 1]: every entry stays far from ε and 1 − ε, so
 * rescaling before or after clipping makes no difference the specs could see.
 */
export function rows(r: JudgeRng, batch: number, classes: number, sparse: boolean): NDArray {
  const p = r.ndarray([batch, classes], -4, 4);
  for (let o = 0; o < p.size; o += classes) {
    const row = p.data.subarray(o, o + classes);
    const keep = r.int(0, classes - 1);
    row.forEach((v, j) => {
      row[j] = sparse ? (j === keep || r.bool() ? v + 4 : 0) : Math.exp(v);
    });
    const scale = (!sparse && r.bool() ? r.float(0.2, 1) : 1) / total(row);
    row.forEach((v, j) => {
      row[j] = v * scale;
    });
  }
  return p;
}

export function oneHot(labels: readonly number[], classes: number): NDArray {
  const y = NDArray.zeros([labels.length, classes]);
  for (const [row, c] of labels.entries()) y.set([row, c], 1);
  return y;
}

export const labels = (r: JudgeRng, batch: number, classes: number) =>
  Array.from({ length: batch }, () => r.int(0, classes - 1));

/** Scalar functions and their derivatives, for the chain rule (picked by index: inputs are data). */
export const sigma = (x: number) => 1 / (1 + Math.exp(-x));
export const FUNCTIONS: [(x: number) => number, (x: number) => number][] = [
  [Math.sin, Math.cos],
  [(x) => x * x, (x) => 2 * x],
  [Math.exp, Math.exp],
  [sigma, (x) => sigma(x) * (1 - sigma(x))],
  [Math.tanh, (x) => 1 - Math.tanh(x) ** 2],
  [(x) => x ** 3 - x, (x) => 3 * x * x - 1],
];

export const mapped = (x: NDArray, f: (v: number) => number) => NDArray.fromFlat(Array.from(x.data, f), x.shape);

/**
 * Functions of an array with the gradients the judge knows, every entry at least 0.2 in size
 * (so the checker's relative error is rounding, never a division by almost 0).
 */
export const SMOOTH: { f: (x: NDArray) => number; grad: (x: NDArray) => NDArray }[] = [
  { f: (x) => total(Array.from(x.data, (v) => v ** 3 + 2 * v)), grad: (x) => mapped(x, (v) => 3 * v * v + 2) },
  { f: (x) => total(Array.from(x.data, Math.exp)), grad: (x) => mapped(x, Math.exp) },
];

/** Mean cross-entropy of softmax(xs·W + b) against one-hot y, in plain loops: a loss of W to differentiate. */
export function denseLoss(xs: NDArray, W: NDArray, b: NDArray, y: NDArray): number {
  const [batch, inputs] = xs.shape as [number, number];
  const units = W.shape[1];
  let loss = 0;
  for (let n = 0; n < batch; n++) {
    const z = Array.from({ length: units }, (_, j) => {
      let s = b.data[j];
      for (let i = 0; i < inputs; i++) s += xs.data[n * inputs + i] * W.data[i * units + j];
      return s;
    });
    const max = Math.max(...z);
    const lse = max + Math.log(total(z.map((v) => Math.exp(v - max))));
    z.forEach((v, j) => {
      loss -= y.data[n * units + j] * (v - lse);
    });
  }
  return loss / batch;
}

/** A network of the seed's kind: 1 to 4 neurons per layer, x in [-2, 2], weights in [-1, 1]. */
export function network(r: JudgeRng) {
  const [nIn, nHidden, nOut] = [r.int(1, 4), r.int(1, 4), r.int(1, 4)];
  return {
    x: r.ndarray([nIn], -2, 2),
    target: probabilities(r, [nOut]),
    w0: r.ndarray([nIn, nHidden]),
    w1: r.ndarray([nHidden, nOut]),
    lr: r.float(0.1, 1),
  };
}
