/** Small helpers of the grader: atomic writes, hashing, message cleaning, the commit of a checkout. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

/** Writes through a temp file in the same folder, then renames: a reader never sees half a file. */
export { writeFileAtomic as writeAtomic } from '../../lib/files.ts';

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
      s = s
        .replaceAll(variant + path.sep, '')
        .replaceAll(`${variant}/`, '')
        .replaceAll(variant, '.');
    }
  }
  // frames inside the runner, fast-check or TensorFlow.js say nothing about the learner's code
  const lines = s.split('\n').filter((l) => !/^\s*at .*node_modules[\\/]/.test(l) && !/^\s*at .*node:internal/.test(l));
  let out = lines.slice(0, maxLines).join('\n');
  if (lines.length > maxLines) out += `\n… (${lines.length - maxLines} more lines)`;
  if (out.length > maxChars) out = `${out.slice(0, maxChars)}…`;
  return out.trimEnd();
}

/**
 * The commit checked out in `dir` (HEAD), or null outside git. Reads .git directly, so it
 * needs no git binary and runs nothing from a learner's .git/config; falls back to
 * `git rev-parse HEAD` for layouts it does not know (e.g. the reftable format).
 */
export function headCommit(dir: string): string | null {
  try {
    let gitDir = path.join(dir, '.git');
    if (!existsSync(gitDir)) return null;
    if (statSync(gitDir).isFile()) {
      const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(gitDir, 'utf8'));
      if (!m) return null;
      gitDir = path.resolve(dir, (m[1] as string).trim());
    }
    // a worktree keeps its refs in the main repository ("commondir")
    const commonFile = path.join(gitDir, 'commondir');
    const common = existsSync(commonFile) ? path.resolve(gitDir, readFileSync(commonFile, 'utf8').trim()) : gitDir;
    let ref = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    for (let hops = 0; hops < 5; hops++) {
      if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(ref)) return ref;
      const m = /^ref:\s*(.+)$/.exec(ref);
      if (!m) break;
      const name = (m[1] as string).trim();
      const loose = [path.join(gitDir, name), path.join(common, name)].find((f) => existsSync(f));
      if (loose) {
        ref = readFileSync(loose, 'utf8').trim();
        continue;
      }
      const packed = path.join(common, 'packed-refs');
      if (!existsSync(packed)) return null; // an unborn branch: no commit yet
      const line = readFileSync(packed, 'utf8')
        .split('\n')
        .find((l) => l.endsWith(` ${name}`));
      return line ? (line.split(' ')[0] as string) : null;
    }
  } catch {
    // fall through to git itself
  }
  const git = spawnSync('git', ['rev-parse', '--verify', '-q', 'HEAD'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 10_000,
  });
  return git.status === 0 && /^[0-9a-f]{40,64}$/.test(git.stdout.trim()) ? git.stdout.trim() : null;
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
