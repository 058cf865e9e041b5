/**
 * `npm test`: everything a maintainer needs to trust the kata, in order —
 *   1. typecheck  (tsc --noEmit)
 *   2. lint       (biome check: formatting and lint rules; a warning fails too)
 *   3. vitest     the repo tests (lib/, scripts/, integrity, stubs fail, the manifest) and every
 *                 spec against the reference solutions, in one run
 * Stops at the first failing step. Prints each step's time and a closing count line. In a
 * maintainer's copy the typecheck (tsc, one core for about 12 s) runs alongside lint and the
 * tests, whose files spend much of their time waiting on processes they start: its report is
 * printed after the tests', and a failing typecheck stops them.
 *
 * On a learner's copy (scripts/lib/kata-stubs.ts says how it tells) the same checks look at the
 * kata, not at the learner's work: the typecheck reads the kata's stubs in place of the
 * exercise code, lint leaves the exercise code out, and the tests check the kata's stubs from
 * a stage. So npm test stays green however far the learner has got; `KATA_MODE=maintainer`
 * makes it check the working tree as it is.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { readManifest } from './grade/manifest-file.ts';
import { commandArgs } from './lib/args.ts';
import { ROOT } from './lib/exercises.ts';
import { KataStubsUnavailable, kataCodePaths, kataMode, kataStubBytes } from './lib/kata-stubs.ts';
import { BIN, runNode } from './lib/proc.ts';

commandArgs(import.meta.url, process.argv.slice(2), {});

interface Step {
  name: string;
  run: () => Promise<number>;
}

const report = path.join(tmpdir(), `kata-test-${process.pid}.json`);
// a learner's template (npm run template) has neither the solutions nor the maintainers' tests
const template = !existsSync(path.join(ROOT, 'solutions'));
let copy: ReturnType<typeof kataMode>;
let stubs = new Map<string, Uint8Array>();
try {
  copy = kataMode(ROOT);
  if (copy.mode === 'learner') stubs = kataStubBytes(ROOT, readManifest(ROOT));
} catch (e) {
  const hint = e instanceof KataStubsUnavailable ? '' : ' (KATA_MODE=maintainer checks the working tree as it is)';
  console.error(`npm test: ${(e as Error).message}${hint}`);
  process.exit(1);
}
const learner = copy.mode === 'learner';
const node =
  (script: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  () =>
    runNode(script, args, env);

/** tsc in the background, its report held back so that it does not cut into the tests' output. */
function typecheckAlongside(): { done: Promise<number>; report: () => string; stop: () => void } {
  const child = spawn(process.execPath, [BIN.tsc, '--noEmit', '-p', 'tsconfig.json'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const done = new Promise<number>((resolve) => {
    child.on('error', (e) => {
      out += `${e.message}\n`;
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  return { done, report: () => out, stop: () => child.kill() };
}

const alongside = !learner && !template ? typecheckAlongside() : null;

const vitestArgs = [
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
];
// the tests decide as npm test did, even if a file is saved while they run
const vitestEnv = { KATA_MODE: copy.mode };

/** The tests, stopped as soon as the typecheck beside them fails. */
function testsBeside(typecheck: Promise<number>): Promise<number> {
  const child = spawn(process.execPath, [BIN.vitest, ...vitestArgs], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...vitestEnv },
  });
  void typecheck.then((code) => {
    if (code !== 0) child.kill();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const steps: Step[] = [
  ...(alongside
    ? []
    : [
        {
          name: 'typecheck',
          run: learner
            ? async () => {
                // imported here: it loads the TypeScript compiler, which `npm test -- --help` need not
                const { typecheckWithStubs } = await import('./lib/typecheck.ts');
                const { errors, report: text } = typecheckWithStubs(ROOT, stubs);
                if (text) process.stdout.write(text);
                return errors ? 2 : 0;
              }
            : node(BIN.tsc, ['--noEmit', '-p', 'tsconfig.json']),
        },
      ]),
  {
    name: 'lint',
    run: node(BIN.biome, ['check', '--error-on-warnings', ...(learner ? kataCodePaths(ROOT) : ['.'])]),
  },
  {
    name: 'tests',
    run: alongside ? () => testsBeside(alongside.done) : node(BIN.vitest, vitestArgs, vitestEnv),
  },
];
if (template) {
  steps.pop();
  console.log(
    "npm test: this copy of the kata has no solutions/ or tests/ (a learner's template): typecheck and lint only.\n" +
      "Your exercises: npm start; the maintainers' checks run in the kata's own repository.",
  );
} else if (learner) {
  console.log(
    `npm test: a learner's copy — ${copy.reason}.\n` +
      "It checks the kata as it ships: the kata's stubs (from grading/manifest.json and git), not your exercise code;\n" +
      'npm start runs your specs. (KATA_MODE=maintainer npm test checks the working tree as it is.)',
  );
}

const started = Date.now();
const timings: string[] = [];
const fail = (name: string, code: number): never => {
  alongside?.stop();
  console.error(`\nnpm test: ${name} failed (exit ${code}). ${timings.join(', ')}`);
  process.exit(code);
};
if (alongside) {
  console.log('\n── npm test: typecheck (alongside lint and the tests; its report follows theirs) ──');
  void alongside.done.then(() => timings.unshift(`typecheck ${((Date.now() - started) / 1000).toFixed(1)} s`));
}
for (const step of steps) {
  const t0 = Date.now();
  console.log(`\n── npm test: ${step.name} ──`);
  const code = await step.run();
  timings.push(`${step.name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (alongside && step.name === 'tests') {
    // the typecheck first: when it fails, it is why the tests stopped
    const typecheck = await alongside.done;
    console.log('\n── npm test: typecheck ──');
    process.stdout.write(alongside.report());
    if (typecheck !== 0) fail('typecheck', typecheck);
  }
  if (code !== 0) fail(step.name, code);
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
