/**
 * Exercise 10 — MNIST two ways: the book's first network with TensorFlow.js layers (the Keras
 * way: build, compile, fit, predict, evaluate), then the same network from scratch (NaiveDense,
 * NaiveSequential, BatchGenerator, the backward pass, one training step, fit, evaluate).
 * Reference solution.
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
import { NDArray } from '../../lib/ndarray.ts';
import { add, argmax, map, matmul, mul, relu, softmax, sum } from '../../lib/ops/index.ts';
import { type Tensor, type Tf, toTensor } from '../../lib/oracle.ts';
import { createRng } from '../../lib/rng.ts';
import { formatShape } from '../../lib/shape.ts';

// Given, not for the learner to write: one copy of the types that the stub and the solution share.
export type * from '../../lib/given/10-mnist.ts';

// ==== Part 1: the Keras way, with TensorFlow.js layers ======================================

// ---- Step 1: build and compile ------------------------------------------------------------

/** The book's network: 784 → Dense(512, relu) → Dense(10, softmax), kernels glorotUniform({ seed }). */
export function buildModel(tf: Tf, seed: number): Model {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [784],
        units: 512,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      // NOTE: a different seed per layer, or both kernels would start from the same random stream.
      tf.layers.dense({
        units: 10,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });
}

/** model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"]). */
export function compileModel(tf: Tf, model: Model): void {
  model.compile({
    optimizer: tf.train.rmsprop(0.001),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
}

// ---- Step 2: prepare the images -----------------------------------------------------------

/** [n, 28, 28] pixels 0–255 → float32 [n, 784] in [0, 1]: the book's reshape and astype / 255. */
export function prepareImages(images: NDArray): NDArray {
  if (images.rank !== 3) {
    throw new ShapeError(
      'prepareImages',
      `images must be a stack of pictures [n, height, width], got shape ${formatShape(images.shape)}`,
    );
  }
  const [n, height, width] = images.shape as [number, number, number];
  const out = new Float32Array(images.size);
  for (let i = 0; i < out.length; i++) out[i] = images.data[i] / 255;
  return new NDArray(out, [n, height * width]);
}

// ---- Step 3: train, predict, evaluate -------------------------------------------------------

/** model.fit(images, labels, epochs, batch_size): the training loss and accuracy per epoch. */
export async function trainModel(
  tf: Tf,
  model: Model,
  images: NDArray,
  labels: ArrayLike<number>,
  { epochs, batchSize, shuffle = true }: TrainOptions,
): Promise<TrainHistory> {
  const xs = toTensor(tf, images);
  const ys = tf.tensor1d(Float32Array.from(labels));
  try {
    const history = await model.fit(xs, ys, { epochs, batchSize, shuffle, verbose: 0 });
    // NOTE: TensorFlow.js logs the accuracy metric as 'acc'.
    return { loss: history.history.loss as number[], accuracy: history.history.acc as number[] };
  } finally {
    tf.dispose([xs, ys]);
  }
}

/** model.predict(images), then the most probable class of every row: argmax over axis 1. */
export function predictClasses(tf: Tf, model: Model, images: NDArray): number[] {
  const classes = tf.tidy(() => {
    // Batches of 500, not Keras' 32: the WASM backend copies the whole input for every batch.
    const probabilities = model.predict(toTensor(tf, images), { batchSize: 500 }) as Tensor;
    return probabilities.argMax(-1);
  });
  try {
    return Array.from(classes.dataSync());
  } finally {
    classes.dispose();
  }
}

/** model.evaluate(images, labels): the mean loss and the accuracy. */
export function evaluateModel(tf: Tf, model: Model, images: NDArray, labels: ArrayLike<number>): Evaluation {
  const xs = toTensor(tf, images);
  const ys = tf.tensor1d(Float32Array.from(labels));
  const [loss, accuracy] = model.evaluate(xs, ys, { batchSize: 500 }) as Tensor[];
  try {
    return { loss: (loss as Tensor).dataSync()[0], accuracy: (accuracy as Tensor).dataSync()[0] };
  } finally {
    tf.dispose([xs, ys, loss as Tensor, accuracy as Tensor]);
  }
}

// ==== Part 2: from scratch, as the book's 2.5 ================================================

// ---- Step 4: NaiveDense and NaiveSequential ---------------------------------------------------

/** The book's NaiveDense: activation(inputs·W + b), W [inputSize, outputSize], b [outputSize]. */
export class NaiveDense {
  W: NDArray;
  b: NDArray;
  readonly activation: ActivationName;

  constructor(inputSize: number, outputSize: number, activation: ActivationName, options: NaiveDenseOptions = {}) {
    for (const [name, n] of [
      ['inputSize', inputSize],
      ['outputSize', outputSize],
    ] as const) {
      if (!Number.isInteger(n) || n < 1)
        throw new ArgumentError('NaiveDense', `${name} must be a positive integer, got ${n}`);
    }
    if (activation !== 'relu' && activation !== 'softmax') {
      throw new ArgumentError('NaiveDense', `unknown activation ${JSON.stringify(activation)} (known: relu, softmax)`);
    }
    const init = options.init ?? 'uniform';
    if (init !== 'uniform' && init !== 'glorotUniform') {
      throw new ArgumentError('NaiveDense', `unknown init ${JSON.stringify(init)} (known: uniform, glorotUniform)`);
    }
    const rng = options.rng ?? createRng();
    const limit = Math.sqrt(6 / (inputSize + outputSize));
    const [low, high] = init === 'uniform' ? [0, 0.1] : [-limit, limit];
    // float32, as TensorFlow's variables: half the memory and the same precision as the oracle.
    this.W = NDArray.randomUniform([inputSize, outputSize], low, high, { rng, dtype: 'float32' });
    this.b = NDArray.zeros([outputSize], 'float32');
    this.activation = activation;
  }

  call(inputs: NDArray): NDArray {
    const inputSize = this.W.shape[0];
    if (inputs.rank !== 2 || inputs.shape[1] !== inputSize) {
      throw new ShapeError(
        'NaiveDense.call',
        `inputs must be [batch, ${inputSize}] for W ${formatShape(this.W.shape)}, got ${formatShape(inputs.shape)}`,
      );
    }
    const z = add(matmul(inputs, this.W), this.b); // [batch, in]·[in, out] + [out] → [batch, out]
    return this.activation === 'relu' ? relu(z) : softmax(z);
  }

  /** [W, b]: the layer's own arrays, so that an update in place changes the layer. */
  get weights(): NDArray[] {
    return [this.W, this.b];
  }
}

/** The book's NaiveSequential: the layers one after another. */
export class NaiveSequential {
  readonly layers: readonly NaiveDense[];

  constructor(layers: readonly NaiveDense[]) {
    if (layers.length === 0) throw new ArgumentError('NaiveSequential', 'needs at least one layer');
    for (let i = 1; i < layers.length; i++) {
      const gives = (layers[i - 1] as NaiveDense).W.shape[1];
      const takes = (layers[i] as NaiveDense).W.shape[0];
      if (gives !== takes) {
        throw new ShapeError(
          'NaiveSequential',
          `layers[${i}] takes ${takes} inputs (W ${formatShape((layers[i] as NaiveDense).W.shape)}), but layers[${i - 1}] gives ${gives} outputs`,
        );
      }
    }
    this.layers = [...layers];
  }

  call(inputs: NDArray): NDArray {
    return this.layers.reduce((x, layer) => layer.call(x), inputs);
  }

  /** [W0, b0, W1, b1, …] */
  get weights(): NDArray[] {
    return this.layers.flatMap((layer) => layer.weights);
  }
}

// ---- Step 5: BatchGenerator ---------------------------------------------------------------------

/** The book's BatchGenerator: consecutive batches of batchSize rows, the last one smaller. */
export class BatchGenerator {
  readonly numBatches: number;
  private index = 0;
  private readonly features: number;

  private readonly images: NDArray;
  private readonly labels: ArrayLike<number>;
  private readonly batchSize: number;
  constructor(images: NDArray, labels: ArrayLike<number>, batchSize: number = 128) {
    this.images = images;
    this.labels = labels;
    this.batchSize = batchSize;
    if (images.rank !== 2) {
      throw new ShapeError('BatchGenerator', `images must be [samples, features], got ${formatShape(images.shape)}`);
    }
    const count = images.shape[0];
    if (labels.length !== count) {
      throw new ShapeError(
        'BatchGenerator',
        `${count} images (${formatShape(images.shape)}) but ${labels.length} labels: need one label per image`,
      );
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ArgumentError('BatchGenerator', `batchSize must be a positive integer, got ${batchSize}`);
    }
    this.features = images.shape[1];
    this.numBatches = Math.ceil(count / batchSize);
  }

  next(): Batch {
    const count = this.images.shape[0];
    if (this.index >= count) {
      throw new ArgumentError(
        'BatchGenerator.next',
        `all ${this.numBatches} batches of the ${count} samples have been served: make a new generator for the next epoch`,
      );
    }
    const from = this.index;
    const to = Math.min(count, from + this.batchSize);
    this.index = to;
    const f = this.features;
    return {
      images: new NDArray(this.images.data.slice(from * f, to * f), [to - from, f]),
      labels: Array.from({ length: to - from }, (_, i) => this.labels[from + i]),
    };
  }
}

// ---- Step 6: the loss and its gradients, by the backward pass of exercise 06 --------------------

/** Keras' fuzz factor: probabilities are clipped to [EPSILON, 1 − EPSILON] before the log. */
export const EPSILON = 1e-7;

function checkLabels(op: string, labels: ArrayLike<number>, batch: number, classes: number): void {
  if (labels.length !== batch) {
    throw new ShapeError(op, `${labels.length} labels for a batch of ${batch} images: need one label per image`);
  }
  for (let r = 0; r < batch; r++) {
    const y = labels[r];
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new ArgumentError(op, `label ${y} (sample ${r}) is not a class index 0 to ${classes - 1}`);
    }
  }
}

/** Forward (keeping every layer's output), the mean cross-entropy, then backward from the last layer. */
export function lossAndGradients(model: NaiveSequential, images: NDArray, labels: ArrayLike<number>): LossAndGradients {
  const op = 'lossAndGradients';
  const { layers } = model;
  layers.forEach((layer, i) => {
    const want = i === layers.length - 1 ? 'softmax' : 'relu';
    if (layer.activation !== want) {
      throw new ArgumentError(
        op,
        `layers[${i}] is ${layer.activation}, but the backward pass here needs relu layers and a softmax last (got ${layers.map((l) => l.activation).join(', ')})`,
      );
    }
  });
  // outputs[0] is the batch itself, outputs[i + 1] what layers[i] gives.
  const outputs = [images];
  for (const layer of layers) outputs.push(layer.call(outputs.at(-1) as NDArray));
  const probs = outputs.at(-1) as NDArray;
  const [batch, classes] = probs.shape as [number, number];
  checkLabels(op, labels, batch, classes);

  // Loss and dZ of the softmax layer: (p − onehot(y)) / batch (exercise 06).
  let loss = 0;
  const dZ = map(probs, (p) => p / batch);
  for (let r = 0; r < batch; r++) {
    const y = labels[r];
    const p = probs.data[r * classes + y];
    loss -= Math.log(Math.min(1 - EPSILON, Math.max(EPSILON, p)));
    dZ.data[r * classes + y] = dZ.data[r * classes + y] - 1 / batch;
  }

  const gradients: NDArray[] = [];
  let delta = dZ;
  for (let i = layers.length - 1; i >= 0; i--) {
    const input = outputs[i] as NDArray;
    const layer = layers[i] as NaiveDense;
    // dW = inputᵀ·dZ [in, out], db = Σ_batch dZ [out]: the shapes of W and b.
    gradients.unshift(matmul(input, delta, { transposeA: true }), sum(delta, 0));
    if (i > 0) {
      // dA = dZ·Wᵀ [batch, in]; back through the relu that made `input`: dZ = dA ⊙ relu′,
      // and relu′ is 1 where the relu's output is > 0, else 0 (0 at 0, as TensorFlow).
      const dA = matmul(delta, layer.W, { transposeB: true });
      delta = mul(
        dA,
        map(input, (a) => (a > 0 ? 1 : 0)),
      );
    }
  }
  return { loss: loss / batch, gradients };
}

// ---- Step 7: one training step ---------------------------------------------------------------------

/** The book's update_weights: w −= learningRate·g for every pair, in place. */
export function updateWeights(gradients: readonly NDArray[], weights: readonly NDArray[], learningRate: number): void {
  if (gradients.length !== weights.length) {
    throw new ArgumentError('updateWeights', `${gradients.length} gradients for ${weights.length} weights`);
  }
  weights.forEach((w, k) => {
    const g = gradients[k] as NDArray;
    if (g.size !== w.size || g.rank !== w.rank || g.shape.some((d, i) => d !== w.shape[i])) {
      throw new ShapeError(
        'updateWeights',
        `gradient ${k} has shape ${formatShape(g.shape)}, but weight ${k} has shape ${formatShape(w.shape)}`,
      );
    }
    for (let i = 0; i < w.size; i++) w.data[i] = w.data[i] - learningRate * g.data[i];
  });
}

/** The book's one_training_step: loss and gradients, then update; returns the loss before the update. */
export function trainingStep(
  model: NaiveSequential,
  images: NDArray,
  labels: ArrayLike<number>,
  learningRate: number,
): number {
  const { loss, gradients } = lossAndGradients(model, images, labels);
  updateWeights(gradients, model.weights, learningRate);
  return loss;
}

// ---- Step 8: fit and evaluate ------------------------------------------------------------------------

/** The book's fit: per epoch, a new BatchGenerator and one training step per batch. Mean loss per epoch. */
export function fit(
  model: NaiveSequential,
  images: NDArray,
  labels: ArrayLike<number>,
  { epochs, batchSize = 128, learningRate }: FitOptions,
): number[] {
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new ArgumentError('fit', `epochs must be a positive integer, got ${epochs}`);
  }
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const batches = new BatchGenerator(images, labels, batchSize);
    let total = 0;
    let seen = 0;
    for (let b = 0; b < batches.numBatches; b++) {
      const batch = batches.next();
      const n = batch.labels.length;
      // weight each batch's mean loss by its size: the epoch's loss is the mean over samples
      total += trainingStep(model, batch.images, batch.labels, learningRate) * n;
      seen += n;
    }
    losses.push(total / seen);
  }
  return losses;
}

/** The fraction of images whose most probable class (argmax over axis 1) is the label. */
export function evaluate(model: NaiveSequential, images: NDArray, labels: ArrayLike<number>): number {
  const predicted = argmax(model.call(images)); // lib's argmax: along the last axis, the classes
  if (labels.length !== predicted.length) {
    throw new ShapeError(
      'evaluate',
      `${labels.length} labels for ${predicted.length} images: need one label per image`,
    );
  }
  let matches = 0;
  predicted.forEach((c, i) => {
    if (c === labels[i]) matches++;
  });
  return matches / predicted.length;
}
