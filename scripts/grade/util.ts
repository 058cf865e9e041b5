/** Small helpers of the grader: atomic writes, hashing, message cleaning, the commit of a checkout. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { entryKind, readRegularText } from './safe-fs.ts';

/** Writes through a temp file in the same folder, then renames: a reader never sees half a file. */
export { writeFileAtomic as writeAtomic } from '../lib/files.ts';

/** Git's own heuristic: a NUL byte in the first 8000 bytes means binary. */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

/**
 * Text with CRLF turned into LF, so a Windows checkout (core.autocrlf) hashes like the kata;
 * binary content stays as it is.
 */
export function normalised(bytes: Uint8Array): Uint8Array {
  if (isBinary(bytes)) return bytes;
  return Buffer.from(Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n'), 'utf8');
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** JSON with object keys sorted at every level: the same data always gives the same bytes. */
export function canonicalJson(value: unknown, indent = 0): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value), null, indent);
}

export function stripAnsi(text: string): string {
  return stripVTControlCharacters(text);
}

/**
 * A failure message fit for a report: ANSI stripped, the grader's temp paths made relative,
 * at most `maxLines` lines and `maxChars` characters.
 */
export function trimMessage(text: string, { roots = [] as string[], maxLines = 12, maxChars = 800 } = {}): string {
  let s = stripAnsi(text).replace(/\r\n/g, '\n');
  for (const root of roots) {
    for (const variant of new Set([root, root.replaceAll('\\', '/')])) {
      // the root as a whole path only: '/kata' in '/tmp/kata-x' stays
      const at = new RegExp(`(?<![\\w.-])${variant.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.-])([\\\\/])?`, 'g');
      s = s.replace(at, (_m, sep?: string) => (sep ? '' : '.'));
    }
  }
  // frames inside the runner, fast-check or TensorFlow.js say nothing about the learner's code
  const lines = s.split('\n').filter((l) => !/^\s*at .*node_modules[\\/]/.test(l) && !/^\s*at .*node:internal/.test(l));
  let out = lines.slice(0, maxLines).join('\n');
  if (lines.length > maxLines) out += `\n… (${lines.length - maxLines} more lines)`;
  if (out.length > maxChars) out = `${out.slice(0, maxChars)}…`;
  return out.trimEnd();
}

const HEX_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const REF_NAME = /^refs\/(?:[A-Za-z0-9._-]+\/)*[A-Za-z0-9._-]+$/;

/**
 * The commit checked out in `dir` (HEAD), or null outside git or when it cannot be told.
 * `.git` belongs to the learner, so it is read as untrusted data: regular files only (never a
 * link or a FIFO), each within a size cap, ref names checked, and the answer must be a hex id.
 * No git binary runs, so nothing in a learner's .git/config runs either.
 */
export function headCommit(dir: string): string | null {
  const small = (f: string, max = 4096) => readRegularText(f, max)?.trim() ?? null;
  let gitDir = path.join(dir, '.git');
  const kind = entryKind(gitDir);
  if (kind === 'file') {
    const m = /^gitdir:\s*(.+)$/m.exec(small(gitDir) ?? '');
    if (!m) return null;
    gitDir = path.resolve(dir, (m[1] as string).trim());
    if (entryKind(gitDir) !== 'dir') return null;
  } else if (kind !== 'dir') {
    return null;
  }
  // a worktree keeps its refs in the main repository ("commondir")
  const commonRel = small(path.join(gitDir, 'commondir'));
  const common = commonRel ? path.resolve(gitDir, commonRel) : gitDir;
  let ref = small(path.join(gitDir, 'HEAD'));
  for (let hops = 0; hops < 5 && ref; hops++) {
    if (HEX_ID.test(ref)) return ref;
    const m = /^ref:\s*(\S+)$/.exec(ref);
    if (!m || !REF_NAME.test(m[1] as string) || (m[1] as string).includes('..')) return null;
    const name = m[1] as string;
    const loose = small(path.join(gitDir, name)) ?? small(path.join(common, name));
    if (loose !== null) {
      ref = loose;
      continue;
    }
    const packed = readRegularText(path.join(common, 'packed-refs'), 16 * 1024 * 1024);
    if (packed === null) return null; // an unborn branch: no commit yet
    const line = packed.split('\n').find((l) => l.endsWith(` ${name}`));
    const id = line?.split(' ')[0] ?? '';
    return HEX_ID.test(id) ? id : null;
  }
  return null;
}

/**
 * A learner's name as a folder name of the report: letters, digits, dot, dash and underscore,
 * no leading dot, at most 64 characters. Never a path: no separators, no "..".
 */
export function safeName(name: string): string {
  const s = name
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 64);
  return s || 'learner';
}

/** Unique safe folder names for these learners, in order (case-insensitively unique, for macOS and Windows). */
export function safeNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((n) => {
    const base = safeName(n);
    let name = base;
    for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${base}-${k}`;
    taken.add(name.toLowerCase());
    return name;
  });
}

/** Runs `fn` over `items` with at most `limit` running at once; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** 3.3333 → 3.33; keeps reports free of float noise (totals are summed before rounding). */
export function round2(x: number): number {
  return Math.round(x * 100 + Number.EPSILON) / 100;
}

/** 0.344827… → 0.3448: per-test points, precise enough to add up again. */
export function round4(x: number): number {
  return Math.round(x * 10_000 + Number.EPSILON) / 10_000;
}
