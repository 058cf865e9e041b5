/**
 * The matrix kernels of lib/nn, on flat row-major Float32Arrays with preallocated outputs.
 * Plain loops in the order that suits JavaScript engines: the innermost loop walks
 * contiguous memory, four rows share each load of the other operand, and zero inputs
 * (most MNIST pixels, half of the relu outputs) are skipped, since they add nothing.
 *
 * Compare with the naive triple loop of exercise 03: same result, several times faster.
 */

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
      let s = bias ? (bias[j] as number) : 0;
      for (let p = 0; p < k; p++) s += (a[i * k + p] as number) * (bt[j * k + p] as number);
      out[i * n + j] = s;
    }
  }
}

/**
 * Sparse path: four rows of `a` at a time, each row of `b` loaded once for four rows of
 * `out`, and a column where all four rows are zero skipped (MNIST borders, dead relu units).
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
  for (let i = 0; i < m; i += 4) {
    const rows = Math.min(4, m - i);
    for (let r = 0; r < rows; r++) {
      if (bias) out.set(bias, (i + r) * n);
      else out.fill(0, (i + r) * n, (i + r + 1) * n);
    }
    const o0 = i * n;
    const o1 = o0 + n;
    const o2 = o1 + n;
    const o3 = o2 + n;
    for (let p = 0; p < k; p++) {
      const a0 = a[i * k + p] as number;
      const a1 = rows > 1 ? (a[(i + 1) * k + p] as number) : 0;
      const a2 = rows > 2 ? (a[(i + 2) * k + p] as number) : 0;
      const a3 = rows > 3 ? (a[(i + 3) * k + p] as number) : 0;
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      const bp = p * n;
      if (rows === 4) {
        for (let j = 0; j < n; j++) {
          const bv = b[bp + j] as number;
          out[o0 + j] += a0 * bv;
          out[o1 + j] += a1 * bv;
          out[o2 + j] += a2 * bv;
          out[o3 + j] += a3 * bv;
        }
      } else {
        const as = [a0, a1, a2];
        for (let r = 0; r < rows; r++) {
          const av = as[r] as number;
          const o = o0 + r * n;
          for (let j = 0; j < n; j++) out[o + j] += av * (b[bp + j] as number);
        }
      }
    }
  }
}

/**
 * out[k×n] = aᵀ · g, with a [m×k] and g [m×n]: the weight gradient xᵀ·dZ.
 * Four samples at a time, so each row of `out` is read and written once per four samples.
 */
export function matmulTransAInto(
  a: Float32Array,
  g: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  out.fill(0, 0, k * n);
  for (let i = 0; i < m; i += 4) {
    const rows = Math.min(4, m - i);
    const g0 = i * n;
    const g1 = g0 + n;
    const g2 = g1 + n;
    const g3 = g2 + n;
    for (let p = 0; p < k; p++) {
      const a0 = a[i * k + p] as number;
      const a1 = rows > 1 ? (a[(i + 1) * k + p] as number) : 0;
      const a2 = rows > 2 ? (a[(i + 2) * k + p] as number) : 0;
      const a3 = rows > 3 ? (a[(i + 3) * k + p] as number) : 0;
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      const op = p * n;
      if (rows === 4) {
        for (let j = 0; j < n; j++) {
          out[op + j] +=
            a0 * (g[g0 + j] as number) +
            a1 * (g[g1 + j] as number) +
            a2 * (g[g2 + j] as number) +
            a3 * (g[g3 + j] as number);
        }
      } else {
        const as = [a0, a1, a2];
        for (let r = 0; r < rows; r++) {
          const av = as[r] as number;
          const gr = g0 + r * n;
          for (let j = 0; j < n; j++) out[op + j] += av * (g[gr + j] as number);
        }
      }
    }
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
