/**
 * `npm run bench -- --only specs,npm-test`: what a learner and a maintainer wait for: each
 * exercise's specs cold, the watch modes' save → result, and the README's test command.
 */
import { spawnSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
import path from 'node:path';
import { findExercise, listExercises, ROOT } from '../lib/exercises.ts';
import { BIN } from '../lib/proc.ts';
import type { ExerciseResult } from '../runner/spec-results.ts';
import { type Bench, fmt, type Stat, stat, table } from './report.ts';

function wallSeconds(args: string[], env: NodeJS.ProcessEnv = {}): { seconds: number; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, KATA_QUIET: '1', ...env },
    stdio: 'ignore',
  });
  return { seconds: (performance.now() - t0) / 1000, status: r.status };
}

/** Each exercise's specs against the reference solutions, in a new process each time. */
function benchCold(bench: Bench): void {
  const { results, targets } = bench;
  const runs = Math.min(bench.runs, 3);
  const rows: string[][] = [];
  const entry: Record<string, Stat> = {};
  let over = 0;
  for (const ex of listExercises()) {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = wallSeconds([BIN.vitest, 'run', '--project', 'solutions', path.relative(ROOT, path.dirname(ex.spec))]);
      if (r.status !== 0) throw new Error(`npm run bench: the specs of ${ex.name} failed against the solutions`);
      samples.push(r.seconds);
    }
    const st = stat(samples);
    entry[ex.name] = st;
    if (st.median > 2) over++;
    rows.push([ex.name, fmt(st.median), fmt(st.min), fmt(st.max), st.median <= 2 ? '✓' : '✗']);
  }
  results.cold = entry;
  table(
    `Each exercise's specs, cold: \`vitest run --project solutions exercises/NN-…\` in a new process (seconds, median of ${runs})`,
    ['exercise', 'median', 'min', 'max', '≤ 2 s'],
    rows,
  );
  const first = Object.values(entry)[0] as Stat;
  targets.push({
    name: "one exercise's specs ≤ 2 s cold (01)",
    met: first.median <= 2,
    detail: `${fmt(first.median)} s`,
  });
  targets.push({
    name: "every exercise's specs ≤ 2 s cold",
    met: over === 0,
    detail: `${rows.length - over} of ${rows.length}`,
  });
}

/** Waits for `n` ms. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Seconds from touching `file` (as an editor's save would) to the result: `arm` returns the
 * promise of the next result, made before the touch. A second first: the learner reads and
 * types, and the spare threads get ready.
 */
async function timeSave<T>(file: string, arm: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  await sleep(1000);
  const next = arm();
  const t0 = performance.now();
  const now = new Date();
  utimesSync(file, now, now);
  const result = await next;
  return { seconds: (performance.now() - t0) / 1000, result };
}

/** A table row of a Stat in seconds, shown in ms. */
const msRow = (label: string, st: Stat) => [
  label,
  fmt(st.median * 1000, 0),
  fmt(st.min * 1000, 0),
  fmt(st.max * 1000, 0),
];

/**
 * Save → result, as the learner sees it in `npm start`: the runner's session (warm worker
 * threads, its own 20 ms debounce, quick checks) on exercise 01. Against the learner's code
 * (a fresh clone: the stub, failing) and against the reference solution (passing: the quick
 * check, then the full check the runner makes before it records a pass).
 */
async function benchRunnerRerun(
  project: 'exercises' | 'solutions',
  runs: number,
): Promise<{ save: Stat; recorded?: Stat; last: ExerciseResult }> {
  const { SpecSession } = await import('../runner/session.ts');
  const ex = findExercise('01');
  let settle: ((r: ExerciseResult) => void) | undefined;
  const session = await SpecSession.start({ watch: true, project, onRerunResult: (r) => settle?.(r) });
  session.focus(ex);
  let last = (await session.run([ex], { quick: true })).get(ex.name) as ExerciseResult;
  const saves: number[] = [];
  const recorded: number[] = [];
  for (let i = 0; i < runs; i++) {
    const save = await timeSave(
      project === 'solutions' ? ex.solution : ex.stub,
      () =>
        new Promise<ExerciseResult>((r) => {
          settle = r;
        }),
    );
    saves.push(save.seconds);
    last = save.result;
    if (project === 'solutions') {
      const t0 = performance.now();
      await session.run([ex]);
      recorded.push(save.seconds + (performance.now() - t0) / 1000);
    }
  }
  await session.close();
  return { save: stat(saves), ...(recorded.length > 0 ? { recorded: stat(recorded) } : {}), last };
}

/**
 * Save → result in Vitest's own watch mode as `npm run ui` runs it (with the runner's warm
 * threads, all 100 cases, and Vitest's wait of 100 ms after a save).
 */
async function benchVitestRerun(runs: number): Promise<Stat> {
  const { createVitest } = await import('vitest/node');
  const { kataWarmPool, poolOption } = await import('../runner/warm-pool.ts');
  let settle: (() => void) | undefined;
  const pool = kataWarmPool(ROOT);
  const vitest = await createVitest('test', {
    root: ROOT,
    watch: true,
    project: ['solutions'],
    reporters: [{ onTestRunEnd: () => settle?.() }],
    ...poolOption(pool),
  });
  const ex = findExercise('01');
  await vitest.start([ex.spec]);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const save = await timeSave(
      ex.solution,
      () =>
        new Promise<void>((r) => {
          settle = r;
        }),
    );
    samples.push(save.seconds);
  }
  await vitest.close();
  await pool?.dispose();
  return stat(samples);
}

export async function benchSpecs(bench: Bench): Promise<void> {
  const { results, targets, runs } = bench;
  benchCold(bench);
  const stub = await benchRunnerRerun('exercises', runs);
  const solved = await benchRunnerRerun('solutions', runs);
  const ui = await benchVitestRerun(runs);
  results.rerunStub = stub.save;
  results.rerunQuickPass = solved.save;
  results.rerunVerified = solved.recorded;
  results.rerunVitest = ui;
  table(
    `Watch reruns (ms from the file's save to the result on screen, median of ${runs})`,
    ['what', 'median', 'min', 'max'],
    [
      msRow(
        `npm start, exercise 01 as in exercises/ (${stub.last.passed}/${stub.last.total} pass): save → result`,
        stub.save,
      ),
      msRow(
        `npm start, exercise 01 solved (${solved.last.passed}/${solved.last.total}): save → quick check's pass`,
        solved.save,
      ),
      msRow('npm start, exercise 01 solved: save → pass recorded (+ the full check)', solved.recorded as Stat),
      msRow('npm run ui (vitest --watch), exercise 01 solved: save → result', ui),
    ],
  );
  targets.push({
    name: 'watch rerun ≤ 300 ms (npm start: save → result)',
    met: stub.save.median <= 0.3 && solved.save.median <= 0.3,
    detail: `${fmt(stub.save.median * 1000, 0)} ms failing, ${fmt(solved.save.median * 1000, 0)} ms passing the quick check`,
  });
}

/** The README's test command, as CI runs it. */
export function benchNpmTest(bench: Bench): void {
  const { results, targets } = bench;
  const r = wallSeconds(['--import', './scripts/register.mjs', 'scripts/test.ts'], { CI: 'true' });
  results.npmTest = { seconds: r.seconds, exitCode: r.status };
  table(
    'npm test (typecheck, lint, every test; seconds)',
    ['what', 'seconds', 'exit code'],
    [['npm test', fmt(r.seconds, 1), String(r.status)]],
  );
  targets.push({
    name: 'npm test ≤ 4 minutes on 2 cores, passing',
    met: r.status === 0 && r.seconds <= 240,
    detail: `${fmt(r.seconds, 0)} s, exit code ${r.status}`,
  });
}
