/**
 * The control block a GradientPool shares with each worker: CONTROL_WORDS Int32 words per
 * worker, at index * CONTROL_WORDS, used with Atomics. Its own module so the worker reads the
 * layout without loading the pool.
 */
export const SEQ = 0; // main → worker: step number (−1: quit)
export const ROWS = 1; // main → worker: rows in this part
export const DONE = 2; // worker → main: last finished step
export const CONTROL_WORDS = 4;
