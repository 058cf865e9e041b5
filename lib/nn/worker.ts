/**
 * A GradientPool worker: computes its part of every batch on the shared weights and, in a
 * training step, combines every thread's gradients over its part of the parameters and
 * updates that part with its own optimizer (see parallel.ts).
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { matmulKernels, plainKernels } from '../kernels/simd/index.ts';
import { updatePart } from './combine.ts';
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
  waitFor,
} from './control.ts';
import { MLP } from './mlp.ts';
import { type Optimizer, type OptimizerSpec, optimizerFromSpec } from './optimizers.ts';
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
// the gradients are computed straight into the shared buffers the other threads read
model.adoptGradients(init.grads.map((b) => new Float32Array(b)));
const allGrads = init.allGrads.map((buffers) => buffers.map((b) => new Float32Array(b)));
const weights = new Float64Array(init.weights);
const combined = model.params().map((p) => new Float32Array(p.length));
const part = { index: init.index + 1, count: allGrads.length };
const base = init.index * CONTROL_WORDS;
let optimizer: Optimizer | undefined;

function signal(at: number, seq: number) {
  Atomics.store(control, base + at, seq);
  Atomics.notify(control, base + at);
}

parentPort?.postMessage('ready');
let last = 0;
for (;;) {
  Atomics.wait(control, base + SEQ, last);
  const seq = Atomics.load(control, base + SEQ);
  if (seq === -1) break;
  if (seq === last) continue;
  const rows = Atomics.load(control, base + ROWS);
  if (rows > 0) {
    const result = model.lossAndGradients(x, y, rows);
    stats[2 * init.index] = result.loss;
    stats[2 * init.index + 1] = result.correct;
  }
  last = seq;
  signal(GRADS, seq);
  const mode = Atomics.load(control, base + MODE);
  if (mode !== GRADIENTS_ONLY) {
    if (mode === NEW_OPTIMIZER && parentPort)
      optimizer = optimizerFromSpec(receiveMessageOnPort(parentPort)?.message as OptimizerSpec);
    waitFor(control, base + ALL_GRADS, seq);
    if (optimizer) updatePart(optimizer, model.params(), combined, allGrads, weights, part);
  }
  signal(DONE, seq);
}
