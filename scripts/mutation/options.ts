/** The command line of `npm run mutate`: exercises, --concurrency N, --incremental, --threshold P, --list. */

import { ArgsError, parseCommandArgs } from '../lib/args.ts';
import { type Exercise, findExercise, listExercises, ROOT } from '../lib/exercises.ts';

export interface MutateOptions {
  /** in the kata's order, each once; every exercise when none is named */
  exercises: Exercise[];
  /** StrykerJS' test runner processes; undefined: StrykerJS' default (the cores less one) */
  concurrency?: number;
  /** reuse the last run's results for mutants whose code and tests did not change */
  incremental: boolean;
  /** the lowest score (percent) an exercise may have without failing the command */
  threshold: number;
  /** only print the exercises' names as a JSON array (the mutation workflow's matrix) */
  list: boolean;
  help: boolean;
}

export const DEFAULT_THRESHOLD = 90;

/** The options, or an Error whose message says what is wrong with the command line. */
export function parseMutateArgs(argv: readonly string[], root = ROOT): MutateOptions {
  const args = parseMutateLine(argv);
  const concurrency = args.values.concurrency;
  const n = Number(concurrency);
  if (concurrency !== undefined && (!Number.isInteger(n) || n < 1)) {
    throw new Error(`--concurrency must be a positive integer, got ${JSON.stringify(concurrency)}`);
  }
  const thresholdText = args.values.threshold;
  const threshold = thresholdText === undefined ? DEFAULT_THRESHOLD : Number(thresholdText);
  if (thresholdText !== undefined && (thresholdText.trim() === '' || !(threshold >= 0 && threshold <= 100))) {
    throw new Error(`--threshold must be a percentage from 0 to 100, got ${JSON.stringify(thresholdText)}`);
  }
  const named = new Set(args.positionals.map((q) => findExercise(q, root).name));
  const all = listExercises(root);
  return {
    exercises: named.size === 0 ? all : all.filter((e) => named.has(e.name)),
    ...(concurrency === undefined ? {} : { concurrency: n }),
    incremental: args.values.incremental === true,
    threshold,
    list: args.values.list === true,
    help: args.values.help === true,
  };
}

function parseMutateLine(argv: readonly string[]) {
  const options = {
    incremental: { type: 'boolean' },
    list: { type: 'boolean' },
    concurrency: { type: 'string' },
    threshold: { type: 'string' },
  } as const;
  try {
    return parseCommandArgs(argv, options);
  } catch (e) {
    throw e instanceof ArgsError ? new Error(`${e.message} (npm run mutate -- --help lists the options)`) : e;
  }
}
