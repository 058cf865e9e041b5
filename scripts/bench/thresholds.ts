/**
 * Where the sparse path of lib/kernels/simd pays (SPARSE_MIN_COLUMNS, and the two thirds of
 * zeros it asks of a): a·b with a mostly zero, through kernels that take the sparse path at any
 * width against kernels that never do, alternated, for the shapes lib/nn meets on MNIST in
 * batches of 64 (a thread's share of 128). Medians of 9 rounds of 40 products, in ms.
 *
 *   node --import ./scripts/register.mjs scripts/bench/thresholds.ts
 */
import { createSimdKernels, SPARSE_MIN_COLUMNS } from '../../lib/kernels/simd/matmul.ts';
import { createRng } from '../../lib/rng.ts';
import { fmt, stat, table } from './report.ts';

const rng = createRng(7);
const sparse = createSimdKernels(undefined, { sparseMinColumns: 1 });
const dense = createSimdKernels(undefined, { sparseMinColumns: Number.POSITIVE_INFINITY });
const rows: string[][] = [];
for (const [m, k, zeros, what] of [
  [64, 784, 0.81, 'MNIST pixels, 81% zeros'],
  [64, 512, 0.7, "a relu's output, 70% zeros"],
] as const) {
  for (const n of [10, 32, 64, 128, 512]) {
    const a = Float32Array.from({ length: m * k }, () => (rng.next() < zeros ? 0 : rng.uniform(0, 1)));
    const b = Float32Array.from({ length: k * n }, () => rng.uniform(-1, 1));
    const out = new Float32Array(m * n);
    const t = { sparse: [] as number[], dense: [] as number[] };
    for (let round = 0; round < 9; round++) {
      for (const [name, kernels] of [
        ['sparse', sparse],
        ['dense', dense],
      ] as const) {
        const t0 = performance.now();
        for (let r = 0; r < 40; r++) kernels.matmul(out, a, b, m, k, n);
        t[name].push((performance.now() - t0) / 40);
      }
    }
    const s = stat(t.sparse).median;
    const d = stat(t.dense).median;
    rows.push([
      what,
      `${m}×${k}·${k}×${n}`,
      fmt(s, 3),
      fmt(d, 3),
      `${fmt(d / s, 2)}×`,
      n >= SPARSE_MIN_COLUMNS ? 'sparse' : 'dense',
    ]);
  }
}
table(
  `The sparse path against the dense kernel (ms, medians of 9 alternated rounds; SPARSE_MIN_COLUMNS = ${SPARSE_MIN_COLUMNS})`,
  ['a', 'product', 'sparse', 'dense', 'sparse speed-up', 'matmul takes'],
  rows,
);
