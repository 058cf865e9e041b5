/**
 * TF.js' own expected values for matrix products, ported from tfjs-core/src/ops/mat_mul_test.ts
 * (tensorflow/tfjs, see ./util.ts): its describes 'matmul', 'matmulBatch' and 'dot', one test per
 * upstream test, named as upstream names it. lib/ops' matmul takes rank-2 arrays, so tf.dot's
 * vectors become [1,k] rows and [k,1] columns there; the batched cases run against exercise 03's
 * reference solution (vectorDot, matrixVectorDot, batchedMatmul), whose API takes them as they are.
 */
import { describe, expect, it } from 'vitest';
import type { NDArray } from '../../../lib/ndarray.ts';
import * as ops from '../../../lib/ops/index.ts';
import * as s03 from '../../../solutions/03-matmul/matmul.ts';
import { expectArraysClose, tensor } from './util.ts';

const N = Number.NaN;
const row = (v: number[]) => tensor(v, [1, v.length]);
const column = (v: number[]) => tensor(v, [v.length, 1]);

describe("tfjs-core/src/ops/mat_mul_test.ts: matmul (lib/ops, and exercise 03's solution)", () => {
  const a23 = () => tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const b23 = () => tensor([1, 0, 2, 4, 3, 0], [2, 3]);
  it('A x B', () => {
    const c = ops.matmul(a23(), tensor([0, 1, -3, 2, 2, 1], [3, 2]));
    expect(c).toHaveShape([2, 2]);
    expectArraysClose(c, [0, 8, -3, 20]);
  });
  it('[8,4]x[4,8]', () => {
    const a = tensor(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 1, 2, 3, 4, 5, 6, 7, 8],
      [8, 4],
    );
    const b = tensor(
      [0, 1, -3, 2, 1, -1, 0, 5, 6, 7, 8, 0, -2, -2, 1, 9, 11, 10, 0, 1, -3, 2, 1, -1, 1, 2, 3, 4, 5, 6, 7, 8],
      [4, 8],
    );
    const c = ops.matmul(a, b);
    expect(c).toHaveShape([8, 8]);
    expectArraysClose(
      c,
      [
        49, 53, 25, 21, 8, 25, 33, 52, 121, 133, 57, 49, 12, 45, 69, 136, 193, 213, 89, 77, 16, 65, 105, 220, 265, 293,
        121, 105, 20, 85, 141, 304, 337, 373, 153, 133, 24, 105, 177, 388, 409, 453, 185, 161, 28, 125, 213, 472, 49,
        53, 25, 21, 8, 25, 33, 52, 121, 133, 57, 49, 12, 45, 69, 136,
      ],
    );
  });
  it('matmul followed by mul', () => {
    const c = ops.matmul(tensor([1, 2, 3, 4], [2, 2]), tensor([1, 2, 3, 4, 5, 6], [2, 3]));
    const d = ops.mul(c, tensor([0, 1, 0.5, 0, 0.25, 2], [2, 3]));
    expect(d).toHaveShape([2, 3]);
    expectArraysClose(d, [0, 12, 7.5, 0, 6.5, 66]);
  });
  it('A x B^t', () => expectArraysClose(ops.matmul(a23(), b23(), { transposeB: true }), [7, 10, 16, 31]));
  it('A^t x B', () => {
    expectArraysClose(ops.matmul(a23(), b23(), { transposeA: true }), [17, 12, 2, 22, 15, 4, 27, 18, 6]);
  });
  it('A^t x B^t', () => {
    const c = ops.matmul(tensor([1, 2, 3, 4, 5, 6], [3, 2]), b23(), { transposeA: true, transposeB: true });
    expectArraysClose(c, [11, 13, 14, 20]);
  });
  const m22 = () => tensor([1, 2, 3, 4], [2, 2]);
  it('Vector times matrix', () => expectArraysClose(ops.matmul(row([2, 3]), m22()), [11, 16]));
  it('Matrix times vector', () => {
    expectArraysClose(ops.matmul(m22(), column([2, 3])), [8, 18]);
    expectArraysClose(s03.matrixVectorDot(m22(), tensor([2, 3])), [8, 18]);
  });
  it('Matrix * vector propagates NaNs', () => {
    expectArraysClose(ops.matmul(m22(), column([2, N])), [N, N]);
    expectArraysClose(s03.matrixVectorDot(m22(), tensor([2, N])), [N, N]);
  });
  it('Dot product', () => {
    expectArraysClose(ops.matmul(row([2, 3]), column([2, 1])), [7]);
    expectArraysClose(s03.vectorDot(tensor([2, 3]), tensor([2, 1])), [7]);
  });
  it('Dot product propagates NaNs', () => {
    expectArraysClose(ops.matmul(row([2, N]), column([2, 1])), [N]);
    expectArraysClose(s03.vectorDot(tensor([2, N]), tensor([2, 1])), [N]);
  });
  it('Outer product', () => {
    const result = ops.matmul(column([2, 3]), row([2, 1]));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [4, 2, 6, 3]);
  });
});

describe("tfjs-core/src/ops/mat_mul_test.ts: dot (lib/ops, and exercise 03's solution)", () => {
  // upstream's fixtures: a = [1, 2], b = [[1, 2], [3, 4]], c = [[1, 2, 3], [4, 5, 6]]
  const b = () => tensor([1, 2, 3, 4], [2, 2]);
  const c = () => tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  it('vector-vector', () => {
    expectArraysClose(ops.matmul(row([1, 2]), column([1, 2])), [5]);
    expectArraysClose(s03.vectorDot(tensor([1, 2]), tensor([1, 2])), [5]);
  });
  it('vector-matrix', () => {
    expectArraysClose(ops.matmul(row([1, 2]), b()), [7, 10]);
    expectArraysClose(ops.matmul(row([1, 2]), c()), [9, 12, 15]);
  });
  it('matrix-vector', () => {
    expectArraysClose(ops.matmul(b(), column([1, 2])), [5, 11]);
    const ba = s03.matrixVectorDot(b(), tensor([1, 2]));
    expect(ba).toHaveShape([2]);
    expectArraysClose(ba, [5, 11]);
  });
  it('matrix-matrix', () => {
    for (const matmul of [ops.matmul, s03.matmul]) {
      const bb = matmul(b(), b());
      const bc = matmul(b(), c());
      expect(bb).toHaveShape([2, 2]);
      expect(bc).toHaveShape([2, 3]);
      expectArraysClose(bb, [7, 10, 15, 22]);
      expectArraysClose(bc, [9, 12, 15, 19, 26, 33]);
    }
  });
  it('matmul A x B asymmetric', () => {
    for (const matmul of [ops.matmul, s03.matmul]) {
      const result = matmul(tensor([1, 2, 3, 4], [2, 2]), tensor([1, 2, 3, 4, 5, 6], [2, 3]));
      expect(result).toHaveShape([2, 3]);
      expectArraysClose(result, [9, 12, 15, 19, 26, 33]);
    }
  });
  it('broadcast batch shape', () => {
    const result = s03.batchedMatmul(tensor([1, 2, 3, 4], [1, 2, 2]), tensor([1, 2, 3, 4, 5, 6], [2, 3]));
    expect(result).toHaveShape([1, 2, 3]);
    expectArraysClose(result, [9, 12, 15, 19, 26, 33]);
  });
});

type Batch = [string, number[], number[], number[], number[], s03.MatmulOptions, number[]];
// upstream's matrices, extracted from it by a script, not retyped
const A3 = [-5, -5, -6, 8, -2, -8, 4, -7, -6, -9, -1, 3, 7, -2, 5, -6, 3, 8, 7, -8, 1, 4, -4, 6, 4, -4, -9, -5, 2, -2];
const B3 = [-8, -4, -1, 0, -7, 0, 3, 3, 6, 2, -1, 8, -4, 9, -6, 5, 8, 9, -9, 7, 0, -1, -1, -10, -7, 3, 4, 6, 3, -4];
const A4 = [
  -2, 3, 5, -5, 3, 9, -3, -5, 1, 1, -9, 9, -6, 6, -8, -7, -1, 3, 9, -7, -7, 2, 10, -6, -8, -6, 9, -6, 4, -1, 9, -6, 10,
  8, -9, 5, -8, -7, 0, 2, -5, -1, -9, -4, 3, -2, 6, -4, 7, 1, -5, -4, 9, -8, -6, -8, 4, -1, 4, 3, -7, 8, -7, 5, -3, -2,
  -4, 9, 2, -1, 1, -10, -3, 5, -4, 6, -8, -8, 9, -3, -5, 10, 3, -3, -3, 9, 3, -3, 2, -8, 10, 1, 9, -2, -2, -3, -4, 6,
  -10, -1, 8, -8, 7, 3, -2, 3, 6, -2, -2, -4, 1, -5, -4, 0, 5, 1, 9, -8, -2, -1,
];
const B4 = [
  -4, -3, -2, -6, 6, -1, -4, -1, 7, -4, 8, -9, -9, 0, -1, -4, -6, -7, -3, -4, -7, 6, -8, 1, -2, 1, -1, -3, 8, -5, 9, -2,
  5, 9, -2, 2, -5, -5, -8, -1, -2, -3, -2, -10, 6, -3, 0, 1, 6, 7, 1, 2, -4, -5, 2, -5, -7, 9, 3, -6, 6, 4, -4, 6, 10,
  -3, -2, 8, 10, -8, 10, -1, -9, -7, -8, -3, 1, 1, -2, -9, -7, -6, -1, 0, 7, -9, -7, -5, 0, -4, -4, -7, 2, 4, 6, 6, -4,
  -6, -8, 3, -8, -9, 6, 9, -4, 1, -1, 0, 8, 9, 0, -5, 3, -1, 5, 0, -10, 7, -2, 6,
];
const BATCH_CASES: Batch[] = [
  [
    'A x B',
    A3,
    [5, 2, 3],
    B3,
    [5, 3, 2],
    {},
    [87, 20, -6, -32, -24, -50, -36, -5, 24, 98, 70, 33, -64, 47, -42, -28, -71, 24, 37, 5],
  ],
  [
    'A x B in 4D',
    A4,
    [4, 5, 2, 3],
    B4,
    [4, 5, 3, 2],
    {},
    [
      32, -17, 68, -12, -15, 14, 5, -46, 96, 32, 46, -17, 78, -85, -28, 46, 94, -35, 0, -13, 31, -52, 17, -87, 96, 47,
      32, -2, -6, 105, 40, -2, 63, 76, 17, 30, 56, -66, -21, 23, -144, 41, 22, 8, 118, -106, -88, -6, -17, 2, 2, -26, 8,
      -63, -38, -108, -84, -30, -35, 49, 16, -12, -14, -12, 48, 132, 4, 102, 32, 66, -4, 33, -13, 1, -40, -25, -3, 61,
      -18, -20,
    ],
  ],
  [
    'A x B^t',
    A3,
    [5, 2, 3],
    B3,
    [5, 2, 3],
    { transposeB: true },
    [66, 35, -48, 14, -45, -33, -12, 7, -76, 64, 3, 66, -119, -9, -64, -60, -76, 48, 33, -16],
  ],
  [
    'A^t x B',
    A3,
    [5, 2, 3],
    B3,
    [5, 2, 3],
    { transposeA: true },
    [
      40, -36, 5, 40, 34, 5, 48, 80, 6, -6, 21, -48, -23, -20, -50, -12, -21, -12, -58, 15, -96, 23, 6, 39, 20, 109, 42,
      -67, 45, -40, 76, -52, 40, -15, 1, -60, -58, -3, 36, 40, -6, -24, 51, -33, -28,
    ],
  ],
  [
    'A^t x B in 4D',
    A4,
    [4, 5, 2, 3],
    B4,
    [4, 5, 2, 3],
    { transposeA: true },
    [
      38, -24, 9, -30, 9, -9, -74, 39, -19, 8, 11, -30, 56, -67, 46, -40, 71, -74, 82, 42, 55, -50, 6, 1, 60, -18, -13,
      -15, -52, -61, 81, -52, 59, -15, 76, 43, 34, -56, 38, 0, 26, -14, -15, 1, -4, 153, -34, 61, -135, 30, -48, 135,
      -30, 60, 38, 36, 58, 40, 45, 71, 1, 2, 3, 24, 90, -56, -10, 40, -18, 6, -30, 14, 34, 65, 27, 24, -29, -44, -46,
      -3, 35, -21, 27, 48, 20, 52, 32, 35, -11, -46, -12, 22, 13, 30, 2, -23, -54, -48, 34, 16, -42, -39, -26, 82, 89,
      76, -84, 30, 9, 27, 30, -21, -43, -48, 60, 20, 24, -78, -91, -63, -12, 24, 21, 28, 48, 35, -6, 27, 33, 53, -81,
      -71, 61, -27, 11, -48, -82, 8, -12, -19, -10, -48, -81, 0, 13, 32, 41, 0, -100, -120, 16, 124, 152, 45, 60, -28,
      24, 21, -12, -14, -16, 8, 9, -33, 5, -12, -48, 4, 8, 9, 0, -31, 16, -98, -9, 4, -22, 38, 2, -96,
    ],
  ],
  [
    'A^t x B^t',
    A3,
    [5, 3, 2],
    B3,
    [5, 2, 3],
    { transposeA: true, transposeB: true },
    [66, 42, 16, -56, -12, 6, -30, 19, -1, 102, -94, 14, -56, 32, 100, -56, -47, -11, 5, -31],
  ],
  [
    'A has more batch dimensions than B',
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
    [2, 2, 2, 2],
    [1, 2, 3, 4],
    [2, 2, 1],
    {},
    [5, 11, 39, 53, 29, 35, 95, 109],
  ],
];

describe("tfjs-core/src/ops/mat_mul_test.ts: matmulBatch and broadcasts (exercise 03's batchedMatmul)", () => {
  it.each(BATCH_CASES)('%s', (_, a, aShape, b, bShape, options, expected) => {
    const c = s03.batchedMatmul(tensor(a, aShape), tensor(b, bShape), options);
    expect(c).toHaveShape(s03.matmulShape(aShape, bShape, options));
    expectArraysClose(c, expected);
  });
  const batchOf24 = () => [2, 1, 3, 2, 1, 1, 1, 5, 6, 7, 8, 1, 2, 2, 1, 9, 11, 10, 1, 1, 3, 2, 1, 1] as number[];
  it('broadcast with unequal batch dims', () => {
    const c = s03.batchedMatmul(tensor(batchOf24(), [4, 3, 2]), tensor([1, 0.5], [1, 2, 1]));
    expect(c).toHaveShape([4, 3, 1]);
    expectArraysClose(c, [2.5, 4, 1.5, 3.5, 9.5, 8.5, 3, 5.5, 16, 1.5, 4, 1.5]);
  });
  it('broadcast with unequal ranks', () => {
    const c = s03.batchedMatmul(tensor(batchOf24(), [1, 2, 2, 3, 2]), tensor([1, 0.5], [2, 1]));
    expect(c).toHaveShape([1, 2, 2, 3, 1]);
    expectArraysClose(c, [2.5, 4, 1.5, 3.5, 9.5, 8.5, 3, 5.5, 16, 1.5, 4, 1.5]);
  });

  // upstream: batch 3, shared dimension MATMUL_SHARED_DIM_THRESHOLD + 1 = 1001, a 2 at index 10
  const batch = 3;
  const shared = 1001;
  const values = () => {
    const v = new Float32Array(batch * shared);
    v[10] = 2;
    return v;
  };
  const ones = (shape: number[]) => tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)).fill(1), shape);
  const vectors: [string, () => NDArray, () => NDArray, s03.MatmulOptions, number[], number[]][] = [
    [
      'batched matmul with the matrices being vectors',
      () => tensor(values(), [batch, 1, shared]),
      () => tensor(values(), [batch, shared, 1]),
      {},
      [batch, 1, 1],
      [4, 0, 0],
    ],
    [
      'batched matmul with the matrices being vectors transposedA',
      () => tensor(values(), [batch, shared, 1]),
      () => tensor(values(), [batch, shared, 1]),
      { transposeA: true },
      [batch, 1, 1],
      [4, 0, 0],
    ],
    [
      'batched matmul with the matrices being vectors transposedB',
      () => tensor(values(), [batch, 1, shared]),
      () => tensor(values(), [batch, 1, shared]),
      { transposeB: true },
      [batch, 1, 1],
      [4, 0, 0],
    ],
    [
      'batched matmul with matrix x vector',
      () => ones([batch, 2, shared]),
      () => tensor(values(), [batch, shared, 1]),
      {},
      [batch, 2, 1],
      [2, 2, 0, 0, 0, 0],
    ],
    [
      'batched matmul with matrix x vector transposedA',
      () => ones([batch, shared, 2]),
      () => tensor(values(), [batch, shared, 1]),
      { transposeA: true },
      [batch, 2, 1],
      [2, 2, 0, 0, 0, 0],
    ],
    [
      'batched matmul with matrix x vector transposedB',
      () => ones([batch, 2, shared]),
      () => tensor(values(), [batch, 1, shared]),
      { transposeB: true },
      [batch, 2, 1],
      [2, 2, 0, 0, 0, 0],
    ],
    [
      'batched matmul with vector x matrix',
      () => tensor(values(), [batch, 1, shared]),
      () => ones([batch, shared, 2]),
      {},
      [batch, 1, 2],
      [2, 2, 0, 0, 0, 0],
    ],
    [
      'batched matmul with vector x matrix transposedA',
      () => tensor(values(), [batch, shared, 1]),
      () => ones([batch, shared, 2]),
      { transposeA: true },
      [batch, 1, 2],
      [2, 2, 0, 0, 0, 0],
    ],
    [
      'batched matmul with vector x matrix transposedB',
      () => tensor(values(), [batch, 1, shared]),
      () => ones([batch, 2, shared]),
      { transposeB: true },
      [batch, 1, 2],
      [2, 2, 0, 0, 0, 0],
    ],
  ];
  it.each(vectors)('%s', (_, a, b, options, shape, expected) => {
    const result = s03.batchedMatmul(a(), b(), options);
    expect(result).toHaveShape(shape);
    expectArraysClose(result, expected);
  });
});
