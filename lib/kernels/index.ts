/**
 * lib/kernels: the numeric core of lib, plain functions on flat row-major typed arrays, in the
 * style of gl-matrix: `out` first, then the inputs, then the dimensions (m, k, n for a product
 * out[m×n] = a[m×k]·b[k×n]); they never allocate their results. lib/ops wraps them (allocate,
 * check shapes, call) for NDArrays; lib/nn calls them on its preallocated buffers.
 */
export { addBias, relu, reluBackward, sigmoid, sigmoidBackward, sumRows, tanh, tanhBackward } from './elementwise.ts';
export { argmaxRows, crossEntropyBackward, crossEntropySum, EPSILON } from './loss.ts';
export { finiteRows, matmul, matmulTransA, matmulTransB } from './matmul.ts';
export { adamRate, adamStep, momentumStep, rmspropStep, sgdStep } from './optimizers.ts';
export type { Floats } from './scratch.ts';
export { logSoftmax, softmax } from './softmax.ts';
