/**
 * A multi-layer perceptron of Dense layers on flat Float32Arrays — the from-scratch model
 * behind `npm run mnist`, the same network as the book's 2.5 (NaiveDense, NaiveSequential)
 * written for speed: preallocated buffers, the kernels of ./kernels.ts, and the softmax +
 * cross-entropy gradient in its simple fused form p − y.
 */
import { ArgumentError, ShapeError } from '../errors.ts';
import { createRng } from '../rng.ts';
import { matmulInto, matmulTransAInto, matmulTransBInto, sumRowsInto } from './kernels.ts';

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'linear' | 'softmax';
export type Initializer = 'glorotUniform' | 'uniform';

export interface LayerSpec {
  units: number;
  activation: Activation;
}

export interface DenseParams {
  inputs: number;
  units: number;
  activation: Activation;
  /** kernel, row-major [inputs × units] */
  W: Float32Array;
  bias: Float32Array;
}

export interface MlpOptions {
  seed?: number;
  /** 'glorotUniform' (Keras' default) or 'uniform' in [0, 0.1] (the book's NaiveDense) */
  init?: Initializer;
}

/** Per-batch-size scratch buffers: activations of every layer and their gradients. */
interface Workspace {
  batch: number;
  acts: Float32Array[]; // acts[l] = output of layer l
  deltas: Float32Array[]; // dL/dZ of layer l
  grads: Float32Array[]; // [dW0, db0, dW1, db1, …]
}

export class MLP {
  readonly layers: DenseParams[];
  private workspace: Workspace | null = null;

  readonly inputSize: number;
  constructor(inputSize: number, specs: readonly LayerSpec[], options: MlpOptions = {}) {
    this.inputSize = inputSize;
    if (specs.length === 0) throw new ArgumentError('MLP', 'needs at least one layer');
    const rng = createRng(options.seed ?? 0);
    let inputs = inputSize;
    this.layers = specs.map(({ units, activation }) => {
      const W = new Float32Array(inputs * units);
      // Glorot/Xavier uniform: U(−l, l) with l = √(6 / (fan_in + fan_out)), Keras' default.
      const limit = Math.sqrt(6 / (inputs + units));
      for (let i = 0; i < W.length; i++)
        W[i] = options.init === 'uniform' ? rng.uniform(0, 0.1) : rng.uniform(-limit, limit);
      const layer = { inputs, units, activation, W, bias: new Float32Array(units) };
      inputs = units;
      return layer;
    });
  }

  get outputSize(): number {
    return (this.layers.at(-1) as DenseParams).units;
  }

  /** Weights in Keras' order: [W0, b0, W1, b1, …] (the arrays themselves, not copies). */
  params(): Float32Array[] {
    return this.layers.flatMap((l) => [l.W, l.bias]);
  }

  /**
   * Uses the given arrays (same lengths, in params() order) as the weights from now on — e.g.
   * views of SharedArrayBuffers that worker threads read too. With `copy` (the default) the
   * current weights are copied into them first; without, they are taken as they are.
   */
  adoptParams(buffers: readonly Float32Array[], copy = true): void {
    this.layers.forEach((layer, l) => {
      const W = buffers[2 * l];
      const bias = buffers[2 * l + 1];
      if (!W || !bias || W.length !== layer.W.length || bias.length !== layer.bias.length) {
        throw new ArgumentError(
          'MLP.adoptParams',
          `buffers ${2 * l} and ${2 * l + 1} must hold ${layer.W.length} and ${layer.bias.length} numbers`,
        );
      }
      if (copy) {
        W.set(layer.W);
        bias.set(layer.bias);
      }
      layer.W = W;
      layer.bias = bias;
    });
  }

  paramCount(): number {
    return this.layers.reduce((n, l) => n + l.W.length + l.bias.length, 0);
  }

  private ensureWorkspace(batch: number): Workspace {
    if (this.workspace?.batch === batch) return this.workspace;
    this.workspace = {
      batch,
      acts: this.layers.map((l) => new Float32Array(batch * l.units)),
      deltas: this.layers.map((l) => new Float32Array(batch * l.units)),
      grads: this.layers.flatMap((l) => [new Float32Array(l.W.length), new Float32Array(l.units)]),
    };
    return this.workspace;
  }

  /** Output of the last layer for `batch` rows of `x` (flat [batch × inputSize]). The buffer is reused. */
  forward(x: Float32Array, batch: number): Float32Array {
    if (x.length < batch * this.inputSize) {
      throw new ShapeError(
        'MLP.forward',
        `x holds ${x.length} numbers, ${batch} rows of ${this.inputSize} need ${batch * this.inputSize}`,
      );
    }
    const ws = this.ensureWorkspace(batch);
    let input = x;
    this.layers.forEach((layer, l) => {
      const out = ws.acts[l] as Float32Array;
      matmulInto(input, layer.W, out, batch, layer.inputs, layer.units, layer.bias);
      activate(out, batch, layer.units, layer.activation);
      input = out;
    });
    return ws.acts[this.layers.length - 1] as Float32Array;
  }

  /**
   * Forward and backward pass for sparse labels, with mean sparse categorical cross-entropy.
   * Returns the loss, the number of correct predictions, and the gradients [dW0, db0, …]
   * (buffers reused between calls).
   */
  lossAndGradients(
    x: Float32Array,
    labels: ArrayLike<number>,
    batch: number,
  ): { loss: number; correct: number; grads: Float32Array[] } {
    const last = this.layers.at(-1) as DenseParams;
    if (last.activation !== 'softmax') {
      throw new ArgumentError(
        'MLP.lossAndGradients',
        `the last layer must be softmax for cross-entropy, got ${last.activation}`,
      );
    }
    const probs = this.forward(x, batch);
    const ws = this.workspace as Workspace;
    const L = this.layers.length;
    const classes = last.units;
    // Loss, accuracy and dL/dZ of the softmax layer: (p − onehot(y)) / batch.
    const dOut = ws.deltas[L - 1] as Float32Array;
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < batch; i++) {
      const y = labels[i] as number;
      const o = i * classes;
      let best = 0;
      for (let c = 0; c < classes; c++) {
        dOut[o + c] = (probs[o + c] as number) / batch;
        if ((probs[o + c] as number) > (probs[o + best] as number)) best = c;
      }
      dOut[o + y] -= 1 / batch;
      loss -= Math.log(Math.max(probs[o + y] as number, 1e-7)); // Keras clips to [ε, 1 − ε]
      if (best === y) correct++;
    }
    // Back through the layers: dW = aᵀ·dZ, db = Σ dZ, dA_prev = dZ·Wᵀ, dZ_prev = dA_prev ⊙ act′.
    for (let l = L - 1; l >= 0; l--) {
      const layer = this.layers[l] as DenseParams;
      const input = l === 0 ? x : (ws.acts[l - 1] as Float32Array);
      const dZ = ws.deltas[l] as Float32Array;
      matmulTransAInto(input, dZ, ws.grads[2 * l] as Float32Array, batch, layer.inputs, layer.units);
      sumRowsInto(dZ, ws.grads[2 * l + 1] as Float32Array, batch, layer.units);
      if (l > 0) {
        const prev = this.layers[l - 1] as DenseParams;
        const dPrev = ws.deltas[l - 1] as Float32Array;
        matmulTransBInto(dZ, layer.W, dPrev, batch, layer.units, layer.inputs);
        activationBackward(dPrev, ws.acts[l - 1] as Float32Array, prev.activation);
      }
    }
    return { loss: loss / batch, correct, grads: ws.grads };
  }
}

/** Applies the activation in place to a [rows × cols] buffer. */
function activate(z: Float32Array, rows: number, cols: number, activation: Activation): void {
  const n = rows * cols;
  switch (activation) {
    case 'relu':
      // NOTE: `<= 0` and not `< 0`: relu(−0) is +0 in TF.js; NaN fails both tests and stays NaN.
      for (let i = 0; i < n; i++) if ((z[i] as number) <= 0) z[i] = 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) z[i] = 1 / (1 + Math.exp(-(z[i] as number)));
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) z[i] = Math.tanh(z[i] as number);
      return;
    case 'linear':
      return;
    case 'softmax':
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let m = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < cols; j++) m = Math.max(m, z[o + j] as number);
        let s = 0;
        for (let j = 0; j < cols; j++) {
          const e = Math.exp((z[o + j] as number) - m);
          z[o + j] = e;
          s += e;
        }
        for (let j = 0; j < cols; j++) z[o + j] = (z[o + j] as number) / s;
      }
      return;
  }
}

/** dZ = dA ⊙ act′(Z), computed from the activation's output a (in place on dA). */
function activationBackward(dA: Float32Array, a: Float32Array, activation: Activation): void {
  const n = dA.length;
  switch (activation) {
    case 'relu':
      // NOTE: relu′(0) = 0, as TensorFlow defines it; a = 0 exactly where z ≤ 0. Multiplied, as
      // TF.js' dy·step(z), not assigned 0: a NaN or an infinity in dA stays NaN where a = 0.
      for (let i = 0; i < n; i++) dA[i] = (dA[i] as number) * ((a[i] as number) > 0 ? 1 : 0);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) dA[i] = (dA[i] as number) * (a[i] as number) * (1 - (a[i] as number));
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) dA[i] = (dA[i] as number) * (1 - (a[i] as number) ** 2);
      return;
    case 'linear':
      return;
    case 'softmax':
      throw new ArgumentError('MLP', 'softmax is only supported as the last layer (fused with cross-entropy)');
  }
}
