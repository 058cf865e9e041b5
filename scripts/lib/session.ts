/**
 * One Vitest instance (the Node API, in this process) for the learner's commands: it runs
 * exercises' specs on request and, in watch mode, reruns the focused exercise's spec when a
 * file it imports is saved — no new process per save. Its own reporter turns each run into
 * ExerciseResults (results.ts); Vitest's console output is kept out of the learner's screen.
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import { createVitest, type Reporter, type TestModule, type TestSpecification, type Vitest } from 'vitest/node';
import { type Exercise, ROOT } from '../../lib/exercises.ts';
import { cachePackageReads } from '../runner/stack-cache.ts';
import { type WarmPool, warmPoolAvailable, warmThreadsPool } from '../runner/warm-pool.ts';
import { type ErrorLike, type ExerciseResult, failureInfo, summarize, type TestModuleLike } from './results.ts';
import { stripAnsi } from './term.ts';

export interface SessionOptions {
  root?: string;
  /** rerun the focused exercise's spec when one of its files changes */
  watch?: boolean;
  /** watch by polling (WSL, Docker, network drives): vite's server.watch.usePolling */
  poll?: boolean;
  /**
   * Run specs in worker threads with a spare thread kept ready (TensorFlow.js loaded) for the
   * next save (default: when watching; KATA_WARM=0 turns it off). Otherwise the project's own
   * pool is used.
   */
  warm?: boolean;
  /** a watch-triggered rerun of the focused exercise starts */
  onRerunStart?: (exercise: Exercise) => void;
  /** its result; latencyMs is the time from the file event to the result */
  onRerunResult?: (result: ExerciseResult, latencyMs: number | undefined) => void;
  /** a spec finished (for a progress count while a run is going) */
  onTestDone?: () => void;
}

/** What the runner needs from a session (tests drive the runner with a fake one). */
export interface SpecRunner {
  /** Runs the specs of these exercises once and returns their results by name. */
  run(exercises: readonly Exercise[]): Promise<Map<string, ExerciseResult>>;
  /** The exercise whose files trigger reruns (null: none). */
  focus(exercise: Exercise | null): void;
  /** The TensorFlow.js backend the oracle loaded, once known. */
  backend(): string | undefined;
  close(): Promise<void>;
}

const MAX_LOG_LINES = 200;

/**
 * What a spare worker thread loads ahead of a run: TensorFlow.js, which lib/oracle.ts
 * requires for every spec (≈0.3–0.7 s per load, the largest part of a rerun otherwise).
 */
const PRELOAD = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'];

export class SpecSession implements SpecRunner {
  private focused: Exercise | null = null;
  private watchRun = false;
  private changedAt: number | undefined;
  private logs: string[] = [];
  private lastModules: readonly TestModule[] = [];
  private lastErrors: readonly ErrorLike[] = [];

  private constructor(
    private readonly vitest: Vitest,
    private readonly options: SessionOptions,
    /** what Vitest itself printed (for diagnosing a run that broke down) */
    readonly vitestOutput: string[],
    private readonly pool: WarmPool | null,
  ) {}

  static async start(options: SessionOptions = {}): Promise<SpecSession> {
    // The oracle line of lib/global-setup.ts would land in the middle of the runner's screen.
    process.env.KATA_QUIET = '1';
    cachePackageReads();
    let session: SpecSession | undefined;
    const output: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        output.push(String(chunk));
        if (output.length > MAX_LOG_LINES) output.shift();
        done();
      },
    });
    const reporter: Reporter = {
      onWatcherRerun: () => session?.beginWatchRun(),
      onUserConsoleLog: (log) => session?.addLog(log.content),
      onTestCaseResult: () => session?.options.onTestDone?.(),
      onTestRunEnd: (modules, errors) => session?.endRun(modules, errors as readonly ErrorLike[]),
    };
    const root = options.root ?? ROOT;
    const warm = (options.warm ?? options.watch) && process.env.KATA_WARM !== '0' && warmPoolAvailable();
    const pool = warm ? warmThreadsPool(PRELOAD, path.join(root, 'lib', 'oracle.ts')) : null;
    const vitest = await createVitest(
      'test',
      {
        root,
        watch: options.watch ?? false,
        project: ['exercises'],
        reporters: [reporter],
        passWithNoTests: true,
        // The Node API takes a pool initializer where the CLI takes a name.
        ...(pool ? { pool: pool as unknown as 'threads' } : {}),
      },
      options.poll ? { server: { watch: { usePolling: true, interval: 100 } } } : {},
      { stdout: sink, stderr: sink },
    );
    session = new SpecSession(vitest, options, output, pool);
    if (options.watch) {
      vitest.onFilterWatchedSpecification((spec) => session?.isFocused(spec) ?? false);
      // The file event, for the save → result latency the runner shows.
      vitest.vite.watcher.on('change', (file: string) => {
        const f = path.resolve(file);
        if (!f.includes(`${path.sep}.kata${path.sep}`)) session?.markChanged();
      });
    }
    return session;
  }

  /** Whether Vitest really watches by polling (for tests of --poll). */
  get usesPolling(): boolean {
    const watch = this.vitest.vite.config.server.watch;
    return Boolean(watch?.usePolling);
  }

  private isFocused(spec: TestSpecification): boolean {
    return this.focused !== null && path.resolve(spec.moduleId) === path.resolve(this.focused.spec);
  }

  private markChanged(): void {
    // The last event of a save counts: Vitest's debounce restarts with each one.
    this.changedAt = performance.now();
  }

  private beginWatchRun(): void {
    this.watchRun = true;
    this.logs = [];
    if (this.focused) this.options.onRerunStart?.(this.focused);
  }

  private addLog(content: string): void {
    if (this.logs.length < MAX_LOG_LINES) this.logs.push(...stripAnsi(content).replace(/\n$/, '').split('\n'));
  }

  private endRun(modules: readonly TestModule[], errors: readonly ErrorLike[]): void {
    this.lastModules = modules;
    this.lastErrors = errors;
    if (!this.watchRun) return;
    this.watchRun = false;
    const latency = this.changedAt === undefined ? undefined : performance.now() - this.changedAt;
    this.changedAt = undefined;
    const ex = this.focused;
    if (!ex) return;
    const module = modules.find((m) => path.resolve(m.moduleId) === path.resolve(ex.spec));
    if (!module) return; // a change that did not concern the focused exercise
    const result = this.complete(ex, summarize(ex, module as unknown as TestModuleLike));
    result.logs = this.logs;
    this.options.onRerunResult?.(result, latency);
  }

  /** Adds the run's errors outside the specs, and says why a spec file has no results. */
  private complete(ex: Exercise, result: ExerciseResult, failure?: Error): ExerciseResult {
    if (this.lastErrors.length > 0) result.runErrors = this.lastErrors.map((e) => failureInfo(e, 'run', ex));
    const noResults = result.total === 0 && result.loadErrors.length > 0 && this.lastModules.length === 0;
    if (noResults && (failure || this.vitestOutput.length > 0)) {
      const said = failure?.message ?? stripAnsi(this.vitestOutput.join('')).trim().split('\n').slice(-20).join('\n');
      if (said) result.loadErrors = [{ name: path.basename(ex.spec), message: said }];
    }
    return result;
  }

  focus(exercise: Exercise | null): void {
    this.focused = exercise;
  }

  async run(exercises: readonly Exercise[]): Promise<Map<string, ExerciseResult>> {
    await this.vitest.waitForTestRunEnd();
    this.watchRun = false;
    this.logs = [];
    this.lastModules = [];
    this.lastErrors = [];
    this.vitestOutput.length = 0;
    let failure: Error | undefined;
    try {
      const filters = exercises.map((e) => path.relative(this.vitest.config.root, e.spec));
      const specs = filters.length > 0 ? await this.vitest.getRelevantTestSpecifications(filters) : [];
      const wanted = new Set(exercises.map((e) => path.resolve(e.spec)));
      const mine = specs.filter((s) => wanted.has(path.resolve(s.moduleId)));
      if (mine.length > 0) await this.vitest.runTestSpecifications(mine);
    } catch (e) {
      // A run that breaks down (a global setup that throws, say) is shown, never a crash.
      failure = e instanceof Error ? e : new Error(String(e));
    }
    const results = new Map<string, ExerciseResult>();
    for (const ex of exercises) {
      const module = this.lastModules.find((m) => path.resolve(m.moduleId) === path.resolve(ex.spec));
      const result = this.complete(ex, summarize(ex, module as unknown as TestModuleLike | undefined), failure);
      if (exercises.length === 1) result.logs = this.logs;
      results.set(ex.name, result);
    }
    // Failing specs are the normal state of a kata, not an error of the command.
    process.exitCode = 0;
    return results;
  }

  backend(): string | undefined {
    try {
      return this.vitest.getProjectByName('exercises').getProvidedContext().oracleBackend;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.vitest.close();
    await this.pool?.dispose();
  }
}

/** Runs the specs of these exercises once, in this process, and closes Vitest. */
export async function runOnce(
  exercises: readonly Exercise[],
  options: Omit<SessionOptions, 'watch'> = {},
): Promise<Map<string, ExerciseResult>> {
  const session = await SpecSession.start(options);
  try {
    return await session.run(exercises);
  } finally {
    await session.close();
  }
}
