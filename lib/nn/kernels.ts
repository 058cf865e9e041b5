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
 * Four rows of `a` at a time: each row of `b` is loaded once for four rows of `out`, and a
 * column where all four rows are zero is skipped (MNIST borders, dead relu units).
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
