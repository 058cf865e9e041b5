/**
 * One grading run: Vitest over a learner's tree, limited to the given spec files (and the
 * judge's runner), inside the sandbox (scripts/grade/sandbox.ts) when there is one, with a
 * per-test and a whole-run time limit and a heap cap. Results come from the grader's reporter
 * (scripts/grade/reporter.ts) in Vitest's main process, through a file only that process can
 * reach — never from the run's output.
 *
 * Whatever the run does, its result is only taken once every process it started is gone: the
 * sandbox's PID namespace is checked empty (and emptied) after Vitest exits or is stopped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunnerConfig } from './manifest.ts';
import { readRegular } from './safe-fs.ts';
import {
  bwrapCommand,
  type Isolation,
  innerArgs,
  NOBODY,
  outerArgs,
  pidNamespace,
  processesIn,
  runsAsRoot,
  SANDBOX,
} from './sandbox.ts';
import { graderTemp } from './stage.ts';
import { PROBE_IN_TREE } from './tree.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The judge's runner, as a test file of the tree: Vitest runs it after the specs. */
export const JUDGE_RUNNER = 'grading/judge/runner.ts';
const GRADER_FILES = ['reporter.ts', 'sandbox-pool.mjs'];

export interface RunOptions {
  /** the learner's tree (host path) */
  tree: string;
  /** spec files to run, relative to the tree */
  include: string[];
  runner: RunnerConfig;
  testTimeoutMs: number;
  /** the whole run's time limit */
  timeoutMs: number;
  memoryMb: number;
  seed: number;
  /** the grader's node_modules (mounted read-only in the sandbox) */
  nodeModules: string;
  /** the sandbox, or how the run goes without one */
  isolation: Isolation & { bwrap: string | null };
  /** the judge's plan (JSON), run as one more test file when given, after the specs */
  judgePlan?: string | null;
  /** 'list' only collects the tests (the manifest uses it) */
  mode?: 'run' | 'list';
}

export interface TestEvent {
  file: string;
  id: string;
  name: string;
  state: string;
  duration: number | null;
  errors: string[];
  meta: Record<string, unknown> | null;
}

export type RunStatus = 'completed' | 'timeout' | 'out-of-memory' | 'crashed' | 'import-error' | 'not-graded';

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
  /** the tests that started and never finished (the run stopped, or their worker died, during them) */
  running: string[];
  provided: Record<string, unknown> | null;
  /** the last lines of the run's stderr, for diagnosis only (never printed for hidden runs) */
  stderr: string;
  /** how the tree's root is written in messages (to strip it) */
  roots: string[];
  /** processes of the run still alive after it ended, which the grader killed */
  leftovers: number;
}

const OOM =
  /JavaScript heap out of memory|Reached heap limit|FatalProcessOutOfMemory|ERR_WORKER_OUT_OF_MEMORY|Allocation failed/;
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
const MAX_CHANNEL_BYTES = 256 * 1024 * 1024;

interface RunDirs {
  base: string;
  /** config, reporter, pool, the results channel: Vitest's main process only (it writes here) */
  grader: string;
  /** the judge's plan: the main process and the workers, read-only */
  run: string;
}

function runDirs(): RunDirs {
  const base = graderTemp('kata-grade-run-');
  const dirs = { base, grader: path.join(base, 'grader'), run: path.join(base, 'run') };
  for (const d of [dirs.grader, dirs.run]) mkdirSync(d, { mode: 0o755 });
  for (const f of GRADER_FILES) copyFileSync(path.join(HERE, f), path.join(dirs.grader, f));
  return dirs;
}

/** The sandbox runs as nobody when the grader is root: the main process's folder must be theirs. */
function handOver(dirs: RunDirs, sandboxed: boolean): void {
  if (!sandboxed || !runsAsRoot()) return;
  chownSync(dirs.grader, NOBODY, NOBODY);
  for (const f of readdirSync(dirs.grader)) chownSync(path.join(dirs.grader, f), NOBODY, NOBODY);
}

/** Paths as the run's Vitest sees them: inside the sandbox, or the host's. */
function seenAs(opts: RunOptions, dirs: RunDirs) {
  return opts.isolation.isolated
    ? { tree: SANDBOX.tree, grader: SANDBOX.grader, run: SANDBOX.run, tmp: '/tmp' }
    : { tree: opts.tree, grader: dirs.grader, run: dirs.run, tmp: path.join(dirs.base, 'tmp') };
}

function writeConfig(opts: RunOptions, dirs: RunDirs, include: string[]): void {
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

function runEnv(opts: RunOptions, dirs: RunDirs, secret: string): NodeJS.ProcessEnv {
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

function killGroup(pid: number): void {
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until no process is left in the namespace, killing what remains; returns how many had to be killed. */
async function emptyNamespace(ns: string | null): Promise<number> {
  if (!ns) return 0;
  let left = processesIn(ns);
  for (let i = 0; i < 20 && left.length; i++) {
    await sleep(50);
    left = processesIn(ns);
  }
  const killed = left.length;
  for (let i = 0; i < 40 && left.length; i++) {
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await sleep(50);
    left = processesIn(ns);
  }
  if (left.length)
    throw new Error(`grading: processes ${left.join(', ')} of a run outlived it and could not be killed`);
  return killed;
}

/** Runs Vitest once, sandboxed when possible, and reads what the grader's reporter wrote. */
export async function runVitest(opts: RunOptions): Promise<RunResult> {
  const sandboxed = opts.isolation.isolated;
  const dirs = runDirs();
  try {
    const at = seenAs(opts, dirs);
    const include = [...opts.include];
    if (opts.judgePlan) {
      writeFileSync(path.join(dirs.run, 'judge-plan.json'), opts.judgePlan, { mode: 0o644 });
      include.push(JUDGE_RUNNER);
    }
    writeConfig(opts, dirs, include);
    const nonce = randomBytes(16).toString('hex');
    const secret = `${randomBytes(8).toString('hex')}.json`;
    const channel = path.join(dirs.grader, 'channel.jsonl');
    writeFileSync(path.join(dirs.grader, secret), JSON.stringify({ file: `${at.grader}/channel.jsonl`, nonce }), {
      mode: 0o600,
    });
    handOver(dirs, sandboxed);
    const listFile = `${at.grader}/list.json`;
    const vitest = `${at.tree}/node_modules/vitest/vitest.mjs`;
    const config = `${at.grader}/vitest.config.mjs`;
    const vitestArgs =
      opts.mode === 'list'
        ? [vitest, 'list', '--config', config, '--root', at.tree, `--json=${listFile}`]
        : [vitest, 'run', '--config', config, '--root', at.tree];
    let command: string;
    let args: string[];
    if (sandboxed) {
      const bw = bwrapCommand(opts.isolation.bwrap as string);
      command = bw.command;
      const mounts = outerArgs({
        tree: opts.tree,
        // bubblewrap resolves it as the sandbox's user (nobody, when the grader is root)
        nodeModules: realpathSync(opts.nodeModules),
        grader: dirs.grader,
        run: dirs.run,
        mnistDir: process.env.KATA_MNIST_DIR ?? null,
      });
      args = [...bw.prefix, ...mounts, '--info-fd', '3', '--', process.execPath, ...vitestArgs];
    } else {
      mkdirSync(path.join(dirs.base, 'tmp'));
      command = process.execPath;
      args = vitestArgs;
    }
    const started = Date.now();
    const child = spawn(command, args, {
      cwd: sandboxed ? undefined : opts.tree,
      env: runEnv(opts, dirs, secret),
      stdio: ['ignore', 'pipe', 'pipe', sandboxed ? 'pipe' : 'ignore'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    let ns: string | null = null;
    const info = child.stdio[3] as NodeJS.ReadableStream | null;
    info?.on('data', (b: Buffer) => {
      const m = /"child-pid"\s*:\s*(\d+)/.exec(b.toString('utf8'));
      if (m && !ns) ns = pidNamespace(Number(m[1]));
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
      if (child.pid) killGroup(child.pid);
    }, opts.timeoutMs);
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.on('error', () => resolve({ code: null, signal: null }));
      child.on('exit', (c, s) => resolve({ code: c, signal: s }));
    });
    clearTimeout(timer);
    // whatever the run left in its group goes too (not on Windows: no groups there)
    if (child.pid && process.platform !== 'win32') killGroup(child.pid);
    await Promise.race([closed, sleep(2_000)]);
    for (const s of [child.stdout, child.stderr, info]) (s as { destroy?: () => void } | null)?.destroy?.();
    const leftovers = sandboxed ? await emptyNamespace(ns) : 0;
    const durationMs = Date.now() - started;

    const result = parseChannel(channel, nonce, {
      code,
      signal,
      timedOut,
      durationMs,
      stderr: tail(stderr),
      timeoutMs: opts.timeoutMs,
      memoryMb: opts.memoryMb,
      treeSeen: at.tree,
      leftovers,
      listFile: opts.mode === 'list' ? path.join(dirs.grader, 'list.json') : null,
    });
    result.roots = [at.tree, opts.tree];
    return result;
  } finally {
    rmSync(dirs.base, { recursive: true, force: true, maxRetries: 3 });
  }
}

interface Ending {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  stderr: string;
  timeoutMs: number;
  memoryMb: number;
  /** the tree's root as the run saw it */
  treeSeen: string;
  leftovers: number;
  listFile: string | null;
}

function readLines(file: string): { events: Record<string, unknown>[]; unreadable: number } {
  let text = '';
  try {
    text = readRegular(file, MAX_CHANNEL_BYTES)?.toString('utf8') ?? '';
  } catch {
    return { events: [], unreadable: 1 };
  }
  const events: Record<string, unknown>[] = [];
  let unreadable = 0;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const e = JSON.parse(line) as unknown;
      if (e && typeof e === 'object' && !Array.isArray(e)) events.push(e as Record<string, unknown>);
      else unreadable++;
    } catch {
      // the last line may be cut short by a kill; any other broken line is not the reporter's
      if (i < lines.length - 1) unreadable++;
    }
  });
  return { events, unreadable };
}

/**
 * The run's result from the reporter's lines. A run that ended by a signal, wrote lines the
 * reporter did not write, reported a test twice with different results, or reported tests
 * that were never collected, is "crashed" — never "completed".
 */
export function parseChannel(file: string, nonce: string, end: Ending): RunResult {
  const result = emptyResult('completed', null, {
    exitCode: end.code,
    signal: end.signal,
    durationMs: end.durationMs,
    stderr: end.stderr,
    leftovers: end.leftovers,
  });
  const rel = (f: unknown) => {
    const s = String(f);
    const r = s.startsWith(`${end.treeSeen}/`) ? s.slice(end.treeSeen.length + 1) : path.relative(end.treeSeen, s);
    return r.split(path.sep).join('/');
  };
  const { events, unreadable } = readLines(file);
  let foreign = unreadable;
  let ended = false;
  const started: string[] = [];
  const conflicts: string[] = [];
  for (const e of events) {
    if (e.nonce !== nonce) {
      foreign++;
      continue;
    }
    if (e.type === 'start' && typeof e.id === 'string') {
      started.push(e.id);
    } else if (e.type === 'collected' && Array.isArray(e.tests)) {
      if (e.provided && typeof e.provided === 'object') result.provided = e.provided as Record<string, unknown>;
      result.collected.set(
        rel(e.file),
        (e.tests as { id: unknown; name: unknown }[]).map((t) => ({ id: String(t.id), name: String(t.name) })),
      );
    } else if (e.type === 'result' && typeof e.id === 'string') {
      const event: TestEvent = {
        file: rel(e.file),
        id: e.id,
        name: String(e.name),
        state: String(e.state),
        duration: typeof e.duration === 'number' ? e.duration : null,
        errors: Array.isArray(e.errors) ? e.errors.map(String) : [],
        meta: e.meta && typeof e.meta === 'object' ? (e.meta as Record<string, unknown>) : null,
      };
      const before = result.results.get(e.id);
      if (before && before.state !== event.state) conflicts.push(event.name);
      result.results.set(e.id, event);
    } else if (e.type === 'module') {
      const errors = Array.isArray(e.errors) ? e.errors.map(String) : [];
      if (errors.length) result.moduleErrors.set(rel(e.file), errors);
      if (e.provided && typeof e.provided === 'object') result.provided = e.provided as Record<string, unknown>;
    } else if (e.type === 'end') {
      ended = true;
      result.unhandled = Array.isArray(e.unhandled) ? e.unhandled.map(String) : [];
    }
  }
  if (end.listFile && existsSync(end.listFile)) {
    // `vitest list` calls no reporter hooks per test: read its JSON instead (no ids there)
    const listed = JSON.parse(readFileSync(end.listFile, 'utf8')) as { name: string; file: string }[];
    result.collected.clear();
    for (const t of listed) {
      const f = rel(t.file);
      const tests = result.collected.get(f) ?? [];
      tests.push({ id: `${f}#${tests.length}`, name: t.name });
      result.collected.set(f, tests);
    }
    ended = end.code === 0;
  }
  result.running = started.filter((id) => !result.results.has(id));
  const collectedIds = new Set([...result.collected.values()].flatMap((ts) => ts.map((t) => t.id)));
  const uncollected = [...result.results.values()].filter((r) => !collectedIds.has(r.id)).map((r) => r.name);

  const oom = OOM.test(result.stderr) || result.unhandled.some((u) => OOM.test(u));
  const exit = end.signal ? `signal ${end.signal}` : `exit code ${end.code}`;
  // whether any spec loaded: the judge's runner loads whatever the learner's code does
  const anyTests = [...result.collected].some(([f, t]) => f !== JUDGE_RUNNER && t.length > 0);
  const firstModuleError = [...result.moduleErrors.values()][0]?.[0] ?? null;
  const lastError = lastErrorLine(result.stderr);
  const crash = (message: string) => {
    result.status = 'crashed';
    result.message = message;
  };
  if (end.timedOut) {
    result.status = 'timeout';
    result.message = `stopped after its time limit of ${Math.round(end.timeoutMs / 1000)} s`;
  } else if (oom) {
    result.status = 'out-of-memory';
    result.message = `ran out of memory (heap limit ${end.memoryMb} MB)`;
  } else if (foreign > 0) {
    crash(`the results channel held ${foreign} line(s) the grader's reporter did not write`);
  } else if (conflicts.length) {
    crash(`tests reported twice with different results: ${conflicts.slice(0, 3).join('; ')}`);
  } else if (uncollected.length) {
    crash(`results for tests that were never collected: ${uncollected.slice(0, 3).join('; ')}`);
  } else if (firstModuleError && !anyTests) {
    result.status = 'import-error';
    result.message = firstModuleError;
  } else if (end.signal) {
    crash(`the test process was ended by ${end.signal}${lastError ? `: ${lastError}` : ''}`);
  } else if (!ended) {
    crash(`the test process died (${exit})${lastError ? `: ${lastError}` : ''}`);
  } else if (result.unhandled.length && missing(result)) {
    crash(`the test worker died: ${result.unhandled[0]}`);
  }
  return result;
}

/** A result with nothing in it yet (or a run that never started: status 'not-graded'). */
export function emptyResult(status: RunStatus, message: string | null, more: Partial<RunResult> = {}): RunResult {
  return {
    status,
    message,
    exitCode: null,
    signal: null,
    durationMs: 0,
    collected: new Map(),
    results: new Map(),
    moduleErrors: new Map(),
    unhandled: [],
    running: [],
    provided: null,
    stderr: '',
    roots: [],
    leftovers: 0,
    ...more,
  };
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
