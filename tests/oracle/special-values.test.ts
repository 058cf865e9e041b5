/**
 * The reference solutions' forward ops (exercises 02 to 05) against TensorFlow.js on special
 * values, on TF.js' cpu and wasm backends (tests/support/special-values.ts explains the
 * comparison). The exercises' specs do not ask learners for any of this; the solutions keep it.
 */
import { describe, it } from 'vitest';
import { NDArray } from '../../lib/ndarray.ts';
import type { Tensor, Tf } from '../../lib/oracle.ts';
import * as s02 from '../../solutions/02-broadcasting/broadcasting.ts';
import * as s03 from '../../solutions/03-matmul/matmul.ts';
import * as s04 from '../../solutions/04-geometry/geometry.ts';
import * as s05 from '../../solutions/05-dense/dense.ts';
import {
  type Case,
  expectAgrees,
  expectSprinkledProductsAgree,
  f32Rows,
  overflowingProduct,
  pairCase,
  productCases,
  STD_MIN_MAX_ON_WASM,
  SUBNORMAL_FLUSHED_ON_WASM,
  softmaxRows,
  specialInputs,
  specialMatrices,
} from '../support/special-values.ts';

const { names, x, pairs } = specialInputs();
const n = x.size;
const square = new NDArray(x.data, [4, n / 4]);
const column = new NDArray(x.data, [n, 1]);
const label = (i: number) => `(${names[i % n]})`;
const rows = softmaxRows();
const { a: A, b: B } = specialMatrices();

const agree = (c: Case) => () => expectAgrees(c);

describe('02 · element-wise ops and broadcasting', () => {
  it(
    'naiveRelu agrees with tf.relu',
    agree({ name: 'naiveRelu', inputs: [square], ours: s02.naiveRelu, tf: (tf, t) => tf.relu(t as Tensor), label }),
  );
  it(
    'naiveAdd agrees with tf.add on every pair',
    agree(
      pairCase(
        'naiveAdd',
        [new NDArray(pairs.a.data, [n, n]), new NDArray(pairs.b.data, [n, n])],
        s02.naiveAdd,
        (tf, a, b) => tf.add(a, b),
      ),
    ),
  );
  for (const [name, ours, tf, differs] of [
    ['add', s02.add, (t: Tf, a: Tensor, b: Tensor) => t.add(a, b), undefined],
    ['maximum', s02.maximum, (t: Tf, a: Tensor, b: Tensor) => t.maximum(a, b), { wasm: STD_MIN_MAX_ON_WASM }],
  ] as const) {
    it(
      `${name} of a column and a row of special values (every pair, by broadcasting) agrees with tf.${name}`,
      agree(pairCase(name, [column, x], ours, tf, differs)),
    );
  }
});

describe('03 · the tensor product', () => {
  const [_big, _ones] = overflowingProduct();
  it(
    'vectorDot and matrixVectorDot agree with tf.dot: NaN and infinities of b reach through zeros of a',
    agree({
      name: 'matrixVectorDot and vectorDot',
      inputs: [A, new NDArray(B.data.slice(0, 3), [3])],
      ours: (a, v) => {
        const m = a as NDArray;
        const rowDots = Array.from({ length: m.shape[0] }, (_, i) =>
          s03.vectorDot(new NDArray(m.data.slice(3 * i, 3 * i + 3), [3]), v as NDArray),
        );
        return NDArray.fromFlat([...s03.matrixVectorDot(m, v as NDArray).data, ...rowDots], [2, rowDots.length]);
      },
      tf: (tf, a, v) => {
        const mv = tf.dot(a as Tensor, v as Tensor);
        return tf.stack([mv, mv]);
      },
      terms: 3,
    }),
  );
  const batched = (a: NDArray, b: NDArray) =>
    new NDArray(s03.batchedMatmul(new NDArray(a.data, [1, ...a.shape]), new NDArray(b.data, [1, ...b.shape])).data, [
      a.shape[0],
      b.shape[1],
    ]);
  const products: [string, (a: NDArray, b: NDArray) => NDArray][] = [
    ['matmul', s03.matmul],
    ['batchedMatmul', batched],
  ];
  it.each(products)(
    '%s agrees with tf.matMul on special matrices; sums are float64 (documented)',
    async (name, ours) => {
      for (const c of productCases(name, ours)) await expectAgrees(c);
    },
  );
  it('matmul agrees with tf.matMul on seeded random matrices sprinkled with zeros, NaN and ±Infinity', () =>
    expectSprinkledProductsAgree(s03.matmul));
});

describe('04 · linear and affine maps', () => {
  // every point a row [s, 1, −1] with s a special value; W and b small integers
  const points = NDArray.fromFlat(
    Array.from(x.data).flatMap((v) => [v, 1, -1]),
    [n, 3],
    'float32',
  );
  const W = f32Rows([
    [1, 0, 2],
    [-1, 3, 0],
  ]);
  const b = NDArray.fromFlat([-0, 1], [2], 'float32');
  const affine = (tf: Tf, p: Tensor, w: Tensor, c: Tensor) => tf.add(tf.matMul(p, w, false, true), c);
  it(
    'linearMap agrees with points·Mᵀ in TF.js',
    agree({
      name: 'linearMap',
      inputs: [W, points],
      ours: (w, p) => s04.linearMap(w as NDArray, p as NDArray),
      tf: (tf, w, p) => tf.matMul(p as Tensor, w as Tensor, false, true),
      label: (i) => `point (${names[Math.floor(i / 2)]}, 1, −1) [${i % 2}]`,
      terms: 3,
    }),
  );
  it(
    'affineMap and applyLayers with relu agree with TF.js',
    agree({
      name: 'affineMap, applyLayers',
      inputs: [points, W, b],
      ours: (p, w, c) => {
        const one = s04.affineMap(w as NDArray, c as NDArray, p as NDArray);
        const relu = s04.applyLayers([{ W: w as NDArray, b: c as NDArray }], p as NDArray, 'relu');
        return NDArray.fromFlat([...one.data, ...relu.data], [2, n, 2]);
      },
      tf: (tf, p, w, c) => {
        const z = affine(tf, p as Tensor, w as Tensor, c as Tensor);
        return tf.stack([z, tf.relu(z)]);
      },
      label: (i) => `${i < 2 * n ? 'affineMap' : 'applyLayers relu'} point (${names[Math.floor(i / 2) % n]}, 1, −1)`,
      terms: 4,
    }),
  );
});

describe('05 · the Dense layer forward pass', () => {
  const unary: [string, (x: NDArray) => NDArray, (tf: Tf, t: Tensor) => Tensor, Case['differs']][] = [
    ['linear', s05.linear, (_, t) => t, undefined],
    ['relu', s05.relu, (tf, t) => tf.relu(t), undefined],
    ['sigmoid', s05.sigmoid, (tf, t) => tf.sigmoid(t), SUBNORMAL_FLUSHED_ON_WASM],
    ['tanh', s05.tanh, (tf, t) => tf.tanh(t), undefined],
  ];
  it.each(unary)('%s agrees with TF.js on every special value', async (name, ours, tf, differs) => {
    await expectAgrees({
      name,
      inputs: [x],
      ours: (t) => ours(t as NDArray),
      tf: (t, v) => tf(t, v as Tensor),
      label,
      differs,
    });
  });
  it(
    'softmax agrees with tf.softmax on rows of special values',
    agree({
      name: 'softmax',
      inputs: [rows],
      ours: (r) => s05.softmax(r as NDArray),
      tf: (tf, r) => tf.softmax(r as Tensor),
      label: (i) => `row ${Math.floor(i / 3)} [${i % 3}]`,
      terms: 8,
      differs: SUBNORMAL_FLUSHED_ON_WASM,
    }),
  );
  it(
    'argmax agrees with tf.argMax: a NaN wins only in the first place',
    agree({
      name: 'argmax',
      inputs: [rows],
      ours: (r) => NDArray.fromFlat(s05.argmax(r as NDArray), [(r as NDArray).shape[0]]),
      tf: (tf, r) => tf.argMax(r as Tensor, 1),
      label: (i) => `row ${i}`,
    }),
  );
  it.each(['relu', 'sigmoid', 'tanh', 'softmax'] as const)(
    'denseForward with %s agrees with TF.js on a batch holding special values',
    async (activation) => {
      const W = f32Rows([
        [1, -2, 0.5],
        [0, 1, -1],
        [2, 0, 1],
      ]);
      const b = NDArray.fromFlat([0.5, -0, -1], [3], 'float32');
      const batch = NDArray.fromFlat(
        Array.from(x.data).flatMap((v) => [v, 0, 1]),
        [n, 3],
        'float32',
      );
      await expectAgrees({
        name: `denseForward ${activation}`,
        inputs: [batch, W, b],
        ours: (p, w, c) => s05.denseForward(p as NDArray, w as NDArray, c as NDArray, activation),
        tf: (tf, p, w, c) => tf[activation](tf.add(tf.matMul(p as Tensor, w as Tensor), c as Tensor)),
        label: (i) => `row (${names[Math.floor(i / 3)]}, 0, 1) [${i % 3}]`,
        terms: 8,
        differs: activation === 'sigmoid' || activation === 'softmax' ? SUBNORMAL_FLUSHED_ON_WASM : undefined,
      });
    },
  );
});
