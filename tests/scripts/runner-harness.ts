/** The runner's test harness: a fake spec session (no Vitest) and a Runner on a fake kata. */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Exercise, listExercises } from '../../scripts/lib/exercises.ts';
import { catalogues } from '../../scripts/lib/messages.ts';
import { makeStyle } from '../../scripts/lib/term.ts';
import { Runner } from '../../scripts/runner/runner.ts';
import type { RunOptions, SpecRunner } from '../../scripts/runner/session.ts';
import type { ExerciseResult } from '../../scripts/runner/spec-results.ts';
import { loadState, statePath } from '../../scripts/runner/state.ts';
import { writeFakeExercises } from './fake-kata.ts';

/**
 * Specs pass for the exercises in `solved`; otherwise the first step's TODO fails. Those in
 * `subtle` pass quick checks but fail full runs (a bug that 20 cases per property miss).
 */
export class FakeSpecs implements SpecRunner {
  readonly solved = new Set<string>();
  readonly subtle = new Set<string>();
  readonly runs: string[][] = [];
  readonly quickRuns: string[][] = [];
  readonly casesPerProperty = { full: 100, quick: 20 as number | undefined };
  focused: string | null = null;
  async run(exercises: readonly Exercise[], options: RunOptions = {}): Promise<Map<string, ExerciseResult>> {
    const quick = options.quick && this.casesPerProperty.quick !== undefined;
    this.runs.push(exercises.map((e) => e.name));
    if (quick) this.quickRuns.push(exercises.map((e) => e.name));
    return new Map(
      exercises.map((e) => [
        e.name,
        quick
          ? { ...this.result(e, true), quick: true, casesPerProperty: this.casesPerProperty.quick }
          : this.result(e),
      ]),
    );
  }
  result(e: Exercise, quick = false): ExerciseResult {
    const ok = this.solved.has(e.name) && (quick || !this.subtle.has(e.name));
    return {
      name: e.name,
      passed: ok ? 2 : 0,
      total: 2,
      loadErrors: [],
      durationMs: 3,
      tests: [1, 2].map((step) => ({
        name: `spec ${step}`,
        suites: [`step ${step}: s${step}`],
        state: ok ? 'passed' : 'failed',
        step,
        ...(ok
          ? {}
          : {
              failure: {
                name: `spec ${step}`,
                message: `TODO(${e.name}): implement f${step} (step ${step} in README.md)`,
                todo: { tag: e.name, text: `implement f${step} (step ${step} in README.md)`, fn: `f${step}`, step },
              },
            }),
      })),
    };
  }
  focus(e: Exercise | null): void {
    this.focused = e?.name ?? null;
  }
  backend(): string {
    return 'cpu';
  }
  async close(): Promise<void> {}
}

/** `setup(opts)`: a fresh fake kata under `tmp`, a Runner on it with FakeSpecs, and what it wrote. */
export function runnerSetup(tmp: string) {
  let count = 0;
  return function setup(
    opts: {
      state?: string;
      solved?: string[];
      target?: string;
      clearScreen?: boolean;
      lang?: 'en' | 'ko';
      autoAdvance?: boolean;
    } = {},
  ) {
    const root = path.join(tmp, `kata-${count++}`);
    mkdirSync(root, { recursive: true });
    writeFakeExercises(root);
    if (opts.state !== undefined) {
      mkdirSync(path.join(root, '.kata'), { recursive: true });
      writeFileSync(statePath(root), opts.state);
    }
    const exercises = listExercises(root);
    const specs = new FakeSpecs();
    for (const s of opts.solved ?? []) specs.solved.add(s);
    const output: string[] = [];
    const target = exercises.find((e) => e.name === opts.target);
    const runner = new Runner(
      {
        root,
        exercises,
        lang: opts.lang ?? 'en',
        m: catalogues[opts.lang ?? 'en'],
        style: makeStyle(false),
        keys: 'keys',
        write: (t) => output.push(t),
        clearScreen: opts.clearScreen ?? false,
        ...(opts.autoAdvance ? { autoAdvance: true } : {}),
        ...(target ? { target } : {}),
      },
      specs,
    );
    const solve = (name: string) => {
      specs.solved.add(name);
      const ex = exercises.find((e) => e.name === name) as Exercise;
      cpSync(ex.solution, ex.stub);
      return runner.rerunResult(specs.result(ex), 120);
    };
    return { root, exercises, specs, runner, output, solve, state: () => loadState(root).state };
  };
}
