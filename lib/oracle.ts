/**
 * The TensorFlow.js oracle: every reference solution is checked against it, and learner
 * specs may use it so that a hard-coded answer cannot pass.
 *
 * Backend, in order of preference:
 *   node  @tensorflow/tfjs-node (an optionalDependency: its install downloads libtensorflow,
 *         which fails offline and on some platforms; npm then skips it)
 *   wasm  @tensorflow/tfjs with @tensorflow/tfjs-backend-wasm
 *   cpu   @tensorflow/tfjs' pure-JS backend
 * KATA_TF_BACKEND=node|wasm|cpu forces one, and fails clearly if it cannot load.
 *
 * NOTE: TensorFlow.js computes in float32 only. Compare against it with the tolerances of
 * lib/tolerance.ts, and feed it float32-representable inputs (NDArray dtype 'float32').
 */

import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';
import { NDArray } from './ndarray.ts';
import {
  BACKENDS,
  type BackendName,
  backendOrder,
  describeBackend,
  installed,
  PACKAGE,
  plannedBackend,
  requestedBackend,
} from './oracle-backends.ts';
import { leanTfjs } from './tfjs-lean.ts';

export { BACKENDS, type BackendName, backendOrder, describeBackend, plannedBackend, requestedBackend };

export type Tf = typeof TF;
export type Tensor = TF.Tensor;
export interface Oracle {
  tf: Tf;
  backend: BackendName;
  /** e.g. "TensorFlow.js 4.22.0 on the wasm backend" */
  description: string;
}

const NODE_OPTIONAL = ' (it is optional: its install script downloads libtensorflow, which needs the network)';
const why: Record<BackendName, string> = {
  node: '@tensorflow/tfjs-node failed to load',
  wasm: '@tensorflow/tfjs-backend-wasm failed to initialise',
  cpu: "@tensorflow/tfjs' CPU backend failed to initialise",
};

/**
 * Node's own require, out of sight of Vite: vitest would otherwise run TensorFlow.js'
 * bundle through its transform in a globalSetup (10+ s). It also keeps tsc from needing
 * the optional tfjs-node package. NOTE: always reach TensorFlow.js through loadOracle();
 * an `import '@tensorflow/tfjs'` elsewhere would load a second copy with its own backend.
 */
const nodeRequire = createRequire(import.meta.url);
const nativeImport = async (specifier: string): Promise<unknown> => nodeRequire(specifier);

/**
 * @tensorflow/tfjs-node 4.22.0 (the last release) calls `util.isNullOrUndefined`, which Node 23
 * removed (tensorflow/tfjs#8609; the fix, #8425, is merged but unreleased): the package loads,
 * then every op throws. Put the function back before it loads, and only then. `util.isArray`,
 * which it calls too, still exists but warns (DEP0044) on Node 22+: answer for it quietly.
 */
export function shimNodeUtil(util: Record<string, unknown>): string[] {
  const added: string[] = [];
  if (typeof util.isNullOrUndefined !== 'function') {
    util.isNullOrUndefined = (v: unknown) => v === null || v === undefined;
    added.push('isNullOrUndefined');
  }
  if (typeof util.isArray === 'function' && util.isArray !== Array.isArray) {
    util.isArray = Array.isArray;
    added.push('isArray');
  }
  return added;
}

async function tryBackend(name: BackendName, lean = false): Promise<Tf> {
  if (name === 'node') {
    shimNodeUtil(nodeRequire('node:util') as Record<string, unknown>);
    const tf = (await nativeImport('@tensorflow/tfjs-node')) as Tf;
    await tf.ready();
    return tf;
  }
  const tf = name === 'cpu' && lean ? leanTfjs() : ((await nativeImport('@tensorflow/tfjs')) as Tf);
  if (name === 'wasm') await nativeImport('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(name))) throw new Error(`setBackend('${name}') returned false`);
  await tf.ready();
  if (name === 'wasm') transposeBeforeMatMul(tf);
  return tf;
}

type KernelArgs = Parameters<TF.KernelFunc>[0];
const PATCHED = Symbol.for('gradient-katas.wasm-matmul-transposes');
type Patched = TF.KernelConfig & { [PATCHED]?: TF.KernelConfig };

/**
 * NOTE: @tensorflow/tfjs-backend-wasm 4.22 multiplies by a transposed operand, tf.matMul(a, b,
 * true) or tf.matMul(a, b, false, true), about 15 times slower than by a plain one ([128,784]ᵀ
 * by [128,512]: 200 ms, against 14 ms for tf.transpose then tf.matMul), and the backward pass
 * of every dense layer asks for both: model.fit spent most of its time there. Its BatchMatMul
 * kernel is wrapped, once per process, to transpose such an operand first (an exact copy) and
 * then multiply plainly: the same float32 product, on XNNPACK's fast path.
 */
export function transposeBeforeMatMul(tf: Tf): boolean {
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!matMul || !transpose || (matMul as Patched)[PATCHED]) return false;
  const flip = (x: TF.TensorInfo, backend: KernelArgs['backend']) => {
    const perm = [...x.shape.keys()];
    const r = perm.length;
    [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
    return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as TF.TensorInfo;
  };
  const kernelFunc: TF.KernelFunc = ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return matMul.kernelFunc({ inputs, backend, attrs });
    const { a, b } = inputs as { a: TF.TensorInfo; b: TF.TensorInfo };
    const made = [transposeA ? flip(a, backend) : null, transposeB ? flip(b, backend) : null];
    try {
      const plain = { ...attrs, transposeA: false, transposeB: false };
      return matMul.kernelFunc({ inputs: { a: made[0] ?? a, b: made[1] ?? b }, backend, attrs: plain });
    } finally {
      for (const t of made) if (t) (backend as { disposeData(id: object): void }).disposeData(t.dataId);
    }
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...matMul, kernelFunc, [PATCHED]: matMul } as Patched);
  return true;
}

/**
 * Puts TF.js' own wasm BatchMatMul back (undoing transposeBeforeMatMul): the bench compares
 * lib/nn with TensorFlow.js as it ships. Returns whether there was anything to undo.
 */
export function shippedMatMul(tf: Tf): boolean {
  const original = (tf.getKernel('BatchMatMul', 'wasm') as Patched | undefined)?.[PATCHED];
  if (!original) return false;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(original);
  return true;
}

/**
 * One op on the backend just loaded. A backend can load and still fail every op (tfjs-node on
 * Node 23+ without the shim, a wasm binary that does not match): better to know here, once,
 * and fall back, than to fail every spec with an error about TensorFlow.js.
 */
export function smokeTest(tf: Tf): void {
  const got = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])).dataSync());
  const want = [19, 22, 43, 50]; // [[1,2],[3,4]]·[[5,6],[7,8]]
  if (got.length !== 4 || want.some((w, i) => got[i] !== w)) {
    throw new Error(`tf.matMul([[1,2],[3,4]], [[5,6],[7,8]]) gave [${[...got].join(', ')}], not [19, 22, 43, 50]`);
  }
}

export interface BackendChoice {
  tf: Tf;
  backend: BackendName;
  /** one line per backend tried before it, and why it was passed over */
  passedOver: string[];
}

/**
 * The first backend of `order` that loads and passes the smoke test. `load` and `installed` are
 * parameters so that a test can play a backend that loads and then fails.
 */
export async function chooseBackend(
  order: readonly BackendName[],
  load: (name: BackendName) => Promise<Tf> = (name) => silenceTfBanner(() => tryBackend(name)),
  isInstalled: (name: BackendName) => boolean = installed,
): Promise<BackendChoice> {
  const passedOver: string[] = [];
  for (const name of order) {
    let tf: Tf;
    try {
      tf = await load(name);
    } catch (e) {
      const reason = isInstalled(name)
        ? why[name]
        : `${PACKAGE[name]} is not installed${name === 'node' ? NODE_OPTIONAL : ''}`;
      passedOver.push(`${name}: ${reason} (${(e as Error).message.split('\n')[0]})`);
      continue;
    }
    // the smoke test makes the backend's first tensor, when the cpu backend prints its advert
    const unmute = muteTfBanner();
    try {
      smokeTest(tf);
      return { tf, backend: name, passedOver };
    } catch (e) {
      passedOver.push(`${name}: it loaded but failed its smoke test: ${(e as Error).message.split('\n')[0]}`);
    } finally {
      unmute();
    }
  }
  throw new Error(passedOver.join('\n  '));
}

let loading: Promise<Oracle> | null = null;

/**
 * Makes the oracle's backend the active one again. NOTE: TensorFlow.js is loaded once per
 * thread (Node's require), and the backend it computes on is its own global: after
 * loadOracle({ small: true }) switched it to cpu, loadOracle()'s wasm must be switched back.
 */
async function activate(oracle: Oracle): Promise<Oracle> {
  const name = oracle.backend === 'node' ? 'tensorflow' : oracle.backend;
  if (oracle.tf.getBackend() !== name) await silenceTfBanner(() => oracle.tf.setBackend(name));
  return oracle;
}

export interface LoadOptions {
  /**
   * for checks on small tensors: a spec's worked examples and properties, a few ops on arrays
   * of tens of elements, run hundreds of times. Where the best backend is wasm (not forced),
   * these run on the cpu backend instead, without loading wasm at all: wasm spends ≈2 ms
   * dispatching each op, cpu ≈0.7 ms (exercise 06's tests, back to back: 1.9 s on wasm, 1.0 s
   * on cpu), and both compute in float32, so lib/tolerance.ts holds for either. A spec that
   * trains a network leaves it out. tfjs-node, or a backend KATA_TF_BACKEND forces, serves both.
   */
  small?: boolean;
  /**
   * with `small`: the spec takes no gradient and calls no chained op (it writes tf.add(x, y),
   * not x.add(y)), so the cpu backend is loaded without TensorFlow.js' umbrella package, whose
   * gradients and chained ops cost ≈0.2 s of the spec's start (lib/tfjs-lean.ts). Where the
   * oracle is not wasm's cpu stand-in (tfjs-node, a forced backend), it changes nothing.
   */
  lean?: boolean;
}

/** Loads TensorFlow.js once per process on the best (or the requested) backend. */
export async function loadOracle({ small = false, lean = false }: LoadOptions = {}): Promise<Oracle> {
  if (small && !requestedBackend() && plannedBackend() === 'wasm') return loadCpuOracle(lean);
  loading ??= (async () => {
    const forced = requestedBackend();
    const order = backendOrder();
    let choice: BackendChoice;
    try {
      choice = await chooseBackend(order);
    } catch (e) {
      const failures = (e as Error).message;
      throw new Error(
        forced
          ? `KATA_TF_BACKEND=${forced} was requested but cannot be used:\n  ${failures}`
          : `no TensorFlow.js backend could be loaded:\n  ${failures}\nRun \`npm install\` and try again.`,
      );
    }
    const { tf, backend, passedOver } = choice;
    tf.enableProdMode();
    // An installed backend that fails to start is worth a line: the oracle is slower.
    if (passedOver.length > 0)
      console.warn(`oracle: using the ${backend} backend, because\n  ${passedOver.join('\n  ')}`);
    return { tf, backend, description: describeBackend(backend) };
  })();
  return activate(await loading);
}

const loadingCpu = new Map<boolean, Promise<Oracle>>();

/** loadOracle({ small: true }) where the best backend is wasm: the cpu backend alone. */
async function loadCpuOracle(lean: boolean): Promise<Oracle> {
  let pending = loadingCpu.get(lean);
  if (!pending) {
    pending = loadCpu(lean);
    loadingCpu.set(lean, pending);
  }
  return activate(await pending);
}

async function loadCpu(lean: boolean): Promise<Oracle> {
  let choice: BackendChoice;
  try {
    choice = await chooseBackend(['cpu'], (name) => silenceTfBanner(() => tryBackend(name, lean)));
  } catch {
    // the cpu backend ships inside @tensorflow/tfjs: if it fails, loadOracle() says why
    return loadOracle();
  }
  choice.tf.enableProdMode();
  return { tf: choice.tf, backend: choice.backend, description: describeBackend(choice.backend) };
}

/**
 * tfjs prints an advert for tfjs-node when it loads in Node (the cpu backend, on its first
 * tensor): the kata says why itself. Mutes it until the returned function is called.
 */
function muteTfBanner(): () => void {
  const original = console.log;
  const warn = console.warn;
  const filter =
    (f: typeof console.log) =>
    (...args: unknown[]) => {
      const s = String(args[0] ?? '');
      if (s.includes('Hi there') || s.includes('tfjs-node') || s.includes('Platform node has already been set')) return;
      f(...args);
    };
  console.log = filter(original);
  console.warn = filter(warn);
  return () => {
    console.log = original;
    console.warn = warn;
  };
}

async function silenceTfBanner<T>(fn: () => Promise<T>): Promise<T> {
  const unmute = muteTfBanner();
  try {
    return await fn();
  } finally {
    unmute();
  }
}

/** NDArray → float32 tf.Tensor (values rounded to float32, shape kept). */
export function toTensor(tf: Tf, x: NDArray): Tensor {
  const data = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data);
  return tf.tensor(data, [...x.shape], 'float32');
}

/** tf.Tensor → float32 NDArray (a copy; the tensor may be disposed afterwards). */
export function fromTensor(t: Tensor): NDArray {
  const values = t.dataSync();
  return new NDArray(Float32Array.from(values as ArrayLike<number>), t.shape);
}

/**
 * Runs `fn` on tensors made from `inputs`, returns its result as an NDArray, and frees
 * every tensor it made (tf.tidy), so property tests with hundreds of cases do not leak.
 */
export function runOracle(oracle: Oracle, fn: (tf: Tf, ...xs: Tensor[]) => Tensor, ...inputs: NDArray[]): NDArray {
  const { tf } = oracle;
  const result = tf.tidy(() => fn(tf, ...inputs.map((x) => toTensor(tf, x))));
  try {
    return fromTensor(result);
  } finally {
    result.dispose();
  }
}

/**
 * Runs `fn` with the oracle's TensorFlow.js switched to one of its JavaScript backends, then
 * switches back. The backends disagree on a few special values (tf.maximum with NaN, subnormal
 * results of tf.sigmoid, float32 overflow inside sums), so tests of those ask both.
 */
export async function onBackend<T>(oracle: Oracle, name: 'cpu' | 'wasm', fn: () => T): Promise<T> {
  const { tf } = oracle;
  const previous = tf.getBackend();
  if (name === 'wasm') await nativeImport('@tensorflow/tfjs-backend-wasm');
  if (!(await silenceTfBanner(() => tf.setBackend(name)))) {
    throw new Error(`onBackend: TensorFlow.js' ${name} backend failed to initialise`);
  }
  if (name === 'wasm') transposeBeforeMatMul(tf);
  try {
    return fn();
  } finally {
    await tf.setBackend(previous);
  }
}
