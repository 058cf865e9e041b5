/**
 * The lead's profile of lib/nn's training step (issue 18): an epoch over the first `rows` MNIST
 * images (default 12,800: 100 steps of 128), three times, on `threads` threads (1: the model
 * alone; 2: a GradientPool with one worker, as `npm run mnist` runs on 2 cores). Prints ms per
 * step, the epoch (469 steps) it implies, and the CPU time of all threads per step: a measure of
 * the work that a busy machine disturbs less than the wall time. Run it under `node --cpu-prof`
 * to see where the main thread's time goes.
 *
 *   node --import ./scripts/register.mjs scripts/bench/step.ts [threads] [rows]
 */
import { CLASSES, imagesToArray, loadMnist, PIXELS } from '../../lib/mnist-data.ts';
import { fit, GradientPool, MLP, makeOptimizer } from '../../lib/nn/index.ts';
import { WORKER_LOADER } from '../lib/mnist-train.ts';

const mnist = loadMnist();
const x = imagesToArray(mnist.train).data as Float32Array;
const n = Math.min(Number(process.argv[3] ?? 12800), mnist.train.count);
const train = { x: x.subarray(0, n * PIXELS), y: mnist.train.labels.subarray(0, n), count: n, features: PIXELS };
const model = new MLP(
  PIXELS,
  [
    { units: 512, activation: 'relu' },
    { units: CLASSES, activation: 'softmax' },
  ],
  {
    seed: 42,
  },
);
const threads = Number(process.argv[2] ?? 1);
const pool =
  threads > 1
    ? await GradientPool.start(model, { workers: threads - 1, maxRows: 64, loader: WORKER_LOADER })
    : undefined;
const opt = makeOptimizer('rmsprop', 1e-3);
const steps = Math.ceil(n / 128);
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  fit(model, opt, train, { epochs: 1, batchSize: 128, seed: r, gradients: pool });
  const ms = (performance.now() - t0) / steps;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
  console.log(
    `threads ${threads}: ${ms.toFixed(2)} ms/step → epoch ${((ms * 469) / 1000).toFixed(2)} s; CPU ${cpuMs.toFixed(2)} ms/step`,
  );
}
await pool?.close();
