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
 * Synchronisation is one Atomics.notify/wait pair per worker and step; the optimizer runs
 * on the main thread between steps, so workers always see a finished update.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ArgumentError } from '../errors.ts';
import { CONTROL_WORDS, DONE, ROWS, SEQ } from './control.ts';
import type { LayerSpec, MLP } from './mlp.ts';

export interface GradientResult {
  loss: number;
  correct: number;
  grads: Float32Array[];
}

/** Anything that computes a batch's loss and gradients: an MLP itself, or a pool. */
export interface GradientSource {
  lossAndGradients(x: Float32Array, labels: ArrayLike<number>, batch: number): GradientResult;
}

export interface WorkerInit {
  inputSize: number;
  specs: LayerSpec[];
  params: SharedArrayBuffer[];
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  grads: SharedArrayBuffer[];
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

export class GradientPool implements GradientSource {
  private seq = 0;
  private readonly control: Int32Array;
  private readonly stats: Float64Array;
  private readonly combined: Float32Array[];

  private readonly model: MLP;
  private readonly slots: WorkerSlot[];
  private constructor(model: MLP, slots: WorkerSlot[], control: SharedArrayBuffer, stats: SharedArrayBuffer) {
    this.model = model;
    this.slots = slots;
    this.control = new Int32Array(control);
    this.stats = new Float64Array(stats);
    this.combined = model.params().map((p) => new Float32Array(p.length));
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
    const slots: WorkerSlot[] = [];
    const ready: Promise<void>[] = [];
    for (let index = 0; index < workers; index++) {
      const init: WorkerInit = {
        inputSize: model.inputSize,
        specs,
        params: shared,
        x: new SharedArrayBuffer(4 * maxRows * model.inputSize),
        y: new SharedArrayBuffer(4 * maxRows),
        grads: model.params().map((p) => new SharedArrayBuffer(p.byteLength)),
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
    return new GradientPool(model, slots, control, stats);
  }

  get threads(): number {
    return this.slots.length + 1;
  }

  lossAndGradients(x: Float32Array, labels: ArrayLike<number>, batch: number): GradientResult {
    const f = this.model.inputSize;
    const parts = this.slots.length + 1;
    const per = Math.ceil(batch / parts);
    const capacity = this.slots[0]?.y.length ?? Number.POSITIVE_INFINITY;
    if (per > capacity) {
      throw new ArgumentError(
        'GradientPool',
        `a batch of ${batch} needs ${per} rows per thread, but the pool holds ${capacity} (start it with a larger maxRows)`,
      );
    }
    const seq = ++this.seq;
    // Hand each worker its rows: parts 1.. go to workers, part 0 stays here.
    this.slots.forEach((slot, w) => {
      const from = Math.min(batch, (w + 1) * per);
      const rows = Math.min(batch, from + per) - from;
      slot.x.set(x.subarray(from * f, (from + rows) * f));
      for (let r = 0; r < rows; r++) slot.y[r] = labels[from + r];
      const c = w * CONTROL_WORDS;
      Atomics.store(this.control, c + ROWS, rows);
      Atomics.store(this.control, c + SEQ, seq);
      Atomics.notify(this.control, c + SEQ);
    });
    const mine = Math.min(per, batch);
    const own = this.model.lossAndGradients(x, labels, mine);
    // Combine: the batch mean is Σ rows_i · mean_i / batch.
    let loss = own.loss * mine;
    let correct = own.correct;
    this.combined.forEach((g, k) => {
      const src = own.grads[k];
      const w = mine / batch;
      for (let i = 0; i < g.length; i++) g[i] = src[i] * w;
    });
    this.slots.forEach((slot, w) => {
      const c = w * CONTROL_WORDS;
      while (Atomics.load(this.control, c + DONE) !== seq)
        Atomics.wait(this.control, c + DONE, Atomics.load(this.control, c + DONE), 1000);
      const rows = Atomics.load(this.control, c + ROWS);
      if (rows === 0) return;
      loss += this.stats[2 * w] * rows;
      correct += this.stats[2 * w + 1];
      const weight = rows / batch;
      this.combined.forEach((g, k) => {
        const src = slot.grads[k];
        for (let i = 0; i < g.length; i++) g[i] = g[i] + src[i] * weight;
      });
    });
    return { loss: loss / batch, correct, grads: this.combined };
  }

  async close(): Promise<void> {
    this.slots.forEach((_, w) => {
      Atomics.store(this.control, w * CONTROL_WORDS + SEQ, -1);
      Atomics.notify(this.control, w * CONTROL_WORDS + SEQ);
    });
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
