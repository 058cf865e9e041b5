/**
 * The judge of 04-geometry: reshape, flatten and transpose of random arrays (the numbers and
 * their order, as copies), the maps of points as rows — translation, rotation, scaling, linear
 * and affine maps — composed maps and stacks of layers with and without relu, and the
 * ShapeErrors and ArgumentErrors the README promises. Cases return their inputs too: the
 * specs check that nothing is changed in place.
 */
import type * as Api from '../../exercises/04-geometry/geometry.ts';
import { float32Tolerance } from '../../lib/tolerance.ts';
import { defineJudge, type JudgeRng, settle } from '../judge/api.ts';

/**
 * Sums of products of values in [-2, 2], through up to four layers. The specs compare with
 * float32 TensorFlow.js at about this tolerance and do not check the dtype, so a learner who
 * keeps sums in a Float32Array (or multiplies in another order) passes them and must pass
 * here; a transpose missed or a layer out of order is off by far more.
 */
const MAPS = float32Tolerance(16, 64);

const layer = (r: JudgeRng, outputs: number, inputs: number) => ({
  W: r.ndarray([outputs, inputs], -2, 2),
  b: r.ndarray([outputs], -2, 2),
});

/** A random permutation of 0 … n−1. */
function permutation(r: JudgeRng, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(0, i);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

export default defineJudge<typeof Api>({
  module: 'geometry.ts',
  cases: (c) => [
    c({
      name: 'reshape to random shapes of the same size, one size maybe -1, and flatten',
      step: 1,
      count: 6,
      input: (r) => {
        const shape = r.shape(r.int(0, 4), 1, 4);
        // the sizes shuffled, some neighbours merged, maybe one of them -1
        const target: number[] = [];
        for (const d of permutation(r, shape.length).map((i) => shape[i])) {
          if (target.length > 0 && r.bool()) target[target.length - 1] = (target.at(-1) as number) * d;
          else target.push(d);
        }
        if (target.length > 0 && r.bool()) target[r.int(0, target.length - 1)] = -1;
        return { x: r.ndarray(shape), target, batch: r.ndarray(r.shape(r.int(1, 4), 1, 4)) };
      },
      run: (api, { x, target, batch }) => ({ y: api.reshape(x, target), x, flat: api.flatten(batch), batch }),
    }),
    c({
      name: 'reshape to shapes that do not fit: other sizes, no multiple, two -1s, negative sizes',
      step: 1,
      count: 4,
      input: (r) => r.ndarray(r.shape(r.int(1, 3), 2, 4)),
      run: (api, x) => [
        settle(() => api.reshape(x, [x.size + 1])),
        settle(() => api.reshape(x, [x.size + 1, -1])),
        settle(() => api.reshape(x, [-1, -1])),
        settle(() => api.reshape(x, [-2, -x.size / 2])),
      ],
    }),
    c({
      name: 'transpose by random permutations and without one',
      step: 2,
      count: 6,
      // the first input's perm is a cycle, [1, 2, …, 0]: unlike a swap of two axes, not its own inverse
      input: (r, i) => {
        const x = r.ndarray(i === 0 ? r.shape(r.int(3, 4), 2, 4) : r.shape(r.int(1, 4), 1, 4));
        return { x, perm: i === 0 ? x.shape.map((_, a) => (a + 1) % x.rank) : permutation(r, x.rank) };
      },
      run: (api, { x, perm }) => ({ moved: api.transpose(x, perm), reversed: api.transpose(x), x }),
    }),
    c({
      name: 'transpose by lists that are not permutations of the axes',
      step: 2,
      count: 3,
      input: (r) => r.ndarray(r.shape(r.int(2, 4), 1, 3)),
      run: (api, x) => {
        const axes = Array.from({ length: x.rank }, (_, i) => i);
        return [
          settle(() => api.transpose(x, [0, ...axes.slice(0, -1)])),
          settle(() => api.transpose(x, axes.slice(1))),
          settle(() => api.transpose(x, [...axes.slice(0, -1), x.rank])),
        ];
      },
    }),
    c({
      name: 'translate random points, and by a vector of the wrong length',
      step: 3,
      count: 5,
      input: (r) => {
        const [n, d] = [r.int(1, 8), r.int(1, 4)];
        return { points: r.ndarray([n, d], -5, 5), v: r.ndarray([d], -5, 5), wrong: r.ndarray([d + 1]) };
      },
      run: (api, { points, v, wrong }) => ({
        moved: api.translate(points, v),
        points,
        v,
        wrong: settle(() => api.translate(points, wrong)),
      }),
    }),
    c({
      name: 'rotation and scaling matrices, and non-finite arguments',
      step: 4,
      count: 5,
      input: (r) => ({ theta: r.float(-10, 10), sx: r.float(-3, 3), sy: r.float(-3, 3) }),
      run: (api, { theta, sx, sy }) => ({
        rotation: api.rotation(theta),
        scaling: api.scaling(sx, sy),
        nonFinite: [
          settle(() => api.rotation(Number.NaN)),
          settle(() => api.rotation(Number.POSITIVE_INFINITY)),
          settle(() => api.scaling(sx, Number.POSITIVE_INFINITY)),
          settle(() => api.scaling(Number.NaN, sy)),
        ],
      }),
    }),
    c({
      name: 'linearMap of random matrices and points, and points of the wrong size',
      step: 5,
      count: 5,
      input: (r) => {
        const [m, k, n] = [r.int(1, 4), r.int(1, 4), r.int(1, 8)];
        return { M: r.ndarray([m, k], -2, 2), points: r.ndarray([n, k], -2, 2), wrong: r.ndarray([n, k + 1]) };
      },
      run: (api, { M, points, wrong }) => ({
        mapped: api.linearMap(M, points),
        M,
        points,
        wrong: settle(() => api.linearMap(M, wrong)),
      }),
      tolerance: MAPS,
    }),
    c({
      name: 'affineMap of random layers and points, and a bias that does not fit',
      step: 6,
      count: 5,
      input: (r) => {
        const [m, k, n] = [r.int(1, 4), r.int(1, 4), r.int(1, 8)];
        return { ...layer(r, m, k), points: r.ndarray([n, k], -2, 2), wrong: r.ndarray([m + 1]) };
      },
      run: (api, { W, b, points, wrong }) => ({
        mapped: api.affineMap(W, b, points),
        W,
        b,
        points,
        wrong: settle(() => api.affineMap(W, wrong, points)),
      }),
      tolerance: MAPS,
    }),
    c({
      name: 'composeAffine of random layers, and layers that do not chain',
      step: 7,
      count: 5,
      input: (r) => {
        const [k, h, m] = [r.int(1, 4), r.int(1, 4), r.int(1, 4)];
        return { first: layer(r, h, k), second: layer(r, m, h), loose: layer(r, m, h + 1) };
      },
      run: (api, { first, second, loose }) => ({
        composed: api.composeAffine(first, second),
        first,
        second,
        loose: settle(() => api.composeAffine(first, loose)),
      }),
      tolerance: MAPS,
    }),
    c({
      name: 'applyLayers with and without relu, and collapse, on random stacks',
      step: 8,
      count: 5,
      input: (r) => {
        const sizes = r.shape(r.int(2, 5), 1, 4);
        const layers = sizes.slice(1).map((out, i) => layer(r, out, sizes[i]));
        return { layers, points: r.ndarray([r.int(1, 6), sizes[0]], -2, 2) };
      },
      run: (api, { layers, points }) => ({
        linear: [api.applyLayers(layers, points), api.applyLayers(layers, points, 'linear')],
        relu: api.applyLayers(layers, points, 'relu'),
        collapsed: api.collapse(layers),
        none: settle(() => api.collapse([])),
        points,
      }),
      tolerance: MAPS,
    }),
  ],
});
