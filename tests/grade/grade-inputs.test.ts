/**
 * `npm run grade` on the mini kata with hostile inputs: a batch whose names, links and FIFOs a
 * learner controls; a grader whose protected files changed; a learner repository grading
 * itself, which takes the kata's copies from git, or grades nothing when git has none.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildManifest } from '../../scripts/grade/build.ts';
import { writeReports } from '../../scripts/grade/class.ts';
import { type GradeReport, grade, listBatch } from '../../scripts/grade/grade.ts';
import { gradingFixture, statuses } from './grading-fixture.ts';
import { makeMiniKata, makeSubmission, SOLUTION } from './mini-kata.ts';

const { tmp, kata, iso, scenario } = gradingFixture('kata-grade-inputs-');

describe('what a learner controls in a batch is hostile input', () => {
  const batch = path.join(tmp, 'hostile-batch');
  const out = path.join(tmp, 'hostile-reports');
  const names = ['summary.md', 'learners', '=HYPERLINK("x")', 'Alice', 'alice', 'has-links', 'has-fifos'];

  scenario('hostile', async () => {
    for (const n of names) makeSubmission(kata, path.join(batch, n), { 'exercises/01-sum/sum.ts': SOLUTION.sum });
    symlinkSync(path.join(batch, 'Alice'), path.join(batch, 'linked'));
    // the learner's code is a link to the grader's solution; a whole exercise folder is a link
    rmSync(path.join(batch, 'has-links', 'exercises', '01-sum', 'sum.ts'));
    symlinkSync(
      path.join(kata, 'solutions', '01-sum', 'sum.ts'),
      path.join(batch, 'has-links', 'exercises', '01-sum', 'sum.ts'),
    );
    rmSync(path.join(batch, 'has-links', 'exercises', '02-scale'), { recursive: true });
    symlinkSync(path.join(kata, 'solutions', '02-scale'), path.join(batch, 'has-links', 'exercises', '02-scale'));
    // FIFOs where the grader reads: a protected file, git's HEAD, the submission's manifest
    const fifos = path.join(batch, 'has-fifos');
    rmSync(path.join(fifos, 'exercises', '02-scale', 'scale.spec.ts'));
    mkdirSync(path.join(fifos, '.git'), { recursive: true });
    for (const f of ['exercises/02-scale/scale.spec.ts', '.git/HEAD', 'grading/manifest.json']) {
      rmSync(path.join(fifos, f), { force: true });
      execFileSync('mkfifo', [path.join(fifos, f)]);
    }
    const learners = listBatch(batch);
    expect(learners.map((l) => [l.learner, l.refused ?? null])).toContainEqual([
      'linked',
      'a symbolic link, not followed',
    ]);
    const graded = await grade({
      graderRoot: kata,
      submissions: learners.filter((l) => ['has-links', 'has-fifos', 'linked'].includes(l.learner)),
      jobs: 2,
      maxMemoryMb: 384,
      seed: 42,
      isolation: iso,
      only: ['01'],
    });
    // the other names need no grading of their own to show where their reports go
    const like = graded.find((r) => r.learner === 'has-fifos') as GradeReport;
    const named = learners
      .filter((l) => !graded.some((r) => r.learner === l.learner))
      .map((l) => ({ ...like, learner: l.learner }));
    writeReports(
      out,
      [...graded, ...named].sort((a, b) => (a.learner < b.learner ? -1 : 1)),
      true,
      {},
    );
  });

  it('grades every learner, never following a link or waiting on a FIFO; names become folders under learners/, never colliding with the class reports or each other', () => {
    expect(readdirSync(out).sort()).toEqual(['class.html', 'class.json', 'grades.csv', 'learners', 'summary.md']);
    expect(readdirSync(path.join(out, 'learners')).sort()).toEqual([
      'Alice',
      'HYPERLINK_x_',
      'alice-2',
      'has-fifos',
      'has-links',
      'learners',
      'linked',
      'summary.md',
    ]);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/^# mini-kata: 8 learners/);
    const csv = readFileSync(path.join(out, 'grades.csv'), 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""x"")",`);
  });

  it('a link is refused and named: a learner folder, a file, an exercise folder', () => {
    const read = (n: string) =>
      JSON.parse(readFileSync(path.join(out, 'learners', n, 'grade.json'), 'utf8')) as GradeReport;
    const linked = read('linked');
    expect(linked.score.points).toBe(0);
    expect(linked.integrity.refused).toEqual(['the submission (a symbolic link, not followed)']);
    expect(linked.exercises[0]?.run.status).toBe('not-graded');
    const links = read('has-links');
    expect(links.score.points).toBe(0);
    expect(links.exercises[0]?.run.status).toBe('import-error');
    expect(links.exercises[0]?.warnings).toContain('exercises/01-sum/sum.ts: a symbolic link, refused');
  });

  it('FIFOs are refused, not waited on: the learner is graded and the report says so', () => {
    const r = JSON.parse(readFileSync(path.join(out, 'learners', 'has-fifos', 'grade.json'), 'utf8')) as GradeReport;
    expect(r.score.points).toBe(10);
    expect(r.commit).toBeNull();
    expect(r.integrity.refused).toEqual(['exercises/02-scale/scale.spec.ts (a FIFO, not read)']);
  });
});

describe("the grader's own files", () => {
  it('a changed protected file in the grader stops the grading before any run, naming it', async () => {
    const grader = path.join(tmp, 'changed-grader');
    makeMiniKata(grader);
    await buildManifest(grader);
    writeFileSync(path.join(grader, 'lib', 'reference.ts'), 'export const referenceSum = () => 0;\n');
    makeSubmission(kata, path.join(tmp, 'cg', 'x'), {});
    await expect(
      grade({
        graderRoot: grader,
        submissions: [{ learner: 'x', root: path.join(tmp, 'cg', 'x') }],
        jobs: 1,
        maxMemoryMb: 384,
        seed: 42,
        isolation: iso,
      }),
    ).rejects.toThrow(
      /the grader's own protected files differ from its grading\/manifest.json: lib\/reference.ts \(modified\)/,
    );
  }, 60_000);

  it("a repository grading itself is graded with git's copies of the files it changed, or not at all without them", async () => {
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=k', '-c', 'user.email=k@k', ...args], { cwd, stdio: 'pipe' });
    const repo = path.join(tmp, 'self');
    makeMiniKata(repo);
    await buildManifest(repo);
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'the kata');
    // the learner weakens a spec and commits it, and solves nothing
    const spec = path.join(repo, 'exercises', '01-sum', 'sum.spec.ts');
    writeFileSync(
      spec,
      readFileSync(spec, 'utf8').replace(/expect\(sum\(\[1, 2, 3\]\)\)\.toBe\(6\)/, 'expect(1).toBe(1)'),
    );
    git(repo, 'commit', '-qam', 'easier');
    const options = {
      graderRoot: repo,
      submissions: [{ learner: 'self', root: repo }],
      jobs: 1,
      maxMemoryMb: 384,
      seed: 42,
      isolation: iso,
      only: ['01'],
    };
    const [r] = await grade(options);
    expect(r?.integrity.modified).toEqual(['exercises/01-sum/sum.spec.ts']);
    expect(r?.warnings.join()).toMatch(/graded as git has them: exercises\/01-sum\/sum.spec.ts/);
    expect(statuses(r as GradeReport, '01-sum')[0]).toBe('failed');
    // history squashed: git has no copy of the kata's spec any more
    rmSync(path.join(repo, '.git'), { recursive: true, force: true });
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'squashed');
    const [s] = await grade(options);
    expect(s?.exercises[0]?.run).toMatchObject({ status: 'not-graded' });
    expect(s?.exercises[0]?.run.message).toMatch(
      /exercises\/01-sum\/sum.spec.ts are neither in this checkout nor in its git history/,
    );
    expect(s?.score.points).toBe(0);
  }, 120_000);
});
