/** Running the repo's own tools as child processes without a shell (works on Windows too). */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './exercises.ts';

/** The JS entry points of the tools npm scripts use, run with this same `node`. */
export const BIN = {
  tsc: path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
  vitest: path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
  biome: path.join(ROOT, 'node_modules', '@biomejs', 'biome', 'bin', 'biome'),
  // StrykerJS lives in its own folder (scripts/mutation/package.json), installed on first use
  stryker: path.join(ROOT, 'scripts', 'mutation', 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'),
} as const;

/** Runs `node <script> ...args` (this `node` unless another is named), streaming output; resolves to the exit code. */
export function runNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  node = process.execPath,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [script, ...args], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
