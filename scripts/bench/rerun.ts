/**
 * `npm run bench -- --only rerun`: save → result in the watch modes, on every exercise. The
 * runner's session (warm worker threads, its 20 ms debounce, quick checks) as `npm start` runs
 * it, on the learner's code three ways: as in exercises/ (the stubs), half done (a temp copy
 * of the kata, half-done.ts) and solved (the reference solutions: the quick check's pass).
 */
import { utimesSync } from 'node:fs';
import { type Exercise, findExercise, listExercises, ROOT } from '../lib/exercises.ts';
import type { ExerciseResult } from '../runner/spec-results.ts';
import { makeHalfDoneKata } from './half-done.ts';
import { type Bench, fmt, type Stat, stat, type Target, table } from './report.ts';

/** The target: save → result while failing, every exercise. */
const TARGET_S = 0.3;
/** A first save slower than this (training) is the only one timed, not `runs`. */
const SLOW_MS = 3000;

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

const ms = (seconds: number) => fmt(seconds * 1000, 0);
/** "median (min–max)" in ms */
const cell = (st: Stat) => `${ms(st.median)} (${ms(st.min)}–${ms(st.max)})`;

interface Saves {
  save: Stat;
  last: ExerciseResult;
  /** the save, then the full check the runner makes of a quick pass before it records it */
  recorded?: Stat;
}

/**
 * One `npm start` session over `exercises` (learner's files at `root`, or the solutions): each
 * exercise focused in turn, run once (as the runner does when it opens one), then saved `runs`
 * times. `verify`: also time the full check after each save of that exercise.
 */
async function sessionSaves(
  label: string,
  project: 'exercises' | 'solutions',
  root: string,
  exercises: readonly Exercise[],
  runs: number,
  verify?: string,
): Promise<Map<string, Saves>> {
  const { SpecSession } = await import('../runner/session.ts');
  let settle: ((r: ExerciseResult) => void) | undefined;
  const session = await SpecSession.start({ root, watch: true, project, onRerunResult: (r) => settle?.(r) });
  const out = new Map<string, Saves>();
  try {
    for (const ex of exercises) {
      session.focus(ex);
      let last = (await session.run([ex], { quick: true })).get(ex.name) as ExerciseResult;
      const saves: number[] = [];
      const recorded: number[] = [];
      // A save that trains (10 and 11 solved, or half done) is timed once: seconds, not ms.
      for (let i = 0; i < runs && !(saves[0] && saves[0] * 1000 > SLOW_MS); i++) {
        const file = project === 'solutions' ? ex.solution : ex.stub;
        const save = await timeSave(file, () => new Promise<ExerciseResult>((r) => (settle = r)));
        saves.push(save.seconds);
        last = save.result;
        if (verify === ex.name) {
          const t0 = performance.now();
          await session.run([ex]);
          recorded.push(save.seconds + (performance.now() - t0) / 1000);
        }
      }
      out.set(ex.name, { save: stat(saves), last, ...(recorded.length > 0 ? { recorded: stat(recorded) } : {}) });
      process.stderr.write(`  ${label} ${ex.name}: ${cell(stat(saves))} ms, ${last.passed}/${last.total} pass\n`);
    }
  } finally {
    await session.close();
  }
  return out;
}

/**
 * Save → result in Vitest's own watch mode as `npm run ui` runs it (with the runner's warm
 * threads, all 100 cases, and Vitest's wait of 100 ms after a save), on exercise 01 solved.
 */
async function vitestSaves(runs: number): Promise<Stat> {
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
    const save = await timeSave(ex.solution, () => new Promise<void>((r) => (settle = r)));
    samples.push(save.seconds);
  }
  await vitest.close();
  await pool?.dispose();
  return stat(samples);
}

/** The target that every exercise's median is within TARGET_S, naming the slowest. */
function everyExercise(name: string, medians: Map<string, Stat>): Target {
  let slowest = { name: '', median: Number.NEGATIVE_INFINITY };
  for (const [exercise, st] of medians) if (st.median > slowest.median) slowest = { name: exercise, median: st.median };
  const over = [...medians.values()].filter((st) => st.median > TARGET_S).length;
  return {
    name,
    met: over === 0,
    detail: `${medians.size - over} of ${medians.size}; slowest ${slowest.name}, ${ms(slowest.median)} ms`,
  };
}

export async function benchReruns(bench: Bench): Promise<void> {
  const { results, targets } = bench;
  // Three sessions over eleven exercises: fewer saves each than the short benchmarks.
  const runs = Math.min(bench.runs, 3);
  const exercises = listExercises();
  const stub = await sessionSaves('as in exercises/', 'exercises', ROOT, exercises, runs);
  const kata = makeHalfDoneKata();
  let half: Map<string, Saves>;
  try {
    half = await sessionSaves('half done', 'exercises', kata.root, kata.exercises, runs);
  } finally {
    kata.dispose();
  }
  const solved = await sessionSaves('solved', 'solutions', ROOT, exercises, runs, '01-tensors');
  const ui = await vitestSaves(runs);

  const failing = new Map<string, Stat>();
  const passing = new Map<string, Stat>();
  const rows: string[][] = [];
  const entry: Record<string, unknown> = {};
  for (const ex of exercises) {
    const s = stub.get(ex.name) as Saves;
    const h = half.get(ex.name) as Saves;
    const p = solved.get(ex.name) as Saves;
    if (p.last.passed !== p.last.total) {
      throw new Error(`npm run bench: ${ex.name}'s solution passed ${p.last.passed}/${p.last.total} of its specs`);
    }
    // A half-done file whose specs all pass is not failing (the table shows its count).
    const halfFails = h.last.passed < h.last.total;
    const slower = halfFails && h.save.median > s.save.median ? h.save : s.save;
    failing.set(ex.name, slower);
    passing.set(ex.name, p.save);
    entry[ex.name] = { stub: s.save, halfDone: h.save, quickPass: p.save };
    rows.push([
      ex.name,
      cell(s.save),
      `${cell(h.save)} ${h.last.passed}/${h.last.total}`,
      cell(p.save),
      slower.median <= TARGET_S ? '✓' : '✗',
      p.save.median <= TARGET_S ? '✓' : '✗',
    ]);
  }
  const verified = (solved.get('01-tensors') as Saves).recorded as Stat;
  results.rerun = entry;
  results.rerunVerified = verified;
  results.rerunVitest = ui;
  table(
    `npm start: save → result, every exercise (ms, median (min–max) of ${runs} saves, 1 where a run trains; half done: steps 1…⌊n/2⌋ solved, its specs passing)`,
    ['exercise', 'as in exercises/', 'half done', 'solved: quick pass', 'failing ≤ 300', 'passing ≤ 300'],
    rows,
  );
  table(
    `Watch reruns of exercise 01 solved (ms, median (min–max) of ${runs} saves)`,
    ['what', 'ms'],
    [
      ['npm start: save → pass recorded (the quick check, then the full check)', cell(verified)],
      ['npm run ui (vitest --watch): save → result', cell(ui)],
    ],
  );
  targets.push(
    everyExercise('save → result ≤ 300 ms while failing, every exercise (npm start)', failing),
    everyExercise("save → the quick check's pass ≤ 300 ms, every exercise (npm start)", passing),
  );
}
