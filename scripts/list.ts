/**
 * `npm run list`: every exercise with its status (done / current / pending) and how many of
 * its specs pass, from .kata/state.json — in about a second. Only the exercises whose files
 * changed since their last recorded run are run again (in this process), and recorded.
 *
 *   npm run list                 the record, rerunning what changed since
 *   npm run list -- --run        run every exercise's specs again
 *   npm run list -- --cached     the record only, running nothing
 */

import { startCli } from './lib/cli.ts';
import { type Exercise, ROOT } from './lib/exercises.ts';
import { type ListRow, renderList } from './runner/render.ts';
import { currentStep, type ExerciseResult, isPassing } from './runner/spec-results.ts';
import { type ExerciseRecord, isDone, loadState, recordRun, updateState } from './runner/state.ts';
import { currentExercise, isFresh, progressBar, stubHasTodos } from './runner/status.ts';

const cli = startCli(import.meta.url, process.argv.slice(2), { cached: { type: 'boolean' }, run: { type: 'boolean' } });
const { m, style, exercises } = cli;
const before = loadState(ROOT).state;

/** The exercise's code changed after its recorded run, or it never ran (an untouched stub cannot pass: no need). */
function changedSince(ex: Exercise, record: ExerciseRecord | undefined): boolean {
  return record ? !isFresh(record, ex) : !stubHasTodos(ex);
}

const toRun = cli.args.values.run
  ? exercises
  : cli.args.values.cached
    ? []
    : exercises.filter((e) => changedSince(e, before.exercises[e.name]));
let results: Map<string, ExerciseResult> | undefined;
let state = before;
if (toRun.length > 0) {
  process.stderr.write(style.dim(`${m.checkingAll(toRun.length)}\n`));
  // Vitest loads only when something runs: the list alone answers in a fraction of a second.
  const { runOnce } = await import('./runner/session.ts');
  results = await runOnce(toRun);
  state = updateState(ROOT, (s) => {
    for (const r of results?.values() ?? []) {
      recordRun(s, { name: r.name, passed: r.passed, total: r.total, passing: isPassing(r), step: currentStep(r) });
    }
  });
}
const current = currentExercise(state, exercises);
const rows: ListRow[] = exercises.map((exercise) => {
  const row: ListRow = { exercise, current: exercise.name === current?.name };
  const record = before.exercises[exercise.name];
  const result = results?.get(exercise.name);
  if (record) row.record = record;
  else if (state.exercises[exercise.name]) row.record = state.exercises[exercise.name];
  if (result) row.result = result;
  return row;
});
const done = exercises.filter((e) => isDone(state, e.name)).length;
const ctx = { root: ROOT, lang: cli.lang, m, style, width: process.stdout.columns ?? 100 };
console.log(`${style.bold(m.appName)}  ${m.progress(progressBar(done, exercises.length))}\n`);
console.log(exercises.length === 0 ? m.noExercises : renderList(ctx, rows));
if (toRun.length < exercises.length) console.log(`\n${style.dim(m.listFromRecord(toRun.length))}`);
process.exit(0);
