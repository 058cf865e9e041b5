/** Files the runner writes: never half-written (temp file + rename), safe on Windows too. */
import path from 'node:path';

export { renameWithRetry, writeFileAtomic } from '../../lib/files.ts';

/** `2025-11-30T10-12-33-123Z`: an ISO time that is a valid file name on every platform. */
export function fileStamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/** A path relative to `root`, with forward slashes, for messages. */
export function rel(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}
