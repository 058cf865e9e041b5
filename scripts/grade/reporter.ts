/**
 * The grader's vitest reporter. It runs in the main vitest process of a grading child, never in
 * the worker that imports the learner's code, and appends one JSON line per event to a file in
 * a folder the grader created outside the work tree. Lines are written synchronously as tests
 * finish, so a child that is killed (time limit) or dies (out of memory) still leaves every
 * result it received.
 *
 * In the sandbox, that folder is mounted in the main process's sandbox only: the workers, which
 * run the learner's code, are in a nested sandbox that does not show it. Without a sandbox:
 * where that file is and the run's nonce are in a secret file named by KATA_GRADE_CHANNEL. As
 * this module loads — before vitest starts the worker — it reads the secret, deletes the file
 * and deletes the variable: the learner's code inherits neither, and even a learner who reads
 * the main process's initial environment (/proc/<pid>/environ) finds only a deleted file. The
 * grader ignores lines without the nonce.
 */
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import type { TestAnnotation } from 'vitest';
import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason } from 'vitest/node';

interface Channel {
  file: string;
  nonce: string;
}

function openChannel(): Channel | null {
  const secret = process.env.KATA_GRADE_CHANNEL;
  delete process.env.KATA_GRADE_CHANNEL;
  if (!secret) return null;
  try {
    return JSON.parse(readFileSync(secret, 'utf8')) as Channel;
  } catch {
    return null;
  } finally {
    rmSync(secret, { force: true });
  }
}

const channel = openChannel();

function emit(event: Record<string, unknown>): void {
  if (!channel) return;
  appendFileSync(channel.file, `${JSON.stringify({ ...event, nonce: channel.nonce })}\n`);
}

/** The judge's observations, unless they are absurdly large (then the judge has no answer). */
function capped(value: unknown): unknown {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > MAX_META_CHARS ? { $cut: `observations of ${text.length} characters` } : value;
}

const MAX_META_CHARS = 32 * 1024 * 1024;

function message(e: { message?: string; name?: string; stack?: string } | undefined): string {
  if (!e) return 'unknown error';
  const name = e.name && e.name !== 'Error' && !String(e.message ?? '').startsWith(e.name) ? `${e.name}: ` : '';
  return `${name}${e.message ?? String(e)}`.slice(0, 4000);
}

/** What the kata's globalSetup provided to the specs (here: which oracle backend loaded). */
function provided(module: TestModule): unknown {
  try {
    return module.project.getProvidedContext();
  } catch {
    return null;
  }
}

export default class GradeReporter implements Reporter {
  onTestModuleCollected(module: TestModule): void {
    const tests = [...module.children.allTests()].map((t) => ({ id: t.id, name: t.fullName }));
    emit({ type: 'collected', file: module.moduleId, tests, provided: provided(module) });
  }

  /** scripts/grade/probe.ts marks the start of every test */
  onTestCaseAnnotate(test: TestCase, annotation: TestAnnotation): void {
    if (annotation.message === 'kata-grade:start') emit({ type: 'start', file: test.module.moduleId, id: test.id });
  }

  onTestCaseResult(test: TestCase): void {
    const result = test.result();
    const judge = test.meta().judge;
    emit({
      type: 'result',
      file: test.module.moduleId,
      id: test.id,
      name: test.fullName,
      state: result.state,
      duration: test.diagnostic()?.duration ?? null,
      errors: (result.errors ?? []).map(message),
      // what the judge's runner observed (grading/judge/runner.ts); compared in the grader
      meta: judge === undefined ? null : { judge: capped(judge) },
    });
  }

  onTestModuleEnd(module: TestModule): void {
    emit({
      type: 'module',
      file: module.moduleId,
      state: module.state(),
      errors: module.errors().map(message),
      provided: provided(module),
    });
  }

  onTestRunEnd(
    _modules: ReadonlyArray<TestModule>,
    unhandled: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ) {
    emit({ type: 'end', reason, unhandled: unhandled.map(message) });
  }
}
