/**
 * Grading: the kata's protected files checked and staged once; per learner, one read-only
 * tree of those files and the learner's code; per exercise, a sandboxed Vitest run of its
 * specs and of the judge (and one more for the instructor's hidden specs); results read from
 * the grader's reporter; the judge's findings compared with the reference solution here; points
 * per test, given only where the judge agrees; and a report that is complete whatever the run did.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type GradeOptions, nodeModulesOf, runOnce, type Submission } from './grade-options.ts';
import { judgeVerdicts, prepareJudge } from './judge.ts';
import { learnerReport, tfjsVersion } from './learner-report.ts';
import { MANIFEST, type Manifest, readManifest } from './manifest-file.ts';
import { type Job, type JobResult, type Planned, plan } from './plan.ts';
import { emptyResult } from './run-result.ts';
import { detectSandbox, type Isolation, NOT_ISOLATED } from './sandbox.ts';
import { buildStage, pick, removeStage, type Stage, verifyStage } from './stage.ts';
import { buildTree, removeTree, type Tree } from './tree.ts';
import type { GradeReport } from './types.ts';
import { mapLimit } from './util.ts';

export { DEFAULT_EXERCISE_TIMEOUT_S, type GradeOptions, type Submission } from './grade-options.ts';

export type {
  ExerciseReport,
  GradeReport,
  JudgeReport,
  RunReport,
  TestReport,
  TestStatus,
  Threshold,
} from './types.ts';

/** The judge's own run (after the specs' run stopped early): its inputs are small, its budget too. */
const judgeTimeoutMs = (exerciseMs: number) => Math.max(20_000, exerciseMs / 4);

/**
 * The learners of a batch folder: every folder in it, by name. A link where a folder should
 * be is a learner refused, never followed; files and dot-entries are not learners.
 */
export function listBatch(dir: string): Submission[] {
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .flatMap((learner): Submission[] => {
      const st = lstatSync(path.join(dir, learner));
      if (st.isDirectory()) return [{ learner, root: path.join(dir, learner) }];
      if (st.isSymbolicLink())
        return [{ learner, root: path.join(dir, learner), refused: 'a symbolic link, not followed' }];
      return [];
    });
}

/** Grades every submission; returns one report per submission, in the order given. */
export async function grade(opts: GradeOptions): Promise<GradeReport[]> {
  const log = opts.log ?? (() => {});
  const iso = opts.isolation ?? detectSandbox();
  if (!iso.isolated) {
    if (opts.requireSandbox) throw new Error(`--require-sandbox: learner code cannot be sandboxed here: ${iso.reason}`);
    log(`warning: ${NOT_ISOLATED} (${iso.reason})`);
  }
  const manifest = readManifest(opts.graderRoot);
  const manifestText = readFileSync(path.join(opts.graderRoot, MANIFEST));
  const self =
    opts.submissions.length === 1 && path.resolve(opts.submissions[0]?.root ?? '') === path.resolve(opts.graderRoot);
  const stage = buildStage({
    manifest,
    source: opts.graderRoot,
    from: self ? 'git' : 'checkout',
    hiddenDir: opts.hiddenDir ?? null,
    nodeModules: nodeModulesOf(opts),
  });
  try {
    return await gradeStaged(opts, manifest, manifestText, stage, iso, log);
  } finally {
    removeStage(stage);
  }
}

async function gradeStaged(
  opts: GradeOptions,
  manifest: Manifest,
  manifestText: Buffer,
  stage: Stage,
  iso: Isolation & { bwrap: string | null },
  log: (line: string) => void,
): Promise<GradeReport[]> {
  const warnings: string[] = [];
  // a learner's template has no solutions/: it is graded by its specs, without the judge
  const noReference = stage.missing.length > 0 && stage.missing.every((f) => f.startsWith('solutions/'));
  if (noReference) {
    warnings.push(
      'no reference solutions here (a learner template?): the judge did not run, so these points rest on the specs alone; grade with the full kata (INSTRUCTORS.md)',
    );
    stage.missing = [];
  }
  if (stage.fromGit.length) {
    warnings.push(`protected files changed in this checkout were graded as git has them: ${stage.fromGit.join(', ')}`);
  }
  const planned = await plan(opts, manifest, stage, iso, warnings);
  for (const w of warnings) log(`warning: ${w}`);

  const jobs: Job[] = [];
  opts.submissions.forEach((_, learner) => {
    planned.forEach((ex, exercise) => {
      jobs.push({ learner, exercise, hidden: false });
      if (ex.hidden.length) jobs.push({ learner, exercise, hidden: true });
    });
  });
  // one tree per learner, built at its first run and removed after its last
  const trees = new Map<number, Tree>();
  const remaining = new Map<number, number>();
  for (const j of jobs) remaining.set(j.learner, (remaining.get(j.learner) ?? 0) + 1);
  const treeOf = (learner: number): Tree => {
    let t = trees.get(learner);
    if (!t) {
      const sub = opts.submissions[learner] as Submission;
      t = buildTree({
        from: stage.root,
        files: stage.files,
        hidden: stage.hidden,
        packageJson: pick(manifest.package, ['type', 'imports']),
        codeDir: sub.refused ? null : path.join(sub.root, 'exercises'),
        nodeModules: iso.isolated ? 'mount' : nodeModulesOf(opts),
      });
      trees.set(learner, t);
    }
    return t;
  };
  let done = 0;
  const results = await mapLimit(jobs, opts.jobs, async (job): Promise<JobResult & { treeWarnings: string[] }> => {
    const sub = opts.submissions[job.learner] as Submission;
    const ex = planned[job.exercise] as Planned;
    let result: JobResult;
    let treeWarnings: string[] = [];
    try {
      if (sub.refused) {
        result = {
          run: emptyResult('not-graded', `the submission was refused: ${sub.refused}`),
          judge: null,
          verdicts: [],
        };
      } else if (stage.missing.length) {
        result = {
          run: emptyResult(
            'not-graded',
            `the kata's copies of ${stage.missing.join(', ')} are neither in this checkout nor in its git history`,
          ),
          judge: null,
          verdicts: [],
        };
      } else {
        const tree = treeOf(job.learner);
        treeWarnings = tree.warnings;
        verifyStage(stage, manifest);
        const include = job.hidden ? ex.hidden.map((s) => s.file) : ex.specs.map((s) => s.file);
        const judge = job.hidden || noReference ? null : await prepareJudge(stage.root, ex.name, stage.hidden);
        const run = await runOnce(opts, manifest, iso, tree, include, ex.timeoutMs, judge);
        let verdicts = judge ? judgeVerdicts(judge, run) : [];
        // the specs' run stopped before the judge was done (a loop, a crash): the judge gets a run of its own
        if (judge && run.status !== 'completed' && verdicts.some((v) => v.status === 'no-answer')) {
          verifyStage(stage, manifest);
          const again = await runOnce(opts, manifest, iso, tree, [], judgeTimeoutMs(ex.timeoutMs), judge);
          verdicts = judgeVerdicts(judge, again);
        }
        result = { run, judge, verdicts };
      }
    } finally {
      const left = (remaining.get(job.learner) ?? 1) - 1;
      remaining.set(job.learner, left);
      if (left === 0 && trees.has(job.learner)) {
        removeTree((trees.get(job.learner) as Tree).root);
        trees.delete(job.learner);
      }
    }
    done++;
    const run = result.run;
    const passed = [...run.results.values()].filter((r) => r.state === 'passed' && !r.name.startsWith('judge ')).length;
    const total = (job.hidden ? ex.hidden : ex.specs).reduce((a, s) => a + s.tests.length, 0);
    const what = run.status === 'completed' ? '' : ` — ${run.status}`;
    const judged = result.judge
      ? `, judge ${result.verdicts.filter((v) => !v.hidden && v.status === 'agrees').length}/${result.verdicts.filter((v) => !v.hidden).length}`
      : '';
    log(
      `[${done}/${jobs.length}] ${opts.submissions.length > 1 ? `${sub.learner} ` : ''}${ex.name}${job.hidden ? ' (hidden)' : ''}: ${passed}/${total} tests${judged} in ${(run.durationMs / 1000).toFixed(1)} s${what}`,
    );
    return { ...result, treeWarnings };
  });

  const tfjs = tfjsVersion(opts.graderRoot);
  return opts.submissions.map((sub, learner) =>
    learnerReport(opts, manifest, manifestText, stage, iso, warnings, planned, jobs, results, sub, learner, tfjs),
  );
}
