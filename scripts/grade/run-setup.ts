/**
 * What one grading run starts with: its folders (the grader's, which only Vitest's main
 * process may write, and the run's, which the workers read), the Vitest config the grader
 * writes for it, and the environment it gets — never the host's own, when unsandboxed only
 * the few variables that find Node and a temp folder.
 */
import { chownSync, copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunOptions } from './run.ts';
import { innerArgs, NOBODY, runsAsRoot, SANDBOX } from './sandbox.ts';
import { graderTemp } from './stage.ts';
import { JUDGE_RUNNER, PROBE_IN_TREE } from './tree.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const GRADER_FILES = ['reporter.ts', 'sandbox-pool.mjs'];
/** The host's variables an unsandboxed run keeps: enough to find Node and a temp folder. */
const ENV_ALLOW = [
  'PATH',
  'Path',
  'PATHEXT',
  'HOME',
  'USERPROFILE',
  'TMPDIR',
  'TMP',
  'TEMP',
  'SystemRoot',
  'SYSTEMROOT',
  'windir',
  'ComSpec',
  'LANG',
  'LC_ALL',
  'TZ',
];

export interface RunDirs {
  base: string;
  /** config, reporter, pool, the results channel: Vitest's main process only (it writes here) */
  grader: string;
  /** the judge's plan: the main process and the workers, read-only */
  run: string;
}

export function runDirs(): RunDirs {
  const base = graderTemp('kata-grade-run-');
  const dirs = { base, grader: path.join(base, 'grader'), run: path.join(base, 'run') };
  for (const d of [dirs.grader, dirs.run]) mkdirSync(d, { mode: 0o755 });
  for (const f of GRADER_FILES) copyFileSync(path.join(HERE, f), path.join(dirs.grader, f));
  return dirs;
}

/** The sandbox runs as nobody when the grader is root: the main process's folder must be theirs. */
export function handOver(dirs: RunDirs, sandboxed: boolean): void {
  if (!sandboxed || !runsAsRoot()) return;
  chownSync(dirs.grader, NOBODY, NOBODY);
  for (const f of readdirSync(dirs.grader)) chownSync(path.join(dirs.grader, f), NOBODY, NOBODY);
}

/** Paths as the run's Vitest sees them: inside the sandbox, or the host's. */
export function seenAs(opts: RunOptions, dirs: RunDirs) {
  return opts.isolation.isolated
    ? { tree: SANDBOX.tree, grader: SANDBOX.grader, run: SANDBOX.run, tmp: '/tmp' }
    : { tree: opts.tree, grader: dirs.grader, run: dirs.run, tmp: path.join(dirs.base, 'tmp') };
}

export function writeConfig(opts: RunOptions, dirs: RunDirs, include: string[]): void {
  const at = seenAs(opts, dirs);
  const mnist = Boolean(process.env.KATA_MNIST_DIR);
  const test = {
    ...(opts.runner.options ?? {}),
    include,
    setupFiles: [...opts.runner.setupFiles, PROBE_IN_TREE],
    globalSetup: opts.runner.globalSetup,
    testTimeout: opts.testTimeoutMs,
    hookTimeout: Math.max(opts.runner.hookTimeout, opts.testTimeoutMs),
    teardownTimeout: 5_000,
    maxWorkers: 1,
    fileParallelism: false,
    isolate: true,
    watch: false,
    silent: true,
    passWithNoTests: true,
    allowOnly: false,
    sequence: { shuffle: false },
    reporters: [`${at.grader}/reporter.ts`],
    attachmentsDir: `${at.tmp}/attachments`,
  };
  const pool = opts.isolation.isolated
    ? `sandboxPool(${JSON.stringify({ bwrap: opts.isolation.bwrap, args: innerArgs(mnist) })})`
    : JSON.stringify('forks');
  const text = [
    "import { sandboxPool } from './sandbox-pool.mjs';",
    '',
    '// the specs first, the judge last: a judge that hangs must not cost the specs their time',
    'class JudgeLast {',
    '  async shard(files) { return files; }',
    `  async sort(files) { return [...files].sort((a, b) => Number(a.moduleId.endsWith(${JSON.stringify(JUDGE_RUNNER)})) - Number(b.moduleId.endsWith(${JSON.stringify(JUDGE_RUNNER)}))); }`,
    '}',
    '',
    `const test = ${JSON.stringify(test, null, 2)};`,
    '',
    `export default { cacheDir: ${JSON.stringify(`${at.tmp}/vite`)}, test: { ...test, sequence: { ...test.sequence, sequencer: JudgeLast }, pool: ${pool} } };`,
    '',
  ].join('\n');
  writeFileSync(path.join(dirs.grader, 'vitest.config.mjs'), text, { mode: 0o644 });
}

export function runEnv(opts: RunOptions, dirs: RunDirs, secret: string): NodeJS.ProcessEnv {
  const at = seenAs(opts, dirs);
  const env: NodeJS.ProcessEnv = {};
  if (opts.isolation.isolated) {
    env.PATH = '/usr/local/bin:/usr/bin:/bin';
    env.LANG = 'C.UTF-8';
  } else {
    for (const k of ENV_ALLOW) if (process.env[k] !== undefined) env[k] = process.env[k];
  }
  if (process.env.KATA_TF_BACKEND) env.KATA_TF_BACKEND = process.env.KATA_TF_BACKEND;
  if (process.env.KATA_MNIST_DIR) {
    env.KATA_MNIST_DIR = opts.isolation.isolated ? SANDBOX.mnist : process.env.KATA_MNIST_DIR;
  }
  return {
    ...env,
    CI: 'true',
    KATA_QUIET: '1',
    KATA_SEED: String(opts.seed),
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    NODE_OPTIONS: `--max-old-space-size=${opts.memoryMb}`,
    KATA_GRADE_CHANNEL: `${at.grader}/${secret}`,
    ...(opts.judgePlan ? { KATA_JUDGE_PLAN: `${at.run}/judge-plan.json` } : {}),
  };
}
