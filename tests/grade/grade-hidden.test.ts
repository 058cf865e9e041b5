/**
 * `npm run grade` on the mini kata with an instructor's hidden specs, hidden judge cases and
 * points.json: counted and priced with the public tests, never shown in any report.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReports } from '../../scripts/grade/class.ts';
import { type GradeReport, grade, type TestReport } from '../../scripts/grade/grade.ts';
import { ex, gradingFixture } from './grading-fixture.ts';
import { makeSubmission, SOLUTION, sumWithMean } from './mini-kata.ts';

const { tmp, kata, iso, scenario } = gradingFixture('kata-grade-hidden-');

describe('hidden specs, hidden judge cases and an instructor points.json', () => {
  const hidden = path.join(tmp, 'hidden');
  let reports: GradeReport[] = [];
  const HIDDEN_SOURCE = `import { expect, it } from 'vitest';
import { mean, sum } from '../../exercises/01-sum/sum.ts';

it('SECRET sum of a long run', () => {
  expect(sum(Array.from({ length: 1000 }, (_, i) => i))).toBe(499500);
});
it('SECRET mean of negatives', () => {
  expect(mean([-2, -4, -6])).toBe(-4); // SECRET-DETAIL
});
`;

  const HIDDEN_JUDGE = `import { defineJudge } from '../../grading/judge/api.ts';
import type * as Api from '../../exercises/01-sum/sum.ts';

export default defineJudge<typeof Api>({
  module: 'sum.ts',
  cases: (c) => [
    c({
      name: 'SECRET mean of large numbers',
      step: 2,
      input: (r) => Array.from({ length: r.int(1, 5) }, () => r.int(1e6, 2e6)),
      run: (api, xs) => api.mean(xs),
    }),
  ],
});
`;

  scenario('hidden', async () => {
    mkdirSync(path.join(hidden, '01-sum'), { recursive: true });
    writeFileSync(path.join(hidden, '01-sum', 'extra.spec.ts'), HIDDEN_SOURCE);
    writeFileSync(path.join(hidden, '01-sum', 'secret.judge.ts'), HIDDEN_JUDGE);
    const points = path.join(tmp, 'points.json');
    writeFileSync(
      points,
      JSON.stringify({
        exercises: {
          '01': { weight: 20, tests: { 'step 1: sum > adds the fixed example [1, 2, 3] to 6': 8 } },
          scale: 0,
        },
      }),
    );
    makeSubmission(kata, path.join(tmp, 'h', 'solved'), { 'exercises/01-sum/sum.ts': SOLUTION.sum });
    makeSubmission(kata, path.join(tmp, 'h', 'half'), {
      'exercises/01-sum/sum.ts': sumWithMean("throw new Error('no');"),
    });
    reports = await grade({
      graderRoot: kata,
      submissions: ['solved', 'half'].map((learner) => ({ learner, root: path.join(tmp, 'h', learner) })),
      hiddenDir: hidden,
      pointsFile: points,
      only: ['01'],
      jobs: 2,
      maxMemoryMb: 512,
      seed: 42,
      isolation: iso,
    });
    writeReports(path.join(tmp, 'h-reports'), reports, true, {});
  });

  it('counts hidden specs and hidden judge cases with the public tests and prices them by points.json', () => {
    const [solved, half] = reports as [GradeReport, GradeReport];
    const tests = ex(solved, '01-sum').tests;
    // 8 for the priced test, the other 12 shared by 4 public, 2 hidden specs and 1 hidden judge case
    const share = Math.round((12 / 7) * 10_000) / 10_000;
    expect(tests.map((t) => [t.hidden, t.file, t.possible])).toEqual([
      [false, 'exercises/01-sum/sum.spec.ts', 8],
      ...Array.from({ length: 4 }, () => [false, 'exercises/01-sum/sum.spec.ts', share]),
      [true, 'hidden', share],
      [true, 'hidden', share],
      [true, 'judge', share],
    ]);
    expect(solved.score).toMatchObject({ points: 20, possible: 20 });
    expect(solved.exercises.map((e) => e.name)).toEqual(['01-sum']);
    // sum right (8 + 2 shares, hidden sum 1 share), mean wrong (public, hidden spec, hidden judge case)
    expect(half.score.points).toBe(Math.round((8 + (3 * 12) / 7) * 100) / 100);
    expect(
      ex(half, '01-sum')
        .tests.filter((t: TestReport) => t.hidden)
        .map((t) => [t.name, t.status]),
    ).toEqual([
      ['hidden test 1', 'passed'],
      ['hidden test 2', 'failed'],
      ['hidden test 3', 'failed'],
    ]);
  });

  it('never shows a hidden test’s name, source or failure in any report', () => {
    for (const learner of ['solved', 'half']) {
      for (const f of ['grade.json', 'junit.xml', 'summary.md']) {
        const text = readFileSync(path.join(tmp, 'h-reports', 'learners', learner, f), 'utf8');
        expect(text, `${learner}/${f}`).not.toMatch(/SECRET|negatives|large numbers|499500|extra\.spec|secret\.judge/);
      }
      const hiddenTests = ex(reports.find((r) => r.learner === learner) as GradeReport, '01-sum').tests.filter(
        (t) => t.hidden,
      );
      expect(hiddenTests.every((t) => t.message === null && ['hidden', 'judge'].includes(t.file))).toBe(true);
    }
  });
});
