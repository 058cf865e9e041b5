/**
 * The SIMD matmul kernels where WebAssembly SIMD runs (Node 16.4 and later, every current
 * browser), else the plain TypeScript kernels, with one warning that says so.
 */

import * as plain from '../matmul.ts';
import { rmspropStep as plainRmspropStep } from '../optimizers.ts';
import {
  createSimdKernels,
  type MatmulKernel,
  type RmspropKernel,
  type RmspropMeanKernel,
  type SimdKernels,
  simdModuleBytes,
  wasm,
} from './matmul.ts';

export type { MatmulKernel, RmspropKernel, RmspropMeanKernel, SimdKernels } from './matmul.ts';
export { createSimdKernels, SPARSE_MIN_COLUMNS } from './matmul.ts';

export interface MatmulKernels {
  matmul: MatmulKernel;
  matmulTransA: MatmulKernel;
  matmulTransB: MatmulKernel;
  /** false where the plain kernels stand in */
  simd: boolean;
  /**
   * The SIMD kernels only: matmul keeping a's list of nonzeros, and aᵀ·b listing aᵀ from it for
   * that same, unchanged a (lib/nn's first layer: x·W forward, then xᵀ·dZ). Without them, matmul
   * and matmulTransA.
   */
  matmulKeep?: MatmulKernel;
  matmulTransAKept?: MatmulKernel;
  /**
   * The SIMD kernels only: lib/nn's relu passes, branch-free (without them, lib/nn/fused.ts'
   * JavaScript loops, which give the same results).
   */
  addBiasRelu?: SimdKernels['addBiasRelu'];
  reluBackward?: SimdKernels['reluBackward'];
}

/** The plain TypeScript kernels: the readable reference, and the fallback without SIMD. */
export const plainKernels: MatmulKernels = {
  matmul: plain.matmul,
  matmulTransA: plain.matmulTransA,
  matmulTransB: plain.matmulTransB,
  simd: false,
};

/** The SIMD kernels if this runtime validates `bytes`, else the plain ones after `warn` says so. */
export function chooseKernels(bytes: Uint8Array = simdModuleBytes, warn = console.warn): MatmulKernels {
  if (wasm?.validate(bytes)) {
    const k = createSimdKernels(bytes);
    return {
      matmul: k.matmul,
      matmulTransA: k.matmulTransA,
      matmulTransB: k.matmulTransB,
      matmulKeep: k.matmulKeep,
      matmulTransAKept: k.matmulTransAKept,
      addBiasRelu: k.addBiasRelu,
      reluBackward: k.reluBackward,
      simd: true,
    };
  }
  warn('lib/kernels/simd: this runtime has no WebAssembly SIMD; matmul uses the plain TypeScript kernels');
  return plainKernels;
}

let chosen: MatmulKernels | undefined;

/** The fastest kernels this runtime has, chosen (and any warning given) once per thread. */
export function matmulKernels(): MatmulKernels {
  chosen ??= chooseKernels();
  return chosen;
}

let rmsprop: RmspropKernel | undefined;

/**
 * RMSprop's update for lib/nn: the float32 SIMD kernel where the matmul kernels are SIMD (its own
 * wasm instance, so its copies never meet a product's), else lib/kernels' plain rmspropStep.
 */
export function rmspropKernel(): RmspropKernel {
  rmsprop ??= matmulKernels().simd ? optimizerKernels().rmspropStep : plainRmspropStep;
  return rmsprop;
}

let optimizerInstance: SimdKernels | undefined;
/** The optimizers' own SIMD instance (one per thread), so that their copies never meet a product's. */
function optimizerKernels(): SimdKernels {
  optimizerInstance ??= createSimdKernels();
  return optimizerInstance;
}

/**
 * RMSprop's update on the batch mean of two threads' gradients, a0·g0 + a1·g1, summed inside
 * the SIMD kernel; undefined without SIMD (then the caller sums them and calls rmspropKernel()).
 */
export function rmspropMeanKernel(): RmspropMeanKernel | undefined {
  return matmulKernels().simd ? optimizerKernels().rmspropStepMean : undefined;
}
