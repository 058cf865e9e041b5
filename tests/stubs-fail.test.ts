/**
 * Every spec of every exercise fails against its stub, and fails with the stub's TODO error:
 * a spec that passes on the stub tests nothing the learner writes (rustlings checks the same).
 * Runs the `exercises` project in a child vitest and reads its JSON report.
 *
 * The stubs are the kata's: on a learner's copy, a stage with the stubs the manifest records
 * (scripts/lib/kata-stubs.ts), so a learner's solved or half-done exercises change nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listExercises, ROOT } from '../scripts/lib/exercises.ts';
import { kataExercises } from '../scripts/lib/kata-stubs.ts';

interface AssertionResult {
  fullName: string;
  status: string;
  failureMessages: string[];
}
interface JsonReport {
  testResults: { name: string; status: string; message: string; assertionResults: AssertionResult[] }[];
}

const tmp = mkdtempSync(path.join(tmpdir(), 'kata-stubs-report-'));
const kata = kataExercises(ROOT);
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  kata.remove();
});

function runStubs(): JsonReport {
  const out = path.join(tmp, 'report.json');
  const vitest = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const result = spawnSync(
    process.execPath,
    // One thread runs every spec file in turn (--isolate=false): TensorFlow.js loads once, not
    // once per file, which halves this test's CPU. Each spec imports its own stub, so every
    // failure message is the same as with a fresh thread per file (549 of 549 compared).
    [vitest, 'run', '--project', 'exercises', '--isolate=false', '--reporter=json', `--outputFile=${out}`],
    // a stage's paths are new every run: no entries for them in vitest's module cache
    {
      cwd: kata.root,
      env: { ...process.env, KATA_QUIET: '1', CI: 'true', ...(kata.root === ROOT ? {} : { KATA_VITEST_CACHE: '0' }) },
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  try {
    return JSON.parse(readFileSync(out, 'utf8')) as JsonReport;
  } catch {
    throw new Error(`the exercises project did not write a report:\n${result.stderr}\n${result.stdout}`);
  }
}

// In a hook, not at import: Vitest then records this file's real time and, on the next run,
// starts it among the long files instead of last.
let report: JsonReport;
beforeAll(() => {
  report = runStubs();
}, 300_000);
const exercises = listExercises();

describe.each(exercises.map((e) => [e.name, e] as const))('%s stub', (_name, ex) => {
  const spec = path.resolve(kata.specOf(ex));
  const results = () => report.testResults.find((r) => path.resolve(r.name) === spec);

  it('loads (the stub compiles and its spec imports cleanly)', () => {
    const file = results();
    expect(file, `no results for ${path.relative(ROOT, ex.spec)}`).toBeDefined();
    expect(file?.assertionResults.length, file?.message).toBeGreaterThan(0);
  });

  it(`fails every spec with a TODO(${ex.name}) error`, () => {
    const file = results();
    const passing = file?.assertionResults.filter((a) => a.status === 'passed').map((a) => a.fullName) ?? [];
    expect(passing, 'these specs pass against the stub, so they test nothing the learner writes').toEqual([]);
    const withoutTodo =
      file?.assertionResults
        .filter((a) => !a.failureMessages.some((m) => m.includes(`TODO(${ex.name})`)))
        .map((a) => `${a.fullName}: ${a.failureMessages[0]?.split('\n')[0]}`) ?? [];
    expect(withoutTodo, 'these specs fail on the stub, but not because of its TODO').toEqual([]);
  });
});
