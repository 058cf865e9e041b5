/**
 * Exercise 11 — generalisation: the train/test gap and a diagnosis, normalised inputs,
 * over- and underfitting experiments on MNIST, inverted dropout, the L2 penalty, and early
 * stopping on a validation split.
 *
 * Read README.md (or README.ko.md), then make the specs pass step by step: `npm start`.
 * Stuck? `npm run hint -- 11` shows the next hint.
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
import type { NDArray } from '../../lib/ndarray.ts';
import {
  type Dataset,
  type EpochLogs,
  evaluate,
  fit,
  type MLP,
  makeOptimizer,
  type Optimizer,
} from '../../lib/nn/index.ts';

// Given, not for the learner to write: one copy of the types that the stub and the solution share.
export type * from '../../lib/given/11-generalisation.ts';

// ArgumentError and ShapeError are the errors to throw. lib/nn is the fast from-scratch MLP of
// `npm run mnist`: MLP, makeOptimizer, fit and evaluate are what the experiments train with.

// ---- Step 1: the gap and a diagnosis ----------------------------------------------------

/** Tuned for MNIST-sized problems, where even a linear model reaches ~92% on its training data. */
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({ minTrainAcc: 0.9, maxGap: 0.05 });

/** trainAcc − testAcc: how much better the model does on the data it was trained on. */
export function generalisationGap(trainAcc: number, testAcc: number): number {
  // TODO: check both are accuracies in [0, 1], then return the gap.
  throw new Error('TODO(11-generalisation): implement generalisationGap (step 1 in README.md)');
}

/** Underfitting first (trainAcc < minTrainAcc), then overfitting (gap > maxGap), else a good fit. */
export function diagnose(report: FitReport, thresholds: Partial<Thresholds> = {}): Diagnosis {
  // TODO: fill in the default thresholds, check every number, then apply the rules in order.
  throw new Error('TODO(11-generalisation): implement diagnose (step 1 in README.md)');
}

// ---- Step 2: normalised inputs ------------------------------------------------------------

/** x / max for every value, as float32: the book's `astype('float32') / 255`. */
export function normalise(pixels: ArrayLike<number>, max = 255): Float32Array {
  // TODO: check max and every value, then scale each value into a new Float32Array.
  throw new Error('TODO(11-generalisation): implement normalise (step 2 in README.md)');
}

/** An MNIST split as lib/nn's Dataset: [count × 784] pixels in [0, 1], or 0–255 with raw. */
export function toDataset(split: MnistSplit, options: { raw?: boolean } = {}): Dataset {
  // TODO: check the split's sizes, then build { x, y, count, features }.
  throw new Error('TODO(11-generalisation): implement toDataset (step 2 in README.md)');
}

// ---- Step 3: experiments --------------------------------------------------------------------

/** Trains a fresh features-hidden-classes MLP on train, then evaluates it on train and test. */
export function runExperiment(config: ExperimentConfig): ExperimentResult {
  // TODO: check the config, build and train the model, evaluate it on both sets, and diagnose.
  throw new Error('TODO(11-generalisation): implement runExperiment (step 3 in README.md)');
}

// ---- Step 4: dropout --------------------------------------------------------------------------

/**
 * Inverted dropout: while training, each element is dropped (set to 0) with probability `rate`
 * and the survivors are scaled by 1 / (1 − rate), so the expected value of every element is
 * unchanged. At inference it returns x's values unchanged.
 */
export function dropout(x: NDArray, rate: number, options: DropoutOptions = {}): NDArray {
  // TODO: check the rate; at inference return x's values; while training, drop and rescale.
  throw new Error('TODO(11-generalisation): implement dropout (step 4 in README.md)');
}

// ---- Step 5: L2 regularisation -------------------------------------------------------------------

/** l2 · Σ w² over every element of every array: Keras' regularizers.l2 (default l2 = 0.01). */
export function l2Penalty(weights: NDArray | readonly NDArray[], l2 = 0.01): number {
  // TODO: check l2, then add up the squares of every weight.
  throw new Error('TODO(11-generalisation): implement l2Penalty (step 5 in README.md)');
}

/** ∂(l2 · Σ w²)/∂w, an array of w's shape. */
export function l2Gradient(w: NDArray, l2 = 0.01): NDArray {
  // TODO: check l2, then differentiate the penalty with respect to every weight.
  throw new Error('TODO(11-generalisation): implement l2Gradient (step 5 in README.md)');
}

/**
 * Wraps a lib/nn optimizer so that every step follows the gradient of loss + l2 · Σ W² over the
 * kernels (the even positions of lib/nn's [W0, b0, W1, b1, …]); biases are not regularised.
 */
export function withL2(optimizer: Optimizer, l2 = 0.01): Optimizer {
  // TODO: check l2, then return an Optimizer whose step adds the penalty's gradient to the kernels' gradients.
  throw new Error('TODO(11-generalisation): implement withL2 (step 5 in README.md)');
}

// ---- Step 6: validation split and early stopping -----------------------------------------------

/**
 * Keras' validation_split: the LAST `fraction` of the samples, as given (before any shuffling),
 * become the validation set; the first floor(count · (1 − fraction)) are the training set.
 */
export function validationSplit(data: Dataset, fraction: number): { train: Dataset; validation: Dataset } {
  // TODO: check the fraction and the data, find where to split, and copy both parts.
  throw new Error('TODO(11-generalisation): implement validationSplit (step 6 in README.md)');
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
    // TODO: check the options, keep them (resolving mode 'auto'), and start as onTrainBegin does.
    throw new Error('TODO(11-generalisation): implement the EarlyStopping constructor (step 6 in README.md)');
  }

  /** Forgets everything: ready for a new training run. */
  onTrainBegin(): void {
    // TODO: reset the state for a new run.
    throw new Error('TODO(11-generalisation): implement EarlyStopping.onTrainBegin (step 6 in README.md)');
  }

  /** Reads logs[monitor] after epoch `epoch` (0-based); returns true when training should stop. */
  onEpochEnd(
    epoch: number,
    logs: Readonly<Record<string, number | undefined>>,
    weights?: readonly Float32Array[],
  ): boolean {
    // TODO: compare logs[monitor] with the best so far, update the state, and say whether to stop.
    throw new Error('TODO(11-generalisation): implement EarlyStopping.onEpochEnd (step 6 in README.md)');
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
  // TODO: split, then train epoch by epoch with validation until the callback says stop; restore if asked.
  throw new Error('TODO(11-generalisation): implement fitWithEarlyStopping (step 6 in README.md)');
}
