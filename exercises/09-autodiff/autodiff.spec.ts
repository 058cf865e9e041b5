/**
 * Exercise 09 — autodiff. Run: `npm start` (watch mode) or `npx vitest --project exercises 09`.
 * Each describe block is one step of README.md; make them pass in order.
 *
 * The oracle is TensorFlow.js' own reverse-mode engine: `tf.grads(f)(xs)` differentiates the same
 * computation written with tf ops. Finite differences (lib/gradcheck.ts) back the rules up.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareArrays } from '../../lib/compare.ts';
import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { numericalGradient, relativeError } from '../../lib/gradcheck.ts';
import { isNDArray, NDArray, type Nested } from '../../lib/ndarray.ts';
import * as ops from '../../lib/ops/index.ts';
import { fromTensor, loadOracle, type Oracle, runOracle, type Tensor, type Tf, toTensor } from '../../lib/oracle.ts';
import { runs } from '../../lib/runs.ts';
import { sizeOf } from '../../lib/shape.ts';
import { float32Tolerance } from '../../lib/tolerance.ts';
import {
  add,
  type BackwardRule,
  backward,
  dense,
  div,
  exp,
  GradientTape,
  gradient,
  log,
  matmul,
  mean,
  mul,
  relu,
  sigmoid,
  softmaxCrossEntropy,
  square,
  sub,
  sum,
  topologicalOrder,
  trainStep,
  Variable,
} from './autodiff.ts';

let oracle: Oracle;
beforeAll(async () => {
  oracle = await loadOracle({ small: true });
});

// ---- helpers ---------------------------------------------------------------------------------

const nd = (x: Nested) => NDArray.fromNested(x);
const maxAbs = (x: NDArray) => Array.from(x.data).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/**
 * float32 tolerance for a gradient TensorFlow.js computed: `terms` roundings, on the scale of
 * the largest gradient element (so a tiny element may be off by a float32 rounding of the big ones).
 */
const tfTolerance = (expected: NDArray, terms = 4, scale = maxAbs(expected)) => float32Tolerance(terms, scale);

/**
 * NOTE: a tf.grads case costs about 2 ms of CPU (every op, forward and backward, goes through
 * TensorFlow.js' dispatcher and tape, however small the tensors), so 10 properties × 100 cases
 * would take over 2 s on their own. The properties that ask TensorFlow.js run 25 cases each;
 * another KATA_SEED picks other cases. (Checked: 100 cases each pass for KATA_SEED 1 to 22.)
 */
const TF_RUNS = runs(25);

/** expect() on the gradient backward(y) left on `v`; failures start with `name.grad:`. */
const expectGrad = (v: Variable, name: string) => expect(gradOf(v, name), `${name}.grad`);

/** The gradient backward(y) left on `v`, or a failure that says it never arrived. */
function gradOf(v: Variable, name: string): NDArray {
  if (v.grad === null) {
    throw new Error(`${name}.grad is null after backward(y): the backward pass never gave ${name} a gradient`);
  }
  return v.grad;
}

/** f at the inputs and ∂f/∂x for every input x, from tf.valueAndGrads; a non-scalar f means sum(f), as in TF. */
function tfValueAndGrads(
  f: (tf: Tf, ...xs: Tensor[]) => Tensor,
  ...inputs: NDArray[]
): { value: number; grads: NDArray[] } {
  const { tf } = oracle;
  const out = tf.tidy(() => tf.valueAndGrads((...xs: Tensor[]) => f(tf, ...xs))(inputs.map((x) => toTensor(tf, x))));
  try {
    return { value: out.value.dataSync()[0], grads: out.grads.map(fromTensor) };
  } finally {
    tf.dispose([out.value, ...out.grads]);
  }
}

/** ∂f/∂x for every input x, from TensorFlow.js (f's tensors are freed). */
const tfGrads = (f: (tf: Tf, ...xs: Tensor[]) => Tensor, ...inputs: NDArray[]) => tfValueAndGrads(f, ...inputs).grads;

/** f evaluated by TensorFlow.js, as a number (for losses). */
const tfValue = (f: (tf: Tf, ...xs: Tensor[]) => Tensor, ...inputs: NDArray[]) =>
  runOracle(oracle, f, ...inputs).data[0];

/**
 * A float32 array of quarter steps in [-bound, bound] (0, 1.25, -0.5, …): sums and products of a
 * few of them are exact in float32, and a shrunk counterexample stays readable.
 */
function quarters(shape: readonly number[], bound = 3): fc.Arbitrary<NDArray> {
  const n = sizeOf(shape);
  const q = fc.integer({ min: -4 * bound, max: 4 * bound });
  return fc.array(q, { minLength: n, maxLength: n }).map((v) =>
    NDArray.fromFlat(
      v.map((k) => k / 4),
      shape,
      'float32',
    ),
  );
}

/** A shape of rank 0..3 with sizes 1..4. */
const smallShape = fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 });

/** A shape that broadcasts to `out`: some leading axes dropped, some sizes set to 1. */
function broadcastsTo(out: readonly number[]): fc.Arbitrary<number[]> {
  return fc
    .tuple(
      fc.integer({ min: 0, max: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    )
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}

/** Values away from 0 (for denominators and logarithms): |v| in [0.5, bound + 0.5]. */
const awayFromZero = (x: NDArray) =>
  NDArray.fromFlat(
    Array.from(x.data, (v) => (v < 0 ? v - 0.5 : v + 0.5)),
    x.shape,
    'float32',
  );

// ---- step 1 ------------------------------------------------------------------------------

describe('step 1: y = 2x + 3, backward by hand', () => {
  it("the seed's example: x = 0, y = 2·x + 3, dy/dx = 2 — and dy/dy = 1 seeds the pass", () => {
    const x = new Variable(0);
    const y = add(mul(2, x), 3);
    backward(y);
    expectGrad(y, 'y').toHaveShape([]);
    expectGrad(y, 'y').toBeAllClose(1);
    expectGrad(x, 'x').toHaveShape([]);
    expectGrad(x, 'x').toBeAllClose(2);
  });

  it('a line has the same slope everywhere: dy/dx = 2 at x = 3 and at x = −1.5', () => {
    for (const at of [3, -1.5]) {
      const x = new Variable(at);
      backward(add(mul(2, x), 3));
      expectGrad(x, 'x').toBeAllClose(2);
    }
  });

  it('y = x·w + b: ∂y/∂w = x = 3, ∂y/∂x = w = −2, ∂y/∂b = 1', () => {
    const [x, w, b] = [new Variable(3), new Variable(-2), new Variable(0.5)];
    backward(add(mul(x, w), b));
    expectGrad(w, 'w').toBeAllClose(3);
    expectGrad(x, 'x').toBeAllClose(-2);
    expectGrad(b, 'b').toBeAllClose(1);
  });

  it('the chain rule: y = 2·u with u = 3x + 1, so dy/du = 2 and dy/dx = dy/du · du/dx = 2·3 = 6', () => {
    const x = new Variable(5);
    const u = add(mul(3, x), 1);
    const y = mul(2, u);
    backward(y);
    expectGrad(u, 'u').toBeAllClose(2);
    expectGrad(x, 'x').toBeAllClose(6);
  });

  it("backward seeds y.grad with ones of y's shape; inputGrads refuses a seed of another shape, and a leaf hands on nothing", () => {
    const x = new Variable([1, 2]);
    const y = mul(x, 3);
    backward(y);
    expectGrad(y, 'y').toHaveShape([2]);
    expectGrad(y, 'y').toBeAllClose([1, 1]);
    expect(x.inputGrads(gradOf(x, 'x')), 'x.inputGrads(x.grad): a leaf has no rule and no inputs').toEqual([]);
    // a scalar 1 as the seed of y [2] is the mistake this message explains
    expect(() => y.inputGrads(NDArray.ones([]))).toThrowKind(
      ShapeError,
      /^mul backward: dy has shape \[\], but the output has shape \[2\]$/,
    );
  });

  it('backward runs the rule of an op you make yourself: cube = new Variable(x³, [x], "cube", dy ↦ [dy·3x²]) gives 12 at x = 2', () => {
    const x = new Variable(2);
    const cube = new Variable(ops.mul(ops.square(x.value), x.value), [x], 'cube', (dy) => [
      ops.mul(dy, ops.mul(3, ops.square(x.value))),
    ]);
    backward(add(cube, 1));
    expectGrad(x, 'x').toBeAllClose(12); // d(x³ + 1)/dx = 3x² = 12
  });

  it('inputGrads refuses a rule that returns another number of gradients than inputs, or something not an NDArray', () => {
    const x = new Variable(1);
    const reluWith = (rule: (dy: NDArray) => unknown[]) => new Variable(x.value, [x], 'relu', rule as BackwardRule);
    expect(() => backward(reluWith((dy) => [dy, dy]))).toThrowKind(
      ArgumentError,
      /^relu backward: the rule must return 1 gradient\(s\), one per input, got 2$/,
    );
    expect(() => backward(reluWith(() => []))).toThrowKind(
      ArgumentError,
      /^relu backward: the rule must return 1 gradient\(s\), one per input, got 0$/,
    );
    // dy.data[0] is the number 1, not an NDArray of shape []
    expect(() => backward(reluWith((dy) => [dy.data[0]]))).toThrowKind(
      ArgumentError,
      /^relu backward: the gradient for inputs\[0\] is not an NDArray: 1$/,
    );
  });

  it('inputGrads refuses a gradient of another shape than its input, and says when a broadcast axis was not summed', () => {
    // mul without sumToShape: a [3, 1] times b [1, 4] is [3, 4], and so is dy·b
    const a = new Variable(NDArray.ones([3, 1]));
    const b = new Variable(NDArray.ones([1, 4]));
    const mulUnsummed = new Variable(ops.mul(a.value, b.value), [a, b], 'mul', (dy) => [
      ops.mul(dy, b.value),
      ops.mul(dy, a.value),
    ]);
    expect(() => backward(mulUnsummed)).toThrowKind(
      ShapeError,
      /^mul backward: the gradient for inputs\[0\] has shape \[3,4\], but inputs\[0\] has shape \[3,1\] \(inputs\[0\] was broadcast along axes \[1\] of the output \[3,4\]\)$/,
    );
    // a scalar added to every element of [3, 4] was broadcast along both axes
    const x = new Variable(NDArray.ones([3, 4]));
    const s = new Variable(2);
    const addUnsummed = new Variable(ops.add(x.value, s.value), [x, s], 'add', (dy) => [dy, dy]);
    expect(() => backward(addUnsummed)).toThrowKind(
      ShapeError,
      /^add backward: the gradient for inputs\[1\] has shape \[3,4\], but inputs\[1\] has shape \[\] \(inputs\[1\] was broadcast along axes \[0,1\] of the output \[3,4\]\)$/,
    );
    // matmul's dy [2, 4] is not the gradient of x [2, 3]; nothing was broadcast, so no reason is added
    const [xm, W] = [new Variable(NDArray.ones([2, 3])), new Variable(NDArray.ones([3, 4]))];
    const matmulDy = new Variable(ops.matmul(xm.value, W.value), [xm, W], 'matmul', (dy) => [dy, dy]);
    expect(() => backward(matmulDy)).toThrowKind(
      ShapeError,
      /^matmul backward: the gradient for inputs\[0\] has shape \[2,4\], but inputs\[0\] has shape \[2,3\]$/,
    );
  });

  it('a rule that fails on a shape is named, with its shapes; any other error in a rule comes out as it is', () => {
    const [x, W] = [new Variable(NDArray.ones([2, 3])), new Variable(NDArray.ones([3, 4]))];
    // dy·W without the transpose: [2, 4]·[3, 4]
    const noTranspose = new Variable(ops.matmul(x.value, W.value), [x, W], 'matmul', (dy) => [
      ops.matmul(dy, W.value),
      ops.matmul(x.value, dy, { transposeA: true }),
    ]);
    expect(() => backward(noTranspose)).toThrowKind(
      ShapeError,
      /^matmul backward: matmul: inner dimensions 4 and 3 differ \(a \[2,4\], b \[3,4\]\) \(in the rule of matmul: inputs \[2,3\], \[3,4\], dy \[2,4\]\)$/,
    );
    const unwritten = new Variable(ops.add(x.value, 1), [x], 'add', () => {
      throw new Error('TODO(09-autodiff): implement the backward rule of add (step 1 in README.md)');
    });
    expect(() => backward(unwritten)).toThrowKind(
      Error,
      /^TODO\(09-autodiff\): implement the backward rule of add \(step 1 in README\.md\)$/,
    );
  });

  it('agrees with tf.grads on y = 2·(x·w + b) + 3 at random x, w, b', () => {
    const scalar = fc.integer({ min: -40, max: 40 }).map((k) => nd(k / 4));
    fc.assert(
      fc.property(scalar, scalar, scalar, (xv, wv, bv) => {
        const [x, w, b] = [new Variable(xv), new Variable(wv), new Variable(bv)];
        backward(add(mul(2, add(mul(x, w), b)), 3));
        const expected = tfGrads((tf, x, w, b) => tf.add(tf.mul(2, tf.add(tf.mul(x, w), b)), 3), xv, wv, bv);
        [x, w, b].forEach((v, i) => {
          expectGrad(v, ['x', 'w', 'b'][i] as string).toBeAllClose(expected[i], tfTolerance(expected[i] as NDArray));
        });
      }),
      TF_RUNS,
    );
  });
});

// ---- step 2 ------------------------------------------------------------------------------

type UnaryName = 'relu' | 'sigmoid' | 'exp' | 'log' | 'square';
const unary: Record<UnaryName, { ours: (x: Variable) => Variable; tf: (tf: Tf, x: Tensor) => Tensor }> = {
  relu: { ours: relu, tf: (tf, x) => tf.relu(x) },
  sigmoid: { ours: sigmoid, tf: (tf, x) => tf.sigmoid(x) },
  exp: { ours: exp, tf: (tf, x) => tf.exp(x) },
  log: { ours: log, tf: (tf, x) => tf.log(x) },
  square: { ours: square, tf: (tf, x) => tf.square(x) },
};

type BinaryName = 'add' | 'sub' | 'mul' | 'div';
const binary: Record<
  BinaryName,
  { ours: (a: Variable, b: Variable) => Variable; tf: (tf: Tf, a: Tensor, b: Tensor) => Tensor }
> = {
  add: { ours: add, tf: (tf, a, b) => tf.add(a, b) },
  sub: { ours: sub, tf: (tf, a, b) => tf.sub(a, b) },
  mul: { ours: mul, tf: (tf, a, b) => tf.mul(a, b) },
  div: { ours: div, tf: (tf, a, b) => tf.div(a, b) },
};

describe('step 2: the backward rules of element-wise ops and reductions', () => {
  it('d(a − b)/da = 1 and d(a − b)/db = −1', () => {
    const [a, b] = [new Variable(5), new Variable(2)];
    backward(sub(a, b));
    expectGrad(a, 'a').toBeAllClose(1);
    expectGrad(b, 'b').toBeAllClose(-1);
  });

  it('d(a / b)/da = 1/b = 0.5 and d(a / b)/db = −a/b² = −0.75 at a = 3, b = 2', () => {
    const [a, b] = [new Variable(3), new Variable(2)];
    backward(div(a, b));
    expectGrad(a, 'a').toBeAllClose(0.5);
    expectGrad(b, 'b').toBeAllClose(-0.75);
  });

  it('x² → 2x = 6 at 3; eˣ → eˣ = e at 1; log x → 1/x = 0.5 at 2; σ(x) → σ(1 − σ) = 0.25 at 0', () => {
    const cases: [UnaryName, number, number][] = [
      ['square', 3, 6],
      ['exp', 1, Math.E],
      ['log', 2, 0.5],
      ['sigmoid', 0, 0.25],
    ];
    for (const [name, at, slope] of cases) {
      const x = new Variable(at);
      backward(unary[name].ours(x));
      expect(gradOf(x, 'x'), `d ${name}(x)/dx at x = ${at}`).toBeAllClose(slope);
    }
  });

  it('relu passes the gradient where x > 0 and stops it where x ≤ 0 (at exactly 0 too, as TensorFlow does)', () => {
    const x = new Variable([-1, 0, 2]);
    // y = Σ 10·relu(x): dy/dx = 10 where x > 0, else 0
    backward(sum(mul(relu(x), nd([10, 10, 10]))));
    expectGrad(x, 'x').toBeAllClose([0, 0, 10]);
  });

  it('the gradient of sum(x) is all ones; of mean(x) over 6 numbers, all 1/6', () => {
    const data = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const x = new Variable(data);
    backward(sum(x));
    expectGrad(x, 'x').toHaveShape([2, 3]);
    expectGrad(x, 'x').toBeAllClose(ops.mul(NDArray.ones([2, 3]), 1));
    const x2 = new Variable(data);
    backward(mean(x2));
    expectGrad(x2, 'x').toBeAllClose(NDArray.full([2, 3], 1 / 6));
  });

  it('a sum along an axis sends each output gradient back to every element it added up', () => {
    // y = 10·(x00 + x01 + x02) + 20·(x10 + x11 + x12), so ∂y/∂x = [[10, 10, 10], [20, 20, 20]]
    const x = new Variable([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    backward(sum(mul(sum(x, 1), nd([10, 20]))));
    expectGrad(x, 'x').toHaveShape([2, 3]);
    expectGrad(x, 'x').toBeAllClose([
      [10, 10, 10],
      [20, 20, 20],
    ]);
    // y = Σ_j w_j · (x0j + x1j)/2 with w = [1, 2, 3] (keepDims: shape [1, 3]), so ∂y/∂xij = w_j / 2
    const x2 = new Variable([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    backward(sum(mul(mean(x2, 0, true), nd([[1, 2, 3]]))));
    expectGrad(x2, 'x').toBeAllClose([
      [0.5, 1, 1.5],
      [0.5, 1, 1.5],
    ]);
  });

  it('sum and mean count a negative axis from the end, and refuse an axis out of range on either side or not whole', () => {
    const data = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    // axis −1 of [2, 3] is axis 1: y = 10·(x00 + x01 + x02) + 20·(x10 + x11 + x12)
    const x = new Variable(data);
    backward(sum(mul(sum(x, -1), nd([10, 20]))));
    expectGrad(x, 'x').toBeAllClose([
      [10, 10, 10],
      [20, 20, 20],
    ]);
    // axis −2 is axis 0: y = Σ_j w_j·(x0j + x1j)/2, so ∂y/∂xij = w_j / 2
    const x2 = new Variable(data);
    backward(sum(mul(mean(x2, -2), nd([1, 2, 3]))));
    expectGrad(x2, 'x').toBeAllClose([
      [0.5, 1, 1.5],
      [0.5, 1, 1.5],
    ]);
    // a rank-2 array has the axes 0, 1 (or −2, −1): 2 and −3 are just past either end
    for (const axis of [2, -3, 0.5]) {
      expect(() => sum(x, axis), `sum(x, ${axis})`).toThrowKind(
        ShapeError,
        /^sum: axis -?[\d.]+ is out of range for shape \[2,3\]$/,
      );
      expect(() => mean(x, [0, axis]), `mean(x, [0, ${axis}])`).toThrowKind(
        ShapeError,
        /^mean: axis -?[\d.]+ is out of range for shape \[2,3\]$/,
      );
    }
  });

  it('every rule multiplies by dy: Σ w·f(x) agrees with tf.grads for relu, sigmoid, exp, log and square', () => {
    const names = Object.keys(unary) as UnaryName[];
    const arb = fc
      .tuple(fc.constantFrom(...names), smallShape)
      .chain(([name, shape]) => fc.tuple(fc.constant(name), quarters(shape), quarters(shape)));
    fc.assert(
      fc.property(arb, ([name, xv0, w]) => {
        const xv = name === 'log' ? awayFromZero(xv0) : xv0;
        const x = new Variable(xv);
        // the weights w make dy = w instead of ones, so a rule that ignores dy fails
        backward(sum(mul(unary[name].ours(x), w)));
        const [expected] = tfGrads((tf, x, w) => tf.sum(tf.mul(unary[name].tf(tf, x), w)), xv, w) as [NDArray];
        expectGrad(x, 'x').toHaveShape(xv.shape);
        expectGrad(x, 'x').toBeAllClose(expected, tfTolerance(expected));
      }),
      TF_RUNS,
    );
  });

  it('add, sub, mul and div of same-shape arrays agree with tf.grads for both inputs', () => {
    const names = Object.keys(binary) as BinaryName[];
    const arb = fc
      .tuple(fc.constantFrom(...names), smallShape)
      .chain(([name, shape]) => fc.tuple(fc.constant(name), quarters(shape), quarters(shape), quarters(shape)));
    fc.assert(
      fc.property(arb, ([name, av, bv0, w]) => {
        const bv = name === 'div' ? awayFromZero(bv0) : bv0;
        const [a, b] = [new Variable(av), new Variable(bv)];
        backward(sum(mul(binary[name].ours(a, b), w)));
        const expected = tfGrads((tf, a, b, w) => tf.sum(tf.mul(binary[name].tf(tf, a, b), w)), av, bv, w);
        [a, b].forEach((v, i) => {
          const e = expected[i] as NDArray;
          expectGrad(v, 'ab'[i] as string).toHaveShape(e.shape);
          expectGrad(v, 'ab'[i] as string).toBeAllClose(e, tfTolerance(e));
        });
      }),
      TF_RUNS,
    );
  });

  it('sum and mean over random axes, with and without keepDims, agree with tf.grads', () => {
    const arb = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 })
      .chain((shape) =>
        fc.tuple(
          quarters(shape),
          fc.subarray(shape.map((_, i) => i)),
          fc.boolean(),
          fc.constantFrom('sum' as const, 'mean' as const),
        ),
      );
    fc.assert(
      fc.property(arb, ([xv, axes, keepDims, name]) => {
        const x = new Variable(xv);
        const reduce = name === 'sum' ? sum : mean;
        const out = reduce(x, axes.length > 0 ? axes : undefined, keepDims);
        // weight every output element differently (an arange), so dy is not all ones
        const w = NDArray.fromFlat(
          Array.from({ length: out.value.size }, (_, i) => i + 1),
          out.shape,
          'float32',
        );
        backward(sum(mul(out, w)));
        const [expected] = tfGrads(
          (tf, x, w) => tf.sum(tf.mul(tf[name](x, axes.length > 0 ? axes : undefined, keepDims), w)),
          xv,
          w,
        ) as [NDArray];
        expectGrad(x, 'x').toHaveShape(xv.shape);
        expectGrad(x, 'x').toBeAllClose(expected, tfTolerance(expected));
      }),
      TF_RUNS,
    );
  });

  it('every rule agrees with finite differences (lib/gradcheck.ts) in float64', () => {
    const x0 = NDArray.fromFlat([0.3, -1.2, 2.5, 0.7, -0.4, 1.9], [2, 3]);
    const w = NDArray.fromFlat([1.5, -2, 0.5, 3, -1, 2], [2, 3]);
    const positive = ops.add(ops.square(x0), 0.5);
    const cases: [string, (x: Variable) => Variable, NDArray][] = [
      ['relu', relu, x0],
      ['sigmoid', sigmoid, x0],
      ['exp', exp, x0],
      ['log', log, positive],
      ['square', square, x0],
      ['sub', (x) => sub(w, x), x0],
      ['div', (x) => div(w, x), positive],
      ['sum over axis 0', (x) => sum(x, 0), x0],
      ['mean over axis 1', (x) => mean(x, 1), x0],
    ];
    // Σ w·y with the first y.size numbers of w, so dy is neither all ones nor broadcast
    const weigh = (y: Variable) => sum(mul(y, NDArray.fromFlat(w.data.slice(0, y.value.size), y.shape)));
    for (const [name, f, at] of cases) {
      const x = new Variable(at);
      backward(weigh(f(x)));
      const numeric = numericalGradient((v) => weigh(f(new Variable(v))).value.data[0], at);
      expect(relativeError(gradOf(x, 'x'), numeric), `${name}: relative error vs finite differences`).toBeLessThan(
        1e-7,
      );
    }
  });
});

// ---- step 3 ------------------------------------------------------------------------------

describe('step 3: broadcasting backward — sum over the broadcast axes', () => {
  it("the seed's y = 2·x + 3 with x of shape (2, 2): the constants are broadcast, dy/dx = [[2, 2], [2, 2]]", () => {
    const x = new Variable(NDArray.randomUniform([2, 2], 0, 1, { seed: 3 }));
    backward(add(mul(2, x), 3));
    expectGrad(x, 'x').toHaveShape([2, 2]);
    expectGrad(x, 'x').toBeAllClose([
      [2, 2],
      [2, 2],
    ]);
  });

  it('x [4, 3] + b [3]: b is used by all 4 rows, so ∂y/∂b = [4, 4, 4] (dy summed over the batch axis)', () => {
    const x = new Variable(NDArray.randomNormal([4, 3], 0, 1, { seed: 4 }));
    const b = new Variable([0.1, 0.2, 0.3]);
    backward(add(x, b));
    expectGrad(b, 'b').toHaveShape([3]);
    expectGrad(b, 'b').toBeAllClose([4, 4, 4]);
    expectGrad(x, 'x').toHaveShape([4, 3]);
    expectGrad(x, 'x').toBeAllClose(NDArray.ones([4, 3]));
  });

  it('a [3, 1] · b [1, 4] broadcast both ways: ∂y/∂a sums b over axis 1, ∂y/∂b sums a over axis 0', () => {
    // y[i, j] = a[i]·b[j]; Σ_ij y has ∂/∂a[i] = Σ_j b[j] = 100 and ∂/∂b[j] = Σ_i a[i] = 6
    const a = new Variable([[1], [2], [3]]);
    const b = new Variable([[10, 20, 30, 40]]);
    backward(mul(a, b));
    expectGrad(a, 'a').toHaveShape([3, 1]);
    expectGrad(a, 'a').toBeAllClose([[100], [100], [100]]);
    expectGrad(b, 'b').toHaveShape([1, 4]);
    expectGrad(b, 'b').toBeAllClose([[6, 6, 6, 6]]);
  });

  it('add, sub, mul and div with randomly broadcast shapes agree with tf.grads', () => {
    const names = Object.keys(binary) as BinaryName[];
    const arb = smallShape.chain((out) =>
      fc
        .tuple(fc.constantFrom(...names), broadcastsTo(out), broadcastsTo(out))
        .chain(([name, sa, sb]) => fc.tuple(fc.constant(name), quarters(sa), quarters(sb), quarters(out))),
    );
    fc.assert(
      fc.property(arb, ([name, av, bv0, w0]) => {
        const bv = name === 'div' ? awayFromZero(bv0) : bv0;
        const [a, b] = [new Variable(av), new Variable(bv)];
        const y = binary[name].ours(a, b);
        const w = NDArray.fromFlat(w0.data.slice(0, y.value.size), y.shape, 'float32');
        backward(sum(mul(y, w)));
        const expected = tfGrads((tf, a, b, w) => tf.sum(tf.mul(binary[name].tf(tf, a, b), w)), av, bv, w);
        [a, b].forEach((v, i) => {
          const e = expected[i] as NDArray;
          const terms = y.value.size / Math.max(1, e.size); // how many elements each one was summed from
          expectGrad(v, 'ab'[i] as string).toHaveShape(e.shape);
          expectGrad(v, 'ab'[i] as string).toBeAllClose(e, tfTolerance(e, terms));
        });
      }),
      TF_RUNS,
    );
  });
});

// ---- step 4 ------------------------------------------------------------------------------

describe('step 4: matmul backward — the transposes', () => {
  it('y = x·W with x [2, 3], W [3, 4]: ∂/∂x = dy·Wᵀ [2, 3] and ∂/∂W = xᵀ·dy [3, 4]', () => {
    const x = new Variable([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const W = new Variable([
      [1, 2, 3, 4],
      [0, 1, 0, 1],
      [-1, 0, 2, 1],
    ]);
    backward(matmul(x, W));
    // dy = ones [2, 4]: (dy·Wᵀ)[i, j] = Σ_o W[j, o], the row sums of W: [10, 2, 2]
    expectGrad(x, 'x').toHaveShape([2, 3]);
    expectGrad(x, 'x').toBeAllClose([
      [10, 2, 2],
      [10, 2, 2],
    ]);
    // (xᵀ·dy)[j, o] = Σ_i x[i, j], the column sums of x: [5, 7, 9]
    expectGrad(W, 'W').toHaveShape([3, 4]);
    expectGrad(W, 'W').toBeAllClose([
      [5, 5, 5, 5],
      [7, 7, 7, 7],
      [9, 9, 9, 9],
    ]);
  });

  it('square matrices cannot hide a missing transpose: Σ G·(x·W) with G = [[1, −1], [2, 0]]', () => {
    const x = new Variable([
      [1, 2],
      [3, 4],
    ]);
    const W = new Variable([
      [5, 6],
      [7, 8],
    ]);
    const G = nd([
      [1, -1],
      [2, 0],
    ]);
    backward(sum(mul(matmul(x, W), G)));
    // dy = G: ∂/∂x = G·Wᵀ = [[1·5 − 1·6, 1·7 − 1·8], [2·5 + 0·6, 2·7 + 0·8]]
    expectGrad(x, 'x').toBeAllClose([
      [-1, -1],
      [10, 14],
    ]);
    // ∂/∂W = xᵀ·G = [[1·1 + 3·2, 1·(−1) + 3·0], [2·1 + 4·2, 2·(−1) + 4·0]]; Gᵀ·x would be its transpose
    expectGrad(W, 'W').toBeAllClose([
      [7, -1],
      [10, -2],
    ]);
  });

  it("the seed's affine y = x·W + b, x (2, 2), W (2, 2), b = zeros (2,): ∂/∂W = xᵀ·1 and ∂/∂b = [2, 2]", () => {
    const xv = NDArray.randomUniform([2, 2], 0, 1, { seed: 41, dtype: 'float32' });
    const Wv = NDArray.randomUniform([2, 2], 0, 1, { seed: 42, dtype: 'float32' });
    const W = new Variable(Wv);
    const b = new Variable(NDArray.zeros([2]));
    backward(add(matmul(xv, W), b));
    const [dW, db] = tfGrads((tf, W, b, x) => tf.add(tf.matMul(x, W), b), Wv, NDArray.zeros([2]), xv) as [
      NDArray,
      NDArray,
    ];
    expectGrad(W, 'W').toHaveShape([2, 2]);
    expectGrad(W, 'W').toBeAllClose(dW, tfTolerance(dW, 2));
    expectGrad(b, 'b').toHaveShape([2]);
    expectGrad(b, 'b').toBeAllClose([2, 2]); // each bias is added to both rows
    expect(db).toBeAllClose([2, 2]);
  });

  it('matmul in a Dense layer x·W + b, random [n, in]·[in, out] + [out], agrees with tf.grads for x, W and b', () => {
    const dim = fc.integer({ min: 1, max: 5 });
    const arb = fc
      .tuple(dim, dim, dim)
      .chain(([n, i, o]) => fc.tuple(quarters([n, i]), quarters([i, o]), quarters([o]), quarters([n, o])));
    fc.assert(
      fc.property(arb, ([xv, Wv, bv, w]) => {
        const [x, W, b] = [new Variable(xv), new Variable(Wv), new Variable(bv)];
        backward(sum(mul(add(matmul(x, W), b), w)));
        const expected = tfGrads((tf, x, W, b, w) => tf.sum(tf.mul(tf.add(tf.matMul(x, W), b), w)), xv, Wv, bv, w);
        [x, W, b].forEach((v, k) => {
          const e = expected[k] as NDArray;
          const name = ['x', 'W', 'b'][k] as string;
          expectGrad(v, name).toHaveShape(e.shape);
          expectGrad(v, name).toBeAllClose(e, tfTolerance(e, 5));
        });
      }),
      TF_RUNS,
    );
  });
});

// ---- step 5 ------------------------------------------------------------------------------

/** The same random computation, written once for our engine and once for TensorFlow.js. */
interface Kit<T> {
  constant(x: NDArray | number): T;
  shape(a: T): readonly number[];
  unary: Record<UnaryName, (a: T) => T>;
  binary: Record<BinaryName, (a: T, b: T) => T>;
  sum(a: T, axis?: number, keepDims?: boolean): T;
  mean(a: T, axis?: number, keepDims?: boolean): T;
}

const engineKit: Kit<Variable> = {
  constant: (x) => new Variable(x),
  shape: (a) => a.shape,
  unary: { relu, sigmoid, exp, log, square },
  binary: { add, sub, mul, div },
  sum: (a, axis, keepDims) => sum(a, axis, keepDims),
  mean: (a, axis, keepDims) => mean(a, axis, keepDims),
};

const tfKit = (tf: Tf): Kit<Tensor> => ({
  constant: (x) => (typeof x === 'number' ? tf.scalar(x) : toTensor(tf, x)),
  shape: (a) => a.shape,
  unary: {
    relu: (a) => tf.relu(a),
    sigmoid: (a) => tf.sigmoid(a),
    exp: (a) => tf.exp(a),
    log: (a) => tf.log(a),
    square: (a) => tf.square(a),
  },
  binary: {
    add: (a, b) => tf.add(a, b),
    sub: (a, b) => tf.sub(a, b),
    mul: (a, b) => tf.mul(a, b),
    div: (a, b) => tf.div(a, b),
  },
  sum: (a, axis, keepDims) => tf.sum(a, axis, keepDims),
  mean: (a, axis, keepDims) => tf.mean(a, axis, keepDims),
});

type OpName = UnaryName | BinaryName | 'sum' | 'mean';
interface Instruction {
  op: OpName;
  /** operands: indices into the values computed so far (taken modulo their count), so values get reused */
  a: number;
  b: number;
  axis: number;
}
interface RandomGraph {
  leaves: NDArray[];
  program: Instruction[];
  seed: number;
}

const opNames: OpName[] = ['add', 'sub', 'mul', 'div', 'relu', 'sigmoid', 'exp', 'log', 'square', 'sum', 'mean'];

/** Leaves whose shapes broadcast together, and 1–6 instructions that may use any earlier value. */
const randomGraph: fc.Arbitrary<RandomGraph> = smallShape.chain((out) =>
  fc.record({
    leaves: fc.array(
      broadcastsTo(out).chain((s) => quarters(s, 2)),
      { minLength: 1, maxLength: 3 },
    ),
    program: fc.array(fc.record({ op: fc.constantFrom(...opNames), a: fc.nat(9), b: fc.nat(9), axis: fc.nat(2) }), {
      minLength: 1,
      maxLength: 6,
    }),
    seed: fc.nat(1000),
  }),
);

/**
 * Runs the program and returns the loss Σ_v Σ w_v·v over every value v (leaves included), so
 * every node's gradient gets a share from its own term and one from each use.
 * NOTE: values stay in a safe range: log and div see 1 + v², exp sees sigmoid(v).
 * With `only`, every other term's weights are 0: the loss is term `only`, and every path stays
 * (tf.grads refuses an input the result does not depend on).
 */
function evaluate<T>(k: Kit<T>, g: RandomGraph, leaves: T[], only?: number): T {
  const values = [...leaves];
  const positive = (v: T) => k.binary.add(k.unary.square(v), k.constant(1));
  for (const ins of g.program) {
    const a = values[ins.a % values.length] as T;
    const b = values[ins.b % values.length] as T;
    const rank = k.shape(a).length;
    let out: T;
    if (ins.op === 'div') out = k.binary.div(a, positive(b));
    else if (ins.op === 'add' || ins.op === 'sub' || ins.op === 'mul') out = k.binary[ins.op](a, b);
    else if (ins.op === 'log') out = k.unary.log(positive(a));
    else if (ins.op === 'exp') out = k.unary.exp(k.unary.sigmoid(a));
    else if (ins.op === 'sum' || ins.op === 'mean')
      out = rank === 0 ? k[ins.op](a) : k[ins.op](a, ins.axis % rank, true);
    else out = k.unary[ins.op](a);
    values.push(out);
  }
  let loss: T | null = null;
  values.forEach((v, i) => {
    const shape = k.shape(v);
    const w =
      only === undefined || only === i
        ? NDArray.randomUniform(shape, -1, 1, { seed: g.seed + i, dtype: 'float32' })
        : NDArray.zeros(shape, 'float32');
    const term = k.sum(k.binary.mul(v, k.constant(w)));
    loss = loss === null ? term : k.binary.add(loss, term);
  });
  return loss as unknown as T;
}

/**
 * For each leaf, the largest of the contributions its gradient adds up: ∂(Σ w_v·v)/∂leaf for
 * each term of the loss, one tf.grads each (about 2 ms). TensorFlow.js' float32 errors scale
 * with these, not with their sum, which may cancel to near 0: with KATA_SEED=86, terms of
 * order 1 add up to −6.4e-4 at x = 1.75, and TF.js is 4.2e-8 (about u = 6e-8 of them) off.
 */
function contributionScales(g: RandomGraph): number[] {
  const scales = g.leaves.map(() => 0);
  for (let j = 0; j < g.leaves.length + g.program.length; j++) {
    const grads = tfGrads((tf, ...xs) => evaluate(tfKit(tf), g, xs, j), ...g.leaves);
    grads.forEach((d, i) => {
      scales[i] = Math.max(scales[i], maxAbs(d));
    });
  }
  return scales;
}

/** Checks `order` is a topological order of everything y depends on, with messages that say what is wrong. */
function expectTopological(order: readonly Variable[], y: Variable): void {
  const reachable = new Set<Variable>();
  const stack = [y];
  while (stack.length > 0) {
    const v = stack.pop() as Variable;
    if (reachable.has(v)) continue;
    reachable.add(v);
    stack.push(...v.inputs);
  }
  const position = new Map<Variable, number>();
  order.forEach((v, i) => {
    if (position.has(v))
      throw new Error(`topologicalOrder: ${v} appears twice, at positions ${position.get(v)} and ${i}`);
    if (!reachable.has(v)) throw new Error(`topologicalOrder: ${v} at position ${i} is not a node y depends on`);
    position.set(v, i);
  });
  for (const v of reachable) {
    if (!position.has(v))
      throw new Error(
        `topologicalOrder: ${v}, which y depends on, is missing (${order.length} of ${reachable.size} nodes listed)`,
      );
  }
  order.forEach((v, i) => {
    for (const input of v.inputs) {
      const j = position.get(input) as number;
      if (j > i)
        throw new Error(`topologicalOrder: ${v} at position ${i} comes before its input ${input} at position ${j}`);
    }
  });
  expect(order[order.length - 1] === y, 'topologicalOrder: y must come last').toBe(true);
}

describe('step 5: topological order and accumulation — a value used twice gets both gradients', () => {
  it('x·x uses x twice: d(x·x)/dx = x + x = 2x = 6 at x = 3, not 3', () => {
    const x = new Variable(3);
    backward(mul(x, x));
    expectGrad(x, 'x').toBeAllClose(6);
  });

  it('x used three times: a = x·x, b = a + x, y = a·b = x⁴ + x³, so dy/dx = 4x³ + 3x² = 44 at x = 2', () => {
    const x = new Variable(2);
    const a = mul(x, x); // 4
    const b = add(a, x); // 6
    const y = mul(a, b); // 24
    backward(y);
    // a feeds y directly and through b: ∂y/∂a = b + a·∂b/∂a = 6 + 4 = 10. It must wait for both.
    expectGrad(a, 'a').toBeAllClose(10);
    expectGrad(b, 'b').toBeAllClose(4);
    expectGrad(x, 'x').toBeAllClose(44);
  });

  it('topologicalOrder lists every node once, inputs before the nodes made from them: [x, a, b, y]', () => {
    const x = new Variable(2);
    const a = mul(x, x);
    const b = add(a, x);
    const y = mul(a, b);
    const order = topologicalOrder(y);
    expectTopological(order, y);
    expect(order).toEqual([x, a, b, y]); // the only valid order of this graph
    expect(
      order.map((v) => v.op),
      'the op of each node',
    ).toEqual(['variable', 'mul', 'add', 'mul']);
  });

  it('every node names the op that made it: a chain through every op lists them in order', () => {
    const x = new Variable([
      [0.5, 1],
      [1.5, 2],
    ]);
    const W = new Variable([
      [1, 0],
      [0, 1],
    ]);
    const z = div(mul(sub(add(matmul(x, W), 1), 0.5), 2), 4);
    const y = mean(sum(square(log(exp(sigmoid(relu(z))))), 1));
    const order = topologicalOrder(y);
    expectTopological(order, y);
    // each op uses the one before it, so the ops have one order; the leaves (x, W and the
    // constants) may sit anywhere before their first use
    expect(
      order.filter((v) => v.inputs.length > 0).map((v) => v.op),
      'the ops in topological order',
    ).toEqual(['matmul', 'add', 'sub', 'mul', 'div', 'relu', 'sigmoid', 'exp', 'log', 'square', 'sum', 'mean']);
    expect(
      order.filter((v) => v.inputs.length === 0).map((v) => v.op),
      'the leaves',
    ).toEqual(Array(6).fill('variable'));
    // a node prints with its op and shape, in a template and in console.log alike
    expect(`${y}`).toBe('Variable(mean, shape [])');
    expect(inspect(x), 'console.log of the leaf x').toBe('Variable(variable, shape [2,2])');
  });

  it('walking the order forwards meets a node before the nodes that use it: inputGrads finds no dy yet and says so', () => {
    const x = new Variable(2);
    const y = mul(add(x, 1), x);
    const order = topologicalOrder(y);
    expect(() => {
      for (const v of order) v.inputGrads(v.grad);
    }).toThrowKind(
      ArgumentError,
      /^variable backward: dy is null: this node is visited before the gradient of its output is known \(every node that uses it must be visited first\)$/,
    );
  });

  it('x + x: add hands the same dy to both inputs, and adding the second share must not change y.grad', () => {
    const x = new Variable([1, 2]);
    const y = add(x, x);
    backward(y);
    // d(x + x)/dx = 2; a share added into the array it came from would also make y.grad 2
    expectGrad(x, 'x').toBeAllClose([2, 2]);
    expectGrad(y, 'y').toBeAllClose([1, 1]);
  });

  it('backward twice gives the same gradients, not twice as much (clear the old ones first)', () => {
    const x = new Variable(3);
    const y = mul(x, x);
    backward(y);
    backward(y);
    expectGrad(x, 'x').toBeAllClose(6);
  });

  it('a weight shared by two losses: backward(l2) does not keep the gradient of l1', () => {
    const w = new Variable(1.5);
    const l1 = mul(w, 3);
    const l2 = mul(w, 5);
    backward(l1);
    expectGrad(w, 'w').toBeAllClose(3);
    backward(l2);
    expectGrad(w, 'w').toBeAllClose(5);
  });

  it('topologicalOrder is a valid order on random graphs that reuse values', () => {
    fc.assert(
      fc.property(randomGraph, (g) => {
        const loss = evaluate(
          engineKit,
          g,
          g.leaves.map((x) => new Variable(x)),
        );
        expectTopological(topologicalOrder(loss), loss);
      }),
    );
  });

  it('random graphs of add, sub, mul, div, relu, sigmoid, exp, log, square, sum, mean agree with tf.grads', () => {
    fc.assert(
      fc.property(randomGraph, (g) => {
        const leaves = g.leaves.map((x) => new Variable(x));
        const loss = evaluate(engineKit, g, leaves);
        backward(loss);
        const expected = tfGrads((tf, ...xs) => evaluate(tfKit(tf), g, xs), ...g.leaves);
        let scales: number[] | undefined;
        leaves.forEach((leaf, i) => {
          const e = expected[i] as NDArray;
          expectGrad(leaf, `leaf ${i}`).toHaveShape(e.shape);
          // NOTE: float32 errors compound along the graph's paths (up to ~20 ops, sums of up to 64
          // numbers) and scale with the contributions the gradient adds up: when the gradient is
          // much smaller than they are, its tolerance is scaled by the largest contribution.
          let tol = tfTolerance(e, 1024);
          if (!compareArrays(gradOf(leaf, `leaf ${i}`), e, tol).pass) {
            scales ??= contributionScales(g);
            tol = tfTolerance(e, 1024, Math.max(maxAbs(e), scales[i]));
          }
          expectGrad(leaf, `leaf ${i}`).toBeAllClose(e, tol);
        });
      }),
      TF_RUNS,
    );
  });
});

// ---- step 6 ------------------------------------------------------------------------------

/** The seed's worked backpropagation example, with exercise 06's float64 numbers. */
const backpropFixture = JSON.parse(
  readFileSync(new URL('../../data/backprop-2-2-2.json', import.meta.url), 'utf8'),
) as {
  inputs: { x: number[]; target: number[]; w0: number[][]; w1: number[][] };
  expected: { error: number; dW0: number[][]; dW1: number[][] };
};

describe('step 6: the tape API — tape.gradient(y, [W, b]) returns a list', () => {
  it("the seed's first example: x = Variable(0), y = 2·x + 3, tape.gradient(y, x) = 2", () => {
    const x = new Variable(0); //           x = tf.Variable(0.)
    const tape = new GradientTape(); //     with tf.GradientTape() as tape:
    const y = add(mul(2, x), 3); //             y = 2 * x + 3
    const grad = tape.gradient(y, x); //    grad_of_y_wrt_x = tape.gradient(y, x)
    expect(isNDArray(grad), 'tape.gradient(y, x) with one source returns one NDArray, not a list').toBe(true);
    expect(grad, 'tape.gradient(y, x)').toHaveShape([]);
    expect(grad, 'tape.gradient(y, x)').toBeAllClose(2);
  });

  it("the seed's second example: x of shape (2, 2) gives a (2, 2) gradient, [[2, 2], [2, 2]]", () => {
    const x = new Variable(NDArray.randomUniform([2, 2], 0, 1, { seed: 2 }));
    const tape = new GradientTape();
    const y = add(mul(2, x), 3);
    const grad = tape.gradient(y, x);
    expect(grad, 'tape.gradient(y, x)').toHaveShape([2, 2]);
    expect(grad, 'tape.gradient(y, x)').toBeAllClose(NDArray.full([2, 2], 2));
  });

  it("the seed's affine example: tape.gradient(y, [W, b]) is the list [∂y/∂W, ∂y/∂b], as TensorFlow computes it", () => {
    const Wv = NDArray.randomUniform([2, 2], 0, 1, { seed: 61, dtype: 'float32' });
    const bv = NDArray.zeros([2], 'float32');
    const xv = NDArray.randomUniform([2, 2], 0, 1, { seed: 62, dtype: 'float32' });
    const W = new Variable(Wv); //          W = tf.Variable(tf.random.uniform((2, 2)))
    const b = new Variable(bv); //          b = tf.Variable(tf.zeros((2,)))
    const tape = new GradientTape(); //     with tf.GradientTape() as tape:
    const y = add(matmul(xv, W), b); //         y = tf.matmul(x, W) + b
    const grads = tape.gradient(y, [W, b]); // grad_of_y_wrt_W_and_b = tape.gradient(y, [W, b])
    expect(grads, 'tape.gradient(y, [W, b])').toHaveLength(2);
    const [dW, db] = tfGrads((tf, W, b, x) => tf.add(tf.matMul(x, W), b), Wv, bv, xv) as [NDArray, NDArray];
    expect(grads[0], '∂y/∂W').toHaveShape([2, 2]);
    expect(grads[0], '∂y/∂W').toBeAllClose(dW, tfTolerance(dW, 2));
    expect(grads[1], '∂y/∂b').toHaveShape([2]);
    expect(grads[1], '∂y/∂b').toBeAllClose(db, tfTolerance(db, 2));
  });

  it("the seed's 2-2-2 sigmoid network: tape.gradient(E, [W0, W1]) gives exercise 06's hand-derived numbers", () => {
    const { inputs, expected } = backpropFixture;
    const W0 = new Variable(inputs.w0);
    const W1 = new Variable(inputs.w1);
    const tape = new GradientTape();
    const a1 = sigmoid(matmul(nd([inputs.x]), W0)); // [1, 2]·[2, 2]
    const a2 = sigmoid(matmul(a1, W1));
    const E = mul(0.5, sum(square(sub(nd([inputs.target]), a2)))); // ½ Σ (target − a2)²
    const [dW0, dW1] = tape.gradient(E, [W0, W1]);
    expect(E.value, 'E').toBeAllClose(expected.error, { rtol: 1e-9 });
    // a1 feeds both outputs, so ∂E/∂W0 sums both paths: ∂E/∂w(0)10 = 0.00046614, not 3× that
    expect(dW0, '∂E/∂W0').toHaveShape([2, 2]);
    expect(dW0, '∂E/∂W0').toBeAllClose(expected.dW0, { rtol: 1e-9, atol: 1e-15 });
    expect(dW1, '∂E/∂W1').toHaveShape([2, 2]);
    expect(dW1, '∂E/∂W1').toBeAllClose(expected.dW1, { rtol: 1e-9, atol: 1e-15 });
  });

  it('the gradient of a non-scalar y is the gradient of sum(y), as in TensorFlow', () => {
    const x = new Variable([
      [1, -2],
      [0.5, 3],
    ]);
    const y = mul(x, x);
    const [direct] = gradient(y, [x]) as [NDArray];
    const [summed] = gradient(sum(y), [x]) as [NDArray];
    expect(direct, 'gradient(y, [x])[0]').toHaveShape([2, 2]);
    expect(direct, 'gradient(y, [x]) vs gradient(sum(y), [x])').toBeAllClose(summed);
    expect(direct, 'gradient(y, [x])[0]').toBeAllClose([
      [2, -4],
      [1, 6],
    ]); // 2x
  });

  it('asking twice gives the same answer, and the function gradient() is the same as tape.gradient()', () => {
    const x = new Variable([1, 2, 3]);
    const y = sum(mul(x, x));
    const first = new GradientTape().gradient(y, [x]);
    const second = gradient(y, [x]);
    expect(second[0], 'gradient() vs tape.gradient()').toBeAllClose(first[0]);
    expect(second[0], 'gradient(y, [x])[0]').toBeAllClose([2, 4, 6]);
  });

  it('a source y was not computed from is an ArgumentError naming it, even if it has an old gradient', () => {
    const x = new Variable([1, 2]);
    const z = new Variable([[1, 2, 3]]);
    const y = sum(mul(x, 2));
    expect(() => gradient(y, [x, z])).toThrowKind(
      ArgumentError,
      /^gradient: sources\[1\] \(Variable\(variable, shape \[1,3\]\)\) is not connected to y/,
    );
    gradient(sum(z), [z]); // now z.grad holds ones: that must not be mistaken for ∂y/∂z
    expect(() => gradient(y, [z])).toThrowKind(ArgumentError, /sources\[0\] .*not connected/);
  });

  it('the gradients of a sigmoid layer with MSE loss agree with tf.grads for x, W and b', () => {
    const dim = fc.integer({ min: 1, max: 4 });
    const arb = fc
      .tuple(dim, dim, dim)
      .chain(([n, i, o]) => fc.tuple(quarters([n, i]), quarters([i, o]), quarters([o]), quarters([n, o], 1)));
    fc.assert(
      fc.property(arb, ([xv, Wv, bv, target]) => {
        const [x, W, b] = [new Variable(xv), new Variable(Wv), new Variable(bv)];
        const tape = new GradientTape();
        const loss = mean(square(sub(sigmoid(add(matmul(x, W), b)), target)));
        const grads = tape.gradient(loss, [x, W, b]);
        const expected = tfGrads(
          (tf, x, W, b, t) => tf.mean(tf.square(tf.sub(tf.sigmoid(tf.add(tf.matMul(x, W), b)), t))),
          xv,
          Wv,
          bv,
          target,
        );
        grads.forEach((g, k) => {
          const e = expected[k] as NDArray;
          const name = `∂loss/∂${['x', 'W', 'b'][k]}`;
          expect(g, name).toHaveShape(e.shape);
          // NOTE: TensorFlow computes σ' = σ·(1 − σ) in float32: off by ~1e-8 however small σ' is, so
          // the scale is at least 1.
          expect(g, name).toBeAllClose(e, tfTolerance(e, 16, Math.max(1, maxAbs(e))));
        });
      }),
      TF_RUNS,
    );
  });
});

// ---- step 7 ------------------------------------------------------------------------------

/** tf's version of the loss: mean over the batch of −Σ labels·logSoftmax(logits). */
const tfCrossEntropy = (tf: Tf, logits: Tensor, labels: Tensor) =>
  tf.mean(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1)));

/** Row i is one-hot at classes[i]. */
const oneHot = (classes: readonly number[], k: number) =>
  NDArray.fromFlat(
    classes.flatMap((c) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0))),
    [classes.length, k],
    'float32',
  );

describe('step 7: a Dense layer, softmax and cross-entropy, trained with your gradients', () => {
  it('dense(x, W, b, activation) is activation(x·W + b) on a batch, as TensorFlow computes it', () => {
    const xv = NDArray.randomNormal([4, 3], 0, 1, { seed: 71, dtype: 'float32' });
    const Wv = NDArray.randomNormal([3, 2], 0, 1, { seed: 72, dtype: 'float32' });
    const bv = nd([0.5, -0.5]);
    const cases = [
      ['relu', (tf: Tf, z: Tensor) => tf.relu(z)],
      ['sigmoid', (tf: Tf, z: Tensor) => tf.sigmoid(z)],
      ['linear', (_tf: Tf, z: Tensor) => z],
    ] as const;
    for (const [activation, act] of cases) {
      const y = dense(xv, new Variable(Wv), new Variable(bv), activation);
      expect(y).toHaveShape([4, 2]);
      const expected = runOracle(oracle, (tf, x, W, b) => act(tf, tf.add(tf.matMul(x, W), b)), xv, Wv, bv);
      expect(y.value).toBeAllClose(expected, { ...tfTolerance(expected, 3, maxAbs(expected) + 1), label: activation });
    }
    // without an activation, dense is linear: the negative values of x·W + b stay
    const linear = dense(xv, new Variable(Wv), new Variable(bv));
    expect(linear.value, 'dense(x, W, b)').toBeAllClose(dense(xv, new Variable(Wv), new Variable(bv), 'linear').value);
    expect(Math.min(...linear.value.data), 'the smallest value of x·W + b').toBeLessThan(0);
  });

  it('softmaxCrossEntropy([[2, 1, 0]], one-hot class 0) = −log softmax = log(1 + e⁻¹ + e⁻²) ≈ 0.4076', () => {
    const logits = new Variable([[2, 1, 0]]);
    const loss = softmaxCrossEntropy(logits, nd([[1, 0, 0]]));
    expect(loss, 'loss').toHaveShape([]);
    expect(loss.value, 'loss').toBeAllClose(Math.log(1 + Math.exp(-1) + Math.exp(-2)));
    // the gradient w.r.t. the logits is softmax − labels (exercise 06 derived it by hand)
    const g = gradient(loss, logits);
    const p = [Math.exp(2), Math.exp(1), 1].map((e, _, all) => e / all.reduce((s, v) => s + v, 0));
    expect(g, '∂loss/∂logits').toBeAllClose([[p[0] - 1, p[1], p[2]]]);
  });

  it('large logits do not overflow: logits [[1000, 0]] with class 1 cost 1000, gradient [[1, −1]]', () => {
    const logits = new Variable([[1000, 0]]);
    const loss = softmaxCrossEntropy(logits, nd([[0, 1]]));
    expect(loss.value, 'loss').toBeAllClose(1000);
    expect(gradient(loss, logits), '∂loss/∂logits').toBeAllClose([[1, -1]]);
  });

  it('labels of another shape than the logits, or logits not of rank 2, are a ShapeError naming both shapes', () => {
    expect(() => softmaxCrossEntropy(new Variable(NDArray.zeros([4, 3])), NDArray.zeros([4, 2]))).toThrowKind(
      ShapeError,
      /^softmaxCrossEntropy: logits and labels must both have shape \[batch, classes\], got logits \[4,3\] and labels \[4,2\]$/,
    );
    // one example without its batch axis, and a batch with an extra axis: the shapes agree, the rank does not
    for (const shape of [[3], [2, 1, 3]]) {
      expect(() => softmaxCrossEntropy(new Variable(NDArray.zeros(shape)), NDArray.zeros(shape))).toThrowKind(
        ShapeError,
        /^softmaxCrossEntropy: logits and labels must both have shape \[batch, classes\], got logits \[[\d,]+\] and labels \[[\d,]+\]$/,
      );
    }
  });

  it('loss and ∂loss/∂logits agree with TensorFlow, and ∂loss/∂logits = (softmax(logits) − labels)/n', () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 5 }))
      .chain(([n, k]) =>
        fc.tuple(quarters([n, k], 8), fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: n, maxLength: n })),
      );
    fc.assert(
      fc.property(arb, ([zv, classes]) => {
        const [n, k] = zv.shape as [number, number];
        const labels = oneHot(classes, k);
        const logits = new Variable(zv);
        const loss = softmaxCrossEntropy(logits, labels);
        const g = gradient(loss, logits);
        const tfResult = tfValueAndGrads(tfCrossEntropy, zv, labels);
        const tfLoss = tfResult.value;
        expect(loss.value, 'loss').toBeAllClose(tfLoss, float32Tolerance(4 * k, Math.abs(tfLoss) + 1));
        const expected = tfResult.grads[0] as NDArray;
        expect(g, '∂loss/∂logits').toHaveShape([n, k]);
        expect(g, '∂loss/∂logits').toBeAllClose(expected, tfTolerance(expected, 4 * k, 1 / n));
        expect(g, '∂loss/∂logits vs (softmax − labels)/n').toBeAllClose(
          ops.div(ops.sub(ops.softmax(zv.clone('float64')), labels), n),
          {
            rtol: 1e-9,
            atol: 1e-12,
          },
        );
      }),
      TF_RUNS,
    );
  });

  // Three blobs of 10 points in the plane, one class each: a small problem a 2-8-3 network learns.
  const centres = [
    [0, 2],
    [-2, -1],
    [2, -1],
  ];
  const noise = NDArray.randomNormal([30, 2], 0, 0.5, { seed: 7 });
  const points = NDArray.fromFlat(
    Array.from(noise.data, (v, i) => v + centres[Math.floor(i / 20)]?.[i % 2]),
    [30, 2],
    'float32',
  );
  const labels = oneHot(
    Array.from({ length: 30 }, (_, i) => Math.floor(i / 10)),
    3,
  );
  const init = () => [
    new Variable(NDArray.randomNormal([2, 8], 0, 0.5, { seed: 11, dtype: 'float32' })),
    new Variable(NDArray.zeros([8])),
    new Variable(NDArray.randomNormal([8, 3], 0, 0.5, { seed: 12, dtype: 'float32' })),
    new Variable(NDArray.zeros([3])),
  ];
  const lossOf = ([W1, b1, W2, b2]: readonly Variable[]) =>
    softmaxCrossEntropy(
      dense(dense(points, W1 as Variable, b1 as Variable, 'relu'), W2 as Variable, b2 as Variable),
      labels,
    );
  const tfLossOf = (tf: Tf, W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor, x: Tensor, y: Tensor) =>
    tfCrossEntropy(tf, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, W1), b1)), W2), b2), y);

  it('trainStep returns the loss and params − lr·gradients, as TensorFlow computes them, and changes nothing it was given', () => {
    const params = init();
    const values = params.map((p) => p.value);
    const lr = 0.5;
    const named = Object.fromEntries(values.map((v, i) => [`params[${i}].value`, v]));
    expect(() => trainStep(params, lossOf, lr)).toLeaveUnchanged(named, 'trainStep');
    const step = trainStep(params, lossOf, lr);
    const tfLoss = tfValue(tfLossOf, ...values, points, labels);
    expect(step.loss, 'loss before the step').toBeCloseTo(tfLoss, 5);
    const grads = tfGrads(
      (tf, W1, b1, W2, b2) =>
        tfLossOf(
          tf,
          W1 as Tensor,
          b1 as Tensor,
          W2 as Tensor,
          b2 as Tensor,
          toTensor(tf, points),
          toTensor(tf, labels),
        ),
      ...values,
    );
    expect(step.params, 'step.params').toHaveLength(4);
    step.params.forEach((p, i) => {
      const expected = ops.sub(values[i] as NDArray, ops.mul(lr, grads[i] as NDArray));
      expect(p.value, `param ${i} after one step`).toHaveShape(expected.shape);
      expect(p.value, `param ${i} after one step`).toBeAllClose(expected, tfTolerance(expected, 64, 1));
    });
  });

  it('trainStep refuses a loss that is not a scalar: ShapeError', () => {
    const W = new Variable([1, 2]);
    expect(() => trainStep([W], ([w]) => mul(w as Variable, 2), 0.1)).toThrowKind(
      ShapeError,
      /^trainStep: the loss must be a scalar \(shape \[\]\), got shape \[2\]$/,
    );
  });

  it('training the 2-8-3 network for 25 steps of lr 0.5 at least halves the loss', () => {
    let params = init();
    const losses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const step = trainStep(params, lossOf, 0.5);
      losses.push(step.loss);
      params = step.params;
    }
    const first = losses[0];
    const last = losses[losses.length - 1];
    expect(last, `losses: ${losses.map((l) => l.toFixed(3)).join(' → ')}`).toBeLessThan(first / 2);
  });

  it('∂loss/∂W of the network agrees with finite differences (lib/gradcheck.ts)', () => {
    const params = init();
    const [dW1] = gradient(lossOf(params), [params[0] as Variable]) as [NDArray];
    const numeric = numericalGradient(
      (W1) => lossOf([new Variable(W1), ...params.slice(1)]).value.data[0],
      (params[0] as Variable).value,
    );
    expect(relativeError(dW1, numeric), 'relative error of ∂loss/∂W1 vs finite differences').toBeLessThan(1e-6);
  });
});
