/**
 * A multi-layer perceptron of Dense layers on flat Float32Arrays — the from-scratch model
 * behind `npm run mnist`, the same network as the book's 2.5 (NaiveDense, NaiveSequential)
 * written for speed: preallocated buffers, the kernels of lib/kernels, and the softmax +
 * cross-entropy gradient in its simple fused form p − y.
 */
import { ArgumentError, ShapeError } from '../errors.ts';
import * as K from '../kernels/index.ts';
import { type MatmulKernels, matmulKernels } from '../kernels/simd/index.ts';
import { createRng } from '../rng.ts';
import { addBiasRelu, reluBackward } from './fused.ts';

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
  /** the matrix products: the SIMD kernels where the runtime has them (default), or plainKernels */
  kernels?: MatmulKernels;
}

/** Per-batch-size scratch buffers: activations of every layer and their gradients. */
interface Workspace {
  batch: number;
  acts: Float32Array[]; // acts[l] = output of layer l
  deltas: Float32Array[]; // dL/dZ of layer l
  grads: Float32Array[]; // [dW0, db0, dW1, db1, …]
  predictions: Int32Array;
}

export class MLP {
  readonly layers: DenseParams[];
  private workspace: Workspace | null = null;
  /** where the gradients go instead of the workspace's own arrays (adoptGradients) */
  private gradBuffers: Float32Array[] | null = null;
  /** which matmul kernels the passes use; `kernels.simd` says whether they are the SIMD ones */
  readonly kernels: MatmulKernels;

  readonly inputSize: number;
  constructor(inputSize: number, specs: readonly LayerSpec[], options: MlpOptions = {}) {
    this.inputSize = inputSize;
    this.kernels = options.kernels ?? matmulKernels();
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

  /**
   * Writes the gradients of lossAndGradients into the given arrays (params() order and lengths)
   * from now on: a GradientPool's shared memory, which the other threads read without a copy.
   */
  adoptGradients(buffers: readonly Float32Array[]): void {
    const params = this.params();
    if (buffers.length !== params.length || params.some((p, k) => buffers[k]?.length !== p.length)) {
      throw new ArgumentError('MLP.adoptGradients', `needs ${params.length} arrays of the lengths of params()`);
    }
    this.gradBuffers = [...buffers];
    if (this.workspace) this.workspace.grads = this.gradBuffers;
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
      grads: this.gradBuffers ?? this.layers.flatMap((l) => [new Float32Array(l.W.length), new Float32Array(l.units)]),
      predictions: new Int32Array(batch),
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
      const out = ws.acts[l];
      // the first layer keeps x's nonzeros listed for its weight gradient xᵀ·dZ (lossAndGradients)
      const matmul = (l === 0 && this.kernels.matmulKeep) || this.kernels.matmul;
      matmul(out, input, layer.W, batch, layer.inputs, layer.units);
      if (layer.activation === 'relu') (this.kernels.addBiasRelu ?? addBiasRelu)(out, layer.bias, batch, layer.units);
      else {
        K.addBias(out, out, layer.bias, batch, layer.units);
        activate(out, batch, layer.units, layer.activation);
      }
      input = out;
    });
    return ws.acts[this.layers.length - 1];
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
    const loss = K.crossEntropySum(probs, labels, batch, classes);
    const correct = K.argmaxRows(ws.predictions, probs, labels, batch, classes);
    K.crossEntropyBackward(ws.deltas[L - 1], probs, labels, batch, classes);
    // Back through the layers: dW = aᵀ·dZ, db = Σ dZ, dA_prev = dZ·Wᵀ, dZ_prev = dA_prev ⊙ act′.
    for (let l = L - 1; l >= 0; l--) {
      const layer = this.layers[l];
      const input = l === 0 ? x : ws.acts[l - 1];
      const dZ = ws.deltas[l];
      // x is the one forward listed, unchanged since
      const transA = (l === 0 && this.kernels.matmulTransAKept) || this.kernels.matmulTransA;
      transA(ws.grads[2 * l], input, dZ, layer.inputs, batch, layer.units);
      K.sumRows(ws.grads[2 * l + 1], dZ, batch, layer.units);
      if (l > 0) {
        const dPrev = ws.deltas[l - 1];
        this.kernels.matmulTransB(dPrev, dZ, layer.W, batch, layer.units, layer.inputs);
        activationBackward(dPrev, ws.acts[l - 1], this.layers[l - 1].activation, this.kernels.reluBackward);
      }
    }
    return { loss: loss / batch, correct, grads: ws.grads };
  }
}

/** Applies the activation (relu is fused with the bias in forward) in place to a [rows × cols] buffer. */
function activate(z: Float32Array, rows: number, cols: number, activation: Activation): void {
  if (activation === 'sigmoid') K.sigmoid(z, z, rows * cols);
  else if (activation === 'tanh') K.tanh(z, z, rows * cols);
  else if (activation === 'softmax') K.softmax(z, z, rows, cols);
}

/** dZ = dA ⊙ act′(Z), computed from the activation's output a (in place on dA). */
function activationBackward(
  dA: Float32Array,
  a: Float32Array,
  activation: Activation,
  relu: typeof reluBackward = reluBackward,
): void {
  if (activation === 'relu') relu(dA, a, dA.length);
  else if (activation === 'sigmoid') K.sigmoidBackward(dA, dA, a, dA.length);
  else if (activation === 'tanh') K.tanhBackward(dA, dA, a, dA.length);
  else if (activation === 'softmax')
    throw new ArgumentError('MLP', 'softmax is only supported as the last layer (fused with cross-entropy)');
}
