/**
 * One grading child: a throwaway work tree (the pristine protected files + one learner's
 * exercise code), a vitest run limited to the given spec files in a child process of its own,
 * with a per-test and a whole-run time limit and a heap cap, and the run's results as read
 * from the grader's reporter (scripts/grade/reporter.ts) — never from the child's output.
 *
 * The child's process group is killed when the time limit is reached (taskkill /T on
 * Windows), so a learner's infinite loop cannot keep vitest's worker alive after it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXERCISE_DIR_PATTERN } from '../../lib/exercises.ts';
import type { RunnerConfig } from './manifest.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPORTER = path.join(HERE, 'reporter.ts');
const PROBE = path.join(HERE, 'probe.ts');

/** Files a learner's exercise folder may not bring into the work tree: specs, metadata, configs. */
const NOT_LEARNER_CODE = /(\.(spec|test)\.[cm]?[jt]s|^meta\.json|^package\.json|^tsconfig.*\.json|^jsconfig.*\.json)$/;
const MAX_FILE_BYTES = 10 * 1024 * 1024;
const MAX_TREE_BYTES = 100 * 1024 * 1024;

export interface TreeSpec {
  /** the folder the protected files are copied from (grading/pristine) */
  pristineRoot: string;
  /** their relative paths */
  files: readonly string[];
  /** the tree's package.json (type, imports) */
  packageJson: Record<string, unknown>;
  /** a folder of NN-slug/ folders whose files become exercises/NN-slug/ (a submission's exercises/, or solutions/) */
  codeDir: string | null;
  /** the instructor's hidden specs, copied to hidden/ */
  hiddenDir?: string | null;
  /** the grader's node_modules, linked into the tree */
  nodeModules: string;
}

export interface Tree {
  root: string;
  /** what was left out of the learner's code, and why */
  warnings: string[];
}

/** Copies regular files only (no symlinks, dotfiles or node_modules), within size limits. */
function copyDir(
  from: string,
  to: string,
  filter: (name: string) => boolean,
  budget: { bytes: number },
  warnings: string[],
  label: string,
) {
  if (!existsSync(from)) return;
  for (const d of readdirSync(from, { withFileTypes: true })) {
    if (d.name.startsWith('.') || d.name === 'node_modules') continue;
    const src = path.join(from, d.name);
    const dst = path.join(to, d.name);
    const where = `${label}/${d.name}`;
    if (d.isSymbolicLink()) {
      warnings.push(`${where}: a symbolic link, left out`);
    } else if (d.isDirectory()) {
      copyDir(src, dst, filter, budget, warnings, where);
    } else if (d.isFile() && filter(d.name)) {
      const size = lstatSync(src).size;
      if (size > MAX_FILE_BYTES || budget.bytes + size > MAX_TREE_BYTES) {
        warnings.push(`${where}: too large (${(size / 1e6).toFixed(1)} MB), left out`);
        continue;
      }
      budget.bytes += size;
      mkdirSync(to, { recursive: true });
      copyFileSync(src, dst);
    }
  }
}

export function buildTree(spec: TreeSpec): Tree {
  const root = mkdtempSync(path.join(tmpdir(), 'kata-grade-tree-'));
  const warnings: string[] = [];
  const budget = { bytes: 0 };
  if (spec.codeDir && existsSync(spec.codeDir)) {
    for (const d of readdirSync(spec.codeDir, { withFileTypes: true })) {
      if (!d.isDirectory() || !EXERCISE_DIR_PATTERN.test(d.name)) continue;
      copyDir(
        path.join(spec.codeDir, d.name),
        path.join(root, 'exercises', d.name),
        (name) => !NOT_LEARNER_CODE.test(name),
        budget,
        warnings,
        `exercises/${d.name}`,
      );
    }
  }
  if (spec.hiddenDir) copyDir(spec.hiddenDir, path.join(root, 'hidden'), () => true, { bytes: 0 }, [], 'hidden');
  for (const f of spec.files) {
    const to = path.join(root, f);
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(path.join(spec.pristineRoot, f), to);
  }
  writeFileSync(
    path.join(root, 'package.json'),
    `${JSON.stringify({ name: 'kata-grade-tree', private: true, ...spec.packageJson }, null, 2)}\n`,
  );
  // a junction needs no privilege on Windows; elsewhere the type is ignored
  symlinkSync(spec.nodeModules, path.join(root, 'node_modules'), 'junction');
  return { root, warnings };
}

export function removeTree(root: string): void {
  try {
    unlinkSync(path.join(root, 'node_modules')); // the link, never what it points to
  } catch {
    // already gone
  }
  rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

export interface RunOptions {
  tree: string;
  /** spec files to run, relative to the tree */
  include: string[];
  runner: RunnerConfig;
  testTimeoutMs: number;
  /** the whole child's time limit */
  timeoutMs: number;
  memoryMb: number;
  seed: number;
  /** 'list' only collects the tests (the manifest and the hidden specs' reference run use it) */
  mode?: 'run' | 'list';
}

export interface TestEvent {
  file: string;
  id: string;
  name: string;
  state: string;
  duration: number | null;
  errors: string[];
}

export type RunStatus = 'completed' | 'timeout' | 'out-of-memory' | 'crashed' | 'import-error';

export interface RunResult {
  status: RunStatus;
  /** a one-line explanation when status is not 'completed' */
  message: string | null;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** file (relative to the tree, POSIX) → its tests in collection order */
  collected: Map<string, { id: string; name: string }[]>;
  results: Map<string, TestEvent>;
  /** errors of a spec file that failed to load, per file */
  moduleErrors: Map<string, string[]>;
  unhandled: string[];
  /** the id of the test the worker was running when the child stopped early */
  running: string | null;
  provided: Record<string, unknown> | null;
  /** the last lines of the child's stderr, for diagnosis only (never printed for hidden runs) */
  stderr: string;
}

const OOM =
  /JavaScript heap out of memory|Reached heap limit|FatalProcessOutOfMemory|ERR_WORKER_OUT_OF_MEMORY|Allocation failed/;
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
  'KATA_TF_BACKEND',
  'KATA_MNIST_DIR',
];

/** The child's environment: an allowlist (no tokens or secrets of the grading job), plus ours. */
function childEnv(opts: RunOptions, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of ENV_ALLOW) if (process.env[k] !== undefined) env[k] = process.env[k];
  return {
    ...env,
    CI: 'true',
    KATA_QUIET: '1',
    KATA_SEED: String(opts.seed),
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    NODE_OPTIONS: `--max-old-space-size=${opts.memoryMb}`,
    ...extra,
  };
}

function writeConfig(dir: string, opts: RunOptions): string {
  const config = {
    cacheDir: path.join(opts.tree, '.vite'),
    test: {
      ...(opts.runner.options ?? {}),
      include: opts.include,
      setupFiles: [...opts.runner.setupFiles, PROBE],
      globalSetup: opts.runner.globalSetup,
      testTimeout: opts.testTimeoutMs,
      hookTimeout: Math.max(opts.runner.hookTimeout, opts.testTimeoutMs),
      teardownTimeout: 5_000,
      pool: 'forks',
      maxWorkers: 1,
      fileParallelism: false,
      isolate: true,
      watch: false,
      silent: true,
      passWithNoTests: true,
      allowOnly: false,
      sequence: { shuffle: false },
      reporters: [REPORTER],
    },
  };
  const file = path.join(dir, 'vitest.config.mjs');
  writeFileSync(file, `export default ${JSON.stringify(config, null, 2)};\n`);
  return file;
}

function killTree(pid: number): void {
  try {
    if (process.platform === 'win32') {
      spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    } else {
      process.kill(-pid, 'SIGKILL');
    }
  } catch {
    // already gone
  }
}

function tail(chunks: Buffer[], max = 16_000): string {
  const s = Buffer.concat(chunks).toString('utf8');
  return s.length > max ? s.slice(-max) : s;
}

function readLines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut short by a kill: ignore it
    }
  }
  return out;
}

const VITEST = (nodeModules: string) => path.join(nodeModules, 'vitest', 'vitest.mjs');

/** Runs vitest once in its own process and reads what the grader's reporter wrote. */
export async function runVitest(opts: RunOptions, nodeModules: string): Promise<RunResult> {
  const jobDir = mkdtempSync(path.join(tmpdir(), 'kata-grade-run-'));
  try {
    const channelFile = path.join(jobDir, 'channel.jsonl');
    const listFile = path.join(jobDir, 'list.json');
    const nonce = randomBytes(16).toString('hex');
    const config = writeConfig(jobDir, opts);
    const args =
      opts.mode === 'list'
        ? ['list', '--config', config, '--root', opts.tree, `--json=${listFile}`]
        : ['run', '--config', config, '--root', opts.tree];
    const secret = path.join(jobDir, `${randomBytes(8).toString('hex')}.json`);
    writeFileSync(secret, JSON.stringify({ file: channelFile, nonce }), { mode: 0o600 });
    const env = childEnv(opts, { KATA_GRADE_CHANNEL: secret });
    const started = Date.now();
    const child = spawn(process.execPath, [VITEST(nodeModules), ...args], {
      cwd: opts.tree,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const stderr: Buffer[] = [];
    let stderrBytes = 0;
    child.stderr?.on('data', (b: Buffer) => {
      stderr.push(b);
      stderrBytes += b.length;
      while (stderrBytes > 64_000 && stderr.length > 1) stderrBytes -= (stderr.shift() as Buffer).length;
    });
    child.stdout?.resume(); // the learner can print anything; the grader never reads it
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) killTree(child.pid);
    }, opts.timeoutMs);
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.on('error', () => resolve({ code: null, signal: null }));
      child.on('exit', (c, s) => resolve({ code: c, signal: s }));
    });
    clearTimeout(timer);
    // whatever the learner's code left running in the group goes too (not the tree on Windows: it has no group)
    if (child.pid && process.platform !== 'win32') killTree(child.pid);
    // the last of stderr (an out-of-memory report) may still be in the pipe; a grandchild that
    // escaped the group could hold it open, so wait only a little
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    child.stdout?.destroy();
    child.stderr?.destroy();
    const durationMs = Date.now() - started;

    const result: RunResult = {
      status: 'completed',
      message: null,
      exitCode: code,
      signal,
      durationMs,
      collected: new Map(),
      results: new Map(),
      moduleErrors: new Map(),
      unhandled: [],
      running: null,
      provided: null,
      stderr: tail(stderr),
    };
    const rel = (f: unknown) => path.relative(opts.tree, String(f)).split(path.sep).join('/');
    let ended = false;
    let lastStarted: string | null = null;
    for (const e of readLines(channelFile)) {
      if (e.nonce !== nonce) continue;
      if (e.type === 'start' && typeof e.id === 'string') {
        lastStarted = e.id;
      } else if (e.type === 'collected' && Array.isArray(e.tests)) {
        if (e.provided && typeof e.provided === 'object') result.provided = e.provided as Record<string, unknown>;
        result.collected.set(
          rel(e.file),
          (e.tests as { id: unknown; name: unknown }[]).map((t) => ({ id: String(t.id), name: String(t.name) })),
        );
      } else if (e.type === 'result' && typeof e.id === 'string') {
        result.results.set(e.id, {
          file: rel(e.file),
          id: e.id,
          name: String(e.name),
          state: String(e.state),
          duration: typeof e.duration === 'number' ? e.duration : null,
          errors: Array.isArray(e.errors) ? e.errors.map(String) : [],
        });
      } else if (e.type === 'module') {
        const errors = Array.isArray(e.errors) ? e.errors.map(String) : [];
        if (errors.length) result.moduleErrors.set(rel(e.file), errors);
        if (e.provided && typeof e.provided === 'object') result.provided = e.provided as Record<string, unknown>;
      } else if (e.type === 'end') {
        ended = true;
        result.unhandled = Array.isArray(e.unhandled) ? e.unhandled.map(String) : [];
      }
    }
    if (opts.mode === 'list' && existsSync(listFile)) {
      // `vitest list` calls no reporter hooks per test: read its JSON instead (no ids there)
      const listed = JSON.parse(readFileSync(listFile, 'utf8')) as { name: string; file: string }[];
      result.collected.clear();
      for (const t of listed) {
        const f = rel(t.file);
        const tests = result.collected.get(f) ?? [];
        tests.push({ id: `${f}#${tests.length}`, name: t.name });
        result.collected.set(f, tests);
      }
      ended = code === 0;
    }
    if (lastStarted && !result.results.has(lastStarted)) result.running = lastStarted;

    const oom = OOM.test(result.stderr) || result.unhandled.some((u) => OOM.test(u));
    const exit = signal ? `signal ${signal}` : `exit code ${code}`;
    const anyTests = [...result.collected.values()].some((t) => t.length > 0);
    const firstModuleError = [...result.moduleErrors.values()][0]?.[0] ?? null;
    const lastError = lastErrorLine(result.stderr);
    if (timedOut) {
      result.status = 'timeout';
      result.message = `stopped after its time limit of ${Math.round(opts.timeoutMs / 1000)} s`;
    } else if (oom) {
      result.status = 'out-of-memory';
      result.message = `ran out of memory (heap limit ${opts.memoryMb} MB)`;
    } else if (firstModuleError && !anyTests) {
      result.status = 'import-error';
      result.message = firstModuleError;
    } else if (!ended) {
      result.status = 'crashed';
      result.message = `the test process died (${exit})${lastError ? `: ${lastError}` : ''}`;
    } else if (result.unhandled.length && missing(result)) {
      result.status = 'crashed';
      result.message = `the test worker died: ${result.unhandled[0]}`;
    }
    return result;
  } finally {
    rmSync(jobDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** True if some collected test has no result. */
function missing(r: RunResult): boolean {
  for (const tests of r.collected.values()) for (const t of tests) if (!r.results.has(t.id)) return true;
  return false;
}

function lastErrorLine(stderr: string): string | null {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^([A-Z][A-Za-z]*Error|Error)\b.*:/.test(l) || /^Error\b/.test(l));
  return lines.length ? (lines[lines.length - 1] as string).slice(0, 300) : null;
}
