/**
 * A class roster: a CSV of learners, their repositories and the ref to grade. It is the
 * instructor's file, but its cells usually come from learners (a name, a URL pasted in a
 * form), so every cell is checked before git sees it: a URL that is an option
 * (`--upload-pack=…`), a remote helper (`ext::…`), a plain-text protocol, a local path outside
 * the allowed folder, or a ref that is not a ref stops the run with the file and line.
 *
 *   learner,url,ref
 *   alice,https://github.com/course/alice.git,main
 *   bob,git@github.com:course/bob.git,2026-12-01T23:59:00+01:00
 *   carol,file:///srv/course/carol,9fceb02d0ae598e95dc970b74767f19372d61af8
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { safeNames, sha256 } from './util.ts';

export type Ref =
  | { kind: 'default' }
  | { kind: 'name'; name: string }
  | { kind: 'commit'; id: string }
  /** the last commit on the default branch committed at or before `at` */
  | { kind: 'deadline'; at: Date; text: string };

export interface RosterEntry {
  /** 0-based position among the roster's learners: the class report's order */
  index: number;
  /** the roster file and line, for messages */
  where: string;
  learner: string;
  url: string;
  /** 'file' URLs are fetched with git's file protocol allowed, and no other */
  protocol: 'https' | 'ssh' | 'file';
  ref: Ref;
  /** the learner's folder: the name made safe, unique over the whole roster (not per shard) */
  folder: string;
}

export interface Roster {
  file: string;
  /** of the text with CRLF made LF: shards of one roster share it */
  sha256: string;
  entries: RosterEntry[];
}

export class RosterError extends Error {}

/** RFC 4180 rows: quoted cells may hold commas, quotes ("") and line breaks. Each row keeps its first line number. */
export function parseCsv(text: string, file: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let touched = false;
  const s = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
      touched = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
      touched = true;
    } else if (c === '\n') {
      if (touched || cell !== '') rows.push({ line: start, cells: [...cells, cell] });
      cells = [];
      cell = '';
      touched = false;
      start = ++line;
    } else {
      cell += c;
    }
  }
  if (quoted) throw new RosterError(`${file}:${start}: a quoted cell is never closed`);
  if (touched || cell !== '') rows.push({ line: start, cells: [...cells, cell] });
  return rows;
}

const DEADLINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})$/;

/** A ref cell: empty (the default branch), a full commit id, a deadline with its time zone, or a branch or tag name. */
export function parseRef(raw: string): Ref {
  const s = raw.trim();
  if (s === '') return { kind: 'default' };
  if (/^[0-9a-f]{40}$|^[0-9a-f]{64}$/i.test(s)) return { kind: 'commit', id: s.toLowerCase() };
  // a ':' never appears in a branch name (git check-ref-format), so a time is never a branch
  if (s.includes(':')) {
    const at = new Date(s);
    if (!DEADLINE.test(s) || Number.isNaN(at.getTime())) {
      throw new RosterError(
        `ref ${JSON.stringify(s)}: a deadline is a date and time with its zone, like 2026-12-01T23:59:00Z or 2026-12-01T23:59:00+01:00`,
      );
    }
    return { kind: 'deadline', at, text: s };
  }
  if (/^[0-9a-f]{7,39}$/i.test(s)) {
    throw new RosterError(
      `ref ${JSON.stringify(s)}: give a commit by its full 40-character id (a short one cannot be fetched)`,
    );
  }
  const bad =
    !/^[A-Za-z0-9._/-]+$/.test(s) || /^[-/.]|[/.]$|\.\.|\/\/|\/\.|@\{|\.lock$|\.lock\//.test(s) || s.length > 200;
  if (bad) throw new RosterError(`ref ${JSON.stringify(s)}: not a branch or tag name git accepts`);
  return { kind: 'name', name: s };
}

/**
 * A repository URL git may fetch: https://, ssh://, user@host:path, or file:// inside
 * `localRoot`. Never an option, a remote helper (`ext::`, `fd::`), plain http:// or git://,
 * credentials written into the URL, or a bare local path.
 */
export function checkUrl(raw: string, localRoot: string): { url: string; protocol: RosterEntry['protocol'] } {
  const s = raw.trim();
  const quoted = JSON.stringify(s);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (s === '' || /[\s\u0000-\u001f\u007f]/.test(s))
    throw new RosterError(`url ${quoted}: empty or has spaces or control characters`);
  if (s.startsWith('-')) throw new RosterError(`url ${quoted}: starts with "-", which git would read as an option`);
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(s))
    throw new RosterError(`url ${quoted}: git remote helpers (ext::, fd::, …) are refused`);
  const scp = /^([A-Za-z0-9._-]+)@([A-Za-z0-9][A-Za-z0-9.-]*):([A-Za-z0-9._~/-]+)$/.exec(s);
  if (scp && !scp[3]?.startsWith('-')) return { url: s, protocol: 'ssh' };
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new RosterError(`url ${quoted}: not a URL; use https://…, ssh://…, git@host:owner/repo.git or file:///…`);
  }
  if (u.password || (u.protocol === 'https:' && u.username)) {
    throw new RosterError(`url ${quoted}: credentials do not belong in the roster; see the token in INSTRUCTORS.md`);
  }
  if (u.protocol === 'https:' || u.protocol === 'ssh:') {
    if (!u.hostname || u.hostname.startsWith('-') || u.username.startsWith('-') || u.pathname.length < 2) {
      throw new RosterError(`url ${quoted}: needs a host and a repository path`);
    }
    return { url: s, protocol: u.protocol === 'https:' ? 'https' : 'ssh' };
  }
  if (u.protocol === 'file:') {
    if (u.host) throw new RosterError(`url ${quoted}: a file URL names no host (file:///path)`);
    let real: string;
    try {
      real = realpathSync(fileURLToPath(u));
    } catch {
      throw new RosterError(`url ${quoted}: no such folder`);
    }
    const root = realpathSync(localRoot);
    const rel = path.relative(root, real);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new RosterError(`url ${quoted}: outside ${root}, the only folder file URLs may name (--local-root)`);
    }
    if (!statSync(real).isDirectory()) throw new RosterError(`url ${quoted}: not a folder`);
    return { url: s, protocol: 'file' };
  }
  throw new RosterError(
    `url ${quoted}: ${u.protocol}// is refused (unencrypted or not git); use https://, ssh://, git@host:path or file://`,
  );
}

/**
 * The roster in `file`: a header naming the columns `learner` and `url` (and optionally
 * `ref`; other columns are ignored), then one learner a line. Blank lines and lines starting
 * with `#` are skipped. Every problem is collected, each with its line, before throwing.
 */
export function parseRoster(text: string, file: string, localRoot: string): Roster {
  const name = path.basename(file);
  const rows = parseCsv(text, name).filter((r) => !(r.cells.length === 1 && /^\s*(#.*)?$/.test(r.cells[0] ?? '')));
  const header = rows.shift();
  const cols = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  const at = (k: string) => cols.indexOf(k);
  if (at('learner') < 0 || at('url') < 0) {
    throw new RosterError(`${name}:${header?.line ?? 1}: the first line must name the columns: learner,url,ref`);
  }
  const errors: string[] = [];
  const seen = new Map<string, number>();
  const raw: Omit<RosterEntry, 'folder' | 'index'>[] = [];
  for (const row of rows) {
    const where = `${name}:${row.line}`;
    const cell = (k: string) => (at(k) >= 0 ? (row.cells[at(k)] ?? '') : '');
    try {
      const learner = cell('learner').trim();
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
      if (!learner || learner.length > 100 || /[\u0000-\u001f\u007f]/.test(learner)) {
        throw new RosterError('learner: empty, longer than 100 characters, or has control characters');
      }
      const before = seen.get(learner.toLowerCase());
      if (before !== undefined)
        throw new RosterError(`learner ${JSON.stringify(learner)} is already on line ${before}`);
      seen.set(learner.toLowerCase(), row.line);
      raw.push({ where, learner, ...checkUrl(cell('url'), localRoot), ref: parseRef(cell('ref')) });
    } catch (e) {
      if (!(e instanceof RosterError)) throw e;
      errors.push(`${where}: ${e.message}`);
    }
  }
  if (errors.length) throw new RosterError(errors.join('\n'));
  if (raw.length === 0) throw new RosterError(`${name}: no learners in it`);
  const folders = safeNames(raw.map((r) => r.learner));
  return {
    file,
    sha256: sha256(text.replace(/\r\n?/g, '\n')),
    entries: raw.map((r, index) => ({ ...r, index, folder: folders[index] as string })),
  };
}

/** `--shard K/N`: K and N whole, 1 ≤ K ≤ N. */
export function parseShard(raw: string): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || k < 1 || n < 1 || k > n || n > 256) {
    throw new RosterError(`--shard takes K/N with 1 ≤ K ≤ N ≤ 256, like 2/4; got ${JSON.stringify(raw)}`);
  }
  return { k, n };
}

/** The K-th of N slices: every N-th learner from the K-th on, so a sorted roster spreads evenly. */
export function shardOf<T extends { index: number }>(
  entries: readonly T[],
  shard: { k: number; n: number } | null,
): T[] {
  return shard ? entries.filter((e) => e.index % shard.n === shard.k - 1) : [...entries];
}
