/**
 * Which TensorFlow.js backend the oracle (lib/oracle.ts) uses, decided without loading
 * TensorFlow.js or anything of lib/ beside: vitest's global setup imports this in the main
 * process of every run, where lib/oracle.ts would bring NDArray and its neighbours along.
 */
import { createRequire } from 'node:module';

export type BackendName = 'node' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['node', 'wasm', 'cpu'];

const nodeRequire = createRequire(import.meta.url);

/** The backend KATA_TF_BACKEND asks for, or null to take the best available. */
export function requestedBackend(env: NodeJS.ProcessEnv = process.env): BackendName | null {
  const raw = env.KATA_TF_BACKEND?.trim().toLowerCase();
  if (!raw || raw === 'auto') return null;
  if ((BACKENDS as readonly string[]).includes(raw)) return raw as BackendName;
  throw new Error(
    `KATA_TF_BACKEND=${env.KATA_TF_BACKEND} is not a backend: use one of ${BACKENDS.join(', ')} (or leave it unset to choose automatically)`,
  );
}

export const PACKAGE: Record<BackendName, string> = {
  node: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs',
};

export function installed(name: BackendName): boolean {
  try {
    nodeRequire.resolve(PACKAGE[name]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The backend loadOracle() will use, decided without loading TensorFlow.js (≈0.3 s): the
 * requested one, else the first whose package is installed. vitest's global setup prints
 * it once; a worker whose backend then fails to start falls back and says so.
 */
export function plannedBackend(env: NodeJS.ProcessEnv = process.env): BackendName {
  return backendOrder(env)[0] ?? 'cpu';
}

/** The backends loadOracle() tries, in order: the requested one, else every installed one. */
export function backendOrder(env: NodeJS.ProcessEnv = process.env): BackendName[] {
  const forced = requestedBackend(env);
  return forced ? [forced] : BACKENDS.filter((name) => name === 'cpu' || installed(name));
}

/** "TensorFlow.js 4.22.0 on the wasm backend" */
export function describeBackend(backend: BackendName): string {
  const version = (nodeRequire('@tensorflow/tfjs/package.json') as { version: string }).version;
  return `TensorFlow.js ${version} on the ${backend} backend`;
}
