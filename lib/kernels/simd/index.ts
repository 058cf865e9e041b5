/**
 * The SIMD matmul kernels where WebAssembly SIMD runs (Node 16.4 and later, every current
 * browser), else the plain TypeScript kernels, with one warning that says so.
 */
import { createSimdKernels, type MatmulKernel, type SimdKernels, simdModuleBytes, wasm } from './matmul.ts';
import { plainMatmul, plainMatmulTransA, plainMatmulTransB } from './plain.ts';

export type { MatmulKernel, SimdKernels } from './matmul.ts';
export { createSimdKernels } from './matmul.ts';

let simd: SimdKernels | null | undefined;

/** The SIMD kernels, or null (after one console warning) where WebAssembly SIMD is missing. */
export function simdKernels(bytes: Uint8Array = simdModuleBytes): SimdKernels | null {
  if (simd === undefined) {
    if (wasm?.validate(bytes)) simd = createSimdKernels(bytes);
    else {
      simd = null;
      console.warn('lib/kernels/simd: this runtime has no WebAssembly SIMD; matmul uses the plain TypeScript kernels');
    }
  }
  return simd;
}

export interface MatmulKernels {
  matmul: MatmulKernel;
  matmulTransA: MatmulKernel;
  matmulTransB: MatmulKernel;
  simd: boolean;
}

/** The fastest kernels this runtime has. */
export function matmulKernels(): MatmulKernels {
  const s = simdKernels();
  if (s) return { matmul: s.matmul, matmulTransA: s.matmulTransA, matmulTransB: s.matmulTransB, simd: true };
  return { matmul: plainMatmul, matmulTransA: plainMatmulTransA, matmulTransB: plainMatmulTransB, simd: false };
}
