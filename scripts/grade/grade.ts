/**
 * Grading: the kata's protected files checked and staged once; per learner, one read-only
 * tree of those files and the learner's code; per exercise, a sandboxed Vitest run of its
 * specs and of the judge (and one more for the instructor's hidden specs); results read from
 * the grader's reporter; the judge's findings compared with the reference solution here; points
 * per test, given only where the judge agrees; and a report that is complete whatever the run did.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findExercise, listExercises } from '../lib/exercises.ts';
import { copiedFromReference } from './copies.ts';
import { type CaseVerdict, judgeVerdicts, type PreparedJudge, prepareJudge } from './judge.ts';
import { compareWithManifest, MANIFEST, type Manifest, readManifest } from './manifest.ts';
import { allocatePoints, type PointsFile, parsePointsFile, readExerciseMeta } from './meta.ts';
import { dedupe, reviewFlags, runReport, testsOf } from './results.ts';
import { emptyResult, type RunResult, runVitest } from './run.ts';
import { detectSandbox, type Isolation, NOT_ISOLATED } from './sandbox.ts';
import { buildStage, pick, removeStage, type Stage, verifyStage } from './stage.ts';
import { buildTree, removeTree, type Tree } from './tree.ts';
import type { ExerciseReport, GradeReport, JudgeReport, TestReport, Threshold } from './types.ts';
import { headCommit, mapLimit, round2, round4, sha256, trimMessage } from './util.ts';

export type {
  ExerciseReport,
  GradeReport,
  JudgeReport,
  RunReport,
  TestReport,
  TestStatus,
  Threshold,
} from './types.ts';

export interface Submission {
  learner: string;
  root: string;
  /** set when the submission itself was refused (a link instead of a folder, say) */
  refused?: string;
}

export interface GradeOptions {
  /** the trusted kata: its manifest, protected files, solutions and node_modules grade the submissions */
  graderRoot: string;
  submissions: Submission[];
  pointsFile?: string | null;
  hiddenDir?: string | null;
  /** only these exercises (as `npm start` finds them: 01, tensors, 01-tensors) */
  only?: string[] | null;
  threshold?: Threshold | null;
  jobs: number;
  /** per exercise; default meta.json's timeout, else 120 s */
  timeoutS?: number | null;
  /** per test; default the kata's vitest testTimeout */
  testTimeoutS?: number | null;
  maxMemoryMb: number;
  seed: number;
  /** stop (throw) instead of grading without a sandbox */
  requireSandbox?: boolean;
  /** the isolation to use (tests: force 'none'); default: detectSandbox() */
  isolation?: Isolation & { bwrap: string | null };
  log?: (line: string) => void;
}

export const DEFAULT_EXERCISE_TIMEOUT_S = 120;

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

type SpecTests = { file: string; tests: string[] };

interface Planned {
  name: string;
  title: string;
  weight: number;
  timeoutMs: number;
  specs: SpecTests[];
  hidden: SpecTests[];
  /** hidden judge cases, by name, counted as hidden tests */
  hiddenJudge: string[];
  /** points per test: public tests in order, then hidden specs, then hidden judge cases */
  points: number[];
}

/** The exercises to grade, with their hidden tests, weights and per-test points. Throws on bad configuration. */
async function plan(
  opts: GradeOptions,
  manifest: Manifest,
  stage: Stage,
  iso: Isolation & { bwrap: string | null },
  warnings: string[],
) {
  let selected = manifest.exercises;
  if (opts.only?.length) {
    const names = new Set(opts.only.map((q) => findExercise(q, opts.graderRoot).name));
    selected = selected.filter((e) => names.has(e.name));
  }
  const folders = listExercises(opts.graderRoot).map((e) => e.name);
  const listed = manifest.exercises.map((e) => e.name);
  if (folders.join() !== listed.join()) {
    warnings.push(
      `the grader's exercise folders (${folders.join(', ')}) differ from its manifest (${listed.join(', ')}): run npm run manifest`,
    );
  }
  const points: PointsFile = opts.pointsFile
    ? parsePointsFile(readFileSync(opts.pointsFile, 'utf8'), opts.pointsFile, opts.graderRoot)
    : new Map();
  const hidden = opts.hiddenDir
    ? await referenceHidden(
        opts,
        manifest,
        stage,
        iso,
        selected.map((e) => e.name),
        warnings,
      )
    : new Map<string, { specs: SpecTests[]; judge: string[] }>();
  const titles = new Map(listExercises(opts.graderRoot).map((e) => [e.name, e.title]));
  return selected.map((ex): Planned => {
    const meta = readExerciseMeta(path.join(stage.root, 'exercises', ex.name));
    const h = hidden.get(ex.name) ?? { specs: [], judge: [] };
    const names = [
      ...ex.specs.flatMap((s) => s.tests),
      ...h.specs.flatMap((s) => s.tests),
      ...h.judge.map((n) => `judge: ${n}`),
    ];
    const { weight, points: each } = allocatePoints(ex.name, meta.weight, names, points.get(ex.name));
    return {
      name: ex.name,
      title: titles.get(ex.name) ?? ex.name,
      weight,
      timeoutMs: 1000 * (opts.timeoutS ?? meta.timeout ?? DEFAULT_EXERCISE_TIMEOUT_S),
      specs: ex.specs,
      hidden: h.specs,
      hiddenJudge: h.judge,
      points: each,
    };
  });
}

/**
 * The hidden tests, per exercise: DIR/NN-slug/*.spec.ts and DIR/NN-slug/*.judge.ts. Hidden
 * specs are run once against the reference solution, which gives their test list (so a
 * learner's crash still counts every hidden test) and checks that they pass on the reference;
 * hidden judge cases are loaded (and run on the reference) the same way.
 */
async function referenceHidden(
  opts: GradeOptions,
  manifest: Manifest,
  stage: Stage,
  iso: Isolation & { bwrap: string | null },
  selected: string[],
  warnings: string[],
) {
  const known = new Set(manifest.exercises.map((e) => e.name));
  const byExercise = new Map<string, string[]>();
  for (const f of stage.hidden) {
    const [, name] = f.split('/');
    if (!name || !known.has(name)) {
      throw new Error(
        `--hidden ${opts.hiddenDir}: ${name ?? f} is not an exercise (expected folders named like ${manifest.exercises[0]?.name})`,
      );
    }
    if (selected.includes(name)) byExercise.set(name, [...(byExercise.get(name) ?? []), f]);
  }
  const out = new Map<string, { specs: SpecTests[]; judge: string[] }>();
  await mapLimit([...byExercise], opts.jobs, async ([name, all]) => {
    const files = all.filter((f) => f.split('/').length === 3 && f.endsWith('.spec.ts')).sort();
    const judge = await prepareJudge(stage.root, name, all, 1);
    const judgeNames = judge?.cases.filter((c) => c.hidden).map((c) => c.name) ?? [];
    let specs: SpecTests[] = [];
    if (files.length) {
      const meta = readExerciseMeta(path.join(stage.root, 'exercises', name));
      const limit = 1000 * (opts.timeoutS ?? meta.timeout ?? DEFAULT_EXERCISE_TIMEOUT_S);
      const tree = buildTree({
        from: stage.root,
        files: stage.files,
        hidden: stage.hidden,
        packageJson: pick(manifest.package, ['type', 'imports']),
        codeDir: path.join(stage.root, 'solutions'),
        nodeModules: iso.isolated ? 'mount' : nodeModulesOf(opts),
      });
      let run: RunResult;
      try {
        run = await runOnce(opts, manifest, iso, tree, files, limit, null);
      } finally {
        removeTree(tree.root);
      }
      specs = files.map((file) => ({ file, tests: dedupe((run.collected.get(file) ?? []).map((t) => t.name)) }));
      if (run.status !== 'completed' || specs.some((s) => s.tests.length === 0)) {
        // in CI the log is the learner's to read: the details could quote the hidden source
        const why = process.env.GITHUB_ACTIONS
          ? 'run `npm run grade -- --hidden …` on your machine to see why'
          : (run.message ?? [...run.moduleErrors.values()][0]?.[0] ?? 'no tests found');
        throw new Error(`the hidden specs for ${name} do not run against the reference solution: ${why}`);
      }
      // named as the reports name them ("hidden test k"), never by their real names
      const ids = specs.flatMap((s) => (run.collected.get(s.file) ?? []).map((t) => t.id));
      const failing = ids.flatMap((id, i) => (run.results.get(id)?.state === 'passed' ? [] : [`hidden test ${i + 1}`]));
      if (failing.length) {
        warnings.push(`${failing.join(', ')} of ${name} fail against the reference solution: check your hidden specs`);
      }
    }
    out.set(name, { specs, judge: judgeNames });
  });
  return out;
}

const nodeModulesOf = (opts: GradeOptions) => path.join(opts.graderRoot, 'node_modules');

function runOnce(
  opts: GradeOptions,
  manifest: Manifest,
  iso: Isolation & { bwrap: string | null },
  tree: Tree,
  include: string[],
  timeoutMs: number,
  judge: PreparedJudge | null,
): Promise<RunResult> {
  return runVitest({
    tree: tree.root,
    include,
    runner: manifest.runner,
    testTimeoutMs: 1000 * (opts.testTimeoutS ?? manifest.runner.testTimeout / 1000),
    timeoutMs,
    memoryMb: opts.maxMemoryMb,
    seed: opts.seed,
    nodeModules: nodeModulesOf(opts),
    isolation: iso,
    judgePlan: judge?.plan ?? null,
  });
}

function tfjsVersion(graderRoot: string): string | null {
  try {
    const pkg = path.join(graderRoot, 'node_modules', '@tensorflow', 'tfjs', 'package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

interface Job {
  learner: number;
  exercise: number;
  hidden: boolean;
}

interface JobResult {
  run: RunResult;
  judge: PreparedJudge | null;
  verdicts: CaseVerdict[];
}

/** Per-step verdicts of the public judge cases, and what they do to the exercise. */
function judgeReport(judge: PreparedJudge, verdicts: CaseVerdict[], passedSteps: Set<number>): JudgeReport {
  const steps = [...new Set(verdicts.filter((v) => !v.hidden).map((v) => v.step))].sort((a, b) => a - b);
  const perStep = steps.map((step) => {
    const mine = verdicts.filter((v) => !v.hidden && v.step === step);
    const bad = mine.find((v) => v.status === 'disagrees') ?? mine.find((v) => v.status === 'no-answer');
    return {
      step,
      status: bad ? bad.status : ('agrees' as const),
      detail: bad ? `${bad.name}: ${bad.detail}` : null,
    };
  });
  const against = perStep.filter((s) => s.status !== 'agrees');
  const contradiction = against.some((s) => passedSteps.has(s.step));
  const pub = verdicts.filter((v) => !v.hidden);
  return {
    seed: judge.seed,
    cases: pub.length,
    agreed: pub.filter((v) => v.status === 'agrees').length,
    steps: perStep,
    verdict: contradiction ? 'contradiction' : against.length ? 'partial' : 'agrees',
  };
}

const stepOf = (name: string): number | null => {
  const m = /^step (\d+)\b/.exec(name);
  return m ? Number(m[1]) : null;
};

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

function learnerReport(
  opts: GradeOptions,
  manifest: Manifest,
  manifestText: Buffer,
  stage: Stage,
  iso: Isolation,
  warnings: string[],
  planned: Planned[],
  jobs: Job[],
  results: (JobResult & { treeWarnings: string[] })[],
  sub: Submission,
  learner: number,
  tfjs: string | null,
): GradeReport {
  const integrity = sub.refused
    ? { modified: [], deleted: [], refused: [`the submission (${sub.refused})`] }
    : compareWithManifest(manifest, sub.root, { solutions: false });
  const subWarnings = [...warnings];
  if (!sub.refused && path.resolve(sub.root) !== path.resolve(opts.graderRoot)) {
    const theirs = compareWithManifest(
      { ...manifest, files: { [MANIFEST]: { sha256: sha256(manifestText) } } },
      sub.root,
    );
    if (theirs.deleted.length) subWarnings.push('the submission has no grading/manifest.json');
    else if (theirs.modified.length || theirs.refused.length) {
      subWarnings.push(
        "the submission's grading/manifest.json differs from the grader's (another kata version, or edited)",
      );
    }
  }
  let backend: string | null = null;
  const exercises = planned.map((ex, exercise): ExerciseReport => {
    const at = (hidden: boolean) =>
      jobs.findIndex((j) => j.learner === learner && j.exercise === exercise && j.hidden === hidden);
    const pubJob = results[at(false)] as JobResult & { treeWarnings: string[] };
    const hidJob = at(true) >= 0 ? (results[at(true)] as JobResult) : null;
    const pub = pubJob.run;
    const hid = hidJob?.run ?? null;
    const b = pub.provided?.oracleBackend;
    if (typeof b === 'string') backend = b;
    const publicTests = testsOf(ex.specs, pub, false);
    const hiddenTests = hid ? testsOf(ex.hidden, hid, true) : { tests: [], extra: [] };
    const hiddenJudge = ex.hiddenJudge.map((name, i) => {
      const v = pubJob.verdicts.find((x) => x.hidden && x.name === name);
      return {
        name: `hidden test ${hiddenTests.tests.length + i + 1}`,
        file: 'judge',
        hidden: true,
        status:
          v?.status === 'agrees'
            ? ('passed' as const)
            : v?.status === 'disagrees'
              ? ('failed' as const)
              : ('not-run' as const),
        durationMs: null,
        message: null,
      };
    });
    // the judge: a step whose cases do not all agree earns nothing, and if its specs all passed
    // anyway, the specs were not telling the truth: the exercise earns nothing
    const all0 = [...publicTests.tests, ...hiddenTests.tests];
    const judge = pubJob.judge;
    const passedSteps = new Set<number>();
    if (judge) {
      const byStep = new Map<number, boolean>();
      for (const t of publicTests.tests) {
        const s = stepOf(t.name);
        if (s !== null) byStep.set(s, (byStep.get(s) ?? true) && t.status === 'passed');
      }
      for (const [s, ok] of byStep) if (ok) passedSteps.add(s);
    }
    const jr = judge ? judgeReport(judge, pubJob.verdicts, passedSteps) : null;
    const wrongSteps = new Set(jr?.steps.filter((s) => s.status !== 'agrees').map((s) => s.step) ?? []);
    const all = [...all0, ...hiddenJudge].map((t, i) => {
      if (i >= publicTests.tests.length || t.status !== 'passed') return t;
      const s = stepOf(t.name);
      if (s === null || !wrongSteps.has(s)) return t;
      const step = jr?.steps.find((x) => x.step === s);
      return {
        ...t,
        status: 'unconfirmed' as const,
        message: `passed, but the judge finds step ${s} wrong: ${step?.detail}`,
      };
    });
    const contradiction = jr?.verdict === 'contradiction';
    const tests: TestReport[] = all.map((t, i) => {
      const possible = ex.points[i] ?? 0;
      const earned = t.status === 'passed' && !contradiction ? round4(possible) : 0;
      return { ...t, possible: round4(possible), points: earned };
    });
    const earned = contradiction
      ? 0
      : all.reduce((a, t, i) => a + (t.status === 'passed' ? (ex.points[i] ?? 0) : 0), 0);
    const exWarnings = [...pubJob.treeWarnings, ...(sub.refused ? [] : reviewFlags(sub.root, ex.name))];
    if (contradiction && jr) {
      const bad = jr.steps.find((s) => s.status !== 'agrees' && passedSteps.has(s.step));
      exWarnings.unshift(
        `the specs of step ${bad?.step} passed, but the judge disagrees (${bad?.detail}): the exercise scores 0 — review the code`,
      );
    }
    const copied = sub.refused ? null : copiedFromReference(sub.root, stage.root, ex.name);
    if (copied !== null) {
      exWarnings.push(
        `the code is a near-verbatim copy of the reference solution (${Math.round(copied * 100)} % of its tokens in sequence): review it`,
      );
    }
    if (publicTests.extra.length) {
      exWarnings.push(
        `tests not in the manifest ran and were not counted (run npm run manifest): ${publicTests.extra.join('; ')}`,
      );
    }
    if (pub.leftovers) exWarnings.push(`${pub.leftovers} process(es) outlived the run and were killed`);
    if (pub.unhandled.length && pub.status === 'completed') {
      exWarnings.push(
        `unhandled errors during the run: ${pub.unhandled.map((u) => trimMessage(u, { maxLines: 2, roots: pub.roots })).join('; ')}`,
      );
    }
    return {
      name: ex.name,
      title: ex.title,
      weight: ex.weight,
      points: round2(earned),
      possible: round2(ex.points.reduce((a, b) => a + b, 0)),
      passed: tests.filter((t) => t.status === 'passed').length,
      total: tests.length,
      durationMs: pub.durationMs + (hid?.durationMs ?? 0),
      run: runReport(pub, false),
      hiddenRun: hid ? runReport(hid, true) : null,
      judge: jr,
      copied,
      tests,
      warnings: exWarnings,
    };
  });
  const points = round2(exercises.reduce((a, e) => a + e.points, 0));
  const possible = round2(exercises.reduce((a, e) => a + e.possible, 0));
  const percent = possible > 0 ? round2((100 * points) / possible) : 0;
  const t = opts.threshold ?? null;
  return {
    schema: 'gradient-katas/grade@2',
    learner: sub.learner,
    commit: sub.refused ? null : headCommit(sub.root),
    kata: readKata(opts.graderRoot),
    manifest: { version: manifest.kata.version, sha256: sha256(manifestText) },
    oracle: { backend, tfjs },
    isolation: { isolated: iso.isolated, how: iso.how, reason: iso.reason },
    settings: {
      seed: opts.seed,
      testTimeoutS: opts.testTimeoutS ?? manifest.runner.testTimeout / 1000,
      maxMemoryMb: opts.maxMemoryMb,
      points: opts.pointsFile ? path.basename(opts.pointsFile) : null,
      hidden: Boolean(opts.hiddenDir),
      exercises: planned.map((p) => p.name),
      threshold: t,
    },
    integrity: {
      ok: integrity.modified.length + integrity.deleted.length + integrity.refused.length === 0,
      ...integrity,
    },
    score: { points, possible, percent, passed: t ? (t.percent ? percent : points) >= t.value : null },
    exercises,
    warnings: subWarnings,
    gradedAt: new Date().toISOString(),
  };
}

function readKata(root: string): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}
