/**
 * A tiny kata for the runner's tests: two exercises (01-alpha, 02-beta) with READMEs in
 * English and Korean, tiered hints, stubs that throw TODO errors, specs and solutions — and,
 * for the commands' tests, a runnable copy: the real lib/, scripts/ and configs, with
 * node_modules linked to the repository's (no install), optionally committed to git.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../../scripts/lib/exercises.ts';

interface FakeExercise {
  name: string;
  slug: string;
  title: string;
  titleKo: string;
  steps: { fn: string; title: string; body: string; solution: string; specs: string[] }[];
}

export const FAKE: FakeExercise[] = [
  {
    name: '01-alpha',
    slug: 'alpha',
    title: 'Alpha: adding things',
    titleKo: '알파: 더하기',
    steps: [
      {
        fn: 'add',
        title: 'add',
        body: 'export function add(a: number, b: number): number {',
        solution: '  return a + b;',
        specs: [
          "it('adds 2 and 3', () => expect(add(2, 3)).toBe(5));",
          "it('adds negatives', () => expect(add(-2, -3)).toBe(-5));",
        ],
      },
      {
        fn: 'twice',
        title: 'twice',
        body: 'export function twice(xs: number[]): number[] {',
        solution: '  return xs.map((x) => 2 * x);',
        specs: ["it('doubles every element', () => expect(twice([1, 2])).toEqual([2, 4]));"],
      },
    ],
  },
  {
    name: '02-beta',
    slug: 'beta',
    title: 'Beta: negation',
    titleKo: '베타: 부호 바꾸기',
    steps: [
      {
        fn: 'neg',
        title: 'neg',
        body: 'export function neg(a: number): number {',
        solution: '  return -a;',
        specs: ["it('negates 2', () => expect(neg(2)).toBe(-2));"],
      },
    ],
  },
];

function stub(ex: FakeExercise): string {
  return ex.steps
    .map(
      (s, i) =>
        `${s.body}\n  // TODO: ${s.title}.\n  throw new Error('TODO(${ex.name}): implement ${s.fn} (step ${i + 1} in README.md)');\n}\n`,
    )
    .join('\n');
}

function solution(ex: FakeExercise): string {
  return ex.steps.map((s) => `${s.body}\n${s.solution}\n}\n`).join('\n');
}

function spec(ex: FakeExercise): string {
  const fns = ex.steps.map((s) => s.fn).join(', ');
  const blocks = ex.steps.map(
    (s, i) => `describe('step ${i + 1}: ${s.title}', () => {\n${s.specs.map((x) => `  ${x}`).join('\n')}\n});\n`,
  );
  return `import { describe, expect, it } from 'vitest';\nimport { ${fns} } from './${ex.slug}.ts';\n\n${blocks.join('\n')}`;
}

function readme(ex: FakeExercise, ko: boolean): string {
  const id = ex.name.slice(0, 2);
  const steps = ex.steps.map(
    (s, i) => `${i + 1}. **\`${s.fn}\`** — ${ko ? `${s.title} 구현` : `implement ${s.title}`}.`,
  );
  return ko
    ? `# ${id} · ${ex.titleKo}\n\n_시드 섹션 2.2_\n\n이 연습은 ${ex.titleKo}를 다룹니다.\n둘째 줄입니다.\n\n## 단계\n\n${steps.join('\n')}\n`
    : `# ${id} · ${ex.title}\n\n_Seed section 2.2._\n\nThis exercise is about ${ex.title.toLowerCase()}.\nA second line of prose.\n\n## Steps\n\n${steps.join('\n')}\n\n## Notes\n\nNone.\n`;
}

function hints(ex: FakeExercise, ko: boolean): string {
  const id = ex.name.slice(0, 2);
  return `# ${ko ? '힌트' : 'Hints'} · ${id}\n\n${ex.steps
    .map(
      (s, i) =>
        `## Step ${i + 1}: ${s.title}\n\n### Hint 1\n\n${ko ? '넛지' : 'Nudge'} for ${s.fn}.\n\n### Hint 2\n\n${ko ? '거의 코드' : 'Near code'}: \`${s.solution.trim()}\`\n`,
    )
    .join('\n')}`;
}

/** Writes the fake exercises (and their solutions) under `root`. HINTS.ko.md only for 01. */
export function writeFakeExercises(root: string): void {
  for (const ex of FAKE) {
    const dir = path.join(root, 'exercises', ex.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'README.md'), readme(ex, false));
    writeFileSync(path.join(dir, 'README.ko.md'), readme(ex, true));
    writeFileSync(path.join(dir, 'HINTS.md'), hints(ex, false));
    if (ex.name === '01-alpha') writeFileSync(path.join(dir, 'HINTS.ko.md'), hints(ex, true));
    writeFileSync(path.join(dir, `${ex.slug}.ts`), stub(ex));
    writeFileSync(path.join(dir, `${ex.slug}.spec.ts`), spec(ex));
    const sol = path.join(root, 'solutions', ex.name);
    mkdirSync(sol, { recursive: true });
    writeFileSync(path.join(sol, `${ex.slug}.ts`), solution(ex));
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function hasGit(): boolean {
  return spawnSync('git', ['--version']).status === 0;
}

/**
 * A runnable kata in a temp folder: the repository's lib/, scripts/, configs, the fake
 * exercises, node_modules linked (a junction on Windows). Committed to git when git exists.
 */
export function makeRunnableKata(): string {
  const root = tempDir('kata-runner-');
  for (const f of ['package.json', 'tsconfig.json', 'vitest.config.ts']) cpSync(path.join(ROOT, f), path.join(root, f));
  // Not scripts/mutation/node_modules (StrykerJS, where a maintainer installed it): thousands of files.
  const noModules = (src: string) => !src.split(path.sep).includes('node_modules');
  for (const d of ['lib', 'scripts'])
    cpSync(path.join(ROOT, d), path.join(root, d), { recursive: true, filter: noModules });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'junction');
  writeFakeExercises(root);
  writeFileSync(path.join(root, '.gitignore'), 'node_modules\n.kata/\n');
  if (hasGit()) {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.name=kata', '-c', 'user.email=kata@example.com', 'commit', '-q', '--no-verify', '-m', 'kata');
  }
  return root;
}
