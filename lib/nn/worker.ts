/** A GradientPool worker: computes its part of every batch on the shared weights. */
import { parentPort, workerData } from 'node:worker_threads';
import { matmulKernels, plainKernels } from '../kernels/simd/index.ts';
import { CONTROL_WORDS, DONE, ROWS, SEQ } from './control.ts';
import { MLP } from './mlp.ts';
import type { WorkerInit } from './parallel.ts';

const init = workerData as WorkerInit;
const model = new MLP(init.inputSize, init.specs, { kernels: init.simd ? matmulKernels() : plainKernels });
// The main thread owns the weights: take the shared arrays as they are, without copying.
model.adoptParams(
  init.params.map((b) => new Float32Array(b)),
  false,
);
const control = new Int32Array(init.control);
const stats = new Float64Array(init.stats);
const x = new Float32Array(init.x);
const y = new Int32Array(init.y);
const grads = init.grads.map((b) => new Float32Array(b));
const base = init.index * CONTROL_WORDS;
const [seqAt, rowsAt, doneAt] = [base + SEQ, base + ROWS, base + DONE];

parentPort?.postMessage('ready');
let last = 0;
for (;;) {
  Atomics.wait(control, seqAt, last);
  const seq = Atomics.load(control, seqAt);
  if (seq === -1) break;
  if (seq === last) continue;
  const rows = Atomics.load(control, rowsAt);
  if (rows > 0) {
    const result = model.lossAndGradients(x, y, rows);
    result.grads.forEach((g, k) => {
      grads[k].set(g);
    });
    stats[2 * init.index] = result.loss;
    stats[2 * init.index + 1] = result.correct;
  }
  last = seq;
  Atomics.store(control, doneAt, seq);
  Atomics.notify(control, doneAt);
}
