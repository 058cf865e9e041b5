/**
 * The judge of 10-mnist. The from-scratch half (steps 4–8) runs on tiny synthetic data with
 * weights the judge sets. The Keras half (steps 1 and 3) never loads TensorFlow.js: its functions
 * get a stand-in `tf` that records what they ask for (the layers, the compile settings, the
 * arguments of fit, predict and evaluate) and answers with numbers drawn by the judge, so that
 * the plumbing is compared, not a training run.
 */
import type * as Api from '../../exercises/10-mnist/mnist.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { createRng } from '../../lib/rng.ts';
import { defineJudge, settle } from '../judge/api.ts';
import { compileSettings, described, FLOAT32, labelsFor, model, network, standIn } from './support/10-mnist.ts';

export default defineJudge<typeof Api>({
  module: 'mnist.ts',
  cases: (c) => [
    c({
      name: 'buildModel and compileModel, on a stand-in for TensorFlow.js',
      step: 1,
      count: 3,
      input: (r) => r.int(0, 2 ** 20),
      run: (api, seed) => {
        const built = described(api, seed);
        const other = described(api, seed + 1000);
        const seedOf = (d: typeof built, k: number) =>
          (d.kernels[k] as { glorotUniform?: number | null }).glorotUniform;
        const { tf, model, calls } = standIn();
        api.compileModel(tf, model);
        // the seeds themselves are the learner's choice (seed, seed + 1, …): only what they must do is compared
        return {
          layers: built.layers,
          inputSize: built.inputSize,
          params: built.params,
          initializers: built.kernels.map((k) => Object.keys(k)[0]),
          seeded: [0, 1].map((k) => typeof seedOf(built, k) === 'number'),
          sameSeedSameModel: JSON.stringify(described(api, seed)) === JSON.stringify(built),
          otherSeedOtherKernel: seedOf(other, 0) !== seedOf(built, 0),
          compile: compileSettings(calls.compile as Parameters<typeof compileSettings>[0]),
        };
      },
    }),
    c({
      name: 'prepareImages of random stacks of pictures',
      step: 2,
      count: 4,
      input: (r) => {
        const shape = [r.int(1, 3), r.int(1, 6), r.int(1, 6)];
        const images = NDArray.fromFlat(
          Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.int(0, 255)),
          shape,
          'float32',
        );
        return { images, flat: r.ndarray([r.int(1, 3), r.int(1, 8)]) };
      },
      run: (api, { images, flat }) => {
        const x = api.prepareImages(images);
        return { x, dtype: x.dtype, imagesAfter: images, notAStack: settle(() => api.prepareImages(flat)) };
      },
    }),
    c({
      name: 'trainModel, predictClasses and evaluateModel, on a stand-in model',
      step: 3,
      count: 3,
      input: (r) => {
        const [n, f, k] = [r.int(2, 6), r.int(2, 6), r.int(2, 5)];
        const shuffle = r.pick([true, false, undefined]);
        return {
          images: NDArray.fromFlat(
            Array.from({ length: n * f }, () => r.int(0, 255) / 255),
            [n, f],
            'float32',
          ),
          labels: Uint8Array.from(labelsFor(r, n, k)),
          options: { epochs: r.int(1, 3), batchSize: r.int(1, 8), ...(shuffle === undefined ? {} : { shuffle }) },
          plan: {
            probs: r.ndarray([n, k], 0, 1),
            history: {
              loss: [r.float(0, 3), r.float(0, 3), r.float(0, 3)],
              acc: [r.float(0, 1), r.float(0, 1), r.float(0, 1)],
            },
            evaluation: [r.float(0, 3), r.float(0, 1)] as [number, number],
          },
        };
      },
      run: async (api, { images, labels, options, plan }) => {
        const { tf, model, calls } = standIn(plan);
        const history = await api.trainModel(tf, model, images, labels, options);
        const classes = api.predictClasses(tf, model, images);
        const evaluation = api.evaluateModel(tf, model, images, labels);
        const float32 = (v: unknown) => Math.fround(Number(v));
        return {
          history: { loss: Array.from(history.loss, float32), accuracy: Array.from(history.accuracy, float32) },
          classes: Array.from(classes, Number),
          evaluation: { loss: float32(evaluation.loss), accuracy: float32(evaluation.accuracy) },
          calls,
        };
      },
    }),
    c({
      name: 'NaiveDense: weights drawn from the rng, and the checks of its arguments',
      step: 4,
      count: 4,
      input: (r) => ({
        inputs: r.int(3, 8),
        outputs: r.int(4, 8),
        activation: r.pick(['relu', 'softmax'] as const),
        init: r.pick(['uniform', 'glorotUniform', undefined] as const),
        seed: r.seed(),
      }),
      run: (api, { inputs, outputs, activation, init, seed }) => {
        const make = () =>
          new api.NaiveDense(inputs, outputs, activation, { ...(init ? { init } : {}), rng: createRng(seed) });
        const layer = make();
        const limit = Math.sqrt(6 / (inputs + outputs));
        const [lo, hi] = init === 'glorotUniform' ? [-limit, limit] : [0, 0.1];
        // 1e-6 of slack: a bound rounded to float32 may sit just outside the float64 one
        const W = Array.from(layer.W.data);
        return {
          shapes: [layer.W.shape, layer.b.shape],
          inRange: W.every((v) => v >= lo - 1e-6 && v <= hi + 1e-6),
          bZero: Array.from(layer.b.data).every((v) => v === 0),
          weightsAreTheFields:
            layer.weights.length === 2 && layer.weights[0] === layer.W && layer.weights[1] === layer.b,
          sameRngSameW: JSON.stringify(Array.from(make().W.data)) === JSON.stringify(W),
          unknown: settle(() => new api.NaiveDense(3, 2, 'tanh' as Api.ActivationName, { rng: createRng(seed) })),
          noUnits: settle(() => new api.NaiveDense(3, 0, activation, { rng: createRng(seed) })),
        };
      },
    }),
    c({
      name: 'NaiveDense.call and NaiveSequential of random layers',
      step: 4,
      count: 4,
      input: (r) => {
        const net = network(r);
        return { ...net, x: r.ndarray([r.int(1, 4), net.sizes[0]], 0, 1), gap: r.int(1, 3) };
      },
      tolerance: FLOAT32,
      run: (api, { sizes, weights, x, gap }) => {
        const seq = model(api, sizes, weights);
        const each: NDArray[] = [];
        let a = x;
        for (const layer of seq.layers) {
          a = layer.call(a);
          each.push(a);
        }
        const rng = createRng(2);
        const [k, m] = [sizes[1], sizes[1] + gap];
        return {
          each,
          call: seq.call(x),
          weightsInOrder: seq.weights.length === weights.length && seq.weights.every((w, i) => w === weights[i]),
          misfit: settle(
            () =>
              new api.NaiveSequential([
                new api.NaiveDense(2, k, 'relu', { rng }),
                new api.NaiveDense(m, 2, 'softmax', { rng }),
              ]),
          ),
        };
      },
    }),
    c({
      name: 'BatchGenerator: consecutive batches, then no more',
      step: 5,
      count: 4,
      input: (r) => {
        const n = r.int(1, 10);
        return {
          images: r.ndarray([n, r.int(1, 4)]),
          labels: labelsFor(r, n, 10),
          batchSize: r.pick([undefined, r.int(1, n + 2)]),
          off: r.pick([-1, 1]),
        };
      },
      run: (api, { images, labels, batchSize, off }) => {
        const gen =
          batchSize === undefined
            ? new api.BatchGenerator(images, labels)
            : new api.BatchGenerator(images, labels, batchSize);
        const batches = Array.from({ length: gen.numBatches }, () => {
          const b = gen.next();
          return { images: b.images, labels: Array.from(b.labels) };
        });
        return {
          numBatches: gen.numBatches,
          batches,
          afterTheLast: settle(() => gen.next()),
          labelCount: settle(
            () => new api.BatchGenerator(images, [...labels, ...labels].slice(0, labels.length + off), 1),
          ),
          batchSize: settle(() => new api.BatchGenerator(images, labels, 0)),
        };
      },
    }),
    c({
      name: 'lossAndGradients of random relu-softmax networks',
      step: 6,
      count: 5,
      input: (r) => {
        const net = network(r);
        const n = r.int(1, 5);
        const k = net.sizes.at(-1) as number;
        return { ...net, x: r.ndarray([n, net.sizes[0]], 0, 1), labels: labelsFor(r, n, k) };
      },
      tolerance: FLOAT32,
      run: (api, { sizes, weights, x, labels }) => {
        const seq = model(api, sizes, weights);
        const k = sizes.at(-1) as number;
        const reluLast = new api.NaiveSequential([new api.NaiveDense(sizes[0], 2, 'relu', { rng: createRng(3) })]);
        return {
          ...api.lossAndGradients(seq, x, labels),
          labelCount: settle(() => api.lossAndGradients(seq, x, [...labels, 0])),
          notAClass: settle(() =>
            api.lossAndGradients(
              seq,
              x,
              labels.map((y, i) => (i === 0 ? k : y)),
            ),
          ),
          notSoftmaxLast: settle(() =>
            api.lossAndGradients(
              reluLast,
              x,
              labels.map(() => 0),
            ),
          ),
        };
      },
    }),
    c({
      name: 'updateWeights in place, and trainingStep',
      step: 7,
      count: 4,
      input: (r) => {
        const net = network(r);
        const n = r.int(1, 5);
        return {
          ...net,
          grads: net.weights.map((w) => r.ndarray(w.shape)),
          x: r.ndarray([n, net.sizes[0]], 0, 1),
          labels: labelsFor(r, n, net.sizes.at(-1) as number),
          lr: r.float(0.01, 0.5),
        };
      },
      tolerance: FLOAT32,
      run: (api, { sizes, weights, grads, x, labels, lr }) => {
        const copies = weights.map((w) => w.clone());
        api.updateWeights(grads, copies, lr);
        const updated = copies.map((w) => w.clone());
        const first = copies[0] as NDArray;
        const counts = settle(() => api.updateWeights(grads.slice(1), copies, lr));
        const shapes = settle(() =>
          api.updateWeights([NDArray.zeros([...first.shape].reverse().concat(2))], [first], lr),
        );
        const seq = model(api, sizes, weights);
        const losses = [0, 1].map(() => api.trainingStep(seq, x, labels, lr));
        return { updated, gradsAfter: grads, losses, weights, counts, shapes };
      },
    }),
    c({
      name: 'fit for a few epochs, and evaluate',
      step: 8,
      count: 4,
      input: (r, i) => {
        const net = network(r, r.int(0, 1));
        const n = r.int(3, 10);
        const k = net.sizes.at(-1) as number;
        // evaluate on rows whose largest value leads by 0.2 or more: no near tie decides a class
        const rows = Array.from({ length: r.int(2, 8) }, () => {
          const row = Array.from({ length: k }, () => r.float(0, 1));
          row[r.int(0, k - 1)] = Math.max(...row) + r.float(0.2, 1);
          return row;
        });
        return {
          ...net,
          x: r.ndarray([n, net.sizes[0]], 0, 1),
          labels: labelsFor(r, n, k),
          options: {
            epochs: r.int(1, 3),
            learningRate: r.float(0.05, 0.5),
            // the first input has a smaller last batch: the epoch's loss weighs batches by their size
            ...(i === 0 ? { batchSize: n - 1 } : r.bool() ? { batchSize: r.int(1, n) } : {}),
          },
          scored: { x: NDArray.fromNested(rows), labels: labelsFor(r, rows.length, k) },
        };
      },
      tolerance: FLOAT32,
      run: (api, { sizes, weights, x, labels, options, scored }) => {
        const seq = model(api, sizes, weights);
        const losses = api.fit(seq, x, labels, options);
        const k = sizes.at(-1) as number;
        const identity = NDArray.fromFlat(
          Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0)),
          [k, k],
        );
        const judged = model(api, [k, k, k], [identity, NDArray.zeros([k]), identity.clone(), NDArray.zeros([k])]);
        return { losses, weights, accuracy: api.evaluate(judged, scored.x, scored.labels) };
      },
    }),
  ],
});
