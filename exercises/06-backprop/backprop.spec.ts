/**
 * Exercise 06 — loss functions and backpropagation by hand. Run: `npm start -- 06` (watch
 * mode) or `npx vitest --project exercises 06`. Each describe block is one step of README.md;
 * make them pass in order.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { arrayOfShape, randomArray, valuesArb } from '../../lib/arbitraries.ts';
import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import * as lib from '../../lib/gradcheck.ts';
import type { AllCloseOptions } from '../../lib/matchers.ts';
import { NDArray, type Nested } from '../../lib/ndarray.ts';
import { add, logSoftmax, map, matmul, mul, relu, softmax, sum, transpose } from '../../lib/ops/index.ts';
import { fromTensor, loadOracle, type Oracle, runOracle, type Tensor, type Tf, toTensor } from '../../lib/oracle.ts';
import { runs } from '../../lib/runs.ts';
import { EXACT, float32Tolerance } from '../../lib/tolerance.ts';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  chainRule,
  denseBackward,
  EPSILON,
  forwardPass,
  gradCheck,
  hiddenDeltas,
  mse,
  numericalGradient,
  outputDeltas,
  relativeError,
  reluBackward,
  reluPrime,
  type ScalarFn,
  sgdUpdate,
  sigmoidPrime,
  softmaxCrossEntropyBackward,
  sparseCategoricalCrossentropy,
  tanhPrime,
  totalError,
  trainStep,
  weightGradient,
} from './backprop.ts';

let oracle: Oracle;
beforeAll(async () => {
  oracle = await loadOracle({ small: true });
});

const arr = (x: Nested, dtype: 'float32' | 'float64' = 'float64'): NDArray => NDArray.fromNested(x, dtype);

/** Runs fn in tf.tidy and returns every tensor it gives back as an NDArray (all freed). */
function oracleMany(fn: (tf: Tf) => Tensor[]): NDArray[] {
  const out = oracle.tf.tidy(() => fn(oracle.tf));
  try {
    return out.map(fromTensor);
  } finally {
    for (const t of out) t.dispose();
  }
}

type TfScalar = ReturnType<Tf['scalar']>;
type TfVariable = ReturnType<Tf['variable']>;

/** A scalar the oracle computed. */
const oracleScalar = (fn: (tf: Tf, ...xs: Tensor[]) => Tensor, ...inputs: NDArray[]): number =>
  runOracle(oracle, fn, ...inputs).data[0];

/** float32 tolerance for `terms` roundings, scaled to the largest |expected| (at least `floor`). */
function f32(expected: NDArray | number, terms: number, label: string, floor = 1e-3): AllCloseOptions {
  const values = typeof expected === 'number' ? [expected] : Array.from(expected.data);
  const scale = Math.max(floor, ...values.map(Math.abs));
  return { ...float32Tolerance(terms, scale), label };
}

/** Float32 probabilities in [0, max]: fc's floats, folded to be non-negative. */
const probabilities = (n: number, max = 1): fc.Arbitrary<number[]> =>
  valuesArb(n, { bound: 1 }).map((v) => v.map((p) => Math.fround(Math.min(Math.abs(p), max))));

/** One-hot rows for class indices. */
function oneHot(labels: readonly number[], classes: number): NDArray {
  const y = NDArray.zeros([labels.length, classes]);
  for (const [r, c] of labels.entries()) y.set([r, c], 1);
  return y;
}

/** (batch, classes), probabilities from a softmax of random logits, and labels. */
const classification = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 6 }))
  .chain(([batch, classes]) =>
    fc.record({
      logits: arrayOfShape([batch, classes], { bound: 8 }),
      labels: fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: batch, maxLength: batch }),
    }),
  )
  .map(({ logits, labels }) => ({
    probs: softmax(logits).clone('float32'),
    labels,
    yTrue: oneHot(labels, logits.shape[1]).clone('float32'),
  }));

describe('step 1: losses', () => {
  it('mse is the mean of the squared errors over every element', () => {
    // squared errors (1−1)², (3−2)², (5−3)², (4−4)² = 0, 1, 4, 0 → mean 5/4
    const loss = mse(
      arr([
        [1, 2],
        [3, 4],
      ]),
      arr([
        [1, 3],
        [5, 4],
      ]),
    );
    expect(loss).toBeAllClose(1.25, { label: 'mse' });
  });

  it('binaryCrossentropy is −mean(y·log p + (1 − y)·log(1 − p))', () => {
    // −(1·log 0.9 + 0) = 0.1053605, −(0 + 1·log 0.8) = 0.2231436 → mean 0.1642520
    const loss = binaryCrossentropy(arr([[1, 0]]), arr([[0.9, 0.2]]));
    expect(loss).toBeAllClose(0.164252033486018, { label: 'binaryCrossentropy' });
  });

  it('categoricalCrossentropy is −Σ y·log p per sample, averaged over the batch', () => {
    // row 0: −log 0.7 = 0.3566749; row 1: −log 0.4 = 0.9162907 → mean 0.6364828
    const probs = arr([
      [0.1, 0.7, 0.2],
      [0.3, 0.3, 0.4],
    ]);
    const yTrue = arr([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(categoricalCrossentropy(yTrue, probs)).toBeAllClose(0.6364828379064438, {
      label: 'categoricalCrossentropy',
    });
  });

  it('sparseCategoricalCrossentropy takes class indices instead of one-hot rows', () => {
    // the same two rows with labels 1 and 2: the same 0.6364828
    const probs = arr([
      [0.1, 0.7, 0.2],
      [0.3, 0.3, 0.4],
    ]);
    expect(sparseCategoricalCrossentropy([1, 2], probs)).toBeAllClose(0.6364828379064438, {
      label: 'sparseCategoricalCrossentropy',
    });
  });

  it('binaryCrossentropy clips p to [1e-7, 1 − 1e-7]: a confident wrong answer costs 16.1, not Infinity', () => {
    expect(EPSILON).toBe(1e-7);
    // p = 0 for y = 1 and p = 1 for y = 0: each term is −log(1e-7) = 16.118096
    const bce = binaryCrossentropy(arr([[1, 0]]), arr([[0, 1]]));
    expect(bce, 'binaryCrossentropy of p = 0 (y = 1) and p = 1 (y = 0): clip p before the log').toBeCloseTo(
      16.118095651,
      6,
    );
    // a perfect answer still costs −log(1 − 1e-7) ≈ 1e-7, not 0
    expect(binaryCrossentropy(arr([[1]]), arr([[1]]))).toBeAllClose(1.0000000494736474e-7, { label: 'bce(1, 1)' });
  });

  it('categorical and sparse cross-entropy clip too: p = 0 for the true class costs 16.1', () => {
    // −log(clip(0)) = −log(1e-7) = 16.118096
    const wrong = arr([[1, 0, 0]]);
    const cce = categoricalCrossentropy(arr([[0, 1, 0]]), wrong);
    expect(cce, 'categoricalCrossentropy of p = 0 for the true class: clip p before the log').toBeCloseTo(
      16.118095651,
      6,
    );
    const sparse = sparseCategoricalCrossentropy([1], wrong);
    expect(sparse, 'sparseCategoricalCrossentropy of p = 0 for the true class: clip p before the log').toBeCloseTo(
      16.118095651,
      6,
    );
  });

  it('categoricalCrossentropy first rescales each row of yPred to sum to 1, as Keras does', () => {
    // [0.2, 0.2] is read as [0.5, 0.5]: −log 0.5 = 0.6931472 (not −log 0.2 = 1.609)
    expect(categoricalCrossentropy(arr([[1, 0]]), arr([[0.2, 0.2]]))).toBeAllClose(Math.LN2, {
      label: 'categoricalCrossentropy',
    });
  });

  it('shapes must agree: a ShapeError names both', () => {
    const yTrue = NDArray.zeros([2, 3]);
    expect(mse(yTrue, NDArray.zeros([2, 3]))).toBe(0);
    expect(() => mse(yTrue, NDArray.zeros([2, 2]))).toThrowKind(ShapeError, /mse.*\[2,3\].*\[2,2\]/);
    expect(() => binaryCrossentropy(yTrue, NDArray.zeros([3, 2]))).toThrowKind(
      ShapeError,
      /binaryCrossentropy.*\[2,3\].*\[3,2\]/,
    );
    expect(() => categoricalCrossentropy(yTrue, NDArray.zeros([2]))).toThrowKind(
      ShapeError,
      /categoricalCrossentropy.*\[2,3\].*\[2\]/,
    );
  });

  it('sparse labels must be one class index per row', () => {
    const probs = NDArray.full([3, 3], 1 / 3);
    expect(sparseCategoricalCrossentropy([0, 1, 2], probs)).toBeAllClose(Math.log(3), { label: 'uniform' });
    expect(() => sparseCategoricalCrossentropy([0, 1], probs)).toThrowKind(ShapeError, /2 labels.*\[3,3\]/);
    expect(() => sparseCategoricalCrossentropy([0, 3, 1], probs)).toThrowKind(ArgumentError, /label 3.*3 classes/);
    // Both ends of 0…2, and a number that is no index at all. The last class, 2, is fine.
    const notAnIndex =
      /^sparseCategoricalCrossentropy: label .+ is not a class index: yPred \[3,3\] has 3 classes, 0 to 2$/;
    expect(() => sparseCategoricalCrossentropy([0, 3, 1], probs)).toThrowKind(ArgumentError, notAnIndex);
    expect(() => sparseCategoricalCrossentropy([-1, 0, 1], probs)).toThrowKind(ArgumentError, notAnIndex);
    expect(() => sparseCategoricalCrossentropy([0, 1.5, 1], probs)).toThrowKind(ArgumentError, notAnIndex);
    expect(sparseCategoricalCrossentropy([2, 2, 2], probs)).toBeAllClose(Math.log(3), { label: 'labels [2, 2, 2]' });
    // yPred is a batch of rows: a single row of probabilities needs the batch axis.
    expect(() => sparseCategoricalCrossentropy([0], arr([0.2, 0.3, 0.5]))).toThrowKind(
      ShapeError,
      /^sparseCategoricalCrossentropy: yPred must be \(batch, classes\), got rank 1 \(\[3\]\)$/,
    );
  });

  it('categoricalCrossentropy needs a class axis, and no loss has a mean over an empty batch', () => {
    expect(() => categoricalCrossentropy(NDArray.full([], 1), NDArray.full([], 0.5))).toThrowKind(
      ShapeError,
      /^categoricalCrossentropy: needs a class axis, got scalars \(shape \[\]\)$/,
    );
    const none = NDArray.zeros([0, 3]);
    expect(() => mse(none, none)).toThrowKind(ArgumentError, /^mse: no predictions \(yPred \[0,3\]\)$/);
    expect(() => binaryCrossentropy(none, none)).toThrowKind(ArgumentError, /no predictions \(yPred \[0,3\]\)/);
    expect(() => categoricalCrossentropy(none, none)).toThrowKind(ArgumentError, /no predictions \(yPred \[0,3\]\)/);
  });

  // The oracle: Keras' losses live in tfjs-layers and TensorFlow.js exposes them as tf.metrics.*,
  // one loss per sample; Keras then averages over the batch, so we take tf.mean of them.
  // NOTE: tf.losses.logLoss adds ε inside the log instead of clipping, and tf.losses.sigmoidCrossEntropy
  // and tf.losses.softmaxCrossEntropy take logits, not probabilities: they are not Keras' losses.

  it('mse agrees with tf.losses.meanSquaredError on random arrays', () => {
    const pair = randomArray({ minRank: 1, maxRank: 3 }).chain((a) => fc.tuple(fc.constant(a), arrayOfShape(a.shape)));
    fc.assert(
      fc.property(pair, ([yTrue, yPred]) => {
        const got = mse(yTrue, yPred);
        const expected = oracleScalar((tf, t, p) => tf.losses.meanSquaredError(t, p), yTrue, yPred);
        expect(got).toBeAllClose(expected, f32(expected, yTrue.size, 'mse vs tf.losses.meanSquaredError', 1));
      }),
    );
  });

  it('binaryCrossentropy agrees with tf.metrics.binaryCrossentropy on random probabilities', () => {
    // NOTE: predictions stay ≤ 0.999999: float32 cannot hold 1 − 1e-7 (it rounds to 1 − 1.19e-7),
    // so TensorFlow.js clips the top a little lower than float64 does. The bottom, 0 → 1e-7, is tested.
    const pair = fc
      .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
      .chain(([b, n]) => fc.tuple(probabilities(b * n), probabilities(b * n, 0.999999), fc.constant([b, n])));
    fc.assert(
      fc.property(pair, ([t, p, shape]) => {
        const yTrue = NDArray.fromFlat(t, shape, 'float32');
        const yPred = NDArray.fromFlat(p, shape, 'float32');
        const got = binaryCrossentropy(yTrue, yPred);
        const expected = oracleScalar((tf, a, b) => tf.mean(tf.metrics.binaryCrossentropy(a, b)), yTrue, yPred);
        expect(got).toBeAllClose(expected, f32(expected, 4 * yTrue.size, 'binaryCrossentropy vs tf.metrics', 1));
      }),
    );
  });

  it('categorical and sparse cross-entropy agree with tf.metrics.categoricalCrossentropy', () => {
    // tf.metrics has no sparse version: tfjs-layers' sparseCategoricalCrossentropy is itself
    // oneHot(labels) followed by categoricalCrossentropy, so the oracle does the same.
    fc.assert(
      fc.property(classification, ({ probs, labels, yTrue }) => {
        const expected = oracleScalar((tf, t, p) => tf.mean(tf.metrics.categoricalCrossentropy(t, p)), yTrue, probs);
        const tol = f32(expected, 4 * probs.size, 'categoricalCrossentropy vs tf.metrics', 1);
        expect(categoricalCrossentropy(yTrue, probs)).toBeAllClose(expected, tol);
        expect(sparseCategoricalCrossentropy(labels, probs)).toBeAllClose(expected, {
          ...tol,
          label: 'sparseCategoricalCrossentropy vs tf.metrics',
        });
      }),
    );
  });
});

describe('step 2: derivatives of the activations', () => {
  it("relu′ is 1 where z > 0 and 0 elsewhere — at z = 0 too, TensorFlow's choice", () => {
    const d = reluPrime(arr([-2, -0.5, 0, 0.5, 3]));
    expect(d).toHaveShape([5]);
    expect(d).toBeAllClose([0, 0, 0, 1, 1], { label: 'reluPrime([-2, -0.5, 0, 0.5, 3])' });
    // tf.grad of relu is dy·step(x), and step(0) = 0
    const atZero = arr([0, -0, 1e-30], 'float32');
    expect(reluPrime(atZero)).toBeAllClose(
      runOracle(oracle, (tf, z) => tf.grad((v) => tf.relu(v))(z), atZero),
      {
        label: 'reluPrime([0, -0, 1e-30]) vs tf.grad(relu)',
      },
    );
  });

  it('sigmoid′(z) = s·(1 − s): 1/4 at 0, 3/16 at ±ln 3, almost 0 far out', () => {
    // s(0) = 1/2 → 1/2·1/2 = 1/4; s(ln 3) = 3/4 → 3/4·1/4 = 3/16; s(−ln 3) = 1/4 → the same
    // s(20) = 1 − 2.06e-9 → s·(1 − s) = 2.06e-9 (s alone would be 1)
    const d = sigmoidPrime(arr([[0, Math.log(3), -Math.log(3), 20]]));
    expect(d).toHaveShape([1, 4]);
    expect(d).toBeAllClose([[0.25, 0.1875, 0.1875, 2.0611536879193953e-9]], { label: 'sigmoidPrime' });
  });

  it('tanh′(z) = 1 − tanh²(z): 1 at 0, 0.64 at ±ln 2', () => {
    // tanh(ln 2) = (2 − 1/2)/(2 + 1/2) = 0.6 → 1 − 0.36 = 0.64
    const d = tanhPrime(arr([0, Math.log(2), -Math.log(2)]));
    expect(d).toHaveShape([3]);
    expect(d).toBeAllClose([1, 0.64, 0.64], { label: 'tanhPrime' });
  });

  it('does not change its input', () => {
    const z = arr([-1, 0, 2]);
    reluPrime(z);
    sigmoidPrime(z);
    tanhPrime(z);
    expect(z).toBeAllClose([-1, 0, 2], { label: 'z after the calls' });
  });

  const cases: [string, (z: NDArray) => NDArray, (tf: Tf, v: Tensor) => Tensor][] = [
    ['reluPrime', reluPrime, (tf, v) => tf.relu(v)],
    ['sigmoidPrime', sigmoidPrime, (tf, v) => tf.sigmoid(v)],
    ['tanhPrime', tanhPrime, (tf, v) => tf.tanh(v)],
  ];
  it.each(cases)('%s agrees with tf.grad on random arrays', (name, prime, activation) => {
    fc.assert(
      fc.property(randomArray({ minRank: 1, maxRank: 3 }), (z) => {
        const got = prime(z);
        const expected = runOracle(oracle, (tf, t) => tf.grad((v) => activation(tf, v))(t), z);
        expect(got).toHaveShape(z.shape);
        expect(got).toBeAllClose(expected, { ...float32Tolerance(4), label: `${name} vs tf.grad` });
      }),
    );
  });
});

describe('step 3: the chain rule', () => {
  const square: ScalarFn = (x) => x * x;
  const twice: ScalarFn = (x) => 2 * x;
  const sigma: ScalarFn = (x) => 1 / (1 + Math.exp(-x));
  const sigmaPrime: ScalarFn = (x) => sigma(x) * (1 - sigma(x));

  it("the seed's F(x) = f(g(x)), F′(x) = f′(g(x))·g′(x): sin(x²) at x = 1.5", () => {
    // g(1.5) = 2.25, F(1.5) = sin 2.25 = 0.7780732; F′(1.5) = cos(2.25)·2·1.5 = −1.8845209
    const { F, dF } = chainRule(Math.sin, Math.cos, square, twice);
    expect(F(1.5)).toBeAllClose(0.7780731968879212, { label: 'F(1.5)' });
    expect(dF(1.5), 'F′(1.5): f′ is evaluated at g(x), not at x').toBeAllClose(-1.8845208681682175, {
      label: 'F′(1.5)',
    });
  });

  it('sigmoid(x²) agrees with tf.grad', () => {
    const { F, dF } = chainRule(sigma, sigmaPrime, square, twice);
    fc.assert(
      fc.property(fc.float({ min: -4, max: 4, noNaN: true }), (x) => {
        const t = NDArray.fromFlat([x], [], 'float32');
        const [value, slope] = oracleMany((tf) => {
          const { value, grad } = tf.valueAndGrad((u: Tensor) => tf.sigmoid(tf.square(u)))(toTensor(tf, t));
          return [value, grad];
        }).map((a) => a.data[0]);
        expect(F(x)).toBeAllClose(value, { ...float32Tolerance(4), label: `F(${x})` });
        expect(dF(x)).toBeAllClose(slope, { ...float32Tolerance(8), label: `F′(${x})` });
      }),
    );
  });

  it('chains nest: tanh(sigmoid(3x + 1)) is the chain rule applied twice, as backprop is', () => {
    const inner = chainRule(
      sigma,
      sigmaPrime,
      (x) => 3 * x + 1,
      () => 3,
    );
    const { dF } = chainRule(Math.tanh, (u) => 1 - Math.tanh(u) ** 2, inner.F, inner.dF);
    fc.assert(
      fc.property(fc.float({ min: -3, max: 3, noNaN: true }), (x) => {
        const t = NDArray.fromFlat([x], [], 'float32');
        const slope = oracleScalar((tf, v) => tf.grad((u) => tf.tanh(tf.sigmoid(tf.add(tf.mul(u, 3), 1))))(v), t);
        expect(dF(x)).toBeAllClose(slope, { ...float32Tolerance(8), label: `F′(${x})` });
      }),
    );
  });
});

// The seed's worked example (section 2.4). Indices: w(0)ij = w0[i][j] joins input i to hidden
// neuron j, w(1)ij = w1[i][j] joins hidden neuron i to output neuron j (rows = source neuron).
interface Fixture {
  network: { learningRate: number };
  inputs: { x: number[]; target: number[]; w0: number[][]; w1: number[][] };
  expected: Record<string, Nested>;
}
const fixture = JSON.parse(readFileSync(new URL('../../data/backprop-2-2-2.json', import.meta.url), 'utf8')) as Fixture;
const ex = fixture.expected;
const x = arr(fixture.inputs.x);
const target = arr(fixture.inputs.target);
const w0 = arr(fixture.inputs.w0);
const w1 = arr(fixture.inputs.w1);
const lr = fixture.network.learningRate;

/** E_tot of the seed's network in TensorFlow.js; o1 and o2 (zeros) are added to z1 and z2. */
function tfError(tf: Tf, xs: Tensor, t: Tensor, v0: Tensor, v1: Tensor, o1?: Tensor, o2?: Tensor): Tensor {
  const z1 = tf.matMul(xs.reshape([1, -1]), v0);
  const z2 = tf.matMul(tf.sigmoid(o1 ? tf.add(z1, o1) : z1), v1);
  return tf.mul(0.5, tf.sum(tf.square(tf.sub(t, tf.sigmoid(o2 ? tf.add(z2, o2) : z2)))));
}

/**
 * The network's error and gradients by TensorFlow.js: [E, dW0, dW1, δ1, δ2], from one tape.
 * δ = ∂E/∂z is read as the gradient w.r.t. a zero offset added to z: ∂E/∂o = ∂E/∂z at o = 0.
 */
function oracleBackprop(xIn: NDArray, tIn: NDArray, w0In: NDArray, w1In: NDArray): NDArray[] {
  return oracleMany((tf) => {
    const [xs, t, v0, v1] = [xIn, tIn, w0In, w1In].map((a) => toTensor(tf, a)) as [Tensor, Tensor, Tensor, Tensor];
    const o1 = tf.zeros([1, v0.shape[1] as number]);
    const o2 = tf.zeros([1, v1.shape[1] as number]);
    const { value, grads } = tf.valueAndGrads((a: Tensor, b: Tensor, c: Tensor, d: Tensor) =>
      tfError(tf, xs, t, a, b, c, d),
    )([v0, v1, o1, o2]);
    const [dW0, dW1, d1, d2] = grads as [Tensor, Tensor, Tensor, Tensor];
    return [value, dW0, dW1, d1.reshape([-1]), d2.reshape([-1])];
  });
}

describe("step 4: the seed's 2-2-2 network, by hand", () => {
  it('forward pass: z and a of the hidden layer (1) and the output layer (2)', () => {
    // z10 = x0·w(0)00 + x1·w(0)10 = 0.05·0.15 + 0.10·0.25 = 0.0325   a10 = σ(0.0325) = 0.50812428
    // z11 = x0·w(0)01 + x1·w(0)11 = 0.05·0.20 + 0.10·0.30 = 0.04     a11 = σ(0.04)   = 0.50999867
    // z20 = a10·w(1)00 + a11·w(1)10 = 0.40·a10 + 0.50·a11 = 0.45824905   a20 = 0.61259872 (y1)
    // z21 = a10·w(1)01 + a11·w(1)11 = 0.45·a10 + 0.55·a11 = 0.50915519   a21 = 0.62460841 (y2)
    const pass = forwardPass(x, w0, w1);
    for (const key of ['z1', 'a1', 'z2', 'a2'] as const) {
      expect(pass[key]).toHaveShape([2]);
      expect(pass[key]).toBeAllClose(ex[key], { label: key });
    }
  });

  it('E_tot = E_y1 + E_y2 = ½(0.01 − a20)² + ½(0.99 − a21)² ≈ 0.2483181', () => {
    // E_y1 = ½(0.01 − 0.61259872)² = 0.18156261, E_y2 = ½(0.99 − 0.62460841)² = 0.06675551
    const { a2 } = forwardPass(x, w0, w1);
    expect(totalError(target, a2)).toBeAllClose(ex.error, { label: 'E_tot' });
    expect(totalError(target, a2)).toBeCloseTo(0.24831811, 8);
  });

  it('output layer: δ2j = (a2j − target_j)·a2j(1 − a2j) and ∂E/∂w(1)ij = a1i·δ2j', () => {
    // ∂E/∂w(1)10 = ∂E/∂a20 · ∂a20/∂z20 · ∂z20/∂w(1)10 = (a20 − 0.01) · a20(1 − a20) · a11
    //            = 0.60259872 · 0.23732153 · 0.50999867 = δ20 · a11 = 0.14300965 · 0.50999867 = 0.07293473
    // δ21 = (0.62460841 − 0.99) · 0.23447274 = −0.08567437
    const { a1, a2 } = forwardPass(x, w0, w1);
    const delta2 = outputDeltas(target, a2);
    expect(delta2).toHaveShape([2]);
    expect(delta2).toBeAllClose(ex.delta2, { label: 'δ2 = outputDeltas(target, a2)' });
    const dW1 = weightGradient(a1, delta2);
    expect(dW1).toHaveShape([2, 2]);
    expect(dW1).toBeAllClose(ex.dW1, { label: '∂E/∂w(1) = weightGradient(a1, δ2)' });
  });

  it('hidden layer: both paths, δ1i = (w(1)i0·δ20 + w(1)i1·δ21)·a1i(1 − a1i)', () => {
    // a10 feeds both outputs, so ∂E/∂a10 = ∂E_y1/∂a10 + ∂E_y2/∂a10 = δ20·w(1)00 + δ21·w(1)01
    //   = 0.14300965·0.40 + (−0.08567437)·0.45 = 0.05720386 − 0.03855347 = 0.01865039
    // δ10 = 0.01865039 · a10(1 − a10) = 0.01865039 · 0.24993400 = 0.00466137
    //   (the y1 path alone would give 0.05720386 · 0.24993400 = 0.01429719: three times too big)
    // ∂E/∂w(0)10 = x1 · δ10 = 0.10 · 0.00466137 = 0.00046614
    const { a1, a2 } = forwardPass(x, w0, w1);
    const delta1 = hiddenDeltas(w1, outputDeltas(target, a2), a1);
    expect(delta1).toHaveShape([2]);
    expect(delta1).toBeAllClose(ex.delta1, { label: 'δ1 = hiddenDeltas(w1, δ2, a1)' });
    const dW0 = weightGradient(x, delta1);
    expect(dW0).toHaveShape([2, 2]);
    expect(dW0).toBeAllClose(ex.dW0, { label: '∂E/∂w(0) = weightGradient(x, δ1)' });
  });

  it('one step of gradient descent with η = 0.5 lowers E_tot from 0.2483181 to 0.2411519', () => {
    // w(1)10: 0.50 − 0.5·0.07293473 = 0.46353263;  w(0)10: 0.25 − 0.5·0.00046614 = 0.24976693
    const step = trainStep(x, target, w0, w1, lr);
    expect(step.error).toBeAllClose(ex.error, { label: 'trainStep(…).error' });
    expect(step.dW1).toBeAllClose(ex.dW1, { label: 'trainStep(…).dW1' });
    expect(step.dW0).toBeAllClose(ex.dW0, { label: 'trainStep(…).dW0' });
    expect(step.updatedW1).toHaveShape([2, 2]);
    expect(step.updatedW1).toBeAllClose(ex.updatedW1, { label: 'trainStep(…).updatedW1' });
    expect(step.updatedW0).toHaveShape([2, 2]);
    expect(step.updatedW0).toBeAllClose(ex.updatedW0, { label: 'trainStep(…).updatedW0' });
    const after = forwardPass(x, step.updatedW0, step.updatedW1);
    expect(totalError(target, after.a2)).toBeAllClose(ex.errorAfterStep, { label: 'E_tot after the step' });
    // the inputs are untouched
    expect(w1).toBeAllClose(fixture.inputs.w1, { label: 'w1 after trainStep' });
  });

  it('trainStep takes every gradient from the forward pass before it updates anything', () => {
    // With your own functions: dW0 must come from the w1 that was given, not the updated one.
    const step = trainStep(x, target, w0, w1, lr);
    const { a1, a2 } = forwardPass(x, w0, w1);
    const fromGivenW1 = weightGradient(x, hiddenDeltas(w1, outputDeltas(target, a2), a1));
    expect(step.dW0, 'trainStep(…).dW0 must use w1 as it was in the forward pass, not the updated w1').toBeAllClose(
      fromGivenW1,
      { label: 'trainStep(…).dW0 vs weightGradient(x, hiddenDeltas(w1, δ2, a1))' },
    );
  });

  it('sgdUpdate is w − η·grad, a new array', () => {
    const w = arr([1, 2]);
    const updated = sgdUpdate(w, arr([0.5, -1]), 0.1);
    expect(updated).toBeAllClose([0.95, 2.1], { label: 'sgdUpdate' });
    expect(w).toBeAllClose([1, 2], { label: 'w after sgdUpdate' });
    updated.data.fill(7);
    expect(w, 'w after writing into the result of sgdUpdate').toBeAllClose([1, 2], EXACT);
    expect(() => sgdUpdate(w, arr([1, 2, 3]), 0.1)).toThrowKind(ShapeError, /sgdUpdate.*\[2\].*\[3\]/);
  });

  it('agrees with tf.grads and tf.train.sgd on the same network', () => {
    const [error, dW0, dW1] = oracleBackprop(x, target, w0, w1) as [NDArray, NDArray, NDArray];
    const step = trainStep(x, target, w0, w1, lr);
    expect(step.error).toBeAllClose(error, f32(error, 10, 'E_tot vs TensorFlow.js'));
    expect(step.dW1).toBeAllClose(dW1, f32(dW1, 10, 'dW1 vs tf.grads'));
    expect(step.dW0).toBeAllClose(dW0, f32(dW0, 20, 'dW0 vs tf.grads', 1e-4));
    // tf.train.sgd(0.5).minimize takes the same step with TensorFlow.js' own gradients
    const { tf } = oracle;
    const [v0, v1] = tf.tidy(() => [tf.variable(toTensor(tf, w0)), tf.variable(toTensor(tf, w1))]) as [
      TfVariable,
      TfVariable,
    ];
    const sgd = tf.train.sgd(lr);
    const xs = toTensor(tf, x);
    const t = toTensor(tf, target);
    try {
      sgd.minimize(() => tfError(tf, xs, t, v0, v1) as TfScalar, false, [v0, v1])?.dispose();
      expect(step.updatedW0).toBeAllClose(fromTensor(v0), f32(w0, 20, 'updatedW0 vs tf.train.sgd'));
      expect(step.updatedW1).toBeAllClose(fromTensor(v1), f32(w1, 20, 'updatedW1 vs tf.train.sgd'));
    } finally {
      tf.dispose([v0, v1, xs, t]);
      sgd.dispose();
    }
  });

  it('agrees with tf.grads on random networks of 1 to 4 neurons per layer', () => {
    const net = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
      .chain(([nIn, nHidden, nOut]) =>
        fc.tuple(
          arrayOfShape([nIn], { bound: 2 }),
          probabilities(nOut).map((t) => NDArray.fromFlat(t, [nOut], 'float32')),
          arrayOfShape([nIn, nHidden], { bound: 1 }),
          arrayOfShape([nHidden, nOut], { bound: 1 }),
        ),
      );
    fc.assert(
      fc.property(net, ([xs, t, v0, v1]) => {
        const pass = forwardPass(xs, v0, v1);
        const delta2 = outputDeltas(t, pass.a2);
        const delta1 = hiddenDeltas(v1, delta2, pass.a1);
        const step = trainStep(xs, t, v0, v1, lr);
        const [error, dW0, dW1, d1, d2] = oracleBackprop(xs, t, v0, v1) as [
          NDArray,
          NDArray,
          NDArray,
          NDArray,
          NDArray,
        ];
        // Gradients here are below 1 in size; scale 0.1 bounds float32's absolute error.
        const terms = 8 * (v0.size + v1.size);
        expect(totalError(t, pass.a2)).toBeAllClose(error, f32(error, terms, 'E_tot'));
        expect(delta2).toHaveShape(d2.shape);
        expect(delta2).toBeAllClose(d2, f32(d2, terms, 'δ2 vs tf.grad(E, z2)', 0.1));
        expect(delta1).toHaveShape(d1.shape);
        expect(delta1).toBeAllClose(d1, f32(d1, terms, 'δ1 vs tf.grad(E, z1)', 0.1));
        expect(step.dW1).toHaveShape(v1.shape);
        expect(step.dW1).toBeAllClose(dW1, f32(dW1, terms, 'dW1 vs tf.grads', 0.1));
        expect(step.dW0).toHaveShape(v0.shape);
        expect(step.dW0).toBeAllClose(dW0, f32(dW0, terms, 'dW0 vs tf.grads', 0.1));
      }),
    );
  });

  it('shapes that do not fit are a ShapeError naming them', () => {
    expect(forwardPass(x, w0, w1).a2).toHaveShape([2]);
    expect(() => forwardPass(arr([1, 2, 3]), w0, w1)).toThrowKind(ShapeError, /forwardPass.*\[3\].*\[2,2\]/);
    expect(() => forwardPass(x, w0, NDArray.zeros([3, 2]))).toThrowKind(ShapeError, /forwardPass.*\[3,2\]/);
    // Kernels are matrices: a vector with as many entries as x still does not fit.
    expect(() => forwardPass(x, NDArray.zeros([2]), w1)).toThrowKind(
      ShapeError,
      /^forwardPass: w0 must have one row per input, shape \[2,hidden\] \(x \[2\], w0 \[2\], w1 \[2,2\]\)$/,
    );
    expect(() => forwardPass(x, w0, NDArray.zeros([2]))).toThrowKind(
      ShapeError,
      /^forwardPass: w1 must have one row per hidden neuron, shape \[2,outputs\] \(x \[2\], w0 \[2,2\], w1 \[2\]\)$/,
    );
    const a = arr([0.5, 0.5]);
    expect(() => totalError(target, arr([0.5, 0.5, 0.5]))).toThrowKind(
      ShapeError,
      /^totalError: target \[2\] and a2 \[3\] differ$/,
    );
    expect(() => outputDeltas(target, arr([0.5, 0.5, 0.5]))).toThrowKind(
      ShapeError,
      /^outputDeltas: target \[2\] and a2 \[3\] differ$/,
    );
    // w1 joins a1 (its rows) to δ2 (its columns): [2,2] here; a wrong count on either axis, or a third axis, does not.
    expect(() => hiddenDeltas(NDArray.zeros([3, 2]), a, a)).toThrowKind(
      ShapeError,
      /^hiddenDeltas: w1 must be \[2,2\] to join a1 \[2\] to delta2 \[2\], got \[3,2\]$/,
    );
    for (const shape of [[2, 3], [2, 2, 1], [2]]) {
      expect(() => hiddenDeltas(NDArray.zeros(shape), a, a), `w1 ${JSON.stringify(shape)}`).toThrowKind(
        ShapeError,
        /^hiddenDeltas: w1 must be \[2,2\] to join a1 \[2\] to delta2 \[2\], got/,
      );
    }
  });

  it('the vectors of the worked example have rank 1: a row [1,2] is a ShapeError', () => {
    const row = arr([[0.5, 0.5]]);
    const a = arr([0.5, 0.5]);
    expect(() => forwardPass(row, w0, w1)).toThrowKind(
      ShapeError,
      /^forwardPass: x must be a vector, got shape \[1,2\]$/,
    );
    expect(() => hiddenDeltas(w1, row, a)).toThrowKind(
      ShapeError,
      /^hiddenDeltas: delta2 must be a vector, got shape \[1,2\]$/,
    );
    expect(() => hiddenDeltas(w1, a, row)).toThrowKind(
      ShapeError,
      /^hiddenDeltas: a1 must be a vector, got shape \[1,2\]$/,
    );
    expect(() => weightGradient(row, a)).toThrowKind(
      ShapeError,
      /^weightGradient: aPrev must be a vector, got shape \[1,2\]$/,
    );
    expect(() => weightGradient(a, row)).toThrowKind(
      ShapeError,
      /^weightGradient: delta must be a vector, got shape \[1,2\]$/,
    );
  });
});

/** z = x·W + b of lib's ops (exercise 05), for the learner's backward passes. */
const dense = (xs: NDArray, w: NDArray, b: NDArray): NDArray => add(matmul(xs, w), b);

/** mean cross-entropy of softmax(z) in TensorFlow.js: −mean_rows Σ y·logSoftmax(z). */
const tfSoftmaxCe = (tf: Tf, z: Tensor, y: Tensor): Tensor => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(z)), -1)));

/** Gradients of a loss of tf.variables, by tf.variableGrads; the variables are freed. */
function oracleVariableGrads(params: NDArray[], loss: (tf: Tf, vars: Tensor[]) => Tensor): NDArray[] {
  const { tf } = oracle;
  // tidy frees the tensors the variables are made from; variables outlive it until disposed
  const vars = tf.tidy(() => params.map((p) => tf.variable(toTensor(tf, p))));
  try {
    return oracleMany((tf) => {
      const { value, grads } = tf.variableGrads(() => loss(tf, vars) as TfScalar, vars);
      value.dispose();
      return vars.map((v) => grads[v.name] as Tensor);
    });
  } finally {
    tf.dispose(vars);
  }
}

describe('step 5: the Dense backward pass, in batch form', () => {
  it('dW = xᵀ·dZ, db = Σ over the batch of dZ, dx = dZ·Wᵀ — the transposes make the shapes fit', () => {
    // x (2,3), W (3,2), dZ (2,2): dW must be (3,2) like W, so xᵀ (3,2) · dZ (2,2);
    // dx must be (2,3) like x, so dZ (2,2) · Wᵀ (2,3).
    const xs = arr([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const w = arr([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const dZ = arr([
      [1, 0],
      [0, 2],
    ]);
    const { dW, db, dx } = denseBackward(xs, w, dZ);
    // dW_ij = Σ_n x_ni·dZ_nj: dW_00 = 1·1 + 4·0 = 1, dW_01 = 1·0 + 4·2 = 8, …
    expect(dW).toHaveShape([3, 2]);
    expect(dW).toBeAllClose(
      [
        [1, 8],
        [2, 10],
        [3, 12],
      ],
      { label: 'dW' },
    );
    expect(db).toHaveShape([2]);
    expect(db).toBeAllClose([1, 2], { label: 'db' });
    // dx_ni = Σ_j dZ_nj·W_ij: dx_00 = 1·1 + 0·0 = 1, dx_02 = 1·1 + 0·1 = 1, dx_12 = 0·1 + 2·1 = 2
    expect(dx).toHaveShape([2, 3]);
    expect(dx).toBeAllClose(
      [
        [1, 0, 1],
        [0, 2, 2],
      ],
      { label: 'dx' },
    );
  });

  it('square matrices need the transposes too (the shapes would fit without them)', () => {
    // xᵀ·dZ = [[1,3],[2,4]]·[[1,0],[0,0]] = [[1,0],[2,0]]   (x·dZ would be [[1,0],[3,0]])
    // dZ·Wᵀ = [[1,0],[0,0]]·[[5,7],[6,8]] = [[5,7],[0,0]]   (dZ·W would be [[5,6],[0,0]])
    const xs = arr([
      [1, 2],
      [3, 4],
    ]);
    const w = arr([
      [5, 6],
      [7, 8],
    ]);
    const dZ = arr([
      [1, 0],
      [0, 0],
    ]);
    const { dW, dx } = denseBackward(xs, w, dZ);
    expect(dW).toBeAllClose(
      [
        [1, 0],
        [2, 0],
      ],
      { label: 'dW = xᵀ·dZ' },
    );
    expect(dx).toBeAllClose(
      [
        [5, 7],
        [0, 0],
      ],
      { label: 'dx = dZ·Wᵀ' },
    );
  });

  it('relu passes the gradient where z > 0 and stops it elsewhere: dZ = dA ⊙ relu′(z)', () => {
    const dZ = reluBackward(arr([[1, 2, 3, 4]]), arr([[-1, 0, 0.5, 2]]));
    expect(dZ).toHaveShape([1, 4]);
    expect(dZ).toBeAllClose([[0, 0, 3, 4]], { label: 'reluBackward' });
  });

  it('softmax + cross-entropy: dZ = (softmax(z) − y) / batch for the batch-mean loss', () => {
    // z = 0 → softmax = [0.5, 0.5] in both rows; (p − y) / 2 = [[−0.25, 0.25], [0.25, −0.25]]
    const dZ = softmaxCrossEntropyBackward(
      NDArray.zeros([2, 2]),
      arr([
        [1, 0],
        [0, 1],
      ]),
    );
    expect(dZ).toHaveShape([2, 2]);
    expect(dZ).toBeAllClose(
      [
        [-0.25, 0.25],
        [0.25, -0.25],
      ],
      { label: 'softmaxCrossEntropyBackward' },
    );
  });

  it('shapes that do not fit are a ShapeError naming all of them', () => {
    const xs = NDArray.zeros([4, 3]);
    const w = NDArray.zeros([3, 2]);
    expect(denseBackward(xs, w, NDArray.zeros([4, 2])).dW).toHaveShape([3, 2]);
    expect(() => denseBackward(xs, w, NDArray.zeros([4, 5]))).toThrowKind(
      ShapeError,
      /denseBackward.*\[4,3\].*\[3,2\].*\[4,5\]/,
    );
    expect(() => denseBackward(xs, NDArray.zeros([2, 2]), NDArray.zeros([4, 2]))).toThrowKind(
      ShapeError,
      /denseBackward.*\[4,3\].*\[2,2\]/,
    );
    expect(() => reluBackward(NDArray.zeros([4, 2]), NDArray.zeros([4, 3]))).toThrowKind(
      ShapeError,
      /reluBackward.*\[4,2\].*\[4,3\]/,
    );
    expect(() => softmaxCrossEntropyBackward(NDArray.zeros([4, 2]), NDArray.zeros([4, 3]))).toThrowKind(
      ShapeError,
      /softmaxCrossEntropyBackward.*\[4,2\].*\[4,3\]/,
    );
    // dZ needs a row per sample too, not only a column per unit.
    expect(() => denseBackward(xs, w, NDArray.zeros([5, 2]))).toThrowKind(
      ShapeError,
      /^denseBackward: dZ must have shape \[4,2\] \(x \[4,3\], w \[3,2\], dZ \[5,2\]\)$/,
    );
    // One sample of logits still needs the batch axis: [1,3], not [3].
    expect(() => softmaxCrossEntropyBackward(NDArray.zeros([3]), NDArray.zeros([3]))).toThrowKind(
      ShapeError,
      /^softmaxCrossEntropyBackward: logits and yTrue must be the same \(batch, classes\) shape, got logits \[3\] and yTrue \[3\]$/,
    );
  });

  it('denseBackward takes matrices only: a third axis on x, w or dZ is a ShapeError naming all three', () => {
    const [xs, w, dZ] = [NDArray.zeros([4, 3]), NDArray.zeros([3, 2]), NDArray.zeros([4, 2])];
    expect(() => denseBackward(NDArray.zeros([4, 3, 1]), w, dZ)).toThrowKind(
      ShapeError,
      /^denseBackward: x, w and dZ must be matrices \(x \[4,3,1\], w \[3,2\], dZ \[4,2\]\)$/,
    );
    // Each of these would fit on its first two axes.
    expect(() => denseBackward(xs, NDArray.zeros([3, 2, 1]), dZ)).toThrowKind(
      ShapeError,
      /^denseBackward: x, w and dZ must be matrices/,
    );
    expect(() => denseBackward(xs, w, NDArray.zeros([4, 2, 1]))).toThrowKind(
      ShapeError,
      /^denseBackward: x, w and dZ must be matrices/,
    );
  });

  /** batch, inputs, hidden, classes: random sizes and float32 values. */
  const layers = fc
    .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
    .chain(([batch, nIn, nOut]) =>
      fc.record({
        xs: arrayOfShape([batch, nIn], { bound: 2 }),
        w: arrayOfShape([nIn, nOut], { bound: 1 }),
        b: arrayOfShape([nOut], { bound: 1 }),
        labels: fc.array(fc.integer({ min: 0, max: nOut - 1 }), { minLength: batch, maxLength: batch }),
      }),
    );

  it('a Dense layer + softmax cross-entropy agrees with tf.variableGrads', () => {
    fc.assert(
      fc.property(layers, ({ xs, w, b, labels }) => {
        const y = oneHot(labels, w.shape[1]).clone('float32');
        const dZ = softmaxCrossEntropyBackward(dense(xs, w, b), y);
        const got = denseBackward(xs, w, dZ);
        // x is a variable too, so that one tape gives dx as well
        const [dx, dW, db] = oracleVariableGrads([xs, w, b], (tf, [vx, vw, vb]) =>
          tfSoftmaxCe(tf, tf.add(tf.matMul(vx as Tensor, vw as Tensor), vb as Tensor), toTensor(tf, y)),
        ) as [NDArray, NDArray, NDArray];
        const terms = 8 * (xs.size + w.size);
        expect(dZ).toHaveShape([xs.shape[0], w.shape[1]]);
        expect(got.dW).toHaveShape(w.shape);
        expect(got.dW).toBeAllClose(dW, f32(dW, terms, 'dW vs tf.variableGrads', 0.1));
        expect(got.db).toHaveShape(b.shape);
        expect(got.db).toBeAllClose(db, f32(db, terms, 'db vs tf.variableGrads', 0.1));
        expect(got.dx).toHaveShape(xs.shape);
        expect(got.dx).toBeAllClose(dx, f32(dx, terms, 'dx vs tf.variableGrads', 0.1));
      }),
    );
  });

  it('a two-layer relu network agrees with tf.variableGrads, layer by layer back to dx', () => {
    const net = layers.chain((first) =>
      fc
        .integer({ min: 2, max: 4 })
        .chain((classes) =>
          fc.record({
            w2: arrayOfShape([first.w.shape[1], classes], { bound: 1 }),
            b2: arrayOfShape([classes], { bound: 1 }),
            labels: fc.array(fc.integer({ min: 0, max: classes - 1 }), {
              minLength: first.xs.shape[0],
              maxLength: first.xs.shape[0],
            }),
          }),
        )
        .map((second) => ({ ...first, ...second })),
    );
    fc.assert(
      fc.property(net, ({ xs, w, b, w2, b2, labels }) => {
        const y = oneHot(labels, w2.shape[1]).clone('float32');
        // forward with lib's ops, backward with yours: output layer first
        const z1 = dense(xs, w, b);
        const a1 = relu(z1);
        const z2 = dense(a1, w2, b2);
        const g2 = denseBackward(a1, w2, softmaxCrossEntropyBackward(z2, y));
        const g1 = denseBackward(xs, w, reluBackward(g2.dx, z1));
        const grads = oracleVariableGrads([xs, w, b, w2, b2], (tf, [vx, vw, vb, vw2, vb2]) => {
          const hidden = tf.relu(tf.add(tf.matMul(vx as Tensor, vw as Tensor), vb as Tensor));
          return tfSoftmaxCe(tf, tf.add(tf.matMul(hidden, vw2 as Tensor), vb2 as Tensor), toTensor(tf, y));
        });
        const [dx, dW, db, dW2, db2] = grads as [NDArray, NDArray, NDArray, NDArray, NDArray];
        const terms = 8 * (xs.size + w.size + w2.size);
        expect(g2.dW).toHaveShape(w2.shape);
        expect(g2.dW).toBeAllClose(dW2, f32(dW2, terms, 'dW2 vs tf.variableGrads', 0.1));
        expect(g2.db).toBeAllClose(db2, f32(db2, terms, 'db2 vs tf.variableGrads', 0.1));
        expect(g1.dW).toHaveShape(w.shape);
        expect(g1.dW).toBeAllClose(dW, f32(dW, terms, 'dW1 vs tf.variableGrads', 0.1));
        expect(g1.db).toBeAllClose(db, f32(db, terms, 'db1 vs tf.variableGrads', 0.1));
        expect(g1.dx).toHaveShape(xs.shape);
        expect(g1.dx).toBeAllClose(dx, f32(dx, terms, 'dx vs tf.variableGrads', 0.1));
      }),
      // 50 cases, not 100: each one tapes two layers in TensorFlow.js (the costliest case in this
      // file), and the one-layer property above already runs 100 cases of the same functions.
      runs(50),
    );
  });
});

/** Mean softmax cross-entropy of x·W + b in float64 with lib's ops: a loss to check gradients of. */
function denseLoss(xs: NDArray, w: NDArray, b: NDArray, y: NDArray): number {
  const logp = logSoftmax(dense(xs, w, b));
  return -sum(mul(y, logp)).data[0] / xs.shape[0];
}

/** The gradients of denseLoss by formula (README.md), so step 6's checks do not rest on your step 5. */
function referenceDenseGrads(xs: NDArray, w: NDArray, b: NDArray, y: NDArray): { dW: NDArray; dx: NDArray } {
  const batch = xs.shape[0];
  const dZ = map(
    add(
      softmax(dense(xs, w, b)),
      map(y, (v) => -v),
    ),
    (v) => v / batch,
  );
  return { dW: matmul(xs, dZ, { transposeA: true }), dx: matmul(dZ, w, { transposeB: true }) };
}

/** A few seeded dense layers (float64) with one-hot targets. */
function seededLayers(): { xs: NDArray; w: NDArray; b: NDArray; y: NDArray }[] {
  return [1, 2, 3, 4, 5].map((seed) => {
    const [batch, nIn, nOut] = [2 + (seed % 3), 3, 1 + seed];
    return {
      xs: NDArray.randomNormal([batch, nIn], 0, 1, { seed }),
      w: NDArray.randomNormal([nIn, nOut], 0, 1, { seed: 100 + seed }),
      b: NDArray.randomNormal([nOut], 0, 1, { seed: 200 + seed }),
      y: oneHot(
        Array.from({ length: batch }, (_, r) => (r * seed) % nOut),
        nOut,
      ),
    };
  });
}

describe('step 6: numerical gradient checking', () => {
  it('numericalGradient of Σx³ is 3x², computed in float64 even when x is float32', () => {
    const xs = arr([[0.5, -1, 2]], 'float32');
    const cubeSum = (v: NDArray) => sum(map(v, (u) => u ** 3)).data[0];
    expect(() => numericalGradient(cubeSum, xs)).toLeaveUnchanged({ x: xs }, 'numericalGradient(Σx³, x)');
    const g = numericalGradient(cubeSum, xs);
    expect(g).toHaveShape([1, 3]);
    // (f(x + h) − f(x − h)) / 2h = 3x² + h² exactly for a cube: 0.75, 3, 12 (+1e-10)
    expect(g).toBeAllClose([[0.75, 3, 12]], { rtol: 1e-8, atol: 1e-9, label: 'numericalGradient(Σx³)' });
  });

  it('agrees with lib/gradcheck.ts on a dense layer loss', () => {
    for (const { xs, w, b, y } of seededLayers()) {
      const loss = (v: NDArray) => denseLoss(xs, v, b, y);
      const got = numericalGradient(loss, w);
      expect(got).toHaveShape(w.shape);
      expect(got).toBeAllClose(lib.numericalGradient(loss, w), { label: 'numericalGradient vs lib' });
    }
  });

  it("relativeError is CS231n's max |a − n| / max(|a|, |n|): 0 when both are 0", () => {
    // |1 − 1.1| / 1.1 = 0.0909, |−2 − (−2)| = 0, both 0 → 0, |1e-3 − 2e-3| / 2e-3 = 0.5 → max 0.5
    const e = relativeError(arr([1, -2, 0, 1e-3]), arr([1.1, -2, 0, 2e-3]));
    expect(e).toBeAllClose(0.5, { label: 'relativeError' });
    expect(relativeError(arr([0, 0]), arr([0, 0])), 'two zero gradients agree: 0, not NaN').toBe(0);
    expect(() => relativeError(NDArray.zeros([2, 3]), NDArray.zeros([3, 2]))).toThrowKind(
      ShapeError,
      /^relativeError: analytic \[2,3\] and numeric \[3,2\] gradients differ in shape$/,
    );
  });

  it('a NaN or an infinity in either gradient is never ok: relError NaN', () => {
    // |NaN − 2| / … = NaN, and |∞ − 1| / ∞ = NaN: a comparison with NaN is false, so a max would skip it.
    expect(relativeError(arr([1, Number.NaN, 3]), arr([1, 2, 3])), 'NaN in analytic').toBeNaN();
    expect(relativeError(arr([1, 2]), arr([Number.NaN, 2])), 'NaN in numeric').toBeNaN();
    expect(relativeError(arr([Number.POSITIVE_INFINITY, 2]), arr([1, 2])), 'Infinity in analytic').toBeNaN();
    const squares = (v: NDArray) => sum(map(v, (u) => u * u)).data[0];
    const check = gradCheck(squares, arr([[1, 2]]), arr([[2, Number.NaN]]));
    expect(check.relError, 'gradCheck(…).relError with a NaN in analytic').toBeNaN();
    expect(check.ok, 'gradCheck(…).ok with a NaN in analytic').toBe(false);
  });

  it('relativeError agrees with lib/gradcheck.ts on random gradients', () => {
    const pair = randomArray({ minRank: 1, maxRank: 3 }).chain((a) => fc.tuple(fc.constant(a), arrayOfShape(a.shape)));
    fc.assert(
      fc.property(pair, ([a, n]) => {
        expect(relativeError(a, n)).toBeAllClose(lib.relativeError(a, n), { label: 'relativeError vs lib' });
      }),
    );
  });

  it('gradCheck confirms the dW, db and dx of your denseBackward (step 5)', () => {
    for (const { xs, w, b, y } of seededLayers()) {
      const g = denseBackward(xs, w, softmaxCrossEntropyBackward(dense(xs, w, b), y));
      for (const [name, param, analytic, loss] of [
        ['dW', w, g.dW, (v: NDArray) => denseLoss(xs, v, b, y)],
        ['db', b, g.db, (v: NDArray) => denseLoss(xs, w, v, y)],
        ['dx', xs, g.dx, (v: NDArray) => denseLoss(v, w, b, y)],
      ] as const) {
        const check = gradCheck(loss, param, analytic);
        expect(check.relError, `${name}: relative error ${check.relError} at [${check.worst}]`).toBeLessThan(1e-7);
        expect(check.ok, `${name}: gradCheck(…).ok`).toBe(true);
      }
    }
  });

  it('gradCheck catches a gradient off by a factor of 2: relative error 0.5', () => {
    const { xs, w, b, y } = seededLayers()[0] as { xs: NDArray; w: NDArray; b: NDArray; y: NDArray };
    const { dW } = referenceDenseGrads(xs, w, b, y);
    // |2a − a| / |2a| = 1/2 for every element
    const check = gradCheck(
      (v) => denseLoss(xs, v, b, y),
      w,
      map(dW, (v) => 2 * v),
    );
    expect(check.ok, 'a doubled gradient must not pass').toBe(false);
    expect(check.relError).toBeAllClose(0.5, { rtol: 1e-6, label: 'relError of a doubled gradient' });
  });

  it('gradCheck catches a transposed gradient: wrong values for a square W, a ShapeError otherwise', () => {
    // a square W (3,3): dWᵀ has the right shape and wrong values
    const x3 = NDArray.randomNormal([3, 3], 0, 1, { seed: 7 });
    const w3 = NDArray.randomNormal([3, 3], 0, 1, { seed: 8 });
    const b3 = NDArray.randomNormal([3], 0, 1, { seed: 9 });
    const y3 = oneHot([0, 2, 1], 3);
    const square = referenceDenseGrads(x3, w3, b3, y3);
    const check = gradCheck((v) => denseLoss(x3, v, b3, y3), w3, transpose(square.dW));
    expect(check.ok, 'a transposed gradient must not pass').toBe(false);
    expect(check.relError).toBeGreaterThan(1e-2);
    // W (3,2): dWᵀ (2,3) cannot even be compared
    const { xs, w, b, y } = seededLayers()[0] as { xs: NDArray; w: NDArray; b: NDArray; y: NDArray };
    const { dW } = referenceDenseGrads(xs, w, b, y);
    expect(() => gradCheck((v) => denseLoss(xs, v, b, y), w, transpose(dW))).toThrowKind(
      ShapeError,
      /\[2,3\].*\[3,2\]|\[3,2\].*\[2,3\]/,
    );
  });

  it('defaults: h = 1e-5, and tolerance = 1e-6 with ok when relError ≤ tolerance', () => {
    const xs = arr([[0.5, -1, 2]]);
    const cubeSum = (v: NDArray) => sum(map(v, (u) => u ** 3)).data[0];
    // For a cube the central difference is 3x² + h² exactly: h = 1e-5 adds 1e-10, h = 1e-3 adds 1e-6.
    expect(numericalGradient(cubeSum, xs), 'numericalGradient(f, x) is numericalGradient(f, x, 1e-5)').toBeAllClose(
      numericalGradient(cubeSum, xs, 1e-5),
      EXACT,
    );
    expect(numericalGradient(cubeSum, xs, 1e-3)).toBeAllClose([[0.75 + 1e-6, 3 + 1e-6, 12 + 1e-6]], {
      rtol: 1e-9,
      label: 'numericalGradient(Σx³, x, 1e-3)',
    });
    // An analytic gradient 5e-7 off (relatively) passes the default 1e-6 and fails 1e-7.
    const close = arr([[0.75 * (1 + 5e-7), 3, 12]]);
    const byDefault = gradCheck(cubeSum, xs, close);
    expect(byDefault.relError).toBeAllClose(5e-7, { rtol: 1e-3, label: 'relError of a gradient 5e-7 off' });
    expect(byDefault.ok, 'relError 5e-7 with the default tolerance 1e-6').toBe(true);
    expect(gradCheck(cubeSum, xs, close, { tolerance: 1e-7 }).ok, 'relError 5e-7 with tolerance 1e-7').toBe(false);
    // h is used: with h = 1e-3 the numeric gradient is 1e-6 off, 1.3e-6 of 0.75.
    expect(gradCheck(cubeSum, xs, arr([[0.75, 3, 12]]), { h: 1e-3 }).ok, 'exact gradient, h = 1e-3').toBe(false);
    // The tolerance itself passes: ok is relError ≤ tolerance.
    const atTolerance = gradCheck(cubeSum, xs, close, { tolerance: byDefault.relError });
    expect(atTolerance.ok, `relError ${byDefault.relError} with that same tolerance`).toBe(true);
  });

  it('gradCheck points at the worst element', () => {
    const xs = arr([
      [1, 2],
      [3, 4],
    ]);
    const squares = (v: NDArray) => sum(map(v, (u) => u * u)).data[0];
    // ∂Σx²/∂x = 2x = [[2, 4], [6, 8]]; spoil element [1, 0] only
    const check = gradCheck(
      squares,
      xs,
      arr([
        [2, 4],
        [6.5, 8],
      ]),
    );
    expect(check.ok).toBe(false);
    expect(check.worst).toEqual([1, 0]);
    expect(check.relError).toBeAllClose(0.5 / 6.5, { rtol: 1e-6, label: 'relError at [1,0]' });
    expect(
      gradCheck(
        squares,
        xs,
        arr([
          [2, 4],
          [6, 8],
        ]),
      ).ok,
    ).toBe(true);
  });
});
