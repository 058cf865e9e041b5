/**
 * `npm run solution -- 03`: how the reference solution of exercise 03 differs from your code,
 * as a unified diff. Shown only once every spec of 03 passes.
 *
 *   npm run solution -- 03 --force    show it before it passes; recorded in .kata/state.json
 *                                     as "revealed early"
 */

import { exerciseArg, startCli } from './lib/cli.ts';
import { ROOT } from './lib/exercises.ts';
import { refusal, revealDecision, solutionDiff } from './lib/reveal.ts';
import { runOnce } from './runner/session.ts';
import { currentStep, isPassing } from './runner/spec-results.ts';
import { loadState, recordRun, recordSolutionShown, updateState } from './runner/state.ts';
import { isFresh } from './runner/status.ts';

const cli = startCli(import.meta.url, process.argv.slice(2), { force: { type: 'boolean' } });
const { m, style } = cli;
const ex = exerciseArg(cli, cli.args.positionals[0], 'npm run solution -- <exercise> [--force]');
const force = cli.args.values.force === true;

// Passing means: the state file says so for this very code, or the specs say so now.
const record = loadState(ROOT).state.exercises[ex.name];
let passes = record?.done === true && isFresh(record, ex);
let passed = record?.passed ?? 0;
let total = record?.total ?? 0;
if (!passes) {
  process.stderr.write(style.dim(`${m.running(ex.name)}\n`));
  const result = (await runOnce([ex])).get(ex.name);
  if (result) {
    passes = isPassing(result);
    passed = result.passed;
    total = result.total;
    updateState(ROOT, (s) => {
      recordRun(s, { name: ex.name, passed, total, passing: passes, step: currentStep(result) });
    });
  }
}

const decision = revealDecision(passes, force);
if (decision === 'refuse') {
  console.error(refusal(ex, passed, total, m));
  process.exit(1);
}
updateState(ROOT, (s) => recordSolutionShown(s, ex.name, decision === 'show-early'));
if (decision === 'show-early') console.log(`${style.magenta(m.solutionEarly)}\n`);
console.log(solutionDiff(ROOT, ex, m, style));
process.exit(0);
