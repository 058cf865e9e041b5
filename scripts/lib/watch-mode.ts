/**
 * How `npm start` and `npm run ui` notice saves: the file system's own events, or polling.
 *
 * Events are instant and cheap, but do not arrive for files on WSL's Windows drives
 * (/mnt/c/…, served over 9P), in some Docker bind mounts and on network drives; there a save
 * would never rerun the specs. WSL's /mnt drives are recognised and switch to polling by
 * themselves; elsewhere `--poll` or KATA_POLL=1 asks for it (and KATA_POLL=0 refuses it).
 */
import { release } from 'node:os';

export type WatchReason = 'flag' | 'env-on' | 'env-off' | 'wsl-drive' | 'default';

export interface WatchMode {
  poll: boolean;
  reason: WatchReason;
}

/** Why, in English (for `npm run doctor`; the runner says it in the learner's language). */
export function explainWatch(mode: WatchMode, root: string): string {
  return {
    flag: '--poll was given',
    'env-on': 'KATA_POLL=1 is set',
    'env-off': 'KATA_POLL=0 is set',
    'wsl-drive': `the kata is on a Windows drive under WSL (${root}), where saves send no file events`,
    default: 'file system events (the default)',
  }[mode.reason];
}

export interface WatchFacts {
  /** the kata's folder */
  root: string;
  /** `--poll` was given */
  flag?: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** os.release(): WSL's kernels say "microsoft" there */
  osRelease?: string;
}

/** Whether this is Linux under WSL (1 or 2). */
export function isWsl(facts: Pick<WatchFacts, 'env' | 'platform' | 'osRelease'> = {}): boolean {
  const env = facts.env ?? process.env;
  if ((facts.platform ?? process.platform) !== 'linux') return false;
  return Boolean(env.WSL_DISTRO_NAME) || /microsoft/i.test(facts.osRelease ?? release());
}

export function watchMode(facts: WatchFacts): WatchMode {
  const env = facts.env ?? process.env;
  if (facts.flag) return { poll: true, reason: 'flag' };
  if (env.KATA_POLL === '1') return { poll: true, reason: 'env-on' };
  if (env.KATA_POLL === '0') return { poll: false, reason: 'env-off' };
  if (isWsl(facts) && /^\/mnt\/[a-z]\//i.test(`${facts.root}/`)) return { poll: true, reason: 'wsl-drive' };
  return { poll: false, reason: 'default' };
}
