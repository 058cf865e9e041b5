/**
 * Exercise 01 — tensors. Run: `npm start` (watch mode) or `npx vitest --project exercises 01`.
 * Each describe block is one step of README.md; make them pass in order.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { nestedArray, randomArray } from '../../lib/arbitraries.ts';
import { ShapeError } from '../../lib/errors.ts';
import { NDArray, type Nested } from '../../lib/ndarray.ts';
import { loadOracle, type Oracle, runOracle } from '../../lib/oracle.ts';
import {
  at,
  batch,
  byteSize,
  dataShape,
  flatIndex,
  type Range,
  rank,
  shape,
  size,
  slice,
  strides,
  toNDArray,
} from './tensors.ts';

let oracle: Oracle;
beforeAll(async () => {
  oracle = await loadOracle();
});

/** The shape TensorFlow.js reads from nested data (the tensor is freed at once). */
function tfShape(nested: Nested): number[] {
  const t = oracle.tf.tensor(nested as number);
  const s = t.shape;
  t.dispose();
  return s;
}

// The book's rank-3 example (section 2.2): 3 matrices of 3 rows of 5 numbers.
const rank3 = [
  [
    [5, 78, 2, 34, 0],
    [6, 79, 3, 35, 1],
    [7, 80, 4, 36, 2],
  ],
  [
    [5, 78, 2, 34, 0],
    [6, 79, 3, 35, 1],
    [7, 80, 4, 36, 2],
  ],
  [
    [5, 78, 2, 34, 0],
    [6, 79, 3, 35, 1],
    [7, 80, 4, 36, 2],
  ],
];

describe('step 1: rank', () => {
  it('counts the axes of the book examples: scalar 0, vector 1, matrix 2, rank-3 tensor 3', () => {
    expect(rank(12)).toBe(0);
    expect(rank([12, 3, 6, 14, 7])).toBe(1);
    expect(
      rank([
        [5, 78, 2, 34, 0],
        [6, 79, 3, 35, 1],
        [7, 80, 4, 36, 2],
      ]),
    ).toBe(2);
    expect(rank(rank3)).toBe(3);
  });

  it('an empty vector still has one axis; a vector of 5 numbers is a 5-dimensional vector of rank 1', () => {
    expect(rank([])).toBe(1);
    expect(rank([[]])).toBe(2);
    expect(rank([1, 2, 3, 4, 5])).toBe(1);
  });

  it('agrees with tf.tensor(x).rank on random nested arrays of rank 0 to 5', () => {
    fc.assert(
      fc.property(nestedArray({ maxRank: 5 }), ({ nested }) => {
        expect(rank(nested)).toBe(tfShape(nested).length);
      }),
    );
  });
});

describe('step 2: shape', () => {
  it('reads the size of every axis', () => {
    expect(shape(12)).toEqual([]);
    expect(shape([12, 3, 6, 14, 7])).toEqual([5]);
    expect(shape(rank3)).toEqual([3, 3, 5]);
    expect(shape([[], []])).toEqual([2, 0]);
  });

  it('throws a ShapeError naming where a ragged array goes wrong', () => {
    // row [1] has 2 numbers where row [0] has 3: the message names both rows, as README step 2 says
    expect(() =>
      shape([
        [1, 2, 3],
        [4, 5],
      ]),
    ).toThrowKind(ShapeError, /ragged.*length 2 at index \[1\], but 3 at index \[0\]/);
    // a number where a row was expected
    expect(() => shape([[1, 2], 3] as Nested)).toThrow(/ragged.*index \[1\]/);
    // a row where a number was expected, one level down
    expect(() =>
      shape([
        [1, 2],
        [3, [4]],
      ] as Nested),
    ).toThrow(/ragged.*index \[1\]\[1\]/);
  });

  it('agrees with tf.tensor(x).shape on random nested arrays', () => {
    fc.assert(
      fc.property(nestedArray({ maxRank: 5 }), ({ nested, shape: expected }) => {
        expect(shape(nested)).toEqual(expected);
        expect(shape(nested)).toEqual(tfShape(nested));
      }),
    );
  });
});

describe('step 3: size and bytes', () => {
  it('counts the elements of the MNIST training images (60000, 28, 28)', () => {
    expect(size([60000, 28, 28])).toBe(47_040_000); // 60000 · 28 · 28
    expect(size([])).toBe(1); // a scalar holds one number
    expect(size([3, 0, 4])).toBe(0);
  });

  it('knows how much memory a tensor takes: float32 is 4 bytes, float64 is 8', () => {
    expect(byteSize([60000, 28, 28], 'float32')).toBe(188_160_000);
    // The book's video batch: 4 clips of 240 frames of 144×256 RGB = 106,168,320 numbers, 405 MiB in float32.
    expect(byteSize([4, 240, 144, 256, 3], 'float32')).toBe(424_673_280);
    expect(byteSize([4, 240, 144, 256, 3], 'float64')).toBe(849_346_560);
  });

  it('agrees with tf.util.sizeFromShape on random shapes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 6 }), (s) => {
        expect(size(s)).toBe(oracle.tf.util.sizeFromShape(s));
      }),
    );
  });
});

describe('step 4: row-major storage', () => {
  it('strides of (2, 3, 4) are (12, 4, 1): the last axis varies fastest', () => {
    expect(strides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(strides([60000, 28, 28])).toEqual([784, 28, 1]);
    expect(strides([])).toEqual([]);
  });

  it('flatIndex finds element [1, 2, 3] of a (2, 3, 4) array at 1·12 + 2·4 + 3·1 = 23', () => {
    expect(flatIndex([2, 3, 4], [1, 2, 3])).toBe(23);
    expect(flatIndex([2, 3, 4], [0, 0, 0])).toBe(0);
    expect(flatIndex([], [])).toBe(0);
  });

  it('flatIndex rejects an index of the wrong length or out of range, naming the shape', () => {
    expect(() => flatIndex([2, 3], [1])).toThrow(/\[2,3\]/);
    expect(() => flatIndex([2, 3], [1, 3])).toThrow(/out of range.*\[2,3\]/);
  });

  it('toNDArray stores the rank-3 example row-major with shape [3,3,5]', () => {
    const x = toNDArray(rank3);
    expect(x).toHaveShape([3, 3, 5]);
    // The flat data reads the numbers in the order they are written: row 0 of matrix 0, then row 1, …
    expect(new NDArray(x.data.slice(0, 7), [7])).toBeAllClose([5, 78, 2, 34, 0, 6, 79], {
      label: 'the first 7 numbers of toNDArray(rank3).data',
    });
    expect(x.get(2, 1, 3)).toBe(35);
  });

  it('agrees with tf.tensor(x) on random nested arrays, and flatIndex finds every element', () => {
    fc.assert(
      fc.property(nestedArray({ maxRank: 4 }), ({ nested, shape: s }) => {
        const x = toNDArray(nested);
        const t = oracle.tf.tensor(nested as number);
        expect(x).toHaveShape(t.shape);
        expect(x).toBeAllClose(NDArray.fromFlat(t.dataSync(), t.shape));
        t.dispose();
        // every element of the nested data sits at its flat index
        const visit = (v: Nested, index: number[]): void => {
          if (Array.isArray(v))
            v.forEach((c, i) => {
              visit(c, [...index, i]);
            });
          else expect(x.data[flatIndex(s, index)]).toBe(v);
        };
        visit(nested, []);
      }),
    );
  });
});

/** Converts NumPy-style ranges to tf.slice's begin and size, for the oracle. */
function toBeginSize(shapeOf: readonly number[], ranges: Range[]): [number[], number[]] {
  const begin: number[] = [];
  const sizes: number[] = [];
  shapeOf.forEach((n, axis) => {
    const r = ranges[axis] ?? null;
    const norm = (v: number) => Math.min(n, Math.max(0, v < 0 ? n + v : v));
    const a = r === null ? 0 : norm(r[0]);
    const b = r === null || r[1] === undefined ? n : norm(r[1]);
    begin.push(a);
    sizes.push(Math.max(0, b - a));
  });
  return [begin, sizes];
}

describe('step 5: indexing and slicing', () => {
  // A stand-in for the MNIST training images: 200 random 28×28 "digits".
  const images = NDArray.randomUniform([200, 28, 28], 0, 255, { seed: 5, dtype: 'float32' });

  it("at(images, 4) is the book's `digit = train_images[4]`: one 28×28 image", () => {
    const digit = at(images, 4);
    expect(digit).toHaveShape([28, 28]);
    expect(digit.get(13, 7)).toBe(images.get(4, 13, 7));
    expect(at(images, -1)).toBeAllClose(
      runOracle(oracle, (tf, x) => tf.slice(x, [199, 0, 0], [1, 28, 28]).reshape([28, 28]), images),
    );
    expect(() => at(images, 200)).toThrow(/200.*out of range.*\[200,28,28\]/);
  });

  it('slice(images, [10, 100]) is `train_images[10:100]`: shape [90,28,28]', () => {
    const part = slice(images, [10, 100]);
    expect(part).toHaveShape([90, 28, 28]);
    expect(part).toBeAllClose(runOracle(oracle, (tf, x) => tf.slice(x, [10, 0, 0], [90, 28, 28]), images));
    // the same selection, spelled out axis by axis
    expect(slice(images, [10, 100], null, null)).toBeAllClose(part);
    expect(slice(images, [10, 100], [0, 28], [0, 28])).toBeAllClose(part);
  });

  it('slice(images, null, [14], [14]) is `train_images[:, 14:, 14:]`: the bottom-right corners', () => {
    const corners = slice(images, null, [14], [14]);
    expect(corners).toHaveShape([200, 14, 14]);
    expect(corners).toBeAllClose(runOracle(oracle, (tf, x) => tf.slice(x, [0, 14, 14], [200, 14, 14]), images));
  });

  it('negative bounds count from the end: `[:, 7:-7, 7:-7]` crops 14×14 from the centre', () => {
    const centre = slice(images, null, [7, -7], [7, -7]);
    expect(centre).toHaveShape([200, 14, 14]);
    expect(centre).toBeAllClose(runOracle(oracle, (tf, x) => tf.slice(x, [0, 7, 7], [200, 14, 14]), images));
  });

  it('bounds past the end are clipped and an empty range gives an empty axis, as in NumPy', () => {
    expect(slice(images, [195, 1000])).toHaveShape([5, 28, 28]);
    expect(slice(images, [50, 10])).toHaveShape([0, 28, 28]);
  });

  it('too many ranges is a ShapeError naming the shape', () => {
    expect(() => slice(images, null, null, null, null)).toThrow(/4 ranges.*rank 3.*\[200,28,28\]/);
  });

  it('agrees with tf.slice on random arrays and random ranges', () => {
    const rangeArb = fc.oneof(
      fc.constant(null),
      fc.tuple(fc.integer({ min: -6, max: 6 })),
      fc.tuple(fc.integer({ min: -6, max: 6 }), fc.integer({ min: -6, max: 6 })),
    );
    fc.assert(
      fc.property(randomArray({ minRank: 1, maxRank: 4 }), fc.array(rangeArb, { maxLength: 4 }), (x, rs) => {
        const ranges = rs.slice(0, x.rank) as Range[];
        const [begin, sizes] = toBeginSize(x.shape, ranges);
        const got = slice(x, ...ranges);
        expect(got).toHaveShape(sizes);
        expect(got).toBeAllClose(runOracle(oracle, (tf, t) => tf.slice(t, begin, sizes), x));
      }),
    );
  });
});

describe('step 6: the batch axis', () => {
  const samples = NDArray.randomNormal([1000, 3], 0, 1, { seed: 6, dtype: 'float32' });

  it("batch(x, n) takes samples 128·n to 128·(n+1): the book's `train_images[128 * n:128 * (n + 1)]`", () => {
    const b = batch(samples, 2);
    expect(b).toHaveShape([128, 3]);
    expect(b).toBeAllClose(runOracle(oracle, (tf, x) => tf.slice(x, [256, 0], [128, 3]), samples));
  });

  it('the last batch is partial: 1000 samples make 7 full batches and one of 104', () => {
    expect(batch(samples, 7)).toHaveShape([104, 3]);
    expect(batch(samples, 7)).toBeAllClose(runOracle(oracle, (tf, x) => tf.slice(x, [896, 0], [104, 3]), samples));
    expect(batch(samples, 4, 200)).toHaveShape([200, 3]);
  });

  it('a batch that does not exist is an error that says how many there are', () => {
    expect(() => batch(samples, 8)).toThrow(/batch 8.*8 batches/);
    expect(() => batch(samples, 5, 200)).toThrow(/5 batches of 200/);
  });

  it('the batches cover every sample exactly once, in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 25 }), (n, size) => {
        const x = NDArray.fromFlat(
          Array.from({ length: n * 2 }, (_, i) => i),
          [n, 2],
        );
        const seen: number[] = [];
        for (let k = 0; k < Math.ceil(n / size); k++) seen.push(...batch(x, k, size).data);
        expect(seen).toEqual(Array.from(x.data));
      }),
    );
  });
});

describe('step 7: the shapes of data', () => {
  it('vector data is (samples, features): 100,000 people × (age, postcode, income)', () => {
    expect(dataShape({ kind: 'vectors', samples: 100_000, features: 3 })).toEqual([100_000, 3]);
  });

  it('timeseries are (samples, timesteps, features): 250 days of 390 minutes × (price, high, low)', () => {
    expect(dataShape({ kind: 'timeseries', samples: 250, timesteps: 390, features: 3 })).toEqual([250, 390, 3]);
  });

  it('images are (samples, height, width, channels), or channels first', () => {
    const spec = { kind: 'images', samples: 128, height: 256, width: 256, channels: 3 } as const;
    expect(dataShape(spec)).toEqual([128, 256, 256, 3]);
    expect(dataShape({ ...spec, layout: 'channels-last' })).toEqual([128, 256, 256, 3]);
    expect(dataShape({ ...spec, layout: 'channels-first' })).toEqual([128, 3, 256, 256]);
    // MNIST digits are greyscale: one channel.
    expect(dataShape({ kind: 'images', samples: 60000, height: 28, width: 28, channels: 1 })).toEqual([
      60000, 28, 28, 1,
    ]);
  });

  it('video is (samples, frames, height, width, channels), or channels first', () => {
    const spec = { kind: 'video', samples: 4, frames: 240, height: 144, width: 256, channels: 3 } as const;
    expect(dataShape(spec)).toEqual([4, 240, 144, 256, 3]);
    expect(dataShape({ ...spec, layout: 'channels-first' })).toEqual([4, 240, 3, 144, 256]);
  });
});
