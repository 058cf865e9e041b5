/**
 * `npm run template`: a learner's template of the kata, without the reference solutions. It is
 * written from the committed files of a throwaway clone; then, in the template, the commands a
 * learner uses still work: `npm run solution` says where the solutions are published, and
 * `npm test` passes with the checks that make sense without them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/exercises.ts';
import { writeKataStubs } from '../../scripts/lib/kata-stubs.ts';
import { LEFT_OUT, main, templateFiles } from '../../scripts/template.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'kata-template-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const node = (cwd: string, script: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', './scripts/register.mjs', script, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, KATA_LANG: 'en', NO_COLOR: '1', CI: 'true' },
  });

describe('npm run template', () => {
  const out = path.join(tmp, 'learner-kata');
  const url = 'https://example.edu/kata/solutions';
  let made: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    made = node(ROOT, 'scripts/template.ts', '--out', out, '--solutions-url', url);
    if (existsSync(out)) symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'), 'junction');
  }, 60_000);

  it('leaves out the solutions, the maintainers’ tests and CI, and keeps the rest of what git tracks', () => {
    expect(made.status, `${made.stdout}${made.stderr}`).toBe(0);
    expect(existsSync(path.join(out, 'solutions'))).toBe(false);
    expect(existsSync(path.join(out, 'tests'))).toBe(false);
    expect(existsSync(path.join(out, '.github', 'workflows', 'ci.yml'))).toBe(false);
    for (const kept of [
      'exercises/01-tensors/tensors.ts',
      'exercises/01-tensors/tensors.spec.ts',
      'lib/ndarray.ts',
      'grading/manifest.json',
      'grading/judges/01-tensors.ts',
      '.github/workflows/classroom.yml',
      'scripts/start.ts',
    ]) {
      expect(existsSync(path.join(out, kept)), kept).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(path.join(out, 'package.json'), 'utf8'));
    expect(pkg.kata).toEqual({ template: true, solutionsUrl: url });
    expect(templateFiles(['solutions/01-x/x.ts', 'tests/a.test.ts', 'lib/a.ts', '.github/workflows/ci.yml'])).toEqual([
      'lib/a.ts',
    ]);
    expect(LEFT_OUT).toContain('solutions/');
  });

  it('refuses a folder that is not empty, and a solutions address that is not one', () => {
    const errors: string[] = [];
    expect(main(['--out', out], (l) => errors.push(l))).toBe(2);
    expect(main(['--out', path.join(tmp, 'x'), '--solutions-url', 'javascript:x'], (l) => errors.push(l))).toBe(2);
    expect(main([], (l) => errors.push(l))).toBe(2);
    expect(errors).toEqual([
      `template: ${out} exists and is not empty; choose a new folder`,
      'template: --solutions-url must be an http(s) address, got "javascript:x"',
      'template: --out DIR is required (the folder to write the learner template into)',
    ]);
    expect(existsSync(path.join(tmp, 'x'))).toBe(false);
  });

  it('in the template, npm run solution says where the solutions are published', () => {
    const shown = node(out, 'scripts/solution.ts', '01', '--force');
    expect(`${shown.stdout}${shown.stderr}`).toContain(`your course publishes them at ${url}`);
  }, 120_000);

  it('in the template, npm test typechecks and lints, and says why it does no more', () => {
    execFileSync('git', ['init', '-q'], { cwd: out }); // Biome reads .gitignore through git
    writeKataStubs(ROOT, out); // a template of the kata, not of a learner's work in ROOT
    const test = node(out, 'scripts/test.ts');
    expect(test.status, `${test.stdout}\n${test.stderr}`).toBe(0);
    expect(test.stdout).toMatch(/no solutions\/ or tests\/ \(a learner's template\): typecheck and lint only/);
    expect(test.stdout).toMatch(/typecheck .* s, lint .* s/);
  }, 240_000);
});
