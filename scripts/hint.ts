/**
 * `npm run hint`: the next hint tier for the step you are on. Tiers already seen are shown
 * again; once all are shown, it says so. The step is the one of your first failing spec.
 *
 *   npm run hint                 the current exercise
 *   npm run hint -- 03           exercise 03
 *   npm run hint -- 03 2         exercise 03, step 2 (or --step 2)
 *
 * Hints come from HINTS.md (HINTS.ko.md with KATA_LANG=ko, when the exercise has one).
 */
import { existsSync } from 'node:fs';
import { exerciseArg, startCli } from './lib/cli.ts';
import { hintsFile, loadHints, titleFor } from './lib/docs.ts';
import { ROOT } from './lib/exercises.ts';
import { rel } from './lib/files.ts';
import { formatHint, nextHint } from './lib/hints.ts';
import { runOnce } from './runner/session.ts';
import { currentStep, isPassing } from './runner/spec-results.ts';
import { hintsSeen, loadState, recordHintsSeen, recordRun, updateState } from './runner/state.ts';
import { currentExercise, isFresh } from './runner/status.ts';

const cli = startCli(import.meta.url, process.argv.slice(2), { step: { type: 'string' } });
const { m, style, lang } = cli;
const state = loadState(ROOT).state;
const query = cli.args.positionals[0];
const ex = query ? exerciseArg(cli, query, 'npm run hint -- <exercise> [step]') : currentExercise(state, cli.exercises);
if (!ex) {
  console.log(m.allDone(cli.exercises.length));
  process.exit(0);
}
const file = hintsFile(ex, lang);
if (!existsSync(file)) {
  console.error(m.hintNoFile(rel(ROOT, file)));
  process.exit(1);
}

const stepArg = cli.args.values.step ?? cli.args.positionals[1];
let step: number | undefined;
if (stepArg !== undefined) {
  step = Number(stepArg);
  if (!Number.isInteger(step) || step < 1) {
    console.error(`npm run hint: the step is a number from 1, got ${JSON.stringify(stepArg)}`);
    process.exit(2);
  }
} else {
  const record = state.exercises[ex.name];
  if (isFresh(record, ex) && record?.step) {
    step = record.step; // the runner (or a previous command) checked this very code
  } else {
    process.stderr.write(style.dim(`${m.running(ex.name)}\n`));
    const result = (await runOnce([ex])).get(ex.name);
    if (result) {
      const passing = isPassing(result);
      updateState(ROOT, (s) => {
        recordRun(s, { name: ex.name, passed: result.passed, total: result.total, passing, step: currentStep(result) });
      });
      if (passing) {
        console.log(m.hintAllPass(ex.name, `npm run hint -- ${ex.id} <step>`));
        process.exit(0);
      }
      step = currentStep(result) ?? undefined;
    }
  }
}
step ??= 1;

const view = nextHint(loadHints(ex, lang), step, hintsSeen(loadState(ROOT).state, ex.name, step));
if (!view) {
  console.log(m.hintNone(step, rel(ROOT, file)));
  process.exit(0);
}
updateState(ROOT, (s) => recordHintsSeen(s, ex.name, view.step, view.seen));
console.log(`${style.bold(`${ex.id} · ${titleFor(ex, lang)}`)}\n`);
console.log(formatHint(view, m, style, `npm run hint -- ${ex.id}${stepArg !== undefined ? ` ${step}` : ''}`));
process.exit(0);
