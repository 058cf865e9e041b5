/**
 * Exercise 08 — optimizers: SGD, momentum (Keras' form, the book's Nesterov form and
 * TensorFlow.js' form), Adagrad, RMSprop and Adam, each step for step equal to tf.train's.
 * Reference solution.
 */

import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { formatShape, shapesEqual } from '../../lib/shape.ts';

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

// ---- shared checks and state -------------------------------------------------------------

function checkLearningRate(op: string, learningRate: number): void {
  if (!(Number.isFinite(learningRate) && learningRate > 0)) {
    throw new ArgumentError(op, `learningRate must be a positive number, got ${learningRate}`);
  }
}

/** Decay rates (momentum, ρ, β) weigh the past against the present: 0 ≤ x < 1. */
function checkDecay(op: string, name: string, x: number): void {
  if (!(x >= 0 && x < 1)) throw new ArgumentError(op, `${name} must be in [0, 1), got ${x}`);
}

function checkNonNegative(op: string, name: string, x: number): void {
  if (!(Number.isFinite(x) && x >= 0)) throw new ArgumentError(op, `${name} must be a number ≥ 0, got ${x}`);
}

/**
 * Throws unless grads pair up with params, shape for shape, and the params have the shapes the
 * state was made for at the first step (`state` is one of the optimizer's slot lists, or []).
 */
function checkStep(op: string, params: readonly NDArray[], grads: readonly NDArray[], state: readonly NDArray[]) {
  const where = `${op}.step`;
  if (params.length !== grads.length) {
    throw new ShapeError(where, `got ${params.length} params but ${grads.length} grads: one gradient per parameter`);
  }
  params.forEach((w, k) => {
    const g = grads[k] as NDArray;
    if (!shapesEqual(g.shape, w.shape)) {
      throw new ShapeError(
        where,
        `grads[${k}] has shape ${formatShape(g.shape)} but params[${k}] has shape ${formatShape(w.shape)}`,
      );
    }
  });
  if (state.length === 0) return;
  const same = 'the state is kept by position: pass the same parameters, in the same order, every step';
  if (state.length !== params.length) {
    throw new ShapeError(where, `got ${params.length} params, but ${state.length} at the first step (${same})`);
  }
  params.forEach((w, k) => {
    const s = state[k] as NDArray;
    if (!shapesEqual(s.shape, w.shape)) {
      throw new ShapeError(
        where,
        `params[${k}] has shape ${formatShape(w.shape)}, but ${formatShape(s.shape)} at the first step (${same})`,
      );
    }
  });
}

/**
 * One float64 slot per parameter, of its shape, filled with `value`: what TF.js keeps in variables.
 * NOTE: float64, where TF.js' variables are float32: a gradient whose square overflows float32
 * (|g| > 1.8e19) makes TF.js' s or v Infinity, and its step 0, where these stay finite and step.
 * NaN and ±Infinity gradients give the same NaN and ±Infinity parameters as TF.js.
 */
function slotsLike(params: readonly NDArray[], value = 0): NDArray[] {
  return params.map((w) => NDArray.full(w.shape, value));
}

// ---- Step 1: SGD -------------------------------------------------------------------------

export interface SgdOptions {
  learningRate: number;
}

/** tf.train.sgd: w ← w − lr·g. */
export function sgd({ learningRate }: SgdOptions): Optimizer {
  checkLearningRate('sgd', learningRate);
  return {
    name: 'sgd',
    step(params, grads) {
      checkStep('sgd', params, grads, []);
      params.forEach((w, k) => {
        const g = (grads[k] as NDArray).data;
        for (let i = 0; i < w.size; i++) w.data[i] -= learningRate * g[i];
      });
    },
  };
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
export function momentum({ learningRate, momentum: mu = 0.9, nesterov = false }: MomentumOptions): MomentumOptimizer {
  const name = nesterov ? 'nesterov' : 'momentum';
  checkLearningRate(name, learningRate);
  checkDecay(name, 'momentum', mu);
  const velocities: NDArray[] = [];
  return {
    name,
    velocities,
    step(params, grads) {
      checkStep(name, params, grads, velocities);
      if (velocities.length === 0) velocities.push(...slotsLike(params));
      params.forEach((w, k) => {
        const g = (grads[k] as NDArray).data;
        const v = (velocities[k] as NDArray).data;
        for (let i = 0; i < w.size; i++) {
          v[i] = mu * v[i] - learningRate * g[i];
          // NOTE: Nesterov steps with the new velocity once more, plus the gradient again: it
          // looks ahead to where the velocity is taking w.
          w.data[i] += nesterov ? mu * v[i] - learningRate * g[i] : v[i];
        }
      });
    },
  };
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
export function tfjsMomentum({
  learningRate,
  momentum: mu,
  useNesterov = false,
}: TfjsMomentumOptions): TfjsMomentumOptimizer {
  const name = useNesterov ? 'nesterov' : 'momentum';
  checkLearningRate(name, learningRate);
  checkDecay(name, 'momentum', mu);
  const accumulations: NDArray[] = [];
  return {
    name,
    accumulations,
    step(params, grads) {
      checkStep(name, params, grads, accumulations);
      if (accumulations.length === 0) accumulations.push(...slotsLike(params));
      params.forEach((w, k) => {
        const g = (grads[k] as NDArray).data;
        const a = (accumulations[k] as NDArray).data;
        for (let i = 0; i < w.size; i++) {
          a[i] = mu * a[i] + g[i];
          w.data[i] -= learningRate * (useNesterov ? g[i] + mu * a[i] : a[i]);
        }
      });
    },
  };
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
export function adagrad({ learningRate, initialAccumulatorValue = 0.1, epsilon = 1e-7 }: AdagradOptions): Optimizer {
  checkLearningRate('adagrad', learningRate);
  if (!(Number.isFinite(initialAccumulatorValue) && initialAccumulatorValue > 0)) {
    throw new ArgumentError('adagrad', `initialAccumulatorValue must be positive, got ${initialAccumulatorValue}`);
  }
  checkNonNegative('adagrad', 'epsilon', epsilon);
  const sums: NDArray[] = [];
  return {
    name: 'adagrad',
    step(params, grads) {
      checkStep('adagrad', params, grads, sums);
      if (sums.length === 0) sums.push(...slotsLike(params, initialAccumulatorValue));
      params.forEach((w, k) => {
        const g = (grads[k] as NDArray).data;
        const s = (sums[k] as NDArray).data;
        for (let i = 0; i < w.size; i++) {
          s[i] += g[i] * g[i];
          w.data[i] -= (learningRate * g[i]) / Math.sqrt(s[i] + epsilon);
        }
      });
    },
  };
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
export function rmsprop({
  learningRate,
  decay = 0.9,
  momentum: mu = 0,
  epsilon = 1e-7,
  centered = false,
}: RmspropOptions): Optimizer {
  checkLearningRate('rmsprop', learningRate);
  checkDecay('rmsprop', 'decay', decay);
  checkDecay('rmsprop', 'momentum', mu);
  checkNonNegative('rmsprop', 'epsilon', epsilon);
  const meanSquares: NDArray[] = [];
  const meanGrads: NDArray[] = [];
  const moments: NDArray[] = [];
  return {
    name: 'rmsprop',
    step(params, grads) {
      checkStep('rmsprop', params, grads, meanSquares);
      if (meanSquares.length === 0) {
        meanSquares.push(...slotsLike(params));
        meanGrads.push(...slotsLike(params));
        moments.push(...slotsLike(params));
      }
      params.forEach((w, k) => {
        const g = (grads[k] as NDArray).data;
        const s = (meanSquares[k] as NDArray).data;
        const m = (meanGrads[k] as NDArray).data;
        const v = (moments[k] as NDArray).data;
        for (let i = 0; i < w.size; i++) {
          s[i] = decay * s[i] + (1 - decay) * g[i] * g[i];
          // NOTE: ε sits inside the root, as in TensorFlow's kernels; √s + ε is a different optimizer.
          let denominator = s[i] + epsilon;
          if (centered) {
            m[i] = decay * m[i] + (1 - decay) * g[i];
            denominator -= m[i] * m[i];
          }
          v[i] = mu * v[i] + (learningRate * g[i]) / Math.sqrt(denominator);
          w.data[i] -= v[i];
        }
      });
    },
  };
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
export function adam({
  learningRate = 0.001,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon = 1e-7,
}: AdamOptions = {}): Optimizer {
  checkLearningRate('adam', learningRate);
  checkDecay('adam', 'beta1', beta1);
  checkDecay('adam', 'beta2', beta2);
  checkNonNegative('adam', 'epsilon', epsilon);
  const firstMoments: NDArray[] = [];
  const secondMoments: NDArray[] = [];
  let t = 0;
  return {
    name: 'adam',
    step(params, grads) {
      checkStep('adam', params, grads, firstMoments);
      if (firstMoments.length === 0) {
        firstMoments.push(...slotsLike(params));
        secondMoments.push(...slotsLike(params));
      }
      // One count for all parameters: t is the number of steps taken, this one included.
      t++;
      // NOTE: m and v start at 0, so early on they are too small by the factors 1 − βᵗ; dividing
      // by them (bias correction) makes the first step lr·g / (|g| + ε), about lr per element.
      const correct1 = 1 - beta1 ** t;
      const correct2 = 1 - beta2 ** t;
      params.forEach((w, k) => {
        const g = (grads[k] as NDArray).data;
        const m = (firstMoments[k] as NDArray).data;
        const v = (secondMoments[k] as NDArray).data;
        for (let i = 0; i < w.size; i++) {
          m[i] = beta1 * m[i] + (1 - beta1) * g[i];
          v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
          const mHat = m[i] / correct1;
          const vHat = v[i] / correct2;
          w.data[i] -= (learningRate * mHat) / (Math.sqrt(vHat) + epsilon);
        }
      });
    },
  };
}
