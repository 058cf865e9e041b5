/**
 * The judge of 07-gradient-descent: the counts, the batch generator, the MSE gradient and the
 * three loops on small random linear problems, and the errors the README names.
 *
 * NOTE: the README pins the shuffled order to rng.permutation, but the specs only check that it
 * is a seeded permutation per epoch, so this judge never compares a shuffled order with the
 * reference's. It checks what any seeded shuffle must give, and replays the loops on the batches
 * of the learner's own BatchGenerator (as the specs' TensorFlow.js runs do).
 */
import type * as Api from '../../exercises/07-gradient-descent/gradient-descent.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { defineJudge, settle } from '../judge/api.ts';
import { outcome, params, problem, size, stochasticOutcome } from './support/07-gradient-descent.ts';

export default defineJudge<typeof Api>({
  module: 'gradient-descent.ts',
  cases: (c) => [
    c({
      name: 'iterations per epoch and in all epochs',
      step: 1,
      count: 6,
      input: (r) => ({ samples: r.int(0, 300), batchSize: r.int(1, 64), epochs: r.int(0, 6), drop: r.bool() }),
      run: (api, { samples, batchSize, epochs, drop }) => [
        api.iterationsPerEpoch(samples, batchSize),
        api.iterationsPerEpoch(samples, batchSize, { dropRemainder: drop }),
        api.totalIterations(samples, batchSize, epochs, { dropRemainder: drop }),
      ],
    }),
    c({
      name: 'counts that are not whole numbers',
      step: 1,
      count: 4,
      input: (r) => ({
        batchSize: r.pick([0, -3, 2.5, Number.NaN]),
        samples: r.pick([-1, 1.5]),
        epochs: r.pick([-1, 0.5]),
      }),
      run: (api, bad) => ({
        good: api.iterationsPerEpoch(10, 3),
        batchSize: settle(() => api.iterationsPerEpoch(10, bad.batchSize)),
        samples: settle(() => api.iterationsPerEpoch(bad.samples, 2)),
        epochs: settle(() => api.totalIterations(10, 2, bad.epochs)),
      }),
    }),
    c({
      name: 'BatchGenerator in order, over two epochs',
      step: 2,
      count: 4,
      input: (r) => {
        const n = r.int(1, 12);
        const batchSize = r.int(1, 6);
        return {
          x: r.ndarray([n, ...r.shape(r.int(0, 2), 1, 3)]),
          y: r.ndarray([n, ...r.shape(r.int(0, 1), 1, 2)]),
          batchSize,
          dropRemainder: batchSize <= n && r.bool(),
        };
      },
      run: (api, { x, y, batchSize, dropRemainder }) => {
        const gen = new api.BatchGenerator(x, y, { batchSize, shuffle: false, dropRemainder });
        const batches = Array.from({ length: 2 * gen.numBatches + 1 }, () => gen.next());
        return { numSamples: gen.numSamples, batchSize: gen.batchSize, numBatches: gen.numBatches, batches, x };
      },
    }),
    c({
      name: 'BatchGenerator shuffles: a seeded, new permutation every epoch',
      step: 2,
      count: 4,
      input: (r) => {
        const n = r.int(12, 20);
        return {
          x: r.ndarray([n, 2]),
          y: NDArray.fromFlat(
            Array.from({ length: n }, (_, i) => i),
            [n],
          ),
          batchSize: r.int(1, 6),
          seed: r.seed(),
        };
      },
      run: (api, { x, y, batchSize, seed }) => {
        const n = x.shape[0];
        const take = () => {
          const gen = new api.BatchGenerator(x, y, { batchSize, seed });
          return Array.from({ length: 3 }, () => Array.from({ length: gen.numBatches }, () => gen.next()));
        };
        const epochs = take();
        const orders = epochs.map((e) => e.flatMap((b) => b.indices));
        const again = take().map((e) => e.flatMap((b) => b.indices));
        // n ≥ 12: a correct shuffle repeats an order or keeps 0, 1, 2, … with probability below 1e-8
        return {
          shape: epochs.map((e) => e.map((b) => [b.epoch, b.step, b.indices.length, ...b.x.shape, ...b.y.shape])),
          everySampleOnce: orders.map((o) => [...o].sort((a, b) => a - b).every((v, i) => v === i) && o.length === n),
          rowsFollowIndices: epochs.every((e) =>
            e.every((b) =>
              b.indices.every(
                (i, k) =>
                  b.y.data[k] === i && b.x.data[2 * k] === x.data[2 * i] && b.x.data[2 * k + 1] === x.data[2 * i + 1],
              ),
            ),
          ),
          sameSeedSameOrder: JSON.stringify(again) === JSON.stringify(orders),
          shuffled: orders.some((o) => o.some((v, i) => v !== i)),
          newOrderEveryEpoch: orders.every((o, e) => e === 0 || JSON.stringify(o) !== JSON.stringify(orders[e - 1])),
        };
      },
    }),
    c({
      name: 'BatchGenerator refuses what makes no batches',
      step: 2,
      count: 3,
      input: (r) => ({ n: r.int(1, 9), off: r.pick([-1, 1]), big: r.int(1, 5) }),
      run: (api, { n, off, big }) => {
        const [x, y] = [NDArray.zeros([n, 2]), NDArray.zeros([n])];
        return {
          one: new api.BatchGenerator(x, y, { batchSize: n + big }).numBatches,
          lengths: settle(() => new api.BatchGenerator(x, NDArray.zeros([n + off]), { batchSize: 1 })),
          batchSize: settle(() => new api.BatchGenerator(x, y, { batchSize: 0 })),
          fraction: settle(() => new api.BatchGenerator(x, y, { batchSize: 1.5 })),
          noFullBatch: settle(() => new api.BatchGenerator(x, y, { batchSize: n + big, dropRemainder: true })),
        };
      },
    }),
    c({
      name: 'predict, mseLoss, mseGradients and gradientStep',
      step: 3,
      count: 5,
      input: (r) => {
        const { n, d } = size(r);
        return {
          p: problem(r, n, d),
          w: r.ndarray([d], -2, 2),
          b: r.float(-2, 2),
          lr: r.pick([0.001, 0.01, 0.1, 0.5]),
        };
      },
      run: (api, { p: { x, y }, w, b, lr }) => {
        const start = { w, b };
        return {
          yHat: api.predict(x, start),
          loss: api.mseLoss(x, y, start),
          grads: api.mseGradients(x, y, start),
          next: api.gradientStep(x, y, start, lr),
          inputsAfter: [x, y, w, b],
        };
      },
    }),
    c({
      name: 'shapes that do not fit',
      step: 3,
      count: 3,
      input: (r) => ({ ...size(r), b: r.float() }),
      run: (api, { n, d, b }) => {
        const [x, y, w] = [NDArray.ones([n, d]), NDArray.ones([n]), NDArray.ones([d])];
        return {
          fits: api.mseLoss(x, y, { w, b }),
          longW: settle(() => api.predict(x, { w: NDArray.ones([d + 1]), b })),
          longY: settle(() => api.mseLoss(x, NDArray.ones([n + 1]), { w, b })),
          columnY: settle(() => api.mseGradients(x, NDArray.ones([n, 1]), { w, b })),
          flatX: settle(() => api.gradientStep(NDArray.ones([n]), y, { w, b }, 0.1)),
        };
      },
    }),
    c({
      name: 'batch gradient descent from zeros or a given start',
      step: 4,
      count: 4,
      input: (r) => {
        const { n, d } = size(r);
        const start = r.bool() ? { w: r.ndarray([d]), b: r.float() } : undefined;
        return { p: problem(r, n, d), learningRate: r.float(0.01, 0.15), epochs: r.int(0, 15), start };
      },
      run: (api, { p: { x, y }, learningRate, epochs, start }) => ({
        result: api.batchGradientDescent(x, y, { learningRate, epochs, ...(start ? { initial: start } : {}) }),
        inputsAfter: [x, y, start ?? null],
      }),
    }),
    c({
      name: 'batch gradient descent refuses bad options',
      step: 4,
      count: 3,
      input: (r) => ({ lr: r.pick([0, -0.1, Number.NaN]), epochs: r.pick([2.5, -1]) }),
      run: (api, { lr, epochs }) => {
        const [x, y] = [NDArray.ones([3, 2]), NDArray.fromFlat([1, 2, 3], [3])];
        return {
          noEpochs: api.batchGradientDescent(x, y, { learningRate: 0.1, epochs: 0 }),
          learningRate: settle(() => api.batchGradientDescent(x, y, { learningRate: lr, epochs: 1 })),
          epochs: settle(() => api.batchGradientDescent(x, y, { learningRate: 0.1, epochs })),
        };
      },
    }),
    c({
      name: 'mini-batch with one batch of all the samples is batch gradient descent',
      step: 5,
      count: 4,
      input: (r) => {
        const { n, d } = size(r);
        return {
          p: problem(r, n, d),
          extra: r.int(0, 4),
          learningRate: r.float(0.01, 0.15),
          epochs: r.int(1, 8),
          seed: r.seed(),
        };
      },
      // The batch is a permutation of all the samples: only the order of the sums may differ.
      run: (api, { p: { x, y }, extra, learningRate, epochs, seed }) =>
        api.miniBatchGradientDescent(x, y, { learningRate, epochs, seed, batchSize: x.shape[0] + extra }),
    }),
    c({
      name: 'mini-batch and stochastic steps replayed on their BatchGenerator',
      step: 5,
      count: 4,
      input: (r) => {
        const n = r.int(4, 12);
        const batchSize = r.int(1, n);
        return {
          p: problem(r, n, r.int(1, 3)),
          o: {
            learningRate: r.float(0.01, 0.1),
            epochs: r.int(1, 3),
            batchSize,
            seed: r.seed(),
            dropRemainder: r.bool(),
          },
          sgdSeed: r.seed(),
        };
      },
      run: (api, { p, o, sgdSeed }) => {
        const sgd = { ...o, batchSize: 1, seed: sgdSeed, dropRemainder: false };
        return {
          mini: stochasticOutcome(api, 'miniBatchGradientDescent', p, o, () =>
            api.miniBatchGradientDescent(p.x, p.y, o),
          ),
          sgd: stochasticOutcome(api, 'stochasticGradientDescent', p, sgd, () =>
            api.stochasticGradientDescent(p.x, p.y, { learningRate: o.learningRate, epochs: o.epochs, seed: sgdSeed }),
          ),
        };
      },
    }),
    c({
      name: 'mini-batch refuses bad options',
      step: 5,
      count: 3,
      input: (r) => ({ n: r.int(2, 6), lr: r.pick([0, -1]) }),
      run: (api, { n, lr }) => {
        const [x, y] = [NDArray.ones([n, 2]), NDArray.ones([n])];
        const ok = { learningRate: 0.1, epochs: 1, seed: 1 };
        return {
          steps: api.miniBatchGradientDescent(x, y, { ...ok, batchSize: 1 }).lossByStep.length,
          batchSize: settle(() => api.miniBatchGradientDescent(x, y, { ...ok, batchSize: 0 })),
          noBatch: settle(() => api.miniBatchGradientDescent(x, y, { ...ok, batchSize: n + 1, dropRemainder: true })),
          learningRate: settle(() => api.stochasticGradientDescent(x, y, { ...ok, learningRate: lr })),
        };
      },
    }),
    c({
      name: 'hasDiverged: NaN, infinities and the 1000× limit',
      step: 6,
      count: 5,
      input: (r) => {
        // eighths, so that 1000 × lossBefore and loss / lossBefore are exact whichever way it is written
        const before = r.int(1, 80) / 8;
        const near = () => before * 1000 * r.pick([0.5, 0.999, 1.001, 2]);
        return [
          [before * 1000, before],
          [near(), before],
          [near(), before],
          [r.float(0, before), before],
          [Number.NaN, before],
          [Number.POSITIVE_INFINITY, before],
          // 1000 × 1e306 overflows: Infinity <= Infinity must not pass for a finite loss
          [Number.POSITIVE_INFINITY, 1e306],
          [0, 0],
          [r.float(0.1, 1), 0],
        ];
      },
      run: (api, pairs) => pairs.map(([loss, before]) => api.hasDiverged(loss, before)),
    }),
    c({
      name: 'batch gradient descent stops with a DivergenceError',
      step: 6,
      count: 4,
      input: (r) => {
        const { n, d } = size(r);
        return { p: problem(r, n, d), learningRate: r.float(1.5, 4), nanAt: r.int(0, d - 1) };
      },
      // Deterministic: a run that (rarely) never blows up must return the same result on both sides.
      run: (api, { p: { x, y }, learningRate, nanAt }) => {
        const d = x.shape[1];
        const w = Array.from({ length: d }, (_, j) => (j === nanAt ? Number.NaN : 0));
        return {
          large: outcome(api, 'batchGradientDescent', () =>
            api.batchGradientDescent(x, y, { learningRate, epochs: 60 }),
          ),
          nan: outcome(api, 'batchGradientDescent', () =>
            api.batchGradientDescent(x, y, { learningRate: 0.1, epochs: 3, initial: params(w, 0) }),
          ),
        };
      },
    }),
    c({
      name: 'stochastic and mini-batch loops stop at the first step that blows up',
      step: 6,
      count: 4,
      input: (r) => {
        const n = r.int(4, 10);
        const p = problem(r, n, r.int(1, 3));
        return { p, o: { learningRate: r.float(2, 5), epochs: 30, batchSize: r.int(2, 4), seed: r.seed() } };
      },
      run: (api, { p, o }) => ({
        mini: stochasticOutcome(api, 'miniBatchGradientDescent', p, o, () => api.miniBatchGradientDescent(p.x, p.y, o)),
        sgd: stochasticOutcome(api, 'stochasticGradientDescent', p, { ...o, batchSize: 1 }, () =>
          api.stochasticGradientDescent(p.x, p.y, { learningRate: o.learningRate, epochs: o.epochs, seed: o.seed }),
        ),
      }),
    }),
  ],
});
