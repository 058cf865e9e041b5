/**
 * The speed-ups of lib/nn's README, step by step, on one product: an MNIST batch's first layer,
 * x[128×784] · W[784×512] (51 million multiply-adds), with x the first 128 training images
 * (81% of their pixels 0) and W seeded uniform. Milliseconds per product (median of --runs
 * calls after a warm-up) and each step's speed over the first, side by side in one run.
 *
 *   node --import ./scripts/register.mjs scripts/bench/history.ts [--runs 5]
 */
import { loadavg } from 'node:os';
import { matmul as plainMatmul } from '../../lib/kernels/matmul.ts';
import { matmulKernels } from '../../lib/kernels/simd/index.ts';
import { imagesToArray, loadMnist, PIXELS } from '../../lib/mnist-data.ts';
import { loadOracle, onBackend } from '../../lib/oracle.ts';
import { createRng } from '../../lib/rng.ts';
import { commandArgs } from '../lib/args.ts';
import { formatTable } from '../lib/table.ts';
import { timeMs } from './report.ts';

const { values } = commandArgs(import.meta.url, process.argv.slice(2), { runs: { type: 'string', default: '5' } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench/history: --runs must be a whole number ≥ 1, got ${values.runs}`);
  process.exit(2);
}

const [m, k, n] = [128, PIXELS, 512];
const x = (imagesToArray(loadMnist().train).data as Float32Array).slice(0, m * k);
const rng = createRng(1);
const W = Float32Array.from({ length: k * n }, () => rng.uniform(-0.1, 0.1));
// The same numbers with every pixel nonzero (a tiny offset), for the kernels' dense paths.
const xDense = x.map((v) => v + 1e-3);

/** The book's NaiveDense: the product as nested JavaScript arrays, the textbook triple loop. */
function naiveNested(a: number[][], b: number[][]): number[][] {
  const out = a.map(() => new Array<number>(b[0]?.length ?? 0).fill(0));
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < (b[0]?.length ?? 0); j++) {
      let s = 0;
      for (let p = 0; p < b.length; p++) s += (a[i] as number[])[p]! * (b[p] as number[])[j]!;
      (out[i] as number[])[j] = s;
    }
  return out;
}

/** The same loop on flat typed arrays: contiguous memory, no boxes, but b read down a column. */
function naiveTyped(out: Float32Array, a: Float32Array, b: Float32Array): void {
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      out[i * n + j] = s;
    }
}

const nested = (flat: Float32Array, rows: number, cols: number) =>
  Array.from({ length: rows }, (_, i) => Array.from(flat.subarray(i * cols, (i + 1) * cols)));
const xNested = nested(xDense, m, k);
const wNested = nested(W, k, n);
const out = new Float32Array(m * n);
const simd = matmulKernels();
const before = loadavg();
const oracle = await loadOracle();
const tfWasm = await onBackend(oracle, 'wasm', () => {
  const { tf } = oracle;
  const [ta, tb] = [tf.tensor2d(x, [m, k]), tf.tensor2d(W, [k, n])];
  try {
    return timeMs(() => {
      const r = tf.matMul(ta, tb);
      r.dataSync();
      r.dispose();
    }, runs).median;
  } finally {
    tf.dispose([ta, tb]);
  }
});

const steps: [string, number][] = [
  ["naive triple loop on number[][] (the book's NaiveDense)", timeMs(() => naiveNested(xNested, wNested), runs).median],
  ['the same loop on Float32Arrays', timeMs(() => naiveTyped(out, xDense, W), runs).median],
  ['4×4 tiles on bᵀ (the plain kernel, dense x)', timeMs(() => plainMatmul(out, xDense, W, m, k, n), runs).median],
  [
    '+ skipping the zero pixels (the plain kernel, MNIST x)',
    timeMs(() => plainMatmul(out, x, W, m, k, n), runs).median,
  ],
  [`WebAssembly SIMD 4×8 tiles (dense x)`, timeMs(() => simd.matmul(out, xDense, W, m, k, n), runs).median],
  [
    `+ skipping the zero pixels (SIMD sparse path, MNIST x)`,
    timeMs(() => simd.matmul(out, x, W, m, k, n), runs).median,
  ],
  ['TF.js wasm tf.matMul (XNNPACK, MNIST x)', tfWasm],
];
const after = loadavg();
const first = steps[0]?.[1] ?? 1;
const fmt = (v: number) => v.toFixed(2);
console.log(
  `x[128×784]·W[784×512], one MNIST batch's first layer: ms per product (median of ${runs}); node ${process.version}; ` +
    `load average ${before.map(fmt).join(' ')} before, ${after.map(fmt).join(' ')} after${simd.simd ? '' : ' (no SIMD here: its rows are the plain kernel)'}`,
);
console.log(
  formatTable(
    ['step', 'ms', 'GFLOP/s (dense count)', 'speed-up'],
    steps.map(([name, ms]) => [name, ms.toFixed(2), fmt((2 * m * k * n) / ms / 1e6), `${(first / ms).toFixed(1)}×`]),
  ),
);
