/**
 * lib/kernels' addBias + relu and reluBackward for lib/nn's Float32Arrays only, the first two
 * fused into one pass. Same results as the general kernels, which take Float32Array or
 * Float64Array: lib/ops calls them with both, which makes V8's element access in their loops
 * polymorphic. These stay monomorphic: on a 128×512 layer, side by side with the general
 * kernels made polymorphic (as in a test run), about twice (addBias + relu) and 1.7 times
 * (reluBackward) as fast. Where WebAssembly SIMD runs, lib/nn uses the SIMD kernels' branch-free
 * twins instead (lib/kernels/simd: the same results, tests/lib/nn-fused.test.ts); these are the
 * readable reference and the fallback.
 */

/** z = relu(z + bias) on every row of z [m×n], in place. As K.relu: NaN stays NaN, −0 becomes +0. */
export function addBiasRelu(z: Float32Array, bias: Float32Array, m: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) z[o + j] = Math.max(z[o + j] + bias[j], 0);
  }
}

/**
 * d ⊙ relu′ from relu's output y, in place on d. As K.reluBackward, multiplied by 0 rather than
 * set to 0 where y = 0, so that a NaN or an infinity in d stays NaN there.
 */
export function reluBackward(d: Float32Array, y: Float32Array, size: number): void {
  for (let i = 0; i < size; i++) d[i] = y[i] > 0 ? d[i] : d[i] * 0;
}
