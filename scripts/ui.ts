/**
 * `npm run ui`: the Vitest UI over the exercises, in the browser, rerunning on save.
 *
 *   npm run ui              all exercises, the UI opened on the first unsolved one
 *   npm run ui -- 03        one exercise
 *   --port N                the port (default 51204; the next free one if it is taken)
 *   --no-open               do not open a browser (also when CI=true)
 *   --poll                  watch by polling (Docker, network drives); or KATA_POLL=1 (a kata on
 *                           a Windows drive under WSL polls by itself)
 *
 * Vitest runs in this process (its Node API), so stopping this command stops the UI. The
 * terminal shows the UI's address first, then one line per exercise after each run.
 */
import path from 'node:path';
import { createVitest, generateFileHash, type Reporter, type TestModule } from 'vitest/node';
import { startCli } from './lib/cli.ts';
import { type Exercise, findExercise, ROOT } from './lib/exercises.ts';
import { watchMode } from './lib/watch-mode.ts';
import { isDone, loadState } from './runner/state.ts';
import { firstUnsolved } from './runner/status.ts';
import { kataWarmPool, poolOption } from './runner/warm-pool.ts';

const { args, m, style, exercises } = startCli(import.meta.url, process.argv.slice(2), {
  'no-open': { type: 'boolean' },
  open: { type: 'boolean' },
  poll: { type: 'boolean' },
  port: { type: 'string' },
});
const port = args.values.port ?? '51204';
if (!/^\d+$/.test(port)) {
  console.error(`npm run ui: --port needs a number, got ${JSON.stringify(port)}`);
  process.exit(2);
}
let chosen: Exercise[] = [];
try {
  chosen = args.positionals.map((q) => findExercise(q));
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
const open = !args.values['no-open'] && process.env.CI !== 'true';
// The UI opens on this exercise: the first one named, else the first unsolved (as npm start).
const { state } = loadState(ROOT);
const focus = chosen[0] ?? firstUnsolved(exercises, (n) => isDone(state, n)) ?? exercises[0];

/** One line per spec file after each run, instead of Vitest's hundreds of failure traces. */
const summary: Reporter = {
  // A run of all eleven can take a minute on a busy machine: say it has begun.
  onTestRunStart(specifications) {
    const time = style.dim(new Date().toLocaleTimeString());
    const names = specifications.map((s) => path.basename(path.dirname(s.moduleId)));
    const only = names.length === 1 ? names[0] : undefined;
    console.log(`${time}  ${style.dim(only ? m.running(only) : m.checkingAll(names.length))}`);
  },
  onTestRunEnd(modules: readonly TestModule[]) {
    const time = new Date().toLocaleTimeString();
    for (const module of modules) {
      const name = path.basename(path.dirname(module.moduleId));
      const tests = [...module.children.allTests()];
      const passed = tests.filter((t) => t.result().state === 'passed').length;
      const loaded = module.errors().length === 0 || tests.length > 0;
      const line = loaded ? m.specsPassing(passed, tests.length) : m.notRun;
      const ok = loaded && tests.length > 0 && passed === tests.length;
      console.log(`${style.dim(time)}  ${ok ? style.green(`✓ ${name}`) : style.red(`✗ ${name}`)}  ${line}`);
    }
  },
};

process.env.KATA_QUIET = '1';
// Worker threads with spares kept ready (TensorFlow.js loaded), as in `npm start`: a save's
// rerun does not wait for a thread to load it.
const pool = kataWarmPool(ROOT);
const watch = watchMode({ root: ROOT, flag: args.values.poll });
const vitest = await createVitest(
  'test',
  {
    root: ROOT,
    project: ['exercises'],
    ui: true,
    // Without watch, Vitest runs once and exits, taking the UI with it.
    watch: true,
    open: false,
    api: { port: Number(port) },
    reporters: [summary],
    ...poolOption(pool),
  },
  watch.poll ? { server: { watch: { usePolling: true, interval: 100 } } } : {},
);
const base = new URL('__vitest__/', vitest.vite.resolvedUrls?.local[0] ?? `http://localhost:${port}/`).href;
// The UI selects a spec file by its id: a hash of its path and its project's name.
const focused = focus
  ? `${base}#/?file=${generateFileHash(path.relative(ROOT, focus.spec).split(path.sep).join('/'), 'exercises')}`
  : base;
// The address first: the results are in the browser, the terminal only sums them up.
console.log(`\n${style.bold(m.uiAt(focused))}\n${style.dim(m.uiSummary)}\n`);
if (watch.poll) console.log(style.dim(m.polling(watch.reason)));
if (open && focus) {
  (vitest.vite.config.server as { open?: string | boolean }).open = focused.slice(focused.indexOf('/__vitest__/'));
  vitest.vite.openBrowser();
}
process.exitCode = 0; // failing specs are the normal state of a kata
await vitest.start(chosen.map((e) => path.relative(ROOT, e.dir)));
process.exitCode = 0;
