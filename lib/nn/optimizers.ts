/**
 * Optimizers for lib/nn, with the formulas of Keras 2 (the book's framework). Each keeps its
 * state per parameter and updates the parameters in place with the steps of
 * lib/kernels/optimizers.ts, where the update rules are written out.
 *
 * NOTE: TensorFlow.js and Keras 3 put RMSProp's ε inside the square root (g / √(s + ε));
 * exercise 08 teaches both. With ε = 1e-7 the two train alike.
 *
 * A NaN or infinite gradient makes its parameter NaN or ±Infinity as in TF.js (Infinity/Infinity
 * is NaN in RMSprop and Adam); a −0 or subnormal gradient leaves it where TF.js does.
 * NOTE: the state is stored in float32 but each update is computed in float64 from it, where
 * TF.js rounds every intermediate to float32. Where a gradient's square overflows float32
 * (|g| > 1.8e19) TF.js' state is Infinity at once and w stays put; here the first RMSprop or
 * Adam step still moves w (by about lr·√(1/(1 − ρ)) or lr), and from the next step on the stored
 * state is Infinity here too. Likewise TF.js' Nesterov step lr·(g + μ·a) is ∓Infinity where
 * g + μ·a overflows (|g| near the largest float32), and finite here.
 */
import { ArgumentError } from '../errors.ts';
import { adamRate, adamStep, momentumStep, rmspropStep, sgdStep } from '../kernels/index.ts';

export interface Optimizer {
  readonly name: string;
  step(params: Float32Array[], grads: Float32Array[]): void;
}

/** One state array per parameter and slot (velocity; or m and v), created at the first step. */
function slots(params: Float32Array[], store: Float32Array[][], count: number): Float32Array[][] {
  if (store.length === 0)
    for (const p of params) store.push(Array.from({ length: count }, () => new Float32Array(p.length)));
  return store;
}

export class SGD implements Optimizer {
  readonly name = 'sgd';
  private velocity: Float32Array[][] = [];
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(lr: number = 0.01, momentum: number = 0, nesterov: boolean = false) {
    [this.lr, this.momentum, this.nesterov] = [lr, momentum, nesterov];
  }
  step(params: Float32Array[], grads: Float32Array[]): void {
    if (this.momentum === 0) {
      for (const [k, w] of params.entries()) sgdStep(w, grads[k], w.length, this.lr);
      return;
    }
    const state = slots(params, this.velocity, 1);
    for (const [k, w] of params.entries())
      momentumStep(w, state[k][0], grads[k], w.length, this.lr, this.momentum, this.nesterov);
  }
}

export class RMSprop implements Optimizer {
  readonly name = 'rmsprop';
  private state: Float32Array[][] = [];
  readonly lr: number;
  readonly rho: number;
  readonly epsilon: number;
  constructor(lr: number = 0.001, rho: number = 0.9, epsilon: number = 1e-7) {
    [this.lr, this.rho, this.epsilon] = [lr, rho, epsilon];
  }
  step(params: Float32Array[], grads: Float32Array[]): void {
    const state = slots(params, this.state, 1);
    for (const [k, w] of params.entries())
      rmspropStep(w, state[k][0], grads[k], w.length, this.lr, this.rho, this.epsilon);
  }
}

export class Adam implements Optimizer {
  readonly name = 'adam';
  private state: Float32Array[][] = [];
  private t = 0;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(lr: number = 0.001, beta1: number = 0.9, beta2: number = 0.999, epsilon: number = 1e-7) {
    [this.lr, this.beta1, this.beta2, this.epsilon] = [lr, beta1, beta2, epsilon];
  }
  step(params: Float32Array[], grads: Float32Array[]): void {
    const state = slots(params, this.state, 2);
    const { beta1, beta2, epsilon } = this;
    const alpha = adamRate(this.lr, beta1, beta2, ++this.t);
    for (const [k, w] of params.entries())
      adamStep(w, state[k][0], state[k][1], grads[k], w.length, alpha, beta1, beta2, epsilon);
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
