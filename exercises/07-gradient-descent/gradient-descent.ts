/**
 * Exercise 07 — gradient descent: epochs and iterations, a shuffling batch generator, the
 * gradient of the mean squared error of a linear model, and three training loops — batch,
 * stochastic and mini-batch — that notice when a learning rate is too large.
 *
 * Read README.md (or README.ko.md), then make the specs pass step by step: `npm start -- 07`.
 * Stuck? `npm run hint -- 07` shows the next hint. `npm run plot -- 07` draws your loss curves.
 */

import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import type { NDArray } from '../../lib/ndarray.ts';
import { add, map, matmul, mean, reshape, sub, sum } from '../../lib/ops/index.ts';
import { createRng, type Rng, runSeed } from '../../lib/rng.ts';
import { formatShape, sizeOf } from '../../lib/shape.ts';

// ShapeError and ArgumentError are the errors to throw; formatShape prints a shape as [2,3].
// createRng(seed) makes a seeded generator: rng.permutation(n) is 0..n−1 in a random order.
// lib/ops holds what exercises 02–06 taught (matmul with transposeA, sum, mean, map, …): use it.
// NDArray is imported as a type only: make it a plain import when you need NDArray.zeros & co.

// ---- Step 1: epochs and iterations ----------------------------------------------------

export interface BatchCountOptions {
  /** Skip the last batch of an epoch when it is smaller than batchSize (default false). */
  dropRemainder?: boolean;
}

/** Iterations (batches) in one epoch: ⌈samples / batchSize⌉, or ⌊…⌋ with dropRemainder. */
export function iterationsPerEpoch(samples: number, batchSize: number, options: BatchCountOptions = {}): number {
  // TODO: check samples (an integer ≥ 0) and batchSize (an integer ≥ 1), then count the batches.
  throw new Error('TODO(07-gradient-descent): implement iterationsPerEpoch (step 1 in README.md)');
}

/** Iterations in `epochs` epochs: every epoch has the same number. */
export function totalIterations(
  samples: number,
  batchSize: number,
  epochs: number,
  options: BatchCountOptions = {},
): number {
  // TODO: check epochs (an integer ≥ 0), then count the iterations of all the epochs.
  throw new Error('TODO(07-gradient-descent): implement totalIterations (step 1 in README.md)');
}

// ---- Step 2: a batch generator -----------------------------------------------------------

export interface BatchOptions extends BatchCountOptions {
  batchSize: number;
  /** A new random order every epoch (default true); false keeps the samples in order. */
  shuffle?: boolean;
  /** Seeds the shuffling (default: the run's seed, KATA_SEED). */
  seed?: number;
}

export interface Batch {
  /** The batch's samples: x's rows at `indices`, shape [indices.length, …x.shape[1:]]. */
  x: NDArray;
  /** The matching targets: y's rows at `indices`. */
  y: NDArray;
  /** Which samples of x and y the batch holds, in the order they appear in it. */
  indices: number[];
  /** 1 for the first epoch, 2 for the second, … */
  epoch: number;
  /** 1 … numBatches: the batch's place in its epoch. */
  step: number;
}

/**
 * Mini-batches of (x, y), forever: every call of next() returns the next batch; after
 * numBatches batches an epoch ends, and the next call starts a new epoch in a new order.
 */
export class BatchGenerator {
  readonly numSamples: number;
  readonly batchSize: number;
  /** Batches per epoch: iterationsPerEpoch(numSamples, batchSize, options). */
  readonly numBatches: number;
  // TODO: add the fields the generator needs to remember between calls of next().

  constructor(x: NDArray, y: NDArray, options: BatchOptions) {
    // TODO: check that x and y have the same number of samples (axis 0) and the options,
    // then keep what next() needs, with a generator made by createRng from the seed.
    throw new Error('TODO(07-gradient-descent): implement the BatchGenerator constructor (step 2 in README.md)');
  }

  next(): Batch {
    // TODO: start a new epoch in a new order when the last one is used up, then return the
    // next batchSize samples of that order (fewer for the last batch of an epoch).
    throw new Error('TODO(07-gradient-descent): implement BatchGenerator.next (step 2 in README.md)');
  }
}

// ---- Step 3: the gradient of the mean squared error -------------------------------------------

/** A linear model ŷ = x·w + b: w has one weight per feature, b is one number. */
export interface LinearParams {
  w: NDArray;
  b: number;
}

/** ∂L/∂w (shaped like w) and ∂L/∂b. */
export interface LinearGradients {
  dw: NDArray;
  db: number;
}

/** ŷ = x·w + b for every sample: shape [n]. */
export function predict(x: NDArray, params: LinearParams): NDArray {
  // TODO: check x is [n, d] (n ≥ 1) and w is [d], then compute one prediction per sample.
  throw new Error('TODO(07-gradient-descent): implement predict (step 3 in README.md)');
}

/** L = mean((ŷ − y)²) over the n samples. */
export function mseLoss(x: NDArray, y: NDArray, params: LinearParams): number {
  // TODO: check y is [n] too, then average the squared residuals.
  throw new Error('TODO(07-gradient-descent): implement mseLoss (step 3 in README.md)');
}

/** ∂L/∂w = (2/n)·xᵀ(ŷ − y) and ∂L/∂b = (2/n)·Σ(ŷ − y). */
export function mseGradients(x: NDArray, y: NDArray, params: LinearParams): LinearGradients {
  // TODO: check the shapes, then compute both gradients from the residuals ŷ − y.
  throw new Error('TODO(07-gradient-descent): implement mseGradients (step 3 in README.md)');
}

/** One step of gradient descent on (x, y): params − learningRate·gradients, as new params. */
export function gradientStep(x: NDArray, y: NDArray, params: LinearParams, learningRate: number): LinearParams {
  // TODO: move w and b against their gradients; return new params, leave the old ones as they are.
  throw new Error('TODO(07-gradient-descent): implement gradientStep (step 3 in README.md)');
}

// ---- Steps 4 and 5: three training loops ------------------------------------------------------

export interface TrainOptions {
  learningRate: number;
  epochs: number;
  /** Where training starts (default w = 0, b = 0). */
  initial?: LinearParams;
  /** Seeds the shuffling of the batches (default: the run's seed); batch GD does not shuffle. */
  seed?: number;
}

export interface MiniBatchOptions extends TrainOptions {
  batchSize: number;
  dropRemainder?: boolean;
}

export interface TrainResult {
  params: LinearParams;
  /** The loss on the whole data set before training (index 0) and after every epoch. */
  lossByEpoch: number[];
  /** The loss on the whole data set before training (index 0) and after every step. */
  lossByStep: number[];
}

/** Batch gradient descent: every step uses every sample, so one step per epoch. */
export function batchGradientDescent(x: NDArray, y: NDArray, options: TrainOptions): TrainResult {
  // TODO: check the options; from options.initial (or zeros) take one gradientStep on all the
  // data per epoch and record the loss after each. (Step 6 adds a check for divergence.)
  throw new Error('TODO(07-gradient-descent): implement batchGradientDescent (step 4 in README.md)');
}

/** Stochastic gradient descent: one sample per step, in a new random order every epoch. */
export function stochasticGradientDescent(x: NDArray, y: NDArray, options: TrainOptions): TrainResult {
  // TODO: train one sample at a time, in the order of a BatchGenerator with options.seed.
  throw new Error('TODO(07-gradient-descent): implement stochasticGradientDescent (step 5 in README.md)');
}

/** Mini-batch gradient descent: batchSize samples per step, from a shuffling BatchGenerator. */
export function miniBatchGradientDescent(x: NDArray, y: NDArray, options: MiniBatchOptions): TrainResult {
  // TODO: check the options; take one gradientStep per batch of a BatchGenerator made with
  // options.batchSize, options.seed and options.dropRemainder; record the loss after every step.
  throw new Error('TODO(07-gradient-descent): implement miniBatchGradientDescent (step 5 in README.md)');
}

// ---- Step 6: a learning rate too large ---------------------------------------------------------

/** Training has diverged once the loss is this many times the loss before training. */
export const DIVERGENCE_FACTOR = 1000;

/** True when the loss is NaN, infinite, or above DIVERGENCE_FACTOR × the loss before training. */
export function hasDiverged(loss: number, lossBefore: number): boolean {
  // TODO: compare the loss with the limit, and make sure NaN counts as diverged.
  throw new Error('TODO(07-gradient-descent): implement hasDiverged (step 6 in README.md)');
}

// Given: the error your loops throw when hasDiverged says so (you do not need to change it).

export interface Divergence {
  /** The epoch (1, 2, …) and the step in it (1 … stepsPerEpoch) after which the loss blew up. */
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  learningRate: number;
  /** The loss on the whole data set after that step, and before training. */
  loss: number;
  lossBefore: number;
  /** The losses up to and including that step, as in TrainResult. */
  lossByEpoch: number[];
  lossByStep: number[];
}

/** 4 significant digits; large and tiny numbers as 5.679e+4. */
const show = (v: number): string =>
  !Number.isFinite(v)
    ? String(v)
    : Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3)
      ? v.toExponential(3)
      : String(Number(v.toPrecision(4)));

/** A training loop stopped because its loss blew up: which step, which learning rate, which loss. */
export class DivergenceError extends ArgumentError {
  override name = 'DivergenceError';
  readonly epoch: number;
  readonly step: number;
  /** 1, 2, … counted over all epochs. */
  readonly iteration: number;
  readonly learningRate: number;
  readonly loss: number;
  readonly lossByEpoch: number[];
  readonly lossByStep: number[];

  constructor(op: string, d: Divergence) {
    const iteration = (d.epoch - 1) * d.stepsPerEpoch + d.step;
    const why = Number.isFinite(d.loss)
      ? `more than ${DIVERGENCE_FACTOR}× the loss before training (${show(d.lossBefore)})`
      : `the loss before training was ${show(d.lossBefore)}`;
    super(
      op,
      `diverged at epoch ${d.epoch}, step ${d.step}/${d.stepsPerEpoch} (iteration ${iteration}) with learning rate ${d.learningRate}: ` +
        `loss ${show(d.loss)}, ${why}. Try a smaller learning rate.`,
    );
    this.epoch = d.epoch;
    this.step = d.step;
    this.iteration = iteration;
    this.learningRate = d.learningRate;
    this.loss = d.loss;
    this.lossByEpoch = d.lossByEpoch;
    this.lossByStep = d.lossByStep;
  }
}
