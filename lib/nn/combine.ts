/**
 * The batch-mean gradient of a GradientPool step, part by part: each thread combines the
 * threads' gradients over its own part of every parameter array, then updates that part.
 */
import { type Optimizer, type Part, partRange } from './optimizers.ts';

/**
 * Updates `part` of the parameters with the batch mean of the threads' gradients: in one pass
 * where the optimizer has a kernel for it (stepMean), else summed into `combined` first.
 */
export function updatePart(
  optimizer: Optimizer,
  params: Float32Array[],
  combined: readonly Float32Array[],
  sources: Float32Array[][],
  weights: ArrayLike<number>,
  part: Part,
): void {
  if (optimizer.stepMean?.(params, sources, weights, part)) return;
  combinePart(combined, sources, weights, part);
  optimizer.step(params, combined as Float32Array[], part);
}

/**
 * out[k] = Σ_t weights[t] · sources[t][k] over `part` of every array k, in the order of t
 * (the main thread first, as a single-threaded combine would), threads of weight 0 left out.
 */
export function combinePart(
  out: readonly Float32Array[],
  sources: readonly (readonly Float32Array[])[],
  weights: ArrayLike<number>,
  part: Part,
): void {
  out.forEach((g, k) => {
    const [from, to] = partRange(g.length, part);
    const first = sources[0][k];
    const w0 = weights[0];
    const second = sources[1]?.[k];
    const w1 = weights[1] ?? 0;
    // The first two threads in one pass (on 2 cores, the only pass): g is not read back. The
    // product is rounded to float32 first, as storing it in g would, so the sums are the same.
    if (second && w1 !== 0) for (let i = from; i < to; i++) g[i] = Math.fround(first[i] * w0) + second[i] * w1;
    else for (let i = from; i < to; i++) g[i] = first[i] * w0;
    for (let t = 2; t < sources.length; t++) {
      const w = weights[t];
      if (w === 0) continue;
      const src = sources[t][k];
      for (let i = from; i < to; i++) g[i] = g[i] + src[i] * w;
    }
  });
}
