/**
 * Exercise 06 — loss functions and backpropagation by hand: losses, the derivatives of the
 * activations, the chain rule, the seed's 2-2-2 sigmoid network, the Dense backward pass and a
 * numerical gradient checker.
 *
 * Read README.md (or README.ko.md), then make the specs pass step by step: `npm start -- 06`.
 * Stuck? `npm run hint -- 06` shows the next hint.
 */

import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import type { NDArray } from '../../lib/ndarray.ts';
import { map, matmul, mul, reshape, sigmoid, softmax, sub, sum, tanh, transpose } from '../../lib/ops/index.ts';
import { formatShape, shapesEqual } from '../../lib/shape.ts';

// ShapeError and ArgumentError are the errors to throw; formatShape prints a shape as [2,3].
// lib/ops holds what exercises 02–05 taught (matmul, transpose, sum, sigmoid, softmax, …): use it.

// ---- Step 1: losses -------------------------------------------------------------------

/** Keras' (and TensorFlow.js') fuzz factor: predictions are clipped to [EPSILON, 1 − EPSILON]. */
export const EPSILON = 1e-7;

/** mean((yPred − yTrue)²) over every element: Keras' per-sample mean, then the batch mean. */
export function mse(yTrue: NDArray, yPred: NDArray): number {
  // TODO: check that the shapes agree, then average the squared differences.
  throw new Error('TODO(06-backprop): implement mse (step 1 in README.md)');
}

/** −mean(y·log p + (1 − y)·log(1 − p)) with p clipped to [ε, 1 − ε]. */
export function binaryCrossentropy(yTrue: NDArray, yPred: NDArray): number {
  // TODO: check the shapes, clip every prediction, then average the per-element losses.
  throw new Error('TODO(06-backprop): implement binaryCrossentropy (step 1 in README.md)');
}

/** −Σ_j y_j·log p_j per row, rows of p rescaled to sum to 1 and clipped; mean over the rows. */
export function categoricalCrossentropy(yTrue: NDArray, yPred: NDArray): number {
  // TODO: check the shapes; for every row along the last axis: rescale, clip, sum; then average the rows.
  throw new Error('TODO(06-backprop): implement categoricalCrossentropy (step 1 in README.md)');
}

/** categoricalCrossentropy with class indices: labels[r] is the true class of row r. */
export function sparseCategoricalCrossentropy(labels: readonly number[], yPred: NDArray): number {
  // TODO: check yPred is (batch, classes), one label per row, each a class index; then the same loss.
  throw new Error('TODO(06-backprop): implement sparseCategoricalCrossentropy (step 1 in README.md)');
}

// ---- Step 2: derivatives of the activations ----------------------------------------------

/** relu′(z): 1 where z > 0, else 0 (at z = 0 too, as TensorFlow decides). */
export function reluPrime(z: NDArray): NDArray {
  // TODO: the slope of relu at every element of z.
  throw new Error('TODO(06-backprop): implement reluPrime (step 2 in README.md)');
}

/** sigmoid′(z) = s·(1 − s) with s = sigmoid(z). */
export function sigmoidPrime(z: NDArray): NDArray {
  // TODO: the slope of sigmoid at every element of z.
  throw new Error('TODO(06-backprop): implement sigmoidPrime (step 2 in README.md)');
}

/** tanh′(z) = 1 − tanh²(z). */
export function tanhPrime(z: NDArray): NDArray {
  // TODO: the slope of tanh at every element of z.
  throw new Error('TODO(06-backprop): implement tanhPrime (step 2 in README.md)');
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
  // TODO: return the two functions F and dF.
  throw new Error('TODO(06-backprop): implement chainRule (step 3 in README.md)');
}

// ---- Step 4: the seed's worked example, by hand --------------------------------------------

/** Every z and a of the network: layer 1 is the hidden layer, layer 2 the output layer. */
export interface ForwardPass {
  z1: NDArray;
  a1: NDArray;
  z2: NDArray;
  a2: NDArray;
}

/** z1 = x·w0, a1 = sigmoid(z1), z2 = a1·w1, a2 = sigmoid(z2); w[i][j] joins neuron i to neuron j. */
export function forwardPass(x: NDArray, w0: NDArray, w1: NDArray): ForwardPass {
  // TODO: check the shapes fit, then compute both layers (no biases).
  throw new Error('TODO(06-backprop): implement forwardPass (step 4 in README.md)');
}

/** E_tot = Σ_j ½·(target_j − a2_j)². */
export function totalError(target: NDArray, a2: NDArray): number {
  // TODO: the seed's squared error, summed over the outputs.
  throw new Error('TODO(06-backprop): implement totalError (step 4 in README.md)');
}

/** δ2_j = ∂E/∂z2_j = (a2_j − target_j)·a2_j·(1 − a2_j). */
export function outputDeltas(target: NDArray, a2: NDArray): NDArray {
  // TODO: one delta per output neuron.
  throw new Error('TODO(06-backprop): implement outputDeltas (step 4 in README.md)');
}

/** δ1_i = ∂E/∂z1_i = (Σ_j w1_ij·δ2_j)·a1_i·(1 − a1_i). */
export function hiddenDeltas(w1: NDArray, delta2: NDArray, a1: NDArray): NDArray {
  // TODO: one delta per hidden neuron.
  throw new Error('TODO(06-backprop): implement hiddenDeltas (step 4 in README.md)');
}

/** ∂E/∂w_ij = aPrev_i·δ_j, shape [aPrev.size, delta.size]. */
export function weightGradient(aPrev: NDArray, delta: NDArray): NDArray {
  // TODO: one entry per weight.
  throw new Error('TODO(06-backprop): implement weightGradient (step 4 in README.md)');
}

/** One step of gradient descent: w − lr·grad (a new array). */
export function sgdUpdate(w: NDArray, grad: NDArray, lr: number): NDArray {
  // TODO: check the shapes agree, then step against the gradient.
  throw new Error('TODO(06-backprop): implement sgdUpdate (step 4 in README.md)');
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
  // TODO: put the functions above together.
  throw new Error('TODO(06-backprop): implement trainStep (step 4 in README.md)');
}

// ---- Step 5: the Dense backward pass, in batch form -----------------------------------------

export interface DenseGrads {
  dW: NDArray;
  db: NDArray;
  dx: NDArray;
}

/** For z = x·W + b, given dZ = ∂L/∂z: the gradients of the loss w.r.t. W, b and x. */
export function denseBackward(x: NDArray, w: NDArray, dZ: NDArray): DenseGrads {
  // TODO: check the three shapes fit together, then compute dW, db and dx.
  throw new Error('TODO(06-backprop): implement denseBackward (step 5 in README.md)');
}

/** dZ = dA ⊙ relu′(z). */
export function reluBackward(dA: NDArray, z: NDArray): NDArray {
  // TODO: check the shapes agree, then pass the gradient through relu.
  throw new Error('TODO(06-backprop): implement reluBackward (step 5 in README.md)');
}

/** ∂/∂logits of the batch-mean categorical cross-entropy of softmax(logits). */
export function softmaxCrossEntropyBackward(logits: NDArray, yTrue: NDArray): NDArray {
  // TODO: check logits and yTrue are the same (batch, classes) shape, then compute the gradient.
  throw new Error('TODO(06-backprop): implement softmaxCrossEntropyBackward (step 5 in README.md)');
}

// ---- Step 6: numerical gradient checking ------------------------------------------------------

/** ∂f/∂x_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / 2h for every element, in float64. x is not changed. */
export function numericalGradient(f: (x: NDArray) => number, x: NDArray, h = 1e-5): NDArray {
  // TODO: nudge one element at a time, both ways, and record the slope.
  throw new Error('TODO(06-backprop): implement numericalGradient (step 6 in README.md)');
}

/** The largest |a − n| / max(|a|, |n|, 1e-12) over the elements (CS231n's relative error). */
export function relativeError(analytic: NDArray, numeric: NDArray): number {
  // TODO: check the shapes agree, then return the worst element's relative error.
  throw new Error('TODO(06-backprop): implement relativeError (step 6 in README.md)');
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
  // TODO: compute the numerical gradient and report the worst element.
  throw new Error('TODO(06-backprop): implement gradCheck (step 6 in README.md)');
}
