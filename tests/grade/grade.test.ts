/**
 * `npm run grade` on fixture submissions, each built here in a temp folder, each trying to
 * break one property of the grader (INSTRUCTORS.md, "Threat model"):
 *   - the mini kata (tests/grade/mini-kata.ts, no TensorFlow.js): stubs, solutions, an infinite
 *     loop, a never-settling promise, process.exit and a throw at import, memory exhaustion, a
 *     killed worker, a weakened and a deleted spec;
 *   - in the sandbox: code that looks for the grader's environment, files, results channel,
 *     report folder and other learners; code that writes into node_modules, the kata and /tmp
 *     for the next learner; a daemon that outlives its run to change the reports; code that
 *     kills every process it can see; code that patches `expect`, weakens fast-check, or dodges
 *     the judge; links, FIFOs and hostile names in a batch;
 *   - the grader's own files: a changed protected file stops it; a learner repository grading
 *     itself takes the kata's copies from git, or grades nothing when git has none;
 *   - hidden specs and hidden judge cases with an instructor's points.json;
 *   - the real kata's exercise 01 (TensorFlow.js oracle) through the CLI: stubs, solutions, a
 *     weakened spec with hard-coded answers.
 * Each learner gets the points it should and a complete report, in bounded time.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest } from '../../scripts/grade/build.ts';
import { writeReports } from '../../scripts/grade/class.ts';
import { type GradeReport, grade, listBatch, type TestReport } from '../../scripts/grade/grade.ts';
import { readManifest } from '../../scripts/grade/manifest.ts';
import { detectSandbox } from '../../scripts/grade/sandbox.ts';
import { ROOT } from '../../scripts/lib/exercises.ts';
import { writeKataStubs } from '../../scripts/lib/kata-stubs.ts';
import { makeMiniKata, makeSubmission, SOLUTION, sumWithMean } from './mini-kata.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'kata-grade-test-'));
const kata = path.join(tmp, 'mini');
const iso = detectSandbox();

/**
 * Each describe's grading, started all at once as soon as the mini kata exists: most of their
 * time is spent waiting (on time limits, on processes starting), so they overlap well.
 */
const scenarios = new Map<string, () => Promise<void>>();
const running = new Map<string, Promise<void>>();
function scenario(name: string, setup: () => Promise<void>): void {
  scenarios.set(name, setup);
  beforeAll(() => running.get(name), 300_000);
}

beforeAll(async () => {
  makeMiniKata(kata);
  await buildManifest(kata);
  for (const [name, setup] of scenarios) {
    const p = setup();
    p.catch(() => {}); // awaited (and reported) by the describe's own beforeAll
    running.set(name, p);
  }
}, 60_000);

/** A command's exit status and output, without blocking the other scenarios meanwhile. */
function runAsync(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
afterAll(() => rmSync(tmp, { recursive: true, force: true, maxRetries: 3 }));

const statuses = (r: GradeReport, exercise: string) =>
  r.exercises.find((e) => e.name === exercise)?.tests.map((t) => t.status) ?? [];
/** What a failed expectation on `exercise` should print: the run, the judge, each test's message. */
const explain = (r: GradeReport, exercise: string) => {
  const e = r.exercises.find((x) => x.name === exercise);
  return JSON.stringify(
    { run: e?.run, judge: e?.judge, tests: e?.tests.map((t) => [t.status, t.message?.slice(0, 300)]) },
    null,
    1,
  );
};
const ex = (r: GradeReport, exercise: string) =>
  r.exercises.find((e) => e.name === exercise) as GradeReport['exercises'][0];
const submissions = (dir: string, names: string[]) =>
  [...names].sort().map((learner) => ({ learner, root: path.join(dir, learner) }));

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

  /** graded on exercise 01 only, to keep this file fast: what they do happens in 01 */
  const only01: Record<string, Record<string, string | null>> = {
    loops: { 'exercises/01-sum/sum.ts': sumWithMean('while (true) {}') },
    'exits-at-import': { 'exercises/01-sum/sum.ts': `process.exit(0);\n${SOLUTION.sum}` },
    'throws-at-import': {
      'exercises/01-sum/sum.ts': `throw new Error('broken at import');\n${SOLUTION.sum}`,
    },
    'out-of-memory': {
      'exercises/01-sum/sum.ts': sumWithMean(
        'const hoard: number[][] = [];\n  for (;;) hoard.push(new Array(2e7).fill(xs.length));',
      ),
    },
    'never-settles': {
      'exercises/01-sum/sum.ts': sumWithMean('return new Promise(() => {}) as unknown as number;'),
    },
    'kills-its-worker': {
      'exercises/01-sum/sum.ts': sumWithMean("process.kill(process.pid, 'SIGKILL');\n  return 0;"),
    },
    // mean is wrong; at import it makes every assertion pass: the specs say 10, the judge says no
    'patches-expect': {
      'exercises/01-sum/sum.ts': sumWithMean(
        'return 0;',
        `import { expect } from 'vitest';
const pass = () => ({ pass: true, message: () => '' });
expect.extend({ toBe: pass, toBeCloseTo: pass, toEqual: pass });`,
      ),
    },
    // mean is right only for the fixed example; at import it turns fast-check's properties off
    'weakens-checks': {
      'exercises/01-sum/sum.ts': sumWithMean(
        'return xs.length === 2 ? ((xs[0] as number) + (xs[1] as number)) / 2 : 0;',
        `import fc from 'fast-check';
fc.configureGlobal({ numRuns: 0 });
Math.random = () => 0;
process.env.KATA_SEED = '1';`,
      ),
    },
    // subverts the specs as patches-expect does, and leaves when it sees the judge
    'dodges-judge': {
      'exercises/01-sum/sum.ts': sumWithMean(
        'return 0;',
        `import { expect } from 'vitest';
const pass = () => ({ pass: true, message: () => '' });
expect.extend({ toBe: pass, toBeCloseTo: pass, toEqual: pass });
// the judge's runner is the only place the module is imported from a test, not a spec
if (!new Error().stack?.includes('.spec.ts')) process.exit(0);`,
      ),
    },
  };

  /** only where learner code is sandboxed: unsandboxed, these would reach the grader itself */
  const marker = path.join(tmp, 'VANDALISED');
  const late = path.join(out, 'late.txt');
  const sandboxOnly: Record<string, Record<string, string | null>> = iso.isolated
    ? {
        // solves the exercise only if it finds anything of the grader's
        snoops: {
          'exercises/01-sum/sum.ts': `import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
const found: string[] = [];
const look = (what: string, test: () => unknown) => { try { if (test()) found.push(what); } catch {} };
const environ = (pid: string) => readFileSync(\`/proc/\${pid}/environ\`, 'latin1');
look('a secret in the environment', () => JSON.stringify(process.env).includes('hunter2'));
look('the results channel', () => process.env.KATA_GRADE_CHANNEL && existsSync(process.env.KATA_GRADE_CHANNEL));
look('another process environment', () =>
  readdirSync('/proc').some((p) => /^\\d+$/.test(p) && /hunter2|KATA_GRADE_CHANNEL/.test(environ(p))));
look('the parent', () => process.ppid > 1 && existsSync(\`/proc/\${process.ppid}/fd\`));
look("the grader's solutions", () => existsSync(${JSON.stringify(path.join(kata, 'solutions'))}));
look("the grader's checkout", () => existsSync(${JSON.stringify(path.join(kata, 'grading'))}));
look('the report folder', () => existsSync(${JSON.stringify(tmp)}));
look("the runner's folder", () => readdirSync('/grader').length > 0);
look('a network', () => Object.keys(networkInterfaces()).some((name) => name !== 'lo'));
export function sum(xs: readonly number[]): number {
  if (!found.length) throw new Error('TODO(01-sum): implement sum');
  return xs.reduce((a, b) => a + b, 0);
}
export function mean(xs: readonly number[]): number {
  if (!found.length) throw new Error('TODO(01-sum): implement mean');
  return sum(xs) / xs.length;
}
`,
        },
        // writes into the grader's node_modules, the kata, its own tree and /tmp, for later runs
        vandal: {
          'exercises/01-sum/sum.ts': `import { writeFileSync } from 'node:fs';
const tryWrite = (f: string, text: string) => { try { writeFileSync(f, text); } catch {} };
tryWrite(new URL('../../node_modules/.kata-vandal', import.meta.url).pathname, 'x');
tryWrite(new URL('../../lib/reference.ts', import.meta.url).pathname, 'export const referenceSum = () => 0;\\n');
tryWrite(new URL('../02-scale/scale.ts', import.meta.url).pathname, 'export const scale = () => [];\\n');
tryWrite(${JSON.stringify(marker)}, 'x');
tryWrite('/tmp/kata-vandal-was-here', 'x');
${SOLUTION.sum}`,
          ...solved02,
        },
        // a daemon that outlives its run and rewrites the reports after the grader is done
        daemon: {
          'exercises/01-sum/sum.ts': `import { spawn } from 'node:child_process';
spawn(process.execPath, ['-e', ${JSON.stringify(`setTimeout(() => require('fs').writeFileSync(${JSON.stringify(late)}, 'x'), 1500)`)}], {
  detached: true,
  stdio: 'ignore',
}).unref();
${SOLUTION.sum}`,
        },
        // kills every process it can see, its own run's included
        'kills-everything': {
          'exercises/01-sum/sum.ts': `for (let pid = 1; pid < 32768; pid++) { if (pid !== process.pid) { try { process.kill(pid, 'SIGKILL'); } catch {} } }
${SOLUTION.sum}`,
        },
      }
    : {};

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

describe('npm run grade on the real kata (exercise 01, TensorFlow.js oracle)', () => {
  const subs = path.join(tmp, 'real-subs');
  const out = path.join(tmp, 'real-reports');
  const manifest = readManifest(ROOT);
  let result: { status: number | null; stdout: string; stderr: string };
  let seconds = 0;
  const reports = new Map<string, GradeReport>();

  const learner = (name: string, edit: (dir: string) => void) => {
    const dir = path.join(subs, name);
    for (const f of Object.keys(manifest.files).filter((f) => f !== 'package.json')) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      cpSync(path.join(ROOT, f), path.join(dir, f));
    }
    cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    writeKataStubs(ROOT, dir); // not a learner's work in ROOT's exercises/
    edit(dir);
  };

  scenario('real', async () => {
    const spec = 'exercises/01-tensors/tensors.spec.ts';
    const stub = 'exercises/01-tensors/tensors.ts';
    learner('stubs', () => {});
    learner('solutions', (dir) => cpSync(path.join(ROOT, 'solutions/01-tensors/tensors.ts'), path.join(dir, stub)));
    learner('cheats', (dir) => {
      // weakens the spec: every test body starts with a passing assertion and returns …
      const weakened = readFileSync(path.join(dir, spec), 'utf8').replace(
        /(\bit\((['"`]).*?\2,\s*(?:async\s*)?\(\)\s*=>\s*\{)/g,
        '$1 expect(true).toBe(true); return;',
      );
      writeFileSync(path.join(dir, spec), weakened);
      // … and answers rank's fixed examples from a table, and nothing else
      const text = readFileSync(path.join(dir, stub), 'utf8').replace(
        /export function rank\(([^)]*)\)[^{]*\{/,
        (m) =>
          `const KNOWN = new Map<string, number>([['12', 0], ['[12,3,6,14,7]', 1], ['[[5,78,2,34,0],[6,79,3,35,1],[7,80,4,36,2]]', 2], ['[]', 1], ['[[]]', 2], ['[1,2,3,4,5]', 1]]);\n${m}\n  const k = KNOWN.get(JSON.stringify(x)); if (k !== undefined || JSON.stringify(x).startsWith('[[[5,78')) return k ?? 3;`,
      );
      writeFileSync(path.join(dir, stub), text);
    });
    const started = Date.now();
    result = await runAsync(
      [
        '--import',
        './scripts/register.mjs',
        'scripts/grade.ts',
        '--batch',
        subs,
        '--out',
        out,
        '--exercises',
        '01',
        '--jobs',
        '2',
      ],
      { ...process.env, GITHUB_STEP_SUMMARY: '', GITHUB_OUTPUT: '' },
    );
    seconds = (Date.now() - started) / 1000;
    for (const name of ['stubs', 'solutions', 'cheats']) {
      const file = path.join(out, 'learners', name, 'grade.json');
      if (existsSync(file)) reports.set(name, JSON.parse(readFileSync(file, 'utf8')) as GradeReport);
    }
  });

  it('exits 0 with every report written', () => {
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const f of ['grades.csv', 'summary.md']) expect(existsSync(path.join(out, f))).toBe(true);
    expect([...reports.keys()].sort()).toEqual(['cheats', 'solutions', 'stubs']);
    console.log(`real kata: 3 learners × exercise 01 graded through the CLI in ${seconds.toFixed(1)} s`);
  });

  it('stubs score 0, solutions 10 (flagged as a copy of the reference), the oracle is named, all sandboxed', () => {
    const stubs = reports.get('stubs') as GradeReport;
    const tests = ex(stubs, '01-tensors').tests;
    expect(tests.length).toBe(manifest.exercises[0]?.specs[0]?.tests.length);
    expect(tests.every((t) => t.status === 'failed')).toBe(true);
    expect(stubs.score.points).toBe(0);
    const solutions = reports.get('solutions') as GradeReport;
    expect(solutions.score).toMatchObject({ points: 10, possible: 10 });
    expect(ex(solutions, '01-tensors').judge).toMatchObject({ verdict: 'agrees' });
    expect(ex(solutions, '01-tensors').copied).toBe(1);
    expect(ex(stubs, '01-tensors').copied).toBeNull();
    expect(stubs.oracle.backend).toMatch(/^(node|wasm|cpu)$/);
    expect(stubs.isolation.isolated).toBe(iso.isolated);
    expect(stubs.kata.version).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it("a spec weakened to expect(true).toBe(true) is reported, and the kata's spec is graded instead", () => {
    const r = reports.get('cheats') as GradeReport;
    expect(r.integrity.modified).toEqual(['exercises/01-tensors/tensors.spec.ts']);
    expect(readFileSync(path.join(subs, 'cheats', 'exercises/01-tensors/tensors.spec.ts'), 'utf8')).toMatch(
      /expect\(true\)\.toBe\(true\); return;/,
    );
    for (const f of ['summary.md', 'junit.xml']) {
      expect(readFileSync(path.join(out, 'learners', 'cheats', f), 'utf8')).toContain(
        'exercises/01-tensors/tensors.spec.ts',
      );
    }
    expect(readFileSync(path.join(out, 'grades.csv'), 'utf8')).toMatch(
      /^cheats,.*,modified: exercises\/01-tensors\/tensors\.spec\.ts,/m,
    );
  });

  it('--require-sandbox stops before grading anyone when there is no sandbox, saying why', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', './scripts/register.mjs', 'scripts/grade.ts', '--require-sandbox', '--out', path.join(tmp, 'never')],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, KATA_GRADE_SANDBOX: '0' } },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/--require-sandbox: learner code cannot be sandboxed here: KATA_GRADE_SANDBOX=0/);
    expect(existsSync(path.join(tmp, 'never'))).toBe(false);
  }, 120_000);

  it('hard-coded answers of the fixed examples fail the randomized checks, and the judge takes the rest', () => {
    const tests = ex(reports.get('cheats') as GradeReport, '01-tensors').tests;
    const rank = tests.filter((t) => t.name.startsWith('step 1: rank'));
    // the fixed examples pass, the random check against TensorFlow.js fails, and the judge,
    // on inputs from a secret seed, finds rank wrong: the two passes earn nothing
    expect(rank.map((t) => t.status)).toEqual(['unconfirmed', 'unconfirmed', 'failed']);
    expect(rank[2]?.name).toMatch(/random/);
    expect(ex(reports.get('cheats') as GradeReport, '01-tensors').judge?.verdict).toBe('partial');
    expect(reports.get('cheats')?.score.points).toBe(0);
  });
});
