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
  /**
   * For the bench: reruns the last call's kernel (gemm, or spmm on the lists of the sparse path)
   * on the data left in wasm memory, without the copies and the listing of nonzeros.
   */
  rerunWithoutCopies(): void;
  /** matmul that keeps the list of a's nonzeros (when it takes the sparse path) for matmulTransAKept */
  matmulKeep: MatmulKernel;
  /**
   * matmulTransA for the a of the last matmulKeep, unchanged since: its columns listed from the
   * kept lists, without a scan of a (any other a: plain matmulTransA).
   */
  matmulTransAKept: MatmulKernel;
  /** lib/kernels' rmspropStep in float32 SIMD (w and s updated in place); the copies in and out included */
  rmspropStep: RmspropKernel;
  /** the same step on the gradient a0·g0 + a1·g1 (two threads' shares of a batch), summed in the kernel */
  rmspropStepMean: RmspropMeanKernel;
  /** lib/nn/fused.ts' addBiasRelu (z = relu(z + bias) on every row of z [m×n], in place), branch-free */
  addBiasRelu: (z: Float32Array, bias: Float32Array, m: number, n: number) => void;
  /** lib/nn/fused.ts' reluBackward (d ⊙ relu′ from relu's output y, in place on d), branch-free */
  reluBackward: (d: Float32Array, y: Float32Array, size: number) => void;
}

export type RmspropKernel = (
  w: Float32Array,
  s: Float32Array,
  g: Float32Array,
  n: number,
  lr: number,
  rho: number,
  epsilon: number,
) => void;

export type RmspropMeanKernel = (
  w: Float32Array,
  s: Float32Array,
  g0: Float32Array,
  g1: Float32Array,
  a0: number,
  a1: number,
  n: number,
  lr: number,
  rho: number,
  epsilon: number,
) => void;

type Gemm = (...args: number[]) => void;

/**
 * Lists the nonzeros of A (a [m×k], or a stored k×m for aᵀ) into wasm memory for spmm: where
 * each row's list starts, the address of the row of b each nonzero multiplies, and its value.
 * Returns their number.
 */
type Lister = (
  a: Float32Array,
  m: number,
  k: number,
  n: number,
  bAt: number,
  startAt: number,
  offsAt: number,
  valsAt: number,
) => number;

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

export interface SimdOptions {
  /** the fewest columns of out for the sparse path (default SPARSE_MIN_COLUMNS; the bench sets 1) */
  sparseMinColumns?: number;
}

/** Instantiates the kernel (synchronously: the module is under 2 KB). Throws without SIMD. */
export function createSimdKernels(bytes: Uint8Array = simdModuleBytes, options: SimdOptions = {}): SimdKernels {
  const sparseMinColumns = options.sparseMinColumns ?? SPARSE_MIN_COLUMNS;
  if (!wasm) throw new Error('createSimdKernels: this runtime has no WebAssembly');
  const instance = new wasm.Instance(new wasm.Module(bytes));
  const gemm = instance.exports.gemm as Gemm;
  const spmm = instance.exports.spmm as Gemm;
  const allFinite = instance.exports.allFinite as (ptr: number, count: number) => number;
  const rmsprop = instance.exports.rmsprop as Gemm;
  const biasRelu = instance.exports.biasRelu as Gemm;
  const axpby = instance.exports.axpby as Gemm;
  const reluBackwardWasm = instance.exports.reluBackward as Gemm;
  const memory = instance.exports.memory as WasmMemory;
  let heap = new Float32Array(memory.buffer);
  let ints = new Int32Array(memory.buffer);
  // gemm's arguments, kept for rerunWithoutCopies; filled in place, so that a call allocates nothing
  const args = new Int32Array(11);
  const callGemm = () =>
    gemm(args[0]!, args[1]!, args[2]!, args[3]!, args[4]!, args[5]!, args[6]!, args[7]!, args[8]!, args[9]!, args[10]!);
  const spmmArgs = new Int32Array(6);
  const callSpmm = () => spmm(spmmArgs[0]!, spmmArgs[1]!, spmmArgs[2]!, spmmArgs[3]!, spmmArgs[4]!, spmmArgs[5]!);
  let lastCall = callGemm;
  let cursor = new Int32Array(0);

  /** Makes the memory at least `end` bytes long; growing detaches the old views. */
  function reserve(end: number) {
    if (end <= memory.buffer.byteLength) return;
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
    heap = new Float32Array(memory.buffer);
    ints = new Int32Array(memory.buffer);
  }

  /**
   * The sparse path, when at least two thirds of a is 0, out has at least sparseMinColumns
   * columns and b is finite: the nonzeros of each row of
   * A (a's rows, or its columns when transposed) are listed straight into wasm memory, so a
   * itself is never copied, and spmm adds up only their rows of b. Returns false (having
   * done nothing) where the dense kernel must run.
   */
  function sparse(
    out: Float32Array,
    a: Float32Array,
    b: Float32Array,
    m: number,
    k: number,
    n: number,
    how: 'rows' | 'columns' | 'keep' | 'kept',
  ) {
    const bAt = SCRATCH_BYTES;
    const outAt = bAt + align16(k * n * 4);
    const startAt = outAt + align16(m * n * 4);
    const offsAt = startAt + align16((m + 1) * 4);
    const valsAt = offsAt + align16(m * k * 4);
    if (how !== 'kept' && (n < sparseMinColumns || !sampleMostlyZero(a, m * k))) return false;
    reserve(valsAt + m * k * 4);
    heap.set(b.subarray(0, k * n), bAt / 4);
    if (allFinite(bAt, k * n) === 0) return false;
    // Listed without a count first: a scan of a costs as much as listing it, and the sample
    // has already sent nearly every dense a to the dense kernel.
    let nonzeros: number;
    if (how === 'columns') nonzeros = listColumns(a, m, k, n, bAt, startAt, offsAt, valsAt);
    else if (how === 'kept') nonzeros = listKeptColumns(m, n, bAt, startAt, offsAt, valsAt);
    else nonzeros = listRows(a, m, k, n, bAt, startAt, offsAt, valsAt);
    if (nonzeros * 2 > m * k) return false;
    if (how === 'keep') {
      if (keptStart.length < m + 1) keptStart = new Int32Array(m + 1);
      if (keptOffs.length < nonzeros) {
        keptOffs = new Int32Array(m * k);
        keptVals = new Float32Array(m * k);
      }
      keptStart.set(ints.subarray(startAt >> 2, (startAt >> 2) + m + 1));
      keptOffs.set(ints.subarray(offsAt >> 2, (offsAt >> 2) + nonzeros));
      keptVals.set(heap.subarray(valsAt >> 2, (valsAt >> 2) + nonzeros));
      Object.assign(kept, { a, m, k, n, bAt, count: nonzeros });
    }
    spmmArgs.set([outAt, startAt, offsAt, valsAt, m, n]);
    lastCall = callSpmm;
    callSpmm();
    out.set(heap.subarray(outAt / 4, outAt / 4 + m * n));
    return true;
  }

  /**
   * A copy of the lists of the last `matmulKeep` that took the sparse path, with its a, so that
   * `matmulTransAKept` lists aᵀ's rows from them (a CSR → CSC transpose over the nonzeros only,
   * a fifth of a on MNIST) instead of scanning a again.
   */
  const kept = { a: null as Float32Array | null, m: 0, k: 0, n: 0, bAt: 0, count: 0 };
  let keptStart = new Int32Array(0);
  let keptOffs = new Int32Array(0);
  let keptVals = new Float32Array(0);

  /**
   * The lists of aᵀ's rows (aᵀ is m×k: m = the kept a's columns, k = its rows) from the kept
   * lists, in the order listColumns gives (by the kept a's rows within each list), so that the
   * sums are the same to the bit. Returns their number.
   */
  function listKeptColumns(m: number, n: number, bAt: number, startAt: number, offsAt: number, valsAt: number) {
    const rowBytes = kept.n * 4;
    if (cursor.length < m + 1) cursor = new Int32Array(m + 1);
    cursor.fill(0, 0, m + 1);
    for (let q = 0; q < kept.count; q++) cursor[(keptOffs[q] - kept.bAt) / rowBytes + 1]++;
    for (let i = 0; i < m; i++) cursor[i + 1] += cursor[i];
    const start = startAt >> 2;
    for (let i = 0; i <= m; i++) ints[start + i] = cursor[i];
    const offs = offsAt >> 2;
    const vals = valsAt >> 2;
    for (let r = 0; r < kept.m; r++) {
      const at = bAt + r * n * 4;
      for (let q = keptStart[r]; q < keptStart[r + 1]; q++) {
        const dst = cursor[(keptOffs[q] - kept.bAt) / rowBytes]++;
        ints[offs + dst] = at;
        heap[vals + dst] = keptVals[q];
      }
    }
    return kept.count;
  }

  /**
   * Lists the nonzeros of each row of a [m×k]: their values, and the addresses of their rows of
   * b. Returns their number.
   */
  const listRows: Lister = (a, m, k, n, bAt, startAt, offsAt, valsAt) => {
    const start = startAt >> 2;
    let q = 0;
    const offs = offsAt >> 2;
    const vals = valsAt >> 2;
    for (let i = 0; i < m; i++) {
      ints[start + i] = q;
      const row = i * k;
      for (let p = 0; p < k; p++) {
        const v = a[row + p];
        if (v !== 0) {
          ints[offs + q] = bAt + p * n * 4;
          heap[vals + q++] = v;
        }
      }
    }
    ints[start + m] = q;
    return q;
  };

  /**
   * The same for the columns of a stored [k×m] (the rows of aᵀ), in order of p: a count per
   * column, then the lists.
   */
  const listColumns: Lister = (a, m, k, n, bAt, startAt, offsAt, valsAt) => {
    if (cursor.length < m + 1) cursor = new Int32Array(m + 1);
    cursor.fill(0, 0, m + 1);
    for (let p = 0; p < k; p++) {
      const row = p * m;
      for (let i = 0; i < m; i++) if (a[row + i] !== 0) cursor[i + 1]++;
    }
    for (let i = 0; i < m; i++) cursor[i + 1] += cursor[i];
    const total = cursor[m];
    const start = startAt >> 2;
    for (let i = 0; i <= m; i++) ints[start + i] = cursor[i];
    const offs = offsAt >> 2;
    const vals = valsAt >> 2;
    for (let p = 0; p < k; p++) {
      const row = p * m;
      const at = bAt + p * n * 4;
      for (let i = 0; i < m; i++) {
        const v = a[row + i];
        if (v !== 0) {
          const q = cursor[i]++;
          ints[offs + q] = at;
          heap[vals + q] = v;
        }
      }
    }
    return total;
  };

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
    how: 'rows' | 'keep' = 'rows',
  ) {
    check(op, out, a, b, m, k, n);
    // a·b and aᵀ·b may take the sparse path; a·bᵀ (b's rows are not contiguous columns) never does
    if (bcs === 1 && m * k > 0 && sparse(out, a, b, m, k, n, acs !== 1 ? 'columns' : how)) return;
    const aAt = SCRATCH_BYTES;
    const bAt = aAt + align16(m * k * 4);
    const outAt = bAt + align16(k * n * 4);
    const packAt = outAt + align16(m * n * 4);
    reserve(packAt + Math.ceil(n / 8) * 8 * k * 4);
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
    lastCall = callGemm;
    callGemm();
    out.set(heap.subarray(outAt / 4, outAt / 4 + m * n));
  }

  /**
   * RMSprop on w and s in wasm memory, its gradient the first of `gradients` or, given two,
   * a0·g0 + a1·g1 summed in place of g0 (axpby); w and s copied back out.
   */
  function rmspropIn(
    w: Float32Array,
    s: Float32Array,
    gradients: [Float32Array] | [Float32Array, Float32Array, number, number],
    n: number,
    lr: number,
    rho: number,
    epsilon: number,
  ) {
    const bytes = align16(n * 4);
    const wAt = SCRATCH_BYTES;
    const sAt = wAt + bytes;
    const gAt = sAt + bytes;
    const g1At = gAt + bytes;
    reserve(gAt + bytes * (gradients.length === 1 ? 1 : 2));
    heap.set(w.subarray(0, n), wAt / 4);
    heap.set(s.subarray(0, n), sAt / 4);
    heap.set(gradients[0].subarray(0, n), gAt / 4);
    if (gradients.length === 4) {
      const [, g1, a0, a1] = gradients;
      heap.set(g1.subarray(0, n), g1At / 4);
      axpby(gAt, gAt, g1At, n, a0, a1);
    }
    rmsprop(wAt, sAt, gAt, n, lr, rho, Math.fround(1 - rho), epsilon);
    w.set(heap.subarray(wAt / 4, wAt / 4 + n));
    s.set(heap.subarray(sAt / 4, sAt / 4 + n));
  }

  const rmspropStep: RmspropKernel = (w, s, g, n, lr, rho, epsilon) => rmspropIn(w, s, [g], n, lr, rho, epsilon);

  // Two gradients copied in and summed here cost less than a JavaScript loop that sums them
  // (it reads both from the other threads' caches at a few ns an element) and a copy of the sum.
  const rmspropStepMean: RmspropMeanKernel = (w, s, g0, g1, a0, a1, n, lr, rho, epsilon) =>
    rmspropIn(w, s, [g0, g1, a0, a1], n, lr, rho, epsilon);

  // The relu passes copy their arrays in and out like the products: a few hundred KB at most,
  // against a JavaScript loop that mispredicts a branch on about every other element.
  const addBiasRelu = (z: Float32Array, bias: Float32Array, m: number, n: number) => {
    checkSize('addBiasRelu', 'm', m);
    checkSize('addBiasRelu', 'n', n);
    if (z.length < m * n || bias.length < n) {
      throw new ShapeError(
        'addBiasRelu',
        `z has ${z.length} elements and bias ${bias.length}, needs ${m * n} and ${n}`,
      );
    }
    const zAt = SCRATCH_BYTES;
    const biasAt = zAt + align16(m * n * 4);
    reserve(biasAt + n * 4);
    heap.set(z.subarray(0, m * n), zAt / 4);
    heap.set(bias.subarray(0, n), biasAt / 4);
    biasRelu(zAt, biasAt, m, n);
    z.set(heap.subarray(zAt / 4, zAt / 4 + m * n));
  };

  const reluBackward = (d: Float32Array, y: Float32Array, size: number) => {
    checkSize('reluBackward', 'size', size);
    if (d.length < size || y.length < size) {
      throw new ShapeError('reluBackward', `d has ${d.length} elements and y ${y.length}, needs ${size} each`);
    }
    const dAt = SCRATCH_BYTES;
    const yAt = dAt + align16(size * 4);
    reserve(yAt + size * 4);
    heap.set(d.subarray(0, size), dAt / 4);
    heap.set(y.subarray(0, size), yAt / 4);
    reluBackwardWasm(dAt, yAt, size);
    d.set(heap.subarray(dAt / 4, dAt / 4 + size));
  };

  /** aᵀ·b from the kept lists when a is the kept a (unchanged, the caller promises), else as matmulTransA */
  const matmulTransAKept: MatmulKernel = (out, a, b, m, k, n) => {
    const fits = kept.a === a && kept.m === k && kept.k === m && m * k > 0;
    if (fits) check('matmulTransA', out, a, b, m, k, n);
    if (!fits || !sparse(out, a, b, m, k, n, 'kept')) run('matmulTransA', out, a, b, m, k, n, 1, m, n, 1);
  };

  return {
    rmspropStep,
    rmspropStepMean,
    addBiasRelu,
    reluBackward,
    matmulKeep: (out, a, b, m, k, n) => {
      kept.a = null;
      run('matmul', out, a, b, m, k, n, k, 1, n, 1, 'keep');
    },
    matmulTransAKept,
    matmul: (out, a, b, m, k, n) => run('matmul', out, a, b, m, k, n, k, 1, n, 1),
    matmulTransA: (out, a, b, m, k, n) => run('matmulTransA', out, a, b, m, k, n, 1, m, n, 1),
    matmulTransB: (out, a, b, m, k, n) => run('matmulTransB', out, a, b, m, k, n, k, 1, 1, k),
    rerunWithoutCopies: () => lastCall(),
  };
}

/**
 * The fewest columns of out for which listing a's nonzeros pays: the listing costs a few ns per
 * element of a (more where zeros and nonzeros alternate at random: a mispredicted branch), the
 * dense kernel a fraction of a ns per element and column of out. `scripts/bench/thresholds.ts`
 * measures both on lib/nn's shapes: on MNIST pixels (81% zeros) the sparse path wins from 64
 * columns; on the last layer's 10 the dense kernel is several times as fast.
 */
export const SPARSE_MIN_COLUMNS = 64;

/**
 * Whether at least two thirds of 64 evenly spaced elements of a are 0: a dense a (random numbers,
 * most weight matrices) goes to the dense kernel without a count over all of it, which costs
 * as much as a thin product (128×512·512×10) itself; so does a relu's output (about half zeros,
 * in a random pattern that costs the listing a mispredicted branch per element).
 */
function sampleMostlyZero(a: Float32Array, size: number): boolean {
  const samples = Math.min(64, size);
  let zeros = 0;
  for (let s = 0; s < samples; s++) if (a[Math.floor((s * size) / samples)] === 0) zeros++;
  return zeros * 3 >= samples * 2;
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
