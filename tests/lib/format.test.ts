/**
 * lib/format.ts against NumPy's printing rules (numpy/_core/arrayprint.py, NumPy 2.4, default
 * print options). Each expected string is NumPy's repr of the same array — checked with NumPy
 * 2.4.6 — except that the kata always adds `shape=[…]` (NumPy adds `shape=(…)` only to
 * summarised and empty arrays) and always names the dtype (NumPy leaves out float64).
 */
import { describe, expect, it } from 'vitest';
import { formatArray, reprArray } from '../../lib/format.ts';

const f32 = (xs: number[]) => Float32Array.from(xs);
const f64 = (xs: number[]) => Float64Array.from(xs);
const range = (n: number, f = (i: number) => i) => Array.from({ length: n }, (_, i) => f(i));

describe('reprArray: arrays as NumPy prints them, with the shape', () => {
  it('1-D: one format for all elements, decimal points aligned, fractions padded with spaces', () => {
    // FloatingFormat, maxprec: pad_left = longest integer part ('-3'), pad_right = longest fraction ('5').
    expect(reprArray(f64([1, 2.5, -3]), [3])).toBe('array([ 1. ,  2.5, -3. ], shape=[3], dtype=float64)');
  });

  it('2-D: rows on their own lines, under the first `[` after `array(`', () => {
    // _formatArray: the hanging indent is ' ' + len('array(') spaces.
    expect(reprArray(f32([1, 2, 3, 4]), [2, 2])).toBe(
      'array([[1., 2.],\n       [3., 4.]], shape=[2,2], dtype=float32)',
    );
  });

  it('3-D: a blank line between the blocks of the first axis', () => {
    // line_sep = ',' + '\n' * (axes_left - 1): two newlines after each [2,3] block.
    expect(reprArray(f32(range(12)), [2, 2, 3])).toBe(
      'array([[[ 0.,  1.,  2.],\n        [ 3.,  4.,  5.]],\n\n       [[ 6.,  7.,  8.],\n        [ 9., 10., 11.]]], shape=[2,2,3], dtype=float32)',
    );
  });

  it('more than 1000 elements: 3 at each end of every axis around `...`, the format fitted to those shown', () => {
    // threshold 1000, edgeitems 3. Shown values run 0 to 499.75: max/min > 1000, so scientific,
    // with 4 fraction digits (1.1750e+01 needs them); rows wrap at 75 - len(')') = 74 columns.
    const expected = [
      'array([[0.0000e+00, 2.5000e-01, 5.0000e-01, ..., 1.1750e+01, 1.2000e+01,',
      '        1.2250e+01],',
      '       [1.2500e+01, 1.2750e+01, 1.3000e+01, ..., 2.4250e+01, 2.4500e+01,',
      '        2.4750e+01],',
      '       [2.5000e+01, 2.5250e+01, 2.5500e+01, ..., 3.6750e+01, 3.7000e+01,',
      '        3.7250e+01],',
      '       ...,',
      '       [4.6250e+02, 4.6275e+02, 4.6300e+02, ..., 4.7425e+02, 4.7450e+02,',
      '        4.7475e+02],',
      '       [4.7500e+02, 4.7525e+02, 4.7550e+02, ..., 4.8675e+02, 4.8700e+02,',
      '        4.8725e+02],',
      '       [4.8750e+02, 4.8775e+02, 4.8800e+02, ..., 4.9925e+02, 4.9950e+02,',
      '        4.9975e+02]], shape=[40,50], dtype=float32)',
    ].join('\n');
    expect(reprArray(f32(range(2000, (i) => i / 4)), [40, 50])).toBe(expected);
  });

  it('negative numbers: the sign takes a column of the integer part, so the points still align', () => {
    expect(formatArray(f64([-1.5, 2.25, 10, -0.125]), [2, 2])).toBe('[[-1.5  ,  2.25 ],\n [10.   , -0.125]]');
    expect(formatArray(f64([-0, 1]), [2])).toBe('[-0.,  1.]');
  });

  it('ints print without a point, right-aligned to the longest; the same values as floats get one', () => {
    // IntegerFormat: width max(len(str(max)), len(str(min))).
    expect(reprArray(Int32Array.from([1, -2, 30, 4]), [2, 2])).toBe(
      'array([[ 1, -2],\n       [30,  4]], shape=[2,2], dtype=int32)',
    );
    expect(reprArray(f32([1, -2, 30, 4]), [2, 2])).toBe(
      'array([[ 1., -2.],\n       [30.,  4.]], shape=[2,2], dtype=float32)',
    );
    expect(formatArray(Uint8Array.from([0, 1]), [2], { dtype: 'bool' })).toBe('[False,  True]');
  });

  it('a scalar prints its value alone', () => {
    expect(reprArray(f64([-2.5]), [])).toBe('array(-2.5, shape=[], dtype=float64)');
    expect(reprArray(Int32Array.from([7]), [])).toBe('array(7, shape=[], dtype=int32)');
    expect(reprArray(Uint8Array.from([1]), [], { dtype: 'bool' })).toBe('array(True, shape=[], dtype=bool)');
  });

  it('puts shape and dtype on a line of their own when they would pass 75 columns', () => {
    // _array_repr_implementation: a new line, indented by len(prefix), if last line + extras + 1 > 75.
    expect(reprArray(Int32Array.from(range(1001)), [1001], { name: 'Tensor' })).toBe(
      'Tensor([   0,    1,    2, ...,  998,  999, 1000],\n       shape=[1001], dtype=int32)',
    );
  });
});

describe('formatArray: the number format', () => {
  it('float32 values print at their shortest float32 form, not their float64 expansion', () => {
    // dragon4 unique mode on the float32: 0.1f + 0.2f is the float32 nearest 0.3, printed 0.3.
    expect(formatArray(f32([Math.fround(Math.fround(0.1) + Math.fround(0.2))]), [1])).toBe('[0.3]');
    expect(formatArray(f32([0.3, 1.1, 2]), [3])).toBe('[0.3, 1.1, 2. ]');
  });

  it('goes scientific when max ≥ 1e8 (1e6 for float32), min < 1e-4 or max/min > 1000', () => {
    expect(formatArray(f64([1, 10000]), [2])).toBe('[1.e+00, 1.e+04]');
    expect(formatArray(f64([2e8, 3e8]), [2])).toBe('[2.e+08, 3.e+08]');
    expect(formatArray(f32([1e6, 1.5]), [2])).toBe('[1.0e+06, 1.5e+00]');
    expect(formatArray(f64([1e100, 1]), [2])).toBe('[1.e+100, 1.e+000]');
    // min_digits: a shorter mantissa takes the value's exact digits (851618.1f is 851618.125).
    expect(formatArray(f32([851618.1, 1.5e-5, 2]), [3])).toBe('[8.516181e+05, 1.500000e-05, 2.000000e+00]');
  });

  it('rounds an exact tie to even, as dragon4 does (JavaScript would round it up)', () => {
    expect(formatArray(f64([0.001953125, 1]), [2])).toBe('[0.00195312, 1.        ]');
    expect(formatArray(f32([-3401314.25, 1e-3]), [2])).toBe('[-3.4013142e+06,  1.0000000e-03]');
  });

  it('prints nan and inf right-aligned in the same width', () => {
    expect(formatArray(f64([Number.NaN, Number.NEGATIVE_INFINITY, 1.5]), [3])).toBe('[ nan, -inf,  1.5]');
    expect(formatArray(f64([Number.NaN, Number.NaN]), [2])).toBe('[nan, nan]');
  });
});
