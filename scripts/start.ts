/**
 * `npm start`: finds the first exercise whose specs fail and watches it with vitest —
 * every save of its files reruns its specs. Press q to quit (vitest's keys: h for help).
 *
 *   npm start            the first unsolved exercise
 *   npm start -- 03      a given exercise
 */
import path from 'node:path';
import { startVitest } from 'vitest/node';
import { findExercise, ROOT } from '../lib/exercises.ts';
import { exerciseStatuses, progressBar } from './lib/status.ts';

const arg = process.argv.slice(2).find((a) => !a.startsWith('-'));
process.env.KATA_QUIET = '1';

const statuses = await exerciseStatuses();
const done = statuses.filter((s) => s.done).length;
const target = arg ? findExercise(arg) : statuses.find((s) => !s.done)?.exercise;

console.log(`\nGradient Katas ${progressBar(done, statuses.length)} exercises done`);
for (const s of statuses) {
  const mark = s.done ? '✓' : s.exercise === target ? '→' : ' ';
  console.log(`  ${mark} ${s.exercise.name.padEnd(22)} ${s.passed}/${s.passed + s.failed} specs`);
}
if (!target) {
  console.log('\nEvery exercise passes. Well done! Try `npm run mnist` next.');
  process.exit(0);
}
console.log(`\nNow: ${target.name} — ${target.title}`);
console.log(
  `Read ${path.relative(ROOT, target.readme)}, edit ${path.relative(ROOT, target.stub)}; specs rerun on save.\n`,
);

const vitest = await startVitest('test', [path.relative(ROOT, target.dir)], {
  root: ROOT,
  watch: true,
  project: ['exercises'],
});
process.exitCode = 0;
void vitest;
