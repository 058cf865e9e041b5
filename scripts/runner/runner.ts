/**
 * The guided runner behind `npm start`: picks the first unsolved exercise, runs its specs,
 * shows where the learner is, and reacts to saves (through the SpecRunner's watch mode) and
 * keys. The terminal (`write`, `width`) and the session are passed in, so tests drive it with a
 * fake session; it reads and writes .kata/state.json itself, and keeps time with Date.now and
 * setInterval (tests use fake timers).
 *
 * Runs of the focused exercise are quick checks (fewer cases per property) while it fails:
 * the learner sees a failure sooner. When a quick check passes, the runner runs the specs
 * again with every case before it records a pass.
 */

import { hintsFile, loadHints, titleFor } from '../lib/docs.ts';
import type { Exercise } from '../lib/exercises.ts';
import { rel } from '../lib/files.ts';
import { formatHint, nextHint } from '../lib/hints.ts';
import type { Lang, Messages } from '../lib/messages.ts';
import { refusal, solutionCommand, solutionDiff } from '../lib/reveal.ts';
import { CLEAR_SCREEN, type Style } from '../lib/term.ts';
import { type RenderContext, renderList, renderScreen, type ScreenModel } from './render.ts';
import type { SpecRunner } from './session.ts';
import { currentStep, type ExerciseResult, isPassing } from './spec-results.ts';
import {
  emptyState,
  hintsSeen,
  isDone,
  type KataState,
  loadState,
  recordHintsSeen,
  recordRun,
  recordSolutionShown,
  updateState,
} from './state.ts';
import { firstUnsolved, neighbour, nextUnsolved, stubHasTodos } from './status.ts';

/** Seconds of running after which the screen says how to stop a loop (the slowest specs, 10's, take ~7 s). */
const STILL_RUNNING_S = 10;

export interface RunnerOptions {
  root: string;
  exercises: readonly Exercise[];
  lang: Lang;
  m: Messages;
  style: Style;
  /** how keys arrive: single keys (TTY), typed lines, or none (run once) */
  keys: ScreenModel['keys'];
  /** writes to the terminal */
  write: (text: string) => void;
  /** clear the screen before each redraw (a TTY) or append screens (a log, a pipe) */
  clearScreen: boolean;
  width?: () => number;
  /** `npm start -- 03` */
  target?: Exercise;
  /** after a first pass, move on to the next unsolved exercise at once (default: stay until n) */
  autoAdvance?: boolean;
  notice?: string[];
}

export type KeyOutcome = 'quit' | 'handled' | 'ignored';

export class Runner {
  private state: KataState;
  private current: Exercise | null = null;
  private result: ExerciseResult | undefined;
  private banner: string[] = [];
  /** the exercise that just passed, while its banner is up (s shows its solution) */
  private justPassed: Exercise | undefined;
  private panel: string | undefined;
  private panelKind: 'list' | 'other' | undefined;
  private notice: string[];
  private ranMs: number | undefined;
  private afterSaveMs: number | undefined;
  private allDone = false;
  /** the run on screen: what it says, and since when (the time shown counts from there) */
  private running: { label: string; since: number } | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** Results of the rebuild run, used once instead of running the same specs again. */
  private rebuilt: Map<string, ExerciseResult> | undefined;

  private readonly o: RunnerOptions;
  private readonly specs: SpecRunner;
  constructor(o: RunnerOptions, specs: SpecRunner) {
    this.o = o;
    this.specs = specs;
    this.state = emptyState(); // start() reads the file (reading a corrupt one moves it aside)
    this.notice = [...(o.notice ?? [])];
  }

  /** Loads (or rebuilds) the progress, then runs the first unsolved exercise. */
  async start(): Promise<void> {
    const loaded = loadState(this.o.root);
    this.state = loaded.state;
    if (loaded.problem) {
      // Rebuild from the specs — of the exercises that can pass: a stub still throwing its
      // TODOs cannot, so a fresh clone starts at once.
      const toCheck = this.o.exercises.filter((e) => !stubHasTodos(e));
      if (loaded.problem === 'corrupt') {
        this.notice.push(
          this.o.m.stateCorrupt(loaded.detail ?? '', loaded.movedTo && rel(this.o.root, loaded.movedTo)),
        );
      } else if (toCheck.length > 0) {
        this.notice.push(this.o.m.stateMissing(toCheck.length));
      }
      if (toCheck.length > 0) {
        this.draw({ running: this.o.m.checkingAll(toCheck.length) });
        const t0 = performance.now();
        const results = await this.specs.run(toCheck);
        this.ranMs = performance.now() - t0;
        this.state = updateState(this.o.root, (s) => {
          for (const r of results.values()) recordRun(s, outcome(r));
        });
        this.rebuilt = results;
      } else {
        this.state = updateState(this.o.root, () => {});
      }
    }
    const target = this.o.target ?? firstUnsolved(this.o.exercises, (n) => isDone(this.state, n));
    if (!target) {
      this.allDone = this.o.exercises.length > 0;
      this.draw();
      return;
    }
    await this.focus(target);
    this.rebuilt = undefined;
  }

  /** Whether there is anything left to watch (false: everything passed at start). */
  get watching(): boolean {
    return this.current !== null;
  }

  private isDone = (name: string) => isDone(this.state, name);

  private async focus(ex: Exercise): Promise<void> {
    this.current = ex;
    this.specs.focus(ex);
    this.result = undefined;
    this.panel = undefined;
    this.panelKind = undefined;
    this.afterSaveMs = undefined;
    this.state = updateState(this.o.root, (s) => {
      s.current = ex.name;
    });
    let result = this.rebuilt?.get(ex.name);
    this.rebuilt?.delete(ex.name);
    if (!result) {
      this.draw({ running: this.o.m.running(ex.name) });
      const t0 = performance.now();
      result = (await this.specs.run([ex], { quick: true })).get(ex.name);
      this.ranMs = performance.now() - t0;
    }
    if (result) await this.handle(result);
  }

  /** Records a result of the current exercise; moves on when it passes for the first time. */
  private async handle(result: ExerciseResult): Promise<void> {
    const ex = this.current;
    // An aborted run was stopped by a save: the rerun of that save brings the result.
    if (!ex || result.name !== ex.name || result.aborted) return;
    if (result.quick && isPassing(result)) {
      // A pass of a quick check is a candidate: check it with every case before it counts.
      this.result = result;
      this.draw({
        running: this.o.m.verifying(result.passed, result.casesPerProperty, this.specs.casesPerProperty.full),
      });
      const t0 = performance.now();
      const full = (await this.specs.run([ex])).get(ex.name);
      const took = performance.now() - t0;
      this.ranMs = took;
      if (this.afterSaveMs !== undefined) this.afterSaveMs += took;
      if (full && this.current === ex) await this.handle(full);
      return;
    }
    this.result = result;
    let firstPass = false;
    this.state = updateState(this.o.root, (s) => {
      firstPass = recordRun(s, outcome(result));
    });
    if (firstPass) {
      const { m } = this.o;
      this.justPassed = ex;
      this.banner.push(
        m.passedBanner(`${ex.id} · ${titleFor(ex, this.o.lang)}`, result.total),
        this.o.keys === 'keys' ? m.solutionOffer(solutionCommand(ex)) : m.solutionOfferCmd(solutionCommand(ex)),
      );
      const next = nextUnsolved(this.o.exercises, ex, this.isDone);
      if (next && this.o.autoAdvance) {
        this.banner.push(m.movingOn(`${next.id} · ${titleFor(next, this.o.lang)}`));
        await this.focus(next);
        return;
      }
      // As rustlings does: stay on the pass (its solution a key away) until the learner moves on.
      if (next) {
        const how = { keys: m.pressNWhenReady, lines: m.typeNWhenReady, none: `npm start -- ${next.id}` }[this.o.keys];
        this.banner.push(m.nextWhenReady(`${next.id} · ${titleFor(next, this.o.lang)}`, how));
      } else this.allDone = true;
    }
    this.draw();
  }

  private clearBanner(): void {
    this.banner = [];
    this.justPassed = undefined;
  }

  /** A watch-triggered rerun started (a save): the result on screen is out of date. */
  rerunStarted(): void {
    // A log (a pipe) gets the result only: a screen per save would drown it.
    if (this.o.clearScreen && this.current) this.draw({ running: this.o.m.running(this.current.name) });
  }

  /** A watch-triggered rerun's result. */
  rerunResult(result: ExerciseResult, latencyMs: number | undefined): Promise<void> {
    if (result.aborted) return Promise.resolve(); // stopped by a save, whose rerun follows
    return this.enqueue(async () => {
      this.clearBanner();
      this.panel = this.panelKind === 'list' ? undefined : this.panel;
      this.ranMs = result.durationMs;
      this.afterSaveMs = latencyMs;
      await this.handle(result);
    });
  }

  /** Runs actions one after another (keys and reruns may arrive while a run is going). */
  private enqueue(action: () => Promise<void>): Promise<void> {
    const next = this.chain.then(action, action);
    this.chain = next.catch(() => {});
    return next;
  }

  key(k: string): Promise<KeyOutcome> {
    if (k === 'q' || k === '\u0003' || k === '\u0004') return Promise.resolve('quit');
    return this.enqueue(() => this.onKey(k)).then(() => (/^[hlnprs]$/.test(k) ? 'handled' : 'ignored'));
  }

  private async onKey(k: string): Promise<void> {
    const ex = this.current;
    switch (k) {
      case 'h':
        if (ex) this.showHint(ex);
        return;
      case 'l':
        this.toggleList();
        return;
      case 'n':
      case 'p': {
        if (!ex) return;
        // After a pass, n goes where the banner said: the next unsolved exercise.
        const passed = k === 'n' && this.result !== undefined && isPassing(this.result);
        const next = passed ? nextUnsolved(this.o.exercises, ex, this.isDone) : undefined;
        this.clearBanner();
        await this.focus(next ?? neighbour(this.o.exercises, ex, k === 'n' ? 1 : -1));
        return;
      }
      case 'r':
        if (!ex) return;
        this.clearBanner();
        await this.focus(ex);
        return;
      case 's':
        this.showSolution();
        return;
      default:
        return;
    }
  }

  private showHint(ex: Exercise): void {
    const { m, style } = this.o;
    if (this.result && isPassing(this.result)) {
      this.setPanel(m.hintAllPass(ex.name, `npm run hint -- ${ex.id} <step>`));
      return;
    }
    const step = (this.result && currentStep(this.result)) ?? this.state.exercises[ex.name]?.step ?? 1;
    // The file, not this.state: `npm run hint` in another terminal counts too.
    const seen = hintsSeen(loadState(this.o.root).state, ex.name, step);
    const view = nextHint(loadHints(ex, this.o.lang), step, seen);
    if (!view) {
      this.setPanel(m.hintNone(step, rel(this.o.root, hintsFile(ex, this.o.lang))));
      return;
    }
    this.state = updateState(this.o.root, (s) => recordHintsSeen(s, ex.name, step, view.seen));
    const how = this.o.keys === 'none' ? `npm run hint -- ${ex.id}` : m.hintPressH;
    this.setPanel(formatHint(view, m, style, how));
  }

  private toggleList(): void {
    if (this.panelKind === 'list') {
      this.setPanel(undefined);
      return;
    }
    const rows = this.o.exercises.map((exercise) => ({
      exercise,
      record: this.state.exercises[exercise.name],
      result: exercise.name === this.current?.name ? this.result : undefined,
      current: exercise.name === this.current?.name,
    }));
    this.setPanel(renderList(this.ctx(), rows), 'list');
  }

  private showSolution(): void {
    const { m, style, root } = this.o;
    const ex = this.current && this.result && isPassing(this.result) ? this.current : this.justPassed;
    if (!ex) {
      const cur = this.current;
      if (cur) this.setPanel(refusal(cur, this.result?.passed ?? 0, this.result?.total ?? 0, m));
      return;
    }
    this.state = updateState(root, (s) => recordSolutionShown(s, ex.name, false));
    this.setPanel(solutionDiff(root, ex, m, style));
  }

  private setPanel(text: string | undefined, kind: 'list' | 'other' = 'other'): void {
    this.panel = text;
    this.panelKind = text === undefined ? undefined : kind;
    this.draw();
  }

  private ctx(): RenderContext {
    return { root: this.o.root, lang: this.o.lang, m: this.o.m, style: this.o.style, width: this.o.width?.() ?? 100 };
  }

  /** The screen as it is now (tests read it). */
  screen(running?: string): string {
    const doneCount = this.o.exercises.filter((e) => this.isDone(e.name)).length;
    const model: ScreenModel = {
      exercises: this.o.exercises,
      doneCount,
      current: this.allDone && !this.result ? null : this.current,
      banner: this.banner,
      notice: this.notice,
      keys: this.o.keys,
      allDone: this.allDone,
    };
    if (this.result && !running) model.result = this.result;
    if (this.current) model.record = this.state.exercises[this.current.name];
    if (this.panel && !running) model.panel = this.panel;
    if (running) model.panel = this.o.style.dim(running);
    if (this.ranMs !== undefined) model.ranMs = this.ranMs;
    if (this.afterSaveMs !== undefined) model.afterSaveMs = this.afterSaveMs;
    const backend = this.specs.backend();
    if (backend) model.backend = backend;
    return renderScreen(this.ctx(), model);
  }

  private draw(opts: { running?: string } = {}): void {
    // Run once (no keys): only the final screen is printed.
    if (this.o.keys === 'none' && opts.running) return;
    let running = opts.running;
    if (running === undefined) this.stopTicker();
    else {
      this.running = { label: running, since: this.running?.since ?? Date.now() };
      const seconds = Math.floor((Date.now() - this.running.since) / 1000);
      if (seconds >= 1) running += ` ${this.o.m.elapsed(seconds)}`;
      // Long enough that a loop is likely: say how to get out of it without waiting for the watchdog.
      if (seconds >= STILL_RUNNING_S) running += `\n${this.o.m.stillRunning}`;
      // On a screen that is redrawn, the time counts up while the run goes on.
      if (this.o.clearScreen && !this.ticker) {
        this.ticker = setInterval(() => this.running && this.draw({ running: this.running.label }), 1000);
        this.ticker.unref();
      }
    }
    const text = this.screen(running);
    if (this.o.clearScreen) this.o.write(CLEAR_SCREEN + text);
    else if (this.o.keys !== 'none') this.o.write(`\n${'─'.repeat(60)}\n${text}\n`);
  }

  private stopTicker(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.running = undefined;
  }

  /** Stops the clock of a run on screen (the runner is closing). */
  close(): void {
    this.stopTicker();
  }

  /** The final screen, for run-once mode. */
  finalScreen(): string {
    return this.screen();
  }
}

function outcome(r: ExerciseResult) {
  return { name: r.name, passed: r.passed, total: r.total, passing: isPassing(r), step: currentStep(r) };
}
