/**
 * One Vitest instance (the Node API, in this process) for the learner's commands: it runs
 * exercises' specs on request and, in watch mode, reruns the focused exercise's spec when a
 * file it imports is saved — no new process per save. Its own reporter turns each run into
 * ExerciseResults (spec-results.ts); Vitest's console output is kept out of the learner's screen.
 *
 * Quick checks: a run may ask for fewer cases per property (20, not 100) — vitest's
 * provide/inject carries the number to lib/setup.ts. A failure found with 20 cases is a real
 * failure; a pass is only a candidate, which the runner checks again with the full count
 * before it counts. A save's quick check runs the steps that failed last time first, and the
 * steps that passed after (settled-steps.ts): a failure shows before 10's training reruns.
 *
 * Endless loops: Vitest's test timeout cannot stop synchronous code, so the session watches
 * for progress itself. When no spec or hook has started or finished for longer than any of
 * them may take (the longer of the test and hook timeouts, plus 5 s: 35 s here), it stops the
 * threads and reports the run as stalled, naming the spec that was running. A save during a run also stops it: its result would be out of date.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createVitest, type Reporter, type TestModule, type Vitest } from 'vitest/node';
import { mnistFiles } from '../../lib/mnist-data.ts';
import { baseRuns } from '../../lib/runs.ts';
import { type Exercise, ROOT } from '../lib/exercises.ts';
import { stripAnsi } from '../lib/term.ts';
import { type ActiveRun, stalledFiles } from './active-run.ts';
import { combine, hasFailure, settledPattern, settledSteps, unsettledPattern } from './settled-steps.ts';
import { type ErrorLike, type ExerciseResult, failureInfo, summarise, type TestModuleLike } from './spec-results.ts';
import { cachePackageReads } from './stack-cache.ts';
import { kataWarmPool, poolOption, type WarmPool } from './warm-pool.ts';

export interface SessionOptions {
  root?: string;
  /** whose code the specs run against: the learner's (default) or the reference solutions (bench, tests) */
  project?: 'exercises' | 'solutions';
  /** cases per property of a quick check (default 20); 0 or at least the full count: no quick checks */
  quickRuns?: number;
  /** how long after the last file event of a save the rerun starts (default 20 ms) */
  debounceMs?: number;
  /** rerun the focused exercise's spec when one of its files changes */
  watch?: boolean;
  /** watch by polling (WSL, Docker, network drives): vite's server.watch.usePolling */
  poll?: boolean;
  /**
   * Keep spare worker threads ready (TensorFlow.js loaded) for the next save (default: when
   * watching; KATA_WARM=0 turns the kata's pool off, and with it stopping endless loops).
   */
  warm?: boolean;
  /** how long without a spec or hook starting or finishing makes a run stalled (default: the longer timeout + 5 s) */
  stallMs?: number;
  /** worker threads running spec files at once (default: Vitest's, one less than the cores) */
  maxWorkers?: number;
  /**
   * false: one thread runs several spec files, loading TensorFlow.js once (the seed sweep:
   * about a third less CPU per run). Default: Vitest's, a fresh thread per file.
   */
  isolate?: boolean;
  /** a watch-triggered rerun of the focused exercise starts */
  onRerunStart?: (exercise: Exercise) => void;
  /** its result; latencyMs is the time from the file event to the result */
  onRerunResult?: (result: ExerciseResult, latencyMs: number | undefined) => void;
  /** a spec finished (for a progress count while a run is going) */
  onTestDone?: () => void;
}

export interface RunOptions {
  /** a quick check: fewer cases per property (a pass must then be checked again in full) */
  quick?: boolean;
  /** the seed of this run, in place of KATA_SEED (the seed sweep) */
  seed?: number;
  /** only the specs whose full name matches (the others are skipped) */
  testNamePattern?: RegExp;
}

/** What the runner needs from a session (tests drive the runner with a fake one). */
export interface SpecRunner {
  /** Runs the specs of these exercises once and returns their results by name. */
  run(exercises: readonly Exercise[], options?: RunOptions): Promise<Map<string, ExerciseResult>>;
  /** Cases per property of a full run and of a quick check (undefined: no quick checks). */
  readonly casesPerProperty: { full: number; quick: number | undefined };
  /** The exercise whose files trigger reruns (null: none). */
  focus(exercise: Exercise | null): void;
  /** The TensorFlow.js backend the oracle loaded, once known. */
  backend(): string | undefined;
  close(): Promise<void>;
}

const MAX_LOG_LINES = 200;
const QUICK_RUNS = 20;
/** What Vitest says of a worker thread the session stopped (an endless loop, an outdated run). */
const STOPPED_THREAD = /Worker [\w-]+ emitted error|Worker exited unexpectedly/;
/**
 * Vitest's own watch mode waits 100 ms after a file event; editors write a file in one to
 * three events within a few ms, so the session waits 20 ms after the last one.
 */
const DEBOUNCE_MS = 20;

export class SpecSession implements SpecRunner {
  private focused: Exercise | null = null;
  private changedAt: number | undefined;
  private logs: string[] = [];
  private lastModules: readonly TestModule[] = [];
  private lastErrors: readonly ErrorLike[] = [];
  /** every Vitest run of this session, one after another */
  private queue: Promise<unknown> = Promise.resolve();
  private debounce: NodeJS.Timeout | undefined;
  /** the exercise of the watch rerun queued and not started yet */
  private rerunWaiting: Exercise | undefined;
  private active: ActiveRun | undefined;
  /** each exercise's last whole result, by name: what a save's first run builds on */
  private lastResults = new Map<string, ExerciseResult>();
  readonly casesPerProperty: { full: number; quick: number | undefined };

  private readonly vitest: Vitest;
  private readonly options: SessionOptions;
  /** what Vitest itself printed (for diagnosing a run that broke down) */
  readonly vitestOutput: string[];
  private readonly pool: WarmPool | null;
  private constructor(vitest: Vitest, options: SessionOptions, vitestOutput: string[], pool: WarmPool | null) {
    this.vitest = vitest;
    this.options = options;
    this.vitestOutput = vitestOutput;
    this.pool = pool;
    const full = baseRuns();
    const quick = options.quickRuns ?? QUICK_RUNS;
    this.casesPerProperty = { full, quick: quick > 0 && quick < full ? quick : undefined };
  }

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
      onUserConsoleLog: (log) => session?.addLog(log.content),
      onTestModuleStart: (module) => session?.started(module.moduleId),
      onTestModuleCollected: (module) => session?.collected(module.moduleId, [...module.children.allTests()]),
      onHookStart: () => session?.progress(),
      onHookEnd: () => session?.progress(),
      onTestCaseReady: () => session?.progress(),
      onTestCaseResult: (test) => {
        session?.progress(test.id);
        session?.options.onTestDone?.();
      },
      onTestRunEnd: (modules, errors) => session?.endRun(modules, errors as readonly ErrorLike[]),
    };
    const root = options.root ?? ROOT;
    // The kata's pool in every session, so that an endless loop can be stopped; spare threads
    // only where saves are awaited.
    const pool = kataWarmPool(root, (options.warm ?? options.watch) ? undefined : 0);
    const vitest = await createVitest(
      'test',
      {
        root,
        watch: options.watch ?? false,
        project: [options.project ?? 'exercises'],
        reporters: [reporter],
        passWithNoTests: true,
        ...poolOption(pool),
        ...(options.maxWorkers === undefined ? {} : { maxWorkers: options.maxWorkers }),
        ...(options.isolate === undefined ? {} : { isolate: options.isolate }),
      },
      options.poll ? { server: { watch: { usePolling: true, interval: 100 } } } : {},
      { stdout: sink, stderr: sink },
    );
    session = new SpecSession(vitest, options, output, pool);
    if (options.watch) {
      // The session reruns the focused spec itself (see fileEvent); Vitest's watcher only
      // keeps the server's file list and module graph up to date.
      vitest.watcher.unregisterWatcher();
      const watcher = vitest.vite.watcher;
      for (const event of ['change', 'add', 'unlink']) {
        watcher.on(event, (file: string) => session?.fileEvent(path.resolve(file)));
      }
    }
    return session;
  }

  /**
   * A file was saved, created or deleted: if the focused exercise's spec could depend on it
   * (the exercise's folder, or any module the specs have loaded), rerun the spec shortly.
   */
  private fileEvent(file: string): void {
    if (file.includes(`${path.sep}.kata${path.sep}`)) return;
    const id = file.split(path.sep).join('/');
    this.vitest.invalidateFile(id);
    const ex = this.focused;
    if (!ex || !(file.startsWith(path.dirname(ex.spec) + path.sep) || this.isLoaded(id))) return;
    // A run of this exercise going on now is out of date (and may be stuck in a loop the save fixes).
    if (this.active?.exercises.includes(ex) && !this.active.aborted) {
      this.active.aborted = true;
      void this.pool?.terminateRunning();
    }
    // The last event of a save counts: each one restarts the wait.
    this.changedAt = performance.now();
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      // One rerun waiting is enough: it starts from the files as they are then.
      if (this.rerunWaiting !== ex) void this.watchRun(ex);
    }, this.options.debounceMs ?? DEBOUNCE_MS);
  }

  private isLoaded(id: string): boolean {
    return this.vitest.projects.some((project) =>
      Object.values(project.vite.environments).some((env) => (env.moduleGraph.getModulesByFile(id)?.size ?? 0) > 0),
    );
  }

  private watchRun(ex: Exercise): Promise<void> {
    this.rerunWaiting = ex;
    return this.enqueue(async () => {
      this.rerunWaiting = undefined;
      if (this.focused !== ex) return;
      const changedAt = this.changedAt;
      this.changedAt = undefined;
      this.options.onRerunStart?.(ex);
      const show = (r: ExerciseResult) =>
        this.options.onRerunResult?.(r, changedAt === undefined ? undefined : performance.now() - changedAt);
      const result = await this.quickCheck(ex, show);
      if (!result || result.aborted || this.focused !== ex) return;
      this.lastResults.set(ex.name, result);
      show(result);
    });
  }

  /**
   * The quick check of a save: where the last result had steps passed and steps failing, the
   * failing ones first; if one still fails, that is shown (`show`) while the passed steps run.
   * Resolves to the whole result, or to a run that stopped early (aborted, stalled, broken).
   */
  private async quickCheck(ex: Exercise, show: (r: ExerciseResult) => void): Promise<ExerciseResult | undefined> {
    const last = this.lastResults.get(ex.name);
    const settled = settledSteps(last);
    if (!last || settled.length === 0) return (await this.runNow([ex], { quick: true })).get(ex.name);
    const first = (await this.runNow([ex], { quick: true, testNamePattern: unsettledPattern(settled) })).get(ex.name);
    if (!first || first.aborted || first.stalled || first.loadErrors.length > 0 || this.focused !== ex) return first;
    const interim = hasFailure(first) ? combine(first, last) : undefined;
    if (interim) show({ ...interim, rechecking: settled });
    // The learner has a verdict: a save may stop this run, and then needs a spare thread.
    this.pool?.setBackground(interim !== undefined);
    const second = await this.runNow([ex], { quick: true, testNamePattern: settledPattern(settled) })
      .then((r) => r.get(ex.name))
      .finally(() => this.pool?.setBackground(false));
    if (!second || second.aborted || second.loadErrors.length > 0) return second;
    const whole = combine(first, second);
    // A loop in a settled step: its stall, shown as it is.
    if (second.stalled) return whole ? { ...whole, stalled: second.stalled } : second;
    if (!whole) return (await this.runNow([ex], { quick: true })).get(ex.name);
    return {
      ...whole,
      durationMs: first.durationMs + second.durationMs,
      ...(first.logs ? { logs: [...first.logs, ...(second.logs ?? [])] } : {}),
    };
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => {});
    return next;
  }

  /** Whether Vitest really watches by polling (for tests of --poll). */
  get usesPolling(): boolean {
    const watch = this.vitest.vite.config.server.watch;
    return Boolean(watch?.usePolling);
  }

  private addLog(content: string): void {
    if (this.logs.length < MAX_LOG_LINES) this.logs.push(...stripAnsi(content).replace(/\n$/, '').split('\n'));
  }

  /** A spec or hook started or finished (the spec `finished`): the run is alive. */
  private progress(finished?: string): void {
    if (!this.active) return;
    this.active.lastProgress = performance.now();
    if (finished) this.active.finished.add(finished);
  }

  private started(file: string): void {
    const f = path.resolve(file);
    if (!this.active?.files.has(f)) this.active?.files.set(f, []);
    this.progress();
  }

  private collected(file: string, tests: readonly { id: string; fullName: string }[]): void {
    this.active?.files.set(
      path.resolve(file),
      tests.map((t) => ({ id: t.id, name: t.fullName })),
    );
    this.progress();
  }

  /** Watches the active run; stops the threads when it has made no progress for too long. */
  private watchdog(run: ActiveRun): NodeJS.Timeout {
    const limit =
      this.options.stallMs ?? Math.max(this.vitest.config.testTimeout, this.vitest.config.hookTimeout) + 5000;
    const timer = setInterval(
      () => {
        const idle = performance.now() - run.lastProgress;
        if (run.stalled || run.aborted || idle < limit) return;
        run.stalled = stalledFiles(run, Math.round(idle / 1000));
        void this.pool?.terminateRunning();
      },
      Math.min(1000, limit / 4),
    );
    timer.unref();
    return timer;
  }

  private endRun(modules: readonly TestModule[], errors: readonly ErrorLike[]): void {
    this.lastModules = modules;
    this.lastErrors = errors;
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
    this.pool?.setReadAhead(exercise ? filesRead(exercise) : []);
  }

  run(exercises: readonly Exercise[], options: RunOptions = {}): Promise<Map<string, ExerciseResult>> {
    return this.enqueue(async () => {
      const results = await this.runNow(exercises, options);
      if (!options.testNamePattern) for (const [name, r] of results) if (!r.aborted) this.lastResults.set(name, r);
      return results;
    });
  }

  private async runNow(exercises: readonly Exercise[], options: RunOptions): Promise<Map<string, ExerciseResult>> {
    await this.vitest.waitForTestRunEnd();
    const quick = options.quick ? this.casesPerProperty.quick : undefined;
    // undefined: lib/setup.ts takes KATA_RUNS or 100, and KATA_SEED or 42
    this.vitest.provide('kataRuns', quick);
    this.vitest.provide('kataSeed', options.seed);
    this.logs = [];
    this.lastModules = [];
    this.lastErrors = [];
    this.vitestOutput.length = 0;
    let failure: Error | undefined;
    const run: ActiveRun = { exercises, lastProgress: performance.now(), files: new Map(), finished: new Set() };
    this.active = run;
    const watchdog = this.pool ? this.watchdog(run) : undefined;
    try {
      const filters = exercises.map((e) => path.relative(this.vitest.config.root, e.spec));
      const specs = filters.length > 0 ? await this.vitest.getRelevantTestSpecifications(filters) : [];
      const wanted = new Set(exercises.map((e) => path.resolve(e.spec)));
      const pattern = options.testNamePattern;
      const mine = specs
        .filter((s) => wanted.has(path.resolve(s.moduleId)))
        .map((s) => (pattern ? s.project.createSpecification(s.moduleId, { testNamePattern: pattern }) : s));
      if (mine.length > 0) await this.vitest.runTestSpecifications(mine);
    } catch (e) {
      // A run that breaks down (a global setup that throws, say) is shown, never a crash.
      failure = e instanceof Error ? e : new Error(String(e));
    } finally {
      clearInterval(watchdog);
      this.active = undefined;
    }
    if (run.stalled || run.aborted) {
      // Vitest's own account of the threads the session stopped says nothing useful.
      this.lastErrors = this.lastErrors.filter((e) => !STOPPED_THREAD.test(String(e.message)));
    }
    const results = new Map<string, ExerciseResult>();
    for (const ex of exercises) {
      const module = this.lastModules.find((m) => path.resolve(m.moduleId) === path.resolve(ex.spec));
      const result = this.complete(ex, summarise(ex, module as unknown as TestModuleLike | undefined), failure);
      if (exercises.length === 1) result.logs = this.logs;
      result.casesPerProperty = quick ?? this.casesPerProperty.full;
      if (quick !== undefined) result.quick = true;
      if (run.aborted) result.aborted = true;
      const stalled = run.stalled?.get(path.resolve(ex.spec));
      if (stalled) result.stalled = stalled;
      results.set(ex.name, result);
    }
    // Failing specs are the normal state of a kata, not an error of the command.
    process.exitCode = 0;
    return results;
  }

  backend(): string | undefined {
    try {
      return this.vitest.getProjectByName(this.options.project ?? 'exercises').getProvidedContext().oracleBackend;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.debounce);
    await this.vitest.close();
    await this.pool?.dispose();
  }
}

/**
 * What the exercise's spec reads on every run, for the spare threads to read ahead: MNIST
 * (55 MB) where the spec imports lib's loader — exercises 10 and 11.
 */
function filesRead(ex: Exercise): string[] {
  try {
    return /lib\/mnist-data\.ts['"]/.test(readFileSync(ex.spec, 'utf8')) ? mnistFiles() : [];
  } catch {
    // No spec, or no MNIST: the run says so.
    return [];
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
