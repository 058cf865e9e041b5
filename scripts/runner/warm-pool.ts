/**
 * A Vitest pool for the runner's watch mode: worker threads (no process per run), with a
 * spare thread made ready after each run — Vitest's worker loaded and TensorFlow.js required
 * — so that the next save does not wait for them. Each run still gets a fresh thread (the
 * isolation of Vitest's `threads` pool); only the packages' code is already in memory.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PoolOptions, PoolRunnerInitializer, PoolWorker, WorkerRequest } from 'vitest/node';

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
  /** Terminates the spare thread. */
  dispose(): Promise<void>;
}

/**
 * @param preload packages to require in a spare thread, resolved from `resolveFrom` (the
 *   module that requires them in the specs, so that the thread's require cache is hit)
 */
export function warmThreadsPool(preload: readonly string[], resolveFrom: string): WarmPool {
  let spare: Worker | undefined;
  const spawn = (options: PoolOptions): Worker =>
    new Worker(ENTRY, {
      env: options.env as NodeJS.ProcessEnv,
      execArgv: options.execArgv,
      stdout: true,
      stderr: true,
      workerData: { entry: path.resolve(options.distPath, 'workers/threads.js'), preload, resolveFrom },
    });
  return {
    name: 'kata-threads',
    createPoolWorker(options: PoolOptions): PoolWorker {
      const take = () => {
        const worker = spare ?? spawn(options);
        spare = undefined;
        return worker;
      };
      const refill = () => {
        if (spare) return;
        spare = spawn(options);
        spare.unref();
      };
      return new WarmWorker(options, take, refill);
    },
    async dispose() {
      const s = spare;
      spare = undefined;
      await s?.terminate();
    },
  };
}

class WarmWorker implements PoolWorker {
  readonly name = 'kata-threads';
  private thread: Worker | undefined;
  private readonly stdout: Writable;
  private readonly stderr: Writable;

  constructor(
    options: PoolOptions,
    private readonly take: () => Worker,
    private readonly refill: () => void,
  ) {
    this.stdout = options.project.vitest.logger.outputStream;
    this.stderr = options.project.vitest.logger.errorStream;
  }

  private get t(): Worker {
    if (!this.thread) throw new Error('kata-threads: the worker thread is not started');
    return this.thread;
  }

  on(event: string, callback: (arg: unknown) => void): void {
    this.t.on(event, callback);
  }

  off(event: string, callback: (arg: unknown) => void): void {
    this.t.off(event, callback);
  }

  send(message: WorkerRequest): void {
    this.t.postMessage(message);
  }

  deserialize(data: unknown): unknown {
    return data;
  }

  async start(): Promise<void> {
    if (this.thread) return;
    this.thread = this.take();
    this.thread.ref();
    this.thread.stdout.pipe(this.stdout);
    this.thread.stderr.pipe(this.stderr);
  }

  async stop(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    if (thread) {
      thread.stdout.unpipe(this.stdout);
      thread.stderr.unpipe(this.stderr);
      await thread.terminate();
    }
    // Made after the run, while the learner reads the result and types.
    this.refill();
  }
}
