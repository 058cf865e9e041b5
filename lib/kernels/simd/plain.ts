/**
 * The plain TypeScript kernels under lib/kernels' signature (`out` first, (m, k, n) of the
 * product), until they move there: the fallback without SIMD, and the reference in the tests.
 * TODO(issue 18): import matmul, matmulTransA, matmulTransB from lib/kernels instead.
 */
import { matmulInto, matmulTransAInto, matmulTransBInto } from '../../nn/kernels.ts';
import type { MatmulKernel } from './matmul.ts';

export const plainMatmul: MatmulKernel = (out, a, b, m, k, n) => matmulInto(a, b, out, m, k, n);
/** lib/nn's aᵀ·g takes a as [rows×cols] = [k×m] of the product, so its (m, k) are (k, m) here. */
export const plainMatmulTransA: MatmulKernel = (out, a, b, m, k, n) => matmulTransAInto(a, b, out, k, m, n);
/** lib/nn's g·bᵀ names the inner dimension n and the output's columns k: (m, n, k) here. */
export const plainMatmulTransB: MatmulKernel = (out, a, b, m, k, n) => matmulTransBInto(a, b, out, m, k, n);
