/**
 * lib/nn's first layer on MNIST batches of 128: x·W then xᵀ·dZ, with x's nonzeros listed twice
 * (matmul, matmulTransA) against once (matmulKeep, matmulTransAKept), alternated in one process:
 * medians of 12 rounds of 40 batches.
 *
 *   node --import ./scripts/register.mjs scripts/bench/listing.ts
 */

import { createSimdKernels } from '../../lib/kernels/simd/matmul.ts';
import { imagesToArray, loadMnist, PIXELS } from '../../lib/mnist-data.ts';
import { createRng } from '../../lib/rng.ts';
import { stat } from './report.ts';

const mnist = loadMnist();
const all = imagesToArray(mnist.train).data as Float32Array;
const rng = createRng(1);
const W = Float32Array.from({ length: 784 * 512 }, () => rng.uniform(-0.05, 0.05));
const dZ = Float32Array.from({ length: 128 * 512 }, () => rng.uniform(-0.05, 0.05));
const k = createSimdKernels();
const out = new Float32Array(128 * 512),
  dW = new Float32Array(784 * 512);
const t = { two: [] as number[], kept: [] as number[] };
for (let round = 0; round < 12; round++) {
  for (const mode of ['two', 'kept'] as const) {
    const t0 = performance.now();
    for (let r = 0; r < 40; r++) {
      const x = all.subarray(((round * 40 + r) % 400) * 128 * PIXELS, (((round * 40 + r) % 400) + 1) * 128 * PIXELS);
      if (mode === 'two') {
        k.matmul(out, x, W, 128, 784, 512);
        k.matmulTransA(dW, x, dZ, 784, 128, 512);
      } else {
        k.matmulKeep(out, x, W, 128, 784, 512);
        k.matmulTransAKept(dW, x, dZ, 784, 128, 512);
      }
    }
    t[mode].push((performance.now() - t0) / 40);
  }
}
const med = (v: number[]) => stat(v).median;
console.log(
  `x·W + xᵀ·dZ: listed twice ${med(t.two).toFixed(3)} ms, listed once ${med(t.kept).toFixed(3)} ms (medians of 12 alternated rounds of 40 batches)`,
);
