/**
 * Exercise 04 — geometry. Run: `npm start` (watch mode) or `npx vitest --project exercises 04`.
 * Each describe block is one step of README.md; make them pass in order.
 * Points are rows: shape [n, 2] holds n points in the plane.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { arrayOfShape, shapeArb } from '../../lib/arbitraries.ts';
import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { loadOracle, type Oracle, runOracle, type Tensor, type Tf } from '../../lib/oracle.ts';
import { sizeOf } from '../../lib/shape.ts';
import { float32Tolerance } from '../../lib/tolerance.ts';
import {
  type Activation,
  type Affine,
  affineMap,
  applyLayers,
  collapse,
  composeAffine,
  flatten,
  linearMap,
  reshape,
  rotation,
  scaling,
  translate,
  transpose,
} from './geometry.ts';

let oracle: Oracle;
beforeAll(async () => {
  oracle = await loadOracle({ small: true, lean: true });
});

const array = (rows: number[] | number[][]) => NDArray.fromNested(rows);

/** The largest |value| of an array (at least 1): the scale of a float32 tolerance. */
const scaleOf = (x: NDArray) => Math.max(1, ...Array.from(x.data, Math.abs));

/**
 * 0, 1, 2, … in row-major order: every element differs, so a value in the wrong place shows at
 * once, and its value says where it came from.
 */
const arange = (shape: readonly number[]) =>
  NDArray.fromFlat(
    Array.from({ length: sizeOf(shape) }, (_, i) => i),
    shape,
    'float32',
  );

/**
 * A float32 array of small random integers in [−bound, bound]: TensorFlow.js computes with
 * them exactly, and a failing case shrinks to numbers you can check by hand.
 */
const smallInts = (shape: readonly number[], bound = 9) =>
  fc
    .array(fc.integer({ min: -bound, max: bound }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) })
    .map((values) => NDArray.fromFlat(values, shape, 'float32'));

/** A random size 1..max, for building shapes that must fit together. */
const dim = (max = 5) => fc.integer({ min: 1, max });

/** W·x + b for every row x, in TensorFlow.js: points·Wᵀ + b. */
const tfAffine = (tf: Tf, W: Tensor, b: Tensor, points: Tensor) => tf.add(tf.matMul(points, W, false, true), b);

describe('step 1: reshape and flatten', () => {
  // The book's example (§2.3.4): x = [[0, 1], [2, 3], [4, 5]], shape (3, 2).
  const x = array([
    [0, 1],
    [2, 3],
    [4, 5],
  ]);

  it("reshapes the book's (3, 2) example: the numbers keep their row-major order", () => {
    // Row-major order of x is 0 1 2 3 4 5; a reshape only regroups that sequence.
    const column = reshape(x, [6, 1]);
    expect(column).toHaveShape([6, 1]);
    expect(column).toBeAllClose([[0], [1], [2], [3], [4], [5]]);
    const wide = reshape(x, [2, 3]);
    expect(wide).toHaveShape([2, 3]);
    expect(wide).toBeAllClose([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('infers one -1 from the other sizes: [3,2] → [-1] is [6], → [3,-1] is [3,2], → [-1,1] is [6,1]', () => {
    expect(reshape(x, [-1])).toHaveShape([6]);
    expect(reshape(x, [-1])).toBeAllClose([0, 1, 2, 3, 4, 5]);
    expect(reshape(x, [3, -1])).toHaveShape([3, 2]);
    expect(reshape(x, [-1, 1])).toHaveShape([6, 1]);
    expect(reshape(x, [1, 2, -1])).toHaveShape([1, 2, 3]);
  });

  it("flattens the seed's images: train_images.reshape((60000, 28 * 28)), on 100 stand-in images", () => {
    const images = NDArray.randomUniform([100, 28, 28], 0, 255, { seed: 4, dtype: 'float32' });
    const rows = flatten(images);
    expect(rows).toHaveShape([100, 784]);
    expect(rows).toBeAllClose(runOracle(oracle, (tf, t) => tf.reshape(t, [100, 784]), images));
    // Pixel (13, 5) of image 7 becomes entry 13·28 + 5 = 369 of row 7.
    expect(rows.get(7, 369), 'pixel (13, 5) of image 7 should be entry 369 of row 7').toBe(images.get(7, 13, 5));
    expect(reshape(images, [100, 784])).toBeAllClose(rows);
    expect(reshape(images, [-1, 784])).toHaveShape([100, 784]);
  });

  it('flatten keeps the batch axis of any rank: [2,3,4,5] → [2,60], [7] → [7,1]', () => {
    expect(flatten(NDArray.zeros([2, 3, 4, 5]))).toHaveShape([2, 60]);
    expect(flatten(NDArray.zeros([7]))).toHaveShape([7, 1]);
  });

  it('a size mismatch is a ShapeError naming both shapes and both element counts', () => {
    // 6 elements cannot fill 4·2 = 8 places …
    expect(() => reshape(x, [4, 2])).toThrowKind(
      ShapeError,
      /^reshape: cannot reshape \[3,2\] \(6 elements\) into \[4,2\] \(8 elements\)$/,
    );
    // … nor 4·? places: 6 is not a multiple of 4.
    expect(() => reshape(x, [4, -1])).toThrowKind(
      ShapeError,
      /^reshape: cannot reshape \[3,2\] \(6 elements\) into \[4,-1\]: 6 is not a multiple of 4$/,
    );
  });

  it('two -1s (or a negative size) is a ShapeError: the shape is not determined', () => {
    expect(() => reshape(x, [-1, -1])).toThrowKind(
      ShapeError,
      /^reshape: cannot reshape \[3,2\] \(6 elements\) into \[-1,-1\]: only one size can be -1$/,
    );
    expect(() => reshape(x, [-2, -3])).toThrowKind(
      ShapeError,
      /^reshape: cannot reshape \[3,2\] \(6 elements\) into \[-2,-3\]: sizes must be non-negative integers, or -1 for one inferred size$/,
    );
  });

  it('a -1 next to a size 0 is refused: 0 elements fit [0,k] for every k', () => {
    // tf.reshape refuses it too ("Cannot infer the missing size … when there are 0 elements")
    expect(() => reshape(NDArray.zeros([0, 3]), [0, -1])).toThrowKind(
      ShapeError,
      /^reshape: cannot reshape \[0,3\] \(0 elements\) into \[0,-1\]: the -1 is ambiguous when the other sizes multiply to 0$/,
    );
    // without a -1, a size-0 shape is fine
    expect(reshape(NDArray.zeros([0, 3]), [3, 0])).toHaveShape([3, 0]);
  });

  it('reshape and flatten return new arrays: writing into them leaves x as it was', () => {
    const column = reshape(x, [6, 1]);
    const rows = flatten(x);
    expect(column).toHaveShape([6, 1]);
    expect(rows).toHaveShape([3, 2]);
    column.data.fill(-1);
    rows.data.fill(-1);
    expect(x).toBeAllClose([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  it('flatten of a scalar is a ShapeError: it has no batch axis to keep', () => {
    expect(() => flatten(NDArray.fromFlat([7], []))).toThrowKind(
      ShapeError,
      /^flatten: a scalar \(shape \[\]\) has no batch axis to keep$/,
    );
  });

  /** A shape for x.shape's elements: its sizes shuffled, some neighbours merged, maybe one -1. */
  const reshapeCase = shapeArb({ minRank: 0, maxRank: 5, maxDim: 4 }).chain((shape) => {
    const t = arange(shape);
    return fc
      .tuple(
        fc.shuffledSubarray([...t.shape], { minLength: t.rank, maxLength: t.rank }),
        fc.array(fc.boolean(), { minLength: t.rank, maxLength: t.rank }),
        fc.integer({ min: -1, max: 5 }),
      )
      .map(([dims, merge, unknown]) => {
        const target: number[] = [];
        dims.forEach((d, i) => {
          if (merge[i] && target.length > 0) target[target.length - 1] = (target.at(-1) as number) * d;
          else target.push(d);
        });
        if (unknown >= 0 && unknown < target.length) target[unknown] = -1;
        return { t, target };
      });
  });

  it('agrees with tf.reshape on random shapes of rank 0 to 5 and random compatible targets', () => {
    fc.assert(
      fc.property(reshapeCase, ({ t, target }) => {
        const before = Array.from(t.data);
        const got = reshape(t, target);
        const expected = runOracle(oracle, (tf, a) => tf.reshape(a, target), t);
        expect(got).toHaveShape(expected.shape);
        expect(got).toBeAllClose(expected);
        expect(Array.from(t.data), 'reshape must not change its input').toEqual(before);
      }),
    );
  });
});

describe('step 2: transpose', () => {
  it('transposes a [2,3] matrix into [3,2]: out[j][i] = x[i][j]', () => {
    const x = array([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const t = transpose(x);
    expect(t).toHaveShape([3, 2]);
    // Row j of the result is column j of x.
    expect(t).toBeAllClose([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    // Transposing twice gives x back.
    expect(transpose(t)).toBeAllClose(x);
  });

  it('transpose(x, perm) moves axis perm[i] to place i: [2,3,4] with perm [1,0,2] is [3,2,4]', () => {
    const x = NDArray.fromFlat(
      Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    const t = transpose(x, [1, 0, 2]);
    expect(t).toHaveShape([3, 2, 4]);
    // out[j, i, k] = x[i, j, k]; x[1, 2, 3] = 1·12 + 2·4 + 3 = 23.
    expect(t.get(2, 1, 3)).toBe(23);
    expect(t).toBeAllClose(runOracle(oracle, (tf, a) => tf.transpose(a, [1, 0, 2]), x));
  });

  it('turns a channels-last image batch [2,4,4,3] into channels-first [2,3,4,4] with perm [0,3,1,2]', () => {
    const images = NDArray.randomUniform([2, 4, 4, 3], 0, 255, { seed: 2, dtype: 'float32' });
    const chw = transpose(images, [0, 3, 1, 2]);
    expect(chw).toHaveShape([2, 3, 4, 4]);
    expect(chw).toBeAllClose(runOracle(oracle, (tf, a) => tf.transpose(a, [0, 3, 1, 2]), images));
    // The green value (channel 1) of pixel (2, 3) of image 1 keeps its value, at a new place.
    expect(chw.get(1, 1, 2, 3), 'images[1, 2, 3, 1] should move to [1, 1, 2, 3]').toBe(images.get(1, 2, 3, 1));
  });

  it('without perm reverses all the axes, as tf.transpose(x) and NumPy’s x.T do', () => {
    const x = NDArray.randomUniform([2, 3, 4], -1, 1, { seed: 3, dtype: 'float32' });
    const t = transpose(x);
    expect(t).toHaveShape([4, 3, 2]);
    expect(t).toBeAllClose(runOracle(oracle, (tf, a) => tf.transpose(a), x));
  });

  it('a perm that is not a permutation of the axes is a ShapeError naming perm and the shape', () => {
    const x = NDArray.zeros([2, 3, 4]);
    expect(() => transpose(x, [0, 0, 1])).toThrowKind(ShapeError, /\[0,0,1\].*\[2,3,4\]/); // an axis twice
    expect(() => transpose(x, [0, 1])).toThrowKind(ShapeError, /\[0,1\].*\[2,3,4\]/); // too short
    expect(() => transpose(x, [0, 1, 3])).toThrowKind(ShapeError, /\[0,1,3\].*\[2,3,4\]/); // no axis 3
  });

  it('the perm error names the axes 0..rank-1, and an axis below 0 or not an integer is refused too', () => {
    const x = NDArray.zeros([2, 3, 4]);
    // no counting from the end: -1 is not one of the axes 0, 1, 2
    for (const perm of [
      [0, 0, 1],
      [0, 1],
      [0, 1, 3],
      [0, 1, -1],
      [0, 1, 1.5],
      [2, 1, 0, 3],
    ]) {
      expect(() => transpose(x, perm)).toThrowKind(
        ShapeError,
        new RegExp(
          `^transpose: perm \\[${perm.join(',')}\\] is not a permutation of the axes 0\\.\\.2 of x \\[2,3,4\\]$`,
        ),
        `transpose(x [2,3,4], [${perm}])`,
      );
    }
  });

  it('returns a new array, even for a perm that keeps every axis in place', () => {
    const x = array([1, 2, 3]);
    for (const t of [transpose(x), transpose(x, [0])]) {
      expect(t).toHaveShape([3]);
      t.data.fill(-1);
    }
    expect(x).toBeAllClose([1, 2, 3]);
  });

  const permCase = shapeArb({ minRank: 1, maxRank: 5, maxDim: 4 }).chain((shape) =>
    fc
      .shuffledSubarray(
        shape.map((_, i) => i),
        { minLength: shape.length, maxLength: shape.length },
      )
      .map((perm) => ({ t: arange(shape), perm })),
  );

  it('agrees with tf.transpose on random shapes of rank 1 to 5 and random permutations', () => {
    fc.assert(
      fc.property(permCase, ({ t, perm }) => {
        const before = Array.from(t.data);
        const got = transpose(t, perm);
        const expected = runOracle(oracle, (tf, a) => tf.transpose(a, perm), t);
        expect(got).toHaveShape(expected.shape);
        expect(got).toBeAllClose(expected);
        expect(Array.from(t.data), 'transpose must not change its input').toEqual(before);
      }),
    );
  });
});

describe('step 3: translation', () => {
  it('adds the vector to every point: the triangle (0,0), (1,0), (0,2) moved by (3,1)', () => {
    const points = array([
      [0, 0],
      [1, 0],
      [0, 2],
    ]);
    const moved = translate(points, array([3, 1]));
    expect(moved).toHaveShape([3, 2]);
    expect(moved).toBeAllClose([
      [3, 1],
      [4, 1],
      [3, 3],
    ]);
  });

  it('a vector of the wrong length is a ShapeError naming both shapes', () => {
    const points = NDArray.zeros([5, 2]);
    expect(() => translate(points, array([1, 2, 3]))).toThrowKind(
      ShapeError,
      /^translate: v \[3\] has 3 coordinates but the points have 2 \(points \[5,2\]\)$/,
    );
  });

  it('points must be a matrix [n,d] and v a vector [d]: another rank is a ShapeError naming which', () => {
    expect(() => translate(array([1, 2]), array([3, 1]))).toThrowKind(
      ShapeError,
      /^translate: points must have rank 2, got rank 1 \(shape \[2\]\)$/,
    );
    expect(() => translate(NDArray.zeros([5, 2]), array([[3, 1]]))).toThrowKind(
      ShapeError,
      /^translate: v must have rank 1, got rank 2 \(shape \[1,2\]\)$/,
    );
  });

  it('returns a new array and leaves the points and v as they were', () => {
    const points = array([
      [0, 0],
      [1, 0],
    ]);
    const v = array([3, 1]);
    expect(() => translate(points, v)).toLeaveUnchanged({ points, v });
  });

  it('agrees with tf.add (broadcasting v over the rows) on random points of any dimension', () => {
    const translateCase = fc.tuple(dim(8), dim(4)).chain(([n, d]) => fc.tuple(smallInts([n, d]), smallInts([d])));
    fc.assert(
      fc.property(translateCase, ([points, v]) => {
        const got = translate(points, v);
        expect(got).toHaveShape(points.shape);
        expect(got).toBeAllClose(
          runOracle(oracle, (tf, p, b) => tf.add(p, b), points, v),
          float32Tolerance(2, 20),
        );
      }),
    );
  });
});

/** a·b for 2×2 matrices, written out: the spec's own check, independent of your code. */
function mul2(a: NDArray, b: NDArray): NDArray {
  const [a00, a01, a10, a11] = a.data as unknown as number[];
  const [b00, b01, b10, b11] = b.data as unknown as number[];
  return array([
    [a00 * b00 + a01 * b10, a00 * b01 + a01 * b11],
    [a10 * b00 + a11 * b10, a10 * b01 + a11 * b11],
  ]);
}
const det2 = (m: NDArray) => m.get(0, 0) * m.get(1, 1) - m.get(0, 1) * m.get(1, 0);
const identity = array([
  [1, 0],
  [0, 1],
]);
const near = { rtol: 1e-12, atol: 1e-12 };
const angle = fc.double({ min: -10, max: 10, noNaN: true });

describe('step 4: rotation and scaling matrices', () => {
  it('rotation(π/2) is [[0,-1],[1,0]]: it turns (1,0) into (0,1), counter-clockwise', () => {
    const r = rotation(Math.PI / 2);
    expect(r).toHaveShape([2, 2]);
    // cos 90° = 0, sin 90° = 1; the first column is where (1, 0) goes.
    expect(r).toBeAllClose(
      [
        [0, -1],
        [1, 0],
      ],
      near,
    );
    // 30°: cos = √3/2, sin = 1/2.
    expect(rotation(Math.PI / 6)).toBeAllClose(
      [
        [Math.sqrt(3) / 2, -0.5],
        [0.5, Math.sqrt(3) / 2],
      ],
      near,
    );
    expect(rotation(0)).toBeAllClose(identity);
  });

  it('scaling(2, 0.5) is [[2,0],[0,0.5]]: twice as wide, half as tall', () => {
    const s = scaling(2, 0.5);
    expect(s).toHaveShape([2, 2]);
    expect(s).toBeAllClose([
      [2, 0],
      [0, 0.5],
    ]);
  });

  it('rotating by θ then by −θ is the identity, R(α)·R(β) = R(α+β), and det R(θ) = 1', () => {
    fc.assert(
      fc.property(angle, angle, (a, b) => {
        const ra = rotation(a);
        expect(mul2(rotation(-a), ra)).toBeAllClose(identity, near);
        expect(mul2(ra, rotation(b))).toBeAllClose(rotation(a + b), near);
        // det 1: a rotation keeps areas and does not mirror the plane.
        expect(det2(ra)).toBeCloseTo(1, 12);
      }),
    );
  });

  it('scaling(sx, sy) multiplies areas by sx·sy (its determinant) and scales the axes', () => {
    const factor = fc.double({ min: -5, max: 5, noNaN: true });
    fc.assert(
      fc.property(factor, factor, (sx, sy) => {
        const s = scaling(sx, sy);
        expect(det2(s)).toBeCloseTo(sx * sy, 12);
        expect(s).toBeAllClose([
          [sx, 0],
          [0, sy],
        ]);
      }),
    );
  });

  it('a non-finite angle or factor is an ArgumentError naming the function and the value', () => {
    expect(() => rotation(Number.NaN)).toThrowKind(ArgumentError, /rotation.*NaN/);
    expect(() => scaling(1, Number.POSITIVE_INFINITY)).toThrowKind(ArgumentError, /scaling.*Infinity/);
  });

  it('every argument is checked, at both infinities: theta, sx and sy', () => {
    expect(() => rotation(Number.NEGATIVE_INFINITY)).toThrowKind(
      ArgumentError,
      /^rotation: theta must be a finite number, got -Infinity$/,
    );
    expect(() => scaling(Number.NaN, 1)).toThrowKind(ArgumentError, /^scaling: sx must be a finite number, got NaN$/);
    expect(() => scaling(1, Number.POSITIVE_INFINITY)).toThrowKind(
      ArgumentError,
      /^scaling: sy must be a finite number, got Infinity$/,
    );
  });
});

describe('step 5: linear maps', () => {
  it('rotates the corners of the unit square by 90°: (1,0) → (0,1), (1,1) → (−1,1), (0,1) → (−1,0)', () => {
    const corners = array([
      [1, 0],
      [1, 1],
      [0, 1],
    ]);
    const turned = linearMap(rotation(Math.PI / 2), corners);
    expect(turned).toHaveShape([3, 2]);
    // R·(x, y) = (cos·x − sin·y, sin·x + cos·y) = (−y, x) at 90°.
    expect(turned).toBeAllClose(
      [
        [0, 1],
        [-1, 1],
        [-1, 0],
      ],
      near,
    );
  });

  it('scales the unit square into a 2 × 0.5 rectangle', () => {
    const corners = array([
      [1, 0],
      [1, 1],
      [0, 1],
    ]);
    expect(linearMap(scaling(2, 0.5), corners)).toBeAllClose([
      [2, 0],
      [2, 0.5],
      [0, 0.5],
    ]);
  });

  it('a [3,2] matrix maps 2-D points to 3-D: M·(x, y) = (x, y, x + y), so the result is [n,3]', () => {
    const M = array([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const lifted = linearMap(
      M,
      array([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(lifted).toHaveShape([2, 3]);
    expect(lifted).toBeAllClose([
      [1, 2, 3],
      [3, 4, 7],
    ]);
  });

  it('points with the wrong number of coordinates are a ShapeError naming both shapes', () => {
    expect(() => linearMap(NDArray.zeros([2, 3]), NDArray.zeros([5, 2]))).toThrowKind(
      ShapeError,
      /^linearMap: M \[2,3\] maps vectors of 3 coordinates, but the points have 2 \(points \[5,2\]\)$/,
    );
  });

  it('M and points must both be matrices: another rank is a ShapeError naming which', () => {
    expect(() => linearMap(array([1, 2]), NDArray.zeros([5, 2]))).toThrowKind(
      ShapeError,
      /^linearMap: M must have rank 2, got rank 1 \(shape \[2\]\)$/,
    );
    expect(() => linearMap(NDArray.zeros([2, 2]), array([1, 2]))).toThrowKind(
      ShapeError,
      /^linearMap: points must have rank 2, got rank 1 \(shape \[2\]\)$/,
    );
  });

  it('returns a new array and leaves M and the points as they were', () => {
    const M = array([
      [0, -1],
      [1, 0],
    ]);
    const points = array([
      [1, 0],
      [1, 1],
    ]);
    expect(() => linearMap(M, points)).toLeaveUnchanged({ M, points });
  });

  it('agrees with tf.matMul(points, M, false, true) on random matrices and points', () => {
    const linearCase = fc
      .tuple(dim(4), dim(4), dim(6))
      .chain(([m, k, n]) => fc.tuple(smallInts([m, k]), smallInts([n, k])));
    fc.assert(
      fc.property(linearCase, ([M, points]) => {
        const got = linearMap(M, points);
        const k = M.shape[1];
        expect(got).toHaveShape([points.shape[0], M.shape[0]]);
        expect(got).toBeAllClose(
          runOracle(oracle, (tf, m, p) => tf.matMul(p, m, false, true), M, points),
          float32Tolerance(k, 100 * k),
        );
      }),
    );
  });

  it('a rotation keeps every length, and rotating back by −θ returns the points', () => {
    fc.assert(
      fc.property(angle, arrayOfShape([6, 2]), (theta, points) => {
        const turned = linearMap(rotation(theta), points);
        const length = (p: NDArray, i: number) => Math.hypot(p.get(i, 0), p.get(i, 1));
        for (let i = 0; i < 6; i++) expect(length(turned, i)).toBeCloseTo(length(points, i), 9);
        expect(linearMap(rotation(-theta), turned)).toBeAllClose(points, { rtol: 1e-9, atol: 1e-9 });
      }),
    );
  });
});

describe('step 6: affine maps', () => {
  it('W·x + b: stretch x by 2, then move by (1, −1)', () => {
    const W = scaling(2, 1);
    const b = array([1, -1]);
    const moved = affineMap(
      W,
      b,
      array([
        [1, 1],
        [0, 2],
      ]),
    );
    expect(moved).toHaveShape([2, 2]);
    // (2·1 + 1, 1 − 1) = (3, 0) and (2·0 + 1, 2 − 1) = (1, 1).
    expect(moved).toBeAllClose([
      [3, 0],
      [1, 1],
    ]);
  });

  it('is a Dense layer without activation: 3 inputs → 2 outputs on a batch of 2', () => {
    const W = array([
      [1, 0, -1],
      [2, 1, 0],
    ]);
    const b = array([0.5, -1]);
    const out = affineMap(
      W,
      b,
      array([
        [1, 2, 3],
        [0, 1, 0],
      ]),
    );
    expect(out).toHaveShape([2, 2]);
    // (1 − 3 + 0.5, 2 + 2 − 1) = (−1.5, 3) and (0 + 0.5, 1 − 1) = (0.5, 0).
    expect(out).toBeAllClose([
      [-1.5, 3],
      [0.5, 0],
    ]);
  });

  it('a bias that does not match W is a ShapeError naming both shapes', () => {
    const W = NDArray.zeros([2, 2]);
    expect(() => affineMap(W, array([1, 2, 3]), NDArray.zeros([4, 2]))).toThrowKind(
      ShapeError,
      /^affineMap: b \[3\] must have one entry per row of W \[2,2\] \(2 outputs\)$/,
    );
  });

  it('W must be a matrix and b a vector: another rank is a ShapeError naming which', () => {
    const points = NDArray.zeros([4, 2]);
    expect(() => affineMap(array([1, 2]), array([1, 2]), points)).toThrowKind(
      ShapeError,
      /^affineMap: W must have rank 2, got rank 1 \(shape \[2\]\)$/,
    );
    expect(() => affineMap(NDArray.zeros([2, 2]), array([[1, 2]]), points)).toThrowKind(
      ShapeError,
      /^affineMap: b must have rank 1, got rank 2 \(shape \[1,2\]\)$/,
    );
  });

  it('returns a new array and leaves W, b and the points as they were', () => {
    const W = array([
      [2, 0],
      [0, 1],
    ]);
    const b = array([1, -1]);
    const points = array([[1, 2]]);
    expect(() => affineMap(W, b, points)).toLeaveUnchanged({ W, b, points });
  });

  it('agrees with tf.matMul(points, W, false, true) + b on random layers', () => {
    const affineCase = fc
      .tuple(dim(4), dim(4), dim(6))
      .chain(([m, k, n]) => fc.tuple(smallInts([m, k]), smallInts([m]), smallInts([n, k])));
    fc.assert(
      fc.property(affineCase, ([W, b, points]) => {
        const got = affineMap(W, b, points);
        const k = W.shape[1];
        expect(got).toHaveShape([points.shape[0], W.shape[0]]);
        expect(got).toBeAllClose(runOracle(oracle, tfAffine, W, b, points), float32Tolerance(k + 1, 100 * k));
      }),
    );
  });
});

describe('step 7: composing affine maps', () => {
  // turn: rotate by 90°, then move by (1, 0). stretch: scale x by 2, then move by (0, 1).
  const turn: Affine = {
    W: array([
      [0, -1],
      [1, 0],
    ]),
    b: array([1, 0]),
  };
  const stretch: Affine = {
    W: array([
      [2, 0],
      [0, 1],
    ]),
    b: array([0, 1]),
  };

  it('W = W₂·W₁ and b = W₂·b₁ + b₂: one map for "turn, then stretch"', () => {
    const both = composeAffine(turn, stretch);
    expect(both.W).toHaveShape([2, 2]);
    expect(both.b).toHaveShape([2]);
    // W₂·W₁ = [[2,0],[0,1]]·[[0,−1],[1,0]] = [[0,−2],[1,0]]; W₂·b₁ + b₂ = (2, 0) + (0, 1) = (2, 1).
    expect(both.W).toBeAllClose([
      [0, -2],
      [1, 0],
    ]);
    expect(both.b).toBeAllClose([2, 1]);
    // Check on the point (1, 0): turn → (0, 1) + (1, 0) = (1, 1); stretch → (2, 1) + (0, 1) = (2, 2).
    expect(affineMap(both.W, both.b, array([[1, 0]]))).toBeAllClose([[2, 2]]);
  });

  it('order matters: "stretch, then turn" is another map', () => {
    const both = composeAffine(stretch, turn);
    // W₁·W₂ = [[0,−1],[1,0]]·[[2,0],[0,1]] = [[0,−1],[2,0]]; W_turn·(0, 1) + (1, 0) = (−1, 0) + (1, 0) = (0, 0).
    expect(both.W).toBeAllClose([
      [0, -1],
      [2, 0],
    ]);
    expect(both.b).toBeAllClose([0, 0]);
  });

  it('maps whose shapes do not chain are a ShapeError naming both W shapes', () => {
    const a: Affine = { W: NDArray.zeros([4, 2]), b: NDArray.zeros([4]) };
    const c: Affine = { W: NDArray.zeros([2, 3]), b: NDArray.zeros([2]) };
    // a gives 4 outputs, c takes 3 inputs.
    expect(() => composeAffine(a, c)).toThrowKind(
      ShapeError,
      /^composeAffine: second.W \[2,3\] takes 3 inputs but first.W \[4,2\] gives 4 outputs$/,
    );
  });

  it('both W must be matrices: another rank is a ShapeError naming first.W or second.W', () => {
    const layer: Affine = { W: NDArray.zeros([2, 2]), b: NDArray.zeros([2]) };
    const flat: Affine = { W: array([1, 2]), b: NDArray.zeros([2]) };
    expect(() => composeAffine(flat, layer)).toThrowKind(
      ShapeError,
      /^composeAffine: first.W must have rank 2, got rank 1 \(shape \[2\]\)$/,
    );
    expect(() => composeAffine(layer, flat)).toThrowKind(
      ShapeError,
      /^composeAffine: second.W must have rank 2, got rank 1 \(shape \[2\]\)$/,
    );
  });

  const chainCase = fc
    .tuple(dim(4), dim(4), dim(4), dim(6))
    .chain(([d0, d1, d2, n]) =>
      fc.tuple(smallInts([d1, d0]), smallInts([d1]), smallInts([d2, d1]), smallInts([d2]), smallInts([n, d0])),
    );

  it('leaves both maps as they were, and returns a new W and b', () => {
    const inputs = { 'turn.W': turn.W, 'turn.b': turn.b, 'stretch.W': stretch.W, 'stretch.b': stretch.b };
    expect(() => composeAffine(turn, stretch).W).toLeaveUnchanged(inputs);
    expect(() => composeAffine(turn, stretch).b).toLeaveUnchanged(inputs);
  });

  it('agrees with TensorFlow.js: W = tf.matMul(W₂, W₁), b = W₂·b₁ + b₂, on random layer sizes', () => {
    fc.assert(
      fc.property(chainCase, ([W1, b1, W2, b2]) => {
        const both = composeAffine({ W: W1, b: b1 }, { W: W2, b: b2 });
        const h = W1.shape[0];
        expect(both.W).toHaveShape([W2.shape[0], W1.shape[1]]);
        expect(both.b).toHaveShape([W2.shape[0]]);
        const tol = float32Tolerance(h + 1, 100 * h);
        expect(both.W).toBeAllClose(
          runOracle(oracle, (tf, a, c) => tf.matMul(a, c), W2, W1),
          tol,
        );
        expect(both.b).toBeAllClose(
          runOracle(
            oracle,
            (tf, w, b, c) => tf.add(tf.reshape(tf.matMul(w, tf.reshape(b, [-1, 1])), [-1]), c),
            W2,
            b1,
            b2,
          ),
          tol,
        );
      }),
    );
  });

  it('applying the composed map equals applying first, then second, on random points', () => {
    fc.assert(
      fc.property(chainCase, ([W1, b1, W2, b2, points]) => {
        const both = composeAffine({ W: W1, b: b1 }, { W: W2, b: b2 });
        const stepByStep = affineMap(W2, b2, affineMap(W1, b1, points));
        // Both are float64; only the order of the roundings differs.
        expect(affineMap(both.W, both.b, points)).toBeAllClose(stepByStep, {
          rtol: 1e-9,
          atol: 1e-9 * scaleOf(stepByStep),
        });
      }),
    );
  });
});

/** Seeded layers 2 → 3 → 2, for the relu experiment (seed fixed so the counterexample repeats). */
function seededLayers(): Affine[] {
  const normal = (shape: number[], seed: number) => NDArray.randomNormal(shape, 0, 1, { seed });
  return [
    { W: normal([3, 2], 41), b: normal([3], 42) },
    { W: normal([2, 3], 43), b: normal([2], 44) },
  ];
}

/**
 * How far f misses the midpoint rule f((p + q)/2) = (f(p) + f(q))/2, which every affine map
 * keeps: the largest gap over the outputs.
 */
function midpointGap(f: (points: NDArray) => NDArray, p: readonly number[], q: readonly number[]): number {
  const mid = p.map((pi, i) => (pi + q[i]) / 2);
  const y = f(array([[...p], [...q], mid]));
  let gap = 0;
  for (let j = 0; j < y.shape[1]; j++) {
    gap = Math.max(gap, Math.abs(y.get(2, j) - (y.get(0, j) + y.get(1, j)) / 2));
  }
  return gap;
}

describe('step 8: stacked layers collapse without an activation', () => {
  // Layer 1 turns by 90° and moves by (1, 0); layer 2 stretches x by 2 and moves by (0, 1) (step 7).
  const layers: Affine[] = [
    {
      W: array([
        [0, -1],
        [1, 0],
      ]),
      b: array([1, 0]),
    },
    {
      W: array([
        [2, 0],
        [0, 1],
      ]),
      b: array([0, 1]),
    },
  ];

  it('applies the layers in order; relu sets negative values to 0 after each layer', () => {
    const p = array([
      [1, 0],
      [0, 2],
    ]);
    const linear = applyLayers(layers, p);
    expect(linear).toHaveShape([2, 2]);
    // (1, 0) → (0, 1) + (1, 0) = (1, 1) → (2, 1) + (0, 1) = (2, 2)
    // (0, 2) → (−2, 0) + (1, 0) = (−1, 0) → (−2, 0) + (0, 1) = (−2, 1)
    expect(linear).toBeAllClose([
      [2, 2],
      [-2, 1],
    ]);
    // With relu, (−1, 0) becomes (0, 0) after layer 1, and layer 2 sends it to (0, 1).
    expect(applyLayers(layers, p, 'relu')).toBeAllClose([
      [2, 2],
      [0, 1],
    ]);
    // relu acts after every layer, not only after the last. Shift left, then mirror x:
    // (0, 1) → (−1, 1) → relu → (0, 1) → mirror → (0, 1); relu only at the end would give (1, 1).
    const shiftLeft: Affine = { W: identity, b: array([-1, 0]) };
    const mirror: Affine = {
      W: array([
        [-1, 0],
        [0, 1],
      ]),
      b: array([0, 0]),
    };
    expect(applyLayers([shiftLeft, mirror], array([[0, 1]]), 'relu')).toBeAllClose([[0, 1]]);
  });

  it('collapse gives the one layer W = W₂·W₁, b = W₂·b₁ + b₂, and it equals the stack', () => {
    const one = collapse(layers);
    expect(one.W).toBeAllClose([
      [0, -2],
      [1, 0],
    ]);
    expect(one.b).toBeAllClose([2, 1]);
    const p = array([
      [1, 0],
      [0, 2],
    ]);
    expect(affineMap(one.W, one.b, p)).toBeAllClose(applyLayers(layers, p));
  });

  it('applyLayers and collapse leave the layers and the points as they were', () => {
    const p = array([
      [1, 0],
      [0, 2],
    ]);
    const params = Object.fromEntries(
      layers.flatMap(({ W, b }, i) => [
        [`layers[${i}].W`, W],
        [`layers[${i}].b`, b],
      ]),
    );
    expect(() => applyLayers(layers, p, 'relu')).toLeaveUnchanged({ p, ...params });
    expect(() => applyLayers(layers, p, 'linear')).toLeaveUnchanged({ p, ...params });
    expect(() => collapse(layers)).toLeaveUnchanged(params, 'collapse(layers)');
  });

  it('collapse of no layers is an ArgumentError', () => {
    expect(() => collapse([])).toThrowKind(ArgumentError, /^collapse: needs at least one layer$/);
  });

  it('an activation other than linear or relu is an ArgumentError naming it', () => {
    // TypeScript refuses it, but a caller from JavaScript can still send one
    const sigmoid = 'sigmoid' as unknown as Activation;
    expect(() => applyLayers(layers, array([[1, 0]]), sigmoid)).toThrowKind(
      ArgumentError,
      /^applyLayers: unknown activation "sigmoid" \(use 'linear' or 'relu'\)$/,
    );
  });

  const stackCase = fc
    .tuple(fc.array(dim(4), { minLength: 2, maxLength: 4 }), dim(6))
    .chain(([sizes, n]) =>
      fc.tuple(
        fc.tuple(
          ...sizes.slice(1).map((out, i) => {
            const inputs = sizes[i];
            return fc.tuple(smallInts([out, inputs], 2), smallInts([out], 2));
          }),
        ),
        smallInts([n, sizes[0]]),
      ),
    )
    .map(([pairs, points]) => ({ layers: pairs.map(([W, b]) => ({ W, b })), points }));

  /** The stack in TensorFlow.js, in one call: layer i is params[2i] (W) and params[2i + 1] (b). */
  function tfStack(stack: readonly Affine[], points: NDArray, relu: boolean): NDArray {
    const params = stack.flatMap(({ W, b }) => [W, b]);
    return runOracle(
      oracle,
      (tf, p, ...wb) => {
        let x = p;
        for (let i = 0; i < wb.length; i += 2) {
          x = tfAffine(tf, wb[i] as Tensor, wb[i + 1] as Tensor, x as Tensor);
          if (relu) x = tf.relu(x);
        }
        return x as Tensor;
      },
      points,
      ...params,
    );
  }

  it('agrees with a stack of TensorFlow.js layers, with and without relu, on random layer sizes', () => {
    fc.assert(
      fc.property(stackCase, ({ layers: stack, points }) => {
        for (const activation of ['linear', 'relu'] as const) {
          const got = applyLayers(stack, points, activation);
          const expected = tfStack(stack, points, activation === 'relu');
          expect(got).toHaveShape(expected.shape);
          // Small integers all the way, so TensorFlow.js' float32 is exact here; the tolerance is a formality.
          const tol = float32Tolerance(64, scaleOf(expected));
          expect(got).toBeAllClose(expected, { ...tol, label: `applyLayers(…, '${activation}')` });
        }
      }),
    );
  });

  it('without an activation, any stack of layers equals its collapse: one Dense layer', () => {
    fc.assert(
      fc.property(stackCase, ({ layers: stack, points }) => {
        const one = collapse(stack);
        const stacked = applyLayers(stack, points);
        expect(one.W).toHaveShape([stack.at(-1)?.W.shape[0] as number, stack[0]?.W.shape[1]]);
        expect(affineMap(one.W, one.b, points)).toBeAllClose(stacked, {
          rtol: 1e-12,
          atol: 1e-12 * scaleOf(stacked),
          label: 'the collapsed layer vs the stack',
        });
      }),
    );
  });

  it('with relu between the layers no single layer equals the stack: a seeded counterexample breaks the midpoint rule', () => {
    const stack = seededLayers();
    const reluStack = (x: NDArray) => applyLayers(stack, x, 'relu');
    const linearStack = (x: NDArray) => applyLayers(stack, x, 'linear');
    const point = fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }));
    const tol = 1e-9;
    // Every affine map keeps midpoints, so the stack without an activation does, for all p and q …
    expect(midpointGap(linearStack, [1, 2], [-3, 0.5])).toBeLessThan(tol);
    fc.assert(fc.property(point, point, (p, q) => midpointGap(linearStack, p, q) < tol));
    // … but with relu, fast-check finds points where it does not: no W and b can do what the stack does.
    const search = fc.check(fc.property(point, point, (p, q) => midpointGap(reluStack, p, q) < tol));
    expect(
      search.failed,
      'the relu stack kept every midpoint, like an affine map: does applyLayers apply relu after each layer?',
    ).toBe(true);
    const [p, q] = search.counterexample as [number[], number[]];
    expect(midpointGap(reluStack, p, q)).toBeGreaterThan(tol);
    // In particular the collapsed layer, which equals the linear stack, is not the relu stack.
    const one = collapse(stack);
    const both = array([p, q]);
    expect(affineMap(one.W, one.b, both)).not.toBeAllClose(reluStack(both), { rtol: 1e-6, atol: 1e-6 });
  });
});
