/**
 * Exercise 01 — tensors. Run: `npm start` (watch mode) or `npx vitest --project exercises 01`.
 * Each describe block is one step of README.md; make them pass in order.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { nestedArray, randomArray } from '../../lib/arbitraries.ts';
import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { NDArray, type Nested } from '../../lib/ndarray.ts';
import { loadOracle, type Oracle, runOracle } from '../../lib/oracle.ts';
import {
  at,
  batch,
  byteSize,
  type DataSpec,
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
  oracle = await loadOracle({ small: true, lean: true });
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
    ).toThrowKind(ShapeError, /^shape: ragged nested array: length 2 at index \[1\], but 3 at index \[0\]$/);
    // a number where a row was expected
    expect(() => shape([[1, 2], 3] as Nested)).toThrowKind(
      ShapeError,
      /^shape: ragged nested array: expected an array of length 2 at index \[1\], got the number 3$/,
    );
    // a row where a number was expected, one level down
    expect(() =>
      shape([
        [1, 2],
        [3, [4]],
      ] as Nested),
    ).toThrowKind(ShapeError, /^shape: ragged nested array: expected a number at index \[1\]\[1\], got an array$/);
  });

  it('a ragged row deep down is named by its whole path, and compared with the first row at that depth', () => {
    // shape reads [1, 2, 2] down the first elements; row [0][1] has 1 number where [0][0] has 2
    expect(() => shape([[[1, 2], [3]]])).toThrowKind(
      ShapeError,
      /^shape: ragged nested array: length 1 at index \[0\]\[1\], but 2 at index \[0\]\[0\]$/,
    );
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

  it('flatIndex rejects an index of the wrong length or out of range at either end, naming the shape', () => {
    // the last element [1, 2] is still inside: 1·3 + 2·1 = 5
    expect(flatIndex([2, 3], [1, 2])).toBe(5);
    const outside: [number[], number[], number][] = [
      [[2, 3], [1, 3], 1], // one past the end of axis 1
      [[2, 3], [0, -1], 1], // no counting from the end: -1 is outside too
      [[2, 3], [2, 0], 0],
      [[0], [0], 0], // an axis of size 0 has no index at all
    ];
    for (const [s, index, axis] of outside) {
      const k = index[axis];
      expect(() => flatIndex(s, index)).toThrowKind(
        ShapeError,
        new RegExp(
          `^flatIndex: index ${k} is out of range for axis ${axis} of size ${s[axis]} \\(shape \\[${s.join(',')}\\]\\)$`,
        ),
        `flatIndex([${s}], [${index}])`,
      );
    }
    for (const index of [[1], [1, 2, 0]]) {
      expect(() => flatIndex([2, 3], index)).toThrowKind(
        ShapeError,
        new RegExp(
          `^flatIndex: index \\[${index.join(',')}\\] has ${index.length} entries for shape \\[2,3\\] of rank 2$`,
        ),
        `flatIndex([2,3], [${index}])`,
      );
    }
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
      runOracle(oracle, (tf, x) => tf.reshape(tf.slice(x, [199, 0, 0], [1, 28, 28]), [28, 28]), images),
    );
    expect(() => at(images, 200)).toThrowKind(ShapeError, /200.*out of range.*\[200,28,28\]/);
  });

  it('at accepts i from -n to n-1 and refuses anything else, a fraction or a scalar', () => {
    // 0 is the first image and -200 counts back to it from the end; 199 is the last
    expect(at(images, 0)).toBeAllClose(
      runOracle(oracle, (tf, x) => tf.reshape(tf.slice(x, [0, 0, 0], [1, 28, 28]), [28, 28]), images),
    );
    expect(at(images, -200)).toBeAllClose(at(images, 0));
    expect(at(images, 199)).toBeAllClose(at(images, -1));
    for (const i of [200, -201, 1.5]) {
      expect(() => at(images, i)).toThrowKind(
        ShapeError,
        new RegExp(`^at: index ${i} is out of range for axis 0 of size 200 \\(shape \\[200,28,28\\]\\)$`),
        `at(images, ${i})`,
      );
    }
    expect(() => at(NDArray.zeros([0, 3]), 0)).toThrowKind(
      ShapeError,
      /^at: index 0 is out of range for axis 0 of size 0 \(shape \[0,3\]\)$/,
    );
    expect(() => at(NDArray.fromFlat([7], []), 0)).toThrowKind(
      ShapeError,
      /^at: cannot index a scalar \(shape \[\]\)$/,
    );
  });

  it('at and slice return new arrays of the same dtype: writing into them leaves x as it was', () => {
    const x = NDArray.fromFlat([1, 2, 3, 4, 5, 6], [3, 2], 'float32');
    const row = at(x, 1);
    const part = slice(x, [1], null);
    expect(row.dtype).toBe('float32');
    expect(part.dtype).toBe('float32');
    expect(slice(x.clone('float64'), [1]).dtype).toBe('float64');
    expect(at(x.clone('float64'), 1).dtype).toBe('float64');
    row.data.fill(-1);
    part.data.fill(-1);
    expect(x).toBeAllClose([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
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
    expect(() => slice(images, null, null, null, null)).toThrowKind(
      ShapeError,
      /^slice: 4 ranges given for an array of rank 3 \(shape \[200,28,28\]\)$/,
    );
  });

  it('a bound that is not an integer is an ArgumentError naming the axis, at the start or the stop', () => {
    const cases: [Range[], number, number][] = [
      [[null, [0.5]], 1, 0.5],
      [[[0, 2.5]], 0, 2.5],
    ];
    for (const [ranges, axis, bound] of cases) {
      expect(() => slice(images, ...ranges)).toThrowKind(
        ArgumentError,
        new RegExp(`^slice: axis ${axis}: range bounds must be integers, got ${bound}$`),
        `slice(images, ${JSON.stringify(ranges).slice(1, -1)})`,
      );
    }
  });

  it('a scalar sliced with no ranges is a copy of the scalar, shape []', () => {
    const scalar = NDArray.fromFlat([7], []);
    const copy = slice(scalar);
    expect(copy).toHaveShape([]);
    expect(copy).toBeAllClose(scalar);
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
    expect(() => batch(samples, 8)).toThrowKind(ArgumentError, /batch 8.*8 batches/);
    expect(() => batch(samples, 5, 200)).toThrowKind(ArgumentError, /5 batches of 200/);
  });

  it('n must be a batch from 0 to the last: a negative, too large or fractional n is an ArgumentError', () => {
    for (const n of [8, -1, 0.5]) {
      expect(() => batch(samples, n)).toThrowKind(
        ArgumentError,
        new RegExp(`^batch: batch ${n} does not exist: 1000 samples make 8 batches of 128 \\(numbered 0 to 7\\)$`),
        `batch(samples, ${n})`,
      );
    }
    // an empty dataset has no batch at all
    expect(() => batch(NDArray.zeros([0, 3]), 0)).toThrowKind(
      ArgumentError,
      /^batch: batch 0 does not exist: 0 samples make 0 batches of 128/,
    );
  });

  it('batchSize must be a positive integer; 1 makes one batch per sample', () => {
    const last = batch(samples, 999, 1);
    expect(last).toHaveShape([1, 3]);
    expect(last).toBeAllClose(runOracle(oracle, (tf, x) => tf.slice(x, [999, 0], [1, 3]), samples));
    for (const size of [0, -1, 2.5]) {
      expect(() => batch(samples, 0, size)).toThrowKind(
        ArgumentError,
        new RegExp(`^batch: batchSize must be a positive integer, got ${size}$`),
        `batch(samples, 0, ${size})`,
      );
    }
  });

  it('a scalar has no batch axis: a ShapeError', () => {
    expect(() => batch(NDArray.fromFlat([7], []), 0)).toThrowKind(
      ShapeError,
      /^batch: a scalar \(shape \[\]\) has no batch axis$/,
    );
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

  it('any other kind is an ArgumentError naming it', () => {
    // TypeScript refuses it, but a caller from JavaScript or JSON can still send one
    const audio = { kind: 'audio', samples: 10 } as unknown as DataSpec;
    expect(() => dataShape(audio)).toThrowKind(ArgumentError, /^dataShape: unknown kind "audio"$/);
  });
});
