/**
 * The two engines of `npm run mnist` (scripts/mnist.ts): lib/nn from scratch and TensorFlow.js
 * layers, trained the same way and logged the same way — Keras' per-epoch History, the test
 * set's result at each epoch's end, and the training curve every few steps (scripts/lib/training-log.ts).
 */
import { argmaxRows, crossEntropySum } from '../../lib/kernels/index.ts';
import { CLASSES, imagesToArray, loadMnist, PIXELS, subset } from '../../lib/mnist-data.ts';
import {
  type EpochLogs,
  type Evaluation,
  evaluate,
  fit,
  GradientPool,
  MLP,
  makeOptimizer,
} from '../../lib/nn/index.ts';
import { loadOracle, type Tf } from '../../lib/oracle.ts';
import { createRng } from '../../lib/rng.ts';
import { kerasProgress } from './terminal-pictures.ts';
import { type EpochPoint, logInterval, StepRecorder } from './training-log.ts';

/** What a run needs of `npm run mnist`'s options. */
export interface TrainOptions {
  epochs: number;
  batchSize: number;
  optimizer: string;
  lr: number | undefined;
  hidden: number;
  trainSize: number;
  raw: boolean;
  engine: 'scratch' | 'tfjs';
  workers: number;
  seed: number;
  logEvery: number | undefined;
}

/** Keras' per-epoch logs, with the test set's loss and accuracy where the epoch ended. */
export type EpochRecord = EpochLogs & { test_loss: number; test_accuracy: number };

export interface RunResult {
  history: EpochRecord[];
  /** the training curve, a point per `log.every` steps, and the test points, one per epoch */
  log: StepRecorder;
  testPoints: EpochPoint[];
  stopped: boolean;
  test: { loss: number; accuracy: number; predictions: Uint8Array };
  train: { loss: number; accuracy: number };
  params: number;
}

const write = (s: string) => process.stdout.write(s);
const tty = process.stdout.isTTY === true;

/** Draws the progress line: redrawn in place on a terminal, once per epoch otherwise. */
function progressPrinter() {
  let started = 0;
  let last = 0;
  return {
    start() {
      started = performance.now();
      last = 0;
    },
    step(step: number, steps: number, loss: number, accuracy: number) {
      const now = performance.now();
      if (step < steps && (!tty || now - last < 100)) return;
      last = now;
      const line = kerasProgress(step, steps, (now - started) / 1000, { loss, accuracy });
      write(tty ? `\r${line}` : `${line}\n`);
      if (tty && step === steps) write('\n');
    },
  };
}

export interface ScratchEngine {
  model: MLP;
  pool: GradientPool | undefined;
}

/**
 * The model and its worker threads. Started before MNIST loads: the workers start up (Node 20
 * transpiles their TypeScript, about a second) while the main thread reads the files.
 */
export async function startScratch(o: TrainOptions): Promise<ScratchEngine> {
  const model = new MLP(
    PIXELS,
    [
      { units: o.hidden, activation: 'relu' },
      { units: CLASSES, activation: 'softmax' },
    ],
    { seed: o.seed },
  );
  const pool =
    o.workers > 0
      ? await GradientPool.start(model, {
          workers: o.workers,
          maxRows: Math.ceil(o.batchSize / (o.workers + 1)),
          loader: WORKER_LOADER,
        })
      : undefined;
  return { model, pool };
}

export async function runScratch(
  o: TrainOptions,
  data: Data,
  stop: () => boolean,
  engine: Promise<ScratchEngine> = startScratch(o),
): Promise<RunResult> {
  const { model, pool } = await engine;
  if (pool) console.log(`engine: lib/nn on ${pool.threads} threads`);
  const progress = progressPrinter();
  const log = stepRecorder(o, data.train.count);
  const records: EpochRecord[] = [];
  const testPoints: EpochPoint[] = [];
  let test: Evaluation | undefined;
  const history = fit(model, makeOptimizer(o.optimizer, o.lr), data.train, {
    gradients: pool,
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    onEpochStart: (e, n) => {
      console.log(`Epoch ${e}/${n}`);
      progress.start();
    },
    onStep: (s, n, loss, acc, batch) => {
      progress.step(s, n, loss, acc);
      log.add(batch);
    },
    onEpochEnd: (logs) => {
      test = evaluate(model, data.test);
      records.push(testPoint(logs, test, log, testPoints));
    },
    shouldStop: stop,
  });
  await pool?.close();
  const train = evaluate(model, data.train);
  return {
    history: records,
    log,
    testPoints,
    stopped: history.stopped,
    test: test ?? evaluate(model, data.test),
    train,
    params: model.paramCount(),
  };
}

export async function runTfjs(o: TrainOptions, data: Data, stop: () => boolean): Promise<RunResult> {
  const { tf, description } = await loadOracle();
  console.log(`engine: ${description}`);
  const model = kerasMlp(tf, o.hidden, o.seed);
  const lr = o.lr ?? (o.optimizer === 'sgd' || o.optimizer === 'momentum' ? 0.01 : 0.001);
  const optimizer =
    o.optimizer === 'rmsprop'
      ? tf.train.rmsprop(lr)
      : o.optimizer === 'adam'
        ? tf.train.adam(lr)
        : o.optimizer === 'momentum'
          ? tf.train.momentum(lr, 0.9)
          : tf.train.sgd(lr);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const evalOn = (set: Data['test']) => evaluateKeras(tf, model, set);
  const xs = tf.tensor2d(data.train.x, [data.train.count, PIXELS]);
  const ys = tf.tensor1d(Float32Array.from(data.train.y as ArrayLike<number>));
  const steps = Math.ceil(data.train.count / o.batchSize);
  const progress = progressPrinter();
  const log = stepRecorder(o, data.train.count);
  const history: EpochRecord[] = [];
  const testPoints: EpochPoint[] = [];
  let test: ReturnType<typeof evalOn> | undefined;
  let stopped = false;
  let epochStart = 0;
  let seen = { loss: 0, acc: 0, n: 0 };
  await model.fit(xs, ys, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    shuffle: true,
    verbose: 0,
    yieldEvery: 'never',
    callbacks: {
      onEpochBegin: async (epoch) => {
        console.log(`Epoch ${epoch + 1}/${o.epochs}`);
        progress.start();
        epochStart = performance.now();
        seen = { loss: 0, acc: 0, n: 0 };
      },
      onBatchEnd: async (batch, logs) => {
        // NOTE: TF.js logs each batch's own loss and accuracy here; Keras' bar shows the epoch's running mean.
        const own = { loss: logs?.loss ?? Number.NaN, accuracy: logs?.acc ?? logs?.accuracy ?? Number.NaN };
        log.add({ ...own, size: logs?.size ?? o.batchSize });
        seen.loss += own.loss;
        seen.acc += own.accuracy;
        seen.n++;
        progress.step(batch + 1, steps, seen.loss / seen.n, seen.acc / seen.n);
        if (stop()) {
          stopped = true;
          model.stopTraining = true;
        }
      },
      onEpochEnd: async (epoch, logs) => {
        const seconds = (performance.now() - epochStart) / 1000;
        test = evalOn(data.test);
        const epochLogs = {
          epoch: epoch + 1,
          loss: logs?.loss ?? Number.NaN,
          accuracy: logs?.acc ?? logs?.accuracy ?? Number.NaN,
          seconds,
        };
        history.push(testPoint(epochLogs, test, log, testPoints));
      },
    },
  });
  const train = evalOn(data.train);
  const params = model.countParams();
  tf.dispose([xs, ys]);
  model.dispose();
  return { history, log, testPoints, stopped, test: test ?? evalOn(data.test), train, params };
}

/** The TS loader for the GradientPool's worker threads (they do not inherit this process's). */
export const WORKER_LOADER = new URL('../register.mjs', import.meta.url);

/**
 * The chapter's network in TensorFlow.js layers, 784 → Dense(hidden, relu) → Dense(10,
 * softmax), Glorot-uniform kernels seeded `seed` and `seed + 1`: one builder for
 * `npm run mnist -- --engine tfjs` and the bench's peer, so the two measure the same model.
 */
/**
 * A Keras model's mean loss, accuracy and predictions on a split, with lib/kernels' loss and
 * argmax (the same routines as the scratch engine's evaluation).
 */
export function evaluateKeras(tf: Tf, model: ReturnType<typeof kerasMlp>, set: Data['test']) {
  const x = tf.tensor2d(set.x, [set.count, PIXELS]);
  // NOTE: predict's default batch of 32 makes 1,875 calls for the training set; 1,000 is far faster.
  const probs = model.predict(x, { batchSize: 1000 }) as import('@tensorflow/tfjs').Tensor;
  const p = probs.dataSync() as Float32Array;
  const predictions = new Uint8Array(set.count);
  const correct = argmaxRows(predictions, p, set.y, set.count, CLASSES);
  const loss = crossEntropySum(p, set.y, set.count, CLASSES);
  tf.dispose([x, probs]);
  return { loss: loss / set.count, accuracy: correct / set.count, predictions };
}

export function kerasMlp(tf: Tf, hidden: number, seed: number) {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [PIXELS],
        units: hidden,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.dense({
        units: CLASSES,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });
}

export interface Data {
  train: { x: Float32Array; y: ArrayLike<number>; count: number; features: number };
  test: { x: Float32Array; y: ArrayLike<number>; count: number; features: number };
  testImages: Uint8Array;
}

export function loadData(o: TrainOptions): Data {
  const mnist = loadMnist();
  const order =
    o.trainSize < mnist.train.count
      ? createRng(o.seed).permutation(mnist.train.count).slice(0, o.trainSize)
      : o.trainSize;
  const train = subset(mnist.train, order);
  const scale = !o.raw;
  return {
    train: {
      x: imagesToArray(train, { scale }).data as Float32Array,
      y: train.labels,
      count: train.count,
      features: PIXELS,
    },
    test: {
      x: imagesToArray(mnist.test, { scale }).data as Float32Array,
      y: mnist.test.labels,
      count: mnist.test.count,
      features: PIXELS,
    },
    testImages: mnist.test.images,
  };
}

/** The training curve's recorder: windows of `--log-every` steps, or about 250 points over the run. */
function stepRecorder(o: TrainOptions, trainCount: number): StepRecorder {
  const stepsPerEpoch = Math.ceil(trainCount / o.batchSize);
  return new StepRecorder(stepsPerEpoch, o.logEvery ?? logInterval(o.epochs * stepsPerEpoch));
}

/** Closes the epoch's last window and notes the test set's result where it ended (mid-epoch after Ctrl-C). */
function testPoint(
  logs: EpochLogs,
  test: { loss: number; accuracy: number },
  log: StepRecorder,
  points: EpochPoint[],
): EpochRecord {
  log.flush();
  points.push({ epoch: log.points.at(-1)?.epoch ?? 0, loss: test.loss, accuracy: test.accuracy });
  return { ...logs, test_loss: test.loss, test_accuracy: test.accuracy };
}
