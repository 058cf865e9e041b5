/**
 * `npm run grade` on the mini kata (tests/grade/mini-kata.ts, no TensorFlow.js), with learners
 * each trying to break one property of the grader (INSTRUCTORS.md, "Threat model"): stubs,
 * solutions, an infinite loop, a never-settling promise, process.exit and a throw at import,
 * memory exhaustion, a killed worker, a weakened and a deleted spec; code that patches `expect`,
 * weakens fast-check, or dodges the judge; and in the sandbox, code that looks for the grader's
 * environment, files, results channel, report folder and other learners, writes into
 * node_modules, the kata and /tmp for the next learner, leaves a daemon to change the reports,
 * or kills every process it can see. Each gets the points it should and a complete report, in
 * bounded time.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReports } from '../../scripts/grade/class.ts';
import { type GradeReport, grade } from '../../scripts/grade/grade.ts';
import { ROOT } from '../../scripts/lib/exercises.ts';
import { ex, explain, gradingFixture, statuses, submissions } from './grading-fixture.ts';
import { CRASHERS, sandboxAttackers } from './hostile-learners.ts';
import { makeSubmission, SOLUTION } from './mini-kata.ts';

const { tmp, kata, iso, scenario } = gradingFixture('kata-grade-learners-');

it('learner code is sandboxed wherever CI runs the grader on Linux', () => {
  // .ci/run and the workflows install bubblewrap; elsewhere the reports say "not isolated"
  if (process.platform === 'linux' && process.env.CI) expect(iso.reason).toBeNull();
  expect(iso.isolated || iso.reason !== null).toBe(true);
});

describe('grading the mini kata', () => {
  const subs = path.join(tmp, 'mini-subs');
  const out = path.join(tmp, 'mini-reports');
  const reports = new Map<string, GradeReport>();
  let seconds = 0;

  const solved02 = { 'exercises/02-scale/scale.ts': SOLUTION.scale };
  const learners: Record<string, Record<string, string | null>> = {
    stubs: {},
    solutions: { 'exercises/01-sum/sum.ts': SOLUTION.sum, ...solved02 },
    // weakens 01's spec (same test names, every body passes) and deletes 02's
    tampers: {
      'exercises/01-sum/sum.spec.ts': `import { describe, expect, it } from 'vitest';
describe('step 1: sum', () => {
  it('adds the fixed example [1, 2, 3] to 6', () => expect(true).toBe(true));
  it('the sum of nothing is 0', () => expect(true).toBe(true));
  it('agrees with the reference on random arrays', () => expect(true).toBe(true));
});
describe('step 2: mean', () => {
  it('the mean of [2, 4] is 3', () => expect(true).toBe(true));
  it('agrees with the reference on random non-empty arrays', () => expect(true).toBe(true));
});
`,
      'exercises/02-scale/scale.spec.ts': null,
      ...solved02,
    },
  };
  const only01 = CRASHERS; // graded on exercise 01 only
  const marker = path.join(tmp, 'VANDALISED');
  const late = path.join(out, 'late.txt');
  const sandboxOnly = iso.isolated ? sandboxAttackers({ kata, tmp, marker, late }) : {};

  scenario('mini', async () => {
    process.env.KATA_GRADE_TEST_SECRET = 'hunter2';
    const all = { ...learners, ...only01, ...sandboxOnly };
    for (const [name, code] of Object.entries(all)) makeSubmission(kata, path.join(subs, name), code);
    if (iso.isolated) makeSubmission(kata, path.join(subs, 'victim'), {});
    const started = Date.now();
    const options = { graderRoot: kata, maxMemoryMb: 384, seed: 42, isolation: iso };
    const unsandboxed = { isolated: false, how: 'none', reason: 'bubblewrap is not installed (a test)', bwrap: null };
    makeSubmission(kata, path.join(subs, 'unsandboxed'), { 'exercises/01-sum/sum.ts': SOLUTION.sum });
    const [both, one, looping, after, plain] = await Promise.all([
      grade({ ...options, submissions: submissions(subs, Object.keys(learners)), jobs: 2 }),
      grade({
        ...options,
        submissions: submissions(
          subs,
          [...Object.keys(only01), ...Object.keys(sandboxOnly)].filter((l) => l !== 'vandal' && l !== 'loops'),
        ),
        jobs: 2,
        only: ['01'],
      }),
      // an endless loop waits out the exercise's time limit: a short one of its own
      grade({ ...options, submissions: submissions(subs, ['loops']), jobs: 1, only: ['01'], timeoutS: 20 }),
      // the vandal, then a stub graded after it: its writes must change nothing for it
      iso.isolated
        ? grade({ ...options, submissions: submissions(subs, ['vandal', 'victim']), jobs: 1, only: ['01'] })
        : Promise.resolve([]),
      grade({
        ...options,
        isolation: unsandboxed,
        submissions: submissions(subs, ['unsandboxed']),
        jobs: 1,
        only: ['01'],
      }),
    ]);
    seconds = (Date.now() - started) / 1000;
    delete process.env.KATA_GRADE_TEST_SECRET;
    writeReports(out, both, true, {});
    for (const r of [...both, ...one, ...looping, ...after, ...plain]) reports.set(r.learner, r);
  });

  it('lists every exercise and every test for every learner, whatever happened', () => {
    console.log(
      `mini kata: ${reports.size} learners graded in ${seconds.toFixed(1)} s (${iso.isolated ? `sandboxed: ${iso.how}` : `not isolated: ${iso.reason}`})`,
    );
    for (const r of reports.values()) {
      const all = r.learner in learners;
      expect(r.exercises.map((e) => [e.name, e.tests.length, e.possible])).toEqual([
        ['01-sum', 5, 10],
        ...(all ? [['02-scale', 2, 5]] : []),
      ]);
      expect(r.score.possible).toBe(all ? 15 : 10);
      if (r.learner !== 'unsandboxed') expect(r.isolation.isolated).toBe(iso.isolated);
    }
    expect(reports.get('solutions')?.oracle.backend).toBe('reference');
  });

  it('stubs score 0 and solutions full points (weights from meta.json: 01 is 10 by default, 02 is 5)', () => {
    const stubs = reports.get('stubs') as GradeReport;
    expect(stubs.score).toMatchObject({ points: 0, possible: 15, percent: 0 });
    expect(new Set([...statuses(stubs, '01-sum'), ...statuses(stubs, '02-scale')])).toEqual(new Set(['failed']));
    expect(ex(stubs, '01-sum').tests[0]?.message).toMatch(/TODO\(01-sum\): implement sum/);
    const solutions = reports.get('solutions') as GradeReport;
    expect(solutions.score).toMatchObject({ points: 15, possible: 15, percent: 100 });
    expect(ex(solutions, '02-scale').tests.map((t) => t.points)).toEqual([2.5, 2.5]);
    expect(ex(solutions, '01-sum').judge).toMatchObject({ cases: 2, agreed: 2, verdict: 'agrees' });
    expect(ex(stubs, '01-sum').judge).toMatchObject({ agreed: 0, verdict: 'partial' });
  });

  it('an infinite loop costs its exercise the tests from the loop on; earlier results keep their points', () => {
    const r = reports.get('loops') as GradeReport;
    expect(ex(r, '01-sum').run).toMatchObject({ status: 'timeout', message: 'stopped after its time limit of 20 s' });
    expect(statuses(r, '01-sum'), explain(r, '01-sum')).toEqual(['passed', 'passed', 'passed', 'timeout', 'not-run']);
    expect(ex(r, '01-sum').tests[3]?.message).toMatch(/still running when the exercise stopped after its time limit/);
    expect(ex(r, '01-sum').judge?.steps.map((s) => s.status)).toEqual(['agrees', 'no-answer']);
    expect(r.score.points).toBe(6);
  });

  it('a test that never settles hits the per-test time limit and the run goes on', () => {
    const r = reports.get('never-settles') as GradeReport;
    expect(ex(r, '01-sum').run.status).toBe('completed');
    expect(statuses(r, '01-sum'), explain(r, '01-sum')).toEqual(['passed', 'passed', 'passed', 'timeout', 'failed']);
    expect(ex(r, '01-sum').tests[3]?.message).toMatch(/timed out in 3000ms/);
    expect(r.score.points).toBe(6);
  });

  it('process.exit and a throw at import are import errors of their exercise only', () => {
    for (const [learner, why] of [
      ['exits-at-import', /process\.exit unexpectedly called with "0"/],
      ['throws-at-import', /broken at import/],
    ] as const) {
      const r = reports.get(learner) as GradeReport;
      expect(ex(r, '01-sum').run.status, learner).toBe('import-error');
      expect(ex(r, '01-sum').run.message, learner).toMatch(why);
      expect(statuses(r, '01-sum'), explain(r, '01-sum')).toEqual(['error', 'error', 'error', 'error', 'error']);
      expect(ex(r, '01-sum').tests[0]?.message).toMatch(/the spec could not load the exercise/);
      expect(r.score.points, learner).toBe(0);
    }
  });

  it('memory exhaustion and a killed worker are reported as such, with the test that was running', () => {
    const oom = reports.get('out-of-memory') as GradeReport;
    expect(ex(oom, '01-sum').run).toMatchObject({
      status: 'out-of-memory',
      message: 'ran out of memory (heap limit 384 MB)',
    });
    expect(statuses(oom, '01-sum')).toEqual(['passed', 'passed', 'passed', 'error', 'not-run']);
    expect(ex(oom, '01-sum').tests[3]?.message).toMatch(/running when the exercise ran out of memory/);
    expect(oom.score.points).toBe(6);
    const killed = reports.get('kills-its-worker') as GradeReport;
    expect(ex(killed, '01-sum').run.status).toBe('crashed');
    expect(statuses(killed, '01-sum')).toEqual(['passed', 'passed', 'passed', 'error', 'not-run']);
    expect(killed.score.points).toBe(6);
  });

  it("a weakened or deleted spec is reported by name, and the kata's spec is graded", () => {
    const r = reports.get('tampers') as GradeReport;
    expect(r.integrity).toEqual({
      ok: false,
      modified: ['exercises/01-sum/sum.spec.ts'],
      deleted: ['exercises/02-scale/scale.spec.ts'],
      refused: [],
    });
    expect(statuses(r, '01-sum'), explain(r, '01-sum')).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    expect(r.score.points).toBe(5);
    const csv = readFileSync(path.join(out, 'grades.csv'), 'utf8');
    expect(csv).toMatch(
      /^tampers,,5,15,0,5,modified: exercises\/01-sum\/sum\.spec\.ts; deleted: exercises\/02-scale\/scale\.spec\.ts,/m,
    );
    expect(readFileSync(path.join(out, 'learners', 'tampers', 'junit.xml'), 'utf8')).toMatch(
      /<testcase classname="integrity" name="exercises\/01-sum\/sum\.spec\.ts".*was modified/,
    );
    expect(readFileSync(path.join(out, 'learners', 'tampers', 'summary.md'), 'utf8')).toMatch(
      /modified: exercises\/01-sum\/sum\.spec\.ts/,
    );
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(
      /\| \[tampers\]\(learners\/tampers\/summary\.md\) .*modified: exercises\/01-sum\/sum\.spec\.ts/,
    );
  });

  it('code that patches expect to pass its wrong mean is caught by the judge: the exercise scores 0', () => {
    const r = reports.get('patches-expect') as GradeReport;
    const e = ex(r, '01-sum');
    expect(statuses(r, '01-sum'), explain(r, '01-sum')).toEqual([
      'passed',
      'passed',
      'passed',
      'unconfirmed',
      'unconfirmed',
    ]);
    expect(e.judge).toMatchObject({ verdict: 'contradiction', agreed: 1, cases: 2 });
    expect(e.judge?.steps[1]).toMatchObject({ step: 2, status: 'disagrees' });
    expect(e.judge?.steps[1]?.detail).toMatch(
      /mean of random integers: on input 1 \(.*\): the result: expected -?[\d.]+, got 0/,
    );
    expect(e.points).toBe(0);
    expect(e.warnings[0]).toMatch(/the specs of step 2 passed, but the judge disagrees .* scores 0/);
    expect(e.warnings.some((w) => /imports the test runner/.test(w))).toBe(true);
  });

  it("code that turns fast-check's properties off at import is checked with the kata's settings anyway", () => {
    const r = reports.get('weakens-checks') as GradeReport;
    expect(statuses(r, '01-sum'), explain(r, '01-sum')).toEqual([
      'passed',
      'passed',
      'passed',
      'unconfirmed',
      'failed',
    ]);
    expect(ex(r, '01-sum').judge?.verdict).toBe('partial');
    expect(r.score.points).toBe(6);
  });

  it('code that leaves when it sees the judge gets no confirmation: the exercise scores 0', () => {
    const r = reports.get('dodges-judge') as GradeReport;
    expect(ex(r, '01-sum').judge?.verdict).toBe('contradiction');
    expect(ex(r, '01-sum').judge?.steps.every((s) => s.status !== 'agrees')).toBe(true);
    expect(r.score.points).toBe(0);
  });

  it('writes one CSV row per learner with stable columns, and every report file under learners/', () => {
    const rows = readFileSync(path.join(out, 'grades.csv'), 'utf8').trim().split('\r\n');
    expect(rows[0]).toBe('learner,commit,total,max,01-sum,02-scale,integrity,isolation,notes');
    expect(rows.slice(1).map((row) => row.split(',').slice(0, 6).join(','))).toEqual([
      'solutions,,15,15,10,5',
      'stubs,,0,15,0,0',
      'tampers,,5,15,0,5',
    ]);
    for (const learner of Object.keys(learners)) {
      for (const f of ['grade.json', 'junit.xml', 'summary.md']) {
        expect(existsSync(path.join(out, 'learners', learner, f))).toBe(true);
      }
    }
  });

  it("in the sandbox, code finds nothing of the grader's, changes nothing for later runs, and nothing of it outlives its run", async () => {
    if (!iso.isolated) {
      // no sandbox here (see the first test): these learners would reach the grader itself, so
      // they were not graded; what the reports must say instead is tested below
      expect(Object.keys(sandboxOnly)).toEqual([]);
      return;
    }
    // looking for the environment, the channel, the grader's files, the reports, the network
    const snoops = reports.get('snoops') as GradeReport;
    expect(ex(snoops, '01-sum').run.status).toBe('completed');
    expect(statuses(snoops, '01-sum')).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    expect(snoops.score.points).toBe(0);
    // writing into node_modules, the kata, its own tree and /tmp for the learner after it
    const vandal = reports.get('vandal') as GradeReport;
    expect(vandal.score.points, JSON.stringify(vandal.exercises)).toBe(10);
    expect(readFileSync(path.join(subs, 'vandal', 'exercises', '02-scale', 'scale.ts'), 'utf8')).toBe(SOLUTION.scale);
    const victim = reports.get('victim') as GradeReport;
    expect(victim.score.points).toBe(0);
    expect(statuses(victim, '01-sum')).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    expect(existsSync(path.join(ROOT, 'node_modules', '.kata-vandal'))).toBe(false);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync('/tmp/kata-vandal-was-here')).toBe(false);
    expect(readFileSync(path.join(subs, 'vandal', 'lib', 'reference.ts'), 'utf8')).toMatch(/for \(const x of xs\)/);
    // a daemon that would rewrite the reports after the grader is done
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(existsSync(late)).toBe(false);
    const daemon = reports.get('daemon') as GradeReport;
    expect(daemon.score.points, JSON.stringify(ex(daemon, '01-sum'))).toBe(10);
    // killing every process it can see ends its own run only
    const killer = reports.get('kills-everything') as GradeReport;
    expect(['crashed', 'import-error']).toContain(ex(killer, '01-sum').run.status);
    expect(killer.score.points).toBe(0);
  });

  it('without a sandbox, every report format and the class summary say "not isolated", with the reason', () => {
    const r = reports.get('unsandboxed') as GradeReport;
    expect(r.isolation).toEqual({ isolated: false, how: 'none', reason: 'bubblewrap is not installed (a test)' });
    expect(r.score.points).toBe(10);
    const dir = path.join(tmp, 'unsandboxed-reports');
    writeReports(dir, [r], false, {});
    expect(readFileSync(path.join(dir, 'grades.csv'), 'utf8')).toMatch(/,not isolated,/);
    expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toMatch(
      /<skipped message="not isolated: .*bubblewrap is not installed \(a test\)\)"/,
    );
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toMatch(
      /\*\*Not isolated\*\*.*bubblewrap is not installed/,
    );
    expect(JSON.parse(readFileSync(path.join(dir, 'grade.json'), 'utf8')).isolation.isolated).toBe(false);
  });
});
