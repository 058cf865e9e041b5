/**
 * What a grading run produced: its RunResult, read from the results channel that the grader's
 * reporter (scripts/grade/reporter.ts) writes in Vitest's main process — never from the run's
 * output. Lines without the run's nonce, results that contradict each other or were never
 * collected, and a run that did not end make it "crashed", never "completed".
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readRegular } from './safe-fs.ts';
import { JUDGE_RUNNER } from './tree.ts';

export interface TestEvent {
  file: string;
  id: string;
  name: string;
  state: string;
  duration: number | null;
  errors: string[];
  meta: Record<string, unknown> | null;
}

export type RunStatus = 'completed' | 'timeout' | 'out-of-memory' | 'crashed' | 'import-error' | 'not-graded';

export interface RunResult {
  status: RunStatus;
  /** a one-line explanation when status is not 'completed' */
  message: string | null;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** file (relative to the tree, POSIX) → its tests in collection order */
  collected: Map<string, { id: string; name: string }[]>;
  results: Map<string, TestEvent>;
  /** errors of a spec file that failed to load, per file */
  moduleErrors: Map<string, string[]>;
  unhandled: string[];
  /** the tests that started and never finished (the run stopped, or their worker died, during them) */
  running: string[];
  provided: Record<string, unknown> | null;
  /** the last lines of the run's stderr, for diagnosis only (never printed for hidden runs) */
  stderr: string;
  /** how the tree's root is written in messages (to strip it) */
  roots: string[];
  /** processes of the run still alive after it ended, which the grader killed */
  leftovers: number;
}

const OOM =
  /JavaScript heap out of memory|Reached heap limit|FatalProcessOutOfMemory|ERR_WORKER_OUT_OF_MEMORY|Allocation failed/;
const MAX_CHANNEL_BYTES = 256 * 1024 * 1024;

export interface Ending {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  stderr: string;
  timeoutMs: number;
  memoryMb: number;
  /** the tree's root as the run saw it */
  treeSeen: string;
  leftovers: number;
  listFile: string | null;
}

function readLines(file: string): { events: Record<string, unknown>[]; unreadable: number } {
  let text = '';
  try {
    text = readRegular(file, MAX_CHANNEL_BYTES)?.toString('utf8') ?? '';
  } catch {
    return { events: [], unreadable: 1 };
  }
  const events: Record<string, unknown>[] = [];
  let unreadable = 0;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const e = JSON.parse(line) as unknown;
      if (e && typeof e === 'object' && !Array.isArray(e)) events.push(e as Record<string, unknown>);
      else unreadable++;
    } catch {
      // the last line may be cut short by a kill; any other broken line is not the reporter's
      if (i < lines.length - 1) unreadable++;
    }
  });
  return { events, unreadable };
}

/**
 * The run's result from the reporter's lines. A run that ended by a signal, wrote lines the
 * reporter did not write, reported a test twice with different results, or reported tests
 * that were never collected, is "crashed" — never "completed".
 */
export function parseChannel(file: string, nonce: string, end: Ending): RunResult {
  const result = emptyResult('completed', null, {
    exitCode: end.code,
    signal: end.signal,
    durationMs: end.durationMs,
    stderr: end.stderr,
    leftovers: end.leftovers,
  });
  const rel = (f: unknown) => {
    const s = String(f);
    const r = s.startsWith(`${end.treeSeen}/`) ? s.slice(end.treeSeen.length + 1) : path.relative(end.treeSeen, s);
    return r.split(path.sep).join('/');
  };
  const { events, unreadable } = readLines(file);
  let foreign = unreadable;
  let ended = false;
  const started: string[] = [];
  const conflicts: string[] = [];
  for (const e of events) {
    if (e.nonce !== nonce) {
      foreign++;
      continue;
    }
    if (e.type === 'start' && typeof e.id === 'string') {
      started.push(e.id);
    } else if (e.type === 'collected' && Array.isArray(e.tests)) {
      if (e.provided && typeof e.provided === 'object') result.provided = e.provided as Record<string, unknown>;
      result.collected.set(
        rel(e.file),
        (e.tests as { id: unknown; name: unknown }[]).map((t) => ({ id: String(t.id), name: String(t.name) })),
      );
    } else if (e.type === 'result' && typeof e.id === 'string') {
      const event: TestEvent = {
        file: rel(e.file),
        id: e.id,
        name: String(e.name),
        state: String(e.state),
        duration: typeof e.duration === 'number' ? e.duration : null,
        errors: Array.isArray(e.errors) ? e.errors.map(String) : [],
        meta: e.meta && typeof e.meta === 'object' ? (e.meta as Record<string, unknown>) : null,
      };
      const before = result.results.get(e.id);
      if (before && before.state !== event.state) conflicts.push(event.name);
      result.results.set(e.id, event);
    } else if (e.type === 'module') {
      const errors = Array.isArray(e.errors) ? e.errors.map(String) : [];
      if (errors.length) result.moduleErrors.set(rel(e.file), errors);
      if (e.provided && typeof e.provided === 'object') result.provided = e.provided as Record<string, unknown>;
    } else if (e.type === 'end') {
      ended = true;
      result.unhandled = Array.isArray(e.unhandled) ? e.unhandled.map(String) : [];
    }
  }
  if (end.listFile && existsSync(end.listFile)) {
    // `vitest list` calls no reporter hooks per test: read its JSON instead (no ids there)
    const listed = JSON.parse(readFileSync(end.listFile, 'utf8')) as { name: string; file: string }[];
    result.collected.clear();
    for (const t of listed) {
      const f = rel(t.file);
      const tests = result.collected.get(f) ?? [];
      tests.push({ id: `${f}#${tests.length}`, name: t.name });
      result.collected.set(f, tests);
    }
    ended = end.code === 0;
  }
  result.running = started.filter((id) => !result.results.has(id));
  const collectedIds = new Set([...result.collected.values()].flatMap((ts) => ts.map((t) => t.id)));
  const uncollected = [...result.results.values()].filter((r) => !collectedIds.has(r.id)).map((r) => r.name);

  const oom = OOM.test(result.stderr) || result.unhandled.some((u) => OOM.test(u));
  const exit = end.signal ? `signal ${end.signal}` : `exit code ${end.code}`;
  // whether any spec loaded: the judge's runner loads whatever the learner's code does
  const anyTests = [...result.collected].some(([f, t]) => f !== JUDGE_RUNNER && t.length > 0);
  const firstModuleError = [...result.moduleErrors.values()][0]?.[0] ?? null;
  const lastError = lastErrorLine(result.stderr);
  const crash = (message: string) => {
    result.status = 'crashed';
    result.message = message;
  };
  if (end.timedOut) {
    result.status = 'timeout';
    result.message = `stopped after its time limit of ${Math.round(end.timeoutMs / 1000)} s`;
  } else if (oom) {
    result.status = 'out-of-memory';
    result.message = `ran out of memory (heap limit ${end.memoryMb} MB)`;
  } else if (foreign > 0) {
    crash(`the results channel held ${foreign} line(s) the grader's reporter did not write`);
  } else if (conflicts.length) {
    crash(`tests reported twice with different results: ${conflicts.slice(0, 3).join('; ')}`);
  } else if (uncollected.length) {
    crash(`results for tests that were never collected: ${uncollected.slice(0, 3).join('; ')}`);
  } else if (firstModuleError && !anyTests) {
    result.status = 'import-error';
    result.message = firstModuleError;
  } else if (end.signal) {
    crash(`the test process was ended by ${end.signal}${lastError ? `: ${lastError}` : ''}`);
  } else if (!ended) {
    crash(`the test process died (${exit})${lastError ? `: ${lastError}` : ''}`);
  } else if (result.unhandled.length && missing(result)) {
    crash(`the test worker died: ${result.unhandled[0]}`);
  }
  return result;
}

/** A result with nothing in it yet (or a run that never started: status 'not-graded'). */
export function emptyResult(status: RunStatus, message: string | null, more: Partial<RunResult> = {}): RunResult {
  return {
    status,
    message,
    exitCode: null,
    signal: null,
    durationMs: 0,
    collected: new Map(),
    results: new Map(),
    moduleErrors: new Map(),
    unhandled: [],
    running: [],
    provided: null,
    stderr: '',
    roots: [],
    leftovers: 0,
    ...more,
  };
}

/** True if some collected test has no result. */
function missing(r: RunResult): boolean {
  for (const tests of r.collected.values()) for (const t of tests) if (!r.results.has(t.id)) return true;
  return false;
}

function lastErrorLine(stderr: string): string | null {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^([A-Z][A-Za-z]*Error|Error)\b.*:/.test(l) || /^Error\b/.test(l));
  return lines.length ? (lines[lines.length - 1] as string).slice(0, 300) : null;
}
