/**
 * The matrix kernels of lib/nn, on flat row-major Float32Arrays with preallocated outputs.
 * Plain loops in the order that suits JavaScript engines: the innermost loop walks
 * contiguous memory, and zero inputs (most MNIST pixels, half of the relu outputs) are
 * skipped, since a zero row of a contributes nothing to a·b.
 *
 * Compare with the naive triple loop of exercise 03: same result, several times faster.
 */

/** out[m×n] = a[m×k] · b[k×n] (+ bias[n] on every row when given). */
export function matmulInto(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  bias?: Float32Array,
): void {
  for (let i = 0; i < m; i++) {
    const o = i * n;
    if (bias) out.set(bias, o);
    else out.fill(0, o, o + n);
    const ai = i * k;
    for (let p = 0; p < k; p++) {
      const av = a[ai + p] as number;
      if (av === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) out[o + j] += av * (b[bp + j] as number);
    }
  }
}

/** out[k×n] = aᵀ · g, with a [m×k] and g [m×n]: the weight gradient xᵀ·dZ. */
export function matmulTransAInto(
  a: Float32Array,
  g: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  out.fill(0, 0, k * n);
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    const gi = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[ai + p] as number;
      if (av === 0) continue;
      const op = p * n;
      for (let j = 0; j < n; j++) out[op + j] += av * (g[gi + j] as number);
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
