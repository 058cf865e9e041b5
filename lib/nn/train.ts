/**
 * Training and evaluation loops for lib/nn: seeded shuffling, mini-batches (the last one
 * partial), per-step and per-epoch callbacks, and a Keras-like History.
 */
import { ArgumentError } from '../errors.ts';
import { argmaxRows, crossEntropySum } from '../kernels/index.ts';
import { createRng } from '../rng.ts';
import type { MLP } from './mlp.ts';
import type { Optimizer } from './optimizers.ts';
import type { GradientSource } from './parallel.ts';

/** Samples as a flat [count × features] Float32Array with integer labels. */
export interface Dataset {
  x: Float32Array;
  y: ArrayLike<number>;
  count: number;
  features: number;
}

export interface EpochLogs {
  epoch: number;
  loss: number;
  accuracy: number;
  seconds: number;
  val_loss?: number;
  val_accuracy?: number;
}

/** One mini-batch: its mean loss, its accuracy, and how many samples it held (the last may be short). */
export interface BatchLogs {
  loss: number;
  accuracy: number;
  size: number;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  seed?: number;
  validation?: Dataset;
  /**
   * After every step: 1-based step, steps per epoch, the epoch's running mean loss and accuracy
   * (what Keras' progress bar shows), and this batch's own (what TF.js' onBatchEnd logs).
   * The batch's loss is measured before the optimizer's update, as in Keras.
   */
  onStep?: (step: number, steps: number, loss: number, accuracy: number, batch: BatchLogs) => void;
  onEpochStart?: (epoch: number, epochs: number) => void;
  onEpochEnd?: (logs: EpochLogs) => void;
  /** stop cleanly after the current step when this returns true (Ctrl-C) */
  shouldStop?: () => boolean;
  /** who computes each batch's gradients: the model itself (default) or a GradientPool */
  gradients?: GradientSource;
}

export interface History {
  epochs: EpochLogs[];
  stopped: boolean;
}

/** Copies rows `indices[from..to)` of `data` into the batch buffers. */
function gather(
  data: Dataset,
  indices: readonly number[],
  from: number,
  to: number,
  xb: Float32Array,
  yb: Uint8Array | number[],
) {
  const f = data.features;
  for (let r = from; r < to; r++) {
    const src = indices[r];
    xb.set(data.x.subarray(src * f, (src + 1) * f), (r - from) * f);
    yb[r - from] = data.y[src];
  }
}

export function fit(model: MLP, optimizer: Optimizer, data: Dataset, options: FitOptions): History {
  const { epochs, batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ArgumentError('fit', `batchSize must be a positive integer, got ${batchSize}`);
  if (data.features !== model.inputSize) {
    throw new ArgumentError('fit', `the data has ${data.features} features but the model expects ${model.inputSize}`);
  }
  const rng = createRng(options.seed ?? 0);
  const steps = Math.ceil(data.count / batchSize);
  const xb = new Float32Array(batchSize * data.features);
  const yb = new Array<number>(batchSize).fill(0);
  const history: History = { epochs: [], stopped: false };
  for (let epoch = 1; epoch <= epochs; epoch++) {
    options.onEpochStart?.(epoch, epochs);
    const started = performance.now();
    const order = rng.permutation(data.count);
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (let s = 0; s < steps; s++) {
      const from = s * batchSize;
      const to = Math.min(data.count, from + batchSize);
      const n = to - from;
      gather(data, order, from, to, xb, yb);
      const source: GradientSource = options.gradients ?? model;
      let result: { loss: number; correct: number };
      if (source.trainStep) result = source.trainStep(xb, yb, n, optimizer);
      else {
        const r = source.lossAndGradients(xb, yb, n);
        optimizer.step(model.params(), r.grads);
        result = r;
      }
      lossSum += result.loss * n;
      correct += result.correct;
      seen += n;
      options.onStep?.(s + 1, steps, lossSum / seen, correct / seen, {
        loss: result.loss,
        accuracy: result.correct / n,
        size: n,
      });
      if (options.shouldStop?.()) {
        history.stopped = true;
        break;
      }
    }
    const logs: EpochLogs = {
      epoch,
      loss: lossSum / seen,
      accuracy: correct / seen,
      seconds: (performance.now() - started) / 1000,
    };
    if (options.validation && !history.stopped) {
      const v = evaluate(model, options.validation);
      logs.val_loss = v.loss;
      logs.val_accuracy = v.accuracy;
    }
    history.epochs.push(logs);
    options.onEpochEnd?.(logs);
    if (history.stopped) break;
  }
  return history;
}

export interface Evaluation {
  loss: number;
  accuracy: number;
  /** predicted class of every sample */
  predictions: Uint8Array;
}

/** Mean cross-entropy and accuracy over a data set, in batches. */
export function evaluate(model: MLP, data: Dataset, batchSize = 1000): Evaluation {
  const classes = model.outputSize;
  const predictions = new Uint8Array(data.count);
  let loss = 0;
  let correct = 0;
  for (let from = 0; from < data.count; from += batchSize) {
    const n = Math.min(batchSize, data.count - from);
    const probs = model.forward(data.x.subarray(from * data.features, (from + n) * data.features), n);
    const labels = subarrayOf(data.y, from, from + n);
    loss += crossEntropySum(probs, labels, n, classes);
    correct += argmaxRows(predictions.subarray(from, from + n), probs, labels, n, classes);
  }
  return { loss: loss / data.count, accuracy: correct / data.count, predictions };
}

/** Labels [from, to) without a copy where they are a typed array. */
function subarrayOf(y: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  return ArrayBuffer.isView(y) ? (y as Uint8Array).subarray(from, to) : Array.prototype.slice.call(y, from, to);
}
