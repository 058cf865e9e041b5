/**
 * Exercise 05 — the Dense layer forward pass: activations, a numerically safe softmax,
 * relu(x·W + b) on a batch, weight initialisers, a Dense layer, a Sequential model, and
 * predictions turned into classes.
 *
 * Read README.md (or README.ko.md), then make the specs pass step by step: `npm start`.
 * Stuck? `npm run hint -- 05` shows the next hint.
 */

import { ArgumentError, assertRank, assertShape, ShapeError } from '../../lib/errors.ts';
import type { NDArray } from '../../lib/ndarray.ts';
import { add, map, matmul } from '../../lib/ops/index.ts';
import { createRng, type Rng } from '../../lib/rng.ts';
import { formatShape } from '../../lib/shape.ts';

// ShapeError and ArgumentError are the errors to throw; formatShape prints a shape as [2,3].
// From the earlier exercises, lib/ops gives you map(x, f) (f on every element), add (with
// broadcasting) and matmul. createRng(seed) makes a seeded generator. NDArray is imported
// as a type only: make it a plain import when you need its static methods (zeros, randomUniform).

// ---- Step 1: element-wise activations ---------------------------------------------------

/** Keras' default activation: the values unchanged (a new array). */
export function linear(x: NDArray): NDArray {
  // TODO: return a copy of x.
  throw new Error('TODO(05-dense): implement linear (step 1 in README.md)');
}

/** max(x, 0), element by element. */
export function relu(x: NDArray): NDArray {
  // TODO: keep the positive values, replace the others by 0.
  throw new Error('TODO(05-dense): implement relu (step 1 in README.md)');
}

/** 1 / (1 + e^−x), element by element: squashes any number into (0, 1). */
export function sigmoid(x: NDArray): NDArray {
  // TODO: apply the logistic function to every element.
  throw new Error('TODO(05-dense): implement sigmoid (step 1 in README.md)');
}

/** (e^x − e^−x) / (e^x + e^−x), element by element: squashes into (−1, 1). */
export function tanh(x: NDArray): NDArray {
  // TODO: apply the hyperbolic tangent to every element; it must stay finite at ±1000.
  throw new Error('TODO(05-dense): implement tanh (step 1 in README.md)');
}

// ---- Step 2: softmax --------------------------------------------------------------------

/**
 * exp(x_i) / Σ_j exp(x_j) along the last axis: every row becomes a probability distribution.
 * Must stay finite for logits such as [1000, 0, −1000].
 */
export function softmax(x: NDArray): NDArray {
  // TODO: reject a scalar; then, row by row along the last axis, shift by the row's maximum,
  // exponentiate and divide by the row's sum.
  throw new Error('TODO(05-dense): implement softmax (step 2 in README.md)');
}

// ---- Step 3: the dense forward pass -------------------------------------------------------

export type ActivationName = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';
export type Activation = (x: NDArray) => NDArray;

/** The activation function called `name`, as keras.activations.get(name). */
export function getActivation(name: ActivationName): Activation {
  // TODO: return the function of steps 1–2 with this name; an unknown name is an ArgumentError.
  throw new Error('TODO(05-dense): implement getActivation (step 3 in README.md)');
}

/**
 * activation(x·W + b) for a batch x [batch, inputs], a kernel W [inputs, units] and a bias
 * b [units]: Keras' Dense layer, and the book's relu(dot(W, input) + b) for rows of samples.
 */
export function denseForward(x: NDArray, W: NDArray, b: NDArray, activation: ActivationName = 'linear'): NDArray {
  // TODO: check the three shapes (a ShapeError naming all three), then compute activation(x·W + b).
  throw new Error('TODO(05-dense): implement denseForward (step 3 in README.md)');
}

// ---- Step 4: weight initialisation ----------------------------------------------------------

export type KernelInitializer = 'uniform' | 'glorotUniform';

/** Glorot (Xavier) uniform's bound: sqrt(6 / (fanIn + fanOut)), Keras' default for kernels. */
export function glorotLimit(fanIn: number, fanOut: number): number {
  // TODO: check that both are positive integers, then compute the bound.
  throw new Error('TODO(05-dense): implement glorotLimit (step 4 in README.md)');
}

/**
 * A new kernel [fanIn, fanOut] drawn from `rng`: 'uniform' in [0, 0.1) as the book's
 * NaiveDense, or 'glorotUniform' in [−limit, limit) as Keras' Dense does by default.
 */
export function initKernel(initializer: KernelInitializer, fanIn: number, fanOut: number, rng: Rng): NDArray {
  // TODO: check the sizes and the initializer's name, then draw every entry from rng.
  throw new Error('TODO(05-dense): implement initKernel (step 4 in README.md)');
}

// ---- Step 5: the Dense layer ----------------------------------------------------------------

export interface DenseOptions {
  /** default 'linear', as in Keras */
  activation?: ActivationName;
  /** default 'glorotUniform', as in Keras */
  kernelInitializer?: KernelInitializer;
  /** Keras' input_dim: build the weights now. Without it the layer builds on its first batch. */
  inputDim?: number;
  /** seed of the layer's own generator (default: the run's seed, KATA_SEED) */
  seed?: number;
  /** a generator to draw from instead, e.g. one shared by all layers of a model */
  rng?: Rng;
}

/** A fully connected layer: output = activation(x·kernel + bias). */
export class Dense {
  readonly units: number;
  readonly activation: ActivationName;
  readonly kernelInitializer: KernelInitializer;
  // TODO: add the fields the layer needs (its generator, the kernel and the bias).

  constructor(units: number, options: DenseOptions = {}) {
    // TODO: check units and the activation, keep the options, make the layer's generator,
    // and build at once if options.inputDim is given.
    throw new Error('TODO(05-dense): implement the Dense constructor (step 5 in README.md)');
  }

  /** Creates the kernel [inputDim, units] with the initializer and a zero bias [units]. */
  build(inputDim: number): void {
    // TODO: draw the kernel and make the bias; a second build for the same inputDim does nothing.
    throw new Error('TODO(05-dense): implement Dense.build (step 5 in README.md)');
  }

  /** [kernel, bias] — the arrays themselves, as Keras' layer.weights — or [] before build. */
  get weights(): NDArray[] {
    // TODO: return the kernel and the bias, or [] if the layer is not built.
    throw new Error('TODO(05-dense): implement Dense.weights (step 5 in README.md)');
  }

  /** Replaces the kernel and the bias with copies of these, which must have the same shapes. */
  setWeights(weights: readonly NDArray[]): void {
    // TODO: check that the layer is built and the two shapes, then keep copies.
    throw new Error('TODO(05-dense): implement Dense.setWeights (step 5 in README.md)');
  }

  /** activation(x·kernel + bias) for a batch x [batch, inputs]; builds the layer if needed. */
  call(x: NDArray): NDArray {
    // TODO: build from x's features if needed, then run the forward pass of step 3.
    throw new Error('TODO(05-dense): implement Dense.call (step 5 in README.md)');
  }
}

// ---- Step 6: a Sequential model ---------------------------------------------------------------

export interface SequentialOptions {
  /** the number of input features, if the first layer was not given inputDim */
  inputDim?: number;
}

/** Layers applied one after another, as keras.Sequential (the book's NaiveSequential). */
export class Sequential {
  readonly layers: readonly Dense[];

  constructor(layers: readonly Dense[], options: SequentialOptions = {}) {
    // TODO: check the list, then build every layer for the outputs of the one before it
    // (a built layer must already fit), and keep a copy of the list.
    throw new Error('TODO(05-dense): implement the Sequential constructor (step 6 in README.md)');
  }

  /** The output of the last layer for a batch x [batch, inputs]. */
  predict(x: NDArray): NDArray {
    // TODO: feed x through the layers in order.
    throw new Error('TODO(05-dense): implement Sequential.predict (step 6 in README.md)');
  }

  /** Every layer's weights in order: [kernel0, bias0, kernel1, bias1, …]. */
  get weights(): NDArray[] {
    // TODO: collect the weights of every layer.
    throw new Error('TODO(05-dense): implement Sequential.weights (step 6 in README.md)');
  }

  weightShapes(): number[][] {
    // TODO: the shape of every weight array, in order.
    throw new Error('TODO(05-dense): implement Sequential.weightShapes (step 6 in README.md)');
  }

  /** The number of trainable numbers: Σ (inputs·units + units) over the layers. */
  countParams(): number {
    // TODO: count the numbers in all weight arrays.
    throw new Error('TODO(05-dense): implement Sequential.countParams (step 6 in README.md)');
  }

  /** A table like Keras' model.summary(): one row per layer, then the totals. */
  summary(): string {
    // TODO: one row per layer with its output shape and parameter count, then the totals.
    throw new Error('TODO(05-dense): implement Sequential.summary (step 6 in README.md)');
  }
}

// ---- Step 7: from probabilities to classes ------------------------------------------------------

/** The index of the largest value of every row (last axis), the first one on ties: np.argmax(x, -1). */
export function argmax(x: NDArray): number[] {
  // TODO: one index per row of the last axis; a scalar or an empty axis is a ShapeError.
  throw new Error('TODO(05-dense): implement argmax (step 7 in README.md)');
}

/** The predicted class of every sample: argmax(model.predict(x)). */
export function predictClasses(model: Sequential, x: NDArray): number[] {
  // TODO: predict, then pick the most probable class of every sample.
  throw new Error('TODO(05-dense): implement predictClasses (step 7 in README.md)');
}
