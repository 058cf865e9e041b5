/**
 * The checks behind `npm run doctor`: what a bug report needs, and each problem with its fix.
 * Every check is a function of facts passed in (or read without side effects), so tests can
 * play a Node that is too old, a pin that drifted or a state file that is broken.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { plural } from '../../lib/format.ts';
import { rel } from './files.ts';
import type { Style } from './term.ts';

export type Level = 'ok' | 'info' | 'warn' | 'fail';

export interface Check {
  section: string;
  label: string;
  level: Level;
  detail: string;
  /** what to do about a warning or a failure */
  fix?: string;
}

/** The kata's Node line: end-of-life dates of the LTS majors (nodejs.org/about/previous-releases). */
export const NODE_EOL: Readonly<Record<number, string>> = {
  18: '2025-04-30',
  20: '2026-04-30',
  22: '2027-04-30',
  24: '2028-04-30',
  26: '2029-04-30',
};

/** The version the kata recommends (.nvmrc), e.g. 24. */
export function recommendedNode(root: string): string {
  const file = path.join(root, '.nvmrc');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : '24';
}

/** Node against `engines` and the release schedule, on a given day. */
export function nodeCheck(version: string, engines: string, today: Date, recommended: string): Check {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const min = /^>=\s*(\d+)(?:\.(\d+))?/.exec(engines);
  const minMajor = Number(min?.[1] ?? 0);
  const minMinor = Number(min?.[2] ?? 0);
  const install = `install Node ${recommended} (the version in .nvmrc: \`nvm install\`, \`fnm use\` or nodejs.org)`;
  const base = { section: 'system', label: 'Node' };
  if (major < minMajor || (major === minMajor && minor < minMinor)) {
    return { ...base, level: 'fail', detail: `${version} is older than the kata needs (${engines})`, fix: install };
  }
  const eol = NODE_EOL[major];
  if (major % 2 === 1) {
    return {
      ...base,
      level: 'warn',
      detail: `${version} is not a long-term-support release`,
      fix: `the kata is tested on LTS releases: ${install}`,
    };
  }
  if (eol && today.toISOString().slice(0, 10) > eol) {
    return {
      ...base,
      level: 'warn',
      detail: `${version}: Node ${major} reached its end of life on ${eol}`,
      fix: install,
    };
  }
  return { ...base, level: 'ok', detail: `${version}${eol ? ` (supported until ${eol})` : ''}` };
}

/** npm's version: from the user agent npm gives the scripts it runs, else by asking npm. */
export function npmVersion(env: NodeJS.ProcessEnv = process.env): string | null {
  const fromAgent = /\bnpm\/(\S+)/.exec(env.npm_config_user_agent ?? '')?.[1];
  if (fromAgent) return fromAgent;
  const run = spawnSync('npm', ['--version'], {
    encoding: 'utf8',
    shell: process.platform === 'win32',
    timeout: 20_000,
  });
  return run.status === 0 ? run.stdout.trim() : null;
}

interface PackageJson {
  version?: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export function readPackage(root: string): PackageJson {
  return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageJson;
}

function installedVersion(root: string, name: string): string | null {
  const file = path.join(root, 'node_modules', ...name.split('/'), 'package.json');
  if (!existsSync(file)) return null;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null;
}

/** Every pinned package installed at its pin; the optional tfjs-node may be absent. */
export function dependencyChecks(root: string, pkg: PackageJson): Check[] {
  const section = 'packages';
  if (!existsSync(path.join(root, 'node_modules'))) {
    return [
      { section, label: 'node_modules', level: 'fail', detail: 'missing', fix: 'run `npm ci` (or `npm install`)' },
    ];
  }
  const pins = { ...pkg.dependencies, ...pkg.devDependencies };
  const missing: string[] = [];
  const drifted: string[] = [];
  for (const [name, pin] of Object.entries(pins)) {
    const got = installedVersion(root, name);
    if (got === null) missing.push(name);
    else if (/^\d/.test(pin) && got !== pin) drifted.push(`${name} ${got} (pinned ${pin})`);
  }
  const checks: Check[] = [];
  const total = Object.keys(pins).length;
  if (missing.length > 0) {
    checks.push({
      section,
      label: 'installed',
      level: 'fail',
      detail: `missing: ${missing.join(', ')}`,
      fix: 'run `npm ci`',
    });
  } else if (drifted.length > 0) {
    checks.push({
      section,
      label: 'installed',
      level: 'warn',
      detail: `not at their pins: ${drifted.join(', ')}`,
      fix: 'run `npm ci` (it installs exactly what package-lock.json says)',
    });
  } else checks.push({ section, label: 'installed', level: 'ok', detail: `all ${total} at their pinned versions` });
  for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
    const got = installedVersion(root, name);
    checks.push({
      section,
      label: name,
      level: 'info',
      detail: got
        ? `${got} installed`
        : 'not installed: optional (its install downloads libtensorflow); the oracle uses the next backend',
    });
  }
  return checks;
}

/** What the check reads of the runner's progress file. */
export interface ProgressLike {
  current?: string;
  exercises: Record<string, { done?: boolean }>;
}

/**
 * Whether the runner's state file would load, without moving a broken one aside (loadState
 * does). The runner's file and parser come in as arguments: scripts/lib never imports scripts/runner.
 */
export function stateCheck(
  root: string,
  file: string,
  parse: (text: string) => ProgressLike,
  exerciseCount: number,
): Check {
  const base = { section: 'kata', label: 'progress' };
  if (!existsSync(file))
    return { ...base, level: 'info', detail: `${rel(root, file)} not written yet (npm start writes it)` };
  try {
    const state = parse(readFileSync(file, 'utf8'));
    const done = Object.values(state.exercises).filter((e) => e.done).length;
    return {
      ...base,
      level: 'ok',
      detail: `${rel(root, file)}: ${done} of ${exerciseCount} exercises done${state.current ? `, on ${state.current}` : ''}`,
    };
  } catch (e) {
    return {
      ...base,
      level: 'warn',
      detail: `${rel(root, file)} cannot be read: ${(e as Error).message}`,
      fix: 'npm start keeps it aside as .kata/state.corrupt-<time>.json and rebuilds it by running the specs',
    };
  }
}

const MARK: Record<Level, (s: Style) => string> = {
  ok: (s) => s.green('✓'),
  info: (s) => s.dim('·'),
  warn: (s) => s.yellow('!'),
  fail: (s) => s.red('✗'),
};

/** The report: sections in order, one line per check, the fix under it, a verdict at the end. */
export function renderChecks(checks: readonly Check[], style: Style): string {
  const out: string[] = [];
  const width = Math.max(...checks.map((c) => c.label.length));
  let section = '';
  for (const c of checks) {
    if (c.section !== section) {
      section = c.section;
      out.push('', style.bold(section));
    }
    out.push(`  ${MARK[c.level](style)} ${c.label.padEnd(width)}  ${c.detail}`);
    if (c.fix) out.push(`    ${' '.repeat(width)}  ${style.yellow(`fix: ${c.fix}`)}`);
  }
  const fails = checks.filter((c) => c.level === 'fail').length;
  const warns = checks.filter((c) => c.level === 'warn').length;
  const counts = [
    fails > 0 ? style.red(plural(fails, 'problem')) : '',
    warns > 0 ? style.yellow(plural(warns, 'warning')) : '',
  ].filter(Boolean);
  out.push(
    '',
    counts.length === 0 ? style.green('No problems found.') : `${counts.join(', ')}: each has its fix above.`,
  );
  return out.join('\n');
}
