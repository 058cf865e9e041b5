/**
 * `npm run bench`: speed, side by side in one run of the machine, printed as a table and
 * written as JSON (reports/bench.json). Figures are medians of several runs with min and
 * max; the targets of the performance issue are marked met or not. Tests never assert times.
 *
 *   npm run bench                         everything, about 7 minutes on 2 cores
 *   npm run bench -- --only matmul,specs  some sections: matmul | mnist | specs | npm-test
 *   npm run bench -- --skip npm-test      all but some
 *   npm run bench -- --runs 7             repetitions of the short benchmarks (default 5)
 *   npm run bench -- --epochs 5           MNIST epochs each way (default 1; 5 checks the
 *                                         accuracy target, about 7 minutes more)
 *   npm run bench -- --out FILE           where the JSON goes (default reports/bench.json)
 */
import { spawnSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLASSES, imagesToArray, loadMnist, PIXELS } from '../lib/mnist-data.ts';
import { defaultWorkers, evaluate, fit, GradientPool, MLP, makeOptimizer, matmulInto } from '../lib/nn/index.ts';
import { loadOracle, type Tf } from '../lib/oracle.ts';
import { createRng } from '../lib/rng.ts';
import { helpText } from './lib/args.ts';
import { findExercise, listExercises, ROOT } from './lib/exercises.ts';
import { writeFileAtomic } from './lib/files.ts';
import { BIN } from './lib/proc.ts';
import { formatTable } from './lib/table.ts';
import type { ExerciseResult } from './runner/spec-results.ts';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(helpText(import.meta.url));
  process.exit(0);
}
let parsed: ReturnType<typeof parseOptions>;
try {
  parsed = parseOptions();
} catch (e) {
  console.error(`npm run bench: ${(e as Error).message} (npm run bench -- --help lists them)`);
  process.exit(2);
}
const { values: args } = parsed;
function parseOptions() {
  return parseArgs({
    options: {
      only: { type: 'string' },
      skip: { type: 'string' },
      runs: { type: 'string', default: '5' },
      epochs: { type: 'string', default: '1' },
      out: { type: 'string', default: path.join(ROOT, 'reports', 'bench.json') },
    },
    strict: true,
  });
}
function positive(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`npm run bench: --${flag} must be a positive integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}
const RUNS = positive('runs', args.runs);
const EPOCHS = positive('epochs', args.epochs);
const SECTIONS = ['matmul', 'mnist', 'specs', 'npm-test'];
function sectionList(flag: string, raw: string | undefined): string[] {
  const list = (raw ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  for (const x of list) {
    if (!SECTIONS.includes(x)) {
      console.error(`npm run bench: --${flag} takes sections out of ${SECTIONS.join(', ')}; got ${JSON.stringify(x)}`);
      process.exit(2);
    }
  }
  return list;
}
const only = sectionList('only', args.only);
const skip = sectionList('skip', args.skip);
const sections = new Set((only.length > 0 ? only : SECTIONS).filter((x) => !skip.includes(x)));

interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number;
}
function stat(samples: number[]): Stat {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s.at(-1) as number, runs: s.length };
}
/** Times `fn` (ms) `runs` times after one warm-up. */
function timeMs(fn: () => void, runs = RUNS): Stat {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return stat(samples);
}
const fmt = (v: number, digits = 2) => v.toFixed(digits);
const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, runs: RUNS };
const targets: { name: string; met: boolean; detail: string }[] = [];

function table(title: string, header: string[], rows: string[][]): void {
  console.log(`\n${title}\n${formatTable(header, rows)}`);
}

/** The TensorFlow.js backends that load here, each with its own tf instance state. */
async function tfBackends(): Promise<{ tf: Tf; names: string[] }> {
  const { tf } = await loadOracle();
  const names: string[] = [];
  for (const name of ['tensorflow', 'wasm', 'cpu']) {
    try {
      if (await tf.setBackend(name)) names.push(name);
    } catch {
      // not available here
    }
  }
  return { tf, names };
}

async function benchMatmul(): Promise<void> {
  const shapes: [number, number, number][] = [
    [128, 784, 512],
    [784, 128, 512],
    [128, 512, 10],
    [512, 512, 512],
  ];
  const { tf, names } = await tfBackends();
  const rows: string[][] = [];
  const out: Record<string, unknown>[] = [];
  for (const [m, k, n] of shapes) {
    const rng = createRng(m * k + n);
    const a = Float32Array.from({ length: m * k }, () => rng.uniform(-1, 1));
    const b = Float32Array.from({ length: k * n }, () => rng.uniform(-1, 1));
    const c = new Float32Array(m * n);
    const flops = 2 * m * k * n;
    const lib = timeMs(() => matmulInto(a, b, c, m, k, n));
    const entry: Record<string, unknown> = {
      shape: `${m}×${k}×${n}`,
      lib: { ...lib, gflops: flops / lib.median / 1e6 },
    };
    const cells = [`${m}×${k}·${k}×${n}`, fmt(flops / lib.median / 1e6)];
    for (const name of ['tensorflow', 'wasm', 'cpu']) {
      if (!names.includes(name)) {
        cells.push('—', '—');
        continue;
      }
      await tf.setBackend(name);
      const ta = tf.tensor2d(a, [m, k]);
      const tb = tf.tensor2d(b, [k, n]);
      const s = timeMs(() => {
        const r = tf.matMul(ta, tb);
        r.dataSync();
        r.dispose();
      });
      tf.dispose([ta, tb]);
      entry[name] = { ...s, gflops: flops / s.median / 1e6 };
      cells.push(fmt(flops / s.median / 1e6), `${fmt(s.median / lib.median)}×`);
      if (name === 'cpu' && m === 128 && k === 784 && n === 512) {
        const ratio = s.median / lib.median;
        targets.push({ name: 'lib matmul ≥ 4× TF.js CPU at 128×784×512', met: ratio >= 4, detail: `${fmt(ratio)}×` });
      }
    }
    rows.push(cells);
    out.push(entry);
  }
  results.matmul = out;
  table(
    `matmul, dense random float32 (GFLOP/s, median of ${RUNS}; "×" = lib's speed over that backend's)`,
    ['shape', 'lib', 'tf-node', 'lib/node', 'tf-wasm', 'lib/wasm', 'tf-cpu', 'lib/cpu'],
    rows,
  );
}

async function benchMnist(): Promise<void> {
  const mnist = loadMnist();
  const x = imagesToArray(mnist.train).data as Float32Array;
  const xt = imagesToArray(mnist.test).data as Float32Array;
  const train = { x, y: mnist.train.labels, count: mnist.train.count, features: PIXELS };
  const test = { x: xt, y: mnist.test.labels, count: mnist.test.count, features: PIXELS };

  // From scratch: lib/nn, epochs of 469 steps of 128.
  const model = new MLP(
    PIXELS,
    [
      { units: 512, activation: 'relu' },
      { units: CLASSES, activation: 'softmax' },
    ],
    { seed: 42 },
  );
  // As `npm run mnist` runs it: the main thread plus one worker per further core.
  const workers = defaultWorkers();
  const pool =
    workers > 0 ? await GradientPool.start(model, { workers, maxRows: Math.ceil(128 / (workers + 1)) }) : undefined;
  const optimizer = makeOptimizer('rmsprop', 1e-3);
  const scratchEpochs: number[] = [];
  for (let e = 0; e < EPOCHS; e++) {
    const t0 = performance.now();
    fit(model, optimizer, train, { epochs: 1, batchSize: 128, seed: 42 + e, gradients: pool });
    scratchEpochs.push((performance.now() - t0) / 1000);
  }
  await pool?.close();
  const scratchAcc = evaluate(model, test).accuracy;

  // TensorFlow.js layers on the best backend available.
  const { tf, names } = await tfBackends();
  const best = names[0] as string;
  await tf.setBackend(best);
  const keras = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [PIXELS],
        units: 512,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 42 }),
      }),
      tf.layers.dense({
        units: CLASSES,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 43 }),
      }),
    ],
  });
  keras.compile({ optimizer: tf.train.rmsprop(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tensor2d(x, [train.count, PIXELS]);
  const ys = tf.tensor1d(Float32Array.from(mnist.train.labels));
  const tfEpochs: number[] = [];
  let t1 = 0;
  await keras.fit(xs, ys, {
    epochs: EPOCHS,
    batchSize: 128,
    shuffle: true,
    verbose: 0,
    yieldEvery: 'never',
    callbacks: {
      onEpochBegin: async () => {
        t1 = performance.now();
      },
      onEpochEnd: async () => {
        tfEpochs.push((performance.now() - t1) / 1000);
      },
    },
  });
  const xtt = tf.tensor2d(xt, [test.count, PIXELS]);
  // NOTE: predict's default batch of 32 takes minutes over 10,000 images on the wasm backend.
  const probs = keras.predict(xtt, { batchSize: 1000 }) as import('@tensorflow/tfjs').Tensor;
  const argmax = probs.argMax(-1);
  const pred = argmax.dataSync();
  let correct = 0;
  for (let i = 0; i < test.count; i++) if (pred[i] === mnist.test.labels[i]) correct++;
  const tfAcc = correct / test.count;
  tf.dispose([xs, ys, xtt, probs, argmax]);
  keras.dispose();

  const scratch = stat(scratchEpochs);
  const tfs = stat(tfEpochs);
  const ratio = scratch.median / tfs.median;
  results.mnist = {
    epochs: EPOCHS,
    epochSeconds: { scratch, tfjs: tfs },
    threads: workers + 1,
    backend: best,
    ratio,
    testAccuracy: { scratch: scratchAcc, tfjs: tfAcc },
  };
  const n = EPOCHS === 1 ? 'One MNIST epoch' : `${EPOCHS} MNIST epochs`;
  table(
    `${n} each way, 784-512-10, rmsprop 1e-3, batch 128 (60,000 images, 469 steps an epoch)`,
    ['engine', 's/epoch', 'min', 'max', `test accuracy after ${EPOCHS}`],
    [
      [
        `scratch (lib/nn, ${workers + 1} threads)`,
        fmt(scratch.median, 1),
        fmt(scratch.min, 1),
        fmt(scratch.max, 1),
        `${fmt(scratchAcc * 100)}%`,
      ],
      [`tfjs model.fit (${best})`, fmt(tfs.median, 1), fmt(tfs.min, 1), fmt(tfs.max, 1), `${fmt(tfAcc * 100)}%`],
      ['ratio scratch / tfjs', `${fmt(ratio)}×`, '', '', ''],
    ],
  );
  targets.push({ name: `scratch epoch ≤ 0.3× TF.js ${best} model.fit`, met: ratio <= 0.3, detail: `${fmt(ratio)}×` });
  if (EPOCHS >= 5) {
    targets.push({
      name: `scratch test accuracy after ${EPOCHS} epochs ≥ 97.7%`,
      met: scratchAcc >= 0.977,
      detail: `${fmt(scratchAcc * 100)}% (TF.js ${fmt(tfAcc * 100)}%)`,
    });
  } else {
    console.log('  (the accuracy target is for 5 epochs: npm run bench -- --only mnist --epochs 5)');
  }
}

function wallSeconds(args: string[], env: NodeJS.ProcessEnv = {}): { seconds: number; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, KATA_QUIET: '1', ...env },
    stdio: 'ignore',
  });
  return { seconds: (performance.now() - t0) / 1000, status: r.status };
}

/** Each exercise's specs against the reference solutions, in a new process each time. */
function benchCold(): void {
  const runs = Math.min(RUNS, 3);
  const rows: string[][] = [];
  const entry: Record<string, Stat> = {};
  let over = 0;
  for (const ex of listExercises()) {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = wallSeconds([BIN.vitest, 'run', '--project', 'solutions', path.relative(ROOT, path.dirname(ex.spec))]);
      if (r.status !== 0) throw new Error(`npm run bench: the specs of ${ex.name} failed against the solutions`);
      samples.push(r.seconds);
    }
    const st = stat(samples);
    entry[ex.name] = st;
    if (st.median > 2) over++;
    rows.push([ex.name, fmt(st.median), fmt(st.min), fmt(st.max), st.median <= 2 ? '✓' : '✗']);
  }
  results.cold = entry;
  table(
    `Each exercise's specs, cold: \`vitest run --project solutions exercises/NN-…\` in a new process (seconds, median of ${runs})`,
    ['exercise', 'median', 'min', 'max', '≤ 2 s'],
    rows,
  );
  const first = Object.values(entry)[0] as Stat;
  targets.push({
    name: "one exercise's specs ≤ 2 s cold (01)",
    met: first.median <= 2,
    detail: `${fmt(first.median)} s`,
  });
  targets.push({
    name: "every exercise's specs ≤ 2 s cold",
    met: over === 0,
    detail: `${rows.length - over} of ${rows.length}`,
  });
}

/** Waits for `n` ms. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Seconds from touching `file` (as an editor's save would) to the result: `arm` returns the
 * promise of the next result, made before the touch. A second first: the learner reads and
 * types, and the spare threads get ready.
 */
async function timeSave<T>(file: string, arm: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  await sleep(1000);
  const next = arm();
  const t0 = performance.now();
  const now = new Date();
  utimesSync(file, now, now);
  const result = await next;
  return { seconds: (performance.now() - t0) / 1000, result };
}

/** A table row of a Stat in seconds, shown in ms. */
const msRow = (label: string, st: Stat) => [
  label,
  fmt(st.median * 1000, 0),
  fmt(st.min * 1000, 0),
  fmt(st.max * 1000, 0),
];

/**
 * Save → result, as the learner sees it in `npm start`: the runner's session (warm worker
 * threads, its own 20 ms debounce, quick checks) on exercise 01. Against the learner's code
 * (a fresh clone: the stub, failing) and against the reference solution (passing: the quick
 * check, then the full check the runner makes before it records a pass).
 */
async function benchRunnerRerun(
  project: 'exercises' | 'solutions',
): Promise<{ save: Stat; recorded?: Stat; last: ExerciseResult }> {
  const { SpecSession } = await import('./runner/session.ts');
  const ex = findExercise('01');
  let settle: ((r: ExerciseResult) => void) | undefined;
  const session = await SpecSession.start({ watch: true, project, onRerunResult: (r) => settle?.(r) });
  session.focus(ex);
  let last = (await session.run([ex], { quick: true })).get(ex.name) as ExerciseResult;
  const saves: number[] = [];
  const recorded: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const save = await timeSave(
      project === 'solutions' ? ex.solution : ex.stub,
      () =>
        new Promise<ExerciseResult>((r) => {
          settle = r;
        }),
    );
    saves.push(save.seconds);
    last = save.result;
    if (project === 'solutions') {
      const t0 = performance.now();
      await session.run([ex]);
      recorded.push(save.seconds + (performance.now() - t0) / 1000);
    }
  }
  await session.close();
  return { save: stat(saves), ...(recorded.length > 0 ? { recorded: stat(recorded) } : {}), last };
}

/**
 * Save → result in Vitest's own watch mode as `npm run ui` runs it (with the runner's warm
 * threads, all 100 cases, and Vitest's wait of 100 ms after a save).
 */
async function benchVitestRerun(): Promise<Stat> {
  const { createVitest } = await import('vitest/node');
  const { kataWarmPool, poolOption } = await import('./runner/warm-pool.ts');
  let settle: (() => void) | undefined;
  const pool = kataWarmPool(ROOT);
  const vitest = await createVitest('test', {
    root: ROOT,
    watch: true,
    project: ['solutions'],
    reporters: [{ onTestRunEnd: () => settle?.() }],
    ...poolOption(pool),
  });
  const ex = findExercise('01');
  await vitest.start([ex.spec]);
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const save = await timeSave(
      ex.solution,
      () =>
        new Promise<void>((r) => {
          settle = r;
        }),
    );
    samples.push(save.seconds);
  }
  await vitest.close();
  await pool?.dispose();
  return stat(samples);
}

async function benchSpecs(): Promise<void> {
  benchCold();
  const stub = await benchRunnerRerun('exercises');
  const solved = await benchRunnerRerun('solutions');
  const ui = await benchVitestRerun();
  results.rerunStub = stub.save;
  results.rerunQuickPass = solved.save;
  results.rerunVerified = solved.recorded;
  results.rerunVitest = ui;
  table(
    `Watch reruns (ms from the file's save to the result on screen, median of ${RUNS})`,
    ['what', 'median', 'min', 'max'],
    [
      msRow(
        `npm start, exercise 01 as in exercises/ (${stub.last.passed}/${stub.last.total} pass): save → result`,
        stub.save,
      ),
      msRow(
        `npm start, exercise 01 solved (${solved.last.passed}/${solved.last.total}): save → quick check's pass`,
        solved.save,
      ),
      msRow('npm start, exercise 01 solved: save → pass recorded (+ the full check)', solved.recorded as Stat),
      msRow('npm run ui (vitest --watch), exercise 01 solved: save → result', ui),
    ],
  );
  targets.push({
    name: 'watch rerun ≤ 300 ms (npm start: save → result)',
    met: stub.save.median <= 0.3 && solved.save.median <= 0.3,
    detail: `${fmt(stub.save.median * 1000, 0)} ms failing, ${fmt(solved.save.median * 1000, 0)} ms passing the quick check`,
  });
}

/** The README's test command, as CI runs it. */
function benchNpmTest(): void {
  const r = wallSeconds(['--import', './scripts/register.mjs', 'scripts/test.ts'], { CI: 'true' });
  results.npmTest = { seconds: r.seconds, exitCode: r.status };
  table(
    'npm test (typecheck, lint, every test; seconds)',
    ['what', 'seconds', 'exit code'],
    [['npm test', fmt(r.seconds, 1), String(r.status)]],
  );
  targets.push({
    name: 'npm test ≤ 4 minutes on 2 cores, passing',
    met: r.status === 0 && r.seconds <= 240,
    detail: `${fmt(r.seconds, 0)} s, exit code ${r.status}`,
  });
}

if (sections.has('matmul')) await benchMatmul();
if (sections.has('mnist')) await benchMnist();
if (sections.has('specs')) await benchSpecs();
if (sections.has('npm-test')) benchNpmTest();

results.targets = targets;
console.log('\nTargets');
for (const t of targets) console.log(`  ${t.met ? '✓ met    ' : '✗ not met'}  ${t.name}: ${t.detail}`);
writeFileAtomic(path.resolve(String(args.out)), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nWrote ${path.relative(process.cwd(), path.resolve(String(args.out)))}`);
process.exit(0);
