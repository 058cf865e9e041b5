/**
 * lib/ops against TensorFlow.js on special values — NaN, ±Infinity, −0, subnormals, the largest
 * float32, values whose exp overflows — on TF.js' cpu and wasm backends, with the divergences
 * that the ops' NOTEs document (tests/support/special-values.ts explains the comparison).
 */
import { describe, expect, it } from 'vitest';
import { NDArray } from '../../lib/ndarray.ts';
import * as ops from '../../lib/ops/index.ts';
import type { Tensor, Tf } from '../../lib/oracle.ts';
import {
  type Case,
  type Divergence,
  expectAgrees,
  expectSprinkledProductsAgree,
  F32_MAX,
  F32_MIN_SUBNORMAL,
  f32Rows,
  pairCase,
  productCases,
  STD_MIN_MAX_ON_WASM,
  SUBNORMAL_FLUSHED_ON_WASM,
  show,
  softmaxRows,
  specialInputs,
} from '../support/special-values.ts';

const { names, x, pairs } = specialInputs();

const unary = (
  name: string,
  ours: (x: NDArray) => NDArray,
  tf: (tf: Tf, t: Tensor) => Tensor,
  differs?: Case['differs'],
): Case => ({ name, inputs: [x], ours, tf: (t, v) => tf(t, v as Tensor), label: (i) => `(${names[i]})`, differs });

const binary = (
  name: string,
  ours: (a: NDArray, b: NDArray) => NDArray,
  tf: (tf: Tf, a: Tensor, b: Tensor) => Tensor,
  differs?: Case['differs'],
): Case => pairCase(name, [pairs.a, pairs.b], ours, tf, differs);

describe('element-wise ops on every special value and every pair of them', () => {
  const cases = [
    unary('neg', ops.neg, (tf, t) => tf.neg(t)),
    unary('exp', ops.exp, (tf, t) => tf.exp(t)),
    unary('log', ops.log, (tf, t) => tf.log(t)),
    unary('sqrt', ops.sqrt, (tf, t) => tf.sqrt(t)),
    unary('square', ops.square, (tf, t) => tf.square(t)),
    unary('relu', ops.relu, (tf, t) => tf.relu(t)),
    unary('tanh', ops.tanh, (tf, t) => tf.tanh(t)),
    unary('sigmoid', ops.sigmoid, (tf, t) => tf.sigmoid(t), SUBNORMAL_FLUSHED_ON_WASM),
    binary('add', ops.add, (tf, a, b) => tf.add(a, b)),
    binary('sub', ops.sub, (tf, a, b) => tf.sub(a, b)),
    binary('mul', ops.mul, (tf, a, b) => tf.mul(a, b)),
    binary('div', ops.div, (tf, a, b) => tf.div(a, b)),
    binary('maximum', ops.maximum, (tf, a, b) => tf.maximum(a, b), { wasm: STD_MIN_MAX_ON_WASM }),
    binary('minimum', ops.minimum, (tf, a, b) => tf.minimum(a, b), { wasm: STD_MIN_MAX_ON_WASM }),
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s agrees with TF.js (cpu and wasm)', async (_, c) => {
    await expectAgrees(c);
  });

  it('keeps NaN in relu and maximum, where `>` comparisons would drop it', () => {
    // relu(NaN) and maximum(NaN, 0): every comparison with NaN is false, so `v > 0 ? v : 0` gives 0
    expect(Number.isNaN(ops.relu(NDArray.fromFlat([Number.NaN], [1])).data[0])).toBe(true);
    const m = ops.maximum(NDArray.fromFlat([Number.NaN, 1], [2]), NDArray.fromFlat([1, Number.NaN], [2]));
    expect(Array.from(m.data).every(Number.isNaN)).toBe(true);
    expect(Object.is(ops.relu(NDArray.fromFlat([-0], [1])).data[0], 0)).toBe(true);
  });

  it('on float64 arrays keeps float64 range, as documented (no float32 overflow or underflow)', () => {
    const big = NDArray.fromFlat([89, F32_MIN_SUBNORMAL, F32_MAX], [3]);
    // e^89 ≈ 4.5e38 > max float32; (2^-149)² = 2^-298; (3.4e38)² ≈ 1.2e77: all finite, nonzero in float64
    expect(ops.exp(big).data[0]).toBeCloseTo(Math.exp(89), -30);
    expect(ops.square(big).data[1]).toBe(2 ** -298);
    expect(Number.isFinite(ops.square(big).data[2])).toBe(true);
  });
});

describe('reductions on rows of special values', () => {
  const rows = f32Rows([
    [1, Number.NaN, 3],
    [Number.NaN, 1, 3],
    [1, 3, Number.NaN],
    [-0, -0, -0],
    [0, -0, 0],
    [-0, 0, -0],
    [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1],
    [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
    [1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
    [F32_MIN_SUBNORMAL, 0, -0],
    [F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL, F32_MIN_SUBNORMAL],
    [F32_MAX, F32_MAX, -F32_MAX], // the float32 partial sum overflows, the float64 one does not
    [-F32_MAX, -F32_MAX, 0],
    [1e38, 1e38, 1e38],
  ]);
  const label = (i: number) => `row ${i} [${Array.from(rows.data.subarray(i * 3, i * 3 + 3), show).join(', ')}]`;
  const at =
    (table: Record<number, number>): Divergence =>
    (i) =>
      table[i];
  const cases: Case[] = [
    {
      name: 'sum',
      inputs: [rows],
      ours: (r) => ops.sum(r, 1),
      tf: (tf, r) => tf.sum(r as Tensor, 1),
      terms: 3,
      differs: { wasm: at({ 11: Number.POSITIVE_INFINITY }) },
    },
    {
      name: 'mean',
      inputs: [rows],
      ours: (r) => ops.mean(r, 1),
      tf: (tf, r) => tf.mean(r as Tensor, 1),
      terms: 4,
      differs: {
        cpu: at({ 10: 0 }), // 2^-149 / 3 rounds to 0 before the sum
        wasm: at({ 11: Number.POSITIVE_INFINITY, 12: Number.NEGATIVE_INFINITY }),
      },
    },
    { name: 'max', inputs: [rows], ours: (r) => ops.max(r, 1), tf: (tf, r) => tf.max(r as Tensor, 1) },
    {
      name: 'argmax',
      inputs: [rows],
      ours: (r) => NDArray.fromFlat(ops.argmax(r), [r.shape[0]], 'float32'),
      tf: (tf, r) => tf.argMax(r as Tensor, 1),
    },
  ];
  for (const c of cases) c.label = label;
  it.each(cases.map((c) => [c.name, c] as const))('%s agrees with TF.js (cpu and wasm)', async (_, c) => {
    await expectAgrees(c);
  });
});

describe('softmax and logSoftmax on rows of special values', () => {
  const rows = softmaxRows();
  const label = (i: number) => `row ${Math.floor(i / 3)} [${i % 3}]`;
  const cases: [string, (x: NDArray) => NDArray, (tf: Tf, t: Tensor) => Tensor, Case['differs']][] = [
    ['softmax', ops.softmax, (tf, t) => tf.softmax(t), SUBNORMAL_FLUSHED_ON_WASM],
    ['logSoftmax', ops.logSoftmax, (tf, t) => tf.logSoftmax(t), undefined],
  ];
  it.each(cases)('%s agrees with TF.js (cpu and wasm)', async (name, ours, tf, differs) => {
    await expectAgrees({ name, inputs: [rows], ours, tf: (t, r) => tf(t, r as Tensor), label, terms: 8, differs });
  });
});

describe('matmul with special values', () => {
  const products: [string, (a: NDArray, b: NDArray) => NDArray][] = [
    ['matmul', (a, b) => ops.matmul(a, b)],
    ['matmul with transposeB', (a, b) => ops.matmul(a, ops.transpose(b), { transposeB: true })],
  ];
  it.each(products)(
    '%s: NaN and Infinity in b reach the result through zeros of a, no result is −0, sums are float64 (documented)',
    async (name, ours) => {
      for (const c of productCases(name, ours)) await expectAgrees(c);
    },
  );
  it('agrees with TF.js on seeded random matrices sprinkled with zeros, NaN and ±Infinity', () =>
    expectSprinkledProductsAgree((a, b) => ops.matmul(a, b)));
});

describe('transpose and reshape move special values untouched', () => {
  const m = f32Rows([
    [-0, Number.NaN, F32_MIN_SUBNORMAL],
    [Number.NEGATIVE_INFINITY, F32_MAX, -F32_MIN_SUBNORMAL],
  ]);
  it.each([
    ['transpose', (t: NDArray) => ops.transpose(t), (tf: Tf, t: Tensor) => tf.transpose(t)],
    ['reshape', (t: NDArray) => ops.reshape(t, [3, -1]), (tf: Tf, t: Tensor) => tf.reshape(t, [3, -1])],
  ] as const)('%s agrees with TF.js (cpu and wasm)', async (name, lib, tf) => {
    await expectAgrees({ name, inputs: [m], ours: lib, tf: (t, ...xs) => tf(t, xs[0] as Tensor), terms: 0 });
  });
});
