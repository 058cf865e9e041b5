/** Progress over the exercises: the bar, which exercise comes next, and which records are fresh. */
import { readFileSync, statSync } from 'node:fs';
import { type Exercise, listExercises } from '../lib/exercises.ts';
import { runOnce } from './session.ts';
import { isPassing } from './spec-results.ts';
import { type ExerciseRecord, isDone, type KataState } from './state.ts';

/**
 * Whether the stub still throws one of its TODO errors. Such an exercise cannot pass (every
 * spec fails on a TODO — tests/stubs-fail.test.ts), so rebuilding the progress need not run it.
 */
export function stubHasTodos(ex: Exercise): boolean {
  try {
    const escaped = ex.name.replace(/[-]/g, '\\-');
    return new RegExp(`throw new Error\\(\\s*['"\`]TODO\\(${escaped}\\)`).test(readFileSync(ex.stub, 'utf8'));
  } catch {
    return false;
  }
}

/** `[#####-----] 5/11` */
export function progressBar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? 0 : Math.min(width, Math.round((done / total) * width));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}

type IsDone = (name: string) => boolean;

/** The first exercise, in order, that is not done. */
export function firstUnsolved(exercises: readonly Exercise[], isDone: IsDone): Exercise | undefined {
  return exercises.find((e) => !isDone(e.name));
}

/** The next exercise after `current` that is not done, wrapping around; never `current`. */
export function nextUnsolved(exercises: readonly Exercise[], current: Exercise, isDone: IsDone): Exercise | undefined {
  const i = exercises.findIndex((e) => e.name === current.name);
  for (let k = 1; k < exercises.length; k++) {
    const e = exercises[(i + k) % exercises.length] as Exercise;
    if (!isDone(e.name)) return e;
  }
  return undefined;
}

/** The exercise `step` places after (1) or before (-1) `current`, wrapping around. */
export function neighbour(exercises: readonly Exercise[], current: Exercise, step: 1 | -1): Exercise {
  const i = exercises.findIndex((e) => e.name === current.name);
  const n = exercises.length;
  return exercises[(((i + step) % n) + n) % n] as Exercise;
}

export interface ExerciseStatus {
  exercise: Exercise;
  passed: number;
  failed: number;
  /** every spec of the exercise passes */
  done: boolean;
}

/** Runs every exercise's specs once (in this process) and says which pass. */
export async function exerciseStatuses(exercises: Exercise[] = listExercises()): Promise<ExerciseStatus[]> {
  const results = await runOnce(exercises);
  return exercises.map((exercise) => {
    const r = results.get(exercise.name);
    const passed = r?.passed ?? 0;
    const total = r?.total ?? 0;
    return { exercise, passed, failed: Math.max(total - passed, r && isPassing(r) ? 0 : 1), done: !!r && isPassing(r) };
  });
}

/** The exercise the learner is on: the runner's last one if it is not done, else the first unsolved. */
export function currentExercise(state: KataState, exercises: readonly Exercise[]): Exercise | undefined {
  const named = exercises.find((e) => e.name === state.current);
  if (named && !isDone(state, named.name)) return named;
  return firstUnsolved(exercises, (n) => isDone(state, n));
}

/** The record describes the exercise's code as it is now (checked after the stub's last save). */
export function isFresh(record: ExerciseRecord | undefined, ex: Exercise): boolean {
  if (!record?.checkedAt) return false;
  try {
    return statSync(ex.stub).mtimeMs <= Date.parse(record.checkedAt);
  } catch {
    return false;
  }
}
