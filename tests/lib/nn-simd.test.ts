/**
 * lib/nn on its two sets of matmul kernels: the WebAssembly SIMD ones it uses where the runtime
 * has them, and the plain TypeScript ones, the reference and the fallback without SIMD.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { chooseKernels, matmulKernels, plainKernels } from '../../lib/kernels/simd/index.ts';
import { evaluate, fit, MLP, makeOptimizer } from '../../lib/nn/index.ts';
import { createRng } from '../../lib/rng.ts';
import { wasmPath } from '../../scripts/build-simd.ts';

const specs = [
  { units: 32, activation: 'relu' as const },
  { units: 10, activation: 'softmax' as const },
];

/** A seeded batch of 784-pixel rows, 81% of them 0 as in MNIST (sparsity 0.81), or dense. */
function batch(rows: number, sparsity: number, seed: number) {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: rows * 784 }, () => (rng.next() < sparsity ? 0 : rng.uniform(0, 1)));
  const y = Uint8Array.from({ length: rows }, () => rng.int(0, 10));
  return { x, y };
}

describe('SIMD and plain kernels', () => {
  it('uses the SIMD kernels here by default', () => {
    expect(new MLP(784, specs).kernels.simd).toBe(true);
    expect(new MLP(784, specs, { kernels: plainKernels }).kernels.simd).toBe(false);
  });

  it.each([
    ['sparse rows (81% zeros: the sparse paths)', 0.81],
    ['dense rows (the 4×8 tiles)', 0],
  ])('give the same loss and gradients on %s', (_, sparsity) => {
    const simd = new MLP(784, specs, { seed: 3, kernels: matmulKernels() });
    const plain = new MLP(784, specs, { seed: 3, kernels: plainKernels });
    const { x, y } = batch(37, sparsity, 11); // 37 rows: tiles of 4 and a leftover row
    const a = simd.lossAndGradients(x, y, 37);
    const b = plain.lossAndGradients(x, y, 37);
    // float32 sums (SIMD) against float64 ones (plain) over at most 784 terms: 784 · 2⁻²⁴ ≈ 5e-5
    expect(a.loss).toBeCloseTo(b.loss, 5);
    expect(a.correct).toBe(b.correct);
    a.grads.forEach((g, k) => {
      expect(g).toHaveLength(b.grads[k]?.length ?? -1);
      expect(Array.from(g)).toBeAllClose(Array.from(b.grads[k] as Float32Array), { rtol: 1e-4, atol: 1e-6 });
    });
  });

  it('without SIMD, falls back to the plain kernels, and an MLP on them still trains', () => {
    const warn = vi.fn();
    const fallback = chooseKernels(readFileSync(wasmPath).subarray(0, 40), warn); // bytes WebAssembly.validate refuses
    expect(fallback).toBe(plainKernels);
    expect(warn).toHaveBeenCalledTimes(1);
    const model = new MLP(784, specs, { seed: 5, kernels: fallback });
    // Ten classes told apart by which block of 78 pixels is lit.
    const rng = createRng(6);
    const count = 200;
    const y = Uint8Array.from({ length: count }, (_, i) => i % 10);
    const x = new Float32Array(count * 784);
    y.forEach((c, i) => {
      for (let p = 0; p < 78; p++) x[i * 784 + c * 78 + p] = rng.uniform(0.5, 1);
    });
    const data = { x, y, count, features: 784 };
    const before = evaluate(model, data).accuracy;
    const history = fit(model, makeOptimizer('rmsprop', 0.01), data, { epochs: 5, batchSize: 20, seed: 7 });
    expect(history.epochs).toHaveLength(5);
    expect(before).toBeLessThan(0.5);
    expect(evaluate(model, data).accuracy).toBe(1);
  });
});
