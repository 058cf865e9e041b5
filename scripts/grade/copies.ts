/**
 * Near-verbatim copies of the reference solution. Learners' copies of the kata contain
 * solutions/, so a graded course wants to know who handed in the reference. The measure:
 * the function bodies of both, as token streams with every name, string and number made the
 * same (so renaming, reformatting, reordering and deleting comments change nothing), cut into
 * runs of K tokens; the share of the reference's runs that the learner's code also contains.
 * Code written independently shares short idioms (`for (let i = 0; i < n; i++)`), rarely long
 * runs; a copy shares nearly all of them. It is a flag for the instructor, never a score.
 */
import path from 'node:path';
import ts from 'typescript';
import { readRegularText, walkRegular } from './safe-fs.ts';

/** Tokens per run. */
const K = 12;
/** The share of the reference's runs above which an exercise is flagged. */
export const COPY_THRESHOLD = 0.8;
/** References shorter than this many runs are not judged: too little to tell. */
const MIN_RUNS = 40;

const BODY = new Set([
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
]);

/** The normalised tokens of the function bodies in `source`. */
export function bodyTokens(source: string): string[] {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const ranges: [number, number][] = [];
  const visit = (node: ts.Node) => {
    const body = BODY.has(node.kind) ? (node as ts.FunctionLikeDeclaration).body : undefined;
    if (body) ranges.push([body.getStart(file), body.getEnd()]);
    else ts.forEachChild(node, visit);
  };
  visit(file);
  const out: string[] = [];
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard);
  for (const [start, end] of ranges) {
    scanner.setText(source, start, end - start);
    for (let t = scanner.scan(); t !== ts.SyntaxKind.EndOfFileToken; t = scanner.scan()) {
      if (t === ts.SyntaxKind.Identifier || t === ts.SyntaxKind.PrivateIdentifier) out.push('I');
      else if (t === ts.SyntaxKind.NumericLiteral || t === ts.SyntaxKind.BigIntLiteral) out.push('N');
      else if (
        t === ts.SyntaxKind.StringLiteral ||
        t === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
        t === ts.SyntaxKind.TemplateHead ||
        t === ts.SyntaxKind.TemplateMiddle ||
        t === ts.SyntaxKind.TemplateTail
      )
        out.push('S');
      else out.push(ts.tokenToString(t) ?? String(t));
    }
  }
  return out;
}

function runs(tokens: string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + K <= tokens.length; i++) out.add(tokens.slice(i, i + K).join(' '));
  return out;
}

/** The share (0–1) of the reference's token runs found in the learner's code; null if the reference is too short. */
export function similarity(learner: string, reference: string): number | null {
  const ref = runs(bodyTokens(reference));
  if (ref.size < MIN_RUNS) return null;
  const mine = runs(bodyTokens(learner));
  let shared = 0;
  for (const r of ref) if (mine.has(r)) shared++;
  return shared / ref.size;
}

function sources(dir: string): string {
  const { files } = walkRegular(dir, { skip: (n) => n.startsWith('.') || n === 'node_modules' });
  return files
    .filter((f) => /\.[cm]?ts$/.test(f.rel) && !/\.(spec|test)\./.test(f.rel))
    .map((f) => readRegularText(f.abs, 2 * 1024 * 1024) ?? '')
    .join('\n');
}

/**
 * How much of the reference solution the learner's exercise contains, when that is over the
 * threshold; null otherwise (or when there is nothing to compare).
 */
export function copiedFromReference(submissionRoot: string, stageRoot: string, exercise: string): number | null {
  const reference = sources(path.join(stageRoot, 'solutions', exercise));
  const learner = sources(path.join(submissionRoot, 'exercises', exercise));
  if (!reference || !learner) return null;
  const s = similarity(learner, reference);
  return s !== null && s >= COPY_THRESHOLD ? Math.round(s * 1000) / 1000 : null;
}
