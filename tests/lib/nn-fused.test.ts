/**
 * lib/nn's relu passes: the Float32Array-only addBias + relu and reluBackward of lib/nn/fused.ts,
 * and their branch-free WebAssembly SIMD twins (lib/kernels/simd), give exactly what the
 * general kernels of lib/kernels give, special values included (seeded).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../lib/errors.ts';
import * as K from '../../lib/kernels/index.ts';
import { createSimdKernels } from '../../lib/kernels/simd/index.ts';
import * as fused from '../../lib/nn/fused.ts';
import { createRng } from '../../lib/rng.ts';

const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0];

/** Seeded float32 numbers in [−1, 1), about one in five a NaN, ±Infinity or ±0. */
function sprinkled(size: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: size }, () =>
    rng.uniform(0, 1) < 0.2 ? SPECIAL[Math.floor(rng.uniform(0, SPECIAL.length))] : rng.uniform(-1, 1),
  );
}

/** Element by element with Object.is, so that NaN matches NaN and −0 does not match +0. */
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

const simd = createSimdKernels();

describe.each([
  ['lib/nn/fused.ts', fused],
  ['the SIMD kernels', { addBiasRelu: simd.addBiasRelu, reluBackward: simd.reluBackward }],
])('lib/nn relu passes: %s', (_, { addBiasRelu, reluBackward }) => {
  it('addBiasRelu: a worked example', () => {
    // rows [1, −2] and [NaN, −0] plus bias [0.5, 0]: relu([1.5, −2], [NaN, −0 + 0 = +0]) = [1.5, 0, NaN, +0]
    const z = Float32Array.of(1, -2, Number.NaN, -0);
    addBiasRelu(z, Float32Array.of(0.5, 0), 2, 2);
    expect(z).toHaveLength(4);
    expect(Array.from(z)).toEqual([1.5, 0, Number.NaN, 0]);
    expect(Object.is(z[3], 0)).toBe(true);
  });

  it('addBiasRelu is K.addBias then K.relu, exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 40 }), fc.integer(), (m, n, seed) => {
        const z = sprinkled(m * n, seed);
        const bias = sprinkled(n, seed + 1);
        const want = new Float32Array(m * n);
        K.addBias(want, z, bias, m, n);
        K.relu(want, want, m * n);
        addBiasRelu(z, bias, m, n);
        expect(z).toHaveLength(m * n);
        expect(same(z, want)).toBe(true);
      }),
    );
  });

  it('reluBackward is K.reluBackward, exactly (NaN and ±Infinity in d stay NaN where y = 0)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (size, seed) => {
        const d = sprinkled(size, seed);
        const y = sprinkled(size, seed + 1).map((v) => (Number.isNaN(v) ? 0 : Math.max(v, 0)));
        const want = new Float32Array(size);
        K.reluBackward(want, d, y, size);
        reluBackward(d, y, size);
        expect(d).toHaveLength(size);
        expect(same(d, want)).toBe(true);
      }),
    );
  });
});

describe('the SIMD relu passes', () => {
  it('read only the first m·n (or size) elements, and refuse arrays too short for them', () => {
    const z = Float32Array.of(-1, 2, 3, 99);
    simd.addBiasRelu(z, Float32Array.of(0, 0, 0, 7), 1, 3);
    expect(Array.from(z)).toEqual([0, 2, 3, 99]);
    expect(() => simd.addBiasRelu(new Float32Array(5), new Float32Array(3), 2, 3)).toThrowKind(
      ShapeError,
      /addBiasRelu: z has 5 elements and bias 3, needs 6 and 3/,
    );
    expect(() => simd.reluBackward(new Float32Array(4), new Float32Array(3), 4)).toThrowKind(
      ShapeError,
      /reluBackward: d has 4 elements and y 3, needs 4 each/,
    );
  });
});
