/**
 * lib/nn (kernels, the MLP, the optimizers) and lib/gradcheck against TensorFlow.js on special
 * values, on TF.js' cpu and wasm backends (tests/support/special-values.ts explains the comparison).
 */
import { describe, expect, it } from 'vitest';
import { numericalGradient, relativeError } from '../../lib/gradcheck.ts';
import * as K from '../../lib/kernels/index.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { type Activation, Adam, MLP, type Optimizer, RMSprop, SGD } from '../../lib/nn/index.ts';
import type { Tensor, Tf } from '../../lib/oracle.ts';
import {
  type Case,
  expectAgrees,
  F32_MAX,
  F32_MIN_SUBNORMAL,
  f32Rows,
  NESTEROV_OVERFLOWS,
  SQUARE_OVERFLOWS,
  specialNames,
  specialVector,
  tfTwoSteps,
} from '../support/special-values.ts';

const N = Number.NaN;
const I = Number.POSITIVE_INFINITY;
const f32 = (x: NDArray) => x.data as Float32Array;

describe('kernels with NaN and ±Infinity', () => {
  // a: three of four rows mostly zeros (the sparse path), or no zeros (the dense 4×4 path)
  const sparse = f32Rows([
    [0, 1, 0, 0, 0],
    [-0, 0, 0, 0, 0],
    [0, 0, 2, 0, 0],
    [1, 2, 3, 4, 5],
  ]);
  const dense = f32Rows([
    [1, 2, -1, 0.5, 3],
    [2, 1, 1, -2, 1],
    [-1, 3, 1, 1, 2],
    [1, 2, 3, 4, 5],
  ]);
  // b: a NaN in row 0 and an infinity in row 3, both rows a zero of a meets; g likewise
  const b = f32Rows([
    [N, 1, 2, 1],
    [1, -1, 1, 2],
    [2, 1, -1, 1],
    [1, I, 1, -1],
    [0.5, 1, 2, -2],
  ]);
  const bias = NDArray.fromFlat([-0, 1, -0, 2], [4], 'float32');
  const g = f32Rows([
    [1, 2, 3, 4],
    [N, 1, 1, 1],
    [1, -I, 1, 1],
    [2, 1, 0, 1],
  ]);
  const [m, k, n] = [4, 5, 4];

  for (const [path, a] of [
    ['sparse', sparse],
    ['dense', dense],
  ] as const) {
    it(`matmul (${path} path) then addBias agrees with TF.js: 0·NaN is NaN, the bias added last`, async () => {
      await expectAgrees({
        name: `matmul ${path}`,
        inputs: [a, b, bias],
        ours: (p, q, r) => {
          const out = new Float32Array(m * n);
          K.matmul(out, f32(p as NDArray), f32(q as NDArray), m, k, n);
          K.addBias(out, out, f32(r as NDArray), m, n);
          return new NDArray(out, [m, n]);
        },
        tf: (tf, p, q, r) => tf.add(tf.matMul(p as Tensor, q as Tensor), r as Tensor),
        terms: k,
      });
    });
  }

  // out [rows × cols] = kernel(p, q), and TF.js' matMul with the same transposes
  const products: [
    string,
    NDArray,
    NDArray,
    [number, number],
    (p: Float32Array, q: Float32Array, out: Float32Array) => void,
    boolean,
    number,
  ][] = [
    ['matmulTransA (xᵀ·g)', sparse, g, [k, n], (p, q, out) => K.matmulTransA(out, p, q, k, m, n), true, m],
    ['matmulTransB (g·Wᵀ)', g, b, [m, k], (p, q, out) => K.matmulTransB(out, p, q, m, n, k), false, n],
  ];
  it.each(products)('%s agrees with TF.js', async (name, p, q, shape, kernel, transposeA, terms) => {
    await expectAgrees({
      name,
      inputs: [p, q],
      ours: (x, y) => {
        const out = new Float32Array(shape[0] * shape[1]);
        kernel(f32(x as NDArray), f32(y as NDArray), out);
        return new NDArray(out, shape);
      },
      tf: (tf, x, y) => tf.matMul(x as Tensor, y as Tensor, transposeA, !transposeA),
      terms,
    });
  });
});

describe('MLP with special values in the input', () => {
  const x = f32Rows([
    [N, 0, 0],
    [0, 0, 0],
    [I, 0, 0],
    [-0, 1, -1],
    [F32_MAX, F32_MAX, 0],
    [F32_MIN_SUBNORMAL, -I, 1],
  ]);
  const batch = x.shape[0];
  const act: Record<Exclude<Activation, 'softmax'>, (tf: Tf, z: Tensor) => Tensor> = {
    relu: (tf, z) => tf.relu(z),
    sigmoid: (tf, z) => tf.sigmoid(z),
    tanh: (tf, z) => tf.tanh(z),
    linear: (_, z) => z,
  };

  it.each(Object.keys(act) as (keyof typeof act)[])('a %s layer agrees with TF.js row by row', async (activation) => {
    const model = new MLP(3, [{ units: 4, activation }], { seed: 3 });
    const layer = model.layers[0] as { W: Float32Array; bias: Float32Array };
    await expectAgrees({
      name: `MLP ${activation}`,
      inputs: [x, new NDArray(layer.W, [3, 4]), new NDArray(layer.bias, [4])],
      ours: (input) => new NDArray(Float32Array.from(model.forward(f32(input as NDArray), batch)), [batch, 4]),
      tf: (tf, input, W, b) => act[activation](tf, tf.add(tf.matMul(input as Tensor, W as Tensor), b as Tensor)),
      terms: 3,
    });
  });

  // A NaN input makes every gradient NaN, through the zero inputs too; an infinite one makes the
  // relu′ = 0 units' gradients NaN as well (TF.js multiplies dA by relu′: NaN·0 is NaN).
  it.each([
    ['NaN', N],
    ['+Infinity', I],
  ])('gradients agree with TF.js when a sample holds %s', async (_, special) => {
    const model = new MLP(3, [
      { units: 4, activation: 'relu' },
      { units: 3, activation: 'softmax' },
    ]);
    const input = f32Rows([
      [special, 0, 1],
      [0, 2, 0],
      [1, 0, 0],
    ]);
    const labels = [0, 2, 1];
    const [W0, b0, W1, b1] = model.layers.flatMap((l) => [
      new NDArray(l.W, [l.inputs, l.units]),
      new NDArray(l.bias, [l.units]),
    ]) as [NDArray, NDArray, NDArray, NDArray];
    await expectAgrees({
      name: 'MLP.lossAndGradients',
      inputs: [input, W0, b0, W1, b1],
      ours: (xs) => {
        const { loss, grads } = model.lossAndGradients(f32(xs as NDArray), labels, 3);
        return NDArray.fromFlat([loss, ...grads.flatMap((gr) => Array.from(gr))], [1 + model.paramCount()], 'float32');
      },
      tf: (tf, xs, ...params) => {
        const onehot = tf.oneHot(labels, 3);
        const loss = (w0: Tensor, c0: Tensor, w1: Tensor, c1: Tensor) => {
          const hidden = tf.relu(tf.add(tf.matMul(xs as Tensor, w0), c0));
          return tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(hidden, w1), c1));
        };
        const { value, grads } = tf.valueAndGrads((w0: Tensor, c0: Tensor, w1: Tensor, c1: Tensor) =>
          loss(w0, c0, w1, c1),
        )(params as Tensor[]);
        return tf.concat([value.reshape([1]), ...grads.map((gr) => gr.reshape([-1]))]);
      },
      terms: 8,
    });
  });
});

describe('optimizers with special gradients', () => {
  const gradient = specialVector();
  const n = gradient.size;
  const names = specialNames();
  /** w = 1 everywhere; one step with the special gradients, then one with 1s: both states of w. */
  const twoSteps =
    (make: () => Optimizer) =>
    (g: NDArray): NDArray => {
      const opt = make();
      const w = new Float32Array(n).fill(1);
      opt.step([w], [f32(g)]);
      const after1 = Float32Array.from(w);
      opt.step([w], [new Float32Array(n).fill(1)]);
      return NDArray.fromFlat([...after1, ...w], [2, n], 'float32');
    };

  const cases: Case[] = [
    {
      name: 'SGD',
      inputs: [gradient],
      ours: twoSteps(() => new SGD(0.1)),
      tf: tfTwoSteps((tf) => tf.train.sgd(0.1)),
    },
    {
      name: 'SGD with momentum',
      inputs: [gradient],
      ours: twoSteps(() => new SGD(0.1, 0.9)),
      tf: tfTwoSteps((tf) => tf.train.momentum(0.1, 0.9)),
    },
    {
      name: 'SGD with Nesterov momentum',
      inputs: [gradient],
      ours: twoSteps(() => new SGD(0.1, 0.9, true)),
      tf: tfTwoSteps((tf) => tf.train.momentum(0.1, 0.9, true)),
      differs: { cpu: NESTEROV_OVERFLOWS, wasm: NESTEROV_OVERFLOWS },
    },
    {
      name: 'RMSprop',
      inputs: [gradient],
      ours: twoSteps(() => new RMSprop(0.1)),
      tf: tfTwoSteps((tf) => tf.train.rmsprop(0.1, 0.9, 0, 1e-7)),
      differs: { cpu: SQUARE_OVERFLOWS, wasm: SQUARE_OVERFLOWS },
    },
    {
      name: 'Adam',
      inputs: [gradient],
      ours: twoSteps(() => new Adam(0.1)),
      tf: tfTwoSteps((tf) => tf.train.adam(0.1, 0.9, 0.999, 1e-7)),
      differs: { cpu: SQUARE_OVERFLOWS, wasm: SQUARE_OVERFLOWS },
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s agrees with TF.js (cpu and wasm)', async (_, c) => {
    await expectAgrees({
      ...c,
      label: (i) => `step ${Math.floor(i / n) + 1}, g = ${names[i % n]}`,
      // Keras' formulas (ε outside the root, Adam's ε̂) differ from TF.js' by less than this
      terms: 4,
    });
  });
});

describe('gradient checking with special values', () => {
  it('relativeError is NaN, never small, when a gradient holds NaN or an infinity; 0 for −0 against 0', () => {
    const numeric = NDArray.fromFlat([1, 2, 0], [3]);
    for (const bad of [N, I, -I]) {
      expect(relativeError(NDArray.fromFlat([1, bad, 0], [3]), numeric)).toBeNaN();
      expect(relativeError(numeric, NDArray.fromFlat([bad, 2, 0], [3]))).toBeNaN();
    }
    expect(relativeError(NDArray.fromFlat([1, 2, -0], [3]), numeric)).toBe(0);
  });

  it('numericalGradient is NaN everywhere f is NaN, never 0', () => {
    // f(x) = Σ √x_i: NaN for any negative x_i; at [1, 4] its gradient is 1/(2√x) = [0.5, 0.25]
    const f = (v: NDArray) => Array.from(v.data).reduce((s, e) => s + Math.sqrt(e), 0);
    const bad = numericalGradient(f, NDArray.fromFlat([-1, 4], [2]));
    expect(bad).toHaveShape([2]);
    expect(Array.from(bad.data).every(Number.isNaN)).toBe(true);
    expect(numericalGradient(f, NDArray.fromFlat([1, 4], [2]))).toBeAllClose([0.5, 0.25], { rtol: 1e-8 });
  });
});
