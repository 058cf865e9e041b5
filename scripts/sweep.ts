/**
 * `npm run sweep`: every exercise's specs against the reference solutions, once per seed, to
 * find the specs that fail a right answer under some KATA_SEED (maintainers; CI runs a window
 * of seeds every week, .github/workflows/seeds.yml). One Vitest runs them all: each run's seed
 * reaches the specs through provide/inject, and a thread runs several spec files, so
 * TensorFlow.js loads once per thread and run, not once per file.
 *
 *   npm run sweep -- --seeds 200             seeds 1 to 200 (default 10)
 *   npm run sweep -- --seeds 50 --from 1001  seeds 1001 to 1050
 *   npm run sweep -- 03 matmul --seeds 20    only these exercises
 *   npm run sweep -- --jobs 1                spec files at once (default: the cores here)
 *
 * KATA_RUNS sets the cases per property, as for any run. Prints a line per seed, then a table
 * per exercise (seeds run, seeds failed) and each failure with its counterexample and the
 * command that repeats it. Exit status: 0 when every seed passed, 1 when one failed, 2 for
 * wrong options.
 */
import os from 'node:os';
import { commandArgs } from './lib/args.ts';
import { type Exercise, findExercise, listExercises } from './lib/exercises.ts';
import { describeSeeds, formatSweep, seedRange, sweep } from './runner/seed-sweep.ts';
import { SpecSession } from './runner/session.ts';

function usage(message: string): never {
  console.error(`npm run sweep: ${message} (npm run sweep -- --help)`);
  process.exit(2);
}

function whole(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min)
    usage(`--${flag} must be a whole number ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

const { values, positionals } = commandArgs(
  import.meta.url,
  process.argv.slice(2),
  { seeds: { type: 'string' }, from: { type: 'string' }, jobs: { type: 'string' } },
  true,
);
const seeds = seedRange(whole('from', values.from, 1, 0), whole('seeds', values.seeds, 10, 1));
const jobs = whole('jobs', values.jobs, os.availableParallelism(), 1);
let exercises: Exercise[];
try {
  exercises = positionals.length > 0 ? positionals.map((q) => findExercise(q)) : listExercises();
} catch (e) {
  usage((e as Error).message);
}

const started = performance.now();
// A stall here is a hang of a spec on a reference solution, rare and fatal to the run anyway:
// give a starved machine (the sweep often runs niced, behind other work) 5 minutes, not the
// runner's 35 s. A thread stopped between two files of a shared worker would also take Vitest
// down ("Worker exited unexpectedly" with no one listening).
const session = await SpecSession.start({
  project: 'solutions',
  warm: false,
  maxWorkers: jobs,
  isolate: false,
  stallMs: 300_000,
});
console.log(
  `sweep: ${exercises.length} exercise${exercises.length === 1 ? '' : 's'} on the reference solutions, seeds ` +
    `${describeSeeds(seeds)}, ${session.casesPerProperty.full} cases per property, ${jobs} thread${jobs === 1 ? '' : 's'}`,
);
let done = 0;
let report: Awaited<ReturnType<typeof sweep>>;
try {
  report = await sweep(
    (exs, seed) => session.run(exs, { seed }),
    exercises,
    seeds,
    (seed, failures, ms) => {
      done++;
      const names = [...new Set(failures.map((f) => f.exercise))];
      const what = names.length === 0 ? 'ok' : `${failures.length} failing in ${names.join(', ')}`;
      console.log(`seed ${seed} (${done}/${seeds.length}): ${what}, ${(ms / 1000).toFixed(1)} s`);
    },
  );
} finally {
  await session.close();
}
console.log(`\n${formatSweep(report)} (${((performance.now() - started) / 60_000).toFixed(1)} min)`);
process.exit(report.failures.length === 0 ? 0 : 1);
