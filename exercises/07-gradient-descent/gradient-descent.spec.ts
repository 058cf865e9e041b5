/**
 * Exercise 07 — gradient descent. Run: `npm start -- 07` (watch mode) or
 * `npx vitest --project exercises 07`. Each describe block is one step of README.md; make them
 * pass in order.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { arrayOfShape } from '../../lib/arbitraries.ts';
import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import type { AllCloseOptions } from '../../lib/matchers.ts';
import { NDArray, type Nested } from '../../lib/ndarray.ts';
import { fromTensor, loadOracle, type Oracle, type Tensor, type Tf, toTensor } from '../../lib/oracle.ts';
import { runs } from '../../lib/runs.ts';
import { float32Tolerance } from '../../lib/tolerance.ts';
import {
  type Batch,
  BatchGenerator,
  batchGradientDescent,
  DIVERGENCE_FACTOR,
  DivergenceError,
  gradientStep,
  hasDiverged,
  iterationsPerEpoch,
  type LinearParams,
  miniBatchGradientDescent,
  mseGradients,
  mseLoss,
  predict,
  stochasticGradientDescent,
  type TrainResult,
  totalIterations,
} from './gradient-descent.ts';

let oracle: Oracle;
beforeAll(async () => {
  oracle = await loadOracle({ small: true });
});

const arr = (x: Nested, dtype: 'float32' | 'float64' = 'float64'): NDArray => NDArray.fromNested(x, dtype);
const params = (w: number[], b: number): LinearParams => ({ w: NDArray.fromFlat(w, [w.length]), b });
/** [w0, w1, …, b]: one array to compare, so a failure names the first bad entry. */
const flat = (p: LinearParams): number[] => [...Array.from(p.w.data), p.b];

/** float32 tolerance for `terms` roundings, scaled to the largest |expected| (at least `floor`). */
function f32(expected: number[], terms: number, label: string, floor = 1): AllCloseOptions {
  return { ...float32Tolerance(terms, Math.max(floor, ...expected.map(Math.abs))), label };
}

// ---- The problem every loop trains on ------------------------------------------------------

const W_TRUE = [2, -3.4, 1.5];
const B_TRUE = 4.2;

/** n samples of y = x·W_TRUE + B_TRUE + noise, x ~ N(0, 1); float32, so TensorFlow.js sees the same numbers. */
function linearProblem(n: number, seed: number, noise = 0.1): { x: NDArray; y: NDArray } {
  const x = NDArray.randomNormal([n, 3], 0, 1, { seed, dtype: 'float32' });
  const eps = NDArray.randomNormal([n], 0, noise, { seed: seed + 1 });
  const y = NDArray.zeros([n], 'float32');
  for (let i = 0; i < n; i++) {
    let s = B_TRUE + eps.data[i];
    for (let j = 0; j < 3; j++) s += W_TRUE[j] * x.data[i * 3 + j];
    y.data[i] = s;
  }
  return { x, y };
}

/**
 * The least-squares fit, where gradient descent should end up: with A = [x | 1] (a column of
 * ones for b), θ = [w, b] solves the normal equations AᵀA·θ = Aᵀy. Gauss–Jordan elimination
 * with partial pivoting on the (d+1)×(d+2) augmented matrix [AᵀA | Aᵀy].
 */
function leastSquares(x: NDArray, y: NDArray): LinearParams {
  const [n, d] = x.shape as [number, number];
  const m = d + 1;
  const M = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
  for (let i = 0; i < n; i++) {
    const a = [...x.data.subarray(i * d, (i + 1) * d), 1];
    for (let r = 0; r < m; r++) {
      const row = M[r] as number[];
      for (let c = 0; c < m; c++) row[c] = row[c] + a[r] * a[c];
      row[m] = row[m] + a[r] * y.data[i];
    }
  }
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(M[r]?.[c]) > Math.abs(M[p]?.[c])) p = r;
    [M[c], M[p]] = [M[p] as number[], M[c] as number[]];
    const pivot = M[c] as number[];
    for (let r = 0; r < m; r++) {
      const row = M[r] as number[];
      if (r === c) continue;
      const f = row[c] / pivot[c];
      for (let k = c; k <= m; k++) row[k] = row[k] - f * pivot[k];
    }
  }
  const theta = M.map((row, r) => row[m] / row[r]);
  return params(theta.slice(0, d), theta[d]);
}

/** mean((x·w + b − y)²), the spec's own, so that the checks of steps 4–6 do not rest on your step 3. */
function lossOf(x: NDArray, y: NDArray, p: LinearParams): number {
  const [n, d] = x.shape as [number, number];
  let total = 0;
  for (let i = 0; i < n; i++) {
    let r = p.b - y.data[i];
    for (let j = 0; j < d; j++) r += x.data[i * d + j] * p.w.data[j];
    total += r * r;
  }
  return total / n;
}

// The data of steps 4–6: 100 samples, fixed seeds so that the budgets below hold.
const problem = linearProblem(100, 2024);
const best = leastSquares(problem.x, problem.y);
const bestLoss = lossOf(problem.x, problem.y, best);
const zeroLoss = lossOf(problem.x, problem.y, params([0, 0, 0], 0));

/** The batches of the BatchGenerator your loops use: epochs × numBatches lists of sample indices. */
function batchOrder(x: NDArray, y: NDArray, epochs: number, batchSize: number, seed: number): number[][] {
  const gen = new BatchGenerator(x, y, { batchSize, seed });
  return Array.from({ length: epochs * gen.numBatches }, () => gen.next().indices);
}

type TfVariable = ReturnType<Tf['variable']>;

/**
 * The same training in TensorFlow.js: w [d] and b are tf.variables, and tf.train.sgd takes one
 * step per batch on mean((x_b·w + b − y_b)²). Returns the final params and the loss on all the
 * data after each `lossEvery` batches.
 */
function tfTrain(x: NDArray, y: NDArray, batches: number[][], learningRate: number, lossEvery: number) {
  const { tf } = oracle;
  const [xs, ys] = [toTensor(tf, x), toTensor(tf, y)];
  // tidy frees the tensors the variables are made from; variables outlive it until disposed
  const [w, b] = tf.tidy(() => [tf.variable(tf.zeros([x.shape[1]])), tf.variable(tf.scalar(0))]) as [
    TfVariable,
    TfVariable,
  ];
  const sgd = tf.train.sgd(learningRate);
  const mse = (xb: Tensor, yb: Tensor) => tf.mean(tf.square(tf.sub(tf.add(tf.sum(tf.mul(xb, w), 1), b), yb)));
  const losses: number[] = [];
  try {
    batches.forEach((indices, k) => {
      tf.tidy(() => {
        const idx = tf.tensor1d(indices, 'int32');
        sgd.minimize(() => mse(tf.gather(xs, idx), tf.gather(ys, idx)) as ReturnType<Tf['scalar']>, false, [w, b]);
        if ((k + 1) % lossEvery === 0) losses.push(mse(xs, ys).dataSync()[0]);
      });
    });
    return { params: params(Array.from(fromTensor(w).data), fromTensor(b).data[0]), losses };
  } finally {
    tf.dispose([xs, ys, w, b]);
    sgd.dispose();
  }
}

describe('step 1: epochs and iterations', () => {
  it("the seed's example: 1000 samples in batches of 200 → 5 iterations per epoch, 100 in 20 epochs", () => {
    // one epoch = every sample once = 1000 / 200 = 5 batches; 20 epochs × 5 = 100 iterations
    expect(iterationsPerEpoch(1000, 200)).toBe(5);
    expect(totalIterations(1000, 200, 20)).toBe(100);
  });

  it('a last, smaller batch counts: 1000 / 128 → 8 (7 full batches and one of 104); dropRemainder → 7', () => {
    // 7 × 128 = 896, and the 1000 − 896 = 104 samples left over make an 8th batch
    expect(iterationsPerEpoch(1000, 128), 'the 104 samples left over are a batch too').toBe(8);
    expect(iterationsPerEpoch(1000, 128, { dropRemainder: true })).toBe(7);
    expect(totalIterations(1000, 128, 3)).toBe(24);
    expect(totalIterations(1000, 128, 3, { dropRemainder: true })).toBe(21);
  });

  it('MNIST in Keras: 60000 / 128 → 469 steps per epoch, the "469/469" that fit prints', () => {
    expect(iterationsPerEpoch(60000, 128)).toBe(469);
    expect(totalIterations(60000, 128, 5)).toBe(2345);
  });

  it('edge cases: no samples, a batch larger than the data, no epochs', () => {
    expect(iterationsPerEpoch(0, 32)).toBe(0);
    expect(iterationsPerEpoch(5, 10), 'five samples still make one (partial) batch').toBe(1);
    expect(iterationsPerEpoch(5, 10, { dropRemainder: true }), 'and no full batch').toBe(0);
    expect(iterationsPerEpoch(5, 1)).toBe(5);
    expect(totalIterations(1000, 200, 0)).toBe(0);
  });

  it('counts that are not whole numbers are ArgumentErrors naming the argument', () => {
    expect(iterationsPerEpoch(10, 3)).toBe(4);
    expect(() => iterationsPerEpoch(10, 0)).toThrowKind(
      ArgumentError,
      /^iterationsPerEpoch: batchSize must be an integer ≥ 1, got 0$/,
    );
    expect(() => iterationsPerEpoch(10, 2.5)).toThrowKind(
      ArgumentError,
      /^iterationsPerEpoch: batchSize must be an integer ≥ 1, got 2\.5$/,
    );
    expect(() => iterationsPerEpoch(-1, 2)).toThrowKind(
      ArgumentError,
      /^iterationsPerEpoch: samples must be an integer ≥ 0, got -1$/,
    );
    expect(() => iterationsPerEpoch(2.5, 2)).toThrowKind(
      ArgumentError,
      /^iterationsPerEpoch: samples must be an integer ≥ 0, got 2\.5$/,
    );
    expect(() => totalIterations(10, 2, 1.5)).toThrowKind(
      ArgumentError,
      /^totalIterations: epochs must be an integer ≥ 0, got 1\.5$/,
    );
    expect(() => totalIterations(10, 2, -1)).toThrowKind(
      ArgumentError,
      /^totalIterations: epochs must be an integer ≥ 0, got -1$/,
    );
  });

  it('agrees with counting the batches of tf.data (TensorFlow.js) on random sizes', async () => {
    const { tf } = oracle;
    const sizes = fc.record({
      samples: fc.integer({ min: 1, max: 300 }),
      batchSize: fc.integer({ min: 1, max: 64 }),
      dropRemainder: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(sizes, async ({ samples, batchSize, dropRemainder }) => {
        const got = iterationsPerEpoch(samples, batchSize, { dropRemainder });
        // tf.data's batch(size, smallLastBatch): smallLastBatch is the opposite of dropRemainder
        const ds = tf.data.array(Array.from({ length: samples }, (_, i) => i)).batch(batchSize, !dropRemainder);
        let count = 0;
        await ds.forEachAsync((t) => {
          count++;
          tf.dispose(t);
        });
        expect(got, `iterationsPerEpoch(${samples}, ${batchSize}, { dropRemainder: ${dropRemainder} })`).toBe(count);
        expect(totalIterations(samples, batchSize, 3, { dropRemainder })).toBe(3 * count);
      }),
      // 25 cases, not 100: each builds and runs a tf.data pipeline (about 10 ms), and the rule is
      // one line that the fixed examples above pin down already
      runs(25),
    );
  });
});

/** Every sample index of one epoch: must be each of 0..n−1 exactly once. */
function checkEpoch(batches: readonly Batch[], n: number, what: string): void {
  const seen = batches.flatMap((b) => b.indices);
  const counts = new Array<number>(n).fill(0);
  for (const i of seen) counts[i] = (counts[i] ?? 0) + 1;
  const missing = counts.flatMap((c, i) => (c === 0 ? [i] : []));
  const twice = counts.flatMap((c, i) => (c > 1 ? [i] : []));
  expect({ missing, twice }, `${what}: every sample exactly once per epoch (indices seen: ${seen.join(',')})`).toEqual({
    missing: [],
    twice: [],
  });
}

/** The rows of a at `indices`, for comparing a batch with the data. */
function rows(a: NDArray, indices: readonly number[]): NDArray {
  const size = a.size / a.shape[0];
  const out = NDArray.zeros([indices.length, ...a.shape.slice(1)], a.dtype);
  indices.forEach((r, k) => {
    out.data.set(a.data.subarray(r * size, (r + 1) * size), k * size);
  });
  return out;
}

describe('step 2: a batch generator', () => {
  const x10 = NDArray.fromFlat(
    Array.from({ length: 20 }, (_, i) => i),
    [10, 2],
  );
  const y10 = NDArray.fromFlat(
    Array.from({ length: 10 }, (_, i) => 100 + i),
    [10],
  );

  it('next() gives batchSize samples at a time; the last batch of an epoch holds the rest', () => {
    // 10 samples in batches of 4: [0 1 2 3] [4 5 6 7] [8 9], then epoch 2 starts again
    const gen = new BatchGenerator(x10, y10, { batchSize: 4, shuffle: false });
    expect(gen.numSamples).toBe(10);
    expect(gen.batchSize).toBe(4);
    expect(gen.numBatches, 'iterationsPerEpoch(10, 4): the last 2 samples are a batch too').toBe(3);
    const expected = [
      { indices: [0, 1, 2, 3], epoch: 1, step: 1 },
      { indices: [4, 5, 6, 7], epoch: 1, step: 2 },
      { indices: [8, 9], epoch: 1, step: 3 },
      { indices: [0, 1, 2, 3], epoch: 2, step: 1 },
    ];
    for (const want of expected) {
      const batch = gen.next();
      expect({ indices: batch.indices, epoch: batch.epoch, step: batch.step }).toEqual(want);
      expect(batch.x).toHaveShape([want.indices.length, 2]);
      expect(batch.x).toBeAllClose(rows(x10, want.indices), {
        label: `batch.x of epoch ${want.epoch}, step ${want.step}`,
      });
      expect(batch.y).toHaveShape([want.indices.length]);
      expect(batch.y).toBeAllClose(rows(y10, want.indices), {
        label: `batch.y of epoch ${want.epoch}, step ${want.step}`,
      });
    }
  });

  it('keeps the last partial batch unless dropRemainder says otherwise', () => {
    const kept = new BatchGenerator(x10, y10, { batchSize: 4, shuffle: false });
    const sizes = [1, 2, 3].map(() => kept.next().indices.length);
    expect(sizes, 'by default an epoch of 10 samples in batches of 4 is 4 + 4 + 2').toEqual([4, 4, 2]);
    const dropped = new BatchGenerator(x10, y10, { batchSize: 4, shuffle: false, dropRemainder: true });
    expect(dropped.numBatches).toBe(2);
    const epochs = [1, 2, 3].map(() => dropped.next());
    expect(epochs.map((b) => [b.epoch, b.step, b.indices.length])).toEqual([
      [1, 1, 4],
      [1, 2, 4],
      [2, 1, 4],
    ]);
  });

  it('shuffles: every epoch visits every sample exactly once, in a new order each epoch', () => {
    const gen = new BatchGenerator(x10, y10, { batchSize: 3, seed: 1 });
    const orders: number[][] = [];
    for (let epoch = 1; epoch <= 4; epoch++) {
      const batches = Array.from({ length: gen.numBatches }, () => gen.next());
      expect(batches.map((b) => b.epoch)).toEqual(new Array(gen.numBatches).fill(epoch));
      checkEpoch(batches, 10, `epoch ${epoch}`);
      for (const b of batches) expect(b.x).toBeAllClose(rows(x10, b.indices), { label: `batch.x, epoch ${epoch}` });
      orders.push(batches.flatMap((b) => b.indices));
    }
    const inOrder = orders.filter((o) => o.every((v, i) => v === i));
    expect(inOrder.length, 'shuffle (the default) must change the order of the samples').toBeLessThan(4);
    for (let e = 1; e < 4; e++) {
      expect(
        orders[e],
        `epoch ${e + 1} visited the samples in the same order as epoch ${e}: shuffle again at the start of every epoch`,
      ).not.toEqual(orders[e - 1]);
    }
  });

  it('is seeded: the same seed gives the same batches, another seed another order', () => {
    const take = (seed: number) => {
      const gen = new BatchGenerator(x10, y10, { batchSize: 4, seed });
      return Array.from({ length: 6 }, () => gen.next().indices);
    };
    expect(take(7), 'two generators with seed 7').toEqual(take(7));
    expect(take(8), 'seeds 7 and 8 should give different orders').not.toEqual(take(7));
  });

  it('works for samples of any shape (images [n, h, w]) and changes neither x nor y', () => {
    const images = NDArray.fromFlat(
      Array.from({ length: 24 }, (_, i) => i),
      [6, 2, 2],
      'float32',
    );
    const labels = NDArray.fromFlat([0, 1, 2, 3, 4, 5], [6], 'float32');
    const gen = new BatchGenerator(images, labels, { batchSize: 4, seed: 3 });
    const batch = gen.next();
    expect(batch.x).toHaveShape([4, 2, 2]);
    expect(batch.x).toBeAllClose(rows(images, batch.indices), { label: 'batch.x of images' });
    expect(batch.y).toBeAllClose(rows(labels, batch.indices), { label: 'batch.y of labels' });
    // a batch is a copy: writing into the next one leaves the data alone
    expect(() => gen.next().x).toLeaveUnchanged({ images, labels }, 'gen.next().x');
  });

  it('x and y of different lengths are a ShapeError; a bad batch size an ArgumentError', () => {
    expect(new BatchGenerator(x10, y10, { batchSize: 10 }).numBatches).toBe(1);
    expect(() => new BatchGenerator(x10, NDArray.zeros([9]), { batchSize: 2 })).toThrowKind(
      ShapeError,
      /BatchGenerator.*\[10,2\].*\[9\]/,
    );
    expect(() => new BatchGenerator(x10, y10, { batchSize: 0 })).toThrowKind(
      ArgumentError,
      /^BatchGenerator: batchSize must be an integer ≥ 1, got /,
    );
    expect(() => new BatchGenerator(x10, y10, { batchSize: 1.5 })).toThrowKind(
      ArgumentError,
      /^BatchGenerator: batchSize must be an integer ≥ 1, got 1\.5$/,
    );
    expect(
      () => new BatchGenerator(x10, y10, { batchSize: 16, dropRemainder: true }),
      'dropRemainder with 16 > 10 samples leaves no batch at all',
    ).toThrowKind(ArgumentError, /^BatchGenerator: no batches: 10 samples and dropRemainder with batchSize 16$/);
    // no samples: no batch, whatever the batch size
    expect(() => new BatchGenerator(NDArray.zeros([0, 2]), NDArray.zeros([0]), { batchSize: 4 })).toThrowKind(
      ArgumentError,
      /^BatchGenerator: no batches: 0 samples$/,
    );
  });

  it('a scalar x or y has no samples to batch: a ShapeError', () => {
    // a sample is a row along axis 0, and a scalar has no axis 0
    expect(() => new BatchGenerator(NDArray.fromFlat([1], []), NDArray.zeros([3]), { batchSize: 1 })).toThrowKind(
      ShapeError,
      /^BatchGenerator: x and y need a batch axis, got x \[\] and y \[3\]$/,
    );
    expect(() => new BatchGenerator(NDArray.zeros([3, 2]), NDArray.fromFlat([1], []), { batchSize: 1 })).toThrowKind(
      ShapeError,
      /^BatchGenerator: x and y need a batch axis, got x \[3,2\] and y \[\]$/,
    );
  });

  it('on random sizes and seeds: every epoch is a permutation cut into batches of batchSize', () => {
    const cases = fc
      .record({
        n: fc.integer({ min: 1, max: 40 }),
        batchSize: fc.integer({ min: 1, max: 12 }),
        dropRemainder: fc.boolean(),
        seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      })
      .filter(({ n, batchSize, dropRemainder }) => !dropRemainder || batchSize <= n)
      .chain((c) => fc.record({ x: arrayOfShape([c.n, 2]), c: fc.constant(c) }));
    fc.assert(
      fc.property(cases, ({ x, c }) => {
        const y = NDArray.fromFlat(
          Array.from({ length: c.n }, (_, i) => i),
          [c.n],
        );
        const gen = new BatchGenerator(x, y, c);
        // full batches first, then what is left over (unless dropRemainder)
        const full = Math.floor(c.n / c.batchSize);
        const rest = c.n - full * c.batchSize;
        const sizes = [...new Array<number>(full).fill(c.batchSize), ...(rest > 0 && !c.dropRemainder ? [rest] : [])];
        expect(gen.numBatches).toBe(sizes.length);
        for (let epoch = 1; epoch <= 2; epoch++) {
          const batches = Array.from({ length: gen.numBatches }, () => gen.next());
          expect(
            batches.map((b) => b.indices.length),
            `batch sizes of epoch ${epoch}: ${c.n} samples, batchSize ${c.batchSize}, dropRemainder ${c.dropRemainder}`,
          ).toEqual(sizes);
          const seen = batches.flatMap((b) => b.indices);
          expect(new Set(seen).size, `no sample twice in epoch ${epoch}: ${seen.join(',')}`).toBe(seen.length);
          if (!c.dropRemainder) checkEpoch(batches, c.n, `epoch ${epoch}`);
          expect(batches.map((b) => [b.epoch, b.step])).toEqual(batches.map((_, k) => [epoch, k + 1]));
          // the batches' rows, one after the other, are x's rows in the order of the indices
          const xRows = batches.flatMap((b) => Array.from(b.x.data));
          expect(xRows).toEqual(Array.from(rows(x, seen).data));
          expect(
            batches.flatMap((b) => Array.from(b.y.data)),
            'batch.y holds y at the batch indices',
          ).toEqual(seen);
        }
      }),
    );
  });
});

// The worked example of README.md: three samples, two features.
const xs3 = arr([
  [1, 0],
  [0, 1],
  [1, 1],
]);
const ys3 = NDArray.fromFlat([3, 1, 5], [3]);

/** The gradients and one SGD step of a linear model in TensorFlow.js, by tf.variableGrads and tf.train.sgd. */
function tfGradients(x: NDArray, y: NDArray, p: LinearParams, learningRate: number) {
  const { tf } = oracle;
  const [xs, ys] = [toTensor(tf, x), toTensor(tf, y)];
  // tidy frees the tensors the variables are made from; variables outlive it until disposed
  const [w, b] = tf.tidy(() => [tf.variable(toTensor(tf, p.w)), tf.variable(tf.scalar(p.b))]) as [
    TfVariable,
    TfVariable,
  ];
  const sgd = tf.train.sgd(learningRate);
  const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.sum(tf.mul(xs, w), 1), b), ys))) as ReturnType<Tf['scalar']>;
  try {
    const { value, grads } = tf.variableGrads(loss, [w, b]);
    const out = {
      loss: fromTensor(value).data[0],
      dw: fromTensor(grads[w.name] as Tensor),
      db: fromTensor(grads[b.name] as Tensor).data[0],
    };
    // minimize() is variableGrads then applyGradients: one tape for both, not two.
    sgd.applyGradients(grads);
    tf.dispose([value, ...Object.values(grads)]);
    return { ...out, after: params(Array.from(fromTensor(w).data), fromTensor(b).data[0]) };
  } finally {
    tf.dispose([xs, ys, w, b]);
    sgd.dispose();
  }
}

describe('step 3: the gradient of the mean squared error', () => {
  it('the worked example: ŷ, the loss and both gradients', () => {
    // w = [1, 1], b = 0: ŷ = [1, 1, 2], residuals ŷ − y = [−2, 0, −3], L = (4 + 0 + 9) / 3 = 13/3
    // ∂L/∂w = (2/3)·xᵀ(ŷ − y) = (2/3)·[1·(−2) + 0·0 + 1·(−3), 0·(−2) + 1·0 + 1·(−3)] = (2/3)·[−5, −3]
    // ∂L/∂b = (2/3)·Σ(ŷ − y) = (2/3)·(−5)
    const p = params([1, 1], 0);
    const yHat = predict(xs3, p);
    expect(yHat).toHaveShape([3]);
    expect(yHat).toBeAllClose([1, 1, 2], { label: 'predict(x, {w: [1, 1], b: 0})' });
    expect(mseLoss(xs3, ys3, p)).toBeAllClose(13 / 3, { label: 'mseLoss' });
    const { dw, db } = mseGradients(xs3, ys3, p);
    expect(dw).toHaveShape([2]);
    expect(dw).toBeAllClose([-10 / 3, -2], { label: '∂L/∂w = (2/n)·xᵀ(ŷ − y)' });
    expect(db).toBeAllClose(-10 / 3, { label: '∂L/∂b = (2/n)·Σ(ŷ − y)' });
  });

  it('a square x needs the transpose too: xᵀ·(ŷ − y), not x·(ŷ − y)', () => {
    // x = [[1, 2], [3, 4]], y = [1, 2], w = 0, b = 0: ŷ − y = [−1, −2], and 2/n = 1
    // xᵀ·[−1, −2] = [1·(−1) + 3·(−2), 2·(−1) + 4·(−2)] = [−7, −10]   (x·[−1, −2] would be [−5, −11])
    const { dw, db } = mseGradients(
      arr([
        [1, 2],
        [3, 4],
      ]),
      NDArray.fromFlat([1, 2], [2]),
      params([0, 0], 0),
    );
    expect(dw).toBeAllClose([-7, -10], { label: '∂L/∂w for a square x' });
    expect(db).toBeAllClose(-3, { label: '∂L/∂b' });
  });

  it('one step with learning rate 0.1 moves against the gradient and lowers the loss from 4.333 to 2.204', () => {
    // w = [1, 1] − 0.1·[−10/3, −2] = [1.3333, 1.2], b = 0 − 0.1·(−10/3) = 0.3333
    // ŷ = [1.6667, 1.5333, 2.8667], residuals [−1.3333, 0.5333, −2.1333], L = 6.6133 / 3 = 2.2044
    const p = params([1, 1], 0);
    const next = gradientStep(xs3, ys3, p, 0.1);
    expect(next.w).toHaveShape([2]);
    expect(flat(next)).toBeAllClose([4 / 3, 1.2, 1 / 3], { label: 'gradientStep(…): [w0, w1, b]' });
    expect(mseLoss(xs3, ys3, next)).toBeAllClose(2.2044444444444444, { label: 'the loss after the step' });
    expect(flat(p), 'gradientStep returns new params; the old ones stay as they were').toEqual([1, 1, 0]);
  });

  it('shapes that do not fit are a ShapeError naming them', () => {
    const p = params([1, 1], 0);
    expect(predict(xs3, p)).toHaveShape([3]);
    expect(() => mseGradients(xs3, NDArray.zeros([3, 1]), p)).toThrowKind(ShapeError, /mseGradients.*\[3,2\].*\[3,1\]/);
    expect(() => mseGradients(NDArray.zeros([3]), ys3, params([1], 0))).toThrowKind(ShapeError, /mseGradients.*\[3\]/);
    expect(() => predict(xs3, params([1, 1, 1], 0))).toThrowKind(
      ShapeError,
      /^predict: expected x \[n,d\] and w \[d\] with n ≥ 1, got x \[3,2\], w \[3\]$/,
    );
    expect(() => mseLoss(xs3, NDArray.zeros([4]), p)).toThrowKind(
      ShapeError,
      /^mseLoss: expected x \[n,d\], y \[n\] and w \[d\] with n ≥ 1, got x \[3,2\], y \[4\], w \[2\]$/,
    );
  });

  it('x must be [n, d] with n ≥ 1 and w [d]: a third axis, a w of rank 2 or no samples are ShapeErrors', () => {
    // x [3,2,2] with w [2]: x's second axis fits w, but a sample is a matrix, not a row of features
    expect(() => predict(NDArray.zeros([3, 2, 2]), params([1, 1], 0))).toThrowKind(
      ShapeError,
      /^predict: expected x \[n,d\] and w \[d\] with n ≥ 1, got x \[3,2,2\], w \[2\]$/,
    );
    // w [2,1] has 2 rows, as many as x has features, but one weight per feature is a vector
    expect(() => predict(xs3, { w: NDArray.zeros([2, 1]), b: 0 })).toThrowKind(
      ShapeError,
      /^predict: expected x \[n,d\] and w \[d\] with n ≥ 1, got x \[3,2\], w \[2,1\]$/,
    );
    // no samples: the mean of no squared residuals is 0 / 0
    expect(() => mseLoss(NDArray.zeros([0, 2]), NDArray.zeros([0]), params([1, 1], 0))).toThrowKind(
      ShapeError,
      /^mseLoss: expected x \[n,d\], y \[n\] and w \[d\] with n ≥ 1, got x \[0,2\], y \[0\], w \[2\]$/,
    );
  });

  const cases = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 })).chain(([n, d]) =>
    fc.record({
      x: arrayOfShape([n, d], { bound: 2 }),
      y: arrayOfShape([n], { bound: 4 }),
      w: arrayOfShape([d], { bound: 2 }),
      b: fc.float({ min: -2, max: 2, noNaN: true }).map((v) => (Math.abs(v) < 2 ** -126 ? 0 : v)),
      learningRate: fc.constantFrom(0.001, 0.01, 0.1, 0.5),
    }),
  );

  it('agrees with tf.variableGrads and one step of tf.train.sgd on random problems', () => {
    fc.assert(
      fc.property(cases, ({ x, y, w, b, learningRate }) => {
        const p = { w, b };
        const loss = mseLoss(x, y, p);
        // TensorFlow.js first: a gradientStep that changed p would otherwise spoil its inputs
        const tf = tfGradients(x, y, p, learningRate);
        const grads = mseGradients(x, y, p);
        const next = gradientStep(x, y, p, learningRate);
        const terms = 8 * x.size;
        // values here are below about 20 in size; scale 10 bounds float32's absolute error
        expect(loss).toBeAllClose(tf.loss, f32([tf.loss], terms, 'mseLoss vs TensorFlow.js', 10));
        expect(grads.dw).toHaveShape(w.shape);
        expect(grads.dw).toBeAllClose(tf.dw, f32(Array.from(tf.dw.data), terms, '∂L/∂w vs tf.variableGrads', 10));
        expect(grads.db).toBeAllClose(tf.db, f32([tf.db], terms, '∂L/∂b vs tf.variableGrads', 10));
        expect(next.w).toHaveShape(w.shape);
        expect(flat(next)).toBeAllClose(flat(tf.after), f32(flat(tf.after), terms, 'gradientStep vs tf.train.sgd', 10));
      }),
      // 50 cases, not 100: each one makes variables, tapes the gradients and runs an optimizer in
      // TensorFlow.js (the costliest property here); the fixed examples above pin the formulas.
      runs(50),
    );
  });
});

describe('step 4: batch gradient descent', () => {
  it('the worked example: each epoch is one step on all three samples', () => {
    // epoch 1 is the step of step 3: L goes 4.3333 → 2.2044; two more steps: 1.3601, 1.0015.
    // It heads for w = [4, 2], b = −1, which fits the three samples exactly (L = 0).
    const result = batchGradientDescent(xs3, ys3, { learningRate: 0.1, epochs: 3, initial: params([1, 1], 0) });
    expect(result.lossByEpoch).toBeAllClose([13 / 3, 2.2044444444444444, 1.3600658436213993, 1.0015478518518515], {
      label: 'lossByEpoch: before training, then after epochs 1, 2, 3',
    });
    expect(result.lossByStep, 'batch GD: one step per epoch, so lossByStep is lossByEpoch').toEqual(result.lossByEpoch);
    expect(flat(result.params)).toBeAllClose([1.73155556, 1.35762963, 0.640296296], {
      label: 'params after 3 epochs: [w0, w1, b]',
    });
  });

  it('starts from zeros, records epochs + 1 losses, and the loss falls every epoch', () => {
    const { x, y } = problem;
    const result = batchGradientDescent(x, y, { learningRate: 0.1, epochs: 30 });
    expect(result.lossByEpoch.length, 'lossByEpoch: the loss before training, then one per epoch').toBe(31);
    expect(result.lossByEpoch[0]).toBeAllClose(zeroLoss, {
      label: 'lossByEpoch[0], the loss of w = 0, b = 0',
    });
    expect(result.lossByEpoch.at(-1)).toBeAllClose(lossOf(x, y, result.params), {
      label: 'lossByEpoch.at(-1): the loss on the whole data set with the final params',
    });
    result.lossByEpoch.slice(1).forEach((loss, e) => {
      expect(loss, `batch GD with a small learning rate goes downhill: epoch ${e + 1}`).toBeLessThan(
        result.lossByEpoch[e],
      );
    });
  });

  it('reaches the least-squares solution of the normal equations', () => {
    const { x, y } = problem;
    const result = batchGradientDescent(x, y, { learningRate: 0.1, epochs: 200 });
    expect(result.params.w).toHaveShape([3]);
    expect(flat(result.params)).toBeAllClose(flat(best), {
      rtol: 0,
      atol: 1e-6,
      label: '[w, b] after 200 epochs vs least squares',
    });
    expect(result.lossByEpoch.at(-1)).toBeAllClose(bestLoss, { rtol: 1e-9, label: 'final loss' });
  });

  it('takes the same steps as tf.train.sgd on the whole data set', () => {
    const { x, y } = problem;
    const epochs = 20;
    const result = batchGradientDescent(x, y, { learningRate: 0.1, epochs });
    const all = Array.from({ length: x.shape[0] }, (_, i) => i);
    const tf = tfTrain(
      x,
      y,
      Array.from({ length: epochs }, () => all),
      0.1,
      1,
    );
    const terms = epochs * x.size;
    expect(flat(result.params)).toBeAllClose(flat(tf.params), f32(flat(tf.params), terms, 'params vs tf.train.sgd'));
    expect(result.lossByEpoch.slice(1)).toBeAllClose(tf.losses, f32(tf.losses, terms, 'lossByEpoch vs TensorFlow.js'));
  });

  it('starts from options.initial and changes none of its inputs', () => {
    const { x, y } = problem;
    const [xBefore, yBefore, start] = [x.clone(), y.clone(), flat(best)];
    const result = batchGradientDescent(x, y, { learningRate: 0.1, epochs: 5, initial: best });
    expect(result.lossByEpoch[0]).toBeAllClose(bestLoss, { label: 'lossByEpoch[0] from options.initial' });
    // at the minimum the gradient is 0: nothing moves
    expect(flat(result.params)).toBeAllClose(start, { rtol: 0, atol: 1e-9, label: 'params started at the minimum' });
    expect(flat(best)).toBeAllClose(start, {
      rtol: 0,
      atol: 0,
      label: 'options.initial after training (must not change)',
    });
    expect(x).toBeAllClose(xBefore, { label: 'x after training' });
    expect(y).toBeAllClose(yBefore, { label: 'y after training' });
  });

  it('bad options are ArgumentErrors naming the option', () => {
    const { x, y } = problem;
    expect(batchGradientDescent(x, y, { learningRate: 0.1, epochs: 0 }).lossByEpoch).toHaveLength(1);
    expect(() => batchGradientDescent(x, y, { learningRate: 0, epochs: 1 })).toThrowKind(
      ArgumentError,
      /^batchGradientDescent: learningRate must be a positive number, got /,
    );
    expect(() => batchGradientDescent(x, y, { learningRate: -0.1, epochs: 1 })).toThrowKind(
      ArgumentError,
      /^batchGradientDescent: learningRate must be a positive number, got -0\.1$/,
    );
    expect(() => batchGradientDescent(x, y, { learningRate: Number.NaN, epochs: 1 })).toThrowKind(
      ArgumentError,
      /^batchGradientDescent: learningRate must be a positive number, got NaN$/,
    );
    expect(() => batchGradientDescent(x, y, { learningRate: 0.1, epochs: 2.5 })).toThrowKind(
      ArgumentError,
      /^batchGradientDescent: epochs must be an integer ≥ 0, got 2\.5$/,
    );
    expect(() => batchGradientDescent(x, y, { learningRate: 0.1, epochs: -1 })).toThrowKind(
      ArgumentError,
      /^batchGradientDescent: epochs must be an integer ≥ 0, got -1$/,
    );
  });

  it('x, y and options.initial that do not fit are a ShapeError naming the loop', () => {
    expect(() => batchGradientDescent(xs3, NDArray.zeros([4]), { learningRate: 0.1, epochs: 1 })).toThrowKind(
      ShapeError,
      /^batchGradientDescent: expected x \[n,d\], y \[n\] and w \[d\] with n ≥ 1, got x \[3,2\], y \[4\], w \[2\]$/,
    );
    const initial = params([1, 1, 1], 0);
    expect(() => batchGradientDescent(xs3, ys3, { learningRate: 0.1, epochs: 1, initial })).toThrowKind(
      ShapeError,
      /^batchGradientDescent: expected x \[n,d\], y \[n\] and w \[d\] with n ≥ 1, got x \[3,2\], y \[3\], w \[3\]$/,
    );
  });
});

describe('step 5: stochastic and mini-batch gradient descent', () => {
  it('SGD: one sample per step, n steps per epoch, in the order of a BatchGenerator', () => {
    const { x, y } = problem;
    const options = { learningRate: 0.01, epochs: 2, seed: 5 };
    const sgd = stochasticGradientDescent(x, y, options);
    expect(sgd.lossByStep.length, 'lossByStep: the loss before training, then one per step (100 per epoch)').toBe(201);
    expect(sgd.lossByEpoch.length).toBe(3);
    expect(sgd.lossByEpoch, 'lossByEpoch[e] is the loss after the last step of epoch e').toEqual([
      sgd.lossByStep[0],
      sgd.lossByStep[100],
      sgd.lossByStep[200],
    ]);
    expect(sgd.lossByStep.at(-1)).toBeAllClose(lossOf(x, y, sgd.params), {
      label: 'lossByStep.at(-1): the loss on the whole data set (all 100 samples, not the batch) with the final params',
    });
    const mini = miniBatchGradientDescent(x, y, { ...options, batchSize: 1 });
    expect(flat(sgd.params), 'SGD is mini-batch gradient descent with batchSize 1 (and the same seed)').toEqual(
      flat(mini.params),
    );
  });

  it('mini-batch: ⌈n / batchSize⌉ steps per epoch, ⌊n / batchSize⌋ with dropRemainder', () => {
    const { x, y } = problem;
    // 100 samples in batches of 16: 6 full batches and one of 4 → 7 steps per epoch
    const kept = miniBatchGradientDescent(x, y, { learningRate: 0.05, epochs: 3, batchSize: 16, seed: 5 });
    expect(kept.lossByStep.length, '3 epochs × 7 steps, plus the loss before training').toBe(22);
    expect(kept.lossByEpoch).toEqual([0, 7, 14, 21].map((k) => kept.lossByStep[k]));
    const dropped = miniBatchGradientDescent(x, y, {
      learningRate: 0.05,
      epochs: 3,
      batchSize: 16,
      seed: 5,
      dropRemainder: true,
    });
    expect(dropped.lossByStep.length, '3 epochs × 6 full batches, plus the loss before training').toBe(19);
  });

  it('an options.initial that does not fit x is a ShapeError naming the loop', () => {
    const initial = params([1, 1, 1], 0);
    expect(() => stochasticGradientDescent(xs3, ys3, { learningRate: 0.1, epochs: 1, initial })).toThrowKind(
      ShapeError,
      /^stochasticGradientDescent: expected x \[n,d\], y \[n\] and w \[d\] with n ≥ 1, got x \[3,2\], y \[3\], w \[3\]$/,
    );
  });

  it('both reach the least-squares solution, near enough for their noisy steps', () => {
    const { x, y } = problem;
    // With a constant learning rate each step follows one batch's gradient, not the whole
    // data's, so the weights keep jittering around the minimum: close, not exact.
    const sgd = stochasticGradientDescent(x, y, { learningRate: 0.01, epochs: 20, seed: 1 });
    expect(flat(sgd.params)).toBeAllClose(flat(best), { rtol: 0, atol: 0.02, label: 'SGD [w, b] vs least squares' });
    expect(sgd.lossByEpoch.at(-1), 'SGD final loss vs the least-squares loss').toBeLessThan(1.05 * bestLoss);
    const mini = miniBatchGradientDescent(x, y, { learningRate: 0.05, epochs: 20, batchSize: 10, seed: 1 });
    expect(flat(mini.params)).toBeAllClose(flat(best), {
      rtol: 0,
      atol: 0.01,
      label: 'mini-batch [w, b] vs least squares',
    });
    expect(mini.lossByEpoch.at(-1), 'mini-batch final loss vs the least-squares loss').toBeLessThan(1.05 * bestLoss);
  });

  it('per epoch, SGD makes n small noisy steps where batch GD makes one smooth step', () => {
    const { x, y } = problem;
    const options = { learningRate: 0.01, epochs: 1, seed: 3 };
    const sgd = stochasticGradientDescent(x, y, options);
    const batch = batchGradientDescent(x, y, options);
    const [start, afterSgd, afterBatch] = [sgd.lossByEpoch[0], sgd.lossByEpoch[1], batch.lossByEpoch[1]] as number[];
    // one step at lr 0.01 barely moves batch GD; 100 of them take SGD most of the way down
    expect(afterBatch / start, 'batch GD after one epoch (one step)').toBeGreaterThan(0.9);
    expect(afterSgd / start, 'SGD after one epoch (100 steps)').toBeLessThan(0.3);
    const ups = sgd.lossByStep.slice(1).filter((loss, k) => loss > sgd.lossByStep[k]).length;
    expect(ups, 'SGD follows one sample at a time, so the loss on all the data goes up now and then').toBeGreaterThan(
      0,
    );
  });

  it('takes the same steps as tf.train.sgd on the same batches', () => {
    // A smaller problem: TensorFlow.js takes one minimize() per batch.
    const { x, y } = linearProblem(40, 99);
    const epochs = 2;
    for (const [name, batchSize, learningRate, run] of [
      [
        'stochasticGradientDescent',
        1,
        0.02,
        () => stochasticGradientDescent(x, y, { learningRate: 0.02, epochs, seed: 11 }),
      ],
      [
        'miniBatchGradientDescent',
        8,
        0.1,
        () => miniBatchGradientDescent(x, y, { learningRate: 0.1, epochs, batchSize: 8, seed: 11 }),
      ],
    ] as const) {
      const result = run();
      const batches = batchOrder(x, y, epochs, batchSize, 11);
      const tf = tfTrain(x, y, batches, learningRate, batches.length / epochs);
      const terms = batches.length * batchSize * 4;
      expect(flat(result.params)).toBeAllClose(
        flat(tf.params),
        f32(
          flat(tf.params),
          terms,
          `${name}: params vs tf.train.sgd on the batches of one new BatchGenerator(x, y, { batchSize: ${batchSize}, seed: 11 }), epoch after epoch`,
        ),
      );
      expect(result.lossByEpoch.slice(1)).toBeAllClose(
        tf.losses,
        f32(
          tf.losses,
          terms,
          `${name}: lossByEpoch (the loss on the whole data set after each epoch) vs TensorFlow.js`,
        ),
      );
    }
  });
});

/** Runs a loop that should diverge; returns its DivergenceError, or fails saying what it returned. */
function expectDivergence(label: string, run: () => TrainResult): DivergenceError {
  let result: TrainResult;
  try {
    result = run();
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    return e;
  }
  const w = Array.from(result.params.w.data);
  return expect.fail(
    `${label} returned (final loss ${result.lossByStep.at(-1)}, w = [${w}], b = ${result.params.b}) ` +
      'instead of throwing a DivergenceError: check hasDiverged(loss, lossBefore) after every step',
  );
}

/** The error stopped at the first step whose loss blew up, and says so. */
function checkStoppedAtFirst(e: DivergenceError, lossBefore: number, learningRate: number): void {
  expect(e).toBeInstanceOf(ArgumentError);
  expect(e.name).toBe('DivergenceError');
  expect(e.learningRate).toBe(learningRate);
  expect(e.lossByStep[0]).toBeAllClose(lossBefore, { label: 'lossByStep[0], the loss before training' });
  expect(e.lossByStep.length, 'lossByStep: the loss before training and one per step up to the bad one').toBe(
    e.iteration + 1,
  );
  expect(e.lossByStep.at(-1)).toBe(e.loss);
  const early = e.lossByStep.slice(0, -1).findIndex((loss) => !(loss <= DIVERGENCE_FACTOR * lossBefore));
  expect(early, `the loss had already blown up after iteration ${early}: stop at the first such step`).toBe(-1);
  expect(hasDiverged(e.loss, lossBefore)).toBe(true);
}

describe('step 6: a learning rate too small, and one too large', () => {
  it('hasDiverged: NaN, ±Infinity and more than 1000 × the loss before training', () => {
    expect(hasDiverged(5, 10)).toBe(false);
    expect(hasDiverged(1000, 1), 'exactly 1000 × is still allowed').toBe(false);
    expect(hasDiverged(1001, 1)).toBe(true);
    expect(hasDiverged(Number.POSITIVE_INFINITY, 1)).toBe(true);
    // 1000 × 1e306 overflows to Infinity, and Infinity <= Infinity: an infinite loss is still diverged
    expect(
      hasDiverged(Number.POSITIVE_INFINITY, 1e306),
      'an infinite loss, even where 1000 × the loss before overflows',
    ).toBe(true);
    expect(hasDiverged(Number.NaN, 1), 'NaN > limit is false, yet a NaN loss has certainly diverged').toBe(true);
    expect(hasDiverged(0, 0), 'a perfect fit that stays perfect').toBe(false);
    expect(DIVERGENCE_FACTOR).toBe(1000);
  });

  it('batch GD for 100 epochs: lr 0.001 is too small, 0.1 converges, 1.0 diverges', () => {
    const { x, y } = problem;
    const small = batchGradientDescent(x, y, { learningRate: 0.001, epochs: 100 });
    // each step shrinks the error by a factor of about (1 − 2·0.001·λ) with λ ≈ 1: 100 steps are not enough
    expect(
      small.lossByEpoch.at(-1),
      'lr 0.001: still far above the least-squares loss after 100 epochs',
    ).toBeGreaterThan(100 * bestLoss);
    const good = batchGradientDescent(x, y, { learningRate: 0.1, epochs: 100 });
    expect(good.lossByEpoch.at(-1), 'lr 0.1: at the least-squares loss').toBeLessThan(1.0001 * bestLoss);
    const e = expectDivergence('batchGradientDescent with learning rate 1', () =>
      batchGradientDescent(x, y, { learningRate: 1, epochs: 100 }),
    );
    checkStoppedAtFirst(e, zeroLoss, 1);
    expect(e.message).toMatch(/^batchGradientDescent: diverged at epoch \d+, step 1\/1 .*learning rate 1: loss/);
    expect(e.step).toBe(1);
    expect(e.iteration).toBe(e.epoch);
  });

  it("README's example: batch GD with η = 0.9, just above 2/λ_max ≈ 0.80, stops at epoch 18", () => {
    const { x, y } = problem;
    // each epoch multiplies the error along the steepest direction by |1 − 0.9·2.50| = 1.25:
    // 1.25² per epoch on the loss, so 1000× takes about log(1000)/log(1.5625) ≈ 15.5 epochs,
    // a few more as that direction starts out small
    const e = expectDivergence('batchGradientDescent with learning rate 0.9', () =>
      batchGradientDescent(x, y, { learningRate: 0.9, epochs: 100 }),
    );
    checkStoppedAtFirst(e, zeroLoss, 0.9);
    expect([e.epoch, e.step, e.iteration], '[epoch, step, iteration]').toEqual([18, 1, 18]);
    // the message names the loss before training, 38.77, with 4 significant digits
    expect(e.message).toMatch(
      /^batchGradientDescent: diverged at epoch 18, step 1\/1 \(iteration 18\) with learning rate 0\.9: loss \d{5}, more than 1000× the loss before training \(38\.77\)\. Try a smaller learning rate\.$/,
    );
    // 0.81 is above 0.80 too, but grows by only (1 − 0.81·2.50)² ≈ 1.05 per epoch: 100 epochs are not enough
    const slow = batchGradientDescent(x, y, { learningRate: 0.81, epochs: 100 });
    expect(slow.lossByEpoch.length, 'lr 0.81 runs all its 100 epochs').toBe(101);
  });

  it('a run that diverges after its first epoch counts its iterations over all the epochs', () => {
    const { x, y } = problem;
    // 100 samples in batches of 50: 2 steps per epoch, so iteration = (epoch − 1)·2 + step
    const e = expectDivergence('miniBatchGradientDescent with learning rate 0.9 and batchSize 50', () =>
      miniBatchGradientDescent(x, y, { learningRate: 0.9, epochs: 100, batchSize: 50, seed: 1 }),
    );
    checkStoppedAtFirst(e, zeroLoss, 0.9);
    expect(e.epoch, 'this run lasts several epochs').toBeGreaterThan(1);
    expect(e.iteration).toBe((e.epoch - 1) * 2 + e.step);
    expect(e.message).toMatch(
      new RegExp(
        `^miniBatchGradientDescent: diverged at epoch ${e.epoch}, step ${e.step}/2 \\(iteration ${e.iteration}\\) `,
      ),
    );
  });

  it('SGD and mini-batch stop with a DivergenceError naming the epoch, the step, the learning rate and the loss', () => {
    const { x, y } = problem;
    const sgd = expectDivergence('stochasticGradientDescent with learning rate 0.5', () =>
      stochasticGradientDescent(x, y, { learningRate: 0.5, epochs: 20, seed: 1 }),
    );
    checkStoppedAtFirst(sgd, zeroLoss, 0.5);
    expect(sgd.message).toMatch(
      /^stochasticGradientDescent: diverged at epoch \d+, step \d+\/100 .*learning rate 0\.5/,
    );
    expect(sgd.iteration).toBe((sgd.epoch - 1) * 100 + sgd.step);
    const mini = expectDivergence('miniBatchGradientDescent with learning rate 1.5', () =>
      miniBatchGradientDescent(x, y, { learningRate: 1.5, epochs: 20, batchSize: 10, seed: 1 }),
    );
    checkStoppedAtFirst(mini, zeroLoss, 1.5);
    expect(mini.message).toMatch(/^miniBatchGradientDescent: diverged at epoch \d+, step \d+\/10 .*learning rate 1\.5/);
  });

  it('the message gives the loss before training to 4 digits, very large and very small ones as 1.000e+5', () => {
    // x = 0 leaves only b to learn: the loss before training is mean(y²), and a huge learning
    // rate blows it up in one step. (400² + 200²) / 2 = 1e5 and (0.04² + 0.02²) / 2 = 0.001
    // exactly in float64; (1e-200)² underflows to 0, yet its gradient still moves b.
    const cases: [number[], number, string][] = [
      [[400, 200], 1e6, '1.000e+5'],
      [[300, 100], 1e6, '50000'],
      [[0.04, 0.02], 1e6, '0.001'],
      [[0.01, 0.01], 1e6, '1.000e-4'],
      [[1e-200, 1e-200], 1e300, '0'],
    ];
    for (const [ys, learningRate, shown] of cases) {
      const e = expectDivergence(`batchGradientDescent on y = [${ys}] with learning rate ${learningRate}`, () =>
        batchGradientDescent(NDArray.zeros([2, 1]), NDArray.fromFlat(ys, [2]), { learningRate, epochs: 3 }),
      );
      expect(e.epoch).toBe(1);
      expect(e.message, `y = [${ys}]`).toContain(`more than 1000× the loss before training (${shown}).`);
    }
  });

  it('a loss that overflows to Infinity or NaN is reported, never returned', () => {
    const { x, y } = problem;
    // lr 1e6: after one step the weights are about 1e7 and the loss about 1e15; after a few
    // more it overflows to Infinity, and Infinity − Infinity is NaN.
    const e = expectDivergence('batchGradientDescent with learning rate 1e6', () =>
      batchGradientDescent(x, y, { learningRate: 1e6, epochs: 500 }),
    );
    expect(e.epoch, 'the first epoch already multiplies the loss by far more than 1000').toBe(1);
    // a loss of about 1e14 is written as 1.929e+14; the loss before training, 38.77, as is
    expect(e.message).toMatch(
      /epoch 1, step 1\/1 \(iteration 1\) with learning rate 1000000: loss \d\.\d{3}e\+14, more than 1000× the loss before training \(38\.77\)\./,
    );
    // lr 1e160: one step takes w to about 1e161, and its square, about 1e322, overflows
    const inf = expectDivergence('batchGradientDescent with learning rate 1e160', () =>
      batchGradientDescent(x, y, { learningRate: 1e160, epochs: 5 }),
    );
    expect(inf.loss).toBe(Number.POSITIVE_INFINITY);
    expect(inf.message).toMatch(/epoch 1, step 1\/1 .*: loss Infinity, the loss before training was 38\.77\./);
    const nan = expectDivergence('batchGradientDescent starting from w = [NaN, 0, 0]', () =>
      batchGradientDescent(x, y, { learningRate: 0.1, epochs: 5, initial: params([Number.NaN, 0, 0], 0) }),
    );
    expect(nan.loss).toBeNaN();
  });
});
