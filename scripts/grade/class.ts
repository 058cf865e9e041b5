/**
 * The class report: one file set for a whole class, the same bytes whether the class was
 * graded in one run or in shards merged afterwards (`--merge`).
 *
 *   class.json   every learner's report, normalised (below), in roster order
 *   grades.csv   one row per learner (the format of a single grading)
 *   summary.md   the class table (and $GITHUB_STEP_SUMMARY)
 *   class.html   a page to look at: sortable points, pass rates, where the class is stuck, flags
 *
 * Normalised means: what changes from one run of the same code to the next is left out — wall
 * times (0 / null), the judge's secret seed (0) and the input it found a difference on (null;
 * an unconfirmed test says only which step the judge finds wrong), the time of grading ('') —
 * and failure messages are cut to their first line (the `headline`). The learners' own folders
 * (learners/<folder>/grade.json, …) keep all of it; they are not part of the class report.
 */
import { appendFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { toClassHtml } from './class-html.ts';
import type { GradeReport } from './grade.ts';
import { classroomPayload, headline, toClassMarkdown, toCsv, toMarkdown, writeLearnerReports } from './reports.ts';
import { readRegular } from './safe-fs.ts';
import { safeName, safeNames, writeAtomic } from './util.ts';

export interface ClassLearner {
  /** position in the roster (or the batch folder's sorted listing) */
  index: number;
  /** learners/<folder>/ holds the learner's full reports */
  folder: string;
  /** why the learner's repository could not be fetched, or null */
  fetchError: string | null;
  report: GradeReport;
}

export interface ClassReport {
  schema: 'gradient-katas/class@1';
  /** the roster's hash and size (null for --batch) */
  roster: { sha256: string; learners: number } | null;
  /** which slice of the roster this is; null for a whole class (one run, or merged) */
  shard: { k: number; n: number } | null;
  learners: ClassLearner[];
}

export const CLASS_FILES = ['class.json', 'grades.csv', 'summary.md', 'class.html'] as const;

/** A report without what differs between two runs of the same code (see the top of this file). */
export function normalise(r: GradeReport): GradeReport {
  return {
    ...r,
    gradedAt: '',
    exercises: r.exercises.map((e) => ({
      ...e,
      durationMs: 0,
      run: { ...e.run, durationMs: 0 },
      hiddenRun: e.hiddenRun ? { ...e.hiddenRun, durationMs: 0 } : null,
      judge: e.judge ? { ...e.judge, seed: 0, steps: e.judge.steps.map((s) => ({ ...s, detail: null })) } : null,
      tests: e.tests.map((t) => ({
        ...t,
        durationMs: null,
        message:
          t.status === 'unconfirmed'
            ? (t.message?.replace(/^(passed, but the judge finds step \d+ wrong).*$/s, '$1') ?? null)
            : t.message === null
              ? null
              : headline(t.message),
      })),
      // the judge's contradiction carries its secret input; it is a flag of its own here
      warnings: e.warnings.filter((w) => !/^the specs of step \d+ passed, but the judge disagrees/.test(w)),
    })),
  };
}

/** Writes the class files (CLASS_FILES) of `cls` into `out`, each atomically; the summary also to $GITHUB_STEP_SUMMARY. */
export function writeClassFiles(out: string, cls: ClassReport, env = process.env): string {
  const reports = cls.learners.map((l) => l.report);
  const exercises = reports[0]?.exercises.map((e) => e.name) ?? [];
  const summary = toClassMarkdown(
    reports,
    exercises,
    cls.learners.map((l) => l.folder),
  );
  // one line: for 300 learners × 11 exercises, indentation alone would be tens of megabytes
  writeAtomic(path.join(out, 'class.json'), `${JSON.stringify(cls)}\n`);
  writeAtomic(path.join(out, 'grades.csv'), toCsv(reports, exercises));
  writeAtomic(path.join(out, 'summary.md'), summary);
  writeAtomic(path.join(out, 'class.html'), toClassHtml(cls));
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${summary}\n`);
  return summary;
}

/**
 * A graded class (or shard): each learner's full reports under learners/<folder>/, then the
 * class files. `learners[i]` goes with `reports[i]`.
 */
export function writeClass(
  out: string,
  reports: GradeReport[],
  learners: Omit<ClassLearner, 'report'>[],
  meta: Pick<ClassReport, 'roster' | 'shard'>,
  env = process.env,
): ClassReport {
  reports.forEach((r, i) => {
    writeLearnerReports(path.join(out, 'learners', learners[i]?.folder as string), r);
  });
  const cls: ClassReport = {
    schema: 'gradient-katas/class@1',
    ...meta,
    learners: learners.map((l, i) => ({ ...l, report: normalise(reports[i] as GradeReport) })),
  };
  writeClassFiles(out, cls, env);
  return cls;
}

/** The shard folders among `dirs`: a folder with a class.json, or the folders in it that have one. */
function shardDirs(dirs: string[]): string[] {
  return dirs.flatMap((d) => {
    if (!existsSync(d) || !statSync(d).isDirectory()) throw new Error(`--merge ${d}: no such folder`);
    if (existsSync(path.join(d, 'class.json'))) return [d];
    const inner = readdirSync(d)
      .sort()
      .map((n) => path.join(d, n))
      .filter((p) => statSync(p).isDirectory() && existsSync(path.join(p, 'class.json')));
    if (!inner.length) throw new Error(`--merge ${d}: no class.json in it or in its folders (a shard's --out)`);
    return inner;
  });
}

function readShard(dir: string): ClassReport {
  const where = path.join(dir, 'class.json');
  let cls: ClassReport;
  try {
    cls = JSON.parse((readRegular(where, 512 * 1024 * 1024) as Buffer).toString('utf8')) as ClassReport;
  } catch (e) {
    throw new Error(`--merge ${where}: not a class report (${(e as Error).message})`);
  }
  if (cls?.schema !== 'gradient-katas/class@1' || !Array.isArray(cls.learners)) {
    throw new Error(`--merge ${where}: not a class report (schema ${JSON.stringify(cls?.schema)})`);
  }
  if (!cls.roster || !cls.shard) throw new Error(`--merge ${where}: not a shard of a roster (graded without --shard)`);
  return cls;
}

/** What must be the same in every shard of one class: the kata, its manifest and the settings. */
const gradedWith = (r: GradeReport) => JSON.stringify([r.kata, r.manifest, r.settings, r.oracle.tfjs]);

/**
 * The class report of a roster graded in shards: every shard of the same roster (by hash) and
 * the same shard count, each once, graded with the same kata and settings; learners in roster
 * order. Copies each learner's folder of reports into `out/learners/`. Throws, naming the
 * folder, when a shard is missing, repeated or from another roster.
 */
export function mergeShards(dirs: string[], out: string, env = process.env): ClassReport {
  const found = shardDirs(dirs).map((dir) => ({ dir, cls: readShard(dir) }));
  const first = found[0] as { dir: string; cls: ClassReport };
  const roster = first.cls.roster as NonNullable<ClassReport['roster']>;
  const n = (first.cls.shard as { n: number }).n;
  const byK = new Map<number, string>();
  for (const { dir, cls } of found) {
    if (cls.roster?.sha256 !== roster.sha256 || cls.roster.learners !== roster.learners) {
      throw new Error(`--merge ${dir}: a shard of another roster than ${first.dir}'s`);
    }
    const { k, n: m } = cls.shard as { k: number; n: number };
    if (m !== n) throw new Error(`--merge ${dir}: shard ${k}/${m}, but ${first.dir} is one of ${n}`);
    if (byK.has(k)) throw new Error(`--merge ${dir}: shard ${k}/${n} again (also in ${byK.get(k)})`);
    byK.set(k, dir);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((k) => !byK.has(k));
  if (missing.length) throw new Error(`--merge: shard ${missing.map((k) => `${k}/${n}`).join(', ')} missing`);
  const learners = found.flatMap(({ dir, cls }) => cls.learners.map((l) => ({ dir, l })));
  const ref = learners[0] ? gradedWith(learners[0].l.report) : '';
  for (const { dir, l } of learners) {
    if (gradedWith(l.report) !== ref) throw new Error(`--merge ${dir}: graded with another kata, manifest or settings`);
    if (l.folder !== safeName(l.folder)) throw new Error(`--merge ${dir}: learner folder ${JSON.stringify(l.folder)}`);
  }
  learners.sort((a, b) => a.l.index - b.l.index);
  const indices = learners.map(({ l }) => l.index);
  if (indices.length !== roster.learners || indices.some((x, i) => x !== i)) {
    throw new Error(`--merge: the shards hold ${indices.length} learners, the roster ${roster.learners}`);
  }
  for (const { dir, l } of learners) {
    // the shards' folders are artifacts of ours, but copied like learner files: no link followed
    for (const f of ['grade.json', 'junit.xml', 'summary.md']) {
      const bytes = readRegular(path.join(dir, 'learners', l.folder, f), 256 * 1024 * 1024);
      if (bytes) writeAtomic(path.join(out, 'learners', l.folder, f), bytes);
    }
  }
  const cls: ClassReport = {
    schema: 'gradient-katas/class@1',
    roster,
    shard: null,
    learners: learners.map((x) => x.l),
  };
  writeClassFiles(out, cls, env);
  return cls;
}

/**
 * Writes a grading's reports into `out`. One learner: grade.json, junit.xml, summary.md and
 * grades.csv in `out`, and the Classroom payload and points to $GITHUB_OUTPUT when that is set.
 * A batch: the class report (writeClass), each learner's folder named by their name made safe
 * (never a path of theirs, never a class file). The summary goes to $GITHUB_STEP_SUMMARY when
 * that is set — after grading, when no learner process is left.
 */
export function writeReports(out: string, reports: GradeReport[], batch: boolean, env = process.env): void {
  if (batch) {
    const folders = safeNames(reports.map((r) => r.learner));
    const learners = folders.map((folder, index) => ({ index, folder, fetchError: null }));
    writeClass(out, reports, learners, { roster: null, shard: null }, env);
    return;
  }
  const r = reports[0] as GradeReport;
  writeLearnerReports(out, r);
  writeAtomic(
    path.join(out, 'grades.csv'),
    toCsv(
      reports,
      r.exercises.map((e) => e.name),
    ),
  );
  if (env.GITHUB_OUTPUT) {
    const payload = Buffer.from(JSON.stringify(classroomPayload(r))).toString('base64');
    appendFileSync(env.GITHUB_OUTPUT, `result=${payload}\npoints=${r.score.points}\nmax-points=${r.score.possible}\n`);
  }
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${toMarkdown(r)}\n`);
}
