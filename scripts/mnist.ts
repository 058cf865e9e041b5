/**
 * `npm run mnist`: the chapter's network, 784-512-10 (relu, softmax), trained on all 60,000
 * MNIST images and tested on the 10,000 test images — from scratch (lib/nn) or with
 * TensorFlow.js layers (`--engine tfjs`, the oracle's backend).
 *
 * Prints a Keras-style progress line per epoch, the test accuracy and the train/test gap,
 * the loss and accuracy curves, and misclassified test digits; writes the History as JSON
 * and the curves as SVG. Ctrl-C stops after the current step and still saves what it has.
 *
 * Usage: npm run mnist -- [options]
 *   --epochs N          epochs (default 5)
 *   --batch-size N      samples per step (default 128)
 *   --optimizer NAME    sgd | momentum | rmsprop | adam (default rmsprop)
 *   --lr X              learning rate (default: the optimizer's Keras default, 1e-3 for rmsprop)
 *   --hidden N          units of the hidden layer (default 512)
 *   --train-size N      train on the first N images after a seeded shuffle (default 60000)
 *   --raw               feed raw 0–255 pixels instead of scaling to [0, 1]
 *   --engine NAME       scratch (lib/nn, default) | tfjs (TensorFlow.js layers)
 *   --workers N         extra threads for the scratch engine (default: one per core beyond the first)
 *   --seed N            seed of the initial weights and the shuffles (default 42)
 *   --log-every N       one point of the training curve per N steps (default: about 250 points in all)
 *   --out DIR           where history.json and curves.svg go (default reports/mnist)
 *   --help
 */
import path from 'node:path';
import { plural } from '../lib/format.ts';
import { PIXELS } from '../lib/mnist-data.ts';
import { defaultWorkers, OPTIMIZERS } from '../lib/nn/index.ts';
import { commandArgs, helpText } from './lib/args.ts';
import { ROOT } from './lib/exercises.ts';
import { writeFileAtomic } from './lib/files.ts';
import { loadData, runScratch, runTfjs, startScratch } from './lib/mnist-train.ts';
import { asciiChart, drawDigits } from './lib/terminal-pictures.ts';
import { trainingCurvesSvg } from './lib/training-chart.ts';
import { coarsen } from './lib/training-log.ts';

const USAGE = helpText(import.meta.url);

function fail(message: string): never {
  console.error(`npm run mnist: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseOptions() {
  const { values } = commandArgs(
    import.meta.url,
    process.argv.slice(2),
    {
      epochs: { type: 'string', default: '5' },
      'batch-size': { type: 'string', default: '128' },
      optimizer: { type: 'string', default: 'rmsprop' },
      lr: { type: 'string' },
      hidden: { type: 'string', default: '512' },
      'train-size': { type: 'string', default: '60000' },
      raw: { type: 'boolean', default: false },
      engine: { type: 'string', default: 'scratch' },
      workers: { type: 'string', default: String(defaultWorkers()) },
      seed: { type: 'string', default: '42' },
      'log-every': { type: 'string' },
      out: { type: 'string', default: path.join(ROOT, 'reports', 'mnist') },
    },
    false,
    (command, error) => `${command}: ${error.message}\n\n${USAGE}`,
  );
  const int = (flag: keyof typeof values, min: number, max: number) => {
    const v = Number(values[flag]);
    if (!Number.isInteger(v) || v < min || v > max)
      fail(`--${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(values[flag])}`);
    return v;
  };
  const lr = values.lr === undefined ? undefined : Number(values.lr);
  if (lr !== undefined && !(lr > 0 && Number.isFinite(lr)))
    fail(`--lr must be a positive number, got ${JSON.stringify(values.lr)}`);
  const optimizer = String(values.optimizer);
  if (!(OPTIMIZERS as readonly string[]).includes(optimizer))
    fail(`--optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${JSON.stringify(optimizer)}`);
  const engine = String(values.engine);
  if (engine !== 'scratch' && engine !== 'tfjs')
    fail(`--engine must be scratch or tfjs, got ${JSON.stringify(engine)}`);
  return {
    epochs: int('epochs', 1, 1000),
    batchSize: int('batch-size', 1, 60000),
    optimizer,
    lr,
    hidden: int('hidden', 1, 4096),
    trainSize: int('train-size', 1, 60000),
    raw: Boolean(values.raw),
    engine: engine as 'scratch' | 'tfjs',
    workers: int('workers', 0, 64),
    seed: int('seed', 0, 2 ** 31 - 1),
    logEvery: values['log-every'] === undefined ? undefined : int('log-every', 1, 1_000_000),
    out: path.resolve(String(values.out)),
  };
}

async function main() {
  const o = parseOptions();
  let stopRequested = false;
  process.on('SIGINT', () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    process.stdout.write('\nStopping after this step (Ctrl-C again to quit at once)…\n');
  });

  const t0 = performance.now();
  const engine = o.engine === 'scratch' ? startScratch(o) : undefined;
  const data = loadData(o);
  console.log(
    `MNIST: ${plural(data.train.count, 'training image')}, ${plural(data.test.count, 'test image')} (${o.raw ? 'raw 0–255' : 'scaled to [0, 1]'}), loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  console.log(
    `Model: 784 → Dense(${o.hidden}, relu) → Dense(10, softmax); ${o.optimizer}${o.lr ? ` lr ${o.lr}` : ''}, batch ${o.batchSize}, ${plural(o.epochs, 'epoch')}, seed ${o.seed}, engine ${o.engine}${o.engine === 'scratch' ? ` (${plural(o.workers + 1, 'thread')})` : ''}\n`,
  );
  const stop = () => stopRequested;
  const result = await (engine ? runScratch(o, data, stop, engine) : runTfjs(o, data, stop));

  const { test, train } = result;
  console.log(`\n${result.stopped ? 'Stopped early. ' : ''}Parameters: ${result.params.toLocaleString('en-US')}`);
  console.log(`Test accuracy:  ${(test.accuracy * 100).toFixed(2)}%  (loss ${test.loss.toFixed(4)})`);
  console.log(`Train accuracy: ${(train.accuracy * 100).toFixed(2)}%  (loss ${train.loss.toFixed(4)})`);
  // The thresholds of exercise 11: under 90% on its own training data a model underfits;
  // a gap of more than 5 points is overfitting.
  const gap = train.accuracy - test.accuracy;
  const diagnosis =
    train.accuracy < 0.9
      ? 'underfitting: the model does not even fit its training data'
      : gap > 0.05
        ? 'overfitting: much better on the data it was trained on than on new data'
        : gap > 0
          ? 'a good fit, a little better on its training data, as expected'
          : 'a good fit';
  console.log(`Train − test gap: ${(gap * 100).toFixed(2)} points (${diagnosis})`);
  const epochTimes = result.history.map((h) => `${h.seconds.toFixed(1)} s`).join(', ');
  console.log(`${result.history.length === 1 ? 'Epoch time' : 'Epoch times'}: ${epochTimes}`);

  // The training curve step by step, in as many columns as the chart has (60).
  const curve = coarsen(result.log.points, 60);
  if (curve.length > 1) {
    const xEnds: [string, string] = ['epoch 0', `epoch ${+(curve.at(-1)?.epoch ?? 0).toFixed(2)}`];
    for (const [key, name, mark] of [
      ['loss', 'loss', '*'],
      ['accuracy', 'accuracy', 'o'],
    ] as const) {
      const values = curve.map((p) => p[key]);
      console.log(
        `\n${asciiChart([{ name: `train ${name}`, values, mark }], { title: `Training ${name}`, height: 8, xEnds })}`,
      );
    }
  }

  // As many 30-column digits as fit the terminal (80 columns when it is not one).
  const shown = Math.max(2, Math.min(6, Math.floor((process.stdout.columns ?? 80) / 30)));
  const wrong: number[] = [];
  for (let i = 0; i < data.test.count && wrong.length < shown; i++)
    if (test.predictions[i] !== data.test.y[i]) wrong.push(i);
  if (wrong.length > 0) {
    console.log('\nSome misclassified test digits:');
    console.log(
      drawDigits(
        wrong.map((i) => ({
          pixels: data.testImages.subarray(i * PIXELS, (i + 1) * PIXELS),
          caption: ` #${i}: true ${data.test.y[i]}, predicted ${test.predictions[i]}`,
        })),
      ),
    );
  }

  const report = {
    options: { ...o, out: undefined },
    engine: o.engine,
    stopped: result.stopped,
    params: result.params,
    stepsPerEpoch: result.log.stepsPerEpoch,
    logEvery: result.log.every,
    history: result.history,
    steps: result.log.points,
    test: { loss: test.loss, accuracy: test.accuracy },
    train: { loss: train.loss, accuracy: train.accuracy },
  };
  const historyFile = path.join(o.out, 'history.json');
  const curvesFile = path.join(o.out, 'curves.svg');
  writeFileAtomic(historyFile, `${JSON.stringify(report, null, 2)}\n`);
  if (result.history.length > 0) {
    const title = `MNIST 784-${o.hidden}-10, ${o.optimizer}, ${o.engine}, ${plural(o.epochs, 'epoch')}`;
    const { log, testPoints } = result;
    writeFileAtomic(
      curvesFile,
      trainingCurvesSvg({
        title,
        steps: log.points,
        test: testPoints,
        every: log.every,
        stepsPerEpoch: log.stepsPerEpoch,
      }),
    );
  }
  console.log(
    `\nWrote ${path.relative(process.cwd(), historyFile)}${result.history.length > 0 ? ` and ${path.relative(process.cwd(), curvesFile)}` : ''}`,
  );
}

await main();
