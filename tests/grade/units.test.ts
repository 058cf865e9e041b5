/**
 * The grader's pure parts: points, hashing, messages, the commit of a checkout
 * read as untrusted data, hostile file reads, safe report folders, the results channel's
 * rules, and the measure of copies.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { similarity } from '../../scripts/grade/copies.ts';
import { gitBlobId } from '../../scripts/grade/manifest-file.ts';
import { allocatePoints, parsePointsFile, readExerciseMeta } from '../../scripts/grade/meta.ts';
import { headline } from '../../scripts/grade/reports.ts';
import { reviewFlags } from '../../scripts/grade/review-flags.ts';
import { parseChannel } from '../../scripts/grade/run-result.ts';
import { Refused, readRegular, walkRegular } from '../../scripts/grade/safe-fs.ts';
import { explainFailure } from '../../scripts/grade/sandbox.ts';
import {
  canonicalJson,
  headCommit,
  normalised,
  safeName,
  safeNames,
  sha256,
  trimMessage,
} from '../../scripts/grade/util.ts';
import { listExercises, ROOT } from '../../scripts/lib/exercises.ts';
import { tempFolder } from '../helpers/temp-folder.ts';

const tmp = tempFolder('kata-grade-units-');

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

  it("names a blob as git does (git hash-object), so a checkout's history can give back the kata's copy", () => {
    const file = path.join(tmp, 'blob.txt');
    writeFileSync(file, 'some spec\n');
    expect(gitBlobId(readFileSync(file))).toBe(execFileSync('git', ['hash-object', file], { encoding: 'utf8' }).trim());
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
      'exercises/01-x/x.ts imports the test runner or the property checker: review it',
      "exercises/01-x/x.ts reaches into the test runner's internals: review it",
      'exercises/01-x/y.ts starts processes or threads: review it',
    ]);
  });

  it('sees imports built at run time, require and createRequire, not only literal names', () => {
    const dir = path.join(tmp, 'sub2', 'exercises', '01-x');
    mkdirSync(dir, { recursive: true });
    const load = 'loads modules at run time (import() of a computed name, require, createRequire): review it';
    const cases: [string, string | null][] = [
      ["const m = await import('vi' + 'test');", load],
      ['const name = "vitest"; await import(name);', load],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the learner code under test
      ['await import(`${"vi"}test`);', load],
      ["import { createRequire } from 'node:module'; createRequire(import.meta.url)('x');", load],
      ["const r = require('fs');", load],
      ["const f = new Function('return this')();", 'runs code built from strings'],
      ["await import('./helper.ts');", null],
    ];
    for (const [code, flag] of cases) {
      writeFileSync(path.join(dir, 'x.ts'), `${code}\n`);
      const flags = reviewFlags(path.join(tmp, 'sub2'), '01-x');
      if (flag === null) expect(flags, code).toEqual([]);
      else
        expect(
          flags.some((f) => f.includes(flag)),
          `${code}: ${flags.join('; ')}`,
        ).toBe(true);
    }
  });

  it('raises no flag on any reference solution or stub of the kata', () => {
    const asLearner = path.join(tmp, 'solutions-as-learner');
    cpSync(path.join(ROOT, 'solutions'), path.join(asLearner, 'exercises'), { recursive: true });
    for (const ex of listExercises(ROOT)) {
      expect(reviewFlags(ROOT, ex.name), `exercises/${ex.name}`).toEqual([]);
      expect(reviewFlags(asLearner, ex.name), `solutions/${ex.name}`).toEqual([]);
    }
  });
});

describe('hostile files', () => {
  it('reads regular files only: a link, a FIFO or an oversized file is refused, never followed or waited on', () => {
    const dir = path.join(tmp, 'hostile');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'ok.txt'), 'fine');
    symlinkSync('/etc/hostname', path.join(dir, 'link.txt'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.txt')]);
    writeFileSync(path.join(dir, 'big.txt'), Buffer.alloc(2048));
    expect(readRegular(path.join(dir, 'ok.txt'), 100)?.toString()).toBe('fine');
    expect(readRegular(path.join(dir, 'missing.txt'), 100)).toBeNull();
    expect(() => readRegular(path.join(dir, 'link.txt'), 100)).toThrow(Refused);
    expect(() => readRegular(path.join(dir, 'link.txt'), 100)).toThrow(/symbolic link/);
    expect(() => readRegular(path.join(dir, 'fifo.txt'), 100)).toThrow(/FIFO/);
    expect(() => readRegular(path.join(dir, 'big.txt'), 1024)).toThrow(/too large/);
    const walk = walkRegular(dir);
    expect(walk.files.map((f) => f.rel)).toEqual(['big.txt', 'ok.txt']);
    expect(walk.refused.map((r) => r.rel)).toEqual(['fifo.txt', 'link.txt']);
  });

  it('learner names become report folders that stay inside learners/ and never collide', () => {
    expect(safeName('../../etc')).toBe('etc');
    expect(safeName('summary.md')).toBe('summary.md');
    expect(safeName('.git')).toBe('git');
    expect(safeName('a/b\\c d')).toBe('a_b_c_d');
    expect(safeName('...')).toBe('learner');
    expect(safeName('x'.repeat(300))).toHaveLength(64);
    expect(safeNames(['Alice', 'alice', 'ALICE', 'bob'])).toEqual(['Alice', 'alice-2', 'ALICE-3', 'bob']);
  });
});

describe('the results channel', () => {
  const nonce = 'n'.repeat(32);
  const end = {
    code: 0,
    signal: null,
    timedOut: false,
    durationMs: 5,
    stderr: '',
    timeoutMs: 1000,
    memoryMb: 64,
    treeSeen: '/kata',
    leftovers: 0,
    listFile: null,
  };
  const channel = (lines: object[]) => {
    const file = path.join(tmp, `channel-${Math.random()}.jsonl`);
    writeFileSync(file, lines.map((l) => `${JSON.stringify({ nonce, ...l })}\n`).join(''));
    return file;
  };
  const collected = { type: 'collected', file: '/kata/exercises/01-x/x.spec.ts', tests: [{ id: 't1', name: 'a' }] };
  const result = (id: string, state: string) => ({
    type: 'result',
    file: '/kata/exercises/01-x/x.spec.ts',
    id,
    name: id,
    state,
    errors: [],
  });

  it('a clean run is completed, with its results', () => {
    const r = parseChannel(channel([collected, result('t1', 'passed'), { type: 'end', unhandled: [] }]), nonce, end);
    expect(r.status).toBe('completed');
    expect(r.collected.get('exercises/01-x/x.spec.ts')).toEqual([{ id: 't1', name: 'a' }]);
    expect(r.results.get('t1')?.state).toBe('passed');
  });

  it('is crashed, never completed, on a signal, foreign lines, a test reported twice differently, or uncollected tests', () => {
    const ok = [collected, result('t1', 'passed'), { type: 'end', unhandled: [] }];
    expect(parseChannel(channel(ok), nonce, { ...end, code: null, signal: 'SIGTERM' })).toMatchObject({
      status: 'crashed',
      message: expect.stringMatching(/ended by SIGTERM/),
    });
    const foreign = path.join(tmp, 'foreign.jsonl');
    writeFileSync(foreign, `${readFileSync(channel(ok), 'utf8')}${JSON.stringify({ nonce: 'x', type: 'end' })}\n`);
    expect(parseChannel(foreign, nonce, end)).toMatchObject({
      status: 'crashed',
      message: expect.stringMatching(/the grader's reporter did not write/),
    });
    expect(parseChannel(channel([collected, result('t1', 'failed'), ...ok.slice(1)]), nonce, end)).toMatchObject({
      status: 'crashed',
      message: expect.stringMatching(/reported twice with different results: t1/),
    });
    expect(parseChannel(channel([...ok, result('t9', 'passed')]), nonce, end)).toMatchObject({
      status: 'crashed',
      message: expect.stringMatching(/never collected: t9/),
    });
  });
});

describe('the sandbox', () => {
  it("explains Ubuntu's AppArmor restriction with its fix", () => {
    expect(explainFailure('bwrap: setting up uid map: Permission denied')).toMatch(
      /AppArmor.*sysctl -w kernel\.apparmor_restrict_unprivileged_userns=0/,
    );
    expect(
      explainFailure(
        'bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces',
      ),
    ).toMatch(/AppArmor/);
    expect(explainFailure("bwrap: Can't mount proc on /newroot/proc: Operation not permitted")).toMatch(
      /nested sandbox/,
    );
  });
});

describe('copies of the reference', () => {
  const reference = readFileSync(path.join(ROOT, 'solutions/03-matmul/matmul.ts'), 'utf8');

  it('a copy with names changed, comments gone and functions reordered still measures near 1', () => {
    const renamed = reference
      .replace(/\/\/.*$/gm, '')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\b(a|b|out|shape|i|j|k|m|n)\b/g, (v) => `${v}_renamed`);
    expect(similarity(renamed, reference)).toBeGreaterThan(0.95);
  });

  it('the stub, and the reference of another exercise, measure far below the threshold', () => {
    const stub = readFileSync(path.join(ROOT, 'exercises/03-matmul/matmul.ts'), 'utf8');
    expect(similarity(stub, reference)).toBeLessThan(0.1);
    const other = readFileSync(path.join(ROOT, 'solutions/04-geometry/geometry.ts'), 'utf8');
    expect(similarity(other, reference)).toBeLessThan(0.5);
  });
});

describe('the commit of a checkout', () => {
  it('reads .git as untrusted data: a ref that escapes, a FIFO, a link or a non-hex id gives null, never a hang', () => {
    const repo = path.join(tmp, 'hostile-repo');
    mkdirSync(path.join(repo, '.git', 'refs', 'heads'), { recursive: true });
    writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/../../../../etc/hostname\n');
    expect(headCommit(repo)).toBeNull();
    writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(path.join(repo, '.git', 'refs', 'heads', 'main'), 'not-a-commit; rm -rf /\n');
    expect(headCommit(repo)).toBeNull();
    rmSync(path.join(repo, '.git', 'refs', 'heads', 'main'));
    execFileSync('mkfifo', [path.join(repo, '.git', 'refs', 'heads', 'main')]);
    expect(headCommit(repo)).toBeNull();
    rmSync(path.join(repo, '.git', 'HEAD'));
    symlinkSync('/etc/hostname', path.join(repo, '.git', 'HEAD'));
    expect(headCommit(repo)).toBeNull();
  });

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
