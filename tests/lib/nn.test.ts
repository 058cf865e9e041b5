/** lib/nn (the fast from-scratch MLP) against TensorFlow.js and numerical gradients. */
import type * as TF from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '../../lib/errors.ts';
import { numericalGradient, relativeError } from '../../lib/gradcheck.ts';
import * as K from '../../lib/kernels/index.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { Adam, evaluate, fit, MLP, makeOptimizer, RMSprop, SGD } from '../../lib/nn/index.ts';
import * as ops from '../../lib/ops/index.ts';
import { loadOracle, type Oracle, toTensor } from '../../lib/oracle.ts';
import { createRng } from '../../lib/rng.ts';
import { float32Tolerance } from '../../lib/tolerance.ts';

let oracle: Oracle;
beforeAll(async () => {
  oracle = await loadOracle();
});

const f32 = (shape: number[], seed: number, sparsity = 0) => {
  const rng = createRng(seed);
  const x = NDArray.randomNormal(shape, 0, 1, { seed, dtype: 'float32' });
  for (let i = 0; i < x.size; i++) if (rng.next() < sparsity) x.data[i] = 0;
  return x;
};

/** The textbook triple loop in float64: the definition the kernels' fast paths must meet. */
function naiveMatmul(a: NDArray, b: NDArray): NDArray {
  const [m, k] = a.shape;
  const n = b.shape[1];
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) out[i * n + j] += a.data[i * k + p] * b.data[p * n + j];
  return new NDArray(out, [m, n]);
}

describe('kernels', () => {
  it('matmul, matmulTransA, matmulTransB equal the triple loop (dense and sparse paths, leftover rows and columns)', () => {
    for (const [m, k, n] of [
      [1, 1, 1],
      [5, 7, 3],
      [17, 33, 9],
      [3, 4, 2],
      [6, 5, 4],
      [8, 12, 7],
    ] as const) {
      for (const sparsity of [0, 0.9]) {
        const a = f32([m, k], m + k, sparsity);
        const b = f32([k, n], k + n);
        const out = new Float32Array(m * n);
        K.matmul(out, a.data, b.data, m, k, n);
        expect(new NDArray(out, [m, n])).toBeAllClose(naiveMatmul(a, b), float32Tolerance(k, 3));
        // aᵀ·g, with a stored [m×k]: the kernel's m is k here, and its k is m
        const g = f32([m, n], 99);
        const dW = new Float32Array(k * n);
        K.matmulTransA(dW, a.data, g.data, k, m, n);
        expect(new NDArray(dW, [k, n])).toBeAllClose(naiveMatmul(ops.transpose(a), g), float32Tolerance(m, 3));
        const dX = new Float32Array(m * k);
        K.matmulTransB(dX, g.data, b.data, m, n, k);
        expect(new NDArray(dX, [m, k])).toBeAllClose(naiveMatmul(g, ops.transpose(b)), float32Tolerance(n, 3));
      }
    }
  });

  it('softmax and the cross-entropy routines: in place, clipped to [ε, 1 − ε] as Keras', () => {
    // softmax([0, ln 3]) = [1/4, 3/4]; a certain right answer costs −log(1 − 1e-7) ≈ 1e-7, not 0,
    // and a certain wrong one log(1e7) ≈ 16.118, not Infinity
    const z = Float32Array.from([0, Math.log(3), 0, 200]);
    K.softmax(z, z, 2, 2);
    expect(new NDArray(z, [2, 2])).toBeAllClose(NDArray.fromFlat([0.25, 0.75, 0, 1], [2, 2]), { rtol: 1e-6 });
    const p = Float32Array.from([0, 1, 1, 0]);
    expect(K.crossEntropySum(p, [1, 1], 1, 2)).toBeCloseTo(1e-7, 12);
    expect(K.crossEntropySum(p.subarray(2), [1], 1, 2)).toBeCloseTo(Math.log(1e7), 5);
    const predictions = new Int32Array(2);
    expect(K.argmaxRows(predictions, z, [1, 0], 2, 2)).toBe(1);
    expect([...predictions]).toEqual([1, 1]);
    // (p − onehot(y)) / rows
    const d = new Float32Array(4);
    K.crossEntropyBackward(d, z, [1, 0], 2, 2);
    expect(new NDArray(d, [2, 2])).toBeAllClose(NDArray.fromFlat([0.125, -0.125, -0.5, 0.5], [2, 2]), { rtol: 1e-6 });
  });
});

describe('MLP', () => {
  const specs = [
    { units: 5, activation: 'relu' as const },
    { units: 4, activation: 'tanh' as const },
    { units: 3, activation: 'softmax' as const },
  ];

  it('adoptGradients: the gradients land in the given arrays, equal to those it computed before', () => {
    const model = new MLP(6, specs, { seed: 3 });
    const rng = createRng(4);
    const x = Float32Array.from({ length: 2 * 6 }, () => rng.uniform(-1, 1));
    const before = model.lossAndGradients(x, [0, 2], 2).grads.map((g) => Float32Array.from(g));
    const buffers = model.params().map((p) => new Float32Array(p.length));
    model.adoptGradients(buffers);
    const after = model.lossAndGradients(x, [0, 2], 2).grads;
    expect(after).toHaveLength(buffers.length);
    after.forEach((g, k) => {
      expect(g).toBe(buffers[k]);
      expect(Array.from(g)).toEqual(Array.from(before[k] as Float32Array));
    });
    expect(() => model.adoptGradients(buffers.slice(1))).toThrowKind(
      ArgumentError,
      /MLP.adoptGradients.*needs 6 arrays of the lengths of params\(\)/,
    );
  });

  it('counts parameters like Keras: 784-512-10 has 407,050', () => {
    const model = new MLP(784, [
      { units: 512, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ]);
    expect(model.paramCount()).toBe(407_050);
    // glorot uniform: every weight within ±√(6 / (784 + 512))
    const limit = Math.sqrt(6 / (784 + 512));
    const W = model.layers[0]?.W ?? new Float32Array();
    expect(W.every((w) => Math.abs(w) <= limit)).toBe(true);
  });

  it('forward pass and gradients equal TensorFlow.js (tf.variableGrads) on a small batch', () => {
    const model = new MLP(6, specs, { seed: 3 });
    const x = f32([4, 6], 5);
    const labels = [0, 2, 1, 2];
    const { tf } = oracle;
    const params = model.params().map((p, i) => {
      const l = model.layers[Math.floor(i / 2)];
      return tf.variable(tf.tensor(p, i % 2 === 0 ? [l?.inputs ?? 0, l?.units ?? 0] : [l?.units ?? 0]));
    });
    const xt = toTensor(tf, x);
    const yt = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    const acts = ['relu', 'tanh', 'softmax'] as const;
    const lossFn = () => {
      let h = xt;
      for (let l = 0; l < 3; l++) {
        const z = tf.add(tf.matMul(h, params[2 * l] as never), params[2 * l + 1] as never);
        h = acts[l] === 'relu' ? tf.relu(z) : acts[l] === 'tanh' ? tf.tanh(z) : tf.softmax(z);
      }
      return tf.mean(tf.neg(tf.sum(tf.mul(yt, tf.log(h)), 1))) as TF.Scalar;
    };
    const { value, grads } = tf.variableGrads(lossFn, params as never);
    const ours = model.lossAndGradients(x.data as Float32Array, labels, 4);
    expect(ours.loss).toBeCloseTo(value.dataSync()[0], 5);
    Object.values(grads).forEach((g, i) => {
      expect(new NDArray(ours.grads[i] as Float32Array, g.shape)).toBeAllClose(
        new NDArray(Float32Array.from(g.dataSync()), g.shape),
        float32Tolerance(20, 1),
      );
    });
    tf.dispose([value, ...Object.values(grads), ...params, xt, yt]);
  });

  it('gradients pass a numerical gradient check (float64 central differences)', () => {
    const model = new MLP(4, specs, { seed: 8 });
    const x = f32([3, 4], 9);
    const labels = [1, 0, 2];
    const analytic = model.lossAndGradients(x.data as Float32Array, labels, 3).grads.map((g) => Float32Array.from(g));
    model.params().forEach((p, i) => {
      const numeric = numericalGradient(
        (v) => {
          const saved = Float32Array.from(p);
          p.set(v.data);
          const loss = model.lossAndGradients(x.data as Float32Array, labels, 3).loss;
          p.set(saved);
          return loss;
        },
        new NDArray(Float64Array.from(p), [p.length]),
        1e-2,
      );
      // float32 forward pass: a looser bound than float64's 1e-7, still far below a wrong gradient's
      expect(
        relativeError(new NDArray(Float64Array.from(analytic[i] as Float32Array), [p.length]), numeric),
      ).toBeLessThan(2e-2);
    });
  });

  it('rejects a last layer that is not softmax, and data of the wrong width', () => {
    const model = new MLP(3, [{ units: 2, activation: 'relu' }]);
    expect(() => model.lossAndGradients(new Float32Array(3), [0], 1)).toThrow(/last layer must be softmax/);
    expect(() => new MLP(3, specs).forward(new Float32Array(5), 2)).toThrow(/x holds 5 numbers, 2 rows of 3 need 6/);
  });
});

describe('optimizers and training', () => {
  it('one RMSprop step follows Keras: s = ρs + (1−ρ)g², w −= lr·g/(√s + ε)', () => {
    const w = [Float32Array.from([1, -2])];
    const g = [Float32Array.from([0.5, 0.1])];
    new RMSprop(0.01, 0.9, 1e-7).step(w, g);
    // s = 0.1·0.25 = 0.025 → w = 1 − 0.01·0.5/√0.025 ; s = 0.001 → −2 − 0.01·0.1/√0.001
    expect(Array.from(w[0] as Float32Array)).toBeAllClose(
      [1 - 0.005 / Math.sqrt(0.025), -2 - 0.001 / Math.sqrt(0.001)],
      { rtol: 1e-6 },
    );
  });

  it('SGD, momentum and Adam take their first steps as Keras does', () => {
    const run = (opt: SGD | Adam) => {
      const w = [Float32Array.from([1])];
      opt.step(w, [Float32Array.from([2])]);
      opt.step(w, [Float32Array.from([2])]);
      return w[0]?.[0] ?? Number.NaN;
    };
    expect(run(new SGD(0.1))).toBeCloseTo(1 - 0.4, 6);
    expect(run(new SGD(0.1, 0.9))).toBeCloseTo(1 - 0.2 - (0.9 * 0.2 + 0.2), 6); // v1 = −0.2, v2 = −0.38
    expect(run(new Adam(0.1))).toBeCloseTo(1 - 0.2, 5); // Adam's step is ≈ lr·sign(g) for a constant gradient
    expect(() => makeOptimizer('adagrad2')).toThrow(
      /unknown optimizer "adagrad2": use one of sgd, momentum, rmsprop, adam/,
    );
  });

  it('fit learns a separable problem; evaluate reports its accuracy; the run repeats for a seed', () => {
    const rng = createRng(21);
    const count = 300;
    const x = new Float32Array(count * 2);
    const y = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const cls = i % 3;
      x[2 * i] = Math.cos((2 * Math.PI * cls) / 3) * 2 + rng.normal(0, 0.4);
      x[2 * i + 1] = Math.sin((2 * Math.PI * cls) / 3) * 2 + rng.normal(0, 0.4);
      y[i] = cls;
    }
    const data = { x, y, count, features: 2 };
    const train = () => {
      const model = new MLP(
        2,
        [
          { units: 16, activation: 'relu' },
          { units: 3, activation: 'softmax' },
        ],
        { seed: 4 },
      );
      const history = fit(model, makeOptimizer('adam', 0.01), data, { epochs: 15, batchSize: 32, seed: 5 });
      return { model, history };
    };
    const { model, history } = train();
    expect(history.epochs).toHaveLength(15);
    expect(history.epochs.at(-1)?.loss).toBeLessThan((history.epochs[0]?.loss ?? 0) / 2);
    expect(evaluate(model, data).accuracy).toBeGreaterThan(0.95);
    expect(train().history.epochs.at(-1)?.loss).toBe(history.epochs.at(-1)?.loss);
  });

  it('stops cleanly when asked, keeping what it has', () => {
    const data = { x: new Float32Array(40), y: new Uint8Array(20), count: 20, features: 2 };
    const model = new MLP(2, [{ units: 2, activation: 'softmax' }]);
    let steps = 0;
    const history = fit(model, makeOptimizer('sgd'), data, {
      epochs: 3,
      batchSize: 4,
      onStep: () => steps++,
      shouldStop: () => steps >= 2,
    });
    expect(history.stopped).toBe(true);
    expect(history.epochs).toHaveLength(1);
    expect(steps).toBe(2);
  });
});
