/**
 * Exercise 05 — the Dense layer. Run: `npm start` (watch mode) or `npx vitest --project exercises 05`.
 * Each describe block is one step of README.md; make them pass in order.
 * A batch is rows: x has shape [batch, features], a kernel W [inputs, units], a bias b [units].
 */
import fc from 'fast-check';
import { assert, beforeAll, describe, expect, it } from 'vitest';
import { arrayOfShape, randomArray } from '../../lib/arbitraries.ts';
import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { fromTensor, loadOracle, type Oracle, runOracle, type Tensor, toTensor } from '../../lib/oracle.ts';
import { createRng, runSeed } from '../../lib/rng.ts';
import { runs } from '../../lib/runs.ts';
import { EXACT, FLOAT32_UNIT_ROUNDOFF, float32Tolerance, type Tolerance } from '../../lib/tolerance.ts';
import {
  type ActivationName,
  argmax,
  Dense,
  denseForward,
  getActivation,
  glorotLimit,
  initKernel,
  type KernelInitializer,
  linear,
  predictClasses,
  relu,
  Sequential,
  sigmoid,
  softmax,
  tanh,
} from './dense.ts';

let oracle: Oracle;
beforeAll(async () => {
  oracle = await loadOracle({ small: true, lean: true });
});

const array = (rows: number[] | number[][]) => NDArray.fromNested(rows);

/**
 * make() on the first call, the same value afterwards: big kernels are built once per file.
 * A make() that throws (an unfinished step) throws again on the next call.
 */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
/** The largest |entry| (NaN if any is NaN). An index loop: it reads kernels of 401,408 entries. */
function maxAbs(x: NDArray): number {
  let m = 0;
  for (let i = 0; i < x.size; i++) m = Math.max(m, Math.abs(x.data[i]));
  return m;
}
const ACTIVATIONS: ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

/** Each row of the last axis sums to 1 (up to rounding). */
function expectRowsSumToOne(p: NDArray, what: string): void {
  const n = p.shape[p.rank - 1];
  for (let offset = 0; offset < p.size; offset += n) {
    let total = 0;
    for (let j = 0; j < n; j++) total += p.data[offset + j];
    if (!(Math.abs(total - 1) < 1e-5)) assert.fail(`${what}: row ${offset / n} sums to ${total}, not 1`);
  }
}

/**
 * tf.layers.dense with the kernel W and bias b (Keras' own Dense layer): the oracle for one
 * layer. Its zeros initializer is overwritten by setWeights, so nothing here is random.
 */
function tfDense(x: NDArray, W: NDArray, b: NDArray, activation: ActivationName): NDArray {
  const layer = oracle.tf.layers.dense({ units: W.shape[1], activation, kernelInitializer: 'zeros' });
  try {
    return runOracle(
      oracle,
      (tf, xt, Wt, bt) => {
        // The first call builds the layer: a kernel [inputs, units] and a bias [units].
        layer.apply(tf.zeros([1, W.shape[0]]));
        layer.setWeights([Wt as Tensor, bt as Tensor]);
        return layer.apply(xt) as Tensor;
      },
      x,
      W,
      b,
    );
  } finally {
    layer.dispose();
  }
}

/** A tf.sequential of Dense layers with these weights [W0, b0, W1, b1, …] and activations. */
function tfPredict(x: NDArray, weights: readonly NDArray[], activations: readonly ActivationName[]) {
  const { tf } = oracle;
  const model = tf.sequential({
    layers: activations.map((activation, i) =>
      tf.layers.dense({
        units: weights[2 * i + 1]?.shape[0],
        activation,
        kernelInitializer: 'zeros',
        ...(i === 0 ? { inputShape: [weights[0]?.shape[0]] } : {}),
      }),
    ),
  });
  try {
    const tensors = weights.map((w) => toTensor(tf, w));
    model.setWeights(tensors);
    for (const t of tensors) t.dispose();
    return {
      predictions: runOracle(oracle, (_tf, xt) => model.predict(xt) as Tensor, x),
      countParams: model.countParams(),
    };
  } finally {
    model.dispose();
  }
}

/** activation(x·W + b) with TensorFlow.js' own ops: tf.matMul, tf.add, tf.relu, …, tf.softmax. */
function tfForward(x: NDArray, W: NDArray, b: NDArray, activation: ActivationName): NDArray {
  return runOracle(
    oracle,
    (tf, xt, Wt, bt) => {
      const z = tf.add(tf.matMul(xt as Tensor, Wt as Tensor), bt as Tensor);
      return activation === 'linear' ? z : tf[activation](z);
    },
    x,
    W,
    b,
  );
}

/**
 * Tolerance for x·W + b (then an activation) against float32 TensorFlow.js: n + 1 rounded
 * terms per output, each at most max|x|·max|W| (or max|b|), so cancellation can leave an
 * absolute error of about that size times the unit roundoff. sigmoid, tanh and softmax have
 * slopes ≤ 1, so they do not make an error in z larger.
 */
function denseTolerance(x: NDArray, W: NDArray, b: NDArray): Tolerance {
  const n = W.shape[0];
  return float32Tolerance(n + 1, 1 + n * maxAbs(x) * maxAbs(W) + maxAbs(b));
}

/** A batch x [batch, inputs], a kernel [inputs, units], a bias [units] and an activation. */
const denseCase = fc
  .record({
    batch: fc.integer({ min: 1, max: 5 }),
    inputs: fc.integer({ min: 1, max: 6 }),
    units: fc.integer({ min: 1, max: 6 }),
    activation: fc.constantFrom(...ACTIVATIONS),
  })
  .chain(({ batch, inputs, units, activation }) =>
    fc.record({
      x: arrayOfShape([batch, inputs], { bound: 3 }),
      W: arrayOfShape([inputs, units], { bound: 1 }),
      b: arrayOfShape([units], { bound: 1 }),
      activation: fc.constant(activation),
    }),
  );

describe('step 1: element-wise activations', () => {
  const x = array([-2, -0.5, 0, 0.5, 2]);

  it('relu keeps the positive values and zeroes the rest: relu([-2, -0.5, 0, 0.5, 2]) = [0, 0, 0, 0.5, 2]', () => {
    const y = relu(x);
    expect(y).toHaveShape([5]);
    expect(y).toBeAllClose([0, 0, 0, 0.5, 2], { label: 'relu([-2, -0.5, 0, 0.5, 2])' });
  });

  it('sigmoid squashes into (0, 1): σ(0) = 0.5, σ(2) = 1/(1 + e⁻²) ≈ 0.8808, σ(−2) = 1 − σ(2)', () => {
    const y = sigmoid(x);
    expect(y).toHaveShape([5]);
    // e^-2 = 0.1353352832…, 1/1.1353352832 = 0.8807970779778823; e^-0.5 = 0.6065…, 1/1.6065 = 0.6224593312018546
    expect(y).toBeAllClose([0.11920292202211755, 0.3775406687981454, 0.5, 0.6224593312018546, 0.8807970779778823], {
      label: 'sigmoid([-2, -0.5, 0, 0.5, 2])',
    });
    // Far out it saturates at 0 and 1, and never turns into NaN.
    expect(sigmoid(array([-1000, 1000]))).toBeAllClose([0, 1], { label: 'sigmoid([-1000, 1000])' });
  });

  it('tanh squashes into (−1, 1) and is odd: tanh(0.5) ≈ 0.4621, tanh(±1000) = ±1 (not NaN)', () => {
    const y = tanh(x);
    expect(y).toHaveShape([5]);
    // tanh(2) = (e² − e⁻²)/(e² + e⁻²) = 7.2537/7.5244 = 0.9640275800758169
    expect(y).toBeAllClose([-0.9640275800758169, -0.46211715726000974, 0, 0.46211715726000974, 0.9640275800758169], {
      label: 'tanh([-2, -0.5, 0, 0.5, 2])',
    });
    // NOTE: the formula as written gives e^1000/e^1000 = Infinity/Infinity = NaN here.
    expect(tanh(array([-1000, 1000]))).toBeAllClose([-1, 1], { label: 'tanh([-1000, 1000])' });
  });

  it("linear (Keras' default activation) returns the values unchanged", () => {
    const y = linear(x);
    expect(y).toHaveShape([5]);
    expect(y).toBeAllClose(x);
  });

  it('keep the shape of any rank (a scalar too) and never change their input', () => {
    const batch = NDArray.randomNormal([2, 3, 4], 0, 3, { seed: 1 });
    for (const f of [linear, relu, sigmoid, tanh]) {
      expect(f(batch)).toHaveShape([2, 3, 4]);
      expect(() => f(batch)).toLeaveUnchanged({ batch }, `${f.name}(batch)`);
    }
    expect(relu(NDArray.full([], -3))).toHaveShape([]);
  });

  it('return a new array: writing into the result leaves the input as it was', () => {
    for (const f of [linear, relu, sigmoid, tanh]) {
      const input = array([-1, 0, 2]);
      f(input).data.fill(7);
      expect(input, `${f.name}'s input after writing into its result`).toBeAllClose([-1, 0, 2], EXACT);
    }
  });

  it('agree with tf.relu, tf.sigmoid and tf.tanh on random arrays of rank 0 to 3', () => {
    fc.assert(
      fc.property(randomArray({ maxRank: 3, bound: 20 }), (a) => {
        const ours = { relu: relu(a), sigmoid: sigmoid(a), tanh: tanh(a) };
        // One call to TensorFlow.js for all three: tf.stack puts them on a new first axis.
        const all = runOracle(oracle, (tf, t) => tf.stack([tf.relu(t), tf.sigmoid(t), tf.tanh(t)]), a);
        Object.values(ours).forEach((y, i) => {
          const name = Object.keys(ours)[i] as string;
          const expected = NDArray.fromFlat(all.data.subarray(i * a.size, (i + 1) * a.size), a.shape, 'float32');
          expect(y, name).toHaveShape(a.shape);
          expect(y).toBeAllClose(expected, { ...float32Tolerance(4), label: name });
        });
        expect(linear(a)).toBeAllClose(a, { label: 'linear' });
      }),
    );
  });
});

describe('step 2: softmax', () => {
  it('turns the logits [2, 1, 0.1] into probabilities [0.659, 0.242, 0.099] that sum to 1', () => {
    const p = softmax(array([2, 1, 0.1]));
    expect(p).toHaveShape([3]);
    // e² = 7.389, e¹ = 2.718, e^0.1 = 1.105; their sum is 11.212; 7.389/11.212 = 0.659, …
    expect(p).toBeAllClose([0.6590011388859679, 0.2424329707047139, 0.09856589040931818], {
      label: 'softmax([2, 1, 0.1])',
    });
  });

  it('works along the last axis: every row of a batch is its own distribution', () => {
    const p = softmax(
      array([
        [1, 2, 3],
        [5, 5, 5],
      ]),
    );
    expect(p).toHaveShape([2, 3]);
    // Row 0: e^(x − 3) = [e⁻², e⁻¹, 1] / 1.5032 = [0.0900, 0.2447, 0.6652]; row 1: equal logits, equal shares.
    expect(p).toBeAllClose(
      [
        [0.09003057317038046, 0.24472847105479764, 0.6652409557748218],
        [1 / 3, 1 / 3, 1 / 3],
      ],
      { label: 'softmax([[1, 2, 3], [5, 5, 5]])' },
    );
    // A rank-3 batch: each of the 2·3 rows of 4 sums to 1.
    const q = softmax(NDArray.randomNormal([2, 3, 4], 0, 2, { seed: 2 }));
    expect(q).toHaveShape([2, 3, 4]);
    expectRowsSumToOne(q, 'softmax of a [2,3,4] array');
  });

  it('stays finite for huge logits: softmax([1000, 0, −1000]) = [1, 0, 0] (shift by the max first)', () => {
    // Without the shift, e^1000 = Infinity and Infinity / Infinity = NaN.
    // With it: [1000, 0, −1000] − 1000 = [0, −1000, −2000] → e^… = [1, 0, 0] → sum 1 → [1, 0, 0].
    expect(softmax(array([1000, 0, -1000]))).toBeAllClose([1, 0, 0], { label: 'softmax([1000, 0, -1000])' });
    expect(
      softmax(
        array([
          [1000, 1000, 0],
          [-1000, 0, 1000],
        ]),
      ),
    ).toBeAllClose(
      [
        [0.5, 0.5, 0],
        [0, 0, 1],
      ],
      { label: 'softmax([[1000, 1000, 0], [-1000, 0, 1000]])' },
    );
  });

  it('stays finite for very negative logits: softmax([−1000, −1000]) = [0.5, 0.5]', () => {
    // Without the shift, e^-1000 = 0 for both, and 0 / 0 = NaN. With it: [0, 0] → [1, 1] / 2.
    expect(softmax(array([-1000, -1000]))).toBeAllClose([0.5, 0.5], { label: 'softmax([-1000, -1000])' });
  });

  it('returns a new array: writing into the result leaves the logits as they were', () => {
    const logits = array([
      [1, 2],
      [3, 4],
    ]);
    softmax(logits).data.fill(7);
    expect(logits, 'the logits after writing into softmax(logits)').toBeAllClose(
      [
        [1, 2],
        [3, 4],
      ],
      EXACT,
    );
  });

  it('a scalar has no axis to normalise over: ShapeError', () => {
    expect(() => softmax(NDArray.full([], 1))).toThrowKind(ShapeError, /softmax.*\[\]/);
  });

  it('agrees with tf.softmax on random logits up to ±10 and ±1000, and does not change its input', () => {
    const logits = fc.constantFrom(10, 1000).chain((bound) => randomArray({ minRank: 1, maxRank: 3, bound }));
    fc.assert(
      fc.property(logits, (a) => {
        expect(() => softmax(a)).toLeaveUnchanged({ logits: a }, 'softmax(logits)');
        const p = softmax(a);
        expect(p).toHaveShape(a.shape);
        // float32 rounds x − max (up to 2·max|x|) before exp: a relative error of about |x − max|·u.
        const tol = { rtol: 16 * FLOAT32_UNIT_ROUNDOFF * (1 + 2 * maxAbs(a)), atol: 1e-7 };
        expect(p).toBeAllClose(
          runOracle(oracle, (tf, t) => tf.softmax(t), a),
          { ...tol, label: 'softmax' },
        );
        expectRowsSumToOne(p, 'softmax');
      }),
    );
  });

  it('is unchanged by adding the same number c to every logit: e^(x−c) / Σ e^(x−c) = e^x / Σ e^x', () => {
    fc.assert(
      fc.property(randomArray({ minRank: 1, maxRank: 2 }), fc.integer({ min: -500, max: 500 }), (a, c) => {
        const p = softmax(a.clone('float64'));
        const shifted = NDArray.fromFlat(
          Array.from(a.data, (v) => v + c),
          a.shape,
        );
        expect(softmax(shifted)).toBeAllClose(p, { rtol: 1e-9, atol: 1e-12, label: `softmax(x + ${c})` });
      }),
    );
  });
});

describe('step 3: the dense forward pass', () => {
  // 2 samples of 3 features, a layer of 2 units.
  const x = array([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const W = array([
    [1, 0],
    [0, 1],
    [1, -1],
  ]);
  const b = array([0.5, -1]);

  it('getActivation finds the functions of steps 1–2 by name; an unknown name is an ArgumentError', () => {
    expect(getActivation('relu')(array([-1, 2]))).toBeAllClose([0, 2], { label: "getActivation('relu')" });
    expect(getActivation('softmax')(array([0, 0]))).toBeAllClose([0.5, 0.5], { label: "getActivation('softmax')" });
    expect(getActivation('linear')(array([-1, 2]))).toBeAllClose([-1, 2], { label: "getActivation('linear')" });
    expect(() => getActivation('gelu' as ActivationName)).toThrowKind(
      ArgumentError,
      /^getActivation: unknown activation "gelu" \(known: linear, relu, sigmoid, tanh, softmax\)$/,
    );
  });

  it('the worked example: relu(x·W + b) for x [2,3], W [3,2] and b [2]', () => {
    const y = denseForward(x, W, b, 'relu');
    expect(y).toHaveShape([2, 2]);
    // x·W     = [[1 + 3, 2 − 3], [4 + 6, 5 − 6]] = [[4, −1], [10, −1]]
    // + b     = [[4.5, −2], [10.5, −2]]           (b is added to every row)
    // relu    = [[4.5, 0], [10.5, 0]]
    expect(y).toBeAllClose(
      [
        [4.5, 0],
        [10.5, 0],
      ],
      { label: "denseForward(x, W, b, 'relu')" },
    );
  });

  it("without an activation it is Keras' linear: x·W + b, the bias added to every row", () => {
    const y = denseForward(x, W, b);
    expect(y).toHaveShape([2, 2]);
    expect(y).toBeAllClose(
      [
        [4.5, -2],
        [10.5, -2],
      ],
      { label: 'denseForward(x, W, b)' },
    );
  });

  it("the book's MNIST layers: [8,784] → relu → [8,512] → softmax → [8,10], each row sums to 1", () => {
    // Stand-ins: pixels in [0, 1] (the book divides by 255), weights in about the range step 4 draws.
    const rng = createRng(3);
    const images = NDArray.randomUniform([8, 784], 0, 1, { rng, dtype: 'float32' });
    const W1 = NDArray.randomUniform([784, 512], -0.068, 0.068, { rng, dtype: 'float32' });
    const b1 = NDArray.randomUniform([512], -0.1, 0.1, { rng, dtype: 'float32' });
    const W2 = NDArray.randomUniform([512, 10], -0.1, 0.1, { rng, dtype: 'float32' });
    const b2 = NDArray.randomUniform([10], -0.1, 0.1, { rng, dtype: 'float32' });
    const hidden = denseForward(images, W1, b1, 'relu');
    expect(hidden).toHaveShape([8, 512]);
    expect(Math.min(...hidden.data), 'relu outputs are never negative').toBeGreaterThanOrEqual(0);
    const probs = denseForward(hidden, W2, b2, 'softmax');
    expect(probs).toHaveShape([8, 10]);
    expectRowsSumToOne(probs, 'the output layer');
    expect(hidden).toBeAllClose(tfDense(images, W1, b1, 'relu'), {
      ...denseTolerance(images, W1, b1),
      label: "hidden layer vs tf.layers.dense({ units: 512, activation: 'relu' })",
    });
    expect(probs).toBeAllClose(tfDense(hidden, W2, b2, 'softmax'), {
      ...denseTolerance(hidden, W2, b2),
      label: "output layer vs tf.layers.dense({ units: 10, activation: 'softmax' })",
    });
  });

  it('shapes that do not fit are a ShapeError naming x, W and b', () => {
    const images = NDArray.zeros([32, 784]);
    // W has 512 input rows, but every sample has 784 features.
    expect(() => denseForward(images, NDArray.zeros([512, 10]), NDArray.zeros([10]), 'softmax')).toThrowKind(
      ShapeError,
      /denseForward: x \[32,784\], W \[512,10\] and b \[10\].*784.*512/,
    );
    // The bias needs one entry per unit (column of W).
    expect(() => denseForward(images, NDArray.zeros([784, 10]), NDArray.zeros([512]))).toThrowKind(
      ShapeError,
      /x \[32,784\], W \[784,10\] and b \[512\].*512.*10/,
    );
    // One sample still needs the batch axis: [1, 784], not [784].
    expect(() => denseForward(NDArray.zeros([784]), NDArray.zeros([784, 10]), NDArray.zeros([10]))).toThrowKind(
      ShapeError,
      /x \[784\], W \[784,10\] and b \[10\].*rank/,
    );
    expect(() => denseForward(images, NDArray.zeros([784, 10]), NDArray.zeros([1, 10]))).toThrowKind(
      ShapeError,
      /b \[1,10\].*rank/,
    );
    // A kernel needs both axes, inputs and units.
    expect(() => denseForward(images, NDArray.zeros([784]), NDArray.zeros([10]))).toThrowKind(
      ShapeError,
      /^denseForward: x \[32,784\], W \[784\] and b \[10\] do not fit: W must be a matrix \[inputs, units\], but has rank 1$/,
    );
  });

  it('agrees with tf.add(tf.matMul(x, W), b) and tf.relu, tf.sigmoid, … for every activation, and changes none of x, W, b', () => {
    fc.assert(
      fc.property(denseCase, ({ x: xs, W: Ws, b: bs, activation }) => {
        expect(() => denseForward(xs, Ws, bs, activation)).toLeaveUnchanged({ x: xs, W: Ws, b: bs }, 'denseForward');
        const y = denseForward(xs, Ws, bs, activation);
        expect(y).toHaveShape([xs.shape[0], Ws.shape[1]]);
        expect(y).toBeAllClose(tfForward(xs, Ws, bs, activation), {
          ...denseTolerance(xs, Ws, bs),
          label: `denseForward(x ${JSON.stringify(xs.shape)}, W ${JSON.stringify(Ws.shape)}, b, '${activation}')`,
        });
      }),
    );
  });
});

/** min, max, mean and variance of all entries. */
function stats(x: NDArray) {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let total = 0;
  // Index loops, not for…of: several times faster over the 401,408 entries of a kernel.
  for (let i = 0; i < x.size; i++) {
    const v = x.data[i];
    min = Math.min(min, v);
    max = Math.max(max, v);
    total += v;
  }
  const mean = total / x.size;
  let squares = 0;
  for (let i = 0; i < x.size; i++) squares += (x.data[i] - mean) ** 2;
  return { min, max, mean, variance: squares / x.size };
}

const short = (v: number) => String(Number(v.toPrecision(6)));

/**
 * Every sample lies in [low, high]; the message names the first one that does not. A float32
 * kernel holds each draw rounded to float32, and rounding keeps order: its samples lie in
 * [fround(low), fround(high)], which may reach one float32 step (about 1e-9 here) past a bound.
 */
function expectWithin(x: NDArray, bound0: number, bound1: number, what: string): void {
  const [low, high] = x.data instanceof Float32Array ? [Math.fround(bound0), Math.fround(bound1)] : [bound0, bound1];
  const i = x.data.findIndex((v) => !(v >= low && v <= high));
  if (i === -1) return;
  const cols = x.shape[1];
  const bad = x.data.filter((v) => !(v >= low && v <= high)).length;
  assert.fail(
    `${what}: ${bad} of ${x.size} samples lie outside [${short(low)}, ${short(high)}], ` +
      `the first ${x.data[i]} at [${Math.floor(i / cols)},${i % cols}]`,
  );
}

describe('step 4: weight initialisation', () => {
  // 784·512 = 401,408 samples: the mean of n uniform samples is within 5 standard errors
  // (σ/√n) of the true mean all but once in 3 million, and the sample variance of 401,408
  // uniform samples is within 1% of the true one (its standard error is 0.14%: 1% is 7 of them).
  const [fanIn, fanOut] = [784, 512];
  const n = fanIn * fanOut;
  const glorotKernel = once(() => initKernel('glorotUniform', fanIn, fanOut, createRng(runSeed())));

  it('glorotLimit(784, 512) = sqrt(6 / (784 + 512)) = sqrt(1 / 216) ≈ 0.0680', () => {
    expect(glorotLimit(784, 512)).toBeAllClose(0.06804138174397717, { label: 'glorotLimit(784, 512)' });
    // sqrt(6 / (512 + 10)) = sqrt(6 / 522): the MNIST output layer
    expect(glorotLimit(512, 10)).toBeAllClose(0.10721125348377948, { label: 'glorotLimit(512, 10)' });
    // fanIn and fanOut count the same: the limit is symmetric
    expect(glorotLimit(10, 512)).toBeAllClose(0.10721125348377948, { label: 'glorotLimit(10, 512)' });
    expect(() => glorotLimit(0, 10)).toThrowKind(ArgumentError, /fanIn.*0/);
  });

  it('sizes must be whole numbers of at least 1, on either side: ArgumentError', () => {
    expect(() => glorotLimit(10, 0)).toThrowKind(
      ArgumentError,
      /^glorotLimit: fanIn and fanOut must be positive integers/,
    );
    expect(() => glorotLimit(2.5, 4)).toThrowKind(
      ArgumentError,
      /^glorotLimit: fanIn and fanOut must be positive integers, got 2\.5 and 4$/,
    );
    expect(() => glorotLimit(4, 2.5)).toThrowKind(
      ArgumentError,
      /^glorotLimit: fanIn and fanOut must be positive integers/,
    );
    expect(() => initKernel('uniform', -1, 4, createRng(1))).toThrowKind(
      ArgumentError,
      /^initKernel: fanIn and fanOut must be positive integers/,
    );
    expect(() => initKernel('glorotUniform', 3, 1.5, createRng(1))).toThrowKind(
      ArgumentError,
      /^initKernel: fanIn and fanOut must be positive integers/,
    );
    // The smallest sizes are fine: one input, one unit.
    expect(glorotLimit(1, 1)).toBeAllClose(Math.sqrt(3), { label: 'glorotLimit(1, 1) = sqrt(6 / 2)' });
    expect(initKernel('uniform', 1, 1, createRng(1))).toHaveShape([1, 1]);
  });

  it('glorotUniform draws a [784,512] kernel in ±limit, mean ≈ 0 and variance ≈ limit²/3 = 2/(fanIn + fanOut)', () => {
    const kernel = glorotKernel();
    expect(kernel).toHaveShape([784, 512]);
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    expectWithin(kernel, -limit, limit, 'glorotUniform [784,512] with limit sqrt(6 / (784 + 512))');
    const s = stats(kernel);
    // It also fills the range: n uniform samples all stay below 0.99·limit with probability 0.995ⁿ ≈ 0.
    expect(s.max, 'the largest sample should come close to +limit').toBeGreaterThan(0.99 * limit);
    expect(s.min, 'the smallest sample should come close to −limit').toBeLessThan(-0.99 * limit);
    expect(Math.abs(s.mean), 'the mean of the samples should be ≈ 0').toBeLessThan((5 * limit) / Math.sqrt(3 * n));
    expect(s.variance).toBeAllClose((limit * limit) / 3, { rtol: 0.01, label: 'variance of the samples (limit²/3)' });
  });

  it('matches tf.initializers.glorotUniform: the same range and the same variance', () => {
    const ours = stats(glorotKernel());
    const t = oracle.tf.initializers.glorotUniform({ seed: runSeed() }).apply([fanIn, fanOut]);
    const theirs = stats(fromTensor(t));
    t.dispose();
    const largest = (s: { min: number; max: number }) => Math.max(-s.min, s.max);
    expect(largest(ours)).toBeAllClose(largest(theirs), { rtol: 0.01, label: "largest |sample|: yours vs Keras'" });
    expect(ours.variance).toBeAllClose(theirs.variance, { rtol: 0.02, label: "variance: yours vs Keras'" });
  });

  it("'uniform' is the book's NaiveDense: [0, 0.1), mean 0.05, variance 0.1²/12", () => {
    // A [784,128] kernel: 100,352 samples, so the variance's standard error is 0.28% and 2% is 7 of them.
    const kernel = initKernel('uniform', 784, 128, createRng(runSeed()));
    expect(kernel).toHaveShape([784, 128]);
    expectWithin(kernel, 0, 0.1, "'uniform' [784,128]");
    const s = stats(kernel);
    expect(Math.abs(s.mean - 0.05), 'the mean of the samples should be ≈ 0.05').toBeLessThan(
      (5 * 0.1) / Math.sqrt(12 * kernel.size),
    );
    expect(s.variance).toBeAllClose(0.01 / 12, { rtol: 0.02, label: 'variance of the samples (0.1²/12)' });
  });

  it('is repeatable: the same seed gives the same kernel, another seed another one', () => {
    for (const init of ['glorotUniform', 'uniform'] as const) {
      const a = initKernel(init, 3, 4, createRng(7));
      expect(a).toHaveShape([3, 4]);
      expect(initKernel(init, 3, 4, createRng(7)), `${init}: seed 7 again`).toBeAllClose(a, EXACT);
      expect(initKernel(init, 3, 4, createRng(8)), `${init}: seed 8`).not.toBeAllClose(a);
      // One generator, two draws: two different kernels (as two layers of one model).
      const rng = createRng(7);
      expect(initKernel(init, 3, 4, rng), `${init}: the first draw of createRng(7)`).toBeAllClose(a, EXACT);
      expect(initKernel(init, 3, 4, rng), `${init}: the second draw`).not.toBeAllClose(a);
    }
  });

  it('an unknown initializer or a size below 1 is an ArgumentError', () => {
    expect(() => initKernel('heNormal' as KernelInitializer, 3, 4, createRng(1))).toThrowKind(
      ArgumentError,
      /^initKernel: unknown kernel initializer "heNormal" \(known: uniform, glorotUniform\)$/,
    );
    expect(() => initKernel('uniform', 3, 0, createRng(1))).toThrowKind(ArgumentError, /fanOut.*0/);
  });

  it('keeps every sample within ±glorotLimit, and so does Keras, on random layer sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (i, o, seed) => {
          const kernel = initKernel('glorotUniform', i, o, createRng(seed));
          expect(kernel).toHaveShape([i, o]);
          const limit = glorotLimit(i, o);
          expectWithin(kernel, -limit, limit, `glorotUniform [${i},${o}] with limit glorotLimit(${i}, ${o})`);
          // Keras' samples (float32) never exceed your limit: it is not too small.
          const t = oracle.tf.initializers.glorotUniform({ seed }).apply([i, o]);
          const keras = fromTensor(t);
          t.dispose();
          expect(
            maxAbs(keras),
            `Keras' glorotUniform [${i},${o}] reaches beyond glorotLimit(${i}, ${o})`,
          ).toBeLessThanOrEqual(limit * (1 + 2 * FLOAT32_UNIT_ROUNDOFF));
        },
      ),
    );
  });
});

// The book's hidden layer, Dense(512, activation="relu") on 784 pixels, built once for steps 5 and 6.
const hiddenLayer = once(() => new Dense(512, { activation: 'relu', inputDim: 784, seed: 1 }));

describe('step 5: the Dense layer', () => {
  it('new Dense(512, { activation: "relu", inputDim: 784 }) holds a kernel [784,512] and a zero bias [512]', () => {
    const layer = hiddenLayer();
    expect(layer.units).toBe(512);
    expect(layer.activation).toBe('relu');
    expect(layer.weights.length, 'weights is [kernel, bias]').toBe(2);
    const [kernel, bias] = layer.weights as [NDArray, NDArray];
    expect(kernel).toHaveShape([784, 512]);
    expect(bias).toHaveShape([512]);
    expect(bias).toBeAllClose(NDArray.zeros([512]), EXACT);
    const limit = glorotLimit(784, 512);
    expectWithin(kernel, -limit, limit, 'the default kernel (glorotUniform)');
  });

  it("defaults to Keras': linear activation, glorotUniform kernel", () => {
    const layer = new Dense(3);
    expect(layer.activation).toBe('linear');
    expect(layer.kernelInitializer).toBe('glorotUniform');
    // linear keeps the negative outputs that relu would zero: x·W + b = [[1·1 + 2·(−1) − 0.5]] = [[−1.5]]
    const plain = new Dense(1, { inputDim: 2 });
    plain.setWeights([array([[1], [-1]]), array([-0.5])]);
    const y = plain.call(array([[1, 2]]));
    expect(y).toHaveShape([1, 1]);
    expect(y).toBeAllClose([[-1.5]], { label: 'new Dense(1).call([[1, 2]])' });
  });

  it("draws its kernel from createRng(seed) (default: the run's seed) or from a shared rng", () => {
    const seeded = new Dense(3, { inputDim: 2, seed: 5 });
    expect(seeded.weights[0]).toBeAllClose(initKernel('glorotUniform', 2, 3, createRng(5)), {
      ...EXACT,
      label: "{ seed: 5 }: the kernel should be initKernel('glorotUniform', 2, 3, createRng(5))",
    });
    const byDefault = new Dense(3, { inputDim: 2 });
    expect(byDefault.weights[0]).toBeAllClose(initKernel('glorotUniform', 2, 3, createRng(runSeed())), {
      ...EXACT,
      label: 'no seed: the kernel should come from createRng(runSeed())',
    });
    const book = new Dense(3, { inputDim: 2, seed: 5, kernelInitializer: 'uniform' });
    expect(book.weights[0]).toBeAllClose(initKernel('uniform', 2, 3, createRng(5)), {
      ...EXACT,
      label: "kernelInitializer: 'uniform'",
    });
    // Two layers sharing one generator get the first and the second draw.
    const rng = createRng(9);
    const first = new Dense(3, { inputDim: 2, rng });
    const second = new Dense(3, { inputDim: 2, rng });
    const replay = createRng(9);
    expect(first.weights[0]).toBeAllClose(initKernel('glorotUniform', 2, 3, replay), {
      ...EXACT,
      label: 'the first layer on a shared rng',
    });
    expect(second.weights[0]).toBeAllClose(initKernel('glorotUniform', 2, 3, replay), {
      ...EXACT,
      label: 'the second layer on a shared rng (its second draw)',
    });
  });

  it('a layer without inputDim has no weights until its first batch tells it the number of features', () => {
    const layer = new Dense(4, { activation: 'tanh' });
    expect(layer.weights, 'before build, weights is []').toEqual([]);
    const y = layer.call(NDArray.ones([2, 3]));
    expect(y).toHaveShape([2, 4]);
    expect(layer.weights[0]).toHaveShape([3, 4]);
    expect(layer.weights[1]).toHaveShape([4]);
    const kernel = (layer.weights[0] as NDArray).clone();
    layer.build(3); // the same size again: nothing changes, nothing is drawn again
    expect(layer.weights[0], 'the kernel after a second build(3)').toBeAllClose(kernel, EXACT);
    // Another size would throw the kernel away: the layer refuses it.
    expect(() => layer.build(4)).toThrowKind(
      ShapeError,
      /^Dense\.build: the layer is built for 3 inputs, cannot rebuild it for 4$/,
    );
    expect(layer.weights[0], 'the kernel after a refused build(4)').toBeAllClose(kernel, EXACT);
  });

  it('call(x) needs a batch [batch, features] to build from: ShapeError', () => {
    expect(() => new Dense(4).call(NDArray.ones([3]))).toThrowKind(
      ShapeError,
      /^Dense\.call: x must have rank 2, got rank 1 \(shape \[3\]\)$/,
    );
  });

  it('call(x) is the forward pass of step 3 with its own weights: the worked example', () => {
    const layer = new Dense(2, { activation: 'relu', inputDim: 3 });
    layer.setWeights([
      array([
        [1, 0],
        [0, 1],
        [1, -1],
      ]),
      array([0.5, -1]),
    ]);
    const y = layer.call(
      array([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    expect(y).toHaveShape([2, 2]);
    expect(y).toBeAllClose(
      [
        [4.5, 0],
        [10.5, 0],
      ],
      { label: 'layer.call(x)' },
    );
  });

  it('setWeights and the constructor check what they are given', () => {
    const layer = new Dense(2, { inputDim: 3 });
    expect(() => layer.setWeights([NDArray.zeros([2, 3]), NDArray.zeros([2])])).toThrowKind(
      ShapeError,
      /^Dense\.setWeights: kernel must have shape \[3,2\], got \[2,3\]$/,
    );
    expect(() => layer.setWeights([NDArray.zeros([3, 2]), NDArray.zeros([3])])).toThrowKind(
      ShapeError,
      /^Dense\.setWeights: bias must have shape \[2\], got \[3\]$/,
    );
    expect(() => layer.setWeights([NDArray.zeros([3, 2])])).toThrowKind(
      ArgumentError,
      /^Dense\.setWeights: expected 2 arrays \[kernel, bias\], got 1$/,
    );
    expect(() => new Dense(2).setWeights([NDArray.zeros([3, 2]), NDArray.zeros([2])])).toThrowKind(
      ArgumentError,
      /^Dense\.setWeights: the layer is not built yet/,
    );
    expect(() => new Dense(0)).toThrowKind(ArgumentError, /^Dense: units must be a positive integer, got 0$/);
    expect(() => new Dense(2.5)).toThrowKind(ArgumentError, /^Dense: units must be a positive integer, got 2\.5$/);
    expect(() => new Dense(-1)).toThrowKind(ArgumentError, /^Dense: units must be a positive integer/);
    expect(() => new Dense(2, { activation: 'gelu' as ActivationName })).toThrowKind(ArgumentError, /gelu/);
  });

  it('setWeights keeps copies: changing the arrays given afterwards changes nothing', () => {
    const layer = new Dense(1, { inputDim: 2 });
    const kernel = array([[1], [1]]);
    const bias = array([0]);
    layer.setWeights([kernel, bias]);
    kernel.data.fill(5);
    bias.data.fill(5);
    // [[1, 2]]·[[1], [1]] + [0] = [[3]], with the weights as they were given
    expect(layer.call(array([[1, 2]]))).toBeAllClose([[3]], { label: 'call after the caller changed its arrays' });
  });

  it("weights are the layer's own arrays: an update in place changes what call(x) returns", () => {
    const layer = new Dense(1, { inputDim: 2 });
    layer.setWeights([array([[1], [1]]), array([0])]);
    const [kernel, bias] = layer.weights as [NDArray, NDArray];
    kernel.data.fill(2);
    bias.data.fill(1);
    // [[1, 2]]·[[2], [2]] + [1] = [[7]]: as a training step of exercise 10 updates them
    expect(layer.call(array([[1, 2]]))).toBeAllClose([[7]], { label: 'call after updating weights in place' });
  });

  it('agrees with tf.layers.dense holding the same weights, for every activation', () => {
    fc.assert(
      fc.property(denseCase, fc.integer({ min: 0, max: 1000 }), ({ x, W, b, activation }, seed) => {
        const layer = new Dense(W.shape[1], { activation, inputDim: W.shape[0], seed });
        // Keep the layer's own kernel, give it a random bias (a zero bias would test less).
        layer.setWeights([layer.weights[0] as NDArray, b]);
        const kernel = layer.weights[0] as NDArray;
        const y = layer.call(x);
        expect(y).toHaveShape([x.shape[0], W.shape[1]]);
        expect(y).toBeAllClose(tfDense(x, kernel, b, activation), {
          ...denseTolerance(x, kernel, b),
          label: `Dense(${W.shape[1]}, '${activation}').call(x ${JSON.stringify(x.shape)})`,
        });
      }),
      // NOTE: 25 cases, not 100: each builds a tf.layers.dense (~1.5 ms, ten times a tf op), and
      // step 3 already checked the arithmetic on 100 cases; these check Keras' layout and names.
      runs(25),
    );
  });
});

/** A random model: layer sizes [inputs, units0, units1, …], weights and activations, and a batch. */
const modelCase = fc
  .record({
    sizes: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 4 }),
    batch: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ sizes, batch }) => {
    const layers = sizes.length - 1;
    const weightShapes = Array.from({ length: layers }, (_, i) => [[sizes[i], sizes[i + 1]], [sizes[i + 1]]]).flat();
    return fc.record({
      x: arrayOfShape([batch, sizes[0]], { bound: 1 }),
      weights: fc.tuple(...weightShapes.map((s) => arrayOfShape(s, { bound: 1 }))),
      activations: fc.array(fc.constantFrom(...ACTIVATIONS), { minLength: layers, maxLength: layers }),
    });
  });

/** Builds our model from a modelCase, through the constructor and setWeights of step 5. */
function modelOf(weights: readonly NDArray[], activations: readonly ActivationName[]): Sequential {
  const layers = activations.map((activation, i) => new Dense(weights[2 * i + 1]?.shape[0], { activation, seed: i }));
  const model = new Sequential(layers, { inputDim: weights[0]?.shape[0] });
  layers.forEach((layer, i) => {
    layer.setWeights([weights[2 * i] as NDArray, weights[2 * i + 1] as NDArray]);
  });
  return model;
}

/**
 * Tolerance for a chain of layers with inputs and weights in [−1, 1]: every layer can make the
 * values (and their rounding errors) n + 1 times larger, so the scale is their sum.
 */
function chainTolerance(weights: readonly NDArray[]): Tolerance {
  let scale = 1;
  let total = 0;
  let terms = 1;
  for (let i = 0; i < weights.length; i += 2) {
    const n = weights[i]?.shape[0];
    scale = n * scale + 1;
    total += scale;
    terms = Math.max(terms, n + 1);
  }
  return float32Tolerance(terms, total);
}

describe('step 6: a Sequential model', () => {
  // The book's MNIST model (§2.1): Dense(512, relu) on 784 pixels, then Dense(10, softmax).
  const mnistModel = once(() => new Sequential([hiddenLayer(), new Dense(10, { activation: 'softmax', seed: 2 })]));

  it("the book's model has kernels [784,512], [512,10], biases [512], [10], and 407,050 parameters", () => {
    const model = mnistModel();
    expect(model.weightShapes(), 'weightShapes()').toEqual([[784, 512], [512], [512, 10], [10]]);
    // 784·512 + 512 + 512·10 + 10 = 401,408 + 512 + 5,120 + 10 = 407,050
    expect(model.countParams(), 'countParams()').toBe(407_050);
    expect(model.weights.length).toBe(4);
    expect(model.layers.length).toBe(2);
  });

  it("summary() prints a table like Keras' model.summary(): one row per layer, then the totals", () => {
    const text = mnistModel().summary();
    const lines = text.split('\n');
    // A count stands on its own: not part of a longer number, and not negative.
    const row = (name: string, units: number, count: RegExp) => (l: string) =>
      new RegExp(`(^|\\s)${name} \\(Dense\\)`).test(l) && l.includes(`(None, ${units})`) && count.test(l);
    const first = lines.findIndex(row('dense', 512, /(^|[^-\d,])401,?920(?![\d,])/));
    const second = lines.findIndex(row('dense_1', 10, /(^|[^-\d,])5,?130(?![\d,])/));
    expect(first, `a row "dense (Dense)", "(None, 512)", 401920 (= 784·512 + 512) in:\n${text}`).toBeGreaterThanOrEqual(
      0,
    );
    expect(
      second,
      `a row "dense_1 (Dense)", "(None, 10)", 5130 (= 512·10 + 10) after it, in:\n${text}`,
    ).toBeGreaterThan(first);
    expect(text, `a line "Total params: 407,050" in:\n${text}\n`).toMatch(/^Total params: 407,?050$/m);
    // Every parameter of a Dense layer is trained.
    expect(text, `a line "Trainable params: 407,050" in:\n${text}\n`).toMatch(/^Trainable params: 407,?050$/m);
    expect(text, `a line "Non-trainable params: 0" in:\n${text}\n`).toMatch(/^Non-trainable params: 0$/m);
  });

  it('predict(x) runs the layers in order: digits [8,784] → probabilities [8,10], the same as in Keras', () => {
    const model = mnistModel();
    const digits = NDArray.randomUniform([8, 784], 0, 1, { seed: 6, dtype: 'float32' });
    expect(() => model.predict(digits)).toLeaveUnchanged({ digits }, 'predict(digits)');
    const probs = model.predict(digits);
    expect(probs).toHaveShape([8, 10]);
    expectRowsSumToOne(probs, 'predict');
    const [W1, b1, W2, b2] = model.weights as [NDArray, NDArray, NDArray, NDArray];
    const hidden = (model.layers[0] as Dense).call(digits); // only for the tolerance
    const { predictions, countParams } = tfPredict(digits, model.weights, ['relu', 'softmax']);
    expect(model.countParams(), "Keras' countParams()").toBe(countParams);
    // Layer 0's rounding error reaches the output multiplied by up to 512·max|W2|; layer 1 adds its own.
    const tol = denseTolerance(hidden, W2, b2);
    const carried = denseTolerance(digits, W1, b1).atol * 512 * maxAbs(W2);
    expect(probs).toBeAllClose(predictions, { ...tol, atol: tol.atol + carried, label: 'predict vs tf.sequential' });
  });

  it("builds each layer for the previous layer's units; the first needs inputDim (its own or the model's)", () => {
    const model = new Sequential([new Dense(8, { activation: 'relu' }), new Dense(3)], { inputDim: 4 });
    expect(model.weightShapes(), 'weightShapes() of 4 → Dense(8) → Dense(3)').toEqual([[4, 8], [8], [8, 3], [3]]);
    expect(model.countParams(), 'countParams() of 4 → 8 → 3').toBe(4 * 8 + 8 + 8 * 3 + 3);
    const deep = new Sequential([new Dense(6, { inputDim: 2 }), new Dense(5), new Dense(1)]);
    expect(deep.weightShapes(), 'weightShapes() of 2 → Dense(6) → Dense(5) → Dense(1)').toEqual([
      [2, 6],
      [6],
      [6, 5],
      [5],
      [5, 1],
      [1],
    ]);
    expect(deep.predict(NDArray.ones([7, 2]))).toHaveShape([7, 1]);
  });

  it('layers that do not fit, a missing inputDim, or no layers at all are errors', () => {
    expect(() => new Sequential([new Dense(8, { inputDim: 4 }), new Dense(3, { inputDim: 6 })])).toThrowKind(
      ShapeError,
      /^Sequential: layers\[1\] \(Dense 3\) has a kernel \[6,3\] for 6 inputs, but layers\[0\] gives 8 outputs$/,
    );
    // The first layer's own inputDim and the model's must agree.
    expect(() => new Sequential([new Dense(8, { inputDim: 4 })], { inputDim: 6 })).toThrowKind(
      ShapeError,
      /^Sequential: layers\[0\] \(Dense 8\) has a kernel \[4,8\] for 4 inputs, but inputDim is 6$/,
    );
    expect(() => new Sequential([new Dense(8), new Dense(3)])).toThrowKind(
      ArgumentError,
      /^Sequential: cannot build the model: give the first layer inputDim/,
    );
    expect(() => new Sequential([])).toThrowKind(ArgumentError, /^Sequential: needs at least one layer$/);
  });

  it('agrees with tf.sequential holding the same weights: predictions and countParams()', () => {
    fc.assert(
      fc.property(modelCase, ({ x, weights, activations }) => {
        const model = modelOf(weights, activations);
        const y = model.predict(x);
        const units = weights.at(-1)?.shape[0] as number;
        expect(y).toHaveShape([x.shape[0], units]);
        const tf = tfPredict(x, weights, activations);
        expect(model.countParams(), "countParams() vs Keras' model.countParams()").toBe(tf.countParams);
        expect(y).toBeAllClose(tf.predictions, {
          ...chainTolerance(weights),
          label: `predict of a model [${activations.join(', ')}]`,
        });
      }),
      // NOTE: 25 cases, not 100: each builds a tf.sequential model (~2.5 ms, twenty times a tf op).
      runs(25),
    );
  });
});

describe('step 7: from probabilities to classes', () => {
  it('argmax picks the index of the largest value of every row, the first one on a tie', () => {
    expect(
      argmax(
        array([
          [0.1, 0.7, 0.2],
          [0.5, 0.5, 0],
        ]),
      ),
    ).toEqual([1, 0]);
    expect(argmax(array([3, 9, 4]))).toEqual([1]); // one row: the book's predictions[0].argmax()
    expect(
      argmax(
        NDArray.fromNested([
          [
            [1, 2],
            [4, 3],
          ],
        ]),
      ),
    ).toEqual([1, 0]);
    expect(argmax(array([-5, -2, -7]))).toEqual([1]);
  });

  it('a scalar or an empty last axis has no largest value: ShapeError', () => {
    expect(() => argmax(NDArray.full([], 1))).toThrowKind(ShapeError, /argmax.*\[\]/);
    expect(() => argmax(NDArray.zeros([2, 0]))).toThrowKind(ShapeError, /argmax.*\[2,0\]/);
  });

  it('predictClasses: a 2-input, 3-class model sends each point to the class of its largest logit', () => {
    // W = [[1, 0, −1], [0, 1, −1]], b = 0: logits = [x₀, x₁, −x₀ − x₁].
    const layer = new Dense(3, { activation: 'softmax', inputDim: 2 });
    layer.setWeights([
      array([
        [1, 0, -1],
        [0, 1, -1],
      ]),
      NDArray.zeros([3]),
    ]);
    const model = new Sequential([layer]);
    // [2, 1] → [2, 1, −3] → class 0;  [0, 3] → [0, 3, −3] → class 1;  [−1, −2] → [−1, −2, 3] → class 2
    const points = array([
      [2, 1],
      [0, 3],
      [-1, -2],
    ]);
    expect(predictClasses(model, points), 'classes of [2, 1], [0, 3], [-1, -2]').toEqual([0, 1, 2]);
  });

  it('agrees with tf.argMax(x, -1) on random arrays of rank 1 to 3', () => {
    fc.assert(
      fc.property(randomArray({ minRank: 1, maxRank: 3 }), (a) => {
        const got = argmax(a);
        const expected = runOracle(oracle, (tf, t) => tf.argMax(t, -1), a);
        expect(got).toEqual(Array.from(expected.data));
      }),
    );
  });

  it('predictClasses(model, x) is tf.argMax(model.predict(x), -1) for random models', () => {
    fc.assert(
      fc.property(modelCase, ({ x, weights, activations }) => {
        const model = modelOf(weights, activations);
        const classes = predictClasses(model, x);
        expect(classes.length, 'one class per sample').toBe(x.shape[0]);
        // TensorFlow.js sees float32 copies of the probabilities.
        const probs = model.predict(x).clone('float32');
        const expected = Array.from(runOracle(oracle, (tf, t) => tf.argMax(t, -1), probs).data);
        const k = probs.shape[1];
        classes.forEach((c, row) => {
          const scores = Array.from(probs.data.slice(row * k, (row + 1) * k));
          // NOTE: two scores that differ in float64 may round to one float32; such rows are left out.
          const tied = scores.filter((v) => v === Math.max(...scores)).length > 1;
          if (!tied) expect(c, `class of sample ${row} (scores ${scores.join(', ')})`).toBe(expected[row]);
        });
      }),
    );
  });
});
