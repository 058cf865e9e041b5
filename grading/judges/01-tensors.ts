/**
 * The judge of 01-tensors: every step's functions on random inputs, and on the mistakes the
 * README names (a ragged array, an index out of range, a batch that does not exist).
 */
import type * as Api from '../../exercises/01-tensors/tensors.ts';
import { defineJudge, type JudgeRng, settle } from '../judge/api.ts';

const nested = (r: JudgeRng) => r.nested(r.shape(r.int(0, 4), 1, 3));
const range = (r: JudgeRng, n: number) => (r.bool() ? null : ([r.int(-n - 1, n + 1), r.int(-n - 1, n + 1)] as const));

export default defineJudge<typeof Api>({
  module: 'tensors.ts',
  cases: (c) => [
    c({ name: 'rank of nested arrays', step: 1, count: 6, input: nested, run: (api, x) => api.rank(x) }),
    c({ name: 'shape of nested arrays', step: 2, count: 6, input: nested, run: (api, x) => api.shape(x) }),
    c({
      name: 'shape of a ragged array',
      step: 2,
      count: 2,
      input: (r) => [r.nested([2, 3]), r.nested([r.int(1, 2), 2])],
      run: (api, x) => api.shape(x),
    }),
    c({
      name: 'size and bytes of shapes',
      step: 3,
      count: 6,
      input: (r) => [r.shape(r.int(0, 4), 0, 6), r.pick(['float32', 'float64'] as const)] as const,
      run: (api, [s, dtype]) => [api.size(s), api.byteSize(s, dtype)],
    }),
    c({
      name: 'strides of shapes',
      step: 4,
      count: 6,
      input: (r) => r.shape(r.int(1, 5), 1, 5),
      run: (api, s) => api.strides(s),
    }),
    c({
      name: 'flatIndex of every index, and one out of range',
      step: 4,
      count: 4,
      input: (r) => r.shape(r.int(1, 4), 1, 4),
      run: (api, s) => {
        const all: number[] = [];
        const index = s.map(() => 0);
        for (let k = 0; k < s.reduce((a, b) => a * b, 1); k++) {
          all.push(api.flatIndex(s, index));
          for (let axis = s.length - 1; axis >= 0; axis--) {
            index[axis] = index[axis] + 1;
            if (index[axis] < s[axis]) break;
            index[axis] = 0;
          }
        }
        return { all, outside: settle(() => api.flatIndex(s, s)) };
      },
    }),
    c({ name: 'toNDArray of nested arrays', step: 4, count: 5, input: nested, run: (api, x) => api.toNDArray(x) }),
    c({
      name: 'at and slice of random arrays',
      step: 5,
      count: 6,
      input: (r) => {
        const s = r.shape(r.int(1, 3), 1, 4);
        return { x: r.ndarray(s), i: r.int(0, s[0] - 1), ranges: s.map((n) => range(r, n)) };
      },
      run: (api, { x, i, ranges }) => ({ at: api.at(x, i), slice: api.slice(x, ...ranges) }),
    }),
    c({
      name: 'batches of a dataset, and one past the end',
      step: 6,
      count: 4,
      input: (r) => ({ x: r.ndarray([r.int(1, 20), 2]), size: r.int(1, 6) }),
      run: (api, { x, size }) => {
        const count = Math.ceil(x.shape[0] / size);
        const batches = Array.from({ length: count }, (_, n) => api.batch(x, n, size));
        return [...batches, settle(() => api.batch(x, count, size))];
      },
    }),
    c({
      name: 'shapes of data kinds',
      step: 7,
      count: 6,
      input: (r) => {
        const n = () => r.int(1, 50);
        const layout = r.pick(['channels-last', 'channels-first', undefined] as const);
        const kind = r.pick(['vectors', 'timeseries', 'images', 'video'] as const);
        const base = {
          samples: n(),
          features: n(),
          timesteps: n(),
          height: n(),
          width: n(),
          channels: n(),
          frames: n(),
        };
        return { ...base, kind, ...(layout ? { layout } : {}) } as Api.DataSpec;
      },
      run: (api, spec) => api.dataShape(spec),
    }),
  ],
});
