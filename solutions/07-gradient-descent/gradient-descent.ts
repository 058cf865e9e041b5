/**
 * Exercise 07 — gradient descent: epochs and iterations, a shuffling batch generator, the
 * gradient of the mean squared error of a linear model, and three training loops — batch,
 * stochastic and mini-batch — that notice when a learning rate is too large. Reference solution.
 */

import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { createRng, type Rng, runSeed } from '../../lib/rng.ts';
import { formatShape, sizeOf } from '../../lib/shape.ts';

// ---- Step 1: epochs and iterations ----------------------------------------------------

export interface BatchCountOptions {
  /** Skip the last batch of an epoch when it is smaller than batchSize (default false). */
  dropRemainder?: boolean;
}

function checkCount(op: string, what: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ArgumentError(op, `${what} must be an integer ≥ ${min}, got ${value}`);
  }
}

/** Iterations (batches) in one epoch: ⌈samples / batchSize⌉, or ⌊…⌋ with dropRemainder. */
export function iterationsPerEpoch(samples: number, batchSize: number, options: BatchCountOptions = {}): number {
  checkCount('iterationsPerEpoch', 'samples', samples, 0);
  checkCount('iterationsPerEpoch', 'batchSize', batchSize, 1);
  return options.dropRemainder ? Math.floor(samples / batchSize) : Math.ceil(samples / batchSize);
}

/** Iterations in `epochs` epochs: every epoch has the same number. */
export function totalIterations(
  samples: number,
  batchSize: number,
  epochs: number,
  options: BatchCountOptions = {},
): number {
  checkCount('totalIterations', 'epochs', epochs, 0);
  return epochs * iterationsPerEpoch(samples, batchSize, options);
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

/** Rows `indices` of x (along axis 0), as a new array of x's dtype. */
function takeRows(x: NDArray, indices: readonly number[]): NDArray {
  const rowShape = x.shape.slice(1);
  const rowSize = sizeOf(rowShape);
  const out = NDArray.zeros([indices.length, ...rowShape], x.dtype);
  indices.forEach((row, k) => {
    out.data.set(x.data.subarray(row * rowSize, (row + 1) * rowSize), k * rowSize);
  });
  return out;
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
  private readonly x: NDArray;
  private readonly y: NDArray;
  private readonly shuffle: boolean;
  private readonly rng: Rng;
  private order: number[] = [];
  private epoch = 0;
  private step: number;

  constructor(x: NDArray, y: NDArray, options: BatchOptions) {
    const op = 'BatchGenerator';
    if (x.rank === 0 || y.rank === 0) {
      throw new ShapeError(
        op,
        `x and y need a batch axis, got x ${formatShape(x.shape)} and y ${formatShape(y.shape)}`,
      );
    }
    const n = x.shape[0];
    if (y.shape[0] !== n) {
      throw new ShapeError(
        op,
        `x has ${n} samples but y has ${y.shape[0]} (x ${formatShape(x.shape)}, y ${formatShape(y.shape)})`,
      );
    }
    checkCount(op, 'batchSize', options.batchSize, 1);
    this.numBatches = iterationsPerEpoch(n, options.batchSize, options);
    if (this.numBatches === 0) {
      throw new ArgumentError(
        op,
        `no batches: ${n} samples${n > 0 ? ` and dropRemainder with batchSize ${options.batchSize}` : ''}`,
      );
    }
    this.numSamples = n;
    this.batchSize = options.batchSize;
    this.x = x;
    this.y = y;
    this.shuffle = options.shuffle ?? true;
    this.rng = createRng(options.seed ?? runSeed());
    this.step = this.numBatches; // so that the first next() starts epoch 1
  }

  next(): Batch {
    if (this.step === this.numBatches) {
      // NOTE: a new order every epoch; shuffling once in the constructor would repeat it.
      this.order = this.shuffle
        ? this.rng.permutation(this.numSamples)
        : Array.from({ length: this.numSamples }, (_, i) => i);
      this.epoch++;
      this.step = 0;
    }
    const start = this.step * this.batchSize;
    const indices = this.order.slice(start, Math.min(start + this.batchSize, this.numSamples));
    this.step++;
    return { x: takeRows(this.x, indices), y: takeRows(this.y, indices), indices, epoch: this.epoch, step: this.step };
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

/** Throws unless x is [n, d] with n ≥ 1, y is [n] and w is [d]. */
function checkProblem(op: string, x: NDArray, y: NDArray | null, w: NDArray): void {
  const n = x.shape[0];
  const d = x.shape[1];
  const ok = x.rank === 2 && n !== 0 && w.rank === 1 && w.shape[0] === d && (y === null || shapesFit(y, n));
  if (!ok) {
    const shapes = `x ${formatShape(x.shape)}${y ? `, y ${formatShape(y.shape)}` : ''}, w ${formatShape(w.shape)}`;
    const want = y ? 'x [n,d], y [n] and w [d] with n ≥ 1' : 'x [n,d] and w [d] with n ≥ 1';
    throw new ShapeError(op, `expected ${want}, got ${shapes}`);
  }
}

const shapesFit = (y: NDArray, n: number | undefined): boolean => y.rank === 1 && y.shape[0] === n;

/** ŷ = x·w + b for every sample: shape [n]. */
export function predict(x: NDArray, params: LinearParams): NDArray {
  checkProblem('predict', x, null, params.w);
  const [n, d] = x.shape as [number, number];
  const yHat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = params.b;
    for (let j = 0; j < d; j++) s += x.data[i * d + j] * params.w.data[j];
    yHat[i] = s;
  }
  return new NDArray(yHat, [n]);
}

/** The residuals ŷ − y, after checking the shapes. */
function residuals(op: string, x: NDArray, y: NDArray, params: LinearParams): Float64Array {
  checkProblem(op, x, y, params.w);
  const r = predict(x, params).data as Float64Array;
  for (let i = 0; i < r.length; i++) r[i] = r[i] - y.data[i];
  return r;
}

/** L = mean((ŷ − y)²) over the n samples. */
export function mseLoss(x: NDArray, y: NDArray, params: LinearParams): number {
  const r = residuals('mseLoss', x, y, params);
  let total = 0;
  for (const v of r) total += v * v;
  return total / r.length;
}

/** ∂L/∂w = (2/n)·xᵀ(ŷ − y) and ∂L/∂b = (2/n)·Σ(ŷ − y). */
export function mseGradients(x: NDArray, y: NDArray, params: LinearParams): LinearGradients {
  const r = residuals('mseGradients', x, y, params);
  const [n, d] = x.shape as [number, number];
  const dw = new Float64Array(d);
  let db = 0;
  for (let i = 0; i < n; i++) {
    const ri = r[i];
    for (let j = 0; j < d; j++) dw[j] = dw[j] + x.data[i * d + j] * ri;
    db += ri;
  }
  for (let j = 0; j < d; j++) dw[j] = (dw[j] * 2) / n;
  return { dw: new NDArray(dw, [d]), db: (2 * db) / n };
}

/** One step of gradient descent on (x, y): params − learningRate·gradients, as new params. */
export function gradientStep(x: NDArray, y: NDArray, params: LinearParams, learningRate: number): LinearParams {
  const { dw, db } = mseGradients(x, y, params);
  const w = new Float64Array(dw.size);
  for (let j = 0; j < w.length; j++) w[j] = params.w.data[j] - learningRate * dw.data[j];
  return { w: new NDArray(w, [w.length]), b: params.b - learningRate * db };
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

function startingPoint(op: string, x: NDArray, y: NDArray, options: TrainOptions): LinearParams {
  if (!(Number.isFinite(options.learningRate) && options.learningRate > 0)) {
    throw new ArgumentError(op, `learningRate must be a positive number, got ${options.learningRate}`);
  }
  checkCount(op, 'epochs', options.epochs, 0);
  const d = x.shape[1] ?? 0;
  const start = options.initial ?? { w: NDArray.zeros([d]), b: 0 };
  checkProblem(op, x, y, start.w);
  return start;
}

/** Batch gradient descent: every step uses every sample, so one step per epoch. */
export function batchGradientDescent(x: NDArray, y: NDArray, options: TrainOptions): TrainResult {
  const op = 'batchGradientDescent';
  let params = startingPoint(op, x, y, options);
  const lossBefore = mseLoss(x, y, params);
  const lossByEpoch = [lossBefore];
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    params = gradientStep(x, y, params, options.learningRate);
    const loss = mseLoss(x, y, params);
    lossByEpoch.push(loss);
    if (hasDiverged(loss, lossBefore)) {
      const { learningRate } = options;
      const history = { lossByEpoch, lossByStep: [...lossByEpoch] };
      throw new DivergenceError(op, { epoch, step: 1, stepsPerEpoch: 1, learningRate, loss, lossBefore, ...history });
    }
  }
  return { params, lossByEpoch, lossByStep: [...lossByEpoch] };
}

/** The loop of stochastic and mini-batch gradient descent: one step per batch. */
function trainOnBatches(op: string, x: NDArray, y: NDArray, options: MiniBatchOptions): TrainResult {
  let params = startingPoint(op, x, y, options);
  const batches = new BatchGenerator(x, y, { ...options, shuffle: true });
  const lossBefore = mseLoss(x, y, params);
  const lossByEpoch = [lossBefore];
  const lossByStep = [lossBefore];
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    for (let step = 1; step <= batches.numBatches; step++) {
      const batch = batches.next();
      params = gradientStep(batch.x, batch.y, params, options.learningRate);
      // The loss on ALL the data, not the batch's: comparable across batch sizes.
      const loss = mseLoss(x, y, params);
      lossByStep.push(loss);
      if (hasDiverged(loss, lossBefore)) {
        const [stepsPerEpoch, { learningRate }] = [batches.numBatches, options];
        const history = { lossByEpoch, lossByStep };
        throw new DivergenceError(op, { epoch, step, stepsPerEpoch, learningRate, loss, lossBefore, ...history });
      }
    }
    lossByEpoch.push(lossByStep.at(-1) as number);
  }
  return { params, lossByEpoch, lossByStep };
}

/** Stochastic gradient descent: one sample per step, in a new random order every epoch. */
export function stochasticGradientDescent(x: NDArray, y: NDArray, options: TrainOptions): TrainResult {
  return trainOnBatches('stochasticGradientDescent', x, y, { ...options, batchSize: 1 });
}

/** Mini-batch gradient descent: batchSize samples per step, from a shuffling BatchGenerator. */
export function miniBatchGradientDescent(x: NDArray, y: NDArray, options: MiniBatchOptions): TrainResult {
  return trainOnBatches('miniBatchGradientDescent', x, y, options);
}

// ---- Step 6: a learning rate too large ---------------------------------------------------------

/** Training has diverged once the loss is this many times the loss before training. */
export const DIVERGENCE_FACTOR = 1000;

/** True when the loss is NaN, infinite, or above DIVERGENCE_FACTOR × the loss before training. */
export function hasDiverged(loss: number, lossBefore: number): boolean {
  // NOTE: every comparison with NaN is false, so `loss > limit` would let NaN through.
  // isFinite first: when 1000 × lossBefore overflows to Infinity, Infinity <= Infinity is true.
  return !(Number.isFinite(loss) && loss <= DIVERGENCE_FACTOR * lossBefore);
}

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
