/**
 * A Vitest pool whose workers — the processes that import the learner's code and run the
 * specs — each start inside a sandbox of their own (bubblewrap), nested in the sandbox that
 * holds Vitest's main process and the grader's reporter. In its own PID namespace a worker
 * cannot see the main process: not its memory, not its open files (the results channel), not
 * its environment. Its one link to the rest of the run is the IPC channel Vitest gives every
 * forked worker.
 *
 * It is Vitest's own `forks` worker (vitest/dist/workers/forks.js), started through `bwrap`
 * instead of `child_process.fork`. Plain JavaScript, because Vitest's main process loads it
 * from the run's config file.
 *
 * NOTE: cacheFs must stay false: with it, the main process hands workers transformed code as
 * files in its own /tmp, which a worker's private /tmp does not show.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const SIGKILL_AFTER_MS = 2_000;

class SandboxedWorker {
  name = 'kata-sandbox';
  cacheFs = false;

  constructor(options, sandbox) {
    this.execArgv = options.execArgv;
    this.env = options.env;
    this.stdout = options.project.vitest.logger.outputStream;
    this.stderr = options.project.vitest.logger.errorStream;
    this.entrypoint = path.resolve(options.distPath, 'workers/forks.js');
    this.sandbox = sandbox;
    this.child = undefined;
  }

  get process() {
    if (!this.child) throw new Error('kata-sandbox: the worker was stopped or never started');
    return this.child;
  }

  on(event, callback) {
    this.process.on(event, callback);
  }

  off(event, callback) {
    this.process.off(event, callback);
  }

  send(message) {
    this.process.send(message);
  }

  async start() {
    if (this.child) return;
    const args = [...this.sandbox.args, '--', process.execPath, ...this.execArgv, this.entrypoint];
    this.child = spawn(this.sandbox.bwrap, args, {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.child.stdout?.pipe(this.stdout, { end: false });
    this.child.stderr?.pipe(this.stderr, { end: false });
  }

  async stop() {
    const child = this.process;
    const exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', resolve);
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), SIGKILL_AFTER_MS);
    child.kill();
    await exited;
    clearTimeout(kill);
    child.stdout?.unpipe(this.stdout);
    child.stderr?.unpipe(this.stderr);
    this.child = undefined;
  }

  deserialize(data) {
    return data;
  }
}

/**
 * The pool for a run's config: `sandbox.bwrap` is the bubblewrap binary, `sandbox.args` its
 * arguments up to the command (namespaces, mounts, environment are the caller's choice).
 */
export function sandboxPool(sandbox) {
  return {
    name: 'kata-sandbox',
    createPoolWorker: (options) => new SandboxedWorker(options, sandbox),
  };
}
