/**
 * npm test and npm run reset on a learner's working copy (issue 15, items 4 and 5): a git copy
 * of the kata, then the learner's commit on top of it — 01 solved, 02 half done with an unused
 * variable, an `any`, a console.log and a type error. npm test's checks, run here piece by
 * piece as scripts/test.ts runs them (the whole of it would take minutes), stay green: the
 * copy is told apart as a learner's, lint leaves the exercise code out, the typecheck reads the
 * kata's stubs, the kata's stubs fail their specs (01 and 02, from a stage), and the manifest
 * matches the kata's files. Then reset restores the kata's stub over the committed solution.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { compareWithManifest, staleness } from '../scripts/grade/manifest-checks.ts';
import { readManifest } from '../scripts/grade/manifest-file.ts';
import { type Exercise, listExercises, ROOT } from '../scripts/lib/exercises.ts';
import {
  KataStubsUnavailable,
  kataCodePaths,
  kataMode,
  kataStubBytes,
  stageKata,
  writeKataStubs,
} from '../scripts/lib/kata-stubs.ts';
import { typecheckWithStubs } from '../scripts/lib/typecheck.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'kata-learner-copy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const copy = path.join(tmp, 'copy');
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=learner', '-c', 'user.email=l@example.com', ...args], {
    cwd: copy,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
const node = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', './scripts/register.mjs', script, ...args], {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, KATA_LANG: 'en', KATA_MODE: undefined },
    timeout: 120_000,
  });

const HALF_DONE = `
export function naiveRelu(x: NDArray): NDArray {
  const unused = 3;
  let scratch: any = x.shape;
  console.log('still working on it', scratch);
  const rows: number = 'two';
  throw new Error('TODO(02-broadcasting): implement naiveRelu (step 1 in README.md)');
}`;

// The kata as it ships (its tracked files, its stubs), committed; node_modules linked.
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
for (const f of tracked) {
  mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
  try {
    copyFileSync(path.join(ROOT, f), path.join(copy, f));
  } catch {
    // a tracked file deleted in ROOT's working tree is not part of the kata being tested
  }
}
writeKataStubs(ROOT, copy);
symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'junction');
git('init', '-q');
git('add', '-A');
git('commit', '-q', '--no-verify', '-m', 'the kata');
// The learner's work, committed: 01 solved, 02 half done.
const stub01 = 'exercises/01-tensors/tensors.ts';
const stub02 = 'exercises/02-broadcasting/broadcasting.ts';
copyFileSync(path.join(copy, 'solutions/01-tensors/tensors.ts'), path.join(copy, stub01));
const kata02 = readFileSync(path.join(copy, stub02), 'utf8');
const naive = /\nexport function naiveRelu[\s\S]*?\n}/.exec(kata02)?.[0] as string;
writeFileSync(path.join(copy, stub02), kata02.replace(naive, HALF_DONE));
git('commit', '-q', '--no-verify', '-am', 'my work');

describe("npm test on a learner's copy with committed work", () => {
  it('is told apart as a learner’s copy, naming the files', () => {
    expect(naive).toContain('naiveRelu');
    expect(kataMode(copy, {})).toEqual({
      mode: 'learner',
      reason: `your exercise code differs from the kata’s stubs (${stub01}, ${stub02})`,
    });
    expect(kataMode(copy, { KATA_MODE: 'maintainer' }).mode).toBe('maintainer');
    expect(() => kataMode(copy, { KATA_MODE: 'teacher' })).toThrow(/KATA_MODE must be "maintainer" or "learner"/);
  });

  it('lint: the kata’s own code passes with warnings as errors; the learner’s 02 would not', () => {
    const biome = path.join(copy, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
    const all = spawnSync(process.execPath, [biome, 'check', '--error-on-warnings', stub02], {
      cwd: copy,
      encoding: 'utf8',
    });
    expect(all.status, 'the half-done exercise is lint-unfriendly, so the next check means something').not.toBe(0);
    const paths = kataCodePaths(copy); // what scripts/test.ts lints on a learner's copy
    expect(paths).toContain('exercises/02-broadcasting/broadcasting.spec.ts');
    expect(paths).not.toContain(stub02);
    const kata = spawnSync(process.execPath, [biome, 'check', '--error-on-warnings', ...paths], {
      cwd: copy,
      encoding: 'utf8',
    });
    expect(kata.status, `${kata.stdout}\n${kata.stderr}`).toBe(0);
  }, 60_000);

  it('typecheck: the kata’s code with the kata’s stubs has no error, though the learner’s 02 has one', () => {
    const file = path.join(copy, stub02);
    const alone = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
    });
    const own = ts.getPreEmitDiagnostics(alone).filter((d) => d.file?.fileName === file.split(path.sep).join('/'));
    expect(own.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toContain(
      "Type 'string' is not assignable to type 'number'.",
    );
    // the specs of 01 and 02 and what they import (the whole kata takes a minute on a busy machine)
    const specs = [
      'exercises/01-tensors/tensors.spec.ts',
      'exercises/02-broadcasting/broadcasting.spec.ts',
      ...['lib/setup.ts', 'lib/global-setup.ts'], // the matchers' types
    ];
    const result = typecheckWithStubs(copy, kataStubBytes(copy, readManifest(copy)), specs);
    expect(result, result.report).toEqual({ errors: 0, report: '' });
  }, 180_000);

  it('the kata’s stubs, from git, fail every spec of 01 and 02 with their TODO errors', () => {
    const stage = stageKata(copy, readManifest(copy));
    try {
      const [ex01] = listExercises(copy);
      expect(readFileSync(stage.stubOf(ex01 as Exercise), 'utf8')).toContain('TODO(01-tensors)');
      const out = path.join(tmp, 'stubs.json');
      const run = spawnSync(
        process.execPath,
        [
          path.join(copy, 'node_modules', 'vitest', 'vitest.mjs'),
          ...['run', '--project', 'exercises', 'exercises/01-tensors', 'exercises/02-broadcasting'],
          ...['--reporter=json', `--outputFile=${out}`],
        ],
        {
          cwd: stage.root,
          env: { ...process.env, KATA_QUIET: '1', CI: 'true', KATA_VITEST_CACHE: '0' },
          encoding: 'utf8',
          timeout: 150_000,
        },
      );
      expect(existsSync(out), `no report:\n${run.stderr}\n${run.stdout}`).toBe(true);
      const report = JSON.parse(readFileSync(out, 'utf8')) as {
        testResults: { assertionResults: { status: string; failureMessages: string[] }[] }[];
      };
      expect(report.testResults).toHaveLength(2);
      const results = report.testResults.flatMap((r) => r.assertionResults);
      expect(results.length).toBeGreaterThan(20);
      expect(results.filter((r) => r.status !== 'failed')).toEqual([]);
      expect(results.filter((r) => !r.failureMessages.some((m) => /TODO\(0[12]-/.test(m)))).toEqual([]);
    } finally {
      stage.remove();
    }
  }, 180_000);

  it('the manifest matches the kata’s files; only the maintainers’ check (npm run manifest -- --check) objects', () => {
    expect(compareWithManifest(readManifest(copy), copy)).toEqual({ modified: [], deleted: [], refused: [] });
    expect(staleness(copy)).toEqual([
      `${stub01} differs from the stub the manifest records`,
      `${stub02} differs from the stub the manifest records`,
    ]);
  });

  it('without git history (a zip download), says the kata’s stub is missing and names the fix', () => {
    const zip = path.join(tmp, 'zip');
    mkdirSync(path.join(zip, 'exercises/01-tensors'), { recursive: true });
    copyFileSync(path.join(copy, stub01), path.join(zip, stub01));
    expect(() => kataStubBytes(zip, readManifest(copy), ['01-tensors'])).toThrow(KataStubsUnavailable);
    expect(() => kataStubBytes(zip, readManifest(copy), ['01-tensors'])).toThrow(
      /the kata's stub of exercises\/01-tensors\/tensors\.ts \(git blob [0-9a-f]{12}\) is not in this copy.*no git history \(a zip download\?\)\. Fix: work in a git clone of the kata/,
    );
  });
});

describe('npm run reset after a commit', () => {
  it('restores the kata’s stub over the committed solution, keeps a backup, and says so', () => {
    const solved = readFileSync(path.join(copy, stub01), 'utf8');
    const reset = node('scripts/reset.ts', '01');
    const said = `${reset.stdout}${reset.stderr}`;
    expect(reset.status, said).toBe(0);
    expect(said).toMatch(
      /Restored exercises\/01-tensors\/tensors\.ts: it is the kata's stub again \(git blob [0-9a-f]{12}, recorded in grading\/manifest\.json\)\. Your version is saved in \.kata\/backups\/01-tensors\/tensors\.[0-9T-]+Z\.ts\./,
    );
    const backup = /saved in (\S+)\.$/m.exec(said)?.[1] as string;
    expect(readFileSync(path.join(copy, backup), 'utf8')).toBe(solved);
    const kata = Buffer.from(kataStubBytes(copy, readManifest(copy), ['01-tensors']).get(stub01) as Uint8Array);
    expect(readFileSync(path.join(copy, stub01), 'utf8')).toBe(kata.toString('utf8'));
    // the learner's commit is untouched: the reset is a change in the working tree
    expect(git('status', '--porcelain', stub01).trim()).toBe(`M ${stub01}`);
    const again = node('scripts/reset.ts', '01');
    expect(again.status).toBe(1);
    expect(`${again.stdout}${again.stderr}`).toContain(`${stub01} is already the kata's stub: nothing to reset.`);
  }, 120_000);
});
