/**
 * A half-done kata for the bench's watch reruns: a copy of the kata in a temp folder in which
 * each exercise's file has the first half of its steps solved and the rest still the stub's —
 * what a learner's file looks like most of the time, the spec's early steps passing (their
 * properties running every case) and the later ones failing.
 *
 * The file is the reference solution with each top-level declaration whose stub counterpart
 * throws a TODO of a later step put back to the stub's: a class with methods of several steps
 * counts as its latest one, and what a solved declaration calls stays solved (09's backward
 * of step 1 walks the topological order of step 5). The solution's imports and helpers stay.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { type Exercise, listExercises, ROOT } from '../lib/exercises.ts';

const TODO_STEP = /TODO\([\w-]+\): [^\n]*\(step (\d+)\b/g;

/** The latest step of the TODO errors in `text` (0: none). */
function latestStep(text: string): number {
  let step = 0;
  for (const m of text.matchAll(TODO_STEP)) step = Math.max(step, Number(m[1]));
  return step;
}

/** The name a top-level statement declares (a function, class, or a single const). */
function declaredName(node: ts.Statement): string | undefined {
  if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name) return node.name.text;
  if (ts.isVariableStatement(node) && node.declarationList.declarations.length === 1) {
    const name = node.declarationList.declarations[0]?.name;
    return name && ts.isIdentifier(name) ? name.text : undefined;
  }
  return undefined;
}

/** The names `node` refers to (not property names: 10's `model.fit` is not its `fit`). */
function identifiers(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.Node) => {
    const p = n.parent;
    const property =
      (ts.isPropertyAccessExpression(p) || ts.isPropertyAssignment(p) || ts.isClassElement(p)) && p.name === n;
    if (ts.isIdentifier(n) && !property) names.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

function declarations(source: string): Map<string, ts.Statement> {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out = new Map<string, ts.Statement>();
  for (const statement of file.statements) {
    const name = declaredName(statement);
    if (name) out.set(name, statement);
  }
  return out;
}

/**
 * The exercise's file with steps 1…`solved` taken from `solution` and the later ones from
 * `stub`. Overloads and split declarations are not handled: the kata's files have none.
 */
export function halfDoneSource(stub: string, solution: string, solved: number): string {
  const stubs = declarations(stub);
  const solutions = declarations(solution);
  const later = new Set([...solutions.keys()].filter((name) => latestStep(stubs.get(name)?.getText() ?? '') > solved));
  // What the solved declarations use, transitively, stays solved.
  const queue = [...solutions.keys()].filter((name) => !later.has(name));
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    for (const used of identifiers(solutions.get(name) as ts.Node)) {
      if (later.delete(used)) queue.push(used);
    }
  }
  const edits: { start: number; end: number; text: string }[] = [];
  for (const name of later) {
    const node = solutions.get(name) as ts.Statement;
    edits.push({ start: node.getStart(), end: node.getEnd(), text: (stubs.get(name) as ts.Statement).getText() });
  }
  let out = solution;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The steps of an exercise, as its stub's TODO errors number them. */
export function stepCount(stub: string): number {
  return latestStep(stub);
}

export interface HalfDoneKata {
  root: string;
  exercises: Exercise[];
  /** the steps solved in each exercise's file, by name */
  solved: Map<string, number>;
  dispose(): void;
}

/**
 * A runnable copy of the kata (configs, lib/, data/, exercises/; node_modules linked, so
 * Vite's transform cache is shared) with every exercise half done: steps 1…⌊n/2⌋ solved.
 */
export function makeHalfDoneKata(from = ROOT): HalfDoneKata {
  const root = mkdtempSync(path.join(tmpdir(), 'kata-half-done-'));
  for (const f of ['package.json', 'tsconfig.json', 'vitest.config.ts']) cpSync(path.join(from, f), path.join(root, f));
  for (const d of ['lib', 'data', 'exercises']) cpSync(path.join(from, d), path.join(root, d), { recursive: true });
  symlinkSync(path.join(from, 'node_modules'), path.join(root, 'node_modules'), 'junction');
  const solved = new Map<string, number>();
  const originals = new Map(listExercises(from).map((e) => [e.name, e]));
  const exercises = listExercises(root);
  for (const ex of exercises) {
    const original = originals.get(ex.name) as Exercise;
    const stub = readFileSync(original.stub, 'utf8');
    const steps = Math.floor(stepCount(stub) / 2);
    writeFileSync(ex.stub, halfDoneSource(stub, readFileSync(original.solution, 'utf8'), steps));
    solved.set(ex.name, steps);
  }
  return { root, exercises, solved, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
