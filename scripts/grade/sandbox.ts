/**
 * The grading sandbox (Linux, bubblewrap). Every run of learner code — an exercise's specs,
 * its hidden specs, the judge — is two sandboxes deep:
 *
 *   outer  Vitest's main process and the grader's reporter: new user, PID, IPC, UTS, network
 *          and cgroup namespaces, its own /proc, a private tmpfs /tmp and HOME, an environment
 *          from an allowlist. It sees the system's /usr, the Node binary, the learner's tree
 *          (read-only, at /kata), the grader's node_modules (read-only, at /kata/node_modules),
 *          the judge's plan (read-only, at /run) and the run's own folder (/grader: its config,
 *          the reporter, the results channel). Nothing else: not the grader's checkout, its
 *          solutions/, the report folder, other learners, the host's /tmp.
 *   inner  each Vitest worker, which imports the learner's code: the same view minus
 *          /grader, in namespaces of its own (it cannot see the main process, so neither
 *          its memory nor its files), unable to make more user namespaces.
 *
 * When the grader runs as root, bubblewrap runs as nobody (setpriv), so that the sandbox's
 * root maps to no one on the host and the nested sandbox can mount its own /proc.
 *
 * Where bubblewrap is missing or cannot create namespaces (macOS, Windows, a container,
 * Ubuntu's AppArmor restriction), detectSandbox() says why and how to fix it; the grader then
 * runs unsandboxed and every report says "not isolated" — or stops, with --require-sandbox.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';

export interface Isolation {
  isolated: boolean;
  /** e.g. "bubblewrap 0.8.0, nested; as nobody (the grader is root)" */
  how: string;
  /** why not, and the fix, when not isolated */
  reason: string | null;
}

export const NOT_ISOLATED = 'not isolated: learner code ran with the grader’s user rights';

/** Where the sandbox shows things (and where configs name them). */
export const SANDBOX = {
  tree: '/kata',
  grader: '/grader',
  run: '/run',
  home: '/home/learner',
  mnist: '/data/mnist',
} as const;

export const NOBODY = 65534;

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

export const runsAsRoot = (): boolean => process.platform === 'linux' && process.getuid?.() === 0;

/**
 * The system a Node process needs: /usr and the usual top-level links or folders into it,
 * and the Node installation itself when it lives elsewhere (nvm, GitHub's tool cache).
 */
export function systemBinds(): string[] {
  const args: string[] = ['--ro-bind', '/usr', '/usr'];
  for (const top of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(top);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(top), top);
    else if (st.isDirectory()) args.push('--ro-bind', top, top);
  }
  // the dynamic linker's cache; nothing else of /etc is needed
  if (existsSync('/etc/ld.so.cache')) args.push('--ro-bind', '/etc/ld.so.cache', '/etc/ld.so.cache');
  const node = realpathSync(process.execPath);
  if (!node.startsWith('/usr/')) {
    const prefix = path.dirname(path.dirname(node)); // …/bin/node → the installation
    args.push('--ro-bind', prefix, prefix);
    if (node !== process.execPath) args.push('--ro-bind', prefix, path.dirname(path.dirname(process.execPath)));
  }
  return args;
}

let help: string | null = null;
/** Whether this bubblewrap knows an option (--size came in 0.7, --disable-userns in 0.8). */
function knows(option: string): boolean {
  if (help === null) {
    const bwrap = which('bwrap');
    help = bwrap ? (spawnSync(bwrap, ['--help'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '') : '';
  }
  return help.includes(option);
}

/** A tmpfs at `dir`, capped at `mb` where bubblewrap can cap it. */
const tmpfs = (dir: string, mb: number) => [
  ...(knows('--size') ? ['--size', String(mb * 1024 * 1024)] : []),
  '--tmpfs',
  dir,
];

/** Namespaces and the private parts every sandbox has. */
function common(): string[] {
  return [
    '--unshare-all',
    '--unshare-user',
    '--die-with-parent',
    '--new-session',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    ...tmpfs('/tmp', 512),
    ...tmpfs(SANDBOX.home, 64),
    '--setenv',
    'HOME',
    SANDBOX.home,
    '--setenv',
    'TMPDIR',
    '/tmp',
  ];
}

export interface OuterMounts {
  tree: string;
  nodeModules: string;
  grader: string;
  run: string;
  mnistDir?: string | null;
}

/** The outer sandbox's arguments up to the command. */
export function outerArgs(m: OuterMounts): string[] {
  return [
    ...common(),
    ...systemBinds(),
    '--ro-bind',
    m.tree,
    SANDBOX.tree,
    '--ro-bind',
    m.nodeModules,
    `${SANDBOX.tree}/node_modules`,
    '--bind',
    m.grader,
    SANDBOX.grader,
    '--ro-bind',
    m.run,
    SANDBOX.run,
    ...(m.mnistDir ? ['--ro-bind', m.mnistDir, SANDBOX.mnist] : []),
    '--chdir',
    SANDBOX.tree,
  ];
}

/** The inner sandbox's arguments (a Vitest worker), as seen from inside the outer one. */
export function innerArgs(mnist: boolean): string[] {
  return [
    ...common(),
    ...(knows('--disable-userns') ? ['--disable-userns'] : []),
    ...systemBinds(),
    '--ro-bind',
    SANDBOX.tree,
    SANDBOX.tree,
    '--ro-bind',
    SANDBOX.run,
    SANDBOX.run,
    ...(mnist ? ['--ro-bind', SANDBOX.mnist, SANDBOX.mnist] : []),
    '--chdir',
    SANDBOX.tree,
  ];
}

/** How to start bubblewrap: as nobody when the grader is root. */
export function bwrapCommand(bwrap: string): { command: string; prefix: string[] } {
  if (!runsAsRoot()) return { command: bwrap, prefix: [] };
  const setpriv = which('setpriv') ?? '/usr/bin/setpriv';
  return {
    command: setpriv,
    prefix: [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', bwrap],
  };
}

let cached: (Isolation & { bwrap: string | null }) | null = null;

const APPARMOR =
  'unprivileged user namespaces are blocked (AppArmor on Ubuntu 24.04 and later). Fix: `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` (what CI workflows do), or an AppArmor profile that lets /usr/bin/bwrap create them (Ubuntu 25.04 ships bwrap-userns-restrict); see INSTRUCTORS.md';

/** Why bubblewrap failed, in words with the fix. */
export function explainFailure(stderr: string): string {
  const s = stderr.trim();
  if (
    /setting up uid map: Permission denied|No permissions to creat(e|ing) new namespace|Operation not permitted.*namespace/i.test(
      s,
    )
  ) {
    return APPARMOR;
  }
  if (/Can't mount proc/i.test(s)) {
    return `bubblewrap cannot mount /proc in a nested sandbox here (${s.split('\n')[0]}); a container may need --privileged or another seccomp profile`;
  }
  return `bubblewrap failed: ${s.split('\n').slice(-3).join(' ').slice(0, 300) || 'no message'}`;
}

/**
 * Whether learner code can be sandboxed here, tried for real: an outer sandbox that starts a
 * nested one running Node. Cached for the process.
 */
export function detectSandbox(): Isolation & { bwrap: string | null } {
  if (cached) return cached;
  if (process.env.KATA_GRADE_SANDBOX === '0') {
    cached = { isolated: false, how: 'none', reason: 'KATA_GRADE_SANDBOX=0 turned the sandbox off', bwrap: null };
    return cached;
  }
  if (process.platform !== 'linux') {
    cached = {
      isolated: false,
      how: 'none',
      reason: `the sandbox needs Linux (bubblewrap); this is ${process.platform}`,
      bwrap: null,
    };
    return cached;
  }
  const bwrap = which('bwrap');
  if (!bwrap) {
    cached = {
      isolated: false,
      how: 'none',
      reason:
        'bubblewrap is not installed: sudo apt-get install -y bubblewrap (Debian, Ubuntu), dnf install bubblewrap (Fedora)',
      bwrap: null,
    };
    return cached;
  }
  const version = spawnSync(bwrap, ['--version'], { encoding: 'utf8', timeout: 10_000 }).stdout?.trim() || 'bubblewrap';
  const inner = JSON.stringify([bwrap, ...innerArgs(false), '--', process.execPath, '-e', 'process.exit(0)']);
  const probe = `const [c, ...a] = ${inner}; const r = require('child_process').spawnSync(c, a, { encoding: 'utf8' }); if (r.status !== 0) { process.stderr.write(r.stderr || String(r.error)); process.exit(3); }`;
  const { command, prefix } = bwrapCommand(bwrap);
  const outer = [
    ...common(),
    ...systemBinds(),
    '--dir',
    SANDBOX.tree,
    '--dir',
    SANDBOX.run,
    '--',
    process.execPath,
    '-e',
    probe,
  ];
  const run = spawnSync(command, [...prefix, ...outer], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: '/usr/bin:/bin' },
  });
  if (run.status === 0) {
    cached = {
      isolated: true,
      how: `${version}, nested (worker inside runner)${runsAsRoot() ? ', as nobody (the grader runs as root)' : ''}`,
      reason: null,
      bwrap,
    };
  } else {
    cached = { isolated: false, how: 'none', reason: explainFailure(run.stderr ?? String(run.error)), bwrap };
  }
  return cached;
}

/** For tests: forget the probe's answer. */
export function resetSandboxProbe(): void {
  cached = null;
}

/** The PID namespace of a process, as /proc names it ("pid:[4026532…]"), or null. */
export function pidNamespace(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return null;
  }
}

/** True for a zombie: it has exited and can do nothing more; only its parent's wait is missing. */
function exited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}

/** Host PIDs of the processes still alive in a PID namespace. */
export function processesIn(ns: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    if (pidNamespace(Number(name)) === ns && !exited(Number(name))) out.push(Number(name));
  }
  return out;
}
