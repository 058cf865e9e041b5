/**
 * `npm run grade` through the CLI on the real kata's exercise 01 (TensorFlow.js oracle): stubs,
 * solutions, and a spec weakened with hard-coded answers, each getting the points it should.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GradeReport } from '../../scripts/grade/grade.ts';
import { readManifest } from '../../scripts/grade/manifest-file.ts';
import { ROOT } from '../../scripts/lib/exercises.ts';
import { writeKataStubs } from '../../scripts/lib/kata-stubs.ts';
import { ex, gradingFixture, runAsync } from './grading-fixture.ts';

const { tmp, iso, scenario } = gradingFixture('kata-grade-cli-', { miniKata: false });

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

  it('hard-coded answers of the fixed examples fail the randomised checks, and the judge takes the rest', () => {
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
