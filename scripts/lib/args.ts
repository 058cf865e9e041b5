/**
 * The one command-line parser of the kata's commands: node:util's parseArgs, strict, with
 * `--help`/`-h` known to every command. A bad command line never runs the command for real (a
 * rebuild, a 4-minute test run): it is an ArgsError naming the flag, and `commandArgs` prints
 * it with where the command's help is, and exits 2.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

type Config<O extends OptionSpecs> = {
  args: string[];
  options: O & typeof HELP;
  strict: true;
  allowPositionals: boolean;
};
/** `values` typed by the options (string or boolean, `help` too) and the `positionals`. */
export type CommandArgs<O extends OptionSpecs> = ReturnType<typeof parseArgs<Config<O>>>;

export type ArgsProblem = 'unknown' | 'needs-value' | 'takes-no-value' | 'no-arguments';

/** What is wrong with a command line, by the flag (or argument) at fault. */
export class ArgsError extends Error {
  readonly problem: ArgsProblem;
  readonly flag: string;
  constructor(problem: ArgsProblem, flag: string) {
    super(describeProblem(problem, flag));
    this.name = 'ArgsError';
    this.problem = problem;
    this.flag = flag;
  }
}

export function describeProblem(problem: ArgsProblem, flag: string): string {
  switch (problem) {
    case 'unknown':
      return `unknown option ${flag}`;
    case 'needs-value':
      return `${flag} needs a value`;
    case 'takes-no-value':
      return `${flag} takes no value`;
    case 'no-arguments':
      return `unexpected argument ${flag}`;
  }
}

/** node:util's error codes, by what they mean for the learner. */
function toArgsError(e: unknown, argv: readonly string[]): unknown {
  const { code, message } = e as { code?: string; message?: string };
  // NOTE: node names the flag only inside its English message, quoted: `'--chek'`, `'--step <value>'`.
  const flag = /'(-[^' ]+)/.exec(message ?? '')?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new ArgsError('unknown', flag);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const given = argv.some((a) => a.startsWith(`${flag}=`));
    return new ArgsError(given ? 'takes-no-value' : 'needs-value', flag);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return new ArgsError('no-arguments', /'([^']+)'/.exec(message ?? '')?.[1] ?? '');
  }
  return e;
}

/**
 * Parses `argv` against `options` (node:util's option config) plus `--help`; throws an
 * ArgsError for an unknown option, a missing value, a value given to a flag, or an argument
 * where the command takes none.
 */
export function parseCommandArgs<const O extends OptionSpecs>(
  argv: readonly string[],
  options: O,
  allowPositionals = true,
): CommandArgs<O> {
  const config: Config<O> = { args: [...argv], options: { ...options, ...HELP }, strict: true, allowPositionals };
  try {
    return parseArgs(config);
  } catch (e) {
    throw toArgsError(e, argv);
  }
}

/** The first doc comment of a script, as its --help text. */
export function helpText(scriptUrl: string): string {
  const source = readFileSync(fileURLToPath(scriptUrl), 'utf8');
  const doc = /\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? '';
  return doc.replace(/^[ \t]*\* ?/gm, '').trim();
}

/** How a learner types the command of `scripts/x.ts` (every npm script is named after its file). */
export function commandName(scriptUrl: string): string {
  const file = fileURLToPath(scriptUrl);
  const name = path.basename(file, '.ts');
  // a maintainers' script below scripts/ (scripts/bench/simd.ts) has no npm script: name its file
  if (path.basename(path.dirname(file)) !== 'scripts') return `scripts/${path.basename(path.dirname(file))}/${name}.ts`;
  return name === 'start' || name === 'test' ? `npm ${name}` : `npm run ${name}`;
}

/** `npm run manifest: unknown option --chek (npm run manifest -- --help lists the options)` */
export function usageLine(command: string, error: ArgsError): string {
  const help = command.startsWith('npm') ? `${command} -- --help` : `${command} --help`;
  return `${command}: ${error.message} (${help} lists the options)`;
}

/**
 * A command's entry: its arguments, parsed. `--help` prints the script's doc comment and exits
 * 0; a bad command line prints what is wrong (`say`: in English, unless the learner's commands
 * say it in their language) and exits 2.
 */
export function commandArgs<const O extends OptionSpecs>(
  scriptUrl: string,
  argv: readonly string[],
  options: O,
  allowPositionals = false,
  say: (command: string, error: ArgsError) => string = usageLine,
): CommandArgs<O> {
  let parsed: CommandArgs<O>;
  try {
    parsed = parseCommandArgs(argv, options, allowPositionals);
  } catch (e) {
    if (!(e instanceof ArgsError)) throw e;
    console.error(say(commandName(scriptUrl), e));
    process.exit(2);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(helpText(scriptUrl));
    process.exit(0);
  }
  return parsed;
}
