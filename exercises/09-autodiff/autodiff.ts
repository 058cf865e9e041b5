/**
 * Exercise 09 — autodiff: a small reverse-mode automatic differentiation engine on the
 * kata's NDArray, with a GradientTape-like API.
 *
 * Read README.md (or README.ko.md), then make the specs pass step by step: `npm start`.
 * Stuck? `npm run hint -- 09` shows the next hint.
 *
 * Given: the Variable class (a node of the graph) and the forward math of every op. Yours: the
 * backward rules (the closures passed to `new Variable`), the backward pass, the tape API and
 * a small network trained with it.
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

// ---- Given: the graph's nodes ------------------------------------------------------------

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

// ---- Step 1: y = 2x + 3 ------------------------------------------------------------------

/** a + b (broadcasting). */
export function add(a: Input, b: Input): Variable {
  const [x, y] = [lift(a), lift(b)];
  return new Variable(ops.add(x.value, y.value), [x, y], 'add', (dy) => {
    // TODO: return [∂L/∂a, ∂L/∂b] from dy = ∂L/∂(a + b), each of its input's shape (step 3).
    throw new Error('TODO(09-autodiff): implement the backward rule of add (step 1 in README.md)');
  });
}

/** a · b element by element (broadcasting). */
export function mul(a: Input, b: Input): Variable {
  const [x, y] = [lift(a), lift(b)];
  return new Variable(ops.mul(x.value, y.value), [x, y], 'mul', (dy) => {
    // TODO: return [∂L/∂a, ∂L/∂b] from dy = ∂L/∂(a · b), each of its input's shape (step 3).
    throw new Error('TODO(09-autodiff): implement the backward rule of mul (step 1 in README.md)');
  });
}

/**
 * Sets `.grad` of every node that y depends on to ∂y/∂node. A non-scalar y is treated as
 * sum(y), as TensorFlow does: the seed ∂y/∂y is all ones.
 */
export function backward(y: Variable): void {
  // TODO: seed y.grad, then run every node's rule (v.inputGrads) from y back to the leaves,
  // handing each gradient to the node's inputs. Step 5 makes it right for values used twice.
  throw new Error('TODO(09-autodiff): implement backward (step 1 in README.md)');
}

// ---- Step 2: element-wise ops and reductions ---------------------------------------------

/** a − b (broadcasting). */
export function sub(a: Input, b: Input): Variable {
  const [x, y] = [lift(a), lift(b)];
  return new Variable(ops.sub(x.value, y.value), [x, y], 'sub', (dy) => {
    // TODO: return [∂L/∂a, ∂L/∂b] from dy = ∂L/∂(a − b), each of its input's shape (step 3).
    throw new Error('TODO(09-autodiff): implement the backward rule of sub (step 2 in README.md)');
  });
}

/** a / b element by element (broadcasting). */
export function div(a: Input, b: Input): Variable {
  const [x, y] = [lift(a), lift(b)];
  return new Variable(ops.div(x.value, y.value), [x, y], 'div', (dy) => {
    // TODO: return [∂L/∂a, ∂L/∂b] from dy = ∂L/∂(a / b), each of its input's shape (step 3).
    throw new Error('TODO(09-autodiff): implement the backward rule of div (step 2 in README.md)');
  });
}

/** max(x, 0). */
export function relu(a: Input): Variable {
  const x = lift(a);
  return new Variable(ops.relu(x.value), [x], 'relu', (dy) => {
    // TODO: return [∂L/∂x] from dy = ∂L/∂relu(x).
    throw new Error('TODO(09-autodiff): implement the backward rule of relu (step 2 in README.md)');
  });
}

/** 1 / (1 + e^−x). */
export function sigmoid(a: Input): Variable {
  const x = lift(a);
  const out = ops.sigmoid(x.value);
  return new Variable(out, [x], 'sigmoid', (dy) => {
    // TODO: return [∂L/∂x] from dy = ∂L/∂sigmoid(x).
    throw new Error('TODO(09-autodiff): implement the backward rule of sigmoid (step 2 in README.md)');
  });
}

/** e^x. */
export function exp(a: Input): Variable {
  const x = lift(a);
  const out = ops.exp(x.value);
  return new Variable(out, [x], 'exp', (dy) => {
    // TODO: return [∂L/∂x] from dy = ∂L/∂exp(x).
    throw new Error('TODO(09-autodiff): implement the backward rule of exp (step 2 in README.md)');
  });
}

/** Natural logarithm. */
export function log(a: Input): Variable {
  const x = lift(a);
  return new Variable(ops.log(x.value), [x], 'log', (dy) => {
    // TODO: return [∂L/∂x] from dy = ∂L/∂log(x).
    throw new Error('TODO(09-autodiff): implement the backward rule of log (step 2 in README.md)');
  });
}

/** x². */
export function square(a: Input): Variable {
  const x = lift(a);
  return new Variable(ops.square(x.value), [x], 'square', (dy) => {
    // TODO: return [∂L/∂x] from dy = ∂L/∂x².
    throw new Error('TODO(09-autodiff): implement the backward rule of square (step 2 in README.md)');
  });
}

/** Sum over `axis` (one or several; all when omitted). keepDims keeps them as size 1. */
export function sum(a: Input, axis?: number | readonly number[], keepDims = false): Variable {
  const x = lift(a);
  const axes = reductionAxes('sum', x, axis);
  return new Variable(ops.sum(x.value, axes, keepDims), [x], 'sum', (dy) => {
    // TODO: return [∂L/∂x], of x's shape, from dy (the output's shape). `axes` are the summed axes.
    throw new Error('TODO(09-autodiff): implement the backward rule of sum (step 2 in README.md)');
  });
}

/** Mean over `axis` (one or several; all when omitted). keepDims keeps them as size 1. */
export function mean(a: Input, axis?: number | readonly number[], keepDims = false): Variable {
  const x = lift(a);
  const axes = reductionAxes('mean', x, axis);
  return new Variable(ops.mean(x.value, axes, keepDims), [x], 'mean', (dy) => {
    // TODO: return [∂L/∂x], of x's shape, from dy (the output's shape). `axes` are the averaged axes.
    throw new Error('TODO(09-autodiff): implement the backward rule of mean (step 2 in README.md)');
  });
}

// ---- Step 4: matmul ------------------------------------------------------------------------

/** The matrix product of a [m, k] and b [k, n]: [m, n]. */
export function matmul(a: Input, b: Input): Variable {
  const [x, y] = [lift(a), lift(b)];
  return new Variable(ops.matmul(x.value, y.value), [x, y], 'matmul', (dy) => {
    // TODO: return [∂L/∂a, ∂L/∂b] from dy = ∂L/∂(a·b): shapes [m, k] and [k, n] from dy [m, n].
    throw new Error('TODO(09-autodiff): implement the backward rule of matmul (step 4 in README.md)');
  });
}

// ---- Step 5: topological order ---------------------------------------------------------------

/**
 * Every node y depends on (y included), each once, every node after all of its inputs:
 * leaves first, y last.
 */
export function topologicalOrder(y: Variable): Variable[] {
  // TODO: list the nodes so that each comes after all of its inputs; then use it in backward.
  throw new Error('TODO(09-autodiff): implement topologicalOrder (step 5 in README.md)');
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
  // TODO: check every source leads to y, run the backward pass, return the sources' gradients.
  throw new Error('TODO(09-autodiff): implement gradient (step 6 in README.md)');
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
  // TODO: compose the ops above.
  throw new Error('TODO(09-autodiff): implement dense (step 7 in README.md)');
}

/**
 * Mean over the batch of −Σ_k labels[i, k] · log softmax(logits)[i, k], for logits [n, k] and
 * one-hot (or probability) labels [n, k].
 */
export function softmaxCrossEntropy(logits: Variable, labels: NDArray): Variable {
  // TODO: check the shapes, then compose the ops above.
  throw new Error('TODO(09-autodiff): implement softmaxCrossEntropy (step 7 in README.md)');
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
  // TODO: the loss, its gradients w.r.t. params (a GradientTape), and one step downhill.
  throw new Error('TODO(09-autodiff): implement trainStep (step 7 in README.md)');
}
