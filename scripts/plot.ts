/**
 * `npm run plot -- 04`: draws an exercise's picture with YOUR functions and writes it as SVG.
 *
 *   npm run plot -- 04              writes plots/04-geometry.svg (04, 4, geometry, 04-geometry all work)
 *   npm run plot -- 04 --out f.svg  writes f.svg instead (relative to where you run npm)
 *
 * The figure of exercise NN-slug is scripts/plots/NN-slug.ts: its default export takes a
 * PlotContext and returns the SVG text. It calls the learner's functions through
 * `ctx.learnerCode()`: a function that throws (not written yet, or a bug) is replaced by the
 * reference solution's, the panel says "(reference solution)" and a notice is printed.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ArgsError, type CommandArgs, helpText, parseCommandArgs, usageLine } from './lib/args.ts';
import { EXERCISE_DIR_PATTERN, type Exercise, findExercise, ROOT } from './lib/exercises.ts';
import { writeFileAtomic } from './lib/files.ts';

export const PLOTS_DIR = path.join(ROOT, 'scripts', 'plots');

/** The learner's functions, each falling back to the reference solution's when it throws. */
export interface LearnerCode<T> {
  readonly fns: T;
  /** Runs `draw` and says which functions fell back to the reference solution while it ran. */
  run<R>(draw: () => R): { result: R; fellBack: string[] };
}

export interface PlotContext {
  exercise: Exercise;
  learnerCode<T extends object>(): Promise<LearnerCode<T>>;
  /** Say something to the person running the plot (printed once per distinct message). */
  notice(message: string): void;
}

export type PlotModule = { default: (ctx: PlotContext) => string | Promise<string> };

const isTodo = (e: unknown, ex: Exercise) => e instanceof Error && e.message.includes(`TODO(${ex.name})`);

/** Wraps every exported function of `learner` so that a throw calls `reference`'s instead. */
export function withFallback<T extends object>(
  learner: Partial<T>,
  reference: T,
  onFallback: (name: string, error: unknown) => void,
): LearnerCode<T> {
  let current: Set<string> | null = null;
  const broken = new Set<string>(); // once a function has thrown, later calls go straight to the reference
  const fns = {} as Record<string, unknown>;
  for (const [name, ref] of Object.entries(reference)) {
    const mine = (learner as Record<string, unknown>)[name];
    if (typeof ref !== 'function') {
      fns[name] = ref;
      continue;
    }
    fns[name] = (...args: unknown[]) => {
      if (typeof mine === 'function' && !broken.has(name)) {
        try {
          return mine(...args);
        } catch (e) {
          broken.add(name);
          onFallback(name, e);
        }
      } else if (typeof mine !== 'function' && !broken.has(name)) {
        broken.add(name);
        onFallback(name, new Error('not exported'));
      }
      current?.add(name);
      return ref(...args);
    };
  }
  return {
    fns: fns as T,
    run(draw) {
      const outer = current;
      const here = new Set<string>();
      current = here;
      try {
        const result = draw();
        return { result, fellBack: [...here] };
      } finally {
        current = outer;
        for (const n of here) outer?.add(n);
      }
    },
  };
}

/** Names of the exercises that have a figure, e.g. ['04-geometry']. */
export function exercisesWithPlots(): string[] {
  if (!existsSync(PLOTS_DIR)) return [];
  return readdirSync(PLOTS_DIR)
    .map((f) => f.replace(/\.ts$/, ''))
    .filter((n) => EXERCISE_DIR_PATTERN.test(n))
    .sort();
}

/** Renders the figure of the exercise `query` names; returns the SVG and the notices. */
export async function renderPlot(query: string): Promise<{ exercise: Exercise; svg: string; notices: string[] }> {
  const exercise = findExercise(query);
  const file = path.join(PLOTS_DIR, `${exercise.name}.ts`);
  if (!existsSync(file)) {
    const have = exercisesWithPlots();
    throw new Error(
      `${exercise.name} has no picture (no ${path.relative(ROOT, file)}). Exercises with one: ${have.join(', ') || '(none)'}`,
    );
  }
  const notices: string[] = [];
  const notice = (m: string) => {
    if (!notices.includes(m)) notices.push(m);
  };
  const ctx: PlotContext = {
    exercise,
    notice,
    async learnerCode<T extends object>() {
      let learner: Partial<T> = {};
      try {
        learner = (await import(pathToFileURL(exercise.stub).href)) as T;
      } catch (e) {
        notice(
          `could not load ${path.relative(ROOT, exercise.stub)} (${(e as Error).message}): drawing with the reference solution`,
        );
      }
      // a learner's template has no solutions/: nothing falls back, and an unwritten function throws its TODO
      const reference = existsSync(exercise.solution)
        ? ((await import(pathToFileURL(exercise.solution).href)) as T)
        : (learner as T);
      return withFallback(learner, reference, (name, e) => {
        if (isTodo(e, exercise)) todo.push(name);
        else
          notice(
            `${name} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}; drawn with the reference solution`,
          );
      });
    },
  };
  const todo: string[] = [];
  const mod = (await import(pathToFileURL(file).href)) as PlotModule;
  const svg = await mod.default(ctx);
  if (todo.length > 0) notices.unshift(`not written yet, so drawn with the reference solution: ${todo.join(', ')}`);
  return { exercise, svg, notices };
}

/** Writes `text` to `file` atomically: a temporary file next to it, then a rename. */
export const writeAtomic = writeFileAtomic;

function usage(): string {
  const have = exercisesWithPlots();
  return `usage: npm run plot -- <exercise> [--out FILE]\n  exercises with a picture: ${have.join(', ') || '(none)'}`;
}

async function main(argv: string[]): Promise<number> {
  let args: CommandArgs<{ out: { type: 'string' } }>;
  try {
    args = parseCommandArgs(argv, { out: { type: 'string' } });
  } catch (e) {
    if (!(e instanceof ArgsError)) throw e;
    console.error(`${usageLine('npm run plot', e)}\n${usage()}`);
    return 2;
  }
  if (args.values.help) {
    console.log(`${helpText(import.meta.url)}\n\n${usage()}`);
    return 0;
  }
  const out = args.values.out;
  const positional = args.positionals;
  if (positional.length !== 1) {
    console.error(usage());
    return 2;
  }
  try {
    const { exercise, svg, notices } = await renderPlot(positional[0] as string);
    // npm runs scripts in the package root; INIT_CWD is where the user typed the command.
    const file = out
      ? path.resolve(process.env.INIT_CWD ?? process.cwd(), out)
      : path.join(ROOT, 'plots', `${exercise.name}.svg`);
    writeAtomic(file, svg);
    for (const n of notices) console.log(`note: ${n}`);
    const shown = path.relative(process.env.INIT_CWD ?? process.cwd(), file);
    console.log(`wrote ${shown.startsWith('..') ? file : shown} — open it in a browser`);
    return 0;
  } catch (e) {
    console.error(`npm run plot: ${(e as Error).message}`);
    return 1;
  }
}

// Run only as a script, not when a test imports this module.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
