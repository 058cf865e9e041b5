/**
 * Exercise 10 — MNIST two ways: the book's first network with TensorFlow.js layers (the Keras
 * way: build, compile, fit, predict, evaluate), then the same network from scratch (NaiveDense,
 * NaiveSequential, BatchGenerator, the backward pass, one training step, fit, evaluate).
 *
 * Read README.md (or README.ko.md), then make the specs pass step by step: `npm start -- 10`.
 * Stuck? `npm run hint -- 10` shows the next hint.
 */

import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import type {
  ActivationName,
  Batch,
  Evaluation,
  FitOptions,
  LossAndGradients,
  Model,
  NaiveDenseOptions,
  TrainHistory,
  TrainOptions,
} from '../../lib/given/10-mnist.ts';
import type { NDArray } from '../../lib/ndarray.ts';
import { add, argmax, map, matmul, mul, relu, softmax, sum } from '../../lib/ops/index.ts';
import { type Tensor, type Tf, toTensor } from '../../lib/oracle.ts';
import { createRng } from '../../lib/rng.ts';
import { formatShape } from '../../lib/shape.ts';

// Given, not for the learner to write: one copy of the types that the stub and the solution share.
export type * from '../../lib/given/10-mnist.ts';

// ShapeError and ArgumentError are the errors to throw; formatShape prints a shape as [2,3].
// lib/ops holds what exercises 02–06 taught (matmul with transposes, add, sum, map, relu,
// softmax, argmax): use it. toTensor turns an NDArray into a float32 tf.Tensor.

// ==== Part 1: the Keras way, with TensorFlow.js layers ======================================

// ---- Step 1: build and compile ------------------------------------------------------------

/** The book's network: 784 → Dense(512, relu) → Dense(10, softmax), kernels glorotUniform({ seed }). */
export function buildModel(tf: Tf, seed: number): Model {
  // TODO: a tf.sequential of two tf.layers.dense layers, their kernel initializers seeded.
  throw new Error('TODO(10-mnist): implement buildModel (step 1 in README.md)');
}

/** model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"]). */
export function compileModel(tf: Tf, model: Model): void {
  // TODO: compile the model with the book's optimizer, loss and metric.
  throw new Error('TODO(10-mnist): implement compileModel (step 1 in README.md)');
}

// ---- Step 2: prepare the images -----------------------------------------------------------

/** [n, 28, 28] pixels 0–255 → float32 [n, 784] in [0, 1]: the book's reshape and astype / 255. */
export function prepareImages(images: NDArray): NDArray {
  // TODO: check the rank, then flatten every picture into one row of float32 values in [0, 1].
  throw new Error('TODO(10-mnist): implement prepareImages (step 2 in README.md)');
}

// ---- Step 3: train, predict, evaluate -------------------------------------------------------

/** model.fit(images, labels, epochs, batch_size): the training loss and accuracy per epoch. */
export async function trainModel(
  tf: Tf,
  model: Model,
  images: NDArray,
  labels: ArrayLike<number>,
  options: TrainOptions,
): Promise<TrainHistory> {
  // TODO: fit the model on tensors made from images and labels, free them, return the history.
  throw new Error('TODO(10-mnist): implement trainModel (step 3 in README.md)');
}

/** model.predict(images), then the most probable class of every row: argmax over axis 1. */
export function predictClasses(tf: Tf, model: Model, images: NDArray): number[] {
  // TODO: predict, pick one class per image, free the tensors, return the classes.
  throw new Error('TODO(10-mnist): implement predictClasses (step 3 in README.md)');
}

/** model.evaluate(images, labels): the mean loss and the accuracy. */
export function evaluateModel(tf: Tf, model: Model, images: NDArray, labels: ArrayLike<number>): Evaluation {
  // TODO: evaluate the model, read the loss and the accuracy, free the tensors.
  throw new Error('TODO(10-mnist): implement evaluateModel (step 3 in README.md)');
}

// ==== Part 2: from scratch, as the book's 2.5 ================================================

// ---- Step 4: NaiveDense and NaiveSequential ---------------------------------------------------

/** The book's NaiveDense: activation(inputs·W + b), W [inputSize, outputSize], b [outputSize]. */
export class NaiveDense {
  W: NDArray;
  b: NDArray;
  readonly activation: ActivationName;

  constructor(inputSize: number, outputSize: number, activation: ActivationName, options: NaiveDenseOptions = {}) {
    // TODO: check the arguments, then draw W with the initializer and start b at zeros.
    throw new Error('TODO(10-mnist): implement the NaiveDense constructor (step 4 in README.md)');
  }

  call(inputs: NDArray): NDArray {
    // TODO: activation(inputs·W + b) for a batch [batch, inputSize].
    throw new Error('TODO(10-mnist): implement NaiveDense.call (step 4 in README.md)');
  }

  /** [W, b]: the layer's own arrays, so that an update in place changes the layer. */
  get weights(): NDArray[] {
    // TODO: the layer's weights, in order.
    throw new Error('TODO(10-mnist): implement NaiveDense.weights (step 4 in README.md)');
  }
}

/** The book's NaiveSequential: the layers one after another. */
export class NaiveSequential {
  readonly layers: readonly NaiveDense[];

  constructor(layers: readonly NaiveDense[]) {
    // TODO: check that each layer takes what the one before gives, then keep a copy of the list.
    throw new Error('TODO(10-mnist): implement the NaiveSequential constructor (step 4 in README.md)');
  }

  call(inputs: NDArray): NDArray {
    // TODO: feed the inputs through the layers in order.
    throw new Error('TODO(10-mnist): implement NaiveSequential.call (step 4 in README.md)');
  }

  /** [W0, b0, W1, b1, …] */
  get weights(): NDArray[] {
    // TODO: every layer's weights, in order.
    throw new Error('TODO(10-mnist): implement NaiveSequential.weights (step 4 in README.md)');
  }
}

// ---- Step 5: BatchGenerator ---------------------------------------------------------------------

/** The book's BatchGenerator: consecutive batches of batchSize rows, the last one smaller. */
export class BatchGenerator {
  readonly numBatches: number;

  constructor(images: NDArray, labels: ArrayLike<number>, batchSize = 128) {
    // TODO: check the arguments, remember them, and count the batches.
    throw new Error('TODO(10-mnist): implement the BatchGenerator constructor (step 5 in README.md)');
  }

  next(): Batch {
    // TODO: the next batchSize rows and labels (fewer at the end); an error once all are served.
    throw new Error('TODO(10-mnist): implement BatchGenerator.next (step 5 in README.md)');
  }
}

// ---- Step 6: the loss and its gradients, by the backward pass of exercise 06 --------------------

/** Keras' fuzz factor: probabilities are clipped to [EPSILON, 1 − EPSILON] before the log. */
export const EPSILON = 1e-7;

/** Forward (keeping every layer's output), the mean cross-entropy, then backward from the last layer. */
export function lossAndGradients(model: NaiveSequential, images: NDArray, labels: ArrayLike<number>): LossAndGradients {
  // TODO: forward pass keeping each layer's input, the loss, then the gradients layer by layer from the last.
  throw new Error('TODO(10-mnist): implement lossAndGradients (step 6 in README.md)');
}

// ---- Step 7: one training step ---------------------------------------------------------------------

/** The book's update_weights: w −= learningRate·g for every pair, in place. */
export function updateWeights(gradients: readonly NDArray[], weights: readonly NDArray[], learningRate: number): void {
  // TODO: check that they pair up, then change every weight in place.
  throw new Error('TODO(10-mnist): implement updateWeights (step 7 in README.md)');
}

/** The book's one_training_step: loss and gradients, then update; returns the loss before the update. */
export function trainingStep(
  model: NaiveSequential,
  images: NDArray,
  labels: ArrayLike<number>,
  learningRate: number,
): number {
  // TODO: one step of gradient descent on this batch.
  throw new Error('TODO(10-mnist): implement trainingStep (step 7 in README.md)');
}

// ---- Step 8: fit and evaluate ------------------------------------------------------------------------

/** The book's fit: per epoch, a new BatchGenerator and one training step per batch. Mean loss per epoch. */
export function fit(model: NaiveSequential, images: NDArray, labels: ArrayLike<number>, options: FitOptions): number[] {
  // TODO: the training loop over epochs and batches; the mean loss per sample of every epoch.
  throw new Error('TODO(10-mnist): implement fit (step 8 in README.md)');
}

/** The fraction of images whose most probable class (argmax over axis 1) is the label. */
export function evaluate(model: NaiveSequential, images: NDArray, labels: ArrayLike<number>): number {
  // TODO: predict, pick a class per image, count the matches.
  throw new Error('TODO(10-mnist): implement evaluate (step 8 in README.md)');
}
