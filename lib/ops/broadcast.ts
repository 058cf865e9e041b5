/**
 * Broadcasting as pure shape functions (NumPy's rules), reused by the element-wise ops and by
 * gradients, which sum back over the axes that were broadcast.
 */
import { ShapeError } from '../errors.ts';
import { formatShape, type Shape } from '../shape.ts';

/**
 * The shape of `a ⊕ b`: align the shapes at the right; on each axis the sizes must be equal
 * or one of them 1.
 *   broadcastShapes('add', [32, 10], [10]) → [32, 10]
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 1; i <= rank; i++) {
    const da = a.length - i >= 0 ? a[a.length - i] : 1;
    const db = b.length - i >= 0 ? b[b.length - i] : 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        `shapes ${formatShape(a)} and ${formatShape(b)} cannot broadcast: axis ${rank - i} has sizes ${da} and ${db}`,
      );
    }
    out[rank - i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * The axes of `outShape` along which an input of shape `inShape` was broadcast: the leading
 * axes it lacked, and the axes where it had size 1 but the output has more. A gradient
 * w.r.t. that input is the output gradient summed over exactly these axes.
 */
export function broadcastAxes(inShape: Shape, outShape: Shape): number[] {
  const lead = outShape.length - inShape.length;
  const axes: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    if (i < lead || (inShape[i - lead] === 1 && outShape[i] !== 1)) axes.push(i);
  }
  return axes;
}

/**
 * For every axis of `outShape`, the step in the input's flat data when the output index on
 * that axis grows by one: the input's stride, or 0 where the input is broadcast.
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const lead = outShape.length - inShape.length;
  const strides = new Array<number>(outShape.length).fill(0);
  let step = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const d = inShape[i];
    strides[i + lead] = d === 1 ? 0 : step;
    step *= d;
  }
  return strides;
}
