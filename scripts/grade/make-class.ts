/**
 * A class to try the roster on: N learners' git repositories made from this kata, and a roster
 * of their file:// URLs. For measuring `--jobs` against `--shard` + `--merge` (INSTRUCTORS.md,
 * "For maintainers"), not for grading anyone.
 *
 *   node --import ./scripts/register.mjs scripts/grade/make-class.ts --out DIR [--learners 20]
 *
 * Learner k is, in turn: untouched stubs; every reference solution (flagged as copies); the
 * first k mod 11 exercises solved; the same with exercise 01's spec weakened (flagged as
 * changed). Every fifth learner also committed a broken exercise 01 after the deadline, and is
 * graded at the deadline (the commit before it).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ROOT } from '../lib/exercises.ts';
import { readManifest } from './manifest-file.ts';

const DEADLINE = '2026-12-01T23:59:00Z';

function git(cwd: string, date: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Learner', '-c', 'user.email=learner@example.org', ...args], {
    cwd,
    env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    stdio: 'pipe',
  });
}

function main(): void {
  const { values } = parseArgs({ options: { out: { type: 'string' }, learners: { type: 'string', default: '20' } } });
  if (!values.out) throw new Error('--out DIR is required');
  const n = Number(values.learners);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--learners must be a whole number > 0, got ${values.learners}`);
  const out = path.resolve(values.out);
  if (existsSync(out)) throw new Error(`--out ${out} exists: name a new folder`);
  const manifest = readManifest(ROOT);
  const lines = ['learner,url,ref'];
  for (let k = 0; k < n; k++) {
    const name = `learner-${String(k + 1).padStart(2, '0')}`;
    const dir = path.join(out, 'repos', name);
    const copy = (rel: string, from = rel) => {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      cpSync(path.join(ROOT, from), path.join(dir, rel));
    };
    for (const f of Object.keys(manifest.files)) if (!f.startsWith('solutions/')) copy(f);
    for (const e of manifest.exercises) copy(e.stub);
    const solved = k % 4 === 0 ? 0 : k % 4 === 1 ? manifest.exercises.length : k % manifest.exercises.length;
    for (const e of manifest.exercises.slice(0, solved)) copy(e.stub, e.stub.replace(/^exercises\//, 'solutions/'));
    if (k % 4 === 3) {
      const spec = path.join(dir, manifest.exercises[0]?.specs[0]?.file as string);
      writeFileSync(spec, readFileSync(spec, 'utf8').replace(/\bexpect\(/g, 'expect.soft('));
    }
    git(dir, '2026-11-01T09:00:00Z', 'init', '-q', '-b', 'main');
    git(dir, '2026-11-20T09:00:00Z', 'add', '-A');
    git(dir, '2026-11-20T09:00:00Z', 'commit', '-qm', 'my work');
    let ref = '';
    if (k % 5 === 4) {
      writeFileSync(path.join(dir, manifest.exercises[0]?.stub as string), 'export {};\n');
      git(dir, '2026-12-03T09:00:00Z', 'commit', '-qam', 'too late, and broken');
      ref = DEADLINE;
    }
    lines.push(`${name},${pathToFileURL(dir).href},${ref}`);
  }
  writeFileSync(path.join(out, 'class.csv'), `${lines.join('\n')}\n`);
  console.log(`make-class: ${n} learners in ${path.join(out, 'repos')}, roster ${path.join(out, 'class.csv')}`);
}

main();
