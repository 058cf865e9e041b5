/**
 * `npm run grade` on fixture submissions, each built here in a temp folder:
 *   - the mini kata (tests/grade/mini-kata.ts, no TensorFlow.js): stubs, solutions, an infinite
 *     loop, a never-settling promise, process.exit at import, a throw at import, memory
 *     exhaustion, a killed worker, a weakened spec and a deleted one, code that writes outside
 *     its folder; then hidden specs and an instructor's points.json
 *   - the real kata's exercise 01 (TensorFlow.js oracle), through the CLI in batch mode: stubs,
 *     solutions, a spec edited to expect(true).toBe(true), hard-coded answers of the fixed examples
 * Each learner gets the points it should and a complete report, in bounded time.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../lib/exercises.ts';
import { buildManifest } from '../../scripts/grade/build.ts';
import { type GradeReport, grade, type TestReport } from '../../scripts/grade/grade.ts';
import { hashOf, readManifest } from '../../scripts/grade/manifest.ts';
import { writeReports } from '../../scripts/grade/reports.ts';
import { makeMiniKata, makeSubmission, SOLUTION, sumWithMean } from './mini-kata.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'kata-grade-test-'));
const kata = path.join(tmp, 'mini');
beforeAll(async () => {
  makeMiniKata(kata);
  await buildManifest(kata);
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true, maxRetries: 3 }));

const statuses = (r: GradeReport, exercise: string) =>
  r.exercises.find((e) => e.name === exercise)?.tests.map((t) => t.status) ?? [];
const ex = (r: GradeReport, exercise: string) =>
  r.exercises.find((e) => e.name === exercise) as GradeReport['exercises'][0];

describe('grading the mini kata', () => {
  const subs = path.join(tmp, 'mini-subs');
  const out = path.join(tmp, 'mini-reports');
  const reports = new Map<string, GradeReport>();
  let seconds = 0;

  const solved02 = { 'exercises/02-scale/scale.ts': SOLUTION.scale };
  const learners: Record<string, Record<string, string | null>> = {
    stubs: {},
    solutions: { 'exercises/01-sum/sum.ts': SOLUTION.sum, ...solved02 },
    loops: { 'exercises/01-sum/sum.ts': sumWithMean('while (true) {}'), ...solved02 },
    'never-settles': {
      'exercises/01-sum/sum.ts': sumWithMean('return new Promise(() => {}) as unknown as number;'),
      ...solved02,
    },
    'exits-at-import': { 'exercises/01-sum/sum.ts': `process.exit(0);\n${SOLUTION.sum}`, ...solved02 },
    'throws-at-import': {
      'exercises/01-sum/sum.ts': `throw new Error('broken at import');\n${SOLUTION.sum}`,
      ...solved02,
    },
    'out-of-memory': {
      'exercises/01-sum/sum.ts': sumWithMean(
        'const hoard: number[][] = [];\n  for (;;) hoard.push(new Array(1e6).fill(xs.length));',
      ),
      ...solved02,
    },
    'kills-its-worker': {
      'exercises/01-sum/sum.ts': sumWithMean("process.kill(process.pid, 'SIGKILL');\n  return 0;"),
      ...solved02,
    },
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
    // solves the exercise only if it can find the grader's results channel (it must not)
    snoops: {
      'exercises/01-sum/sum.ts': `import { existsSync, readFileSync } from 'node:fs';
const places = [process.env.KATA_GRADE_CHANNEL];
try {
  places.push(/KATA_GRADE_CHANNEL=([^\\0]*)/.exec(readFileSync(\`/proc/\${process.ppid}/environ\`, 'latin1'))?.[1]);
} catch {}
const found = places.some((p) => p && existsSync(p));
export function sum(xs: readonly number[]): number {
  if (!found) throw new Error('TODO(01-sum): implement sum');
  return xs.reduce((a, b) => a + b, 0);
}
export function mean(xs: readonly number[]): number {
  if (!found) throw new Error('TODO(01-sum): implement mean');
  return sum(xs) / xs.length;
}
`,
    },
    // at import, overwrites the reference the spec uses and its own exercise 02 (outside its folder)
    vandal: {
      'exercises/01-sum/sum.ts': `import { writeFileSync } from 'node:fs';
writeFileSync(new URL('../../lib/reference.ts', import.meta.url), 'export const referenceSum = () => 0;\\n');
writeFileSync(new URL('../02-scale/scale.ts', import.meta.url), 'export const scale = () => [];\\n');
${SOLUTION.sum}`,
      ...solved02,
    },
  };

  /** graded on exercise 01 only, to keep this file fast: what they do happens in 01 */
  const only01 = ['never-settles', 'kills-its-worker', 'snoops', 'vandal'];

  beforeAll(async () => {
    for (const [name, code] of Object.entries(learners)) makeSubmission(kata, path.join(subs, name), code);
    const submissions = (names: string[]) =>
      names.sort().map((learner) => ({ learner, root: path.join(subs, learner) }));
    const started = Date.now();
    const options = { graderRoot: kata, maxMemoryMb: 384, seed: 42 };
    const [both, one] = await Promise.all([
      grade({
        ...options,
        submissions: submissions(Object.keys(learners).filter((l) => !only01.includes(l))),
        jobs: 2,
      }),
      grade({ ...options, submissions: submissions([...only01]), jobs: 1, only: ['01'] }),
    ]);
    seconds = (Date.now() - started) / 1000;
    writeReports(out, both, true, {});
    for (const r of [...both, ...one]) reports.set(r.learner, r);
  }, 240_000);

  it('lists every exercise and every test for every learner, whatever happened', () => {
    const slowest = Math.max(
      ...[...reports.values()].flatMap((r) =>
        r.exercises.filter((e) => e.run.status === 'completed').map((e) => e.run.durationMs),
      ),
    );
    console.log(
      `mini kata: ${reports.size} learners graded in ${seconds.toFixed(1)} s (slowest normal run ${(slowest / 1000).toFixed(1)} s)`,
    );
    expect([...reports.keys()].sort()).toEqual(Object.keys(learners).sort());
    for (const r of reports.values()) {
      const all = !only01.includes(r.learner);
      expect(r.exercises.map((e) => [e.name, e.tests.length, e.possible])).toEqual([
        ['01-sum', 5, 10],
        ...(all ? [['02-scale', 2, 5]] : []),
      ]);
      expect(r.score.possible).toBe(all ? 15 : 10);
      expect(r.oracle.backend).toBe('reference');
    }
  });

  it('stubs score 0 and solutions full points (weights from meta.json: 01 is 10 by default, 02 is 5)', () => {
    const stubs = reports.get('stubs') as GradeReport;
    expect(stubs.score).toMatchObject({ points: 0, possible: 15, percent: 0 });
    expect(new Set([...statuses(stubs, '01-sum'), ...statuses(stubs, '02-scale')])).toEqual(new Set(['failed']));
    expect(ex(stubs, '01-sum').tests[0]?.message).toMatch(/TODO\(01-sum\): implement sum/);
    expect(reports.get('solutions')?.score).toMatchObject({ points: 15, possible: 15, percent: 100 });
    expect(ex(reports.get('solutions') as GradeReport, '02-scale').tests.map((t) => t.points)).toEqual([2.5, 2.5]);
  });

  it('an infinite loop costs its exercise the tests from the loop on; earlier results and other exercises keep their points', () => {
    const r = reports.get('loops') as GradeReport;
    expect(ex(r, '01-sum').run).toMatchObject({ status: 'timeout', message: 'stopped after its time limit of 15 s' });
    expect(statuses(r, '01-sum')).toEqual(['passed', 'passed', 'passed', 'timeout', 'not-run']);
    expect(ex(r, '01-sum').tests[3]?.message).toMatch(/still running when the exercise stopped after its time limit/);
    expect(ex(r, '02-scale').run.status).toBe('completed');
    expect(r.score.points).toBe(11);
  });

  it('a test that never settles hits the per-test time limit and the run goes on', () => {
    const r = reports.get('never-settles') as GradeReport;
    expect(ex(r, '01-sum').run.status).toBe('completed');
    expect(statuses(r, '01-sum')).toEqual(['passed', 'passed', 'passed', 'timeout', 'failed']);
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
      expect(statuses(r, '01-sum')).toEqual(['error', 'error', 'error', 'error', 'error']);
      expect(ex(r, '01-sum').tests[0]?.message).toMatch(/the spec could not load the exercise/);
      expect(r.score.points, learner).toBe(5);
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
    expect(oom.score.points).toBe(11);
    const killed = reports.get('kills-its-worker') as GradeReport;
    expect(ex(killed, '01-sum').run.status).toBe('crashed');
    expect(statuses(killed, '01-sum')).toEqual(['passed', 'passed', 'passed', 'error', 'not-run']);
    expect(killed.score.points).toBe(6);
  });

  it('a weakened or deleted spec is reported by name, and the pristine spec is graded', () => {
    const r = reports.get('tampers') as GradeReport;
    expect(r.integrity).toEqual({
      ok: false,
      modified: ['exercises/01-sum/sum.spec.ts'],
      deleted: ['exercises/02-scale/scale.spec.ts'],
    });
    expect(statuses(r, '01-sum')).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    expect(r.score.points).toBe(5);
    const csv = readFileSync(path.join(out, 'grades.csv'), 'utf8');
    expect(csv).toMatch(
      /^tampers,,5,15,0,5,modified: exercises\/01-sum\/sum\.spec\.ts; deleted: exercises\/02-scale\/scale\.spec\.ts,/m,
    );
    expect(readFileSync(path.join(out, 'tampers', 'junit.xml'), 'utf8')).toMatch(
      /<testcase classname="integrity" name="exercises\/01-sum\/sum\.spec\.ts".*was modified/,
    );
    expect(readFileSync(path.join(out, 'tampers', 'summary.md'), 'utf8')).toMatch(
      /modified: `exercises\/01-sum\/sum\.spec\.ts`/,
    );
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(
      /\| \[tampers\]\(tampers\/summary\.md\) .*modified: exercises\/01-sum\/sum\.spec\.ts/,
    );
  });

  it('learner code cannot find where the grader reads results from (environment, /proc)', () => {
    const r = reports.get('snoops') as GradeReport;
    expect(ex(r, '01-sum').run.status).toBe('completed');
    expect(r.score.points).toBe(0);
  });

  it('code that writes outside its folder changes only its own throwaway copy', () => {
    const r = reports.get('vandal') as GradeReport;
    expect(r.score.points).toBe(10);
    const manifest = readManifest(kata);
    expect(hashOf(path.join(kata, manifest.pristine), 'lib/reference.ts')).toBe(manifest.files['lib/reference.ts']);
    expect(readFileSync(path.join(subs, 'vandal', 'exercises', '02-scale', 'scale.ts'), 'utf8')).toBe(SOLUTION.scale);
    expect(readFileSync(path.join(subs, 'vandal', 'lib', 'reference.ts'), 'utf8')).toMatch(/for \(const x of xs\)/);
  });

  it('writes one CSV row per learner with stable columns, and every report file', () => {
    const rows = readFileSync(path.join(out, 'grades.csv'), 'utf8').trim().split('\r\n');
    expect(rows[0]).toBe('learner,commit,total,max,01-sum,02-scale,integrity,notes');
    expect(rows.slice(1).map((row) => row.split(',').slice(0, 6).join(','))).toEqual([
      'exits-at-import,,5,15,0,5',
      'loops,,11,15,6,5',
      'out-of-memory,,11,15,6,5',
      'solutions,,15,15,10,5',
      'stubs,,0,15,0,0',
      'tampers,,5,15,0,5',
      'throws-at-import,,5,15,0,5',
    ]);
    for (const learner of [...reports.keys()].filter((l) => !only01.includes(l))) {
      for (const f of ['grade.json', 'junit.xml', 'summary.md'])
        expect(existsSync(path.join(out, learner, f))).toBe(true);
    }
  });
});

describe('hidden specs and an instructor points.json', () => {
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

  beforeAll(async () => {
    mkdirSync(path.join(hidden, '01-sum'), { recursive: true });
    writeFileSync(path.join(hidden, '01-sum', 'extra.spec.ts'), HIDDEN_SOURCE);
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
    });
    writeReports(path.join(tmp, 'h-reports'), reports, true, {});
  }, 120_000);

  it('counts hidden tests with the public ones and prices them by points.json', () => {
    const [solved, half] = reports as [GradeReport, GradeReport];
    const tests = ex(solved, '01-sum').tests;
    expect(tests.map((t) => [t.hidden, t.possible])).toEqual([
      [false, 8],
      [false, 2],
      [false, 2],
      [false, 2],
      [false, 2],
      [true, 2],
      [true, 2],
    ]);
    expect(solved.score).toMatchObject({ points: 20, possible: 20 });
    expect(solved.exercises.map((e) => e.name)).toEqual(['01-sum']);
    // sum right (8 + 2 + 2, hidden sum 2), mean wrong
    expect(half.score.points).toBe(14);
    expect(
      ex(half, '01-sum')
        .tests.filter((t: TestReport) => t.hidden)
        .map((t) => [t.name, t.status]),
    ).toEqual([
      ['hidden test 1', 'passed'],
      ['hidden test 2', 'failed'],
    ]);
  });

  it('never shows a hidden test’s name, source or failure in any report', () => {
    for (const learner of ['solved', 'half']) {
      for (const f of ['grade.json', 'junit.xml', 'summary.md']) {
        const text = readFileSync(path.join(tmp, 'h-reports', learner, f), 'utf8');
        expect(text, `${learner}/${f}`).not.toMatch(/SECRET|negatives|499500|extra\.spec/);
      }
      const hiddenTests = ex(reports.find((r) => r.learner === learner) as GradeReport, '01-sum').tests.filter(
        (t) => t.hidden,
      );
      expect(hiddenTests.every((t) => t.message === null && t.file === 'hidden')).toBe(true);
    }
  });
});

describe('npm run grade on the real kata (exercise 01, TensorFlow.js oracle)', () => {
  const subs = path.join(tmp, 'real-subs');
  const out = path.join(tmp, 'real-reports');
  const manifest = readManifest(ROOT);
  let result: ReturnType<typeof spawnSync>;
  let seconds = 0;
  const reports = new Map<string, GradeReport>();

  const learner = (name: string, edit: (dir: string) => void) => {
    const dir = path.join(subs, name);
    for (const f of Object.keys(manifest.files).filter((f) => f !== 'package.json')) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      cpSync(path.join(ROOT, manifest.pristine, f), path.join(dir, f));
    }
    cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    for (const e of manifest.exercises) cpSync(path.join(ROOT, e.stub), path.join(dir, e.stub));
    edit(dir);
  };

  beforeAll(() => {
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
    result = spawnSync(
      process.execPath,
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
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 240_000,
        env: { ...process.env, GITHUB_STEP_SUMMARY: '', GITHUB_OUTPUT: '' },
      },
    );
    seconds = (Date.now() - started) / 1000;
    for (const name of ['stubs', 'solutions', 'cheats']) {
      const file = path.join(out, name, 'grade.json');
      if (existsSync(file)) reports.set(name, JSON.parse(readFileSync(file, 'utf8')) as GradeReport);
    }
  }, 300_000);

  it('exits 0 with every report written', () => {
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const f of ['grades.csv', 'summary.md']) expect(existsSync(path.join(out, f))).toBe(true);
    expect([...reports.keys()].sort()).toEqual(['cheats', 'solutions', 'stubs']);
    console.log(`real kata: 3 learners × exercise 01 graded through the CLI in ${seconds.toFixed(1)} s`);
  });

  it('stubs score 0, solutions 10, and the oracle is named', () => {
    const stubs = reports.get('stubs') as GradeReport;
    const tests = ex(stubs, '01-tensors').tests;
    expect(tests.length).toBe(manifest.exercises[0]?.specs[0]?.tests.length);
    expect(tests.every((t) => t.status === 'failed')).toBe(true);
    expect(stubs.score.points).toBe(0);
    expect(reports.get('solutions')?.score).toMatchObject({ points: 10, possible: 10 });
    expect(stubs.oracle.backend).toMatch(/^(node|wasm|cpu)$/);
    expect(stubs.kata.version).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('a spec weakened to expect(true).toBe(true) is reported, and the pristine spec is graded instead', () => {
    const r = reports.get('cheats') as GradeReport;
    expect(r.integrity.modified).toEqual(['exercises/01-tensors/tensors.spec.ts']);
    expect(readFileSync(path.join(subs, 'cheats', 'exercises/01-tensors/tensors.spec.ts'), 'utf8')).toMatch(
      /expect\(true\)\.toBe\(true\); return;/,
    );
    for (const f of ['summary.md', 'junit.xml']) {
      expect(readFileSync(path.join(out, 'cheats', f), 'utf8')).toContain('exercises/01-tensors/tensors.spec.ts');
    }
    expect(readFileSync(path.join(out, 'grades.csv'), 'utf8')).toMatch(
      /^cheats,.*,modified: exercises\/01-tensors\/tensors\.spec\.ts,/m,
    );
  });

  it('hard-coded answers of the fixed examples fail the randomized checks against TensorFlow.js', () => {
    const tests = ex(reports.get('cheats') as GradeReport, '01-tensors').tests;
    const rank = tests.filter((t) => t.name.startsWith('step 1: rank'));
    expect(rank.map((t) => t.status)).toEqual(['passed', 'passed', 'failed']);
    expect(rank[2]?.name).toMatch(/random/);
    expect(tests.filter((t) => t.status === 'passed').length).toBe(2);
    expect(reports.get('cheats')?.score.points).toBe(Math.round((2 * 1000) / tests.length) / 100);
  });
});
