/**
 * A training run's curve, step by step: what Keras' History keeps per epoch, kept per few
 * mini-batches, so that even a one-epoch run draws a curve. Both of `npm run mnist`'s engines
 * feed it: lib/nn's `fit` through `onStep`, TensorFlow.js through `onBatchEnd`.
 *
 *   const log = new StepRecorder(469, logInterval(5 * 469));   // 469 steps per epoch, 5 epochs
 *   fit(model, optimizer, data, { …, onStep: (s, n, loss, acc, batch) => log.add(batch) });
 *   log.flush();                                                 // after a stop mid-epoch
 *   log.points  // [{ step: 10, epoch: 0.0213, loss: 1.12, accuracy: 0.71, samples: 1280 }, …]
 */
import { ArgumentError } from '../../lib/errors.ts';

/** One point of the training curve: the mean over the mini-batches that ended at `step`. */
export interface StepLog {
  /** 1-based, counted over the whole run (not reset each epoch): the last step of the window */
  step: number;
  /** `step / stepsPerEpoch`: how many epochs were done, as a fraction (0.5 is half of the first) */
  epoch: number;
  /** mean loss and accuracy of the window's samples, each batch measured before its update */
  loss: number;
  accuracy: number;
  /** samples in the window (the last batch of an epoch may be short) */
  samples: number;
}

/** A model's loss and accuracy on held-out data at the end of an epoch (or where training stopped). */
export interface EpochPoint {
  epoch: number;
  loss: number;
  accuracy: number;
}

/**
 * Every how many steps to log so that the whole run gives about `target` points: every step
 * for a short run, every 10th for 5 MNIST epochs of 469 steps (235 points, not 2,345).
 */
export function logInterval(totalSteps: number, target = 250): number {
  if (!(totalSteps >= 0) || !Number.isFinite(totalSteps))
    throw new ArgumentError('logInterval', `totalSteps must be a finite number ≥ 0, got ${totalSteps}`);
  return Math.max(1, Math.ceil(totalSteps / target));
}

/**
 * Averages mini-batches over windows of `every` steps, weighted by their sizes. A window never
 * spans two epochs: the last one of an epoch closes early, so a point sits on every epoch's end.
 */
export class StepRecorder {
  readonly points: StepLog[] = [];
  private step = 0;
  private window = { loss: 0, correct: 0, samples: 0, steps: 0 };

  readonly stepsPerEpoch: number;
  readonly every: number;
  constructor(stepsPerEpoch: number, every: number) {
    this.stepsPerEpoch = stepsPerEpoch;
    this.every = every;
    for (const [name, v] of [
      ['stepsPerEpoch', stepsPerEpoch],
      ['every', every],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new ArgumentError('StepRecorder', `${name} must be a positive integer, got ${v}`);
    }
  }

  /** One mini-batch's own mean loss and accuracy (not the epoch's running mean), and its size. */
  add(batch: { loss: number; accuracy: number; size: number }): void {
    if (!Number.isInteger(batch.size) || batch.size < 1)
      throw new ArgumentError('StepRecorder.add', `a batch's size must be a positive integer, got ${batch.size}`);
    this.step++;
    const w = this.window;
    w.loss += batch.loss * batch.size;
    w.correct += batch.accuracy * batch.size;
    w.samples += batch.size;
    w.steps++;
    if (w.steps === this.every || this.step % this.stepsPerEpoch === 0) this.flush();
  }

  /** Closes the open window, if any (call it when training stops mid-window). */
  flush(): void {
    const w = this.window;
    if (w.samples === 0) return;
    this.points.push({
      step: this.step,
      epoch: this.step / this.stepsPerEpoch,
      loss: w.loss / w.samples,
      accuracy: w.correct / w.samples,
      samples: w.samples,
    });
    this.window = { loss: 0, correct: 0, samples: 0, steps: 0 };
  }
}

/**
 * At most `max` points, each merging a run of neighbours (weighted by their samples): the curve
 * as a terminal chart of `max` columns can show it.
 */
export function coarsen(points: readonly StepLog[], max: number): StepLog[] {
  if (!Number.isInteger(max) || max < 1)
    throw new ArgumentError('coarsen', `max must be a positive integer, got ${max}`);
  const per = Math.ceil(points.length / max);
  if (per <= 1) return [...points];
  const out: StepLog[] = [];
  for (let i = 0; i < points.length; i += per) {
    const run = points.slice(i, i + per);
    const samples = run.reduce((n, p) => n + p.samples, 0);
    const mean = (key: 'loss' | 'accuracy') => run.reduce((sum, p) => sum + p[key] * p.samples, 0) / samples;
    const last = run.at(-1) as StepLog;
    out.push({ step: last.step, epoch: last.epoch, loss: mean('loss'), accuracy: mean('accuracy'), samples });
  }
  return out;
}
