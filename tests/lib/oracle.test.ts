import { describe, expect, inject, it } from 'vitest';
import { NDArray } from '../../lib/ndarray.ts';
import {
  BACKENDS,
  chooseBackend,
  describeBackend,
  fromTensor,
  loadOracle,
  onBackend,
  plannedBackend,
  requestedBackend,
  runOracle,
  shimNodeUtil,
  shippedMatMul,
  smokeTest,
  type Tf,
  toTensor,
  transposeBeforeMatMul,
} from '../../lib/oracle.ts';

/** A TensorFlow.js that loads and then fails every op, as tfjs-node 4.22 does on Node 23+. */
const brokenTf = {
  tidy: (f: () => unknown) => f(),
  tensor2d: () => ({}),
  matMul: () => {
    throw new TypeError('(0 , util_1.isNullOrUndefined) is not a function');
  },
} as unknown as Tf;

describe('the TensorFlow.js oracle', () => {
  it('loads once, on a known backend, and says which', async () => {
    const oracle = await loadOracle();
    expect(BACKENDS).toContain(oracle.backend);
    expect(oracle.tf.getBackend()).toBe(oracle.backend === 'node' ? 'tensorflow' : oracle.backend);
    expect(oracle.description).toMatch(/^TensorFlow\.js 4\.22\.0 on the (node|wasm|cpu) backend$/);
    expect(await loadOracle()).toBe(oracle);
    expect(inject('oracleBackend')).toBe(oracle.backend);
  });

  it('plans the backend from the installed packages without loading TensorFlow.js, and the plan holds', async () => {
    const oracle = await loadOracle();
    // vitest's global setup announces the plan; the worker then really loads that backend
    if (!requestedBackend()) expect(plannedBackend()).toBe(oracle.backend);
    expect(plannedBackend({ KATA_TF_BACKEND: 'cpu' })).toBe('cpu');
    expect(describeBackend('wasm')).toBe('TensorFlow.js 4.22.0 on the wasm backend');
  });

  it('small checks run on cpu where the default would be wasm, and each loader puts its own backend back', async () => {
    const small = await loadOracle({ small: true });
    const expected = requestedBackend() || plannedBackend() !== 'wasm' ? plannedBackend() : 'cpu';
    expect(small.backend).toBe(expected);
    expect(small.description).toBe(describeBackend(expected));
    const big = await loadOracle();
    expect(big.tf).toBe(small.tf); // one TensorFlow.js, whose active backend is global
    expect(big.tf.getBackend()).toBe(big.backend === 'node' ? 'tensorflow' : big.backend);
    expect(await loadOracle({ small: true })).toBe(small);
    expect(small.tf.getBackend()).toBe(small.backend === 'node' ? 'tensorflow' : small.backend);
    expect(runOracle(small, (tf, x) => tf.mul(x, x), NDArray.fromNested([1.5, -2]))).toBeAllClose([2.25, 4]);
    await loadOracle();
  });

  it('a lean small oracle is the same TensorFlow.js without its umbrella package: core at once, the other parts when reached', async () => {
    const lean = await loadOracle({ small: true, lean: true });
    const full = await loadOracle({ small: true });
    expect(lean.backend).toBe(full.backend);
    expect(lean.tf.getBackend()).toBe(full.tf.getBackend());
    // the umbrella's own functions: tfjs-core's first, then layers', converter's and data's
    for (const name of [
      'matMul',
      'tidy',
      'setBackend',
      'layers',
      'sequential',
      'initializers',
      'loadGraphModel',
    ] as const) {
      expect(lean.tf[name], name).toBe(full.tf[name]);
    }
    expect(lean.tf.data.array).toBe(full.tf.data.array);
    expect(lean.tf.version).toEqual(full.tf.version);
    expect('then' in lean.tf).toBe(false); // so that a promise resolves with it
    expect(runOracle(lean, (tf, x) => tf.mul(x, x), NDArray.fromNested([1.5, -2]))).toBeAllClose([2.25, 4]);
    await loadOracle();
  });

  it('on wasm, a matMul of transposed operands is a transpose, then a plain matMul: the same numbers, no tensor left', async () => {
    const oracle = await loadOracle();
    const { tf } = oracle;
    const shapes = [
      [[5, 3], [4, 5], true, true], // (5×3)ᵀ·(4×5)ᵀ → [3, 4]
      [[2, 6, 3], [6, 4], true, false], // a batch of 2, b broadcast
      [[2, 3, 4, 2], [3, 6, 2], false, true], // rank 4 by rank 3, b broadcast over the first axis
    ] as const;
    const inputs = shapes.map(([a, b], k) =>
      [a, b].map((s, j) => NDArray.randomNormal([...s], 0, 1, { seed: 10 * k + j })),
    );
    const products = (name: 'cpu' | 'wasm') =>
      onBackend(oracle, name, () =>
        shapes.map(([, , ta, tb], k) =>
          runOracle(oracle, (tf, a, b) => tf.matMul(a, b, ta, tb), ...(inputs[k] as NDArray[])),
        ),
      );
    const [onWasm, onCpu] = [await products('wasm'), await products('cpu')];
    onWasm.forEach((p, k) => {
      expect(p).toHaveShape((onCpu[k] as NDArray).shape);
      expect(p).toBeAllClose(onCpu[k] as NDArray, { rtol: 1e-5, atol: 1e-5, label: `shapes ${k}` });
    });
    expect(transposeBeforeMatMul(tf), 'the kernel is wrapped once per process').toBe(false);
    const before = tf.memory().numTensors;
    await onBackend(oracle, 'wasm', () =>
      tf.tidy(() => tf.matMul(tf.ones([4, 3]), tf.ones([5, 4]), true, true)).dispose(),
    );
    expect(tf.memory().numTensors).toBe(before);
    // the bench compares with TF.js as it ships: the wrapper comes off, and goes on again
    await onBackend(oracle, 'wasm', () => {
      const product = () => tf.tidy(() => tf.matMul(tf.range(0, 12).reshape([4, 3]), tf.ones([5, 4]), true, true));
      const wrapped = product();
      expect(shippedMatMul(tf), 'the wrapper was on').toBe(true);
      expect(shippedMatMul(tf), 'nothing left to undo').toBe(false);
      const shipped = product();
      expect(shipped.shape).toEqual([3, 5]);
      expect([...shipped.dataSync()]).toEqual([...wrapped.dataSync()]);
      expect(transposeBeforeMatMul(tf), 'wrapped again').toBe(true);
      tf.dispose([wrapped, shipped]);
    });
  });

  it('KATA_TF_BACKEND picks a backend; anything else is a clear error', () => {
    expect(requestedBackend({})).toBeNull();
    expect(requestedBackend({ KATA_TF_BACKEND: 'auto' })).toBeNull();
    expect(requestedBackend({ KATA_TF_BACKEND: 'WASM' })).toBe('wasm');
    expect(() => requestedBackend({ KATA_TF_BACKEND: 'gpu' })).toThrow(
      'KATA_TF_BACKEND=gpu is not a backend: use one of node, wasm, cpu',
    );
  });

  it('converts NDArray ⇄ tf.Tensor keeping shape and float32 values', async () => {
    const { tf } = await loadOracle();
    const x = NDArray.fromNested([
      [1, 2, 3],
      [4, 5, 6.5],
    ]);
    const t = toTensor(tf, x);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    const back = fromTensor(t);
    t.dispose();
    expect(back).toHaveShape([2, 3]);
    expect(back.dtype).toBe('float32');
    expect(back).toBeAllClose(x, { rtol: 0, atol: 0 });
  });

  it('runOracle computes with TensorFlow.js and frees every tensor it made', async () => {
    const oracle = await loadOracle();
    const before = oracle.tf.memory().numTensors;
    const a = NDArray.fromNested([
      [1, 2],
      [3, 4],
    ]);
    const y = runOracle(oracle, (tf, p, q) => tf.matMul(p as never, q as never), a, a);
    expect(y).toBeAllClose([
      [7, 10],
      [15, 22],
    ]);
    expect(oracle.tf.memory().numTensors).toBe(before);
  });

  it('puts back what tfjs-node 4.22 needs from node:util where Node 23+ removed it, and nothing else', () => {
    const removed: Record<string, unknown> = { isArray: () => 'deprecated' }; // Node 24's util
    expect(shimNodeUtil(removed)).toEqual(['isNullOrUndefined', 'isArray']);
    const isNullOrUndefined = removed.isNullOrUndefined as (v: unknown) => boolean;
    expect([null, undefined, 0, '', false, Number.NaN].map(isNullOrUndefined)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(removed.isArray).toBe(Array.isArray);
    const own = () => false;
    const present: Record<string, unknown> = { isNullOrUndefined: own, isArray: Array.isArray }; // Node 20's, once shimmed
    expect(shimNodeUtil(present)).toEqual([]);
    expect(present.isNullOrUndefined).toBe(own);
  });

  it('a backend that loads but fails its smoke test is passed over, with one line saying why', async () => {
    const { tf } = await loadOracle();
    expect(() => smokeTest(tf)).not.toThrow();
    expect(() => smokeTest(brokenTf)).toThrow('(0 , util_1.isNullOrUndefined) is not a function');
    const wrong = { ...brokenTf, matMul: () => ({ dataSync: () => new Float32Array([1, 2, 3, 4]) }) } as unknown as Tf;
    expect(() => smokeTest(wrong)).toThrow(
      'tf.matMul([[1,2],[3,4]], [[5,6],[7,8]]) gave [1, 2, 3, 4], not [19, 22, 43, 50]',
    );

    const loaded: string[] = [];
    const load = async (name: string) => {
      loaded.push(name);
      if (name === 'node') return brokenTf;
      if (name === 'wasm') throw new Error('no wasm here');
      return tf;
    };
    const wrongFirst = await chooseBackend(
      ['node', 'cpu'],
      async (n) => (n === 'node' ? wrong : tf),
      () => true,
    );
    expect(wrongFirst.passedOver).toEqual([
      'node: it loaded but failed its smoke test: tf.matMul([[1,2],[3,4]], [[5,6],[7,8]]) gave [1, 2, 3, 4], not [19, 22, 43, 50]',
    ]);
    const choice = await chooseBackend(['node', 'wasm', 'cpu'], load, () => true);
    expect(loaded).toEqual(['node', 'wasm', 'cpu']);
    expect(choice.backend).toBe('cpu');
    expect(choice.tf).toBe(tf);
    expect(choice.passedOver).toEqual([
      'node: it loaded but failed its smoke test: (0 , util_1.isNullOrUndefined) is not a function',
      'wasm: @tensorflow/tfjs-backend-wasm failed to initialise (no wasm here)',
    ]);
    // Nothing left: every reason, one per line.
    await expect(chooseBackend(['node'], load, () => false)).rejects.toThrow(
      'node: it loaded but failed its smoke test: (0 , util_1.isNullOrUndefined) is not a function',
    );
  });

  it("the cpu backend's advert for tfjs-node, printed on its first tensor (the smoke test's), never reaches the learner", async () => {
    const { tf } = await loadOracle();
    // a TensorFlow.js whose first tensor prints the advert, as tfjs-backend-cpu 4.22 does
    const advertising = {
      ...tf,
      tensor2d: (...args: Parameters<Tf['tensor2d']>) => {
        console.warn(
          '\n====\nHi, looks like you are running TensorFlow.js in Node.js. … visit https://github.com/tensorflow/tfjs-node\n====',
        );
        return tf.tensor2d(...args);
      },
    } as Tf;
    const warn = console.warn;
    const printed: unknown[][] = [];
    console.warn = (...args: unknown[]) => printed.push(args);
    try {
      const choice = await chooseBackend(
        ['cpu'],
        async () => advertising,
        () => true,
      );
      expect(choice.tf).toBe(advertising);
      console.warn('after the choice');
    } finally {
      console.warn = warn;
    }
    expect(printed).toEqual([['after the choice']]);
  });
});
