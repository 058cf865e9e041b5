/**
 * A line diff (Myers' O(ND) algorithm, "An O(ND) Difference Algorithm and Its Variations",
 * 1986) and its unified rendering, for showing a learner how the reference solution differs
 * from their code. Lines that differ only in trailing whitespace count as equal.
 */
import type { Style } from './term.ts';

export type Edit =
  | { op: 'equal'; a: number; b: number; line: string }
  | { op: 'delete'; a: number; line: string }
  | { op: 'insert'; b: number; line: string };

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A shortest edit script turning `a` into `b`, in order. */
export function diffLines(
  a: readonly string[],
  b: readonly string[],
  eq: (x: string, y: string) => boolean = (x, y) => x === y,
): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && eq(a[x] as string, b[y] as string)) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break outer;
      }
    }
  }
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = found; d >= 0; d--) {
    const vd = trace[d] as Int32Array;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[off + k - 1] < vd[off + k + 1]) ? k + 1 : k - 1;
    const prevX = vd[off + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      edits.push({ op: 'equal', a: x, b: y, line: b[y] as string });
    }
    if (d > 0) {
      if (x === prevX) edits.push({ op: 'insert', b: prevY, line: b[prevY] as string });
      else edits.push({ op: 'delete', a: prevX, line: a[prevX] as string });
    }
    x = prevX;
    y = prevY;
  }
  return edits.reverse();
}

export interface UnifiedOptions {
  fromFile: string;
  toFile: string;
  /** lines of context around each change (default 3) */
  context?: number;
  style?: Style;
}

const ignoreTrailingSpace = (x: string, y: string) => x.trimEnd() === y.trimEnd();

/** A unified diff (`diff -u`) of two texts; '' when they are equal. */
export function unifiedDiff(from: string, to: string, options: UnifiedOptions): string {
  const a = splitLines(from);
  const b = splitLines(to);
  const edits = diffLines(a, b, ignoreTrailingSpace);
  const context = options.context ?? 3;
  const changed = edits.map((e, i) => (e.op === 'equal' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return '';
  const paint = options.style;
  const out: string[] = [
    paint ? paint.bold(`--- ${options.fromFile}`) : `--- ${options.fromFile}`,
    paint ? paint.bold(`+++ ${options.toFile}`) : `+++ ${options.toFile}`,
  ];
  // Hunks: runs of changes whose gaps of equal lines are at most 2·context.
  let i = 0;
  while (i < changed.length) {
    let j = i;
    while (j + 1 < changed.length && changed[j + 1] - changed[j] - 1 <= 2 * context) j++;
    const start = Math.max(0, changed[i] - context);
    const end = Math.min(edits.length - 1, changed[j] + context);
    const hunk = edits.slice(start, end + 1);
    // Line numbers (1-based) where the hunk starts in each file, from the edits before it.
    let aLine = 0;
    let bLine = 0;
    for (const e of edits.slice(0, start)) {
      if (e.op !== 'insert') aLine++;
      if (e.op !== 'delete') bLine++;
    }
    const aLen = hunk.filter((e) => e.op !== 'insert').length;
    const bLen = hunk.filter((e) => e.op !== 'delete').length;
    const header = `@@ -${aLen === 0 ? aLine : aLine + 1},${aLen} +${bLen === 0 ? bLine : bLine + 1},${bLen} @@`;
    out.push(paint ? paint.cyan(header) : header);
    for (const e of hunk) {
      if (e.op === 'equal') out.push(` ${e.line}`);
      else if (e.op === 'delete') out.push(paint ? paint.red(`-${e.line}`) : `-${e.line}`);
      else out.push(paint ? paint.green(`+${e.line}`) : `+${e.line}`);
    }
    i = j + 1;
  }
  return out.join('\n');
}
