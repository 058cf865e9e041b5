/**
 * A tree held against the grading manifest: the protected files a submission changed, deleted
 * or made unreadable; why the kata's own manifest is stale; and where exercise code differs
 * from the stubs the manifest records.
 */
import { listExercises } from '../lib/exercises.ts';
import { type Manifest, readManifest, readPackage } from './manifest-file.ts';
import { exerciseCodeFiles, hashOf, PACKAGE_ENTRY, protectedFiles } from './protected-files.ts';
import { canonicalJson } from './util.ts';

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
