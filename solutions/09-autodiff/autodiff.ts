/**
 * Exercise 09 — autodiff: a small reverse-mode automatic differentiation engine on the
 * kata's NDArray, with a GradientTape-like API. Reference solution.
 *
 *   const x = new Variable(0);                  // x = tf.Variable(0.)
 *   const tape = new GradientTape();            // with tf.GradientTape() as tape:
 *   const y = add(mul(2, x), 3);                //     y = 2 * x + 3
 *   tape.gradient(y, x);                        // tape.gradient(y, x) → 2
 */

import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { isNDArray, NDArray, type Nested } from '../../lib/ndarray.ts';
import * as ops from '../../lib/ops/index.ts';
import { formatShape, shapesEqual } from '../../lib/shape.ts';

// ---- The graph: Variables and backward rules ---------------------------------------------

/**
 * A backward rule: given dy = ∂L/∂out (the shape of the op's output), it returns ∂L/∂input
 * for every input of the op, in order, each of that input's shape.
 */
export type BackwardRule = (dy: NDArray) => NDArray[];

/** What an op accepts: a Variable, or a constant (an NDArray or a number). */
export type Input = Variable | NDArray | number;

/**
 * A node of the computation graph: a value, the op and inputs that made it, the op's backward
 * rule, and — after backward() — the gradient of the output with respect to this value.
 * Leaves (made with `new Variable(x)`) have no inputs. Values are stored in float64.
 */
export class Variable {
  readonly value: NDArray;
  /** ∂y/∂this after backward(y); null before, or if this node does not lead to y. */
  grad: NDArray | null = null;
  readonly inputs: readonly Variable[];
  readonly op: string;
  readonly #rule: BackwardRule | null;

  constructor(
    value: NDArray | Nested,
    inputs: readonly Variable[] = [],
    op = 'variable',
    rule: BackwardRule | null = null,
  ) {
    const array = isNDArray(value) ? value : NDArray.fromNested(value);
    this.value = array.dtype === 'float64' ? array : array.clone('float64');
    this.inputs = inputs;
    this.op = op;
    this.#rule = rule;
  }

  get shape(): readonly number[] {
    return this.value.shape;
  }

  /**
   * Runs this node's backward rule on dy and checks what it returns: one gradient per input,
   * each of its input's shape. A leaf has no inputs and returns [].
   */
  inputGrads(dy: NDArray | null): NDArray[] {
    const op = `${this.op} backward`;
    if (dy === null) {
      throw new ArgumentError(
        op,
        `dy is null: this node is visited before the gradient of its output is known (every node that uses it must be visited first)`,
      );
    }
    if (!shapesEqual(dy.shape, this.shape)) {
      throw new ShapeError(
        op,
        `dy has shape ${formatShape(dy.shape)}, but the output has shape ${formatShape(this.shape)}`,
      );
    }
    if (this.#rule === null) return [];
    const grads = this.#runRule(this.#rule, dy);
    if (!Array.isArray(grads) || grads.length !== this.inputs.length) {
      const got = Array.isArray(grads) ? `${grads.length}` : String(grads);
      throw new ArgumentError(op, `the rule must return ${this.inputs.length} gradient(s), one per input, got ${got}`);
    }
    grads.forEach((g, i) => {
      if (!isNDArray(g)) throw new ArgumentError(op, `the gradient for inputs[${i}] is not an NDArray: ${String(g)}`);
      const want = (this.inputs[i] as Variable).shape;
      if (!shapesEqual(g.shape, want)) {
        const axes = ops.broadcastAxes(want, this.shape);
        const why =
          axes.length > 0 && shapesEqual(g.shape, this.shape)
            ? ` (inputs[${i}] was broadcast along axes [${axes.join(',')}] of the output ${formatShape(this.shape)})`
            : '';
        throw new ShapeError(
          op,
          `the gradient for inputs[${i}] has shape ${formatShape(g.shape)}, but inputs[${i}] has shape ${formatShape(want)}${why}`,
        );
      }
    });
    return grads;
  }

  /** Calls the rule; a ShapeError inside it says which rule, with the shapes it was given. */
  #runRule(rule: BackwardRule, dy: NDArray): NDArray[] {
    try {
      return rule(dy);
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      const shapes = this.inputs.map((v) => formatShape(v.shape)).join(', ');
      throw new ShapeError(
        `${this.op} backward`,
        `${e.message} (in the rule of ${this.op}: inputs ${shapes}, dy ${formatShape(dy.shape)})`,
      );
    }
  }

  toString(): string {
    return `Variable(${this.op}, shape ${formatShape(this.shape)})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A constant becomes a leaf Variable; a Variable stays itself. */
function lift(x: Input): Variable {
  return x instanceof Variable ? x : new Variable(typeof x === 'number' ? NDArray.full([], x) : x);
}

/** Axes to reduce, as non-negative numbers (all of them when `axis` is undefined). */
function reductionAxes(op: string, x: Variable, axis?: number | readonly number[]): number[] {
  if (axis === undefined) return x.shape.map((_, i) => i);
  return (typeof axis === 'number' ? [axis] : [...axis]).map((a) => {
    const ax = a < 0 ? a + x.shape.length : a;
    if (!Number.isInteger(ax) || ax < 0 || ax >= x.shape.length) {
      throw new ShapeError(op, `axis ${a} is out of range for shape ${formatShape(x.shape)}`);
    }
    return ax;
  });
}

/** x's shape with the reduced axes kept as size 1: the shape that broadcasts back to x. */
function keptShape(x: Variable, axes: readonly number[]): number[] {
  return x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

// ---- Step 1: y = 2x + 3 ------------------------------------------------------------------

/** a + b (broadcasting). */
export function add(a: Input, b: Input): Variable {
  const [x, y] = [lift(a), lift(b)];
  return new Variable(ops.add(x.value, y.value), [x, y], 'add', (dy) => [
    ops.sumToShape(dy, x.shape),
    ops.sumToShape(dy, y.shape),
  ]);
}

/** a · b element by element (broadcasting). */
export function mul(a: Input, b: Input): Variable {
  const [x, y] = [lift(a), lift(b)];
  return new Variable(ops.mul(x.value, y.value), [x, y], 'mul', (dy) => [
    ops.sumToShape(ops.mul(dy, y.value), x.shape),
    ops.sumToShape(ops.mul(dy, x.value), y.shape),
  ]);
}

/**
 * Sets `.grad` of every node that y depends on to ∂y/∂node. A non-scalar y is treated as
 * sum(y), as TensorFlow does: the seed ∂y/∂y is all ones.
 */
export function backward(y: Variable): void {
  const order = topologicalOrder(y);
  // NOTE: clear first. Gradients accumulate, so a second backward() would add to the first.
  for (const v of order) v.grad = null;
  y.grad = NDArray.ones(y.shape);
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i] as Variable;
    const grads = v.inputGrads(v.grad);
    v.inputs.forEach((input, k) => {
      const g = grads[k] as NDArray;
      // A value used twice gets both contributions: add, never overwrite.
      input.grad = input.grad === null ? g : ops.add(input.grad, g);
    });
  }
}

// ---- Step 2: element-wise ops and reductions ---------------------------------------------

/** a − b (broadcasting). */
export function sub(a: Input, b: Input): Variable {
  const [x, y] = [lift(a), lift(b)];
  return new Variable(ops.sub(x.value, y.value), [x, y], 'sub', (dy) => [
    ops.sumToShape(dy, x.shape),
    ops.sumToShape(ops.neg(dy), y.shape),
  ]);
}

/** a / b element by element (broadcasting). */
export function div(a: Input, b: Input): Variable {
  const [x, y] = [lift(a), lift(b)];
  return new Variable(ops.div(x.value, y.value), [x, y], 'div', (dy) => [
    ops.sumToShape(ops.div(dy, y.value), x.shape),
    // ∂(a/b)/∂b = −a/b². NOTE: b² in float64; in TF.js' float32 it is 0 for |b| < 1.1e-19 and
    // Infinity for |b| > 1.8e19, so there this gradient is ±Infinity, NaN or ±0, here finite.
    ops.sumToShape(ops.neg(ops.div(ops.mul(dy, x.value), ops.square(y.value))), y.shape),
  ]);
}

/** max(x, 0). */
export function relu(a: Input): Variable {
  const x = lift(a);
  // NOTE: the derivative at exactly 0 is taken as 0, as in TensorFlow; at NaN it is NaN.
  return new Variable(ops.relu(x.value), [x], 'relu', (dy) => [
    ops.mul(
      dy,
      ops.map(x.value, (v) => (v > 0 ? 1 : v <= 0 ? 0 : Number.NaN)),
    ),
  ]);
}

/** 1 / (1 + e^−x). */
export function sigmoid(a: Input): Variable {
  const x = lift(a);
  const out = ops.sigmoid(x.value);
  return new Variable(out, [x], 'sigmoid', (dy) => [
    ops.mul(
      dy,
      ops.map(out, (s) => s * (1 - s)),
    ),
  ]);
}

/** e^x. */
export function exp(a: Input): Variable {
  const x = lift(a);
  const out = ops.exp(x.value);
  return new Variable(out, [x], 'exp', (dy) => [ops.mul(dy, out)]);
}

/** Natural logarithm. */
export function log(a: Input): Variable {
  const x = lift(a);
  return new Variable(ops.log(x.value), [x], 'log', (dy) => [ops.div(dy, x.value)]);
}

/** x². */
export function square(a: Input): Variable {
  const x = lift(a);
  return new Variable(ops.square(x.value), [x], 'square', (dy) => [ops.mul(dy, ops.mul(2, x.value))]);
}

/** Sum over `axis` (one or several; all when omitted). keepDims keeps them as size 1. */
export function sum(a: Input, axis?: number | readonly number[], keepDims = false): Variable {
  const x = lift(a);
  const axes = reductionAxes('sum', x, axis);
  return new Variable(ops.sum(x.value, axes, keepDims), [x], 'sum', (dy) => [
    // Every input element added into its output element with weight 1: copy dy back along the axes.
    ops.mul(ops.reshape(dy, keptShape(x, axes)), NDArray.ones(x.shape)),
  ]);
}

/** Mean over `axis` (one or several; all when omitted). keepDims keeps them as size 1. */
export function mean(a: Input, axis?: number | readonly number[], keepDims = false): Variable {
  const x = lift(a);
  const axes = reductionAxes('mean', x, axis);
  const count = axes.reduce((n, ax) => n * x.shape[ax], 1);
  return new Variable(ops.mean(x.value, axes, keepDims), [x], 'mean', (dy) => [
    ops.mul(ops.reshape(dy, keptShape(x, axes)), NDArray.full(x.shape, 1 / count)),
  ]);
}

// ---- Step 4: matmul ------------------------------------------------------------------------

/** The matrix product of a [m, k] and b [k, n]: [m, n]. */
export function matmul(a: Input, b: Input): Variable {
  const [x, y] = [lift(a), lift(b)];
  return new Variable(ops.matmul(x.value, y.value), [x, y], 'matmul', (dy) => [
    ops.matmul(dy, y.value, { transposeB: true }), // [m, n]·[n, k] = [m, k]
    ops.matmul(x.value, dy, { transposeA: true }), // [k, m]·[m, n] = [k, n]
  ]);
}

// ---- Step 5: topological order ---------------------------------------------------------------

/**
 * Every node y depends on (y included), each once, every node after all of its inputs:
 * leaves first, y last.
 */
export function topologicalOrder(y: Variable): Variable[] {
  const order: Variable[] = [];
  const visited = new Set<Variable>();
  const visit = (v: Variable): void => {
    if (visited.has(v)) return;
    visited.add(v);
    for (const input of v.inputs) visit(input);
    order.push(v); // after all its inputs
  };
  visit(y);
  return order;
}

// ---- Step 6: the tape API ------------------------------------------------------------------

/**
 * ∂y/∂source for one source, or a list of them for a list, as TensorFlow's
 * tape.gradient(y, sources). A non-scalar y means sum(y). A source y was not computed from
 * is an error.
 */
export function gradient(y: Variable, sources: Variable): NDArray;
export function gradient(y: Variable, sources: readonly Variable[]): NDArray[];
export function gradient(y: Variable, sources: Variable | readonly Variable[]): NDArray | NDArray[] {
  const list: readonly Variable[] = sources instanceof Variable ? [sources] : sources;
  const reached = new Set(topologicalOrder(y));
  list.forEach((s, i) => {
    if (!reached.has(s)) {
      throw new ArgumentError(
        'gradient',
        `sources[${i}] (${s}) is not connected to y (${y}): y was not computed from it`,
      );
    }
  });
  backward(y);
  const grads = list.map((s) => s.grad as NDArray);
  return sources instanceof Variable ? (grads[0] as NDArray) : grads;
}

/**
 * TensorFlow's GradientTape, by name. Our Variables remember how they were made, so the graph
 * is recorded while you compute and the tape has nothing else to do.
 */
export class GradientTape {
  gradient(y: Variable, sources: Variable): NDArray;
  gradient(y: Variable, sources: readonly Variable[]): NDArray[];
  gradient(y: Variable, sources: Variable | readonly Variable[]): NDArray | NDArray[] {
    return sources instanceof Variable ? gradient(y, sources) : gradient(y, sources);
  }
}

// ---- Step 7: training a Dense layer --------------------------------------------------------

export type Activation = 'linear' | 'relu' | 'sigmoid';

/** activation(x·W + b) on a batch: x [n, in], W [in, out], b [out] → [n, out]. */
export function dense(x: Input, W: Variable, b: Variable, activation: Activation = 'linear'): Variable {
  const z = add(matmul(x, W), b);
  if (activation === 'relu') return relu(z);
  if (activation === 'sigmoid') return sigmoid(z);
  return z;
}

/**
 * Mean over the batch of −Σ_k labels[i, k] · log softmax(logits)[i, k], for logits [n, k] and
 * one-hot (or probability) labels [n, k].
 */
export function softmaxCrossEntropy(logits: Variable, labels: NDArray): Variable {
  if (logits.shape.length !== 2 || !shapesEqual(logits.shape, labels.shape)) {
    throw new ShapeError(
      'softmaxCrossEntropy',
      `logits and labels must both have shape [batch, classes], got logits ${formatShape(logits.shape)} and labels ${formatShape(labels.shape)}`,
    );
  }
  // NOTE: subtract each row's max (a constant) so exp never overflows; softmax is unchanged.
  const shifted = sub(logits, ops.max(logits.value, -1, true));
  const logSoftmax = sub(shifted, log(sum(exp(shifted), -1, true)));
  return mul(-1, mean(sum(mul(labels, logSoftmax), -1)));
}

/**
 * One step of gradient descent: the loss at `params`, its gradients, and params − lr·grads
 * (new Variables; the old ones are not changed). Returns the loss before the step.
 */
export function trainStep(
  params: readonly Variable[],
  lossOf: (params: readonly Variable[]) => Variable,
  learningRate: number,
): { loss: number; params: Variable[] } {
  const tape = new GradientTape();
  const loss = lossOf(params);
  if (loss.shape.length !== 0) {
    throw new ShapeError('trainStep', `the loss must be a scalar (shape []), got shape ${formatShape(loss.shape)}`);
  }
  const grads = tape.gradient(loss, params);
  return {
    loss: loss.value.data[0],
    params: params.map((p, i) => new Variable(ops.sub(p.value, ops.mul(learningRate, grads[i] as NDArray)))),
  };
}
