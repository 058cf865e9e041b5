/**
 * The SIMD matmul kernels where WebAssembly SIMD runs (Node 16.4 and later, every current
 * browser), else the plain TypeScript kernels, with one warning that says so.
 */

import * as plain from '../matmul.ts';
import { createSimdKernels, type MatmulKernel, simdModuleBytes, wasm } from './matmul.ts';

export type { MatmulKernel, SimdKernels } from './matmul.ts';
export { createSimdKernels } from './matmul.ts';

export interface MatmulKernels {
  matmul: MatmulKernel;
  matmulTransA: MatmulKernel;
  matmulTransB: MatmulKernel;
  /** false where the plain kernels stand in */
  simd: boolean;
}

/** The SIMD kernels if this runtime validates `bytes`, else the plain ones after `warn` says so. */
export function chooseKernels(bytes: Uint8Array = simdModuleBytes, warn = console.warn): MatmulKernels {
  if (wasm?.validate(bytes)) {
    const { matmul, matmulTransA, matmulTransB } = createSimdKernels(bytes);
    return { matmul, matmulTransA, matmulTransB, simd: true };
  }
  warn('lib/kernels/simd: this runtime has no WebAssembly SIMD; matmul uses the plain TypeScript kernels');
  return { matmul: plain.matmul, matmulTransA: plain.matmulTransA, matmulTransB: plain.matmulTransB, simd: false };
}

let chosen: MatmulKernels | undefined;

/** The fastest kernels this runtime has, chosen (and any warning given) once per thread. */
export function matmulKernels(): MatmulKernels {
  chosen ??= chooseKernels();
  return chosen;
}
