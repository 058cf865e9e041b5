/**
 * `npm run list`: every exercise with its status (done / current / pending) and how many of
 * its specs pass. Runs all the specs once (in this process) and updates .kata/state.json.
 *
 *   npm run list                 run the specs, then list
 *   npm run list -- --cached     list what .kata/state.json says, without running anything
 */
import { ROOT } from '../lib/exercises.ts';
import { currentExercise, startCli } from './lib/cli.ts';
import { type ListRow, renderList } from './lib/render.ts';
import { currentStep, type ExerciseResult, isPassing } from './lib/results.ts';
import { runOnce } from './lib/session.ts';
import { isDone, loadState, recordRun, updateState } from './lib/state.ts';
import { progressBar } from './lib/status.ts';

const cli = startCli(import.meta.url, process.argv.slice(2), { flags: ['cached'] });
const { m, style, exercises } = cli;
const before = loadState(ROOT).state;
let results: Map<string, ExerciseResult> | undefined;
let state = before;
if (!cli.args.flags.has('cached') && exercises.length > 0) {
  process.stderr.write(style.dim(`${m.checkingAll(exercises.length)}\n`));
  results = await runOnce(exercises);
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
if (!results) console.log(`\n${style.dim(m.listCachedNote)}`);
process.exit(0);
