/**
 * The checked-in list of equivalent mutants (scripts/mutation/equivalent.json): mutants of a
 * reference solution that no test can tell apart from it, each with the reason. An entry names
 * its mutant by what survives unrelated edits — the file, the mutator, the original and the
 * replacement text — plus a line hint that only chooses between several mutants that match, so
 * code moving up or down does not break it. Texts are compared with runs of whitespace made one
 * space; an original ending in `…` matches any text that starts with the rest (how the survivor
 * list prints a long original, so a line of it can be copied into an entry).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../lib/exercises.ts';

export interface EquivalentEntry {
  /** the solution file, relative to the repository root: solutions/03-matmul/matmul.ts */
  file: string;
  /** StrykerJS' mutator name: EqualityOperator, ConditionalExpression, … */
  mutator: string;
  /** the mutated source text as it is in the solution */
  original: string;
  /** what StrykerJS puts in its place */
  replacement: string;
  /** the line the mutant was on when the entry was written (1-based) */
  line: number;
  /** why no test can kill it: what the change leaves the same */
  reason: string;
}

export const EQUIVALENT_LIST = path.join(ROOT, 'scripts', 'mutation', 'equivalent.json');

/** StrykerJS 10's mutators (@stryker-mutator/instrumenter's src/mutators/). */
export const MUTATORS = [
  'ArithmeticOperator',
  'ArrayDeclaration',
  'ArrowFunction',
  'AssignmentOperator',
  'BlockStatement',
  'BooleanLiteral',
  'CallExpression',
  'ConditionalExpression',
  'EqualityOperator',
  'LogicalOperator',
  'MethodExpression',
  'ObjectLiteral',
  'OptionalChaining',
  'Regex',
  'StringLiteral',
  'UnaryOperator',
  'UpdateOperator',
] as const;

const FIELDS = ['file', 'mutator', 'original', 'replacement', 'line', 'reason'] as const;

/** Whitespace runs made one space, ends trimmed: how source texts are compared. */
export function normaliseCode(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** An entry's text, normalised; `prefix` when it ended in `…` (then `body` is what it starts with). */
function pattern(text: string): { body: string; prefix: boolean } {
  const n = normaliseCode(text);
  return n.endsWith('…') ? { body: n.slice(0, -1).trimEnd(), prefix: true } : { body: n, prefix: false };
}

/** Whether an entry's text (maybe ending in `…`) names the mutant's `text`. */
export function textMatches(entryText: string, text: string): boolean {
  const { body, prefix } = pattern(entryText);
  const have = normaliseCode(text);
  return prefix ? have.startsWith(body) : have === body;
}

/** What is wrong with the list's JSON, entry by entry; empty when it is well-formed. */
export function formProblems(json: unknown): string[] {
  const list = (json as { mutants?: unknown } | null)?.mutants;
  if (!Array.isArray(list)) return ['the list must be an object with a "mutants" array'];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  list.forEach((raw: unknown, i) => {
    const at = `mutants[${i}]`;
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`${at} is not an object`);
      return;
    }
    const e = raw as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!(FIELDS as readonly string[]).includes(key)) problems.push(`${at} has an unknown field "${key}"`);
    }
    for (const key of ['file', 'original', 'replacement', 'reason'] as const) {
      if (typeof e[key] !== 'string' || (key !== 'replacement' && (e[key] as string).trim() === '')) {
        problems.push(`${at}.${key} must be a${key === 'replacement' ? '' : ' non-empty'} string`);
      }
    }
    if (!(MUTATORS as readonly unknown[]).includes(e.mutator)) {
      problems.push(
        `${at}.mutator must be one of StrykerJS' mutators (${MUTATORS.join(', ')}), got ${JSON.stringify(e.mutator)}`,
      );
    }
    if (!Number.isInteger(e.line) || (e.line as number) < 1) problems.push(`${at}.line must be a positive integer`);
    if (typeof e.file === 'string' && !/^solutions\/\d\d-[a-z0-9-]+\/.+\.ts$/.test(e.file)) {
      problems.push(`${at}.file must be a solution's path like solutions/03-matmul/matmul.ts, got "${e.file}"`);
    }
    if (typeof e.reason === 'string' && e.reason.trim().length < 20) {
      problems.push(`${at}.reason must say why no test can tell the mutant apart (a sentence), got "${e.reason}"`);
    }
    const key = JSON.stringify([e.file, e.mutator, e.original, e.replacement, e.line]);
    const twin = seen.get(key);
    if (twin !== undefined) problems.push(`${at} repeats mutants[${twin}]`);
    else seen.set(key, i);
  });
  return problems;
}

/** Entries whose code is gone: the file is missing, or holds no text the original matches. */
export function staleCode(entries: readonly EquivalentEntry[], root = ROOT): string[] {
  return entries.flatMap((e, i) => {
    const file = path.join(root, e.file);
    if (!existsSync(file)) return [`mutants[${i}]: ${e.file} does not exist`];
    const found = normaliseCode(readFileSync(file, 'utf8')).includes(pattern(e.original).body);
    return found ? [] : [`mutants[${i}]: ${e.file} no longer holds ${JSON.stringify(e.original)}`];
  });
}

/** The list, checked: a malformed one is an error that names every problem. */
export function loadEquivalents(file = EQUIVALENT_LIST): EquivalentEntry[] {
  if (!existsSync(file)) return [];
  const json = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const problems = formProblems(json);
  if (problems.length > 0) {
    throw new Error(`${path.relative(ROOT, file)} is malformed:\n  ${problems.join('\n  ')}`);
  }
  return (json as { mutants: EquivalentEntry[] }).mutants;
}
