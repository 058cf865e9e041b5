/**
 * One optimizer step on a flat parameter array w (the `out`, updated in place), its gradient
 * g and its state, with the formulas of Keras 2 (the book's framework); lib/nn's optimizer
 * classes call these for each of their parameters.
 *
 *   SGD       w −= lr·g;  with momentum: v = μ·v − lr·g; w += v  (Nesterov: w += μ·v − lr·g)
 *   RMSprop   s = ρ·s + (1−ρ)·g²;  w −= lr·g / (√s + ε)
 *   Adam      m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  w −= α·m / (√v + ε),
 *             with α = lr·√(1−β2ᵗ)/(1−β1ᵗ) (adamRate)
 *
 * NOTE: the state is stored in the arrays' type but each update is computed in float64 from
 * it, where TF.js rounds every intermediate to float32 (see lib/nn/optimizers.ts).
 */
import type { Floats } from './scratch.ts';

export function sgdStep(w: Floats, g: Floats, n: number, lr: number): void {
  for (let i = 0; i < n; i++) w[i] -= lr * g[i];
}

export function momentumStep(
  w: Floats,
  v: Floats,
  g: Floats,
  n: number,
  lr: number,
  momentum: number,
  nesterov: boolean,
): void {
  for (let i = 0; i < n; i++) {
    v[i] = momentum * v[i] - lr * g[i];
    // NOTE: the stored (rounded) velocity, as TF.js reads it back
    w[i] += nesterov ? momentum * v[i] - lr * g[i] : v[i];
  }
}

export function rmspropStep(
  w: Floats,
  s: Floats,
  g: Floats,
  n: number,
  lr: number,
  rho: number,
  epsilon: number,
): void {
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const si = rho * s[i] + (1 - rho) * gi * gi;
    s[i] = si;
    w[i] -= (lr * gi) / (Math.sqrt(si) + epsilon);
  }
}

/** Adam's step size at step t (1-based): lr·√(1−β2ᵗ)/(1−β1ᵗ). */
export function adamRate(lr: number, beta1: number, beta2: number, t: number): number {
  return (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
}

export function adamStep(
  w: Floats,
  m: Floats,
  v: Floats,
  g: Floats,
  n: number,
  alpha: number,
  beta1: number,
  beta2: number,
  epsilon: number,
): void {
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= (alpha * mi) / (Math.sqrt(vi) + epsilon);
  }
}
