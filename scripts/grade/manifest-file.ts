/**
 * The grading manifest, grading/manifest.json: for every protected file (protected-files.ts)
 * its sha256 and its git blob id; the runner settings of the kata's vitest config; and every
 * spec's test names. `npm run manifest` writes it; the grader checks its own files against it
 * before every run, reports every protected file a submission changed (manifest-checks.ts),
 * and, grading a learner's own repository, takes the kata's copies from git by their blob ids.
 *
 * Paths are POSIX and sorted, and nothing depends on the clock: the same tree always gives the
 * same bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { listExercises } from '../lib/exercises.ts';
import { exerciseCodeFiles, PACKAGE_ENTRY, packageFields, posix, protectedFiles } from './protected-files.ts';
import { canonicalJson, normalised, sha256, writeAtomic } from './util.ts';

export const MANIFEST = 'grading/manifest.json';
export const JUDGES = 'grading/judges';

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

/** git hash-object of these bytes: the id git gives a blob with this content. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
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
