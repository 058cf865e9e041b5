import { describe, expect, it } from 'vitest';
import { NDArray } from '../../lib/ndarray.ts';

describe('NDArray construction', () => {
  it('fromNested reads shape and row-major data; toNested gives them back', () => {
    const x = NDArray.fromNested([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.shape).toEqual([2, 3]);
    expect(x.rank).toBe(2);
    expect(x.size).toBe(6);
    expect(x.strides).toEqual([3, 1]);
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(x.toNested()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(NDArray.fromNested(7).shape).toEqual([]);
    expect(NDArray.fromNested(7).toNested()).toBe(7);
  });

  it('fromNested names where ragged data goes wrong', () => {
    expect(() =>
      NDArray.fromNested([
        [1, 2, 3],
        [4, 5],
      ]),
    ).toThrow('fromNested: ragged nested array: length 2 at index [1], but 3 at the same depth before it');
    expect(() => NDArray.fromNested([[1], 2] as never)).toThrow(/index \[1\], got the number 2/);
    expect(() => NDArray.fromNested([1, [2]] as never)).toThrow(/expected a number at index \[1\]/);
  });

  it('stores float32 or float64 as asked', () => {
    expect(NDArray.fromNested([0.1], 'float32').data).toBeInstanceOf(Float32Array);
    expect(NDArray.zeros([2]).data).toBeInstanceOf(Float64Array);
    expect(NDArray.fromNested([0.1], 'float32').dtype).toBe('float32');
    expect(() => NDArray.zeros([2], 'int8' as never)).toThrow(/unknown dtype "int8"/);
  });

  it('zeros, ones and full fill every element', () => {
    expect(Array.from(NDArray.zeros([2, 2]).data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(NDArray.ones([3]).data)).toEqual([1, 1, 1]);
    expect(Array.from(NDArray.full([2], 2.5).data)).toEqual([2.5, 2.5]);
    expect(NDArray.zeros([]).size).toBe(1);
  });

  it('rejects bad shapes and data of the wrong length, naming them', () => {
    expect(() => NDArray.zeros([2, -1])).toThrow(/zeros: a shape is a list of non-negative integers, got \[2,-1\]/);
    expect(() => new NDArray(new Float64Array(5), [2, 3])).toThrow(
      'NDArray: data has 5 elements but shape [2,3] needs 6',
    );
  });

  it('random arrays are repeatable for a seed and differ between seeds', () => {
    const a = NDArray.randomUniform([100], -1, 1, { seed: 3 });
    const b = NDArray.randomUniform([100], -1, 1, { seed: 3 });
    const c = NDArray.randomUniform([100], -1, 1, { seed: 4 });
    expect(a).toBeAllClose(b, { rtol: 0, atol: 0 });
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
    expect(Math.min(...a.data)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...a.data)).toBeLessThan(1);
  });

  it('randomNormal has roughly the asked mean and standard deviation', () => {
    const x = NDArray.randomNormal([20000], 2, 0.5, { seed: 1 });
    const values = Array.from(x.data);
    const mean = values.reduce((s, v) => s + v, 0) / x.size;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / x.size);
    // standard error of the mean: 0.5 / √20000 ≈ 0.0035
    expect(Math.abs(mean - 2)).toBeLessThan(0.02);
    expect(Math.abs(std - 0.5)).toBeLessThan(0.02);
  });
});

describe('NDArray element access', () => {
  const x = NDArray.fromFlat([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [2, 3, 2]);

  it('get and set use row-major offsets', () => {
    expect(x.get(1, 2, 1)).toBe(11);
    expect(x.offset([1, 0, 1])).toBe(7);
    const y = x.clone().set([0, 0, 0], 42);
    expect(y.get(0, 0, 0)).toBe(42);
    expect(x.get(0, 0, 0)).toBe(0); // clone copied the storage
  });

  it('a bad index names the axis, its size and the shape', () => {
    expect(() => x.get(0, 3, 0)).toThrow(
      'index: index 3 is out of range for axis 1 of size 3 (index [0,3,0], shape [2,3,2])',
    );
    expect(() => x.get(0, 0)).toThrow(/has 2 entries but the array has rank 3/);
  });

  it('clone can change the dtype', () => {
    expect(x.clone('float32').dtype).toBe('float32');
    expect(Array.from(x.clone('float32').data)).toEqual(Array.from(x.data));
  });
});

describe('NDArray printing, like NumPy', () => {
  it('prints integers as "1." in aligned columns, with shape and dtype', () => {
    const x = NDArray.fromNested([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(String(x)).toBe('array([[1., 2., 3.],\n       [4., 5., 6.]], shape=[2,3], dtype=float64)');
  });

  it('aligns decimal points and pads fractions on the right', () => {
    const x = NDArray.fromNested([
      [0.5, -1.25],
      [3, 100.125],
    ]);
    expect(x.format()).toBe('[[  0.5  ,  -1.25 ],\n [  3.   , 100.125]]');
  });

  it('separates the blocks of a rank-3 array with a blank line', () => {
    const x = NDArray.fromFlat([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    expect(x.format()).toBe('[[[1., 2.],\n  [3., 4.]],\n\n [[5., 6.],\n  [7., 8.]]]');
  });

  it('switches to scientific notation for wide ranges, and prints nan and inf', () => {
    expect(NDArray.fromNested([1e-5, 1, 1000]).format()).toBe('[1.e-05, 1.e+00, 1.e+03]');
    expect(NDArray.fromNested([Number.NaN, 1.5, Number.POSITIVE_INFINITY]).format()).toBe('[nan, 1.5, inf]');
  });

  it('prints float32 values at their shortest (0.1, not 0.100000001)', () => {
    expect(NDArray.fromNested([0.1, 0.2], 'float32').format()).toBe('[0.1, 0.2]');
  });

  it('summarises arrays of more than 1000 elements with ...', () => {
    const s = NDArray.fromFlat(
      Array.from({ length: 2000 }, (_, i) => i),
      [2000],
    ).format();
    // NumPy too: max/min = 1999 > 1000 among the values shown, so scientific notation.
    expect(s).toBe('[0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03, 1.999e+03]');
  });

  it('prints scalars and empty arrays', () => {
    expect(String(NDArray.fromNested(3.5))).toBe('array(3.5, shape=[], dtype=float64)');
    expect(String(NDArray.zeros([0, 3]))).toBe('array([], shape=[0,3], dtype=float64)');
  });

  it('wraps long rows under the first element', () => {
    const s = NDArray.fromFlat(
      Array.from({ length: 30 }, (_, i) => i + 0.5),
      [30],
    ).format();
    expect(s.split('\n').every((line) => line.length <= 75)).toBe(true);
    expect(s.split('\n')[1]?.startsWith(' ')).toBe(true);
  });
});
