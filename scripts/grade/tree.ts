/**
 * A learner's grading tree: the kata's protected files from the stage (specs, lib/, data/,
 * configs, the judges — never the solutions), the instructor's hidden files, and the
 * learner's exercise code, copied as hostile input: regular files only, source files only,
 * within size limits, links refused. One tree serves all of a learner's runs; the sandbox
 * mounts it read-only, so no run can change what the next one loads.
 */
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXERCISE_DIR_PATTERN } from '../lib/exercises.ts';
import { entryKind, walkRegular } from './safe-fs.ts';
import { graderTemp } from './stage.ts';

/** Files a learner's exercise folder may not bring: specs, metadata, configs. */
const NOT_LEARNER_CODE = /(\.(spec|test)\.[cm]?[jt]s|^meta\.json|^package\.json|^tsconfig.*\.json|^jsconfig.*\.json)$/;
/** What learner code is made of; anything else (a picture, notes) stays out. */
const SOURCE = /\.([cm]?[jt]s|json)$/;
const QUIET = /\.(md|txt|svg|png|jpe?g|gif)$/i;
/** The grader's setup file (scripts/grade/probe.ts), placed in every tree so it resolves the tree's packages. */
export const PROBE_IN_TREE = 'kata-grade/probe.ts';
/** The judge's runner, as a test file of the tree: Vitest runs it after the specs. */
export const JUDGE_RUNNER = 'grading/judge/runner.ts';
const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'probe.ts');
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_TREE_BYTES = 100 * 1024 * 1024;

export interface TreeSpec {
  /** where the protected files are copied from (the stage, or the kata itself when building the manifest) */
  from: string;
  /** the protected files, relative; solutions/ among them are left out */
  files: readonly string[];
  /** the tree's package.json fields (type, imports) */
  packageJson: Record<string, unknown>;
  /** a folder of NN-slug/ folders whose code becomes exercises/NN-slug/ (a submission's exercises/, or solutions/) */
  codeDir: string | null;
  /** hidden files, relative to `from` (hidden/NN-slug/…) */
  hidden?: readonly string[];
  /**
   * 'mount': an empty node_modules folder for the sandbox to mount the grader's on, read-only;
   * a path: a link to that node_modules (no sandbox)
   */
  nodeModules: 'mount' | string;
}

export interface Tree {
  root: string;
  /** what was left out of the learner's code, and why */
  warnings: string[];
}

function copyInto(root: string, rel: string, from: string): void {
  const to = path.join(root, rel);
  mkdirSync(path.dirname(to), { recursive: true, mode: 0o755 });
  copyFileSync(from, to);
  chmodSync(to, 0o644);
}

/** The learner's exercise folders: regular folders named NN-slug; anything else is refused by name. */
function learnerCode(codeDir: string, root: string, warnings: string[]): void {
  const kind = entryKind(codeDir);
  if (kind === 'missing') return;
  if (kind !== 'dir') {
    warnings.push(`exercises/: ${kind}, refused`);
    return;
  }
  let budget = 0;
  for (const name of readdirSync(codeDir).sort()) {
    if (!EXERCISE_DIR_PATTERN.test(name)) continue;
    const dir = path.join(codeDir, name);
    const k = entryKind(dir);
    if (k !== 'dir') {
      if (k !== 'file') warnings.push(`exercises/${name}: ${k}, refused`);
      continue;
    }
    const { files, refused } = walkRegular(dir, { skip: (n) => n.startsWith('.') || n === 'node_modules' });
    for (const r of refused) warnings.push(`exercises/${name}/${r.rel}: ${r.why}`);
    for (const f of files) {
      const base = path.basename(f.rel);
      const where = `exercises/${name}/${f.rel}`;
      if (NOT_LEARNER_CODE.test(base)) continue;
      if (!SOURCE.test(base)) {
        if (!QUIET.test(base)) warnings.push(`${where}: not source code, left out`);
        continue;
      }
      if (f.size > MAX_FILE_BYTES || budget + f.size > MAX_TREE_BYTES) {
        warnings.push(`${where}: too large (${(f.size / 1e6).toFixed(1)} MB), left out`);
        continue;
      }
      budget += f.size;
      copyInto(root, where, f.abs);
    }
  }
}

export function buildTree(spec: TreeSpec): Tree {
  const root = graderTemp('kata-grade-tree-');
  const warnings: string[] = [];
  try {
    if (spec.codeDir) learnerCode(spec.codeDir, root, warnings);
    // protected files last, so nothing of the learner's stands in for them
    for (const f of [...spec.files, ...(spec.hidden ?? [])]) {
      if (f.startsWith('solutions/')) continue;
      copyInto(root, f, path.join(spec.from, f));
    }
    copyInto(root, PROBE_IN_TREE, PROBE);
    writeFileSync(
      path.join(root, 'package.json'),
      `${JSON.stringify({ name: 'kata-grade-tree', private: true, ...spec.packageJson }, null, 2)}\n`,
      { mode: 0o644 },
    );
    if (spec.nodeModules === 'mount') mkdirSync(path.join(root, 'node_modules'), { mode: 0o755 });
    // a junction needs no privilege on Windows; elsewhere the type is ignored
    else symlinkSync(spec.nodeModules, path.join(root, 'node_modules'), 'junction');
    return { root, warnings };
  } catch (e) {
    removeTree(root);
    throw e;
  }
}

export function removeTree(root: string): void {
  try {
    if (lstatSync(path.join(root, 'node_modules')).isSymbolicLink()) rmSync(path.join(root, 'node_modules'));
  } catch {
    // already gone
  }
  rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}
