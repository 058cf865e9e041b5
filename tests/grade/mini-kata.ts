/**
 * A tiny kata for the grader's tests: two exercises without TensorFlow.js (01-sum: 5 specs,
 * 02-scale: 2 specs, worth 5 points by its meta.json), a reference in lib/ the specs check
 * random inputs against (fast-check, seeded), a judge for each exercise, and learners'
 * submissions built from it. It has the real kata's shape — exercises/, solutions/,
 * grading/judges/, lib/setup.ts, lib/global-setup.ts, vitest.config.ts — and the real judge
 * API and lib/ndarray.ts, so the grader runs on it exactly as on the real one, in a second or
 * two per exercise.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../scripts/lib/exercises.ts';

const FILES: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'mini-kata', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  'vitest.config.ts': `export default {
  test: { setupFiles: ['lib/setup.ts'], globalSetup: ['lib/global-setup.ts'], testTimeout: 3000, hookTimeout: 5000 },
};
`,
  'lib/setup.ts': `import fc from 'fast-check';
fc.configureGlobal({ seed: Number(process.env.KATA_SEED ?? 42), numRuns: 50 });
`,
  'lib/global-setup.ts': `export default function setup(project: { provide(key: string, value: string): void }): void {
  project.provide('oracleBackend', 'reference');
}
`,
  'lib/reference.ts': `/** The plain-loop definitions the specs compare learners' code with. */
export function referenceSum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
`,
  'data/README.md': '# fixtures\n',
  'exercises/01-sum/README.md': '# 01 · Sums and means\n',
  'exercises/01-sum/meta.json': '{ "timeout": 45 }\n',
  'exercises/01-sum/sum.spec.ts': `import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceSum } from '../../lib/reference.ts';
import { mean, sum } from './sum.ts';

describe('step 1: sum', () => {
  it('adds the fixed example [1, 2, 3] to 6', () => {
    expect(sum([1, 2, 3])).toBe(6);
  });
  it('the sum of nothing is 0', () => {
    expect(sum([])).toBe(0);
  });
  it('agrees with the reference on random arrays', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -1000, max: 1000 })), (xs) => sum(xs) === referenceSum(xs)));
  });
});

describe('step 2: mean', () => {
  it('the mean of [2, 4] is 3', async () => {
    expect(await Promise.resolve(mean([2, 4]))).toBe(3);
  });
  it('agrees with the reference on random non-empty arrays', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1 }), (xs) => {
        expect(mean(xs)).toBeCloseTo(referenceSum(xs) / xs.length, 9);
      }),
    );
  });
});
`,
  'exercises/02-scale/README.md': '# 02 · Scaling\n',
  'exercises/02-scale/meta.json': '{ "weight": 5, "timeout": 45 }\n',
  'exercises/02-scale/scale.spec.ts': `import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scale } from './scale.ts';

describe('step 1: scale', () => {
  it('scales [1, 2] by 3 to [3, 6]', () => {
    expect(scale([1, 2], 3)).toEqual([3, 6]);
  });
  it('multiplies every element on random arrays', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -99, max: 99 })), fc.integer({ min: -9, max: 9 }), (xs, k) => {
        expect(scale(xs, k)).toEqual(xs.map((x) => x * k));
      }),
    );
  });
});
`,
};

const JUDGES: Record<string, string> = {
  'grading/judges/01-sum.ts': `import { defineJudge } from '../judge/api.ts';
import type * as Api from '../../exercises/01-sum/sum.ts';

export default defineJudge<typeof Api>({
  module: 'sum.ts',
  cases: (c) => [
    c({
      name: 'sum of random integers',
      step: 1,
      input: (r) => Array.from({ length: r.int(0, 8) }, () => r.int(-50, 50)),
      run: (api, xs) => api.sum(xs),
    }),
    c({
      name: 'mean of random integers',
      step: 2,
      input: (r) => Array.from({ length: r.int(1, 8) }, () => r.int(-50, 50)),
      run: (api, xs) => api.mean(xs),
    }),
  ],
});
`,
  'grading/judges/02-scale.ts': `import { defineJudge } from '../judge/api.ts';
import type * as Api from '../../exercises/02-scale/scale.ts';

export default defineJudge<typeof Api>({
  module: 'scale.ts',
  cases: (c) => [
    c({
      name: 'scale random integers',
      step: 1,
      input: (r) => [Array.from({ length: r.int(0, 6) }, () => r.int(-9, 9)), r.int(-5, 5)] as const,
      run: (api, [xs, k]) => api.scale(xs, k),
    }),
  ],
});
`,
};

/** The real files the judge API needs, copied into the mini kata. */
const REAL = [
  'grading/judge/api.ts',
  'grading/judge/runner.ts',
  'lib/errors.ts',
  'lib/format.ts',
  'lib/ndarray.ts',
  'lib/rng.ts',
  'lib/shape.ts',
];

export const STUB = {
  sum: `// TODO: implement both
export function sum(xs: readonly number[]): number {
  throw new Error('TODO(01-sum): implement sum');
}
export function mean(xs: readonly number[]): number {
  throw new Error('TODO(01-sum): implement mean');
}
`,
  scale: `export function scale(xs: readonly number[], k: number): number[] {
  throw new Error('TODO(02-scale): implement scale');
}
`,
};

export const SOLUTION = {
  sum: `export function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
export function mean(xs: readonly number[]): number {
  return sum(xs) / xs.length;
}
`,
  scale: `export function scale(xs: readonly number[], k: number): number[] {
  return xs.map((x) => x * k);
}
`,
};

/** sum right, mean replaced by `body` */
export const sumWithMean = (body: string, prelude = '') => `${prelude}
export function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
export function mean(xs: readonly number[]): number {
  ${body}
}
`;

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

/** The mini kata at `root` (its grader: node_modules linked to the repo's). */
export function makeMiniKata(root: string): void {
  rmSync(root, { recursive: true, force: true });
  for (const f of REAL) cpSync(path.join(ROOT, f), path.join(root, f));
  write(root, {
    ...FILES,
    ...JUDGES,
    'exercises/01-sum/sum.ts': STUB.sum,
    'exercises/02-scale/scale.ts': STUB.scale,
    'solutions/01-sum/sum.ts': SOLUTION.sum,
    'solutions/02-scale/scale.ts': SOLUTION.scale,
  });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'junction');
}

/** A learner's checkout of the mini kata: its files, with `code` (paths → text) written over them. */
export function makeSubmission(kata: string, dir: string, code: Record<string, string | null>): void {
  mkdirSync(dir, { recursive: true });
  for (const part of ['package.json', 'vitest.config.ts', 'lib', 'data', 'exercises', 'grading']) {
    cpSync(path.join(kata, part), path.join(dir, part), { recursive: true });
  }
  for (const [rel, text] of Object.entries(code)) {
    if (text === null) rmSync(path.join(dir, rel), { force: true });
    else write(dir, { [rel]: text });
  }
}

/** git in `cwd` as a learner, with author and commit date `date`; its output, trimmed. */
export function gitAt(cwd: string, date: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Learner', '-c', 'user.email=learner@example.org', ...args], {
    cwd,
    env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    stdio: 'pipe',
  })
    .toString()
    .trim();
}
