/**
 * Optimizers for lib/nn, with the formulas of Keras 2 (the book's framework). Each keeps its
 * state per parameter and updates the parameters in place with the steps of
 * lib/kernels/optimizers.ts, where the update rules are written out.
 *
 * NOTE: TensorFlow.js and Keras 3 put RMSprop's ε inside the square root (g / √(s + ε));
 * exercise 08 teaches both. With ε = 1e-7 the two train alike.
 *
 * A NaN or infinite gradient makes its parameter NaN or ±Infinity as in TF.js (Infinity/Infinity
 * is NaN in RMSprop and Adam); a −0 or subnormal gradient leaves it where TF.js does.
 * NOTE: the state is stored in float32 but each update is computed in float64 from it, where
 * TF.js rounds every intermediate to float32. RMSprop is the exception where WebAssembly SIMD
 * runs: its update is lib/kernels/simd's float32 kernel (4–6× the plain loop on MNIST's
 * 400 K weights), rounded at every step as in TF.js, and on 2 threads that kernel also sums the
 * threads' gradients (stepMean); the plain rmspropStep is the fallback. Where a gradient's square overflows float32
 * (|g| > 1.8e19) TF.js' state is Infinity at once and w stays put; here the first RMSprop or
 * Adam step still moves w (by about lr·√(1/(1 − ρ)) or lr), and from the next step on the stored
 * state is Infinity here too. Likewise TF.js' Nesterov step lr·(g + μ·a) is ∓Infinity where
 * g + μ·a overflows (|g| near the largest float32), and finite here.
 */
import { ArgumentError } from '../errors.ts';
import { adamRate, adamStep, momentumStep, sgdStep } from '../kernels/index.ts';
import { rmspropKernel, rmspropMeanKernel } from '../kernels/simd/index.ts';

/**
 * Part `index` of `count`: each parameter array cut into `count` contiguous ranges. A
 * GradientPool's threads each update their own part of every array, in parallel.
 */
export interface Part {
  index: number;
  count: number;
}

/** What rebuilds an optimizer in another thread (class name and constructor arguments). */
export interface OptimizerSpec {
  kind: 'SGD' | 'RMSprop' | 'Adam';
  args: (number | boolean)[];
}

export interface Optimizer {
  readonly name: string;
  /** Updates `params` in place from `grads`; with `part`, only that part of each array. */
  step(params: Float32Array[], grads: Float32Array[], part?: Part): void;
  /** How to rebuild it in a worker thread; without it, a GradientPool updates on one thread. */
  spec?(): OptimizerSpec;
  /**
   * `step` on `part` of the gradient weights[0]·sources[0] + weights[1]·sources[1] (two threads'
   * shares of a batch), summed inside the optimizer's own kernel. Returns false, having done
   * nothing, where it has none (then the caller sums them with combinePart and calls step).
   */
  stepMean?(params: Float32Array[], sources: Float32Array[][], weights: ArrayLike<number>, part: Part): boolean;
}

/** The range [from, to) of an array of `length` that `part` covers. */
export function partRange(length: number, { index, count }: Part): [number, number] {
  return [Math.floor((length * index) / count), Math.floor((length * (index + 1)) / count)];
}

/**
 * A fresh optimizer like the one `spec` describes (its state starts empty).
 * NOTE: one thread's optimizer keeps the state of the part it updates; a pool's threads, each
 * with its own, keep between them the state one optimizer would.
 */
export function optimizerFromSpec({ kind, args }: OptimizerSpec): Optimizer {
  const [a, b, c, d] = args as number[];
  if (kind === 'SGD') return new SGD(a, b, Boolean(args[2]));
  if (kind === 'RMSprop') return new RMSprop(a, b, c);
  return new Adam(a, b, c, d);
}

/**
 * What every optimizer here shares: state arrays per parameter (`slots` of them: a velocity,
 * or Adam's m and v), made at the first step, and an update applied to each parameter.
 */
abstract class SlotOptimizer implements Optimizer {
  abstract readonly name: string;
  protected state: Float32Array[][] = [];
  private readonly slots: number;
  constructor(slots: number) {
    this.slots = slots;
  }
  protected ensureState(params: Float32Array[]): void {
    if (this.state.length === 0)
      for (const p of params) this.state.push(Array.from({ length: this.slots }, () => new Float32Array(p.length)));
  }
  step(params: Float32Array[], grads: Float32Array[], part?: Part): void {
    this.ensureState(params);
    this.beginStep();
    for (const [k, w] of params.entries()) {
      if (!part) {
        this.update(w, grads[k], this.state[k]);
        continue;
      }
      const [from, to] = partRange(w.length, part);
      const slice = (x: Float32Array) => x.subarray(from, to);
      this.update(slice(w), slice(grads[k]), this.state[k].map(slice));
    }
  }
  abstract spec(): OptimizerSpec;
  /** Called once per step, before the updates (Adam counts its steps). */
  protected beginStep(): void {}
  protected abstract update(w: Float32Array, g: Float32Array, state: Float32Array[]): void;
}

/** SGD (momentum 0), momentum, or Nesterov momentum. */
export class SGD extends SlotOptimizer {
  readonly name = 'sgd';
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(lr: number = 0.01, momentum: number = 0, nesterov: boolean = false) {
    super(1);
    [this.lr, this.momentum, this.nesterov] = [lr, momentum, nesterov];
  }
  spec(): OptimizerSpec {
    return { kind: 'SGD', args: [this.lr, this.momentum, this.nesterov] };
  }
  protected update(w: Float32Array, g: Float32Array, [v]: Float32Array[]): void {
    if (this.momentum === 0) sgdStep(w, g, w.length, this.lr);
    else momentumStep(w, v, g, w.length, this.lr, this.momentum, this.nesterov);
  }
}

export class RMSprop extends SlotOptimizer {
  readonly name = 'rmsprop';
  readonly lr: number;
  readonly rho: number;
  readonly epsilon: number;
  constructor(lr: number = 0.001, rho: number = 0.9, epsilon: number = 1e-7) {
    super(1);
    [this.lr, this.rho, this.epsilon] = [lr, rho, epsilon];
  }
  spec(): OptimizerSpec {
    return { kind: 'RMSprop', args: [this.lr, this.rho, this.epsilon] };
  }
  protected update(w: Float32Array, g: Float32Array, [s]: Float32Array[]): void {
    rmspropKernel()(w, s, g, w.length, this.lr, this.rho, this.epsilon);
  }
  stepMean(params: Float32Array[], sources: Float32Array[][], weights: ArrayLike<number>, part: Part): boolean {
    const kernel = rmspropMeanKernel();
    const [a0, a1] = [weights[0], weights[1]];
    // a thread of weight 0 had no rows: its buffer holds old numbers, which 0· would not cancel if NaN
    if (!kernel || sources.length !== 2 || !a0 || !a1) return false;
    this.ensureState(params);
    for (const [k, w] of params.entries()) {
      const [from, to] = partRange(w.length, part);
      const slice = (x: Float32Array) => x.subarray(from, to);
      const [g0, g1] = [sources[0][k], sources[1][k]];
      kernel(
        slice(w),
        slice(this.state[k][0]),
        slice(g0),
        slice(g1),
        a0,
        a1,
        to - from,
        this.lr,
        this.rho,
        this.epsilon,
      );
    }
    return true;
  }
}

export class Adam extends SlotOptimizer {
  readonly name = 'adam';
  private t = 0;
  private alpha = 0;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(lr: number = 0.001, beta1: number = 0.9, beta2: number = 0.999, epsilon: number = 1e-7) {
    super(2);
    [this.lr, this.beta1, this.beta2, this.epsilon] = [lr, beta1, beta2, epsilon];
  }
  spec(): OptimizerSpec {
    return { kind: 'Adam', args: [this.lr, this.beta1, this.beta2, this.epsilon] };
  }
  protected override beginStep(): void {
    this.alpha = adamRate(this.lr, this.beta1, this.beta2, ++this.t);
  }
  protected update(w: Float32Array, g: Float32Array, [m, v]: Float32Array[]): void {
    adamStep(w, m, v, g, w.length, this.alpha, this.beta1, this.beta2, this.epsilon);
  }
}

export const OPTIMIZERS = ['sgd', 'momentum', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Builds an optimizer by name, with Keras' defaults unless lr is given. */
export function makeOptimizer(name: string, lr?: number): Optimizer {
  switch (name) {
    case 'sgd':
      return new SGD(lr ?? 0.01);
    case 'momentum':
      return new SGD(lr ?? 0.01, 0.9);
    case 'rmsprop':
      return new RMSprop(lr ?? 0.001);
    case 'adam':
      return new Adam(lr ?? 0.001);
    default:
      throw new ArgumentError(
        'optimizer',
        `unknown optimizer ${JSON.stringify(name)}: use one of ${OPTIMIZERS.join(', ')}`,
      );
  }
}
