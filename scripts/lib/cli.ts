/** What the learner's commands (start, ui, list, hint, reset, solution) share: language, style, the exercise asked for. */

import { type CommandArgs, commandArgs, type OptionSpecs } from './args.ts';
import { type Exercise, findExercise, listExercises } from './exercises.ts';
import { detectLang, type Lang, type Messages, messages } from './messages.ts';
import { colorEnabled, makeStyle, type Style } from './term.ts';

export interface Cli<O extends OptionSpecs = OptionSpecs> {
  args: CommandArgs<O>;
  lang: Lang;
  m: Messages;
  style: Style;
  exercises: Exercise[];
}

/**
 * Parses the arguments (args.ts' parser); prints --help (the script's doc comment), or what is
 * wrong with the command line, in the learner's language, and exits.
 */
export function startCli<const O extends OptionSpecs>(
  scriptUrl: string,
  argv: readonly string[],
  options: O = {} as O,
  allowPositionals = true,
): Cli<O> {
  // A bad command line is told in the language of the environment: --lang is not read yet.
  const args = commandArgs(scriptUrl, argv, options, allowPositionals, (command, e) =>
    messages().badArgs(command, e.problem, e.flag),
  );
  const values = args.values as { lang?: string };
  // `--lang ko` (where a command accepts it) wins over KATA_LANG and the locale.
  const lang = values.lang !== undefined ? detectLang({ KATA_LANG: values.lang }) : detectLang();
  return { args, lang, m: messages(lang), style: makeStyle(colorEnabled(process.stdout)), exercises: listExercises() };
}

/** The exercise named on the command line; prints the choices and exits when there is none. */
export function exerciseArg(cli: Cli<OptionSpecs>, query: string | undefined, usage: string): Exercise {
  if (!query) {
    console.error(cli.m.usageNeedsExercise(usage, cli.exercises.map((e) => e.id).join(', ')));
    process.exit(2);
  }
  try {
    return findExercise(query);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
}
