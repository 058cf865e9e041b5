/**
 * The reference solutions' losses, derivatives, optimizers and gradients (exercises 06, 08 to
 * 11) against TensorFlow.js on special values, on TF.js' cpu and wasm backends
 * (tests/support/special-values.ts explains the comparison).
 */
import { describe, it } from 'vitest';
import { NDArray } from '../../lib/ndarray.ts';
import type { Tensor, Tf } from '../../lib/oracle.ts';
import { createRng } from '../../lib/rng.ts';
import { FLOAT32_UNIT_ROUNDOFF, float32Tolerance } from '../../lib/tolerance.ts';
import * as s06 from '../../solutions/06-backprop/backprop.ts';
import * as s08 from '../../solutions/08-optimizers/optimizers.ts';
import * as s09 from '../../solutions/09-autodiff/autodiff.ts';
import * as s10 from '../../solutions/10-mnist/mnist.ts';
import * as s11 from '../../solutions/11-generalisation/generalisation.ts';
import {
  type Case,
  type Divergence,
  expectAgrees,
  F32_MIN_SUBNORMAL,
  f32Rows,
  NESTEROV_OVERFLOWS,
  SQUARE_OVERFLOWS,
  SUBNORMAL_FLUSHED_ON_WASM,
  softmaxRows,
  specialNames,
  specialPairs,
  specialTolerance,
  specialVector,
  type TfOptimizer,
  tfTwoSteps,
} from '../support/special-values.ts';

const N = Number.NaN;
const I = Number.POSITIVE_INFINITY;
const names = specialNames();
const x = specialVector();
const n = x.size;
const label = (i: number) => `(${names[i % n]})`;
const rowLabel = (width: number) => (i: number) => `row ${Math.floor(i / width)} [${i % width}]`;
const agree = (c: Case) => () => expectAgrees(c);
// TF.js' gradient of softmaxCrossEntropy goes through logSumExp(logits) rounded to float32: an
// error of u·|logit| in every exponent, a relative error of 16·u·1000 allowed for logits of ±1000
const logitTolerance = { rtol: 16 * FLOAT32_UNIT_ROUNDOFF * 1000, atol: F32_MIN_SUBNORMAL };
/** A NOTE that holds on both backends. */
const both = (d: Divergence): Case['differs'] => ({ cpu: d, wasm: d });

describe('06 · losses and the derivatives of the activations', () => {
  const derivatives: [string, (z: NDArray) => NDArray, (tf: Tf, t: Tensor) => Tensor, Case['differs']][] = [
    ['reluPrime', s06.reluPrime, (tf, t) => tf.relu(t), undefined],
    ['sigmoidPrime', s06.sigmoidPrime, (tf, t) => tf.sigmoid(t), SUBNORMAL_FLUSHED_ON_WASM],
    ['tanhPrime', s06.tanhPrime, (tf, t) => tf.tanh(t), undefined],
  ];
  it.each(derivatives)('%s agrees with tf.grad on every special value', async (name, ours, f, differs) => {
    await expectAgrees({
      name,
      inputs: [x],
      ours: (t) => ours(t as NDArray),
      tf: (tf, t) => tf.grad((v: Tensor) => f(tf, v))(t as Tensor),
      label,
      differs,
    });
  });

  // per row: y [1, 0] or [0, 1]; p with NaN, an infinity, exact 0 and 1, −0, a subnormal
  const yTrue = f32Rows([
    [1, 0],
    [0, 1],
    [1, 0],
    [0, 1],
    [1, 0],
    [0, 1],
  ]);
  const yPred = f32Rows([
    [N, 0.5],
    [0, 1],
    [1, 0],
    [0.3, I],
    [-0, 1],
    [F32_MIN_SUBNORMAL, 0.5],
  ]);
  const perRow = (loss: (t: NDArray, p: NDArray) => number) => (t: NDArray, p: NDArray) => {
    const row = (a: NDArray, r: number) => new NDArray(a.data.slice(2 * r, 2 * r + 2), [1, 2]);
    return NDArray.fromFlat(
      Array.from({ length: 6 }, (_, r) => loss(row(t, r), row(p, r))),
      [6],
    );
  };
  // TF.js' float32 log(1 − p) at p = 1 − ε is off by a float32 step at 1 (≈ 1.2e-7, the loss 1e-7)
  const lossTolerance = { ...specialTolerance(8), atol: 2 * 2 ** -23 };
  // the NOTE at 06's clip: wasm's clipByValue turns NaN into ε = 1e-7 (rows 0 and 3 of cce
  // normalise to NaN probabilities); the NOTE at 06's EPSILON: row 4 predicts 1 for a label of 0,
  // which costs −log(2^-23) in float32's binary cross-entropy
  const minusLogEps = -Math.log(s06.EPSILON);
  const oneMinusEps: Divergence = (i) => (i === 4 ? (minusLogEps - Math.log(2 ** -23)) / 2 : undefined);
  type Loss = (t: NDArray, p: NDArray) => number;
  const losses: [string, Loss, (tf: Tf, t: Tensor, p: Tensor) => Tensor, Case['differs']][] = [
    ['mse', s06.mse, (tf, t, p) => tf.metrics.meanSquaredError(t, p), undefined],
    [
      'binaryCrossentropy',
      s06.binaryCrossentropy,
      (tf, t, p) => tf.metrics.binaryCrossentropy(t, p),
      { cpu: oneMinusEps, wasm: (i, y) => (i === 0 ? (minusLogEps - Math.log(0.5)) / 2 : oneMinusEps(i, y)) },
    ],
    [
      'categoricalCrossentropy',
      s06.categoricalCrossentropy,
      (tf, t, p) => tf.metrics.categoricalCrossentropy(t, p),
      { wasm: (i) => (i === 0 || i === 3 ? minusLogEps : undefined) },
    ],
  ];
  it.each(losses)(
    '%s agrees with tf.metrics row by row: a NaN prediction is a NaN loss',
    async (name, ours, f, differs) => {
      await expectAgrees({
        name,
        inputs: [yTrue, yPred],
        ours: (t, p) => perRow(ours)(t as NDArray, p as NDArray),
        tf: (tf, t, p) => f(tf, t as Tensor, p as Tensor),
        label: (i) => `row ${i}`,
        tol: lossTolerance,
        differs,
      });
    },
  );

  it('softmaxCrossEntropyBackward agrees with tf.grad of tf.losses.softmaxCrossEntropy', async () => {
    const logits = softmaxRows();
    const rows = logits.shape[0];
    const onehot = NDArray.zeros(logits.shape, 'float32');
    for (let r = 0; r < rows; r++) onehot.data[r * 3 + (r % 3)] = 1;
    await expectAgrees({
      name: 'softmaxCrossEntropyBackward',
      inputs: [logits, onehot],
      ours: (l, y) => s06.softmaxCrossEntropyBackward(l as NDArray, y as NDArray),
      tf: (tf, l, y) => tf.grad((v: Tensor) => tf.losses.softmaxCrossEntropy(y as Tensor, v))(l as Tensor),
      label: rowLabel(3),
      tol: logitTolerance,
    });
  });
});

describe('08 · optimizers with special gradients', () => {
  const at = (i: number) => x.data[i % n];
  // The NOTE in exercise 08's README: TF.js 4.22's centered RMSprop computes √(s − (m² + ε)),
  // NaN where s − m² < ε (|g| < 1e-3 here) or where g² overflows float32
  const centeredNaN: Divergence = (i) =>
    Math.abs(at(i)) < 1e-3 || SQUARE_OVERFLOWS(i, 0) !== undefined ? Number.NaN : undefined;

  /** w = 1 everywhere; one step with the special gradients, then one with 1s: both states of w. */
  const twoSteps =
    (make: () => s08.Optimizer) =>
    (g: NDArray): NDArray => {
      const opt = make();
      const w = NDArray.ones([n]);
      opt.step([w], [g.clone('float64')]);
      const after1 = w.clone();
      opt.step([w], [NDArray.ones([n])]);
      return NDArray.fromFlat([...after1.data, ...w.data], [2, n]);
    };
  const cases: [string, () => s08.Optimizer, (tf: Tf) => TfOptimizer, Case['differs']][] = [
    ['sgd', () => s08.sgd({ learningRate: 0.1 }), (tf) => tf.train.sgd(0.1), undefined],
    [
      "momentum (Keras' form)",
      () => s08.momentum({ learningRate: 0.1, momentum: 0.9 }),
      (tf) => tf.train.momentum(0.1, 0.9),
      undefined,
    ],
    [
      'momentum with nesterov',
      () => s08.momentum({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
      (tf) => tf.train.momentum(0.1, 0.9, true),
      both(NESTEROV_OVERFLOWS),
    ],
    [
      'tfjsMomentum',
      () => s08.tfjsMomentum({ learningRate: 0.1, momentum: 0.9 }),
      (tf) => tf.train.momentum(0.1, 0.9),
      undefined,
    ],
    [
      'tfjsMomentum with useNesterov',
      () => s08.tfjsMomentum({ learningRate: 0.1, momentum: 0.9, useNesterov: true }),
      (tf) => tf.train.momentum(0.1, 0.9, true),
      both(NESTEROV_OVERFLOWS),
    ],
    ['adagrad', () => s08.adagrad({ learningRate: 0.1 }), (tf) => tf.train.adagrad(0.1), both(SQUARE_OVERFLOWS)],
    ['rmsprop', () => s08.rmsprop({ learningRate: 0.1 }), (tf) => tf.train.rmsprop(0.1), both(SQUARE_OVERFLOWS)],
    [
      'rmsprop with momentum',
      () => s08.rmsprop({ learningRate: 0.1, momentum: 0.5 }),
      (tf) => tf.train.rmsprop(0.1, 0.9, 0.5),
      both(SQUARE_OVERFLOWS),
    ],
    [
      'rmsprop centered',
      () => s08.rmsprop({ learningRate: 0.1, centered: true }),
      (tf) => tf.train.rmsprop(0.1, 0.9, 0, 1e-7, true),
      both(centeredNaN),
    ],
    ['adam', () => s08.adam({ learningRate: 0.1 }), (tf) => tf.train.adam(0.1), both(SQUARE_OVERFLOWS)],
  ];
  it.each(cases)('%s agrees with tf.train', async (name, ours, tf, differs) => {
    await expectAgrees({
      name,
      inputs: [x],
      ours: (g) => twoSteps(ours)(g as NDArray),
      tf: tfTwoSteps(tf),
      label: (i) => `step ${Math.floor(i / n) + 1}, g = ${names[i % n]}`,
      // as exercise 08's spec: 8 float32 roundings per step (Adam's 1 − β2ᵗ cancels), w near 1
      tol: float32Tolerance(8 * 2, 1),
      differs,
    });
  });
});

describe('09 · autodiff gradients', () => {
  const unary: [string, (v: s09.Variable) => s09.Variable, (tf: Tf, t: Tensor) => Tensor, Case['differs']][] = [
    ['relu', s09.relu, (tf, t) => tf.relu(t), undefined],
    ['sigmoid', s09.sigmoid, (tf, t) => tf.sigmoid(t), SUBNORMAL_FLUSHED_ON_WASM],
    ['exp', s09.exp, (tf, t) => tf.exp(t), undefined],
    ['log', s09.log, (tf, t) => tf.log(t), undefined],
    ['square', s09.square, (tf, t) => tf.square(t), undefined],
  ];
  it.each(unary)('%s: its value and gradient agree with TF.js on every special value', async (name, op, f, differs) => {
    await expectAgrees({
      name,
      inputs: [x],
      ours: (t) => {
        const v = new s09.Variable(t as NDArray);
        const y = op(v);
        return NDArray.fromFlat([...y.value.data, ...s09.gradient(s09.sum(y), v).data], [2, n]);
      },
      tf: (tf, t) => tf.stack([f(tf, t as Tensor), tf.grad((v: Tensor) => tf.sum(f(tf, v)))(t as Tensor)]),
      label: (i) => `${i < n ? 'value' : 'gradient'} at ${names[i % n]}`,
      differs,
    });
  });

  it('div: both gradients agree with tf.grads on every pair of special values', async () => {
    const pairs = specialPairs();
    // the NOTE at 09's div: −a/b² where b² is 0 or Infinity in float32 (a finite b)
    const squareUnderOrOverflows: Divergence = (i) => {
      if (i < pairs.a.size) return undefined;
      const [a, b] = [pairs.a.data[i - pairs.a.size], pairs.b.data[i - pairs.a.size]];
      const b2 = Math.fround(b * b);
      return Number.isFinite(b) && (b2 === 0 || b2 === I) ? -(a / b2) : undefined;
    };
    await expectAgrees({
      name: 'div',
      inputs: [pairs.a, pairs.b],
      ours: (a, b) => {
        const [va, vb] = [new s09.Variable(a as NDArray), new s09.Variable(b as NDArray)];
        const [da, db] = s09.gradient(s09.sum(s09.div(va, vb)), [va, vb]) as [NDArray, NDArray];
        return NDArray.fromFlat([...da.data, ...db.data], [2, pairs.a.size]);
      },
      tf: (tf, a, b) => tf.stack(tf.grads((p: Tensor, q: Tensor) => tf.sum(tf.div(p, q)))([a as Tensor, b as Tensor])),
      label: (i) => `∂/∂${i < pairs.a.size ? 'a' : 'b'} ${pairs.names[i % pairs.a.size]}`,
      terms: 3,
      differs: both(squareUnderOrOverflows),
    });
  });

  it(
    'softmaxCrossEntropy: its gradient agrees with tf.grad of tf.losses.softmaxCrossEntropy',
    agree({
      name: 'softmaxCrossEntropy',
      inputs: [softmaxRows()],
      ours: (l) => {
        const logits = new s09.Variable(l as NDArray);
        const labels = NDArray.zeros(logits.shape);
        for (let r = 0; r < logits.shape[0]; r++) labels.data[r * 3 + (r % 3)] = 1;
        return s09.gradient(s09.softmaxCrossEntropy(logits, labels), logits);
      },
      tf: (tf, l) => {
        const rows = (l as Tensor).shape[0];
        const labels = tf.oneHot(
          Array.from({ length: rows }, (_, r) => r % 3),
          3,
        );
        return tf.grad((v: Tensor) => tf.losses.softmaxCrossEntropy(labels, v))(l as Tensor);
      },
      label: rowLabel(3),
      tol: logitTolerance,
    }),
  );
});

describe('10 · the from-scratch MNIST network', () => {
  it.each([
    ['NaN', N],
    ['+Infinity', I],
  ])('lossAndGradients agrees with TF.js when an image holds %s', async (_, special) => {
    const rng = createRng(5);
    const hidden = new s10.NaiveDense(3, 4, 'relu', { rng, init: 'glorotUniform' });
    const output = new s10.NaiveDense(4, 3, 'softmax', { rng, init: 'glorotUniform' });
    const model = new s10.NaiveSequential([hidden, output]);
    const images = f32Rows([
      [special, 0, 1],
      [0, 2, 0],
      [1, 0, 0],
    ]);
    const labels = [0, 2, 1];
    await expectAgrees({
      name: 'lossAndGradients',
      inputs: [images, hidden.W, hidden.b, output.W, output.b],
      ours: (im) => {
        const { loss, gradients } = s10.lossAndGradients(model, im as NDArray, labels);
        return NDArray.fromFlat([loss, ...gradients.flatMap((g) => Array.from(g.data))], [1 + 12 + 4 + 12 + 3]);
      },
      tf: (tf, im, ...params) => {
        const onehot = tf.oneHot(labels, 3);
        const { value, grads } = tf.valueAndGrads((w0: Tensor, b0: Tensor, w1: Tensor, b1: Tensor) => {
          const a = tf.relu(tf.add(tf.matMul(im as Tensor, w0), b0));
          return tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(a, w1), b1));
        })(params as Tensor[]);
        return tf.concat([value.reshape([1]), ...grads.map((g) => g.reshape([-1]))]);
      },
      terms: 8,
    });
  });
});

describe('11 · dropout and L2', () => {
  it(
    'dropout sets a dropped element to 0, as README step 4 asks; TF.js multiplies by 0 (documented)',
    agree({
      name: 'dropout',
      inputs: [x],
      // every draw below the rate: everything dropped
      ours: (t) => s11.dropout(t as NDArray, 0.5, { training: true, rng: { next: () => 0 } }),
      tf: (tf, t) => tf.mul(t as Tensor, tf.zerosLike(t as Tensor)),
      label,
      differs: both((i) => {
        const v = x.data[i] * 0;
        return Object.is(v, 0) ? undefined : v;
      }),
    }),
  );
  it(
    'l2Gradient agrees with tf.grad of l2·Σw²',
    agree({
      name: 'l2Gradient',
      inputs: [x],
      ours: (w) => s11.l2Gradient(w as NDArray, 0.01),
      tf: (tf, w) => tf.grad((v: Tensor) => tf.mul(0.01, tf.sum(tf.square(v))))(w as Tensor),
      label,
      terms: 2,
      // the NOTE at 11's l2Gradient: TF.js' 2·w overflows float32 first
      differs: both((i) => {
        const w = x.data[i];
        return Number.isFinite(w) && Math.fround(2 * w) === Math.sign(w) * I ? Math.sign(w) * I : undefined;
      }),
    }),
  );
});
