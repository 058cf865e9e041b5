/**
 * The judge of 06-backprop: the losses (clipping included), the activations' derivatives
 * (relu′(0) = 0), the chain rule on known functions, the seed's network with random sizes and
 * weights, the Dense backward pass, and the gradient checker on functions whose gradients the
 * judge knows. The specs match this exercise's errors by class and message (`toThrowKind`), so
 * a misfit here is recorded by the error's kind, compared with the reference's.
 */
import type * as Api from '../../exercises/06-backprop/backprop.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { defineJudge, threw } from '../judge/api.ts';
import {
  BACKWARD,
  binary,
  denseLoss,
  FUNCTIONS,
  GRADS,
  LOSS,
  labels,
  mapped,
  NUMERIC,
  network,
  oneHot,
  probabilities,
  rows,
  SMOOTH,
} from './support/06-backprop.ts';

export default defineJudge<typeof Api>({
  module: 'backprop.ts',
  cases: (c) => [
    c({
      name: 'mse and binaryCrossentropy of random arrays, and of shapes that differ',
      step: 1,
      count: 5,
      input: (r) => {
        const shape = r.shape(r.int(1, 3), 1, 4);
        return {
          yTrue: probabilities(r, shape),
          yPred: probabilities(r, shape),
          values: [r.ndarray(shape), r.ndarray(shape)] as const,
          other: r.ndarray([...shape, 2]),
        };
      },
      run: (api, { yTrue, yPred, values: [a, b], other }) => ({
        mse: [api.mse(a, b), api.mse(yTrue, yPred)],
        bce: api.binaryCrossentropy(yTrue, yPred),
        inputs: [yTrue, yPred, a, b],
        misfits: [threw(() => api.mse(a, other)), threw(() => api.binaryCrossentropy(yTrue, other))],
      }),
      tolerance: LOSS,
    }),
    c({
      name: 'categorical and sparse cross-entropy of softmax rows, some scaled down, and labels that do not fit',
      step: 1,
      count: 5,
      input: (r) => {
        const [batch, classes] = [r.int(1, 6), r.int(2, 6)];
        return { probs: rows(r, batch, classes, false), labels: labels(r, batch, classes) };
      },
      run: (api, { probs, labels }) => {
        const classes = probs.shape[1];
        return {
          cce: api.categoricalCrossentropy(oneHot(labels, classes), probs),
          sparse: api.sparseCategoricalCrossentropy(labels, probs),
          probs,
          misfits: [
            threw(() => api.categoricalCrossentropy(oneHot(labels, classes + 1), probs)),
            threw(() => api.sparseCategoricalCrossentropy([...labels, 0], probs)),
            threw(() => api.sparseCategoricalCrossentropy([...labels.slice(1), classes], probs)),
          ],
        };
      },
      tolerance: LOSS,
    }),
    c({
      name: 'binaryCrossentropy clips predictions of exactly 0 and 1',
      step: 1,
      count: 4,
      input: (r) => {
        const shape = [r.int(1, 4), r.int(1, 4)];
        return { yTrue: binary(r, shape), yPred: binary(r, shape), p: probabilities(r, shape) };
      },
      run: (api, { yTrue, yPred, p }) => [api.binaryCrossentropy(yTrue, yPred), api.binaryCrossentropy(yPred, p)],
    }),
    c({
      name: 'categorical and sparse cross-entropy clip rows with entries of exactly 0 and 1',
      step: 1,
      count: 5,
      input: (r) => {
        const [batch, classes] = [r.int(1, 4), r.int(2, 4)];
        return { probs: rows(r, batch, classes, true), labels: labels(r, batch, classes) };
      },
      run: (api, { probs, labels }) => [
        api.categoricalCrossentropy(oneHot(labels, probs.shape[1]), probs),
        api.sparseCategoricalCrossentropy(labels, probs),
      ],
      // Rescaling a row after clipping it (the specs cannot tell) moves a loss by up to classes·ε:
      // a one-hot row costs ε = 1e-7 one way and 2e-7 the other. A missing clip costs Infinity.
      tolerance: { rtol: 1e-6, atol: 1e-6 },
    }),
    c({
      name: 'the derivatives of relu, sigmoid and tanh on random arrays with zeros',
      step: 2,
      count: 5,
      input: (r) => {
        const z = r.ndarray(r.shape(r.int(1, 3), 1, 5), -10, 10);
        z.data.forEach((_, i) => {
          if (r.int(0, 3) === 0) z.data[i] = r.pick([0, -0]);
        });
        return z;
      },
      run: (api, z) => ({ relu: api.reluPrime(z), sigmoid: api.sigmoidPrime(z), tanh: api.tanhPrime(z), z }),
    }),
    c({
      name: 'chainRule of known functions, and a chain of chains',
      step: 3,
      count: 5,
      input: (r) => ({
        f: r.int(0, FUNCTIONS.length - 1),
        g: r.int(0, FUNCTIONS.length - 1),
        xs: Array.from({ length: 4 }, () => r.float(-2, 2)),
      }),
      run: (api, { f, g, xs }) => {
        const [[outer, outerPrime], [inner, innerPrime]] = [FUNCTIONS[f], FUNCTIONS[g]] as [
          (typeof FUNCTIONS)[number],
          (typeof FUNCTIONS)[number],
        ];
        const once = api.chainRule(outer, outerPrime, inner, innerPrime);
        const twice = api.chainRule(Math.tanh, (u) => 1 - Math.tanh(u) ** 2, once.F, once.dF);
        return xs.map((x) => [once.F(x), once.dF(x), twice.F(x), twice.dF(x)]);
      },
    }),
    c({
      name: 'forwardPass and totalError of random networks, and shapes that do not fit',
      step: 4,
      count: 5,
      input: (r) => {
        const net = network(r);
        return {
          ...net,
          longer: r.ndarray([net.x.size + 1]),
          taller: r.ndarray([net.w1.shape[0] + 1, 2]),
        };
      },
      run: (api, { x, target, w0, w1, longer, taller }) => {
        const pass = api.forwardPass(x, w0, w1);
        return {
          pass,
          error: api.totalError(target, pass.a2),
          inputs: [x, w0, w1],
          misfits: [threw(() => api.forwardPass(longer, w0, w1)), threw(() => api.forwardPass(x, w0, taller))],
        };
      },
      tolerance: GRADS,
    }),
    c({
      name: 'outputDeltas, hiddenDeltas, weightGradient and sgdUpdate of random values',
      step: 4,
      count: 5,
      input: (r) => {
        const [nPrev, nHidden, nOut] = [r.int(1, 4), r.int(1, 4), r.int(1, 4)];
        return {
          target: probabilities(r, [nOut]),
          a2: probabilities(r, [nOut]),
          a1: probabilities(r, [nHidden]),
          w1: r.ndarray([nHidden, nOut]),
          delta2: r.ndarray([nOut], -0.25, 0.25),
          aPrev: r.ndarray([nPrev], -2, 2),
          w: r.ndarray([nPrev, nOut]),
          lr: r.float(0.01, 1),
          longer: r.ndarray([nPrev + 1, nOut]),
        };
      },
      run: (api, { target, a2, a1, w1, delta2, aPrev, w, lr, longer }) => {
        const grad = api.weightGradient(aPrev, delta2);
        return {
          delta2: api.outputDeltas(target, a2),
          delta1: api.hiddenDeltas(w1, delta2, a1),
          grad,
          updated: api.sgdUpdate(w, grad, lr),
          inputs: [target, a2, a1, w1, delta2, aPrev, w],
          misfit: threw(() => api.sgdUpdate(w, longer, lr)),
        };
      },
      tolerance: GRADS,
    }),
    c({
      name: 'trainStep of random networks: every gradient from the forward pass, then the update',
      step: 4,
      count: 5,
      input: network,
      run: (api, { x, target, w0, w1, lr }) => ({
        step: api.trainStep(x, target, w0, w1, lr),
        inputs: [x, target, w0, w1],
      }),
      tolerance: GRADS,
    }),
    c({
      name: 'denseBackward of random layers (a square one first), and shapes that do not fit',
      step: 5,
      count: 5,
      input: (r, i) => {
        // a square layer and batch: the shapes fit with the transposes left out, the values do not
        const n = r.int(2, 4);
        const [batch, nIn, nOut] = i === 0 ? [n, n, n] : [r.int(1, 5), r.int(1, 5), r.int(1, 5)];
        return {
          x: r.ndarray([batch, nIn], -2, 2),
          w: r.ndarray([nIn, nOut]),
          dZ: r.ndarray([batch, nOut]),
          wider: r.ndarray([batch, nOut + 1]),
          taller: r.ndarray([nIn + 1, nOut]),
        };
      },
      run: (api, { x, w, dZ, wider, taller }) => ({
        grads: api.denseBackward(x, w, dZ),
        inputs: [x, w, dZ],
        misfits: [threw(() => api.denseBackward(x, w, wider)), threw(() => api.denseBackward(x, taller, dZ))],
      }),
      tolerance: BACKWARD,
    }),
    c({
      name: 'reluBackward with zeros in z, softmaxCrossEntropyBackward, and shapes that do not fit',
      step: 5,
      count: 5,
      input: (r) => {
        const [batch, classes] = [r.int(1, 5), r.int(2, 5)];
        const z = r.ndarray([batch, classes], -2, 2);
        z.data.forEach((_, i) => {
          if (r.int(0, 3) === 0) z.data[i] = 0;
        });
        return {
          dA: r.ndarray([batch, classes]),
          z,
          logits: r.ndarray([batch, classes], -8, 8),
          labels: labels(r, batch, classes),
          wider: r.ndarray([batch, classes + 1]),
        };
      },
      run: (api, { dA, z, logits, labels, wider }) => {
        const y = oneHot(labels, logits.shape[1]);
        return {
          relu: api.reluBackward(dA, z),
          softmax: api.softmaxCrossEntropyBackward(logits, y),
          inputs: [dA, z, logits],
          misfits: [
            threw(() => api.reluBackward(dA, wider)),
            threw(() => api.softmaxCrossEntropyBackward(logits, wider)),
          ],
        };
      },
      tolerance: BACKWARD,
    }),
    c({
      name: 'numericalGradient of smooth functions and of a dense loss, float32 x included',
      step: 6,
      count: 6,
      input: (r, i) => {
        const [batch, nIn, nOut] = [r.int(1, 4), r.int(1, 4), r.int(2, 4)];
        const x = r.ndarray([r.int(1, 4), r.int(1, 4)], -1.5, 1.5);
        return {
          which: i % 3,
          x: i % 2 ? x.clone('float32') : x,
          dense: {
            xs: r.ndarray([batch, nIn]),
            w: r.ndarray([nIn, nOut]),
            b: r.ndarray([nOut]),
            labels: labels(r, batch, nOut),
          },
        };
      },
      run: (api, { which, x, dense }) => {
        const y = oneHot(dense.labels, dense.w.shape[1]);
        const [f, at] =
          which < SMOOTH.length
            ? [(SMOOTH[which] as (typeof SMOOTH)[number]).f, x]
            : [(v: NDArray) => denseLoss(dense.xs, v, dense.b, y), dense.w];
        return { fine: api.numericalGradient(f, at), coarse: api.numericalGradient(f, at, 1e-3), at };
      },
      tolerance: NUMERIC,
    }),
    c({
      name: 'relativeError of random gradients with entries both 0, and shapes that differ',
      step: 6,
      count: 5,
      input: (r) => {
        const shape = r.shape(r.int(1, 3), 1, 4);
        const [a, n] = [r.ndarray(shape), r.ndarray(shape)];
        a.data[0] = 0;
        n.data[0] = 0;
        return { a, n, other: r.ndarray([...shape, 2]) };
      },
      run: (api, { a, n, other }) => [
        api.relativeError(a, n),
        api.relativeError(n, a),
        api.relativeError(a, a),
        threw(() => api.relativeError(a, other)),
      ],
    }),
    c({
      name: 'gradCheck of right, slightly and badly wrong gradients',
      step: 6,
      count: 5,
      input: (r) => {
        const x = r.ndarray(r.shape(r.int(1, 2), 1, 4), -1.5, 1.5);
        return { which: r.int(0, SMOOTH.length - 1), x, spoil: r.int(0, x.size - 1), factor: r.pick([0, 0.5, 2, -1]) };
      },
      run: (api, { which, x, spoil, factor }) => {
        const { f, grad } = SMOOTH[which] as (typeof SMOOTH)[number];
        const right = grad(x);
        const off = mapped(right, (v) => v * (1 + 1e-4));
        const bad = right.clone();
        bad.data[spoil] = bad.data[spoil] * factor;
        const check = api.gradCheck(f, x, right);
        const coarse = api.gradCheck(f, x, right, { h: 1e-4 });
        // the worst element of a right gradient is rounding noise: only its size is promised
        return {
          right: [check.ok, check.relError < 1e-7, coarse.ok, coarse.relError < 1e-7],
          off: [api.gradCheck(f, x, off).ok, api.gradCheck(f, x, off, { tolerance: 1e-3 }).ok],
          bad: api.gradCheck(f, x, bad),
          misfit: threw(() => api.gradCheck(f, x, NDArray.zeros([...x.shape, 2]))),
        };
      },
    }),
  ],
});
