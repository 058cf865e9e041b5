/** lib/nn's GradientPool: worker threads compute the same gradients, and share out the same update, as one thread. */
import { describe, expect, it } from 'vitest';
import { combinePart } from '../../lib/nn/combine.ts';
import { fit, GradientPool, MLP, makeOptimizer, type Optimizer, RMSprop } from '../../lib/nn/index.ts';
import { createRng } from '../../lib/rng.ts';

function problem(count: number, features: number, seed: number) {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: count * features }, () => (rng.next() < 0.5 ? 0 : rng.uniform(0, 1)));
  const y = Uint8Array.from({ length: count }, (_, i) => i % 3);
  return { x, y, count, features };
}

// Vitest's TypeScript loader does not reach worker threads: they get the scripts' one.
const loader = new URL('../../scripts/register.mjs', import.meta.url);

const specs = [
  { units: 6, activation: 'relu' as const },
  { units: 3, activation: 'softmax' as const },
];

describe('GradientPool', () => {
  it('splits a batch over threads and combines the gradients into the batch mean', async () => {
    const data = problem(13, 5, 1); // 13 rows: parts of 7 and 6
    const single = new MLP(5, specs, { seed: 2 });
    const pooled = new MLP(5, specs, { seed: 2 });
    const pool = await GradientPool.start(pooled, { workers: 1, maxRows: 64, loader });
    try {
      expect(pool.threads).toBe(2);
      const a = single.lossAndGradients(data.x, data.y, 13);
      const b = pool.lossAndGradients(data.x, data.y, 13);
      expect(b.loss).toBeCloseTo(a.loss, 6);
      expect(b.correct).toBe(a.correct);
      a.grads.forEach((g, k) => {
        expect(Array.from(b.grads[k] as Float32Array)).toBeAllClose(Array.from(g), { rtol: 1e-5, atol: 1e-7 });
      });
      // A batch too small to split still works (the worker's part is empty).
      const c = pool.lossAndGradients(data.x, data.y, 1);
      expect(c.loss).toBeCloseTo(single.lossAndGradients(data.x, data.y, 1).loss, 6);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('trains to the same weights as one thread, since workers read the shared, updated weights', async () => {
    const data = problem(40, 5, 3);
    const single = new MLP(5, specs, { seed: 4 });
    const pooled = new MLP(5, specs, { seed: 4 });
    const pool = await GradientPool.start(pooled, { workers: 1, maxRows: 16, loader });
    try {
      const options = { epochs: 3, batchSize: 8, seed: 5 };
      fit(single, makeOptimizer('rmsprop', 0.01), data, options);
      fit(pooled, makeOptimizer('rmsprop', 0.01), data, { ...options, gradients: pool });
      single.params().forEach((p, k) => {
        expect(Array.from(pooled.params()[k] as Float32Array)).toBeAllClose(Array.from(p), { rtol: 1e-4, atol: 1e-6 });
      });
      expect(() => pool.lossAndGradients(new Float32Array(5 * 100), new Uint8Array(100), 100)).toThrow(
        /a batch of 100 needs 50 rows per thread, but the pool holds 16/,
      );
    } finally {
      await pool.close();
    }
  }, 60_000);

  it.each(['sgd', 'momentum', 'adam'])(
    'shares out the %s update over the threads and trains to the weights of one thread',
    async (name) => {
      const data = problem(30, 5, 8);
      const single = new MLP(5, specs, { seed: 9 });
      const pooled = new MLP(5, specs, { seed: 9 });
      const pool = await GradientPool.start(pooled, { workers: 1, maxRows: 16, loader });
      try {
        const options = { epochs: 2, batchSize: 10, seed: 10 };
        fit(single, makeOptimizer(name, 0.01), data, options);
        fit(pooled, makeOptimizer(name, 0.01), data, { ...options, gradients: pool });
        single.params().forEach((p, k) => {
          expect(Array.from(pooled.params()[k] as Float32Array)).toBeAllClose(Array.from(p), {
            rtol: 1e-4,
            atol: 1e-6,
          });
        });
      } finally {
        await pool.close();
      }
    },
    60_000,
  );

  it("an optimizer without spec() (a wrapper of one's own) updates on the main thread, with the same result", async () => {
    const data = problem(30, 5, 12);
    const single = new MLP(5, specs, { seed: 13 });
    const pooled = new MLP(5, specs, { seed: 13 });
    const pool = await GradientPool.start(pooled, { workers: 1, maxRows: 16, loader });
    try {
      const inner = makeOptimizer('rmsprop', 0.01);
      const wrapper: Optimizer = { name: 'wrapper', step: (params, grads) => inner.step(params, grads) };
      const options = { epochs: 2, batchSize: 10, seed: 14 };
      fit(single, makeOptimizer('rmsprop', 0.01), data, options);
      fit(pooled, wrapper, data, { ...options, gradients: pool });
      single.params().forEach((p, k) => {
        expect(Array.from(pooled.params()[k] as Float32Array)).toBeAllClose(Array.from(p), { rtol: 1e-4, atol: 1e-6 });
      });
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('RMSprop.stepMean (two threads’ gradients summed inside the SIMD kernel)', () => {
  const sizes = [37, 5]; // not multiples of 4: the kernels' tails too
  const arrays = (seed: number, scale: number) => {
    const rng = createRng(seed);
    return sizes.map((n) => Float32Array.from({ length: n }, () => rng.uniform(-scale, scale)));
  };

  it('updates each part as combinePart then step would, over two steps (the state carried)', () => {
    const fused = new RMSprop(0.01);
    const reference = new RMSprop(0.01);
    const w = arrays(1, 1);
    const wRef = w.map((p) => p.slice());
    const weights = [0.375, 0.625]; // rows 3 and 5 of a batch of 8
    for (const seed of [2, 3]) {
      const sources = [arrays(seed, 1), arrays(seed + 10, 1)];
      const combined = sizes.map((n) => new Float32Array(n));
      for (const index of [0, 1]) {
        const part = { index, count: 2 };
        expect(fused.stepMean(w, sources, weights, part)).toBe(true);
        combinePart(combined, sources, weights, part);
        reference.step(wRef, combined, part);
      }
    }
    // float32 sums in the kernel, float64 products rounded once in combinePart: a few ulps apart
    w.forEach((p, k) => {
      expect(p).toHaveLength(sizes[k] as number);
      expect(Array.from(p)).toBeAllClose(Array.from(wRef[k] as Float32Array), { rtol: 1e-5, atol: 1e-7 });
    });
  });

  it('declines, changing nothing, where a thread had no rows or there are three threads', () => {
    const optimizer = new RMSprop(0.01);
    const w = arrays(4, 1);
    const before = w.map((p) => Array.from(p));
    const part = { index: 0, count: 1 };
    const g = () => arrays(5, 1);
    expect(optimizer.stepMean(w, [g(), g()], [1, 0], part)).toBe(false);
    expect(optimizer.stepMean(w, [g(), g(), g()], [0.5, 0.25, 0.25], part)).toBe(false);
    expect(w.map((p) => Array.from(p))).toEqual(before);
  });
});
