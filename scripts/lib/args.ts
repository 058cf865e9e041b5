/** A small command-line parser for the learner's commands: positionals, --flags, --key value. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ParsedArgs {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string>;
  /** options that are not known (the command says so and stops) */
  unknown: string[];
}

export function parseArgs(
  argv: readonly string[],
  known: { flags?: readonly string[]; values?: readonly string[] } = {},
): ParsedArgs {
  const flags = new Set(known.flags ?? []);
  const values = new Set(known.values ?? []);
  const out: ParsedArgs = { positional: [], flags: new Set(), values: new Map(), unknown: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('-') || a === '-') {
      out.positional.push(a);
      continue;
    }
    const [name, inline] = a.replace(/^--?/, '').split(/=(.*)/s) as [string, string | undefined];
    if (flags.has(name) && inline === undefined) out.flags.add(name);
    else if (values.has(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined) out.unknown.push(a);
      else out.values.set(name, v);
    } else out.unknown.push(a);
  }
  return out;
}

/** The first doc comment of a script, as its --help text. */
export function helpText(scriptUrl: string): string {
  const source = readFileSync(fileURLToPath(scriptUrl), 'utf8');
  const doc = /\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? '';
  return doc.replace(/^[ \t]*\* ?/gm, '').trim();
}

/**
 * For the maintainers' commands that take (almost) no options: `--help` or `-h` prints the
 * script's doc comment and exits 0; any other option than `allowed` is an error (exit 2), so a
 * typo never runs the command for real (a rebuild, a 4-minute test run).
 */
export function helpOrRefuse(
  scriptUrl: string,
  argv: readonly string[],
  command: string,
  allowed: readonly string[] = [],
): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(helpText(scriptUrl));
    process.exit(0);
  }
  const unknown = argv.filter((a) => !allowed.includes(a));
  if (unknown.length > 0) {
    console.error(
      `${command}: unknown option ${unknown.join(' ')}${allowed.length ? ` (it takes ${allowed.join(', ')}, or --help)` : ' (it takes none but --help)'}`,
    );
    process.exit(2);
  }
}
