/**
 * TF.js' own expected values for lib/ops' element-wise ops, ported from tfjs-core/src/ops/*_test.ts
 * (tensorflow/tfjs, see ./util.ts): one describe per upstream file, one test per upstream test,
 * named as upstream names it. Only what lib implements is ported (float32 values; no int32,
 * bool, string or gradient cases).
 */
import { describe, expect, it } from 'vitest';
import * as ops from '../../../lib/ops/index.ts';
import { expectArraysClose, range, tensor } from './util.ts';

const N = Number.NaN;
const scalar = (v: number) => tensor([v], []);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('tfjs-core/src/ops/relu_test.ts', () => {
  it('basic', () => {
    expectArraysClose(ops.relu(tensor([1, -2, 0, 3, -0.1])), [1, 0, 0, 3, 0]);
  });
  it('5D', () => {
    expectArraysClose(ops.relu(tensor([1, -2, 5, -3], [1, 2, 2, 1, 1])), [1, 0, 5, 0]);
  });
  it('6D', () => {
    expectArraysClose(ops.relu(tensor([1, -2, 5, -3, -1, 4, 7, 8], [1, 2, 2, 2, 1, 1])), [1, 0, 5, 0, 0, 4, 7, 8]);
  });
  it('does nothing to positive values', () => expectArraysClose(ops.relu(scalar(1)), [1]));
  it('sets negative values to 0', () => expectArraysClose(ops.relu(scalar(-1)), [0]));
  it('preserves zero values', () => expectArraysClose(ops.relu(scalar(0)), [0]));
  it('propagates NaNs, float32', () => {
    const result = ops.relu(tensor([1, -2, 0, 3, -0.1, N]));
    expect(result.dtype).toBe('float32');
    expectArraysClose(result, [1, 0, 0, 3, 0, N]);
  });
});

describe('tfjs-core/src/ops/sigmoid_test.ts', () => {
  it('basic', () => {
    const values = [1, -3, 2, 7, -4];
    expectArraysClose(ops.sigmoid(tensor(values)), values.map(sigmoid));
  });
  it('6D', () => {
    expectArraysClose(ops.sigmoid(tensor(new Array(64).fill(1), [2, 2, 2, 2, 2, 2])), new Array(64).fill(sigmoid(1)));
  });
  it('propagates NaNs', () => expectArraysClose(ops.sigmoid(tensor([3, N])), [sigmoid(3), N]));
});

describe('tfjs-core/src/ops/tanh_test.ts', () => {
  // upstream's util.tanh is Math.tanh where it exists
  it('basic', () => {
    const values = [1, -3, 2, 7, -4];
    expectArraysClose(ops.tanh(tensor(values)), values.map(Math.tanh));
  });
  it('propagates NaNs', () => expectArraysClose(ops.tanh(tensor([4, N, 0])), [Math.tanh(4), N, Math.tanh(0)]));
});

describe('tfjs-core/src/ops/exp_test.ts, log_test.ts, sqrt_test.ts, square_test.ts, neg_test.ts', () => {
  it('exp', () => expectArraysClose(ops.exp(tensor([1, 2, 0])), [Math.exp(1), Math.exp(2), 1]));
  it('exp propagates NaNs', () => expectArraysClose(ops.exp(tensor([1, N, 0])), [Math.exp(1), N, 1]));
  it('log', () => expectArraysClose(ops.log(tensor([1, 2])), [Math.log(1), Math.log(2)]));
  it('log 6D', () => {
    expectArraysClose(ops.log(tensor(range(1, 65), [2, 2, 2, 2, 2, 2])), range(1, 65).map(Math.log));
  });
  it('log propagates NaNs', () => expectArraysClose(ops.log(tensor([1, N])), [Math.log(1), N]));
  it('log: negtive values', () => expectArraysClose(ops.log(tensor([1, -1])), [Math.log(1), N]));
  it('sqrt', () => expectArraysClose(ops.sqrt(tensor([2, 4])), [Math.sqrt(2), Math.sqrt(4)]));
  it('sqrt propagates NaNs', () => expectArraysClose(ops.sqrt(tensor([1, N])), [Math.sqrt(1), N]));
  it('square: 1D array', () => expectArraysClose(ops.square(tensor([2, 4, Math.sqrt(2)])), [4, 16, 2]));
  it('square: 2D array', () => {
    const r = ops.square(tensor([1, 2, Math.sqrt(2), Math.sqrt(3)], [2, 2]));
    expect(r).toHaveShape([2, 2]);
    expectArraysClose(r, [1, 4, 2, 3]);
  });
  it('square: 6D array', () => {
    const a = tensor([1, 2, Math.sqrt(2), Math.sqrt(3), 3, 4, Math.sqrt(7), Math.sqrt(13)], [1, 1, 2, 2, 2, 1]);
    const r = ops.square(a);
    expect(r).toHaveShape(a.shape);
    expectArraysClose(r, [1, 4, 2, 3, 9, 16, 7, 13]);
  });
  it('square propagates NaNs', () => expectArraysClose(ops.square(tensor([1.5, N])), [2.25, N]));
  it('neg: basic', () => expectArraysClose(ops.neg(tensor([1, -3, 2, 7, -4])), [-1, 3, -2, -7, 4]));
  it('neg: propagate NaNs', () => expectArraysClose(ops.neg(tensor([1, -3, 2, 7, N])), [-1, 3, -2, -7, N]));
});

describe('tfjs-core/src/ops/add_test.ts', () => {
  it('c + A', () => expectArraysClose(ops.add(scalar(5), tensor([1, 2, 3])), [6, 7, 8]));
  it('c + A propagates NaNs', () => expectArraysClose(ops.add(scalar(N), tensor([1, 2, 3])), [N, N, N]));
  it('A + B broadcasting same rank Tensors different shape', () => {
    const result = ops.add(tensor([1, 2, -3, -4], [2, 2]), tensor([2, 3], [2, 1]));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [3, 4, 0, -1]);
  });
  it('A + B broadcast 2D + 1D', () => {
    const result = ops.add(tensor([1, 2, -3, -4], [2, 2]), tensor([1, 2]));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [2, 4, -2, -2]);
  });
  it('A + B', () => expectArraysClose(ops.add(tensor([2, 5, 1]), tensor([4, 2, -1])), [6, 7, 0]));
  it('A + B propagates NaNs', () => expectArraysClose(ops.add(tensor([2, 5, N]), tensor([4, 2, -1])), [6, 7, N]));
  it('2D+scalar broadcast', () => {
    const res = ops.add(tensor([1, 2, 3, 4, 5, 6], [2, 3]), scalar(2));
    expect(res).toHaveShape([2, 3]);
    expectArraysClose(res, [3, 4, 5, 6, 7, 8]);
  });
  it('scalar+1D broadcast', () => {
    const res = ops.add(scalar(2), tensor([1, 2, 3, 4, 5, 6]));
    expect(res).toHaveShape([6]);
    expectArraysClose(res, [3, 4, 5, 6, 7, 8]);
  });
  it('2D+2D broadcast each with 1 dim', () => {
    const res = ops.add(tensor([1, 2, 5], [1, 3]), tensor([7, 3], [2, 1]));
    expect(res).toHaveShape([2, 3]);
    expectArraysClose(res, [8, 9, 12, 4, 5, 8]);
  });
  it('2D+2D broadcast inner dim of b', () => {
    const res = ops.add(tensor([1, 2, 5, 4, 5, 6], [2, 3]), tensor([7, 3], [2, 1]));
    expect(res).toHaveShape([2, 3]);
    expectArraysClose(res, [8, 9, 12, 7, 8, 9]);
  });
  it('3D+scalar', () => {
    const res = ops.add(tensor([1, 2, 3, 4, 5, 6], [2, 3, 1]), scalar(-1));
    expect(res).toHaveShape([2, 3, 1]);
    expectArraysClose(res, [0, 1, 2, 3, 4, 5]);
  });
  it('6D+scalar', () => {
    const res = ops.add(tensor(range(0, 64), [2, 2, 2, 2, 2, 2]), scalar(-1));
    expect(res).toHaveShape([2, 2, 2, 2, 2, 2]);
    expectArraysClose(res, range(-1, 63));
  });
  it('6D+2D', () => {
    const res = ops.add(tensor(range(0, 64), [2, 2, 2, 2, 2, 2]), tensor([11, 13, 17, 19], [2, 2]));
    expect(res).toHaveShape([2, 2, 2, 2, 2, 2]);
    expectArraysClose(
      res,
      [
        11, 14, 19, 22, 15, 18, 23, 26, 19, 22, 27, 30, 23, 26, 31, 34, 27, 30, 35, 38, 31, 34, 39, 42, 35, 38, 43, 46,
        39, 42, 47, 50, 43, 46, 51, 54, 47, 50, 55, 58, 51, 54, 59, 62, 55, 58, 63, 66, 59, 62, 67, 70, 63, 66, 71, 74,
        67, 70, 75, 78, 71, 74, 79, 82,
      ],
    );
  });
  it('add tensors with 0 in shape', () => {
    const res = ops.add(tensor([1]), tensor([], [0, 0, 5]));
    expect(res).toHaveShape([0, 0, 5]);
    expectArraysClose(res, []);
  });
});

describe('tfjs-core/src/ops/sub_test.ts', () => {
  it('c - A', () => expectArraysClose(ops.sub(scalar(5), tensor([7, 2, 3])), [-2, 3, 2]));
  it('A - c', () => expectArraysClose(ops.sub(tensor([1, 2, -3]), scalar(5)), [-4, -3, -8]));
  it('A - c propagates NaNs', () => expectArraysClose(ops.sub(tensor([1, N, 3]), scalar(5)), [-4, N, -2]));
  it('A - B', () => expectArraysClose(ops.sub(tensor([2, 5, 1]), tensor([4, 2, -1])), [-2, 3, 2]));
  it('A - B propagates NaNs', () => expectArraysClose(ops.sub(tensor([2, 5, 1]), tensor([4, N, -1])), [-2, N, 2]));
  it('A - B broadcasting same rank Tensors different shape', () => {
    const result = ops.sub(tensor([1, 2, -3, -4], [2, 2]), tensor([2, 3], [2, 1]));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [-1, 0, -6, -7]);
  });
  it('A - B broadcast 2D + 1D', () => {
    const result = ops.sub(tensor([1, 2, -3, -4], [2, 2]), tensor([1, 2]));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [0, 0, -4, -6]);
  });
  it('2D-scalar broadcast', () => {
    const res = ops.sub(tensor([1, 2, 3, 4, 5, 6], [2, 3]), scalar(2));
    expect(res).toHaveShape([2, 3]);
    expectArraysClose(res, [-1, 0, 1, 2, 3, 4]);
  });
  it('scalar-1D broadcast', () => {
    const res = ops.sub(scalar(2), tensor([1, 2, 3, 4, 5, 6]));
    expect(res).toHaveShape([6]);
    expectArraysClose(res, [1, 0, -1, -2, -3, -4]);
  });
  it('2D-2D broadcast each with 1 dim', () => {
    const res = ops.sub(tensor([1, 2, 5], [1, 3]), tensor([7, 3], [2, 1]));
    expect(res).toHaveShape([2, 3]);
    expectArraysClose(res, [-6, -5, -2, -2, -1, 2]);
  });
  it('2D-2D broadcast inner dim of b', () => {
    const res = ops.sub(tensor([1, 2, 5, 4, 5, 6], [2, 3]), tensor([7, 3], [2, 1]));
    expect(res).toHaveShape([2, 3]);
    expectArraysClose(res, [-6, -5, -2, 1, 2, 3]);
  });
  it('3D-scalar', () => {
    const res = ops.sub(tensor([1, 2, 3, 4, 5, 6], [2, 3, 1]), scalar(-1));
    expect(res).toHaveShape([2, 3, 1]);
    expectArraysClose(res, [2, 3, 4, 5, 6, 7]);
  });
  it('vec4 same shape', () => {
    const result = ops.sub(tensor([1, 2, -3, -4], [2, 2]), tensor([5, 3, 4, -7], [2, 2]));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [-4, -1, -7, 3]);
  });
});

describe('tfjs-core/src/ops/arithmetic_test.ts (div, mul)', () => {
  const ab = () => [tensor([1, 2, -3, -4], [2, 2]), tensor([5, 3, 4, -7], [2, 2])] as const;
  it('div: same shape', () => {
    const r = ops.div(tensor([1, 2, 3, 4, 5, 6], [2, 3]), tensor([1, 2, 3, 4, 2, 5], [2, 3]));
    expectArraysClose(r, [1, 1, 1, 1, 2.5, 6 / 5]);
  });
  it('div: vec4 same shape', () => {
    const result = ops.div(...ab());
    expect(result).toHaveShape([2, 2]);
    // upstream writes 2/3 and 4/7 to three digits, within its epsilon of 1e-3
    expectArraysClose(result, [0.2, 0.666, -0.75, 0.571]);
  });
  it('div: TensorLike', () => {
    const result = ops.div(tensor([0, 1, -2, -4, 4, -4]), tensor([0.15, 0.2, 0.25, 0.5, 0.7, 1.2]));
    expect(result).toHaveShape([6]);
    expectArraysClose(result, [0, 5.0, -8.0, -8.0, 5.714285850524902, -3.3333332538604736]);
  });
  it('div: division by zero results in infinity', () => {
    expect(Array.from(ops.div(scalar(1), scalar(0)).data)).toEqual([Number.POSITIVE_INFINITY]);
  });
  it('div: propagates NaNs', () => {
    expectArraysClose(ops.div(tensor([1, 2], [2, 1]), tensor([3, N], [2, 1])), [1 / 3, N]);
  });
  it('div: broadcasting same rank Tensors different shape', () => {
    const result = ops.div(tensor([1, 2, -3, -4], [2, 2]), tensor([2, 3], [2, 1]));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [1 / 2, 1, -1, -4 / 3]);
  });
  it('div: broadcast scalar', () => {
    const result = ops.div(tensor([1, 2, 3, 4], [2, 2]), tensor([2]));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [0.5, 1, 1.5, 2]);
  });
  it('div: broadcast 2D + 1D', () => {
    const result = ops.div(tensor([1, 2, -3, -4], [2, 2]), tensor([1, 2]));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [1, 1, -3, -2]);
  });
  it('div: scalar divided by array', () => {
    expectArraysClose(ops.div(scalar(2), tensor([1, 2, 3, 4, 5, 6], [2, 3])), [2, 1, 2 / 3, 1 / 2, 2 / 5, 1 / 3]);
  });
  it('div: scalar divided by array propagates NaNs', () => {
    expectArraysClose(ops.div(scalar(N), tensor([1, 2, 3], [1, 3])), [N, N, N]);
  });
  it('div: array divided by scalar', () => {
    expectArraysClose(ops.div(tensor([1, 2, 3, 4, 5, 6], [2, 3]), scalar(2)), [0.5, 1, 1.5, 2, 2.5, 3]);
  });
  it('div: array divided by scalar propagates NaNs', () => {
    expectArraysClose(ops.div(tensor([1, 2, N], [1, 3]), scalar(2)), [0.5, 1, N]);
  });
  it('mul: same-shaped tensors', () => {
    const result = ops.mul(...ab());
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [5, 6, -12, 28]);
  });
  it('mul: broadcasting tensors', () => {
    const result = ops.mul(tensor([1, 2, -3, -4], [2, 2]), scalar(2));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [2, 4, -6, -8]);
  });
  it('mul: broadcasting same rank Tensors different shape', () => {
    const result = ops.mul(tensor([1, 2, -3, -4], [2, 2]), tensor([2, 3], [2, 1]));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [2, 4, -9, -12]);
  });
  it('mul: broadcast 2D + 1D', () => {
    const result = ops.mul(tensor([1, 2, -3, -4], [2, 2]), tensor([1, 2]));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [1, 4, -3, -8]);
  });
  it('mul: broadcast 5D + 2D', () => {
    const result = ops.mul(tensor(range(1, 33), [2, 2, 2, 2, 2]), tensor([2, 3], [2, 1]));
    expect(result).toHaveShape([2, 2, 2, 2, 2]);
    expectArraysClose(
      result,
      [
        2, 4, 9, 12, 10, 12, 21, 24, 18, 20, 33, 36, 26, 28, 45, 48, 34, 36, 57, 60, 42, 44, 69, 72, 50, 52, 81, 84, 58,
        60, 93, 96,
      ],
    );
  });
  it('mul: broadcast 6D + 2D', () => {
    const result = ops.mul(tensor(range(1, 65), [2, 2, 2, 2, 2, 2]), tensor([2, 3], [2, 1]));
    expect(result).toHaveShape([2, 2, 2, 2, 2, 2]);
    expectArraysClose(
      result,
      [
        2, 4, 9, 12, 10, 12, 21, 24, 18, 20, 33, 36, 26, 28, 45, 48, 34, 36, 57, 60, 42, 44, 69, 72, 50, 52, 81, 84, 58,
        60, 93, 96, 66, 68, 105, 108, 74, 76, 117, 120, 82, 84, 129, 132, 90, 92, 141, 144, 98, 100, 153, 156, 106, 108,
        165, 168, 114, 116, 177, 180, 122, 124, 189, 192,
      ],
    );
  });
});

describe('tfjs-core/src/ops/binary_ops_test.ts (maximum, minimum)', () => {
  const a = () => tensor([0.5, 3, -0.1, -4]);
  const b = () => tensor([0.2, 0.4, 0.25, 0.15]);
  it('maximum: float32 and float32', () => {
    const result = ops.maximum(a(), b());
    expect(result).toHaveShape([4]);
    expectArraysClose(result, [0.5, 3, 0.25, 0.15]);
  });
  it('maximum: propagates NaN', () => {
    const result = ops.maximum(tensor([0.5, -0.1, N]), tensor([0.2, 0.3, 0.25]));
    expect(result).toHaveShape([3]);
    expectArraysClose(result, [0.5, 0.3, N]);
  });
  it('maximum: broadcasts Tensor1D and scalar', () =>
    expectArraysClose(ops.maximum(a(), scalar(0.6)), [0.6, 3, 0.6, 0.6]));
  it('maximum: broadcasts scalar and Tensor1D', () =>
    expectArraysClose(ops.maximum(scalar(0.6), a()), [0.6, 3, 0.6, 0.6]));
  it('maximum: broadcasts Tensor1D and Tensor2D', () => {
    const result = ops.maximum(tensor([0.5, 0.3]), tensor([0.2, 0.4, 0.6, 0.15], [2, 2]));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [0.5, 0.4, 0.6, 0.3]);
  });
  it('maximum: broadcasts 2x1 Tensor2D and 2x2 Tensor2D', () => {
    const result = ops.maximum(tensor([0.5, 0.3], [2, 1]), tensor([0.2, 0.4, 0.6, 0.15], [2, 2]));
    expect(result).toHaveShape([2, 2]);
    expectArraysClose(result, [0.5, 0.5, 0.6, 0.3]);
  });
  it('minimum: float32 and float32', () => {
    const result = ops.minimum(a(), b());
    expect(result).toHaveShape([4]);
    expectArraysClose(result, [0.2, 0.4, -0.1, -4]);
  });
  it('minimum: propagates NaN', () => {
    expectArraysClose(ops.minimum(tensor([0.5, -0.1, N]), tensor([0.2, 0.3, 0.25])), [0.2, -0.1, N]);
  });
  it('minimum: broadcasts Tensor1D and scalar', () =>
    expectArraysClose(ops.minimum(a(), scalar(0.6)), [0.5, 0.6, -0.1, -4]));
  it('minimum: broadcasts scalar and Tensor1D', () =>
    expectArraysClose(ops.minimum(scalar(0.6), a()), [0.5, 0.6, -0.1, -4]));
  it('minimum: broadcasts Tensor1D and Tensor2D', () => {
    expectArraysClose(ops.minimum(tensor([0.5, 0.3]), tensor([0.2, 0.4, 0.6, 0.15], [2, 2])), [0.2, 0.3, 0.5, 0.15]);
  });
  it('minimum: broadcasts 2x1 Tensor2D and 2x2 Tensor2D', () => {
    expectArraysClose(
      ops.minimum(tensor([0.5, 0.3], [2, 1]), tensor([0.2, 0.4, 0.6, 0.15], [2, 2])),
      [0.2, 0.4, 0.3, 0.15],
    );
  });
});
