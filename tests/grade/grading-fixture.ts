/**
 * What the grader's end-to-end tests share: a temporary folder, the mini kata built in it with
 * its manifest (tests/grade/mini-kata.ts), the sandbox of this machine, and scenarios — each
 * describe's grading, started all at once as soon as the mini kata exists: most of their time
 * is spent waiting (on time limits, on processes starting), so they overlap well.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { beforeAll } from 'vitest';
import { buildManifest } from '../../scripts/grade/build.ts';
import type { GradeReport } from '../../scripts/grade/grade.ts';
import { detectSandbox } from '../../scripts/grade/sandbox.ts';
import { ROOT } from '../../scripts/lib/exercises.ts';
import { tempFolder } from '../helpers/temp-folder.ts';
import { makeMiniKata } from './mini-kata.ts';

export interface GradingFixture {
  tmp: string;
  /** the mini kata (built before any scenario starts, unless asked not to) */
  kata: string;
  iso: ReturnType<typeof detectSandbox>;
  /** registers a describe's grading; the describe's own beforeAll waits for it */
  scenario(name: string, setup: () => Promise<void>): void;
}

export function gradingFixture(prefix: string, { miniKata = true } = {}): GradingFixture {
  const tmp = tempFolder(prefix);
  const kata = path.join(tmp, 'mini');
  const scenarios = new Map<string, () => Promise<void>>();
  const running = new Map<string, Promise<void>>();
  beforeAll(async () => {
    if (miniKata) {
      makeMiniKata(kata);
      await buildManifest(kata);
    }
    for (const [name, setup] of scenarios) {
      const p = setup();
      p.catch(() => {}); // awaited (and reported) by the describe's own beforeAll
      running.set(name, p);
    }
  }, 60_000);
  return {
    tmp,
    kata,
    iso: detectSandbox(),
    scenario(name, setup) {
      scenarios.set(name, setup);
      beforeAll(() => running.get(name), 300_000);
    },
  };
}

/** A command's exit status and output, without blocking the other scenarios meanwhile. */
export function runAsync(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export const statuses = (r: GradeReport, exercise: string) =>
  r.exercises.find((e) => e.name === exercise)?.tests.map((t) => t.status) ?? [];
/** What a failed expectation on `exercise` should print: the run, the judge, each test's message. */
export const explain = (r: GradeReport, exercise: string) => {
  const e = r.exercises.find((x) => x.name === exercise);
  return JSON.stringify(
    { run: e?.run, judge: e?.judge, tests: e?.tests.map((t) => [t.status, t.message?.slice(0, 300)]) },
    null,
    1,
  );
};
export const ex = (r: GradeReport, exercise: string) =>
  r.exercises.find((e) => e.name === exercise) as GradeReport['exercises'][0];
export const submissions = (dir: string, names: string[]) =>
  [...names].sort().map((learner) => ({ learner, root: path.join(dir, learner) }));
