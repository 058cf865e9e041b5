/**
 * Exercise 05 — the Dense layer forward pass: activations, a numerically safe softmax,
 * relu(x·W + b) on a batch, weight initialisers, a Dense layer, a Sequential model, and
 * predictions turned into classes. Reference solution.
 */

import { ArgumentError, assertRank, assertShape, ShapeError } from '../../lib/errors.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { add, map, matmul } from '../../lib/ops/index.ts';
import { createRng, type Rng } from '../../lib/rng.ts';
import { formatShape } from '../../lib/shape.ts';

// ---- Step 1: element-wise activations ---------------------------------------------------

/** Keras' default activation: the values unchanged (a new array). */
export function linear(x: NDArray): NDArray {
  return map(x, (v) => v);
}

/** max(x, 0), element by element. */
export function relu(x: NDArray): NDArray {
  return map(x, (v) => Math.max(v, 0));
}

/** 1 / (1 + e^−x), element by element: squashes any number into (0, 1). */
export function sigmoid(x: NDArray): NDArray {
  // NOTE: for v ≥ 0 use 1/(1 + e^−v), else e^v/(1 + e^v): the exponent is never positive.
  return map(x, (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))));
}

/** (e^x − e^−x) / (e^x + e^−x), element by element: squashes into (−1, 1). */
export function tanh(x: NDArray): NDArray {
  // NOTE: the formula itself gives Infinity/Infinity = NaN at |x| ≈ 710; Math.tanh does not.
  return map(x, Math.tanh);
}

// ---- Step 2: softmax --------------------------------------------------------------------

/**
 * exp(x_i) / Σ_j exp(x_j) along the last axis: every row becomes a probability distribution.
 * Shifted by the row's maximum first, which changes nothing mathematically but keeps exp
 * from overflowing (exp(1000) = Infinity) or every term underflowing (exp(−1000) = 0).
 */
export function softmax(x: NDArray): NDArray {
  if (x.rank === 0) {
    throw new ShapeError('softmax', 'needs at least one axis to normalise over, got a scalar (shape [])');
  }
  const n = x.shape[x.rank - 1];
  const rows = n === 0 ? 0 : x.size / n;
  const out = x.dtype === 'float32' ? new Float32Array(x.size) : new Float64Array(x.size);
  const row = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const offset = r * n;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) max = Math.max(max, x.data[offset + j]);
    let total = 0;
    for (let j = 0; j < n; j++) {
      row[j] = Math.exp(x.data[offset + j] - max);
      total += row[j];
    }
    for (let j = 0; j < n; j++) out[offset + j] = row[j] / total;
  }
  return new NDArray(out, x.shape);
}

// ---- Step 3: the dense forward pass -------------------------------------------------------

export type ActivationName = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';
export type Activation = (x: NDArray) => NDArray;

const ACTIVATIONS: Record<ActivationName, Activation> = { linear, relu, sigmoid, tanh, softmax };

/** The activation function called `name`, as keras.activations.get(name). */
export function getActivation(name: ActivationName): Activation {
  if (!Object.hasOwn(ACTIVATIONS, name)) {
    throw new ArgumentError(
      'getActivation',
      `unknown activation ${JSON.stringify(name)} (known: ${Object.keys(ACTIVATIONS).join(', ')})`,
    );
  }
  return ACTIVATIONS[name];
}

/**
 * activation(x·W + b) for a batch x [batch, inputs], a kernel W [inputs, units] and a bias
 * b [units]: Keras' Dense layer, and the book's relu(dot(W, input) + b) for rows of samples.
 */
export function denseForward(x: NDArray, W: NDArray, b: NDArray, activation: ActivationName = 'linear'): NDArray {
  const f = getActivation(activation);
  const fail = (why: string): never => {
    throw new ShapeError(
      'denseForward',
      `x ${formatShape(x.shape)}, W ${formatShape(W.shape)} and b ${formatShape(b.shape)} do not fit: ${why}`,
    );
  };
  if (x.rank !== 2) fail(`x must be a batch [batch, features], but has rank ${x.rank}`);
  if (W.rank !== 2) fail(`W must be a matrix [inputs, units], but has rank ${W.rank}`);
  if (b.rank !== 1) fail(`b must be a vector [units], but has rank ${b.rank}`);
  const [, features] = x.shape as [number, number];
  const [inputs, units] = W.shape as [number, number];
  if (features !== inputs) fail(`x's ${features} features ≠ W's ${inputs} input rows`);
  if (b.shape[0] !== units) fail(`b's ${b.shape[0]} entries ≠ W's ${units} output columns`);
  // [batch, inputs]·[inputs, units] → [batch, units]; b [units] broadcasts over the batch axis.
  return f(add(matmul(x, W), b));
}

// ---- Step 4: weight initialisation ----------------------------------------------------------

export type KernelInitializer = 'uniform' | 'glorotUniform';

function checkFans(op: string, fanIn: number, fanOut: number): void {
  if (!Number.isInteger(fanIn) || !Number.isInteger(fanOut) || fanIn < 1 || fanOut < 1) {
    throw new ArgumentError(op, `fanIn and fanOut must be positive integers, got ${fanIn} and ${fanOut}`);
  }
}

/** Glorot (Xavier) uniform's bound: sqrt(6 / (fanIn + fanOut)), Keras' default for kernels. */
export function glorotLimit(fanIn: number, fanOut: number): number {
  checkFans('glorotLimit', fanIn, fanOut);
  return Math.sqrt(6 / (fanIn + fanOut));
}

/**
 * A new kernel [fanIn, fanOut] drawn from `rng`: 'uniform' in [0, 0.1) as the book's
 * NaiveDense, or 'glorotUniform' in [−limit, limit) as Keras' Dense does by default.
 */
export function initKernel(initializer: KernelInitializer, fanIn: number, fanOut: number, rng: Rng): NDArray {
  checkFans('initKernel', fanIn, fanOut);
  switch (initializer) {
    case 'uniform':
      return NDArray.randomUniform([fanIn, fanOut], 0, 0.1, { rng });
    case 'glorotUniform': {
      const limit = glorotLimit(fanIn, fanOut);
      return NDArray.randomUniform([fanIn, fanOut], -limit, limit, { rng });
    }
    default:
      throw new ArgumentError(
        'initKernel',
        `unknown kernel initializer ${JSON.stringify(initializer)} (known: uniform, glorotUniform)`,
      );
  }
}

// ---- Step 5: the Dense layer ----------------------------------------------------------------

export interface DenseOptions {
  /** default 'linear', as in Keras */
  activation?: ActivationName;
  /** default 'glorotUniform', as in Keras */
  kernelInitializer?: KernelInitializer;
  /** Keras' input_dim: build the weights now. Without it the layer builds on its first batch. */
  inputDim?: number;
  /** seed of the layer's own generator (default: the run's seed, KATA_SEED) */
  seed?: number;
  /** a generator to draw from instead, e.g. one shared by all layers of a model */
  rng?: Rng;
}

/** A fully connected layer: output = activation(x·kernel + bias). */
export class Dense {
  readonly units: number;
  readonly activation: ActivationName;
  readonly kernelInitializer: KernelInitializer;
  private readonly rng: Rng;
  private kernel: NDArray | null = null;
  private bias: NDArray | null = null;

  constructor(units: number, options: DenseOptions = {}) {
    if (!Number.isInteger(units) || units < 1) {
      throw new ArgumentError('Dense', `units must be a positive integer, got ${units}`);
    }
    this.units = units;
    this.activation = options.activation ?? 'linear';
    getActivation(this.activation); // an unknown name fails here, not at the first batch
    this.kernelInitializer = options.kernelInitializer ?? 'glorotUniform';
    this.rng = options.rng ?? createRng(options.seed);
    if (options.inputDim !== undefined) this.build(options.inputDim);
  }

  /** Creates the kernel [inputDim, units] with the initializer and a zero bias [units]. */
  build(inputDim: number): void {
    if (this.kernel) {
      const built = this.kernel.shape[0];
      if (built === inputDim) return;
      throw new ShapeError('Dense.build', `the layer is built for ${built} inputs, cannot rebuild it for ${inputDim}`);
    }
    this.kernel = initKernel(this.kernelInitializer, inputDim, this.units, this.rng);
    this.bias = NDArray.zeros([this.units]);
  }

  /** [kernel, bias] — the arrays themselves, as Keras' layer.weights — or [] before build. */
  get weights(): NDArray[] {
    return this.kernel && this.bias ? [this.kernel, this.bias] : [];
  }

  /** Replaces the kernel and the bias with copies of these, which must have the same shapes. */
  setWeights(weights: readonly NDArray[]): void {
    if (!this.kernel || !this.bias) {
      throw new ArgumentError(
        'Dense.setWeights',
        'the layer is not built yet: give it inputDim, call build(), or call it on a batch first',
      );
    }
    if (weights.length !== 2) {
      throw new ArgumentError('Dense.setWeights', `expected 2 arrays [kernel, bias], got ${weights.length}`);
    }
    const [kernel, bias] = weights as [NDArray, NDArray];
    assertShape('Dense.setWeights', 'kernel', kernel.shape, this.kernel.shape);
    assertShape('Dense.setWeights', 'bias', bias.shape, this.bias.shape);
    this.kernel = kernel.clone();
    this.bias = bias.clone();
  }

  /** activation(x·kernel + bias) for a batch x [batch, inputs]; builds the layer if needed. */
  call(x: NDArray): NDArray {
    if (!this.kernel) {
      assertRank('Dense.call', 'x', x.shape, 2);
      this.build(x.shape[1]);
    }
    return denseForward(x, this.kernel as NDArray, this.bias as NDArray, this.activation);
  }
}

// ---- Step 6: a Sequential model ---------------------------------------------------------------

export interface SequentialOptions {
  /** the number of input features, if the first layer was not given inputDim */
  inputDim?: number;
}

/** Layers applied one after another, as keras.Sequential (the book's NaiveSequential). */
export class Sequential {
  readonly layers: readonly Dense[];

  constructor(layers: readonly Dense[], options: SequentialOptions = {}) {
    if (layers.length === 0) throw new ArgumentError('Sequential', 'needs at least one layer');
    let inputs = options.inputDim ?? layers[0]?.weights[0]?.shape[0];
    if (inputs === undefined) {
      throw new ArgumentError(
        'Sequential',
        'cannot build the model: give the first layer inputDim (Keras: input_shape) or pass { inputDim }',
      );
    }
    layers.forEach((layer, i) => {
      const kernel = layer.weights[0];
      if (!kernel) layer.build(inputs);
      else if (kernel.shape[0] !== inputs) {
        const source = i === 0 ? `inputDim is ${inputs}` : `layers[${i - 1}] gives ${inputs} outputs`;
        throw new ShapeError(
          'Sequential',
          `layers[${i}] (Dense ${layer.units}) has a kernel ${formatShape(kernel.shape)} for ${kernel.shape[0]} inputs, but ${source}`,
        );
      }
      inputs = layer.units;
    });
    this.layers = [...layers];
  }

  /** The output of the last layer for a batch x [batch, inputs]. */
  predict(x: NDArray): NDArray {
    return this.layers.reduce((h, layer) => layer.call(h), x);
  }

  /** Every layer's weights in order: [kernel0, bias0, kernel1, bias1, …]. */
  get weights(): NDArray[] {
    return this.layers.flatMap((layer) => layer.weights);
  }

  weightShapes(): number[][] {
    return this.weights.map((w) => [...w.shape]);
  }

  /** The number of trainable numbers: Σ (inputs·units + units) over the layers. */
  countParams(): number {
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** A table like Keras' model.summary(): one row per layer, then the totals. */
  summary(): string {
    const n = (v: number) => v.toLocaleString('en-US');
    const row = (a: string, b: string, c: string) => ` ${a.padEnd(28)}${b.padEnd(26)}${c}`;
    const line = (ch: string) => ch.repeat(65);
    const total = this.countParams();
    return [
      'Model: "sequential"',
      line('_'),
      row('Layer (type)', 'Output Shape', 'Param #'),
      line('='),
      ...this.layers.map((layer, i) => {
        const params = layer.weights.reduce((s, w) => s + w.size, 0);
        return row(`${i === 0 ? 'dense' : `dense_${i}`} (Dense)`, `(None, ${layer.units})`, String(params));
      }),
      line('='),
      `Total params: ${n(total)}`,
      `Trainable params: ${n(total)}`,
      'Non-trainable params: 0',
      line('_'),
    ].join('\n');
  }
}

// ---- Step 7: from probabilities to classes ------------------------------------------------------

/**
 * The index of the largest value of every row (last axis), the first one on ties: np.argmax(x, -1).
 * NOTE: `>` passes over a NaN, so a NaN wins only in the first place, as in tf.argMax (np.argmax
 * returns the first NaN).
 */
export function argmax(x: NDArray): number[] {
  if (x.rank === 0) throw new ShapeError('argmax', 'needs at least one axis, got a scalar (shape [])');
  const n = x.shape[x.rank - 1];
  if (n === 0) throw new ShapeError('argmax', `the last axis is empty (shape ${formatShape(x.shape)})`);
  const out: number[] = [];
  for (let offset = 0; offset < x.size; offset += n) {
    let best = 0;
    for (let j = 1; j < n; j++) if (x.data[offset + j] > x.data[offset + best]) best = j;
    out.push(best);
  }
  return out;
}

/** The predicted class of every sample: argmax(model.predict(x)). */
export function predictClasses(model: Sequential, x: NDArray): number[] {
  return argmax(model.predict(x));
}
