/**
 * Softmax and log-softmax along the last axis of an NDArray: the shape checked and the result
 * allocated here, the rows computed by lib/kernels/softmax.ts (where the special values and
 * their TF.js differences are written down).
 */
import { ShapeError } from '../errors.ts';
import * as K from '../kernels/index.ts';
import { NDArray } from '../ndarray.ts';

function eachRow(op: string, x: NDArray, kernel: typeof K.softmax): NDArray {
  if (x.rank === 0) throw new ShapeError(op, 'needs at least one axis, got a scalar');
  const n = x.shape[x.rank - 1];
  const out = x.dtype === 'float32' ? new Float32Array(x.size) : new Float64Array(x.size);
  if (n > 0) kernel(out, x.data, x.size / n, n);
  return new NDArray(out, x.shape);
}

export const softmax = (x: NDArray): NDArray => eachRow('softmax', x, K.softmax);

/** log(softmax(x)) = x − max − log Σ exp(x − max): finite even where softmax underflows to 0. */
export const logSoftmax = (x: NDArray): NDArray => eachRow('logSoftmax', x, K.logSoftmax);
