/**
 * TF.js' own expected values for lib/ops' reductions, softmax and shape ops, ported from
 * tfjs-core/src/ops/*_test.ts and tensor_test.ts (tensorflow/tfjs, see ./util.ts): one describe per
 * upstream file, one test per upstream test, named as upstream names it. Only what lib implements
 * is ported (float32 values, argmax along the last axis; no int32, bool, string or gradient cases).
 */
import { describe, expect, it } from 'vitest';
import * as ops from '../../../lib/ops/index.ts';
import { expectArraysClose, range, tensor } from './util.ts';

const N = Number.NaN;
const scalar = (v: number) => tensor([v], []);

describe('tfjs-core/src/ops/sum_test.ts', () => {
  const a = () => tensor([1, 2, 3, 0, 0, 1], [3, 2]);
  it('basic', () => expectArraysClose(ops.sum(a()), 7));
  it('propagates NaNs', () => expectArraysClose(ops.sum(tensor([1, 2, 3, N, 0, 1], [3, 2])), N));
  it('sums all values in 2D array with keep dim', () => {
    const res = ops.sum(a(), undefined, true);
    expect(res).toHaveShape([1, 1]);
    expectArraysClose(res, [7]);
  });
  it('sums across axis=0 in 2D array', () => {
    const res = ops.sum(a(), [0]);
    expect(res).toHaveShape([2]);
    expectArraysClose(res, [4, 3]);
  });
  it('sums across axis=0 in 2D array, keepDims', () => {
    const res = ops.sum(a(), [0], true);
    expect(res).toHaveShape([1, 2]);
    expectArraysClose(res, [4, 3]);
  });
  it('sums across axis=1 in 2D array', () => {
    const res = ops.sum(a(), [1]);
    expect(res).toHaveShape([3]);
    expectArraysClose(res, [3, 3, 1]);
  });
  it('2D, axis=1 provided as number', () => {
    const res = ops.sum(tensor([1, 2, 3, 0, 0, 1], [2, 3]), 1);
    expect(res).toHaveShape([2]);
    expectArraysClose(res, [6, 1]);
  });
  it('2D, axis = -1 provided as number', () => {
    const res = ops.sum(tensor([1, 2, 3, 0, 0, 1], [2, 3]), -1);
    expect(res).toHaveShape([2]);
    expectArraysClose(res, [6, 1]);
  });
  it('sums across axis=0,1 in 2D array', () => {
    const res = ops.sum(a(), [0, 1]);
    expect(res).toHaveShape([]);
    expectArraysClose(res, [7]);
  });
  it('2D, axis=[-1,-2] in 2D array', () => {
    const res = ops.sum(a(), [-1, -2]);
    expect(res).toHaveShape([]);
    expectArraysClose(res, [7]);
  });
  it('4D, axis=[2, 2, 1], need permutation.', () => {
    const res = ops.sum(tensor([1, 2, 3, 4], [1, 2, 2, 1]), 0);
    expect(res).toHaveShape([2, 2, 1]);
    expectArraysClose(res, [1, 2, 3, 4]);
  });
});

describe('tfjs-core/src/ops/mean_test.ts', () => {
  const a = () => tensor([1, 2, 3, 0, 0, 1], [3, 2]);
  it('basic', () => {
    const r = ops.mean(tensor(range(0, 32), [16, 2]));
    expect(r.dtype).toBe('float32');
    expectArraysClose(r, 15.5);
  });
  it('propagates NaNs', () => expectArraysClose(ops.mean(tensor([1, 2, 3, N, 0, 1], [3, 2])), N));
  it('2D array with keep dim', () => {
    const res = ops.mean(a(), undefined, true);
    expect(res).toHaveShape([1, 1]);
    expectArraysClose(res, [7 / 6]);
  });
  it('axis=0 in 2D array', () => {
    const res = ops.mean(a(), [0]);
    expect(res).toHaveShape([2]);
    expectArraysClose(res, [4 / 3, 1]);
  });
  it('axis=0 in 2D array, keepDims', () => {
    const res = ops.mean(a(), [0], true);
    expect(res).toHaveShape([1, 2]);
    expectArraysClose(res, [4 / 3, 1]);
  });
  it('axis=1 in 2D array', () => {
    const res = ops.mean(a(), [1]);
    expect(res).toHaveShape([3]);
    expectArraysClose(res, [1.5, 1.5, 0.5]);
  });
  it('axis = -1 in 2D array', () => {
    const res = ops.mean(a(), [-1]);
    expect(res).toHaveShape([3]);
    expectArraysClose(res, [1.5, 1.5, 0.5]);
  });
  it('2D, axis=1 provided as number', () => {
    const res = ops.mean(tensor([1, 2, 3, 0, 0, 1], [2, 3]), 1);
    expect(res).toHaveShape([2]);
    expectArraysClose(res, [2, 1 / 3]);
  });
  it('axis=0,1 in 2D array', () => {
    const res = ops.mean(a(), [0, 1]);
    expect(res).toHaveShape([]);
    expectArraysClose(res, [7 / 6]);
  });
});

describe('tfjs-core/src/ops/max_test.ts', () => {
  const a = () => tensor([3, -1, 0, 100, -7, 2], [2, 3]);
  it('with one element dominating', () => expectArraysClose(ops.max(tensor([3, -1, 0, 100, -7, 2])), 100));
  it('with all elements being the same', () => expectArraysClose(ops.max(tensor([3, 3, 3])), 3));
  it('with a large dimension', () => {
    const data = new Float32Array(1000);
    data[0] = 1;
    expectArraysClose(ops.max(tensor(data)), 1);
  });
  it('return NaNs', () => expectArraysClose(ops.max(tensor([3, N, 2])), N));
  it('2D', () => expectArraysClose(ops.max(a()), 100));
  it('2D axis=[0,1]', () => expectArraysClose(ops.max(a(), [0, 1]), 100));
  it('2D, axis=0', () => {
    const r = ops.max(a(), [0]);
    expect(r).toHaveShape([3]);
    expectArraysClose(r, [100, -1, 2]);
  });
  it('2D, axis=0, keepDims', () => {
    const r = ops.max(a(), [0], true);
    expect(r).toHaveShape([1, 3]);
    expectArraysClose(r, [100, -1, 2]);
  });
  it('2D, axis=1 provided as a number', () =>
    expectArraysClose(ops.max(tensor([3, 2, 5, 100, -7, 2], [2, 3]), 1), [5, 100]));
  it('2D, axis = -1 provided as a number', () => {
    expectArraysClose(ops.max(tensor([3, 2, 5, 100, -7, 2], [2, 3]), -1), [5, 100]);
  });
  it('2D, axis=[1]', () => expectArraysClose(ops.max(tensor([3, 2, 5, 100, -7, 2], [2, 3]), [1]), [5, 100]));
  it('6D, axis=[5]', () => {
    expectArraysClose(
      ops.max(tensor(range(0, 64), [2, 2, 2, 2, 2, 2]), [5]),
      [
        1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33, 35, 37, 39, 41, 43, 45, 47, 49, 51, 53, 55, 57,
        59, 61, 63,
      ],
    );
  });
  it('axis permutation does not change input', () => {
    const input = a();
    const before = Array.from(input.data);
    ops.max(input, [1, 0]);
    expectArraysClose(input, before);
  });
});

describe('tfjs-core/src/ops/arg_max_test.ts (the last axis, the only one lib takes)', () => {
  // reduce_util.PARALLELIZE_THRESHOLD = 30: n = 60, whose optimal window (nearestDivisor(60, 7)) is 10
  const n = 60;
  const windowSize = 10;
  it('Tensor1D', () => expect(ops.argmax(tensor([1, 0, 3, 2]))).toEqual([2]));
  it('one value', () => expect(ops.argmax(tensor([10]))).toEqual([0]));
  it('N > than parallelization threshold', () => expect(ops.argmax(tensor(range(0, n)))).toEqual([n - 1]));
  it('3D, N > than parallelization threshold', () => {
    expect(ops.argmax(tensor(range(0, n), [1, 1, n]))).toEqual([n - 1]);
  });
  it('max index corresponds to start of a non-initial window', () => {
    const values = new Float32Array(n);
    values[windowSize * 2] = 1;
    expect(ops.argmax(tensor(values))).toEqual([windowSize * 2]);
  });
  it('5D, max index corresponds to start of a non-initial window', () => {
    const values = new Float32Array(n);
    values[windowSize * 2] = 1;
    expect(ops.argmax(tensor(values, [1, 1, 1, 1, n]))).toEqual([windowSize * 2]);
  });
  it('ignores NaNs', () => expect(ops.argmax(tensor([0, 3, 5, N, 3]))).toEqual([2]));
  it('2D, axis=1', () => expect(ops.argmax(tensor([3, 2, 5, 100, -7, 2], [2, 3]))).toEqual([2, 0]));
  it('2D, axis = -1', () => expect(ops.argmax(tensor([3, 2, 5, 100, -7, 2], [2, 3]))).toEqual([2, 0]));
});

describe('tfjs-core/src/ops/softmax_test.ts and log_softmax_test.ts', () => {
  const rows = () => tensor([2, 1, 3, 1, 3, 2], [2, 3]);
  it('softmax: regular test', () => {
    const y = ops.softmax(tensor([2, 1, 3]));
    expectArraysClose(y, [0.24472847, 0.09003057, 0.66524095]);
    expectArraysClose(ops.sum(y), 1);
  });
  it('softmax: overflow', () => expectArraysClose(ops.softmax(tensor([100, 100])), [0.5, 0.5]));
  it('softmax: underflow', () => expectArraysClose(ops.softmax(tensor([-100, -100])), [0.5, 0.5]));
  it('softmax: odd number of inputs', () => {
    expectArraysClose(ops.softmax(tensor([-400, -400, 0, -400, -400, -400, -400])), [0, 0, 1, 0, 0, 0, 0]);
  });
  it('softmax: Huge difference between probabilities', () => {
    expectArraysClose(ops.softmax(tensor([-1000, +1000])), [0, 1]);
  });
  it('softmax: Propagates NaNs', () => expectArraysClose(ops.softmax(tensor([2, 1, N])), [N, N, N]));
  it('softmax: 2D, implicit dim=1', () => {
    const y = ops.softmax(rows());
    expect(y.rank).toBe(2);
    expectArraysClose(y, [0.24472847, 0.09003057, 0.66524095, 0.09003057, 0.66524095, 0.24472847]);
  });
  it('logSoftmax: regular test', () => {
    expectArraysClose(ops.logSoftmax(tensor([2, 1, 3])), [-1.407606, -2.4076061, -0.407606]);
  });
  it('logSoftmax: Huge difference', () => expectArraysClose(ops.logSoftmax(tensor([-1000, +1000])), [-2000, 0]));
  it('logSoftmax: Propagates NaNs', () => expectArraysClose(ops.logSoftmax(tensor([2, 1, N])), [N, N, N]));
  it('logSoftmax: 2D, implicit axis=1', () => {
    const y = ops.logSoftmax(rows());
    expect(y.rank).toBe(2);
    expectArraysClose(y, [-1.407606, -2.4076061, -0.407606, -2.4076061, -0.4076061, -1.4076061]);
  });
});

describe('tfjs-core/src/ops/transpose_test.ts', () => {
  type Case = [string, () => ReturnType<typeof tensor>, number[], number[], number[]];
  const seq = (n: number, shape: number[]) => tensor(range(1, n + 1), shape);
  // upstream's larger cases permute 1..2^rank laid out on a cube of side 2, which keeps its shape
  const onCube = (name: string, perm: number[], expected: number[]): Case => {
    const cube = perm.map(() => 2);
    return [name, () => seq(2 ** perm.length, cube), perm, cube, expected];
  };
  const t2 = () => tensor([1, 11, 2, 22, 3, 33, 4, 44], [2, 4]);
  const t3 = () => tensor([1, 11, 2, 22, 3, 33, 4, 44], [2, 2, 2]);
  const cases: Case[] = [
    ['of scalar is no-op', () => scalar(3), [], [], [3]],
    ['of 1D is no-op', () => tensor([1, 2, 3]), [0], [3], [1, 2, 3]],
    ['2D (no change)', t2, [0, 1], [2, 4], [1, 11, 2, 22, 3, 33, 4, 44]],
    ['2D (transpose)', t2, [1, 0], [4, 2], [1, 3, 11, 33, 2, 4, 22, 44]],
    ['2D, shape has ones', () => tensor([1, 2, 3, 4], [1, 4]), [1, 0], [4, 1], [1, 2, 3, 4]],
    ['3D [r, c, d] => [d, r, c]', t3, [2, 0, 1], [2, 2, 2], [1, 2, 3, 4, 11, 22, 33, 44]],
    ['3D [r, c, d] => [d, c, r]', t3, [2, 1, 0], [2, 2, 2], [1, 3, 2, 4, 11, 33, 22, 44]],
    [
      '3D [r, c, d] => [d, r, c], shape has ones (1)',
      () => tensor([1, 2, 3, 4], [2, 1, 2]),
      [2, 0, 1],
      [2, 2, 1],
      [1, 3, 2, 4],
    ],
    [
      '3D [r, c, d] => [d, r, c], shape has ones (2)',
      () => tensor([1, 2, 3, 4], [2, 2, 1]),
      [2, 0, 1],
      [1, 2, 2],
      [1, 2, 3, 4],
    ],
    [
      '3D [r, c, d] => [d, r, c], shape has ones (3)',
      () => tensor([1, 2, 3, 4], [1, 2, 2]),
      [2, 0, 1],
      [2, 1, 2],
      [1, 3, 2, 4],
    ],
    onCube('3D [r, c, d] => [r, d, c]', [0, 2, 1], [1, 3, 2, 4, 5, 7, 6, 8]),
    onCube(
      '5D [r, c, d, e, f] => [r, c, d, f, e]',
      [0, 1, 2, 4, 3],
      [
        1, 3, 2, 4, 5, 7, 6, 8, 9, 11, 10, 12, 13, 15, 14, 16, 17, 19, 18, 20, 21, 23, 22, 24, 25, 27, 26, 28, 29, 31,
        30, 32,
      ],
    ),
    onCube('4D [r, c, d, e] => [c, r, d, e]', [1, 0, 2, 3], [1, 2, 3, 4, 9, 10, 11, 12, 5, 6, 7, 8, 13, 14, 15, 16]),
    onCube('4D [r, c, d, e] => [c, r, e, d]', [1, 0, 3, 2], [1, 3, 2, 4, 9, 11, 10, 12, 5, 7, 6, 8, 13, 15, 14, 16]),
    onCube('4D [r, c, d, e] => [e, r, c, d]', [3, 0, 1, 2], [1, 3, 5, 7, 9, 11, 13, 15, 2, 4, 6, 8, 10, 12, 14, 16]),
    onCube('4D [r, c, d, e] => [d, c, e, r]', [2, 1, 3, 0], [1, 9, 2, 10, 5, 13, 6, 14, 3, 11, 4, 12, 7, 15, 8, 16]),
    onCube(
      '5D [r, c, d, e, f] => [c, r, d, e, f]',
      [1, 0, 2, 3, 4],
      [
        1, 2, 3, 4, 5, 6, 7, 8, 17, 18, 19, 20, 21, 22, 23, 24, 9, 10, 11, 12, 13, 14, 15, 16, 25, 26, 27, 28, 29, 30,
        31, 32,
      ],
    ),
    onCube(
      '6D [r, c, d, e, f] => [r, c, d, f, e]',
      [0, 1, 2, 3, 5, 4],
      [
        1, 3, 2, 4, 5, 7, 6, 8, 9, 11, 10, 12, 13, 15, 14, 16, 17, 19, 18, 20, 21, 23, 22, 24, 25, 27, 26, 28, 29, 31,
        30, 32, 33, 35, 34, 36, 37, 39, 38, 40, 41, 43, 42, 44, 45, 47, 46, 48, 49, 51, 50, 52, 53, 55, 54, 56, 57, 59,
        58, 60, 61, 63, 62, 64,
      ],
    ),
    onCube(
      '6D [r, c, d, e, f, g] => [c, r, d, e, f, g]',
      [1, 0, 2, 3, 4, 5],
      [...range(1, 17), ...range(33, 49), ...range(17, 33), ...range(49, 65)],
    ),
  ];
  it.each(cases)('%s', (_, make, perm, shape, expected) => {
    const t = ops.transpose(make(), perm);
    expect(t).toHaveShape(shape);
    expectArraysClose(t, expected);
  });
});

describe('tfjs-core/src/tensor_test.ts (reshape)', () => {
  it.each([
    ['Tensor1D default dtype', [1, 2, 3, 4], [4], [2, 2]],
    ['Tensor2D default dtype', [1, 2, 3, 4, 5, 6], [2, 3], [6]],
    ['Tensor3D default dtype', [1, 2, 3, 4, 5, 6], [2, 3, 1], [6]],
    ['Tensor4D default dtype', [1, 2, 3, 4, 5, 6], [2, 3, 1, 1], [2, 3]],
    ['reshape accepts a tensor-like object', [1, 2, 3, 4, 5, 6], [2, 3], [3, 2]],
  ])('%s', (_, values, from, to) => {
    const b = ops.reshape(tensor(values, from), to);
    expect(b.dtype).toBe('float32');
    expect(b).toHaveShape(to);
    expectArraysClose(b, values);
  });
});
