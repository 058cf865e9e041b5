/**
 * What tests/readme-errors.test.ts compares: the message patterns a spec's `toThrow(…)` and
 * `toThrowKind(Kind, …)` ask for, and the messages an exercise's README quotes.
 *
 * Patterns are read from the spec's syntax tree, not by running it. A regex literal is taken
 * as it is. A pattern built at run time (`new RegExp(\`${name}\\.step: got 2 params\`)`, or a
 * const holding one) keeps its fixed text, and each `${…}` becomes "anything": the README
 * then quotes the message with example values in those places.
 */
import ts from 'typescript';

export interface SpecPattern {
  /** 1-based line of the `toThrow` / `toThrowKind` call */
  line: number;
  /** the README step of the `describe('step k: …')` around the call, if any */
  step?: number;
  /** the pattern as written in the spec */
  text: string;
  /** what it is checked with; null when it could not be read without running the spec */
  regex: RegExp | null;
}

/** Matches what a `${…}` of a pattern's template can put there. */
const ANYTHING = '[^]*?';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The `${…}` parts of a template, stood in for by ANYTHING. */
function templateSource(node: ts.TemplateExpression): string {
  return node.head.text + node.templateSpans.map((s) => ANYTHING + s.literal.text).join('');
}

/** The const that `name` refers to from `at`: the nearest enclosing declaration. */
function constInitializer(name: string, at: ts.Node): ts.Expression | undefined {
  for (let scope: ts.Node | undefined = at.parent; scope; scope = scope.parent) {
    let found: ts.Expression | undefined;
    scope.forEachChild((child) => {
      if (!ts.isVariableStatement(child)) return;
      for (const d of child.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) found = d.initializer;
      }
    });
    if (found) return found;
  }
  return undefined;
}

/** The regex source a pattern argument stands for, or null when it is not one the spec can build without running. */
function sourceOf(node: ts.Expression, depth = 0): { source: string; flags: string } | null {
  if (depth > 4) return null;
  if (ts.isRegularExpressionLiteral(node)) {
    const end = node.text.lastIndexOf('/');
    return { source: node.text.slice(1, end), flags: node.text.slice(end + 1) };
  }
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return { source: node.text, flags: '' };
  if (ts.isTemplateExpression(node)) return { source: templateSource(node), flags: '' };
  if (ts.isParenthesizedExpression(node)) return sourceOf(node.expression, depth + 1);
  if (ts.isIdentifier(node)) {
    const init = constInitializer(node.text, node);
    return init ? sourceOf(init, depth + 1) : null;
  }
  // `new RegExp(text)`, `new RegExp(text.replace(/[[\]]/g, '\\$&'))`: the escaping replace keeps the text's meaning.
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
    const [first, flags] = node.arguments ?? [];
    const inner = first ? sourceOf(first, depth + 1) : null;
    return inner && (!flags || ts.isStringLiteral(flags)) ? { source: inner.source, flags: flags?.text ?? '' } : null;
  }
  if (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === 'replace'
  ) {
    return sourceOf(node.expression.expression, depth + 1);
  }
  return null;
}

/** k of the innermost `describe('step k: …')` around `node`. */
function stepOf(node: ts.Node): number | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (!ts.isCallExpression(n) || !ts.isIdentifier(n.expression) || n.expression.text !== 'describe') continue;
    const title = n.arguments[0];
    const m = title && ts.isStringLiteralLike(title) ? /^step (\d+)\b/.exec(title.text) : null;
    if (m) return Number(m[1]);
  }
  return undefined;
}

/**
 * Every `toThrow(pattern)` and `toThrowKind(Kind, pattern)` of a spec whose call is not
 * marked as checking someone else's error. `toThrow(SomeClass)` checks a class, not a message,
 * and is left out; so is a call on a line under `// readme-errors: not the learner's message`
 * (TensorFlow.js' own errors, say).
 */
export function specPatterns(source: string, fileName = 'spec.ts'): SpecPattern[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const lines = source.split('\n');
  const out: SpecPattern[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const name = node.expression.name.text;
      const arg = name === 'toThrow' ? node.arguments[0] : name === 'toThrowKind' ? node.arguments[1] : undefined;
      const negated =
        ts.isPropertyAccessExpression(node.expression.expression) && node.expression.expression.name.text === 'not';
      const line = file.getLineAndCharacterOfPosition(node.expression.name.getStart()).line + 1;
      const exempt = /readme-errors: not the learner's message/.test(lines[line - 2] ?? '');
      const isClass = arg && ts.isIdentifier(arg) && /^[A-Z]/.test(arg.text) && !constInitializer(arg.text, arg);
      if (arg && !exempt && !isClass && !negated) {
        // toThrow('text') asks for the text anywhere in the message, as it is.
        const s = ts.isStringLiteral(arg) ? { source: escapeRegExp(arg.text), flags: '' } : sourceOf(arg);
        const step = stepOf(node);
        out.push({
          line,
          ...(step === undefined ? {} : { step }),
          text: arg.getText(file),
          regex: s ? new RegExp(s.source, s.flags) : null,
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/**
 * The messages a README quotes: its inline code spans (a line break inside one reads as a
 * space, as Markdown renders it) and each line of its fenced code blocks.
 */
export function quotedMessages(markdown: string): string[] {
  const quoted: string[] = [];
  const prose = markdown.replace(
    /^[ \t]*(```|~~~)[^\n]*\n([\s\S]*?)^[ \t]*\1[ \t]*$/gm,
    (_block, _fence, body: string) => {
      quoted.push(...body.split('\n').map((l) => l.trim()));
      return '';
    },
  );
  for (const m of prose.matchAll(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g)) {
    quoted.push((m[2] as string).replace(/\s*\n\s*/g, ' ').trim());
  }
  return quoted.filter((q) => q.length > 0);
}

/**
 * The whole text of each numbered step of a README's `## Steps` (`## 단계`) section: from its
 * number to the next step's, so a step's notes, lists and code blocks belong to it.
 */
export function stepTexts(markdown: string): string[] {
  const section = /^##\s+(?:Steps|단계)\s*$([\s\S]*?)(?=^##\s|(?![\s\S]))/m.exec(markdown)?.[1] ?? '';
  return section
    .split(/^(?=\d+\.\s)/m)
    .filter((part) => /^\d+\.\s/.test(part))
    .map((part) => part.trimEnd());
}
