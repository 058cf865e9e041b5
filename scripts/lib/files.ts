/**
 * The scripts' file helpers: writes that are never half-written (a temp file in the same folder,
 * then a rename, retried on Windows), and the names and paths the scripts print.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const RETRYABLE = new Set(['EPERM', 'EACCES', 'EBUSY']);

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * renameSync, retried for a moment: on Windows a rename fails with EPERM/EACCES/EBUSY while
 * another process (an editor, a virus scanner, the search indexer) has the file, or any file
 * in the folder, open. Files and folders alike.
 */
export function renameWithRetry(from: string, to: string, rename = renameSync): void {
  for (let attempt = 0; ; attempt++) {
    try {
      rename(from, to);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (!RETRYABLE.has(code) || attempt >= 10) throw e;
      sleepSync(20 * (attempt + 1));
    }
  }
}

/**
 * Writes `data` to a temp file in the same folder, then renames it over `file`: a reader
 * sees the old content or the new, never a mix.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameWithRetry(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** `2025-11-30T10-12-33-123Z`: an ISO time that is a valid file name on every platform. */
export function fileStamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/** A path relative to `root`, with forward slashes, for messages. */
export function rel(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}
