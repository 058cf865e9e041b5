/** Small pieces of the learner's commands: arguments, colours, git, the reveal policy. */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgsError, commandName, parseCommandArgs, usageLine } from '../../scripts/lib/args.ts';
import { committedVersion, GitUnavailableError, NotCommittedError } from '../../scripts/lib/git.ts';
import { revealDecision } from '../../scripts/lib/reveal.ts';
import { colorEnabled, displayWidth, padEndWidth, stripAnsi, truncate } from '../../scripts/lib/term.ts';
import { hasGit, tempDir } from './fake-kata.ts';

const tmp = tempDir('kata-cli-lib-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseCommandArgs', () => {
  const options = { force: { type: 'boolean' }, step: { type: 'string' }, lang: { type: 'string' } } as const;
  const problem = (argv: string[], allowPositionals = true) => {
    try {
      parseCommandArgs(argv, options, allowPositionals);
    } catch (e) {
      expect(e).toBeInstanceOf(ArgsError);
      return { problem: (e as ArgsError).problem, flag: (e as ArgsError).flag, message: (e as Error).message };
    }
    throw new Error(`${argv.join(' ')} parsed`);
  };

  it('reads positionals, flags and values, in either spelling; --help and -h are always known', () => {
    const a = parseCommandArgs(['03', '--force', '--step', '2', '--lang=ko', 'extra'], options);
    expect(a.positionals).toEqual(['03', 'extra']);
    expect({ ...a.values }).toEqual({ force: true, step: '2', lang: 'ko' });
    expect(parseCommandArgs(['-h'], {}).values.help).toBe(true);
    expect(parseCommandArgs(['--help'], {}).values.help).toBe(true);
  });

  it('names the flag at fault: unknown, a value missing, a value given to a flag, an argument where none is taken', () => {
    expect(problem(['03', '-x'])).toEqual({ problem: 'unknown', flag: '-x', message: 'unknown option -x' });
    expect(problem(['--chek'])).toMatchObject({ problem: 'unknown', message: 'unknown option --chek' });
    expect(problem(['--step'])).toEqual({ problem: 'needs-value', flag: '--step', message: '--step needs a value' });
    // node reads `--step --force` as --step with no value, not as --step = "--force"
    expect(problem(['--step', '--force'])).toMatchObject({ problem: 'needs-value', flag: '--step' });
    expect(problem(['--force=yes'])).toEqual({
      problem: 'takes-no-value',
      flag: '--force',
      message: '--force takes no value',
    });
    expect(problem(['03'], false)).toEqual({ problem: 'no-arguments', flag: '03', message: 'unexpected argument 03' });
  });

  it('says the command as it is typed, and where its options are listed', () => {
    const script = (name: string) => pathToFileURL(path.join(tmp, 'scripts', `${name}.ts`)).href;
    expect(commandName(script('start'))).toBe('npm start');
    expect(commandName(script('test'))).toBe('npm test');
    expect(commandName(script('new-exercise'))).toBe('npm run new-exercise');
    expect(usageLine('npm run hint', new ArgsError('needs-value', '--step'))).toBe(
      'npm run hint: --step needs a value (npm run hint -- --help lists the options)',
    );
  });
});

describe('colours', () => {
  it('NO_COLOR wins, then FORCE_COLOR, then whether it is a terminal', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
  });

  it('truncates by columns on screen: colours take none, Hangul takes two', () => {
    expect(truncate('\x1b[31mabcdef\x1b[39m', 4)).toBe('abc…');
    expect(stripAnsi(truncate('\x1b[31mab\x1b[39m', 4))).toBe('ab');
    expect(displayWidth('스펙 3개')).toBe(8);
    expect(truncate('저장할 때마다', 8)).toBe('저장할 …');
    expect(padEndWidth('완료', 6)).toBe('완료  ');
  });
});

describe('the reveal policy', () => {
  it('shows the solution after the pass; before it only with --force, as "early"', () => {
    expect(revealDecision(true, false)).toBe('show');
    expect(revealDecision(true, true)).toBe('show');
    expect(revealDecision(false, true)).toBe('show-early');
    expect(revealDecision(false, false)).toBe('refuse');
  });
});

describe('committedVersion', () => {
  it('says when git is not there', () => {
    expect(() => committedVersion(tmp, path.join(tmp, 'x.ts'), path.join(tmp, 'no-git'))).toThrow(GitUnavailableError);
  });

  it.runIf(hasGit())('reads the file as committed, and says when there is none', () => {
    const repo = path.join(tmp, 'repo');
    execFileSync('git', ['init', '-q', repo]);
    writeFileSync(path.join(repo, 'a.ts'), 'committed\n');
    execFileSync('git', ['add', 'a.ts'], { cwd: repo });
    execFileSync('git', ['-c', 'user.name=k', '-c', 'user.email=k@k', 'commit', '-q', '--no-verify', '-m', 'a'], {
      cwd: repo,
    });
    writeFileSync(path.join(repo, 'a.ts'), 'changed\n');
    expect(committedVersion(repo, path.join(repo, 'a.ts'))).toBe('committed\n');
    expect(() => committedVersion(repo, path.join(repo, 'b.ts'))).toThrow(NotCommittedError);
    expect(() => committedVersion(tmp, path.join(tmp, 'x.ts'))).toThrow(NotCommittedError);
  });
});
