/**
 * `npm run bench`: speed, side by side in one run of the machine, printed as a table and
 * written as JSON (reports/bench.json). Figures are medians of several runs with min and
 * max; the targets of the performance issue are marked met or not. Tests never assert times.
 *
 *   npm run bench                         everything, about 12 minutes on 2 cores
 *   npm run bench -- --only matmul,specs  some sections: matmul | mnist | mnist-command | specs | rerun | npm-test
 *                                         (mnist-command: npm run mnist with its defaults, timed start
 *                                         to exit; specs: each exercise's specs cold; rerun: save →
 *                                         result in npm start on every exercise, failing and passing)
 *   npm run bench -- --skip npm-test      all but some
 *   npm run bench -- --runs 7             repetitions of the short benchmarks (default 5)
 *   npm run bench -- --epochs 5           MNIST epochs each way (default 1; 5 checks the
 *                                         accuracy target, about 7 minutes more)
 *   npm run bench -- --out FILE           where the JSON goes (default reports/bench.json)
 */
import path from 'node:path';
import { benchMatmul } from './bench/matmul.ts';
import { benchMnist } from './bench/mnist.ts';
import { benchMnistCommand } from './bench/mnist-command.ts';
import type { Bench } from './bench/report.ts';
import { benchReruns } from './bench/rerun.ts';
import { benchNpmTest, benchSpecs } from './bench/specs.ts';
import { commandArgs } from './lib/args.ts';
import { ROOT } from './lib/exercises.ts';
import { writeFileAtomic } from './lib/files.ts';

const { values: args } = commandArgs(import.meta.url, process.argv.slice(2), {
  only: { type: 'string' },
  skip: { type: 'string' },
  runs: { type: 'string', default: '5' },
  epochs: { type: 'string', default: '1' },
  out: { type: 'string', default: path.join(ROOT, 'reports', 'bench.json') },
});
function positive(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`npm run bench: --${flag} must be a positive integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}
const RUNS = positive('runs', args.runs);
const EPOCHS = positive('epochs', args.epochs);
const SECTIONS = ['matmul', 'mnist', 'mnist-command', 'specs', 'rerun', 'npm-test'];
function sectionList(flag: string, raw: string | undefined): string[] {
  const list = (raw ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  for (const x of list) {
    if (!SECTIONS.includes(x)) {
      console.error(`npm run bench: --${flag} takes sections out of ${SECTIONS.join(', ')}; got ${JSON.stringify(x)}`);
      process.exit(2);
    }
  }
  return list;
}
const only = sectionList('only', args.only);
const skip = sectionList('skip', args.skip);
const sections = new Set((only.length > 0 ? only : SECTIONS).filter((x) => !skip.includes(x)));

const bench: Bench = {
  runs: RUNS,
  epochs: EPOCHS,
  results: { date: new Date().toISOString(), node: process.version, runs: RUNS },
  targets: [],
};
if (sections.has('matmul')) await benchMatmul(bench);
if (sections.has('mnist')) await benchMnist(bench);
if (sections.has('mnist-command')) benchMnistCommand(bench);
if (sections.has('specs')) benchSpecs(bench);
if (sections.has('rerun')) await benchReruns(bench);
if (sections.has('npm-test')) benchNpmTest(bench);

const { results, targets } = bench;
results.targets = targets;
console.log('\nTargets');
for (const t of targets) console.log(`  ${t.met ? '✓ met    ' : '✗ not met'}  ${t.name}: ${t.detail}`);
writeFileAtomic(path.resolve(String(args.out)), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nWrote ${path.relative(process.cwd(), path.resolve(String(args.out)))}`);
process.exit(0);
