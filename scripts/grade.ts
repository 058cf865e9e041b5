/**
 * `npm run grade`: grades the learner's code in exercises/ with the kata's own specs and judges,
 * each run in a sandbox (Linux, bubblewrap), and writes a report folder. See INSTRUCTORS.md.
 *
 *   npm run grade                                   this repository → reports/grade/
 *   npm run grade -- --submission ../alice          another checkout, graded by this (trusted) one
 *   npm run grade -- --batch submissions/ --out reports/class
 *   npm run grade -- --points points.json --hidden hidden/ --min-score 60%
 *
 * Exit status: 0 whenever the reports were written (whatever the score); 2 when the options or
 * the instructor's files are wrong; 1 when the reports could not be written.
 */
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../lib/exercises.ts';
import {
  DEFAULT_EXERCISE_TIMEOUT_S,
  type GradeReport,
  grade,
  listBatch,
  type Submission,
  type Threshold,
} from './grade/grade.ts';
import { integrityText, isolationText, writeReports } from './grade/reports.ts';
import { detectSandbox } from './grade/sandbox.ts';

const HELP = `npm run grade -- [options]

  --out DIR           report folder (default reports/grade)
  --submission DIR    grade the kata checkout in DIR with this one (default: this one)
  --batch DIR         grade every folder in DIR as one learner's checkout
  --learner NAME      the learner's name in the reports (default: the repository's name)
  --points FILE       the instructor's points.json (weights per exercise, optionally per test)
  --hidden DIR        the instructor's hidden specs: DIR/NN-slug/*.spec.ts
  --exercises LIST    grade only these exercises, e.g. 01,02 or tensors
  --min-score N       the passing threshold: N points, or N% of the maximum (alias --threshold)
  --jobs N            exercises graded at once (default ${os.availableParallelism()}, the cores here)
  --timeout S         time limit per exercise in seconds (default: meta.json's, else ${DEFAULT_EXERCISE_TIMEOUT_S})
  --test-timeout S    time limit per test in seconds (default: the kata's vitest testTimeout)
  --max-memory MB     heap limit of each grading process (default 2048)
  --seed N            the seed of every randomized check (default: KATA_SEED, else 42)
  --require-sandbox   stop unless learner code can be sandboxed (Linux with bubblewrap)
  --quiet             print only the result
`;

class UsageError extends Error {}

function positive(name: string, raw: string | undefined, integer = false): number | null {
  if (raw === undefined) return null;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${name} must be a ${integer ? 'whole ' : ''}number > 0, got ${JSON.stringify(raw)}`);
  }
  return n;
}

function threshold(raw: string | undefined): Threshold | null {
  if (raw === undefined) return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(raw);
  if (!m) throw new UsageError(`--min-score takes points (40) or a percentage (60%), got ${JSON.stringify(raw)}`);
  return { value: Number(m[1]), percent: m[2] === '%' };
}

function folder(name: string, raw: string): string {
  const abs = path.resolve(raw);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UsageError(`${name} ${raw}: no such folder`);
  return abs;
}

function defaultLearner(root: string): string {
  const repo = process.env.GITHUB_ACTIONS === 'true' ? process.env.GITHUB_REPOSITORY : undefined;
  return repo?.split('/').pop() || path.basename(root);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      submission: { type: 'string' },
      batch: { type: 'string' },
      learner: { type: 'string' },
      points: { type: 'string' },
      hidden: { type: 'string' },
      exercises: { type: 'string' },
      'min-score': { type: 'string' },
      threshold: { type: 'string' },
      jobs: { type: 'string' },
      timeout: { type: 'string' },
      'test-timeout': { type: 'string' },
      'max-memory': { type: 'string' },
      seed: { type: 'string' },
      'require-sandbox': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.batch && values.submission) throw new UsageError('use --batch or --submission, not both');
  const out = path.resolve(values.out ?? path.join('reports', 'grade'));
  const seedRaw = values.seed ?? process.env.KATA_SEED ?? '42';
  const seed = Number(seedRaw);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, got ${JSON.stringify(seedRaw)}`);
  if (values.points && !existsSync(values.points)) throw new UsageError(`--points ${values.points}: no such file`);

  let submissions: Submission[];
  const batch = values.batch ? folder('--batch', values.batch) : null;
  if (batch) {
    submissions = listBatch(batch);
    if (submissions.length === 0) throw new UsageError(`--batch ${values.batch}: no learner folders in it`);
  } else {
    const root = values.submission ? folder('--submission', values.submission) : ROOT;
    submissions = [{ learner: values.learner ?? defaultLearner(root), root }];
  }

  const log = values.quiet ? () => {} : (line: string) => console.log(line);
  const started = Date.now();
  const isolation = detectSandbox();
  if (isolation.isolated) log(`grade: every run in a sandbox (${isolation.how})`);
  const reports: GradeReport[] = await grade({
    graderRoot: ROOT,
    submissions,
    pointsFile: values.points ? path.resolve(values.points) : null,
    hiddenDir: values.hidden ? folder('--hidden', values.hidden) : null,
    only: values.exercises
      ? values.exercises
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : null,
    threshold: threshold(values['min-score'] ?? values.threshold),
    jobs: positive('--jobs', values.jobs, true) ?? os.availableParallelism(),
    timeoutS: positive('--timeout', values.timeout),
    testTimeoutS: positive('--test-timeout', values['test-timeout']),
    maxMemoryMb: positive('--max-memory', values['max-memory'], true) ?? 2048,
    seed,
    requireSandbox: values['require-sandbox'],
    isolation,
    log,
  });

  writeReports(out, reports, Boolean(batch));

  const secs = ((Date.now() - started) / 1000).toFixed(1);
  for (const r of reports) {
    const verdict = r.score.passed === null ? '' : r.score.passed ? ' — passed' : ' — below the threshold';
    console.log(`grade: ${r.learner}: ${r.score.points} / ${r.score.possible} points (${r.score.percent} %)${verdict}`);
    if (!r.integrity.ok) console.log(`  protected files changed (the kata's copies were graded): ${integrityText(r)}`);
  }
  if (!isolation.isolated) console.log(`grade: ${isolationText(reports[0] as GradeReport)}`);
  console.log(`grade: reports in ${path.relative(process.cwd(), out) || '.'} (${secs} s)`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const usage = e instanceof UsageError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
    console.error(`grade: ${(e as Error).message}`);
    if (usage) console.error('Run `npm run grade -- --help` for the options.');
    else console.error('grade: no report was written.');
    process.exitCode = usage ? 2 : 1;
  },
);
