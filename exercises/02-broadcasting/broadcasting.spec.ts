/**
 * Exercise 02 — element-wise operations and broadcasting. Run: `npm start` (watch mode) or
 * `npx vitest --project exercises 02`. Each describe block is one step of README.md; make
 * them pass in order.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { shapeArb } from '../../lib/arbitraries.ts';
import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { loadOracle, type Oracle, runOracle } from '../../lib/oracle.ts';
import { formatShape, sizeOf } from '../../lib/shape.ts';
import { EXACT, float32Tolerance } from '../../lib/tolerance.ts';
import { add, broadcastShape, broadcastTo, expandDims, maximum, naiveAdd, naiveRelu, repeat } from './broadcasting.ts';

let oracle: Oracle;
beforeAll(async () => {
  oracle = await loadOracle({ small: true, lean: true });
});

// Values here are at most about 10 in size, and each result is one float32 rounding.
const TOL = float32Tolerance(1, 10);

/**
 * The shape TensorFlow.js gives `a + b`, from the shape function its add kernels call (it
 * throws where the shapes do not broadcast).
 */
function tfBroadcastShape(a: readonly number[], b: readonly number[]): number[] {
  return oracle.tf.backend_util.assertAndGetBroadcastShape([...a], [...b]);
}

// ---- Arbitraries: shape pairs that broadcast, and pairs that do not ----------------------

const MAX_RANK = 4;
const flags = fc.array(fc.boolean(), { minLength: MAX_RANK, maxLength: MAX_RANK });

/**
 * `out` with `drop` leading axes removed and the axes flagged in `ones` set to size 1. Flags
 * count from the right, as broadcasting aligns shapes, so shrinking `out` keeps them in place.
 */
function narrow(out: readonly number[], drop: number, ones: readonly boolean[]): number[] {
  const kept = out.slice(Math.min(drop, out.length));
  return kept.map((d, i) => (ones[kept.length - 1 - i] ? 1 : d));
}

/**
 * Two shapes that broadcast: both are cut from one shape by dropping leading axes (rank
 * differences) and setting axes to 1 (stretchable axes). Built with map, not chain, so a
 * failure shrinks to the smallest pair.
 */
const broadcastablePair = fc
  .record({
    out: shapeArb({ minRank: 0, maxRank: MAX_RANK, minDim: 1, maxDim: 4 }),
    dropA: fc.nat(MAX_RANK),
    dropB: fc.nat(MAX_RANK),
    onesA: flags,
    onesB: flags,
  })
  .map(({ out, dropA, dropB, onesA, onesB }) => ({ a: narrow(out, dropA, onesA), b: narrow(out, dropB, onesB) }));

/**
 * Two shapes that do not broadcast: a broadcastable pair of rank ≥ 1 each, then one aligned
 * axis gets two different sizes, both > 1. `axis` (numbered in the broadcast result) and
 * `sizes` are the conflict a good error message names.
 */
const incompatiblePair = fc
  .record({
    out: shapeArb({ minRank: 1, maxRank: MAX_RANK, minDim: 1, maxDim: 4 }),
    dropA: fc.nat(MAX_RANK),
    dropB: fc.nat(MAX_RANK),
    onesA: flags,
    onesB: flags,
    fromRight: fc.nat(MAX_RANK),
    size: fc.integer({ min: 2, max: 4 }),
    gap: fc.integer({ min: 1, max: 3 }),
    swap: fc.boolean(),
  })
  .map(({ out, dropA, dropB, onesA, onesB, fromRight, size, gap, swap }) => {
    const a = narrow(out, Math.min(dropA, out.length - 1), onesA);
    const b = narrow(out, Math.min(dropB, out.length - 1), onesB);
    const k = fromRight % Math.min(a.length, b.length); // an axis both shapes have, counted from the right
    const [sa, sb] = swap ? [size + gap, size] : [size, size + gap];
    a[a.length - 1 - k] = sa;
    b[b.length - 1 - k] = sb;
    return { a, b, axis: Math.max(a.length, b.length) - 1 - k, sizes: [sa, sb] as const };
  });

/** 1, 2, 3, … in a float32 array of this shape: every element differs, so a misplaced copy shows. */
function iota(shape: readonly number[]): NDArray {
  return NDArray.fromFlat(
    Array.from({ length: sizeOf(shape) }, (_, i) => i + 1),
    shape,
    'float32',
  );
}

/** Arrays for the copying ops: a random shape, values 1, 2, 3, … (only the shape shrinks). */
const countingArray = (minRank: number) => shapeArb({ minRank, maxRank: MAX_RANK, maxDim: 4 }).map(iota);

/**
 * Values from -4.5 to 4.5 in steps of 0.5, as float32: exact in float32 and float64, of
 * both signs (relu and maximum need negatives), with fractions (a stray Math.round shows),
 * and a failure shrinks to readable numbers such as [[0, -0.5]].
 */
function halvesArray(shape: readonly number[]): fc.Arbitrary<NDArray> {
  const n = sizeOf(shape);
  return fc.array(fc.integer({ min: -9, max: 9 }), { minLength: n, maxLength: n }).map((flat) =>
    NDArray.fromFlat(
      flat.map((k) => k / 2),
      shape,
      'float32',
    ),
  );
}

/** A random matrix (rank 2), sizes 1 to 6. */
const matrixShape = shapeArb({ minRank: 2, maxRank: 2, maxDim: 6 });

/** Arrays of a broadcastable pair of shapes. */
const broadcastableArrays = broadcastablePair.chain(({ a, b }) => fc.tuple(halvesArray(a), halvesArray(b)));

// ---- The book's running example ------------------------------------------------------------

// X (32, 10) + y (10,): a batch of 32 samples with 10 features, plus one bias per feature.
const X = NDArray.randomNormal([32, 10], 0, 1, { seed: 2, dtype: 'float32' });
const y = NDArray.fromFlat([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10], 'float32');

describe('step 1: naive relu', () => {
  it('keeps positives and zeroes negatives, row by row: relu([[0.5,-1,2],[-3,0,4]])', () => {
    const x = NDArray.fromNested([
      [0.5, -1, 2],
      [-3, 0, 4],
    ]);
    // max(0.5, 0) = 0.5, max(-1, 0) = 0, …, max(0, 0) = 0
    const r = naiveRelu(x);
    expect(r).toHaveShape([2, 3]);
    expect(r).toBeAllClose([
      [0.5, 0, 2],
      [0, 0, 4],
    ]);
  });

  it('returns a new array and leaves x as it was', () => {
    expect(() => naiveRelu(X)).toLeaveUnchanged({ X });
  });

  it('keeps an empty batch [0,10] empty', () => {
    expect(naiveRelu(NDArray.zeros([0, 10]))).toHaveShape([0, 10]);
  });

  it('rejects arrays that are not rank 2 with a ShapeError naming the shape', () => {
    expect(() => naiveRelu(y)).toThrowKind(
      ShapeError,
      /naiveRelu.*\[10\]/,
      'naiveRelu(y) with y of shape [10] (rank 1)',
    );
    expect(() => naiveRelu(NDArray.zeros([2, 3, 4]))).toThrowKind(
      ShapeError,
      /naiveRelu.*\[2,3,4\]/,
      'naiveRelu(x) with x of shape [2,3,4] (rank 3)',
    );
  });

  it('agrees with tf.relu on random matrices', () => {
    fc.assert(
      fc.property(matrixShape.chain(halvesArray), (x) => {
        const r = naiveRelu(x);
        const call = `naiveRelu(x ${formatShape(x.shape)})`;
        expect(r, call).toHaveShape(x.shape);
        expect(r, call).toBeAllClose(
          runOracle(oracle, (tf, t) => tf.relu(t), x),
          TOL,
        );
      }),
    );
  });
});

describe('step 2: naive add', () => {
  it('adds element by element: [[1,2,3],[4,5,6]] + [[10,20,30],[40,50,60]]', () => {
    const a = NDArray.fromNested([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = NDArray.fromNested([
      [10, 20, 30],
      [40, 50, 60],
    ]);
    const s = naiveAdd(a, b);
    expect(s).toHaveShape([2, 3]);
    // 1 + 10 = 11, 2 + 20 = 22, …, 6 + 60 = 66
    expect(s).toBeAllClose([
      [11, 22, 33],
      [44, 55, 66],
    ]);
  });

  it('returns a new array and leaves x and y as they were', () => {
    const b = NDArray.ones([32, 10]);
    expect(() => naiveAdd(X, b)).toLeaveUnchanged({ X, b });
  });

  it('rejects different shapes and other ranks with a ShapeError naming both shapes', () => {
    const a = NDArray.zeros([2, 3]);
    expect(() => naiveAdd(a, NDArray.zeros([3, 2]))).toThrowKind(
      ShapeError,
      /naiveAdd.*\[2,3\].*\[3,2\]/,
      'naiveAdd of shapes [2,3] and [3,2]',
    );
    // The book's X + y: broadcasting is step 6's job; the naive version refuses it.
    expect(() => naiveAdd(X, y)).toThrowKind(
      ShapeError,
      /naiveAdd.*\[32,10\].*\[10\]/,
      'naiveAdd of shapes [32,10] and [10]',
    );
    expect(() => naiveAdd(NDArray.zeros([1, 2, 3]), NDArray.zeros([1, 2, 3]))).toThrowKind(
      ShapeError,
      /naiveAdd.*\[1,2,3\]/,
      'naiveAdd of two arrays of shape [1,2,3] (rank 3)',
    );
  });

  it('either operand of another rank is refused, and so are shapes that differ only in rows or only in columns', () => {
    const cube = NDArray.zeros([1, 2, 3]);
    for (const [a, b] of [
      [X, y],
      [y, X],
      [cube, cube],
    ] as const) {
      const [sa, sb] = [formatShape(a.shape), formatShape(b.shape)].map((t) => t.replace(/[[\]]/g, '\\$&'));
      expect(() => naiveAdd(a, b)).toThrowKind(
        ShapeError,
        new RegExp(
          `^naiveAdd: x and y must both have rank 2, got x ${sa} \\(rank ${a.rank}\\) and y ${sb} \\(rank ${b.rank}\\)$`,
        ),
        `naiveAdd(x ${formatShape(a.shape)}, y ${formatShape(b.shape)})`,
      );
    }
    // [2,3] and [3,3] differ in rows only, [2,3] and [2,4] in columns only
    for (const b of [
      [3, 3],
      [2, 4],
    ]) {
      expect(() => naiveAdd(NDArray.zeros([2, 3]), NDArray.zeros(b))).toThrowKind(
        ShapeError,
        new RegExp(`^naiveAdd: shapes differ \\(x \\[2,3\\], y \\[${b.join(',')}\\]\\)`),
        `naiveAdd(x [2,3], y ${formatShape(b)})`,
      );
    }
  });

  it('agrees with tf.add on random pairs of matrices of one shape', () => {
    const pairs = matrixShape.chain((s) => fc.tuple(halvesArray(s), halvesArray(s)));
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        const s = naiveAdd(a, b);
        const call = `naiveAdd(x ${formatShape(a.shape)}, y ${formatShape(b.shape)})`;
        expect(s, call).toHaveShape(a.shape);
        expect(s, call).toBeAllClose(
          runOracle(oracle, (tf, u, v) => tf.add(u, v), a, b),
          TOL,
        );
      }),
    );
  });
});

describe('step 3: the broadcasting rule', () => {
  it("X (32, 10) + y (10,) has shape [32,10] — the book's example, either way round", () => {
    // Align on the right: (32, 10) over (_, 10). Axis 1: 10 and 10 agree; axis 0: y has none.
    expect(broadcastShape([32, 10], [10]), 'broadcastShape([32,10], [10])').toEqual([32, 10]);
    expect(broadcastShape([10], [32, 10]), 'broadcastShape([10], [32,10])').toEqual([32, 10]);
  });

  it('a scalar (shape []) broadcasts with anything, like a perceptron bias', () => {
    expect(broadcastShape([], [2, 3]), 'broadcastShape([], [2,3])').toEqual([2, 3]);
    expect(broadcastShape([2, 3], []), 'broadcastShape([2,3], [])').toEqual([2, 3]);
    expect(broadcastShape([], []), 'broadcastShape([], [])').toEqual([]);
  });

  it('size-1 axes stretch, on either side and on several axes', () => {
    // (32, 1) and (1, 10): axis 0 takes 32 from a, axis 1 takes 10 from b.
    expect(broadcastShape([32, 1], [1, 10]), 'broadcastShape([32,1], [1,10])').toEqual([32, 10]);
    // NumPy's documentation: (8, 1, 6, 1) and (_, 7, 1, 5) give (8, 7, 6, 5).
    expect(broadcastShape([8, 1, 6, 1], [7, 1, 5]), 'broadcastShape([8,1,6,1], [7,1,5])').toEqual([8, 7, 6, 5]);
    expect(broadcastShape([2, 1, 4], [3, 1]), 'broadcastShape([2,1,4], [3,1])').toEqual([2, 3, 4]);
    expect(broadcastShape([5, 4], [1]), 'broadcastShape([5,4], [1])').toEqual([5, 4]);
  });

  it('a size-1 axis stretches to any size, even 0 (an empty batch): the larger size is not always the answer', () => {
    expect(broadcastShape([0, 10], [1, 10]), 'broadcastShape([0,10], [1,10])').toEqual([0, 10]);
    expect(broadcastShape([1], [0]), 'broadcastShape([1], [0])').toEqual([0]);
  });

  it('sizes that differ and are not 1 cannot broadcast: a ShapeError names both shapes and the axis', () => {
    // (32, 10) over (_, 3): axis 1 has 10 and 3.
    expect(() => broadcastShape([32, 10], [3])).toThrowKind(
      ShapeError,
      /^broadcastShape: shapes \[32,10\] and \[3\] cannot broadcast: axis 1 has sizes 10 and 3$/,
      'broadcastShape([32,10], [3])',
    );
    // (_, 2, 1) over (8, 4, 3): axis 2 is fine (1 stretches to 3), axis 1 has 2 and 4.
    expect(() => broadcastShape([2, 1], [8, 4, 3])).toThrowKind(
      ShapeError,
      /\[2,1\] and \[8,4,3\] cannot broadcast: axis 1 has sizes 2 and 4/,
      'broadcastShape([2,1], [8,4,3])',
    );
    expect(() => broadcastShape([3], [4])).toThrowKind(
      ShapeError,
      /\[3\] and \[4\] cannot broadcast: axis 0 has sizes 3 and 4/,
      'broadcastShape([3], [4])',
    );
  });

  it('agrees with the shape of tf.add on random broadcastable shapes, with size-1 axes and rank differences', () => {
    fc.assert(
      fc.property(broadcastablePair, ({ a, b }) => {
        const s = broadcastShape(a, b);
        expect(s, `broadcastShape(${formatShape(a)}, ${formatShape(b)})`).toEqual(tfBroadcastShape(a, b));
        expect(broadcastShape(b, a), 'broadcasting is symmetric').toEqual(s);
      }),
    );
  });

  it('throws on random shapes that do not broadcast, naming both shapes and the axis, as tf.add refuses them', () => {
    fc.assert(
      fc.property(incompatiblePair, ({ a, b, axis, sizes }) => {
        const message = `${formatShape(a)} and ${formatShape(b)} cannot broadcast: axis ${axis} has sizes ${sizes[0]} and ${sizes[1]}`;
        expect(() => broadcastShape(a, b)).toThrowKind(
          ShapeError,
          new RegExp(message.replace(/[[\]]/g, '\\$&')),
          `broadcastShape(${formatShape(a)}, ${formatShape(b)})`,
        );
        // readme-errors: not the learner's message; TensorFlow.js throws a plain Error
        expect(() => tfBroadcastShape(a, b)).toThrowKind(Error, /could not be broadcast/);
      }),
    );
  });
});

describe('step 4: expand dims, then repeat', () => {
  it("expandDims(y, 0) turns y (10,) into (1, 10): the seed's np.expand_dims(y, axis=0)", () => {
    const y1 = expandDims(y, 0);
    expect(y1).toHaveShape([1, 10]);
    expect(y1).toBeAllClose([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
  });

  it('expandDims puts the new axis anywhere from 0 to rank; negative axes count from the end', () => {
    expect(expandDims(y, 1), 'expandDims(y [10], 1)').toHaveShape([10, 1]);
    // -1 is the last place (after axis 0), -2 the one before it
    expect(expandDims(y, -1), 'expandDims(y [10], -1)').toHaveShape([10, 1]);
    expect(expandDims(y, -2), 'expandDims(y [10], -2)').toHaveShape([1, 10]);
    expect(expandDims(NDArray.zeros([2, 3]), 1), 'expandDims(x [2,3], 1)').toHaveShape([2, 1, 3]);
    // a scalar becomes a vector of one
    expect(expandDims(NDArray.full([], 7), 0), 'expandDims(7, 0)').toBeAllClose([7]);
  });

  it("repeat(y1, 32, 0) is the seed's np.concatenate([y] * 32, axis=0): 32 rows, each equal to y", () => {
    const rows = repeat(NDArray.fromFlat(y.data, [1, 10], 'float32'), 32, 0);
    expect(rows).toHaveShape([32, 10]);
    expect(rows).toBeAllClose(
      runOracle(
        oracle,
        (tf, t) =>
          tf.concat(
            Array.from({ length: 32 }, () => tf.expandDims(t, 0)),
            0,
          ),
        y,
      ),
      EXACT,
    );
  });

  it('repeat lays whole copies end to end (np.concatenate), not each element n times (np.repeat)', () => {
    const x = NDArray.fromNested([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    // axis 1: each row followed by itself; [1, 1, 2, 2, 3, 3] would be np.repeat
    const wide = repeat(x, 2, 1);
    expect(wide).toHaveShape([2, 6]);
    expect(wide).toBeAllClose([
      [1, 2, 3, 1, 2, 3],
      [4, 5, 6, 4, 5, 6],
    ]);
    // axis 0: the whole matrix, then the whole matrix again
    const tall = repeat(x, 2, 0);
    expect(tall).toHaveShape([4, 3]);
    expect(tall).toBeAllClose([
      [1, 2, 3],
      [4, 5, 6],
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(repeat(x, 3, -1), 'repeat(x [2,3], 3, -1)').toHaveShape([2, 9]);
    expect(repeat(x, 0, 0), 'repeat(x [2,3], 0, 0): no copies, an empty axis').toHaveShape([0, 3]);
  });

  it('both return new arrays and leave x as it was', () => {
    expect(() => expandDims(y, 0)).toLeaveUnchanged({ y });
    expect(() => repeat(X, 2, 1)).toLeaveUnchanged({ X });
  });

  it('an axis out of range is a ShapeError naming the axis and the shape; so is a bad n', () => {
    expect(() => expandDims(y, 2)).toThrowKind(ShapeError, /axis 2.*\[10\]/, 'expandDims(y, 2) with y of shape [10]');
    expect(() => expandDims(y, -3)).toThrowKind(
      ShapeError,
      /axis -3.*\[10\]/,
      'expandDims(y, -3) with y of shape [10]',
    );
    expect(() => repeat(X, 2, 2)).toThrowKind(
      ShapeError,
      /axis 2.*\[32,10\]/,
      'repeat(X, 2, 2) with X of shape [32,10]',
    );
    expect(() => repeat(X, 2, -3)).toThrowKind(
      ShapeError,
      /axis -3.*\[32,10\]/,
      'repeat(X, 2, -3) with X of shape [32,10]',
    );
    // n counts copies: 0, 1, 2, … A bad count is not a shape mistake, so it is an ArgumentError.
    expect(() => repeat(X, -1, 0)).toThrowKind(ArgumentError, /repeat.*-1/, 'repeat(X, -1, 0)');
    expect(() => repeat(X, 1.5, 0)).toThrowKind(ArgumentError, /repeat.*1\.5/, 'repeat(X, 1.5, 0)');
  });

  it('the axis error says which axes there are: -rank-1 to rank for expandDims, -rank to rank-1 for repeat', () => {
    // y [10] has rank 1: expandDims takes -2 … 1; X [32,10] has rank 2: repeat takes -2 … 1
    for (const axis of [2, -3]) {
      expect(() => expandDims(y, axis)).toThrowKind(
        ShapeError,
        new RegExp(`^expandDims: axis ${axis} is out of range for x \\[10\\] of rank 1: use an integer from -2 to 1$`),
        `expandDims(y [10], ${axis})`,
      );
      expect(() => repeat(X, 2, axis)).toThrowKind(
        ShapeError,
        new RegExp(`^repeat: axis ${axis} is out of range for x \\[32,10\\] of rank 2: use an integer from -2 to 1$`),
        `repeat(X [32,10], 2, ${axis})`,
      );
    }
    // a scalar has no axis to repeat along (but expandDims(7, 0) is fine: see above)
    expect(() => repeat(NDArray.full([], 7), 2, 0)).toThrowKind(
      ShapeError,
      /^repeat: axis 0 is out of range for x \[\] of rank 0: a scalar has no axes$/,
      'repeat(7, 2, 0)',
    );
  });

  it('expandDims agrees with tf.expandDims on random arrays and axes', () => {
    fc.assert(
      fc.property(countingArray(0), fc.nat(), (x, k) => {
        const axis = (k % (2 * x.rank + 2)) - (x.rank + 1); // any of -(rank+1) … rank
        const e = expandDims(x, axis);
        const expected = runOracle(oracle, (tf, t) => tf.expandDims(t, axis), x);
        const call = `expandDims(x ${formatShape(x.shape)}, ${axis})`;
        expect(e, call).toHaveShape(expected.shape);
        expect(e, call).toBeAllClose(expected, EXACT);
      }),
    );
  });

  it('repeat agrees with tf.tile on random arrays, axes and counts', () => {
    fc.assert(
      fc.property(countingArray(1), fc.nat(), fc.integer({ min: 0, max: 3 }), (x, k, n) => {
        const axis = (k % (2 * x.rank)) - x.rank; // any of -rank … rank-1
        const r = repeat(x, n, axis);
        const reps = x.shape.map((_, i) => (i === (axis + x.rank) % x.rank ? n : 1));
        const expected = runOracle(oracle, (tf, t) => tf.tile(t, reps), x);
        const call = `repeat(x ${formatShape(x.shape)}, ${n}, ${axis})`;
        expect(r, call).toHaveShape(expected.shape);
        expect(r, call).toBeAllClose(expected, EXACT);
      }),
    );
  });
});

describe('step 5: broadcastTo', () => {
  it('stretches y (10,) to (32, 10): every row is y', () => {
    const b = broadcastTo(y, [32, 10]);
    expect(b).toHaveShape([32, 10]);
    expect(b).toBeAllClose(
      runOracle(oracle, (tf, t) => tf.broadcastTo(t, [32, 10]), y),
      EXACT,
    );
  });

  it('stretches a column (3, 1) to (2, 3, 4): a new axis 0, then axes 0 and 2 repeat', () => {
    const col = NDArray.fromNested([[1], [2], [3]]);
    // (3, 1) → expand → (1, 3, 1) → repeat axis 0 twice → (2, 3, 1) → repeat axis 2 four times → (2, 3, 4)
    const b = broadcastTo(col, [2, 3, 4]);
    expect(b).toHaveShape([2, 3, 4]);
    const block = [
      [1, 1, 1, 1],
      [2, 2, 2, 2],
      [3, 3, 3, 3],
    ];
    expect(b).toBeAllClose([block, block]);
  });

  it('a scalar fills any shape, and a shape that already fits is copied unchanged', () => {
    expect(broadcastTo(NDArray.full([], 0.5), [2, 3])).toBeAllClose([
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ]);
    const same = broadcastTo(X, [32, 10]);
    expect(same).toHaveShape([32, 10]);
    expect(same).toBeAllClose(X, EXACT);
    expect(() => broadcastTo(y, [4, 10])).toLeaveUnchanged({ y });
    expect(() => broadcastTo(X, [32, 10])).toLeaveUnchanged({ X });
  });

  it('only size-1 axes stretch, and no axis is removed: a ShapeError names both shapes', () => {
    expect(() => broadcastTo(NDArray.zeros([32, 3]), [32, 10])).toThrowKind(
      ShapeError,
      /\[32,3\].*\[32,10\].*axis 1/,
      'broadcastTo(x [32,3], [32,10])',
    );
    expect(() => broadcastTo(NDArray.zeros([2, 3]), [3])).toThrowKind(
      ShapeError,
      /\[2,3\].*\[3\]/,
      'broadcastTo(x [2,3], [3])',
    );
    // NOTE: broadcastShape([3], [1]) is [3], but broadcastTo goes one way: [3] cannot shrink to [1].
    expect(() => broadcastTo(NDArray.zeros([3]), [1])).toThrowKind(
      ShapeError,
      /\[3\].*\[1\].*axis 0/,
      'broadcastTo(x [3], [1])',
    );
  });

  it('the error names the allowed sizes, or says that no axis is removed', () => {
    const cases: [number[], number[], string][] = [
      [[32, 3], [32, 10], 'axis 1 has size 3, not 1 or 10'],
      [[3], [1], 'axis 0 has size 3, not 1'], // a target of 1 allows only 1
      [[2, 3], [3], 'x has 2 axes but the target only 1; broadcasting never removes axes'],
    ];
    for (const [from, to, why] of cases) {
      const what = `broadcastTo: cannot broadcast ${formatShape(from)} to ${formatShape(to)}: ${why}`;
      expect(() => broadcastTo(NDArray.zeros(from), to)).toThrowKind(
        ShapeError,
        new RegExp(`^${what.replace(/[[\]]/g, '\\$&')}$`),
        `broadcastTo(x ${formatShape(from)}, ${formatShape(to)})`,
      );
    }
  });

  it('agrees with tf.broadcastTo on random arrays and broadcast shapes', () => {
    fc.assert(
      fc.property(
        broadcastablePair.map(({ a, b }) => [iota(a), b] as const),
        ([x, other]) => {
          const target = tfBroadcastShape(x.shape, other);
          const b = broadcastTo(x, target);
          const call = `broadcastTo(x ${formatShape(x.shape)}, ${formatShape(target)})`;
          expect(b, call).toHaveShape(target);
          expect(b, call).toBeAllClose(
            runOracle(oracle, (tf, t) => tf.broadcastTo(t, target), x),
            EXACT,
          );
        },
      ),
    );
  });

  it('throws on random shapes that do not broadcast, naming both shapes', () => {
    fc.assert(
      fc.property(incompatiblePair, ({ a, b }) => {
        const x = NDArray.zeros(a);
        const pattern = new RegExp(`${formatShape(a)}.*${formatShape(b)}`.replace(/[[\]]/g, '\\$&'));
        expect(() => broadcastTo(x, b)).toThrowKind(
          ShapeError,
          pattern,
          `broadcastTo(x ${formatShape(a)}, ${formatShape(b)})`,
        );
      }),
    );
  });
});

describe('step 6: add and maximum with broadcasting', () => {
  it('adds a vector to every row: [[1,2,3],[4,5,6]] + [10,20,30]', () => {
    const m = NDArray.fromNested([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    // (2, 3) + (3,): y is added to row 0 and to row 1
    const s = add(m, NDArray.fromNested([10, 20, 30]));
    expect(s).toHaveShape([2, 3]);
    expect(s).toBeAllClose([
      [11, 22, 33],
      [14, 25, 36],
    ]);
  });

  it("X (32, 10) + y (10,) is the book's example: row i is X[i] + y", () => {
    const s = add(X, y);
    expect(s).toHaveShape([32, 10]);
    expect(s).toBeAllClose(
      runOracle(oracle, (tf, a, b) => tf.add(a, b), X, y),
      TOL,
    );
    expect(add(y, X), 'y + X is X + y').toBeAllClose(s, EXACT);
  });

  it('adds a scalar bias, as a number or as a shape-[] array', () => {
    const s = add(X, 0.5);
    expect(s).toHaveShape([32, 10]);
    expect(s).toBeAllClose(
      runOracle(oracle, (tf, a) => tf.add(a, 0.5), X),
      TOL,
    );
    expect(add(0.5, X)).toBeAllClose(s, EXACT);
    expect(add(NDArray.full([], 0.5), X)).toBeAllClose(s, TOL);
  });

  it('stretches both sides at once: a column (3, 1) plus a row (4,) is a (3, 4) table', () => {
    const col = NDArray.fromNested([[0], [10], [20]]);
    const row = NDArray.fromNested([1, 2, 3, 4]);
    // entry [i, j] = col[i, 0] + row[j]
    const table = add(col, row);
    expect(table).toHaveShape([3, 4]);
    expect(table).toBeAllClose([
      [1, 2, 3, 4],
      [11, 12, 13, 14],
      [21, 22, 23, 24],
    ]);
  });

  it('maximum(x, 0) is relu(x), for any rank; maximum(x, t) with a row t clips every column at its own floor', () => {
    const cube = NDArray.randomNormal([2, 3, 4], 0, 1, { seed: 7, dtype: 'float32' });
    const r = maximum(cube, 0);
    expect(r).toHaveShape([2, 3, 4]);
    expect(r).toBeAllClose(
      runOracle(oracle, (tf, t) => tf.relu(t), cube),
      TOL,
    );
    const m = NDArray.fromNested([
      [-5, 0, 5],
      [1, 2, 3],
    ]);
    // floors (0, 1, 4): max(-5, 0) = 0, max(0, 1) = 1, max(5, 4) = 5; max(1, 0) = 1, max(2, 1) = 2, max(3, 4) = 4
    expect(maximum(m, NDArray.fromNested([0, 1, 4]))).toBeAllClose([
      [0, 1, 5],
      [1, 2, 4],
    ]);
  });

  it('leaves its inputs as they were', () => {
    expect(() => add(X, y)).toLeaveUnchanged({ X, y });
    expect(() => maximum(y, X)).toLeaveUnchanged({ X, y });
  });

  it('shapes that do not broadcast are a ShapeError naming both shapes and the axis', () => {
    const y3 = NDArray.zeros([3]);
    expect(() => add(X, y3)).toThrowKind(ShapeError, /\[32,10\] and \[3\].*axis 1/, 'add(X [32,10], y [3])');
    expect(() => maximum(X, y3)).toThrowKind(ShapeError, /\[32,10\] and \[3\].*axis 1/, 'maximum(X [32,10], y [3])');
  });

  it("the error starts with the op's name: add or maximum, or broadcastShape (see the Notes)", () => {
    const y3 = NDArray.zeros([3]);
    expect(() => add(X, y3)).toThrowKind(
      ShapeError,
      /^(add|broadcastShape): shapes \[32,10\] and \[3\] cannot broadcast: axis 1 has sizes 10 and 3$/,
      'add(X [32,10], y [3])',
    );
    expect(() => maximum(X, y3)).toThrowKind(
      ShapeError,
      /^(maximum|broadcastShape): shapes \[32,10\] and \[3\] cannot broadcast: axis 1 has sizes 10 and 3$/,
      'maximum(X [32,10], y [3])',
    );
  });

  it('add agrees with tf.add on random broadcastable arrays, with size-1 axes and rank differences', () => {
    fc.assert(
      fc.property(broadcastableArrays, ([a, b]) => {
        const expected = runOracle(oracle, (tf, u, v) => tf.add(u, v), a, b);
        const s = add(a, b);
        const call = `add(a ${formatShape(a.shape)}, b ${formatShape(b.shape)})`;
        expect(s, call).toHaveShape(expected.shape);
        expect(s, call).toBeAllClose(expected, TOL);
      }),
    );
  });

  it('maximum agrees with tf.maximum on random broadcastable arrays', () => {
    fc.assert(
      fc.property(broadcastableArrays, ([a, b]) => {
        const expected = runOracle(oracle, (tf, u, v) => tf.maximum(u, v), a, b);
        const m = maximum(a, b);
        const call = `maximum(a ${formatShape(a.shape)}, b ${formatShape(b.shape)})`;
        expect(m, call).toHaveShape(expected.shape);
        expect(m, call).toBeAllClose(expected, TOL);
      }),
    );
  });

  it('add and maximum throw on random shapes that do not broadcast, naming both shapes', () => {
    fc.assert(
      fc.property(incompatiblePair, ({ a, b, axis }) => {
        const [x, z] = [NDArray.zeros(a), NDArray.zeros(b)];
        const pattern = new RegExp(`${formatShape(a)} and ${formatShape(b)}.*axis ${axis}`.replace(/[[\]]/g, '\\$&'));
        expect(() => add(x, z)).toThrowKind(ShapeError, pattern, `add(a ${formatShape(a)}, b ${formatShape(b)})`);
        expect(() => maximum(x, z)).toThrowKind(
          ShapeError,
          pattern,
          `maximum(a ${formatShape(a)}, b ${formatShape(b)})`,
        );
      }),
    );
  });
});
