/**
 * The learner's progress, in `.kata/state.json` (git-ignored): which exercises pass, the
 * hint tiers seen, and whether a reference solution was shown before the exercise passed.
 *
 * It is a cache of what the specs say, plus a little history: written atomically (temp file
 * + rename); a missing or unreadable file is never an error — the caller rebuilds it by
 * running the specs (a corrupt file is kept aside as `.kata/state.corrupt-<time>.json`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileStamp, renameWithRetry, writeFileAtomic } from '../lib/files.ts';

export const STATE_VERSION = 1;

export interface SolutionRecord {
  /** 'early': shown with --force before the specs passed; 'after passing' otherwise. */
  revealed: 'early' | 'after passing';
  /** when it was first shown */
  at: string;
}

export interface ExerciseRecord {
  /** every spec passed (at `doneAt`, the first time) */
  done?: boolean;
  doneAt?: string;
  /** specs passing / in all, at the last run */
  passed?: number;
  total?: number;
  /** the README step of the first failing spec at the last run */
  step?: number;
  checkedAt?: string;
  /** hint tiers seen, per step: { "2": 1 } means tier 1 of step 2 was shown */
  hints?: Record<string, number>;
  solution?: SolutionRecord;
}

export interface KataState {
  version: typeof STATE_VERSION;
  /** the exercise the runner last worked on */
  current?: string;
  exercises: Record<string, ExerciseRecord>;
}

export type LoadProblem = 'missing' | 'corrupt';

export interface LoadedState {
  state: KataState;
  /** null when the file was read fine */
  problem: LoadProblem | null;
  /** why a file was found corrupt */
  detail?: string;
  /** where a corrupt file was moved */
  movedTo?: string;
}

export function statePath(root: string): string {
  return path.join(root, '.kata', 'state.json');
}

export function emptyState(): KataState {
  return { version: STATE_VERSION, exercises: {} };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** Keeps the well-typed fields of one exercise's record, drops the rest. */
function sanitizeRecord(raw: unknown): ExerciseRecord {
  if (!isObject(raw)) return {};
  const r: ExerciseRecord = {};
  if (typeof raw.done === 'boolean') r.done = raw.done;
  if (typeof raw.doneAt === 'string') r.doneAt = raw.doneAt;
  if (isCount(raw.passed)) r.passed = raw.passed;
  if (isCount(raw.total)) r.total = raw.total;
  if (isCount(raw.step) && raw.step > 0) r.step = raw.step;
  if (typeof raw.checkedAt === 'string') r.checkedAt = raw.checkedAt;
  if (isObject(raw.hints)) {
    const hints: Record<string, number> = {};
    for (const [k, v] of Object.entries(raw.hints)) if (/^\d+$/.test(k) && isCount(v)) hints[k] = v;
    r.hints = hints;
  }
  const s = raw.solution;
  if (isObject(s) && (s.revealed === 'early' || s.revealed === 'after passing') && typeof s.at === 'string') {
    r.solution = { revealed: s.revealed, at: s.at };
  }
  return r;
}

/** Parses the file's text; throws with a reason when it is not a state file of this version. */
export function parseState(text: string): KataState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) throw new Error('not a JSON object');
  if (raw.version !== STATE_VERSION) throw new Error(`unknown version ${JSON.stringify(raw.version)}`);
  if (!isObject(raw.exercises)) throw new Error('no "exercises" object');
  const state = emptyState();
  if (typeof raw.current === 'string') state.current = raw.current;
  for (const [name, rec] of Object.entries(raw.exercises)) state.exercises[name] = sanitizeRecord(rec);
  return state;
}

/** Reads the state; a missing or corrupt file gives an empty state and says so (never throws). */
export function loadState(root: string): LoadedState {
  const file = statePath(root);
  if (!existsSync(file)) return { state: emptyState(), problem: 'missing' };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { state: emptyState(), problem: 'corrupt', detail: (e as Error).message };
  }
  try {
    return { state: parseState(text), problem: null };
  } catch (e) {
    const movedTo = path.join(path.dirname(file), `state.corrupt-${fileStamp()}.json`);
    try {
      renameWithRetry(file, movedTo);
      return { state: emptyState(), problem: 'corrupt', detail: (e as Error).message, movedTo };
    } catch {
      return { state: emptyState(), problem: 'corrupt', detail: (e as Error).message };
    }
  }
}

export function saveState(root: string, state: KataState): void {
  writeFileAtomic(statePath(root), `${JSON.stringify(state, null, 2)}\n`);
}

/** Re-reads the file, applies `change` and writes it back, so that two commands lose little. */
export function updateState(root: string, change: (state: KataState) => void): KataState {
  const { state } = loadState(root);
  change(state);
  saveState(root, state);
  return state;
}

export function recordOf(state: KataState, name: string): ExerciseRecord {
  state.exercises[name] ??= {};
  return state.exercises[name];
}

export function isDone(state: KataState, name: string): boolean {
  return state.exercises[name]?.done === true;
}

export interface RunOutcome {
  name: string;
  passed: number;
  total: number;
  /** all specs pass (and there are some) */
  passing: boolean;
  step?: number | null;
}

/**
 * Records a run of one exercise's specs. Returns true when the exercise passes for the first
 * time (so the runner congratulates once). An exercise that fails again is no longer done.
 */
export function recordRun(state: KataState, run: RunOutcome, now = new Date()): boolean {
  const r = recordOf(state, run.name);
  const firstPass = run.passing && !r.done;
  r.passed = run.passed;
  r.total = run.total;
  r.checkedAt = now.toISOString();
  if (run.step) r.step = run.step;
  else delete r.step;
  r.done = run.passing;
  if (firstPass && !r.doneAt) r.doneAt = now.toISOString();
  return firstPass;
}

/** Hint tiers of `step` seen so far. */
export function hintsSeen(state: KataState, name: string, step: number): number {
  return state.exercises[name]?.hints?.[String(step)] ?? 0;
}

export function recordHintsSeen(state: KataState, name: string, step: number, seen: number): void {
  const r = recordOf(state, name);
  r.hints ??= {};
  r.hints[String(step)] = Math.max(seen, r.hints[String(step)] ?? 0);
}

/** Records that the reference solution was shown; once early, always early. */
export function recordSolutionShown(state: KataState, name: string, early: boolean, now = new Date()): void {
  const r = recordOf(state, name);
  if (r.solution?.revealed === 'early') return;
  if (r.solution && !early) return;
  r.solution = { revealed: early ? 'early' : 'after passing', at: now.toISOString() };
}
