/**
 * `npm run reset -- 03`: puts exercise 03's stub back as the kata ships it, after saving your
 * version under .kata/backups/ with a timestamp. The kata's stub is the one grading/manifest.json
 * records, read from git's objects by its blob id (scripts/lib/kata-stubs.ts), so a reset works
 * after you committed your work too; a kata whose manifest records no stubs falls back to the
 * committed version at HEAD. Its progress is cleared (hints seen and solution views are kept).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Manifest, readManifest } from './grade/manifest-file.ts';
import { exerciseArg, startCli } from './lib/cli.ts';
import { ROOT } from './lib/exercises.ts';
import { fileStamp, rel, writeFileAtomic } from './lib/files.ts';
import { committedVersion, GitUnavailableError } from './lib/git.ts';
import { kataStubBytes } from './lib/kata-stubs.ts';
import { recordOf, updateState } from './runner/state.ts';

const cli = startCli(import.meta.url, process.argv.slice(2));
const { m, style } = cli;
const ex = exerciseArg(cli, cli.args.positionals[0], 'npm run reset -- <exercise>');
const stub = rel(ROOT, ex.stub);
const git = process.env.KATA_GIT ?? 'git';

function recorded(): Manifest | null {
  try {
    const manifest = readManifest(ROOT);
    return manifest.exercises.find((e) => e.name === ex.name)?.stubs?.[stub] ? manifest : null;
  } catch {
    return null;
  }
}

let kata: string;
let source: string;
const manifest = recorded();
try {
  if (manifest) {
    const bytes = kataStubBytes(ROOT, manifest, [ex.name], git).get(stub) as Uint8Array;
    kata = Buffer.from(bytes).toString('utf8');
    const entry = manifest.exercises.find((e) => e.name === ex.name)?.stubs?.[stub];
    source = m.resetFromManifest(entry?.git?.slice(0, 12) ?? '?');
  } else {
    kata = committedVersion(ROOT, ex.stub, git);
    source = m.resetFromHead;
  }
} catch (e) {
  const err = e as Error;
  const why = manifest
    ? m.resetNoStub(stub, err.message)
    : e instanceof GitUnavailableError
      ? m.resetNoGit(stub)
      : m.resetNotCommitted(stub, err.message);
  console.error(style.red(why));
  process.exit(1);
}

const mine = existsSync(ex.stub) ? readFileSync(ex.stub, 'utf8') : null;
const sameText = (a: string, b: string) => a.replace(/\r\n/g, '\n') === b.replace(/\r\n/g, '\n');
if (mine !== null && sameText(mine, kata)) {
  console.error(m.resetUnchanged(stub));
  process.exit(1);
}

let backup = '';
if (mine !== null) {
  const file = path.join(ROOT, '.kata', 'backups', ex.name, `${path.basename(ex.stub, '.ts')}.${fileStamp()}.ts`);
  writeFileAtomic(file, mine);
  backup = rel(ROOT, file);
}
writeFileAtomic(ex.stub, kata);
updateState(ROOT, (s) => {
  const r = recordOf(s, ex.name);
  r.done = false;
  delete r.passed;
  delete r.total;
  delete r.step;
  delete r.checkedAt;
});
console.log(style.green(m.resetDone(stub, backup || '—', source)));
process.exit(0);
