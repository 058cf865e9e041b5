/**
 * `npm run bench -- --only mnist`: MNIST epochs from scratch (lib/nn, as `npm run mnist` runs
 * it: the SIMD kernels where the runtime has them) against TensorFlow.js' model.fit on the same
 * model, side by side in one run, with one epoch on lib/nn's plain kernels for comparison.
 */
import { type MatmulKernels, plainKernels } from '../../lib/kernels/simd/index.ts';
import { CLASSES, imagesToArray, loadMnist, PIXELS } from '../../lib/mnist-data.ts';
import { type Dataset, defaultWorkers, evaluate, fit, GradientPool, MLP, makeOptimizer } from '../../lib/nn/index.ts';
import { shippedMatMul, type Tf, transposeBeforeMatMul } from '../../lib/oracle.ts';
import { evaluateKeras, kerasMlp, WORKER_LOADER } from '../lib/mnist-train.ts';
import { tfBackends } from './matmul.ts';
import { type Bench, fmt, stat, table } from './report.ts';

export async function benchMnist(bench: Bench): Promise<void> {
  const { epochs } = bench;
  const mnist = loadMnist();
  const x = imagesToArray(mnist.train).data as Float32Array;
  const xt = imagesToArray(mnist.test).data as Float32Array;
  const train = { x, y: mnist.train.labels, count: mnist.train.count, features: PIXELS };
  const test = { x: xt, y: mnist.test.labels, count: mnist.test.count, features: PIXELS };

  // From scratch: lib/nn, epochs of 469 steps of 128, as `npm run mnist` runs them: the main
  // thread plus one worker per further core.
  const workers = defaultWorkers();
  const scratchRun = await scratchEpochs(train, epochs);
  const scratchAcc = evaluate(scratchRun.model, test).accuracy;
  const kernel = scratchRun.model.kernels.simd ? 'simd' : 'plain';
  // The plain kernels, for comparison: one epoch is enough to compare speeds.
  const plainRun = await scratchEpochs(train, 1, plainKernels);

  // TensorFlow.js layers on the best backend available, as TF.js ships (the yardstick),
  // and on wasm also with the oracle's workaround for its slow transposed products, for comparison.
  const { tf, names } = await tfBackends();
  const best = names[0];
  await tf.setBackend(best);
  const shipped = best === 'wasm' && shippedMatMul(tf);
  const { seconds: tfEpochs, accuracy: tfAcc } = await kerasEpochs(tf, train, test, epochs);
  const workaround = shipped && transposeBeforeMatMul(tf) ? await kerasEpochs(tf, train, test, 1) : undefined;

  const scratch = stat(scratchRun.seconds);
  const plain = stat(plainRun.seconds);
  const tfs = stat(tfEpochs);
  const ratio = scratch.median / tfs.median;
  bench.results.mnist = {
    epochs,
    epochSeconds: { scratch, tfjs: tfs },
    threads: workers + 1,
    kernel,
    plainEpochSeconds: plain,
    backend: best,
    ...(workaround ? { tfjsWorkaroundEpochSeconds: workaround.seconds[0] } : {}),
    ratio,
    testAccuracy: { scratch: scratchAcc, tfjs: tfAcc },
  };
  const n = epochs === 1 ? 'One MNIST epoch' : `${epochs} MNIST epochs`;
  table(
    `${n} each way, 784-512-10, rmsprop 1e-3, batch 128 (60,000 images, 469 steps an epoch)`,
    ['engine', 's/epoch', 'min', 'max', `test accuracy after ${epochs}`],
    [
      [
        `scratch (lib/nn, ${kernel} kernels, ${workers + 1} threads)`,
        fmt(scratch.median, 1),
        fmt(scratch.min, 1),
        fmt(scratch.max, 1),
        `${fmt(scratchAcc * 100)}%`,
      ],
      [`scratch (lib/nn, plain kernels, 1 epoch)`, fmt(plain.median, 1), fmt(plain.min, 1), fmt(plain.max, 1), ''],
      [
        `tfjs model.fit (${best}, as it ships)`,
        fmt(tfs.median, 1),
        fmt(tfs.min, 1),
        fmt(tfs.max, 1),
        `${fmt(tfAcc * 100)}%`,
      ],
      ...(workaround
        ? [
            [
              'tfjs model.fit (wasm, transposed products made plain, as the oracle runs it; 1 epoch)',
              fmt(workaround.seconds[0] as number, 1),
              '',
              '',
              '',
            ],
          ]
        : []),
      ['ratio scratch / tfjs as it ships', `${fmt(ratio, 3)}×`, '', '', ''],
    ],
  );
  bench.targets.push({
    name: `scratch epoch ≤ 0.05× TF.js ${best} model.fit`,
    met: ratio <= 0.05,
    detail: `${fmt(ratio, 3)}× (${fmt(scratch.median, 2)} s against ${fmt(tfs.median, 1)} s)`,
  });
  if (epochs >= 5) {
    bench.targets.push({
      name: `scratch test accuracy after ${epochs} epochs ≥ 98.0%`,
      met: scratchAcc >= 0.98,
      detail: `${fmt(scratchAcc * 100)}% (TF.js ${fmt(tfAcc * 100)}%)`,
    });
  } else {
    console.log('  (the accuracy target is for 5 epochs: npm run bench -- --only mnist --epochs 5)');
  }
}

/** `epochs` epochs of lib/nn on `train` from seed 42, each timed; the model trained. */
async function scratchEpochs(train: Dataset, epochs: number, kernels?: MatmulKernels) {
  const model = new MLP(
    PIXELS,
    [
      { units: 512, activation: 'relu' },
      { units: CLASSES, activation: 'softmax' },
    ],
    { seed: 42, kernels },
  );
  const workers = defaultWorkers();
  const pool =
    workers > 0
      ? await GradientPool.start(model, { workers, maxRows: Math.ceil(128 / (workers + 1)), loader: WORKER_LOADER })
      : undefined;
  const optimizer = makeOptimizer('rmsprop', 1e-3);
  const seconds: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    fit(model, optimizer, train, { epochs: 1, batchSize: 128, seed: 42 + e, gradients: pool });
    seconds.push((performance.now() - t0) / 1000);
  }
  await pool?.close();
  return { model, seconds };
}

/** `epochs` epochs of TF.js' model.fit from seed 42, each timed, and the test accuracy after them. */
async function kerasEpochs(tf: Tf, train: Dataset, test: Dataset, epochs: number) {
  const keras = kerasMlp(tf, 512, 42);
  keras.compile({ optimizer: tf.train.rmsprop(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tensor2d(train.x, [train.count, PIXELS]);
  const ys = tf.tensor1d(Float32Array.from(train.y));
  const seconds: number[] = [];
  let t1 = 0;
  await keras.fit(xs, ys, {
    epochs,
    batchSize: 128,
    shuffle: true,
    verbose: 0,
    yieldEvery: 'never',
    callbacks: {
      onEpochBegin: async () => {
        t1 = performance.now();
      },
      onEpochEnd: async () => {
        seconds.push((performance.now() - t1) / 1000);
      },
    },
  });
  const accuracy = evaluateKeras(tf, keras, test).accuracy;
  tf.dispose([xs, ys]);
  keras.dispose();
  return { seconds, accuracy };
}
