/**
 * Exercise 08 — optimizers: SGD, momentum (Keras' form, the book's Nesterov form and
 * TensorFlow.js' form), Adagrad, RMSprop and Adam, each step for step equal to tf.train's.
 *
 * Read README.md (or README.ko.md), then make the specs pass step by step: `npm start`.
 * Stuck? `npm run hint -- 08` shows the next hint. `npm run plot -- 08` draws your optimizers' paths.
 */

import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import type { NDArray } from '../../lib/ndarray.ts';
import { formatShape, shapesEqual } from '../../lib/shape.ts';

// ShapeError and ArgumentError are the errors to throw (messages: see README.md); formatShape
// prints a shape as [2,3]; shapesEqual compares two shapes; NDArray.full(shape, value) makes state.

/** What every optimizer is: a name, and a step that updates the parameters in place. */
export interface Optimizer {
  /** 'sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop' or 'adam' */
  readonly name: string;
  /**
   * One update of every parameter, in place, from its gradient: grads[k] belongs to params[k]
   * and has its shape. The optimizer keeps its state (velocities, averages) by position, so pass
   * the same parameters in the same order every step. The gradients are not changed.
   */
  step(params: readonly NDArray[], grads: readonly NDArray[]): void;
}

// ---- Step 1: SGD -------------------------------------------------------------------------

export interface SgdOptions {
  learningRate: number;
}

/** tf.train.sgd: w ← w − lr·g. */
export function sgd(options: SgdOptions): Optimizer {
  // TODO: check learningRate, then return { name: 'sgd', step(params, grads) { … } } where step
  // checks its arguments and moves every element of every parameter against its gradient.
  throw new Error('TODO(08-optimizers): implement sgd (step 1 in README.md)');
}

// ---- Steps 2 and 3: momentum, Keras' form and the book's (Nesterov) ----------------------

export interface MomentumOptions {
  learningRate: number;
  /** μ, how much of the last velocity is kept (default 0.9) */
  momentum?: number;
  /** the book's formula: step with μ·v − lr·g instead of v (default false) */
  nesterov?: boolean;
}

/** An optimizer whose state you can look at: one velocity per parameter, after the first step. */
export interface MomentumOptimizer extends Optimizer {
  readonly velocities: readonly NDArray[];
}

/**
 * Keras' SGD with momentum: v ← μ·v − lr·g, then w ← w + v.
 * With nesterov, the book's formula: v ← μ·v − lr·g, then w ← w + μ·v − lr·g.
 */
export function momentum(options: MomentumOptions): MomentumOptimizer {
  // TODO: check the options, keep one velocity per parameter (zeros, made at the first step),
  // and return { name, velocities, step }; name is 'nesterov' when options.nesterov, else 'momentum'.
  throw new Error('TODO(08-optimizers): implement momentum (step 2 in README.md; nesterov is step 3)');
}

// ---- Step 4: TensorFlow.js' momentum -----------------------------------------------------

export interface TfjsMomentumOptions {
  learningRate: number;
  momentum: number;
  useNesterov?: boolean;
}

/** TF.js keeps an accumulation of gradients, not a velocity: velocity = −lr·accumulation. */
export interface TfjsMomentumOptimizer extends Optimizer {
  readonly accumulations: readonly NDArray[];
}

/**
 * tf.train.momentum: a ← μ·a + g, then w ← w − lr·a.
 * With useNesterov: a ← μ·a + g, then w ← w − lr·(g + μ·a).
 */
export function tfjsMomentum(options: TfjsMomentumOptions): TfjsMomentumOptimizer {
  // TODO: the same shape as momentum, with an accumulation per parameter and TF.js' two formulas.
  throw new Error('TODO(08-optimizers): implement tfjsMomentum (step 4 in README.md)');
}

// ---- Step 5: Adagrad ---------------------------------------------------------------------

export interface AdagradOptions {
  learningRate: number;
  /** where every accumulator starts (TF.js: 0.1) */
  initialAccumulatorValue?: number;
  /** added under the square root (TF.js: its backend's epsilon, 1e-7, not an option there) */
  epsilon?: number;
}

/** tf.train.adagrad: s ← s + g², then w ← w − lr·g / √(s + ε), with s starting at 0.1. */
export function adagrad(options: AdagradOptions): Optimizer {
  // TODO: check the options, keep one sum of squared gradients per parameter, return { name: 'adagrad', step }.
  throw new Error('TODO(08-optimizers): implement adagrad (step 5 in README.md)');
}

// ---- Step 6: RMSprop ---------------------------------------------------------------------

export interface RmspropOptions {
  learningRate: number;
  /** ρ, how much of the running mean of g² is kept (default 0.9; Keras calls it rho) */
  decay?: number;
  /** μ of a velocity on top (default 0: none) */
  momentum?: number;
  /** added under the square root (default 1e-7) */
  epsilon?: number;
  /** divide by an estimate of the variance of g instead of its mean square (default false) */
  centered?: boolean;
}

/**
 * tf.train.rmsprop: s ← ρ·s + (1 − ρ)·g², v ← μ·v + lr·g / √(s + ε), w ← w − v.
 * Centered: also m ← ρ·m + (1 − ρ)·g, and √(s − m² + ε) in the denominator.
 */
export function rmsprop(options: RmspropOptions): Optimizer {
  // TODO: check the options, keep a mean square, a mean gradient and a velocity per parameter,
  // return { name: 'rmsprop', step }.
  throw new Error('TODO(08-optimizers): implement rmsprop (step 6 in README.md)');
}

// ---- Step 7: Adam ------------------------------------------------------------------------

export interface AdamOptions {
  /** default 0.001 */
  learningRate?: number;
  /** decay of the mean of g (default 0.9) */
  beta1?: number;
  /** decay of the mean of g² (default 0.999) */
  beta2?: number;
  /** added to √v̂, outside the root (default 1e-7) */
  epsilon?: number;
}

/**
 * tf.train.adam: m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g²,
 * m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ), w ← w − lr·m̂ / (√v̂ + ε), t = 1, 2, …
 */
export function adam(options: AdamOptions = {}): Optimizer {
  // TODO: check the options, keep m and v per parameter and one step count t, return { name: 'adam', step }.
  throw new Error('TODO(08-optimizers): implement adam (step 7 in README.md)');
}
