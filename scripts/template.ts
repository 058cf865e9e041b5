/**
 * `npm run template -- --out DIR`: writes a learner's template of the kata — what a graded
 * course hands out — without the reference solutions. Learners' copies of the full kata contain
 * solutions/; a course that counts grades publishes those elsewhere, after the deadline.
 *
 *   npm run template -- --out ../kata-2027                 the committed files, minus the solutions
 *   npm run template -- --out ../kata-2027 --solutions-url https://example.edu/kata/solutions
 *
 * Left out: solutions/ (the reference solutions), tests/ (the maintainers' tests, which check
 * those solutions) and the maintainers' CI workflow. Kept: everything a learner uses — the
 * exercises, lib/, the runner, hints, plots, the grader with its judges and manifest, and the
 * Classroom workflow. package.json gains `"kata": { "template": true, "solutionsUrl": … }`:
 * `npm run solution` and the runner then say where the solutions are published, and `npm test`
 * runs the checks that make sense without them. Grading such a copy needs the instructor's
 * full kata as the grader (KATA_GRADER_REPO, or --submission): the judge compares with the
 * reference solutions, which the copy does not have (INSTRUCTORS.md).
 *
 * The files are the committed ones (`git ls-files`, as they are in the working tree; a tracked
 * file with uncommitted changes is named). The folder is written aside and renamed, so it is
 * whole or absent.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCli } from './lib/cli.ts';
import { ROOT } from './lib/exercises.ts';
import { renameWithRetry } from './lib/files.ts';

/** What a learner's template leaves out, as path prefixes. */
export const LEFT_OUT = ['solutions/', 'tests/', '.github/workflows/ci.yml'];

export function templateFiles(tracked: readonly string[]): string[] {
  return tracked.filter((f) => !LEFT_OUT.some((p) => f === p || f.startsWith(p)));
}

/** The command: its exit code (0 written, 1 failed, 2 refused: nothing written). */
export function main(argv: readonly string[], error: (line: string) => void = console.error): number {
  const cli = startCli(import.meta.url, argv, { out: { type: 'string' }, 'solutions-url': { type: 'string' } });
  const out = cli.args.values.out;
  const url = cli.args.values['solutions-url'] ?? null;
  if (!out) {
    error('template: --out DIR is required (the folder to write the learner template into)');
    return 2;
  }
  if (url !== null && !/^https?:\/\/\S+$/.test(url)) {
    error(`template: --solutions-url must be an http(s) address, got ${JSON.stringify(url)}`);
    return 2;
  }
  const target = path.resolve(out);
  if (existsSync(target) && readdirSync(target).length > 0) {
    error(`template: ${out} exists and is not empty; choose a new folder`);
    return 2;
  }
  let tracked: string[];
  try {
    tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      .split('\0')
      .filter(Boolean);
  } catch (e) {
    console.error(`template: this must be a git checkout of the kata (${(e as Error).message.split('\n')[0]})`);
    return 1;
  }
  const changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
  const files = templateFiles(tracked).filter((f) => existsSync(path.join(ROOT, f)));
  const staging = `${target}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const f of files) {
      mkdirSync(path.dirname(path.join(staging, f)), { recursive: true });
      cpSync(path.join(ROOT, f), path.join(staging, f));
    }
    const pkgFile = path.join(staging, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
    pkg.kata = { template: true, ...(url ? { solutionsUrl: url } : {}) };
    writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
    if (existsSync(target)) rmSync(target, { recursive: true });
    renameWithRetry(staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const kept = changed.filter((f) => files.includes(f));
  console.log(`template: ${files.length} files in ${out} (left out: ${LEFT_OUT.join(', ')})`);
  if (kept.length) console.log(`template: these have uncommitted changes, copied as they are: ${kept.join(', ')}`);
  console.log(
    url
      ? `template: npm run solution will point learners to ${url}`
      : 'template: no --solutions-url: npm run solution will say the solutions are not in this copy',
  );
  return 0;
}

// Run only as a script, not when a test imports this module.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
