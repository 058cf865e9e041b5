/**
 * The judge of 10-mnist's helpers: its inputs, stand-ins and replays, kept apart so that
 * grading/judges/10-mnist.ts reads as its list of cases.
 */
import type * as Api from '../../../exercises/10-mnist/mnist.ts';
import { NDArray } from '../../../lib/ndarray.ts';
import type { Tf } from '../../../lib/oracle.ts';
import { createRng } from '../../../lib/rng.ts';
import type { JudgeRng } from '../../judge/api.ts';

// ---- a stand-in for TensorFlow.js ------------------------------------------------------------

export type Values = number | ArrayLike<number> | readonly Values[];

export function flatten(v: Values, shape: number[] = []): { data: number[]; shape: number[] } {
  if (typeof v === 'number') return { data: [v], shape };
  const items = Array.from(v as ArrayLike<Values>);
  const inner = items.map((x) => flatten(x, []));
  return { data: inner.flatMap((x) => x.data), shape: [items.length, ...(inner[0]?.shape ?? [])] };
}

/** The few tensor methods the Keras way needs; values rounded to float32 (or int32) as TF.js keeps them. */
export class StandInTensor {
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
export const seen = (t: unknown) => {
  // a real tensor too, in case the learner's code made it with a TensorFlow.js of its own
  const like = t as { shape?: number[]; dataSync?: () => ArrayLike<number> } | null;
  return typeof like?.dataSync === 'function'
    ? { shape: [...(like.shape ?? [])], values: Array.from(like.dataSync()) }
    : { notATensor: String(t) };
};

export interface Plan {
  /** model.predict's answer: probabilities [n, k] */
  probs: NDArray;
  /** fit's loss and accuracy per epoch (as many as asked for), and evaluate's [loss, accuracy] */
  history: { loss: number[]; acc: number[] };
  evaluation: [number, number];
}

/** A stand-in `tf` and a model on it; `calls` records what the learner's code asked of them. */
export function standIn(plan?: Plan) {
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

export interface DenseConfig {
  units?: number;
  activation?: string;
  useBias?: boolean;
  inputShape?: number[];
  inputDim?: number;
  batchInputShape?: (number | null)[];
  kernelInitializer?: unknown;
}

/** The model buildModel built on the stand-in: layers, input size, parameters and kernel seeds. */
export function described(api: typeof Api, seed: number) {
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
export function compileSettings(config: { optimizer?: unknown; loss?: unknown; metrics?: unknown } = {}) {
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
export const FLOAT32 = { rtol: 1e-4, atol: 1e-5 };

/** Layer sizes [inputs, …hidden, classes] and float64 weights small enough that softmax never saturates. */
export function network(r: JudgeRng, hidden = r.int(0, 2)) {
  const sizes = [r.int(1, 5), ...Array.from({ length: hidden }, () => r.int(1, 5)), r.int(2, 4)];
  const weights = sizes
    .slice(1)
    .flatMap((out, i) => [r.ndarray([sizes[i], out], -0.8, 0.8), r.ndarray([out], -0.5, 0.5)]);
  return { sizes, weights };
}

/** relu layers then a softmax, holding exactly `weights` (the judge's arrays, changed in place by training). */
export function model(api: typeof Api, sizes: readonly number[], weights: readonly NDArray[]) {
  const rng = createRng(1);
  const layers = sizes.slice(1).map((out, i) => {
    const layer = new api.NaiveDense(sizes[i], out, i === sizes.length - 2 ? 'softmax' : 'relu', { rng });
    layer.W = weights[2 * i] as NDArray;
    layer.b = weights[2 * i + 1] as NDArray;
    return layer;
  });
  return new api.NaiveSequential(layers);
}

export const labelsFor = (r: JudgeRng, n: number, k: number) => Array.from({ length: n }, () => r.int(0, k - 1));
