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
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunnerConfig } from './manifest-file.ts';
import { parseChannel, type RunResult } from './run-result.ts';
import { handOver, runDirs, runEnv, seenAs, writeConfig } from './run-setup.ts';
import { bwrapCommand, type Isolation, outerArgs, pidNamespace, processesIn } from './sandbox.ts';
import { JUDGE_RUNNER } from './tree.ts';

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
