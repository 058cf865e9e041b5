/**
 * Matrix products on flat row-major arrays, gl-matrix style: `out` first, then the inputs,
 * then the dimensions in the order m, k, n of out[m×n] = a[m×k] · b[k×n]. `out` must not
 * alias an input. Sums are kept in float64 and rounded once into `out`, as TF.js' cpu backend.
 *
 * Plain loops in the order that suits JavaScript engines: the innermost loop walks
 * contiguous memory, each load and store of an output serves four multiply-adds, and zero
 * inputs (most MNIST pixels, half of the relu outputs) are skipped, since they add nothing.
 * Special values as in TF.js' matMul: a zero is skipped only against a finite row of the
 * other factor (0·Infinity and 0·NaN are NaN), and a result is never −0.
 * NOTE: the buffers below are module scratch, grown on first use and reused: a kernel call
 * allocates nothing once warm, but two threads must not share a module instance (workers
 * each load their own).
 */
import { type Floats, nonzeroScratch, rowScratch, transposeScratch } from './scratch.ts';

/** out[m×n] = a[m×k] · b[k×n]: the sparse path when at least half of `a` is 0, else 4×4 tiles on bᵀ. */
export function matmul(out: Floats, a: Floats, b: Floats, m: number, k: number, n: number): void {
  let zeros = 0;
  const total = m * k;
  for (let i = 0; i < total; i++) if (a[i] === 0) zeros++;
  if (zeros * 2 >= total) sparseRows(out, a, b, m, k, n, k, 1);
  else tiles(out, a, transposeScratch(b, k, n), m, k, n);
}

/** out[m×n] = aᵀ · b with a stored [k×m], b [k×n]: the weight gradient xᵀ·dZ. */
export function matmulTransA(out: Floats, a: Floats, b: Floats, m: number, k: number, n: number): void {
  sparseRows(out, a, b, m, k, n, 1, m);
}

/**
 * out[m×n] = a · bᵀ with a [m×k], b stored [n×k]: the input gradient dZ·Wᵀ. Rows of a and
 * of b are both contiguous, which is what the 4×4 tiles want: b is used as it is.
 */
export function matmulTransB(out: Floats, a: Floats, b: Floats, m: number, k: number, n: number): void {
  tiles(out, a, b, m, k, n);
}

/**
 * 1 in `out[r]` for every row r of a [rows × cols] matrix whose values are all finite, else 0.
 * A product may skip a zero factor only against a finite row: 0·Infinity and 0·NaN are NaN.
 */
export function finiteRows(out: Uint8Array, data: ArrayLike<number>, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    // v·0 is ±0 for a finite v and NaN for ±Infinity and NaN; summing, not branching, is about
    // twice as fast (≈ 0.3 ms for MNIST's 784×512 kernel, 2% of one batch's product with it)
    let probe = 0;
    const end = (r + 1) * cols;
    for (let j = r * cols; j < end; j++) probe += data[j] * 0;
    out[r] = probe === 0 ? 1 : 0;
  }
}

/**
 * Row i of out = Σ_p a(i, p) · b[p, :] over the p where a(i, p) is not 0 (or b's row p is
 * not finite), where a(i, p) = a[i·rowStride + p·colStride]: (k, 1) reads a, (1, m) reads aᵀ.
 * The nonzeros of a row (about 150 of 784 for an MNIST image) are listed once, then added up
 * four rows of b per pass over a float64 row.
 */
function sparseRows(
  out: Floats,
  a: Floats,
  b: Floats,
  m: number,
  k: number,
  n: number,
  rowStride: number,
  colStride: number,
): void {
  const { index, value, finite } = nonzeroScratch(k);
  const row = rowScratch(n);
  finiteRows(finite, b, k, n);
  for (let i = 0; i < m; i++) {
    let count = 0;
    const ai = i * rowStride;
    for (let p = 0; p < k; p++) {
      const v = a[ai + p * colStride];
      if (v !== 0 || finite[p] === 0) {
        index[count] = p * n;
        value[count++] = v;
      }
    }
    row.fill(0, 0, n);
    let q = 0;
    for (; q + 3 < count; q += 4) {
      // biome-ignore format: four rows of b per pass
      const o0 = index[q], o1 = index[q + 1], o2 = index[q + 2], o3 = index[q + 3];
      // biome-ignore format: and their four factors
      const v0 = value[q], v1 = value[q + 1], v2 = value[q + 2], v3 = value[q + 3];
      for (let j = 0; j < n; j++) row[j] = row[j] + v0 * b[o0 + j] + v1 * b[o1 + j] + v2 * b[o2 + j] + v3 * b[o3 + j];
    }
    for (; q < count; q++) {
      const o = index[q];
      const v = value[q];
      for (let j = 0; j < n; j++) row[j] = row[j] + v * b[o + j];
    }
    out.set(row.subarray(0, n), i * n);
  }
}

/**
 * out[m×n] = a[m×k] · btᵀ, with bt [n×k]: each 4×4 tile of out as 16 dot products kept in
 * registers, 8 loads for every 16 multiply-adds.
 */
function tiles(out: Floats, a: Floats, bt: Floats, m: number, k: number, n: number): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    // biome-ignore format: a 4×4 tile reads best as the grid it is
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
        const y0 = bt[b0 + p], y1 = bt[b1 + p], y2 = bt[b2 + p], y3 = bt[b3 + p];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      const o0 = i * n + j, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
      out[o0] = c00; out[o0 + 1] = c01; out[o0 + 2] = c02; out[o0 + 3] = c03;
      out[o1] = c10; out[o1 + 1] = c11; out[o1 + 2] = c12; out[o1 + 3] = c13;
      out[o2] = c20; out[o2 + 1] = c21; out[o2 + 2] = c22; out[o2 + 3] = c23;
      out[o3] = c30; out[o3 + 1] = c31; out[o3 + 2] = c32; out[o3 + 3] = c33;
    }
  }
  // The edges that do not fill a 4×4 tile: plain dot products.
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? n4 : 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * bt[j * k + p];
      out[i * n + j] = s;
    }
  }
}
