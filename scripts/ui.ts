/**
 * `npm run ui`: the Vitest UI over the exercises, in the browser, rerunning on save.
 *
 *   npm run ui              all exercises
 *   npm run ui -- 03        one exercise
 *   --port N                the port (default 51204; the next free one if it is taken)
 *   --no-open               do not open a browser (also when CI=true)
 *
 * Vitest runs in this process (its Node API), so stopping this command stops the UI.
 */
import path from 'node:path';
import { startVitest } from 'vitest/node';
import { findExercise, ROOT } from '../lib/exercises.ts';
import { startCli } from './lib/cli.ts';
import { kataWarmPool, poolOption } from './lib/session.ts';

const { args } = startCli(import.meta.url, process.argv.slice(2), { flags: ['no-open', 'open'], values: ['port'] });
const port = args.values.get('port') ?? '51204';
if (!/^\d+$/.test(port)) {
  console.error(`npm run ui: --port needs a number, got ${JSON.stringify(port)}`);
  process.exit(2);
}
let filters: string[] = [];
try {
  filters = args.positional.map((q) => path.relative(ROOT, findExercise(q).dir));
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
const open = !args.flags.has('no-open') && process.env.CI !== 'true';

process.env.KATA_QUIET = '1';
// Worker threads with spares kept ready (TensorFlow.js loaded), as in `npm start`: a save's
// rerun does not wait for a thread to load it.
const pool = kataWarmPool(ROOT);
// Without --watch, Vitest runs once and exits when there is no terminal (CI, a script),
// taking the UI with it.
const vitest = await startVitest('test', filters, {
  root: ROOT,
  project: ['exercises'],
  ui: true,
  watch: true,
  open,
  api: { port: Number(port) },
  ...poolOption(pool),
});
process.exitCode = 0; // failing specs are the normal state of a kata
const url = vitest.vite.resolvedUrls?.local[0] ?? `http://localhost:${port}/`;
console.log(`\nVitest UI: ${new URL('__vitest__/', url).href} (Ctrl-C to stop)`);
