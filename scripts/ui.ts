/**
 * `npm run ui`: the Vitest UI over the exercises, in the browser, rerunning on save.
 *   npm run ui             all exercises
 *   npm run ui -- 03       one exercise
 *   --port N               the port (default 51204); --no-open to not open a browser
 */
import path from 'node:path';
import { findExercise, ROOT } from '../lib/exercises.ts';
import { BIN, runNode } from './lib/proc.ts';

const args = process.argv.slice(2);
const only = args.find((a) => !a.startsWith('-'));
const portIndex = args.indexOf('--port');
const port = portIndex >= 0 ? args[portIndex + 1] : '51204';
if (port === undefined || !/^\d+$/.test(port)) {
  console.error(`npm run ui: --port needs a number, got ${JSON.stringify(port)}`);
  process.exit(2);
}
const open = !args.includes('--no-open') && process.env.CI !== 'true';
const filters = only ? [path.relative(ROOT, findExercise(only).dir)] : [];
console.log(`Vitest UI: http://localhost:${port}/__vitest__/ (Ctrl-C to stop)`);
process.exitCode = await runNode(
  BIN.vitest,
  ['--ui', '--watch', '--project', 'exercises', `--api.port=${port}`, `--open=${open}`, ...filters],
  { KATA_QUIET: '1' },
);
