/** The grader's pure parts: points, report formats, hashing, messages, the commit of a checkout. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../lib/exercises.ts';
import type { GradeReport } from '../../scripts/grade/grade.ts';
import { allocatePoints, parsePointsFile, readExerciseMeta } from '../../scripts/grade/meta.ts';
import { classroomPayload, headline, toCsv, toJunit, toMarkdown } from '../../scripts/grade/reports.ts';
import { reviewFlags } from '../../scripts/grade/results.ts';
import { canonicalJson, headCommit, normalised, sha256, trimMessage } from '../../scripts/grade/util.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'kata-grade-units-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('points', () => {
  it('splits an exercise’s weight equally over its tests', () => {
    expect(allocatePoints('01', 10, ['a', 'b', 'c', 'd']).points).toEqual([2.5, 2.5, 2.5, 2.5]);
  });

  it('keeps per-test points and shares the rest; all priced means the weight is their sum', () => {
    const tests = new Map([['a', 4]]);
    expect(allocatePoints('01', 10, ['a', 'b', 'c'], { tests })).toEqual({ weight: 10, points: [4, 3, 3] });
    expect(allocatePoints('01', 10, ['a'], { tests })).toEqual({ weight: 4, points: [4] });
    expect(allocatePoints('01', 10, ['a', 'b'], { weight: 20, tests: new Map() })).toEqual({
      weight: 20,
      points: [10, 10],
    });
  });

  it('names the tests when points.json prices one that does not exist, or more than the weight', () => {
    expect(() => allocatePoints('01-x', 10, ['a > b'], { tests: new Map([['a > c', 1]]) })).toThrow(
      /points for 01-x: no test named "a > c". Its tests are:\n {2}a > b/,
    );
    expect(() => allocatePoints('01-x', 3, ['a', 'b'], { tests: new Map([['a', 5]]) })).toThrow(
      /add up to 5, more than its weight 3/,
    );
  });

  it('reads points.json with exercise keys as npm start takes them, and rejects bad values', () => {
    const file = parsePointsFile('{"exercises": {"1": {"weight": 5, "tests": {"a > b": 2}}}}', 'points.json', ROOT);
    expect(file.get('01-tensors')).toEqual({ weight: 5, tests: new Map([['a > b', 2]]) });
    expect(() => parsePointsFile('{"exercises": {"1": 20, "tensors": 5}}', 'p.json', ROOT)).toThrow(
      /01-tensors is listed twice/,
    );
    expect(() => parsePointsFile('{"exercises": {"01": -1}}', 'p.json', ROOT)).toThrow(
      /p.json: "01" must be a number of points ≥ 0/,
    );
    expect(() => parsePointsFile('{"exercises": {"99": 1}}', 'p.json', ROOT)).toThrow(/p.json: no exercise "99"/);
    expect(() => parsePointsFile('[]', 'p.json', ROOT)).toThrow(/must look like/);
  });

  it('meta.json: weight 10 when absent, a clear error when wrong', () => {
    expect(readExerciseMeta(path.join(tmp, 'none'))).toEqual({ weight: 10 });
    mkdirSync(path.join(tmp, '07-x'));
    writeFileSync(path.join(tmp, '07-x', 'meta.json'), '{"weight": 4, "timeout": 300}');
    expect(readExerciseMeta(path.join(tmp, '07-x'))).toEqual({ weight: 4, timeout: 300 });
    writeFileSync(path.join(tmp, '07-x', 'meta.json'), '{"weight": "ten"}');
    expect(() => readExerciseMeta(path.join(tmp, '07-x'))).toThrow(
      /07-x\/meta.json: "weight" must be a number of points/,
    );
  });
});

describe('hashing and messages', () => {
  it('hashes CRLF text like LF text, and binary data as it is', () => {
    expect(sha256(normalised(Buffer.from('a\r\nb\r\n')))).toBe(sha256('a\nb\n'));
    const binary = Buffer.from([0, 13, 10, 1]);
    expect(normalised(binary)).toBe(binary);
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3] } })).toBe('{"a":{"c":[3],"d":2},"b":1}');
  });

  it('trims failure messages: no ANSI, no temp paths, no runner stack frames, bounded', () => {
    const root = path.join(tmp, 'tree');
    const raw = `\u001b[31mAssertionError\u001b[39m: expected 1 to be 2\n    at ${root}${path.sep}exercises/01-x/x.ts:3:9\n    at /work/node_modules/vitest/dist/x.js:1:1\n${'line\n'.repeat(30)}`;
    const m = trimMessage(raw, { roots: [root], maxLines: 5 });
    expect(m).toMatch(/^AssertionError: expected 1 to be 2\n {4}at exercises\/01-x\/x.ts:3:9\n/);
    expect(m).not.toContain('node_modules');
    expect(m).not.toContain('\u001b');
    expect(m).toMatch(/… \(\d+ more lines\)$/);
  });

  it('says what a fast-check failure was about, not "Property failed"', () => {
    expect(headline('Property failed after 1 tests\n{ seed: 42 }\nCounterexample: [0]\nGot error: TODO(01-x): f')).toBe(
      'TODO(01-x): f (Counterexample: [0])',
    );
    expect(headline('expected 1 to be 2\nmore')).toBe('expected 1 to be 2');
  });
});

describe('review flags', () => {
  it('points at learner code that imports the test runner, reaches into it, or starts processes', () => {
    const dir = path.join(tmp, 'sub', 'exercises', '01-x');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'x.ts'), "import { expect } from 'vitest';\nexpect.extend({});\n");
    writeFileSync(path.join(dir, 'y.ts'), "import { spawn } from 'node:child_process';\n");
    writeFileSync(path.join(dir, 'z.ts'), 'export const plain = 1;\n');
    writeFileSync(path.join(dir, 'x.spec.ts'), "import { it } from 'vitest';\n");
    expect(reviewFlags(path.join(tmp, 'sub'), '01-x')).toEqual([
      'exercises/01-x/x.ts imports the test runner: review it',
      "exercises/01-x/x.ts reaches into the test runner's internals: review it",
      'exercises/01-x/y.ts starts processes or threads: review it',
    ]);
  });
});

describe('the commit of a checkout', () => {
  it('reads HEAD through a branch, a packed ref, or a detached HEAD; null outside git', () => {
    const repo = path.join(tmp, 'repo');
    const sha = 'a'.repeat(40);
    mkdirSync(path.join(repo, '.git', 'refs', 'heads'), { recursive: true });
    writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(path.join(repo, '.git', 'refs', 'heads', 'main'), `${sha}\n`);
    expect(headCommit(repo)).toBe(sha);
    rmSync(path.join(repo, '.git', 'refs', 'heads', 'main'));
    writeFileSync(path.join(repo, '.git', 'packed-refs'), `# pack-refs\n${'b'.repeat(40)} refs/heads/main\n`);
    expect(headCommit(repo)).toBe('b'.repeat(40));
    writeFileSync(path.join(repo, '.git', 'HEAD'), `${'c'.repeat(40)}\n`);
    expect(headCommit(repo)).toBe('c'.repeat(40));
    expect(headCommit(path.join(tmp, 'none'))).toBeNull();
  });
});

describe('report formats', () => {
  const report = {
    schema: 'gradient-katas/grade@1',
    learner: '=cmd|evil',
    commit: null,
    kata: { name: 'gradient-katas', version: '0.1.0' },
    manifest: { version: '0.1.0', sha256: 'f'.repeat(64) },
    oracle: { backend: 'wasm', tfjs: '4.22.0' },
    settings: {
      seed: 42,
      testTimeoutS: 20,
      maxMemoryMb: 2048,
      points: null,
      hidden: true,
      exercises: ['01-x'],
      threshold: null,
    },
    integrity: { ok: false, modified: ['exercises/01-x/x.spec.ts'], deleted: [] },
    score: { points: 1.5, possible: 3, percent: 50, passed: null },
    exercises: [
      {
        name: '01-x',
        title: 'X & <Y>',
        weight: 3,
        points: 1.5,
        possible: 3,
        passed: 1,
        total: 2,
        durationMs: 1234,
        run: { status: 'completed', message: null, exitCode: 1, signal: null, durationMs: 1234 },
        hiddenRun: { status: 'timeout', message: 'timeout', exitCode: null, signal: 'SIGKILL', durationMs: 1 },
        tests: [
          {
            name: 'a > "b" & c',
            file: 'exercises/01-x/x.spec.ts',
            hidden: false,
            status: 'passed',
            points: 1.5,
            possible: 1.5,
            durationMs: 3,
            message: null,
          },
          {
            name: 'hidden test 1',
            file: 'hidden',
            hidden: true,
            status: 'timeout',
            points: 0,
            possible: 1.5,
            durationMs: null,
            message: null,
          },
        ],
        warnings: [],
      },
    ],
    warnings: [],
    gradedAt: '2025-01-01T00:00:00.000Z',
  } as GradeReport;

  it('CSV: stable columns, RFC 4180 quoting, no formulas', () => {
    expect(toCsv([report], ['01-x', '02-y'])).toBe(
      'learner,commit,total,max,01-x,02-y,integrity,notes\r\n' +
        "'=cmd|evil,,1.5,3,1.5,,modified: exercises/01-x/x.spec.ts,01-x hidden specs timeout\r\n",
    );
  });

  it('JUnit: escaped, an integrity failure naming the file, hidden tests without details', () => {
    const xml = toJunit(report);
    expect(xml).toContain('name="a &gt; &quot;b&quot; &amp; c"');
    expect(xml).toMatch(
      /<testcase classname="integrity" name="exercises\/01-x\/x.spec.ts" time="0"><failure type="tamper"/,
    );
    expect(xml).toMatch(/name="hidden test 1"[\s\S]*?<error type="timeout" message="hidden test timeout">/);
  });

  it('Markdown and the Classroom payload carry the score and the tamper', () => {
    expect(toMarkdown(report)).toMatch(
      /\*\*1\.5 \/ 3 points\*\* \(50 %\)[\s\S]*modified: `exercises\/01-x\/x.spec.ts`/,
    );
    const payload = classroomPayload(report);
    expect(payload).toMatchObject({ version: 1, status: 'fail', max_score: 3 });
    expect(payload.tests.map((t) => [t.name, t.score])).toEqual([
      ['integrity', 0],
      ['01-x · X & <Y>', 1.5],
    ]);
  });
});
