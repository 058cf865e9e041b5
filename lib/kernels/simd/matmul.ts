/**
 * matmul, matmulTransA and matmulTransB on row-major Float32Arrays, computed by the WebAssembly
 * SIMD kernel in matmul.wat (assembled into the checked-in matmul.wasm by `npm run build-simd`).
 * Same signature as lib/kernels' plain TypeScript kernels, `out` first:
 *   matmul(out, a, b, m, k, n)        out[m×n] = a[m×k] · b[k×n]
 *   matmulTransA(out, a, b, m, k, n)  out[m×n] = aᵀ · b, a stored k×m
 *   matmulTransB(out, a, b, m, k, n)  out[m×n] = a · bᵀ, b stored n×k
 *
 * The kernel reads and writes only its own memory, so each call copies a and b in and the
 * product out (at 128×784·784×512 the copies are a few percent of the time: README.md).
 * That memory grows to the largest call so far and is never shrunk; a call allocates no buffer,
 * only the small views `subarray` makes. Arrays may be longer than their matrices: only the
 * first m·k, k·n, m·n elements are used.
 */
import { readFileSync } from 'node:fs';
import { ArgumentError, ShapeError } from '../../errors.ts';

export type MatmulKernel = (
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
) => void;

export interface SimdKernels {
  matmul: MatmulKernel;
  matmulTransA: MatmulKernel;
  matmulTransB: MatmulKernel;
  /** For the bench: reruns the last call's kernel on the data left in wasm memory (no copies). */
  rerunWithoutCopies(): void;
}

type Gemm = (...args: number[]) => void;

/**
 * The part of the WebAssembly API used here. TypeScript declares it only in its DOM library,
 * which this repository leaves out (Node code must not type-check against browser globals).
 */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
/** undefined where a runtime has no WebAssembly at all. */
export const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The module's bytes; `WebAssembly.validate` of them is the test for SIMD support. */
export const simdModuleBytes: Uint8Array = readFileSync(new URL('./matmul.wasm', import.meta.url));

const SCRATCH_BYTES = 64; // the kernel's 32-byte tile for partial stores, rounded up
const PAGE = 65_536;
const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Instantiates the kernel (synchronously: the module is under 1 KB). Throws without SIMD. */
export function createSimdKernels(bytes: Uint8Array = simdModuleBytes): SimdKernels {
  if (!wasm) throw new Error('createSimdKernels: this runtime has no WebAssembly');
  const instance = new wasm.Instance(new wasm.Module(bytes));
  const gemm = instance.exports.gemm as Gemm;
  const memory = instance.exports.memory as WasmMemory;
  let heap = new Float32Array(memory.buffer);
  // gemm's arguments, kept for rerunWithoutCopies; filled in place, so that a call allocates nothing
  const args = new Int32Array(11);
  const callGemm = () =>
    gemm(args[0]!, args[1]!, args[2]!, args[3]!, args[4]!, args[5]!, args[6]!, args[7]!, args[8]!, args[9]!, args[10]!);

  // (ars, acs, brs, bcs): A(i,p) = a[i·ars + p·acs], B(p,j) = b[p·brs + j·bcs]
  function run(
    op: string,
    out: Float32Array,
    a: Float32Array,
    b: Float32Array,
    m: number,
    k: number,
    n: number,
    ars: number,
    acs: number,
    brs: number,
    bcs: number,
  ) {
    check(op, out, a, b, m, k, n);
    const aAt = SCRATCH_BYTES;
    const bAt = aAt + align16(m * k * 4);
    const outAt = bAt + align16(k * n * 4);
    const packAt = outAt + align16(m * n * 4);
    const end = packAt + Math.ceil(n / 8) * 8 * k * 4;
    if (end > memory.buffer.byteLength) {
      memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
      heap = new Float32Array(memory.buffer); // growing detaches the old view
    }
    heap.set(a.subarray(0, m * k), aAt / 4);
    heap.set(b.subarray(0, k * n), bAt / 4);
    args[0] = outAt;
    args[1] = aAt;
    args[2] = bAt;
    args[3] = m;
    args[4] = k;
    args[5] = n;
    args[6] = ars;
    args[7] = acs;
    args[8] = brs;
    args[9] = bcs;
    args[10] = packAt;
    callGemm();
    out.set(heap.subarray(outAt / 4, outAt / 4 + m * n));
  }

  return {
    matmul: (out, a, b, m, k, n) => run('matmul', out, a, b, m, k, n, k, 1, n, 1),
    matmulTransA: (out, a, b, m, k, n) => run('matmulTransA', out, a, b, m, k, n, 1, m, n, 1),
    matmulTransB: (out, a, b, m, k, n) => run('matmulTransB', out, a, b, m, k, n, k, 1, 1, k),
    rerunWithoutCopies: callGemm,
  };
}

function check(op: string, out: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
  checkSize(op, 'm', m);
  checkSize(op, 'k', k);
  checkSize(op, 'n', n);
  if (a.length < m * k) throw new ShapeError(op, `a has ${a.length} elements, needs ${m * k} ${dims(m, k, n)}`);
  if (b.length < k * n) throw new ShapeError(op, `b has ${b.length} elements, needs ${k * n} ${dims(m, k, n)}`);
  if (out.length < m * n) throw new ShapeError(op, `out has ${out.length} elements, needs ${m * n} ${dims(m, k, n)}`);
  // The plain kernels write out while they still read a and b; refuse it here too, so that
  // code which works with one kernel works with the other.
  if (overlaps(out, m * n, a, m * k)) throw new ArgumentError(op, 'out must not overlap a');
  if (overlaps(out, m * n, b, k * n)) throw new ArgumentError(op, 'out must not overlap b');
}

const dims = (m: number, k: number, n: number) => `(m ${m}, k ${k}, n ${n})`;

function checkSize(op: string, name: string, d: number) {
  if (!Number.isInteger(d) || d < 0) throw new ArgumentError(op, `${name} must be an integer ≥ 0, got ${d}`);
}

/** Whether the first `outSize` floats of out share memory with the first `size` of input. */
function overlaps(out: Float32Array, outSize: number, input: Float32Array, size: number): boolean {
  if (out.buffer !== input.buffer || outSize === 0 || size === 0) return false;
  return out.byteOffset < input.byteOffset + size * 4 && input.byteOffset < out.byteOffset + outSize * 4;
}
