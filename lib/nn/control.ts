/**
 * The control block a GradientPool shares with each worker: CONTROL_WORDS Int32 words per
 * worker, at index * CONTROL_WORDS, used with Atomics. Its own module so the worker reads the
 * layout without loading the pool.
 */
export const SEQ = 0; // main → worker: step number (−1: quit)
export const ROWS = 1; // main → worker: rows in this part
export const DONE = 2; // worker → main: last finished step (gradients, and its part of the update)
export const GRADS = 3; // worker → main: last step whose gradients are in its shared buffers
export const MODE = 4; // main → worker: GRADIENTS_ONLY, UPDATE or NEW_OPTIMIZER (then UPDATE)
export const ALL_GRADS = 5; // main → worker: last step whose gradients are all in, and their weights
export const CONTROL_WORDS = 8;

export const GRADIENTS_ONLY = 0;
export const UPDATE = 1;
/** a new optimizer's spec waits on the worker's port: build it, then update */
export const NEW_OPTIMIZER = 2;

/** Sleeps until control[at] === value (re-checking every second, in case a notify came first). */
export function waitFor(control: Int32Array, at: number, value: number): void {
  while (Atomics.load(control, at) !== value) Atomics.wait(control, at, Atomics.load(control, at), 1000);
}
