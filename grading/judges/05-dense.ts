/**
 * The judge of 05-dense: the activations and softmax on random (and huge) values, the dense
 * forward pass, the initialisers, the Dense layer and the Sequential model holding weights
 * the judge gives them, and argmax with ties; with the ShapeErrors and ArgumentErrors the
 * README promises.
 *
 * Random draws: the README leaves open in which order initKernel draws its entries, so no
 * kernel is compared with the reference's. What is promised is compared instead: the shape,
 * the range, that one generator state gives one kernel, and that a layer's kernel is what the
 * learner's own initKernel draws for the same seed or generator.
 */
import type * as Api from '../../exercises/05-dense/dense.ts';
import type { NDArray } from '../../lib/ndarray.ts';
import { createRng } from '../../lib/rng.ts';
import { FLOAT32_UNIT_ROUNDOFF, float32Tolerance } from '../../lib/tolerance.ts';
import { defineJudge, type JudgeRng, settle } from '../judge/api.ts';

/**
 * The specs compare softmax with float32 TensorFlow.js within 16 roundings of x − max, which
 * is up to twice the largest |logit|: a learner who shifts or exponentiates in float32 passes
 * them and must pass here. A softmax that forgets the shift gives NaN, a wrong axis O(1).
 */
const softmaxTolerance = (bound: number) => ({ rtol: 16 * FLOAT32_UNIT_ROUNDOFF * (1 + 2 * bound), atol: 1e-7 });

/**
 * x·W + b with up to 6 inputs in [-3, 3] and weights in [-1, 1] (one layer), or chains of
 * up to 3 layers of 5: the specs' own float32 tolerances for these sizes (denseTolerance,
 * chainTolerance), which a learner keeping sums in a Float32Array passes.
 */
const DENSE = float32Tolerance(7, 20);
const CHAIN = float32Tolerance(6, 200);

const NAMES: Api.ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

/** The same shape and the same numbers, to the bit: the README promises repeatable draws. */
const same = (a: NDArray | undefined, b: NDArray) =>
  a !== undefined && a.shape.join() === b.shape.join() && a.data.every((v, i) => v === b.data[i]);

/** Layer sizes [inputs, units0, units1, …] (1 to 3 layers), weights in [-1, 1] and a batch. */
function modelCase(r: JudgeRng) {
  const sizes = r.shape(r.int(2, 4), 1, 5);
  const layers = sizes.slice(1).map((units, i) => ({
    kernel: r.ndarray([sizes[i], units]),
    bias: r.ndarray([units]),
    activation: r.pick(NAMES),
  }));
  return { sizes, layers, x: r.ndarray([r.int(1, 4), sizes[0]]) };
}

/** The spec's model: Dense layers seeded 0, 1, …, built by Sequential's inputDim, then given the weights. */
function modelOf(api: typeof Api, { sizes, layers }: ReturnType<typeof modelCase>): Api.Sequential {
  const dense = layers.map(({ activation }, i) => new api.Dense(sizes[i + 1], { activation, seed: i }));
  const model = new api.Sequential(dense, { inputDim: sizes[0] });
  dense.forEach((layer, i) => {
    const { kernel, bias } = layers[i] as (typeof layers)[number];
    layer.setWeights([kernel, bias]);
  });
  return model;
}

/** What the spec reads in summary(): a row per layer, in order, with "(None, units)" and its count; the total. */
function summaryRows(text: string, sizes: readonly number[]) {
  const lines = text.split('\n');
  // a whole number, with or without thousands' commas (401920 or 401,920)
  const count = (n: number) => `${n.toLocaleString('en-US').replace(/,/g, ',?')}(?![\\d,])`;
  const params = sizes.slice(1).map((units, i) => sizes[i] * units + units);
  let at = -1;
  const rows = params.map((n, i) => {
    if (i > 0 && at < 0) return false;
    const row = (l: string) => l.includes(`(None, ${sizes[i + 1]})`) && new RegExp(`(^|[^\\d,])${count(n)}`).test(l);
    at = lines.findIndex((l, j) => j > at && row(l));
    return at >= 0;
  });
  const total = params.reduce((t, n) => t + n, 0);
  return { rows, total: new RegExp(`Total params: ${count(total)}`).test(text) };
}

/** Every entry within [lo, hi]; and over 1024 entries, some in the lowest and highest tenth, the mean mid-way. */
function spread(k: NDArray, lo: number, hi: number) {
  const values = Array.from(k.data);
  const [w, mean] = [hi - lo, values.reduce((s, v) => s + v, 0) / values.length];
  return {
    within: values.every((v) => v >= lo && v <= hi),
    // 0.9¹⁰²⁴ ≈ 1e-47; the mean's standard error is w/√12/32, so 0.1·w is 11 of them
    fills: values.length < 1024 || (Math.min(...values) < lo + 0.1 * w && Math.max(...values) > hi - 0.1 * w),
    centred: values.length < 1024 || Math.abs(mean - (lo + hi) / 2) < 0.1 * w,
  };
}

export default defineJudge<typeof Api>({
  module: 'dense.ts',
  cases: (c) => [
    c({
      name: 'the element-wise activations of random arrays, and tanh of huge values',
      step: 1,
      count: 5,
      input: (r) => {
        const far = r.ndarray([6], -1000, 1000);
        far.data.set([1000, -1000]);
        return { x: r.ndarray(r.shape(r.int(0, 3), 1, 4), -20, 20), far };
      },
      run: (api, { x, far }) => ({
        linear: api.linear(x),
        relu: api.relu(x),
        sigmoid: api.sigmoid(x),
        tanh: api.tanh(x),
        far: api.tanh(far),
        x,
      }),
    }),
    c({
      name: 'softmax of random logits up to ±10, and of a scalar',
      step: 2,
      count: 5,
      input: (r) => ({ x: r.ndarray(r.shape(r.int(1, 3), 1, 5), -10, 10), scalar: r.ndarray([]) }),
      run: (api, { x, scalar }) => ({ p: api.softmax(x), x, scalar: settle(() => api.softmax(scalar)) }),
      tolerance: softmaxTolerance(10),
    }),
    c({
      name: 'softmax of huge logits, and of the README’s rows',
      step: 2,
      count: 4,
      input: (r) => {
        const [wide, flat] = [r.ndarray([3]), r.ndarray([2])];
        wide.data.set([1000, 0, -1000]);
        flat.data.set([-1000, -1000]);
        return { x: r.ndarray(r.shape(r.int(1, 3), 1, 5), -1000, 1000), readme: [wide, flat] };
      },
      run: (api, { x, readme }) => ({ p: api.softmax(x), x, readme: readme.map((v) => api.softmax(v)) }),
      tolerance: softmaxTolerance(1000),
    }),
    c({
      name: 'getActivation by name, and an unknown name',
      step: 3,
      count: 3,
      input: (r) => r.ndarray(r.shape(r.int(1, 3), 1, 4), -10, 10),
      run: (api, x) => ({
        each: NAMES.map((name) => api.getActivation(name)(x)),
        unknown: settle(() => api.getActivation('gelu' as Api.ActivationName)),
      }),
      tolerance: softmaxTolerance(10),
    }),
    c({
      name: 'denseForward of random layers, and of shapes that do not fit',
      step: 3,
      count: 6,
      input: (r) => {
        const [batch, inputs, units] = [r.int(1, 5), r.int(1, 6), r.int(1, 6)];
        return {
          x: r.ndarray([batch, inputs], -3, 3),
          W: r.ndarray([inputs, units]),
          b: r.ndarray([units]),
          activation: r.pick(NAMES),
          taller: r.ndarray([inputs + 1, units]),
          longer: r.ndarray([units + 1]),
        };
      },
      run: (api, { x, W, b, activation, taller, longer }) => ({
        y: api.denseForward(x, W, b, activation),
        linear: api.denseForward(x, W, b),
        x,
        W,
        b,
        misfits: [
          settle(() => api.denseForward(x, taller, b)),
          settle(() => api.denseForward(x, W, longer)),
          settle(() => api.denseForward(b, W, b)),
          settle(() => api.denseForward(x, W, W)),
        ],
      }),
      tolerance: DENSE,
    }),
    c({
      name: 'glorotLimit of random fans, and a fan of 0',
      step: 4,
      count: 4,
      input: (r) => [r.int(1, 1000), r.int(1, 1000)] as const,
      run: (api, [i, o]) => [api.glorotLimit(i, o), api.glorotLimit(o, i), settle(() => api.glorotLimit(0, o))],
    }),
    c({
      name: 'initKernel: shapes, ranges, repeatable draws, and what it refuses',
      step: 4,
      count: 4,
      input: (r) => ({ fanIn: r.int(1, 8), fanOut: r.int(1, 8), seeds: [r.seed(), r.seed()] as const }),
      run: (api, { fanIn, fanOut, seeds: [s, t] }) => ({
        each: (['uniform', 'glorotUniform'] as const).map((init) => {
          const range = (i: number, o: number): [number, number] =>
            init === 'uniform' ? [0, 0.1] : [-api.glorotLimit(i, o), api.glorotLimit(i, o)];
          const draw = (rng = createRng(s)) => api.initKernel(init, fanIn, fanOut, rng);
          const k = draw();
          const shared = createRng(s);
          return {
            shape: k.shape,
            small: spread(k, ...range(fanIn, fanOut)),
            wide: spread(api.initKernel(init, 32, 32, createRng(t)), ...range(32, 32)),
            again: same(draw(), k),
            other: !same(draw(createRng(t)), k),
            // one generator, two draws: the first kernel again, then another
            shared: [same(draw(shared), k), !same(draw(shared), k)],
          };
        }),
        refused: [
          settle(() => api.initKernel('heNormal' as Api.KernelInitializer, fanIn, fanOut, createRng(s))),
          settle(() => api.initKernel('uniform', fanIn, 0, createRng(s))),
        ],
      }),
    }),
    c({
      name: 'Dense: defaults, seeded and shared draws, building on the first batch, and call',
      step: 5,
      count: 4,
      input: (r) => {
        const [units, inputDim] = [r.int(1, 6), r.int(1, 6)];
        return {
          units,
          inputDim,
          seed: r.seed(),
          activation: r.pick(NAMES),
          x: r.ndarray([r.int(1, 5), inputDim], -3, 3),
          kernel: r.ndarray([inputDim, units]),
          bias: r.ndarray([units]),
        };
      },
      run: (api, { units, inputDim, seed, activation, x, kernel, bias }) => {
        const glorot = (rng: ReturnType<typeof createRng>) => api.initKernel('glorotUniform', inputDim, units, rng);
        const layer = new api.Dense(units, { activation, inputDim, seed });
        const [k, b] = layer.weights;
        const book = new api.Dense(units, { inputDim, seed, kernelInitializer: 'uniform' });
        const rng = createRng(seed);
        const shared = [new api.Dense(units, { inputDim, rng }), new api.Dense(units, { inputDim, rng })];
        const replay = createRng(seed);
        const defaults = new api.Dense(units);
        const lazy = new api.Dense(units, { activation, seed });
        const before = lazy.weights.length;
        const lazyShape = lazy.call(x).shape;
        const built = lazy.weights.map((w) => w.clone());
        lazy.build(inputDim);
        layer.setWeights([kernel, bias]);
        return {
          fields: [layer.units, layer.activation, defaults.activation, defaults.kernelInitializer],
          shapes: [k?.shape, b?.shape],
          zeroBias: b?.data.every((v) => v === 0),
          seeded: same(k, glorot(createRng(seed))),
          book: same(book.weights[0], api.initKernel('uniform', inputDim, units, createRng(seed))),
          // two layers on one generator: its first draw, then its second
          shared: shared.map((l) => same(l.weights[0], glorot(replay))),
          lazy: {
            before,
            lazyShape,
            built: built.map((w) => w.shape),
            again: same(lazy.weights[0], built[0] as NDArray),
          },
          y: layer.call(x),
          weights: layer.weights,
          x,
        };
      },
      tolerance: DENSE,
    }),
    c({
      name: 'Dense: what setWeights and the constructor refuse',
      step: 5,
      count: 3,
      input: (r) => {
        const [units, inputDim] = [r.int(1, 6), r.int(1, 6)];
        const [kernel, bias] = [r.ndarray([inputDim, units]), r.ndarray([units])];
        return {
          units,
          inputDim,
          kernel,
          bias,
          taller: r.ndarray([inputDim + 1, units]),
          longer: r.ndarray([units + 1]),
        };
      },
      run: (api, { units, inputDim, kernel, bias, taller, longer }) => {
        const built = () => new api.Dense(units, { inputDim });
        return [
          settle(() => built().setWeights([taller, bias])),
          settle(() => built().setWeights([kernel, longer])),
          settle(() => built().setWeights([kernel])),
          settle(() => new api.Dense(units).setWeights([kernel, bias])),
          settle(() => new api.Dense(0)),
          settle(() => new api.Dense(units + 0.5)),
          settle(() => new api.Dense(units, { activation: 'gelu' as Api.ActivationName })),
        ];
      },
    }),
    c({
      name: 'Sequential: building, predict, weights and counts of random models',
      step: 6,
      count: 5,
      input: (r) => modelCase(r),
      run: (api, m) => {
        const model = modelOf(api, m);
        const [inputs, first, ...rest] = m.sizes as [number, number, ...number[]];
        const own = new api.Sequential([
          new api.Dense(first, { inputDim: inputs }),
          ...rest.map((u) => new api.Dense(u)),
        ]);
        return {
          y: model.predict(m.x),
          weights: model.weights,
          shapes: model.weightShapes(),
          count: model.countParams(),
          layers: model.layers.length,
          own: [own.weightShapes(), own.countParams()],
          x: m.x,
        };
      },
      tolerance: CHAIN,
    }),
    c({
      name: 'Sequential: summary rows and total of random models',
      step: 6,
      count: 3,
      input: (r) => r.shape(r.int(2, 4), 1, 60),
      run: (api, sizes) => {
        const [inputs, ...units] = sizes as [number, ...number[]];
        return summaryRows(
          new api.Sequential(
            units.map((u) => new api.Dense(u)),
            { inputDim: inputs },
          ).summary(),
          sizes,
        );
      },
    }),
    c({
      name: 'Sequential: layers that do not fit, no inputDim, no layers',
      step: 6,
      count: 3,
      input: (r) => [r.int(1, 6), r.int(1, 6), r.int(1, 6)] as const,
      run: (api, [inputs, hidden, units]) => [
        settle(
          () =>
            new api.Sequential([
              new api.Dense(hidden, { inputDim: inputs }),
              new api.Dense(units, { inputDim: hidden + 1 }),
            ]),
        ),
        settle(() => new api.Sequential([new api.Dense(hidden), new api.Dense(units)])),
        settle(() => new api.Sequential([])),
      ],
    }),
    c({
      name: 'argmax of random arrays with ties, and of no values',
      step: 7,
      count: 5,
      input: (r) => {
        const shape = r.shape(r.int(1, 3), 1, 5);
        const ties = r.ndarray(shape, 0, 4);
        ties.data.forEach((v, i) => {
          ties.data[i] = Math.floor(v);
        });
        return { ties, x: r.ndarray(shape), scalar: r.ndarray([]), empty: r.ndarray([r.int(1, 3), 0]) };
      },
      run: (api, { ties, x, scalar, empty }) => [
        api.argmax(ties),
        api.argmax(x),
        settle(() => api.argmax(scalar)),
        settle(() => api.argmax(empty)),
      ],
    }),
    c({
      name: 'predictClasses of random models',
      step: 7,
      count: 4,
      input: (r) => modelCase(r),
      run: (api, m) => api.predictClasses(modelOf(api, m), m.x),
    }),
  ],
});
