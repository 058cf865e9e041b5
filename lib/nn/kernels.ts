/**
 * The matrix kernels of lib/nn, on flat row-major Float32Arrays with preallocated outputs.
 * Plain loops in the order that suits JavaScript engines: the innermost loop walks
 * contiguous memory, each load and store of an output serves four multiply-adds, and zero
 * inputs (most MNIST pixels, half of the relu outputs) are skipped, since they add nothing.
 *
 * Compare with the naive triple loop of exercise 03: same result, several times faster.
 *
 * Special values as in TF.js' matMul: a zero is skipped only against a finite row of the
 * other factor (0·Infinity and 0·NaN are NaN, so a NaN weight still reaches every output), and
 * the bias is added to the finished product, so a result is −0 only where TF.js' is.
 */
import { finiteRows } from '../ops/matmul.ts';

/**
 * out[m×n] = a[m×k] · b[k×n] (+ bias[n] on every row when given).
 * Sparse `a` (most MNIST pixels are 0) takes the row-sweep path that skips zeros; dense `a`
 * takes the 4×4 register-blocked path, which loads 8 numbers for every 16 multiply-adds.
 */
export function matmulInto(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  bias?: Float32Array,
): void {
  let zeros = 0;
  const total = m * k;
  for (let i = 0; i < total; i++) if (a[i] === 0) zeros++;
  if (zeros * 2 >= total) matmulSparseA(a, b, out, m, k, n, bias);
  else matmulBlocked(a, b, out, m, k, n, bias);
}

let scratch = new Float32Array(0);
/** A reusable buffer of at least `size` floats (grown, never shrunk). */
function scratchOf(size: number): Float32Array {
  if (scratch.length < size) scratch = new Float32Array(size);
  return scratch;
}

/** Dense path: bᵀ once, then each 4×4 tile of out as 16 dot products kept in registers. */
function matmulBlocked(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  bias?: Float32Array,
): void {
  const bt = scratchOf(k * n);
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bt[j * k + p] = b[p * n + j] as number;
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p] as number;
        const x1 = a[a1 + p] as number;
        const x2 = a[a2 + p] as number;
        const x3 = a[a3 + p] as number;
        const y0 = bt[b0 + p] as number;
        const y1 = bt[b1 + p] as number;
        const y2 = bt[b2 + p] as number;
        const y3 = bt[b3 + p] as number;
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3; // biome-ignore format: a 4×4 tile
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      const o0 = i * n + j;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      const d0 = bias ? (bias[j] as number) : 0;
      const d1 = bias ? (bias[j + 1] as number) : 0;
      const d2 = bias ? (bias[j + 2] as number) : 0;
      const d3 = bias ? (bias[j + 3] as number) : 0;
      out[o0] = c00 + d0;
      out[o0 + 1] = c01 + d1;
      out[o0 + 2] = c02 + d2;
      out[o0 + 3] = c03 + d3;
      out[o1] = c10 + d0;
      out[o1 + 1] = c11 + d1;
      out[o1 + 2] = c12 + d2;
      out[o1 + 3] = c13 + d3;
      out[o2] = c20 + d0;
      out[o2 + 1] = c21 + d1;
      out[o2 + 2] = c22 + d2;
      out[o2 + 3] = c23 + d3;
      out[o3] = c30 + d0;
      out[o3 + 1] = c31 + d1;
      out[o3 + 2] = c32 + d2;
      out[o3 + 3] = c33 + d3;
    }
  }
  // The edges that do not fill a 4×4 tile: plain dot products.
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? n4 : 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (a[i * k + p] as number) * (bt[j * k + p] as number);
      out[i * n + j] = s + (bias ? (bias[j] as number) : 0);
    }
  }
}

/** Reusable index/value buffers for one row (or column) of nonzeros. */
let nzIndex = new Int32Array(0);
let nzValue = new Float64Array(0);
function nonzeroBuffers(size: number): [Int32Array, Float64Array] {
  if (nzIndex.length < size) {
    nzIndex = new Int32Array(size);
    nzValue = new Float64Array(size);
  }
  return [nzIndex, nzValue];
}

/**
 * out[o..o+n) += Σ_q value[q] · b[index[q]..index[q]+n), four terms per pass over out, so
 * each element of out is loaded and stored once for every four rows of b.
 */
function accumulateRows(
  b: Float32Array,
  index: Int32Array,
  value: Float64Array,
  count: number,
  out: Float32Array,
  o: number,
  n: number,
): void {
  let q = 0;
  for (; q + 3 < count; q += 4) {
    const b0 = index[q] as number;
    const b1 = index[q + 1] as number;
    const b2 = index[q + 2] as number;
    const b3 = index[q + 3] as number;
    const v0 = value[q] as number;
    const v1 = value[q + 1] as number;
    const v2 = value[q + 2] as number;
    const v3 = value[q + 3] as number;
    for (let j = 0; j < n; j++) {
      out[o + j] +=
        v0 * (b[b0 + j] as number) +
        v1 * (b[b1 + j] as number) +
        v2 * (b[b2 + j] as number) +
        v3 * (b[b3 + j] as number);
    }
  }
  for (; q < count; q++) {
    const bp = index[q] as number;
    const v = value[q] as number;
    for (let j = 0; j < n; j++) out[o + j] += v * (b[bp + j] as number);
  }
}

/**
 * Sparse path: for each row of `a`, list its nonzeros (about 150 of 784 for an MNIST image)
 * and add up only those rows of `b`, four at a time (and the rows of `b` that are not finite).
 */
function matmulSparseA(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  bias?: Float32Array,
): void {
  const [index, value] = nonzeroBuffers(k);
  const finite = finiteRows(b, k, n);
  for (let i = 0; i < m; i++) {
    let count = 0;
    const ai = i * k;
    for (let p = 0; p < k; p++) {
      const v = a[ai + p] as number;
      if (v !== 0 || finite[p] === 0) {
        index[count] = p * n;
        value[count++] = v;
      }
    }
    const o = i * n;
    out.fill(0, o, o + n);
    accumulateRows(b, index, value, count, out, o, n);
    if (bias) for (let j = 0; j < n; j++) out[o + j] += bias[j] as number;
  }
}

/**
 * out[k×n] = aᵀ · g, with a [m×k] and g [m×n]: the weight gradient xᵀ·dZ.
 * Row p of out is Σ_i a[i,p] · g[i,:] over the samples whose a[i,p] is not 0 — a column of
 * `a`, gathered once, then the same four-at-a-time accumulation as the forward pass.
 */
export function matmulTransAInto(
  a: Float32Array,
  g: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  const [index, value] = nonzeroBuffers(m);
  const finite = finiteRows(g, m, n);
  for (let p = 0; p < k; p++) {
    let count = 0;
    for (let i = 0; i < m; i++) {
      const v = a[i * k + p] as number;
      if (v !== 0 || finite[i] === 0) {
        index[count] = i * n;
        value[count++] = v;
      }
    }
    const o = p * n;
    out.fill(0, o, o + n);
    accumulateRows(g, index, value, count, out, o, n);
  }
}

/** out[m×k] = g · bᵀ, with g [m×n] and b [k×n]: the input gradient dZ·Wᵀ. */
export function matmulTransBInto(
  g: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  n: number,
  k: number,
): void {
  for (let i = 0; i < m; i++) {
    const gi = i * n;
    for (let p = 0; p < k; p++) {
      const bp = p * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += (g[gi + j] as number) * (b[bp + j] as number);
      out[i * k + p] = s;
    }
  }
}

/** out[n] = Σ over the m rows of g[m×n]: the bias gradient. */
export function sumRowsInto(g: Float32Array, out: Float32Array, m: number, n: number): void {
  out.fill(0, 0, n);
  for (let i = 0; i < m; i++) {
    const gi = i * n;
    for (let j = 0; j < n; j++) out[j] += g[gi + j] as number;
  }
}
