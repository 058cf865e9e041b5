/**
 * The judge: a second witness, besides the specs, for grades that count.
 *
 * Code that runs in the same process as the assertions can always subvert them (patch
 * `expect`, report a pass over Vitest's channel). So when `npm run grade` grades an exercise,
 * a judge also calls the learner's exported functions on inputs drawn from a secret seed,
 * inside the sandbox, and sends back only what they returned or threw. The grader compares
 * that, in its own process, with what the reference solution returns for the same inputs.
 * A judge file lists cases, each tied to the README step it witnesses:
 *
 *   // grading/judges/03-matmul.ts
 *   import { defineJudge } from '../judge/api.ts';
 *   import type * as Api from '../../exercises/03-matmul/matmul.ts';
 *
 *   export default defineJudge<typeof Api>({
 *     module: 'matmul.ts',
 *     cases: (c) => [
 *       c({
 *         name: 'matmul of random shapes',
 *         step: 3,
 *         input: (r) => { const [m, k, n] = [r.int(1, 5), r.int(1, 5), r.int(1, 5)]; return [r.ndarray([m, k]), r.ndarray([k, n])] as const; },
 *         run: (api, [a, b]) => api.matmul(a, b),
 *       }),
 *     ],
 *   });
 *
 * (`c` only lets TypeScript carry each case's input type from `input` to `run`.)
 *
 * `input` runs in the grader (the seed never enters the sandbox); `run` runs twice: inside the
 * sandbox against the learner's module, and in the grader against the reference solution.
 * What `run` returns (or throws) is compared: NDArrays by shape, then values within the
 * tolerance; numbers within the tolerance (NaN equals NaN); arrays, typed arrays (of the same
 * kind) and objects element by element; a thrown error by its kind (ShapeError, ArgumentError,
 * TypeError, RangeError, Error) only. Instructors write hidden judge cases the same way.
 *
 * This file is loaded on both sides, so it holds only plain code: no Vitest, no TensorFlow.js.
 */
import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import { NDArray, type Nested } from '../../lib/ndarray.ts';
import { createRng } from '../../lib/rng.ts';

/** The random source of `input`: seeded by the grader with a secret per run. */
export interface JudgeRng {
  /** an integer in [lo, hi] (both ends included) */
  int(lo: number, hi: number): number;
  /** uniform in [lo, hi) */
  float(lo?: number, hi?: number): number;
  normal(mean?: number, std?: number): number;
  bool(): boolean;
  pick<T>(xs: readonly T[]): T;
  /** a shape of `rank` axes, each of size lo..hi */
  shape(rank: number, lo?: number, hi?: number): number[];
  /** nested arrays of uniform values in [lo, hi) */
  nested(shape: readonly number[], lo?: number, hi?: number): Nested;
  /** an NDArray (float64) of uniform values in [lo, hi) */
  ndarray(shape: readonly number[], lo?: number, hi?: number): NDArray;
  /** an integer seed for functions that take one */
  seed(): number;
}

export interface JudgeCase<Api, In = unknown> {
  /** unique within the judge; reports quote it */
  name: string;
  /** the README step this case witnesses: that step's specs score only while the judge agrees */
  step: number;
  /** inputs drawn per run (default 4) */
  count?: number;
  input: (rng: JudgeRng, index: number) => In;
  run: (api: Api, input: In) => unknown;
  /** default { rtol: 1e-6, atol: 1e-9 }: both sides compute in float64, perhaps in another order */
  tolerance?: Tolerance;
}

// biome-ignore lint/suspicious/noExplicitAny: each case has its own input type
type AnyCase<Api> = JudgeCase<Api, any>;

export interface Judge<Api> {
  /** the exercise's file the cases call, as in its folder: 'matmul.ts' */
  module: string;
  cases: AnyCase<Api>[];
}

/** Makes one case; it exists so that TypeScript infers the case's input type. */
export type CaseMaker<Api> = <In>(c: JudgeCase<Api, In>) => JudgeCase<Api, In>;

export interface Tolerance {
  rtol: number;
  atol: number;
}

export const DEFAULT_JUDGE_TOLERANCE: Tolerance = { rtol: 1e-6, atol: 1e-9 };
export const DEFAULT_COUNT = 4;

/** Declares a judge; `Api` is the exercise module's type, so `run` is type-checked. */
export function defineJudge<Api>(spec: { module: string; cases: (c: CaseMaker<Api>) => AnyCase<Api>[] }): Judge<Api> {
  return { module: spec.module, cases: spec.cases((c) => c) };
}

/**
 * The value `fn` returns, or `{ thrown: kind }` if it throws: for a case that checks several
 * calls, some of which must fail (the error's kind is compared, as for a case that throws).
 */
export function settle<T>(fn: () => T): T | { thrown: string } {
  try {
    return fn();
  } catch (e) {
    return { thrown: errorKind(e) };
  }
}

/** The kind of error `fn` throws (compared with the reference's), or false if it returns. */
export const threw = (fn: () => unknown): string | false => settle(() => void fn())?.thrown ?? false;

/**
 * settle(fn), with either of the kata's errors as 'refused': for the checks where the judge
 * asks only that a call be refused (the specs check the class).
 */
export function refused(fn: () => unknown): unknown {
  const out = settle(fn) as { thrown?: string } | undefined;
  return out?.thrown === 'ShapeError' || out?.thrown === 'ArgumentError' ? 'refused' : out;
}

/** The generator of one case's inputs: the run's secret seed mixed with the case's name. */
export function judgeRng(seed: number, caseName: string): JudgeRng {
  let h = 2166136261;
  for (const ch of caseName) h = Math.imul(h ^ (ch.codePointAt(0) as number), 16777619) >>> 0;
  const rng = createRng((seed ^ h) >>> 0);
  const self: JudgeRng = {
    int: (lo, hi) => lo + Math.floor(rng.next() * (hi - lo + 1)),
    float: (lo = -1, hi = 1) => rng.uniform(lo, hi),
    normal: (mean = 0, std = 1) => rng.normal(mean, std),
    bool: () => rng.next() < 0.5,
    pick: (xs) => xs[Math.floor(rng.next() * xs.length)] as (typeof xs)[number],
    shape: (rank, lo = 1, hi = 4) => Array.from({ length: rank }, () => self.int(lo, hi)),
    nested: (shape, lo = -1, hi = 1) => {
      const build = (axis: number): Nested =>
        axis === shape.length ? rng.uniform(lo, hi) : Array.from({ length: shape[axis] }, () => build(axis + 1));
      return build(0);
    },
    ndarray: (shape, lo = -1, hi = 1) => {
      const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < data.length; i++) data[i] = rng.uniform(lo, hi);
      return new NDArray(data, shape);
    },
    seed: () => Math.floor(rng.next() * 2 ** 31),
  };
  return self;
}

// ── the codec: values as JSON, both ways ─────────────────────────────────────────────────

/** JSON that stands for a value; objects are always tagged, so no learner data looks like a tag. */
export type Encoded =
  | number
  | string
  | boolean
  | null
  | Encoded[]
  | { $n: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { $u: 1 }
  | { $nd: { shape: number[]; dtype: string; data: Encoded[] } }
  | { $t: string; v: Encoded[] }
  | { $o: Record<string, Encoded> }
  | { $map: [Encoded, Encoded][] }
  | { $set: Encoded[] }
  | { $fn: string }
  | { $err: { kind: string; message: string } }
  | { $thrown: { kind: string; message: string } }
  | { $big: string }
  | { $cut: string };

const LIMIT = { depth: 24, numbers: 4_000_000, string: 10_000 };
const TYPED = [Float64Array, Float32Array, Int32Array, Int16Array, Int8Array, Uint32Array, Uint16Array, Uint8Array];

function num(x: number): Encoded {
  if (Number.isNaN(x)) return { $n: 'NaN' };
  if (x === Number.POSITIVE_INFINITY) return { $n: 'Infinity' };
  if (x === Number.NEGATIVE_INFINITY) return { $n: '-Infinity' };
  if (Object.is(x, -0)) return { $n: '-0' };
  return x;
}

/** The kind of an error as reports name it: one of the kata's classes, a built-in, or Error. */
export function errorKind(e: unknown): string {
  if (e instanceof ShapeError) return 'ShapeError';
  if (e instanceof ArgumentError) return 'ArgumentError';
  if (e instanceof TypeError) return 'TypeError';
  if (e instanceof RangeError) return 'RangeError';
  if (e instanceof Error) return 'Error';
  return typeof e;
}

function looksLikeNDArray(x: object): x is { shape: readonly number[]; data: ArrayLike<number> } {
  const o = x as { shape?: unknown; data?: unknown };
  return (
    Array.isArray(o.shape) &&
    o.shape.every((d) => Number.isInteger(d) && d >= 0) &&
    (ArrayBuffer.isView(o.data) || Array.isArray(o.data))
  );
}

/** A value as JSON. Never throws: what cannot be encoded says why in a `$cut`. */
export function encode(value: unknown): Encoded {
  let numbers = 0;
  const seen = new Set<object>();
  const go = (v: unknown, depth: number): Encoded => {
    if (depth > LIMIT.depth) return { $cut: `nested deeper than ${LIMIT.depth}` };
    if (typeof v === 'number') return num(v);
    if (typeof v === 'string') return v.length > LIMIT.string ? { $cut: `a string of ${v.length} characters` } : v;
    if (typeof v === 'boolean' || v === null) return v;
    if (v === undefined) return { $u: 1 };
    if (typeof v === 'bigint') return { $big: String(v) };
    if (typeof v === 'function') return { $fn: v.name || 'anonymous' };
    if (typeof v !== 'object') return { $cut: `a ${typeof v}` };
    if (seen.has(v)) return { $cut: 'a cycle' };
    seen.add(v);
    try {
      const count = (n: number) => {
        numbers += n;
        if (numbers > LIMIT.numbers) throw new Error(`more than ${LIMIT.numbers} numbers`);
      };
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        const arr = v as unknown as ArrayLike<number>;
        count(arr.length);
        return { $t: v.constructor.name, v: Array.from(arr, (x) => num(Number(x))) };
      }
      if (v instanceof Error) return { $err: { kind: errorKind(v), message: String(v.message).slice(0, 500) } };
      if (Array.isArray(v)) {
        count(v.length);
        return v.map((x) => go(x, depth + 1));
      }
      if (v instanceof Map) return { $map: [...v].map(([k, x]) => [go(k, depth + 1), go(x, depth + 1)]) };
      if (v instanceof Set) return { $set: [...v].map((x) => go(x, depth + 1)) };
      if (looksLikeNDArray(v)) {
        count(v.data.length);
        const dtype = v.data instanceof Float32Array ? 'float32' : v.data instanceof Float64Array ? 'float64' : 'other';
        return { $nd: { shape: [...v.shape], dtype, data: Array.from(v.data, (x) => num(Number(x))) } };
      }
      const out: Record<string, Encoded> = {};
      for (const k of Object.keys(v).sort()) out[k] = go((v as Record<string, unknown>)[k], depth + 1);
      return { $o: out };
    } catch (e) {
      return { $cut: (e as Error).message };
    } finally {
      seen.delete(v);
    }
  };
  return go(value, 0);
}

/** What running a case produced: its value, or what it threw. */
export function encodeThrown(e: unknown): Encoded {
  return {
    $thrown: { kind: errorKind(e), message: (e instanceof Error ? e.message : String(e)).slice(0, 500) },
  };
}

/** Rebuilds a value from JSON, with NDArrays and typed arrays as this side's classes. */
export function decode(x: Encoded): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map(decode);
  if ('$n' in x) return x.$n === '-0' ? -0 : Number(x.$n);
  if ('$u' in x) return undefined;
  if ('$nd' in x) {
    const data = x.$nd.dtype === 'float32' ? new Float32Array(x.$nd.data.length) : new Float64Array(x.$nd.data.length);
    x.$nd.data.forEach((d, i) => {
      data[i] = decode(d) as number;
    });
    return new NDArray(data, x.$nd.shape);
  }
  if ('$t' in x) {
    const Kind = TYPED.find((T) => T.name === x.$t) ?? Float64Array;
    return Kind.from(x.v.map((d) => decode(d) as number));
  }
  if ('$o' in x) return Object.fromEntries(Object.entries(x.$o).map(([k, v]) => [k, decode(v)]));
  if ('$map' in x) return new Map(x.$map.map(([k, v]) => [decode(k), decode(v)]));
  if ('$set' in x) return new Set(x.$set.map(decode));
  if ('$big' in x) return BigInt(x.$big);
  throw new Error(`judge: cannot decode ${JSON.stringify(x).slice(0, 80)}`);
}

// ── the comparison ───────────────────────────────────────────────────────────────────────

const isTag = (x: Encoded, tag: string): boolean =>
  x !== null && typeof x === 'object' && !Array.isArray(x) && tag in x;

/** A value in a few words, for a disagreement's message. */
export function describe(x: Encoded): string {
  if (typeof x === 'number') return String(x);
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (typeof x === 'boolean' || x === null) return String(x);
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if ('$n' in x) return x.$n;
  if ('$u' in x) return 'undefined';
  if ('$nd' in x) return `an NDArray [${x.$nd.shape.join(',')}]`;
  if ('$t' in x) return `a ${x.$t} of ${x.v.length}`;
  if ('$o' in x) return `an object {${Object.keys(x.$o).slice(0, 6).join(', ')}}`;
  if ('$map' in x) return `a Map of ${x.$map.length}`;
  if ('$set' in x) return `a Set of ${x.$set.length}`;
  if ('$fn' in x) return `a function ${x.$fn}`;
  if ('$err' in x) return `an ${x.$err.kind} object`;
  if ('$thrown' in x) return `${x.$thrown.kind}: ${x.$thrown.message.split('\n')[0]?.slice(0, 120)}`;
  if ('$big' in x) return `${x.$big}n`;
  return `(${x.$cut})`;
}

function asNumber(x: Encoded): number | null {
  if (typeof x === 'number') return x;
  if (isTag(x, '$n')) return decode(x) as number;
  return null;
}

function close(a: number, e: number, tol: Tolerance): boolean {
  if (Number.isNaN(e) || Number.isNaN(a)) return Number.isNaN(e) && Number.isNaN(a);
  if (!Number.isFinite(e) || !Number.isFinite(a)) return a === e;
  return Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
}

function unravel(i: number, shape: readonly number[]): number[] {
  const out: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const d = shape[axis];
    out.unshift(d === 0 ? 0 : i % d);
    i = d === 0 ? 0 : Math.floor(i / d);
  }
  return out;
}

function compareNumbers(e: Encoded[], a: Encoded[], tol: Tolerance, at: (i: number) => string): string | null {
  for (let i = 0; i < e.length; i++) {
    const x = asNumber(e[i] as Encoded);
    const y = asNumber(a[i] as Encoded);
    if (x === null || y === null || !close(y, x, tol)) {
      return `${at(i)}: expected ${describe(e[i] as Encoded)}, got ${describe(a[i] as Encoded)}`;
    }
  }
  return null;
}

/**
 * null when `actual` agrees with `expected` (the reference's), else where and how they first
 * differ: `[1][0,2]: expected 0.5, got 0.25`, `expected a ShapeError, got an NDArray [2,3]`.
 */
export function compare(
  expected: Encoded,
  actual: Encoded,
  tol: Tolerance = DEFAULT_JUDGE_TOLERANCE,
  at = '',
): string | null {
  const where = at || 'the result';
  const differ = () => `${where}: expected ${describe(expected)}, got ${describe(actual)}`;
  const en = asNumber(expected);
  if (en !== null) {
    const an = asNumber(actual);
    return an !== null && close(an, en, tol) ? null : differ();
  }
  if (expected === null || typeof expected !== 'object') return expected === actual ? null : differ();
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return differ();
    if (actual.length !== expected.length)
      return `${where}: expected ${expected.length} elements, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = compare(expected[i] as Encoded, actual[i] as Encoded, tol, `${at}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return differ();
  if ('$thrown' in expected) {
    if (!('$thrown' in actual))
      return `${where}: expected ${expected.$thrown.kind} to be thrown, got ${describe(actual)}`;
    return expected.$thrown.kind === actual.$thrown.kind
      ? null
      : `${where}: expected ${expected.$thrown.kind} to be thrown, got ${describe(actual)}`;
  }
  if ('$thrown' in actual) return `${where}: expected ${describe(expected)}, but it threw ${describe(actual)}`;
  if ('$nd' in expected) {
    if (!('$nd' in actual)) return differ();
    const [es, as] = [expected.$nd.shape, actual.$nd.shape];
    if (es.length !== as.length || es.some((d, i) => d !== as[i])) {
      return `${where}: expected shape [${es.join(',')}], got [${as.join(',')}]`;
    }
    return compareNumbers(expected.$nd.data, actual.$nd.data, tol, (i) => `${at}[${unravel(i, es).join(',')}]`);
  }
  if ('$t' in expected) {
    if (!('$t' in actual) || actual.$t !== expected.$t) return differ();
    if (actual.v.length !== expected.v.length)
      return `${where}: expected ${expected.v.length} elements, got ${actual.v.length}`;
    return compareNumbers(expected.v, actual.v, tol, (i) => `${at}[${i}]`);
  }
  if ('$o' in expected) {
    if (!('$o' in actual)) return differ();
    for (const k of Object.keys(expected.$o)) {
      if (!(k in actual.$o)) return `${where}: expected a property ${k}, it is missing`;
      const d = compare(expected.$o[k] as Encoded, actual.$o[k] as Encoded, tol, `${at}.${k}`);
      if (d) return d;
    }
    return null;
  }
  if ('$map' in expected || '$set' in expected) {
    return JSON.stringify(expected) === JSON.stringify(actual) ? null : differ();
  }
  if ('$err' in expected) {
    return '$err' in actual && actual.$err.kind === expected.$err.kind ? null : differ();
  }
  // $u, $fn, $big, $cut: the same tag and content
  return JSON.stringify(expected) === JSON.stringify(actual) ? null : differ();
}
