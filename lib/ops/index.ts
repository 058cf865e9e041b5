/**
 * lib's tensor ops on NDArrays, for the reference solutions after the exercise that teaches
 * each op, the REPL and the tests. Each op checks shapes, allocates its result and calls
 * lib/kernels, the typed-array routines `npm run mnist` and `npm run bench` train and
 * measure with (through lib/nn), so the tools and the ops share one numeric core. The
 * exercises' specs keep the naive, teachable versions.
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
