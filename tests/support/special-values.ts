/**
 * Special float32 inputs, and a comparison that is exact about them, for the tests that hold
 * lib and the solutions to TensorFlow.js on NaN, ±Infinity, −0 and subnormals — on both of
 * TF.js' backends that run here (cpu and wasm). Where a backend differs from lib or a solution,
 * a NOTE in the code says so and says what that backend returns; expectAgrees holds the code to
 * the other backend there, and checks that the NOTE is still true.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { NDArray } from '../../lib/ndarray.ts';
import { loadOracle, onBackend, runOracle, type Tensor, type Tf } from '../../lib/oracle.ts';
import { formatShape } from '../../lib/shape.ts';
import { FLOAT32_UNIT_ROUNDOFF, type Tolerance } from '../../lib/tolerance.ts';

export const F32_MAX = 3.4028234663852886e38;
export const F32_MIN_NORMAL = 2 ** -126;
export const F32_MIN_SUBNORMAL = 2 ** -149;

/** Every value is exactly a float32, so TF.js sees the inputs lib sees. */
export const SPECIALS: ReadonlyArray<readonly [string, number]> = [
  ['NaN', Number.NaN],
  ['+Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['-0', -0],
  ['+0', 0],
  ['2^-149', F32_MIN_SUBNORMAL],
  ['-2^-149', -F32_MIN_SUBNORMAL],
  ['2^-126', F32_MIN_NORMAL],
  ['max float32', F32_MAX],
  ['-max float32', -F32_MAX],
  // e^89 overflows float32, e^−104 underflows it to 0, e^710 overflows float64 too
  ['89', 89],
  ['-89', -89],
  ['-104', -104],
  ['710', 710],
  ['1', 1],
  ['-1', -1],
];

const NAMES = SPECIALS.map(([name]) => name);
const VALUES = SPECIALS.map(([, v]) => v);

/** All the specials, as a float32 vector. */
export function specialVector(): NDArray {
  return NDArray.fromFlat(VALUES, [VALUES.length], 'float32');
}

/** Every ordered pair of specials as two float32 vectors a, b (a[i] ⊕ b[i]), and a name per pair. */
export function specialPairs(): { a: NDArray; b: NDArray; names: string[] } {
  const n = VALUES.length;
  const a = NDArray.zeros([n * n], 'float32');
  const b = NDArray.zeros([n * n], 'float32');
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      a.data[i * n + j] = VALUES[i];
      b.data[i * n + j] = VALUES[j];
      names.push(`(${NAMES[i]}, ${NAMES[j]})`);
    }
  }
  return { a, b, names };
}

/** The names of specialVector()'s elements. */
export const specialNames = (): string[] => [...NAMES];

/** What the special-value tests start from: the specials, their names, and every ordered pair of them. */
export function specialInputs(): { names: string[]; x: NDArray; pairs: ReturnType<typeof specialPairs> } {
  return { names: specialNames(), x: specialVector(), pairs: specialPairs() };
}

/** Rows of `rows` as a float32 matrix. */
export function f32Rows(rows: readonly (readonly number[])[]): NDArray {
  return NDArray.fromNested(rows as number[][], 'float32');
}

const N = Number.NaN;
const I = Number.POSITIVE_INFINITY;

/** Rows for softmax: NaN, ±Infinity, logits of ±1000, results that are subnormal in float32. */
export function softmaxRows(): NDArray {
  return f32Rows([
    [1, N, 3],
    [I, 0, 1],
    [-I, 0, 1],
    [-I, -I, 0],
    [-I, -I, -I],
    [1000, 0, -1000],
    [-1000, -1000, -1000],
    [F32_MAX, 0, -F32_MAX],
    [-0, 0, -0],
    [0, -90, -100], // e^-90 and e^-100 are subnormal in float32
    [89, 89, 0],
    [F32_MIN_SUBNORMAL, 0, -F32_MIN_SUBNORMAL],
  ]);
}

/**
 * a [5,3]·b [3,3] where a NaN and infinities of b meet zeros of a: row 0 has 0·Inf = NaN in
 * column 0 and 0·NaN in column 1, row 1 sums −0·x to +0, row 2 adds Inf and −Inf.
 */
export function specialMatrices(): { a: NDArray; b: NDArray } {
  const a = f32Rows([
    [0, 1, 2],
    [-0, -0, -0],
    [1, 1, 0],
    [F32_MIN_SUBNORMAL, 0, 0],
    [N, 0, 0],
  ]);
  const b = f32Rows([
    [I, 1, -1],
    [-I, N, 2],
    [2, 3, -0],
  ]);
  return { a, b };
}

/** [[max, max, −max]]·[[1], [1], [1]]: the float32 partial sum overflows, the float64 one does not. */
export function overflowingProduct(): [NDArray, NDArray] {
  return [f32Rows([[F32_MAX, F32_MAX, -F32_MAX]]), f32Rows([[1], [1], [1]])];
}

/**
 * Seeded pairs of matrices a [m,k], b [k,n] sprinkled with ±0, NaN and ±Infinity. The finite
 * cells are halves in [−4, 4], so products and sums are exact in float32 and float64 alike.
 */
export function sprinkledProducts(): fc.Arbitrary<[NDArray, NDArray]> {
  const cell = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -8, max: 8 }).map((v) => v / 2) },
    { weight: 3, arbitrary: fc.constantFrom(0, -0) },
    { weight: 1, arbitrary: fc.constantFrom(N, I, -I) },
  );
  const matrix = (r: number, c: number) =>
    fc.array(cell, { minLength: r * c, maxLength: r * c }).map((v) => NDArray.fromFlat(v, [r, c], 'float32'));
  const dims = fc.integer({ min: 1, max: 6 });
  return fc.tuple(dims, dims, dims).chain(([m, k, n]) => fc.tuple(matrix(m, k), matrix(k, n)));
}

/**
 * For comparing with TF.js' float32: `terms` roundings apart, and never more than one step of
 * the subnormal range (2^-149) absolutely, so that a subnormal flushed to 0 counts as a difference.
 */
export function specialTolerance(terms = 1): Tolerance {
  return { rtol: 16 * FLOAT32_UNIT_ROUNDOFF * Math.sqrt(terms), atol: F32_MIN_SUBNORMAL };
}

export function show(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** Equal as special values: both NaN, or the same number with the same sign of zero. */
function sameSpecial(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

export interface MismatchOptions {
  /** names element i in a message (default `[i]`) */
  label?: (i: number) => string;
  /** elements to leave out */
  skip?: (i: number) => boolean;
  /** compare the sign of zeros (default true); TF.js' own tests do not */
  signedZeros?: boolean;
}

/**
 * Element i of `actual` against `expected`: NaN exactly where expected has NaN, the same
 * infinities, the same sign where both are zero, other values within `tol`.
 * Returns one line per difference (empty when they agree).
 */
export function specialMismatches(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  { label = (i) => `[${i}]`, skip = () => false, signedZeros = true }: MismatchOptions = {},
): string[] {
  const out: string[] = [];
  if (actual.length !== expected.length) return [`${actual.length} elements, expected ${expected.length}`];
  for (let i = 0; i < expected.length; i++) {
    if (skip(i)) continue;
    const a = actual[i];
    const e = expected[i];
    const ok =
      Number.isNaN(e) || !Number.isFinite(e) || (signedZeros && a === 0 && e === 0)
        ? sameSpecial(a, e)
        : Number.isFinite(a) && Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
    if (!ok) out.push(`${label(i)}: expected ${show(e)}, received ${show(a)}`);
  }
  return out;
}

export const BACKENDS = ['cpu', 'wasm'] as const;
export type Backend = (typeof BACKENDS)[number];

/** What a backend returns at element i where, as a NOTE says, it differs from our value y there. */
export type Divergence = (i: number, y: number) => number | undefined;

/** One computation done by our code (`ours`) and by TF.js (`tf`) on the same float32 inputs. */
export interface Case {
  name: string;
  inputs: NDArray[];
  ours: (...xs: NDArray[]) => NDArray;
  tf: (tf: Tf, ...xs: Tensor[]) => Tensor;
  /** names element i in a failure */
  label?: (i: number) => string;
  /** float32 roundings in one result (a sum of n terms: n); 0 for exact */
  terms?: number;
  /** instead of specialTolerance(terms), where TF.js' float32 loses more (say why) */
  tol?: Tolerance;
  differs?: Partial<Record<Backend, Divergence>>;
}

export const isSubnormal = (y: number): boolean => y !== 0 && Math.abs(y) < F32_MIN_NORMAL;

/** TF.js' wasm backend returns 0 for subnormal results of sigmoid and softmax (lib's NOTEs). */
export const SUBNORMAL_FLUSHED_ON_WASM: Case['differs'] = { wasm: (_, y) => (isSubnormal(y) ? 0 : undefined) };

/**
 * A binary op of ours and TF.js' on every pair of specialPairs(), element i being pair i: the
 * inputs are the pairs themselves, or anything that lays them out in that order (a reshape,
 * a column broadcast against a row).
 */
export function pairCase(
  name: string,
  inputs: [NDArray, NDArray],
  ours: (a: NDArray, b: NDArray) => NDArray,
  tf: (tf: Tf, a: Tensor, b: Tensor) => Tensor,
  differs?: Case['differs'],
): Case {
  const { names } = specialPairs();
  return {
    name,
    inputs,
    ours: (a, b) => ours(a as NDArray, b as NDArray),
    tf: (t, a, b) => tf(t, a as Tensor, b as Tensor),
    label: (i) => names[i] as string,
    differs,
  };
}

/** wasm's std::max(a, b) and std::min(a, b) return a where b is NaN or both are zeros (the NOTEs at maximum). */
export const STD_MIN_MAX_ON_WASM: Divergence = (() => {
  const { a, b } = specialPairs();
  return (i) => (Number.isNaN(b.data[i]) || (a.data[i] === 0 && b.data[i] === 0) ? a.data[i] : undefined);
})();

/** A matrix product of ours on the special matrices, and on the documented float64 sums. */
export function productCases(name: string, ours: (a: NDArray, b: NDArray) => NDArray): Case[] {
  const { a, b } = specialMatrices();
  const tf = (t: Tf, p: Tensor, q: Tensor) => t.matMul(p, q);
  const base = { name, ours: (p: NDArray, q: NDArray) => ours(p, q), tf: tf as Case['tf'] };
  return [
    { ...base, inputs: [a, b], terms: 3 },
    // NOTE in lib/ops/matmul.ts: float64 sums; wasm's float32 partial sum overflows
    { ...base, inputs: overflowingProduct(), differs: { wasm: () => Number.POSITIVE_INFINITY } },
  ] as Case[];
}

/** Ours against TF.js on seeded matrices sprinkled with zeros, NaN and ±Infinity (exact: halves). */
export async function expectSprinkledProductsAgree(ours: (a: NDArray, b: NDArray) => NDArray): Promise<void> {
  await fc.assert(
    fc.asyncProperty(sprinkledProducts(), async ([a, b]) => {
      await expectAgrees({
        name: `matmul ${formatShape(a.shape)}·${formatShape(b.shape)}`,
        inputs: [a, b],
        ours: (p, q) => ours(p as NDArray, q as NDArray),
        tf: (t, p, q) => t.matMul(p as Tensor, q as Tensor),
        terms: 0,
      });
    }),
  );
}

/**
 * Ours against every backend: equal as special values, except where a NOTE documents the
 * backend's own value (checked within the same tolerance). Our result is rounded to float32
 * first, as TF.js rounds its own: a float64 solution's exp(89) is Infinity in float32 too.
 */
export async function expectAgrees(c: Case): Promise<void> {
  const oracle = await loadOracle();
  const ours = c.ours(...c.inputs);
  const actual = ours.dtype === 'float32' ? ours : ours.clone('float32');
  for (const backend of BACKENDS) {
    const expected = await onBackend(oracle, backend, () => runOracle(oracle, c.tf, ...c.inputs));
    expect(actual, `${c.name} on ${backend}`).toHaveShape(expected.shape);
    const documented = (i: number) => c.differs?.[backend]?.(i, actual.data[i]);
    const label = (i: number) => `${c.name} on ${backend} ${c.label?.(i) ?? `[${i}]`}`;
    const tol = c.tol ?? specialTolerance(c.terms);
    const skip = (i: number) => documented(i) !== undefined;
    expect(specialMismatches(actual.data, expected.data, tol, { label, skip })).toEqual([]);
    const notes = Array.from(expected.data, (_, i) => documented(i) ?? Number.NaN);
    const stale = (i: number) => `${label(i)}, documented in a NOTE`;
    expect(specialMismatches(expected.data, notes, tol, { label: stale, skip: (i) => !skip(i) })).toEqual([]);
  }
}

/** What the tests use of a tf.train optimizer. */
export interface TfOptimizer {
  applyGradients(grads: { name: string; tensor: Tensor }[]): void;
  dispose(): void;
}

/**
 * TF.js' side of a two-step run: w = 1 everywhere, one step with the gradient g, one with 1s;
 * both states of w, stacked [2, n].
 */
export function tfTwoSteps(make: (tf: Tf) => TfOptimizer): Case['tf'] {
  return (tf, g) => {
    const w = tf.variable(tf.onesLike(g as Tensor));
    const opt = make(tf);
    opt.applyGradients([{ name: w.name, tensor: g as Tensor }]);
    const after1 = w.clone();
    opt.applyGradients([{ name: w.name, tensor: tf.onesLike(g as Tensor) }]);
    const out = tf.stack([after1, w]);
    opt.dispose();
    w.dispose();
    return out;
  };
}

// For two-step runs with specialVector() as the first gradient: element i is w after step
// ⌊i / n⌋ + 1 for the gradient specialVector()[i % n]. Float64 updates differ from TF.js'
// float32 ones where an intermediate overflows float32 (NOTEs in lib/nn/optimizers.ts and at
// exercise 08's slotsLike).
const gradientAt = (i: number): number => VALUES[i % VALUES.length];

/** Where g² overflows float32, TF.js' state is Infinity at once and w stays at 1. */
export const SQUARE_OVERFLOWS: Divergence = (i) =>
  Number.isFinite(gradientAt(i)) && Math.fround(gradientAt(i) ** 2) === I ? 1 : undefined;

/** Where Nesterov's g + μ·a (μ = 0.9: 1.9·g at the first step) overflows, TF.js' w is ∓Infinity. */
export const NESTEROV_OVERFLOWS: Divergence = (i) =>
  Number.isFinite(gradientAt(i)) && !Number.isFinite(Math.fround(1.9 * gradientAt(i)))
    ? -Math.sign(gradientAt(i)) * I
    : undefined;
