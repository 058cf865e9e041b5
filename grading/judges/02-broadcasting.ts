/**
 * The judge of 02-broadcasting: the naive loops, the broadcasting rule, expand-dims + repeat,
 * broadcastTo and the broadcasting add / maximum on random shapes (size-1 axes, rank
 * differences, an empty axis now and then), and the ShapeErrors and ArgumentErrors the README
 * promises. Every value here is one float64 operation on the inputs, or a copy of them, so a
 * correct learner agrees to the last bit (a float32 result is within the default tolerance).
 * Cases return their inputs too: the specs check that nothing is changed in place.
 */
import type * as Api from '../../exercises/02-broadcasting/broadcasting.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { defineJudge, type JudgeRng, settle } from '../judge/api.ts';

const values = (r: JudgeRng, shape: readonly number[]) => r.ndarray(shape, -5, 5);

/** Some of `out`'s trailing axes, each maybe set to 1: a shape that broadcasts to `out`. */
const narrow = (r: JudgeRng, out: readonly number[], keepOne = false) =>
  out.slice(r.int(0, out.length - (keepOne ? 1 : 0))).map((d) => (r.bool() ? 1 : d));

/**
 * Two shapes that broadcast, of ranks 0 to 4. With `empty`, one aligned axis is 0 on one side
 * and 1 on the other: a size-1 axis stretches even to 0 (step 3's specs check it).
 */
function broadcastable(r: JudgeRng, empty = false): [number[], number[]] {
  const out = r.shape(r.int(empty ? 1 : 0, 4), 1, 4);
  const [a, b] = [narrow(r, out, empty), narrow(r, out, empty)];
  if (empty) {
    const k = r.int(1, Math.min(a.length, b.length));
    const zero = r.bool() ? a : b;
    a[a.length - k] = 1;
    b[b.length - k] = 1;
    zero[zero.length - k] = 0;
  }
  return [a, b];
}

/** Two shapes of rank ≥ 1 that do not: one aligned axis gets two sizes, both above 1. */
function incompatible(r: JudgeRng): [number[], number[]] {
  const out = r.shape(r.int(1, 4), 1, 4);
  const [a, b] = [narrow(r, out, true), narrow(r, out, true)];
  const k = r.int(1, Math.min(a.length, b.length));
  const [small, big] = [r.int(2, 4), r.int(5, 7)];
  a[a.length - k] = r.bool() ? small : big;
  b[b.length - k] = a[a.length - k] === small ? big : small;
  return [a, b];
}

/** The broadcast of two compatible shapes (the judge's own, to draw broadcastTo's targets). */
function stretched(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const da = a[a.length - n + i] ?? 1;
    return da === 1 ? (b[b.length - n + i] ?? 1) : da;
  });
}

export default defineJudge<typeof Api>({
  module: 'broadcasting.ts',
  cases: (c) => [
    c({
      name: 'naiveRelu of random matrices, and of other ranks',
      step: 1,
      count: 5,
      input: (r) => ({
        x: values(r, [r.int(0, 6), r.int(1, 6)]),
        other: values(r, r.shape(r.pick([0, 1, 3, 4]), 1, 3)),
      }),
      run: (api, { x, other }) => ({ y: api.naiveRelu(x), x, other: settle(() => api.naiveRelu(other)) }),
    }),
    c({
      name: 'naiveAdd of random pairs, and of shapes that differ',
      step: 2,
      count: 5,
      input: (r) => {
        const [rows, cols] = [r.int(1, 6), r.int(1, 6)];
        const bad = r.pick([[cols, rows + 1], [rows + 1], [1, rows, cols]]);
        return { x: values(r, [rows, cols]), y: values(r, [rows, cols]), bad: values(r, bad) };
      },
      run: (api, { x, y, bad }) => ({
        sum: api.naiveAdd(x, y),
        x,
        y,
        differ: [settle(() => api.naiveAdd(x, bad)), settle(() => api.naiveAdd(bad, x))],
      }),
    }),
    c({
      name: 'broadcastShape of shapes that broadcast, either way round, one axis stretched to 0',
      step: 3,
      count: 6,
      input: (r, i) => broadcastable(r, i < 2),
      run: (api, [a, b]) => [api.broadcastShape(a, b), api.broadcastShape(b, a)],
    }),
    c({
      name: 'broadcastShape of shapes that do not broadcast',
      step: 3,
      count: 4,
      input: incompatible,
      run: (api, [a, b]) => [settle(() => api.broadcastShape(a, b)), settle(() => api.broadcastShape(b, a))],
    }),
    c({
      name: 'expandDims at every axis, and one out of range each side',
      step: 4,
      count: 5,
      input: (r) => values(r, r.shape(r.int(0, 3), 1, 4)),
      run: (api, x) => {
        const axes = Array.from({ length: 2 * x.rank + 2 }, (_, i) => i - x.rank - 1);
        return {
          each: axes.map((axis) => api.expandDims(x, axis)),
          outside: [settle(() => api.expandDims(x, x.rank + 1)), settle(() => api.expandDims(x, -x.rank - 2))],
          x,
        };
      },
    }),
    c({
      name: 'repeat along every axis, with bad axes and counts',
      step: 4,
      count: 5,
      // n = 1 copies and np.repeat agree; the first input has no copies at all
      input: (r, i) => ({ x: values(r, r.shape(r.int(1, 3), 1, 4)), n: i === 0 ? 0 : r.int(2, 3) }),
      run: (api, { x, n }) => {
        const axes = Array.from({ length: 2 * x.rank }, (_, i) => i - x.rank);
        return {
          each: axes.map((axis) => api.repeat(x, n, axis)),
          badAxis: [settle(() => api.repeat(x, n, x.rank)), settle(() => api.repeat(x, n, -x.rank - 1))],
          badCount: [settle(() => api.repeat(x, -1, 0)), settle(() => api.repeat(x, 1.5, 0))],
          x,
        };
      },
    }),
    c({
      name: 'broadcastTo the broadcast shape of a random pair',
      step: 5,
      count: 5,
      input: (r) => {
        const [a, b] = broadcastable(r);
        return { x: values(r, a), target: stretched(a, b) };
      },
      run: (api, { x, target }) => ({ y: api.broadcastTo(x, target), x }),
    }),
    c({
      name: 'broadcastTo shapes it cannot reach: other sizes, fewer axes, a target 1',
      step: 5,
      count: 4,
      input: (r) => {
        const [a, b] = incompatible(r);
        const wide = r.int(2, 4);
        return { pair: [a, b], longer: r.shape(r.int(2, 4), 1, 3), wide };
      },
      run: (api, { pair: [a, b], longer, wide }) => [
        settle(() => api.broadcastTo(NDArray.zeros(a), b)),
        settle(() => api.broadcastTo(NDArray.zeros(longer), longer.slice(1))),
        settle(() => api.broadcastTo(NDArray.zeros([wide]), [1])),
      ],
    }),
    c({
      name: 'add and maximum of broadcastable arrays and plain numbers',
      step: 6,
      count: 6,
      input: (r) => {
        const [a, b] = broadcastable(r);
        return { a: values(r, a), b: values(r, b), k: r.float(-5, 5) };
      },
      run: (api, { a, b, k }) => ({
        add: [api.add(a, b), api.add(b, a), api.add(a, k), api.add(k, a)],
        maximum: [api.maximum(a, b), api.maximum(b, a), api.maximum(a, 0), api.maximum(a, k)],
        a,
        b,
      }),
    }),
    c({
      name: 'add and maximum of shapes that do not broadcast',
      step: 6,
      count: 4,
      input: (r) => {
        const [a, b] = incompatible(r);
        return [values(r, a), values(r, b)] as const;
      },
      run: (api, [a, b]) => [settle(() => api.add(a, b)), settle(() => api.maximum(a, b))],
    }),
  ],
});
