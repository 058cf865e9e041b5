/**
 * lib/kernels/simd: the checked-in .wasm is the build of its .wat, and the SIMD kernels agree
 * with the plain TypeScript kernels and with TensorFlow.js on seeded random shapes (the edges
 * of the 4×8 tile included), on NaN and ±Infinity, and refuse what the plain kernels cannot do.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import * as plainKernels from '../../lib/kernels/matmul.ts';
import { rmspropStep } from '../../lib/kernels/optimizers.ts';
import {
  chooseKernels,
  createSimdKernels,
  type MatmulKernel,
  matmulKernels,
  rmspropKernel,
  SPARSE_MIN_COLUMNS,
} from '../../lib/kernels/simd/index.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { transpose } from '../../lib/ops/index.ts';
import { loadOracle, type Oracle, runOracle, type Tensor } from '../../lib/oracle.ts';
import { createRng } from '../../lib/rng.ts';
import { float32Tolerance } from '../../lib/tolerance.ts';
import { assemble, wasmPath, watPath } from '../../scripts/build-simd.ts';
import {
  expectAgrees,
  expectSprinkledProductsAgree,
  F32_MAX,
  overflowingProduct,
  specialMatrices,
  specialMismatches,
  sprinkledProducts,
} from '../support/special-values.ts';

let oracle: Oracle;
beforeAll(async () => {
  oracle = await loadOracle();
});

const simd = matmulKernels();

type Kind = 'matmul' | 'matmulTransA' | 'matmulTransB';
const KINDS: Kind[] = ['matmul', 'matmulTransA', 'matmulTransB'];
const PLAIN: Record<Kind, MatmulKernel> = {
  matmul: plainKernels.matmul,
  matmulTransA: plainKernels.matmulTransA,
  matmulTransB: plainKernels.matmulTransB,
};

/** The stored form of a [m×k] and b [k×n] that `kind` reads: a as k×m for transA, b as n×k for transB. */
function stored(kind: Kind, a: NDArray, b: NDArray): [Float32Array, Float32Array] {
  const t = (x: NDArray) => transpose(x).clone('float32').data as Float32Array;
  const f = (x: NDArray) => x.clone('float32').data as Float32Array;
  return [kind === 'matmulTransA' ? t(a) : f(a), kind === 'matmulTransB' ? t(b) : f(b)];
}

/** out = a·b through `kernel` reading the stored form of `kind`. */
function product(kernel: MatmulKernel, kind: Kind, a: NDArray, b: NDArray): NDArray {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1];
  const out = new Float32Array(m * n).fill(Number.NaN); // every element must be written
  kernel(out, ...stored(kind, a, b), m, k, n);
  return new NDArray(out, [m, n]);
}

/** A seeded float32 matrix with entries uniform in [−1, 1). */
function uniform(rows: number, cols: number, seed: number): NDArray {
  const rng = createRng(seed);
  return NDArray.fromFlat(
    Array.from({ length: rows * cols }, () => rng.uniform(-1, 1)),
    [rows, cols],
    'float32',
  );
}

// Sizes on both sides of the tile's 4 rows and 8 columns, 1, and larger ones.
const size = fc.oneof(fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17), fc.integer({ min: 1, max: 70 }));
// Columns of out enough for the sparse path (fewer go to the dense kernel), its edges included.
const wide = fc.integer({ min: SPARSE_MIN_COLUMNS, max: SPARSE_MIN_COLUMNS + 37 });

describe('build', () => {
  it('matmul.wasm is the build of matmul.wat (run npm run build-simd after editing the .wat)', async () => {
    const built = await assemble(readFileSync(watPath, 'utf8'));
    expect(Buffer.from(built).equals(readFileSync(wasmPath))).toBe(true);
  });

  it('uses SIMD here, and without it falls back to the plain kernels with one warning', () => {
    expect(simd.simd).toBe(true);
    expect(matmulKernels()).toBe(simd);
    const warn = vi.fn();
    const truncated = readFileSync(wasmPath).subarray(0, 40); // what WebAssembly.validate refuses
    const fallback = chooseKernels(truncated, warn);
    expect(fallback).toEqual({ ...PLAIN, simd: false });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/no WebAssembly SIMD; matmul uses the plain TypeScript kernels/);
  });
});

describe.each(KINDS)('%s', (kind) => {
  it('computes a worked example', () => {
    // [[1,2],[3,4]]·[[5,6],[7,8]] = [[1·5+2·7, 1·6+2·8], [3·5+4·7, 3·6+4·8]] = [[19,22],[43,50]]
    const a = NDArray.fromNested([[1, 2], [3, 4]], 'float32'); // biome-ignore format: a matrix
    const b = NDArray.fromNested([[5, 6], [7, 8]], 'float32'); // biome-ignore format: a matrix
    const out = product(simd[kind], kind, a, b);
    expect(out).toHaveShape([2, 2]);
    expect(out).toBeAllClose(NDArray.fromNested([[19, 22], [43, 50]], 'float32')); // biome-ignore format: a matrix
  });

  it('agrees with the plain kernel and tf.matMul on seeded random shapes, edges of the 4×8 tile included', () => {
    fc.assert(
      fc.property(size, size, size, fc.integer(), (m, k, n, seed) => {
        const a = uniform(m, k, seed);
        const b = uniform(k, n, seed + 1);
        const got = product(simd[kind], kind, a, b);
        expect(got).toHaveShape([m, n]);
        // Products of numbers in [−1, 1): sums within ±k, so the scale of the atol is √k at most on average.
        const tol = float32Tolerance(k, Math.sqrt(k));
        expect(got).toBeAllClose(product(PLAIN[kind], kind, a, b), tol);
        expect(got).toBeAllClose(
          runOracle(oracle, (tf, x, y) => tf.matMul(x as Tensor, y as Tensor), a, b),
          tol,
        );
      }),
    );
  });

  it('agrees with tf.matMul at the bench shapes 128×784·784×512 and 784×128·128×512, then at a smaller one', () => {
    for (const [m, k, n] of [
      [128, 784, 512],
      [784, 128, 512],
      [3, 5, 2], // memory, grown for the big ones, is reused
    ] as const) {
      const a = uniform(m, k, m + k);
      const b = uniform(k, n, k + n);
      const got = product(simd[kind], kind, a, b);
      expect(got).toHaveShape([m, n]);
      const want = runOracle(oracle, (tf, x, y) => tf.matMul(x as Tensor, y as Tensor), a, b);
      expect(got).toBeAllClose(want, float32Tolerance(k, Math.sqrt(k)));
    }
  });

  it('agrees with the plain kernel on a mostly zero a (the sparse path: 81% zeros, as MNIST pixels), NaN in b included', () => {
    fc.assert(
      fc.property(size, size, wide, fc.integer(), fc.boolean(), (m, k, n, seed, nan) => {
        const a = uniform(m, k, seed);
        const rng = createRng(seed + 2);
        for (let i = 0; i < a.size; i++) if (rng.next() < 0.81) a.data[i] = 0;
        const b = uniform(k, n, seed + 1);
        // a NaN in b sends the product to the dense path: 0·NaN is NaN, a zero of a cannot be skipped
        if (nan) b.data[rng.int(0, b.size)] = Number.NaN;
        const got = product(simd[kind], kind, a, b);
        expect(got).toHaveShape([m, n]);
        const want = product(PLAIN[kind], kind, a, b);
        expect(specialMismatches(got.data, want.data, float32Tolerance(k, Math.sqrt(k)))).toEqual([]);
      }),
    );
  });

  it('k = 0 gives zeros; m = 0 or n = 0 writes nothing', () => {
    const out = new Float32Array(6).fill(Number.NaN);
    simd[kind](out, new Float32Array(0), new Float32Array(0), 2, 0, 3);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
    const untouched = new Float32Array(2).fill(7);
    simd[kind](untouched, new Float32Array(0), new Float32Array(6), 0, 3, 2);
    simd[kind](untouched, new Float32Array(6), new Float32Array(0), 2, 3, 0);
    expect(Array.from(untouched)).toEqual([7, 7]);
  });

  it('propagates NaN and ±Infinity exactly as the plain kernel does (0·Infinity is NaN)', () => {
    fc.assert(
      fc.property(sprinkledProducts(), ([a, b]) => {
        const got = product(simd[kind], kind, a, b);
        const want = product(PLAIN[kind], kind, a, b);
        expect(specialMismatches(got.data, want.data, { rtol: 0, atol: 0 })).toEqual([]);
      }),
    );
  });

  it('agrees with TF.js (cpu and wasm) on NaN, ±Infinity and ±0; sums overflow in float32 as on wasm', async () => {
    const ours = (p: NDArray, q: NDArray) => product(simd[kind], kind, p, q);
    const { a, b } = specialMatrices();
    const tf = (t: typeof oracle.tf, p: Tensor, q: Tensor) => t.matMul(p, q);
    await expectAgrees({ name: kind, inputs: [a, b], ours: (p, q) => ours(p as NDArray, q as NDArray), tf, terms: 3 });
    // NOTE in matmul.wat: float32 sums; [[max, max, −max]]·[[1],[1],[1]] is Infinity, on cpu max
    await expectAgrees({
      name: `${kind} overflowing`,
      inputs: overflowingProduct(),
      ours: (p, q) => ours(p as NDArray, q as NDArray),
      tf,
      differs: { cpu: () => F32_MAX },
    });
    await expectSprinkledProductsAgree(ours);
  });

  it('refuses arrays too short for m, k, n, bad sizes, and an out that overlaps a or b', () => {
    const kernel = simd[kind];
    const f = (size: number) => new Float32Array(size);
    expect(() => kernel(f(5), f(6), f(9), 2, 3, 3)).toThrowKind(
      ShapeError,
      /out has 5 elements, needs 6 \(m 2, k 3, n 3\)/,
    );
    expect(() => kernel(f(6), f(5), f(9), 2, 3, 3)).toThrowKind(ShapeError, /a has 5 elements, needs 6/);
    expect(() => kernel(f(6), f(6), f(8), 2, 3, 3)).toThrowKind(ShapeError, /b has 8 elements, needs 9/);
    expect(() => kernel(f(6), f(6), f(9), 2, 3.5, 3)).toThrowKind(ArgumentError, /k must be an integer ≥ 0, got 3.5/);
    expect(() => kernel(f(6), f(6), f(9), -1, 3, 3)).toThrowKind(ArgumentError, /m must be an integer ≥ 0, got -1/);
    const shared = f(30);
    // out = shared[0..6), a = shared[4..10): two elements in common
    expect(() => kernel(shared.subarray(0, 6), shared.subarray(4), f(9), 2, 3, 3)).toThrowKind(
      ArgumentError,
      new RegExp(`${kind}: out must not overlap a`),
    );
    expect(() => kernel(shared.subarray(20, 26), f(6), shared.subarray(12, 21), 2, 3, 3)).toThrowKind(
      ArgumentError,
      /out must not overlap b/,
    );
    // Neighbours in one buffer are fine, and longer arrays are used up to m·k, k·n, m·n.
    const out = shared.subarray(0, 7);
    const a = shared.subarray(7, 13).fill(1);
    const b = shared.subarray(13).fill(2);
    kernel(out, a, b, 2, 3, 3);
    expect(Array.from(out)).toEqual([6, 6, 6, 6, 6, 6, 0]);
  });
});

describe('rmspropStep', () => {
  const kernel = createSimdKernels().rmspropStep;

  it('computes a worked example, and is what lib/nn uses here', () => {
    // s = 0.9·0 + 0.1·2² = 0.4; w = 1 − 0.1·2 / (√0.4 + 0) = 1 − 0.316228 = 0.683772
    const w = Float32Array.of(1, 5);
    const s = Float32Array.of(0, 7);
    kernel(w, s, Float32Array.of(2, 9), 1, 0.1, 0.9, 0);
    expect(w[0]).toBeCloseTo(0.683772, 6);
    expect(s[0]).toBeCloseTo(0.4, 7);
    expect([w[1], s[1]]).toEqual([5, 7]); // past n: untouched
    expect(rmspropKernel()).not.toBe(rmspropStep);
  });

  it('agrees with the plain kernel over several steps, lengths that are no multiple of 4 included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 }), fc.integer(), (n, seed) => {
        const rng = createRng(seed);
        const init = Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
        const [w1, w2] = [Float32Array.from(init), Float32Array.from(init)];
        const [s1, s2] = [new Float32Array(n), new Float32Array(n)];
        for (let step = 0; step < 3; step++) {
          const g = Float32Array.from({ length: n }, () => rng.uniform(-2, 2));
          kernel(w1, s1, g, n, 1e-3, 0.9, 1e-7);
          rmspropStep(w2, s2, g, n, 1e-3, 0.9, 1e-7);
        }
        // float32 intermediates against float64 ones: a few float32 roundings of w (|w| ≤ 1.01)
        const shape = [n];
        expect(new NDArray(w1, shape)).toBeAllClose(new NDArray(w2, shape), { rtol: 1e-6, atol: 1e-6 });
        expect(new NDArray(s1, shape)).toBeAllClose(new NDArray(s2, shape), { rtol: 1e-5, atol: 0 });
      }),
    );
  });
});

/** out[m×n] of `first`, then of `second`, on the same arguments: equal element for element (NaN too). */
function expectSameProduct(
  first: MatmulKernel,
  second: MatmulKernel,
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
) {
  const got = new Float32Array(m * n);
  first(got, a, b, m, k, n);
  const want = new Float32Array(m * n);
  second(want, a, b, m, k, n);
  expect(got).toHaveLength(m * n);
  expect(Array.from(got)).toEqual(Array.from(want));
}

describe('matmulKeep and matmulTransAKept (x·W, then xᵀ·dZ from the same list of x)', () => {
  const kernels = createSimdKernels();

  it('xᵀ·dZ from the kept list is matmulTransA to the bit; another a, or NaN in dZ, falls back', () => {
    fc.assert(
      fc.property(size, size, wide, fc.integer(), fc.boolean(), (rows, cols, units, seed, nan) => {
        const rng = createRng(seed);
        // x [rows×cols] with 81% zeros (an MNIST batch), W [cols×units], dZ [rows×units]
        const x = Float32Array.from({ length: rows * cols }, () => (rng.next() < 0.81 ? 0 : rng.uniform(0, 1)));
        const W = Float32Array.from({ length: cols * units }, () => rng.uniform(-1, 1));
        const dZ = Float32Array.from({ length: rows * units }, () => rng.uniform(-1, 1));
        if (nan) dZ[rng.int(0, dZ.length)] = Number.NaN;
        expectSameProduct(kernels.matmulKeep, kernels.matmul, x, W, rows, cols, units);
        // x itself, then a copy of x: another a, for which the kept list is not used
        for (const a of [x, Float32Array.from(x, (v) => v * 2)])
          expectSameProduct(kernels.matmulTransAKept, kernels.matmulTransA, a, dZ, cols, rows, units);
      }),
    );
  });
});
