/**
 * Data-parallel gradients over worker threads: each step's batch is split in parts, the
 * main thread computes one part and every worker another, all reading the same weights
 * (SharedArrayBuffers), and the parts' mean gradients are combined into the batch mean.
 *
 *   const loader = new URL('../scripts/register.mjs', import.meta.url); // the caller's TS loader
 *   const pool = await GradientPool.start(model, { workers: 1, loader });   // 1 extra thread
 *   fit(model, optimizer, data, { epochs, batchSize, gradients: pool });
 *   await pool.close();
 *
 * In `fit`, a step (trainStep) also shares out the optimizer's update: once every thread's
 * gradients are in shared memory, each thread combines them over its own part of every
 * parameter array and updates that part with its own copy of the optimizer (built from the
 * main one's spec()), so neither the combine nor the update waits on one thread. The main
 * thread returns when every part is done, so the next step reads finished weights.
 * An optimizer without spec() (a wrapper of one's own) updates on the main thread instead.
 * The model's gradients stay in the pool's shared memory from then on (MLP.adoptGradients).
 * NOTE: an optimizer that has stepped through a pool holds the state (RMSprop's s, Adam's m
 * and v, its velocity) of the main thread's part only: keep using it with that pool.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ArgumentError } from '../errors.ts';
import { combinePart, updatePart } from './combine.ts';
import {
  ALL_GRADS,
  CONTROL_WORDS,
  DONE,
  GRADIENTS_ONLY,
  GRADS,
  MODE,
  NEW_OPTIMIZER,
  ROWS,
  SEQ,
  UPDATE,
  waitFor,
} from './control.ts';
import type { LayerSpec, MLP } from './mlp.ts';
import type { Optimizer } from './optimizers.ts';

export interface GradientResult {
  loss: number;
  correct: number;
  grads: Float32Array[];
}

/** Anything that computes a batch's loss and gradients: an MLP itself, or a pool. */
export interface GradientSource {
  lossAndGradients(x: Float32Array, labels: ArrayLike<number>, batch: number): GradientResult;
  /** One training step: the gradients, then `optimizer`'s update of the model's weights. */
  trainStep?(
    x: Float32Array,
    labels: ArrayLike<number>,
    batch: number,
    optimizer: Optimizer,
  ): { loss: number; correct: number };
}

export interface WorkerInit {
  inputSize: number;
  specs: LayerSpec[];
  params: SharedArrayBuffer[];
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  grads: SharedArrayBuffer[];
  /** every thread's gradient buffers, the main thread's first, and their weights in the batch mean */
  allGrads: SharedArrayBuffer[][];
  weights: SharedArrayBuffer;
  control: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  index: number;
  /** whether the worker's products use the SIMD kernels, as the main thread's model does */
  simd: boolean;
}

interface WorkerSlot {
  worker: Worker;
  x: Float32Array;
  y: Int32Array;
  grads: Float32Array[];
}

/** The number of extra threads worth starting here: one per core beyond the first. */
export function defaultWorkers(): number {
  return Math.max(0, availableParallelism() - 1);
}

export interface PoolOptions {
  /** extra threads (default: one per core beyond the first) */
  workers?: number;
  /** the most rows one thread computes per step (default 1024) */
  maxRows?: number;
  /**
   * A module each worker imports before its own code: the loader that lets Node run
   * TypeScript (`--import` it). Worker threads do not inherit the one the caller runs under,
   * and lib cannot know it: scripts use scripts/register.mjs, Vitest its own.
   */
  loader: string | URL;
}

interface SharedState {
  control: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  ownGrads: SharedArrayBuffer[];
  weights: SharedArrayBuffer;
}

export class GradientPool implements GradientSource {
  private seq = 0;
  private readonly control: Int32Array;
  private readonly stats: Float64Array;
  private readonly combined: Float32Array[];
  /** the main thread's own gradients, where the workers read them */
  private readonly ownGrads: Float32Array[];
  private readonly weights: Float64Array;
  private optimizer: Optimizer | undefined;

  private readonly model: MLP;
  private readonly slots: WorkerSlot[];
  private constructor(model: MLP, slots: WorkerSlot[], shared: SharedState) {
    this.model = model;
    this.slots = slots;
    this.control = new Int32Array(shared.control);
    this.stats = new Float64Array(shared.stats);
    this.combined = model.params().map((p) => new Float32Array(p.length));
    this.ownGrads = shared.ownGrads.map((b) => new Float32Array(b));
    model.adoptGradients(this.ownGrads);
    this.weights = new Float64Array(shared.weights);
  }

  /** Starts `workers` threads sharing `model`'s weights (moved into shared memory). */
  static async start(model: MLP, options: PoolOptions): Promise<GradientPool> {
    const workers = options.workers ?? defaultWorkers();
    if (!Number.isInteger(workers) || workers < 0)
      throw new ArgumentError('GradientPool', `workers must be a whole number ≥ 0, got ${workers}`);
    const maxRows = options.maxRows ?? 1024;
    const shared = model.params().map((p) => new SharedArrayBuffer(p.byteLength));
    model.adoptParams(shared.map((b) => new Float32Array(b)));
    const control = new SharedArrayBuffer(4 * CONTROL_WORDS * Math.max(1, workers));
    const stats = new SharedArrayBuffer(8 * 2 * Math.max(1, workers));
    const specs = model.layers.map((l) => ({ units: l.units, activation: l.activation }));
    const gradBuffers = () => model.params().map((p) => new SharedArrayBuffer(p.byteLength));
    const allGrads = Array.from({ length: workers + 1 }, gradBuffers);
    const weights = new SharedArrayBuffer(8 * (workers + 1));
    const slots: WorkerSlot[] = [];
    const ready: Promise<void>[] = [];
    for (let index = 0; index < workers; index++) {
      const init: WorkerInit = {
        inputSize: model.inputSize,
        specs,
        params: shared,
        x: new SharedArrayBuffer(4 * maxRows * model.inputSize),
        y: new SharedArrayBuffer(4 * maxRows),
        grads: allGrads[index + 1] as SharedArrayBuffer[],
        allGrads,
        weights,
        control,
        stats,
        index,
        simd: model.kernels.simd,
      };
      const worker = new Worker(new URL('./worker.ts', import.meta.url), {
        workerData: init,
        execArgv: ['--import', String(options.loader)],
      });
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        }),
      );
      slots.push({
        worker,
        x: new Float32Array(init.x),
        y: new Int32Array(init.y),
        grads: init.grads.map((b) => new Float32Array(b)),
      });
    }
    await Promise.all(ready);
    return new GradientPool(model, slots, { control, stats, ownGrads: allGrads[0] as SharedArrayBuffer[], weights });
  }

  get threads(): number {
    return this.slots.length + 1;
  }

  lossAndGradients(x: Float32Array, labels: ArrayLike<number>, batch: number): GradientResult {
    const seq = this.handOut(x, labels, batch, GRADIENTS_ONLY);
    const mine = Math.min(this.rowsPerThread(batch), batch);
    const own = this.model.lossAndGradients(x, labels, mine);
    const { loss, correct } = this.collect(seq, own, mine, batch, DONE);
    combinePart(this.combined, this.sources(own.grads), this.weights, { index: 0, count: 1 });
    return { loss, correct, grads: this.combined };
  }

  trainStep(
    x: Float32Array,
    labels: ArrayLike<number>,
    batch: number,
    optimizer: Optimizer,
  ): { loss: number; correct: number } {
    if (!optimizer.spec || this.slots.length === 0) {
      const result = this.lossAndGradients(x, labels, batch);
      optimizer.step(this.model.params(), result.grads);
      return result;
    }
    let mode = UPDATE;
    if (optimizer !== this.optimizer) {
      this.optimizer = optimizer;
      const spec = optimizer.spec();
      for (const slot of this.slots) slot.worker.postMessage(spec);
      mode = NEW_OPTIMIZER;
    }
    const seq = this.handOut(x, labels, batch, mode);
    const mine = Math.min(this.rowsPerThread(batch), batch);
    // the model writes its gradients straight into ownGrads, where the workers read them
    const own = this.model.lossAndGradients(x, labels, mine);
    const result = this.collect(seq, own, mine, batch, GRADS);
    this.slots.forEach((_, w) => {
      Atomics.store(this.control, w * CONTROL_WORDS + ALL_GRADS, seq);
      Atomics.notify(this.control, w * CONTROL_WORDS + ALL_GRADS);
    });
    const part = { index: 0, count: this.threads };
    updatePart(optimizer, this.model.params(), this.combined, this.sources(this.ownGrads), this.weights, part);
    this.slots.forEach((_, w) => {
      waitFor(this.control, w * CONTROL_WORDS + DONE, seq);
    });
    return result;
  }

  private rowsPerThread(batch: number): number {
    const per = Math.ceil(batch / (this.slots.length + 1));
    const capacity = this.slots[0]?.y.length ?? Number.POSITIVE_INFINITY;
    if (per > capacity) {
      throw new ArgumentError(
        'GradientPool',
        `a batch of ${batch} needs ${per} rows per thread, but the pool holds ${capacity} (start it with a larger maxRows)`,
      );
    }
    return per;
  }

  /** Hands each worker its rows (parts 1.. go to workers, part 0 stays here); returns the step's number. */
  private handOut(x: Float32Array, labels: ArrayLike<number>, batch: number, mode: number): number {
    const f = this.model.inputSize;
    const per = this.rowsPerThread(batch);
    const seq = ++this.seq;
    this.slots.forEach((slot, w) => {
      const from = Math.min(batch, (w + 1) * per);
      const rows = Math.min(batch, from + per) - from;
      slot.x.set(x.subarray(from * f, (from + rows) * f));
      for (let r = 0; r < rows; r++) slot.y[r] = labels[from + r];
      const c = w * CONTROL_WORDS;
      Atomics.store(this.control, c + ROWS, rows);
      Atomics.store(this.control, c + MODE, mode);
      Atomics.store(this.control, c + SEQ, seq);
      Atomics.notify(this.control, c + SEQ);
    });
    return seq;
  }

  /**
   * Waits for the workers' gradients (their `flag` reaching `seq`), sums their losses and
   * correct counts with this thread's, and sets the weights of the batch mean Σ rows_t · mean_t / batch.
   */
  private collect(seq: number, own: GradientResult, mine: number, batch: number, flag: number) {
    let loss = own.loss * mine;
    let correct = own.correct;
    this.weights[0] = mine / batch;
    this.slots.forEach((_, w) => {
      const c = w * CONTROL_WORDS;
      waitFor(this.control, c + flag, seq);
      const rows = Atomics.load(this.control, c + ROWS);
      this.weights[w + 1] = rows / batch;
      if (rows === 0) return;
      loss += this.stats[2 * w] * rows;
      correct += this.stats[2 * w + 1];
    });
    return { loss: loss / batch, correct };
  }

  /** Every thread's gradients, this thread's (`own`) first. */
  private sources(own: Float32Array[]): Float32Array[][] {
    return [own, ...this.slots.map((s) => s.grads)];
  }

  async close(): Promise<void> {
    this.slots.forEach((_, w) => {
      Atomics.store(this.control, w * CONTROL_WORDS + SEQ, -1);
      Atomics.notify(this.control, w * CONTROL_WORDS + SEQ);
    });
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
