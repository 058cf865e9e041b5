/**
 * Fetching a roster's repositories: one shallow fetch each, into a folder named by the roster,
 * in a repository of ours (`git init` with no template: no hooks of anyone's), with git's
 * configuration for this one run given through the environment, never written to disk:
 *   - only the roster line's own protocol is allowed (https, ssh or file): no ext::, no fd::;
 *   - no hooks (core.hooksPath points nowhere), no fsmonitor, no submodules, no LFS smudge,
 *     objects checked (transfer.fsckObjects), paths git knows to be dangerous refused;
 *   - the checkout of the learner's files runs with no global or system config at all, so no
 *     filter driver their .gitattributes names can run;
 *   - no prompt for a password; a time limit on the whole fetch, after which git and what it
 *     started are killed;
 *   - the token (KATA_ROSTER_TOKEN), when given, only as an HTTP header for the GitHub host,
 *     so it appears in no command line, no URL and no .git/config.
 * A repository that cannot be fetched gets the reason, and the others go on.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { devNull } from 'node:os';
import path from 'node:path';
import type { RosterEntry } from './roster.ts';
import { mapLimit, writeAtomic } from './util.ts';

export interface Fetched {
  index: number;
  folder: string;
  commit: string | null;
  /** why the repository could not be fetched, or null */
  error: string | null;
}

export interface FetchOptions {
  timeoutMs: number;
  jobs: number;
  /** sent to `serverUrl`'s host only, as git's http.extraheader */
  token?: string | null;
  /** default GITHUB_SERVER_URL, else https://github.com */
  serverUrl?: string;
  log?: (line: string) => void;
}

/** What a --repos folder holds besides the learners' folders: which ones were fetched, at which commit. */
export const RECORD = '.kata-repos.json';

interface Git {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** git's settings for this fetch only, passed through the environment (never written to .git/config). */
export function fetchConfig(
  entry: RosterEntry,
  dir: string,
  opts: Pick<FetchOptions, 'token' | 'serverUrl'>,
): [string, string][] {
  const config: [string, string][] = [
    ['protocol.allow', 'never'],
    [`protocol.${entry.protocol}.allow`, 'always'],
    ['core.hooksPath', path.join(dir, '.git', 'no-hooks')],
    ['core.fsmonitor', 'false'],
    ['core.protectNTFS', 'true'],
    ['core.protectHFS', 'true'],
    ['fetch.recurseSubmodules', 'false'],
    ['submodule.recurse', 'false'],
    ['transfer.fsckObjects', 'true'],
    ['advice.detachedHead', 'false'],
    ['init.defaultBranch', 'main'],
  ];
  const server = new URL(opts.serverUrl ?? process.env.GITHUB_SERVER_URL ?? 'https://github.com');
  if (opts.token && entry.protocol === 'https' && new URL(entry.url).host === server.host) {
    const basic = Buffer.from(`x-access-token:${opts.token}`).toString('base64');
    config.push([`http.${server.origin}/.extraheader`, `AUTHORIZATION: basic ${basic}`]);
  }
  return config;
}

/** Variables of the caller's git that may stay: where its config lives, how it reaches hosts. */
const KEPT =
  /^GIT_(CONFIG_GLOBAL|CONFIG_SYSTEM|CONFIG_NOSYSTEM|SSH|SSH_COMMAND|SSH_VARIANT|SSL_CAINFO|SSL_CAPATH|PROXY_SSL_.*)$/;

/**
 * The environment of one git command. `trusted`: with the instructor's own git config
 * (credential helpers, URL rewrites, proxies), for the fetch; otherwise with none at all, for
 * the checkout, so no filter, hook or fsmonitor of any config runs on the learner's files.
 */
function gitEnv(config: [string, string][], trusted: boolean): NodeJS.ProcessEnv {
  // the caller's GIT_DIR, GIT_CONFIG_PARAMETERS and the like must not redirect this run
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_') || KEPT.test(k)));
  config.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  const untrusted = trusted ? {} : { GIT_CONFIG_GLOBAL: devNull, GIT_CONFIG_NOSYSTEM: '1' };
  return {
    ...env,
    ...untrusted,
    GIT_CONFIG_COUNT: String(config.length),
    GIT_TERMINAL_PROMPT: '0',
    GIT_LFS_SKIP_SMUDGE: '1',
    GCM_INTERACTIVE: 'never',
    GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes',
  };
}

function git(args: string[], cwd: string, env: NodeJS.ProcessEnv, deadline: number): Promise<Git> {
  return new Promise((resolve) => {
    // its own process group on POSIX, so a timeout also ends the ssh or remote helper it started
    const child = spawn('git', args, {
      cwd,
      env,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 64_000) stderr += b.toString();
    });
    const timer = setTimeout(
      () => {
        timedOut = true;
        try {
          if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          // already gone
        }
      },
      Math.max(1, deadline - Date.now()),
    );
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: e.message, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** git's reason, in one line, without the local folder's path. */
function reason(r: Git, dir: string, timeoutMs: number): string {
  if (r.timedOut) return `git took longer than ${timeoutMs / 1000} s (--fetch-timeout)`;
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const first = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines.at(-1) ?? `git exited with ${r.code}`;
  return first
    .replace(/^(fatal|error):\s*/, '')
    .replaceAll(dir, '.')
    .slice(0, 300);
}

/** Fetches one roster line into `dir` (emptied first) and checks out the commit to grade. */
export async function fetchOne(entry: RosterEntry, dir: string, opts: FetchOptions): Promise<Fetched> {
  const done = (commit: string | null, error: string | null): Fetched => ({
    index: entry.index,
    folder: entry.folder,
    commit,
    error,
  });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const config = fetchConfig(entry, dir, opts);
  const env = gitEnv(config, true);
  const deadline = Date.now() + opts.timeoutMs;
  const run = (args: string[], e = env) => git(args, dir, e, deadline);
  const fail = (r: Git) => done(null, reason(r, dir, opts.timeoutMs));
  const fetch = (extra: string[], what: string) =>
    run([
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      ...extra,
      '--end-of-options',
      entry.url,
      `+${what}:refs/kata/graded`,
    ]);

  const init = await run(['init', '--quiet', '--template=', '.']);
  if (init.code !== 0) return fail(init);
  const ref = entry.ref;
  let commit: string;
  if (ref.kind === 'deadline') {
    // a shallow fetch of the commits after the deadline, then one generation more: the newest
    // commit at or before it (by commit date, first parents) is then in the repository
    const since = await fetch([`--shallow-since=${ref.at.toISOString()}`], 'HEAD');
    if (since.code !== 0) {
      if (!/no commits selected for shallow requests/.test(since.stderr)) return fail(since);
      const tip = await fetch(['--depth=1'], 'HEAD'); // nothing after the deadline: the tip is the answer
      if (tip.code !== 0) return fail(tip);
    } else {
      const deeper = await fetch(['--deepen=1'], 'HEAD');
      if (deeper.code !== 0) return fail(deeper);
    }
    const before = Math.floor(ref.at.getTime() / 1000);
    const found = await run(['rev-list', '-1', '--first-parent', `--before=${before}`, 'refs/kata/graded']);
    if (found.code !== 0) return fail(found);
    commit = found.stdout.trim();
    if (!commit) return done(null, `no commit on the default branch at or before the deadline ${ref.text}`);
  } else {
    const what = ref.kind === 'default' ? 'HEAD' : ref.kind === 'name' ? ref.name : ref.id;
    const got = await fetch(['--depth=1'], what);
    if (got.code !== 0) return fail(got);
    const id = await run(['rev-parse', '--verify', '--end-of-options', 'refs/kata/graded^{commit}']);
    if (id.code !== 0) return fail(id);
    commit = id.stdout.trim();
  }
  // the token's header is a fetch setting: the checkout gets none of it, nor any config of the instructor's
  const checkout = await run(
    ['checkout', '--quiet', '--detach', commit],
    gitEnv(
      config.filter(([k]) => !k.endsWith('extraheader')),
      false,
    ),
  );
  if (checkout.code !== 0) return fail(checkout);
  return done(commit, null);
}

/**
 * Fetches every entry into `reposDir/<folder>`, `jobs` at a time, and records the outcome in
 * `reposDir/.kata-repos.json` (so a later run can grade without fetching, and without a token).
 */
export async function fetchAll(
  entries: readonly RosterEntry[],
  reposDir: string,
  rosterSha: string,
  opts: FetchOptions,
): Promise<Fetched[]> {
  mkdirSync(reposDir, { recursive: true });
  let n = 0;
  const out = await mapLimit(entries, opts.jobs, async (e) => {
    const f = await fetchOne(e, path.join(reposDir, e.folder), opts);
    opts.log?.(
      `[fetch ${++n}/${entries.length}] ${e.learner}: ${f.error ? `not fetched: ${f.error}` : f.commit?.slice(0, 12)}`,
    );
    return f;
  });
  writeAtomic(
    path.join(reposDir, RECORD),
    `${JSON.stringify({ schema: 'gradient-katas/repos@1', roster: rosterSha, learners: out }, null, 2)}\n`,
  );
  return out;
}

/** The outcome of an earlier `--fetch-only` run in `reposDir`, for the same roster. Throws with the reason. */
export function readFetched(reposDir: string, rosterSha: string): Fetched[] {
  const file = path.join(reposDir, RECORD);
  if (!existsSync(file)) throw new Error(`--repos ${reposDir}: no ${RECORD} (fetch first with --fetch-only)`);
  const record = JSON.parse(readFileSync(file, 'utf8')) as { roster?: string; learners?: Fetched[] };
  if (record.roster !== rosterSha || !Array.isArray(record.learners)) {
    throw new Error(`--repos ${reposDir}: fetched for another roster (or another version of it): fetch again`);
  }
  return record.learners;
}

/**
 * Checks that `--repos DIR` is absent, empty, or a roster run's: the folders in it get
 * replaced, so it must not be anything else.
 */
export function checkReposDir(dir: string): void {
  if (!existsSync(dir)) return;
  const names = readdirSync(dir);
  if (names.length && !names.includes(RECORD)) {
    throw new Error(`--repos ${dir}: not empty and not made by --roster; name a new folder`);
  }
}
