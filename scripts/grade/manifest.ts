/**
 * The grading manifest: grading/manifest.json holds the sha256 of every file that decides
 * whether a spec passes (the specs, lib/, data/, the configs, whatever they import outside an
 * exercise folder, and package.json's test-relevant fields), the list of every spec's tests,
 * and grading/pristine/ holds a copy of each of those files. `npm run manifest` writes both;
 * the grader runs the pristine copies, never the files it grades, and reports any protected
 * file of a submission that differs from its hash.
 *
 * Hashes are of the content with CRLF turned into LF (binary files as they are), so a Windows
 * checkout verifies; paths are POSIX and sorted, and nothing in the manifest depends on the
 * clock, so the same tree always gives the same bytes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listExercises } from '../../lib/exercises.ts';
import { canonicalJson, normalised, sha256, writeAtomic } from './util.ts';

export const MANIFEST = 'grading/manifest.json';
export const PRISTINE = 'grading/pristine';
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

export interface SpecEntry {
  /** 'exercises/01-tensors/tensors.spec.ts' */
  file: string;
  /** the full test names ('step 1: rank > counts …') in the order vitest collects them */
  tests: string[];
}

export interface ManifestExercise {
  name: string;
  /** the learner's file, for messages */
  stub: string;
  specs: SpecEntry[];
}

export interface RunnerConfig {
  setupFiles: string[];
  globalSetup: string[];
  testTimeout: number;
  hookTimeout: number;
  /**
   * The kata's other vitest `test` options that are plain data (e.g. chaiConfig), passed on
   * to every grading run; options that decide what runs and how (projects, include, pool,
   * reporters, …) are the grader's.
   */
  options: Record<string, unknown>;
}

export interface Manifest {
  schema: 1;
  kata: { name: string; version: string };
  hashing: string;
  pristine: string;
  runner: RunnerConfig;
  package: Record<string, unknown>;
  files: Record<string, string>;
  exercises: ManifestExercise[];
}

const HASHING = 'sha256 of the content with CRLF line endings turned into LF (binary files as they are)';
const posix = (p: string) => p.split(path.sep).join('/');

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

/** True for the learner's side of the kata: exercise code (not specs) and reference solutions. */
function isLearnerSide(rel: string): boolean {
  if (rel.startsWith('solutions/')) return true;
  return rel.startsWith('exercises/') && !/\.(spec|test)\.[cm]?[jt]s$/.test(rel) && !rel.endsWith('/meta.json');
}

/**
 * The protected files of the kata at `root`: every spec and meta.json of every exercise, lib/**,
 * data/**, vitest.config.ts, tsconfig.json, and every file those import outside exercise code
 * (a test helper in tests/, a fixture). Sorted relative POSIX paths (package.json not included).
 */
export function protectedFiles(root: string): string[] {
  const seeds = new Set<string>();
  for (const ex of listExercises(root)) {
    for (const f of walk(root, posix(path.relative(root, ex.dir)))) {
      const inFolder = f.split('/').length === 3;
      if (inFolder && (/\.spec\.ts$/.test(f) || f.endsWith('/meta.json'))) seeds.add(f);
    }
  }
  for (const f of [...walk(root, 'lib'), ...walk(root, 'data')]) seeds.add(f);
  for (const f of ['vitest.config.ts', 'tsconfig.json']) if (existsSync(path.join(root, f))) seeds.add(f);
  const all = new Set<string>();
  const queue = [...seeds];
  while (queue.length) {
    const f = queue.pop() as string;
    if (all.has(f)) continue;
    all.add(f);
    for (const dep of relativeImports(root, f)) {
      if (!dep.startsWith('../') && !dep.startsWith('node_modules/') && !isLearnerSide(dep)) queue.push(dep);
    }
  }
  return [...all].sort();
}

/** package.json's test-relevant fields, or null when there is no readable package.json. */
export function packageFields(root: string): Record<string, unknown> | null {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    return Object.fromEntries(PACKAGE_FIELDS.filter((k) => k in pkg).map((k) => [k, pkg[k]]));
  } catch {
    return null;
  }
}

/** The hash of one protected file of the tree at `root` (LF-normalised), or null if it is missing. */
export function hashOf(root: string, rel: string): string | null {
  if (rel === PACKAGE_ENTRY) {
    if (!existsSync(path.join(root, 'package.json'))) return null;
    const fields = packageFields(root);
    return fields ? sha256(canonicalJson(fields)) : 'unreadable';
  }
  const file = path.join(root, rel);
  if (!existsSync(file)) return null;
  try {
    return sha256(normalised(readFileSync(file)));
  } catch {
    return 'unreadable';
  }
}

export function readManifest(graderRoot: string): Manifest {
  const file = path.join(graderRoot, MANIFEST);
  if (!existsSync(file)) throw new Error(`no ${MANIFEST} in ${graderRoot}: run npm run manifest`);
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  if (m.schema !== 1 || !m.files || !Array.isArray(m.exercises)) {
    throw new Error(`${MANIFEST} has an unknown format: run npm run manifest`);
  }
  return m;
}

export interface Tamper {
  modified: string[];
  deleted: string[];
}

/** The protected files of the tree at `root` that differ from the manifest, or are missing. */
export function compareWithManifest(manifest: Manifest, root: string): Tamper {
  const modified: string[] = [];
  const deleted: string[] = [];
  for (const [rel, hash] of Object.entries(manifest.files)) {
    const actual = hashOf(root, rel);
    if (actual === null) deleted.push(rel);
    else if (actual !== hash) modified.push(rel);
  }
  return { modified: modified.sort(), deleted: deleted.sort() };
}

/**
 * Why the manifest at `root` no longer describes the tree (an empty list: it is fresh).
 * Cheap: hashes only, no test run.
 */
export function staleness(root: string): string[] {
  let manifest: Manifest;
  try {
    manifest = readManifest(root);
  } catch (e) {
    return [(e as Error).message];
  }
  const problems: string[] = [];
  const expected = [...protectedFiles(root), PACKAGE_ENTRY].sort();
  const listed = Object.keys(manifest.files).sort();
  for (const f of expected) if (!listed.includes(f)) problems.push(`${f} is protected but not in the manifest`);
  for (const f of listed) if (!expected.includes(f)) problems.push(`${f} is in the manifest but no longer protected`);
  const { modified } = compareWithManifest(manifest, root);
  for (const f of modified) problems.push(`${f} changed since the manifest was written`);
  for (const f of listed) {
    if (f === PACKAGE_ENTRY) continue;
    if (hashOf(path.join(root, manifest.pristine), f) !== manifest.files[f]) {
      problems.push(`${manifest.pristine}/${f} is missing or differs from the manifest's hash`);
    }
  }
  const names = listExercises(root).map((e) => e.name);
  const inManifest = manifest.exercises.map((e) => e.name);
  if (canonicalJson(names) !== canonicalJson(inManifest)) {
    problems.push(
      `the manifest lists exercises ${inManifest.join(', ') || '(none)'} but the folders are ${names.join(', ')}`,
    );
  }
  for (const ex of manifest.exercises) {
    for (const spec of ex.specs) if (spec.tests.length === 0) problems.push(`${spec.file} lists no tests`);
  }
  const pkg = readPackage(root);
  if (pkg.name !== manifest.kata.name || pkg.version !== manifest.kata.version) {
    problems.push(
      `the manifest is for ${manifest.kata.name}@${manifest.kata.version}, package.json says ${pkg.name}@${pkg.version}`,
    );
  }
  return problems;
}

export function readPackage(root: string): { name: string; version: string } {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      name?: string;
      version?: string;
    };
    return { name: pkg.name ?? 'unknown', version: pkg.version ?? '0.0.0' };
  } catch {
    return { name: 'unknown', version: '0.0.0' };
  }
}

/**
 * Writes grading/manifest.json and grading/pristine/ for the tree at `root`. `tests` gives each
 * spec's test names (the caller collects them by running the specs' collection). The pristine
 * folder is built aside and swapped in, so an interrupted run leaves the old one intact.
 */
export function writeManifest(root: string, runner: RunnerConfig, tests: Map<string, string[]>): Manifest {
  const files = protectedFiles(root);
  const pkg = readPackage(root);
  const fields = packageFields(root) ?? {};
  const hashes: Record<string, string> = {};
  for (const f of files) hashes[f] = hashOf(root, f) as string;
  hashes[PACKAGE_ENTRY] = sha256(canonicalJson(fields));
  const exercises: ManifestExercise[] = listExercises(root).map((ex) => ({
    name: ex.name,
    stub: posix(path.relative(root, ex.stub)),
    specs: files
      .filter((f) => f.startsWith(`exercises/${ex.name}/`) && f.endsWith('.spec.ts'))
      .map((file) => {
        const list = tests.get(file);
        if (!list) throw new Error(`no test list for ${file}`);
        return { file, tests: list };
      }),
  }));
  const manifest: Manifest = {
    schema: 1,
    kata: pkg,
    hashing: HASHING,
    pristine: PRISTINE,
    runner,
    package: fields,
    files: Object.fromEntries(
      Object.keys(hashes)
        .sort()
        .map((k) => [k, hashes[k] as string]),
    ),
    exercises,
  };

  const target = path.join(root, PRISTINE);
  const fresh = `${target}.new-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  for (const f of files) {
    const to = path.join(fresh, f);
    mkdirSync(path.dirname(to), { recursive: true });
    writeFileSync(to, normalised(readFileSync(path.join(root, f))));
  }
  if (existsSync(target)) renameSync(target, old);
  renameSync(fresh, target);
  rmSync(old, { recursive: true, force: true, maxRetries: 3 });
  writeAtomic(path.join(root, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
