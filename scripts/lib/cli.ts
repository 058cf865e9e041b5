/** What the learner's commands (start, ui, list, hint, reset, solution) share: language, style, the exercise asked for. */

import { helpText, type ParsedArgs, parseArgs } from './args.ts';
import { type Exercise, findExercise, listExercises } from './exercises.ts';
import { detectLang, type Lang, type Messages, messages } from './messages.ts';
import { colorEnabled, makeStyle, type Style } from './term.ts';

export interface Cli {
  args: ParsedArgs;
  lang: Lang;
  m: Messages;
  style: Style;
  exercises: Exercise[];
}

/** Parses the arguments; prints --help (the script's doc comment) or an unknown option and exits. */
export function startCli(
  scriptUrl: string,
  argv: readonly string[],
  known: { flags?: string[]; values?: string[] } = {},
): Cli {
  const args = parseArgs(argv, { flags: [...(known.flags ?? []), 'help', 'h'], values: known.values ?? [] });
  // `--lang ko` (where a command accepts it) wins over KATA_LANG and the locale.
  const lang = args.values.has('lang') ? detectLang({ KATA_LANG: args.values.get('lang') }) : detectLang();
  const m = messages(lang);
  if (args.flags.has('help') || args.flags.has('h')) {
    console.log(helpText(scriptUrl));
    process.exit(0);
  }
  if (args.unknown.length > 0) {
    console.error(m.unknownOption(args.unknown.join(' ')));
    process.exit(2);
  }
  return { args, lang, m, style: makeStyle(colorEnabled(process.stdout)), exercises: listExercises() };
}

/** The exercise named on the command line; prints the choices and exits when there is none. */
export function exerciseArg(cli: Cli, query: string | undefined, usage: string): Exercise {
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
