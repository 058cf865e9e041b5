/**
 * The judge of 08-optimizers: every optimizer for a few steps on one to three random parameters
 * (rank 0 to 3), the parameters after every step, its state where the README shows it, and the
 * checks of its options and of the parameters it is given.
 */
import type * as Api from '../../exercises/08-optimizers/optimizers.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { defineJudge, type JudgeRng, refused, settle } from '../judge/api.ts';

interface Walk {
  params: NDArray[];
  /** one gradient per parameter per step */
  grads: NDArray[][];
}

/** Parameters of random shapes and a few steps of gradients of varying size. */
function walk(r: JudgeRng): Walk {
  const shapes = Array.from({ length: r.int(1, 3) }, () => r.shape(r.int(0, 3), 1, 3));
  const grads = Array.from({ length: r.int(1, 5) }, () => {
    const scale = r.pick([0.1, 1, 3]);
    return shapes.map((s) => r.ndarray(s, -scale, scale));
  });
  return { params: shapes.map((s) => r.ndarray(s, -2, 2)), grads };
}

/** Copies of what an optimizer keeps, so later steps cannot change what was recorded. */
const copies = (xs: readonly NDArray[] | undefined) =>
  (xs ?? []).map((x) => ({ shape: [...x.shape], data: Array.from(x.data) }));

/** Takes every step; records the parameters (and `state()`) after each, and the gradients at the end. */
function steps(opt: Api.Optimizer, { params, grads }: Walk, state?: () => readonly NDArray[] | undefined) {
  const after = grads.map((g) => {
    opt.step(params, g);
    return { params: copies(params), ...(state ? { state: copies(state()) } : {}) };
  });
  return { name: opt.name, after, grads };
}

/** Later steps must get the parameters of the first, in the same order: refused otherwise. */
function samePosition(make: () => Api.Optimizer, { params, grads }: Walk) {
  const opt = make();
  opt.step(params, grads[0] as NDArray[]);
  const g = grads[0] as NDArray[];
  return {
    fewer: refused(() => opt.step(params.slice(1), g.slice(1))),
    more: refused(() => opt.step([...params, ...params], [...g, ...g])),
    reversed: refused(() => opt.step([...params].reverse(), [...g].reverse())),
  };
}

/** sgd's own argument checks, whose classes the README names. */
function sgdChecks(api: typeof Api, { params, grads }: Walk, lr: number) {
  const opt = api.sgd({ learningRate: 0.1 });
  const g = grads[0] as NDArray[];
  const last = params.length - 1;
  const wrongShape = g.map((x, k) => (k === last ? NDArray.zeros([...x.shape, 2]) : x));
  return {
    learningRate: settle(() => api.sgd({ learningRate: lr })),
    count: settle(() => opt.step(params, g.slice(1))),
    shape: settle(() => opt.step(params, wrongShape)),
  };
}

const mu = (r: JudgeRng) => r.pick([0, 0.5, 0.9, r.float(0, 0.99)]);
const badDecay = (r: JudgeRng) => r.pick([1, -0.1, 1.5, Number.NaN]);
const badRate = (r: JudgeRng) => r.pick([0, -0.1, Number.NaN]);

export default defineJudge<typeof Api>({
  module: 'optimizers.ts',
  cases: (c) => [
    c({
      name: 'sgd steps',
      step: 1,
      count: 5,
      input: (r) => ({ w: walk(r), lr: r.float(0.01, 1) }),
      run: (api, { w, lr }) => steps(api.sgd({ learningRate: lr }), w),
    }),
    c({
      name: 'sgd refuses bad arguments',
      step: 1,
      count: 3,
      input: (r) => ({ w: walk(r), lr: r.pick([0, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) }),
      run: (api, { w, lr }) => ({ checks: sgdChecks(api, w, lr), steps: steps(api.sgd({ learningRate: 0.5 }), w) }),
    }),
    c({
      name: 'momentum steps and velocities',
      step: 2,
      count: 5,
      input: (r) => ({ w: walk(r), lr: r.float(0.01, 0.5), mu: mu(r) }),
      run: (api, { w, lr, mu }) => {
        const opt = api.momentum({ learningRate: lr, momentum: mu });
        return steps(opt, w, () => opt.velocities);
      },
    }),
    c({
      name: 'momentum refuses a bad momentum and parameters that moved',
      step: 2,
      count: 3,
      input: (r) => ({ w: walk(r), bad: badDecay(r), lr: badRate(r) }),
      run: (api, { w, bad, lr }) => ({
        momentum: refused(() => api.momentum({ learningRate: 0.1, momentum: bad })),
        learningRate: refused(() => api.momentum({ learningRate: lr })),
        default: steps(api.momentum({ learningRate: 0.1 }), w),
        position: samePosition(() => api.momentum({ learningRate: 0.1 }), w),
      }),
    }),
    c({
      name: 'nesterov steps and velocities',
      step: 3,
      count: 5,
      input: (r) => ({ w: walk(r), lr: r.float(0.01, 0.5), mu: mu(r) }),
      run: (api, { w, lr, mu }) => {
        const opt = api.momentum({ learningRate: lr, momentum: mu, nesterov: true });
        return steps(opt, w, () => opt.velocities);
      },
    }),
    c({
      name: 'tfjsMomentum steps and accumulations',
      step: 4,
      count: 5,
      input: (r) => ({ w: walk(r), lr: r.float(0.01, 0.5), mu: mu(r), useNesterov: r.pick([true, false, undefined]) }),
      run: (api, { w, lr, mu, useNesterov }) => {
        const opt = api.tfjsMomentum({
          learningRate: lr,
          momentum: mu,
          ...(useNesterov === undefined ? {} : { useNesterov }),
        });
        // its name is not in the README: left out
        const { name: _name, ...rest } = steps(opt, w, () => opt.accumulations);
        return rest;
      },
    }),
    c({
      name: 'tfjsMomentum refuses a bad momentum and parameters that moved',
      step: 4,
      count: 3,
      input: (r) => ({ w: walk(r), bad: badDecay(r) }),
      run: (api, { w, bad }) => ({
        momentum: refused(() => api.tfjsMomentum({ learningRate: 0.1, momentum: bad })),
        position: samePosition(() => api.tfjsMomentum({ learningRate: 0.1, momentum: 0.9 }), w),
      }),
    }),
    c({
      name: 'adagrad steps',
      step: 5,
      count: 5,
      input: (r) => ({
        w: walk(r),
        lr: r.float(0.01, 0.5),
        // ε from 1e-3 up tells √(s + ε) from √s + ε
        options: r.pick([{}, { initialAccumulatorValue: r.float(0.01, 1) }, { epsilon: r.float(1e-3, 0.05) }]),
      }),
      run: (api, { w, lr, options }) => steps(api.adagrad({ learningRate: lr, ...options }), w),
    }),
    c({
      name: 'adagrad refuses a bad accumulator and parameters that moved',
      step: 5,
      count: 3,
      input: (r) => ({ w: walk(r), bad: r.pick([0, -0.1]) }),
      run: (api, { w, bad }) => ({
        initial: refused(() => api.adagrad({ learningRate: 0.1, initialAccumulatorValue: bad })),
        position: samePosition(() => api.adagrad({ learningRate: 0.1 }), w),
        steps: steps(api.adagrad({ learningRate: 0.1 }), w),
      }),
    }),
    c({
      name: 'rmsprop steps, plain, with momentum and centered',
      step: 6,
      count: 6,
      input: (r) => ({
        w: walk(r),
        options: {
          learningRate: r.float(0.001, 0.1),
          ...(r.bool() ? { decay: r.float(0.5, 0.99) } : {}),
          ...(r.bool() ? { momentum: mu(r) } : {}),
          ...(r.bool() ? { epsilon: r.float(1e-3, 0.05) } : {}),
          ...(r.bool() ? { centered: r.bool() } : {}),
        },
      }),
      run: (api, { w, options }) => steps(api.rmsprop(options), w),
    }),
    c({
      name: 'rmsprop refuses a bad decay and parameters that moved',
      step: 6,
      count: 3,
      input: (r) => ({ w: walk(r), bad: badDecay(r) }),
      run: (api, { w, bad }) => ({
        decay: refused(() => api.rmsprop({ learningRate: 0.01, decay: bad })),
        position: samePosition(() => api.rmsprop({ learningRate: 0.01 }), w),
        steps: steps(api.rmsprop({ learningRate: 0.01, centered: true }), w),
      }),
    }),
    c({
      name: 'adam steps',
      step: 7,
      count: 6,
      input: (r) => ({
        w: walk(r),
        options: r.pick([
          undefined,
          { learningRate: r.float(0.001, 0.1) },
          // ε up to 0.5 tells TF.js' ε from Keras' ε·√(1 − β2ᵗ)
          {
            learningRate: r.float(0.001, 0.1),
            beta1: r.float(0.5, 0.95),
            beta2: r.float(0.9, 0.999),
            epsilon: r.float(1e-3, 0.5),
          },
        ]),
      }),
      run: (api, { w, options }) => steps(options ? api.adam(options) : api.adam(), w),
    }),
    c({
      name: 'adam refuses bad betas and parameters that moved',
      step: 7,
      count: 3,
      input: (r) => ({ w: walk(r), bad: badDecay(r) }),
      run: (api, { w, bad }) => ({
        beta1: refused(() => api.adam({ beta1: bad })),
        beta2: refused(() => api.adam({ beta2: bad })),
        position: samePosition(() => api.adam(), w),
        steps: steps(api.adam({ learningRate: 0.05 }), w),
      }),
    }),
  ],
});
