/**
 * lib's own tensor ops, for the exercises after the one that teaches each op and for the
 * tools (MNIST training, plots). The exercises' specs keep the naive, teachable versions.
 */
export { broadcastAxes, broadcastShapes, broadcastStrides } from './broadcast.ts';
export {
  add,
  div,
  exp,
  log,
  map,
  maximum,
  minimum,
  mul,
  neg,
  type Operand,
  relu,
  sigmoid,
  sqrt,
  square,
  sub,
  tanh,
  zipWith,
} from './elementwise.ts';
export { type MatmulOptions, matmul } from './matmul.ts';
export { argmax, max, mean, sum, sumToShape } from './reduce.ts';
export { reshape, transpose } from './shape-ops.ts';
export { logSoftmax, softmax } from './softmax.ts';
