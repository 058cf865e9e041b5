/**
 * A Vitest pool for the runner's watch mode: worker threads (no process per run), with spare
 * threads made ready after each run — Vitest's worker loaded and TensorFlow.js required —
 * so that the next save does not wait for them. Each run still gets a fresh thread (the
 * isolation of Vitest's `threads` pool); only the packages' code is already in memory.
 * Two spares: a quick check that passes is followed at once by the full check, which would
 * otherwise wait ≈0.4 s for the thread made after the quick one.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PoolOptions, PoolRunnerInitializer, PoolWorker, WorkerRequest } from 'vitest/node';
import { plannedBackend } from '../../lib/oracle.ts';

const ENTRY = fileURLToPath(new URL('./warm-worker.mjs', import.meta.url));
const require = createRequire(import.meta.url);

/** Vitest's own thread worker, which a spare thread starts (a file of vitest 4's dist/). */
function vitestThreadsEntry(): string | null {
  try {
    const file = path.join(path.dirname(require.resolve('vitest/package.json')), 'dist', 'workers', 'threads.js');
    return existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

/** False when this Vitest has no threads worker where this pool expects it (then Vitest's own pool runs). */
export function warmPoolAvailable(): boolean {
  return vitestThreadsEntry() !== null;
}

export interface WarmPool extends PoolRunnerInitializer {
  /**
   * Stops the threads running specs now, wherever their JavaScript is (an endless loop too):
   * Vitest then ends the run with "Worker exited unexpectedly".
   */
  terminateRunning(): Promise<void>;
  /**
   * The files the next runs read (the focused exercise's MNIST), for spares to read ahead
   * (lib/read-ahead.ts). Spares made for other files are replaced.
   */
  setReadAhead(files: readonly string[]): void;
  /**
   * The runs from now on check again what the learner has seen (settled-steps.ts): spares are
   * made during them too, for a save that stops them. False: back to spares between runs only.
   */
  setBackground(background: boolean): void;
  /** Terminates the spare threads. */
  dispose(): Promise<void>;
}

/** What a spare thread loads before Vitest's worker starts in it. */
export interface Preload {
  /** CommonJS packages to require, resolved from `requireFrom` (the module that requires them in the specs) */
  require: readonly string[];
  requireFrom: string;
  /** ES modules to import, as Vitest imports them (packages it leaves to Node) */
  import: readonly string[];
  /** a TensorFlow.js backend to start (its WebAssembly compiled), in the required copy */
  tfBackend?: string;
  /** absolute paths of files to read ahead for the run (lib/read-ahead.ts) */
  files?: readonly string[];
}

const SPARES = 2;
/** Spares are made once no run has been going for this long: not while a run needs the cores. */
const IDLE_MS = 150;

/**
 * @param spares how many ready threads to keep (0 for a session that runs once: its threads
 *   can still be stopped by terminateRunning)
 */
export function warmThreadsPool(preload: Preload, keep = SPARES): WarmPool {
  const spares: Worker[] = [];
  /** the threads running specs now */
  const busy = new Set<Worker>();
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  let background = false;
  let current = preload;
  /** refills the spares soon, or at once (set by the first createPoolWorker, which has Vitest's options) */
  let refill: (() => void) | undefined;
  let fillNow: (() => void) | undefined;
  const spawn = (options: PoolOptions): Worker =>
    new Worker(ENTRY, {
      env: options.env as NodeJS.ProcessEnv,
      execArgv: options.execArgv,
      stdout: true,
      stderr: true,
      workerData: { entry: path.resolve(options.distPath, 'workers/threads.js'), preload: current },
    });
  return {
    name: 'kata-threads',
    createPoolWorker(options: PoolOptions): PoolWorker {
      // The oldest spare has had the longest to get ready.
      const take = () => {
        clearTimeout(timer);
        const worker = spares.shift() ?? spawn(options);
        busy.add(worker);
        return worker;
      };
      const fill = () => {
        if (disposed || (busy.size > 0 && !background)) return;
        while (spares.length < keep) {
          const spare = spawn(options);
          spare.unref();
          spares.push(spare);
        }
      };
      const later = () => {
        clearTimeout(timer);
        timer = setTimeout(fill, IDLE_MS);
        timer.unref();
      };
      refill = later;
      fillNow = fill;
      const done = (worker: Worker) => {
        busy.delete(worker);
        later();
      };
      return new WarmWorker(options, take, done);
    },
    setReadAhead(files) {
      const before = current.files ?? [];
      if (files.length === before.length && files.every((f, i) => f === before[i])) return;
      current = { ...current, files: [...files] };
      for (const stale of spares.splice(0)) void stale.terminate();
      if (busy.size === 0) refill?.();
    },
    setBackground(on) {
      background = on;
      // Once the background run has its thread (taking one cancels refill's timer).
      if (on) setTimeout(() => background && fillNow?.(), IDLE_MS).unref();
    },
    async terminateRunning() {
      await Promise.all([...busy].map((w) => w.terminate()));
    },
    async dispose() {
      disposed = true;
      clearTimeout(timer);
      await Promise.all(spares.splice(0).map((s) => s.terminate()));
    },
  };
}

/** What a run gets from a thread stopped before it started (the run was out of date). */
const STOPPED_BEFORE_START = new Error('Worker exited unexpectedly (kata-threads: stopped before it started)');

function isStartedResponse(message: unknown): boolean {
  const m = message as { __vitest_worker_response__?: unknown; type?: unknown } | null;
  return typeof m === 'object' && m !== null && m.__vitest_worker_response__ === true && m.type === 'started';
}

class WarmWorker implements PoolWorker {
  readonly name = 'kata-threads';
  private thread: Worker | undefined;
  /** Vitest's message listeners (Node drops a thread's own when it exits) */
  private readonly listeners = new Set<(arg: unknown) => void>();
  private readonly stdout: Writable;
  private readonly stderr: Writable;

  private readonly take: () => Worker;
  private readonly done: (worker: Worker) => void;
  constructor(options: PoolOptions, take: () => Worker, done: (worker: Worker) => void) {
    this.take = take;
    this.done = done;
    this.stdout = options.project.vitest.logger.outputStream;
    this.stderr = options.project.vitest.logger.errorStream;
  }

  private get t(): Worker {
    if (!this.thread) throw new Error('kata-threads: the worker thread is not started');
    return this.thread;
  }

  on(event: string, callback: (arg: unknown) => void): void {
    if (event === 'message') this.listeners.add(callback);
    this.t.on(event, callback);
  }

  off(event: string, callback: (arg: unknown) => void): void {
    if (event === 'message') this.listeners.delete(callback);
    // After an exit there is nothing to listen to.
    this.thread?.off(event, callback);
  }

  send(message: WorkerRequest): void {
    this.t.postMessage(message);
  }

  deserialize(data: unknown): unknown {
    return data;
  }

  async start(): Promise<void> {
    if (this.thread) return;
    const thread = this.take();
    this.thread = thread;
    thread.ref();
    thread.stdout.pipe(this.stdout);
    thread.stderr.pipe(this.stderr);
    let started = false;
    const onStarted = (message: unknown) => {
      if (isStartedResponse(message)) {
        started = true;
        thread.off('message', onStarted);
      }
    };
    thread.on('message', onStarted);
    thread.once('exit', () => {
      // Stopped (by a save) between Vitest's "start" request and the thread's answer: Vitest
      // waits for the answer only, for 60 s — the runner froze on quick saves. Answer for it.
      if (!started) {
        const answer = { __vitest_worker_response__: true, type: 'started', error: STOPPED_BEFORE_START };
        for (const listener of [...this.listeners]) listener(answer);
      }
      // Stopped by terminateRunning, Vitest calls no stop(): the pool must still hear of it.
      this.finish(thread);
    });
  }

  async stop(): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    await thread.terminate();
    this.finish(thread);
  }

  private finish(thread: Worker): void {
    if (this.thread !== thread) return;
    this.thread = undefined;
    thread.stdout.unpipe(this.stdout);
    thread.stderr.unpipe(this.stderr);
    // Spares are made after the run, while the learner reads the result and types.
    this.done(thread);
  }
}

/**
 * What a spare worker thread loads ahead of a run: TensorFlow.js, which lib/oracle.ts
 * requires for every spec (≈0.3–0.7 s per load, the largest part of a rerun otherwise), with
 * its backend started, and fast-check, which lib/setup.ts imports (≈30 ms).
 */
function preload(root: string): Preload {
  let backend: string | undefined;
  try {
    backend = plannedBackend();
  } catch {
    // A bad KATA_TF_BACKEND: the run's global setup says so, in the runner's screen.
  }
  return {
    require: ['@tensorflow/tfjs', ...(backend === 'wasm' ? ['@tensorflow/tfjs-backend-wasm'] : [])],
    requireFrom: path.join(root, 'lib', 'oracle.ts'),
    import: ['fast-check'],
    ...(backend === 'wasm' || backend === 'cpu' ? { tfBackend: backend } : {}),
  };
}

/**
 * The kata's worker-thread pool: `spares` threads kept ready for the next save (2 unless
 * given; 0 for a session that runs once), and running threads that can be stopped. Null where
 * it cannot be used or KATA_WARM=0 turns it off (then the project's own pool runs).
 */
export function kataWarmPool(root: string, spares?: number): WarmPool | null {
  return process.env.KATA_WARM !== '0' && warmPoolAvailable() ? warmThreadsPool(preload(root), spares) : null;
}

/** Vitest options that use `pool` (the Node API takes a pool initializer where the CLI takes a name). */
export function poolOption(pool: WarmPool | null): { pool?: 'threads' } {
  return pool ? { pool: pool as unknown as 'threads' } : {};
}
