/**
 * Every npm script that runs a script of scripts/ answers `--help` with its doc comment and
 * exits 0, without doing its job; a maintainer's typo is an error, not a rebuild or a
 * four-minute test run. Spawning all twenty would cost a minute on Node 20 (ts-node): each
 * script's source is checked for the one parser (scripts/lib/args.ts), and a few commands of
 * each kind are run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ArgsError, commandName, usageLine } from '../../scripts/lib/args.ts';
import { ROOT } from '../../scripts/lib/exercises.ts';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const scripts = Object.entries(pkg.scripts)
  .map(([name, cmd]) => ({ name, file: /scripts\/[\w-]+\.ts/.exec(cmd)?.[0] }))
  .filter((s): s is { name: string; file: string } => s.file !== undefined);

const run = (file: string, ...args: string[]) => runIn({}, file, ...args);
const runIn = (env: NodeJS.ProcessEnv, file: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', './scripts/register.mjs', file, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, KATA_LANG: 'en', ...env },
  });

/** The one parser, directly or through startCli (the learner's commands) or parseMutateArgs. */
const PARSER = /\b(startCli|commandArgs|parseCommandArgs|parseMutateArgs)\(/;

describe('--help on every command', () => {
  it('every npm script names a file that exists and parses its arguments with the one parser', () => {
    expect(scripts.length).toBeGreaterThan(15);
    for (const { name, file } of scripts) {
      expect(existsSync(path.join(ROOT, file)), `npm run ${name}: ${file}`).toBe(true);
      const source = readFileSync(path.join(ROOT, file), 'utf8');
      expect(PARSER.test(source), `npm run ${name} (${file}): not the one parser`).toBe(true);
      expect(/argv\.(includes|indexOf)\(/.test(source), `${file} parses argv by hand`).toBe(false);
    }
    // mutate parses in scripts/mutation/options.ts
    expect(readFileSync(path.join(ROOT, 'scripts/mutation/options.ts'), 'utf8')).toMatch(/parseCommandArgs\(/);
  });

  it('bench, manifest and test print their help and stop; an unknown option is exit 2', () => {
    for (const [file, first] of [
      ['scripts/bench.ts', '`npm run bench`: speed, side by side'],
      ['scripts/manifest.ts', '`npm run manifest`: writes grading/manifest.json'],
      ['scripts/test.ts', '`npm test`: everything a maintainer needs'],
    ] as const) {
      const help = run(file, '--help');
      expect(help.status, `${file}: ${help.stderr}`).toBe(0);
      expect(help.stdout.startsWith(first), help.stdout.slice(0, 200)).toBe(true);
      expect(help.stdout).not.toMatch(/protected files|npm test: typecheck|GFLOP/);
      const typo = run(file, '--chek');
      expect(typo.status, file).toBe(2);
      expect(typo.stderr).toMatch(/--chek/);
    }
  }, 180_000);
});

describe('a bad command line names the flag and where the help is, and exits 2', () => {
  it('a value missing, a value given to a flag, an unknown option, an argument where none is taken', () => {
    const cases = [
      [
        {},
        'scripts/sweep.ts',
        ['--jobs'],
        'npm run sweep: --jobs needs a value (npm run sweep -- --help lists the options)',
      ],
      [{}, 'scripts/manifest.ts', ['--check=yes'], 'npm run manifest: --check takes no value'],
      [
        {},
        'scripts/hint.ts',
        ['03', '--step'],
        'npm run hint: --step needs a value (npm run hint -- --help lists the options)',
      ],
      [
        { KATA_LANG: 'ko' },
        'scripts/list.ts',
        ['--chek'],
        'npm run list: 알 수 없는 옵션 --chek (옵션은 npm run list -- --help)',
      ],
      [{}, 'scripts/repl.ts', ['03'], 'npm run repl: unexpected argument 03'],
    ] as const;
    for (const [env, file, args, message] of cases) {
      const r = runIn(env, file, ...args);
      expect(r.status, `${file} ${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe('');
    }
  }, 180_000);
});

describe('the name a bad command line is reported under', () => {
  it("is the npm script, or the file of a maintainers' script below scripts/ (which has no npm script)", () => {
    const url = (file: string) => pathToFileURL(path.join(ROOT, file)).href;
    const typo = new ArgsError('unknown', '--runz');
    expect(usageLine(commandName(url('scripts/test.ts')), typo)).toBe(
      'npm test: unknown option --runz (npm test -- --help lists the options)',
    );
    expect(usageLine(commandName(url('scripts/list.ts')), typo)).toBe(
      'npm run list: unknown option --runz (npm run list -- --help lists the options)',
    );
    expect(usageLine(commandName(url('scripts/bench/simd.ts')), typo)).toBe(
      'scripts/bench/simd.ts: unknown option --runz (scripts/bench/simd.ts --help lists the options)',
    );
  });
});
