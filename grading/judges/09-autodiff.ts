/**
 * The judge of 09-autodiff: gradients of small graphs built from the learner's ops on random
 * values, step by step (each step's cases use only what that step and the ones before it add:
 * no value is used twice before step 5), then the tape API and a Dense layer trained with it.
 */
import type * as Api from '../../exercises/09-autodiff/autodiff.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { defineJudge, type JudgeRng, settle } from '../judge/api.ts';

type Variable = Api.Variable;

/** The gradients backward() left on the nodes, in order (null where none arrived). */
const gradsOf = (...vs: Variable[]) => vs.map((v) => v.grad);

/** Values away from 0: |v| in [0.5, 1.5]. */
function awayFromZero(r: JudgeRng, shape: readonly number[]): NDArray {
  const x = r.ndarray(shape);
  return new NDArray(
    x.data.map((v) => v + Math.sign(v) * 0.5 || 0.5),
    shape,
  );
}

/** A shape that broadcasts to `out`: some leading axes dropped, some sizes set to 1. */
function broadcastsTo(r: JudgeRng, out: readonly number[]): number[] {
  const drop = r.int(0, out.length);
  return out.slice(drop).map((d) => (r.bool() ? 1 : d));
}

/** The broadcast of two shapes that broadcast to one another (aligned at the right). */
function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    return x === 1 ? y : x;
  });
}

const UNARY = ['square', 'sigmoid'] as const;
const BINARY = ['add', 'sub', 'mul'] as const;

/** A random graph on leaves of one shape; each node picks its inputs among all earlier values. */
interface Graph {
  leaves: NDArray[];
  nodes: [string, number, number][];
}

function graph(r: JudgeRng): Graph {
  const shape = r.shape(r.int(0, 2), 1, 3);
  const leaves = Array.from({ length: r.int(1, 3) }, () => r.ndarray(shape));
  const nodes: [string, number, number][] = [];
  const count = r.int(3, 8);
  for (let k = 0; k < count; k++) {
    const known = leaves.length + k;
    // the last node uses the one before it, so that most of the graph leads to y
    const first = k > 0 && r.bool() ? known - 1 : r.int(0, known - 1);
    nodes.push([r.pick([...UNARY, ...BINARY, ...BINARY]), first, r.int(0, known - 1)]);
  }
  return { leaves, nodes };
}

function build(api: typeof Api, g: Graph): { leaves: Variable[]; all: Variable[]; y: Variable } {
  const leaves = g.leaves.map((x) => new api.Variable(x));
  const all = [...leaves];
  for (const [op, i, j] of g.nodes) {
    const [a, b] = [all[i] as Variable, all[j] as Variable];
    if (op === 'square') all.push(api.square(a));
    else if (op === 'sigmoid') all.push(api.sigmoid(a));
    else if (op === 'add') all.push(api.add(a, b));
    else if (op === 'sub') all.push(api.sub(a, b));
    else all.push(api.mul(a, b));
  }
  return { leaves, all, y: all.at(-1) as Variable };
}

/** Every node y depends on, found through `inputs` (the given Variable class). */
function reachable(y: Variable): Set<Variable> {
  const seen = new Set<Variable>();
  const visit = (v: Variable) => {
    if (seen.has(v)) return;
    seen.add(v);
    for (const input of v.inputs) visit(input);
  };
  visit(y);
  return seen;
}

const oneHotRows = (r: JudgeRng, n: number, k: number) =>
  NDArray.fromFlat(
    Array.from({ length: n }, () => r.int(0, k - 1)).flatMap((c) =>
      Array.from({ length: k }, (_, j) => (j === c ? 1 : 0)),
    ),
    [n, k],
  );

/** Rows of probabilities (each sums to 1): labels need not be one-hot. */
function softRows(r: JudgeRng, n: number, k: number): NDArray {
  const x = r.ndarray([n, k], 0.1, 1);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let j = 0; j < k; j++) total += x.data[i * k + j];
    for (let j = 0; j < k; j++) x.data[i * k + j] = x.data[i * k + j] / total;
  }
  return x;
}

export default defineJudge<typeof Api>({
  module: 'autodiff.ts',
  cases: (c) => [
    c({
      name: 'a chain of add and mul, and the seed’s y = 2x + 3',
      step: 1,
      count: 5,
      input: (r) => {
        const shape = r.shape(r.int(0, 2), 1, 3);
        return {
          leaves: Array.from({ length: 5 }, () => r.ndarray(shape)),
          k: r.float(-3, 3),
          m: r.float(-3, 3),
          at: r.float(-3, 3),
        };
      },
      run: (api, { leaves, k, m, at }) => {
        const [x, a, b, cc, d] = leaves.map((v) => new api.Variable(v)) as [
          Variable,
          Variable,
          Variable,
          Variable,
          Variable,
        ];
        // y = (a·x + b)·c + d: every value used once
        const y = api.add(api.mul(api.add(api.mul(a, x), b), cc), d);
        api.backward(y);
        const s = new api.Variable(at);
        const line = api.add(api.mul(k, s), m);
        api.backward(line);
        return { y: y.value, grads: gradsOf(y, x, a, b, cc, d), line: [line.value, s.grad] };
      },
    }),
    c({
      name: 'element-wise rules: relu, sigmoid, exp, log, square, sub and div',
      step: 2,
      count: 5,
      input: (r) => {
        const shape = r.shape(r.int(1, 2), 1, 4);
        const x = r.ndarray(shape, -2, 2);
        x.data[0] = 0; // relu′(0) is 0, as in TensorFlow
        return {
          x,
          positive: r.ndarray(shape, 0.2, 3),
          w: r.ndarray(shape),
          a: r.ndarray(shape),
          b: awayFromZero(r, shape),
        };
      },
      run: (api, { x, positive, w, a, b }) => {
        const rule = (f: (v: Variable) => Variable, at: NDArray) => {
          const v = new api.Variable(at);
          // dy = w, not ones: every rule must multiply by dy
          const y = api.mul(f(v), w);
          api.backward(y);
          return [y.value, v.grad];
        };
        const pair = (f: (p: Variable, q: Variable) => Variable) => {
          const [p, q] = [new api.Variable(a), new api.Variable(b)];
          api.backward(api.mul(f(p, q), w));
          return gradsOf(p, q);
        };
        return {
          relu: rule(api.relu, x),
          sigmoid: rule(api.sigmoid, x),
          exp: rule(api.exp, x),
          log: rule(api.log, positive),
          square: rule(api.square, x),
          sub: pair(api.sub),
          div: pair(api.div),
        };
      },
    }),
    c({
      name: 'sum and mean over random axes, with and without keepDims',
      step: 2,
      count: 5,
      input: (r) => {
        const shape = r.shape(r.int(1, 3), 1, 4);
        const rank = shape.length;
        const axis = r.pick([
          undefined,
          r.int(-rank, rank - 1),
          [...new Set(Array.from({ length: r.int(1, rank) }, () => r.int(0, rank - 1)))],
        ]);
        return { x: r.ndarray(shape), axis, keepDims: r.bool() };
      },
      run: (api, { x, axis, keepDims }) =>
        [api.sum, api.mean].map((reduce) => {
          const v = new api.Variable(x);
          const out = reduce(v, axis, keepDims);
          // dy varies per output element: the output's own values, shifted away from 1
          api.backward(api.mul(out, out.value.clone()));
          return [out.value, v.grad];
        }),
    }),
    c({
      name: 'add, sub, mul and div of broadcast shapes',
      step: 3,
      count: 6,
      input: (r) => {
        const out = r.shape(r.int(1, 3), 1, 3);
        const [sa, sb] = r.bool() ? [out, broadcastsTo(r, out)] : [broadcastsTo(r, out), out];
        return { a: r.ndarray(sa), b: awayFromZero(r, sb), w: r.ndarray(broadcast(sa, sb)) };
      },
      run: (api, { a, b, w }) =>
        [api.add, api.sub, api.mul, api.div].map((op) => {
          const [p, q] = [new api.Variable(a), new api.Variable(b)];
          const y = api.mul(op(p, q), w);
          api.backward(y);
          return [y.value, ...gradsOf(p, q)];
        }),
    }),
    c({
      name: 'matmul: the transposes',
      step: 4,
      count: 5,
      input: (r) => {
        // a square case too: only the shapes of a non-square one show a missing transpose
        const [n, k, m] = r.bool() ? [r.int(1, 5), r.int(1, 5), r.int(1, 5)] : [3, 3, 3];
        return { a: r.ndarray([n, k]), b: r.ndarray([k, m]), dy: r.ndarray([n, m]) };
      },
      run: (api, { a, b, dy }) => {
        const [p, q] = [new api.Variable(a), new api.Variable(b)];
        const y = api.mul(api.matmul(p, q), dy);
        api.backward(y);
        return [y.value, ...gradsOf(p, q)];
      },
    }),
    c({
      name: 'random graphs that reuse values',
      step: 5,
      count: 6,
      input: graph,
      // a value used k times adds k contributions, in the order of the learner's walk: rounding may differ
      tolerance: { rtol: 1e-6, atol: 1e-7 },
      run: (api, g) => {
        const { leaves, y } = build(api, g);
        api.backward(y);
        const first = gradsOf(...leaves);
        // a second pass must give the same gradients, not twice as much
        api.backward(y);
        return { y: y.value, first, second: gradsOf(...leaves) };
      },
    }),
    c({
      name: 'x·x, a weight shared by two losses',
      step: 5,
      count: 4,
      input: (r) => {
        const shape = r.shape(r.int(0, 2), 1, 3);
        return { x: r.ndarray(shape), k: [r.ndarray(shape, -3, 3), r.ndarray(shape, -3, 3)] };
      },
      run: (api, { x, k }) => {
        const v = new api.Variable(x);
        api.backward(api.mul(v, v));
        const squared = v.grad;
        const [l1, l2] = k.map((f) => api.mul(v, f)) as [Variable, Variable];
        api.backward(l1);
        const g1 = v.grad;
        api.backward(l2);
        return [squared, g1, v.grad];
      },
    }),
    c({
      name: 'topologicalOrder of random graphs',
      step: 5,
      count: 6,
      input: graph,
      run: (api, g) => {
        const { y } = build(api, g);
        const order = api.topologicalOrder(y);
        const place = new Map(order.map((v, i) => [v, i]));
        const nodes = reachable(y);
        // any valid order will do: there are often several
        return {
          length: order.length,
          eachOnce: place.size === order.length,
          everyNodeOfY: [...nodes].every((v) => place.has(v)) && order.every((v) => nodes.has(v)),
          inputsFirst: order.every((v, i) => v.inputs.every((input) => (place.get(input) ?? i) < i)),
          yLast: order.at(-1) === y,
        };
      },
    }),
    c({
      name: 'gradient and GradientTape: one source, a list, and one not connected',
      step: 6,
      count: 4,
      input: (r) => {
        const shape = r.shape(r.int(0, 2), 1, 3);
        return {
          x: r.ndarray(shape),
          a: r.ndarray(shape),
          c: r.ndarray(shape),
          z: r.ndarray(r.shape(r.int(1, 2), 1, 3)),
        };
      },
      run: (api, { x, a, c: cv, z }) => {
        const [xv, av, zv] = [new api.Variable(x), new api.Variable(a), new api.Variable(z)];
        // a non-scalar y means sum(y)
        const y = api.add(api.mul(av, xv), cv);
        const tape = new api.GradientTape();
        const one = api.gradient(y, xv);
        const list = tape.gradient(y, [xv, av]);
        const again = api.gradient(y, [av]);
        const unconnected = settle(() => api.gradient(y, [xv, zv]));
        // z gets a gradient of its own; it must still not count as connected to y
        api.gradient(api.mul(zv, z), zv);
        return { one, list, again, unconnected, stale: settle(() => tape.gradient(y, zv)) };
      },
    }),
    c({
      name: 'dense: activation(x·W + b) and its gradients',
      step: 7,
      count: 5,
      input: (r) => {
        const [n, i, o] = [r.int(1, 4), r.int(1, 4), r.int(1, 4)];
        return {
          x: r.ndarray([n, i]),
          W: r.ndarray([i, o]),
          b: r.ndarray([o]),
          activation: r.pick(['linear', 'relu', 'sigmoid', undefined] as const),
        };
      },
      run: (api, { x, W, b, activation }) => {
        const [xv, Wv, bv] = [new api.Variable(x), new api.Variable(W), new api.Variable(b)];
        const y = activation ? api.dense(xv, Wv, bv, activation) : api.dense(xv, Wv, bv);
        return { y: y.value, grads: api.gradient(y, [xv, Wv, bv]), constantX: api.dense(x, Wv, bv, activation).value };
      },
    }),
    c({
      name: 'softmaxCrossEntropy: loss and ∂loss/∂logits, large logits too',
      step: 7,
      count: 5,
      input: (r, i) => {
        const [n, k] = [r.int(1, 5), r.int(2, 5)];
        const logits = r.ndarray([n, k], -4, 4);
        // a row shifted by ±1000 (always in the first input): exp overflows unless each row's max is subtracted first
        if (i === 0 || r.bool()) for (let j = 0; j < k; j++) logits.data[j] = logits.data[j] + r.pick([1000, -1000]);
        return { logits, labels: r.bool() ? oneHotRows(r, n, k) : softRows(r, n, k), extra: r.int(1, 2) };
      },
      run: (api, { logits, labels, extra }) => {
        const z = new api.Variable(logits);
        const loss = api.softmaxCrossEntropy(z, labels);
        const [n, k] = logits.shape as [number, number];
        return {
          loss: loss.value,
          grad: api.gradient(loss, z),
          shapes: settle(() => api.softmaxCrossEntropy(z, NDArray.zeros([n, k + extra]))),
        };
      },
    }),
    c({
      name: 'trainStep of a small relu-softmax network',
      step: 7,
      count: 3,
      input: (r) => {
        const [n, i, h, k] = [r.int(2, 6), r.int(1, 4), r.int(1, 5), r.int(2, 4)];
        return {
          x: r.ndarray([n, i]),
          labels: oneHotRows(r, n, k),
          params: [r.ndarray([i, h]), r.ndarray([h]), r.ndarray([h, k]), r.ndarray([k])],
          lr: r.float(0.05, 1),
        };
      },
      run: (api, { x, labels, params, lr }) => {
        const lossOf = ([W1, b1, W2, b2]: readonly Variable[]) =>
          api.softmaxCrossEntropy(
            api.dense(api.dense(x, W1 as Variable, b1 as Variable, 'relu'), W2 as Variable, b2 as Variable),
            labels,
          );
        const start = params.map((p) => new api.Variable(p));
        const losses: number[] = [];
        let current = start;
        for (let t = 0; t < 3; t++) {
          const step = api.trainStep(current, lossOf, lr);
          losses.push(step.loss);
          current = step.params;
        }
        return { losses, params: current.map((p) => p.value), startUnchanged: start.map((p) => p.value) };
      },
    }),
  ],
});
