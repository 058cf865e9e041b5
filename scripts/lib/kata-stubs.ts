/**
 * The kata's stubs, as the kata ships them, on any copy of it. grading/manifest.json records
 * the sha256 and git blob id of every exercise's code (`npm run manifest`). A learner's edits
 * and commits change the files, never those records, so the kata's stub is the working tree's
 * file while it still matches, else git's blob of that id (`git cat-file`): every clone,
 * shallow clone and template repository of the kata holds it. Never the learner's edit.
 *
 * Which copy is this (`kataMode`), in order:
 *   1. KATA_MODE=maintainer or learner      said outright; wins
 *   2. no solutions/ (npm run template)     learner
 *   3. exercise code equal to the recorded stubs   maintainer: every check strict
 *   4. exercise code that differs           learner: npm test checks the kata's stubs, not the edits
 * Rule 3 alone would be unsafe: a maintainer who changed a stub without `npm run manifest`
 * looks like a learner. That is exactly when `npm run manifest -- --check` fails, and the
 * kata's CI runs it before npm test (.ci/run), so CI on the kata's own checkout is strict; on a
 * maintainer's machine npm test prints which files made it a learner's copy.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stubChanges } from '../grade/manifest-checks.ts';
import { type Manifest, readManifest } from '../grade/manifest-file.ts';
import { isExerciseCode, protectedBytes } from '../grade/protected-files.ts';
import { gitBlobs } from '../grade/stage.ts';
import { sha256 } from '../grade/util.ts';
import { type Exercise, listExercises } from './exercises.ts';

export type Mode = 'maintainer' | 'learner';

export interface CopyKind {
  mode: Mode;
  /** why, in a line: printed by npm test */
  reason: string;
}

/** The kata's stub of a file could not be found: the message names the files and the fix. */
export class KataStubsUnavailable extends Error {
  override name = 'KataStubsUnavailable';
}

export function kataMode(root: string, env: NodeJS.ProcessEnv = process.env): CopyKind {
  const forced = env.KATA_MODE;
  if (forced !== undefined && forced !== '') {
    if (forced !== 'maintainer' && forced !== 'learner') {
      throw new Error(`KATA_MODE must be "maintainer" or "learner", got ${JSON.stringify(forced)}`);
    }
    return { mode: forced, reason: `KATA_MODE=${forced}` };
  }
  if (!existsSync(path.join(root, 'solutions'))) {
    return { mode: 'learner', reason: "a learner's template (no solutions/)" };
  }
  let manifest: Manifest;
  try {
    manifest = readManifest(root);
  } catch {
    return { mode: 'maintainer', reason: 'no readable grading/manifest.json' };
  }
  const changed = stubChanges(root, manifest);
  if (changed.length === 0) return { mode: 'maintainer', reason: 'the exercise code is the kata’s stubs' };
  const names = changed.map((c) => c.file);
  const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  return { mode: 'learner', reason: `your exercise code differs from the kata’s stubs (${shown})` };
}

/** The kata's stub files of the named exercises (all when none are named): relative path → bytes (LF). */
export function kataStubBytes(
  root: string,
  manifest: Manifest,
  names?: readonly string[],
  git = 'git',
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const fromGit: [string, { sha256: string; git?: string }][] = [];
  const unrecorded: string[] = [];
  for (const ex of manifest.exercises) {
    if (names && !names.includes(ex.name)) continue;
    if (!ex.stubs) {
      unrecorded.push(ex.name);
      continue;
    }
    for (const [file, entry] of Object.entries(ex.stubs)) {
      const got = protectedBytes(root, file);
      if ('bytes' in got && sha256(got.bytes) === entry.sha256) out.set(file, got.bytes);
      else fromGit.push([file, entry]);
    }
  }
  if (unrecorded.length) {
    throw new KataStubsUnavailable(
      `grading/manifest.json records no stubs for ${unrecorded.join(', ')} (written by an older version): run npm run manifest in the kata's own repository`,
    );
  }
  const blobs = gitBlobs(
    root,
    fromGit.map(([, e]) => e.git ?? ''),
    git,
  );
  const missing: string[] = [];
  for (const [file, entry] of fromGit) {
    const bytes = entry.git ? blobs.get(entry.git) : undefined;
    if (bytes && sha256(bytes) === entry.sha256) out.set(file, bytes);
    else missing.push(`${file} (git blob ${entry.git?.slice(0, 12) ?? '?'})`);
  }
  if (missing.length) throw new KataStubsUnavailable(unavailable(root, missing, git));
  return out;
}

function unavailable(root: string, missing: string[], git: string): string {
  const what = `the kata's stub of ${missing.join(', ')} is not in this copy, and the file on disk is your version`;
  if (spawnSync(git, ['--version']).error) {
    return `${what}: git is not available to read it from the repository. Fix: install git (https://git-scm.com) and try again.`;
  }
  if (!existsSync(path.join(root, '.git'))) {
    return (
      `${what}: this copy has no git history (a zip download?). ` +
      'Fix: work in a git clone of the kata (git clone <the kata’s address>), and copy your exercise files into it.'
    );
  }
  return (
    `${what}: git has no object with that id (a copy whose history does not start at the kata's commit). ` +
    'Fix: fetch the kata into this repository (git fetch <the kata’s address>), or git fetch --unshallow in a shallow clone of a later commit.'
  );
}

/** Every exercise with the paths of its stub and spec that the checks should use. */
export interface KataExercises {
  /** where the exercises/ folder being checked lives: ROOT, or a stage */
  root: string;
  stubOf(ex: Exercise): string;
  specOf(ex: Exercise): string;
  remove(): void;
}

function writeStubs(target: string, stubs: Map<string, Uint8Array>): void {
  for (const [file, bytes] of stubs) {
    mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    writeFileSync(path.join(target, file), bytes);
  }
}

/** Writes the kata's stubs of `root` (of the named exercises, or all) into the tree at `target`. */
export function writeKataStubs(root: string, target: string, names?: readonly string[]): void {
  writeStubs(target, kataStubBytes(root, readManifest(root), names));
}

/** What lint looks at on a learner's copy: every top-level entry and exercise file but the exercise code. */
export function kataCodePaths(root: string): string[] {
  const top = readdirSync(root).filter((n) => !['exercises', 'node_modules', '.git'].includes(n));
  const exercises = listExercises(root).flatMap((ex) =>
    readdirSync(ex.dir)
      .map((f) => `exercises/${ex.name}/${f}`)
      .filter((f) => !isCode(f)),
  );
  return [...top, ...exercises];
}

const isCode = (rel: string) => isExerciseCode(rel) && /\.[cm]?[jt]s$/.test(rel);

const SKIPPED = new Set(['exercises', 'reports', 'plots', 'coverage']);

/**
 * A throwaway copy of the kata with the kata's stubs in exercises/: the exercise folders are
 * copied (specs, meta.json; the stubs from `kataStubBytes`), every other folder of `root` is a
 * link (a junction on Windows) and its top-level files are copies, so vitest run there has
 * that folder for its root and the kata's lib/, data/ and node_modules/ through the links.
 */
export function stageKata(root: string, manifest: Manifest): KataExercises {
  const stubs = kataStubBytes(root, manifest);
  const stage = mkdtempSync(path.join(tmpdir(), 'kata-stubs-'));
  try {
    for (const d of readdirSync(root, { withFileTypes: true })) {
      if (d.name.startsWith('.') || SKIPPED.has(d.name)) continue;
      const from = path.join(root, d.name);
      // node_modules may itself be a link (a copy of the kata that shares an install)
      const kind = d.isSymbolicLink() ? statSync(from) : d;
      if (kind.isDirectory()) symlinkSync(from, path.join(stage, d.name), 'junction');
      else if (kind.isFile()) copyFileSync(from, path.join(stage, d.name));
    }
    for (const ex of listExercises(root)) {
      for (const d of readdirSync(ex.dir, { withFileTypes: true })) {
        const rel = `exercises/${ex.name}/${d.name}`;
        if (!d.isFile() || isCode(rel)) continue;
        mkdirSync(path.join(stage, 'exercises', ex.name), { recursive: true });
        copyFileSync(path.join(ex.dir, d.name), path.join(stage, rel));
      }
    }
    writeStubs(stage, stubs);
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    throw e;
  }
  const inStage = (file: string) => path.join(stage, path.relative(root, file));
  return {
    root: stage,
    stubOf: (ex) => inStage(ex.stub),
    specOf: (ex) => inStage(ex.spec),
    remove: () => rmSync(stage, { recursive: true, force: true, maxRetries: 3 }),
  };
}

/**
 * The exercises the kata's checks (every stub fails, the stubs' shape, the judges) should
 * look at: the working tree in the kata's own repository, a stage with the kata's stubs in a
 * learner's copy. Throws KataStubsUnavailable when a learner's copy lacks the kata's stubs.
 */
export function kataExercises(root: string, env: NodeJS.ProcessEnv = process.env): KataExercises {
  if (kataMode(root, env).mode === 'maintainer') {
    return { root, stubOf: (ex) => ex.stub, specOf: (ex) => ex.spec, remove: () => {} };
  }
  return stageKata(root, readManifest(root));
}
