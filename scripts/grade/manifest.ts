/**
 * The grading manifest, grading/manifest.json: for every protected file — what the specs and
 * their setup load, the judges and the reference solutions they compare with — its sha256 and
 * its git blob id; the runner settings of the kata's vitest config; and every spec's test
 * names. `npm run manifest` writes it; the grader checks its own files against it before every
 * run, reports every protected file a submission changed, and, grading a learner's own
 * repository, takes the kata's copies from git by their blob ids.
 *
 * Protected is what the import graph reaches from the specs, their setup files, the judges
 * and the solutions (relative imports and `new URL(…, import.meta.url)`), so a change to a
 * plot, the runner or a README needs no refresh.
 *
 * Hashes are of the content with CRLF turned into LF (binary files as they are), so a Windows
 * checkout verifies; paths are POSIX and sorted, and nothing depends on the clock: the same
 * tree always gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { listExercises } from '../lib/exercises.ts';
import { Refused, readRegular } from './safe-fs.ts';
import { canonicalJson, normalised, sha256, writeAtomic } from './util.ts';

export const MANIFEST = 'grading/manifest.json';
export const JUDGES = 'grading/judges';
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
  /**
   * The exercise code as the kata ships it (the stub, and any other code file of the folder
   * that is not a spec): what `npm run reset` restores and what `npm test` checks on a
   * learner's copy, whatever the learner has edited or committed. Absent in older manifests.
   */
  stubs?: Record<string, FileEntry>;
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

export interface FileEntry {
  /** sha256 of the LF-normalised content */
  sha256: string;
  /** git's blob id of the same content (sha1 of "blob <size>\0<content>"), absent for package.json's fields */
  git?: string;
}

export interface Manifest {
  schema: 2;
  kata: { name: string; version: string };
  hashing: string;
  runner: RunnerConfig;
  package: Record<string, unknown>;
  files: Record<string, FileEntry>;
  exercises: ManifestExercise[];
}

const HASHING = 'sha256 of the content with CRLF line endings turned into LF (binary files as they are)';
const posix = (p: string) => p.split(path.sep).join('/');

/** git hash-object of these bytes: the id git gives a blob with this content. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

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

export function readManifest(graderRoot: string): Manifest {
  const file = path.join(graderRoot, MANIFEST);
  if (!existsSync(file)) throw new Error(`no ${MANIFEST} in ${graderRoot}: run npm run manifest`);
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  if (m.schema !== 2 || !m.files || !Array.isArray(m.exercises)) {
    throw new Error(`${MANIFEST} has an unknown format (schema ${String(m.schema)}): run npm run manifest`);
  }
  return m;
}

export interface Tamper {
  modified: string[];
  deleted: string[];
  /** protected paths that are links, FIFOs, devices or too large: never read */
  refused: string[];
}

/**
 * The protected files of the tree at `root` that differ from the manifest, are missing, or were
 * refused. The reference solutions are protected for the grader's sake (the judge compares
 * with them) but a submission may leave them out or change them: it never runs them.
 */
export function compareWithManifest(manifest: Manifest, root: string, { solutions = true } = {}): Tamper {
  const out: Tamper = { modified: [], deleted: [], refused: [] };
  for (const [rel, entry] of Object.entries(manifest.files)) {
    if (!solutions && rel.startsWith('solutions/')) continue;
    const actual = hashOf(root, rel);
    if (actual === 'missing') out.deleted.push(rel);
    else if (actual.startsWith('refused: ')) out.refused.push(`${rel} (${actual.slice('refused: '.length)})`);
    else if (actual !== entry.sha256) out.modified.push(rel);
  }
  out.modified.sort();
  out.deleted.sort();
  out.refused.sort();
  return out;
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
  const expected = [...protectedFiles(root, manifest.runner), PACKAGE_ENTRY].sort();
  const listed = Object.keys(manifest.files).sort();
  for (const f of expected) if (!listed.includes(f)) problems.push(`${f} is protected but not in the manifest`);
  for (const f of listed) if (!expected.includes(f)) problems.push(`${f} is in the manifest but no longer protected`);
  const { modified, deleted, refused } = compareWithManifest(manifest, root);
  for (const f of modified) problems.push(`${f} changed since the manifest was written`);
  for (const f of [...deleted, ...refused]) problems.push(`${f} is missing`);
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
  problems.push(...stubStaleness(root, manifest));
  const pkg = readPackage(root);
  if (pkg.name !== manifest.kata.name || pkg.version !== manifest.kata.version) {
    problems.push(
      `the manifest is for ${manifest.kata.name}@${manifest.kata.version}, package.json says ${pkg.name}@${pkg.version}`,
    );
  }
  return problems;
}

export interface StubChange {
  file: string;
  how: 'modified' | 'missing' | 'added';
}

/**
 * Where the exercise code on disk differs from the stubs the manifest records: in the kata's
 * own repository, a stub changed since `npm run manifest`; in a learner's copy, the learner's work.
 */
export function stubChanges(root: string, manifest: Manifest): StubChange[] {
  const out: StubChange[] = [];
  const dirs = new Map(listExercises(root).map((e) => [e.name, e.dir]));
  for (const ex of manifest.exercises) {
    const recorded = ex.stubs ?? {};
    const dir = dirs.get(ex.name);
    for (const f of dir ? exerciseCodeFiles(root, dir) : []) if (!(f in recorded)) out.push({ file: f, how: 'added' });
    for (const [f, entry] of Object.entries(recorded)) {
      const actual = hashOf(root, f);
      if (actual === 'missing') out.push({ file: f, how: 'missing' });
      else if (actual !== entry.sha256) out.push({ file: f, how: 'modified' });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

const STUB_PROBLEM = {
  modified: 'differs from the stub the manifest records',
  missing: 'is missing (the manifest records it as a stub)',
  added: 'is exercise code the manifest does not record',
} as const;

function stubStaleness(root: string, manifest: Manifest): string[] {
  const unrecorded = manifest.exercises
    .filter((e) => !e.stubs)
    .map((e) => `the manifest records no stubs for ${e.name}`);
  return [...unrecorded, ...stubChanges(root, manifest).map((c) => `${c.file} ${STUB_PROBLEM[c.how]}`)];
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
 * Writes grading/manifest.json for the tree at `root`. `tests` gives each spec's test names
 * (the caller collects them by running the specs' collection).
 */
export function writeManifest(root: string, runner: RunnerConfig, tests: Map<string, string[]>): Manifest {
  const files = protectedFiles(root, runner);
  const pkg = readPackage(root);
  const fields = packageFields(root) ?? {};
  const entry = (f: string): FileEntry => {
    const bytes = normalised(readFileSync(path.join(root, f)));
    return { sha256: sha256(bytes), git: gitBlobId(bytes) };
  };
  const entries: Record<string, FileEntry> = {};
  for (const f of files) entries[f] = entry(f);
  entries[PACKAGE_ENTRY] = { sha256: sha256(canonicalJson(fields)) };
  const exercises: ManifestExercise[] = listExercises(root).map((ex) => ({
    name: ex.name,
    stub: posix(path.relative(root, ex.stub)),
    stubs: Object.fromEntries(exerciseCodeFiles(root, ex.dir).map((f) => [f, entry(f)])),
    specs: files
      .filter((f) => f.startsWith(`exercises/${ex.name}/`) && f.endsWith('.spec.ts'))
      .map((file) => {
        const list = tests.get(file);
        if (!list) throw new Error(`no test list for ${file}`);
        return { file, tests: list };
      }),
  }));
  const manifest: Manifest = {
    schema: 2,
    kata: pkg,
    hashing: HASHING,
    runner,
    package: fields,
    files: Object.fromEntries(
      Object.keys(entries)
        .sort()
        .map((k) => [k, entries[k] as FileEntry]),
    ),
    exercises,
  };
  writeAtomic(path.join(root, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
