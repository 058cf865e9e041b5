/**
 * Vitest's report of one spec file, boiled down to what the runner shows a learner: how many
 * specs pass, per README step, and for each failure a clean message, the spec line that
 * failed, the line of the learner's code that threw, and the stub's TODO when that is why.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Exercise, optionalSteps } from '../lib/exercises.ts';
import { stripAnsi } from '../lib/term.ts';

/** The parts of vitest's TestModule / TestCase / TestError the runner reads (tests fake them). */
export interface StackFrameLike {
  file: string;
  line: number;
  column: number;
  method?: string;
}
export interface ErrorLike {
  name?: string;
  message?: string;
  diff?: string;
  stack?: string;
  stacks?: readonly StackFrameLike[];
}
export interface ParentLike {
  type: string;
  name?: string;
  parent?: ParentLike;
}
export interface TestCaseLike {
  name: string;
  parent: ParentLike;
  result(): { state: string; errors?: readonly ErrorLike[] };
}
export interface TestModuleLike {
  moduleId: string;
  errors(): readonly ErrorLike[];
  children: { allTests(): Iterable<TestCaseLike> };
  diagnostic?(): { duration?: number };
}

export interface Location {
  /** absolute path */
  file: string;
  line: number;
  column: number;
  fn?: string;
}

/** A stub's `throw new Error('TODO(01-tensors): implement rank (step 1 in README.md)')`. */
export interface Todo {
  /** '01-tensors' */
  tag: string;
  /** 'implement rank (step 1 in README.md)' */
  text: string;
  /** 'rank' */
  fn?: string;
  step?: number;
}

export interface FailureInfo {
  name: string;
  message: string;
  /** vitest's expected/received diff, when it made one */
  diff?: string;
  /** where in the spec the failing expectation is */
  specAt?: Location;
  /** the innermost line of the learner's code (the exercise folder, not the spec) */
  codeAt?: Location;
  todo?: Todo;
}

export interface TestOutcome {
  name: string;
  /** describe blocks, outermost first */
  suites: string[];
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** the README step, from a `describe('step 3: …')` around it */
  step: number | null;
  /** the step is marked optional in the README */
  optional?: boolean;
  failure?: FailureInfo;
}

export interface ExerciseResult {
  name: string;
  passed: number;
  total: number;
  tests: TestOutcome[];
  /** the spec file did not load: a syntax error, a failing import, a missing file */
  loadErrors: FailureInfo[];
  durationMs: number;
  /** what the learner's code printed (console.log), when known */
  logs?: string[];
  /** errors outside any spec (an unhandled rejection, a failing setup): they fail the run */
  runErrors?: FailureInfo[];
  /** cases each property test ran, when known */
  casesPerProperty?: number;
  /** a quick check (fewer cases than a full run): a pass still has to be checked in full */
  quick?: boolean;
  /** the run made no progress for `seconds` (an endless loop?) and was stopped; `test` was running */
  stalled?: { seconds: number; test?: string };
  /** stopped by a save before it finished: out of date, not to be shown or recorded */
  aborted?: boolean;
  /** the optional steps' specs are left out of `passed` and `total` (`--skip-optional`) */
  optionalSkipped?: boolean;
  /** steps whose specs are the last result's, being run again (settled-steps.ts) */
  rechecking?: number[];
}

/** Whether the learner asked to leave the optional steps out (`npm start -- --skip-optional`). */
export function skippingOptional(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.KATA_SKIP_OPTIONAL === '1';
}

export function isPassing(r: ExerciseResult): boolean {
  return r.loadErrors.length === 0 && !r.runErrors?.length && !r.stalled && r.total > 0 && r.passed === r.total;
}

const TODO_RE = /TODO\((\d\d-[a-z0-9]+(?:-[a-z0-9]+)*)\)\s*:?\s*([^\n'"]*)/;
const IMPLEMENT_RE = /implement\s+`?([\w.$]+)`?.*?\(step\s+(\d+)/i;

export function parseTodo(message: string): Todo | undefined {
  const m = TODO_RE.exec(message);
  if (!m) return undefined;
  const text = (m[2] ?? '').trim();
  const todo: Todo = { tag: m[1] as string, text };
  const impl = IMPLEMENT_RE.exec(text);
  if (impl) {
    todo.fn = impl[1] as string;
    todo.step = Number(impl[2]);
  }
  return todo;
}

/** `step 3: size and bytes` → 3 */
export function stepOf(suites: readonly string[]): number | null {
  for (const s of suites) {
    const m = /^\s*step\s+(\d+)\b/i.exec(s);
    if (m) return Number(m[1]);
  }
  return null;
}

/**
 * An error message as a learner should read it: no colours, no stack lines (fast-check puts
 * the inner error's stack inside its message), no fast-check advert for verbose mode.
 */
export function cleanMessage(message: string): string {
  return stripAnsi(message)
    .split('\n')
    .filter((line) => !/^\s+at\s+\S/.test(line))
    .filter((line) => !/^Hint: Enable verbose mode/.test(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function toPath(file: string): string {
  const f = file.startsWith('file://') ? fileURLToPath(file) : file;
  return path.resolve(f.split('?')[0] as string);
}

function locate(frame: StackFrameLike): Location {
  const loc: Location = { file: toPath(frame.file), line: frame.line, column: frame.column };
  if (frame.method) loc.fn = frame.method;
  return loc;
}

export function failureInfo(error: ErrorLike, name: string, ex: Pick<Exercise, 'dir' | 'spec'>): FailureInfo {
  const raw = error.message ?? String(error);
  const prefix = error.name && error.name !== 'Error' && !raw.startsWith(error.name) ? `${error.name}: ` : '';
  const info: FailureInfo = { name, message: cleanMessage(prefix + raw) };
  if (error.diff) info.diff = stripAnsi(error.diff).trim();
  const dir = path.resolve(ex.dir) + path.sep;
  const spec = path.resolve(ex.spec);
  for (const frame of error.stacks ?? []) {
    const file = toPath(frame.file);
    if (!info.specAt && file === spec) info.specAt = locate(frame);
    else if (
      !info.codeAt &&
      file !== spec &&
      file.startsWith(dir) &&
      !file.includes(`${path.sep}node_modules${path.sep}`)
    )
      info.codeAt = locate(frame);
  }
  const todo = parseTodo(raw);
  if (todo) info.todo = todo;
  return info;
}

function suitesOf(test: TestCaseLike): string[] {
  const names: string[] = [];
  for (let p: ParentLike | undefined = test.parent; p && p.type === 'suite'; p = p.parent) names.unshift(p.name ?? '');
  return names;
}

function normalState(state: string): TestOutcome['state'] {
  return state === 'passed' || state === 'failed' || state === 'skipped' ? state : 'pending';
}

/** Summarises one spec file's results (`module` undefined: the file did not run at all). */
export function summarise(ex: Exercise, module: TestModuleLike | undefined): ExerciseResult {
  if (!module) {
    return {
      name: ex.name,
      passed: 0,
      total: 0,
      tests: [],
      loadErrors: [{ name: path.basename(ex.spec), message: `no results for ${path.basename(ex.spec)}` }],
      durationMs: 0,
    };
  }
  const tests: TestOutcome[] = [];
  for (const t of module.children.allTests()) {
    const suites = suitesOf(t);
    const result = t.result();
    const outcome: TestOutcome = { name: t.name, suites, state: normalState(result.state), step: stepOf(suites) };
    const error = result.errors?.[0];
    if (outcome.state === 'failed' && error) {
      outcome.failure = failureInfo(error, t.name, ex);
      outcome.step ??= outcome.failure.todo?.step ?? null;
    }
    tests.push(outcome);
  }
  const loadErrors = module.errors().map((e) => failureInfo(e, path.basename(ex.spec), ex));
  const result = {
    name: ex.name,
    passed: tests.filter((t) => t.state === 'passed').length,
    total: tests.length,
    tests,
    loadErrors,
    durationMs: Math.round(module.diagnostic?.().duration ?? 0),
  };
  return markOptional(result, optionalStepsOf(ex), skippingOptional());
}

function optionalStepsOf(ex: Exercise): number[] {
  try {
    return optionalSteps(readFileSync(ex.readme, 'utf8'));
  } catch {
    return [];
  }
}

/**
 * Marks the specs of the README's optional steps. When they are skipped, the counts are of the
 * required specs only, so an exercise passes when its required steps do.
 */
export function markOptional(r: ExerciseResult, optional: readonly number[], skip: boolean): ExerciseResult {
  if (optional.length === 0) return r;
  const tests = r.tests.map((t) => (t.step !== null && optional.includes(t.step) ? { ...t, optional: true } : t));
  if (!skip) return { ...r, tests };
  const required = tests.filter((t) => !t.optional);
  return {
    ...r,
    tests,
    optionalSkipped: true,
    passed: required.filter((t) => t.state === 'passed').length,
    total: required.length,
  };
}

/** The first failing spec, in the spec file's order (= README steps' order); skipped optional steps do not count. */
export function firstFailure(r: ExerciseResult): TestOutcome | undefined {
  return r.tests.find((t) => t.state !== 'passed' && !(r.optionalSkipped && t.optional));
}

/** The README step a learner is on: the step of the first failing spec. */
export function currentStep(r: ExerciseResult): number | null {
  const f = firstFailure(r);
  return f ? (f.step ?? f.failure?.todo?.step ?? null) : null;
}

export interface StepSummary {
  /** 'step 1: rank' (the describe name) or the test's own name when there are no describes */
  title: string;
  step: number | null;
  passed: number;
  total: number;
  optional?: boolean;
}

/** Specs grouped by their outermost describe block, in order. */
export function stepSummaries(r: ExerciseResult): StepSummary[] {
  const groups: StepSummary[] = [];
  for (const t of r.tests) {
    const title = t.suites[0] ?? '';
    let g = groups.find((x) => x.title === title);
    if (!g) {
      g = { title, step: t.step, passed: 0, total: 0, ...(t.optional ? { optional: true } : {}) };
      groups.push(g);
    }
    g.total++;
    if (t.state === 'passed') g.passed++;
  }
  return groups;
}
