/**
 * `npm run mutate`: mutation testing of the reference solutions with StrykerJS, for
 * maintainers (not part of npm test). For each exercise, StrykerJS makes small changes
 * ("mutants") to solutions/NN-slug/*.ts and runs the exercise's specs on each, through the
 * `solutions` project; a mutant the specs still pass has survived: a mistake a learner could
 * make that the specs would not catch.
 *
 *   npm run mutate                      every exercise
 *   npm run mutate -- 03 05             some exercises
 *   npm run mutate -- --concurrency 2   test runner processes (default: StrykerJS', the cores less one)
 *   npm run mutate -- --incremental     reuse the last run's results where the solution and spec did not
 *                                       change (changes to lib/ are not seen: run without it after those)
 *   npm run mutate -- --threshold 85    the lowest passing score, in percent (default 90)
 *   npm run mutate -- --list [03 …]     only print the exercises' names as JSON (the workflow's matrix)
 *
 * Prints, per exercise, the counts, the score and the survivors (file:line, mutator, original →
 * replacement) less the equivalent mutants of scripts/mutation/equivalent.json, then a table.
 * The score leaves the equivalent mutants out: (killed + timed out) / (killed + timed out +
 * survived + no coverage). Exits 1 when an exercise scores under the threshold or StrykerJS fails.
 * Writes reports/mutation/NN-slug/: index.html and mutation.json (StrykerJS' reports),
 * survivors.json (what is left to kill, and the mutants that timed out), stryker.config.json;
 * and reports/mutation/summary.json.
 * StrykerJS 10 needs Node ≥ 22: on an older Node it runs with KATA_MUTATE_NODE, or else with
 * node@22 from npm (npx, downloaded once).
 */
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runSeed } from '../lib/rng.ts';
import { baseRuns } from '../lib/runs.ts';
import { helpText } from './lib/args.ts';
import { ROOT } from './lib/exercises.ts';
import { rel, writeFileAtomic } from './lib/files.ts';
import { BIN, runNode } from './lib/proc.ts';
import { loadEquivalents } from './mutation/equivalent.ts';
import { type MutateOptions, parseMutateArgs } from './mutation/options.ts';
import {
  type ExerciseScore,
  exerciseLine,
  formatDuration,
  meetsThreshold,
  type StrykerReport,
  scoreExercise,
  scoreTable,
  survivorLine,
} from './mutation/report.ts';
import { ensureStryker, REPORTS, reportDir, strykerConfig, strykerEnv, strykerNode } from './mutation/stryker.ts';

type Scored = ExerciseScore & { seconds: number };

function usage(message: string): never {
  console.error(`npm run mutate: ${message}`);
  process.exit(2);
}

function printScore(s: Scored, threshold: number, survivorsFile: string): void {
  console.log(`\n${exerciseLine(s, threshold)} in ${formatDuration(s.seconds)}`);
  if (s.survivors.length > 0) {
    console.log(`  left to kill (${s.survivors.length}; also in ${rel(ROOT, survivorsFile)}):`);
    for (const m of s.survivors) console.log(`    ${survivorLine(m)}`);
  }
  if (s.staleEntries.length > 0) {
    console.log('  scripts/mutation/equivalent.json:');
    for (const line of s.staleEntries) console.log(`    ${line}`);
  }
}

async function main(options: MutateOptions): Promise<number> {
  const entries = loadEquivalents();
  const installed = ensureStryker();
  if (installed) console.log(installed);
  const { node, version, note } = strykerNode();
  if (note) console.log(note);
  console.log(`specs with seed ${runSeed()}, ${baseRuns()} cases per property (KATA_SEED, KATA_RUNS)`);
  const scores: Scored[] = [];
  const failed: string[] = [];
  for (const ex of options.exercises) {
    console.log(`\n── npm run mutate: ${ex.name} ──`);
    const dir = reportDir(ex);
    const config = path.join(dir, 'stryker.config.json');
    const json = path.join(dir, 'mutation.json');
    writeFileAtomic(config, `${JSON.stringify(strykerConfig(ex, options), null, 2)}\n`);
    // A run that fails must not be scored from the previous run's report.
    rmSync(json, { force: true });
    const started = Date.now();
    const code = await runNode(BIN.stryker, ['run', rel(ROOT, config)], strykerEnv(ex), node);
    if (code !== 0 || !existsSync(json)) {
      console.error(
        `npm run mutate: StrykerJS failed on ${ex.name} (exit ${code}); its sandbox is kept in ${rel(ROOT, dir)}/sandbox`,
      );
      failed.push(ex.name);
      continue;
    }
    const report = JSON.parse(readFileSync(json, 'utf8')) as StrykerReport;
    const score = { ...scoreExercise(ex.name, report, entries), seconds: (Date.now() - started) / 1000 };
    const survivorsFile = path.join(dir, 'survivors.json');
    writeFileAtomic(survivorsFile, `${JSON.stringify({ date: new Date().toISOString(), ...score }, null, 2)}\n`);
    printScore(score, options.threshold, survivorsFile);
    scores.push(score);
  }

  if (scores.length > 0) {
    const table = scoreTable(scores, options.threshold);
    console.log(`\n${table}`);
    // On GitHub Actions, the table goes on the run's page too.
    if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `\`\`\`\n${table}\n\`\`\`\n`);
  }
  const summary = {
    date: new Date().toISOString(),
    node: version,
    threshold: options.threshold,
    exercises: scores.map(({ survivors: _s, timedOut: _t, staleEntries: _e, ...counts }) => counts),
    failed,
  };
  writeFileAtomic(path.join(REPORTS, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const low = scores.filter((s) => !meetsThreshold(s, options.threshold)).map((s) => s.exercise);
  if (low.length > 0) console.error(`\nnpm run mutate: under ${options.threshold}%: ${low.join(', ')}`);
  if (failed.length > 0) console.error(`npm run mutate: StrykerJS failed on ${failed.join(', ')}`);
  return low.length > 0 || failed.length > 0 ? 1 : 0;
}

let options: MutateOptions;
try {
  options = parseMutateArgs(process.argv.slice(2));
} catch (e) {
  usage((e as Error).message);
}
if (options.help) {
  console.log(helpText(import.meta.url));
  process.exit(0);
}
if (options.list) {
  console.log(JSON.stringify(options.exercises.map((e) => e.name)));
  process.exit(0);
}
main(options).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`npm run mutate: ${(e as Error).message}`);
    process.exitCode = 2;
  },
);
