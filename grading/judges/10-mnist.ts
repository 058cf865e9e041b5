/**
 * The judge of 10-mnist. The from-scratch half (steps 4–8) runs on tiny synthetic data with
 * weights the judge sets. The Keras half (steps 1 and 3) never loads TensorFlow.js: its functions
 * get a stand-in `tf` that records what they ask for (the layers, the compile settings, the
 * arguments of fit, predict and evaluate) and answers with numbers drawn by the judge, so that
 * the plumbing is compared, not a training run.
 */
import type * as Api from '../../exercises/10-mnist/mnist.ts';
import { NDArray } from '../../lib/ndarray.ts';
import type { Tf } from '../../lib/oracle.ts';
import { createRng } from '../../lib/rng.ts';
import { defineJudge, type JudgeRng, settle } from '../judge/api.ts';

// ---- a stand-in for TensorFlow.js ------------------------------------------------------------

type Values = number | ArrayLike<number> | readonly Values[];

function flatten(v: Values, shape: number[] = []): { data: number[]; shape: number[] } {
  if (typeof v === 'number') return { data: [v], shape };
  const items = Array.from(v as ArrayLike<Values>);
  const inner = items.map((x) => flatten(x, []));
  return { data: inner.flatMap((x) => x.data), shape: [items.length, ...(inner[0]?.shape ?? [])] };
}

/** The few tensor methods the Keras way needs; values rounded to float32 (or int32) as TF.js keeps them. */
class StandInTensor {
  readonly values: Float32Array | Int32Array;
  readonly shape: number[];
  readonly dtype: string;
  constructor(values: ArrayLike<number>, shape: number[], dtype: string = 'float32') {
    this.shape = shape;
    this.dtype = dtype;
    this.values = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
  }
  get rank() {
    return this.shape.length;
  }
  get size() {
    return this.values.length;
  }
  dataSync() {
    return this.values.slice();
  }
  async data() {
    return this.dataSync();
  }
  arraySync(): Values {
    const build = (axis: number, offset: number): Values => {
      if (axis === this.shape.length) return this.values[offset];
      const inner = this.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[axis] }, (_, i) => build(axis + 1, offset + i * inner));
    };
    return build(0, 0);
  }
  async array() {
    return this.arraySync();
  }
  argMax(axis = 0): StandInTensor {
    const ax = axis < 0 ? axis + this.rank : axis;
    const dims = this.shape;
    const [outer, n, inner] = [dims.slice(0, ax), dims[ax], dims.slice(ax + 1)];
    const [o, k] = [outer.reduce((a, b) => a * b, 1), inner.reduce((a, b) => a * b, 1)];
    const out: number[] = [];
    for (let i = 0; i < o; i++) {
      for (let j = 0; j < k; j++) {
        let best = 0;
        for (let c = 1; c < n; c++)
          if (this.values[(i * n + c) * k + j]! > this.values[(i * n + best) * k + j]!) best = c;
        out.push(best);
      }
    }
    return new StandInTensor(out, [...outer, ...inner], 'int32');
  }
  dispose() {}
}

/** What a call gave the stand-in, as plain data. */
const seen = (t: unknown) => {
  // a real tensor too, in case the learner's code made it with a TensorFlow.js of its own
  const like = t as { shape?: number[]; dataSync?: () => ArrayLike<number> } | null;
  return typeof like?.dataSync === 'function'
    ? { shape: [...(like.shape ?? [])], values: Array.from(like.dataSync()) }
    : { notATensor: String(t) };
};

interface Plan {
  /** model.predict's answer: probabilities [n, k] */
  probs: NDArray;
  /** fit's loss and accuracy per epoch (as many as asked for), and evaluate's [loss, accuracy] */
  history: { loss: number[]; acc: number[] };
  evaluation: [number, number];
}

/** A stand-in `tf` and a model on it; `calls` records what the learner's code asked of them. */
function standIn(plan?: Plan) {
  const calls: Record<string, unknown> = {};
  const tensor = (values: Values, shape?: number[], dtype?: string) => {
    const flat = flatten(values);
    return new StandInTensor(flat.data, shape ?? flat.shape, dtype);
  };
  const layersOf: unknown[] = [];
  const model = {
    layers: layersOf,
    add: (layer: unknown) => layersOf.push(layer),
    compile: (config: unknown) => {
      calls.compile = config;
    },
    fit: async (xs: unknown, ys: unknown, config: { epochs?: number; batchSize?: number; shuffle?: boolean } = {}) => {
      calls.fit = {
        xs: seen(xs),
        ys: seen(ys),
        epochs: config.epochs,
        batchSize: config.batchSize,
        shuffle: config.shuffle ?? true,
      };
      const epochs = config.epochs ?? 1;
      const h = plan?.history ?? { loss: [], acc: [] };
      return {
        epoch: Array.from({ length: epochs }, (_, i) => i),
        history: { loss: h.loss.slice(0, epochs), acc: h.acc.slice(0, epochs) },
      };
    },
    predict: (xs: unknown) => {
      calls.predict = seen(xs);
      const probs = plan?.probs ?? NDArray.zeros([1, 1]);
      return new StandInTensor(probs.data, [...probs.shape]);
    },
    evaluate: (xs: unknown, ys: unknown) => {
      calls.evaluate = { xs: seen(xs), ys: seen(ys) };
      return (plan?.evaluation ?? [0, 0]).map((v) => new StandInTensor([v], []));
    },
    dispose: () => {},
    summary: () => {},
  };
  const tf = {
    tensor,
    tensor1d: (values: Values, dtype?: string) => tensor(values, undefined, dtype),
    tensor2d: tensor,
    scalar: (v: number, dtype?: string) => new StandInTensor([v], [], dtype),
    tidy: (a: unknown, b?: unknown) => ((typeof a === 'function' ? a : b) as () => unknown)(),
    keep: <T>(t: T) => t,
    dispose: () => {},
    argMax: (t: StandInTensor, axis?: number) => t.argMax(axis),
    memory: () => ({ numTensors: 0 }),
    sequential: (config?: { layers?: unknown[] }) => {
      layersOf.push(...(config?.layers ?? []));
      return model;
    },
    layers: { dense: (config: unknown) => ({ dense: config }) },
    initializers: { glorotUniform: (config: { seed?: number } = {}) => ({ glorotUniform: config }) },
    train: { rmsprop: (learningRate: number) => ({ rmsprop: learningRate }) },
  };
  return { tf: tf as unknown as Tf, model: model as unknown as Api.Model, calls };
}

interface DenseConfig {
  units?: number;
  activation?: string;
  useBias?: boolean;
  inputShape?: number[];
  inputDim?: number;
  batchInputShape?: (number | null)[];
  kernelInitializer?: unknown;
}

/** The model buildModel built on the stand-in: layers, input size, parameters and kernel seeds. */
function described(api: typeof Api, seed: number) {
  const { tf } = standIn();
  const model = api.buildModel(tf, seed) as unknown as {
    layers: { dense?: DenseConfig; getConfig?: () => DenseConfig }[];
  };
  const configs = model.layers.map((l) => l.dense ?? l.getConfig?.() ?? {});
  const first = configs[0] ?? {};
  const inputSize = first.inputShape?.[0] ?? first.inputDim ?? first.batchInputShape?.[1] ?? null;
  let params = 0;
  let fanIn = inputSize ?? 0;
  for (const c of configs) {
    params += fanIn * (c.units ?? 0) + (c.useBias === false ? 0 : (c.units ?? 0));
    fanIn = c.units ?? 0;
  }
  const kernels = configs.map((c) => {
    // the stand-in's record, or a real initializer's serialised config (Glorot is a VarianceScaling)
    const serialised = c.kernelInitializer as
      | { className?: string; config?: { seed?: number; scale?: number; mode?: string; distribution?: string } }
      | undefined;
    const v = serialised?.config;
    const glorot = serialised?.className === 'VarianceScaling' && v?.scale === 1 && v.mode === 'fanAvg';
    const init =
      serialised?.className === 'GlorotUniform' || (glorot && v?.distribution === 'uniform')
        ? { glorotUniform: v ?? {} }
        : (c.kernelInitializer as { glorotUniform?: { seed?: number } } | string | undefined);
    return typeof init === 'object' && init.glorotUniform
      ? { glorotUniform: init.glorotUniform.seed ?? null }
      : { other: String(init) };
  });
  return { layers: configs.map((c) => [c.units, c.activation, c.useBias !== false]), inputSize, params, kernels };
}

/** Keras' names: an optimizer as a name or tf.train.rmsprop(lr), metrics as a list; 'acc' is 'accuracy'. */
function compileSettings(config: { optimizer?: unknown; loss?: unknown; metrics?: unknown } = {}) {
  const { optimizer, loss, metrics } = config;
  const named = typeof optimizer === 'string' ? { name: optimizer.toLowerCase(), learningRate: 0.001 } : null;
  const real = optimizer as { getClassName?: () => string; learningRate?: number } | undefined;
  const made =
    typeof real?.getClassName === 'function' && real.getClassName() === 'RMSProp'
      ? { rmsprop: real.learningRate }
      : (optimizer as { rmsprop?: number } | undefined);
  const list = (Array.isArray(metrics) ? metrics : [metrics]).map((m) => (m === 'acc' ? 'accuracy' : m));
  return {
    optimizer: named ?? (made?.rmsprop !== undefined ? { name: 'rmsprop', learningRate: made.rmsprop } : 'other'),
    loss,
    metrics: list,
  };
}

// ---- from scratch ---------------------------------------------------------------------------

/**
 * NOTE: the README has the weights stored in float32, as TensorFlow.js keeps them, and the specs
 * compare with TensorFlow.js within float32 tolerances; so a learner's arithmetic may round to
 * float32 anywhere. The judge sets float64 weights, and allows float32's rounding.
 */
const FLOAT32 = { rtol: 1e-4, atol: 1e-5 };

/** Layer sizes [inputs, …hidden, classes] and float64 weights small enough that softmax never saturates. */
function network(r: JudgeRng, hidden = r.int(0, 2)) {
  const sizes = [r.int(1, 5), ...Array.from({ length: hidden }, () => r.int(1, 5)), r.int(2, 4)];
  const weights = sizes
    .slice(1)
    .flatMap((out, i) => [r.ndarray([sizes[i], out], -0.8, 0.8), r.ndarray([out], -0.5, 0.5)]);
  return { sizes, weights };
}

/** relu layers then a softmax, holding exactly `weights` (the judge's arrays, changed in place by training). */
function model(api: typeof Api, sizes: readonly number[], weights: readonly NDArray[]) {
  const rng = createRng(1);
  const layers = sizes.slice(1).map((out, i) => {
    const layer = new api.NaiveDense(sizes[i], out, i === sizes.length - 2 ? 'softmax' : 'relu', { rng });
    layer.W = weights[2 * i] as NDArray;
    layer.b = weights[2 * i + 1] as NDArray;
    return layer;
  });
  return new api.NaiveSequential(layers);
}

const labelsFor = (r: JudgeRng, n: number, k: number) => Array.from({ length: n }, () => r.int(0, k - 1));

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
