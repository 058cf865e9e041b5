/**
 * `npm run repl`: try things as the book's readers do in notebook cells — a TypeScript REPL
 * (ts-node) with the kata at hand. Arrays and tensors print as NumPy prints them.
 *
 *   NDArray, array     the kata's array; array([[1, 2], [3, 4]]) makes one (as np.array)
 *   ops                lib's ops: ops.matmul, ops.add, ops.relu, ops.softmax, ops.sum, …
 *   tf                 TensorFlow.js on the oracle's backend (loads on first use)
 *   train_images, train_labels, test_images, test_labels
 *                      MNIST as the book's notebook names it (loads on first use)
 *   ex01 … ex11        your exercise modules: ex01 is exercises/01-tensors/tensors.ts, …
 *
 *   .reload            import your exercises again after you edit them
 *   .names             the list above;  .help  every command;  .exit (or Ctrl-D) quits
 *
 * Top-level await works (`const h = await ex10.trainModel(…)`), and so does
 * `import { rank } from './exercises/01-tensors/tensors.ts'`.
 * KATA_REPL_EXERCISES=solutions loads the reference solutions instead of your code;
 * KATA_LANG=ko (or a Korean locale) says it all in Korean.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { REPLServer, ReplOptions } from 'node:repl';
import { pathToFileURL } from 'node:url';
import { describeBackend, plannedBackend } from '../lib/oracle.ts';
import { commandArgs } from './lib/args.ts';
import { listExercises, ROOT } from './lib/exercises.ts';
import { detectLang } from './lib/messages.ts';
import { banner, reloaded } from './repl/banner.ts';
import { exerciseSource, LazyScope, replNames } from './repl/names.ts';
import { kataErrorLine, rewriteImports } from './repl/show.ts';

// Not scripts/lib/cli.ts: its imports would double the time to the prompt (each module goes
// through ts-node's loader).
commandArgs(import.meta.url, process.argv.slice(2), {});
const exercises = listExercises();
let source: 'exercises' | 'solutions';
try {
  source = exerciseSource();
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}

// ts-node's REPL API is CommonJS. Inputs are transpiled only (no type check: quick, and the
// preloaded names have no declarations) to CommonJS for Node's vm; target ES2022 lets
// ts-node run top-level await.
const tsNode = createRequire(import.meta.url)('ts-node') as typeof import('ts-node');
process.env.TS_NODE_HISTORY ??= path.join(ROOT, '.kata', 'repl_history');
mkdirSync(path.dirname(process.env.TS_NODE_HISTORY), { recursive: true });
const repl = tsNode.createRepl();
repl.setService(
  tsNode.create({
    ...repl.evalAwarePartialHost,
    skipProject: true,
    transpileOnly: true,
    compilerOptions: { target: 'es2022', module: 'commonjs', esModuleInterop: true },
  }),
);

const { names, reload } = replNames(exercises, ROOT);
const lang = detectLang();
const { intro, names: listing } = banner({
  lang,
  seconds: performance.now() / 1000,
  backend: describeBackend(plannedBackend()),
  source,
  exercises,
});
console.log(`${intro}\n${listing.join('\n')}`);

// Inputs run one after another, each once the names it mentions have loaded.
let queue: Promise<unknown> = Promise.resolve();
let scope: LazyScope;
// NOTE: startInternal is ts-node 10.9's (@internal) way to pass Node's REPL options, here an
// eval of our own; the public start() takes none and returns nothing.
const server = (repl as unknown as { startInternal(options: ReplOptions): REPLServer }).startInternal({
  prompt: 'kata> ',
  eval: (code: string, context: object, file: string, callback: (err: Error | null, result?: unknown) => void) => {
    const input = rewriteImports(code);
    queue = queue.then(() =>
      scope.prepare(input).then(
        () =>
          new Promise<void>((done) =>
            repl.nodeEval(input, context, file, (err, result) => {
              callback(err, result);
              done();
            }),
          ),
        (err: Error) => callback(err),
      ),
    );
  },
});
scope = new LazyScope(names, server.context);
Object.defineProperty(server.context, '__kataImport', {
  value: (specifier: string) =>
    import(/^\.\.?[\\/]/.test(specifier) ? pathToFileURL(path.resolve(ROOT, specifier)).href : specifier),
});

// Node's REPL shows a thrown error through its writer too: a kata error becomes one line.
const writer = server.writer;
(server as { writer: unknown }).writer = Object.assign(
  (value: unknown) => kataErrorLine(value, ROOT) ?? writer.call(server, value),
  { options: (writer as unknown as { options: object }).options },
);

server.defineCommand('reload', {
  help: 'Import your exercise modules again (after you edit them)',
  action() {
    queue = queue.then(() => {
      reload();
      const forgotten = scope.forgetReloadable();
      this.output.write(`${reloaded(lang, forgotten, source)}\n`);
      this.displayPrompt();
    });
  },
});
server.defineCommand('names', {
  help: 'List the preloaded names',
  action() {
    this.output.write(`${listing.join('\n')}\n`);
    this.displayPrompt();
  },
});
// Piped input ends before its last inputs have run: let them finish first.
server.on('exit', () => void queue.finally(() => process.exit(0)));
