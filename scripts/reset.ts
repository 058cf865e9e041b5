/**
 * `npm run reset -- 03`: puts exercise 03's stub back as it was committed (`git show HEAD:…`),
 * after saving your version under .kata/backups/ with a timestamp. Its progress is cleared
 * (hints seen and solution views are kept).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../lib/exercises.ts';
import { exerciseArg, startCli } from './lib/cli.ts';
import { fileStamp, rel, writeFileAtomic } from './lib/fsutil.ts';
import { committedVersion, GitUnavailableError } from './lib/git.ts';
import { recordOf, updateState } from './lib/state.ts';

const cli = startCli(import.meta.url, process.argv.slice(2));
const { m, style } = cli;
const ex = exerciseArg(cli, cli.args.positional[0], 'npm run reset -- <exercise>');
const stub = rel(ROOT, ex.stub);

let committed: string;
try {
  committed = committedVersion(ROOT, ex.stub, process.env.KATA_GIT ?? 'git');
} catch (e) {
  console.error(
    style.red(e instanceof GitUnavailableError ? m.resetNoGit(stub) : m.resetNotCommitted(stub, (e as Error).message)),
  );
  process.exit(1);
}

const mine = existsSync(ex.stub) ? readFileSync(ex.stub, 'utf8') : null;
const sameText = (a: string, b: string) => a.replace(/\r\n/g, '\n') === b.replace(/\r\n/g, '\n');
if (mine !== null && sameText(mine, committed)) {
  console.error(m.resetUnchanged(stub));
  process.exit(1);
}

let backup = '';
if (mine !== null) {
  const file = path.join(ROOT, '.kata', 'backups', ex.name, `${path.basename(ex.stub, '.ts')}.${fileStamp()}.ts`);
  writeFileAtomic(file, mine);
  backup = rel(ROOT, file);
}
writeFileAtomic(ex.stub, committed);
updateState(ROOT, (s) => {
  const r = recordOf(s, ex.name);
  r.done = false;
  delete r.passed;
  delete r.total;
  delete r.step;
  delete r.checkedAt;
});
console.log(style.green(m.resetDone(stub, backup || '—')));
process.exit(0);
