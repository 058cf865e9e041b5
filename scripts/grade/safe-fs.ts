/**
 * Reading what a learner controls. A submission is hostile input: any path in it can be a
 * symbolic link (to the grader's secrets, to /dev/zero), a FIFO (a read that never returns), a
 * device, or a file of gigabytes. Everything the grader reads from a submission goes through
 * here: regular files only, never a link, opened without blocking, read up to a cap.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';

/** Why a path was refused, in words for a report. */
export class Refused extends Error {}

type Stats = import('node:fs').Stats;

/** The kind of a non-regular entry, for messages. */
function kind(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/**
 * The bytes of a regular file, at most `maxBytes` of them; null if nothing is at `file`.
 * Throws Refused for a link, a FIFO, a device, a folder or a file over the cap. The file is
 * opened with O_NOFOLLOW | O_NONBLOCK and checked again once open, so swapping it for a link
 * or a FIFO between the check and the read gains nothing.
 */
export function readRegular(file: string, maxBytes: number): Buffer | null {
  let st: Stats;
  try {
    st = lstatSync(file);
  } catch {
    return null;
  }
  if (!st.isFile()) throw new Refused(`${kind(st)}, not read`);
  if (st.size > maxBytes) throw new Refused(`too large (${st.size} bytes, the limit is ${maxBytes}), not read`);
  // O_NOFOLLOW and O_NONBLOCK are 0 on Windows, where FIFOs and these links do not arise this way
  const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
  let fd: number;
  try {
    fd = openSync(file, flags);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new Refused('a symbolic link, not read');
    if (code === 'ENOENT') return null;
    throw new Refused(`cannot be read (${code ?? (e as Error).message})`);
  }
  try {
    const open = fstatSync(fd);
    if (!open.isFile()) throw new Refused(`${kind(open)}, not read`);
    const size = Math.min(open.size, maxBytes + 1);
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    if (got > maxBytes) throw new Refused(`too large (over ${maxBytes} bytes), not read`);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Like readRegular, as UTF-8 text; null when absent or refused. */
export function readRegularText(file: string, maxBytes: number): string | null {
  try {
    return readRegular(file, maxBytes)?.toString('utf8') ?? null;
  } catch (e) {
    if (e instanceof Refused) return null;
    throw e;
  }
}

/** What lstat says is at `p`: 'file', 'dir', 'missing', or the refusal reason for anything else. */
export function entryKind(p: string): 'file' | 'dir' | 'missing' | string {
  let st: Stats;
  try {
    st = lstatSync(p);
  } catch {
    return 'missing';
  }
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  return kind(st);
}

export interface WalkEntry {
  /** POSIX path relative to the walk's root */
  rel: string;
  abs: string;
  size: number;
}

/**
 * The regular files under `dir`, without following links, with the entries it refused
 * (links, FIFOs, devices) named. Depth and count are capped: a submission cannot make the
 * walk itself the attack.
 */
export function walkRegular(
  dir: string,
  {
    maxDepth = 12,
    maxEntries = 20_000,
    skip = (_name: string): boolean => false,
  }: { maxDepth?: number; maxEntries?: number; skip?: (name: string) => boolean } = {},
): { files: WalkEntry[]; refused: { rel: string; why: string }[] } {
  const files: WalkEntry[] = [];
  const refused: { rel: string; why: string }[] = [];
  let seen = 0;
  const visit = (abs: string, rel: string, depth: number) => {
    if (depth > maxDepth) {
      refused.push({ rel, why: `nested deeper than ${maxDepth} folders, not read` });
      return;
    }
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch {
      refused.push({ rel, why: 'cannot be listed' });
      return;
    }
    for (const name of names) {
      if (++seen > maxEntries) {
        refused.push({ rel, why: `more than ${maxEntries} entries, the rest not read` });
        return;
      }
      if (skip(name)) continue;
      const a = path.join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      let st: Stats;
      try {
        st = lstatSync(a);
      } catch {
        continue;
      }
      if (st.isDirectory()) visit(a, r, depth + 1);
      else if (st.isFile()) files.push({ rel: r, abs: a, size: st.size });
      else refused.push({ rel: r, why: `${kind(st)}, refused` });
    }
  };
  visit(dir, '', 0);
  return { files, refused };
}
