/**
 * The roster is an attack surface (scripts/grade/roster.ts, fetch.ts): its cells come from
 * learners. URLs that are git options or remote helpers, plain-text protocols, local paths
 * outside the allowed folder, credentials, refs that are options, names that are paths or
 * formulas — each is refused with its line, or made harmless. Fetching runs no hook and no
 * filter of anyone's, is shallow, stops at its time limit, and keeps the token out of .git.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchConfig, fetchOne } from '../../scripts/grade/fetch.ts';
import { parseCsv, parseRoster, type RosterEntry, shardOf } from '../../scripts/grade/roster.ts';
import { ROOT } from '../../scripts/lib/exercises.ts';
import { gitAt } from './mini-kata.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'kata-roster-test-'));
const repo = path.join(tmp, 'course', 'learner');
const url = pathToFileURL(repo).href;
afterAll(() => rmSync(tmp, { recursive: true, force: true, maxRetries: 3 }));

const commits: string[] = [];
beforeAll(() => {
  mkdirSync(repo, { recursive: true });
  gitAt(repo, '2026-11-01T00:00:00Z', 'init', '-q', '-b', 'main');
  for (const day of ['01', '02', '03']) {
    // the learner's .gitattributes asks for a filter that an instructor's config might define
    writeFileSync(path.join(repo, '.gitattributes'), '* filter=evil\n');
    writeFileSync(path.join(repo, 'work.ts'), `export const day = ${day};\n`);
    gitAt(repo, `2026-11-${day}T12:00:00Z`, 'add', '-A');
    gitAt(repo, `2026-11-${day}T12:00:00Z`, 'commit', '-qm', `day ${day}`);
    commits.push(gitAt(repo, '2026-11-01T00:00:00Z', 'rev-parse', 'HEAD'));
  }
});

const roster = (lines: string) =>
  parseRoster(`learner,url,ref\n${lines}`, path.join(tmp, 'class.csv'), path.join(tmp, 'course'));
const entry = (ref = '', over: Partial<RosterEntry> = {}): RosterEntry => ({
  ...(roster(`x,${url},${ref}`).entries[0] as RosterEntry),
  ...over,
});

describe('reading a roster', () => {
  it('reads quoted cells, skips comments and blank lines, and names folders safely and uniquely', () => {
    expect(parseCsv('a,"b, ""c""\n d"\r\n\n', 'x.csv')).toEqual([{ line: 1, cells: ['a', 'b, "c"\n d'] }]);
    const r = roster(`# comment\n\n../../etc,${url},\nAlice,${url},main\nalice-2 ,${url},v1.0\n"a/b",${url},\n`);
    expect(r.entries.map((e) => [e.index, e.learner, e.folder, e.ref.kind])).toEqual([
      [0, '../../etc', 'etc', 'default'],
      [1, 'Alice', 'Alice', 'name'],
      [2, 'alice-2', 'alice-2', 'name'],
      [3, 'a/b', 'a_b', 'default'],
    ]);
  });

  it('refuses hostile URLs and refs, each with its line, and all of them at once', () => {
    const lines = [
      `a,--upload-pack=touch${path.sep}pwned,`,
      'b,ext::sh%20-c%20touch%20pwned,',
      'c,http://example.org/c.git,',
      'd,git://example.org/d.git,',
      'e,https://user:token@github.com/o/e.git,',
      'f,ssh://-oProxyCommand=touch/x,',
      'g,file:///etc,',
      `h,${path.join(tmp, 'course', 'learner')},`,
      `i,${url},--output=x`,
      `j,${url},main..x`,
      `k,${url},abc1234`,
      `l,${url},2026-12-01 23:59`,
      `a,${url},`,
      `"m\u0007",${url},`,
    ];
    let message = '';
    try {
      roster(lines.join('\n'));
    } catch (e) {
      message = (e as Error).message;
    }
    const expected = [
      'starts with "-"',
      'remote helpers (ext::, fd::, …) are refused',
      'http:// is refused',
      'git:// is refused',
      'credentials do not belong in the roster',
      'needs a host and a repository path',
      'outside',
      'not a URL',
      'not a branch or tag name',
      'not a branch or tag name',
      'full 40-character id',
      'a deadline is a date and time with its zone',
      'learner "a" is already on line 2',
      'control characters',
    ];
    expected.forEach((what, i) => {
      expect(message).toContain(`class.csv:${i + 2}: `);
      expect(message.split('\n')[i]).toContain(what);
    });
  });

  it('npm run grade exits 2 naming the roster line; --matrix makes one shard per learner at most', () => {
    writeFileSync(path.join(tmp, 'bad.csv'), `learner,url\nzed,--upload-pack=x\n`);
    const bad = spawnSync(
      process.execPath,
      ['--import', './scripts/register.mjs', 'scripts/grade.ts', '--roster', path.join(tmp, 'bad.csv')],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.csv:2: url "--upload-pack=x": starts with "-"/);
    writeFileSync(path.join(tmp, 'course', 'two.csv'), `learner,url\nann,${url}\nben,${url}\n`);
    writeFileSync(path.join(tmp, 'out.txt'), '');
    const plan = spawnSync(
      process.execPath,
      [
        '--import',
        './scripts/register.mjs',
        'scripts/grade.ts',
        '--roster',
        path.join(tmp, 'course', 'two.csv'),
        '--matrix',
        '4',
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, GITHUB_OUTPUT: path.join(tmp, 'out.txt') },
      },
    );
    expect(plan.status, plan.stderr).toBe(0);
    expect(readFileSync(path.join(tmp, 'out.txt'), 'utf8')).toBe('matrix={"shard":["1/2","2/2"]}\n');
  }, 120_000);

  it('shards are disjoint and together the whole roster', () => {
    const entries = Array.from({ length: 7 }, (_, index) => ({ index }));
    const parts = [1, 2, 3].map((k) => shardOf(entries, { k, n: 3 }).map((e) => e.index));
    expect(parts).toEqual([
      [0, 3, 6],
      [1, 4],
      [2, 5],
    ]);
  });
});

describe('fetching a learner repository', () => {
  it('is shallow and runs no hook or filter, even ones the instructor configured globally', async () => {
    const marker = path.join(tmp, 'ran');
    const hooks = path.join(tmp, 'hooks');
    mkdirSync(hooks);
    for (const hook of ['post-checkout', 'reference-transaction']) {
      writeFileSync(path.join(hooks, hook), `#!/bin/sh\necho ${hook} >> '${marker}'\n`, { mode: 0o755 });
    }
    writeFileSync(
      path.join(tmp, 'gitconfig'),
      `[core]\n\thooksPath = ${hooks}\n[filter "evil"]\n\tsmudge = sh -c 'echo filter >> ${marker}; cat'\n`,
    );
    process.env.GIT_CONFIG_GLOBAL = path.join(tmp, 'gitconfig');
    try {
      const dir = path.join(tmp, 'repos', 'x');
      const got = await fetchOne(entry(), dir, { timeoutMs: 30_000, jobs: 1, token: 'SECRET-TOKEN' });
      expect(got).toEqual({ index: 0, folder: 'x', commit: commits[2], error: null });
      expect(readFileSync(path.join(dir, 'work.ts'), 'utf8')).toBe('export const day = 03;\n');
      expect(gitAt(dir, '2026-11-01T00:00:00Z', 'rev-list', '--count', 'HEAD')).toBe('1');
      expect(existsSync(marker) ? readFileSync(marker, 'utf8') : '').toBe('');
      expect(readFileSync(path.join(dir, '.git', 'config'), 'utf8')).not.toMatch(/SECRET|extraheader|hooksPath/i);
    } finally {
      delete process.env.GIT_CONFIG_GLOBAL;
    }
  });

  it('a deadline takes the last commit at or before it; a commit or branch is taken as named', async () => {
    const at = async (ref: string) =>
      (await fetchOne(entry(ref), path.join(tmp, 'repos', 'd'), { timeoutMs: 30_000, jobs: 1 })).commit;
    expect(await at('2026-11-02T23:00:00+01:00')).toBe(commits[1]);
    expect(await at('2026-11-02T12:00:00Z')).toBe(commits[1]);
    expect(await at('2027-01-01T00:00:00Z')).toBe(commits[2]);
    expect(await at(commits[0] as string)).toBe(commits[0]);
    expect(await at('main')).toBe(commits[2]);
    const early = await fetchOne(entry('2026-10-01T00:00:00Z'), path.join(tmp, 'repos', 'd'), {
      timeoutMs: 30_000,
      jobs: 1,
    });
    expect(early.error).toBe('no commit on the default branch at or before the deadline 2026-10-01T00:00:00Z');
  });

  it('stops at its time limit, with everything git started', async () => {
    const pidFile = path.join(tmp, 'ssh.pid');
    const sleeper = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setTimeout(() => {}, 60000)`;
    process.env.GIT_SSH_COMMAND = `"${process.execPath}" -e "${sleeper.replace(/"/g, '\\"')}"`;
    try {
      const hang = entry('', { url: 'git@example.invalid:course/x.git', protocol: 'ssh' });
      const started = Date.now();
      const got = await fetchOne(hang, path.join(tmp, 'repos', 'h'), { timeoutMs: 1500, jobs: 1 });
      expect(got.error).toBe('git took longer than 1.5 s (--fetch-timeout)');
      expect(Date.now() - started).toBeLessThan(20_000);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      // gone, or a zombie waiting for init to reap it: either way no longer running
      const running = () => {
        try {
          process.kill(pid, 0);
        } catch {
          return false;
        }
        const stat = process.platform === 'linux' ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
        return !/^\d+ \(.*\) Z/.test(stat);
      };
      for (let i = 0; i < 20 && running(); i++) await new Promise((r) => setTimeout(r, 100));
      expect(running()).toBe(false);
    } finally {
      delete process.env.GIT_SSH_COMMAND;
    }
  });

  it('sends the token only to the GitHub host over https, as a header', () => {
    const header = (u: string, protocol: RosterEntry['protocol']) =>
      fetchConfig(entry('', { url: u, protocol }), '/r', { token: 't0k', serverUrl: 'https://github.com' }).filter(
        ([k]) => k.includes('extraheader'),
      );
    expect(header('https://github.com/course/a.git', 'https')).toEqual([
      [
        'http.https://github.com/.extraheader',
        `AUTHORIZATION: basic ${Buffer.from('x-access-token:t0k').toString('base64')}`,
      ],
    ]);
    expect(header('https://evil.example/course/a.git', 'https')).toEqual([]);
    expect(header('git@github.com:course/a.git', 'ssh')).toEqual([]);
  });
});
