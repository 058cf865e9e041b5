/**
 * Exercise 11 — generalisation: the train/test gap and a diagnosis, normalised inputs,
 * over- and underfitting experiments on MNIST, inverted dropout, the L2 penalty, and early
 * stopping on a validation split. Reference solution.
 */

import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import type {
  Diagnosis,
  DropoutOptions,
  EarlyStoppingFitResult,
  EarlyStoppingOptions,
  ExperimentConfig,
  ExperimentResult,
  FitReport,
  Thresholds,
} from '../../lib/given/11-generalisation.ts';
import { CLASSES, type MnistSplit, PIXELS } from '../../lib/mnist-data.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { type Dataset, type EpochLogs, evaluate, fit, MLP, makeOptimizer, type Optimizer } from '../../lib/nn/index.ts';

// Given, not for the learner to write: one copy of the types that the stub and the solution share.
export type * from '../../lib/given/11-generalisation.ts';

// ---- Step 1: the gap and a diagnosis ----------------------------------------------------

/** Tuned for MNIST-sized problems, where even a linear model reaches ~92% on its training data. */
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({ minTrainAcc: 0.9, maxGap: 0.05 });

function checkAccuracy(op: string, name: string, value: number): void {
  if (!(typeof value === 'number' && value >= 0 && value <= 1)) {
    const hint = typeof value === 'number' && value > 1 && value <= 100 ? ' (a percentage? divide by 100)' : '';
    throw new ArgumentError(op, `${name} must be an accuracy in [0, 1], got ${value}${hint}`);
  }
}

/** trainAcc − testAcc: how much better the model does on the data it was trained on. */
export function generalisationGap(trainAcc: number, testAcc: number): number {
  checkAccuracy('generalisationGap', 'trainAcc', trainAcc);
  checkAccuracy('generalisationGap', 'testAcc', testAcc);
  return trainAcc - testAcc;
}

/** Underfitting first (trainAcc < minTrainAcc), then overfitting (gap > maxGap), else a good fit. */
export function diagnose(report: FitReport, thresholds: Partial<Thresholds> = {}): Diagnosis {
  const { minTrainAcc, maxGap } = { ...DEFAULT_THRESHOLDS, ...thresholds };
  checkAccuracy('diagnose', 'minTrainAcc', minTrainAcc);
  checkAccuracy('diagnose', 'maxGap', maxGap);
  checkAccuracy('diagnose', 'trainAcc', report.trainAcc);
  checkAccuracy('diagnose', 'testAcc', report.testAcc);
  // NOTE: a model that cannot fit its training data has no gap worth reading yet: fix that first.
  if (report.trainAcc < minTrainAcc) return 'underfitting';
  if (report.trainAcc - report.testAcc > maxGap) return 'overfitting';
  return 'good fit';
}

// ---- Step 2: normalised inputs ------------------------------------------------------------

/** x / max for every value, as float32: the book's `astype('float32') / 255`. */
export function normalise(pixels: ArrayLike<number>, max = 255): Float32Array {
  if (!(max > 0 && Number.isFinite(max))) throw new ArgumentError('normalise', `max must be positive, got ${max}`);
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (!(v >= 0 && v <= max)) {
      throw new ArgumentError('normalise', `pixels[${i}] = ${v} is outside [0, ${max}]`);
    }
    out[i] = v / max;
  }
  return out;
}

/** An MNIST split as lib/nn's Dataset: [count × 784] pixels in [0, 1], or 0–255 with raw. */
export function toDataset(split: MnistSplit, options: { raw?: boolean } = {}): Dataset {
  if (split.images.length !== split.count * PIXELS || split.labels.length !== split.count) {
    throw new ShapeError(
      'toDataset',
      `${split.count} samples need ${split.count * PIXELS} pixels and ${split.count} labels, got ${split.images.length} and ${split.labels.length}`,
    );
  }
  const x = options.raw ? Float32Array.from(split.images) : normalise(split.images);
  return { x, y: Uint8Array.from(split.labels), count: split.count, features: PIXELS };
}

// ---- Step 3: experiments --------------------------------------------------------------------

const isPositiveInteger = (n: number) => Number.isInteger(n) && n > 0;

/** Trains a fresh features-hidden-classes MLP on train, then evaluates it on train and test. */
export function runExperiment(config: ExperimentConfig): ExperimentResult {
  const { train, test, hidden, epochs, batchSize = 128, optimizer = 'rmsprop', lr, seed = 0 } = config;
  const classes = config.classes ?? CLASSES;
  for (const [name, value] of Object.entries({ hidden, epochs, batchSize, classes })) {
    if (!isPositiveInteger(value)) {
      throw new ArgumentError('runExperiment', `${name} must be a positive integer, got ${value}`);
    }
  }
  if (train.features !== test.features) {
    throw new ShapeError(
      'runExperiment',
      `train has ${train.features} features per sample but test has ${test.features}`,
    );
  }
  const model = new MLP(
    train.features,
    [
      { units: hidden, activation: 'relu' },
      { units: classes, activation: 'softmax' },
    ],
    { seed },
  );
  const history = fit(model, makeOptimizer(optimizer, lr), train, { epochs, batchSize, seed });
  // NOTE: evaluate after training: the accuracy fit logs is a running mean over an epoch in
  // which the weights kept changing, not the accuracy of the final model.
  const onTrain = evaluate(model, train);
  const onTest = evaluate(model, test);
  const report = { trainAcc: onTrain.accuracy, testAcc: onTest.accuracy };
  return {
    model,
    history: history.epochs,
    trainAcc: onTrain.accuracy,
    testAcc: onTest.accuracy,
    trainLoss: onTrain.loss,
    testLoss: onTest.loss,
    gap: generalisationGap(report.trainAcc, report.testAcc),
    diagnosis: diagnose(report, config.thresholds),
  };
}

// ---- Step 4: dropout --------------------------------------------------------------------------

/**
 * Inverted dropout: while training, each element is dropped (set to 0) with probability `rate`
 * and the survivors are scaled by 1 / (1 − rate), so the expected value of every element is
 * unchanged. At inference it returns x's values unchanged.
 */
export function dropout(x: NDArray, rate: number, options: DropoutOptions = {}): NDArray {
  if (!(rate >= 0 && rate < 1)) throw new ArgumentError('dropout', `rate must be in [0, 1), got ${rate}`);
  const { training = false, rng } = options;
  if (!training || rate === 0) return x.clone();
  if (!rng) {
    throw new ArgumentError('dropout', 'training needs an rng for the masks, e.g. { rng: createRng(seed) }');
  }
  const scale = 1 / (1 - rate);
  const out = NDArray.zeros(x.shape, x.dtype);
  for (let i = 0; i < x.size; i++) {
    // One draw per element, in order; drop when u < rate, as tf.dropout does (floor(u + keep) = 0).
    // NOTE: a dropped element is 0, as README step 4 asks; tf.dropout multiplies by the 0 of its
    // mask instead, so a dropped NaN or ±Infinity stays NaN there, and a dropped negative is −0.
    if (rng.next() >= rate) out.data[i] = x.data[i] * scale;
  }
  return out;
}

// ---- Step 5: L2 regularisation -------------------------------------------------------------------

function checkL2(op: string, l2: number): void {
  if (!(l2 >= 0 && Number.isFinite(l2))) throw new ArgumentError(op, `l2 must be a number ≥ 0, got ${l2}`);
}

/** l2 · Σ w² over every element of every array: Keras' regularizers.l2 (default l2 = 0.01). */
export function l2Penalty(weights: NDArray | readonly NDArray[], l2 = 0.01): number {
  checkL2('l2Penalty', l2);
  const arrays = Array.isArray(weights) ? weights : [weights as NDArray];
  let sum = 0;
  for (const w of arrays) for (let i = 0; i < w.size; i++) sum += (w.data[i] as number) ** 2;
  return l2 * sum;
}

/**
 * ∂(l2 · Σ w²)/∂w = 2 · l2 · w, an array of w's shape.
 * NOTE: 2·l2 first; TF.js' gradient computes 2·w first (the rule of square), which is ±Infinity
 * in float32 for |w| > 1.7e38, where this is finite.
 */
export function l2Gradient(w: NDArray, l2 = 0.01): NDArray {
  checkL2('l2Gradient', l2);
  const out = NDArray.zeros(w.shape, w.dtype);
  for (let i = 0; i < w.size; i++) out.data[i] = 2 * l2 * w.data[i];
  return out;
}

/**
 * Wraps a lib/nn optimizer so that every step follows the gradient of loss + l2 · Σ W² over the
 * kernels: 2 · l2 · W is added to each kernel's gradient. lib/nn orders the parameters
 * [W0, b0, W1, b1, …], so the kernels are the even positions; biases are not regularised
 * (Keras' kernel_regularizer).
 */
export function withL2(optimizer: Optimizer, l2 = 0.01): Optimizer {
  checkL2('withL2', l2);
  const regularised: Float32Array[] = [];
  return {
    name: `${optimizer.name} + l2(${l2})`,
    step(params: Float32Array[], grads: Float32Array[]): void {
      if (params.length !== grads.length) {
        throw new ShapeError('withL2', `${params.length} parameters but ${grads.length} gradients`);
      }
      params.forEach((w, k) => {
        const g = grads[k] as Float32Array;
        if (k % 2 === 1) {
          regularised[k] = g;
          return;
        }
        let out = regularised[k];
        if (!out || out.length !== g.length) {
          out = new Float32Array(g.length);
          regularised[k] = out;
        }
        // A copy, so the model's own gradient buffers keep what the loss alone gives.
        for (let i = 0; i < g.length; i++) out[i] = g[i] + 2 * l2 * w[i];
      });
      optimizer.step(params, regularised.slice(0, params.length));
    },
  };
}

// ---- Step 6: validation split and early stopping -----------------------------------------------

function checkDataset(op: string, data: Dataset): void {
  if (data.x.length !== data.count * data.features || data.y.length !== data.count) {
    throw new ShapeError(
      op,
      `${data.count} samples of ${data.features} features need x of ${data.count * data.features} numbers and ${data.count} labels, got ${data.x.length} and ${data.y.length}`,
    );
  }
}

/** Samples [from, to) of data, copied. */
function rows(data: Dataset, from: number, to: number): Dataset {
  return {
    x: data.x.slice(from * data.features, to * data.features),
    y: Array.from(data.y).slice(from, to),
    count: to - from,
    features: data.features,
  };
}

/**
 * Keras' validation_split: the LAST `fraction` of the samples, as given (before any shuffling),
 * become the validation set; the first floor(count · (1 − fraction)) are the training set.
 */
export function validationSplit(data: Dataset, fraction: number): { train: Dataset; validation: Dataset } {
  if (!(fraction > 0 && fraction < 1)) {
    throw new ArgumentError('validationSplit', `fraction must be in (0, 1), got ${fraction}`);
  }
  checkDataset('validationSplit', data);
  // The same expression as Keras and TF.js (training.ts: Math.floor(n * (1 - validationSplit))).
  const splitAt = Math.floor(data.count * (1 - fraction));
  if (splitAt === 0 || splitAt === data.count) {
    throw new ArgumentError(
      'validationSplit',
      `${data.count} samples cannot be split by fraction ${fraction}: it leaves ${splitAt} for training and ${data.count - splitAt} for validation`,
    );
  }
  return { train: rows(data, 0, splitAt), validation: rows(data, splitAt, data.count) };
}

/** Keras' (and TF.js') EarlyStopping callback, without a model: you give it each epoch's logs. */
export class EarlyStopping {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly restoreBestWeights: boolean;
  /** the best value so far: +Infinity ('min') or −Infinity ('max') before the first epoch */
  best = 0;
  /** the epoch (0-based) of the best value, −1 before the first epoch */
  bestEpoch = -1;
  /** epochs since the last improvement */
  wait = 0;
  /** the epoch (0-based) at which it asked to stop, −1 while training goes on */
  stoppedEpoch = -1;
  stopTraining = false;
  /** copies of the weights of the best epoch (with restoreBestWeights and weights given), else null */
  bestWeights: Float32Array[] | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    const { monitor = 'val_loss', minDelta = 0, patience = 0, mode = 'auto', restoreBestWeights = false } = options;
    if (!Number.isInteger(patience) || patience < 0) {
      throw new ArgumentError('EarlyStopping', `patience must be an integer ≥ 0, got ${patience}`);
    }
    if (!Number.isFinite(minDelta)) {
      throw new ArgumentError('EarlyStopping', `minDelta must be a finite number, got ${minDelta}`);
    }
    if (!['auto', 'min', 'max'].includes(mode)) {
      throw new ArgumentError('EarlyStopping', `mode must be 'auto', 'min' or 'max', got ${JSON.stringify(mode)}`);
    }
    this.monitor = monitor;
    this.minDelta = Math.abs(minDelta);
    this.patience = patience;
    this.mode = mode === 'auto' ? (monitor.includes('acc') ? 'max' : 'min') : mode;
    this.restoreBestWeights = restoreBestWeights;
    this.onTrainBegin();
  }

  /** Forgets everything: ready for a new training run. */
  onTrainBegin(): void {
    this.best = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.bestEpoch = -1;
    this.wait = 0;
    this.stoppedEpoch = -1;
    this.stopTraining = false;
    this.bestWeights = null;
  }

  /** Reads logs[monitor] after epoch `epoch` (0-based); returns true when training should stop. */
  onEpochEnd(
    epoch: number,
    logs: Readonly<Record<string, number | undefined>>,
    weights?: readonly Float32Array[],
  ): boolean {
    const current = logs[this.monitor];
    if (typeof current !== 'number' || Number.isNaN(current)) {
      throw new ArgumentError(
        'EarlyStopping',
        `the logs of epoch ${epoch} have no ${JSON.stringify(this.monitor)} (they have: ${Object.keys(logs).join(', ') || 'nothing'}); did you give fit validation data?`,
      );
    }
    // NOTE: strictly better by more than minDelta; an equal value is not an improvement.
    const improved = this.mode === 'min' ? current + this.minDelta < this.best : current - this.minDelta > this.best;
    if (improved) {
      this.best = current;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights && weights) this.bestWeights = weights.map((w) => w.slice());
    } else {
      this.wait++;
      if (this.wait >= this.patience) {
        this.stoppedEpoch = epoch;
        this.stopTraining = true;
      }
    }
    return this.stopTraining;
  }
}

export interface EarlyStoppingFitOptions {
  /** the most epochs to train */
  epochs: number;
  batchSize: number;
  /** the fraction of the data, at its end, held out for validation */
  validationSplit: number;
  earlyStopping: EarlyStopping;
  seed?: number;
}

/** model.fit(x, y, {validationSplit, callbacks: [earlyStopping]}) with lib/nn, one epoch at a time. */
export function fitWithEarlyStopping(
  model: MLP,
  optimizer: Optimizer,
  data: Dataset,
  options: EarlyStoppingFitOptions,
): EarlyStoppingFitResult {
  const { epochs, batchSize, earlyStopping: stopper, seed = 0 } = options;
  if (!isPositiveInteger(epochs)) {
    throw new ArgumentError('fitWithEarlyStopping', `epochs must be a positive integer, got ${epochs}`);
  }
  const { train, validation } = validationSplit(data, options.validationSplit);
  stopper.onTrainBegin();
  const history: EpochLogs[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    // A new seed per epoch, so that every epoch sees the training samples in a new order.
    const logs = fit(model, optimizer, train, { epochs: 1, batchSize, seed: seed + epoch, validation })
      .epochs[0] as EpochLogs;
    history.push({ ...logs, epoch: epoch + 1 });
    if (stopper.onEpochEnd(epoch, { ...logs }, model.params())) break;
  }
  // As Keras 3: the best weights come back at the end of training, stopped early or not.
  let restored = false;
  if (stopper.restoreBestWeights && stopper.bestWeights) {
    const params = model.params();
    for (const [k, w] of stopper.bestWeights.entries()) (params[k] as Float32Array).set(w);
    restored = true;
  }
  return { history, stoppedEpoch: stopper.stoppedEpoch, bestEpoch: stopper.bestEpoch, restored, train, validation };
}
