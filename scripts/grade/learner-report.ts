/**
 * One learner's report from the runs of the plan: each test's status and points (a step the
 * judge finds wrong earns nothing; specs that pass where the judge disagrees score the exercise
 * 0), the protected files the submission changed, and what an instructor should review.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { copiedFromReference } from './copies.ts';
import type { GradeOptions, Submission } from './grade-options.ts';
import { judgeReport } from './judge.ts';
import { compareWithManifest } from './manifest-checks.ts';
import { MANIFEST, type Manifest } from './manifest-file.ts';
import type { Job, JobResult, Planned } from './plan.ts';
import { reviewFlags } from './review-flags.ts';
import type { Isolation } from './sandbox.ts';
import type { Stage } from './stage.ts';
import { runReport, testsOf } from './test-status.ts';
import type { ExerciseReport, GradeReport, TestReport } from './types.ts';
import { headCommit, round2, round4, sha256, trimMessage } from './util.ts';

export function tfjsVersion(graderRoot: string): string | null {
  try {
    const pkg = path.join(graderRoot, 'node_modules', '@tensorflow', 'tfjs', 'package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

const stepOf = (name: string): number | null => {
  const m = /^step (\d+)\b/.exec(name);
  return m ? Number(m[1]) : null;
};

export function learnerReport(
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
