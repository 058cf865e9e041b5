/**
 * The code of the mini kata's hostile learners (tests/grade/grade-learners.test.ts): each a
 * sum.ts for exercise 01 that crashes, stalls or cheats in one way, or, in the sandbox only,
 * attacks the grader and what runs after it.
 */
import path from 'node:path';
import { SOLUTION, sumWithMean } from './mini-kata.ts';

/** file (relative to the submission) → its content, or null to delete it */
export type Submissions = Record<string, Record<string, string | null>>;

/** graded on exercise 01 only, to keep the test fast: what they do happens in 01 */
export const CRASHERS: Submissions = {
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

const solved02 = { 'exercises/02-scale/scale.ts': SOLUTION.scale };

/** only where learner code is sandboxed: unsandboxed, these would reach the grader itself */
export function sandboxAttackers(at: { kata: string; tmp: string; marker: string; late: string }): Submissions {
  const { kata, tmp, marker, late } = at;
  return {
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
  };
}
