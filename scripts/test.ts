/**
 * `npm test`: everything a maintainer needs to trust the kata, in order —
 *   1. typecheck  (tsc --noEmit)
 *   2. lint       (biome check: formatting and lint rules)
 *   3. vitest     the repo tests (lib/, scripts/, integrity, stubs fail) and every spec
 *                 against the reference solutions, in one run
 * Stops at the first failing step. Prints each step's time and a closing count line.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../lib/exercises.ts';
import { BIN, runNode } from './lib/proc.ts';

interface Step {
  name: string;
  script: string;
  args: string[];
}

const report = path.join(tmpdir(), `kata-test-${process.pid}.json`);
// a learner's template (npm run template) has neither the solutions nor the maintainers' tests
const template = !existsSync(path.join(ROOT, 'solutions'));
const steps: Step[] = [
  { name: 'typecheck', script: BIN.tsc, args: ['--noEmit', '-p', 'tsconfig.json'] },
  { name: 'lint', script: BIN.biome, args: ['check', '.'] },
  {
    name: 'tests',
    script: BIN.vitest,
    args: [
      'run',
      '--project',
      'repo',
      '--project',
      'solutions',
      // Two test files at once even on 2 cores (Vitest's default there is one): many of the
      // repo's tests wait on processes they start, and 2 took npm test from 285 to 236 s here.
      `--maxWorkers=${Math.max(2, os.availableParallelism() - 1)}`,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
  },
];
if (template) {
  steps.pop();
  console.log(
    "npm test: this copy of the kata has no solutions/ or tests/ (a learner's template): typecheck and lint only.\n" +
      "Your exercises: npm start; the maintainers' checks run in the kata's own repository.",
  );
}

const started = Date.now();
const timings: string[] = [];
for (const step of steps) {
  const t0 = Date.now();
  console.log(`\n── npm test: ${step.name} ──`);
  const code = await runNode(step.script, step.args);
  timings.push(`${step.name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (code !== 0) {
    console.error(`\nnpm test: ${step.name} failed (exit ${code}). ${timings.join(', ')}`);
    process.exit(code);
  }
}

let counts = '';
if (template) {
  console.log(`\nnpm test: ${timings.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(0);
}
try {
  const json = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number };
  counts = `${json.numPassedTests} passed, ${json.numFailedTests} failed`;
} finally {
  rmSync(report, { force: true });
}
console.log(`\nnpm test: ${timings.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(counts);
