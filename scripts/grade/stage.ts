/**
 * The stage: the kata's protected files, each checked against the manifest's hash, copied
 * once per grading into a folder of the grader's. Learner trees are built from it, the judge
 * and the reference solutions are loaded from it, and it is checked again before every run.
 *
 * Where the files come from:
 *   - an instructor's grader (`--submission`, `--batch`): its own checkout. A file that differs
 *     from the manifest stops the grading with the list: nothing is graded with a changed spec.
 *   - a learner's repository grading itself (the Classroom workflow without a grader of the
 *     instructor's): the working tree where it matches, otherwise git's copy of the blob the
 *     manifest names (a learner who edits a spec is graded with the kata's). What cannot be
 *     recovered is listed, and no exercise is graded with it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Manifest } from './manifest-file.ts';
import { PACKAGE_ENTRY, protectedBytes } from './protected-files.ts';
import { walkRegular } from './safe-fs.ts';
import { sha256 } from './util.ts';

export interface Stage {
  root: string;
  /** the protected files (relative POSIX paths), without package.json's virtual entry */
  files: string[];
  /** files taken from git because the working tree's differed (self-grading only) */
  fromGit: string[];
  /** protected files neither the working tree nor git could give (self-grading only) */
  missing: string[];
  /** hidden specs and judges, copied to hidden/ */
  hidden: string[];
}

export class GraderMismatch extends Error {}

/** A folder of the grader's, readable by every user (the sandbox may run as nobody). */
export function graderTemp(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

function writeStaged(root: string, rel: string, bytes: Uint8Array): void {
  const to = path.join(root, rel);
  mkdirSync(path.dirname(to), { recursive: true, mode: 0o755 });
  writeFileSync(to, bytes, { mode: 0o644 });
}

/** git's copies of these blobs, from the repository at `root` (ids not found are absent). */
export function gitBlobs(root: string, ids: string[], git = 'git'): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (ids.length === 0 || ids.some((id) => !/^[0-9a-f]{40}$/.test(id))) return out;
  // the repository is the learner's: no pager, no prompt, no fsmonitor, and a time limit
  const run = spawnSync(git, ['-c', 'core.fsmonitor=false', '-c', `safe.directory=${root}`, 'cat-file', '--batch'], {
    cwd: root,
    input: `${ids.join('\n')}\n`,
    maxBuffer: 256 * 1024 * 1024,
    timeout: 30_000,
    env: {
      PATH: process.env.PATH ?? '',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_PAGER: 'cat',
      HOME: tmpdir(),
    },
  });
  if (run.status !== 0 || !run.stdout) return out;
  const buf = run.stdout;
  let at = 0;
  while (at < buf.length) {
    const nl = buf.indexOf(10, at);
    if (nl < 0) break;
    const header = buf.subarray(at, nl).toString('latin1');
    const m = /^([0-9a-f]{40}) blob (\d+)$/.exec(header);
    if (!m) {
      at = nl + 1;
      continue;
    }
    const size = Number(m[2]);
    out.set(m[1] as string, buf.subarray(nl + 1, nl + 1 + size));
    at = nl + 1 + size + 1;
  }
  return out;
}

export interface StageOptions {
  manifest: Manifest;
  /** where the protected files are read from */
  source: string;
  /** 'checkout': they must match (an instructor's grader); 'git': recover changed ones from git */
  from: 'checkout' | 'git';
  hiddenDir?: string | null;
  /** node_modules for the grader's own imports of the stage (the judge, the reference) */
  nodeModules: string;
}

export function buildStage(opts: StageOptions): Stage {
  const root = graderTemp('kata-grade-stage-');
  const stage: Stage = { root, files: [], fromGit: [], missing: [], hidden: [] };
  try {
    const wanted = Object.entries(opts.manifest.files).filter(([rel]) => rel !== PACKAGE_ENTRY);
    const mismatched: string[] = [];
    const toRecover: [string, string, string][] = [];
    for (const [rel, entry] of wanted) {
      const got = protectedBytes(opts.source, rel);
      if ('bytes' in got && sha256(got.bytes) === entry.sha256) {
        writeStaged(root, rel, got.bytes);
        stage.files.push(rel);
        continue;
      }
      const why = 'missing' in got ? 'deleted' : 'refused' in got ? got.refused : 'modified';
      if (opts.from === 'checkout') mismatched.push(`${rel} (${why})`);
      else toRecover.push([rel, entry.git ?? '', entry.sha256]);
    }
    if (mismatched.length) {
      throw new GraderMismatch(
        `the grader's own protected files differ from its grading/manifest.json: ${mismatched.join(', ')}. ` +
          'Nothing was graded. If you changed them on purpose, run npm run manifest; otherwise restore them (git checkout -- <file>).',
      );
    }
    const blobs = gitBlobs(
      opts.source,
      toRecover.map(([, id]) => id),
    );
    for (const [rel, id, hash] of toRecover) {
      const bytes = blobs.get(id);
      if (bytes && sha256(bytes) === hash) {
        writeStaged(root, rel, bytes);
        stage.files.push(rel);
        stage.fromGit.push(rel);
      } else {
        stage.missing.push(rel);
      }
    }
    const pkg = { name: 'kata-grade-stage', private: true, ...pick(opts.manifest.package, ['type', 'imports']) };
    writeFileSync(path.join(root, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`, { mode: 0o644 });
    symlinkSync(opts.nodeModules, path.join(root, 'node_modules'), 'junction');
    if (opts.hiddenDir) {
      const { files } = walkRegular(opts.hiddenDir, { skip: (n) => n.startsWith('.') || n === 'node_modules' });
      for (const f of files) {
        writeStaged(root, `hidden/${f.rel}`, readFileSync(f.abs));
        stage.hidden.push(`hidden/${f.rel}`);
      }
    }
    stage.files.sort();
    return stage;
  } catch (e) {
    removeStage(stage);
    throw e;
  }
}

/** Checks the staged files against the manifest again: before every run, in case anything touched them. */
export function verifyStage(stage: Stage, manifest: Manifest): void {
  const bad: string[] = [];
  for (const rel of stage.files) {
    const got = protectedBytes(stage.root, rel);
    if (!('bytes' in got) || sha256(got.bytes) !== manifest.files[rel]?.sha256) bad.push(rel);
  }
  if (bad.length) throw new GraderMismatch(`the grader's staged copies changed during grading: ${bad.join(', ')}`);
}

export function removeStage(stage: Stage): void {
  rmSync(stage.root, { recursive: true, force: true, maxRetries: 3 });
}

export function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}
