/**
 * Exercise 08 — optimizers. Run: `npm start` (watch mode) or `npx vitest --project exercises 08`.
 * Each describe block is one step of README.md; make them pass in order.
 *
 * Every optimizer is checked twice: its first steps by hand (the derivation is in the comments),
 * then 20 steps on random parameters against TensorFlow.js' tf.train optimizer with the same
 * hyper-parameters, comparing every parameter after every step.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { shapeArb } from '../../lib/arbitraries.ts';
import { compareArrays } from '../../lib/compare.ts';
import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { NDArray, type Nested } from '../../lib/ndarray.ts';
import { fromTensor, loadOracle, type Oracle, type Tensor, type Tf, toTensor } from '../../lib/oracle.ts';
import { createRng } from '../../lib/rng.ts';
import { runs } from '../../lib/runs.ts';
import { tiltedWell } from '../../lib/surfaces.ts';
import { DEFAULT_TOLERANCE, float32Tolerance, type Tolerance } from '../../lib/tolerance.ts';
import { adagrad, adam, momentum, type Optimizer, rmsprop, sgd, tfjsMomentum } from './optimizers.ts';

let oracle: Oracle;
beforeAll(async () => {
  oracle = await loadOracle({ small: true });
});

const nd = (x: Nested) => NDArray.fromNested(x);

/**
 * expect(actual).toBeAllClose(expected, …), going through expect only when it fails: the
 * properties below compare thousands of arrays, and a passing expect costs more than the check.
 */
function expectClose(actual: NDArray, expected: NDArray, tolerance: Tolerance, label: string): void {
  if (!compareArrays(actual, expected, tolerance).pass) expect(actual).toBeAllClose(expected, { ...tolerance, label });
}

/** Runs `steps` steps of `opt` with the same gradients each time; returns the parameters. */
function stepsWith(opt: Optimizer, params: NDArray[], grads: NDArray[], steps: number): NDArray[] {
  for (let t = 0; t < steps; t++) opt.step(params, grads);
  return params;
}

/** `steps` steps by hand; checks the parameters after each against `expected[t]`. */
function expectSteps(
  opt: Optimizer,
  start: Nested,
  grad: Nested,
  expected: Nested[],
  what: string,
  rtol = DEFAULT_TOLERANCE.rtol,
): void {
  const w = nd(start);
  const g = nd(grad);
  expected.forEach((e, t) => {
    opt.step([w], [g]);
    expect(w).toHaveShape(g.shape);
    expect(w).toBeAllClose(e, { rtol, label: `${what}, params[0] after step ${t + 1}` });
  });
}

/** The checks every optimizer makes on the arguments of step. */
function expectShapeChecks(make: () => Optimizer, name: string): void {
  const opt = make();
  const params = [NDArray.zeros([2, 3]), NDArray.zeros([3])];
  expect(
    () => opt.step(params, [NDArray.zeros([2, 3]), NDArray.zeros([2])]),
    `${name}: a gradient of shape [2] for a parameter of shape [3] must throw`,
  ).toThrowKind(
    ShapeError,
    new RegExp(`${name}\\.step: grads\\[1\\] has shape \\[2\\] but params\\[1\\] has shape \\[3\\]`),
  );
  expect(
    () => opt.step(params, [NDArray.zeros([2, 3])]),
    `${name}: two params with one gradient must throw`,
  ).toThrowKind(ShapeError, new RegExp(`${name}\\.step: got 2 params but 1 grads`));
}

/** What every message about a step's params that differ from the first step's ends with. */
const byPosition = '\\(the state is kept by position: pass the same parameters, in the same order, every step\\)';

/** An optimizer with state must refuse parameters that are not the ones it made the state for. */
function expectSameParamsEveryStep(make: () => Optimizer, name: string): void {
  const opt = make();
  const a = NDArray.zeros([2, 3]);
  const b = NDArray.zeros([3]);
  opt.step([a, b], [NDArray.ones([2, 3]), NDArray.ones([3])]);
  expect(
    () => opt.step([b, a], [NDArray.ones([3]), NDArray.ones([2, 3])]),
    `${name}: the params in another order must throw (the state is kept by position)`,
  ).toThrowKind(
    ShapeError,
    new RegExp(`${name}\\.step: params\\[0\\] has shape \\[3\\], but \\[2,3\\] at the first step ${byPosition}$`),
  );
  expect(() => opt.step([a], [NDArray.ones([2, 3])]), `${name}: one param where there were two must throw`).toThrowKind(
    ShapeError,
    new RegExp(`${name}\\.step: got 1 params, but 2 at the first step ${byPosition}$`),
  );
}

/**
 * Every optimizer changes the parameters themselves (the same NDArrays, two steps running),
 * leaves a parameter whose gradient is 0 where it is, never changes the gradients, and says
 * its name.
 */
function expectInPlace(opt: Optimizer, name: string): void {
  expect(opt.name, 'the name of the optimizer').toBe(name);
  const W = nd([
    [1, 2],
    [3, 4],
  ]);
  const b = nd(0.5);
  const dW = nd([
    [0.5, -1],
    [0, 2],
  ]);
  const db = nd(-3);
  const params = [W, b];
  expect(() => stepsWith(opt, params, [dW, db], 2)).toLeaveUnchanged({ dW, db }, `2 steps of ${name}`);
  expect(params[0], `${name}: step must change params[0] itself, not put a new array in the list`).toBe(W);
  expect(params[1], `${name}: step must change params[1] itself`).toBe(b);
  expect(W).toHaveShape([2, 2]);
  expect(b).toHaveShape([]);
  // every optimizer here steps against g, and all of an element's state stays 0 while its g is 0
  expect(W.data[0], `${name}: params[0][0, 0] after 2 steps of g = 0.5`).toBeLessThan(1);
  expect(W.data[1], `${name}: params[0][0, 1] after 2 steps of g = −1`).toBeGreaterThan(2);
  expect(W.data[2], `${name}: params[0][1, 0] after 2 steps of g = 0`).toBe(3);
  expect(b.data[0], `${name}: params[1] after 2 steps of g = −3`).toBeGreaterThan(0.5);
}

/** A learning rate must be a positive number: 0 and below, NaN and ±Infinity are refused. */
function expectLearningRateCheck(make: (learningRate: number) => Optimizer, name: string): void {
  for (const lr of [0, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
    expect(() => make(lr), `${name} with learningRate ${lr} must throw`).toThrowKind(
      ArgumentError,
      new RegExp(`^${name}: learningRate must be a positive number, got ${lr}$`),
    );
  }
  expect(make(1e-9).name, `${name} with learningRate 1e-9 (small, but positive)`).toBe(name);
}

/** A decay rate (μ, ρ, β) lies in [0, 1): 0 is allowed, 1 and anything outside is refused. */
function expectDecayCheck(make: (x: number) => Optimizer, name: string, option: string): void {
  for (const x of [-0.1, 1, 1.5, Number.NaN]) {
    expect(() => make(x), `${name} with ${option} ${x} must throw`).toThrowKind(
      ArgumentError,
      new RegExp(`^${name}: ${option} must be in \\[0, 1\\), got ${x}$`),
    );
  }
  for (const x of [0, 0.99]) expect(make(x).name, `${name} with ${option} ${x}`).toBe(name);
}

/** ε is a number ≥ 0: 0 is allowed (and steps), below 0, NaN and Infinity are refused. */
function expectEpsilonCheck(make: (epsilon: number) => Optimizer, name: string): void {
  for (const x of [-1e-7, Number.NaN, Number.POSITIVE_INFINITY]) {
    expect(() => make(x), `${name} with epsilon ${x} must throw`).toThrowKind(
      ArgumentError,
      new RegExp(`^${name}: epsilon must be a number ≥ 0, got ${x}$`),
    );
  }
  // ε = 0 with g ≠ 0 divides by a positive number: a finite step
  const w = nd([1]);
  make(0).step([w], [nd([0.5])]);
  expect(w).toHaveShape([1]);
  expect(w.data[0], `${name} with epsilon 0, after a step of g = 0.5`).toBeLessThan(1);
}

// ---- against TensorFlow.js ---------------------------------------------------------------------

const STEPS = 20;

/**
 * A random problem: two parameters of random shapes (rank 0 to 3; two, so that state kept per
 * parameter and a count kept per step are both tested) and a seed for their values and the
 * gradients. `quadratic` takes the gradients from the loss ½‖w − target‖² (g = w − target, at
 * each side's own current parameters), else from a seeded random sequence.
 */
interface Problem {
  shapes: number[][];
  seed: number;
  quadratic: boolean;
}
const problems = fc.record({
  shapes: fc.tuple(shapeArb({ minRank: 0, maxRank: 3, maxDim: 3 }), shapeArb({ minRank: 0, maxRank: 3, maxDim: 3 })),
  seed: fc.nat(),
  quadratic: fc.boolean(),
});

/** Seeded float32 values of `shape` (float32, so TensorFlow.js sees exactly what we see). */
function seeded(rng: ReturnType<typeof createRng>, shape: number[], scale = 1, awayFromZero = false): NDArray {
  const x = NDArray.randomNormal(shape, 0, scale, { rng });
  // NOTE: RMSprop's centered form is checked with gradients away from 0, where TF.js' sign slip
  // (see README.md) is far below float32's precision: |g| ≥ 0.5.
  if (awayFromZero) for (let i = 0; i < x.size; i++) x.data[i] += x.data[i] < 0 ? -0.5 : 0.5;
  return x.clone('float32').clone('float64');
}

/** What the spec uses of a tf.train optimizer. */
interface TfOptimizer {
  applyGradients(gradients: { name: string; tensor: Tensor }[]): void;
  dispose(): void;
}

/** One optimizer configuration: ours, TF.js' and how failures name them. */
interface Pair {
  label: string;
  mine: () => Optimizer;
  theirs: (tf: Tf) => TfOptimizer;
  /** gradients away from 0 (see `seeded`) */
  awayFromZero?: boolean;
}

/**
 * Runs `pair` for STEPS steps on `problem`, ours and TF.js' side by side, and compares every
 * parameter after every step. A failure names the optimizer, the step and the first bad element.
 */
function compareWithTf(pair: Pair, problem: Problem): void {
  const mine = pair.mine();
  const { tf } = oracle;
  const rng = createRng(problem.seed);
  const params = problem.shapes.map((s) => seeded(rng, s));
  const targets = problem.shapes.map((s) => seeded(rng, s));
  const vars = params.map((w) => tf.tidy(() => tf.variable(toTensor(tf, w))));
  const theirs = pair.theirs(tf);
  try {
    for (let t = 1; t <= STEPS; t++) {
      let grads: NDArray[];
      let theirGrads: NDArray[];
      // NOTE: near a minimum of the quadratic the gradients go to 0, so `awayFromZero` problems use the sequence.
      if (problem.quadratic && !pair.awayFromZero) {
        // g = ∂(½‖w − target‖²)/∂w = w − target, each side at its own parameters.
        const minus = (w: NDArray, k: number) => {
          const target = targets[k] as NDArray;
          return new NDArray(
            w.data.map((x, i) => x - target.data[i]),
            w.shape,
          ).clone('float64');
        };
        grads = params.map(minus);
        theirGrads = vars.map((v, k) => minus(fromTensor(v), k));
      } else {
        // Gradients of varying size (scale 0.1 to 3), so the adaptive optimizers have something to adapt to.
        const scale = 0.1 + 2.9 * rng.next();
        grads = problem.shapes.map((s) => seeded(rng, s, scale, pair.awayFromZero));
        theirGrads = grads;
      }
      // TF.js' copies first: a step that wrongly changed the gradients must not change TF.js' too.
      const tensors = theirGrads.map((g) => toTensor(tf, g));
      mine.step(params, grads);
      theirs.applyGradients(vars.map((v, k) => ({ name: v.name, tensor: tensors[k] as Tensor })));
      tf.dispose(tensors);
      params.forEach((w, k) => {
        const expected = fromTensor(vars[k] as Tensor);
        const scale = Math.max(1, ...Array.from(expected.data, Math.abs));
        // float32 rounds every op of every step: allow a few roundings per step, growing with t.
        expectClose(w, expected, float32Tolerance(8 * t, scale), `${pair.label}, step ${t} of ${STEPS}, params[${k}]`);
      });
    }
  } finally {
    theirs.dispose();
    for (const v of vars) v.dispose();
  }
}

/**
 * NOTE: one case is 20 steps of a tf.train optimizer (~10 TensorFlow.js ops per parameter per
 * step, each ~30 µs however small the tensor): 10 to 20 ms. 100 cases for each of the 12
 * configurations below would take 20 s, so each runs 5; another KATA_SEED picks others.
 */
const TF_RUNS = runs(5);

/**
 * tf.train.momentum(lr, μ, useNesterov). NOTE: TF.js 4.22's MomentumOptimizer.dispose() forgets
 * the learning-rate scalar its parent SGDOptimizer keeps in `c`, one tensor per optimizer; this
 * disposes it too, so that the spec does not leak.
 */
function tfMomentum(tf: Tf, lr: number, mu: number, useNesterov = false): TfOptimizer {
  const opt = tf.train.momentum(lr, mu, useNesterov);
  return {
    applyGradients: (gradients) => opt.applyGradients(gradients),
    dispose: () => {
      opt.dispose();
      (opt as unknown as { c: Tensor }).c.dispose();
    },
  };
}

const agreesWithTf = (pair: Pair) =>
  fc.assert(
    fc.property(problems, (problem) => compareWithTf(pair, problem)),
    TF_RUNS,
  );

// ---- the steps --------------------------------------------------------------------------------

describe('step 1: SGD', () => {
  it('w ← w − lr·g: lr 0.1, w = [1, −2, 0.5], g = [0.5, −1, 0] → [0.95, −1.9, 0.5]', () => {
    // 1 − 0.1·0.5 = 0.95;  −2 − 0.1·(−1) = −1.9;  a zero gradient leaves 0.5 where it is
    expectSteps(sgd({ learningRate: 0.1 }), [1, -2, 0.5], [0.5, -1, 0], [[0.95, -1.9, 0.5]], 'sgd');
  });

  it('updates every parameter in place and leaves the gradients alone', () => {
    const opt = sgd({ learningRate: 0.5 });
    const W = nd([
      [1, 2],
      [3, 4],
    ]);
    const b = nd(0);
    const dW = nd([
      [2, 0],
      [0, -2],
    ]);
    const db = nd(4);
    const params = [W, b];
    expect(() => opt.step(params, [dW, db])).toLeaveUnchanged({ dW, db }, 'sgd.step');
    expect(params[0], 'step must change params[0] itself, not make a new array').toBe(W);
    expect(W).toHaveShape([2, 2]);
    // W − 0.5·dW = [[1 − 1, 2], [3, 4 + 1]];  b − 0.5·4 = −2
    expect(W).toBeAllClose(
      [
        [0, 2],
        [3, 5],
      ],
      { label: 'sgd, params[0] after step 1 (step changes the parameters in place)' },
    );
    expect(b).toHaveShape([]);
    expect(b).toBeAllClose(-2, { label: 'sgd, params[1] after step 1' });
    expect(opt.name).toBe('sgd');
  });

  it('rejects a learning rate that is not a positive number', () => {
    expectLearningRateCheck((learningRate) => sgd({ learningRate }), 'sgd');
  });

  it('rejects gradients that do not pair up with the parameters, naming both shapes', () => {
    expectShapeChecks(() => sgd({ learningRate: 0.1 }), 'sgd');
  });

  it('agrees with tf.train.sgd(0.1) after every one of 20 steps', () => {
    agreesWithTf({
      label: 'sgd({ learningRate: 0.1 })',
      mine: () => sgd({ learningRate: 0.1 }),
      theirs: (tf) => tf.train.sgd(0.1),
    });
  });
});

describe('step 2: momentum (Keras)', () => {
  it('v ← μ·v − lr·g, w ← w + v: the velocity builds up over two steps (μ is 0.9 unless given)', () => {
    // lr 0.1, μ 0.9, w = [1, −2], g = [0.5, 1] both times
    // step 1: v = 0.9·0 − 0.1·[0.5, 1] = [−0.05, −0.1];        w = [0.95, −2.1]
    // step 2: v = 0.9·[−0.05, −0.1] − [0.05, 0.1] = [−0.095, −0.19];  w = [0.855, −2.29]
    // (SGD would be at [0.9, −2.2]: with a steady gradient the velocity grows towards −lr·g/(1 − μ))
    const options = [{ learningRate: 0.1, momentum: 0.9 }, { learningRate: 0.1 }];
    for (const o of options) {
      expectSteps(
        momentum(o),
        [1, -2],
        [0.5, 1],
        [
          [0.95, -2.1],
          [0.855, -2.29],
        ],
        `momentum(${JSON.stringify(o)})`,
      );
    }
  });

  it('keeps one velocity per parameter, which you can read after a step', () => {
    const opt = momentum({ learningRate: 0.1, momentum: 0.9 });
    expect(opt.name).toBe('momentum');
    const params = [nd([1, -2]), nd([[3]])];
    opt.step(params, [nd([0.5, 1]), nd([[-2]])]);
    expect(opt.velocities.length, 'one velocity per parameter').toBe(2);
    expect(opt.velocities[0]).toHaveShape([2]);
    expect(opt.velocities[0]).toBeAllClose([-0.05, -0.1], { label: 'velocities[0] after step 1' });
    expect(opt.velocities[1]).toHaveShape([1, 1]);
    expect(opt.velocities[1]).toBeAllClose([[0.2]], { label: 'velocities[1] after step 1' });
  });

  it('with momentum 0 it is plain SGD', () => {
    const w = stepsWith(momentum({ learningRate: 0.1, momentum: 0 }), [nd([1, -2])], [nd([0.5, 1])], 3);
    const plain = stepsWith(sgd({ learningRate: 0.1 }), [nd([1, -2])], [nd([0.5, 1])], 3);
    expect(w[0]).toBeAllClose(plain[0] as NDArray, { label: 'momentum 0 vs sgd after 3 steps' });
  });

  // The tilted double well f(w) = w⁴ − 2w² + 0.5w (lib/surfaces.ts): f′(w) = 4w³ − 4w + 0.5 is 0 at
  // w ≈ −1.0575 (the global minimum, f ≈ −1.515), 0.1271 (a hump) and 0.9304 (a local minimum,
  // f ≈ −0.517). From w = 2 with lr 0.01, SGD slides into the local minimum and stays (f′ = 0
  // there: nothing moves it). Momentum arrives there with a velocity of about −0.26 per step and
  // keeps it long enough to cross the hump: the notes' "local minimum에 갇힐 수 있다", and the
  // way out. (Measured in float64: every start in [1.6, 2.3] ends within 1e-4 of its minimum
  // after 200 steps, and the escape holds for starts from 1.54 to 2.35.)
  const settle = (opt: Optimizer, w0: number) => {
    const w = nd([w0]);
    for (let t = 0; t < 300; t++) opt.step([w], [nd([tiltedWell.gradient(w.data[0])])]);
    return w;
  };

  it('rolls out of a local minimum that plain SGD stays in (w⁴ − 2w² + 0.5w from w = 2, lr 0.01, μ 0.9)', () => {
    const stuck = settle(sgd({ learningRate: 0.01 }), 2);
    expect(stuck).toHaveShape([1]);
    expect(stuck).toBeAllClose([tiltedWell.localMin], { atol: 1e-3, label: 'sgd after 300 steps' });
    const rolled = settle(momentum({ learningRate: 0.01, momentum: 0.9 }), 2);
    expect(rolled).toHaveShape([1]);
    expect(rolled).toBeAllClose([tiltedWell.globalMin], { atol: 1e-3, label: 'momentum after 300 steps' });
  });

  it('rolls out of it from any start in [1.6, 2.3], where SGD stays in it', () => {
    // 600 optimizer steps per case: a quarter of the usual count keeps this step fast.
    fc.assert(
      fc.property(fc.double({ min: 1.6, max: 2.3, noNaN: true }), (w0) => {
        const stuck = settle(sgd({ learningRate: 0.01 }), w0).data[0];
        const rolled = settle(momentum({ learningRate: 0.01, momentum: 0.9 }), w0).data[0];
        if (Math.abs(stuck - tiltedWell.localMin) > 1e-3 || Math.abs(rolled - tiltedWell.globalMin) > 1e-3) {
          expect([stuck, rolled], `from w = ${w0}: [sgd, momentum] after 300 steps`).toEqual([
            tiltedWell.localMin,
            tiltedWell.globalMin,
          ]);
        }
      }),
      runs(25),
    );
  });

  it('rejects a momentum outside [0, 1) and mismatched shapes', () => {
    expect(() => momentum({ learningRate: 0.1, momentum: 1 }), 'momentum 1 never forgets: must throw').toThrowKind(
      ArgumentError,
      /momentum: momentum must be in \[0, 1\), got 1/,
    );
    expectShapeChecks(() => momentum({ learningRate: 0.1 }), 'momentum');
    expectSameParamsEveryStep(() => momentum({ learningRate: 0.1 }), 'momentum');
  });

  it('updates the parameters in place and leaves the gradients alone', () => {
    expectInPlace(momentum({ learningRate: 0.1 }), 'momentum');
  });

  it('rejects a learning rate that is not positive, and a momentum outside [0, 1) at either end', () => {
    expectLearningRateCheck((learningRate) => momentum({ learningRate }), 'momentum');
    expectDecayCheck((mu) => momentum({ learningRate: 0.1, momentum: mu }), 'momentum', 'momentum');
  });

  it('agrees with tf.train.momentum(0.05, 0.9) after every one of 20 steps', () => {
    agreesWithTf({
      label: 'momentum({ learningRate: 0.05, momentum: 0.9 })',
      mine: () => momentum({ learningRate: 0.05, momentum: 0.9 }),
      theirs: (tf) => tfMomentum(tf, 0.05, 0.9),
    });
  });
});

describe('step 3: Nesterov, the book’s formula', () => {
  it('v ← μ·v − lr·g, w ← w + μ·v − lr·g: the step looks ahead', () => {
    // lr 0.1, μ 0.9, w = [1, −2], g = [0.5, 1] both times
    // step 1: v = [−0.05, −0.1];   w += 0.9·v − 0.1·g = [−0.045 − 0.05, −0.09 − 0.1] = [−0.095, −0.19]
    //         → w = [0.905, −2.19]
    // step 2: v = 0.9·[−0.05, −0.1] − [0.05, 0.1] = [−0.095, −0.19]
    //         w += 0.9·v − 0.1·g = [−0.0855 − 0.05, −0.171 − 0.1] = [−0.1355, −0.271] → [0.7695, −2.461]
    const opt = momentum({ learningRate: 0.1, momentum: 0.9, nesterov: true });
    expectSteps(
      opt,
      [1, -2],
      [0.5, 1],
      [
        [0.905, -2.19],
        [0.7695, -2.461],
      ],
      'momentum({ learningRate: 0.1, momentum: 0.9, nesterov: true })',
    );
    expect(opt.name).toBe('nesterov');
  });

  it('keeps the same velocity as plain momentum; only the step differs', () => {
    const plain = momentum({ learningRate: 0.1, momentum: 0.9 });
    const ahead = momentum({ learningRate: 0.1, momentum: 0.9, nesterov: true });
    stepsWith(plain, [nd([1, -2])], [nd([0.5, 1])], 2);
    stepsWith(ahead, [nd([1, -2])], [nd([0.5, 1])], 2);
    // Both: v = [−0.095, −0.19] after step 2 (the velocity does not depend on w here).
    expect(ahead.velocities[0]).toBeAllClose(plain.velocities[0] as NDArray, { label: 'nesterov velocities[0]' });
  });

  it('updates the parameters in place, leaves the gradients alone, and checks its arguments under its name', () => {
    expectInPlace(momentum({ learningRate: 0.1, nesterov: true }), 'nesterov');
    expectLearningRateCheck((learningRate) => momentum({ learningRate, nesterov: true }), 'nesterov');
    expectDecayCheck((mu) => momentum({ learningRate: 0.1, momentum: mu, nesterov: true }), 'nesterov', 'momentum');
  });

  it('agrees with tf.train.momentum(0.05, 0.9, useNesterov = true) after every one of 20 steps', () => {
    agreesWithTf({
      label: 'momentum({ learningRate: 0.05, momentum: 0.9, nesterov: true })',
      mine: () => momentum({ learningRate: 0.05, momentum: 0.9, nesterov: true }),
      theirs: (tf) => tfMomentum(tf, 0.05, 0.9, true),
    });
  });
});

describe('step 4: TensorFlow.js’ momentum', () => {
  it('a ← μ·a + g, w ← w − lr·a: the same steps as Keras’ form, with a = −v / lr', () => {
    // lr 0.1, μ 0.9, w = [1, −2], g = [0.5, 1] both times
    // step 1: a = [0.5, 1];                       w = [1, −2] − 0.1·a = [0.95, −2.1]
    // step 2: a = 0.9·[0.5, 1] + [0.5, 1] = [0.95, 1.9];  w = [0.95, −2.1] − 0.1·a = [0.855, −2.29]
    // — step 2's numbers: Keras' velocity was [−0.095, −0.19] = −0.1·a.
    const opt = tfjsMomentum({ learningRate: 0.1, momentum: 0.9 });
    expectSteps(
      opt,
      [1, -2],
      [0.5, 1],
      [
        [0.95, -2.1],
        [0.855, -2.29],
      ],
      'tfjsMomentum({ learningRate: 0.1, momentum: 0.9 })',
    );
    expect(opt.accumulations[0]).toHaveShape([2]);
    expect(opt.accumulations[0]).toBeAllClose([0.95, 1.9], { label: 'accumulations[0] after step 2' });
  });

  it('useNesterov: w ← w − lr·(g + μ·a), the book’s steps again', () => {
    // step 1: a = [0.5, 1];  w −= 0.1·([0.5, 1] + 0.9·[0.5, 1]) = [0.095, 0.19] → [0.905, −2.19]
    // step 2: a = [0.95, 1.9];  w −= 0.1·([0.5, 1] + 0.9·[0.95, 1.9]) = [0.1355, 0.271] → [0.7695, −2.461]
    expectSteps(
      tfjsMomentum({ learningRate: 0.1, momentum: 0.9, useNesterov: true }),
      [1, -2],
      [0.5, 1],
      [
        [0.905, -2.19],
        [0.7695, -2.461],
      ],
      'tfjsMomentum({ learningRate: 0.1, momentum: 0.9, useNesterov: true })',
    );
  });

  it('walks the same path as momentum() on random problems, with velocity = −lr·accumulation', () => {
    const cases = fc.record({ problem: problems, nesterov: fc.boolean() });
    fc.assert(
      fc.property(cases, ({ problem, nesterov }) => {
        const lr = 0.05;
        const tfjs = tfjsMomentum({ learningRate: lr, momentum: 0.9, useNesterov: nesterov });
        const keras = momentum({ learningRate: lr, momentum: 0.9, nesterov });
        const rng = createRng(problem.seed);
        const start = problem.shapes.map((s) => seeded(rng, s));
        const [a, b] = [start.map((w) => w.clone()), start.map((w) => w.clone())];
        for (let t = 1; t <= STEPS; t++) {
          const grads = problem.shapes.map((s) => seeded(rng, s));
          tfjs.step(a, grads);
          keras.step(b, grads);
          const what = `${nesterov ? 'nesterov' : 'momentum'}, step ${t}`;
          // Both in float64: the two forms differ only by rounding.
          const tolerance = { rtol: 1e-9, atol: 1e-12 };
          a.forEach((w, k) => {
            expectClose(b[k] as NDArray, w, tolerance, `${what}: momentum() vs tfjsMomentum(), params[${k}]`);
            const velocity = (tfjs.accumulations[k] as NDArray).data.map((x) => -lr * x);
            expectClose(
              keras.velocities[k] as NDArray,
              new NDArray(velocity, w.shape),
              tolerance,
              `${what}: velocities[${k}] vs −lr·accumulations[${k}]`,
            );
          });
        }
      }),
      // Pure JavaScript, but 20 steps of two optimizers per case: 50 cases keep it under 0.1 s.
      runs(50),
    );
  });

  it('rejects a momentum outside [0, 1) and mismatched shapes', () => {
    expect(() => tfjsMomentum({ learningRate: 0.1, momentum: -0.5 }), 'momentum −0.5 must throw').toThrowKind(
      ArgumentError,
      /momentum: momentum must be in \[0, 1\), got -0\.5/,
    );
    expectShapeChecks(() => tfjsMomentum({ learningRate: 0.1, momentum: 0.9 }), 'momentum');
    expectSameParamsEveryStep(() => tfjsMomentum({ learningRate: 0.1, momentum: 0.9 }), 'momentum');
  });

  it('is named momentum, or nesterov with useNesterov; updates in place and leaves the gradients alone', () => {
    expectInPlace(tfjsMomentum({ learningRate: 0.1, momentum: 0.9 }), 'momentum');
    expectInPlace(tfjsMomentum({ learningRate: 0.1, momentum: 0.9, useNesterov: true }), 'nesterov');
  });

  it('rejects a learning rate that is not positive, and a momentum outside [0, 1) at either end, under its name', () => {
    for (const useNesterov of [false, true]) {
      const name = useNesterov ? 'nesterov' : 'momentum';
      expectLearningRateCheck((learningRate) => tfjsMomentum({ learningRate, momentum: 0.9, useNesterov }), name);
      expectDecayCheck((mu) => tfjsMomentum({ learningRate: 0.1, momentum: mu, useNesterov }), name, 'momentum');
    }
  });

  it('agrees with tf.train.momentum, with and without useNesterov, after every one of 20 steps', () => {
    for (const useNesterov of [false, true]) {
      agreesWithTf({
        label: `tfjsMomentum({ learningRate: 0.05, momentum: 0.8, useNesterov: ${useNesterov} })`,
        mine: () => tfjsMomentum({ learningRate: 0.05, momentum: 0.8, useNesterov }),
        theirs: (tf) => tfMomentum(tf, 0.05, 0.8, useNesterov),
      });
    }
  });
});

describe('step 5: Adagrad', () => {
  it('s ← s + g² from s = 0.1, w ← w − lr·g/√(s + ε): each element’s steps shrink at its own pace', () => {
    // lr 0.1, ε 1e-7, w = [1, −2, 0.5], g = [0.5, 1, 0] both times
    // step 1: s = 0.1 + g² = [0.35, 1.1, 0.1];  w −= 0.1·g/√s ≈ [0.0845155, 0.0953463, 0]
    // step 2: s = [0.6, 2.1, 0.1];             w −= 0.1·g/√s ≈ [0.0645497, 0.0690066, 0]
    // (Starting s at 0 instead would make the first step exactly ±lr = ±0.1 for every element.)
    const step = (s: number, g: number) => (0.1 * g) / Math.sqrt(s + 1e-7);
    expectSteps(
      adagrad({ learningRate: 0.1 }),
      [1, -2, 0.5],
      [0.5, 1, 0],
      [
        [1 - step(0.35, 0.5), -2 - step(1.1, 1), 0.5],
        [1 - step(0.35, 0.5) - step(0.6, 0.5), -2 - step(1.1, 1) - step(2.1, 1), 0.5],
      ],
      'adagrad({ learningRate: 0.1 })',
    );
  });

  it('ε goes inside the square root: ε 0.01, g = 0.5 → √(0.35 + 0.01) = 0.6, a step of 0.1·0.5/0.6', () => {
    // s = 0.1 + 0.25 = 0.35;  step = 0.1·0.5/√0.36 = 0.083333  (ε outside: 0.05/(√0.35 + 0.01) = 0.083110)
    expectSteps(
      adagrad({ learningRate: 0.1, epsilon: 0.01 }),
      [1],
      [0.5],
      [[1 - 0.05 / 0.6]],
      'adagrad({ learningRate: 0.1, epsilon: 0.01 })',
    );
  });

  it('rejects an initial accumulator value that is not positive, and mismatched shapes', () => {
    // TF.js requires it to be positive (and finite)
    for (const x of [0, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(
        () => adagrad({ learningRate: 0.1, initialAccumulatorValue: x }),
        `initialAccumulatorValue ${x}`,
      ).toThrowKind(ArgumentError, new RegExp(`^adagrad: initialAccumulatorValue must be positive, got ${x}$`));
    }
    expectShapeChecks(() => adagrad({ learningRate: 0.1 }), 'adagrad');
    expectSameParamsEveryStep(() => adagrad({ learningRate: 0.1 }), 'adagrad');
  });

  it('ε is 1e-7 unless given: it shows where s is tiny (s = 6e-8 + g² with g = 3e-4 → √(s + ε) = 5e-4)', () => {
    // s = 6e-8 + 9e-8 = 1.5e-7;  √(1.5e-7 + 1e-7) = 5e-4;  step = 0.1·3e-4/5e-4 = 0.06
    // (ε 0 would step 0.1·3e-4/√1.5e-7 = 0.0775)
    expectSteps(
      adagrad({ learningRate: 0.1, initialAccumulatorValue: 6e-8 }),
      [1],
      [3e-4],
      [[0.94]],
      'adagrad({ learningRate: 0.1, initialAccumulatorValue: 6e-8 })',
      1e-6,
    );
  });

  it('updates the parameters in place and leaves the gradients alone', () => {
    expectInPlace(adagrad({ learningRate: 0.1 }), 'adagrad');
  });

  it('rejects a learning rate that is not positive, and an ε that is not a number ≥ 0', () => {
    expectLearningRateCheck((learningRate) => adagrad({ learningRate }), 'adagrad');
    expectEpsilonCheck((epsilon) => adagrad({ learningRate: 0.1, epsilon }), 'adagrad');
  });

  it('agrees with tf.train.adagrad(0.2) and tf.train.adagrad(0.2, 0.5) after every one of 20 steps', () => {
    agreesWithTf({
      label: 'adagrad({ learningRate: 0.2 })',
      mine: () => adagrad({ learningRate: 0.2 }),
      theirs: (tf) => tf.train.adagrad(0.2),
    });
    agreesWithTf({
      label: 'adagrad({ learningRate: 0.2, initialAccumulatorValue: 0.5 })',
      mine: () => adagrad({ learningRate: 0.2, initialAccumulatorValue: 0.5 }),
      theirs: (tf) => tf.train.adagrad(0.2, 0.5),
    });
  });
});

describe('step 6: RMSprop', () => {
  it('the first step is lr·√10 per element, whatever the size of g (ρ = 0.9, ε negligible)', () => {
    // s = 0.1·g², so lr·g/√(0.1·g² + ε) ≈ ±lr/√0.1 = ±0.01·3.1623 = ±0.031623 (0 where g = 0)
    const first = (g: number) => (0.01 * g) / Math.sqrt(0.1 * g * g + 1e-7);
    expectSteps(
      rmsprop({ learningRate: 0.01 }),
      [1, 1, 1],
      [0.5, -20, 0],
      [[1 - first(0.5), 1 - first(-20), 1]],
      'rmsprop({ learningRate: 0.01 })',
    );
  });

  it('ε goes inside the square root: lr 0.01, ε 0.001, g = ±0.3 → a step of exactly 0.03', () => {
    // s = 0.1·0.3² = 0.009;  √(s + ε) = √0.01 = 0.1;  step = 0.01·0.3/0.1 = 0.03
    // (with ε outside, √0.009 + 0.001 = 0.0958683 and the step would be 0.0312929)
    expectSteps(
      rmsprop({ learningRate: 0.01, epsilon: 0.001 }),
      [1, 1, 1],
      [0.3, -0.3, 0],
      [[0.97, 1.03, 1]],
      'rmsprop({ learningRate: 0.01, epsilon: 0.001 })',
    );
  });

  it('centered: a parameter whose gradients are 0 stays where it is (no NaN)', () => {
    // s = m = 0, so the step is 0.01·0/√(0 − 0 + ε) = 0
    expectSteps(
      rmsprop({ learningRate: 0.01, centered: true, momentum: 0.9 }),
      [1, -1],
      [0, 0],
      [
        [1, -1],
        [1, -1],
      ],
      'rmsprop({ learningRate: 0.01, centered: true, momentum: 0.9 })',
    );
  });

  it('rejects a decay outside [0, 1) and mismatched shapes', () => {
    expect(() => rmsprop({ learningRate: 0.01, decay: 1 }), 'decay 1 must throw').toThrowKind(
      ArgumentError,
      /rmsprop: decay must be in \[0, 1\), got 1/,
    );
    expectShapeChecks(() => rmsprop({ learningRate: 0.01 }), 'rmsprop');
    expectSameParamsEveryStep(() => rmsprop({ learningRate: 0.01 }), 'rmsprop');
  });

  it('ε is 1e-7 unless given: g = ±0.003 → s = 9e-7, √(s + ε) = 0.001, a step of exactly 0.03', () => {
    // s = 0.1·9e-6 = 9e-7;  step = 0.01·0.003/√(1e-6) = 0.03  (ε 0 would step lr·√10 = 0.031623)
    expectSteps(
      rmsprop({ learningRate: 0.01 }),
      [1, 1],
      [0.003, -0.003],
      [[0.97, 1.03]],
      'rmsprop({ learningRate: 0.01 })',
      1e-6,
    );
  });

  it('momentum is 0 unless given: the second step is that step’s lr·g/√(s + ε) alone', () => {
    // lr 0.01, ρ 0.9, ε 0.001, g = 0.3 both times
    // step 1: s = 0.009, √(s + ε) = 0.1, v = 0.03 → w = 0.97
    // step 2: s = 0.9·0.009 + 0.1·0.09 = 0.0171, v = 0.003/√0.0181 ≈ 0.0222988 → w ≈ 0.9477012
    // (μ 0.9 would add 0.9·0.03 = 0.027 to the second step)
    expectSteps(
      rmsprop({ learningRate: 0.01, epsilon: 0.001 }),
      [1],
      [0.3],
      [[0.97], [0.97 - 0.003 / Math.sqrt(0.0181)]],
      'rmsprop({ learningRate: 0.01, epsilon: 0.001 })',
    );
  });

  it('updates the parameters in place and leaves the gradients alone', () => {
    expectInPlace(rmsprop({ learningRate: 0.01 }), 'rmsprop');
    expectInPlace(rmsprop({ learningRate: 0.01, momentum: 0.9, centered: true }), 'rmsprop');
  });

  it('rejects a learning rate that is not positive, a decay or momentum outside [0, 1), and an ε below 0', () => {
    expectLearningRateCheck((learningRate) => rmsprop({ learningRate }), 'rmsprop');
    expectDecayCheck((decay) => rmsprop({ learningRate: 0.01, decay }), 'rmsprop', 'decay');
    expectDecayCheck((mu) => rmsprop({ learningRate: 0.01, momentum: mu }), 'rmsprop', 'momentum');
    expectEpsilonCheck((epsilon) => rmsprop({ learningRate: 0.01, epsilon }), 'rmsprop');
  });

  it('agrees with tf.train.rmsprop(0.01, 0.9, 0, 0.001) after every one of 20 steps', () => {
    agreesWithTf({
      label: 'rmsprop({ learningRate: 0.01, epsilon: 0.001 })',
      mine: () => rmsprop({ learningRate: 0.01, epsilon: 0.001 }),
      theirs: (tf) => tf.train.rmsprop(0.01, 0.9, 0, 0.001),
    });
  });

  it('with momentum: agrees with tf.train.rmsprop(0.01, 0.8, 0.9, 0.001) after every one of 20 steps', () => {
    agreesWithTf({
      label: 'rmsprop({ learningRate: 0.01, decay: 0.8, momentum: 0.9, epsilon: 0.001 })',
      mine: () => rmsprop({ learningRate: 0.01, decay: 0.8, momentum: 0.9, epsilon: 0.001 }),
      theirs: (tf) => tf.train.rmsprop(0.01, 0.8, 0.9, 0.001),
    });
  });

  it('centered: agrees with tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, true) after every one of 20 steps', () => {
    agreesWithTf({
      label: 'rmsprop({ learningRate: 0.01, momentum: 0.5, centered: true })',
      mine: () => rmsprop({ learningRate: 0.01, momentum: 0.5, centered: true }),
      theirs: (tf) => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, true),
      awayFromZero: true,
    });
  });
});

describe('step 7: Adam', () => {
  it('bias correction makes every step lr per element while the gradient is steady', () => {
    // lr 0.01, β1 0.9, β2 0.999, w = [1, 1, 1], g = [0.5, −2, 0] both times
    // step 1: m = 0.1·g, v = 0.001·g²;  m̂ = m/0.1 = g, v̂ = v/0.001 = g²
    //         w −= 0.01·g/(|g| + 1e-7) ≈ [0.01, −0.01, 0]
    // step 2: m = 0.19·g, v = 0.001999·g²;  m̂ = m/(1 − 0.9²) = g, v̂ = v/(1 − 0.999²) = g²: the same step
    // (without bias correction step 1 would be 0.01·0.1·g/(√0.001·|g|) ≈ 0.0316: 3.16 times too big)
    const first = (g: number) => (0.01 * g) / (Math.abs(g) + 1e-7);
    expectSteps(
      adam({ learningRate: 0.01 }),
      [1, 1, 1],
      [0.5, -2, 0],
      [
        [1 - first(0.5), 1 - first(-2), 1],
        [1 - 2 * first(0.5), 1 - 2 * first(-2), 1],
      ],
      'adam({ learningRate: 0.01 })',
      // Loose enough that where ε sits does not matter here (Keras' form passes); the next test checks that.
      1e-5,
    );
  });

  it('counts steps, not parameters: two parameters, two steps of lr each', () => {
    // t is 1 at the first step for both parameters, 2 at the second: each step moves each element by lr.
    const opt = adam({ learningRate: 0.01 });
    const params = [nd([1]), nd([[1, 1]])];
    const grads = [nd([0.5]), nd([[-2, 4]])];
    stepsWith(opt, params, grads, 2);
    expect(params[0]).toBeAllClose([0.98], { rtol: 1e-5, label: 'adam, params[0] after step 2' });
    expect(params[1]).toHaveShape([1, 2]);
    expect(params[1]).toBeAllClose([[1.02, 0.98]], { rtol: 1e-5, label: 'adam, params[1] after step 2' });
  });

  it('ε goes outside the square root: lr 0.01, ε 0.5, g = 1 → a first step of 0.01/1.5', () => {
    // m̂ = 1, v̂ = 1: step = 0.01·1/(√1 + 0.5) = 0.0066667 (inside the root it would be 0.01/√1.5 = 0.0081650)
    expectSteps(
      adam({ learningRate: 0.01, epsilon: 0.5 }),
      [0],
      [1],
      [[-0.01 / 1.5]],
      'adam({ learningRate: 0.01, epsilon: 0.5 })',
    );
  });

  it('uses TF.js’ defaults: learning rate 0.001, β1 0.9, β2 0.999, ε 1e-7', () => {
    // the first step is lr·g/(|g| + ε) = 0.001·2/(2 + 1e-7)
    expectSteps(adam(), [0], [2], [[-0.002 / (2 + 1e-7)]], 'adam()', 1e-5);
  });

  it('β1 0.9 and β2 0.999 by default show from the second step: g = 2, then g = 0', () => {
    // step 1: m = 0.2, v = 0.004;  m̂ = 2, v̂ = 4  → w = −0.001·2/(2 + 1e-7)
    // step 2 (g = 0): m = 0.9·0.2 = 0.18, v = 0.999·0.004 = 0.003996;
    //         m̂ = 0.18/(1 − 0.81) ≈ 0.947, v̂ = 0.003996/(1 − 0.998001) ≈ 1.999 → a step of ≈ 0.00067
    const opt = adam();
    const w = nd([0]);
    const first = -0.002 / (2 + 1e-7);
    opt.step([w], [nd([2])]);
    expect(w).toHaveShape([1]);
    expect(w).toBeAllClose([first], { rtol: 1e-6, label: 'adam(), params[0] after step 1' });
    opt.step([w], [nd([0])]);
    const second = (0.001 * (0.18 / 0.19)) / (Math.sqrt(0.003996 / 0.001999) + 1e-7);
    expect(w).toBeAllClose([first - second], { rtol: 1e-6, label: 'adam(), params[0] after step 2 (g = 0)' });
  });

  it('ε is 1e-7 unless given: a gradient of 1e-7 gets half a step', () => {
    // m̂ = g, v̂ = g² at the first step: lr·g/(|g| + ε) = 0.001·1e-7/(2e-7) = 0.0005
    expectSteps(adam(), [0], [1e-7], [[-0.0005]], 'adam()', 1e-6);
  });

  it('updates the parameters in place and leaves the gradients alone', () => {
    expectInPlace(adam(), 'adam');
  });

  it('rejects a learning rate that is not positive, a β outside [0, 1) at either end, and an ε below 0', () => {
    expectLearningRateCheck((learningRate) => adam({ learningRate }), 'adam');
    expectDecayCheck((beta1) => adam({ beta1 }), 'adam', 'beta1');
    expectDecayCheck((beta2) => adam({ beta2 }), 'adam', 'beta2');
    expectEpsilonCheck((epsilon) => adam({ epsilon }), 'adam');
  });

  it('rejects a β outside [0, 1) and mismatched shapes', () => {
    expect(() => adam({ beta2: 1 }), 'beta2 1 must throw').toThrowKind(
      ArgumentError,
      /adam: beta2 must be in \[0, 1\), got 1/,
    );
    expectShapeChecks(() => adam(), 'adam');
    expectSameParamsEveryStep(() => adam(), 'adam');
  });

  it('agrees with tf.train.adam(0.01) and tf.train.adam(0.05, 0.8, 0.99, 0.001) after every one of 20 steps', () => {
    agreesWithTf({
      label: 'adam({ learningRate: 0.01 })',
      mine: () => adam({ learningRate: 0.01 }),
      theirs: (tf) => tf.train.adam(0.01),
    });
    agreesWithTf({
      label: 'adam({ learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 0.001 })',
      mine: () => adam({ learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 0.001 }),
      theirs: (tf) => tf.train.adam(0.05, 0.8, 0.99, 0.001),
    });
  });
});
