/**
 * Grading: for each learner and each exercise, a fresh work tree with the kata's pristine
 * protected files and the learner's exercise code, one vitest child per exercise (and one
 * more for the instructor's hidden specs), results read from the grader's reporter, points
 * per test, and a report that is complete whatever the child did.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findExercise, listExercises } from '../../lib/exercises.ts';
import { compareWithManifest, MANIFEST, type Manifest, readManifest } from './manifest.ts';
import { allocatePoints, type PointsFile, parsePointsFile, readExerciseMeta } from './meta.ts';
import { dedupe, reviewFlags, runReport, testsOf } from './results.ts';
import { buildTree, type RunResult, removeTree, runVitest } from './run.ts';
import type { ExerciseReport, GradeReport, TestReport, Threshold } from './types.ts';
import { headCommit, mapLimit, round2, round4, sha256, trimMessage } from './util.ts';

export type { ExerciseReport, GradeReport, RunReport, TestReport, TestStatus, Threshold } from './types.ts';

export interface Submission {
  learner: string;
  root: string;
}

export interface GradeOptions {
  /** the trusted kata: its manifest, pristine copies, solutions and node_modules grade the submissions */
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
  log?: (line: string) => void;
}

export const DEFAULT_EXERCISE_TIMEOUT_S = 120;

type SpecTests = { file: string; tests: string[] };

interface Planned {
  name: string;
  title: string;
  weight: number;
  timeoutMs: number;
  specs: { file: string; tests: string[] }[];
  hidden: { file: string; tests: string[] }[];
  /** points per test: public tests in order, then hidden ones */
  points: number[];
}

/** The exercises to grade, with their hidden specs, weights and per-test points. Throws on bad configuration. */
async function plan(opts: GradeOptions, manifest: Manifest, warnings: string[]): Promise<Planned[]> {
  const pristine = path.join(opts.graderRoot, manifest.pristine);
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
  const hidden: Map<string, SpecTests[]> = opts.hiddenDir
    ? await referenceHidden(
        opts,
        manifest,
        selected.map((e) => e.name),
        warnings,
      )
    : new Map();
  const titles = new Map(listExercises(opts.graderRoot).map((e) => [e.name, e.title]));
  return selected.map((ex) => {
    const meta = readExerciseMeta(path.join(pristine, 'exercises', ex.name));
    const hiddenSpecs = hidden.get(ex.name) ?? [];
    const names = [...ex.specs.flatMap((s) => s.tests), ...hiddenSpecs.flatMap((s) => s.tests)];
    const { weight, points: each } = allocatePoints(ex.name, meta.weight, names, points.get(ex.name));
    return {
      name: ex.name,
      title: titles.get(ex.name) ?? ex.name,
      weight,
      timeoutMs: 1000 * (opts.timeoutS ?? meta.timeout ?? DEFAULT_EXERCISE_TIMEOUT_S),
      specs: ex.specs,
      hidden: hiddenSpecs,
      points: each,
    };
  });
}

/**
 * The hidden specs, per exercise: DIR/NN-slug/*.spec.ts. Each exercise's hidden specs are run
 * once against the reference solution, which gives their test list (so a learner's crash
 * still counts every hidden test) and checks that they pass on the reference.
 */
async function referenceHidden(opts: GradeOptions, manifest: Manifest, selected: string[], warnings: string[]) {
  const dir = opts.hiddenDir as string;
  if (!existsSync(dir)) throw new Error(`--hidden ${dir}: no such folder`);
  const byExercise = new Map<string, string[]>();
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    if (!manifest.exercises.some((e) => e.name === d.name)) {
      throw new Error(
        `--hidden ${dir}: ${d.name} is not an exercise (expected folders named like ${manifest.exercises[0]?.name})`,
      );
    }
    const specs = readdirSync(path.join(dir, d.name))
      .filter((f) => f.endsWith('.spec.ts'))
      .sort()
      .map((f) => `hidden/${d.name}/${f}`);
    if (specs.length && selected.includes(d.name)) byExercise.set(d.name, specs);
  }
  const out = new Map<string, { file: string; tests: string[] }[]>();
  const entries = [...byExercise];
  await mapLimit(entries, opts.jobs, async ([name, files]) => {
    const solutions = path.join(opts.graderRoot, 'solutions');
    if (!existsSync(path.join(solutions, name))) {
      throw new Error(`hidden specs for ${name} need the reference solution in solutions/${name} to count their tests`);
    }
    const meta = readExerciseMeta(path.join(opts.graderRoot, manifest.pristine, 'exercises', name));
    const limit = 1000 * (opts.timeoutS ?? meta.timeout ?? DEFAULT_EXERCISE_TIMEOUT_S);
    const run = await runOnce(opts, manifest, solutions, files, limit);
    const specs = files.map((file) => ({ file, tests: dedupe((run.collected.get(file) ?? []).map((t) => t.name)) }));
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
    out.set(name, specs);
  });
  return out;
}

async function runOnce(
  opts: GradeOptions,
  manifest: Manifest,
  codeDir: string | null,
  include: string[],
  timeoutMs: number,
) {
  const tree = buildTree({
    pristineRoot: path.join(opts.graderRoot, manifest.pristine),
    files: Object.keys(manifest.files).filter((f) => f !== 'package.json'),
    packageJson: pick(manifest.package, ['type', 'imports']),
    codeDir,
    hiddenDir: include.some((f) => f.startsWith('hidden/')) ? opts.hiddenDir : null,
    nodeModules: path.join(opts.graderRoot, 'node_modules'),
  });
  try {
    const result = await runVitest(
      {
        tree: tree.root,
        include,
        runner: manifest.runner,
        testTimeoutMs: 1000 * (opts.testTimeoutS ?? manifest.runner.testTimeout / 1000),
        timeoutMs,
        memoryMb: opts.maxMemoryMb,
        seed: opts.seed,
      },
      path.join(opts.graderRoot, 'node_modules'),
    );
    return Object.assign(result, { treeRoot: tree.root, treeWarnings: tree.warnings });
  } finally {
    removeTree(tree.root);
  }
}

function pick(o: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
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

/** Grades every submission; returns one report per submission, in the order given. */
export async function grade(opts: GradeOptions): Promise<GradeReport[]> {
  const log = opts.log ?? (() => {});
  const manifest = readManifest(opts.graderRoot);
  const manifestText = readFileSync(path.join(opts.graderRoot, MANIFEST));
  const warnings: string[] = [];
  if (!opts.submissions.some((s) => path.resolve(s.root) === path.resolve(opts.graderRoot))) {
    const own = compareWithManifest(manifest, opts.graderRoot);
    const changed = [...own.modified, ...own.deleted];
    if (changed.length) {
      warnings.push(
        `the grader's own files differ from its manifest (${changed.join(', ')}): its pristine copies were used; run npm run manifest if they should change`,
      );
    }
  }
  const planned = await plan(opts, manifest, warnings);
  for (const w of warnings) log(`warning: ${w}`);

  const jobs: Job[] = [];
  opts.submissions.forEach((_, learner) => {
    planned.forEach((ex, exercise) => {
      jobs.push({ learner, exercise, hidden: false });
      if (ex.hidden.length) jobs.push({ learner, exercise, hidden: true });
    });
  });
  let done = 0;
  const runs = await mapLimit(jobs, opts.jobs, async (job) => {
    const sub = opts.submissions[job.learner] as Submission;
    const ex = planned[job.exercise] as Planned;
    const include = job.hidden ? ex.hidden.map((s) => s.file) : ex.specs.map((s) => s.file);
    const run = await runOnce(opts, manifest, path.join(sub.root, 'exercises'), include, ex.timeoutMs);
    done++;
    const passed = [...run.results.values()].filter((r) => r.state === 'passed').length;
    const total = (job.hidden ? ex.hidden : ex.specs).reduce((a, s) => a + s.tests.length, 0);
    const what = run.status === 'completed' ? '' : ` — ${run.status}`;
    log(
      `[${done}/${jobs.length}] ${opts.submissions.length > 1 ? `${sub.learner} ` : ''}${ex.name}${job.hidden ? ' (hidden)' : ''}: ${passed}/${total} tests in ${(run.durationMs / 1000).toFixed(1)} s${what}`,
    );
    return run;
  });

  const tfjs = tfjsVersion(opts.graderRoot);
  return opts.submissions.map((sub, learner) => {
    const integrity = compareWithManifest(manifest, sub.root);
    const subWarnings = [...warnings];
    const theirs = path.join(sub.root, MANIFEST);
    if (path.resolve(sub.root) !== path.resolve(opts.graderRoot)) {
      if (!existsSync(theirs)) subWarnings.push('the submission has no grading/manifest.json');
      else if (sha256(readFileSync(theirs)) !== sha256(manifestText)) {
        subWarnings.push(
          "the submission's grading/manifest.json differs from the grader's (another kata version, or edited)",
        );
      }
    }
    let backend: string | null = null;
    const exercises = planned.map((ex, exercise): ExerciseReport => {
      const pub = runs[
        jobs.findIndex((j) => j.learner === learner && j.exercise === exercise && !j.hidden)
      ] as RunResult & {
        treeRoot: string;
        treeWarnings: string[];
      };
      const hidIndex = jobs.findIndex((j) => j.learner === learner && j.exercise === exercise && j.hidden);
      const hid = hidIndex >= 0 ? (runs[hidIndex] as RunResult & { treeRoot: string }) : null;
      const b = pub.provided?.oracleBackend;
      if (typeof b === 'string') backend = b;
      const publicTests = testsOf(ex.specs, pub, false);
      const hiddenTests = hid ? testsOf(ex.hidden, hid, true) : { tests: [], extra: [] };
      const all = [...publicTests.tests, ...hiddenTests.tests];
      const tests: TestReport[] = all.map((t, i) => {
        const possible = ex.points[i] ?? 0;
        return { ...t, possible: round4(possible), points: t.status === 'passed' ? round4(possible) : 0 };
      });
      const earned = all.reduce((a, t, i) => a + (t.status === 'passed' ? (ex.points[i] ?? 0) : 0), 0);
      const exWarnings = [...pub.treeWarnings, ...reviewFlags(sub.root, ex.name)];
      if (publicTests.extra.length) {
        exWarnings.push(
          `tests not in the manifest ran and were not counted (run npm run manifest): ${publicTests.extra.join('; ')}`,
        );
      }
      if (pub.unhandled.length && pub.status === 'completed') {
        exWarnings.push(
          `unhandled errors during the run: ${pub.unhandled.map((u) => trimMessage(u, { maxLines: 2, roots: [pub.treeRoot] })).join('; ')}`,
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
        tests,
        warnings: exWarnings,
      };
    });
    const points = round2(exercises.reduce((a, e) => a + e.points, 0));
    const possible = round2(exercises.reduce((a, e) => a + e.possible, 0));
    const percent = possible > 0 ? round2((100 * points) / possible) : 0;
    const t = opts.threshold ?? null;
    return {
      schema: 'gradient-katas/grade@1',
      learner: sub.learner,
      commit: headCommit(sub.root),
      kata: readKata(opts.graderRoot),
      manifest: { version: manifest.kata.version, sha256: sha256(manifestText) },
      oracle: { backend, tfjs },
      settings: {
        seed: opts.seed,
        testTimeoutS: opts.testTimeoutS ?? manifest.runner.testTimeout / 1000,
        maxMemoryMb: opts.maxMemoryMb,
        points: opts.pointsFile ? path.basename(opts.pointsFile) : null,
        hidden: Boolean(opts.hiddenDir),
        exercises: planned.map((p) => p.name),
        threshold: t,
      },
      integrity: { ok: integrity.modified.length + integrity.deleted.length === 0, ...integrity },
      score: { points, possible, percent, passed: t ? (t.percent ? percent : points) >= t.value : null },
      exercises,
      warnings: subWarnings,
      gradedAt: new Date().toISOString(),
    };
  });
}

function readKata(root: string): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}
