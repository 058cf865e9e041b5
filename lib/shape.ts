/** Pure functions on shapes (arrays of axis sizes). No data is touched here. */

export type Shape = readonly number[];

/** `[2,3]` — the form every error message uses. A scalar is `[]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Number of elements of a shape: the product of its sizes (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides: how far to step in the flat data to move one along each axis. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** True if every size is a non-negative safe integer. */
export function isValidShape(shape: Shape): boolean {
  return shape.every((d) => Number.isSafeInteger(d) && d >= 0);
}
