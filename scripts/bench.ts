/**
 * `npm run bench`: speed, side by side in one run of the machine, printed as a table and
 * written as JSON (reports/bench.json). Figures are medians of several runs with min and
 * max; the targets of the performance issue are marked met or not. Tests never assert times.
 *
 *   npm run bench                    everything (matmul, one MNIST epoch each way, spec times)
 *   npm run bench -- --only matmul   one section: matmul | mnist | specs
 *   npm run bench -- --runs 7        repetitions for the short benchmarks (default 5)
 *   npm run bench -- --npm-test      also time a whole `npm test` (minutes)
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../lib/exercises.ts';
import { writeFileAtomic } from '../lib/files.ts';
import { CLASSES, imagesToArray, loadMnist, PIXELS, subset } from '../lib/mnist.ts';
import { defaultWorkers, evaluate, fit, GradientPool, MLP, makeOptimizer, matmulInto } from '../lib/nn/index.ts';
import { loadOracle, type Tf } from '../lib/oracle.ts';
import { createRng } from '../lib/rng.ts';
import { BIN } from './lib/proc.ts';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '5' },
    'npm-test': { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(ROOT, 'reports', 'bench.json') },
  },
  strict: true,
});
const RUNS = Number(args.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`npm run bench: --runs must be a positive integer, got ${JSON.stringify(args.runs)}`);
  process.exit(2);
}
const sections = new Set(args.only ? [args.only] : ['matmul', 'mnist', 'specs']);
for (const s of sections) {
  if (!['matmul', 'mnist', 'specs'].includes(s)) {
    console.error(`npm run bench: --only must be matmul, mnist or specs, got ${JSON.stringify(s)}`);
    process.exit(2);
  }
}

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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(`\n${title}\n${line(header)}\n${widths.map((w) => '─'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(line(r));
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

  // From scratch: lib/nn, one epoch of 469 steps of 128.
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
  const t0 = performance.now();
  fit(model, makeOptimizer('rmsprop', 1e-3), train, { epochs: 1, batchSize: 128, seed: 42, gradients: pool });
  const scratchSeconds = (performance.now() - t0) / 1000;
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
  const t1 = performance.now();
  await keras.fit(xs, ys, { epochs: 1, batchSize: 128, shuffle: true, verbose: 0, yieldEvery: 'never' });
  const tfSeconds = (performance.now() - t1) / 1000;
  const probs = keras.predict(tf.tensor2d(xt, [test.count, PIXELS])) as import('@tensorflow/tfjs').Tensor;
  const pred = probs.argMax(-1).dataSync();
  let correct = 0;
  for (let i = 0; i < test.count; i++) if (pred[i] === mnist.test.labels[i]) correct++;
  const tfAcc = correct / test.count;
  tf.dispose([xs, ys, probs]);
  keras.dispose();

  const ratio = scratchSeconds / tfSeconds;
  results.mnist = {
    epoch: { scratch: scratchSeconds, threads: workers + 1, tfjs: tfSeconds, backend: best, ratio },
    testAccuracyAfterOneEpoch: { scratch: scratchAcc, tfjs: tfAcc },
  };
  table(
    'One MNIST epoch, 784-512-10, rmsprop 1e-3, batch 128 (60,000 images, 469 steps)',
    ['engine', 'seconds', 'test accuracy'],
    [
      [`scratch (lib/nn, ${workers + 1} threads)`, fmt(scratchSeconds, 1), `${fmt(scratchAcc * 100)}%`],
      [`tfjs model.fit (${best})`, fmt(tfSeconds, 1), `${fmt(tfAcc * 100)}%`],
      ['ratio scratch / tfjs', `${fmt(ratio)}×`, ''],
    ],
  );
  targets.push({ name: `scratch epoch ≤ 0.3× TF.js ${best} model.fit`, met: ratio <= 0.3, detail: `${fmt(ratio)}×` });
}

function wallSeconds(args: string[], env: NodeJS.ProcessEnv = {}): number {
  const t0 = performance.now();
  spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, KATA_QUIET: '1', ...env }, stdio: 'ignore' });
  return (performance.now() - t0) / 1000;
}

async function benchSpecs(): Promise<void> {
  const runs = Math.min(RUNS, 3);
  const cold = stat(
    Array.from({ length: runs }, () =>
      wallSeconds([BIN.vitest, 'run', '--project', 'solutions', 'exercises/01-tensors']),
    ),
  );
  // A watch rerun: one vitest instance, the spec file rerun as a save would.
  const { createVitest } = await import('vitest/node');
  const vitest = await createVitest('test', { root: ROOT, watch: true, project: ['solutions'], reporters: [{}] });
  const spec = path.join(ROOT, 'exercises', '01-tensors', 'tensors.spec.ts');
  await vitest.start([spec]);
  const specifications = await vitest.getRelevantTestSpecifications([spec]);
  const reruns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await vitest.rerunTestSpecifications(specifications);
    reruns.push((performance.now() - t0) / 1000);
  }
  await vitest.close();
  const rerun = stat(reruns);
  const rows = [
    ['exercise 01 specs, cold (new process)', fmt(cold.median), fmt(cold.min), fmt(cold.max)],
    ['exercise 01 specs, watch rerun', fmt(rerun.median, 3), fmt(rerun.min, 3), fmt(rerun.max, 3)],
  ];
  targets.push({ name: "one exercise's specs ≤ 2 s cold", met: cold.median <= 2, detail: `${fmt(cold.median)} s` });
  targets.push({ name: 'watch rerun ≤ 300 ms', met: rerun.median <= 0.3, detail: `${fmt(rerun.median * 1000, 0)} ms` });
  const entry: Record<string, unknown> = { cold, rerun };
  if (args['npm-test']) {
    const t = wallSeconds([path.join(ROOT, 'node_modules', 'npm', 'bin', 'npm-cli.js'), 'test']);
    rows.push(['npm test', fmt(t, 1), '', '']);
    targets.push({ name: 'npm test ≤ 4 minutes', met: t <= 240, detail: `${fmt(t, 0)} s` });
    entry.npmTest = t;
  }
  results.specs = entry;
  table('Spec times (seconds)', ['what', 'median', 'min', 'max'], rows);
}

if (sections.has('matmul')) await benchMatmul();
if (sections.has('mnist')) await benchMnist();
if (sections.has('specs')) await benchSpecs();

results.targets = targets;
console.log('\nTargets');
for (const t of targets) console.log(`  ${t.met ? '✓ met    ' : '✗ not met'}  ${t.name}: ${t.detail}`);
writeFileAtomic(path.resolve(String(args.out)), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nWrote ${path.relative(process.cwd(), path.resolve(String(args.out)))}`);
process.exit(0);
