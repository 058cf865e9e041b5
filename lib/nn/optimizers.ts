/**
 * Optimizers for lib/nn, with the formulas of Keras 2 (the book's framework). Each keeps its
 * state per parameter and updates the parameters in place.
 *
 *   SGD       w −= lr·g;  with momentum: v = μ·v − lr·g; w += v  (Nesterov: w += μ·v − lr·g)
 *   RMSprop   s = ρ·s + (1−ρ)·g²;  w −= lr·g / (√s + ε)
 *   Adam      m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;
 *             w −= lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε)
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

export interface Optimizer {
  readonly name: string;
  step(params: Float32Array[], grads: Float32Array[]): void;
}

function slots(params: Float32Array[], store: Float32Array[]): Float32Array[] {
  if (store.length === 0) for (const p of params) store.push(new Float32Array(p.length));
  return store;
}

export class SGD implements Optimizer {
  readonly name = 'sgd';
  private velocity: Float32Array[] = [];
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(lr: number = 0.01, momentum: number = 0, nesterov: boolean = false) {
    this.lr = lr;
    this.momentum = momentum;
    this.nesterov = nesterov;
  }
  step(params: Float32Array[], grads: Float32Array[]): void {
    const vs = slots(params, this.velocity);
    params.forEach((w, k) => {
      const g = grads[k] as Float32Array;
      const v = vs[k] as Float32Array;
      for (let i = 0; i < w.length; i++) {
        if (this.momentum === 0) {
          w[i] -= this.lr * (g[i] as number);
          continue;
        }
        v[i] = this.momentum * (v[i] as number) - this.lr * (g[i] as number);
        w[i] += this.nesterov ? this.momentum * (v[i] as number) - this.lr * (g[i] as number) : (v[i] as number);
      }
    });
  }
}

export class RMSprop implements Optimizer {
  readonly name = 'rmsprop';
  private ms: Float32Array[] = [];
  readonly lr: number;
  readonly rho: number;
  readonly epsilon: number;
  constructor(lr: number = 0.001, rho: number = 0.9, epsilon: number = 1e-7) {
    this.lr = lr;
    this.rho = rho;
    this.epsilon = epsilon;
  }
  step(params: Float32Array[], grads: Float32Array[]): void {
    const ss = slots(params, this.ms);
    const { lr, rho, epsilon } = this;
    params.forEach((w, k) => {
      const g = grads[k] as Float32Array;
      const s = ss[k] as Float32Array;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i] as number;
        const si = rho * (s[i] as number) + (1 - rho) * gi * gi;
        s[i] = si;
        w[i] -= (lr * gi) / (Math.sqrt(si) + epsilon);
      }
    });
  }
}

export class Adam implements Optimizer {
  readonly name = 'adam';
  private m: Float32Array[] = [];
  private v: Float32Array[] = [];
  private t = 0;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(lr: number = 0.001, beta1: number = 0.9, beta2: number = 0.999, epsilon: number = 1e-7) {
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }
  step(params: Float32Array[], grads: Float32Array[]): void {
    const ms = slots(params, this.m);
    const vs = slots(params, this.v);
    this.t++;
    const { beta1, beta2, epsilon } = this;
    const alpha = (this.lr * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
    params.forEach((w, k) => {
      const g = grads[k] as Float32Array;
      const m = ms[k] as Float32Array;
      const v = vs[k] as Float32Array;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i] as number;
        const mi = beta1 * (m[i] as number) + (1 - beta1) * gi;
        const vi = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] -= (alpha * mi) / (Math.sqrt(vi) + epsilon);
      }
    });
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
