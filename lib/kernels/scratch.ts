/**
 * The kernels' reusable buffers, grown on first use and never shrunk, so that a kernel call
 * allocates nothing once warm. Module state: each worker thread has its own.
 */
export type Floats = Float32Array | Float64Array;

let index = new Int32Array(0);
let value = new Float64Array(0);
let finite = new Uint8Array(0);
/** Room for the nonzeros of one row of `k` (offsets and values) and k finite-row flags. */
export function nonzeroScratch(k: number): { index: Int32Array; value: Float64Array; finite: Uint8Array } {
  if (index.length < k) {
    index = new Int32Array(k);
    value = new Float64Array(k);
    finite = new Uint8Array(k);
  }
  return { index, value, finite };
}

let row = new Float64Array(0);
/** A float64 accumulator of at least `n` numbers. */
export function rowScratch(n: number): Float64Array {
  if (row.length < n) row = new Float64Array(n);
  return row;
}

let t32 = new Float32Array(0);
let t64 = new Float64Array(0);
/**
 * bᵀ [n×k] of b [k×n], in a buffer of b's own type: float32 stays float32 (half the memory
 * traffic of the tiles' inner loop), float64 keeps its precision.
 */
export function transposeScratch(b: Floats, k: number, n: number): Floats {
  let bt: Floats;
  if (b instanceof Float32Array) {
    if (t32.length < k * n) t32 = new Float32Array(k * n);
    bt = t32;
  } else {
    if (t64.length < k * n) t64 = new Float64Array(k * n);
    bt = t64;
  }
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bt[j * k + p] = b[p * n + j];
  return bt;
}
