/** Runs once per vitest run, in the main process: says which TensorFlow.js backend is the oracle. */
import type { TestProject } from 'vitest/node';
// Only light modules here: this runs in vitest's main process before any worker starts, and
// lib/oracle.ts (NDArray and its neighbours) or lib/runs.ts (fast-check) would load with it.
import { type BackendName, describeBackend, plannedBackend, requestedBackend } from './oracle-backends.ts';
import { runSeed } from './rng.ts';
import { baseRuns } from './run-count.ts';

// vitest loads this module once per project; the flag lives on the process so the line prints once.
const PRINTED = Symbol.for('gradient-katas.oracle-printed');

export default async function setup(project: TestProject): Promise<void> {
  // A bad KATA_SEED or KATA_RUNS fails once, here, not in every spec file.
  runSeed();
  baseRuns();
  // A bad or unusable KATA_TF_BACKEND fails here, once, before any spec runs. Otherwise the
  // backend is planned from the installed packages, not loaded: loading TensorFlow.js here
  // as well as in every worker cost ≈0.4 s per run.
  const backend = requestedBackend() ? await loadedBackend() : plannedBackend();
  const g = globalThis as { [PRINTED]?: boolean };
  if (!g[PRINTED] && process.env.KATA_QUIET !== '1') {
    g[PRINTED] = true;
    // loadOracle({ small: true }) checks the specs' small tensors on cpu where the default is wasm
    const small = backend === 'wasm' && !requestedBackend() ? ' (small checks on its cpu backend)' : '';
    console.log(`oracle: ${describeBackend(backend)}${small}`);
  }
  project.provide('oracleBackend', backend);
}

async function loadedBackend(): Promise<BackendName> {
  const { loadOracle } = await import('./oracle.ts');
  return (await loadOracle()).backend;
}

declare module 'vitest' {
  export interface ProvidedContext {
    oracleBackend: string;
  }
}
