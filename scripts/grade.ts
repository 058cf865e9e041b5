/**
 * `npm run grade`: grades the learner's code in exercises/ with the kata's own specs and judges,
 * each run in a sandbox (Linux, bubblewrap), and writes a report folder. See INSTRUCTORS.md.
 *
 *   npm run grade                                   this repository → reports/grade/
 *   npm run grade -- --submission ../alice          another checkout, graded by this (trusted) one
 *   npm run grade -- --batch submissions/ --out reports/class
 *   npm run grade -- --points points.json --hidden hidden/ --min-score 60%
 *   npm run grade -- --roster class.csv --out reports/class [--shard 2/4]
 *   npm run grade -- --merge shard-1/ shard-2/ --out reports/class
 *
 * Exit status: 0 whenever the reports were written (whatever the score); 2 when the options or
 * the instructor's files are wrong; 1 when the reports could not be written.
 */
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mergeShards, writeReports } from './grade/class.ts';
import {
  DEFAULT_EXERCISE_TIMEOUT_S,
  type GradeReport,
  grade,
  listBatch,
  type Submission,
  type Threshold,
} from './grade/grade.ts';
import { integrityText, isolationText } from './grade/reports.ts';
import { parseRoster, parseShard, RosterError } from './grade/roster.ts';
import { gradeRoster, shardMatrix } from './grade/roster-run.ts';
import { detectSandbox } from './grade/sandbox.ts';
import { ArgsError, parseCommandArgs } from './lib/args.ts';
import { ROOT } from './lib/exercises.ts';

const HELP = `npm run grade -- [options]

  --out DIR           report folder (default reports/grade)
  --submission DIR    grade the kata checkout in DIR with this one (default: this one)
  --batch DIR         grade every folder in DIR as one learner's checkout
  --learner NAME      the learner's name in the reports (default: the repository's name)
  --roster FILE       fetch and grade a class: a CSV of learner,url,ref (INSTRUCTORS.md)
  --shard K/N         with --roster: grade only the K-th of N slices of the roster
  --merge DIR...      build the class report from the shards' report folders
  --repos DIR         with --roster: fetch into DIR and keep it (default: a temp folder)
  --fetch-only        with --roster and --repos: fetch, grade nothing
  --fetched           with --roster and --repos: grade what --fetch-only fetched there
  --fetch-timeout S   time limit of one repository's fetch in seconds (default 120)
  --local-root DIR    the folder file:// URLs of the roster may name (default: the roster's)
  --matrix N          with --roster: print the class workflow's matrix of N shards
  --points FILE       the instructor's points.json (weights per exercise, optionally per test)
  --hidden DIR        the instructor's hidden specs: DIR/NN-slug/*.spec.ts
  --exercises LIST    grade only these exercises, e.g. 01,02 or tensors
  --min-score N       the passing threshold: N points, or N% of the maximum (alias --threshold)
  --jobs N            exercises graded at once (default ${os.availableParallelism()}, the cores here)
  --timeout S         time limit per exercise in seconds (default: meta.json's, else ${DEFAULT_EXERCISE_TIMEOUT_S})
  --test-timeout S    time limit per test in seconds (default: the kata's vitest testTimeout)
  --max-memory MB     heap limit of each grading process (default 2048)
  --seed N            the seed of every randomised check (default: KATA_SEED, else 42)
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

/** The roster, or a usage error naming the file and every bad line. */
function readRoster(file: string, localRoot: string | undefined) {
  const abs = path.resolve(file);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new UsageError(`--roster ${file}: no such file`);
  const root = localRoot ? folder('--local-root', localRoot) : path.dirname(abs);
  try {
    return parseRoster(readFileSync(abs, 'utf8'), abs, root);
  } catch (e) {
    if (e instanceof RosterError) throw new UsageError(`--roster ${file}:\n${e.message}`);
    throw e;
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseCommandArgs(process.argv.slice(2), {
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
    roster: { type: 'string' },
    shard: { type: 'string' },
    merge: { type: 'boolean', default: false },
    repos: { type: 'string' },
    'fetch-only': { type: 'boolean', default: false },
    fetched: { type: 'boolean', default: false },
    'fetch-timeout': { type: 'string' },
    'local-root': { type: 'string' },
    matrix: { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const modes = (['batch', 'submission', 'roster', 'merge'] as const).filter((k) => values[k]);
  if (modes.length > 1) throw new UsageError(`use one of --${modes.join(', --')}, not several`);
  if (positionals.length && !values.merge) throw new UsageError(`unexpected ${JSON.stringify(positionals[0])}`);
  for (const k of ['shard', 'repos', 'fetch-only', 'fetched', 'fetch-timeout', 'local-root', 'matrix'] as const) {
    if (values[k] && !values.roster) throw new UsageError(`--${k} goes with --roster`);
  }
  const out = path.resolve(values.out ?? path.join('reports', 'grade'));
  if (values.merge) {
    if (!positionals.length) throw new UsageError("--merge needs the shards' report folders: --merge DIR...");
    const cls = mergeShards(
      positionals.map((p) => path.resolve(p)),
      out,
    );
    console.log(`grade: merged ${cls.learners.length} learners into ${path.relative(process.cwd(), out) || '.'}`);
    return 0;
  }
  const seedRaw = values.seed ?? process.env.KATA_SEED ?? '42';
  const seed = Number(seedRaw);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, got ${JSON.stringify(seedRaw)}`);
  if (values.points && !existsSync(values.points)) throw new UsageError(`--points ${values.points}: no such file`);

  const roster = values.roster ? readRoster(values.roster, values['local-root']) : null;
  const shard = values.shard ? parseShard(values.shard) : null;
  if (roster && values.matrix) {
    const matrix = JSON.stringify(shardMatrix(roster, positive('--matrix', values.matrix, true) as number));
    console.log(matrix);
    if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `matrix=${matrix}\n`);
    return 0;
  }
  if ((values['fetch-only'] || values.fetched) && !values.repos) {
    throw new UsageError(`--${values.fetched ? 'fetched' : 'fetch-only'} needs --repos DIR`);
  }
  if (values['fetch-only'] && values.fetched) throw new UsageError('use --fetch-only or --fetched, not both');

  let submissions: Submission[] = [];
  const batch = values.batch ? folder('--batch', values.batch) : null;
  if (batch) {
    submissions = listBatch(batch);
    if (submissions.length === 0) throw new UsageError(`--batch ${values.batch}: no learner folders in it`);
  } else if (!roster) {
    const root = values.submission ? folder('--submission', values.submission) : ROOT;
    submissions = [{ learner: values.learner ?? defaultLearner(root), root }];
  }

  const log = values.quiet ? () => {} : (line: string) => console.log(line);
  const started = Date.now();
  const isolation = detectSandbox();
  if (isolation.isolated) log(`grade: every run in a sandbox (${isolation.how})`);
  const options = {
    graderRoot: ROOT,
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
  };
  let reports: GradeReport[];
  if (roster) {
    const cls = await gradeRoster(
      {
        roster,
        shard,
        reposDir: values.repos ? path.resolve(values.repos) : null,
        mode: values['fetch-only'] ? 'fetch' : values.fetched ? 'fetched' : 'both',
        fetchTimeoutS: positive('--fetch-timeout', values['fetch-timeout']) ?? 120,
        out,
      },
      options,
    );
    if (!cls) {
      console.log(`grade: fetched into ${values.repos}; grade them with --fetched --repos ${values.repos}`);
      return 0;
    }
    reports = cls.learners.map((l) => l.report);
  } else {
    reports = await grade({ ...options, submissions });
    writeReports(out, reports, Boolean(batch));
  }

  const secs = ((Date.now() - started) / 1000).toFixed(1);
  for (const r of reports) {
    const verdict = r.score.passed === null ? '' : r.score.passed ? ' — passed' : ' — below the threshold';
    console.log(`grade: ${r.learner}: ${r.score.points} / ${r.score.possible} points (${r.score.percent} %)${verdict}`);
    if (!r.integrity.ok) console.log(`  protected files changed (the kata's copies were graded): ${integrityText(r)}`);
  }
  if (!isolation.isolated && reports[0]) console.log(`grade: ${isolationText(reports[0])}`);
  console.log(`grade: reports in ${path.relative(process.cwd(), out) || '.'} (${secs} s)`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const usage = e instanceof UsageError || e instanceof RosterError || e instanceof ArgsError;
    console.error(`grade: ${(e as Error).message}`);
    if (usage) console.error('Run `npm run grade -- --help` for the options.');
    else console.error('grade: no report was written.');
    process.exitCode = usage ? 2 : 1;
  },
);
