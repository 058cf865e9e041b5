/** A test file's own temporary folder, removed after its last test (even a failed one). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  // retries: a grading run's processes may still be letting go of their files
  afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));
  return dir;
}
