/**
 * Files a spare worker thread of `npm start` read before its run, while the learner was typing
 * (scripts/runner/warm-worker.mjs): MNIST's 55 MB, which the specs of exercises 10 and 11 read
 * on every run. Each file is handed out once — the caller owns the bytes and may change them —
 * and only while the file on disk still has the size and modification time it was read with.
 * Anywhere else (no spare thread, another file) there is nothing, and the caller reads the file.
 */
import { statSync } from 'node:fs';
import path from 'node:path';

/** The key warm-worker.mjs stores the files under, on the thread's globalThis. */
export const READ_AHEAD = Symbol.for('gradient-katas.read-ahead');

export interface ReadAhead {
  bytes: Uint8Array;
  size: number;
  mtimeMs: number;
}

/** The bytes of `file` read ahead in this thread, once; undefined if none, or if the file changed since. */
export function takeReadAhead(file: string): Uint8Array | undefined {
  const files = (globalThis as { [READ_AHEAD]?: Map<string, ReadAhead> })[READ_AHEAD];
  const key = path.resolve(file);
  const ahead = files?.get(key);
  if (!ahead) return undefined;
  files?.delete(key);
  const now = statSync(key, { throwIfNoEntry: false });
  return now && now.size === ahead.size && now.mtimeMs === ahead.mtimeMs ? ahead.bytes : undefined;
}
