/**
 * Exercise 06 — loss functions and backpropagation by hand: losses, the derivatives of the
 * activations, the chain rule, the seed's 2-2-2 sigmoid network, the Dense backward pass and a
 * numerical gradient checker. Reference solution.
 */

import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { map, matmul, mul, reshape, sigmoid, softmax, sub, sum, tanh } from '../../lib/ops/index.ts';
import { formatShape, shapesEqual } from '../../lib/shape.ts';

// ---- Step 1: losses -------------------------------------------------------------------

/**
 * Keras' (and TensorFlow.js') fuzz factor: predictions are clipped to [EPSILON, 1 − EPSILON].
 * NOTE: in TF.js' float32, 1 − 1e-7 rounds to 1 − 2^-23 (≈ 1 − 1.19e-7): a prediction of 1 for
 * a label of 0 costs −log(2^-23) ≈ 15.94 in its binary cross-entropy, −log(1e-7) ≈ 16.12 here.
 */
export const EPSILON = 1e-7;

function checkPair(op: string, yTrue: NDArray, yPred: NDArray): void {
  if (!shapesEqual(yTrue.shape, yPred.shape)) {
    throw new ShapeError(
      op,
      `yTrue and yPred must have the same shape, got yTrue ${formatShape(yTrue.shape)} and yPred ${formatShape(yPred.shape)}`,
    );
  }
  if (yPred.size === 0) throw new ArgumentError(op, `no predictions (yPred ${formatShape(yPred.shape)})`);
}

/**
 * NOTE: Math.min and Math.max keep NaN, so a NaN prediction gives a NaN loss, as on TF.js' cpu
 * backend; its wasm backend's clipByValue turns NaN into ε, and the loss into a finite number.
 */
const clip = (p: number): number => Math.min(1 - EPSILON, Math.max(EPSILON, p));

/** mean((yPred − yTrue)²) over every element: Keras' per-sample mean, then the batch mean. */
export function mse(yTrue: NDArray, yPred: NDArray): number {
  checkPair('mse', yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yPred.size; i++) {
    const d = yPred.data[i] - yTrue.data[i];
    total += d * d;
  }
  return total / yPred.size;
}

/** −mean(y·log p + (1 − y)·log(1 − p)) with p clipped to [ε, 1 − ε]. */
export function binaryCrossentropy(yTrue: NDArray, yPred: NDArray): number {
  checkPair('binaryCrossentropy', yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yPred.size; i++) {
    const y = yTrue.data[i];
    const p = clip(yPred.data[i]);
    total -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
  }
  return total / yPred.size;
}

/** −Σ_j y_j·log p_j per row, rows of p rescaled to sum to 1 and clipped; mean over the rows. */
export function categoricalCrossentropy(yTrue: NDArray, yPred: NDArray): number {
  checkPair('categoricalCrossentropy', yTrue, yPred);
  if (yPred.rank === 0) throw new ShapeError('categoricalCrossentropy', 'needs a class axis, got scalars (shape [])');
  const classes = yPred.shape[yPred.rank - 1];
  const rows = yPred.size / classes;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    let rowSum = 0;
    for (let j = 0; j < classes; j++) rowSum += yPred.data[o + j];
    for (let j = 0; j < classes; j++) {
      const y = yTrue.data[o + j];
      total -= y * Math.log(clip(yPred.data[o + j] / rowSum));
    }
  }
  return total / rows;
}

/** categoricalCrossentropy with class indices: labels[r] is the true class of row r. */
export function sparseCategoricalCrossentropy(labels: readonly number[], yPred: NDArray): number {
  const op = 'sparseCategoricalCrossentropy';
  if (yPred.rank !== 2) {
    throw new ShapeError(op, `yPred must be (batch, classes), got rank ${yPred.rank} (${formatShape(yPred.shape)})`);
  }
  const [rows, classes] = yPred.shape as [number, number];
  if (labels.length !== rows) {
    throw new ShapeError(op, `${labels.length} labels for yPred ${formatShape(yPred.shape)}: need one per row`);
  }
  const oneHot = NDArray.zeros(yPred.shape);
  labels.forEach((label, r) => {
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new ArgumentError(
        op,
        `label ${label} (row ${r}) is not a class index: yPred ${formatShape(yPred.shape)} has ${classes} classes, 0 to ${classes - 1}`,
      );
    }
    oneHot.data[r * classes + label] = 1;
  });
  return categoricalCrossentropy(oneHot, yPred);
}

// ---- Step 2: derivatives of the activations ----------------------------------------------

/**
 * relu′(z): 1 where z > 0, else 0. NOTE: relu has no derivative at 0; TensorFlow uses 0.
 * NOTE: NaN is neither > 0 nor ≤ 0: its slope is NaN, as TF.js' gradient of relu gives.
 */
export function reluPrime(z: NDArray): NDArray {
  return map(z, (v) => (v > 0 ? 1 : v <= 0 ? 0 : Number.NaN));
}

/** sigmoid′(z) = s·(1 − s) with s = sigmoid(z). */
export function sigmoidPrime(z: NDArray): NDArray {
  return map(sigmoid(z), (s) => s * (1 - s));
}

/** tanh′(z) = 1 − tanh²(z). */
export function tanhPrime(z: NDArray): NDArray {
  return map(tanh(z), (t) => 1 - t * t);
}

// ---- Step 3: the chain rule ---------------------------------------------------------------

export type ScalarFn = (x: number) => number;

/** F = f∘g and its derivative. */
export interface Composition {
  F: ScalarFn;
  dF: ScalarFn;
}

/** F(x) = f(g(x)) and F′(x) = f′(g(x))·g′(x). */
export function chainRule(f: ScalarFn, fPrime: ScalarFn, g: ScalarFn, gPrime: ScalarFn): Composition {
  return {
    F: (x) => f(g(x)),
    dF: (x) => fPrime(g(x)) * gPrime(x),
  };
}

// ---- Step 4: the seed's worked example, by hand --------------------------------------------

/** Every z and a of the network: layer 1 is the hidden layer, layer 2 the output layer. */
export interface ForwardPass {
  z1: NDArray;
  a1: NDArray;
  z2: NDArray;
  a2: NDArray;
}

/** v (n) times w (n, m): out_j = Σ_i v_i·w_ij, the row vector v·W. */
function vecmat(v: NDArray, w: NDArray): NDArray {
  return reshape(matmul(reshape(v, [1, v.size]), w), [w.shape[1]]);
}

function checkVector(op: string, what: string, v: NDArray): void {
  if (v.rank !== 1) throw new ShapeError(op, `${what} must be a vector, got shape ${formatShape(v.shape)}`);
}

/** z1 = x·w0, a1 = sigmoid(z1), z2 = a1·w1, a2 = sigmoid(z2); w[i][j] joins neuron i to neuron j. */
export function forwardPass(x: NDArray, w0: NDArray, w1: NDArray): ForwardPass {
  checkVector('forwardPass', 'x', x);
  const shapes = `(x ${formatShape(x.shape)}, w0 ${formatShape(w0.shape)}, w1 ${formatShape(w1.shape)})`;
  if (w0.rank !== 2 || w0.shape[0] !== x.size) {
    throw new ShapeError('forwardPass', `w0 must have one row per input, shape [${x.size},hidden] ${shapes}`);
  }
  if (w1.rank !== 2 || w1.shape[0] !== w0.shape[1]) {
    throw new ShapeError(
      'forwardPass',
      `w1 must have one row per hidden neuron, shape [${w0.shape[1]},outputs] ${shapes}`,
    );
  }
  const z1 = vecmat(x, w0);
  const a1 = sigmoid(z1);
  const z2 = vecmat(a1, w1);
  const a2 = sigmoid(z2);
  return { z1, a1, z2, a2 };
}

/** E_tot = Σ_j ½·(target_j − a2_j)². */
export function totalError(target: NDArray, a2: NDArray): number {
  if (!shapesEqual(target.shape, a2.shape)) {
    throw new ShapeError('totalError', `target ${formatShape(target.shape)} and a2 ${formatShape(a2.shape)} differ`);
  }
  let e = 0;
  for (let j = 0; j < a2.size; j++) e += 0.5 * (target.data[j] - a2.data[j]) ** 2;
  return e;
}

/** δ2_j = ∂E/∂z2_j = (a2_j − target_j)·a2_j·(1 − a2_j). */
export function outputDeltas(target: NDArray, a2: NDArray): NDArray {
  if (!shapesEqual(target.shape, a2.shape)) {
    throw new ShapeError('outputDeltas', `target ${formatShape(target.shape)} and a2 ${formatShape(a2.shape)} differ`);
  }
  return mul(
    sub(a2, target),
    map(a2, (a) => a * (1 - a)),
  );
}

/** δ1_i = ∂E/∂z1_i = (Σ_j w1_ij·δ2_j)·a1_i·(1 − a1_i): every output j is a path back to i. */
export function hiddenDeltas(w1: NDArray, delta2: NDArray, a1: NDArray): NDArray {
  checkVector('hiddenDeltas', 'delta2', delta2);
  checkVector('hiddenDeltas', 'a1', a1);
  if (w1.rank !== 2 || w1.shape[0] !== a1.size || w1.shape[1] !== delta2.size) {
    throw new ShapeError(
      'hiddenDeltas',
      `w1 must be [${a1.size},${delta2.size}] to join a1 ${formatShape(a1.shape)} to delta2 ${formatShape(delta2.shape)}, got ${formatShape(w1.shape)}`,
    );
  }
  const back = reshape(matmul(w1, reshape(delta2, [delta2.size, 1])), [a1.size]);
  return mul(
    back,
    map(a1, (a) => a * (1 - a)),
  );
}

/** ∂E/∂w_ij = aPrev_i·δ_j: the outer product, shape [aPrev.size, delta.size]. */
export function weightGradient(aPrev: NDArray, delta: NDArray): NDArray {
  checkVector('weightGradient', 'aPrev', aPrev);
  checkVector('weightGradient', 'delta', delta);
  return matmul(reshape(aPrev, [aPrev.size, 1]), reshape(delta, [1, delta.size]));
}

/** One step of gradient descent: w − lr·grad (a new array). */
export function sgdUpdate(w: NDArray, grad: NDArray, lr: number): NDArray {
  if (!shapesEqual(w.shape, grad.shape)) {
    throw new ShapeError('sgdUpdate', `w ${formatShape(w.shape)} and grad ${formatShape(grad.shape)} differ`);
  }
  return sub(
    w,
    map(grad, (g) => lr * g),
  );
}

export interface TrainStep {
  forward: ForwardPass;
  /** E_tot before the step */
  error: number;
  dW0: NDArray;
  dW1: NDArray;
  updatedW0: NDArray;
  updatedW1: NDArray;
}

/** Forward, backward (output layer first), then update every weight with lr. */
export function trainStep(x: NDArray, target: NDArray, w0: NDArray, w1: NDArray, lr: number): TrainStep {
  const forward = forwardPass(x, w0, w1);
  const error = totalError(target, forward.a2);
  const delta2 = outputDeltas(target, forward.a2);
  const dW1 = weightGradient(forward.a1, delta2);
  // NOTE: the hidden deltas use w1 as it was in the forward pass, not the updated w1.
  const delta1 = hiddenDeltas(w1, delta2, forward.a1);
  const dW0 = weightGradient(x, delta1);
  return { forward, error, dW0, dW1, updatedW0: sgdUpdate(w0, dW0, lr), updatedW1: sgdUpdate(w1, dW1, lr) };
}

// ---- Step 5: the Dense backward pass, in batch form -----------------------------------------

export interface DenseGrads {
  dW: NDArray;
  db: NDArray;
  dx: NDArray;
}

/** For z = x·W + b: dW = xᵀ·dZ, db = Σ_batch dZ, dx = dZ·Wᵀ. */
export function denseBackward(x: NDArray, w: NDArray, dZ: NDArray): DenseGrads {
  const shapes = `(x ${formatShape(x.shape)}, w ${formatShape(w.shape)}, dZ ${formatShape(dZ.shape)})`;
  if (x.rank !== 2 || w.rank !== 2 || dZ.rank !== 2) {
    throw new ShapeError('denseBackward', `x, w and dZ must be matrices ${shapes}`);
  }
  if (x.shape[1] !== w.shape[0]) {
    throw new ShapeError('denseBackward', `x has ${x.shape[1]} features but w has ${w.shape[0]} rows ${shapes}`);
  }
  if (dZ.shape[0] !== x.shape[0] || dZ.shape[1] !== w.shape[1]) {
    throw new ShapeError('denseBackward', `dZ must have shape [${x.shape[0]},${w.shape[1]}] ${shapes}`);
  }
  return {
    dW: matmul(x, dZ, { transposeA: true }),
    db: sum(dZ, 0),
    dx: matmul(dZ, w, { transposeB: true }),
  };
}

/** dZ = dA ⊙ relu′(z). */
export function reluBackward(dA: NDArray, z: NDArray): NDArray {
  if (!shapesEqual(dA.shape, z.shape)) {
    throw new ShapeError('reluBackward', `dA ${formatShape(dA.shape)} and z ${formatShape(z.shape)} differ`);
  }
  return mul(dA, reluPrime(z));
}

/** ∂/∂logits of mean categorical cross-entropy of softmax(logits): (softmax(logits) − yTrue) / batch. */
export function softmaxCrossEntropyBackward(logits: NDArray, yTrue: NDArray): NDArray {
  if (logits.rank !== 2 || !shapesEqual(logits.shape, yTrue.shape)) {
    throw new ShapeError(
      'softmaxCrossEntropyBackward',
      `logits and yTrue must be the same (batch, classes) shape, got logits ${formatShape(logits.shape)} and yTrue ${formatShape(yTrue.shape)}`,
    );
  }
  const batch = logits.shape[0];
  return map(sub(softmax(logits), yTrue), (v) => v / batch);
}

// ---- Step 6: numerical gradient checking ------------------------------------------------------

/** ∂f/∂x_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / 2h for every element, in float64. x is not changed. */
export function numericalGradient(f: (x: NDArray) => number, x: NDArray, h = 1e-5): NDArray {
  // NOTE: a float32 copy would round x + h to float32 and lose half the digits.
  const probe = x.clone('float64');
  const grad = NDArray.zeros(x.shape);
  for (let i = 0; i < probe.size; i++) {
    const old = probe.data[i];
    probe.data[i] = old + h;
    const plus = f(probe);
    probe.data[i] = old - h;
    const minus = f(probe);
    probe.data[i] = old;
    grad.data[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

/** The largest |a − n| / max(|a|, |n|, 1e-12) over the elements (CS231n's relative error). */
export function relativeError(analytic: NDArray, numeric: NDArray): number {
  return worstElement(analytic, numeric).relError;
}

function worstElement(analytic: NDArray, numeric: NDArray): { relError: number; offset: number } {
  if (!shapesEqual(analytic.shape, numeric.shape)) {
    throw new ShapeError(
      'relativeError',
      `analytic ${formatShape(analytic.shape)} and numeric ${formatShape(numeric.shape)} gradients differ in shape`,
    );
  }
  let relError = 0;
  let offset = 0;
  for (let i = 0; i < analytic.size; i++) {
    const a = analytic.data[i];
    const n = numeric.data[i];
    const e = Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), 1e-12);
    if (Number.isNaN(e)) return { relError: Number.NaN, offset: i }; // a NaN gradient is never "ok"
    if (e > relError) {
      relError = e;
      offset = i;
    }
  }
  return { relError, offset };
}

export interface GradCheckOptions {
  /** the step of the central differences (default 1e-5) */
  h?: number;
  /** the largest relative error that passes (default 1e-6) */
  tolerance?: number;
}

export interface GradCheckResult {
  ok: boolean;
  relError: number;
  /** the index of the element with the largest relative error */
  worst: number[];
}

/** Compares an analytic gradient of f at x with central differences. */
export function gradCheck(
  f: (x: NDArray) => number,
  x: NDArray,
  analytic: NDArray,
  { h = 1e-5, tolerance = 1e-6 }: GradCheckOptions = {},
): GradCheckResult {
  const numeric = numericalGradient(f, x, h);
  const { relError, offset } = worstElement(analytic, numeric);
  const worst = x.shape.map((_, axis) => Math.floor(offset / x.strides[axis]) % x.shape[axis]);
  return { ok: relError <= tolerance, relError, worst };
}
