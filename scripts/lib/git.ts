/** The committed version of a file, for `npm run reset` (git without a shell). */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** git is not installed (or not on PATH). */
export class GitUnavailableError extends Error {
  override name = 'GitUnavailableError';
}

/** git runs, but has no committed version of the file (not a clone, file not in HEAD). */
export class NotCommittedError extends Error {
  override name = 'NotCommittedError';
}

/** The file's content at HEAD, as committed (`git show HEAD:./path`). */
export function committedVersion(root: string, file: string, git = 'git'): string {
  const relative = path.relative(root, file).split(path.sep).join('/');
  try {
    return execFileSync(git, ['show', `HEAD:./${relative}`], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new GitUnavailableError(`${git} not found`);
    const detail = (err.stderr ?? err.message).trim().split('\n')[0] ?? 'git show failed';
    throw new NotCommittedError(detail);
  }
}
