/**
 * The plan of a grading: the exercises to grade, each with its weight, time limit, specs and
 * the instructor's hidden tests, and the points of every test; the hidden specs are run once
 * against the reference solution first, which lists their tests and checks they pass there.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findExercise, listExercises } from '../lib/exercises.ts';
import { DEFAULT_EXERCISE_TIMEOUT_S, type GradeOptions, nodeModulesOf, runOnce } from './grade-options.ts';
import { type CaseVerdict, type PreparedJudge, prepareJudge } from './judge.ts';
import type { Manifest } from './manifest-file.ts';
import { allocatePoints, type PointsFile, parsePointsFile, readExerciseMeta } from './meta.ts';
import type { RunResult } from './run-result.ts';
import type { Isolation } from './sandbox.ts';
import { pick, type Stage } from './stage.ts';
import { dedupe } from './test-status.ts';
import { buildTree, removeTree } from './tree.ts';
import { mapLimit } from './util.ts';

export type SpecTests = { file: string; tests: string[] };

export interface Planned {
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
export async function plan(
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

/** One run of the grading: a learner's exercise, its public specs or its hidden ones. */
export interface Job {
  learner: number;
  exercise: number;
  hidden: boolean;
}

export interface JobResult {
  run: RunResult;
  judge: PreparedJudge | null;
  verdicts: CaseVerdict[];
}
