/**
 * Vitest matchers for arrays and the kata's errors. Registered for every spec by lib/setup.ts.
 *
 *   expect(y).toHaveShape([2, 3]);
 *   expect(y).toBeAllClose([[1, 2, 3], [4, 5, 6]], { rtol: 1e-6 });
 *   expect(() => matmul(a, b)).toThrowKind(ShapeError, /inner dimensions 3 and 4/);
 *   expect(() => add(X, y)).toLeaveUnchanged({ X, y });
 *
 * toHaveShape wants an NDArray (or a tensor: anything with a shape); toBeAllClose checks the
 * kind of value first (an expected NDArray or typed array wants the same kind back), then the
 * shape, then values with |a − e| ≤ atol + rtol·|e|. A wrong kind fails with both kinds named
 * ("expected an NDArray, received a nested array (number[][])"), never a TypeError.
 * toThrowKind checks the message first, so that an unfinished function shows its TODO error,
 * then the error's class (a plain Error is told which of lib/errors.ts' classes to throw).
 * toLeaveUnchanged names the input that changed, the index and both values; it then writes into
 * the NDArray the call returned, so a result that shares an input's memory is caught as well.
 */

import { expect } from 'vitest';
import { type ArrayInput, compareArrays, kindOf, unravelIndex } from './compare.ts';
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

  toLeaveUnchanged(received: unknown, inputs: Inputs, what = 'the call') {
    if (typeof received !== 'function') {
      return { pass: false, message: () => `toLeaveUnchanged needs a function to call, got ${typeof received}` };
    }
    const named = Object.entries(inputs).map(([key, x]) => ({
      name: Array.isArray(inputs) ? `input ${key}` : key,
      shape: shapeOf(x),
      values: valuesOf(x),
    }));
    const before = named.map((x) => Array.from(x.values));
    const result: unknown = received();
    let change = firstChange(named, before);
    if (change) return { pass: false, message: () => `${what} changed ${change}: leave its inputs as they are` };
    // NOTE: a result that is a view of an input passes the check above; writing into it shows it.
    const out = result !== null && typeof result === 'object' && 'data' in result ? (result as Values).data : result;
    if (ArrayBuffer.isView(out) && !(out instanceof DataView)) (out as Float64Array).fill(SENTINEL);
    change = firstChange(named, before);
    if (change) {
      return {
        pass: false,
        message: () =>
          `${what} returned an array that shares its input's memory: writing into it changed ${change}; return a new array`,
      };
    }
    return { pass: true, message: () => `${what} should change one of its inputs, but it left them all as they were` };
  },
};

/** What toLeaveUnchanged writes into a result; unlikely to be in the inputs already. */
const SENTINEL = -7.25;

type Values = { readonly data: ArrayLike<number> };
type Inputs = Readonly<Record<string, Values | ArrayLike<number>>> | readonly (Values | ArrayLike<number>)[];

const valuesOf = (x: Values | ArrayLike<number>): ArrayLike<number> => ('data' in x ? x.data : x);

const same = (a: number | undefined, b: number | undefined) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** "y at index 3 ([1,0]): 2 → -7" for the first element that differs from `before`, or null. */
function firstChange(
  inputs: readonly { name: string; shape: readonly number[] | null; values: ArrayLike<number> }[],
  before: readonly number[][],
): string | null {
  for (const [k, { name, shape, values }] of inputs.entries()) {
    const old = before[k] as number[];
    const n = Math.max(old.length, values.length);
    for (let i = 0; i < n; i++) {
      if (same(old[i], values[i])) continue;
      const at = shape && shape.length > 1 ? ` (${formatShape(unravelIndex(i, shape))})` : '';
      return `${name} at index ${i}${at}: ${old[i]} → ${values[i]}`;
    }
  }
  return null;
}

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
  /**
   * Calling the function changes none of `inputs` (NDArrays or arrays of numbers, by name), and
   * an NDArray it returns shares memory with none of them; `what` names the call in a failure.
   */
  toLeaveUnchanged(inputs: Inputs, what?: string): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: vitest's own declaration uses `any`.
  interface Matchers<T = any> extends ArrayMatchers<T> {}
}

export function registerMatchers(): void {
  expect.extend(arrayMatchers);
}
