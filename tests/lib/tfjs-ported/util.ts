/**
 * What TF.js' own unit tests use, for the tests ported from them: their expectArraysClose, and
 * tensors made as tf.tensor makes them (float32, row-major). The expected values come from
 * tensorflow/tfjs at commit 0fc04d95 (June 2025); tfjs-core's ops and optimizers have not
 * changed since 4.22.0 but for typos in comments.
 */
import { expect } from 'vitest';
import { isNDArray, NDArray } from '../../../lib/ndarray.ts';
import { specialMismatches } from '../../support/special-values.ts';

/** TEST_EPSILON_FLOAT32 of tfjs-core/src/test_util.ts: the default of its expectArraysClose. */
export const TEST_EPSILON_FLOAT32 = 1e-3;

/**
 * tfjs-core's expectArraysClose: the same length, and |actual − expected| ≤ epsilon everywhere.
 * Stricter on special values: upstream lets any non-finite value match any other (a NaN passes
 * for Infinity); here NaN must meet NaN, and an infinity its own sign.
 */
export function expectArraysClose(
  actual: NDArray | ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  epsilon = TEST_EPSILON_FLOAT32,
): void {
  const flat = (x: NDArray | ArrayLike<number> | number) =>
    typeof x === 'number' ? [x] : isNDArray(x) ? Array.from(x.data) : Array.from(x);
  const mismatches = specialMismatches(
    flat(actual),
    flat(expected),
    { rtol: 0, atol: epsilon },
    { signedZeros: false },
  );
  expect(mismatches).toEqual([]);
}

/** tf.tensor(values, shape): float32; the shape defaults to [values.length]. */
export function tensor(values: ArrayLike<number>, shape: number[] = [values.length]): NDArray {
  return NDArray.fromFlat(values, shape, 'float32');
}

/** tf.range(start, stop): start, start + 1, …, stop − 1. */
export function range(start: number, stop: number): number[] {
  return Array.from({ length: stop - start }, (_, i) => start + i);
}
