/** Runs once per vitest run, in the main process: says which TensorFlow.js backend is the oracle. */
import type { TestProject } from 'vitest/node';
import { loadOracle, requestedBackend } from './oracle.ts';

// vitest loads this module once per project; the flag lives on the process so the line prints once.
const PRINTED = Symbol.for('gradient-katas.oracle-printed');

export default async function setup(project: TestProject): Promise<void> {
  requestedBackend(); // a bad KATA_TF_BACKEND fails here, once, before any spec runs
  const oracle = await loadOracle();
  const g = globalThis as { [PRINTED]?: boolean };
  if (!g[PRINTED] && process.env.KATA_QUIET !== '1') {
    g[PRINTED] = true;
    console.log(`oracle: ${oracle.description}`);
  }
  project.provide('oracleBackend', oracle.backend);
}

declare module 'vitest' {
  export interface ProvidedContext {
    oracleBackend: string;
  }
}
