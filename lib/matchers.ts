/**
 * Vitest matchers for arrays and the kata's errors. Registered for every spec by lib/setup.ts.
 *
 *   expect(y).toHaveShape([2, 3]);
 *   expect(y).toBeAllClose([[1, 2, 3], [4, 5, 6]], { rtol: 1e-6 });
 *   expect(() => matmul(a, b)).toThrowKind(ShapeError, /inner dimensions 3 and 4/);
 *
 * toHaveShape wants an NDArray (or a tensor: anything with a shape); toBeAllClose checks the
 * kind of value first (an expected NDArray or typed array wants the same kind back), then the
 * shape, then values with |a − e| ≤ atol + rtol·|e|. A wrong kind fails with both kinds named
 * ("expected an NDArray, received a nested array (number[][])"), never a TypeError.
 * toThrowKind checks the message first, so that an unfinished function shows its TODO error,
 * then the error's class (a plain Error is told which of lib/errors.ts' classes to throw).
 */

import { expect } from 'vitest';
import { type ArrayInput, compareArrays, kindOf } from './compare.ts';
import { runSeed } from './rng.ts';
import { formatShape, shapesEqual } from './shape.ts';
import { DEFAULT_TOLERANCE, type Tolerance } from './tolerance.ts';

export interface AllCloseOptions extends Partial<Tolerance> {
  /** Names the value in the message, e.g. 'matmul(a, b)'. */
  label?: string;
}

function shapeOf(x: unknown): readonly number[] | null {
  if (x !== null && typeof x === 'object' && 'shape' in x && Array.isArray((x as { shape: unknown }).shape)) {
    return (x as { shape: number[] }).shape;
  }
  return null;
}

export const arrayMatchers = {
  toHaveShape(received: unknown, shape: readonly number[]) {
    const actual = shapeOf(received);
    if (!actual) {
      return {
        pass: false,
        message: () => `expected an NDArray of shape ${formatShape(shape)}, received ${kindOf(received)}`,
      };
    }
    const pass = shapesEqual(actual, shape);
    return {
      pass,
      message: () =>
        pass
          ? `expected shape not to be ${formatShape(shape)}`
          : `shape mismatch: expected ${formatShape(shape)}, received ${formatShape(actual)}` +
            (actual.length !== shape.length ? ` (rank ${shape.length} expected, rank ${actual.length} received)` : '') +
            `\n(seed: KATA_SEED=${runSeed()})`,
      actual: formatShape(actual),
      expected: formatShape(shape),
    };
  },

  toBeAllClose(received: unknown, expected: unknown, options: AllCloseOptions = {}) {
    const tol: Tolerance = {
      rtol: options.rtol ?? DEFAULT_TOLERANCE.rtol,
      atol: options.atol ?? DEFAULT_TOLERANCE.atol,
    };
    const result = compareArrays(received as ArrayInput, expected as ArrayInput, tol, options.label);
    return { pass: result.pass, message: () => result.message };
  },

  toThrowKind(received: unknown, kind: ErrorClass, pattern: RegExp, what = 'the call') {
    if (typeof received !== 'function') {
      return { pass: false, message: () => `toThrowKind needs a function to call, got ${typeof received}` };
    }
    let thrown: unknown;
    let threw = false;
    let returned: unknown;
    try {
      returned = received();
    } catch (e) {
      thrown = e;
      threw = true;
    }
    const name = withArticle(kind.name);
    if (!threw)
      return {
        pass: false,
        message: () =>
          `${what} should throw ${name} matching ${pattern}, but it threw nothing: it returned ${kindOf(returned)}`,
      };
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    if (!pattern.test(message)) {
      return { pass: false, message: () => `${what} threw\n  ${message}\nbut the message should match\n  ${pattern}` };
    }
    if (!(thrown instanceof kind)) {
      const got = thrown instanceof Error ? thrown.name : typeof thrown;
      return { pass: false, message: () => `${what} threw ${withArticle(got)}; throw ${name} (lib/errors.ts) instead` };
    }
    return {
      pass: true,
      message: () => `${what} should not throw ${name} matching ${pattern}, but it did: ${message}`,
    };
  },
};

const withArticle = (noun: string) => `${/^[AEIOU]/i.test(noun) ? 'an' : 'a'} ${noun}`;

// biome-ignore lint/suspicious/noExplicitAny: any error class (ShapeError, ArgumentError, …)
type ErrorClass = abstract new (...args: any[]) => Error;

interface ArrayMatchers<R = unknown> {
  /** An NDArray (or tf.Tensor, anything with a shape) of exactly this shape. */
  toHaveShape(shape: readonly number[]): R;
  /** Same shape, and every element within atol + rtol·|expected|. */
  toBeAllClose(expected: unknown, options?: AllCloseOptions): R;
  /** The function throws a `kind` whose message matches `pattern`; `what` names the call in a failure. */
  toThrowKind(kind: ErrorClass, pattern: RegExp, what?: string): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: vitest's own declaration uses `any`.
  interface Matchers<T = any> extends ArrayMatchers<T> {}
}

export function registerMatchers(): void {
  expect.extend(arrayMatchers);
}
