/**
 * `npm run bench` as a maintainer runs it, in its shortest form (one section, one run): the
 * table, the targets marked, the JSON written; and its options' errors. The figures are not
 * asserted: tests never assert times. The half-done files of the rerun section, on a small kata.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { halfDoneSource, stepCount } from '../../scripts/bench/half-done.ts';
import { ROOT } from '../../scripts/lib/exercises.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'kata-bench-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bench(...args: string[]) {
  return spawnSync(process.execPath, ['--import', './scripts/register.mjs', 'scripts/bench.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('npm run bench', () => {
  it('--only matmul --runs 1: prints the table and the target, and writes the JSON', () => {
    const out = path.join(tmp, 'bench.json');
    const r = bench('--only', 'matmul', '--runs', '1', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/matmul, dense random float32/);
    expect(r.stdout).toMatch(/128×784·784×512/);
    expect(r.stdout).toMatch(/(✓ met|✗ not met) {2,}lib matmul ≥ TF\.js wasm at 128×784·784×512: \d+\.\d\d×/);
    expect(r.stdout).toMatch(/(✓ met|✗ not met) {2,}lib matmul ≥ TF\.js wasm at 784×128·128×512: \d+\.\d\d×/);
    expect(r.stdout).toMatch(/lib \(simd\)/);
    const json = JSON.parse(readFileSync(out, 'utf8')) as {
      runs: number;
      matmul: { shape: string; kernel: string; lib: { gflops: number }; plain: { gflops: number } }[];
      targets: { name: string; met: boolean }[];
    };
    expect(json.runs).toBe(1);
    expect(json.matmul.map((m) => m.shape)).toContain('784×128×512');
    expect(json.matmul[0]?.lib.gflops).toBeGreaterThan(0);
    expect(json.matmul[0]?.plain.gflops).toBeGreaterThan(0);
    expect(json.matmul[0]?.kernel).toBe('simd');
    expect(json.targets).toHaveLength(2);
  }, 120_000);

  it('names a wrong option and exits with 2', () => {
    const section = bench('--only', 'matmul,gpu');
    expect(section.status).toBe(2);
    expect(section.stderr).toContain(
      '--only takes sections out of matmul, mnist, mnist-command, specs, rerun, npm-test; got "gpu"',
    );
    const runs = bench('--runs', '0');
    expect(runs.status).toBe(2);
    expect(runs.stderr).toContain('--runs must be a positive integer, got "0"');
  }, 60_000);
});

describe("halfDoneSource (the rerun section's half-done exercises)", () => {
  const stub = `import { a } from './x.ts';
export function one(): number {
  throw new Error('TODO(99-x): implement one (step 1 in README.md)');
}
export class Two {
  go(): number {
    throw new Error('TODO(99-x): implement Two.go (step 1 in README.md)');
  }
  stop(): number {
    throw new Error('TODO(99-x): implement Two.stop (step 2 in README.md)');
  }
}
export function three(): number {
  throw new Error('TODO(99-x): implement three (step 3 in README.md)');
}
export function four(): number {
  throw new Error('TODO(99-x): implement four (step 4 in README.md)');
}
`;
  const solution = `import { a, b } from './x.ts';
const helper = () => 1;
export function one(): number {
  return helper() + four();
}
export class Two {
  go(): number {
    return 2;
  }
  stop(): number {
    return this.three();
  }
  three(): number {
    return 3;
  }
}
export function three(): number {
  return new Two().three();
}
export function four(): number {
  return 4;
}
`;

  it("keeps the solution of steps 1…k and what they call; later declarations are the stub's", () => {
    expect(stepCount(stub)).toBe(4);
    const half = halfDoneSource(stub, solution, 1);
    // one (step 1) calls four (step 4): four stays solved. Two has a step-2 method: stubbed.
    // three is a step-3 function; Two's own method named three does not make it solved.
    expect(half).toContain('import { a, b }');
    expect(half).toContain('const helper = () => 1;');
    expect(half).toContain('return helper() + four();');
    expect(half).toContain('return 4;');
    expect(half).toContain('implement Two.stop (step 2');
    expect(half).toContain('implement three (step 3');
    expect(half).not.toContain('return 2;');
    expect(halfDoneSource(stub, solution, 4)).toBe(solution);
    expect(halfDoneSource(stub, solution, 0)).not.toContain('return 4;');
  });
});
