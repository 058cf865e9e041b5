/**
 * Compares two arrays element by element and explains the difference the way a learner
 * needs it: shapes first, then how many elements are off, the first bad index with both
 * values and the relative error, the worst one, and (for small arrays) both arrays side
 * by side with the wrong elements marked `>like this<`.
 */

import { formatArray } from './format.ts';
import { isNDArray, NDArray, type Nested } from './ndarray.ts';
import { runSeed } from './rng.ts';
import { formatShape, type Shape, shapesEqual, stridesOf } from './shape.ts';
import { DEFAULT_TOLERANCE, type Tolerance } from './tolerance.ts';

export type ArrayInput = NDArray | Nested | Float32Array | Float64Array;

export interface Mismatch {
  index: number[];
  expected: number;
  actual: number;
  absError: number;
  relError: number;
}

export interface Comparison {
  pass: boolean;
  message: string;
  badCount: number;
  total: number;
  first?: Mismatch;
  worst?: Mismatch;
}

/** Arrays up to this many elements are printed side by side in a failure. */
export const SIDE_BY_SIDE_LIMIT = 120;

/** Reads an NDArray, nested arrays, a number or a flat typed array (shape [n]). */
export function asNDArray(x: unknown, what: string): NDArray {
  if (isNDArray(x)) return x;
  if (x instanceof Float32Array || x instanceof Float64Array) return new NDArray(x, [x.length]);
  if (typeof x === 'number' || Array.isArray(x)) return NDArray.fromNested(x as Nested);
  throw new TypeError(`${what} must be an NDArray, a number or nested arrays of numbers, got ${kindOf(x)}`);
}

/** The element type of nested arrays, with a [] per level: 'number[][]', 'NDArray[]', 'unknown[]'. */
function arrayType(x: readonly unknown[]): string {
  const first = x[0];
  if (x.length === 0) return 'never[]';
  if (Array.isArray(first)) return `${arrayType(first)}[]`;
  const element = isNDArray(first) ? 'NDArray' : typeof first === 'number' ? 'number' : typeof first;
  return `${element}[]`;
}

/**
 * What kind of value `x` is, the way a failure names it: 'an NDArray', 'a number[]',
 * 'a nested array (number[][])', 'a Float32Array', 'a number', 'undefined', 'an object (Map)'.
 */
export function kindOf(x: unknown): string {
  if (isNDArray(x)) return 'an NDArray';
  if (Array.isArray(x)) {
    const type = arrayType(x);
    if (type === 'number[]') return 'a number[]';
    return type.endsWith('[][]') ? `a nested array (${type})` : `an array (${type})`;
  }
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') {
    const name = x.constructor?.name;
    return name && name !== 'Object' ? `an object (${name})` : 'a plain object';
  }
  return `a ${typeof x}`;
}

/**
 * Why `actual` is not the kind of value `expected` is, or null. An expected NDArray wants an
 * NDArray (or a number, for a scalar); an expected Float32Array or Float64Array wants the same
 * typed array. A plain number or nested-array literal says nothing of the kind: any array reads.
 */
export function kindMismatch(actual: unknown, expected: unknown): string | null {
  let wanted: string | null = null;
  if (isNDArray(expected)) {
    if (isNDArray(actual) || (typeof actual === 'number' && expected.rank === 0)) return null;
    wanted = 'an NDArray';
  } else if (expected instanceof Float32Array || expected instanceof Float64Array) {
    if (actual instanceof expected.constructor) return null;
    wanted = kindOf(expected);
  }
  return wanted && `expected ${wanted}, received ${kindOf(actual)}`;
}

/** `x` as an NDArray, or why it cannot be read as one (a failure message, never a throw). */
function readArray(x: unknown, what: 'received' | 'expected'): NDArray | string {
  try {
    return asNDArray(x, what);
  } catch (e) {
    if (!(e instanceof TypeError)) return `${what}: ${(e as Error).message}`;
    return what === 'received' ? `expected an NDArray, received ${kindOf(x)}` : `the expected value is ${kindOf(x)}`;
  }
}

export function unravelIndex(offset: number, shape: Shape): number[] {
  const strides = stridesOf(shape);
  return strides.map((s, i) => Math.floor(offset / s) % shape[i]);
}

function fmt(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(8)));
}

function isClose(a: number, e: number, tol: Tolerance): boolean {
  if (Number.isNaN(a) || Number.isNaN(e)) return Number.isNaN(a) && Number.isNaN(e);
  if (!Number.isFinite(e) || !Number.isFinite(a)) return a === e;
  return Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
}

function describe(m: Mismatch): string {
  const rel =
    m.expected === 0
      ? 'expected 0, so no relative error'
      : `rel error ${Number.isFinite(m.relError) ? m.relError.toPrecision(3) : String(m.relError)}`;
  return `at [${m.index.join(',')}]: expected ${fmt(m.expected)}, received ${fmt(m.actual)} (abs error ${m.absError.toPrecision(3)}, ${rel})`;
}

/** Puts two blocks of text next to each other under their titles. */
export function sideBySide(left: string, right: string, titles: [string, string]): string {
  const l = [titles[0], ...left.split('\n')];
  const r = [titles[1], ...right.split('\n')];
  const width = Math.max(...l.map((s) => s.length)) + 4;
  const rows = Math.max(l.length, r.length);
  const out: string[] = [];
  for (let i = 0; i < rows; i++) out.push(`${(l[i] ?? '').padEnd(width)}${r[i] ?? ''}`.trimEnd());
  return out.join('\n');
}

/** Element-wise comparison of `actual` with `expected` within `tol` (NumPy's allclose rule). */
export function compareArrays(
  actualIn: ArrayInput,
  expectedIn: ArrayInput,
  tol: Tolerance = DEFAULT_TOLERANCE,
  label = 'array',
): Comparison {
  const seedLine = `(seed: KATA_SEED=${runSeed()})`;
  const mismatch = kindMismatch(actualIn, expectedIn);
  const actual = mismatch ?? readArray(actualIn, 'received');
  const expected = readArray(expectedIn, 'expected');
  if (typeof actual === 'string' || typeof expected === 'string') {
    const why = typeof actual === 'string' ? actual : (expected as string);
    return { pass: false, badCount: 0, total: 0, message: `${label}: ${why}\n${seedLine}` };
  }
  if (!shapesEqual(actual.shape, expected.shape)) {
    const hints: string[] = [];
    if (actual.rank !== expected.rank) hints.push(`Ranks differ: ${expected.rank} expected, ${actual.rank} received.`);
    if (actual.size === expected.size) {
      hints.push(
        actual.rank === expected.rank
          ? `Both hold ${actual.size} elements: a reshape or transpose slip?`
          : `Both hold ${actual.size} elements: a missing or extra axis of size 1?`,
      );
    }
    const hint = hints.length > 0 ? `\n${hints.join(' ')}` : '';
    return {
      pass: false,
      badCount: Math.max(actual.size, expected.size),
      total: expected.size,
      message: `${label}: shape mismatch: expected ${formatShape(expected.shape)}, received ${formatShape(actual.shape)}${hint}\n${seedLine}`,
    };
  }
  const bad = new Set<number>();
  let first: Mismatch | undefined;
  let worst: Mismatch | undefined;
  for (let i = 0; i < expected.size; i++) {
    const a = actual.data[i];
    const e = expected.data[i];
    if (isClose(a, e, tol)) continue;
    bad.add(i);
    const absError = Math.abs(a - e);
    const m: Mismatch = {
      index: unravelIndex(i, expected.shape),
      expected: e,
      actual: a,
      absError,
      relError: e === 0 ? (absError === 0 ? 0 : Number.POSITIVE_INFINITY) : absError / Math.abs(e),
    };
    first ??= m;
    if (!worst || !(m.absError <= worst.absError)) worst = m;
  }
  const tolText = `rtol ${tol.rtol.toExponential(1)}, atol ${tol.atol.toExponential(1)}`;
  if (bad.size === 0) {
    return {
      pass: true,
      badCount: 0,
      total: expected.size,
      message: `${label}: expected ${formatShape(expected.shape)} arrays not to be close (${tolText}), but all ${expected.size} elements are`,
    };
  }
  const lines = [
    `${label} ${formatShape(expected.shape)}: ${bad.size} of ${expected.size} elements differ (${tolText})`,
    `first ${describe(first as Mismatch)}`,
  ];
  if (worst && first && worst.index.join(',') !== first.index.join(',')) lines.push(`worst ${describe(worst)}`);
  if (expected.size <= SIDE_BY_SIDE_LIMIT) {
    const e = formatArray(expected.data, expected.shape, { mark: bad });
    const a = formatArray(actual.data, actual.shape, { mark: bad });
    lines.push('', sideBySide(e, a, ['expected', 'received']));
  }
  lines.push(seedLine);
  return { pass: false, badCount: bad.size, total: expected.size, first, worst, message: lines.join('\n') };
}
