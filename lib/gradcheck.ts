/**
 * Numerical gradient checking, as CS231n teaches it: central differences in float64 and
 * the relative error |a − n| / max(|a|, |n|). Exercise 06 has the learner write this; the
 * lib copy lets later specs (autodiff, MNIST from scratch) check gradients with it.
 *
 * Rough guide for float64 and h = 1e-5: relative error < 1e-7 is right; > 1e-4 is wrong.
 */
import { ShapeError } from './errors.ts';
import { NDArray } from './ndarray.ts';
import { formatShape } from './shape.ts';

/**
 * ∂f/∂x by central differences: (f(x + h·e_i) − f(x − h·e_i)) / 2h for every element i.
 * `f` must return a scalar and must not keep `x` (it is changed and restored in place).
 */
export function numericalGradient(f: (x: NDArray) => number, x: NDArray, h = 1e-5): NDArray {
  const probe = x.clone('float64');
  /** f at x with element i moved by `step`; one element moves at a time, and moves back. */
  const nudged = (i: number, step: number): number => {
    const old = probe.data[i];
    probe.data[i] = old + step;
    const y = f(probe);
    probe.data[i] = old;
    return y;
  };
  const grad = NDArray.zeros(x.shape);
  grad.data.forEach((_, i) => {
    grad.data[i] = (nudged(i, h) - nudged(i, -h)) / (2 * h);
  });
  return grad;
}

/**
 * max over elements of |a − n| / max(|a|, |n|, tiny): 0 when both are 0 (of either sign).
 * A NaN or an infinity in either gradient makes it NaN, so a check `relativeError(…) < tol`
 * fails rather than passing on a broken gradient.
 */
export function relativeError(analytic: NDArray, numeric: NDArray): number {
  if (analytic.size !== numeric.size || analytic.shape.some((d, i) => d !== numeric.shape[i])) {
    throw new ShapeError(
      'relativeError',
      `shapes differ (analytic ${formatShape(analytic.shape)}, numeric ${formatShape(numeric.shape)})`,
    );
  }
  let worst = 0;
  for (let i = 0; i < analytic.size; i++) {
    const a = analytic.data[i];
    const n = numeric.data[i];
    const denom = Math.max(Math.abs(a), Math.abs(n), 1e-12);
    worst = Math.max(worst, Math.abs(a - n) / denom);
  }
  return worst;
}
