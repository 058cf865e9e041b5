/**
 * RMSprop's update of 203,525 float32 weights (half of the 784-512-10 network: one thread's part
 * in a 2-thread GradientPool), the plain rmspropStep against the SIMD kernel, alternated in
 * one process for 8 rounds of 50 steps. Milliseconds per update, and the medians.
 *
 *   node --import ./scripts/register.mjs scripts/bench/rmsprop.ts
 */
import { rmspropStep } from '../../lib/kernels/optimizers.ts';
import { createSimdKernels } from '../../lib/kernels/simd/matmul.ts';
import { stat } from './report.ts';

const simd = createSimdKernels().rmspropStep;
const n = 203_525;
const state = () => ({
  w: Float32Array.from({ length: n }, (_, i) => Math.sin(i)),
  s: new Float32Array(n).fill(1e-6),
  g: Float32Array.from({ length: n }, (_, i) => Math.cos(i) * 1e-3),
});
const kernels = [
  ['plain', rmspropStep, state()],
  ['simd', simd, state()],
] as const;
const times: Record<string, number[]> = { plain: [], simd: [] };
for (let round = 0; round < 8; round++) {
  for (const [name, step, { w, s, g }] of kernels) {
    const t0 = performance.now();
    for (let r = 0; r < 50; r++) step(w, s, g, n, 1e-3, 0.9, 1e-7);
    times[name]?.push((performance.now() - t0) / 50);
  }
}
const median = (v: number[] = []) => stat(v).median;
for (const [name, v] of Object.entries(times))
  console.log(`${name}: ${v.map((t) => t.toFixed(3)).join(' ')} ms; median ${median(v).toFixed(3)} ms`);
console.log(`plain / simd: ${(median(times.plain) / median(times.simd) || 0).toFixed(2)}×`);
