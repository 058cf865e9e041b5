/**
 * npm run mutate without StrykerJS: its command line, the StrykerJS config it writes, and how it
 * reads a report — the counts, the score with equivalent mutants left out, the survivors, and the
 * entries of the equivalent-mutant list that no longer name a survivor. Reports are made here.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/exercises.ts';
import { type EquivalentEntry, formProblems, staleCode, textMatches } from '../../scripts/mutation/equivalent.ts';
import { DEFAULT_THRESHOLD, parseMutateArgs } from '../../scripts/mutation/options.ts';
import {
  exerciseLine,
  type ReportMutant,
  type StrykerReport,
  scoreExercise,
  scoreTable,
  survivorLine,
  textAt,
} from '../../scripts/mutation/report.ts';
import { nodeMajor, strykerConfig, strykerEnv } from '../../scripts/mutation/stryker.ts';
import { FAKE, tempDir, writeFakeExercises } from './fake-kata.ts';

const tmp = tempDir('kata-mutate-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
writeFakeExercises(tmp);
const [alpha, beta] = FAKE.map((e) => e.name) as [string, string];

describe('the command line', () => {
  it('no exercise named: all of them, threshold 90, StrykerJS choosing the concurrency', () => {
    const o = parseMutateArgs([], tmp);
    expect(o.exercises.map((e) => e.name)).toEqual([alpha, beta]);
    expect(o.threshold).toBe(DEFAULT_THRESHOLD);
    expect(DEFAULT_THRESHOLD).toBe(90);
    expect(o.concurrency).toBeUndefined();
    expect(o.incremental).toBe(false);
    expect(o.list).toBe(false);
  });

  it('exercises by number, slug or name, each once, in the kata order; the options', () => {
    const o = parseMutateArgs(
      ['2', 'alpha', '02-beta', '--concurrency', '2', '--incremental', '--threshold=85.5'],
      tmp,
    );
    expect(o.exercises.map((e) => e.name)).toEqual([alpha, beta]);
    expect(o.concurrency).toBe(2);
    expect(o.incremental).toBe(true);
    expect(o.threshold).toBe(85.5);
    expect(parseMutateArgs(['--help'], tmp).help).toBe(true);
    expect(parseMutateArgs(['--list', '2'], tmp)).toMatchObject({ list: true, exercises: [{ name: beta }] });
  });

  it('names what is wrong', () => {
    expect(() => parseMutateArgs(['07'], tmp)).toThrow(/no exercise "07": choose one of 01-alpha, 02-beta/);
    expect(() => parseMutateArgs(['--concurrency', '0'], tmp)).toThrow(
      '--concurrency must be a positive integer, got "0"',
    );
    expect(() => parseMutateArgs(['--concurrency', '1.5'], tmp)).toThrow('got "1.5"');
    expect(() => parseMutateArgs(['--threshold', '101'], tmp)).toThrow(
      '--threshold must be a percentage from 0 to 100, got "101"',
    );
    expect(() => parseMutateArgs(['--threshold', ''], tmp)).toThrow('got ""');
    expect(() => parseMutateArgs(['--threshold'], tmp)).toThrow('--threshold needs a value');
    expect(() => parseMutateArgs(['--fast'], tmp)).toThrow(
      'unknown option --fast (npm run mutate -- --help lists the options)',
    );
  });

  it('npm run mutate: a wrong exercise exits 2 with the choices; --list prints the names and exits 0', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', './scripts/register.mjs', 'scripts/mutate.ts', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
    const wrong = run('99');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/^npm run mutate: no exercise "99": choose one of 01-/);
    const list = run('--list', '1');
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.stringMatching(/^01-[a-z-]+$/)]);
  }, 60_000);
});

describe('the StrykerJS config of an exercise', () => {
  const ex = parseMutateArgs(['01'], tmp).exercises[0]!;

  it("mutates the exercise's solution files, runs its spec through the solutions project, per-test coverage", () => {
    const c = strykerConfig(ex, { incremental: false, threshold: 90 });
    expect(c.mutate).toEqual(['solutions/01-alpha/**/*.ts']);
    expect(c.testRunner).toBe('vitest');
    expect(c.vitest).toEqual({ configFile: 'scripts/mutation/vitest.config.ts', related: false });
    expect(c.coverageAnalysis).toBe('perTest');
    // a busy machine must not turn slow specs into timeouts, which count as killed
    expect(c.timeoutFactor).toBeGreaterThanOrEqual(3);
    expect(c).not.toHaveProperty('concurrency');
    // a plain run tests every mutant and still writes the file a later --incremental reads
    expect([c.incremental, c.force]).toEqual([true, true]);
    // StrykerJS copies the repository into its sandbox: never the reports, where other runs' sandboxes are
    expect(c.ignorePatterns).toContain('/reports');
    expect(strykerEnv(ex).KATA_MUTATE_SPEC).toBe('exercises/01-alpha/alpha.spec.ts');
  });

  it('writes its reports, incremental file and sandbox under reports/mutation/NN-slug/', () => {
    const c = strykerConfig(ex, { concurrency: 2, incremental: true, threshold: 80 });
    expect(c.concurrency).toBe(2);
    expect([c.incremental, c.force]).toEqual([true, false]);
    expect(c.incrementalFile).toBe('reports/mutation/01-alpha/incremental.json');
    expect(c.jsonReporter).toEqual({ fileName: 'reports/mutation/01-alpha/mutation.json' });
    expect(c.htmlReporter).toEqual({ fileName: 'reports/mutation/01-alpha/index.html' });
    expect(c.tempDirName).toBe('reports/mutation/01-alpha/sandbox');
    expect(c.thresholds).toEqual({ high: 80, low: 70, break: null });
  });

  it('reads the major version of a Node', () => {
    expect(nodeMajor('v20.20.2')).toBe(20);
    expect(nodeMajor('22.23.3')).toBe(22);
  });
});

// A solution of 6 lines; columns are 1-based and the end is exclusive, as in StrykerJS' report.
const SOURCE = [
  'export function f(a: number, b: number): number {', // 1
  '  if (a < 0) return 0;', // 2
  '  const s = a + b;', // 3
  '  if (b < 0) return 0;', // 4
  '  return s;', // 5
  '}', // 6
].join('\n');
const FILE = 'solutions/01-alpha/alpha.ts';

function mutant(
  id: string,
  status: string,
  mutatorName: string,
  [line, column, endLine, endColumn]: [number, number, number, number],
  replacement: string,
): ReportMutant {
  return {
    id,
    status,
    mutatorName,
    replacement,
    coveredBy: ['t1'],
    location: { start: { line, column }, end: { line: endLine, column: endColumn } },
  };
}

const REPORT: StrykerReport = {
  files: {
    [FILE]: {
      source: SOURCE,
      mutants: [
        mutant('1', 'Killed', 'EqualityOperator', [2, 7, 2, 12], 'a <= 0'),
        mutant('2', 'Survived', 'EqualityOperator', [4, 7, 4, 12], 'b <= 0'),
        mutant('3', 'Survived', 'ArithmeticOperator', [3, 13, 3, 18], 'a - b'),
        mutant('4', 'NoCoverage', 'ConditionalExpression', [4, 7, 4, 12], 'false'),
        mutant('5', 'Timeout', 'BlockStatement', [1, 50, 6, 2], '{}'),
        mutant('6', 'Survived', 'ConditionalExpression', [2, 7, 2, 12], 'false'),
        mutant('7', 'CompileError', 'StringLiteral', [5, 3, 5, 12], '""'),
      ],
    },
  },
  testFiles: { 'exercises/01-alpha/alpha.spec.ts': { tests: [{ id: 't1', name: 'step 1: add adds 2 and 3' }] } },
};

function entry(over: Partial<EquivalentEntry>): EquivalentEntry {
  return {
    file: FILE,
    mutator: 'EqualityOperator',
    original: 'b < 0',
    replacement: 'b <= 0',
    line: 4,
    reason: 'b is never 0 here: the specs cannot reach it.',
    ...over,
  };
}

describe('reading a report', () => {
  it('cuts the original text out of the source, over several lines too', () => {
    expect(textAt(SOURCE, { line: 3, column: 13 }, { line: 3, column: 18 })).toBe('a + b');
    expect(textAt(SOURCE, { line: 5, column: 3 }, { line: 6, column: 2 })).toBe('return s;\n}');
  });

  it('counts by status and scores (killed + timed out) / valid, errors left out', () => {
    const s = scoreExercise('01-alpha', REPORT, []);
    expect([s.killed, s.timeout, s.survived, s.noCoverage, s.equivalent, s.invalid]).toEqual([1, 1, 3, 1, 0, 1]);
    // 2 detected of 6 valid mutants (the compile error is not one)
    expect(s.score).toBeCloseTo((100 * 2) / 6, 10);
    expect(s.survivors.map((m) => m.id)).toEqual(['6', '3', '2', '4']);
    expect(s.timedOut.map((m) => m.id)).toEqual(['5']);
    expect(s.survivors[0]).toMatchObject({ file: FILE, line: 2, column: 7, original: 'a < 0', replacement: 'false' });
    expect(s.survivors[0]?.coveredBy).toEqual(['step 1: add adds 2 and 3']);
  });

  it('takes the listed equivalent mutants out of the survivors and out of the score', () => {
    const s = scoreExercise('01-alpha', REPORT, [entry({})]);
    expect([s.survived, s.equivalent]).toEqual([2, 1]);
    expect(s.survivors.map((m) => m.id)).toEqual(['6', '3', '4']);
    // 2 detected of 5 mutants left once the equivalent one is out
    expect(s.score).toBeCloseTo((100 * 2) / 5, 10);
    expect(s.staleEntries).toEqual([]);
  });

  it('an entry whose code moved still matches; of two matches, the line hint picks the nearer', () => {
    const source = 'if (a < 0) x();\nif (a < 0) y();\n';
    const twice: StrykerReport = {
      files: {
        [FILE]: {
          source,
          mutants: [
            mutant('a', 'Survived', 'ConditionalExpression', [1, 5, 1, 10], 'false'),
            mutant('b', 'Survived', 'ConditionalExpression', [2, 5, 2, 10], 'false'),
          ],
        },
      },
    };
    const at = (line: number) =>
      entry({ mutator: 'ConditionalExpression', original: 'a  <\n 0', replacement: 'false', line });
    const left = (...entries: EquivalentEntry[]) =>
      scoreExercise('01-alpha', twice, entries).survivors.map((m) => m.id);
    expect(left(at(1))).toEqual(['b']);
    expect(left(at(2))).toEqual(['a']);
    expect(left(at(40))).toEqual(['a']);
    expect(left(at(1), at(1))).toEqual([]);
  });

  it('says which entries no longer name a survivor: killed now, or gone', () => {
    const killed = entry({ original: 'a < 0', replacement: 'a <= 0', line: 2 });
    const gone = entry({ original: 'c < 0', replacement: 'c <= 0', line: 9 });
    const other = entry({ file: 'solutions/02-beta/beta.ts' });
    const s = scoreExercise('01-alpha', REPORT, [killed, gone, other]);
    expect(s.equivalent).toBe(0);
    expect(s.staleEntries).toEqual([
      `${FILE}:2 EqualityOperator a < 0 → a <= 0: listed as equivalent, but a test kills it now: take the entry out`,
      `${FILE}:9 EqualityOperator c < 0 → c <= 0: listed as equivalent, but matches no surviving mutant: update the entry or take it out`,
    ]);
  });

  it('no valid mutant: no score, and the exercise passes', () => {
    const empty = scoreExercise('01-alpha', { files: { [FILE]: { source: SOURCE, mutants: [] } } }, []);
    expect(empty.score).toBeNull();
    expect(exerciseLine(empty, 90)).toContain('score n/a (≥ 90 ✓)');
  });
});

describe('what it prints', () => {
  const s = scoreExercise('01-alpha', REPORT, [entry({})]);

  it('one line per survivor: file:line, mutator, original → replacement, long texts cut with …', () => {
    expect(s.survivors.map(survivorLine)).toEqual([
      `${FILE}:2  ConditionalExpression  a < 0 → false`,
      `${FILE}:3  ArithmeticOperator  a + b → a - b`,
      `${FILE}:4  ConditionalExpression  b < 0 → false  (no test runs it)`,
    ]);
    const long = survivorLine({ ...s.survivors[0]!, original: `${'x + '.repeat(30)}x` });
    expect(long).toMatch(/ConditionalExpression {2}(x \+ ){14}x \+… → false$/);
  });

  it('a printed original, … and all, matches its mutant as an entry of the list', () => {
    const original = `${'x + '.repeat(30)}x`;
    const printed = /ConditionalExpression {2}(.+…) →/.exec(survivorLine({ ...s.survivors[0]!, original }))?.[1];
    expect(textMatches(printed!, original)).toBe(true);
    expect(textMatches(printed!, `y${original}`)).toBe(false);
  });

  it('the line and the table: counts, score, the threshold mark', () => {
    expect(exerciseLine(s, 40)).toBe(
      '01-alpha: 6 mutants — 1 killed, 1 timed out, 2 survived, 1 no coverage, 1 equivalent (and 1 not run: errors or ignored): score 40.0% (≥ 40 ✓)',
    );
    const table = scoreTable([{ ...s, seconds: 252 }], 90).split('\n');
    expect(table[0]).toMatch(/^exercise +mutants +killed +timeout +survived +no cov +equiv +score +time +≥ 90$/);
    expect(table[2]).toMatch(/^01-alpha +6 +1 +1 +2 +1 +1 +40\.0% +4 min 12 s +✗$/);
  });
});

describe('the equivalent-mutant list', () => {
  const good = { mutants: [entry({})] };

  it('a well-formed list has no problems', () => {
    expect(formProblems(good)).toEqual([]);
  });

  it('names every problem of a malformed one', () => {
    expect(formProblems([])).toEqual(['the list must be an object with a "mutants" array']);
    const bad = {
      mutants: [
        entry({ mutator: 'Equality', reason: 'why not', line: 0, file: 'lib/ops/matmul.ts' }),
        { ...entry({}), extra: 1 },
        entry({}),
        'text',
      ],
    };
    expect(formProblems(bad)).toEqual([
      `mutants[0].mutator must be one of StrykerJS' mutators (ArithmeticOperator, ArrayDeclaration, ArrowFunction, AssignmentOperator, BlockStatement, BooleanLiteral, CallExpression, ConditionalExpression, EqualityOperator, LogicalOperator, MethodExpression, ObjectLiteral, OptionalChaining, Regex, StringLiteral, UnaryOperator, UpdateOperator), got "Equality"`,
      'mutants[0].line must be a positive integer',
      'mutants[0].file must be a solution\'s path like solutions/03-matmul/matmul.ts, got "lib/ops/matmul.ts"',
      'mutants[0].reason must say why no test can tell the mutant apart (a sentence), got "why not"',
      'mutants[1] has an unknown field "extra"',
      'mutants[2] repeats mutants[1]',
      'mutants[3] is not an object',
    ]);
    expect(formProblems({ mutants: [{ ...entry({}), original: ' ', replacement: 3 }] })).toEqual([
      'mutants[0].original must be a non-empty string',
      'mutants[0].replacement must be a string',
    ]);
  });

  it('an entry points to code that exists: the file, and the original text in it', () => {
    const root = path.join(tmp, 'stale');
    mkdirSync(path.join(root, 'solutions', '01-alpha'), { recursive: true });
    writeFileSync(path.join(root, FILE), SOURCE);
    const moved = entry({ original: 'const s =\n    a + b', mutator: 'ArithmeticOperator' });
    expect(staleCode([entry({}), moved, entry({ original: 'if (b < 0) return…' })], root)).toEqual([]);
    expect(staleCode([entry({ original: 'b > 0' }), entry({ file: 'solutions/01-alpha/gone.ts' })], root)).toEqual([
      `mutants[0]: ${FILE} no longer holds "b > 0"`,
      'mutants[1]: solutions/01-alpha/gone.ts does not exist',
    ]);
  });
});
