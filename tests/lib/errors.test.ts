import { describe, expect, it } from 'vitest';
import { ArgumentError, assertRank, assertSameShape, assertShape, ShapeError } from '../../lib/errors.ts';

describe('errors name the op and the shapes', () => {
  it('ShapeError: "op: detail", with the parts kept for tools', () => {
    const e = new ShapeError('matmul', 'inner dimensions 3 and 4 differ (a [2,3], b [4,5])');
    expect(e.message).toBe('matmul: inner dimensions 3 and 4 differ (a [2,3], b [4,5])');
    expect(e.name).toBe('ShapeError');
    expect(e.op).toBe('matmul');
    expect(e).toBeInstanceOf(Error);
    expect(new ArgumentError('batch', 'batchSize must be positive').message).toBe('batch: batchSize must be positive');
  });

  it('assertShape accepts wildcards and shows expected vs actual', () => {
    expect(() => assertShape('dense', 'W', [784, 512], [784, -1])).not.toThrow();
    expect(() => assertShape('dense', 'W', [784, 512], [10, null])).toThrow(
      'dense: W must have shape [10,?], got [784,512]',
    );
  });

  it('assertRank and assertSameShape', () => {
    expect(() => assertRank('relu', 'x', [2, 3, 4], 2)).toThrow('relu: x must have rank 2, got rank 3 (shape [2,3,4])');
    expect(() => assertRank('relu', 'x', [2], [1, 2])).not.toThrow();
    expect(() => assertSameShape('naiveAdd', [2, 3], [3, 2], ['x', 'y'])).toThrow(
      'naiveAdd: shapes differ (x [2,3], y [3,2])',
    );
  });
});
