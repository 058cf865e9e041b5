/** From one vitest run's events to the report's lines: each expected test's status, missing ones included. */
import type { RunResult } from './run-result.ts';
import type { RunReport, TestReport, TestStatus } from './types.ts';
import { trimMessage } from './util.ts';

const TIMED_OUT = /Test timed out in \d+ms/;

/** Vitest repeats names it is given; the grader needs one key per test: "name", "name (2)", … */
export function dedupe(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n} (${k})`;
  });
}

/** Turns one run's events into a report line per expected test (missing ones included). */
export function testsOf(
  specs: { file: string; tests: string[] }[],
  run: RunResult,
  hidden: boolean,
): { tests: Omit<TestReport, 'points' | 'possible'>[]; extra: string[] } {
  const clean = (m: string) => trimMessage(m, { roots: run.roots });
  const tests: Omit<TestReport, 'points' | 'possible'>[] = [];
  const extra: string[] = [];
  let k = 0;
  for (const spec of specs) {
    const collected = run.collected.get(spec.file) ?? [];
    const ids = new Map<string, string>();
    dedupe(collected.map((t) => t.name)).forEach((n, i) => {
      ids.set(n, (collected[i] as { id: string }).id);
    });
    for (const n of ids.keys()) if (!spec.tests.includes(n)) extra.push(n);
    const moduleError = run.moduleErrors.get(spec.file)?.[0] ?? null;
    for (const name of spec.tests) {
      const id = ids.get(name);
      const r = id ? run.results.get(id) : undefined;
      let status: TestStatus;
      let message: string | null = null;
      if (r && r.state === 'passed') {
        status = 'passed';
      } else if (r && r.state === 'failed') {
        const text = r.errors.join('\n\n') || 'failed';
        status = TIMED_OUT.test(text) ? 'timeout' : 'failed';
        message = text;
      } else if (r) {
        status = 'not-run';
        message = `not run (${r.state})`;
      } else if (moduleError && collected.length === 0) {
        status = 'error';
        message = `the spec could not load the exercise: ${moduleError}`;
      } else if (id && run.running.includes(id)) {
        status = run.status === 'timeout' ? 'timeout' : 'error';
        message =
          run.status === 'timeout'
            ? `still running when the exercise ${run.message}`
            : `this test was running when the exercise ${run.status === 'out-of-memory' ? run.message : `crashed: ${run.message}`}`;
      } else if (run.status !== 'completed') {
        status = 'not-run';
        message = `not run: the exercise ${run.status === 'import-error' ? `could not load: ${run.message}` : run.message}`;
      } else {
        status = 'not-run';
        message = 'no result: the test did not run (its name may differ from the manifest: run npm run manifest)';
      }
      tests.push({
        name: hidden ? `hidden test ${++k}` : name,
        file: hidden ? 'hidden' : spec.file,
        hidden,
        status,
        durationMs: r?.duration != null ? Math.round(r.duration) : null,
        message: hidden ? null : message ? clean(message) : null,
      });
    }
  }
  return { tests, extra };
}

export function runReport(run: RunResult, hidden: boolean): RunReport {
  return {
    status: run.status,
    // a hidden run's crash message could quote the hidden spec: say only what kind of failure it was
    message: hidden
      ? run.status === 'completed'
        ? null
        : run.status
      : run.message && trimMessage(run.message, { roots: run.roots }),
    exitCode: run.exitCode,
    signal: run.signal,
    durationMs: run.durationMs,
  };
}
