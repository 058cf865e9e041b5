/**
 * The SIMD matmul kernel against the plain TypeScript kernel and TensorFlow.js' wasm backend
 * (`tf.matMul`, XNNPACK), side by side in one run: GFLOP/s (median of --runs timed calls after
 * one warm-up) and the ratios. "simd, no copies" reruns the kernel on the data already in wasm
 * memory: the difference to "simd" is what copying a and b in and the product out costs.
 * Prints the load average, since the ratios mean more than the figures on a shared machine.
 * The last row's a is 81% zeros, as a batch of MNIST pixels is: the sparse paths of the plain
 * and the SIMD kernel skip them (GFLOP/s count the dense product's flops), TF.js does not; there
 * "simd, no copies" leaves out the listing of a's nonzeros too.
 *
 *   node --import ./scripts/register.mjs scripts/bench/simd.ts [--runs 9]
 */
import { loadavg } from 'node:os';
import { matmul as plainMatmul } from '../../lib/kernels/matmul.ts';
import { chooseKernels, createSimdKernels } from '../../lib/kernels/simd/index.ts';
import { loadOracle, onBackend } from '../../lib/oracle.ts';
import { createRng } from '../../lib/rng.ts';
import { commandArgs } from '../lib/args.ts';
import { formatTable } from '../lib/table.ts';
import { timeMs } from './report.ts';

const { values } = commandArgs(import.meta.url, process.argv.slice(2), { runs: { type: 'string', default: '9' } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench/simd: --runs must be a whole number ≥ 1, got ${values.runs}`);
  process.exit(2);
}

/** Median time (ms) of `runs` calls after one warm-up. */
const medianMs = (fn: () => void): number => timeMs(fn, runs).median;

if (!chooseKernels().simd) process.exit(1);
const simd = createSimdKernels();
const oracle = await loadOracle();
const { tf } = oracle;
const fmt = (v: number) => v.toFixed(2);
const rows: string[][] = [];
const before = loadavg();
for (const [m, k, n, zeros] of [
  [128, 784, 512, 0],
  [784, 128, 512, 0],
  [128, 512, 10, 0],
  [128, 784, 512, 0.81],
] as const) {
  const rng = createRng(m * k + n);
  const a = Float32Array.from({ length: m * k }, () => (rng.next() < zeros ? 0 : rng.uniform(-1, 1)));
  const b = Float32Array.from({ length: k * n }, () => rng.uniform(-1, 1));
  const out = new Float32Array(m * n);
  const plain = medianMs(() => plainMatmul(out, a, b, m, k, n));
  const withCopies = medianMs(() => simd.matmul(out, a, b, m, k, n));
  const noCopies = medianMs(() => simd.rerunWithoutCopies());
  const tfWasm = await onBackend(oracle, 'wasm', () => {
    const ta = tf.tensor2d(a, [m, k]);
    const tb = tf.tensor2d(b, [k, n]);
    try {
      return medianMs(() => {
        const r = tf.matMul(ta, tb);
        r.dataSync();
        r.dispose();
      });
    } finally {
      tf.dispose([ta, tb]);
    }
  });
  const gflops = (ms: number) => (2 * m * k * n) / ms / 1e6;
  rows.push([
    `${m}×${k}·${k}×${n}${zeros ? `, a ${zeros * 100}% zeros` : ''}`,
    fmt(gflops(plain)),
    fmt(gflops(withCopies)),
    fmt(gflops(noCopies)),
    fmt(gflops(tfWasm)),
    `${fmt(plain / withCopies)}×`,
    `${fmt(tfWasm / withCopies)}×`,
    `${(((withCopies - noCopies) / withCopies) * 100).toFixed(1)}%`,
  ]);
}
const after = loadavg();
console.log(
  `matmul, random float32, GFLOP/s (median of ${runs}); node ${process.version}; ` +
    `load average ${before.map(fmt).join(' ')} before, ${after.map(fmt).join(' ')} after`,
);
console.log(
  formatTable(['shape', 'plain', 'simd', 'simd, no copies', 'tf-wasm', 'simd/plain', 'simd/tf-wasm', 'copies'], rows),
);
