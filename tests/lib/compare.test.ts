import { describe, expect, it } from 'vitest';
import { compareArrays, kindOf, sideBySide, unravelIndex } from '../../lib/compare.ts';
import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { EXACT, FLOAT32_MIN_NORMAL, float32Tolerance } from '../../lib/tolerance.ts';

describe('compareArrays: failures that explain themselves', () => {
  it('passes arrays within tolerance (NumPy allclose rule)', () => {
    const r = compareArrays([1, 2, 3], [1, 2 + 1e-9, 3], { rtol: 1e-7, atol: 0 });
    expect(r.pass).toBe(true);
    expect(r.badCount).toBe(0);
  });

  it('checks the shape first, and suspects a transpose when sizes agree', () => {
    const r = compareArrays(NDArray.zeros([3, 2]), NDArray.zeros([2, 3]));
    expect(r.pass).toBe(false);
    expect(r.message).toMatch(
      /^array: shape mismatch: expected \[2,3\], received \[3,2\]\nBoth hold 6 elements: a reshape or transpose slip\?/,
    );
    expect(compareArrays([1, 2], [[1, 2]]).message).toMatch(/Ranks differ: 2 expected, 1 received/);
  });

  it('names the first bad index, both values, the relative error, and how many are off', () => {
    const expected = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const actual = [
      [1, 2.5, 3],
      [4, 5, 7],
    ];
    const r = compareArrays(actual, expected, { rtol: 1e-6, atol: 0 }, 'matmul(a, b)');
    expect(r.pass).toBe(false);
    expect(r.badCount).toBe(2);
    expect(r.first?.index).toEqual([0, 1]);
    expect(r.message).toContain('matmul(a, b) [2,3]: 2 of 6 elements differ');
    expect(r.message).toContain('first at [0,1]: expected 2, received 2.5 (abs error 0.500, rel error 0.250)');
    expect(r.message).toContain('worst at [1,2]: expected 6, received 7');
    expect(r.message).toMatch(/seed: KATA_SEED=\d+/);
  });

  it('prints small arrays side by side with the wrong elements marked', () => {
    const r = compareArrays([[1, 9]], [[1, 2]]);
    expect(r.message).toContain('expected');
    expect(r.message).toContain('received');
    expect(r.message).toContain('>2.<');
    expect(r.message).toContain('>9.<');
    expect(r.message).toContain(' 1. ');
  });

  it('says when there is no relative error, names the worst element only if it is another, and marks values without their padding', () => {
    const r = compareArrays([[0.5, 1]], [[0, 1]], { rtol: 1e-6, atol: 0 });
    expect(r.message).toContain(
      'first at [0,0]: expected 0, received 0.5 (abs error 0.500, expected 0, so no relative error)',
    );
    expect(r.message).not.toContain('worst');
    expect(r.message).toContain('rtol 1.0e-6, atol 0.0e+0');
    const marked = compareArrays([[0.5, 10.25]], [[0.5, 10]]).message;
    expect(marked).toContain('>10.25<');
    expect(marked).toMatch(/ {2}0\.5 {2}/);
  });

  it('leaves out the picture for large arrays', () => {
    const a = NDArray.zeros([20, 20]);
    const b = NDArray.ones([20, 20]);
    const r = compareArrays(a, b);
    expect(r.badCount).toBe(400);
    expect(r.message).not.toContain('expected    ');
  });

  it('treats NaN as equal only to NaN, and infinities by sign', () => {
    expect(compareArrays([Number.NaN], [Number.NaN]).pass).toBe(true);
    expect(compareArrays([Number.NaN], [1]).pass).toBe(false);
    expect(compareArrays([Number.POSITIVE_INFINITY], [Number.POSITIVE_INFINITY]).pass).toBe(true);
    expect(compareArrays([Number.NEGATIVE_INFINITY], [Number.POSITIVE_INFINITY]).pass).toBe(false);
  });

  it('fails, naming both kinds, on a value of the wrong kind or one it cannot read (never throws)', () => {
    const nested = [
      [1, 2],
      [3, 4],
    ];
    const wrong = (actual: unknown, expected: unknown) =>
      compareArrays(actual as never, expected as never, EXACT, 'f(x)');
    expect(wrong(nested, NDArray.fromNested(nested)).message).toMatch(
      /^f\(x\): expected an NDArray, received a nested array \(number\[\]\[\]\)\n/,
    );
    expect(wrong([1, 2], Float64Array.of(1, 2)).message).toMatch(/expected a Float64Array, received a number\[\]/);
    expect(wrong(Float32Array.of(1, 2), Float64Array.of(1, 2)).message).toMatch(
      /expected a Float64Array, received a Float32Array/,
    );
    expect(wrong(undefined, NDArray.zeros([2])).message).toMatch(/expected an NDArray, received undefined/);
    expect(wrong('abc', [1]).message).toMatch(/f\(x\): expected an NDArray, received a string/);
    expect(wrong(new Map(), [1]).message).toMatch(/received an object \(Map\)/);
    expect(
      wrong(
        [[1, 2], [3]],
        [
          [1, 2],
          [3, 4],
        ],
      ).message,
    ).toMatch(/received: .*ragged nested array/);
    for (const r of [wrong(nested, NDArray.fromNested(nested)), wrong('abc', [1])]) expect(r.pass).toBe(false);
  });

  it('reads any kind where the expected value is a literal, and a number for a scalar NDArray', () => {
    expect(compareArrays(NDArray.fromNested([1, 2]), [1, 2]).pass).toBe(true);
    expect(compareArrays([1, 2], [1, 2]).pass).toBe(true);
    expect(compareArrays(32, NDArray.fromNested(32)).pass).toBe(true);
    expect(compareArrays(Float32Array.of(1, 2), Float32Array.of(1, 2)).pass).toBe(true);
  });

  it('kindOf names values the way a learner reads them', () => {
    expect(
      [NDArray.zeros([1]), [1], [[1]], [[[1]]], [NDArray.zeros([1])], [], 3, null, {}, Float64Array.of(1)].map(kindOf),
    ).toEqual([
      'an NDArray',
      'a number[]',
      'a nested array (number[][])',
      'a nested array (number[][][])',
      'an array (NDArray[])',
      'an array (never[])',
      'a number',
      'null',
      'a plain object',
      'a Float64Array',
    ]);
  });
});

describe('helpers', () => {
  it('unravelIndex inverts row-major offsets', () => {
    expect(unravelIndex(23, [2, 3, 4])).toEqual([1, 2, 3]);
    expect(unravelIndex(0, [])).toEqual([]);
  });

  it('sideBySide aligns two blocks under titles', () => {
    expect(sideBySide('a\nbb', 'c', ['L', 'R'])).toBe('L     R\na     c\nbb');
  });

  it('float32Tolerance grows with the number of rounded terms', () => {
    const one = float32Tolerance(1);
    const many = float32Tolerance(784, 10);
    expect(one.rtol).toBeCloseTo(16 * 2 ** -24, 20);
    expect(many.rtol).toBeCloseTo(one.rtol * 28, 15);
    expect(many.atol).toBeCloseTo(many.rtol * 10, 15);
  });

  it('float32Tolerance never lets atol fall below what flushing results under 2^-126 to zero costs', () => {
    // vectorDot([1e-20, 0], [1e-20, 0]) is 1e-40 in float64 and 0 in TF.js' WASM backend.
    const tiny = float32Tolerance(2, 1e-40);
    expect(tiny.atol).toBe(4 * FLOAT32_MIN_NORMAL);
    expect(compareArrays([1e-40], [0], tiny).pass).toBe(true);
    expect(compareArrays([1e-3], [0], tiny).pass, 'an error of order 1e-3 is far above the floor').toBe(false);
  });
});

describe('the vitest matchers', () => {
  it('toHaveShape reads NDArrays and tensor-like objects, and names the kind of anything else', () => {
    expect(NDArray.zeros([2, 3])).toHaveShape([2, 3]);
    expect({ shape: [4] }).toHaveShape([4]);
    expect(() => expect([[1, 2]]).toHaveShape([1, 2])).toThrow(
      'expected an NDArray of shape [1,2], received a nested array (number[][])',
    );
    expect(() => expect(undefined).toHaveShape([2])).toThrow('expected an NDArray of shape [2], received undefined');
    expect(() => expect(NDArray.zeros([2, 3])).toHaveShape([3, 2])).toThrow(
      /shape mismatch: expected \[3,2\], received \[2,3\]/,
    );
    expect(() => expect(NDArray.zeros([2])).toHaveShape([2, 1])).toThrow(/rank 2 expected, rank 1 received/);
  });

  it('toBeAllClose reports through vitest with the comparison message', () => {
    expect([1, 2]).toBeAllClose([1, 2]);
    expect(() => expect([1, 2]).toBeAllClose([1, 3], { label: 'add(x, y)' })).toThrow(
      /add\(x, y\) \[2\]: 1 of 2 elements differ/,
    );
    expect([1, 2]).not.toBeAllClose([1, 3]);
    expect(() => expect([1, 2]).toBeAllClose(NDArray.fromNested([1, 2]), { label: 'relu(x)' })).toThrow(
      'relu(x): expected an NDArray, received a number[]',
    );
  });

  it('toThrowKind checks the message first (a TODO shows as it is), then the class', () => {
    const shapeError = () => {
      throw new ShapeError('matmul', 'inner dimensions 3 and 4 differ');
    };
    expect(shapeError).toThrowKind(ShapeError, /inner dimensions 3 and 4/);
    expect(shapeError).not.toThrowKind(ShapeError, /inner dimensions 5/);
    const failure = (fn: () => unknown) =>
      expect(() => expect(fn).toThrowKind(ShapeError, /inner dimensions/, 'matmul(a, b)'));
    failure(() => 1).toThrow(
      'matmul(a, b) should throw a ShapeError matching /inner dimensions/, but it threw nothing: it returned a number',
    );
    failure(() => {
      throw new Error('TODO(03-matmul): implement matmul (step 3 in README.md)');
    }).toThrow(
      'matmul(a, b) threw\n  TODO(03-matmul): implement matmul (step 3 in README.md)\nbut the message should match\n  /inner dimensions/',
    );
    failure(() => {
      throw new Error('inner dimensions 3 and 4 differ');
    }).toThrow('matmul(a, b) threw an Error; throw a ShapeError (lib/errors.ts) instead');
    expect(() => {
      throw new ArgumentError('relu', 'bad');
    }).toThrowKind(ArgumentError, /bad/);
  });

  it('toLeaveUnchanged names the input that changed, where, and from what to what', () => {
    const x = NDArray.fromNested([
      [1, 2],
      [3, 4],
    ]);
    const y = [5, 6];
    expect(() => NDArray.fromNested([0])).toLeaveUnchanged({ x, y });
    expect(() => {
      y[1] = 0;
    }).not.toLeaveUnchanged([y]);
    expect(() =>
      expect(() => {
        x.data[3] = 9;
      }).toLeaveUnchanged({ y, x }, 'f(x)'),
    ).toThrow('f(x) changed x at index 3 ([1,1]): 4 → 9: leave its inputs as they are');
    // a result that is x itself: writing into it reaches x
    expect(() => expect(() => x).toLeaveUnchanged({ x }, 'g(x)')).toThrow(
      "g(x) returned an array that shares its input's memory: writing into it changed x at index 0 ([0,0]): 1 → -7.25; return a new array",
    );
  });
});
