/**
 * The map at the top of CONTRIBUTING.md, kept true: every import in the tree (static, dynamic,
 * `export … from`, read by TypeScript's own pre-processor, so comments and strings don't count)
 * obeys the "may import" table, the table in CONTRIBUTING.md says the same as the rules here,
 * and every file the three journeys pass through exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/lib/exercises.ts';

/**
 * Where a file may import from, by its folder; the longest folder that holds the file decides.
 * `NN-slug/` stands for the file's own exercise folder.
 */
const RULES: Record<string, readonly string[]> = {
  'lib/': ['lib/'],
  'exercises/': ['lib/', 'exercises/NN-slug/'],
  'solutions/': ['lib/', 'solutions/NN-slug/'],
  'grading/': ['lib/', 'exercises/', 'grading/'],
  'scripts/': ['lib/', 'exercises/', 'grading/', 'scripts/', 'vitest.config.ts'],
  'scripts/lib/': ['lib/', 'scripts/lib/', 'scripts/grade/'],
  'scripts/runner/': ['lib/', 'scripts/lib/', 'scripts/runner/'],
  'scripts/grade/': ['lib/', 'grading/', 'scripts/lib/', 'scripts/grade/'],
  'tests/': ['*'],
};

const SKIP = new Set(['node_modules', 'reports', 'plots']);

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return SKIP.has(e.name) || e.name.startsWith('.') ? [] : sources(rel);
    return /\.(ts|mts|mjs)$/.test(e.name) ? [rel] : [];
  });
}

/** The repository-relative files a source file imports (relative specifiers only: packages are not layers). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((s) => s.startsWith('./') || s.startsWith('../'))
    .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)));
}

function ruleFor(file: string): string | undefined {
  return Object.keys(RULES)
    .filter((folder) => file.startsWith(folder))
    .sort((a, b) => b.length - a.length)[0];
}

/** `exercises/03-matmul/` for a file of that exercise's folder. */
function ownFolder(file: string): string {
  return `${file.split('/').slice(0, 2).join('/')}/`;
}

function allowed(file: string, target: string): boolean {
  const rule = ruleFor(file);
  if (!rule) return true;
  return (RULES[rule] ?? []).some((may) => {
    if (may === '*') return true;
    if (may.endsWith('NN-slug/')) return target.startsWith(ownFolder(file));
    return may.endsWith('/') ? target.startsWith(may) : target === may;
  });
}

const contributing = readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf8');

/** A section of CONTRIBUTING.md, from its heading to the next heading of that level or higher. */
function section(heading: string): string {
  const start = contributing.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const rest = contributing.slice(start + heading.length);
  const end = rest.search(new RegExp(`^#{1,${level}} `, 'm'));
  return end < 0 ? rest : rest.slice(0, end);
}

const code = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);

describe('the layers: who may import what', () => {
  const files = ['lib', 'exercises', 'solutions', 'grading', 'scripts', 'tests'].flatMap(sources);

  it('finds the tree and reads imports the way the compiler does', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(importsOf('scripts/start.ts')).toContain('scripts/runner/session.ts');
    // the REPL's help text shows an import line: a string, not an import
    expect(importsOf('scripts/repl.ts').some((f) => f.startsWith('scripts/exercises'))).toBe(false);
  });

  it('every import obeys the table', () => {
    const broken = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => !allowed(file, target))
        .map((target) => `${file} imports ${target} (${ruleFor(file)} may import ${RULES[ruleFor(file) ?? '']})`),
    );
    expect(broken).toEqual([]);
  });

  it('the rules see a wrong import', () => {
    expect(allowed('lib/ops/matmul.ts', 'lib/kernels/gemm.ts')).toBe(true);
    expect(allowed('lib/ndarray.ts', 'scripts/lib/files.ts')).toBe(false);
    expect(allowed('lib/ndarray.ts', 'tests/support/well-formed.ts')).toBe(false);
    expect(allowed('exercises/03-matmul/matmul.spec.ts', 'exercises/03-matmul/matmul.ts')).toBe(true);
    expect(allowed('exercises/05-dense/dense.ts', 'exercises/03-matmul/matmul.ts')).toBe(false);
    expect(allowed('solutions/05-dense/dense.ts', 'exercises/05-dense/dense.ts')).toBe(false);
    expect(allowed('scripts/lib/cli.ts', 'scripts/runner/state.ts')).toBe(false);
    expect(allowed('scripts/runner/render.ts', 'scripts/lib/term.ts')).toBe(true);
    expect(allowed('scripts/grade/run.ts', 'scripts/runner/session.ts')).toBe(false);
    expect(allowed('scripts/start.ts', 'tests/scripts/fake-kata.ts')).toBe(false);
    expect(allowed('tests/layers.test.ts', 'scripts/lib/exercises.ts')).toBe(true);
  });

  it("CONTRIBUTING.md's map states the same rules", () => {
    const rows = section('### Who may import what')
      .split('\n')
      .filter((line) => /^\| `/.test(line))
      .map((line) => line.split('|').slice(1, -1));
    const stated = Object.fromEntries(rows.map(([layer, may]) => [code(layer ?? '')[0], code(may ?? '').sort()]));
    const expected = Object.fromEntries(Object.entries(RULES).map(([k, v]) => [k, [...v].sort()]));
    expect(stated).toEqual(expected);
  });
});

describe('the journeys', () => {
  it('every file and folder each journey passes through exists', () => {
    const journeys = section('### Three journeys');
    const steps = journeys.split('\n').filter((line) => /^\d+\. /.test(line));
    expect(steps.length).toBeGreaterThanOrEqual(15);
    for (const step of steps) {
      const paths = code(step).filter((c) => /^[\w.-]+\/|\.(ts|mjs|json)$/.test(c) && !c.includes(' '));
      expect(paths.length, step).toBeGreaterThan(0);
      for (const p of paths) {
        const real = p.replace('NN-slug/slug', '03-matmul/matmul').replace('NN-slug', '03-matmul');
        expect(() => readdirSyncOrFile(real), `${step}: ${p}`).not.toThrow();
      }
    }
  });
});

function readdirSyncOrFile(rel: string): void {
  const abs = path.join(ROOT, rel);
  if (rel.endsWith('/')) readdirSync(abs);
  else readFileSync(abs);
}
