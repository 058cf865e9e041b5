/** Errors every exercise and lib function throws. One type per kind of mistake. */

import { formatShape } from './shape.ts';

/** What every kata error says: the op that failed, then what was wrong (`${op}: ${detail}`). */
abstract class OpError extends Error {
  readonly op: string;
  readonly detail: string;
  constructor(op: string, detail: string) {
    super(`${op}: ${detail}`);
    this.op = op;
    this.detail = detail;
  }
}

/**
 * A shape mistake. The message always names the op and the shapes involved, e.g.
 * `matmul: inner dimensions 3 and 4 differ (a [2,3], b [4,5])`.
 */
export class ShapeError extends OpError {
  override name = 'ShapeError';
}

/** A bad argument that is not a shape: a negative size, an unknown option, a NaN. */
export class ArgumentError extends OpError {
  override name = 'ArgumentError';
}

/**
 * Throws a ShapeError unless `actual` equals `expected`. `-1` (or null) in `expected`
 * matches any size on that axis. `what` names the argument, e.g. 'x' or 'weights'.
 */
export function assertShape(
  op: string,
  what: string,
  actual: readonly number[],
  expected: readonly (number | null)[],
): void {
  const ok = actual.length === expected.length && expected.every((d, i) => d === null || d === -1 || d === actual[i]);
  if (!ok) {
    const want = `[${expected.map((d) => (d === null || d === -1 ? '?' : String(d))).join(',')}]`;
    throw new ShapeError(op, `${what} must have shape ${want}, got ${formatShape(actual)}`);
  }
}

/** Throws a ShapeError unless `shape` has `rank` axes (or one of several ranks). */
export function assertRank(op: string, what: string, shape: readonly number[], rank: number | readonly number[]): void {
  const ranks = typeof rank === 'number' ? [rank] : rank;
  if (!ranks.includes(shape.length)) {
    const want = ranks.join(' or ');
    throw new ShapeError(op, `${what} must have rank ${want}, got rank ${shape.length} (shape ${formatShape(shape)})`);
  }
}

/** Throws a ShapeError unless both shapes are equal; the message shows both. */
export function assertSameShape(
  op: string,
  a: readonly number[],
  b: readonly number[],
  names: [string, string] = ['a', 'b'],
): void {
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new ShapeError(op, `shapes differ (${names[0]} ${formatShape(a)}, ${names[1]} ${formatShape(b)})`);
  }
}
