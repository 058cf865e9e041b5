/**
 * `npm start`: the guided runner. Shows the progress over all exercises, runs the specs of the
 * first unsolved exercise and reruns them on every save of its files (one Vitest instance,
 * no new process per save). When it passes, it is recorded; the runner stays on it (its
 * solution a key away) and names the next exercise, until you press n.
 *
 *   npm start                   the first unsolved exercise
 *   npm start -- 03             a given exercise
 *   npm start -- --poll         watch by polling (Docker, network drives); or KATA_POLL=1. A kata
 *                               on a Windows drive under WSL (/mnt/c/…) polls by itself
 *   npm start -- --watch        keep watching when stdin is not a terminal (keys as typed lines)
 *   npm start -- --once         run once, print, and exit
 *   npm start -- --auto-advance move on to the next exercise by itself after a pass; or KATA_AUTO_ADVANCE=1
 *   npm start -- --skip-optional an exercise is done when its required steps pass (the README marks
 *                               the optional ones); or KATA_SKIP_OPTIONAL=1
 *   KATA_LANG=ko npm start      in Korean (a Korean locale does the same)
 *
 * Keys: h hint, l list, n next, p previous, r rerun, s solution (once it passes), q quit.
 */
import { createInterface } from 'node:readline';
import { startCli } from './lib/cli.ts';
import { type Exercise, findExercise, ROOT } from './lib/exercises.ts';
import { colorEnabled, makeStyle } from './lib/term.ts';
import { watchMode } from './lib/watch-mode.ts';
import { Runner } from './runner/runner.ts';
import { SpecSession } from './runner/session.ts';
import { skippingOptional } from './runner/spec-results.ts';

const { args, lang, m, exercises } = startCli(import.meta.url, process.argv.slice(2), {
  poll: { type: 'boolean' },
  watch: { type: 'boolean' },
  once: { type: 'boolean' },
  'auto-advance': { type: 'boolean' },
  'skip-optional': { type: 'boolean' },
  lang: { type: 'string' },
});
// Read where each result is summarised (scripts/runner/spec-results.ts), in this process.
if (args.values['skip-optional']) process.env.KATA_SKIP_OPTIONAL = '1';
let target: Exercise | undefined;
try {
  target = args.positionals[0] ? findExercise(args.positionals[0]) : undefined;
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}

const interactive = process.stdin.isTTY === true;
const keepWatching = args.values.watch || process.env.KATA_WATCH === '1';
const keys = args.values.once ? 'none' : interactive ? 'keys' : keepWatching ? 'lines' : 'none';
const watch = watchMode({ root: ROOT, flag: args.values.poll });
const style = makeStyle(colorEnabled(process.stdout));
const write = (text: string) => process.stdout.write(text);

let runner: Runner | undefined;
const session = await SpecSession.start({
  watch: keys !== 'none',
  poll: watch.poll,
  onRerunStart: () => runner?.rerunStarted(),
  onRerunResult: (result, latency) => void runner?.rerunResult(result, latency),
});

runner = new Runner(
  {
    root: ROOT,
    exercises,
    lang,
    m,
    style,
    keys,
    write,
    clearScreen: keys === 'keys' && process.stdout.isTTY === true,
    autoAdvance: args.values['auto-advance'] || process.env.KATA_AUTO_ADVANCE === '1',
    width: () => process.stdout.columns ?? 100,
    ...(target ? { target } : {}),
    notice: [
      ...(session.usesPolling ? [m.polling(watch.reason)] : []),
      ...(skippingOptional() ? [m.optionalSkipped] : []),
    ],
  },
  session,
);

let quitting = false;
async function quit(code = 0): Promise<never> {
  if (!quitting) {
    quitting = true;
    runner?.close();
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    write(`\n${m.bye}\n`);
    // Never hang on the way out: Vitest gets a moment to close its workers.
    await Promise.race([session.close(), new Promise((r) => setTimeout(r, 3000))]);
  }
  process.exit(code);
}
process.on('SIGINT', () => void quit());
process.on('SIGTERM', () => void quit());

await runner.start();

if (keys === 'none' || !runner.watching) {
  write(`${runner.finalScreen()}\n`);
  if (keys === 'none' && !interactive && !args.values.once) write(`\n${style.dim(m.ranOnce)}\n`);
  await session.close();
  process.exit(0);
}

const r = runner;
if (keys === 'keys') {
  process.stdin.setRawMode(true);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    // Arrow and function keys arrive as escape sequences (\x1b[H is Home): not our keys.
    if (chunk.startsWith('\x1b')) return;
    for (const ch of chunk) {
      void r.key(ch.toLowerCase()).then((outcome) => (outcome === 'quit' ? quit() : undefined));
    }
  });
  process.stdin.resume();
} else {
  // Not a terminal, but watching: each typed line is a key; the end of input changes nothing.
  createInterface({ input: process.stdin }).on('line', (line) => {
    const k = line.trim().toLowerCase()[0];
    if (k) void r.key(k).then((outcome) => (outcome === 'quit' ? quit() : undefined));
  });
}
