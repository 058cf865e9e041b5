/**
 * What the grading manifest protects, and each protected file's hash. Protected is what the
 * import graph reaches from the specs, their setup files, the judges and the solutions
 * (relative imports and `new URL(…, import.meta.url)`), so a change to a plot, the runner or
 * a README needs no refresh; exercise code is the learner's, never protected.
 *
 * Hashes are of the content with CRLF turned into LF (binary files as they are), so a Windows
 * checkout verifies; files are read as hostile input (links, devices and huge files refused).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { listExercises } from '../lib/exercises.ts';
import { Refused, readRegular } from './safe-fs.ts';
import { canonicalJson, normalised, sha256 } from './util.ts';

/** The virtual entry for package.json: only the fields that change how specs run. */
export const PACKAGE_ENTRY = 'package.json';
export const PACKAGE_FIELDS = [
  'type',
  'imports',
  'dependencies',
  'devDependencies',
  'optionalDependencies',
  'overrides',
];
/** No protected file of the kata comes near this; a bigger one in a submission is not read. */
export const MAX_PROTECTED_BYTES = 4 * 1024 * 1024;

export const posix = (p: string) => p.split(path.sep).join('/');

/** Every file under `dir` (relative POSIX paths), without dotfiles, node_modules or symlinks. */
function walk(root: string, dir: string): string[] {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const d of readdirSync(abs, { withFileTypes: true })) {
    if (d.name.startsWith('.') || d.name === 'node_modules') continue;
    const rel = posix(path.join(dir, d.name));
    if (d.isDirectory()) out.push(...walk(root, rel));
    else if (d.isFile()) out.push(rel);
  }
  return out;
}

const IMPORTS = [
  /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bnew\s+URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g,
];

/** The files a source file reaches through relative imports (and `new URL(…, import.meta.url)`). */
function relativeImports(root: string, rel: string): string[] {
  if (!/\.(m?[jt]s|cts|cjs)$/.test(rel)) return [];
  const text = readFileSync(path.join(root, rel), 'utf8');
  const found: string[] = [];
  for (const re of IMPORTS) {
    for (const m of text.matchAll(re)) {
      const spec = m[1] as string;
      if (!spec.startsWith('.')) continue;
      const base = path.resolve(path.dirname(path.join(root, rel)), spec);
      const hit = [base, `${base}.ts`, path.join(base, 'index.ts')].find((f) => existsSync(f) && !isDir(f));
      if (hit) found.push(posix(path.relative(root, hit)));
    }
  }
  return found;
}

function isDir(f: string): boolean {
  try {
    return statSync(f).isDirectory();
  } catch {
    return false;
  }
}

/** The learner's side of the kata: exercise code, which is graded, never protected. */
export function isExerciseCode(rel: string): boolean {
  return rel.startsWith('exercises/') && !/\.(spec|test)\.[cm]?[jt]s$/.test(rel) && !rel.endsWith('/meta.json');
}

/** The exercise code files of an exercise folder (relative POSIX paths): the stub and its siblings, no specs. */
export function exerciseCodeFiles(root: string, exerciseDir: string): string[] {
  return walk(root, posix(path.relative(root, exerciseDir)))
    .filter((f) => isExerciseCode(f) && /\.[cm]?[jt]s$/.test(f))
    .sort();
}

/** What a run loads besides the specs: vitest's setup files and global setup. */
export interface SetupFiles {
  setupFiles: string[];
  globalSetup: string[];
}

/**
 * The protected files of the kata at `root`, as sorted relative POSIX paths (package.json's
 * fields are the separate PACKAGE_ENTRY): every spec and meta.json, the setup files, the
 * configs, the judges, the reference solutions, and everything those import outside exercise
 * code. What the stubs import is included too (it must be in a grading tree), though the
 * stubs themselves are the learner's.
 */
export function protectedFiles(root: string, setup: SetupFiles): string[] {
  const seeds = new Set<string>();
  const reach: string[] = [];
  for (const ex of listExercises(root)) {
    for (const f of walk(root, posix(path.relative(root, ex.dir)))) {
      const inFolder = f.split('/').length === 3;
      if (inFolder && (/\.spec\.ts$/.test(f) || f.endsWith('/meta.json'))) seeds.add(f);
    }
    const stub = posix(path.relative(root, ex.stub));
    if (existsSync(ex.stub)) reach.push(stub);
  }
  for (const f of [...setup.setupFiles, ...setup.globalSetup, 'vitest.config.ts', 'tsconfig.json']) {
    if (existsSync(path.join(root, f))) seeds.add(posix(path.normalize(f)));
  }
  // the judges, their API and the runner that calls them inside the sandbox
  for (const f of walk(root, 'grading')) if (f.endsWith('.ts')) seeds.add(f);
  for (const f of walk(root, 'solutions')) if (/\.[cm]?ts$/.test(f)) seeds.add(f);
  const all = new Set<string>();
  const queue = [...seeds];
  while (queue.length) {
    const f = queue.pop() as string;
    if (all.has(f)) continue;
    all.add(f);
    for (const dep of relativeImports(root, f)) {
      if (!dep.startsWith('../') && !dep.startsWith('node_modules/') && !isExerciseCode(dep)) queue.push(dep);
    }
  }
  // what the stubs reach (lib/ndarray.ts, …) must be in a tree even if no spec imported it
  const stubQueue = reach.flatMap((s) => relativeImports(root, s));
  while (stubQueue.length) {
    const f = stubQueue.pop() as string;
    if (all.has(f) || f.startsWith('../') || f.startsWith('node_modules/') || isExerciseCode(f)) continue;
    all.add(f);
    stubQueue.push(...relativeImports(root, f));
  }
  return [...all].sort();
}

/** package.json's test-relevant fields, or null when there is no readable package.json. */
export function packageFields(root: string): Record<string, unknown> | null {
  try {
    const text = readRegular(path.join(root, 'package.json'), MAX_PROTECTED_BYTES);
    if (!text) return null;
    const pkg = JSON.parse(text.toString('utf8')) as Record<string, unknown>;
    if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) return null;
    return Object.fromEntries(PACKAGE_FIELDS.filter((k) => k in pkg).map((k) => [k, pkg[k]]));
  } catch {
    return null;
  }
}

/** The LF-normalised bytes of a protected file under `root`, read as hostile input. */
export function protectedBytes(
  root: string,
  rel: string,
): { bytes: Uint8Array } | { missing: true } | { refused: string } {
  try {
    const raw = readRegular(path.join(root, rel), MAX_PROTECTED_BYTES);
    return raw ? { bytes: normalised(raw) } : { missing: true };
  } catch (e) {
    if (e instanceof Refused) return { refused: e.message };
    throw e;
  }
}

/** The hash of one protected file of the tree at `root`, 'missing', or why it was refused. */
export function hashOf(root: string, rel: string): string {
  if (rel === PACKAGE_ENTRY) {
    const got = protectedBytes(root, 'package.json');
    if ('missing' in got) return 'missing';
    const fields = packageFields(root);
    return fields ? sha256(canonicalJson(fields)) : 'unreadable';
  }
  const got = protectedBytes(root, rel);
  if ('missing' in got) return 'missing';
  if ('refused' in got) return `refused: ${got.refused}`;
  return sha256(got.bytes);
}
