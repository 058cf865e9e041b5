import { describe, expect, inject, it } from 'vitest';
import { NDArray } from '../../lib/ndarray.ts';
import {
  BACKENDS,
  describeBackend,
  fromTensor,
  loadOracle,
  plannedBackend,
  requestedBackend,
  runOracle,
  toTensor,
} from '../../lib/oracle.ts';

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
});
